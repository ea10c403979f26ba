//! Moving between exception levels.
//!
//! [`drop_to_el1`] (at EL2) and [`drop_to_el0`] (at EL1) save the caller's callee-saved
//! registers, SP and DAIF in a resume context, then ERET to `entry(arg)` at the lower level with
//! all of DAIF masked. When `entry` returns, its link register leads to a trampoline that asks
//! the level above to resume the caller: EL1 executes `HVC #0xFFF0` (or, when HCR_EL2.HCD
//! makes HVC UNDEFINED, `SMC #0xFFF0`, which then needs HCR_EL2.TSC), EL0 executes
//! `SVC #0xFFF0` ([`SERVICE_RETURN`]); the dispatcher of the level above recognises the call
//! (exception from a lower EL, with that immediate), drops the exception frame and returns
//! `entry`'s x0 as the value of the drop call. Lower-level code can also power off with
//! `HVC`/`SVC #0xFFF1` ([`SERVICE_POWER_OFF`]), which [`power_off`](crate::power_off) does.
//!
//! Limits: one active drop per level and core (no nesting of the same level); callers run with
//! SPSel = 1 (the default after boot and in handlers). The resume contexts and the current
//! level are kept per core ([`PerCore`]), so every core can drop on its own.

use crate::smp::PerCore;
use crate::vectors::{ec, TrapFrame};

/// HVC (from EL1) / SVC (from EL0) immediate: "resume the caller of the drop with x0".
pub const SERVICE_RETURN: u64 = 0xFFF0;
/// HVC (from EL1) / SVC (from EL0) immediate: "power off".
pub const SERVICE_POWER_OFF: u64 = 0xFFF1;

/// SPSR_EL2 for the drop to EL1: M = EL1h (0b0101), D, A, I, F masked (bits 9:6).
/// DDI 0487F C5.2 "SPSR_EL2".
const SPSR_EL1H_MASKED: u64 = 0x3C5;
/// SPSR_EL1 for the drop to EL0: M = EL0t (0b0000), D, A, I, F masked.
const SPSR_EL0T_MASKED: u64 = 0x3C0;

/// The function run at the lower level: takes the drop's `arg` in x0, returns a value in x0.
pub type LowerEntry = extern "C" fn(u64) -> u64;

/// What the drop helpers save: x19..x30, SP, DAIF (offsets used by the assembly below).
#[repr(C)]
#[derive(Clone, Copy)]
struct ResumeContext([u64; 14]);

static RESUME_EL2: PerCore<ResumeContext> = PerCore::new(ResumeContext([0; 14]));
static RESUME_EL1: PerCore<ResumeContext> = PerCore::new(ResumeContext([0; 14]));
/// The exception level each core is running at (CurrentEL is not readable at EL0).
static CURRENT_EL: PerCore<u8> = PerCore::new(2);

core::arch::global_asm!(
    r#"
// SAVE_CALLER ctx: store x19..x30, SP and DAIF of the caller at [ctx].
.macro SAVE_CALLER ctx
    stp     x19, x20, [\ctx, #0]                // callee-saved registers
    stp     x21, x22, [\ctx, #16]
    stp     x23, x24, [\ctx, #32]
    stp     x25, x26, [\ctx, #48]
    stp     x27, x28, [\ctx, #64]
    stp     x29, x30, [\ctx, #80]               // frame pointer, return address
    mov     x9, sp                              // SP of the caller
    mrs     x10, daif                           // interrupt masks of the caller
    stp     x9, x10, [\ctx, #96]
.endm

.section .text.levels, "ax"
// __drop_el2_to_el1(entry x0, stack_top x1, ctx x2, arg x3): never returns here.
.global __drop_el2_to_el1
__drop_el2_to_el1:
    SAVE_CALLER x2
    mrs     x9, hcr_el2                         // HCR_EL2.RW = 1: EL1 is AArch64
    orr     x9, x9, #(1 << 31)
    msr     hcr_el2, x9
    msr     sp_el1, x1                          // EL1 stack
    adrp    x9, __el1_vectors                   // EL1 vectors
    add     x9, x9, :lo12:__el1_vectors
    msr     vbar_el1, x9
    mov     x9, #{spsr_el1h}                    // EL1h, DAIF masked
    msr     spsr_el2, x9
    msr     elr_el2, x0                         // ERET target: entry
    adr     x30, __el1_return                   // entry returns to the trampoline
    mov     x0, x3                              // entry's argument
    eret                                        // to EL1
__el1_return:                                   // x0 = entry's result
    hvc     #{service_return}                   // ask EL2 to resume the caller
    smc     #{service_return}                   // the same when HCR_EL2.HCD makes HVC UNDEFINED
                                                // and HCR_EL2.TSC traps SMC to EL2
    b       __el1_return                        // not reached

// __drop_el1_to_el0(entry x0, stack_top x1, ctx x2, arg x3): never returns here.
.global __drop_el1_to_el0
__drop_el1_to_el0:
    SAVE_CALLER x2
    msr     sp_el0, x1                          // EL0 stack
    mov     x9, #{spsr_el0t}                    // EL0t, DAIF masked
    msr     spsr_el1, x9
    msr     elr_el1, x0                         // ERET target: entry
    adr     x30, __el0_return                   // entry returns to the trampoline
    mov     x0, x3                              // entry's argument
    eret                                        // to EL0
__el0_return:                                   // x0 = entry's result
    svc     #{service_return}                   // ask EL1 to resume the caller
    b       __el0_return                        // not reached

// __resume(ctx x0, value x1): return from the drop call saved in ctx, with x0 = value.
.global __resume
__resume:
    ldp     x19, x20, [x0, #0]                  // callee-saved registers
    ldp     x21, x22, [x0, #16]
    ldp     x23, x24, [x0, #32]
    ldp     x25, x26, [x0, #48]
    ldp     x27, x28, [x0, #64]
    ldp     x29, x30, [x0, #80]                 // x30 = return address of the drop call
    ldp     x9, x10, [x0, #96]
    mov     sp, x9                              // caller's SP: drops the exception frames
    msr     daif, x10                           // caller's interrupt masks
    mov     x0, x1                              // the drop call's result
    ret
"#,
    spsr_el1h = const SPSR_EL1H_MASKED,
    spsr_el0t = const SPSR_EL0T_MASKED,
    service_return = const SERVICE_RETURN,
);

extern "C" {
    fn __drop_el2_to_el1(entry: LowerEntry, stack_top: usize, ctx: *mut ResumeContext, arg: u64) -> u64;
    fn __drop_el1_to_el0(entry: LowerEntry, stack_top: usize, ctx: *mut ResumeContext, arg: u64) -> u64;
    fn __resume(ctx: *const ResumeContext, value: u64) -> !;
    static __stack_el1_top: u8;
    static __stack_el0_top: u8;
}

/// Top of the 16 KiB EL1 stack reserved by `link.x`.
pub fn el1_stack_top() -> usize {
    core::ptr::addr_of!(__stack_el1_top) as usize
}

/// Top of the 16 KiB EL0 stack reserved by `link.x`.
pub fn el0_stack_top() -> usize {
    core::ptr::addr_of!(__stack_el0_top) as usize
}

/// The level the program believes it runs at (maintained by the drops and the dispatchers).
pub fn current_level() -> u8 {
    CURRENT_EL.get()
}

/// From EL2: runs `entry(arg)` at EL1h (HCR_EL2.RW = 1, SP_EL1 = `stack_top`,
/// VBAR_EL1 = the support vectors, DAIF masked) and returns its result once it returns.
pub fn drop_to_el1(entry: LowerEntry, stack_top: usize, arg: u64) -> u64 {
    assert_eq!(CURRENT_EL.get(), 2, "drop_to_el1 called below EL2");
    CURRENT_EL.set(1);
    // SAFETY: the assembly saves our callee-saved state in RESUME_EL2 and `__resume` restores
    // it, so to the compiler this is an ordinary call.
    let value = unsafe { __drop_el2_to_el1(entry, stack_top, RESUME_EL2.as_ptr(), arg) };
    CURRENT_EL.set(2);
    value
}

/// From EL1: runs `entry(arg)` at EL0 (SP_EL0 = `stack_top`, DAIF masked) and returns its
/// result once it returns.
pub fn drop_to_el0(entry: LowerEntry, stack_top: usize, arg: u64) -> u64 {
    assert_eq!(CURRENT_EL.get(), 1, "drop_to_el0 called outside EL1");
    CURRENT_EL.set(0);
    // SAFETY: as in `drop_to_el1`, with RESUME_EL1.
    let value = unsafe { __drop_el1_to_el0(entry, stack_top, RESUME_EL1.as_ptr(), arg) };
    CURRENT_EL.set(1);
    value
}

/// Dispatcher entry: the handler runs at `el`; returns the level to restore on the way out.
pub(crate) fn enter_handler(el: u8) -> u8 {
    CURRENT_EL.replace(el)
}

/// Dispatcher exit.
pub(crate) fn leave_handler(outer: u8) {
    CURRENT_EL.set(outer);
}

/// Serves the return and power-off calls from the level below `el`; `false` if `frame` is
/// not one of them.
pub(crate) fn serve(el: u8, frame: &mut TrapFrame) -> bool {
    let (call, ctx): (u64, &PerCore<ResumeContext>) = match el {
        2 => (ec::HVC64, &RESUME_EL2),
        _ => (ec::SVC64, &RESUME_EL1),
    };
    // At EL2 an SMC trapped by HCR_EL2.TSC serves as well (see `__el1_return`).
    if frame.ec() != call && !(el == 2 && frame.ec() == ec::SMC64) {
        return false;
    }
    match frame.iss() & 0xffff {
        SERVICE_RETURN => {
            // SAFETY: the context was saved by the drop that started the lower level, whose
            // caller's frame is still live below this exception's frame on the stack.
            unsafe { __resume(ctx.as_ptr(), frame.x[0]) }
        }
        SERVICE_POWER_OFF => crate::power_off(),
        _ => false,
    }
}
