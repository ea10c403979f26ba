//! The program the gdb translation tests (`tests/gdb.rs`) debug: a guest at EL1 with both stages
//! of the EL1&0 regime on (DDI 0487 D8), so that `monitor translate` shows a two-stage walk and
//! memory read through a stage 1 mapping differs from the physical view of the same address.
//!
//! ```text
//!   stage 2 (VMID 1, 4KB, 40-bit IPA from level 1): RAM and the UART 1:1,
//!           IPA 0x8000_0000 (a page)            -> PA 0x4600_0000 (DATA, word 0 = MARKER0)
//!   stage 1 (4KB, 39-bit VA): RAM and the UART 1:1 in 2MB blocks, except the block of DATA,
//!           split into a level 3 table that maps only
//!           VA 0x4600_1000 (a page)              -> IPA 0x8000_0000
//!   PA 0x4600_1000 (DATA + 4KB, word 0 = MARKER1)
//! ```
//!
//! The guest loads the word at VA 0x4600_1000 (MARKER0), stores it plus one after it, and
//! calls `gdb_mmu_marker`, where the tests break.

#![no_std]
#![no_main]

use support::mmu::{desc, sync_tables, tcr_el1, vtcr_el2, Granule, Pool, Tables, DATA, RAM, SCTLR_MMU_ON, UART};
use support::{println, read_sysreg, write_sysreg};

support::entry!(main);

/// The IPA stage 2 maps to DATA.
const WINDOW_IPA: u64 = 0x8000_0000;
/// The VA stage 1 maps to the window: the PA of the second data page, seen through the MMU.
const ALIAS_VA: u64 = DATA + 0x1000;
/// The first word of the two data pages.
const MARKER0: u64 = 0x1111_2222_3333_4444;
const MARKER1: u64 = 0x5555_6666_7777_8888;
/// HCR_EL2: RW (31), VM (0). D24.2 HCR_EL2.
const HCR_RW: u64 = 1 << 31;
const HCR_VM: u64 = 1;
/// VTTBR_EL2.VMID of the guest.
const VMID1: u64 = 1 << 48;

/// Where the tests break: at EL1 with both stages on. Returns its argument with the low byte
/// flipped.
#[no_mangle]
#[inline(never)]
pub extern "C" fn gdb_mmu_marker(value: u64) -> u64 {
    value ^ 0xff
}

/// The guest: a load and a store through the alias, then the marker.
extern "C" fn guest(va: u64) -> u64 {
    // SAFETY: `va` is the alias page, mapped read/write at both stages onto DATA.
    let value = unsafe { (va as *const u64).read_volatile() };
    // SAFETY: as above, the next word of the same page.
    unsafe { ((va + 8) as *mut u64).write_volatile(value + 1) };
    gdb_mmu_marker(value)
}

fn main() {
    println!("gdbtarget_mmu: start");
    // SAFETY: DATA's first two pages belong to the program; the MMU is off at EL2.
    unsafe {
        (DATA as *mut u64).write_volatile(MARKER0);
        ((DATA + 0x1000) as *mut u64).write_volatile(MARKER1);
    }
    let mut pool = Pool::new();
    let mut s2 = Tables::stage2(&mut pool, Granule::K4, 40, 1);
    s2.map_range(&mut pool, RAM.start, RAM.start, RAM.end - RAM.start, 2, desc::S2_NORMAL);
    s2.map(&mut pool, UART, UART, 3, desc::memattr(0) | desc::s2ap(3) | desc::AF);
    s2.map(&mut pool, WINDOW_IPA, DATA, 3, desc::S2_NORMAL);
    let mut s1 = Tables::stage1(&mut pool, Granule::K4, 39);
    s1.identity(&mut pool, 0, 0);
    s1.map(&mut pool, ALIAS_VA, WINDOW_IPA, 3, desc::normal(0));
    sync_tables();
    write_sysreg!(vtcr_el2, vtcr_el2(Granule::K4, 24, 1));
    write_sysreg!(vttbr_el2, s2.root | VMID1);
    write_sysreg!(hcr_el2, HCR_RW | HCR_VM);
    write_sysreg!(mair_el1, support::mmu::MAIR);
    write_sysreg!(tcr_el1, tcr_el1(Granule::K4, 25, true));
    write_sysreg!(ttbr0_el1, s1.root);
    // SAFETY: TLB maintenance and barriers only.
    unsafe { core::arch::asm!("tlbi alle1", "dsb ish", "isb", options(nostack, preserves_flags)) };
    let sctlr = read_sysreg!(sctlr_el1);
    write_sysreg!(sctlr_el1, sctlr | SCTLR_MMU_ON);
    support::sysreg::isb();
    let r = support::drop_to_el1(guest, support::el1_stack_top(), ALIAS_VA);
    write_sysreg!(sctlr_el1, sctlr);
    write_sysreg!(hcr_el2, HCR_RW);
    support::sysreg::isb();
    // SAFETY: as above.
    let stored = unsafe { ((DATA + 8) as *const u64).read_volatile() };
    println!("gdbtarget_mmu: guest {:#x}, stored {:#x}", r, stored);
}
