//! The EL2 translation regime (DDI 0487 D8: TTBR0_EL2, TCR_EL2, MAIR_EL2, SCTLR_EL2) with each
//! granule: the program maps itself 1:1 (RAM Normal Write-Back, the UART Device-nGnRnE, level 2
//! blocks), turns the MMU on, and probes a window of test pages with AT S1E2R/S1E2W (PAR_EL1,
//! D24.2.142), loads, stores, pairs, DC ZVA and branches that hit and fault (ESR_EL2, FAR_EL2:
//! D8.15 fault kinds and levels, D24.2.46 syndromes), accesses that cross into a faulting page,
//! a tagged address (TCR_EL2.TBI), and TLBI VAE2/VALE2IS/ALLE2 after remapping a page.
//!
//! Test window at VA 0x10_0000_0000, one granule-sized page each (D8.3.1 descriptor bits):
//!
//! ```text
//!   page 0  RW, Normal WB        -> DATA + 0 (holds a RET, so it is also executed)
//!   page 1  read-only (AP = 10)  -> DATA + 1
//!   page 2  AF = 0               -> DATA + 2
//!   page 3  invalid descriptor
//!   page 4  RW, output address with bit 40 set (TCR_EL2.PS = 40 bits): Address size fault
//!   page 5  RW, Device-nGnRnE    -> DATA + 5
//!   page 6  RW, XN               -> DATA + 0
//!   page 7  RW                   -> DATA + 7, remapped to DATA + 8 with TLBI
//! ```
//! plus VA 0x20_0000_0000 (no table at level 1 for 4K/16K, level 2 for 64K) and VA 1 << 39 (out
//! of the T0SZ = 25 range: a level 0 Translation fault).

#![no_std]
#![no_main]

use fwtest::mmu::{call, dc_zva, fill_markers, ldp, ldr, outcome, stp, str, RET};
use fwtest::{at, println, tlbi, traps};
use support::mmu::{desc, disable_el2, enable_el2, tcr_el2, Granule, Pool, Tables, DATA};

support::entry!(main);

const T0SZ: u64 = 25;
const WINDOW: u64 = 0x10_0000_0000;
const UNMAPPED: u64 = 0x20_0000_0000;
const OUT_OF_RANGE: u64 = 1 << 39;

fn main() {
    fwtest::begin("mmu_el2");
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

fn build(g: Granule) -> (Tables, Pool) {
    let mut pool = Pool::new();
    let mut t = Tables::stage1(&mut pool, g, 64 - T0SZ as u32);
    t.identity(&mut pool, 0, 0);
    let rw = desc::normal(0);
    t.map(&mut pool, page(g, 0), data(g, 0), 3, rw);
    t.map(&mut pool, page(g, 1), data(g, 1), 3, desc::normal(0b10));
    t.map(&mut pool, page(g, 2), data(g, 2), 3, rw & !desc::AF);
    t.set(&mut pool, page(g, 3), 3, 0);
    t.map(&mut pool, page(g, 4), 1 << 40, 3, rw);
    t.map(&mut pool, page(g, 5), data(g, 5), 3, desc::attr(support::mmu::DEVICE) | desc::AF);
    t.map(&mut pool, page(g, 6), data(g, 0), 3, rw | desc::XN);
    t.map(&mut pool, page(g, 7), data(g, 7), 3, rw);
    (t, pool)
}

/// Maps page 7 to data page `n` (rewrites its level 3 descriptor).
fn remap7(t: &mut Tables, pool: &mut Pool, g: Granule, n: u64) {
    t.map(pool, page(g, 7), data(g, n), 3, desc::normal(0));
}

fn granule(g: Granule) {
    let name = g.name();
    disable_el2();
    fill_markers(DATA, g.size(), 9);
    // SAFETY: data page 0 is the program's; a RET at its start makes it callable.
    unsafe { (data(g, 0) as *mut u32).write_volatile(RET) };
    let (mut t, mut pool) = build(g);
    enable_el2(&t, tcr_el2(g, T0SZ, true));
    println!("{} granule", name);

    for n in 0..8 {
        let va = page(g, n) + 0x18;
        println!("{} p{} at r={:x} w={:x}", name, n, at!("s1e2r", va), at!("s1e2w", va));
        let v = ldr(va);
        outcome("  ldr", v, false);
        str(va, 0xabcd_0000 | n);
        outcome("  str", 0xabcd_0000 | n, false);
    }
    for (label, va) in [("unmapped", UNMAPPED), ("out of range", OUT_OF_RANGE)] {
        println!("{} {} at r={:x} w={:x}", name, label, at!("s1e2r", va), at!("s1e2w", va));
        let v = ldr(va);
        outcome("  ldr", v, false);
    }

    // An unaligned access to Device memory is an Alignment fault (B2.5.2); QEMU does not check
    // it with the MMU on, so that case is in the `armarm` program.
    println!("{} device and alignment", name);
    let v = ldr(page(g, 5) + 8);
    outcome("  ldr aligned", v, false);
    let v = ldr(page(g, 0) + 4);
    outcome("  ldr unaligned normal", v, false);

    println!("{} crossing pages", name);
    let last = page(g, 1) - 8;
    let v = ldr(last + 4);
    outcome("  ldr p0|p1", v, false);
    // What a faulting store leaves in the bytes of the page that did not fault is UNKNOWN
    // (the pseudocode's Mem[] writes byte by byte; QEMU checks both pages first), so it is not
    // printed.
    str(last + 4, 0x5555_6666_7777_8888);
    outcome("  str p0|p1 (p1 read-only)", 0x5555_6666_7777_8888, false);
    let v = ldr(page(g, 3) - 4);
    outcome("  ldr p2|p3 (both fault)", v, false);
    let (a, b) = ldp(last);
    outcome("  ldp p0|p1", a ^ b, false);
    stp(last, 0x1234, 0x5678);
    outcome("  stp p0|p1", 0x1234 ^ 0x5678, false);
    let (a, b) = ldp(page(g, 4) - 8);
    outcome("  ldp p3|p4", a ^ b, false);

    println!("{} dc zva", name);
    dc_zva(page(g, 0) + 0x48);
    outcome("  dc zva p0", 0, false);
    let v = ldr(page(g, 0) + 0x40);
    outcome("  p0 word after", v, false);
    dc_zva(page(g, 1) + 0x48);
    outcome("  dc zva p1", 0, false);
    dc_zva(page(g, 3) + 0x48);
    outcome("  dc zva p3", 0, false);

    println!("{} execute", name);
    call(page(g, 0));
    outcome("  call p0", 0, false);
    call(page(g, 6));
    outcome("  call p6 xn", 0, false);
    call(page(g, 3));
    outcome("  call p3", 0, false);

    println!("{} tbi", name);
    let v = ldr(0x5a << 56 | page(g, 7));
    outcome("  ldr tagged p7", v, false);

    println!("{} tlbi", name);
    let v = ldr(page(g, 7));
    outcome("  p7", v, false);
    remap7(&mut t, &mut pool, g, 8);
    tlbi!("vae2", page(g, 7) >> 12);
    let v = ldr(page(g, 7));
    outcome("  p7 after tlbi vae2", v, false);
    remap7(&mut t, &mut pool, g, 7);
    tlbi!("alle2");
    let v = ldr(page(g, 7));
    outcome("  p7 after tlbi alle2", v, false);
    remap7(&mut t, &mut pool, g, 8);
    tlbi!("vale2is", page(g, 7) >> 12);
    let v = ldr(page(g, 7));
    outcome("  p7 after tlbi vale2is", v, false);
    println!("{} par after at s1e2r p7 {:x}", name, at!("s1e2r", page(g, 7)));
    disable_el2();
}
