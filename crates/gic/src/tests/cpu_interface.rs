//! CPU interface scenarios: priorities, preemption and binary points, EOImode, spurious IDs,
//! groups as IRQ/FIQ, AckCtl and the Group 1 aliases, active priorities, output bookkeeping.

use super::*;
use crate::cpu_interface::*;
use crate::distributor::{GICD_IGROUPR, GICD_ISACTIVER, GICD_ISPENDR};
use crate::{SPURIOUS, SPURIOUS_GROUP1};

/// A uniprocessor GIC with SPIs 32..35 enabled at the given priorities, Group 0.
fn four_spis(priorities: [u8; 4]) -> Gic {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, CTLR_ENABLE_GRP0);
    for (i, p) in priorities.into_iter().enumerate() {
        setup_irq(&mut g, 0, 32 + i as u32, p);
    }
    g
}

fn pend(g: &mut Gic, id: u32) {
    g.set_gicd(0, bit_reg(GICD_ISPENDR, id), bit(id));
}

#[test]
fn preemption_with_binary_point_0() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    pend(&mut g, 32);
    assert_eq!(g.gicc(0, GICC_IAR), 32);
    assert_eq!(g.gicc(0, GICC_RPR), 0x60);
    // 0x58 preempts 0x60 when every priority bit but bit 0 is group priority.
    pend(&mut g, 34);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 34);
    assert_eq!(g.gicc(0, GICC_RPR), 0x58);
    // Levels 0x60 >> 1 = 48 and 0x58 >> 1 = 44: bits 16 and 12 of GICC_APR1.
    assert_eq!(g.gicc(0, GICC_APR0 + 4), 0x0001_1000);
    g.set_gicc(0, GICC_EOIR, 34);
    assert_eq!(g.gicc(0, GICC_RPR), 0x60);
    g.set_gicc(0, GICC_EOIR, 32);
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
    assert_eq!(g.gicc(0, GICC_APR0 + 4), 0);
}

#[test]
fn preemption_with_binary_point_3() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    // BPR 3: group priority bits [7:4], subpriority [3:0].
    g.set_gicc(0, GICC_BPR, 3);
    assert_eq!(g.gicc(0, GICC_BPR), 3);
    pend(&mut g, 32);
    assert_eq!(g.gicc(0, GICC_IAR), 32);
    assert_eq!(g.gicc(0, GICC_RPR), 0x60);
    // 0x58 is in group 0x50: preempts 0x60.
    pend(&mut g, 34);
    assert_eq!(g.gicc(0, GICC_IAR), 34);
    assert_eq!(g.gicc(0, GICC_RPR), 0x50);
    // 0x50 is in the running group: pending, visible, but cannot preempt.
    pend(&mut g, 33);
    assert!(!g.irq(0));
    assert_eq!(g.gicc(0, GICC_HPPIR), 33);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), bit(33));
    // 0x40 is a higher group: preempts.
    pend(&mut g, 35);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 35);
    assert_eq!(g.gicc(0, GICC_RPR), 0x40);
    g.set_gicc(0, GICC_EOIR, 35);
    assert!(!g.irq(0));
    // Dropping 34's priority lets 33 in.
    g.set_gicc(0, GICC_EOIR, 34);
    assert_eq!(g.gicc(0, GICC_RPR), 0x60);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    g.set_gicc(0, GICC_EOIR, 33);
    g.set_gicc(0, GICC_EOIR, 32);
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);
}

#[test]
fn binary_point_7_disables_preemption() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    g.set_gicc(0, GICC_BPR, 7);
    pend(&mut g, 32);
    assert_eq!(g.gicc(0, GICC_IAR), 32);
    // No group priority bits: every interrupt is group priority 0.
    assert_eq!(g.gicc(0, GICC_RPR), 0x00);
    pend(&mut g, 35);
    assert!(!g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    g.set_gicc(0, GICC_EOIR, 32);
    assert_eq!(g.gicc(0, GICC_IAR), 35);
}

#[test]
fn priority_mask_filters_signalling() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    g.set_gicc(0, GICC_PMR, 0x60);
    pend(&mut g, 32);
    // Priority must be strictly higher than the mask.
    assert!(!g.irq(0));
    assert_eq!(g.gicc(0, GICC_HPPIR), SPURIOUS);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    pend(&mut g, 34);
    assert_eq!(g.gicc(0, GICC_HPPIR), 34);
    assert_eq!(g.gicc(0, GICC_IAR), 34);
    g.set_gicc(0, GICC_EOIR, 34);
    g.set_gicc(0, GICC_PMR, 0);
    assert_eq!(g.gicc(0, GICC_PMR), 0);
    pend(&mut g, 35);
    assert!(!g.irq(0));
    g.set_gicc(0, GICC_PMR, 0x61);
    assert_eq!(g.gicc(0, GICC_PMR), 0x61);
    assert_eq!(g.gicc(0, GICC_IAR), 35);
    // 0x60 cannot preempt the running 0x40.
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    g.set_gicc(0, GICC_EOIR, 35);
    assert_eq!(g.gicc(0, GICC_IAR), 32);
}

#[test]
fn eoimode_1_splits_priority_drop_and_deactivation() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    g.set_gicc(0, GICC_CTLR, CTLR_ENABLE_GRP0 | CTLR_EOI_MODE);
    assert_eq!(g.gicc(0, GICC_CTLR), 0x0000_0201);
    pend(&mut g, 33);
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    g.set_gicc(0, GICC_EOIR, 33);
    // Priority dropped, interrupt still active: a new pending 33 is not signalled.
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), bit(33));
    pend(&mut g, 33);
    assert!(!g.irq(0));
    // Another interrupt can be taken meanwhile.
    pend(&mut g, 32);
    assert_eq!(g.gicc(0, GICC_IAR), 32);
    g.set_gicc(0, GICC_EOIR, 32);
    g.set_gicc(0, GICC_DIR, 32);
    // Deactivating 33 lets its new pending state through.
    g.set_gicc(0, GICC_DIR, 33);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    g.set_gicc(0, GICC_EOIR, 33);
    g.set_gicc(0, GICC_DIR, 33);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);

    // With EOImode 0, GICC_DIR is ignored and GICC_EOIR deactivates.
    g.set_gicc(0, GICC_CTLR, CTLR_ENABLE_GRP0);
    pend(&mut g, 34);
    assert_eq!(g.gicc(0, GICC_IAR), 34);
    g.set_gicc(0, GICC_DIR, 34);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), bit(34));
    assert_eq!(g.gicc(0, GICC_RPR), 0x58);
    g.set_gicc(0, GICC_EOIR, 34);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);
}

#[test]
fn spurious_ids_and_writes_are_ignored() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    pend(&mut g, 32);
    assert_eq!(g.gicc(0, GICC_IAR), 32);
    // EOI of the spurious ID, of an ID that does not exist, and DIR of one: nothing happens.
    g.set_gicc(0, GICC_EOIR, SPURIOUS);
    g.set_gicc(0, GICC_EOIR, 100);
    g.set_gicc(0, GICC_DIR, 1022);
    assert_eq!(g.gicc(0, GICC_RPR), 0x60);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), bit(32));
    g.set_gicc(0, GICC_EOIR, 32);
    // An EOI with nothing active is ignored, even for an ID that is active by other means.
    g.set_gicd(0, GICD_ISACTIVER + 4, bit(35));
    g.set_gicc(0, GICC_EOIR, 35);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), bit(35));
    // A disabled CPU interface signals nothing and acknowledges nothing.
    g.set_gicc(0, GICC_CTLR, 0);
    pend(&mut g, 33);
    assert!(!g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    assert_eq!(g.gicc(0, GICC_HPPIR), SPURIOUS);
    // Read-only and write-only registers.
    g.set_gicc(0, GICC_IAR, 33);
    g.set_gicc(0, GICC_RPR, 0);
    g.set_gicc(0, GICC_IIDR, 0);
    assert_eq!(g.gicc(0, GICC_EOIR), 0);
    assert_eq!(g.gicc(0, GICC_DIR), 0);
    assert_eq!(g.gicc(0, GICC_IIDR), IIDR_VALUE);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), bit(33));
}

#[test]
fn group_0_is_signalled_as_fiq_with_fiqen() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1 | CTLR_FIQ_EN | CTLR_ACK_CTL);
    assert_eq!(g.gicc(0, GICC_CTLR), 0x0000_000f);
    setup_irq(&mut g, 0, 40, 0x80);
    setup_irq(&mut g, 0, 41, 0x40);
    g.set_gicd(0, GICD_IGROUPR + 4, bit(41));
    pend(&mut g, 40);
    assert_eq!(g.lines(0), crate::CpuLines { fiq: true, ..Default::default() });
    // A higher priority Group 1 interrupt is an IRQ.
    pend(&mut g, 41);
    assert_eq!(g.lines(0), crate::CpuLines { irq: true, ..Default::default() });
    assert_eq!(g.gicc(0, GICC_IAR), 41);
    assert!(!g.irq(0) && !g.fiq(0), "40 cannot preempt 41");
    g.set_gicc(0, GICC_EOIR, 41);
    assert!(g.fiq(0) && !g.irq(0));
    // Without FIQEn, Group 0 is an IRQ too.
    g.set_gicc(0, GICC_CTLR, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1);
    assert!(g.irq(0) && !g.fiq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 40);
    g.set_gicc(0, GICC_EOIR, 40);
    assert_eq!(g.lines(0), Default::default());
}

#[test]
fn ackctl_and_the_group_1_aliases() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1);
    setup_irq(&mut g, 0, 40, 0x80);
    setup_irq(&mut g, 0, 41, 0x40);
    g.set_gicd(0, GICD_IGROUPR + 4, bit(41));
    pend(&mut g, 41);
    // AckCtl = 0: the Group 1 interrupt is signalled but GICC_IAR does not acknowledge it.
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_HPPIR), SPURIOUS_GROUP1);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS_GROUP1);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), bit(41));
    // Even with a lower-priority Group 0 interrupt pending.
    pend(&mut g, 40);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS_GROUP1);
    // The aliases acknowledge Group 1.
    assert_eq!(g.gicc(0, GICC_AHPPIR), 41);
    assert_eq!(g.gicc(0, GICC_AIAR), 41);
    assert_eq!(g.gicc(0, GICC_RPR), 0x40);
    // Group 0 is now the highest pending: the aliases report spurious.
    g.set_gicc(0, GICC_AEOIR, 41);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);
    assert_eq!(g.gicc(0, GICC_AHPPIR), SPURIOUS);
    assert_eq!(g.gicc(0, GICC_AIAR), SPURIOUS);
    assert_eq!(g.gicc(0, GICC_HPPIR), 40);
    assert_eq!(g.gicc(0, GICC_IAR), 40);
    // GICC_AEOIR of a Group 0 interrupt is ignored.
    g.set_gicc(0, GICC_AEOIR, 40);
    assert_eq!(g.gicc(0, GICC_RPR), 0x80);
    g.set_gicc(0, GICC_EOIR, 40);
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
    // AckCtl = 1: GICC_IAR acknowledges Group 1 too.
    g.set_gicc(0, GICC_CTLR, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1 | CTLR_ACK_CTL);
    pend(&mut g, 41);
    assert_eq!(g.gicc(0, GICC_HPPIR), 41);
    assert_eq!(g.gicc(0, GICC_IAR), 41);
    g.set_gicc(0, GICC_EOIR, 41);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);
}

#[test]
fn abpr_field_is_one_bit_wider_and_cbpr_selects_bpr() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, CTLR_ENABLE_GRP1 | CTLR_ACK_CTL);
    setup_irq(&mut g, 0, 40, 0x5c);
    g.set_gicd(0, GICD_IGROUPR + 4, bit(40));
    g.set_gicc(0, GICC_BPR, 3);
    g.set_gicc(0, GICC_ABPR, 3);
    // ABPR 3: Group 1 group priority bits [7:3].
    pend(&mut g, 40);
    assert_eq!(g.gicc(0, GICC_IAR), 40);
    assert_eq!(g.gicc(0, GICC_RPR), 0x58);
    g.set_gicc(0, GICC_EOIR, 40);
    // CBPR: GICC_BPR 3 applies, bits [7:4].
    g.set_gicc(0, GICC_CTLR, CTLR_ENABLE_GRP1 | CTLR_ACK_CTL | CTLR_CBPR);
    pend(&mut g, 40);
    assert_eq!(g.gicc(0, GICC_IAR), 40);
    assert_eq!(g.gicc(0, GICC_RPR), 0x50);
    g.set_gicc(0, GICC_EOIR, 40);
    // Minimum values.
    g.set_gicc(0, GICC_ABPR, 0);
    assert_eq!(g.gicc(0, GICC_ABPR), 1);
    g.set_gicc(0, GICC_BPR, 0xf8);
    assert_eq!(g.gicc(0, GICC_BPR), 0);
}

#[test]
fn active_priorities_registers_save_and_restore() {
    let mut g = four_spis([0x60, 0x50, 0x58, 0x40]);
    pend(&mut g, 33);
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    let saved: Vec<u32> = (0..4).map(|n| g.gicc(0, GICC_APR0 + 4 * n)).collect();
    assert_eq!(saved, [0, 0x0000_0100, 0, 0]);
    for n in 0..4 {
        g.set_gicc(0, GICC_APR0 + 4 * n, 0);
    }
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
    g.set_gicc(0, GICC_APR0 + 4, saved[1]);
    assert_eq!(g.gicc(0, GICC_RPR), 0x50);
    // No GICC_NSAPR without the Security Extensions.
    g.set_gicc(0, GICC_NSAPR0, 0xffff_ffff);
    assert_eq!(g.gicc(0, GICC_NSAPR0), 0);
    assert_eq!(g.gicc(0, GICC_RPR), 0x50);
}

#[test]
fn outputs_generation_and_dirty_cores() {
    let mut g = gic(2, 32);
    enable_cpu(&mut g, 0, CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, 40, 0x80);
    assert_eq!(g.take_dirty(), 0);
    let generation = g.generation();
    g.set_spi_level(8, true);
    assert_eq!(g.generation(), generation + 1);
    assert_eq!(g.take_dirty(), 0b01);
    assert_eq!(g.take_dirty(), 0);
    // An unchanged level changes nothing.
    g.set_spi_level(8, true);
    assert_eq!(g.generation(), generation + 1);
    // A write that does not change the outputs marks nothing either.
    g.set_gicc(0, GICC_PMR, 0xfe);
    assert_eq!(g.take_dirty(), 0);
    assert_eq!(g.gicc(0, GICC_IAR), 40);
    assert_eq!(g.take_dirty(), 0b01);
    assert!(g.is_active(40, 0) && g.is_active(40, 1));
    assert!(g.is_pending(40, 1));
    assert!(!g.is_pending(1000, 0) && !g.is_active(40, 7));
    // Out-of-range inputs are ignored.
    g.set_spi_level(32, true);
    g.set_ppi_level(2, 27, true);
    g.set_ppi_level(0, 15, true);
    g.set_line(3, 0, true);
    assert_eq!(g.take_dirty(), 0);
    // set_line reaches SPIs and PPIs.
    g.set_line(40, 1, false);
    g.set_line(27, 1, true);
    assert!(g.is_pending(27, 1) && !g.is_pending(27, 0));
}
