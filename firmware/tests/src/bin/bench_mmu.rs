//! The emulation-speed workload ([`fwtest::workload`]) with the EL2 stage 1 MMU on: an identity map
//! with the 4 KiB granule in which the image, its data and stacks (the first 2 MiB of RAM above
//! 0x4000_0000) are 4 KiB pages, the rest of RAM 2 MiB blocks, the UART a Device page
//! (DDI 0487 D8.3). Used to compare emulation speed with the MMU on and off.

#![no_std]
#![no_main]

use support::mmu::{desc, enable_el2, tcr_el2, Granule, Pool, Tables, RAM, UART};

support::entry!(main);

/// 39-bit VAs: the walk starts at level 1 and ends at level 3 for the image.
const T0SZ: u64 = 25;

fn main() {
    let mut pool = Pool::new();
    let mut t = Tables::stage1(&mut pool, Granule::K4, 64 - T0SZ as u32);
    let pages = 0x20_0000;
    t.map_range(&mut pool, RAM.start, RAM.start, pages, 3, desc::normal(0));
    t.map_range(&mut pool, RAM.start + pages, RAM.start + pages, RAM.end - RAM.start - pages, 2, desc::normal(0));
    t.map(&mut pool, UART, UART, 3, desc::device(0));
    enable_el2(&t, tcr_el2(Granule::K4, T0SZ, false));
    fwtest::begin("bench_mmu");
    fwtest::workload::run();
    fwtest::end();
}
