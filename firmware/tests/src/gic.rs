//! GICv2 registers (ARM IHI 0048B) at the `virt` addresses, and small helpers for the test
//! programs: register offsets named as in the specification (tables 4-1, 4-2, 5-1), 32-bit and
//! byte accesses, and the usual set-up steps.
//!
//! The programs take interrupts at EL2, so they set HCR_EL2.IMO/FMO ([`route_to_el2`]): with
//! those clear, physical IRQs and FIQs target EL1 and are never taken at EL2 (DDI 0487 D1.4.6).

use support::{read_sysreg, write_sysreg};

/// Distributor base.
pub const GICD: usize = 0x0800_0000;
/// CPU interface base.
pub const GICC: usize = 0x0801_0000;
/// Virtual interface control base.
pub const GICH: usize = 0x0803_0000;
/// Virtual CPU interface base.
pub const GICV: usize = 0x0804_0000;

/// Distributor register offsets (IHI 0048B table 4-1).
pub mod gicd {
    /// Distributor Control Register.
    pub const CTLR: usize = 0x000;
    /// Interrupt Controller Type Register.
    pub const TYPER: usize = 0x004;
    /// Interrupt Group Registers.
    pub const IGROUPR: usize = 0x080;
    /// Interrupt Set-Enable Registers.
    pub const ISENABLER: usize = 0x100;
    /// Interrupt Clear-Enable Registers.
    pub const ICENABLER: usize = 0x180;
    /// Interrupt Set-Pending Registers.
    pub const ISPENDR: usize = 0x200;
    /// Interrupt Clear-Pending Registers.
    pub const ICPENDR: usize = 0x280;
    /// Interrupt Set-Active Registers.
    pub const ISACTIVER: usize = 0x300;
    /// Interrupt Clear-Active Registers.
    pub const ICACTIVER: usize = 0x380;
    /// Interrupt Priority Registers (byte-accessible).
    pub const IPRIORITYR: usize = 0x400;
    /// Interrupt Processor Targets Registers (byte-accessible).
    pub const ITARGETSR: usize = 0x800;
    /// Interrupt Configuration Registers.
    pub const ICFGR: usize = 0xc00;
    /// Software Generated Interrupt Register.
    pub const SGIR: usize = 0xf00;
    /// SGI Clear-Pending Registers.
    pub const CPENDSGIR: usize = 0xf10;
    /// SGI Set-Pending Registers.
    pub const SPENDSGIR: usize = 0xf20;
}

/// CPU interface register offsets (IHI 0048B table 4-2); the same layout in GICV.
pub mod gicc {
    /// CPU Interface Control Register.
    pub const CTLR: usize = 0x000;
    /// Interrupt Priority Mask Register.
    pub const PMR: usize = 0x004;
    /// Binary Point Register.
    pub const BPR: usize = 0x008;
    /// Interrupt Acknowledge Register.
    pub const IAR: usize = 0x00c;
    /// End of Interrupt Register.
    pub const EOIR: usize = 0x010;
    /// Running Priority Register.
    pub const RPR: usize = 0x014;
    /// Highest Priority Pending Interrupt Register.
    pub const HPPIR: usize = 0x018;
    /// Aliased Binary Point Register.
    pub const ABPR: usize = 0x01c;
    /// Deactivate Interrupt Register.
    pub const DIR: usize = 0x1000;
    /// CTLR.EnableGrp0.
    pub const CTLR_GRP0: u32 = 1 << 0;
    /// CTLR.EnableGrp1.
    pub const CTLR_GRP1: u32 = 1 << 1;
    /// CTLR.AckCtl.
    pub const CTLR_ACKCTL: u32 = 1 << 2;
    /// CTLR.FIQEn.
    pub const CTLR_FIQEN: u32 = 1 << 3;
    /// CTLR.EOImode.
    pub const CTLR_EOIMODE: u32 = 1 << 9;
}

/// Virtual interface control register offsets (IHI 0048B table 5-1) and fields (5.3).
pub mod gich {
    /// Hypervisor Control Register.
    pub const HCR: usize = 0x000;
    /// VGIC Type Register.
    pub const VTR: usize = 0x004;
    /// Virtual Machine Control Register.
    pub const VMCR: usize = 0x008;
    /// Maintenance Interrupt Status Register.
    pub const MISR: usize = 0x010;
    /// End of Interrupt Status Register 0.
    pub const EISR0: usize = 0x020;
    /// Empty List Register Status Register 0.
    pub const ELRSR0: usize = 0x030;
    /// Active Priorities Register.
    pub const APR: usize = 0x0f0;
    /// List Register 0; LR n at `LR0 + 4 * n`.
    pub const LR0: usize = 0x100;
    /// HCR.En.
    pub const HCR_EN: u32 = 1 << 0;
    /// HCR.UIE (underflow).
    pub const HCR_UIE: u32 = 1 << 1;
    /// HCR.LRENPIE.
    pub const HCR_LRENPIE: u32 = 1 << 2;
    /// HCR.NPIE (no pending).
    pub const HCR_NPIE: u32 = 1 << 3;
    /// LR.EOI (software interrupts: maintenance interrupt on deactivation).
    pub const LR_EOI: u32 = 1 << 19;
    /// LR.Priority shift (5 bits).
    pub const LR_PRIORITY_SHIFT: u32 = 23;
    /// LR.State = pending.
    pub const LR_PENDING: u32 = 1 << 28;
    /// LR.State = active.
    pub const LR_ACTIVE: u32 = 1 << 29;
    /// LR.Grp1.
    pub const LR_GRP1: u32 = 1 << 30;
    /// LR.HW.
    pub const LR_HW: u32 = 1 << 31;
    /// LR.PhysicalID shift.
    pub const LR_PHYSICAL_SHIFT: u32 = 10;
}

/// Interrupt IDs of the `virt` board.
pub mod id {
    /// The GIC maintenance interrupt (PPI).
    pub const MAINTENANCE: u32 = 25;
    /// The EL2 physical timer (PPI).
    pub const EL2_TIMER: u32 = 26;
    /// The virtual timer (PPI).
    pub const VIRTUAL_TIMER: u32 = 27;
    /// The EL1 physical timer (PPI).
    pub const EL1_TIMER: u32 = 30;
    /// Read from IAR when nothing can be acknowledged.
    pub const SPURIOUS: u32 = 1023;
}

/// Reads the 32-bit register at `base + offset`.
pub fn read(base: usize, offset: usize) -> u32 {
    // SAFETY: a GIC register of the platform memory map; an aligned 32-bit MMIO read.
    unsafe { ((base + offset) as *const u32).read_volatile() }
}

/// Writes the 32-bit register at `base + offset`.
pub fn write(base: usize, offset: usize, value: u32) {
    // SAFETY: as in `read`.
    unsafe { ((base + offset) as *mut u32).write_volatile(value) }
}

/// Reads the byte register at `base + offset`.
pub fn read8(base: usize, offset: usize) -> u8 {
    // SAFETY: a byte-accessible GIC register (IPRIORITYR, ITARGETSR, *SGIR).
    unsafe { ((base + offset) as *const u8).read_volatile() }
}

/// Writes the byte register at `base + offset`.
pub fn write8(base: usize, offset: usize, value: u8) {
    // SAFETY: as in `read8`.
    unsafe { ((base + offset) as *mut u8).write_volatile(value) }
}

/// Writes bit `id` of a Distributor bit-per-interrupt bank (ISENABLER, ICPENDR, ...).
pub fn set_bit(bank: usize, id: u32) {
    write(GICD, bank + 4 * (id as usize / 32), 1 << (id % 32));
}

/// Reads bit `id` of a Distributor bit-per-interrupt bank.
pub fn bit(bank: usize, id: u32) -> bool {
    read(GICD, bank + 4 * (id as usize / 32)) & (1 << (id % 32)) != 0
}

/// Enables interrupt `id` with priority `priority`.
pub fn enable(id: u32, priority: u8) {
    write8(GICD, gicd::IPRIORITYR + id as usize, priority);
    set_bit(gicd::ISENABLER, id);
}

/// Puts interrupt `id` in Group 1 (`true`) or Group 0.
pub fn set_group(id: u32, group1: bool) {
    let reg = gicd::IGROUPR + 4 * (id as usize / 32);
    let value = read(GICD, reg) & !(1 << (id % 32));
    write(GICD, reg, value | (u32::from(group1) << (id % 32)));
}

/// Sends SGI `id` with `GICD_SGIR.TargetListFilter` = `filter` to the CPU interfaces in
/// `targets` (IHI 0048B 4.3.15).
pub fn sgi(filter: u32, targets: u8, id: u32) {
    write(GICD, gicd::SGIR, (filter << 24) | (u32::from(targets) << 16) | (id & 0xf));
}

/// The bit of this core's CPU interface: `GICD_ITARGETSR0` byte 0 reads it (banked).
pub fn my_interface() -> u8 {
    read8(GICD, gicd::ITARGETSR)
}

/// Enables the Distributor for both groups (once, by one core).
pub fn enable_distributor() {
    write(GICD, gicd::CTLR, 3);
}

/// Enables this core's CPU interface (`ctlr`) with the priority mask open.
pub fn enable_cpu_interface(ctlr: u32) {
    write(GICC, gicc::PMR, 0xff);
    write(GICC, gicc::CTLR, ctlr);
}

/// HCR_EL2.IMO and FMO set (with RW): physical IRQs and FIQs are taken to EL2.
pub fn route_to_el2() {
    write_sysreg!(hcr_el2, read_sysreg!(hcr_el2) | (1 << 31) | (1 << 4) | (1 << 3));
    support::sysreg::isb();
}

/// Clears PSTATE.I (IRQs unmasked).
pub fn unmask_irq() {
    // SAFETY: changes only the interrupt mask; handlers are registered before.
    unsafe { core::arch::asm!("msr daifclr, #2", options(nostack)) }
}

/// Sets PSTATE.I (IRQs masked).
pub fn mask_irq() {
    // SAFETY: changes only the interrupt mask.
    unsafe { core::arch::asm!("msr daifset, #2", options(nostack)) }
}

/// Clears PSTATE.F (FIQs unmasked).
pub fn unmask_fiq() {
    // SAFETY: changes only the interrupt mask.
    unsafe { core::arch::asm!("msr daifclr, #1", options(nostack)) }
}

/// Sets PSTATE.F.
pub fn mask_fiq() {
    // SAFETY: changes only the interrupt mask.
    unsafe { core::arch::asm!("msr daifset, #1", options(nostack)) }
}

/// WFI.
pub fn wfi() {
    // SAFETY: waiting for an interrupt has no operands.
    unsafe { core::arch::asm!("wfi", options(nomem, nostack)) }
}
