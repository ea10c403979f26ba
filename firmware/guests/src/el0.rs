//! EL0 tasks: [`run_el0`] saves the caller's callee-saved registers, SP and DAIF, then ERETs to
//! `entry(arg)` at EL0t with IRQs unmasked; the task ends with `SVC #0xFFF0` (its return lands
//! on a trampoline that makes the call), which brings the caller back with the task's x0.
//! Other SVCs go to the guest's synchronous handler. One task at a time (single vCPU).

use crate::vectors::Frame;
use crate::Global;

/// SVC immediate: "the task is done, resume run_el0's caller with x0".
pub const SVC_RETURN: u64 = 0xfff0;
/// SPSR_EL1 for the task: EL0t with every DAIF bit clear (DDI 0487F C5.2.18).
const SPSR_EL0T: u64 = 0;

#[repr(C)]
#[derive(Clone, Copy)]
struct Resume([u64; 14]);

static RESUME: Global<Resume> = Global::new(Resume([0; 14]));

core::arch::global_asm!(
    r#"
.section .text.el0, "ax"
// __run_el0(entry x0, stack_top x1, ctx x2, arg x3)
.global __run_el0
__run_el0:
    stp     x19, x20, [x2, #0]                  // callee-saved registers of the caller
    stp     x21, x22, [x2, #16]
    stp     x23, x24, [x2, #32]
    stp     x25, x26, [x2, #48]
    stp     x27, x28, [x2, #64]
    stp     x29, x30, [x2, #80]
    mov     x9, sp                              // caller's SP and DAIF
    mrs     x10, daif
    stp     x9, x10, [x2, #96]
    msr     sp_el0, x1                          // task stack
    mov     x9, #{spsr}                         // EL0t, interrupts unmasked
    msr     spsr_el1, x9
    msr     elr_el1, x0                         // task entry
    adr     x30, __el0_return                   // the task returns to the trampoline
    mov     x0, x3                              // task argument
    eret
__el0_return:
    svc     #{svc}                              // task done: back to EL1
    b       __el0_return

// __resume_el1(ctx x0, value x1): return from __run_el0 with x0 = value.
.global __resume_el1
__resume_el1:
    ldp     x19, x20, [x0, #0]
    ldp     x21, x22, [x0, #16]
    ldp     x23, x24, [x0, #32]
    ldp     x25, x26, [x0, #48]
    ldp     x27, x28, [x0, #64]
    ldp     x29, x30, [x0, #80]
    ldp     x9, x10, [x0, #96]
    mov     sp, x9                              // drops the exception frame
    msr     daif, x10                           // caller's masks
    mov     x0, x1
    ret
"#,
    spsr = const SPSR_EL0T,
    svc = const SVC_RETURN,
);

extern "C" {
    fn __run_el0(entry: extern "C" fn(u64) -> u64, stack_top: u64, ctx: *mut Resume, arg: u64) -> u64;
    fn __resume_el1(ctx: *const Resume, value: u64) -> !;
}

/// Runs `entry(arg)` at EL0 on the stack ending at `stack_top`; returns its result.
pub fn run_el0(entry: extern "C" fn(u64) -> u64, stack_top: u64, arg: u64) -> u64 {
    // SAFETY: the assembly saves our callee-saved state and `__resume_el1` restores it.
    unsafe { __run_el0(entry, stack_top, RESUME.0.get(), arg) }
}

/// Called for synchronous exceptions: serves the task-return SVC from EL0.
pub(crate) fn serve(frame: &mut Frame) -> bool {
    let from_el0 = (frame.spsr >> 2) & 3 == 0;
    if from_el0 && frame.ec() == 0x15 && frame.iss() & 0xffff == SVC_RETURN {
        // SAFETY: RESUME holds the context saved by the matching run_el0.
        unsafe { __resume_el1(RESUME.0.get(), frame.x[0]) }
    }
    false
}
