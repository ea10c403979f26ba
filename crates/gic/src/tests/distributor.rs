//! Distributor scenarios: identification, reset values, enable/pend/activate flows, level and
//! edge inputs, banking, targets, access sizes.

use super::*;
use crate::cpu_interface::{self as c, GICC_EOIR, GICC_HPPIR, GICC_IAR};
use crate::distributor::*;
use crate::virt::{GICH_ELRSR0, GICH_HCR, GICH_MISR, GICH_VMCR, GICH_VTR};
use crate::{ConfigError, MmioFault, SPURIOUS};

#[test]
fn reset_values_identify_a_gicv2_like_qemu_and_the_gic400() {
    let mut g = gic(2, 64);
    // ITLinesNumber = 96 / 32 - 1 = 2, CPUNumber = 1, SecurityExtn = 0.
    assert_eq!(g.gicd(0, GICD_TYPER), 0x0000_0022);
    assert_eq!(g.gicd(0, GICD_IIDR), 0x0000_043b);
    assert_eq!(g.gicd(0, GICD_CTLR), 0);
    let ids: Vec<u32> = (0..12).map(|i| g.gicd(0, GICD_PIDR4 + 4 * i)).collect();
    assert_eq!(ids, [0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1]);
    assert_eq!(g.gicd(0, GICD_PIDR2), 0x2b, "ArchRev 2");
    // SGIs always enabled, edge-triggered; PPIs and SPIs level-sensitive and disabled.
    assert_eq!(g.gicd(0, GICD_ISENABLER), 0x0000_ffff);
    assert_eq!(g.gicd(1, GICD_ICENABLER), 0x0000_ffff);
    assert_eq!(g.gicd(0, GICD_ISENABLER + 4), 0);
    assert_eq!(g.gicd(0, GICD_ICFGR), 0xaaaa_aaaa);
    assert_eq!(g.gicd(0, GICD_ICFGR + 4), 0);
    assert_eq!(g.gicd(0, GICD_IGROUPR), 0);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR), 0);
    // SGI/PPI targets read as the reading core; SPIs target nothing.
    assert_eq!(g.gicd(0, GICD_ITARGETSR), 0x0101_0101);
    assert_eq!(g.gicd(1, GICD_ITARGETSR + 0x1c), 0x0202_0202);
    assert_eq!(g.gicd(0, GICD_ITARGETSR + 0x20), 0);
    // CPU interface.
    assert_eq!(g.gicc(0, c::GICC_CTLR), 0);
    assert_eq!(g.gicc(0, c::GICC_PMR), 0);
    assert_eq!(g.gicc(0, c::GICC_BPR), 0);
    assert_eq!(g.gicc(0, c::GICC_ABPR), 1);
    assert_eq!(g.gicc(0, c::GICC_RPR), 0xff);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    assert_eq!(g.gicc(0, GICC_HPPIR), SPURIOUS);
    assert_eq!(g.gicc(1, c::GICC_IIDR), 0x0002_043b);
    // Virtual interface: 4 list registers, 5 priority and preemption bits, all empty.
    assert_eq!(g.gich(0, GICH_VTR), 0x9000_0003);
    assert_eq!(g.gich(0, GICH_HCR), 0);
    assert_eq!(g.gich(0, GICH_VMCR), 0x004c_0000);
    assert_eq!(g.gich(0, GICH_MISR), 0);
    assert_eq!(g.gich(1, GICH_ELRSR0), 0xf);
    assert_eq!(g.gicv(0, c::GICC_BPR), 2);
    assert_eq!(g.gicv(0, c::GICC_ABPR), 3);
    assert_eq!(g.gicv(0, c::GICC_RPR), 0xff);
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS);
    assert_eq!(g.gicv(0, c::GICC_IIDR), 0x0002_043b);
    assert_eq!(g.lines(0), Default::default());
}

#[test]
fn configuration_is_validated() {
    assert_eq!(Gic::new(GicConfig::new(0, 32, 4)).unwrap_err(), ConfigError::Cpus(0));
    assert_eq!(Gic::new(GicConfig::new(9, 32, 4)).unwrap_err(), ConfigError::Cpus(9));
    assert_eq!(Gic::new(GicConfig::new(1, 33, 4)).unwrap_err(), ConfigError::Spis(33));
    assert_eq!(Gic::new(GicConfig::new(1, 992, 4)).unwrap_err(), ConfigError::Spis(992));
    assert_eq!(Gic::new(GicConfig::new(1, 32, 0)).unwrap_err(), ConfigError::ListRegisters(0));
    assert_eq!(Gic::new(GicConfig::new(1, 32, 65)).unwrap_err(), ConfigError::ListRegisters(65));
    let bad_bits = GicConfig { priority_bits: 3, ..GicConfig::new(1, 32, 4) };
    assert_eq!(Gic::new(bad_bits).unwrap_err(), ConfigError::PriorityBits(3));
    let mut big = Gic::new(GicConfig::new(8, 960, 64)).unwrap();
    assert_eq!(big.gicd(7, GICD_TYPER), 0x0000_00fe);
    assert_eq!(big.gich(7, GICH_VTR), 0x9000_003f);
    assert_eq!(ConfigError::Spis(33).to_string(), "33 SPIs: must be a multiple of 32, at most 988");
}

#[test]
fn spi_enable_pend_activate_deactivate() {
    let mut g = gic(2, 64);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    g.set_gicc(0, c::GICC_PMR, 0xf0);
    setup_irq(&mut g, 0, 40, 0x80);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 40), 0x0000_0080);
    assert_eq!(g.gicd(0, GICD_ITARGETSR + 40), 0x0000_0001);
    assert_eq!(g.gicd(0, GICD_ISENABLER + 4), 0x0000_0100);
    assert!(!g.irq(0));

    // Firmware makes SPI 40 pending through GICD_ISPENDR1.
    g.set_gicd(1, GICD_ISPENDR + 4, 1 << 8);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0x0000_0100);
    assert_eq!(g.gicd(0, GICD_ICPENDR + 4), 0x0000_0100);
    assert!(g.irq(0) && !g.fiq(0) && !g.irq(1));
    assert_eq!(g.gicc(0, GICC_HPPIR), 40);

    // CPU0 acknowledges: pending -> active, running priority 0x80.
    assert_eq!(g.gicc(0, GICC_IAR), 40);
    assert!(!g.irq(0));
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0x0000_0100);
    assert_eq!(g.gicd(1, GICD_ICACTIVER + 4), 0x0000_0100);
    assert_eq!(g.gicc(0, c::GICC_RPR), 0x80);
    // Preemption level 0x80 >> 1 = 64: bit 0 of GICC_APR2.
    assert_eq!([0, 1, 2, 3].map(|n| g.gicc(0, c::GICC_APR0 + 4 * n)), [0, 0, 1, 0]);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);

    // EOI: priority drop and deactivation.
    g.set_gicc(0, GICC_EOIR, 40);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);
    assert_eq!(g.gicc(0, c::GICC_RPR), 0xff);
    assert_eq!(g.gicc(0, c::GICC_APR0 + 8), 0);

    // Disabled: pending but not forwarded.
    g.set_gicd(0, GICD_ICENABLER + 4, 1 << 8);
    assert_eq!(g.gicd(0, GICD_ISENABLER + 4), 0);
    g.set_gicd(0, GICD_ISPENDR + 4, 1 << 8);
    assert!(!g.irq(0));
    assert_eq!(g.gicc(0, GICC_HPPIR), SPURIOUS);
    g.set_gicd(0, GICD_ISENABLER + 4, 1 << 8);
    assert!(g.irq(0));
    g.set_gicd(0, GICD_ICPENDR + 4, 1 << 8);
    assert!(!g.irq(0));
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);

    // Set-active and clear-active through the Distributor.
    g.set_gicd(0, GICD_ISACTIVER + 4, 1 << 9);
    assert_eq!(g.gicd(1, GICD_ISACTIVER + 4), 0x0000_0200);
    g.set_gicd(0, GICD_ICACTIVER + 4, 1 << 9);
    assert_eq!(g.gicd(1, GICD_ISACTIVER + 4), 0);
    assert!(g.is_pending(40, 0) == g.is_pending(40, 1));
}

#[test]
fn level_sensitive_spi_stays_pending_while_high_and_repends_after_deactivation() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, 33, 0x40);
    // The UART (SPI 1, INTID 33) raises its line.
    g.set_spi_level(1, true);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0x0000_0002);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    // Still asserted: active and pending, not signalled while active.
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0x0000_0002);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0x0000_0002);
    assert!(!g.irq(0));
    // EOI while the line is high: pending again at once.
    g.set_gicc(0, GICC_EOIR, 33);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    // The handler clears the device; the line drops before the EOI.
    g.set_spi_level(1, false);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);
    g.set_gicc(0, GICC_EOIR, 33);
    assert!(!g.irq(0));
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0);

    // GICD_ICPENDR cannot clear a level that is still asserted.
    g.set_spi_level(1, true);
    g.set_gicd(0, GICD_ICPENDR + 4, 1 << 1);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0x0000_0002);
    g.set_spi_level(1, false);
    assert!(!g.irq(0));
    // A GICD_ISPENDR latch persists after the line drops, until acknowledged.
    g.set_gicd(0, GICD_ISPENDR + 4, 1 << 1);
    g.set_spi_level(1, true);
    g.set_spi_level(1, false);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);
    g.set_gicc(0, GICC_EOIR, 33);
    assert!(!g.irq(0));
}

#[test]
fn edge_triggered_spi_latches_rising_edges() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, 33, 0x40);
    // ICFGR2 covers INTIDs 32..47; Int_config[1] of INTID 33 is bit 3. Int_config[0] is RAZ/WI.
    g.set_gicd(0, GICD_ICFGR + 8, 0b11 << 2);
    assert_eq!(g.gicd(0, GICD_ICFGR + 8), 0x0000_0008);
    g.set_spi_level(1, true);
    g.set_spi_level(1, false);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0x0000_0002);
    g.set_spi_level(1, true);
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    // Acknowledge clears the latch, whatever the line.
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);
    // A new edge while active: active and pending.
    g.set_spi_level(1, false);
    g.set_spi_level(1, true);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0x0000_0002);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 4), 0x0000_0002);
    assert!(!g.irq(0));
    g.set_gicc(0, GICC_EOIR, 33);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 33);
    g.set_gicc(0, GICC_EOIR, 33);
    assert!(!g.irq(0));
    // Holding the line high makes no further edge.
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);
}

#[test]
fn icfgr_sgis_are_fixed_ppis_programmable_and_banked() {
    let mut g = gic(2, 32);
    g.set_gicd(0, GICD_ICFGR, 0);
    assert_eq!(g.gicd(0, GICD_ICFGR), 0xaaaa_aaaa);
    g.set_gicd(0, GICD_ICFGR + 4, 0xffff_ffff);
    assert_eq!(g.gicd(0, GICD_ICFGR + 4), 0xaaaa_aaaa);
    assert_eq!(g.gicd(1, GICD_ICFGR + 4), 0);
    // An edge-triggered PPI on CPU0 latches an edge; CPU1's same PPI stays level-sensitive.
    g.set_ppi_level(0, 23, true);
    g.set_ppi_level(0, 23, false);
    g.set_ppi_level(1, 23, true);
    g.set_ppi_level(1, 23, false);
    assert_eq!(g.gicd(0, GICD_ISPENDR), bit(23));
    assert_eq!(g.gicd(1, GICD_ISPENDR), 0);
}

#[test]
fn ppis_are_banked_per_core() {
    let mut g = gic(2, 32);
    enable_cpu(&mut g, 1, c::CTLR_ENABLE_GRP0);
    g.set_gicc(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP0);
    g.set_gicc(0, c::GICC_PMR, 0xff);
    // CPU1 enables its virtual timer PPI (27) at priority 0xa0.
    setup_irq(&mut g, 1, 27, 0xa0);
    assert_eq!(g.gicd(1, GICD_ISENABLER), 0x0800_ffff);
    assert_eq!(g.gicd(0, GICD_ISENABLER), 0x0000_ffff);
    assert_eq!(g.gicd(1, GICD_IPRIORITYR + 24), 0xa000_0000);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 24), 0);
    g.set_ppi_level(1, crate::intid::VIRTUAL_TIMER, true);
    assert!(g.irq(1) && !g.irq(0));
    assert_eq!(g.gicd(1, GICD_ISPENDR), bit(27));
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    assert_eq!(g.gicc(1, GICC_IAR), 27);
    assert_eq!(g.gicd(1, GICD_ISACTIVER), bit(27));
    assert_eq!(g.gicd(0, GICD_ISACTIVER), 0);
    g.set_ppi_level(1, 27, false);
    g.set_gicc(1, GICC_EOIR, 27);
    // GICD_ICPENDR0 clears only the accessing core's PPI latch.
    g.set_gicd(0, GICD_ISPENDR, bit(20));
    g.set_gicd(1, GICD_ISPENDR, bit(20));
    g.set_gicd(0, GICD_ICPENDR, bit(20));
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
    assert_eq!(g.gicd(1, GICD_ISPENDR), bit(20));
    // The maintenance PPI is driven by the GIC only.
    g.set_ppi_level(0, crate::intid::MAINTENANCE, true);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
    // Group bits are banked too.
    g.set_gicd(1, GICD_IGROUPR, 0xffff_ffff);
    assert_eq!(g.gicd(1, GICD_IGROUPR), 0xffff_ffff);
    assert_eq!(g.gicd(0, GICD_IGROUPR), 0);
}

#[test]
fn itargetsr_masks_cores_that_do_not_exist() {
    let mut g = gic(2, 64);
    g.set_gicd(0, GICD_ITARGETSR + 0x20, 0xffff_ffff);
    assert_eq!(g.gicd(1, GICD_ITARGETSR + 0x20), 0x0303_0303);
    write_byte(&mut g, Region::Distributor, 0, GICD_ITARGETSR + 0x21, 0x02);
    assert_eq!(g.gicd(0, GICD_ITARGETSR + 0x20), 0x0303_0203);
    // SGI and PPI targets are read-only.
    g.set_gicd(0, GICD_ITARGETSR, 0);
    assert_eq!(g.gicd(0, GICD_ITARGETSR), 0x0101_0101);
    // Beyond the implemented interrupts: RAZ/WI.
    g.set_gicd(0, GICD_ITARGETSR + 96, 0x0101_0101);
    assert_eq!(g.gicd(0, GICD_ITARGETSR + 96), 0);

    let mut g3 = gic(3, 32);
    g3.set_gicd(0, GICD_ITARGETSR + 0x20, 0xff);
    assert_eq!(g3.gicd(0, GICD_ITARGETSR + 0x20), 0x07);

    // Uniprocessor: every target register is RAZ/WI, and SPIs reach core 0.
    let mut g1 = gic(1, 32);
    assert_eq!(g1.gicd(0, GICD_ITARGETSR), 0);
    g1.set_gicd(0, GICD_ITARGETSR + 0x20, 0);
    assert_eq!(g1.gicd(0, GICD_ITARGETSR + 0x20), 0);
    enable_cpu(&mut g1, 0, c::CTLR_ENABLE_GRP0);
    g1.set_gicd(0, GICD_ISENABLER + 4, bit(40));
    g1.set_spi_level(8, true);
    assert!(g1.irq(0));
    assert_eq!(g1.gicc(0, GICC_IAR), 40);
}

#[test]
fn spis_follow_the_1_of_n_model() {
    let mut g = gic(2, 32);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    enable_cpu(&mut g, 1, c::CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, 40, 0x80);
    write_byte(&mut g, Region::Distributor, 0, GICD_ITARGETSR + 40, 0b11);
    g.set_gicd(0, GICD_ISPENDR + 4, bit(40));
    assert!(g.irq(0) && g.irq(1));
    // CPU1 takes it; CPU0 no longer sees it.
    assert_eq!(g.gicc(1, GICC_IAR), 40);
    assert!(!g.irq(0) && !g.irq(1));
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    g.set_gicc(1, GICC_EOIR, 40);
    // A pending SPI with no target waits for one.
    write_byte(&mut g, Region::Distributor, 0, GICD_ITARGETSR + 40, 0);
    g.set_gicd(0, GICD_ISPENDR + 4, bit(40));
    assert!(!g.irq(0) && !g.irq(1));
    assert_eq!(g.gicd(1, GICD_ISPENDR + 4), bit(40));
    write_byte(&mut g, Region::Distributor, 0, GICD_ITARGETSR + 40, 0b10);
    assert!(!g.irq(0) && g.irq(1));
    assert_eq!(g.gicc(1, GICC_HPPIR), 40);
}

#[test]
fn distributor_group_enables_gate_forwarding() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0 | c::CTLR_ENABLE_GRP1 | c::CTLR_ACK_CTL);
    setup_irq(&mut g, 0, 34, 0x10);
    setup_irq(&mut g, 0, 35, 0x20);
    g.set_gicd(0, GICD_IGROUPR + 4, bit(35));
    assert_eq!(g.gicd(0, GICD_IGROUPR + 4), 0x0000_0008);
    g.set_gicd(0, GICD_ISPENDR + 4, bit(34) | bit(35));
    assert_eq!(g.gicc(0, GICC_HPPIR), 34);
    // Only Group 1 forwarded: the higher-priority Group 0 interrupt is ignored.
    g.set_gicd(0, GICD_CTLR, CTLR_ENABLE_GRP1);
    assert_eq!(g.gicd(0, GICD_CTLR), 0x2);
    assert_eq!(g.gicc(0, GICC_HPPIR), 35);
    assert!(g.irq(0));
    g.set_gicd(0, GICD_CTLR, 0);
    assert_eq!(g.gicc(0, GICC_HPPIR), SPURIOUS);
    assert_eq!(g.gicc(0, GICC_IAR), SPURIOUS);
    assert!(!g.irq(0));
    // The CPU interface's group enables gate in the same way.
    g.set_gicd(0, GICD_CTLR, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1);
    g.set_gicc(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP1 | c::CTLR_ACK_CTL);
    assert_eq!(g.gicc(0, GICC_HPPIR), 35);
}

#[test]
fn access_sizes() {
    let mut g = gic(1, 64);
    // Byte and halfword writes to IPRIORITYR.
    write_byte(&mut g, Region::Distributor, 0, GICD_IPRIORITYR + 0x29, 0x55);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 0x28), 0x0000_5500);
    g.write(Region::Distributor, MmioAccess { offset: GICD_IPRIORITYR + 0x2a, size: 2, cpu: 0 }, 0xbbaa).unwrap();
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 0x28), 0xbbaa_5500);
    assert_eq!(g.read(Region::Distributor, MmioAccess { offset: GICD_IPRIORITYR + 0x2b, size: 1, cpu: 0 }), Ok(0xbb));
    assert_eq!(g.read(Region::Distributor, MmioAccess { offset: GICD_IPRIORITYR + 0x2a, size: 2, cpu: 0 }), Ok(0xbbaa));
    // An 8-byte access is two words, low first.
    g.write(Region::Distributor, MmioAccess { offset: GICD_IPRIORITYR + 0x30, size: 8, cpu: 0 }, 0x1122_3344_5566_7788)
        .unwrap();
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 0x30), 0x5566_7788);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 0x34), 0x1122_3344);
    assert_eq!(
        g.read(Region::Distributor, MmioAccess { offset: GICD_IPRIORITYR + 0x28, size: 8, cpu: 0 }),
        Ok(0x0000_0000_bbaa_5500)
    );
    assert_eq!(g.read(Region::Distributor, MmioAccess { offset: GICD_TYPER - 4, size: 8, cpu: 0 }), Ok(0x2_0000_0000));
    // Byte-wise set-enable.
    write_byte(&mut g, Region::Distributor, 0, GICD_ISENABLER + 5, 0x81);
    assert_eq!(g.gicd(0, GICD_ISENABLER + 4), 0x0000_8100);
    // Unaligned and odd sizes abort.
    let bad = [(GICD_CTLR + 1, 2), (GICD_CTLR + 2, 4), (GICD_CTLR + 4, 8), (GICD_CTLR, 3), (GICD_CTLR, 0), (0, 16)];
    for (offset, size) in bad {
        let access = MmioAccess { offset, size, cpu: 0 };
        assert_eq!(g.read(Region::Distributor, access), Err(MmioFault::ExternalAbort), "{offset:#x}/{size}");
        assert_eq!(g.write(Region::Distributor, access, 0), Err(MmioFault::ExternalAbort));
    }
    // GICC: a byte access at a register offset reaches the register.
    g.write(Region::CpuInterface, MmioAccess { offset: c::GICC_PMR, size: 1, cpu: 0 }, 0x1f0).unwrap();
    assert_eq!(g.gicc(0, c::GICC_PMR), 0xf0);
    assert_eq!(g.read(Region::CpuInterface, MmioAccess { offset: c::GICC_PMR + 1, size: 1, cpu: 0 }), Ok(0));
    assert_eq!(g.read(Region::CpuInterface, MmioAccess { offset: c::GICC_IIDR, size: 2, cpu: 0 }), Ok(0x043b));
}

#[test]
fn unknown_offsets_and_cores_are_raz_wi() {
    let mut g = gic(2, 64);
    let before = g.clone();
    for offset in [0x00c, 0x040, 0xd00, 0xe00, 0xefc, 0xf04, 0xf30, 0xfcc, 0x1000, 0x8000, 0xfffc] {
        g.set_gicd(0, offset, 0xffff_ffff);
        assert_eq!(g.gicd(0, offset), 0, "GICD {offset:#x}");
    }
    // Registers of interrupts beyond ITLinesNumber: RAZ/WI.
    for offset in [GICD_ISENABLER + 12, GICD_ISPENDR + 12, GICD_IGROUPR + 12, GICD_ICFGR + 0x18, GICD_IPRIORITYR + 96] {
        g.set_gicd(0, offset, 0xffff_ffff);
        assert_eq!(g.gicd(0, offset), 0, "GICD {offset:#x}");
    }
    assert_eq!(g.gicd(0, GICD_SGIR), 0);
    for offset in [0x02c, 0x0cc, c::GICC_NSAPR0, 0x0f8, 0x0100, 0x1004, 0x2000, 0xfffc] {
        g.set_gicc(0, offset, 0xffff_ffff);
        assert_eq!(g.gicc(0, offset), 0, "GICC {offset:#x}");
        g.set_gicv(0, offset, 0xffff_ffff);
        assert_eq!(g.gicv(0, offset), 0, "GICV {offset:#x}");
    }
    for offset in [0x00c, 0x014, 0x040, 0x0ec, 0x200, 0x0fc0, 0x2000, 0xfffc] {
        g.set_gich(0, offset, 0xffff_ffff);
        assert_eq!(g.gich(0, offset), 0, "GICH {offset:#x}");
    }
    // A core index that does not exist.
    for region in [Region::Distributor, Region::CpuInterface, Region::VirtualControl, Region::VirtualCpuInterface] {
        let access = MmioAccess { offset: 0, size: 4, cpu: 2 };
        assert_eq!(g.write(region, access, 0xffff_ffff), Ok(()));
        assert_eq!(g.read(region, access), Ok(0));
    }
    // Outside the window.
    assert_eq!(g.read(Region::Distributor, MmioAccess { offset: 0x1_0000, size: 4, cpu: 0 }), Ok(0));
    assert_eq!(g.gicd(0, GICD_TYPER), before.clone().gicd(0, GICD_TYPER));
    assert_eq!(g.gicd(0, GICD_CTLR), 0);
    assert_eq!(g.lines(0), before.lines(0));
    assert_eq!(g.lines(5), Default::default());
}

#[test]
fn reduced_priority_bits_are_raz_wi() {
    let config = GicConfig { priority_bits: 5, ..GicConfig::new(1, 32, 4) };
    let mut g = Gic::new(config).unwrap();
    assert_eq!(g.gicc(0, c::GICC_BPR), 2);
    assert_eq!(g.gicc(0, c::GICC_ABPR), 3);
    g.set_gicd(0, GICD_IPRIORITYR + 32, 0xffff_ffff);
    assert_eq!(g.gicd(0, GICD_IPRIORITYR + 32), 0xf8f8_f8f8);
    g.set_gicc(0, c::GICC_PMR, 0xff);
    assert_eq!(g.gicc(0, c::GICC_PMR), 0xf8);
    g.set_gicc(0, c::GICC_BPR, 0);
    g.set_gicc(0, c::GICC_ABPR, 0);
    assert_eq!((g.gicc(0, c::GICC_BPR), g.gicc(0, c::GICC_ABPR)), (2, 3));
    // 32 preemption levels: only GICC_APR0 exists.
    g.set_gicc(0, c::GICC_APR0 + 4, 1);
    assert_eq!(g.gicc(0, c::GICC_APR0 + 4), 0);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, 36, 0xa8);
    g.set_gicd(0, GICD_ISPENDR + 4, bit(36));
    assert_eq!(g.gicc(0, GICC_IAR), 36);
    assert_eq!(g.gicc(0, c::GICC_APR0), 1 << 21);
    assert_eq!(g.gicc(0, c::GICC_RPR), 0xa8);
}

#[test]
fn reset_restores_the_initial_state() {
    let mut g = gic(1, 32);
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, 40, 0x10);
    g.set_spi_level(8, true);
    assert!(g.irq(0));
    g.take_dirty();
    g.reset();
    assert!(!g.irq(0));
    assert_eq!(g.take_dirty(), 1);
    assert_eq!(g.gicd(0, GICD_CTLR), 0);
    assert_eq!(g.gicd(0, GICD_ISPENDR + 4), 0);
    assert_eq!(g.gicc(0, c::GICC_PMR), 0);
    assert_eq!(*g.config(), GicConfig::new(1, 32, 4));
}
