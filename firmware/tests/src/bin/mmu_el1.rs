//! The EL1&0 translation regime (DDI 0487 D8: TTBR0_EL1/TTBR1_EL1, TCR_EL1, MAIR_EL1,
//! SCTLR_EL1) with each granule, stage 2 off. EL2 builds the tables and drops to EL1 with the
//! MMU on; EL1 probes a window of test pages with AT S1E1R/W and S1E0R/W (PAR_EL1), loads and
//! stores, LDTR/STTR (EL0 permissions, C6.2 LDTR), branches (PXN, and the PXN implied by EL0
//! write permission, D8.4.1.2.3), an address in the TTBR1 range and TCR_EL1.EPD1, ASID-tagged
//! (nG) entries with TLBI ASIDE1/VAE1/VAAE1/VMALLE1; and from EL0 loads, stores and execution
//! (AP and UXN). Faults from EL1 and EL0 are taken to EL1 (ESR_EL1, FAR_EL1).
//!
//! Test window at VA 0x10_0000_0000, one granule-sized page each; RAM and the UART are mapped
//! 1:1 with AP = 00 (EL1 RW; EL0 may still execute, so the EL0 probes run from the image):
//!
//! ```text
//!   page 0  AP 00: EL1 RW               -> DATA + 0 (RET: EL0 may execute it)
//!   page 1  AP 01: EL1 and EL0 RW       -> DATA + 1 (RET: EL0 executes it, EL1 may not)
//!   page 2  AP 10: EL1 RO               -> DATA + 2
//!   page 3  AP 11: EL1 and EL0 RO       -> DATA + 3 (RET)
//!   page 4  AP 01, UXN                  -> DATA + 1
//!   page 5  AP 00, PXN                  -> DATA + 3
//!   page 6  AP 00, nG (ASID-tagged)     -> DATA + 6, remapped to DATA + 8 and back
//!   page 7  invalid
//!   TTBR1: VA 0xffff_ff80_1000_0000     -> DATA + 7
//! ```

#![no_std]
#![no_main]

use core::arch::naked_asm;

use fwtest::mmu::{call, fill_markers, ldr, ldtr, outcome, str, sttr, RET};
use fwtest::{at, println, tlbi, traps};
use support::mmu::{desc, sync_tables, tcr_el1, Granule, Pool, Tables, DATA, MAIR, SCTLR_MMU_ON};
use support::{read_sysreg, write_sysreg, LowerEntry};

support::entry!(main);

const TSZ: u64 = 25;
const WINDOW: u64 = 0x10_0000_0000;
const UPPER: u64 = 0xffff_ff80_1000_0000;
const ASID1: u64 = 1 << 48;
const ASID2: u64 = 2 << 48;

fn main() {
    fwtest::begin("mmu_el1");
    traps::install();
    for g in Granule::ALL {
        granule(g);
    }
    fwtest::end();
}

fn page(g: Granule, n: u64) -> u64 {
    WINDOW + n * g.size()
}

fn data(g: Granule, n: u64) -> u64 {
    DATA + n * g.size()
}

/// The tables of one granule, kept for the remapping done at EL1 (through the identity map).
static mut TABLES: Option<(Tables, Pool)> = None;

fn tables() -> &'static mut (Tables, Pool) {
    // SAFETY: single core; set by `granule` before EL1 runs, used by one caller at a time.
    unsafe { (*core::ptr::addr_of_mut!(TABLES)).as_mut().expect("tables built") }
}

fn remap6(g: Granule, n: u64) {
    let (t, pool) = tables();
    t.map(pool, page(g, 6), data(g, n), 3, desc::normal(0) | desc::NG);
    sync_tables();
}

fn granule(g: Granule) {
    fill_markers(DATA, g.size(), 9);
    for n in [0, 1, 3] {
        // SAFETY: data pages owned by the program; a RET makes them callable.
        unsafe { (data(g, n) as *mut u32).write_volatile(RET) };
    }
    let mut pool = Pool::new();
    let mut lo = Tables::stage1(&mut pool, g, 64 - TSZ as u32);
    lo.identity(&mut pool, 0, 0);
    let n = desc::normal;
    for (p, d, attrs) in [
        (0, 0, n(0b00)),
        (1, 1, n(0b01)),
        (2, 2, n(0b10)),
        (3, 3, n(0b11)),
        (4, 1, n(0b01) | desc::XN),
        (5, 3, n(0b00) | desc::PXN),
        (6, 6, n(0b00) | desc::NG),
    ] {
        lo.map(&mut pool, page(g, p), data(g, d), 3, attrs);
    }
    lo.set(&mut pool, page(g, 7), 3, 0);
    let mut hi = Tables::stage1(&mut pool, g, 64 - TSZ as u32);
    hi.map(&mut pool, UPPER, data(g, 7), 3, n(0b00));
    sync_tables();
    write_sysreg!(mair_el1, MAIR);
    write_sysreg!(tcr_el1, tcr_el1(g, TSZ, false));
    write_sysreg!(ttbr0_el1, lo.root | ASID1);
    write_sysreg!(ttbr1_el1, hi.root);
    // SAFETY: TLB maintenance of the EL1&0 regime before it is used.
    unsafe { core::arch::asm!("tlbi alle1", "dsb ish", "isb") };
    // SAFETY: single core, EL1 has not started.
    unsafe { *core::ptr::addr_of_mut!(TABLES) = Some((lo, pool)) };
    let sctlr = read_sysreg!(sctlr_el1);
    write_sysreg!(sctlr_el1, sctlr | SCTLR_MMU_ON);
    support::sysreg::isb();
    support::drop_to_el1(at_el1, support::el1_stack_top(), g as u64);
    write_sysreg!(sctlr_el1, sctlr);
    support::sysreg::isb();
}

fn granule_of(index: u64) -> Granule {
    Granule::ALL[index as usize % 3]
}

extern "C" fn at_el1(index: u64) -> u64 {
    let g = granule_of(index);
    let name = g.name();
    println!("{} granule", name);
    for n in 0..8 {
        let va = page(g, n) + 0x28;
        println!(
            "{} p{} at e1r={:x} e1w={:x} e0r={:x} e0w={:x}",
            name,
            n,
            at!("s1e1r", va),
            at!("s1e1w", va),
            at!("s1e0r", va),
            at!("s1e0w", va)
        );
        let v = ldr(va);
        outcome("  ldr", v, false);
        str(va, 0xabcd_0000 | n);
        outcome("  str", 0xabcd_0000 | n, false);
        let v = ldtr(va);
        outcome("  ldtr", v, false);
        sttr(va + 8, 0xdcba_0000 | n);
        outcome("  sttr", 0xdcba_0000 | n, false);
    }

    println!("{} ttbr1", name);
    println!("  at e1r={:x}", at!("s1e1r", UPPER + 0x10));
    let v = ldr(UPPER + 0x10);
    outcome("  ldr", v, false);
    write_sysreg!(tcr_el1, tcr_el1(g, TSZ, true));
    support::sysreg::isb();
    println!("  epd1 at e1r={:x}", at!("s1e1r", UPPER + 0x10));
    write_sysreg!(tcr_el1, tcr_el1(g, TSZ, false));
    support::sysreg::isb();

    println!("{} execute at el1", name);
    for (n, label) in [(3, "  call p3"), (0, "  call p0"), (1, "  call p1"), (5, "  call p5"), (7, "  call p7")] {
        call(page(g, n));
        outcome(label, 0, false);
    }

    asids(g);
    el0(g);
    0
}

fn asids(g: Granule) {
    println!("{} asids", g.name());
    let p6 = page(g, 6);
    let v = ldr(p6);
    outcome("  asid 1 p6", v, false);
    remap6(g, 8);
    tlbi!("aside1", ASID1);
    let v = ldr(p6);
    outcome("  asid 1 p6 after remap, tlbi aside1", v, false);
    let ttbr = read_sysreg!(ttbr0_el1) & !(0xffff << 48);
    write_sysreg!(ttbr0_el1, ttbr | ASID2);
    support::sysreg::isb();
    let v = ldr(p6);
    outcome("  asid 2 p6", v, false);
    remap6(g, 6);
    tlbi!("vae1", ASID2 | p6 >> 12);
    let v = ldr(p6);
    outcome("  asid 2 p6 after remap, tlbi vae1", v, false);
    tlbi!("vaae1", p6 >> 12);
    write_sysreg!(ttbr0_el1, ttbr | ASID1);
    support::sysreg::isb();
    let v = ldr(p6);
    outcome("  asid 1 p6 after tlbi vaae1", v, false);
    remap6(g, 8);
    tlbi!("vmalle1");
    let v = ldr(p6);
    outcome("  asid 1 p6 after remap, tlbi vmalle1", v, false);
    remap6(g, 6);
    tlbi!("vale1is", ASID1 | p6 >> 12);
    let v = ldr(p6);
    outcome("  asid 1 p6 after remap, tlbi vale1is", v, false);
}

/// EL0: `ldr x0, [x0]`.
#[unsafe(naked)]
extern "C" fn el0_load(_va: u64) -> u64 {
    naked_asm!("ldr x0, [x0]", "ret")
}

/// EL0: `str x0, [x0]`.
#[unsafe(naked)]
extern "C" fn el0_store(_va: u64) -> u64 {
    naked_asm!("str x0, [x0]", "ret")
}

fn el0(g: Granule) {
    println!("{} el0", g.name());
    for (n, label) in [(1, "  ldr p1"), (3, "  ldr p3"), (0, "  ldr p0"), (2, "  ldr p2"), (7, "  ldr p7")] {
        let v = support::drop_to_el0(el0_load, support::el0_stack_top(), page(g, n) + 0x10);
        outcome(label, v, false);
    }
    for (n, label) in [(1, "  str p1"), (3, "  str p3"), (0, "  str p0")] {
        support::drop_to_el0(el0_store, support::el0_stack_top(), page(g, n) + 0x30);
        outcome(label, page(g, n) + 0x30, false);
    }
    // Page 0 is execute-only at EL0 (AP = 00, UXN = 0), page 4 has UXN.
    for (n, label) in [(1, "  exec p1"), (3, "  exec p3"), (0, "  exec p0"), (4, "  exec p4")] {
        // SAFETY: the page holds a RET or faults on the fetch; either way the lower level
        // returns through the trampoline in x30.
        let entry: LowerEntry = unsafe { core::mem::transmute::<u64, LowerEntry>(page(g, n)) };
        let old = traps::set_resume(traps::Resume::Link);
        support::drop_to_el0(entry, support::el0_stack_top(), 0);
        traps::set_resume(old);
        outcome(label, 0, false);
    }
}
