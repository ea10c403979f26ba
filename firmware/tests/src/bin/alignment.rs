//! Alignment checks (DDI 0487 B2.5.2, D5.2.9): load/store exclusive and load-acquire/
//! store-release need an address aligned to the access size (the pair size for LDXP/STXP) on
//! any memory type; with the MMU off every data access is to Device-nGnRnE memory, where any
//! access not aligned to its size takes an Alignment fault (DFSC 0b100001) whatever
//! SCTLR_ELx.A says, and a faulting access with writeback leaves the base register unchanged.
//! Aligned accesses of every size complete. Run at EL2, EL1 and EL0; each case prints `ok` or
//! the syndrome, and the base register afterwards.
//!
//! SP alignment checking and a few other cases QEMU does not model are in `armarm`.

#![no_std]
#![no_main]

use fwtest::{line, println, probe, traps};

support::entry!(main);

/// 64 bytes of data, 16-byte aligned.
#[repr(C, align(16))]
struct Buffer([u8; 64]);

static mut BUFFER: Buffer = Buffer([0; 64]);

fn buffer() -> u64 {
    core::ptr::addr_of_mut!(BUFFER) as u64
}

fn main() {
    fwtest::begin("alignment");
    traps::install();
    cases("el2");
    let r = support::drop_to_el1(at_el1, support::el1_stack_top(), 0);
    line("el1 returned", &[r]);
    fwtest::end();
}

fn cases(level: &str) {
    let b = buffer();
    println!("{} aligned accesses", level);
    probe!("ldrb +1", "ldrb {v:w}, [{a}]", b + 1);
    probe!("ldrh +2", "ldrh {v:w}, [{a}]", b + 2);
    probe!("ldr w +4", "ldr {v:w}, [{a}]", b + 4);
    probe!("ldr x +8", "ldr {v}, [{a}]", b + 8);
    probe!("ldrsw +4", "ldrsw {v}, [{a}]", b + 4);
    probe!("str x pre +8", "str {v}, [{a}, #8]!", b);
    probe!("ldr x post", "ldr {v}, [{a}], #-8", b + 8);
    probe!("ldp w +8", "ldp {v:w}, {w:w}, [{a}]", b + 8);
    probe!("ldp x +16", "ldp {v}, {w}, [{a}]", b + 16);
    probe!("stp x pre +16", "stp {v}, {w}, [{a}, #16]!", b);
    probe!("ldr q +16", ".arch_extension fp\nldr q0, [{a}]", b + 16);
    probe!("ldp q +16", ".arch_extension fp\nldp q0, q1, [{a}]", b + 16);
    probe!("ldr h +2", ".arch_extension fp\nldr h0, [{a}]", b + 2);
    println!("{} exclusive and acquire/release alignment", level);
    probe!("ldxrb +1", "ldxrb {v:w}, [{a}]", b + 1);
    probe!("ldxrh +1", "ldxrh {v:w}, [{a}]", b + 1);
    probe!("ldxr w +2", "ldxr {v:w}, [{a}]", b + 2);
    probe!("ldxr x +4", "ldxr {v}, [{a}]", b + 4);
    probe!("ldxr x +8", "ldxr {v}, [{a}]\nclrex", b + 8);
    probe!("ldxp x +8", "ldxp {v}, {w}, [{a}]", b + 8);
    probe!("ldxp x +16", "ldxp {v}, {w}, [{a}]\nclrex", b + 16);
    probe!("ldxp w +4", "ldxp {v:w}, {w:w}, [{a}]", b + 4);
    probe!("ldxp w +8", "ldxp {v:w}, {w:w}, [{a}]\nclrex", b + 8);
    probe!("ldaxr x +4", "ldaxr {v}, [{a}]", b + 4);
    probe!("ldaxp x +8", "ldaxp {v}, {w}, [{a}]", b + 8);
    probe!("ldar x +4", "ldar {v}, [{a}]", b + 4);
    probe!("ldar w +2", "ldar {v:w}, [{a}]", b + 2);
    probe!("ldarh +1", "ldarh {v:w}, [{a}]", b + 1);
    probe!("ldarb +1", "ldarb {v:w}, [{a}]", b + 1);
    probe!("stlr x +4", "stlr {v}, [{a}]", b + 4);
    probe!("stlr w +2", "stlr {v:w}, [{a}]", b + 2);
    probe!("stlrh +3", "stlrh {v:w}, [{a}]", b + 3);
    probe!("stlr x +8", "stlr {v}, [{a}]", b + 8);
    // A store-exclusive to an aligned address with a matching reservation succeeds (status 0).
    probe!("ldxr+stxr x +8", "ldxr {v}, [{a}]\nstxr {w:w}, {v}, [{a}]", b + 8);
    device(level);
}

/// Unaligned accesses to Device memory.
fn device(level: &str) {
    let b = buffer();
    println!("{} device memory alignment", level);
    probe!("ldrh +1", "ldrh {v:w}, [{a}]", b + 1);
    probe!("ldr w +2", "ldr {v:w}, [{a}]", b + 2);
    probe!("ldr x +4", "ldr {v}, [{a}]", b + 4);
    probe!("ldr x +1", "ldr {v}, [{a}]", b + 1);
    probe!("ldrsw +2", "ldrsw {v}, [{a}]", b + 2);
    probe!("ldrsh x +3", "ldrsh {v}, [{a}]", b + 3);
    probe!("ldur x -2", "ldur {v}, [{a}, #-2]", b + 3);
    probe!("str w +6", "str {v:w}, [{a}]", b + 6);
    probe!("strh +5", "strh {v:w}, [{a}]", b + 5);
    probe!("str x +12", "str {v}, [{a}]", b + 12);
    probe!("ldr x pre +4", "ldr {v}, [{a}, #4]!", b);
    probe!("ldr x post", "ldr {v}, [{a}], #8", b + 4);
    probe!("str x pre +2", "str {v}, [{a}, #2]!", b);
    probe!("ldp w +2", "ldp {v:w}, {w:w}, [{a}]", b + 2);
    probe!("ldp x +4", "ldp {v}, {w}, [{a}]", b + 4);
    probe!("stp x pre", "stp {v}, {w}, [{a}, #8]!", b - 4);
    probe!("ldpsw +2", "ldpsw {v}, {w}, [{a}]", b + 2);
    probe!("ldr x reg", "ldr {v}, [{a}, {w}]", b);
    probe!("ldr x reg uxtw", "ldr {v}, [{a}, {w:w}, uxtw #3]", b + 2);
    probe!("ldr d +4", ".arch_extension fp\nldr d0, [{a}]", b + 4);
    probe!("ldr s +2", ".arch_extension fp\nldr s0, [{a}]", b + 2);
    probe!("ldr q +8", ".arch_extension fp\nldr q0, [{a}]", b + 8);
    probe!("ldr h +1", ".arch_extension fp\nldr h0, [{a}]", b + 1);
    probe!("stp d +4", ".arch_extension fp\nstp d0, d1, [{a}]", b + 4);
    probe!("ldp q +8", ".arch_extension fp\nldp q0, q1, [{a}]", b + 8);
    probe!("str q pre", ".arch_extension fp\nstr q0, [{a}, #8]!", b);
}

extern "C" fn at_el1(_: u64) -> u64 {
    cases("el1");
    support::drop_to_el0(at_el0, support::el0_stack_top(), 0) + 1
}

extern "C" fn at_el0(_: u64) -> u64 {
    cases("el0");
    2
}
