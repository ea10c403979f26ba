//! Exception vector tables for EL2 and EL1 (DDI 0487F D1.10.2 "Exception vectors": 2 KiB
//! aligned, 16 entries of 0x80 bytes) and the dispatch to handlers registered at run time.
//!
//! Every entry saves a [`TrapFrame`] on the current SP_ELx, calls the Rust dispatcher, then
//! restores x0-x30, SP_EL0, ELR_ELx and SPSR_ELx from the (possibly modified) frame and ERETs.
//! The dispatcher first serves the [`levels`](crate::levels) services (return from a drop,
//! power off from a lower EL), then the registered handler; an exception nobody handles
//! prints its kind, ESR, ELR, SPSR and FAR and powers off.

use crate::{levels, println, Global};

/// Registers saved on exception entry; `repr(C)` because the vector assembly fills it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TrapFrame {
    /// x0..x30 at the time of the exception.
    pub x: [u64; 31],
    /// SP_EL0.
    pub sp_el0: u64,
    /// ELR_ELx: where ERET resumes.
    pub elr: u64,
    /// SPSR_ELx: the PSTATE ERET restores.
    pub spsr: u64,
    /// ESR_ELx (not restored).
    pub esr: u64,
    /// FAR_ELx (not restored).
    pub far: u64,
}

/// Size of [`TrapFrame`]; the vector code allocates it on the stack (a multiple of 16).
const FRAME_SIZE: usize = core::mem::size_of::<TrapFrame>();
const _: () = assert!(FRAME_SIZE == 288 && FRAME_SIZE.is_multiple_of(16));
const _: () = assert!(core::mem::offset_of!(TrapFrame, sp_el0) == 248);
const _: () = assert!(core::mem::offset_of!(TrapFrame, elr) == 256);
const _: () = assert!(core::mem::offset_of!(TrapFrame, esr) == 272);

impl TrapFrame {
    /// ESR_ELx.EC, the exception class (bits 31:26).
    pub fn ec(&self) -> u64 {
        (self.esr >> 26) & 0x3f
    }

    /// ESR_ELx.ISS (bits 24:0).
    pub fn iss(&self) -> u64 {
        self.esr & 0x1ff_ffff
    }

    /// Advances ELR by one instruction (to return past e.g. a BRK or a faulting load).
    pub fn skip(&mut self) {
        self.elr = self.elr.wrapping_add(4);
    }
}

/// ESR_ELx.EC values (DDI 0487F D13.2 "ESR_EL2", table "EC").
pub mod ec {
    /// Unknown reason (UNDEFINED instructions).
    pub const UNKNOWN: u64 = 0x00;
    /// Illegal Execution state.
    pub const ILLEGAL_STATE: u64 = 0x0e;
    /// SVC in AArch64.
    pub const SVC64: u64 = 0x15;
    /// HVC in AArch64.
    pub const HVC64: u64 = 0x16;
    /// SMC in AArch64 (trapped to EL2 by HCR_EL2.TSC).
    pub const SMC64: u64 = 0x17;
    /// Trapped MSR, MRS or System instruction in AArch64.
    pub const SYSREG: u64 = 0x18;
    /// Instruction Abort from a lower EL.
    pub const IABT_LOWER: u64 = 0x20;
    /// Instruction Abort from the same EL.
    pub const IABT_SAME: u64 = 0x21;
    /// PC alignment fault.
    pub const PC_ALIGN: u64 = 0x22;
    /// Data Abort from a lower EL.
    pub const DABT_LOWER: u64 = 0x24;
    /// Data Abort from the same EL.
    pub const DABT_SAME: u64 = 0x25;
    /// SP alignment fault.
    pub const SP_ALIGN: u64 = 0x26;
    /// BRK in AArch64.
    pub const BRK64: u64 = 0x3c;
}

/// Which of the 16 vectors was taken, in table order (offset = index * 0x80).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum VectorKind {
    CurrentSp0Sync,
    CurrentSp0Irq,
    CurrentSp0Fiq,
    CurrentSp0SError,
    CurrentSpxSync,
    CurrentSpxIrq,
    CurrentSpxFiq,
    CurrentSpxSError,
    Lower64Sync,
    Lower64Irq,
    Lower64Fiq,
    Lower64SError,
    Lower32Sync,
    Lower32Irq,
    Lower32Fiq,
    Lower32SError,
}

impl VectorKind {
    const ALL: [VectorKind; 16] = [
        Self::CurrentSp0Sync,
        Self::CurrentSp0Irq,
        Self::CurrentSp0Fiq,
        Self::CurrentSp0SError,
        Self::CurrentSpxSync,
        Self::CurrentSpxIrq,
        Self::CurrentSpxFiq,
        Self::CurrentSpxSError,
        Self::Lower64Sync,
        Self::Lower64Irq,
        Self::Lower64Fiq,
        Self::Lower64SError,
        Self::Lower32Sync,
        Self::Lower32Irq,
        Self::Lower32Fiq,
        Self::Lower32SError,
    ];

    /// Whether this is a synchronous exception vector.
    pub fn is_sync(self) -> bool {
        (self as u8).is_multiple_of(4)
    }
}

/// An exception handler: returns `true` when it handled the exception (the frame is then
/// restored and ERET resumes at `frame.elr`), `false` to fall back to the default (print and
/// power off).
pub type Handler = fn(&mut TrapFrame, VectorKind) -> bool;

static EL2_HANDLER: Global<Option<Handler>> = Global::new(None);
static EL1_HANDLER: Global<Option<Handler>> = Global::new(None);

/// Registers (or with `None` removes) the handler of exceptions taken to EL2.
pub fn set_el2_handler(handler: Option<Handler>) {
    EL2_HANDLER.set(handler);
}

/// Registers (or with `None` removes) the handler of exceptions taken to EL1.
pub fn set_el1_handler(handler: Option<Handler>) {
    EL1_HANDLER.set(handler);
}

core::arch::global_asm!(
    r#"
// VENTRY kind, path: one 0x80-byte vector entry that reserves the trap frame, frees x0/x1,
// puts the vector index in x1 and branches to the shared save/dispatch/restore path.
.macro VENTRY kind, path
    .balign 0x80
    sub     sp, sp, #{frame}                    // room for a TrapFrame on SP_ELx
    stp     x0, x1, [sp, #0]                    // frame.x[0..2]
    mov     x1, #\kind                          // VectorKind index
    b       \path                               // save the rest and dispatch
.endm

// TRAP_PATH el, dispatch: save the frame, call dispatch(frame, kind), restore, ERET.
.macro TRAP_PATH el, dispatch
    stp     x2, x3, [sp, #16]                   // frame.x[2..30]
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
    mrs     x2, sp_el0                          // frame.x[30], frame.sp_el0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_\el                         // frame.elr, frame.spsr
    mrs     x3, spsr_\el
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_\el                         // frame.esr, frame.far
    mrs     x3, far_\el
    stp     x2, x3, [sp, #272]
    mov     x0, sp                              // arg 0: &mut TrapFrame (arg 1: kind in x1)
    bl      \dispatch
    ldp     x2, x3, [sp, #256]                  // possibly modified ELR and SPSR
    msr     elr_\el, x2
    msr     spsr_\el, x3
    ldp     x30, x2, [sp, #240]                 // x30 and SP_EL0
    msr     sp_el0, x2
    ldp     x2, x3, [sp, #16]                   // x2..x29
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldp     x0, x1, [sp, #0]                    // x0, x1 last
    add     sp, sp, #{frame}                    // pop the frame
    eret                                        // to ELR with SPSR
.endm

.section .text.vectors, "ax"
.balign 2048
.global __el2_vectors
__el2_vectors:                                  // VBAR_EL2
    VENTRY 0, __el2_trap                        // current EL, SP_EL0: Sync, IRQ, FIQ, SError
    VENTRY 1, __el2_trap
    VENTRY 2, __el2_trap
    VENTRY 3, __el2_trap
    VENTRY 4, __el2_trap                        // current EL, SP_ELx
    VENTRY 5, __el2_trap
    VENTRY 6, __el2_trap
    VENTRY 7, __el2_trap
    VENTRY 8, __el2_trap                        // lower EL, AArch64
    VENTRY 9, __el2_trap
    VENTRY 10, __el2_trap
    VENTRY 11, __el2_trap
    VENTRY 12, __el2_trap                       // lower EL, AArch32
    VENTRY 13, __el2_trap
    VENTRY 14, __el2_trap
    VENTRY 15, __el2_trap
__el2_trap:
    TRAP_PATH el2, __el2_dispatch

.balign 2048
.global __el1_vectors
__el1_vectors:                                  // VBAR_EL1
    VENTRY 0, __el1_trap                        // current EL, SP_EL0
    VENTRY 1, __el1_trap
    VENTRY 2, __el1_trap
    VENTRY 3, __el1_trap
    VENTRY 4, __el1_trap                        // current EL, SP_ELx
    VENTRY 5, __el1_trap
    VENTRY 6, __el1_trap
    VENTRY 7, __el1_trap
    VENTRY 8, __el1_trap                        // lower EL, AArch64
    VENTRY 9, __el1_trap
    VENTRY 10, __el1_trap
    VENTRY 11, __el1_trap
    VENTRY 12, __el1_trap                       // lower EL, AArch32
    VENTRY 13, __el1_trap
    VENTRY 14, __el1_trap
    VENTRY 15, __el1_trap
__el1_trap:
    TRAP_PATH el1, __el1_dispatch
"#,
    frame = const FRAME_SIZE,
);

/// Called by the EL2 vectors.
#[no_mangle]
extern "C" fn __el2_dispatch(frame: &mut TrapFrame, kind: u64) {
    dispatch(2, &EL2_HANDLER, frame, kind);
}

/// Called by the EL1 vectors.
#[no_mangle]
extern "C" fn __el1_dispatch(frame: &mut TrapFrame, kind: u64) {
    dispatch(1, &EL1_HANDLER, frame, kind);
}

fn dispatch(el: u8, handler: &Global<Option<Handler>>, frame: &mut TrapFrame, kind: u64) {
    let kind = VectorKind::ALL[(kind & 15) as usize];
    let outer = levels::enter_handler(el);
    if kind == VectorKind::Lower64Sync && levels::serve(el, frame) {
        levels::leave_handler(outer);
        return;
    }
    let handled = handler.get().is_some_and(|h| h(frame, kind));
    if !handled {
        unhandled(el, frame, kind);
    }
    levels::leave_handler(outer);
}

/// Prints an exception nobody handled and powers off.
pub fn unhandled(el: u8, frame: &TrapFrame, kind: VectorKind) -> ! {
    println!(
        "UNHANDLED EL{} {:?} ESR={:x} ELR={:x} SPSR={:x} FAR={:x}",
        el, kind, frame.esr, frame.elr, frame.spsr, frame.far
    );
    crate::power_off()
}
