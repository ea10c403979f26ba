//! Virtualization scenarios: a hypervisor fills list registers through GICH, a guest takes the
//! virtual interrupts through GICV; EOI, deactivation, hardware interrupts, maintenance.

use super::*;
use crate::cpu_interface::{self as c, GICC_AIAR, GICC_DIR, GICC_EOIR, GICC_HPPIR, GICC_IAR, GICC_RPR};
use crate::distributor::{GICD_ICFGR, GICD_ISACTIVER, GICD_ISPENDR};
use crate::virt::*;
use crate::{CpuLines, SPURIOUS, SPURIOUS_GROUP1};

/// A list register value: virtual ID, 8-bit priority (top 5 bits kept), state and other bits.
fn lr(vid: u32, priority: u8, bits: u32) -> u32 {
    vid | (u32::from(priority >> 3) << LR_PRIORITY_SHIFT) | bits
}

fn lr_offset(n: u64) -> u64 {
    GICH_LR0 + 4 * n
}

/// A GIC whose core 0 runs a guest: virtual interface enabled with `hcr`, the guest's GICV
/// enabled for both groups with `ctlr` and the priority mask open.
fn guest(cpus: usize, hcr: u32, ctlr: u32) -> Gic {
    let mut g = gic(cpus, 64);
    g.set_gich(0, GICH_HCR, hcr);
    g.set_gicv(0, c::GICC_CTLR, ctlr);
    g.set_gicv(0, c::GICC_PMR, 0xff);
    g
}

#[test]
fn list_register_injection_acknowledge_and_eoi() {
    let mut g = guest(1, HCR_EN, c::CTLR_ENABLE_GRP0);
    assert_eq!(g.gicv(0, c::GICC_PMR), 0xf8);
    // The hypervisor injects virtual interrupt 42 at priority 0xa0, pending, Group 0.
    let entry = lr(42, 0xa0, LR_PENDING);
    assert_eq!(entry, 0x1a00_002a);
    g.set_gich(0, lr_offset(0), entry);
    assert_eq!(g.gich(0, lr_offset(0)), 0x1a00_002a);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1110);
    assert_eq!(g.lines(0), CpuLines { virq: true, ..Default::default() });
    assert_eq!(g.gicv(0, GICC_HPPIR), 42);
    // The guest acknowledges: the list register becomes active, GICH_APR records level 20.
    assert_eq!(g.gicv(0, GICC_IAR), 42);
    assert_eq!(g.gich(0, lr_offset(0)), 0x2a00_002a);
    assert_eq!(g.gich(0, GICH_APR), 1 << 20);
    assert_eq!(g.gicv(0, c::GICC_APR0), 1 << 20);
    assert_eq!(g.gicv(0, GICC_RPR), 0xa0);
    assert!(!g.virq(0));
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS);
    // EOI: priority drop and deactivation; the list register is empty again.
    g.set_gicv(0, GICC_EOIR, 42);
    assert_eq!(g.gich(0, lr_offset(0)), 0x0a00_002a);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1111);
    assert_eq!(g.gich(0, GICH_EISR0), 0);
    assert_eq!(g.gich(0, GICH_APR), 0);
    assert_eq!(g.gicv(0, GICC_RPR), 0xff);
    assert_eq!(g.gich(0, GICH_MISR), 0);
    assert!(!g.maintenance(0));
    assert_eq!(g.lines(0), CpuLines::default());
}

#[test]
fn eoi_bit_raises_the_maintenance_interrupt() {
    let mut g = guest(1, HCR_EN, c::CTLR_ENABLE_GRP0);
    // EL2 takes the maintenance interrupt (PPI 25) on its physical interface.
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0);
    setup_irq(&mut g, 0, crate::intid::MAINTENANCE, 0x20);
    g.set_gich(0, lr_offset(2), lr(42, 0xa0, LR_PENDING | LR_EOI));
    assert_eq!(g.gich(0, lr_offset(2)), 0x1a08_002a);
    assert_eq!(g.gicv(0, GICC_IAR), 42);
    g.set_gicv(0, GICC_EOIR, 42);
    // LR2 is invalid with EOI set: an EOI maintenance interrupt, not yet empty.
    assert_eq!(g.gich(0, lr_offset(2)), 0x0a08_002a);
    assert_eq!(g.gich(0, GICH_EISR0), 0b0100);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1011);
    assert_eq!(g.gich(0, GICH_MISR), MISR_EOI);
    assert!(g.maintenance(0));
    assert_eq!(g.gicd(0, GICD_ISPENDR), 1 << 25);
    assert!(g.irq(0));
    // The hypervisor handles it and frees the list register: the maintenance line drops.
    assert_eq!(g.gicc(0, GICC_IAR), 25);
    g.set_gich(0, lr_offset(2), 0);
    assert_eq!(g.gich(0, GICH_EISR0), 0);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1111);
    assert_eq!(g.gich(0, GICH_MISR), 0);
    assert!(!g.maintenance(0));
    g.set_gicc(0, GICC_EOIR, 25);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
    assert!(!g.irq(0));
    // With GICH_HCR.En clear the maintenance interrupt is not asserted.
    g.set_gich(0, lr_offset(2), LR_EOI | 42);
    assert_eq!(g.gich(0, GICH_MISR), MISR_EOI);
    assert!(g.maintenance(0));
    g.set_gich(0, GICH_HCR, 0);
    assert_eq!(g.gich(0, GICH_MISR), MISR_EOI);
    assert!(!g.maintenance(0));
}

#[test]
fn hardware_list_register_deactivates_the_physical_interrupt() {
    let mut g = guest(1, HCR_EN, c::CTLR_ENABLE_GRP0);
    // EL2 runs its physical interface with EOImode 1; SPI 50 (INTID 82) is edge-triggered.
    enable_cpu(&mut g, 0, c::CTLR_ENABLE_GRP0 | c::CTLR_EOI_MODE);
    setup_irq(&mut g, 0, 82, 0x80);
    g.set_gicd(0, GICD_ICFGR + 0x14, 0x2 << 4);
    g.set_spi_level(50, true);
    assert!(g.irq(0));
    assert_eq!(g.gicc(0, GICC_IAR), 82);
    g.set_gicc(0, GICC_EOIR, 82);
    assert_eq!(g.gicc(0, GICC_RPR), 0xff);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 8), bit(82));
    // Forward it to the guest as virtual 82, linked to physical 82.
    let entry = lr(82, 0x80, LR_HW | LR_PENDING | (82 << LR_PHYSICAL_ID_SHIFT));
    assert_eq!(entry, 0x9801_4852);
    g.set_gich(0, lr_offset(0), entry);
    assert!(g.virq(0) && !g.irq(0));
    assert_eq!(g.gicv(0, GICC_IAR), 82);
    g.set_gicv(0, GICC_EOIR, 82);
    // The guest's EOI deactivated the physical interrupt; the LR is empty, no maintenance.
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 8), 0);
    assert_eq!(g.gich(0, lr_offset(0)), 0x8801_4852);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1111);
    assert_eq!(g.gich(0, GICH_EISR0), 0);
    assert!(!g.maintenance(0));

    // Same with the guest using EOImode 1: EOIR drops priority only, DIR deactivates both.
    g.set_spi_level(50, false);
    g.set_spi_level(50, true);
    assert_eq!(g.gicc(0, GICC_IAR), 82);
    g.set_gicc(0, GICC_EOIR, 82);
    g.set_gich(0, lr_offset(0), entry);
    g.set_gicv(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP0 | c::CTLR_EOI_MODE);
    assert_eq!(g.gicv(0, GICC_IAR), 82);
    g.set_gicv(0, GICC_EOIR, 82);
    assert_eq!(g.gicv(0, GICC_RPR), 0xff);
    assert_eq!(g.gich(0, lr_offset(0)), 0xa801_4852);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 8), bit(82));
    g.set_gicv(0, GICC_DIR, 82);
    assert_eq!(g.gich(0, lr_offset(0)), 0x8801_4852);
    assert_eq!(g.gicd(0, GICD_ISACTIVER + 8), 0);
    assert_eq!(g.gich(0, GICH_HCR), HCR_EN);
}

#[test]
fn hardware_list_register_with_a_ppi_deactivates_this_cores_ppi() {
    let mut g = guest(2, HCR_EN, c::CTLR_ENABLE_GRP0);
    g.set_gicd(0, GICD_ISACTIVER, 1 << 27);
    g.set_gicd(1, GICD_ISACTIVER, 1 << 27);
    g.set_gich(0, lr_offset(0), lr(27, 0x80, LR_HW | LR_PENDING | (27 << LR_PHYSICAL_ID_SHIFT)));
    assert_eq!(g.gicv(0, GICC_IAR), 27);
    g.set_gicv(0, GICC_EOIR, 27);
    assert_eq!(g.gicd(0, GICD_ISACTIVER), 0);
    assert_eq!(g.gicd(1, GICD_ISACTIVER), 1 << 27);
    // A PhysicalID naming an SGI is ignored (UNPREDICTABLE).
    g.set_gicd(0, GICD_ISACTIVER, 1 << 3);
    g.set_gich(0, lr_offset(0), lr(20, 0x80, LR_HW | LR_PENDING | (3 << LR_PHYSICAL_ID_SHIFT)));
    assert_eq!(g.gicv(0, GICC_IAR), 20);
    g.set_gicv(0, GICC_EOIR, 20);
    assert_eq!(g.gicd(0, GICD_ISACTIVER), 1 << 3);
}

#[test]
fn underflow_and_no_pending_maintenance() {
    let mut g = guest(1, HCR_EN | HCR_UIE | HCR_NPIE, c::CTLR_ENABLE_GRP0);
    // No valid list register: underflow and no pending.
    assert_eq!(g.gich(0, GICH_MISR), MISR_U | MISR_NP);
    assert!(g.maintenance(0));
    g.set_gich(0, lr_offset(0), lr(40, 0x80, LR_PENDING));
    assert_eq!(g.gich(0, GICH_MISR), MISR_U);
    g.set_gich(0, lr_offset(1), lr(41, 0x90, LR_PENDING));
    assert_eq!(g.gich(0, GICH_MISR), 0);
    assert!(!g.maintenance(0));
    assert_eq!(g.gicv(0, GICC_IAR), 40);
    assert_eq!(g.gich(0, GICH_MISR), 0);
    // 40 done: one valid list register left, still pending.
    g.set_gicv(0, GICC_EOIR, 40);
    assert_eq!(g.gich(0, GICH_MISR), MISR_U);
    assert_eq!(g.gicv(0, GICC_IAR), 41);
    // Active but none pending.
    assert_eq!(g.gich(0, GICH_MISR), MISR_U | MISR_NP);
    g.set_gicv(0, GICC_EOIR, 41);
    assert_eq!(g.gich(0, GICH_MISR), MISR_U | MISR_NP);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1111);
}

#[test]
fn eoi_without_a_list_register_counts_for_lrenp() {
    let mut g = guest(1, HCR_EN | HCR_LRENPIE, c::CTLR_ENABLE_GRP0);
    g.set_gich(0, lr_offset(0), lr(42, 0x80, LR_PENDING));
    assert_eq!(g.gicv(0, GICC_IAR), 42);
    // The hypervisor evicts the active interrupt from the list registers.
    g.set_gich(0, lr_offset(0), 0);
    g.set_gicv(0, GICC_EOIR, 42);
    assert_eq!(g.gich(0, GICH_HCR), 0x0800_0005);
    assert_eq!(g.gich(0, GICH_MISR), MISR_LRENP);
    assert!(g.maintenance(0));
    // An EOI that drops no priority does not count.
    g.set_gicv(0, GICC_EOIR, 42);
    assert_eq!(g.gich(0, GICH_HCR), 0x0800_0005);
    // Spurious IDs are ignored.
    g.set_gicv(0, GICC_EOIR, SPURIOUS);
    // With EOImode 1, a GICV_DIR that matches nothing counts.
    g.set_gicv(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP0 | c::CTLR_EOI_MODE);
    g.set_gicv(0, GICC_DIR, 99);
    assert_eq!(g.gich(0, GICH_HCR), 0x1000_0005);
    // The hypervisor accounts for them and resets the count.
    g.set_gich(0, GICH_HCR, HCR_EN | HCR_LRENPIE);
    assert_eq!(g.gich(0, GICH_MISR), 0);
    assert!(!g.maintenance(0));
    // EOICount wraps at 32.
    g.set_gich(0, GICH_HCR, HCR_EN | (31 << HCR_EOICOUNT_SHIFT));
    g.set_gicv(0, GICC_DIR, 99);
    assert_eq!(g.gich(0, GICH_HCR), HCR_EN);
}

#[test]
fn virtual_group_enable_maintenance() {
    let mut g = guest(1, HCR_EN | HCR_VGRP0EIE | HCR_VGRP1DIE, 0);
    assert_eq!(g.gich(0, GICH_MISR), MISR_VGRP1D);
    g.set_gicv(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP0 | c::CTLR_ENABLE_GRP1);
    assert_eq!(g.gich(0, GICH_MISR), MISR_VGRP0E);
    g.set_gicv(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP0);
    assert_eq!(g.gich(0, GICH_MISR), MISR_VGRP0E | MISR_VGRP1D);
    g.set_gich(0, GICH_HCR, HCR_EN | HCR_VGRP0DIE | HCR_VGRP1EIE);
    assert_eq!(g.gich(0, GICH_MISR), 0);
    g.set_gich(0, GICH_VMCR, c::CTLR_ENABLE_GRP1);
    assert_eq!(g.gich(0, GICH_MISR), MISR_VGRP0D | MISR_VGRP1E);
    assert!(g.maintenance(0));
}

#[test]
fn virtual_fiq_ackctl_and_aliases() {
    let mut g = guest(1, HCR_EN, c::CTLR_ENABLE_GRP0 | c::CTLR_ENABLE_GRP1 | c::CTLR_FIQ_EN);
    g.set_gich(0, lr_offset(0), lr(33, 0x80, LR_PENDING));
    assert_eq!(g.lines(0), CpuLines { vfiq: true, ..Default::default() });
    g.set_gich(0, lr_offset(1), lr(34, 0x40, LR_PENDING | LR_GRP1));
    assert_eq!(g.lines(0), CpuLines { virq: true, ..Default::default() });
    // AckCtl clear: the Group 1 interrupt reads as 1022 through GICV_IAR.
    assert_eq!(g.gicv(0, GICC_HPPIR), SPURIOUS_GROUP1);
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS_GROUP1);
    assert_eq!(g.gicv(0, c::GICC_AHPPIR), 34);
    assert_eq!(g.gicv(0, GICC_AIAR), 34);
    assert_eq!(g.gich(0, lr_offset(1)), lr(34, 0x40, LR_ACTIVE | LR_GRP1));
    // GICV_AEOIR of a Group 0 interrupt is ignored.
    g.set_gicv(0, c::GICC_AEOIR, 33);
    assert_eq!(g.gicv(0, GICC_RPR), 0x40);
    g.set_gicv(0, c::GICC_AEOIR, 34);
    assert_eq!(g.gicv(0, GICC_RPR), 0xff);
    assert_eq!(g.gich(0, lr_offset(1)), lr(34, 0x40, LR_GRP1));
    assert_eq!(g.gicv(0, GICC_AIAR), SPURIOUS);
    assert_eq!(g.gicv(0, c::GICC_AHPPIR), SPURIOUS);
    assert!(g.vfiq(0));
    assert_eq!(g.gicv(0, GICC_IAR), 33);
    assert!(!g.vfiq(0));
    g.set_gicv(0, GICC_EOIR, 33);
    // AckCtl set: GICV_IAR takes Group 1 as well.
    g.set_gicv(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP1 | c::CTLR_ACK_CTL);
    g.set_gich(0, lr_offset(1), lr(34, 0x40, LR_PENDING | LR_GRP1));
    assert_eq!(g.gicv(0, GICC_IAR), 34);
}

#[test]
fn virtual_sgi_reports_its_source_core() {
    let mut g = guest(1, HCR_EN, c::CTLR_ENABLE_GRP0);
    g.set_gich(0, lr_offset(0), lr(3, 0x80, LR_PENDING | (2 << LR_CPUID_SHIFT)));
    g.set_gich(0, lr_offset(1), lr(3, 0x80, LR_PENDING | (1 << LR_CPUID_SHIFT)));
    assert_eq!(g.gicv(0, GICC_HPPIR), 0x803);
    assert_eq!(g.gicv(0, GICC_IAR), 0x803);
    // The same SGI from core 1 has the running group priority: it waits.
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS);
    g.set_gicv(0, GICC_EOIR, 0x803);
    assert_eq!(g.gich(0, lr_offset(0)) & (LR_PENDING | LR_ACTIVE), 0);
    assert_eq!(g.gicv(0, GICC_IAR), 0x403);
    g.set_gicv(0, GICC_EOIR, 0x403);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0b1111);
}

#[test]
fn virtual_preemption_priority_mask_and_binary_point() {
    let mut g = guest(1, HCR_EN, c::CTLR_ENABLE_GRP0);
    g.set_gich(0, lr_offset(0), lr(40, 0x80, LR_PENDING));
    assert_eq!(g.gicv(0, GICC_IAR), 40);
    // A higher-priority interrupt arrives in another list register and preempts.
    g.set_gich(0, lr_offset(3), lr(41, 0x40, LR_PENDING));
    assert!(g.virq(0));
    assert_eq!(g.gicv(0, GICC_IAR), 41);
    assert_eq!(g.gich(0, GICH_APR), (1 << 16) | (1 << 8));
    assert_eq!(g.gicv(0, GICC_RPR), 0x40);
    g.set_gicv(0, GICC_EOIR, 41);
    assert_eq!(g.gicv(0, GICC_RPR), 0x80);
    g.set_gicv(0, GICC_EOIR, 40);
    // GICV_BPR 4: group priority bits [7:5]; 0x70 is in the group of 0x60: no preemption.
    g.set_gicv(0, c::GICC_BPR, 4);
    g.set_gich(0, lr_offset(0), lr(40, 0x68, LR_PENDING));
    assert_eq!(g.gicv(0, GICC_IAR), 40);
    assert_eq!(g.gicv(0, GICC_RPR), 0x60);
    assert_eq!(g.gich(0, GICH_APR), 1 << 12);
    g.set_gich(0, lr_offset(1), lr(41, 0x70, LR_PENDING));
    assert!(!g.virq(0));
    assert_eq!(g.gicv(0, GICC_HPPIR), 41);
    g.set_gicv(0, GICC_EOIR, 40);
    // GICV_PMR: 0x70 is not below 0x70.
    g.set_gicv(0, c::GICC_PMR, 0x70);
    assert!(!g.virq(0));
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS);
    g.set_gicv(0, c::GICC_PMR, 0x78);
    assert!(g.virq(0));
    // Minimum binary points of the virtual interface.
    g.set_gicv(0, c::GICC_BPR, 0);
    g.set_gicv(0, c::GICC_ABPR, 0);
    assert_eq!((g.gicv(0, c::GICC_BPR), g.gicv(0, c::GICC_ABPR)), (2, 3));
    // GICH_VMCR shows them all: PMR 0x78 >> 3, BPR 2, ABPR 3, CTLR 1.
    assert_eq!(g.gich(0, GICH_VMCR), 0x784c_0001);
}

#[test]
fn gich_vmcr_writes_the_virtual_cpu_interface() {
    let mut g = gic(1, 32);
    g.set_gich(0, GICH_VMCR, (0x10 << VMCR_PRIMASK_SHIFT) | (5 << VMCR_BP_SHIFT) | (6 << VMCR_ABP_SHIFT) | 0x21f);
    assert_eq!(g.gicv(0, c::GICC_CTLR), 0x21f);
    assert_eq!(g.gicv(0, c::GICC_PMR), 0x80);
    assert_eq!(g.gicv(0, c::GICC_BPR), 5);
    assert_eq!(g.gicv(0, c::GICC_ABPR), 6);
    g.set_gich(0, GICH_APR, 0x8000_0001);
    assert_eq!(g.gicv(0, c::GICC_APR0), 0x8000_0001);
    assert_eq!(g.gicv(0, GICC_RPR), 0x00);
    g.set_gicv(0, c::GICC_APR0, 0x8000_0000);
    assert_eq!(g.gich(0, GICH_APR), 0x8000_0000);
    assert_eq!(g.gicv(0, GICC_RPR), 0xf8);
    // Only GICV_APR0 exists.
    g.set_gicv(0, c::GICC_APR0 + 4, 1);
    assert_eq!(g.gicv(0, c::GICC_APR0 + 4), 0);
}

#[test]
fn hcr_en_gates_the_virtual_cpu_interface() {
    let mut g = guest(1, 0, c::CTLR_ENABLE_GRP0);
    g.set_gich(0, lr_offset(0), lr(40, 0x80, LR_PENDING));
    assert!(!g.virq(0));
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS);
    g.set_gich(0, GICH_HCR, HCR_EN);
    assert!(g.virq(0));
    // The guest's group enable gates it too.
    g.set_gicv(0, c::GICC_CTLR, c::CTLR_ENABLE_GRP1);
    assert!(!g.virq(0));
    assert_eq!(g.gicv(0, GICC_IAR), SPURIOUS);
    // HCR keeps only its defined bits.
    g.set_gich(0, GICH_HCR, 0xffff_ffff);
    assert_eq!(g.gich(0, GICH_HCR), 0xf800_00ff);
    // Read-only registers ignore writes.
    g.set_gich(0, GICH_VTR, 0);
    g.set_gich(0, GICH_MISR, 0);
    assert_eq!(g.gich(0, GICH_VTR), 0x9000_0003);
}

#[test]
fn gich_per_core_aliases() {
    let mut g = gic(2, 32);
    // CPU0 (the hypervisor) programs CPU1's virtual interface through its alias block.
    let cpu1 = GICH_ALIASES + GICH_BLOCK_SIZE;
    g.set_gich(0, cpu1 + GICH_HCR, HCR_EN);
    g.set_gich(0, cpu1 + lr_offset(1), lr(50, 0x80, LR_PENDING));
    assert_eq!(g.gich(1, GICH_HCR), HCR_EN);
    assert_eq!(g.gich(1, lr_offset(1)), lr(50, 0x80, LR_PENDING));
    assert_eq!(g.gich(0, lr_offset(1)), 0);
    assert_eq!(g.gich(0, cpu1 + GICH_ELRSR0), 0b1101);
    assert_eq!(g.gich(1, GICH_ALIASES + GICH_ELRSR0), 0b1111);
    g.set_gicv(1, c::GICC_CTLR, c::CTLR_ENABLE_GRP0);
    g.set_gicv(1, c::GICC_PMR, 0xff);
    assert!(g.virq(1) && !g.virq(0));
    assert_eq!(g.gicv(1, GICC_IAR), 50);
    assert_eq!(g.gich(0, cpu1 + GICH_APR), 1 << 16);
    // The VMCR alias reaches CPU1's GICV.
    assert_eq!(g.gich(0, cpu1 + GICH_VMCR), 0xf84c_0001);
    // Blocks of cores that do not exist, and the rest of the window: RAZ/WI.
    let cpu2 = GICH_ALIASES + 2 * GICH_BLOCK_SIZE;
    g.set_gich(0, cpu2 + GICH_HCR, HCR_EN);
    assert_eq!(g.gich(0, cpu2 + GICH_HCR), 0);
    assert_eq!(g.gich(0, cpu2 + GICH_VTR), 0);
    assert_eq!(g.gich(1, GICH_BLOCK_SIZE + GICH_VTR), 0);
}

#[test]
fn status_registers_cover_64_list_registers() {
    let mut g = Gic::new(GicConfig::new(1, 32, 40)).unwrap();
    assert_eq!(g.gich(0, GICH_VTR), 0x9000_0027);
    assert_eq!(g.gich(0, GICH_ELRSR0), 0xffff_ffff);
    assert_eq!(g.gich(0, GICH_ELRSR1), 0x0000_00ff);
    g.set_gich(0, lr_offset(39), LR_EOI | 7);
    assert_eq!(g.gich(0, lr_offset(39)), 0x0008_0007);
    assert_eq!(g.gich(0, GICH_EISR0), 0);
    assert_eq!(g.gich(0, GICH_EISR1), 0x0000_0080);
    assert_eq!(g.gich(0, GICH_ELRSR1), 0x0000_007f);
    g.set_gich(0, lr_offset(33), lr(9, 0x10, LR_PENDING));
    assert_eq!(g.gich(0, GICH_ELRSR1), 0x0000_007d);
    // Reserved LR bits [22:20] are RAZ/WI; list registers past the 40th are RAZ/WI.
    g.set_gich(0, lr_offset(0), 0x0070_0000);
    assert_eq!(g.gich(0, lr_offset(0)), 0);
    g.set_gich(0, lr_offset(40), LR_PENDING | 1);
    assert_eq!(g.gich(0, lr_offset(40)), 0);
    assert_eq!(g.gich(0, lr_offset(63)), 0);
    let mut full = Gic::new(GicConfig::new(1, 32, 64)).unwrap();
    full.set_gich(0, lr_offset(63), LR_EOI);
    assert_eq!(full.gich(0, GICH_EISR1), 0x8000_0000);
    assert_eq!(full.gich(0, GICH_ELRSR1), 0x7fff_ffff);
}

#[test]
fn active_and_pending_list_register() {
    let mut g = guest(1, HCR_EN | HCR_NPIE, c::CTLR_ENABLE_GRP0 | c::CTLR_EOI_MODE);
    // The hypervisor re-injects an edge while the guest handles the first one.
    g.set_gich(0, lr_offset(0), lr(44, 0x80, LR_PENDING));
    assert_eq!(g.gicv(0, GICC_IAR), 44);
    g.set_gich(0, lr_offset(0), lr(44, 0x80, LR_PENDING | LR_ACTIVE));
    // Active and pending is not signalled again, and is not "pending" for NP.
    assert!(!g.virq(0));
    assert_eq!(g.gich(0, GICH_MISR), MISR_NP);
    g.set_gicv(0, GICC_EOIR, 44);
    assert!(!g.virq(0));
    g.set_gicv(0, GICC_DIR, 44);
    assert_eq!(g.gich(0, lr_offset(0)), lr(44, 0x80, LR_PENDING));
    assert!(g.virq(0));
    assert_eq!(g.gich(0, GICH_MISR), 0);
}

#[test]
fn level_ppi_and_virtual_interfaces_are_independent_per_core() {
    let mut g = gic(2, 32);
    g.set_gich(1, GICH_HCR, HCR_EN | HCR_UIE);
    assert!(g.maintenance(1) && !g.maintenance(0));
    assert_eq!(g.gicd(1, GICD_ISPENDR), 1 << 25);
    assert_eq!(g.gicd(0, GICD_ISPENDR), 0);
}
