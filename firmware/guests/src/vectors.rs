//! EL1 exception vectors of the guests (DDI 0487F D1.10.2): every entry saves a [`Frame`] on
//! SP_EL1, calls the registered handler and restores the (possibly modified) frame. An
//! exception with no handler, or one the handler declines, prints and stops the VM.

use crate::Global;

/// Registers saved on exception entry (`repr(C)`: the assembly fills it).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub x: [u64; 31],
    pub sp_el0: u64,
    pub elr: u64,
    pub spsr: u64,
    pub esr: u64,
    pub far: u64,
}

const FRAME: usize = core::mem::size_of::<Frame>();
const _: () = assert!(FRAME == 288);

impl Frame {
    /// ESR_EL1.EC.
    pub fn ec(&self) -> u64 {
        (self.esr >> 26) & 0x3f
    }
    /// ESR_EL1.ISS.
    pub fn iss(&self) -> u64 {
        self.esr & 0x1ff_ffff
    }
}

/// A handler: `true` when handled (the frame is restored and ERET resumes at `frame.elr`).
pub type Handler = fn(&mut Frame) -> bool;

static SYNC: Global<Option<Handler>> = Global::new(None);
static IRQ: Global<Option<Handler>> = Global::new(None);

/// Handler of synchronous exceptions (from EL1 and EL0).
pub fn set_sync_handler(h: Option<Handler>) {
    SYNC.set(h);
}

/// Handler of IRQs.
pub fn set_irq_handler(h: Option<Handler>) {
    IRQ.set(h);
}

core::arch::global_asm!(
    r#"
// VENTRY kind: reserve the frame, free x0/x1, x1 = vector index, branch to the common path.
.macro VENTRY kind
    .balign 0x80
    sub     sp, sp, #{frame}                    // room for a Frame on SP_EL1
    stp     x0, x1, [sp, #0]                    // frame.x[0..2]
    mov     x1, #\kind                          // vector index
    b       __guest_trap
.endm

.section .text.vectors, "ax"
.balign 2048
.global __guest_vectors
__guest_vectors:
    VENTRY 0                                    // EL1t: sync, IRQ, FIQ, SError
    VENTRY 1
    VENTRY 2
    VENTRY 3
    VENTRY 4                                    // EL1h
    VENTRY 5
    VENTRY 6
    VENTRY 7
    VENTRY 8                                    // EL0 AArch64
    VENTRY 9
    VENTRY 10
    VENTRY 11
    VENTRY 12                                   // EL0 AArch32
    VENTRY 13
    VENTRY 14
    VENTRY 15
__guest_trap:
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
    mrs     x2, sp_el0                          // x30, SP_EL0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1                         // ELR, SPSR
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_el1                         // ESR, FAR
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    mov     x0, sp                              // guest_exception(frame, kind)
    bl      guest_exception
    ldp     x2, x3, [sp, #256]                  // ELR, SPSR (possibly changed)
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #240]                 // x30, SP_EL0
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
    ldp     x0, x1, [sp, #0]                    // x0, x1
    add     sp, sp, #{frame}                    // pop the frame
    eret
"#,
    frame = const FRAME,
);

#[no_mangle]
extern "C" fn guest_exception(frame: &mut Frame, kind: u64) {
    if kind & 3 == 0 && crate::el0::serve(frame) {
        return;
    }
    let handler = if kind & 3 == 1 { IRQ.get() } else { SYNC.get() };
    if handler.is_some_and(|h| h(frame)) {
        return;
    }
    crate::println!(
        "unhandled exception (vector {}): ESR_EL1={:#x} ELR_EL1={:#x} FAR_EL1={:#x}",
        kind,
        frame.esr,
        frame.elr,
        frame.far
    );
    crate::power_off()
}
