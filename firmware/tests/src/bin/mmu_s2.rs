//! Stage 2 translation of the EL1&0 regime (DDI 0487 D8: VTTBR_EL2, VTCR_EL2, HCR_EL2.VM/DC)
//! with each stage 2 granule, for a guest at EL1 with its stage 1 off and on. Stage 2 aborts
//! are taken to EL2 (EC 0x24/0x20) with FAR_EL2 = the VA and HPFAR_EL2 = the IPA (D24.2.76);
//! single general-purpose register loads and stores without writeback report ISV = 1 with SAS,
//! SSE, SRT, SF, AR, the others (pairs, writeback, exclusives, SIMD&FP, stage 1 walks) ISV = 0
//! (D24.2.46 "ISV"). Also: faults on stage 1 table walks (S1PTW), AT S1E1R at EL1 faulting on
//! the walk (a Data Abort to EL2 with CM = 1), AT S12E1R/W and S1E1R from EL2 (PAR_EL1 with the
//! PA, the combined attributes, PTW and S), TLBI IPAS2E1IS + VMALLE1IS after remapping, a VMID
//! switch, and HCR_EL2.DC.
//!
//! IPA window at 0x8000_0000, one stage 2 granule each (the guest's RAM and UART are mapped 1:1):
//!
//! ```text
//!   q0  RW, Normal WB     -> DATA + 0 (RET)     q4  RW, XN           -> DATA + 0
//!   q1  read-only         -> DATA + 1           q5  no access (S2AP 00) -> DATA + 5
//!   q2  AF = 0            -> DATA + 2           q6  output address with bit 40 set
//!   q3  invalid                                 q7  RW -> DATA + 7, remapped to DATA + 8
//! ```
//! With its stage 1 on (4K granule), the guest maps VA 0x10_0000_0000 + n * 4K to qn, and VA
//! 0x20_0000_0000 through a level 3 table that stage 1 places at IPA q3 (unmapped at stage 2).

#![no_std]
#![no_main]

use core::arch::{asm, naked_asm};

use fwtest::mmu::{call, fill_markers, ldp, ldr, outcome, str, RET};
use fwtest::{at, println, tlbi, traps};
use support::mmu::{desc, sync_tables, tcr_el1, vtcr_el2, Granule, Pool, Tables, DATA, MAIR, RAM, SCTLR_MMU_ON, UART};
use support::{read_sysreg, write_sysreg};

support::entry!(main);

const QWIN: u64 = 0x8000_0000;
const VWIN: u64 = 0x10_0000_0000;
const S1PTW_VA: u64 = 0x20_0000_0000;
/// HCR_EL2: RW (31), VM (0), DC (12). D24.2 HCR_EL2.
const HCR_RW: u64 = 1 << 31;
const HCR_VM: u64 = 1;
const HCR_DC: u64 = 1 << 12;
const VMID1: u64 = 1 << 48;
const VMID2: u64 = 2 << 48;

fn main() {
    fwtest::begin("mmu_s2");
    traps::install();
    for g in Granule::ALL {
        granule(g);
    }
    write_sysreg!(hcr_el2, HCR_RW);
    fwtest::end();
}

fn q(g: Granule, n: u64) -> u64 {
    QWIN + n * g.size()
}

fn data(g: Granule, n: u64) -> u64 {
    DATA + n * g.size()
}

fn v(n: u64) -> u64 {
    VWIN + n * 0x1000
}

/// VTCR_EL2.SL0 and the start level for a 40-bit IPA (T0SZ = 24): level 1 with two concatenated
/// tables for 4K, level 2 with sixteen for 16K, level 2 for 64K (D8.2.x "Concatenated
/// translation tables"), all valid for a 40-bit PA size.
fn s2_start(g: Granule) -> (u64, u8) {
    match g {
        Granule::K4 => (1, 1),
        _ => (1, 2),
    }
}

fn build_s2(pool: &mut Pool, g: Granule) -> Tables {
    let (_, start) = s2_start(g);
    let mut s2 = Tables::stage2(pool, g, 40, start);
    s2.map_range(pool, RAM.start, RAM.start, RAM.end - RAM.start, 2, desc::S2_NORMAL);
    s2.map(pool, UART, UART, 3, desc::memattr(0) | desc::s2ap(3) | desc::AF);
    let rw = desc::S2_NORMAL;
    s2.map(pool, q(g, 0), data(g, 0), 3, rw);
    s2.map(pool, q(g, 1), data(g, 1), 3, desc::memattr(0b1111) | desc::s2ap(1) | desc::SH_INNER | desc::AF);
    s2.map(pool, q(g, 2), data(g, 2), 3, rw & !desc::AF);
    s2.set(pool, q(g, 3), 3, 0);
    s2.map(pool, q(g, 4), data(g, 0), 3, rw | desc::XN);
    s2.map(pool, q(g, 5), data(g, 5), 3, rw & !desc::s2ap(3));
    s2.map(pool, q(g, 6), 1 << 40, 3, rw);
    s2.map(pool, q(g, 7), data(g, 7), 3, rw);
    s2
}

/// The guest's stage 1 (4K granule, 39-bit VAs), in guest RAM (IPA = PA there).
fn build_s1(pool: &mut Pool, g: Granule) -> Tables {
    let mut s1 = Tables::stage1(pool, Granule::K4, 39);
    s1.identity(pool, 0, 0);
    for n in 0..8 {
        s1.map(pool, v(n), q(g, n), 3, desc::normal(0));
    }
    // The level 2 entry of S1PTW_VA points at a level 3 table at IPA q3.
    s1.set(pool, S1PTW_VA, 2, q(g, 3) | desc::TABLE_OR_PAGE);
    s1
}

fn granule(g: Granule) {
    let name = g.name();
    fill_markers(DATA, g.size(), 9);
    // SAFETY: data page 0 is the program's; a RET makes it callable.
    unsafe { (data(g, 0) as *mut u32).write_volatile(RET) };
    let mut pool = Pool::new();
    let mut s2 = build_s2(&mut pool, g);
    let s1 = build_s1(&mut pool, g);
    sync_tables();
    let (sl0, _) = s2_start(g);
    write_sysreg!(vtcr_el2, vtcr_el2(g, 24, sl0));
    write_sysreg!(vttbr_el2, s2.root | VMID1);
    write_sysreg!(hcr_el2, HCR_RW | HCR_VM);
    write_sysreg!(mair_el1, MAIR);
    write_sysreg!(tcr_el1, tcr_el1(Granule::K4, 25, true));
    write_sysreg!(ttbr0_el1, s1.root);
    tlbi!("alle1");
    println!("{} stage 2, guest stage 1 off", name);
    support::drop_to_el1(guest_s1_off, support::el1_stack_top(), g as u64);

    let sctlr = read_sysreg!(sctlr_el1);
    write_sysreg!(sctlr_el1, sctlr | SCTLR_MMU_ON);
    support::sysreg::isb();
    println!("{} stage 2, guest stage 1 on", name);
    support::drop_to_el1(guest_s1_on, support::el1_stack_top(), g as u64);

    println!("{} at from el2", name);
    // AT S12E1x with a stage 2 Permission fault (v1 write, v5) is in the `armarm` program:
    // QEMU 10 aborts on it.
    for n in 0..8 {
        let va = v(n) + 0x38;
        let s12r = if n == 5 { 0 } else { at!("s12e1r", va) };
        let s12w = if n == 1 || n == 5 { 0 } else { at!("s12e1w", va) };
        println!("  v{} s12e1r={:x} s12e1w={:x} s1e1r={:x}", n, s12r, s12w, at!("s1e1r", va));
    }
    println!("  s1ptw s12e1r={:x} s1e1r={:x}", at!("s12e1r", S1PTW_VA), at!("s1e1r", S1PTW_VA));

    println!("{} tlbi and vmid", name);
    let p7 = v(7);
    outcome("  v7", guest_read(p7), true);
    s2.map(&mut pool, q(g, 7), data(g, 8), 3, desc::S2_NORMAL);
    tlbi!("ipas2e1is", q(g, 7) >> 12);
    tlbi!("vmalle1is");
    outcome("  v7 after remap, tlbi ipas2e1is, vmalle1is", guest_read(p7), true);
    // VMID 2 has no TLB entries yet: its first access walks the new tables. VMID 1's entries
    // may still be cached until its TLBI.
    s2.map(&mut pool, q(g, 7), data(g, 7), 3, desc::S2_NORMAL);
    sync_tables();
    write_sysreg!(vttbr_el2, s2.root | VMID2);
    support::sysreg::isb();
    outcome("  v7 after remap, vmid 2", guest_read(p7), true);
    write_sysreg!(vttbr_el2, s2.root | VMID1);
    support::sysreg::isb();
    tlbi!("vmalls12e1");
    outcome("  v7 vmid 1 after tlbi vmalls12e1", guest_read(p7), true);

    write_sysreg!(sctlr_el1, sctlr);
    write_sysreg!(hcr_el2, HCR_RW | HCR_VM | HCR_DC);
    support::sysreg::isb();
    println!("{} hcr_el2.dc", name);
    support::drop_to_el1(guest_dc, support::el1_stack_top(), g as u64);
    write_sysreg!(hcr_el2, HCR_RW);
    support::sysreg::isb();
}

/// Runs one load at EL1 (the guest) and returns the value (the address when it faults; the
/// caller prints it only when it did not).
fn guest_read(va: u64) -> u64 {
    support::drop_to_el1(el1_load, support::el1_stack_top(), va)
}

/// EL1: `ldr x0, [x0]`.
#[unsafe(naked)]
extern "C" fn el1_load(_va: u64) -> u64 {
    naked_asm!("ldr x0, [x0]", "ret")
}

fn granule_of(index: u64) -> Granule {
    Granule::ALL[index as usize % 3]
}

/// Single loads and stores of every syndrome class to IPA q3 (a stage 2 Translation fault).
fn syndromes(va: u64) {
    let mut x: u64;
    // SAFETY (all blocks below): each access completes or faults, and the recording handler
    // resumes after it with the registers restored.
    unsafe { asm!("mov {x}, #0", "ldr {x:w}, [{a}]", a = in(reg) va, x = out(reg) x) };
    outcome("  ldr w", x, true);
    unsafe { asm!("mov {x}, #0", "ldrsh {x}, [{a}]", a = in(reg) va, x = out(reg) x) };
    outcome("  ldrsh x", x, true);
    unsafe { asm!("mov {x}, #0", "ldrsb {x:w}, [{a}]", a = in(reg) va, x = out(reg) x) };
    outcome("  ldrsb w", x, true);
    unsafe { asm!("strb {x:w}, [{a}]", a = in(reg) va, x = in(reg) 0x5au64) };
    outcome("  strb", 0x5a, true);
    unsafe { asm!("mov {x}, #0", "ldar {x}, [{a}]", a = in(reg) va, x = out(reg) x) };
    outcome("  ldar", x, true);
    unsafe { asm!("stlr {x:w}, [{a}]", a = in(reg) va, x = in(reg) 7u64) };
    outcome("  stlr w", 7, true);
    unsafe { asm!("mov {x}, #0", "ldtr {x}, [{a}]", a = in(reg) va, x = out(reg) x) };
    outcome("  ldtr", x, true);
    let mut b = va;
    unsafe { asm!("mov {x}, #0", "ldr {x}, [{b}], #8", b = inout(reg) b, x = out(reg) x) };
    outcome("  ldr post-index", x, true);
    println!("  base moved {:x}", b - va);
    let (a, c) = ldp(va);
    outcome("  ldp", a ^ c, true);
    unsafe { asm!("mov {x}, #0", "ldxr {x}, [{a}]", "clrex", a = in(reg) va, x = out(reg) x) };
    outcome("  ldxr", x, true);
    // v0 is free: the target is soft-float, so the compiler never allocates SIMD&FP registers.
    unsafe { asm!(".arch_extension fp", "ldr d0, [{a}]", a = in(reg) va) };
    outcome("  ldr d", 0, true);
}

extern "C" fn guest_s1_off(index: u64) -> u64 {
    let g = granule_of(index);
    for n in 0..8 {
        let va = q(g, n) + 0x18;
        println!("  q{}", n);
        let v = ldr(va);
        outcome("  ldr", v, true);
        str(va, 0xabcd_0000 | n);
        outcome("  str", 0xabcd_0000 | n, true);
    }
    println!("  at s1e1r q3={:x}", at!("s1e1r", q(g, 3)));
    println!("  syndromes");
    syndromes(q(g, 3) + 0x20);
    // An unaligned access with stage 1 off (Device-nGnRnE) under stage 2 is in `armarm`.
    call(q(g, 0));
    outcome("  call q0", 0, true);
    call(q(g, 4));
    outcome("  call q4 (xn)", 0, true);
    call(q(g, 3));
    outcome("  call q3", 0, true);
    0
}

extern "C" fn guest_s1_on(_: u64) -> u64 {
    for n in 0..8 {
        let va = v(n) + 0x28;
        println!("  v{}", n);
        let x = ldr(va);
        outcome("  ldr", x, true);
        str(va, 0xdcba_0000 | n);
        outcome("  str", 0xdcba_0000 | n, true);
    }
    println!("  at s1e1r v0={:x}", at!("s1e1r", v(0)));
    let x = ldr(S1PTW_VA + 0x40);
    outcome("  ldr s1ptw", x, true);
    str(S1PTW_VA + 0x40, 1);
    outcome("  str s1ptw", 1, true);
    let par = at!("s1e1r", S1PTW_VA + 0x40);
    outcome("  at s1e1r s1ptw", par, true);
    let x = ldr(v(1) + 0xffc);
    outcome("  ldr v1|v2 crossing (v2: AF at stage 2)", x, true);
    call(v(4));
    outcome("  call v4 (stage 2 xn)", 0, true);
    0
}

extern "C" fn guest_dc(index: u64) -> u64 {
    let g = granule_of(index);
    println!("  at s1e1r q0={:x}", at!("s1e1r", q(g, 0)));
    let v = ldr(q(g, 0) + 4);
    outcome("  ldr unaligned (Normal under dc)", v, true);
    let v = ldr(q(g, 3));
    outcome("  ldr q3", v, true);
    0
}
