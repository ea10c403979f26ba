//! The virtualization extensions, IHI 0048B chapter 5: the virtual interface control registers
//! (GICH, 5.3) a hypervisor uses to present virtual interrupts through list registers, and the
//! state behind the virtual CPU interface (GICV, 5.4) a guest sees in place of GICC.
//!
//! Each core has its own list registers. A list register (`GICH_LR<n>`, 5.3.8) holds one
//! virtual interrupt: its virtual ID, 5-bit priority, group, state (pending, active, both), and
//! either the ID of a physical interrupt to deactivate with it (`HW` = 1) or, for a software
//! interrupt, the requesting core of a virtual SGI and the `EOI` bit asking for a maintenance
//! interrupt when the guest deactivates it. The virtual CPU interface acknowledges the highest
//! priority pending list register like GICC acknowledges the Distributor's interrupts (see
//! [`crate::cpu_interface`]); its active priorities are `GICH_APR`, and its control, mask and
//! binary points are `GICH_VMCR`.
//!
//! The maintenance interrupt (PPI 25 of the core) is asserted while `GICH_HCR.En` is set and any
//! `GICH_MISR` condition holds (5.3.4): an EOI-requesting list register became invalid (`EOI`),
//! at most one list register is valid with `UIE` (`U`), `EOICount` is non-zero with `LRENPIE`
//! (`LRENP`), no list register is pending with `NPIE` (`NP`), or a virtual group is enabled or
//! disabled with the matching `VGrp*IE` bit.

use crate::cpu_interface::{CpuInterface, Pending, CTLR_ENABLE_GRP0, CTLR_ENABLE_GRP1, CTLR_MASK};
use crate::{intid, Gic, MAX_LIST_REGISTERS};

/// `GICH_HCR`, Hypervisor Control Register (IHI 0048B 5.3.1).
pub const GICH_HCR: u64 = 0x000;
/// `GICH_VTR`, VGIC Type Register, read-only (5.3.2).
pub const GICH_VTR: u64 = 0x004;
/// `GICH_VMCR`, Virtual Machine Control Register (5.3.3).
pub const GICH_VMCR: u64 = 0x008;
/// `GICH_MISR`, Maintenance Interrupt Status Register, read-only (5.3.4).
pub const GICH_MISR: u64 = 0x010;
/// `GICH_EISR0`, End of Interrupt Status Register for list registers 0..31 (5.3.5).
pub const GICH_EISR0: u64 = 0x020;
/// `GICH_EISR1`, for list registers 32..63 (5.3.5).
pub const GICH_EISR1: u64 = 0x024;
/// `GICH_ELRSR0`, Empty List Register Status Register for list registers 0..31 (5.3.6).
pub const GICH_ELRSR0: u64 = 0x030;
/// `GICH_ELRSR1`, for list registers 32..63 (5.3.6).
pub const GICH_ELRSR1: u64 = 0x034;
/// `GICH_APR`, Active Priorities Register of the virtual CPU interface (5.3.7).
pub const GICH_APR: u64 = 0x0f0;
/// `GICH_LR0`, the first List Register; `GICH_LR<n>` is at `GICH_LR0 + 4 * n` (5.3.8).
pub const GICH_LR0: u64 = 0x100;
/// Offset of the per-core GICH aliases in the GICH window: core n's block is at
/// `GICH_ALIASES + n * GICH_BLOCK_SIZE` (the GIC-400 layout).
pub const GICH_ALIASES: u64 = 0x1000;
/// Size of one GICH register block.
pub const GICH_BLOCK_SIZE: u64 = 0x200;

/// `GICH_HCR.En`: enable the virtual CPU interface.
pub const HCR_EN: u32 = 1 << 0;
/// `GICH_HCR.UIE`: underflow maintenance interrupt enable.
pub const HCR_UIE: u32 = 1 << 1;
/// `GICH_HCR.LRENPIE`: list register entry not present maintenance interrupt enable.
pub const HCR_LRENPIE: u32 = 1 << 2;
/// `GICH_HCR.NPIE`: no pending maintenance interrupt enable.
pub const HCR_NPIE: u32 = 1 << 3;
/// `GICH_HCR.VGrp0EIE`: maintenance interrupt while virtual Group 0 is enabled.
pub const HCR_VGRP0EIE: u32 = 1 << 4;
/// `GICH_HCR.VGrp0DIE`: maintenance interrupt while virtual Group 0 is disabled.
pub const HCR_VGRP0DIE: u32 = 1 << 5;
/// `GICH_HCR.VGrp1EIE`: maintenance interrupt while virtual Group 1 is enabled.
pub const HCR_VGRP1EIE: u32 = 1 << 6;
/// `GICH_HCR.VGrp1DIE`: maintenance interrupt while virtual Group 1 is disabled.
pub const HCR_VGRP1DIE: u32 = 1 << 7;
/// `GICH_HCR.EOICount`, bits \[31:27\]: EOIs that matched no list register.
pub const HCR_EOICOUNT_SHIFT: u32 = 27;
/// The implemented `GICH_HCR` bits.
pub const HCR_MASK: u32 = 0xf800_00ff;

/// `GICH_MISR.EOI`.
pub const MISR_EOI: u32 = 1 << 0;
/// `GICH_MISR.U` (underflow).
pub const MISR_U: u32 = 1 << 1;
/// `GICH_MISR.LRENP` (list register entry not present).
pub const MISR_LRENP: u32 = 1 << 2;
/// `GICH_MISR.NP` (no pending).
pub const MISR_NP: u32 = 1 << 3;
/// `GICH_MISR.VGrp0E`.
pub const MISR_VGRP0E: u32 = 1 << 4;
/// `GICH_MISR.VGrp0D`.
pub const MISR_VGRP0D: u32 = 1 << 5;
/// `GICH_MISR.VGrp1E`.
pub const MISR_VGRP1E: u32 = 1 << 6;
/// `GICH_MISR.VGrp1D`.
pub const MISR_VGRP1D: u32 = 1 << 7;

/// `GICH_VMCR.VMABP`, bits \[20:18\] (alias of `GICV_ABPR`).
pub const VMCR_ABP_SHIFT: u32 = 18;
/// `GICH_VMCR.VMBP`, bits \[23:21\] (alias of `GICV_BPR`).
pub const VMCR_BP_SHIFT: u32 = 21;
/// `GICH_VMCR.VMPriMask`, bits \[31:27\] (alias of `GICV_PMR[7:3]`).
pub const VMCR_PRIMASK_SHIFT: u32 = 27;

/// `GICH_LR.VirtualID`, bits \[9:0\].
pub const LR_VIRTUAL_ID_MASK: u32 = 0x3ff;
/// `GICH_LR.PhysicalID`, bits \[19:10\] (when `HW` is set).
pub const LR_PHYSICAL_ID_SHIFT: u32 = 10;
/// `GICH_LR.CPUID`, bits \[12:10\] (software interrupt: the requesting core of a virtual SGI).
pub const LR_CPUID_SHIFT: u32 = 10;
/// `GICH_LR.EOI`, bit 19 (software interrupt: maintenance interrupt on deactivation).
pub const LR_EOI: u32 = 1 << 19;
/// `GICH_LR.Priority`, bits \[27:23\]: the top 5 bits of the virtual priority.
pub const LR_PRIORITY_SHIFT: u32 = 23;
/// `GICH_LR.State` pending bit (State = 0b01).
pub const LR_PENDING: u32 = 1 << 28;
/// `GICH_LR.State` active bit (State = 0b10).
pub const LR_ACTIVE: u32 = 1 << 29;
/// `GICH_LR.Grp1`, bit 30.
pub const LR_GRP1: u32 = 1 << 30;
/// `GICH_LR.HW`, bit 31: the virtual interrupt is linked to physical interrupt PhysicalID.
pub const LR_HW: u32 = 1 << 31;
/// The implemented `GICH_LR` bits (bits \[22:20\] are reserved).
pub const LR_MASK: u32 = 0xff8f_ffff;

/// Priority bits of the virtual CPU interface (`GICH_VTR.PRIbits + 1`).
pub const PRIORITY_BITS: u8 = 5;
/// Preemption bits of the virtual CPU interface (`GICH_VTR.PREbits + 1`).
pub const PREEMPTION_BITS: u8 = 5;

/// The virtual interface of one core: `GICH_HCR`, the list registers, and the virtual CPU
/// interface registers (`GICV_CTLR`, `PMR`, `BPR`, `ABPR`; `apr[0]` is `GICH_APR`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct VirtualInterface {
    hcr: u32,
    lrs: [u32; MAX_LIST_REGISTERS],
    pub(crate) vcpu: CpuInterface,
}

impl VirtualInterface {
    /// The reset state: disabled, list registers invalid, `GICV_BPR` = 2, `GICV_ABPR` = 3.
    pub(crate) fn new() -> VirtualInterface {
        VirtualInterface { hcr: 0, lrs: [0; MAX_LIST_REGISTERS], vcpu: CpuInterface::new(7 - PRIORITY_BITS) }
    }

    fn state(lr: u32) -> u32 {
        lr & (LR_PENDING | LR_ACTIVE)
    }

    /// Marks list register `n` active (pending → active, as `GICV_IAR` does).
    pub(crate) fn activate_lr(&mut self, n: usize) {
        self.lrs[n] = (self.lrs[n] & !LR_PENDING) | LR_ACTIVE;
    }

    /// Whether list register `n` holds a Group 1 interrupt.
    pub(crate) fn lr_group1(&self, n: usize) -> bool {
        self.lrs[n] & LR_GRP1 != 0
    }

    /// The list register holding virtual interrupt `id` in the active (or active and pending)
    /// state; for a software SGI, one from `source` is preferred.
    pub(crate) fn find_active(&self, id: u32, source: u32, count: usize) -> Option<usize> {
        let matches = |lr: &u32| lr & LR_VIRTUAL_ID_MASK == id && lr & LR_ACTIVE != 0;
        let lrs = &self.lrs[..count];
        let exact = lrs.iter().position(|lr| {
            matches(lr) && (id >= intid::SGIS || lr & LR_HW != 0 || (lr >> LR_CPUID_SHIFT) & 7 == source)
        });
        exact.or_else(|| lrs.iter().position(matches))
    }

    /// The first list register holding virtual interrupt `id` in any state but invalid.
    pub(crate) fn find_valid(&self, id: u32, count: usize) -> Option<usize> {
        self.lrs[..count].iter().position(|&lr| lr & LR_VIRTUAL_ID_MASK == id && Self::state(lr) != 0)
    }

    /// Counts an EOI that matched no list register (`GICH_HCR.EOICount`, modulo 32).
    pub(crate) fn count_eoi(&mut self) {
        self.hcr = self.hcr.wrapping_add(1 << HCR_EOICOUNT_SHIFT);
    }

    /// `GICH_EISR0/1` as a 64-bit value: invalid software list registers with `EOI` set.
    fn eisr(&self, count: usize) -> u64 {
        self.lrs[..count]
            .iter()
            .enumerate()
            .filter(|(_, &lr)| Self::state(lr) == 0 && lr & LR_HW == 0 && lr & LR_EOI != 0)
            .fold(0, |acc, (i, _)| acc | (1 << i))
    }

    /// `GICH_ELRSR0/1` as a 64-bit value: invalid list registers not waiting for an EOI
    /// maintenance interrupt (`HW` set or `EOI` clear).
    fn elrsr(&self, count: usize) -> u64 {
        self.lrs[..count]
            .iter()
            .enumerate()
            .filter(|(_, &lr)| Self::state(lr) == 0 && (lr & LR_HW != 0 || lr & LR_EOI == 0))
            .fold(0, |acc, (i, _)| acc | (1 << i))
    }

    /// `GICH_MISR` (5.3.4).
    fn misr(&self, count: usize) -> u32 {
        let lrs = &self.lrs[..count];
        let valid = lrs.iter().filter(|&&lr| Self::state(lr) != 0).count();
        let pending = lrs.iter().any(|&lr| Self::state(lr) == LR_PENDING);
        let hcr = self.hcr;
        let grp0 = self.vcpu.ctlr & CTLR_ENABLE_GRP0 != 0;
        let grp1 = self.vcpu.ctlr & CTLR_ENABLE_GRP1 != 0;
        let conditions = [
            (self.eisr(count) != 0, MISR_EOI),
            (hcr & HCR_UIE != 0 && valid <= 1, MISR_U),
            (hcr & HCR_LRENPIE != 0 && hcr >> HCR_EOICOUNT_SHIFT != 0, MISR_LRENP),
            (hcr & HCR_NPIE != 0 && !pending, MISR_NP),
            (hcr & HCR_VGRP0EIE != 0 && grp0, MISR_VGRP0E),
            (hcr & HCR_VGRP0DIE != 0 && !grp0, MISR_VGRP0D),
            (hcr & HCR_VGRP1EIE != 0 && grp1, MISR_VGRP1E),
            (hcr & HCR_VGRP1DIE != 0 && !grp1, MISR_VGRP1D),
        ];
        conditions.iter().filter(|(set, _)| *set).fold(0, |acc, (_, bit)| acc | bit)
    }

    /// `GICH_VMCR`: the virtual CPU interface's `CTLR`, `ABPR`, `BPR` and `PMR[7:3]`.
    fn vmcr(&self) -> u32 {
        let v = &self.vcpu;
        v.ctlr
            | (u32::from(v.abpr) << VMCR_ABP_SHIFT)
            | (u32::from(v.bpr) << VMCR_BP_SHIFT)
            | (u32::from(v.pmr >> 3) << VMCR_PRIMASK_SHIFT)
    }

    fn set_vmcr(&mut self, value: u32) {
        let min_bpr = 7 - PRIORITY_BITS;
        let v = &mut self.vcpu;
        v.ctlr = value & CTLR_MASK;
        v.abpr = ((value >> VMCR_ABP_SHIFT) as u8 & 7).max(min_bpr + 1);
        v.bpr = ((value >> VMCR_BP_SHIFT) as u8 & 7).max(min_bpr);
        v.pmr = ((value >> VMCR_PRIMASK_SHIFT) as u8) << 3;
    }
}

impl Gic {
    /// The highest priority pending list register of `cpu` in an enabled virtual group (5.4),
    /// before the `GICV_PMR` check; lowest list register first on a tie.
    pub(crate) fn highest_pending_virtual(&self, cpu: usize) -> Option<Pending> {
        let vif = &self.vifs[cpu];
        if vif.hcr & HCR_EN == 0 {
            return None;
        }
        let mut best: Option<Pending> = None;
        for (n, &lr) in vif.lrs[..self.config.list_registers].iter().enumerate() {
            let group1 = lr & LR_GRP1 != 0;
            if VirtualInterface::state(lr) != LR_PENDING || !vif.vcpu.group_enabled(group1) {
                continue;
            }
            let priority = (((lr >> LR_PRIORITY_SHIFT) & 0x1f) << 3) as u8;
            if best.is_none_or(|b| priority < b.priority) {
                let id = lr & LR_VIRTUAL_ID_MASK;
                // A software virtual SGI reports its requesting core in bits [12:10] (5.3.8).
                let source = if id < intid::SGIS && lr & LR_HW == 0 { (lr >> LR_CPUID_SHIFT) & 7 } else { 0 };
                best = Some(Pending { id, source, priority, group1, lr: n });
            }
        }
        best
    }

    /// Deactivates list register `n` of `cpu`; a hardware interrupt also deactivates its
    /// physical interrupt in the Distributor (5.3.8: PhysicalID must be a PPI or SPI, anything
    /// else is UNPREDICTABLE and ignored).
    pub(crate) fn deactivate_lr(&mut self, cpu: usize, n: usize) {
        let lr = self.vifs[cpu].lrs[n] & !LR_ACTIVE;
        self.vifs[cpu].lrs[n] = lr;
        if lr & LR_HW != 0 {
            let physical = (lr >> LR_PHYSICAL_ID_SHIFT) & 0x3ff;
            if (intid::FIRST_PPI..self.config.interrupts()).contains(&physical) {
                self.dist.deactivate(cpu, physical);
                self.update_for(physical, cpu);
            }
        }
    }

    /// Recomputes the maintenance interrupt of `cpu` (PPI 25) and its outputs, after a change
    /// of its virtual interface.
    pub(crate) fn update_virtual(&mut self, cpu: usize) {
        let vif = &self.vifs[cpu];
        let level = vif.hcr & HCR_EN != 0 && vif.misr(self.config.list_registers) != 0;
        self.dist.set_ppi_level(cpu, intid::MAINTENANCE, level);
        self.update_cpu(cpu);
    }

    /// The core and register offset a GICH window offset selects for an access by `cpu`.
    fn gich_block(&self, cpu: usize, offset: u64) -> Option<(usize, u64)> {
        if offset < GICH_BLOCK_SIZE {
            Some((cpu, offset))
        } else if (GICH_ALIASES..GICH_ALIASES + 8 * GICH_BLOCK_SIZE).contains(&offset) {
            let target = ((offset - GICH_ALIASES) / GICH_BLOCK_SIZE) as usize;
            (target < self.config.cpus).then_some((target, offset % GICH_BLOCK_SIZE))
        } else {
            None
        }
    }

    /// `GICH_VTR`: ListRegs \[5:0\], PREbits \[28:26\], PRIbits \[31:29\].
    fn vtr(&self) -> u32 {
        (self.config.list_registers as u32 - 1)
            | (u32::from(PREEMPTION_BITS - 1) << 26)
            | (u32::from(PRIORITY_BITS - 1) << 29)
    }

    /// A read of the GICH window at `offset` by `cpu`.
    pub(crate) fn gich_read(&self, cpu: usize, offset: u64) -> u32 {
        let Some((cpu, reg)) = self.gich_block(cpu, offset) else {
            return 0;
        };
        let count = self.config.list_registers;
        let vif = &self.vifs[cpu];
        match reg {
            GICH_HCR => vif.hcr,
            GICH_VTR => self.vtr(),
            GICH_VMCR => vif.vmcr(),
            GICH_MISR => vif.misr(count),
            GICH_EISR0 => vif.eisr(count) as u32,
            GICH_EISR1 => (vif.eisr(count) >> 32) as u32,
            GICH_ELRSR0 => vif.elrsr(count) as u32,
            GICH_ELRSR1 => (vif.elrsr(count) >> 32) as u32,
            GICH_APR => vif.vcpu.apr[0],
            0x100..=0x1ff if reg.is_multiple_of(4) => {
                let n = ((reg - GICH_LR0) / 4) as usize;
                if n < count {
                    vif.lrs[n]
                } else {
                    0
                }
            }
            _ => 0,
        }
    }

    /// A write of `value` to the GICH window at `offset` by `cpu`.
    pub(crate) fn gich_write(&mut self, cpu: usize, offset: u64, value: u32) {
        let Some((cpu, reg)) = self.gich_block(cpu, offset) else {
            return;
        };
        let count = self.config.list_registers;
        let vif = &mut self.vifs[cpu];
        match reg {
            GICH_HCR => vif.hcr = value & HCR_MASK,
            GICH_VMCR => vif.set_vmcr(value),
            GICH_APR => vif.vcpu.apr[0] = value,
            0x100..=0x1ff if reg.is_multiple_of(4) => {
                let n = ((reg - GICH_LR0) / 4) as usize;
                if n >= count {
                    return;
                }
                vif.lrs[n] = value & LR_MASK;
            }
            _ => return,
        }
        self.update_virtual(cpu);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_register_status_bits() {
        let mut vif = VirtualInterface::new();
        vif.lrs[0] = LR_EOI | 5; // invalid, EOI requested: EISR, not empty
        vif.lrs[1] = LR_HW | LR_EOI | 6; // invalid hardware: empty (bit 19 is PhysicalID)
        vif.lrs[2] = LR_PENDING | 7;
        vif.lrs[3] = 0;
        assert_eq!(vif.eisr(4), 0b0001);
        assert_eq!(vif.elrsr(4), 0b1010);
        assert_eq!(vif.misr(4), MISR_EOI);
        vif.hcr = HCR_UIE | HCR_NPIE;
        // One valid list register: underflow; one pending: not NP.
        assert_eq!(vif.misr(4), MISR_EOI | MISR_U);
    }

    #[test]
    fn vmcr_aliases_the_virtual_cpu_interface() {
        let mut vif = VirtualInterface::new();
        assert_eq!(vif.vmcr(), 0x004c_0000);
        vif.set_vmcr(0xffff_ffff);
        assert_eq!(vif.vmcr(), 0xf8fc_021f);
        assert_eq!((vif.vcpu.ctlr, vif.vcpu.pmr, vif.vcpu.bpr, vif.vcpu.abpr), (0x21f, 0xf8, 7, 7));
        vif.set_vmcr(0);
        assert_eq!((vif.vcpu.bpr, vif.vcpu.abpr), (2, 3));
    }
}
