//! The EL2 exception vectors and the guest entry/exit paths, in assembly (DDI 0487F D1.10.2
//! "Exception vectors": 2 KiB aligned, 16 entries of 0x80 bytes).
//!
//! - Exceptions from a lower EL (a guest) save the guest's general-purpose registers, SP_EL0,
//!   ELR_EL2 and SPSR_EL2 into the running vCPU's [`GuestRegs`] (found through TPIDR_EL2 ->
//!   [`PerCpu::regs`]), reset SP_EL2 to this core's stack top and call
//!   `hyp_trap(regs, vector) -> regs`; the returned context (the same vCPU or another one the
//!   scheduler picked) is restored and entered with ERET.
//! - Exceptions taken at EL2 itself are hypervisor bugs: `hyp_fault` prints and powers off.
//! - [`fp_save`] / [`fp_restore`] move the FP/SIMD registers (V0-V31, FPCR, FPSR) of a vCPU.

/// A vCPU's general-purpose state as the vector code saves it (`repr(C)`: the assembly uses the
/// offsets checked below).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct GuestRegs {
    /// x0..x30.
    pub x: [u64; 31],
    /// SP_EL0.
    pub sp_el0: u64,
    /// ELR_EL2: where the guest resumes.
    pub elr: u64,
    /// SPSR_EL2: the guest's PSTATE.
    pub spsr: u64,
}

const _: () = assert!(core::mem::offset_of!(GuestRegs, sp_el0) == 248);
const _: () = assert!(core::mem::offset_of!(GuestRegs, elr) == 256);
const _: () = assert!(core::mem::offset_of!(GuestRegs, spsr) == 264);

/// FP/SIMD state: V0..V31, then FPCR and FPSR.
#[repr(C, align(16))]
#[derive(Clone, Copy, Default)]
pub struct FpRegs {
    pub v: [u128; 32],
    pub fpcr: u64,
    pub fpsr: u64,
}

const _: () = assert!(core::mem::offset_of!(FpRegs, fpcr) == 512);

/// Per-physical-core data at TPIDR_EL2 (`repr(C)`: the vector code reads `regs` and
/// `stack_top`).
#[repr(C)]
pub struct PerCpu {
    /// The context of the vCPU running on this core (what the next exit saves into).
    pub regs: *mut GuestRegs,
    /// Top of this core's EL2 stack; every trap starts on an empty stack.
    pub stack_top: u64,
    /// Physical core number.
    pub index: u64,
    /// The VM of the vCPU this core runs, or `u64::MAX` (read by the UART fast path).
    pub vm: u64,
}

const _: () = assert!(core::mem::offset_of!(PerCpu, stack_top) == 8);

/// A frame saved by an exception taken at EL2 (a hypervisor bug).
#[repr(C)]
pub struct HypFrame {
    pub x: [u64; 31],
    pub elr: u64,
    pub spsr: u64,
    pub esr: u64,
    pub far: u64,
    _pad: u64,
}

const HYP_FRAME: usize = core::mem::size_of::<HypFrame>();
const _: () = assert!(HYP_FRAME == 288);

core::arch::global_asm!(
    r#"
// GUEST_VENTRY kind: an exception from the guest. Frees x0/x1 on the EL2 stack, points x0 at
// the running vCPU's GuestRegs, x1 = vector index, and saves the rest in __guest_exit.
.macro GUEST_VENTRY kind
    .balign 0x80
    stp     x0, x1, [sp, #-16]!                 // guest x0/x1 to the EL2 stack
    mrs     x0, tpidr_el2                       // x0 = this core's PerCpu
    ldr     x0, [x0]                            // x0 = PerCpu.regs (running vCPU)
    mov     x1, #\kind                          // x1 = vector index
    b       __guest_exit                        // save and dispatch
.endm

// HYP_VENTRY kind: an exception taken at EL2 (a hypervisor bug): frame on the stack, report.
.macro HYP_VENTRY kind
    .balign 0x80
    sub     sp, sp, #{hyp_frame}                // room for a HypFrame
    stp     x0, x1, [sp, #0]                    // frame.x[0..2]
    mov     x1, #\kind                          // x1 = vector index
    b       __hyp_fault_entry                   // save the rest and report
.endm

.section .text.vectors, "ax"
.balign 2048
.global __hyp_vectors
__hyp_vectors:                                  // VBAR_EL2
    HYP_VENTRY 0                                // current EL with SP_EL0: sync, IRQ, FIQ, SError
    HYP_VENTRY 1
    HYP_VENTRY 2
    HYP_VENTRY 3
    HYP_VENTRY 4                                // current EL with SP_EL2
    HYP_VENTRY 5
    HYP_VENTRY 6
    HYP_VENTRY 7
    GUEST_VENTRY 8                              // lower EL, AArch64: sync, IRQ, FIQ, SError
    GUEST_VENTRY 9
    GUEST_VENTRY 10
    GUEST_VENTRY 11
    GUEST_VENTRY 12                             // lower EL, AArch32 (never: HCR_EL2.RW = 1)
    GUEST_VENTRY 13
    GUEST_VENTRY 14
    GUEST_VENTRY 15

__guest_exit:                                   // x0 = GuestRegs, x1 = vector index
    stp     x2, x3, [x0, #16]                   // guest x2..x29
    stp     x4, x5, [x0, #32]
    stp     x6, x7, [x0, #48]
    stp     x8, x9, [x0, #64]
    stp     x10, x11, [x0, #80]
    stp     x12, x13, [x0, #96]
    stp     x14, x15, [x0, #112]
    stp     x16, x17, [x0, #128]
    stp     x18, x19, [x0, #144]
    stp     x20, x21, [x0, #160]
    stp     x22, x23, [x0, #176]
    stp     x24, x25, [x0, #192]
    stp     x26, x27, [x0, #208]
    stp     x28, x29, [x0, #224]
    str     x30, [x0, #240]                     // guest x30
    ldp     x2, x3, [sp], #16                   // guest x0/x1 back from the stack
    stp     x2, x3, [x0, #0]                    // into GuestRegs.x[0..2]
    mrs     x2, sp_el0                          // GuestRegs.sp_el0
    str     x2, [x0, #248]
    mrs     x2, elr_el2                         // GuestRegs.elr, GuestRegs.spsr
    mrs     x3, spsr_el2
    stp     x2, x3, [x0, #256]
    mrs     x2, tpidr_el2                       // PerCpu
    ldr     x3, [x2, #8]                        // PerCpu.stack_top
    mov     sp, x3                              // every trap starts on an empty stack
    bl      hyp_trap                            // x0 = hyp_trap(regs, vector): what to enter
                                                // fall through into __guest_enter

.global __guest_enter
__guest_enter:                                  // x0 = GuestRegs to enter; does not return
    mrs     x1, tpidr_el2                       // PerCpu
    str     x0, [x1]                            // PerCpu.regs = the vCPU entered
    ldr     x2, [x1, #8]                        // reset SP_EL2 to the stack top: callers
    mov     sp, x2                              // (the idle loop) leave nothing on it
    ldp     x2, x3, [x0, #256]                  // ELR_EL2, SPSR_EL2 of the guest
    msr     elr_el2, x2
    msr     spsr_el2, x3
    ldr     x2, [x0, #248]                      // SP_EL0 of the guest
    msr     sp_el0, x2
    ldp     x2, x3, [x0, #16]                   // guest x2..x29
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]                     // guest x30
    ldp     x0, x1, [x0, #0]                    // guest x0/x1 last (x0 is the base)
    eret                                        // into the guest

__hyp_fault_entry:                              // frame on the stack, x1 = vector index
    stp     x2, x3, [sp, #16]                   // x2..x29
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, elr_el2                         // x30 and ELR_EL2
    stp     x30, x2, [sp, #240]
    mrs     x2, spsr_el2                        // SPSR_EL2 and ESR_EL2
    mrs     x3, esr_el2
    stp     x2, x3, [sp, #256]
    mrs     x2, far_el2                         // FAR_EL2
    str     x2, [sp, #272]
    mov     x0, sp                              // hyp_fault(frame, vector)
    bl      hyp_fault                           // does not return
1:  wfe                                         // park if it does
    b       1b

.section .text.fpsimd, "ax"
.arch_extension fp
.arch_extension simd
.global __fp_save
__fp_save:                                      // x0 = &mut FpRegs
    stp     q0, q1, [x0, #0]                    // V0..V31
    stp     q2, q3, [x0, #32]
    stp     q4, q5, [x0, #64]
    stp     q6, q7, [x0, #96]
    stp     q8, q9, [x0, #128]
    stp     q10, q11, [x0, #160]
    stp     q12, q13, [x0, #192]
    stp     q14, q15, [x0, #224]
    stp     q16, q17, [x0, #256]
    stp     q18, q19, [x0, #288]
    stp     q20, q21, [x0, #320]
    stp     q22, q23, [x0, #352]
    stp     q24, q25, [x0, #384]
    stp     q26, q27, [x0, #416]
    stp     q28, q29, [x0, #448]
    stp     q30, q31, [x0, #480]
    mrs     x1, fpcr                            // FPCR, FPSR
    mrs     x2, fpsr
    add     x3, x0, #512                        // FPCR/FPSR slot (beyond STP's reach)
    stp     x1, x2, [x3]
    ret

.global __fp_restore
__fp_restore:                                   // x0 = &FpRegs
    ldp     q0, q1, [x0, #0]                    // V0..V31
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    add     x3, x0, #512                        // FPCR, FPSR
    ldp     x1, x2, [x3]
    msr     fpcr, x1
    msr     fpsr, x2
    ret
"#,
    hyp_frame = const HYP_FRAME,
);

extern "C" {
    fn __guest_enter(regs: *mut GuestRegs) -> !;
    fn __fp_save(fp: *mut FpRegs);
    fn __fp_restore(fp: *const FpRegs);
    static __hyp_vectors: u8;
}

/// Address of the vector table (for VBAR_EL2).
pub fn vector_base() -> u64 {
    core::ptr::addr_of!(__hyp_vectors) as u64
}

/// Enters the guest context `regs` (its EL1 state must already be loaded) and never returns:
/// the next exception from the guest arrives in `hyp_trap` on an empty stack.
///
/// # Safety
/// `regs` must stay valid until the next exit; TPIDR_EL2 must point at this core's [`PerCpu`].
pub unsafe fn enter_guest(regs: *mut GuestRegs) -> ! {
    // SAFETY: forwarded to the caller.
    unsafe { __guest_enter(regs) }
}

/// Saves this core's FP/SIMD registers into `fp`.
pub fn fp_save(fp: &mut FpRegs) {
    // SAFETY: writes 528 bytes into `fp`, which is that large and 16-byte aligned.
    unsafe { __fp_save(fp) }
}

/// Loads this core's FP/SIMD registers from `fp`.
pub fn fp_restore(fp: &FpRegs) {
    // SAFETY: reads 528 bytes from `fp`.
    unsafe { __fp_restore(fp) }
}

/// Called by the EL2 vectors for an exception taken at EL2: a hypervisor bug.
#[no_mangle]
extern "C" fn hyp_fault(frame: &HypFrame, vector: u64) -> ! {
    if crate::mm::PROBING.load(core::sync::atomic::Ordering::SeqCst) {
        crate::println!("{}", crate::NO_TRANSLATION);
        crate::power_off();
    }
    crate::println!(
        "hypervisor: fault at EL2 (vector {}): ESR_EL2={:#x} ELR_EL2={:#x} FAR_EL2={:#x} SPSR_EL2={:#x} x0={:#x} x30={:#x}",
        vector,
        frame.esr,
        frame.elr,
        frame.far,
        frame.spsr,
        frame.x[0],
        frame.x[30]
    );
    crate::power_off()
}
