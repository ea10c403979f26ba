//! The CPU interfaces, IHI 0048B 4.4: the physical GICC of each core, and the register-level
//! behaviour it shares with the virtual CPU interface GICV (IHI 0048B 5.4, which has the same
//! layout and whose interrupts come from the list registers instead of the Distributor).
//!
//! Prioritization follows IHI 0048B 3.3: an interface signals its highest priority pending
//! interrupt when that priority is higher (numerically lower) than `PMR` and the interrupt's
//! group priority is higher than the running priority. The group priority is the priority with
//! its subpriority bits cleared, as the binary point selects: `BPR` for Group 0 (and Group 1 when
//! `CTLR.CBPR` is set), else `ABPR`, whose field is one bit wider (3.3.3). Acknowledging sets the
//! bit of that group priority in the active priorities (`APR`), and the running priority is the
//! highest priority with a bit set; `EOIR` clears the highest set bit (priority drop) and, unless
//! `CTLR.EOImode` is set, deactivates the interrupt, which is otherwise left to `DIR` (3.2.1).

use crate::{distributor, intid, virt, Gic, SPURIOUS, SPURIOUS_GROUP1};

/// `GICC_CTLR`, CPU Interface Control Register (IHI 0048B 4.4.1).
pub const GICC_CTLR: u64 = 0x0000;
/// `GICC_PMR`, Interrupt Priority Mask Register (4.4.2).
pub const GICC_PMR: u64 = 0x0004;
/// `GICC_BPR`, Binary Point Register (4.4.3).
pub const GICC_BPR: u64 = 0x0008;
/// `GICC_IAR`, Interrupt Acknowledge Register, read-only (4.4.4).
pub const GICC_IAR: u64 = 0x000c;
/// `GICC_EOIR`, End of Interrupt Register, write-only (4.4.5).
pub const GICC_EOIR: u64 = 0x0010;
/// `GICC_RPR`, Running Priority Register, read-only (4.4.6).
pub const GICC_RPR: u64 = 0x0014;
/// `GICC_HPPIR`, Highest Priority Pending Interrupt Register, read-only (4.4.7).
pub const GICC_HPPIR: u64 = 0x0018;
/// `GICC_ABPR`, Aliased Binary Point Register, the Group 1 binary point (4.4.8).
pub const GICC_ABPR: u64 = 0x001c;
/// `GICC_AIAR`, Aliased Interrupt Acknowledge Register, Group 1 only (4.4.9).
pub const GICC_AIAR: u64 = 0x0020;
/// `GICC_AEOIR`, Aliased End of Interrupt Register, Group 1 only (4.4.10).
pub const GICC_AEOIR: u64 = 0x0024;
/// `GICC_AHPPIR`, Aliased Highest Priority Pending Interrupt Register, Group 1 only (4.4.11).
pub const GICC_AHPPIR: u64 = 0x0028;
/// `GICC_APR0`, the first of four Active Priorities Registers (4.4.12).
pub const GICC_APR0: u64 = 0x00d0;
/// `GICC_NSAPR0`, the first of four Non-secure Active Priorities Registers (4.4.13): RAZ/WI
/// without the Security Extensions.
pub const GICC_NSAPR0: u64 = 0x00e0;
/// `GICC_IIDR`, CPU Interface Identification Register (4.4.14).
pub const GICC_IIDR: u64 = 0x00fc;
/// `GICC_DIR`, Deactivate Interrupt Register, write-only (4.4.15).
pub const GICC_DIR: u64 = 0x1000;

/// `GICC_CTLR.EnableGrp0`: signal Group 0 interrupts.
pub const CTLR_ENABLE_GRP0: u32 = 1 << 0;
/// `GICC_CTLR.EnableGrp1`: signal Group 1 interrupts.
pub const CTLR_ENABLE_GRP1: u32 = 1 << 1;
/// `GICC_CTLR.AckCtl`: `GICC_IAR` may acknowledge a Group 1 interrupt.
pub const CTLR_ACK_CTL: u32 = 1 << 2;
/// `GICC_CTLR.FIQEn`: signal Group 0 interrupts as FIQ.
pub const CTLR_FIQ_EN: u32 = 1 << 3;
/// `GICC_CTLR.CBPR`: `GICC_BPR` controls Group 1 preemption too.
pub const CTLR_CBPR: u32 = 1 << 4;
/// `GICC_CTLR.EOImode` (EOImodeS): `GICC_EOIR` only drops priority, `GICC_DIR` deactivates.
pub const CTLR_EOI_MODE: u32 = 1 << 9;
/// The implemented `GICC_CTLR` / `GICV_CTLR` bits (QEMU's GICv2 without Security Extensions).
pub const CTLR_MASK: u32 = CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1 | CTLR_ACK_CTL | CTLR_FIQ_EN | CTLR_CBPR | CTLR_EOI_MODE;

/// `GICC_IIDR` / `GICV_IIDR` as QEMU reports them: architecture version 2, implementer Arm.
pub const IIDR_VALUE: u32 = 0x0002_043b;
/// `GICC_RPR` when no interrupt is active (the idle priority).
pub const IDLE_PRIORITY: u32 = 0xff;
/// Bits \[12:10\] of `IAR` / `HPPIR`: the source core of an SGI.
pub const IAR_CPUID_SHIFT: u32 = 10;
/// Bits \[9:0\] of `IAR` / `EOIR` / `DIR`: the interrupt ID.
pub const IAR_ID_MASK: u32 = 0x3ff;

/// Running priority when no interrupt is active: lower than every priority.
const IDLE: u16 = 0x100;
/// Number of `APR` registers an interface can have (128 preemption levels).
pub(crate) const MAX_APRS: usize = 4;

/// Which CPU interface an access reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The physical CPU interface, GICC.
    Physical,
    /// The virtual CPU interface, GICV.
    Virtual,
}

/// The priority parameters of an interface.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params {
    /// The implemented priority bits, as a mask of the 8-bit priority.
    pub(crate) priority_mask: u8,
    /// The smallest `BPR` value (`ABPR` is one more).
    pub(crate) min_bpr: u8,
    /// Number of implemented `APR` registers.
    pub(crate) aprs: usize,
}

impl Params {
    /// The parameters of an interface with `bits` priority bits (4..=8).
    fn with_bits(bits: u8) -> Params {
        let min_bpr = 7u8.saturating_sub(bits);
        let levels = 256usize >> (min_bpr + 1);
        Params { priority_mask: (0xff00u16 >> bits) as u8, min_bpr, aprs: levels.div_ceil(32) }
    }

    /// The number of bits a group priority shifts right to give its preemption level.
    fn level_shift(&self) -> u32 {
        u32::from(self.min_bpr) + 1
    }
}

/// The banked registers of one CPU interface, physical or virtual.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CpuInterface {
    pub(crate) ctlr: u32,
    pub(crate) pmr: u8,
    pub(crate) bpr: u8,
    pub(crate) abpr: u8,
    /// Active priorities: bit n of the 128-bit value is preemption level n.
    pub(crate) apr: [u32; MAX_APRS],
}

impl CpuInterface {
    /// The reset state: disabled, everything masked, binary points at their minimum.
    pub(crate) fn new(min_bpr: u8) -> CpuInterface {
        CpuInterface { ctlr: 0, pmr: 0, bpr: min_bpr, abpr: min_bpr + 1, apr: [0; MAX_APRS] }
    }

    /// The running priority: the group priority of the highest active preemption level, or
    /// [`IDLE`].
    fn running_priority(&self, params: Params) -> u16 {
        for (i, &word) in self.apr.iter().enumerate() {
            if word != 0 {
                return ((i as u16 * 32 + word.trailing_zeros() as u16) << params.level_shift()).min(0xff);
            }
        }
        IDLE
    }

    /// The group priority of an interrupt of priority `priority` (3.3.3).
    pub(crate) fn group_priority(&self, priority: u8, group1: bool) -> u8 {
        // The Group 1 (ABPR) field is one bit wider than the BPR field of the same value.
        let bpr = if group1 && self.ctlr & CTLR_CBPR == 0 { self.abpr.saturating_sub(1) } else { self.bpr };
        (u32::from(priority) & (0xff << (bpr + 1))) as u8
    }

    /// Whether `EOIR` only drops priority.
    fn eoi_mode(&self) -> bool {
        self.ctlr & CTLR_EOI_MODE != 0
    }

    /// Whether group 1 (else 0) is enabled in `CTLR`.
    pub(crate) fn group_enabled(&self, group1: bool) -> bool {
        self.ctlr & if group1 { CTLR_ENABLE_GRP1 } else { CTLR_ENABLE_GRP0 } != 0
    }

    /// Sets the active priority bit of group priority `gp`.
    fn activate(&mut self, gp: u8, params: Params) {
        let level = usize::from(gp) >> params.level_shift();
        self.apr[level / 32] |= 1 << (level % 32);
    }

    /// Clears the highest active priority bit; returns whether there was one.
    fn drop_priority(&mut self) -> bool {
        match self.apr.iter_mut().find(|w| **w != 0) {
            Some(word) => {
                *word &= *word - 1;
                true
            }
            None => false,
        }
    }
}

/// The highest priority pending interrupt of an interface, as it would be acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    /// Interrupt ID (virtual ID for the virtual interface).
    pub(crate) id: u32,
    /// The source core for bits \[12:10\] (SGIs), else 0.
    pub(crate) source: u32,
    pub(crate) priority: u8,
    pub(crate) group1: bool,
    /// The list register holding it (virtual interface only).
    pub(crate) lr: usize,
}

impl Pending {
    fn iar_value(&self) -> u32 {
        self.id | (self.source << IAR_CPUID_SHIFT)
    }
}

/// Whether an access is through the Group 1 alias registers (`AIAR`, `AEOIR`, `AHPPIR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Alias {
    No,
    Group1,
}

impl Gic {
    /// The parameters of the physical interfaces.
    pub(crate) fn phys_params(&self) -> Params {
        Params::with_bits(self.config.priority_bits)
    }

    fn params(&self, kind: Kind) -> Params {
        match kind {
            Kind::Physical => self.phys_params(),
            Kind::Virtual => Params::with_bits(virt::PRIORITY_BITS),
        }
    }

    pub(crate) fn iface(&self, kind: Kind, cpu: usize) -> &CpuInterface {
        match kind {
            Kind::Physical => &self.cpus[cpu],
            Kind::Virtual => &self.vifs[cpu].vcpu,
        }
    }

    fn iface_mut(&mut self, kind: Kind, cpu: usize) -> &mut CpuInterface {
        match kind {
            Kind::Physical => &mut self.cpus[cpu],
            Kind::Virtual => &mut self.vifs[cpu].vcpu,
        }
    }

    /// The highest priority pending interrupt `cpu`'s interface can signal or acknowledge: among
    /// the interrupts forwarded to it in an enabled group, the one of highest priority (lowest
    /// ID on a tie), if its priority is higher than `PMR` (3.3.2).
    pub(crate) fn highest_pending(&self, kind: Kind, cpu: usize) -> Option<Pending> {
        let best = match kind {
            Kind::Physical => self.highest_pending_physical(cpu),
            Kind::Virtual => self.highest_pending_virtual(cpu),
        }?;
        (best.priority < self.iface(kind, cpu).pmr).then_some(best)
    }

    fn highest_pending_physical(&self, cpu: usize) -> Option<Pending> {
        let iface = &self.cpus[cpu];
        let dctlr = self.dist.ctlr();
        let grp0 = dctlr & distributor::CTLR_ENABLE_GRP0 != 0 && iface.group_enabled(false);
        let grp1 = dctlr & distributor::CTLR_ENABLE_GRP1 != 0 && iface.group_enabled(true);
        if !grp0 && !grp1 {
            return None;
        }
        let mut best: Option<(u32, u8)> = None;
        for word in 0..(self.config.interrupts() as usize / 32) {
            let mut bits = self.dist.candidates(cpu, word, grp0, grp1);
            while bits != 0 {
                let id = (word * 32) as u32 + bits.trailing_zeros();
                let priority = self.dist.priority(cpu, id);
                if best.is_none_or(|(_, p)| priority < p) {
                    best = Some((id, priority));
                }
                bits &= bits - 1;
            }
        }
        let (id, priority) = best?;
        let source = if id < intid::SGIS { self.dist.sgi_source(cpu, id) } else { 0 };
        Some(Pending { id, source, priority, group1: self.dist.is_group1(cpu, id), lr: 0 })
    }

    /// The IRQ and FIQ levels of `cpu`'s interface: its highest priority pending interrupt
    /// preempts the running priority (3.3.2); Group 0 with `CTLR.FIQEn` set is an FIQ (4.4.1).
    pub(crate) fn signal(&self, kind: Kind, cpu: usize) -> (bool, bool) {
        let Some(best) = self.highest_pending(kind, cpu) else {
            return (false, false);
        };
        let iface = self.iface(kind, cpu);
        if u16::from(iface.group_priority(best.priority, best.group1)) >= iface.running_priority(self.params(kind)) {
            return (false, false);
        }
        let fiq = !best.group1 && iface.ctlr & CTLR_FIQ_EN != 0;
        (!fiq, fiq)
    }

    /// A read of `IAR` (`alias` clear) or `AIAR` (4.4.4, 4.4.9; 5.4 for GICV).
    fn acknowledge(&mut self, kind: Kind, cpu: usize, alias: Alias) -> u32 {
        let Some(best) = self.highest_pending(kind, cpu) else {
            return SPURIOUS;
        };
        let iface = *self.iface(kind, cpu);
        match alias {
            Alias::Group1 if !best.group1 => return SPURIOUS,
            Alias::No if best.group1 && iface.ctlr & CTLR_ACK_CTL == 0 => return SPURIOUS_GROUP1,
            _ => {}
        }
        let params = self.params(kind);
        let gp = iface.group_priority(best.priority, best.group1);
        if u16::from(gp) >= iface.running_priority(params) {
            return SPURIOUS;
        }
        self.iface_mut(kind, cpu).activate(gp, params);
        match kind {
            Kind::Physical => {
                self.dist.acknowledge(cpu, best.id, best.source);
                self.update_for(best.id, cpu);
            }
            Kind::Virtual => {
                self.vifs[cpu].activate_lr(best.lr);
                self.update_virtual(cpu);
            }
        }
        best.iar_value()
    }

    /// A read of `HPPIR` or `AHPPIR` (4.4.7, 4.4.11).
    fn highest_pending_id(&self, kind: Kind, cpu: usize, alias: Alias) -> u32 {
        let Some(best) = self.highest_pending(kind, cpu) else {
            return SPURIOUS;
        };
        match alias {
            Alias::Group1 if !best.group1 => SPURIOUS,
            Alias::No if best.group1 && self.iface(kind, cpu).ctlr & CTLR_ACK_CTL == 0 => SPURIOUS_GROUP1,
            _ => best.iar_value(),
        }
    }

    /// A write of `EOIR` or `AEOIR` to the physical interface (4.4.5, 4.4.10).
    fn end_of_interrupt_physical(&mut self, cpu: usize, value: u32, alias: Alias) {
        let id = value & IAR_ID_MASK;
        if id >= self.config.interrupts() {
            return;
        }
        if self.cpus[cpu].running_priority(self.phys_params()) == IDLE {
            return;
        }
        if alias == Alias::Group1 && !self.dist.is_group1(cpu, id) {
            return;
        }
        self.cpus[cpu].drop_priority();
        if !self.cpus[cpu].eoi_mode() {
            self.dist.deactivate(cpu, id);
        }
        self.update_for(id, cpu);
    }

    /// A write of `DIR` to the physical interface (4.4.15).
    fn deactivate_physical(&mut self, cpu: usize, value: u32) {
        let id = value & IAR_ID_MASK;
        // DIR with EOImode clear is UNPREDICTABLE: ignored, as QEMU.
        if id >= self.config.interrupts() || !self.cpus[cpu].eoi_mode() {
            return;
        }
        self.dist.deactivate(cpu, id);
        self.update_for(id, cpu);
    }

    /// A write of `EOIR` or `AEOIR` to the virtual interface (5.4; 5.3.1 for EOICount).
    fn end_of_interrupt_virtual(&mut self, cpu: usize, value: u32, alias: Alias) {
        let id = value & IAR_ID_MASK;
        if id >= 1020 {
            return;
        }
        let count = self.config.list_registers;
        let vif = &self.vifs[cpu];
        let lr = vif.find_active(id, (value >> IAR_CPUID_SHIFT) & 7, count);
        // GICV_AEOIR of a Group 0 interrupt is ignored.
        if alias == Alias::Group1 && lr.or_else(|| vif.find_valid(id, count)).is_some_and(|lr| !vif.lr_group1(lr)) {
            return;
        }
        let dropped = self.vifs[cpu].vcpu.drop_priority();
        if !self.vifs[cpu].vcpu.eoi_mode() {
            match lr {
                Some(lr) => self.deactivate_lr(cpu, lr),
                None if dropped => self.vifs[cpu].count_eoi(),
                None => {}
            }
        }
        self.update_virtual(cpu);
    }

    /// A write of `GICV_DIR` (5.4).
    fn deactivate_virtual(&mut self, cpu: usize, value: u32) {
        let id = value & IAR_ID_MASK;
        if id >= 1020 || !self.vifs[cpu].vcpu.eoi_mode() {
            return;
        }
        match self.vifs[cpu].find_active(id, (value >> IAR_CPUID_SHIFT) & 7, self.config.list_registers) {
            Some(lr) => self.deactivate_lr(cpu, lr),
            None => self.vifs[cpu].count_eoi(),
        }
        self.update_virtual(cpu);
    }

    /// A read of the GICC (or GICV) register at `offset` by `cpu`.
    pub(crate) fn iface_read(&mut self, kind: Kind, cpu: usize, offset: u64) -> u32 {
        let params = self.params(kind);
        let iface = *self.iface(kind, cpu);
        match offset {
            GICC_CTLR => iface.ctlr,
            GICC_PMR => u32::from(iface.pmr),
            GICC_BPR => u32::from(iface.bpr),
            GICC_ABPR => u32::from(iface.abpr),
            GICC_IAR => self.acknowledge(kind, cpu, Alias::No),
            GICC_AIAR => self.acknowledge(kind, cpu, Alias::Group1),
            GICC_RPR => u32::from(iface.running_priority(params)).min(IDLE_PRIORITY),
            GICC_HPPIR => self.highest_pending_id(kind, cpu, Alias::No),
            GICC_AHPPIR => self.highest_pending_id(kind, cpu, Alias::Group1),
            0x00d0..=0x00dc if offset.is_multiple_of(4) => {
                let n = ((offset - GICC_APR0) / 4) as usize;
                if n < params.aprs {
                    iface.apr[n]
                } else {
                    0
                }
            }
            GICC_IIDR => IIDR_VALUE,
            _ => 0,
        }
    }

    /// A write of `value` to the GICC (or GICV) register at `offset` by `cpu`.
    pub(crate) fn iface_write(&mut self, kind: Kind, cpu: usize, offset: u64, value: u32) {
        let params = self.params(kind);
        let iface = self.iface_mut(kind, cpu);
        match offset {
            GICC_CTLR => iface.ctlr = value & CTLR_MASK,
            GICC_PMR => iface.pmr = value as u8 & params.priority_mask,
            // A value below the minimum sets the minimum (4.4.3).
            GICC_BPR => iface.bpr = (value as u8 & 7).max(params.min_bpr),
            GICC_ABPR => iface.abpr = (value as u8 & 7).max(params.min_bpr + 1),
            GICC_EOIR | GICC_AEOIR => {
                let alias = if offset == GICC_AEOIR { Alias::Group1 } else { Alias::No };
                match kind {
                    Kind::Physical => self.end_of_interrupt_physical(cpu, value, alias),
                    Kind::Virtual => self.end_of_interrupt_virtual(cpu, value, alias),
                }
                return;
            }
            GICC_DIR => {
                match kind {
                    Kind::Physical => self.deactivate_physical(cpu, value),
                    Kind::Virtual => self.deactivate_virtual(cpu, value),
                }
                return;
            }
            0x00d0..=0x00dc if offset.is_multiple_of(4) => {
                let n = ((offset - GICC_APR0) / 4) as usize;
                if n < params.aprs {
                    let levels = 256u32 >> params.level_shift();
                    iface.apr[n] = value & if levels >= 32 { u32::MAX } else { (1 << levels) - 1 };
                }
            }
            _ => return,
        }
        match kind {
            Kind::Physical => self.update_cpu(cpu),
            Kind::Virtual => self.update_virtual(cpu),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_per_priority_width() {
        let p8 = Params::with_bits(8);
        assert_eq!((p8.priority_mask, p8.min_bpr, p8.aprs), (0xff, 0, 4));
        let p5 = Params::with_bits(5);
        assert_eq!((p5.priority_mask, p5.min_bpr, p5.aprs), (0xf8, 2, 1));
        let p4 = Params::with_bits(4);
        assert_eq!((p4.priority_mask, p4.min_bpr, p4.aprs), (0xf0, 3, 1));
        let p6 = Params::with_bits(6);
        assert_eq!((p6.priority_mask, p6.min_bpr, p6.aprs), (0xfc, 1, 2));
    }

    #[test]
    fn group_priority_and_running_priority() {
        let p = Params::with_bits(8);
        let mut iface = CpuInterface::new(0);
        iface.bpr = 3;
        // BPR 3: group priority bits [7:4].
        assert_eq!(iface.group_priority(0x5c, false), 0x50);
        // ABPR 1 is the same split as BPR 0: bits [7:1].
        assert_eq!(iface.group_priority(0x5d, true), 0x5c);
        iface.ctlr = CTLR_CBPR;
        assert_eq!(iface.group_priority(0x5d, true), 0x50);
        assert_eq!(iface.running_priority(p), IDLE);
        iface.activate(0x50, p);
        iface.activate(0x20, p);
        assert_eq!(iface.apr, [1 << 16, 1 << 8, 0, 0]);
        assert_eq!(iface.running_priority(p), 0x20);
        assert!(iface.drop_priority());
        assert_eq!(iface.running_priority(p), 0x50);
        assert!(iface.drop_priority());
        assert!(!iface.drop_priority());
    }
}
