//! The HCR_EL2 controls of stage 2 as set/clear pairs (DDI 0487 D24.2 HCR_EL2, D8): VM (stage 2
//! on: an IPA without a stage 2 mapping faults), PTW (a stage 1 table walk to memory that stage 2
//! makes Device is a stage 2 Permission fault on the walk, S1PTW), DC (stage 1 disabled gives
//! Normal write-back memory, as AT S1E1R shows), and CD (stage 2 data accesses become
//! Non-cacheable, as AT S12E1R shows in PAR_EL1.ATTR). 4 KiB granule, the guest at EL1 with a
//! stage 1 identity map (or with stage 1 off for DC). Compared with QEMU 10 (`-cpu max`, as the
//! other MMU programs).

#![no_std]
#![no_main]

use fwtest::mmu::{fill_markers, ldr, marker, outcome};
use fwtest::{at, println, tlbi, traps};
use support::mmu::{
    desc, sync_tables, tcr_el1, vtcr_el2, Granule, Pool, Tables, DATA, MAIR, RAM, SCTLR_MMU_ON, TABLE_POOL, UART,
};
use support::{read_sysreg, write_sysreg};

support::entry!(main);

/// HCR_EL2 bits (D24.2 HCR_EL2).
const HCR_RW: u64 = 1 << 31;
const HCR_VM: u64 = 1 << 0;
const HCR_PTW: u64 = 1 << 2;
const HCR_DC: u64 = 1 << 12;
const HCR_CD: u64 = 1 << 32;
/// VMID 1 in VTTBR_EL2.
const VMID1: u64 = 1 << 48;
/// A 2 MiB block.
const BLOCK: u64 = 0x20_0000;
/// The data page that stage 2 leaves unmapped.
const UNMAPPED: u64 = DATA + 0x1000;
/// A VA outside the identity map whose stage 1 tables (its own level 2 and level 3 tables) are
/// used by nothing else, mapped to the first data page.
const VWIN: u64 = 0x10_0000_0000;

fn main() {
    fwtest::begin("s2controls");
    traps::install();
    fill_markers(DATA, 0x1000, 2);
    let mut pool = Pool::new();
    let g = Granule::K4;
    // The guest's stage 1: RAM and UART 1:1 (IPA = VA).
    let mut s1 = Tables::stage1(&mut pool, g, 39);
    s1.identity(&mut pool, 0, 0);
    s1.map(&mut pool, VWIN, DATA, 3, desc::normal(0));
    let window_table = s1.entry(&mut pool, VWIN, 3) & !0xfff;
    // Stage 2: RAM 1:1 in 2 MiB blocks, except the first 2 MiB of the table pool and of the
    // data pages, which are 4 KiB pages so that single pages can differ.
    let mut s2 = Tables::stage2(&mut pool, g, 40, 1);
    s2.map_range(&mut pool, RAM.start, RAM.start, RAM.end - RAM.start, 2, desc::S2_NORMAL);
    s2.map_range(&mut pool, TABLE_POOL.start, TABLE_POOL.start, BLOCK, 3, desc::S2_NORMAL);
    s2.map_range(&mut pool, DATA, DATA, BLOCK, 3, desc::S2_NORMAL);
    s2.set(&mut pool, UNMAPPED, 3, 0);
    s2.map(&mut pool, UART, UART, 3, desc::memattr(0) | desc::s2ap(3) | desc::AF);
    sync_tables();
    write_sysreg!(vtcr_el2, vtcr_el2(g, 24, 1));
    write_sysreg!(vttbr_el2, s2.root | VMID1);
    write_sysreg!(mair_el1, MAIR);
    write_sysreg!(tcr_el1, tcr_el1(g, 25, true));
    write_sysreg!(ttbr0_el1, s1.root);
    let sctlr = read_sysreg!(sctlr_el1);
    write_sysreg!(sctlr_el1, sctlr | SCTLR_MMU_ON);

    // VM.
    guest_load("vm clear, unmapped ipa", HCR_RW, UNMAPPED);
    guest_load("vm set, unmapped ipa", HCR_RW | HCR_VM, UNMAPPED);

    // PTW: the page holding the level 3 table of VWIN becomes Device-nGnRnE at stage 2 (the
    // code and stacks are translated through other tables).
    s2.map(&mut pool, window_table, window_table, 3, desc::memattr(0) | desc::s2ap(3) | desc::AF);
    sync_tables();
    tlbi!("vmalls12e1");
    guest_load("ptw clear, walk to device", HCR_RW | HCR_VM, VWIN);
    // The fault is reported at the level of the stage 2 leaf (AArch64.S2Translate keeps the
    // walk's level; QEMU says level 0): the FSC level bits are left out here and checked in
    // `armarm`.
    write_sysreg!(hcr_el2, HCR_RW | HCR_VM | HCR_PTW);
    support::sysreg::isb();
    tlbi!("vmalls12e1");
    support::drop_to_el1(el1_load, support::el1_stack_top(), VWIN);
    match traps::take() {
        Some(t) => {
            println!("ptw set, walk to device el{} esr&~3={:x} far={:x} hpfar={:x}", t.el, t.esr & !3, t.far, t.hpfar)
        }
        None => println!("ptw set, walk to device ok"),
    }
    s2.map(&mut pool, window_table, window_table, 3, desc::S2_NORMAL);
    sync_tables();
    tlbi!("vmalls12e1");

    // CD: the combined attributes of AT S12E1R from EL2 (PAR_EL1.ATTR, bits 63:56).
    for (name, hcr) in [("cd clear", HCR_RW | HCR_VM), ("cd set", HCR_RW | HCR_VM | HCR_CD)] {
        write_sysreg!(hcr_el2, hcr);
        support::sysreg::isb();
        tlbi!("vmalls12e1");
        let par = at!("s12e1r", DATA);
        println!("{} s12e1r attr={:x} ok={}", name, par >> 56, u8::from(par & 1 == 0));
    }

    // DC, with the guest's stage 1 off: AT S1E1R from EL2 reports Device-nGnRnE attributes
    // (PAR_EL1.ATTR 0x00) without DC and Normal write-back (0xff) with it (D8.2.x "The effects
    // of disabling an address translation stage").
    write_sysreg!(sctlr_el1, sctlr);
    for (name, hcr) in [("dc clear", HCR_RW | HCR_VM), ("dc set", HCR_RW | HCR_VM | HCR_DC)] {
        write_sysreg!(hcr_el2, hcr);
        support::sysreg::isb();
        tlbi!("vmalls12e1");
        let par = at!("s1e1r", DATA);
        println!("{} stage 1 off s1e1r attr={:x} ok={}", name, par >> 56, u8::from(par & 1 == 0));
    }

    write_sysreg!(hcr_el2, HCR_RW);
    support::sysreg::isb();
    fwtest::end();
}

/// Runs one 8-byte load of `va` at EL1 with HCR_EL2 = `hcr` and prints the outcome.
fn guest_load(label: &str, hcr: u64, va: u64) {
    write_sysreg!(hcr_el2, hcr);
    support::sysreg::isb();
    tlbi!("vmalls12e1");
    let value = support::drop_to_el1(el1_load, support::el1_stack_top(), va);
    // A marker value is printed by its page number; anything else as it is.
    let shown = (0..2).find(|&n| marker(n) == value).map_or(value, |n| 0x1000 + n);
    outcome(label, shown, true);
}

extern "C" fn el1_load(va: u64) -> u64 {
    ldr(va)
}
