//! Self-hosted debug (DDI 0487 D2): a hardware breakpoint, a watchpoint and software step of
//! three instructions, first programmed at EL1 for EL0 code (debug exceptions taken to EL1),
//! then programmed at EL2 for EL1 code with MDCR_EL2.TDE (taken to EL2); also the OS lock,
//! KDE for breakpoints at the debug target EL itself, and BRK routed by TDE.
//!
//! Each exception prints the EL and vector that took it, ESR, ELR relative to the code under
//! test, SPSR.M and SPSR.SS, and FAR for watchpoints relative to the watched data.

#![no_std]
#![no_main]

use core::arch::{asm, global_asm};

use fwtest::{line, println};
use support::{read_sysreg, write_sysreg, Global, TrapFrame, VectorKind};

support::entry!(main);

// The code under test: a straight sequence, so ELR offsets are the same on every build.
// debug_target(x0 = data address) loads and stores at x0 and returns the sum of two loads.
global_asm!(
    r#"
.section .text.debug_target, "ax"
.balign 64
.global debug_target
debug_target:
    mov     x1, #1              // +0x00
    add     x1, x1, #2          // +0x04
    ldr     x2, [x0]            // +0x08  watched load
    add     x3, x1, x2          // +0x0c
    str     x3, [x0, #8]        // +0x10  store
    ldr     x4, [x0, #8]        // +0x14
    nop                         // +0x18  breakpoint
    add     x0, x3, x4          // +0x1c
    ret                         // +0x20
"#
);

unsafe extern "C" {
    /// Defined above; it only touches the memory at x0 and x0..x4.
    safe fn debug_target(data: u64) -> u64;
}

/// The data the target reads and writes (16-byte aligned).
#[repr(C, align(16))]
struct Data([u64; 2]);
static mut DATA: Data = Data([5, 0]);

fn target_addr() -> u64 {
    debug_target as *const () as u64
}

fn data_addr() -> u64 {
    core::ptr::addr_of_mut!(DATA) as u64
}

/// What one debug exception left.
#[derive(Clone, Copy)]
struct Seen {
    el: u8,
    vector: u8,
    esr: u64,
    elr: u64,
    spsr: u64,
    far: u64,
}

const MAX_SEEN: usize = 12;
static SEEN: Global<[Option<Seen>; MAX_SEEN]> = Global::new([None; MAX_SEEN]);
static COUNT: Global<usize> = Global::new(0);
/// Software steps still to take before the handler stops stepping.
static STEPS_LEFT: Global<u32> = Global::new(0);

fn handler_el1(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    handle(1, frame, kind)
}

fn handler_el2(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    handle(2, frame, kind)
}

/// Records the exception; resumes past breakpoints, watchpoints and BRK (skipping the
/// instruction), and for software step continues stepping while steps are left.
fn handle(el: u8, frame: &mut TrapFrame, kind: VectorKind) -> bool {
    let n = COUNT.get();
    if n < MAX_SEEN {
        let mut seen = SEEN.get();
        seen[n] =
            Some(Seen { el, vector: kind as u8, esr: frame.esr, elr: frame.elr, spsr: frame.spsr, far: frame.far });
        SEEN.set(seen);
    }
    COUNT.set(n + 1);
    match frame.ec() {
        // Software step (lower or same EL): step the next instruction too, or stop stepping.
        0x32 | 0x33 => {
            let left = STEPS_LEFT.get();
            if left > 0 {
                STEPS_LEFT.set(left - 1);
                frame.spsr |= 1 << 21;
            } else {
                // Stop: clear MDSCR_EL1.SS (only reachable here at EL1 or EL2) and SPSR.SS.
                write_sysreg!(mdscr_el1, read_sysreg!(mdscr_el1) & !1);
                frame.spsr &= !(1 << 21);
            }
        }
        _ => frame.skip(),
    }
    true
}

/// Prints and clears what the handlers recorded.
fn report(label: &str) {
    let seen = SEEN.replace([None; MAX_SEEN]);
    let count = COUNT.replace(0);
    println!("{} exceptions {}", label, count);
    for s in seen.iter().flatten() {
        let class = (s.esr >> 26) & 0x3f;
        let far = if class == 0x34 || class == 0x35 { s.far.wrapping_sub(data_addr()) } else { 0 };
        println!(
            "  el{} v{} esr={:x} elr=target+{:x} spsr.m={:x} ss={} far=data+{:x}",
            s.el,
            s.vector,
            s.esr,
            s.elr.wrapping_sub(target_addr()),
            s.spsr & 0xf,
            (s.spsr >> 21) & 1,
            far
        );
    }
}

/// BAS = 0b1111, enabled; PMC in bits [2:1], HMC in bit 13.
const BCR_ENABLED: u64 = (0xf << 5) | 1;
/// PMC = 0b10: EL0; 0b01: EL1.
const PMC_EL0: u64 = 0b10 << 1;
const PMC_EL1: u64 = 0b01 << 1;
/// WCR: BAS = 0xff, LSC = 0b11 (loads and stores), enabled.
const WCR_ENABLED: u64 = (0xff << 5) | (0b11 << 3) | 1;
/// MDSCR_EL1 bits.
const MDSCR_SS: u64 = 1;
const MDSCR_KDE: u64 = 1 << 13;
const MDSCR_MDE: u64 = 1 << 15;

fn main() {
    fwtest::begin("debug");
    line("oslsr at reset", &[read_sysreg!(oslsr_el1)]);
    support::set_el2_handler(Some(handler_el2));
    support::set_el1_handler(Some(handler_el1));
    os_lock();
    let r = support::drop_to_el1(el1_kernel, support::el1_stack_top(), 0);
    line("el1 kernel returned", &[r]);
    tde_routing();
    fwtest::end();
}

/// With the OS lock set, an armed breakpoint generates nothing (D2.5).
fn os_lock() {
    write_sysreg!(oslar_el1, 1);
    support::sysreg::isb();
    line("oslsr locked", &[read_sysreg!(oslsr_el1)]);
    write_sysreg!(mdscr_el1, MDSCR_MDE);
    write_sysreg!(dbgbvr0_el1, target_addr() + 0x18);
    write_sysreg!(dbgbcr0_el1, BCR_ENABLED | PMC_EL1);
    support::sysreg::isb();
    let r = support::drop_to_el1(debug_target, support::el1_stack_top(), data_addr());
    report("os lock set, breakpoint on el1 code");
    line("target result", &[r]);
    write_sysreg!(dbgbcr0_el1, 0);
    write_sysreg!(oslar_el1, 0);
    support::sysreg::isb();
    line("oslsr unlocked", &[read_sysreg!(oslsr_el1)]);
}

/// EL1 programs debug for EL0 code: debug exceptions go to EL1.
extern "C" fn el1_kernel(_: u64) -> u64 {
    let target = target_addr();
    // Breakpoint on the nop, EL0 only.
    write_sysreg!(mdscr_el1, MDSCR_MDE);
    write_sysreg!(dbgbvr1_el1, target + 0x18);
    write_sysreg!(dbgbcr1_el1, BCR_ENABLED | PMC_EL0);
    support::sysreg::isb();
    let r = support::drop_to_el0(debug_target, support::el0_stack_top(), data_addr());
    report("el0 breakpoint, taken to el1");
    line("target result", &[r]);
    write_sysreg!(dbgbcr1_el1, 0);
    // Watchpoint on DATA[0], EL0 only (PAC = 0b10).
    write_sysreg!(dbgwvr2_el1, data_addr());
    write_sysreg!(dbgwcr2_el1, WCR_ENABLED | PMC_EL0);
    support::sysreg::isb();
    let r = support::drop_to_el0(debug_target, support::el0_stack_top(), data_addr());
    report("el0 watchpoint, taken to el1");
    line("target result", &[r]);
    write_sysreg!(dbgwcr2_el1, 0);
    // Store watchpoint on DATA[1] (LSC = 0b10).
    write_sysreg!(dbgwvr3_el1, data_addr() + 8);
    write_sysreg!(dbgwcr3_el1, (0xff << 5) | (0b10 << 3) | PMC_EL0 | 1);
    support::sysreg::isb();
    let r = support::drop_to_el0(debug_target, support::el0_stack_top(), data_addr());
    report("el0 store watchpoint, taken to el1");
    line("target result", &[r]);
    write_sysreg!(dbgwcr3_el1, 0);
    // Software step: MDSCR_EL1.SS; the ERET into EL0 has SPSR.SS = 0, so the first step
    // exception comes at once (ISV = 0); then three stepped instructions.
    STEPS_LEFT.set(3);
    write_sysreg!(mdscr_el1, MDSCR_MDE | MDSCR_SS);
    support::sysreg::isb();
    let r = support::drop_to_el0(debug_target, support::el0_stack_top(), data_addr());
    report("el0 software step, taken to el1");
    line("target result", &[r]);
    // A breakpoint on EL1 code itself needs MDSCR_EL1.KDE and PSTATE.D clear.
    write_sysreg!(dbgbvr0_el1, target + 0x18);
    write_sysreg!(dbgbcr0_el1, BCR_ENABLED | PMC_EL1);
    write_sysreg!(mdscr_el1, MDSCR_MDE);
    support::sysreg::isb();
    let r = with_debug_unmasked();
    report("el1 breakpoint, kde=0");
    line("target result", &[r]);
    write_sysreg!(mdscr_el1, MDSCR_MDE | MDSCR_KDE);
    support::sysreg::isb();
    let r = with_debug_unmasked();
    report("el1 breakpoint, kde=1, d=0");
    line("target result", &[r]);
    write_sysreg!(dbgbcr0_el1, 0);
    write_sysreg!(mdscr_el1, 0);
    support::sysreg::isb();
    0x77
}

/// Runs the target with PSTATE.D clear, then masks it again.
fn with_debug_unmasked() -> u64 {
    // SAFETY: only PSTATE.D changes; it is restored.
    unsafe { asm!("msr daifclr, #8") }
    let r = debug_target(data_addr());
    // SAFETY: as above.
    unsafe { asm!("msr daifset, #8") }
    r
}

/// EL2 programs debug for EL1 code with MDCR_EL2.TDE: debug exceptions from EL1 go to EL2
/// without KDE; BRK at EL1 goes to EL2.
fn tde_routing() {
    let mdcr = read_sysreg!(mdcr_el2);
    write_sysreg!(mdcr_el2, mdcr | (1 << 8));
    let target = target_addr();
    write_sysreg!(mdscr_el1, MDSCR_MDE);
    write_sysreg!(dbgbvr4_el1, target + 0x18);
    write_sysreg!(dbgbcr4_el1, BCR_ENABLED | PMC_EL1);
    write_sysreg!(dbgwvr1_el1, data_addr());
    write_sysreg!(dbgwcr1_el1, WCR_ENABLED | PMC_EL1);
    support::sysreg::isb();
    let r = support::drop_to_el1(debug_target, support::el1_stack_top(), data_addr());
    report("tde: el1 breakpoint and watchpoint, taken to el2");
    line("target result", &[r]);
    write_sysreg!(dbgbcr4_el1, 0);
    write_sysreg!(dbgwcr1_el1, 0);
    STEPS_LEFT.set(3);
    write_sysreg!(mdscr_el1, MDSCR_SS);
    support::sysreg::isb();
    let r = support::drop_to_el1(debug_target, support::el1_stack_top(), data_addr());
    report("tde: el1 software step, taken to el2");
    line("target result", &[r]);
    write_sysreg!(mdscr_el1, 0);
    support::sysreg::isb();
    let r = support::drop_to_el1(el1_brk, support::el1_stack_top(), 0);
    report("tde: el1 brk, taken to el2");
    line("brk result", &[r]);
    write_sysreg!(mdcr_el2, mdcr);
    support::sysreg::isb();
}

extern "C" fn el1_brk(_: u64) -> u64 {
    // SAFETY: the BRK is taken to EL2 and skipped by the handler.
    unsafe { asm!("brk #0x66") }
    0x99
}
