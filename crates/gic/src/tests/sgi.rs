//! SGI scenarios: GICD_SGIR target filters, source IDs in GICC_IAR, per-source pending state.

use super::*;
use crate::cpu_interface::{CTLR_ENABLE_GRP0, GICC_EOIR, GICC_HPPIR, GICC_IAR, GICC_RPR};
use crate::distributor::*;
use crate::SPURIOUS;

fn sgir(filter: u32, list: u8, id: u32) -> u32 {
    (filter << SGIR_FILTER_SHIFT) | (u32::from(list) << SGIR_TARGET_LIST_SHIFT) | id
}

/// A GIC with `cpus` cores, each with its CPU interface enabled for Group 0.
fn cores(cpus: usize) -> Gic {
    let mut g = gic(cpus, 32);
    for cpu in 0..cpus {
        enable_cpu(&mut g, cpu, CTLR_ENABLE_GRP0);
    }
    g
}

#[test]
fn cpu1_sends_sgi_3_to_cpu0() {
    let mut g = cores(2);
    g.set_gicd(1, GICD_SGIR, sgir(SGIR_FILTER_LIST, 0b01, 3));
    assert!(g.irq(0) && !g.irq(1));
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0x0000_0008);
    assert_eq!(g.gicd(1, GICD_ISPENDR), 0);
    // SPENDSGIR0 byte 3 on CPU0: pending from CPU1.
    assert_eq!(g.gicd(0, GICD_SPENDSGIR), 0x0200_0000);
    assert_eq!(g.gicc(0, GICC_HPPIR), 0x403);
    assert_eq!(g.gicc(0, GICC_IAR), 0x403);
    assert!(!g.irq(0));
    assert_eq!(g.gicd(0, GICD_ISACTIVER), 0x0000_0008);
    assert_eq!(g.gicd(0, GICD_SPENDSGIR), 0);
    g.set_gicc(0, GICC_EOIR, 0x403);
    assert_eq!(g.gicd(0, GICD_ISACTIVER), 0);
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
}

#[test]
fn target_list_filters() {
    let mut g = cores(3);
    // 0b01: every core but the requester.
    g.set_gicd(1, GICD_SGIR, sgir(SGIR_FILTER_OTHERS, 0, 5));
    assert_eq!([g.irq(0), g.irq(1), g.irq(2)], [true, false, true]);
    assert_eq!(g.gicc(0, GICC_IAR), 0x405);
    assert_eq!(g.gicc(2, GICC_IAR), 0x405);
    assert_eq!(g.gicc(1, GICC_IAR), SPURIOUS);
    g.set_gicc(0, GICC_EOIR, 0x405);
    g.set_gicc(2, GICC_EOIR, 0x405);
    // 0b10: the requester only (the list is ignored).
    g.set_gicd(2, GICD_SGIR, sgir(SGIR_FILTER_SELF, 0b011, 7));
    assert_eq!([g.irq(0), g.irq(1), g.irq(2)], [false, false, true]);
    assert_eq!(g.gicc(2, GICC_IAR), 0x807);
    g.set_gicc(2, GICC_EOIR, 0x807);
    // 0b00 with list bits of cores that do not exist: only the existing ones.
    g.set_gicd(0, GICD_SGIR, sgir(SGIR_FILTER_LIST, 0xfa, 1));
    assert_eq!([g.irq(0), g.irq(1), g.irq(2)], [false, true, false]);
    assert_eq!(g.gicc(1, GICC_IAR), 0x001);
    g.set_gicc(1, GICC_EOIR, 0x001);
    // An empty list sends nothing.
    g.set_gicd(0, GICD_SGIR, sgir(SGIR_FILTER_LIST, 0, 1));
    assert_eq!([g.irq(0), g.irq(1), g.irq(2)], [false, false, false]);
    // 0b11 (reserved): every core, the requester included, as QEMU.
    g.set_gicd(1, GICD_SGIR, sgir(0b11, 0, 9));
    assert_eq!([g.irq(0), g.irq(1), g.irq(2)], [true, true, true]);
    for cpu in 0..3 {
        assert_eq!(g.gicc(cpu, GICC_IAR), 0x409);
    }
}

#[test]
fn nsatt_and_reserved_bits_are_ignored_and_sgir_needs_a_word_write() {
    let mut g = cores(2);
    g.set_gicd(0, GICD_SGIR, SGIR_NSATT | 0x0000_7ff0 | sgir(SGIR_FILTER_LIST, 0b10, 4));
    assert_eq!(g.gicc(1, GICC_IAR), 0x004);
    g.set_gicc(1, GICC_EOIR, 0x004);
    // Byte and halfword writes to GICD_SGIR do nothing.
    write_byte(&mut g, Region::Distributor, 0, GICD_SGIR, 4);
    g.write(Region::Distributor, MmioAccess { offset: GICD_SGIR + 2, size: 2, cpu: 0 }, 0x0002).unwrap();
    assert!(!g.irq(0) && !g.irq(1));
    // The SGI bits of the set-/clear-pending and clear-enable registers are fixed.
    g.set_gicd(0, GICD_ISPENDR, 0xffff);
    g.set_gicd(0, GICD_ICENABLER, 0xffff);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
    assert_eq!(g.gicd(0, GICD_ISENABLER), 0xffff);
    g.set_gicd(0, GICD_SGIR, sgir(SGIR_FILTER_SELF, 0, 2));
    g.set_gicd(0, GICD_ICPENDR, 0xffff);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0x0000_0004);
}

#[test]
fn sgi_pending_from_several_sources_is_acknowledged_one_source_at_a_time() {
    let mut g = cores(2);
    // CPU0 and CPU1 both send SGI 2 to CPU1.
    g.set_gicd(0, GICD_SGIR, sgir(SGIR_FILTER_LIST, 0b10, 2));
    g.set_gicd(1, GICD_SGIR, sgir(SGIR_FILTER_SELF, 0, 2));
    assert_eq!(g.gicd(1, GICD_SPENDSGIR), 0x0003_0000);
    assert_eq!(g.gicd(1, GICD_CPENDSGIR), 0x0003_0000);
    assert_eq!(g.gicd(0, GICD_SPENDSGIR), 0);
    // The lowest source first; still pending from CPU1, but active, so not signalled.
    assert_eq!(g.gicc(1, GICC_IAR), 0x002);
    assert_eq!(g.gicd(1, GICD_SPENDSGIR), 0x0002_0000);
    assert_eq!(g.gicd(1, GICD_ISPENDR), 0x0000_0004);
    assert_eq!(g.gicd(1, GICD_ISACTIVER), 0x0000_0004);
    assert!(!g.irq(1));
    g.set_gicc(1, GICC_EOIR, 0x002);
    assert!(g.irq(1));
    assert_eq!(g.gicc(1, GICC_HPPIR), 0x402);
    assert_eq!(g.gicc(1, GICC_IAR), 0x402);
    g.set_gicc(1, GICC_EOIR, 0x402);
    assert!(!g.irq(1));
    assert_eq!(g.gicd(1, GICD_ISPENDR), 0);
}

#[test]
fn spendsgir_and_cpendsgir_set_and_clear_per_source() {
    let mut g = cores(2);
    // Bits of source cores that do not exist are RAZ/WI.
    g.set_gicd(0, GICD_SPENDSGIR + 4, 0xff00_00ff);
    assert_eq!(g.gicd(0, GICD_SPENDSGIR + 4), 0x0300_0003);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0x0000_0090);
    assert_eq!(g.gicd(1, GICD_SPENDSGIR + 4), 0);
    assert_eq!(g.gicc(0, GICC_IAR), 0x004);
    write_byte(&mut g, Region::Distributor, 0, GICD_CPENDSGIR + 4, 0x02);
    write_byte(&mut g, Region::Distributor, 0, GICD_CPENDSGIR + 7, 0x01);
    assert_eq!(g.gicd(0, GICD_SPENDSGIR + 4), 0x0200_0000);
    g.set_gicc(0, GICC_EOIR, 0x004);
    assert_eq!(g.gicc(0, GICC_IAR), 0x407);
    g.set_gicc(0, GICC_EOIR, 0x407);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
    assert!(!g.irq(0));
}

#[test]
fn sgi_priorities_are_banked() {
    let mut g = cores(2);
    write_byte(&mut g, Region::Distributor, 0, GICD_IPRIORITYR + 6, 0x30);
    write_byte(&mut g, Region::Distributor, 1, GICD_IPRIORITYR + 6, 0x70);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 4), 0x0030_0000);
    assert_eq!(g.gicd(1, GICD_IPRIORITYR + 4), 0x0070_0000);
    g.set_gicd(0, GICD_SGIR, sgir(SGIR_FILTER_LIST, 0b11, 6));
    assert_eq!(g.gicc(0, GICC_IAR), 0x006);
    assert_eq!(g.gicc(1, GICC_IAR), 0x006);
    assert_eq!(g.gicc(0, GICC_RPR), 0x30);
    assert_eq!(g.gicc(1, GICC_RPR), 0x70);
}
