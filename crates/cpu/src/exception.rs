//! The AArch64 exception model (ARM ARM D1.10-D1.14): taking synchronous and asynchronous
//! exceptions to EL1 or EL2, exception return with the illegal-return rules, and the routing
//! and masking of physical and virtual interrupts.

use crate::host_debug::ExceptionKind;
use crate::state::{spsr, Cpu, Pstate};
use crate::sysreg_table::SysReg;

/// Exception classes, ESR_ELx.EC (D13.2.37).
pub mod ec {
    /// Unknown reason (UNDEFINED instructions).
    pub const UNKNOWN: u8 = 0x00;
    /// Trapped WFI/WFE.
    pub const WFX: u8 = 0x01;
    /// Access to SIMD&FP trapped by CPACR_EL1/CPTR_EL2.
    pub const FP_ACCESS: u8 = 0x07;
    /// Illegal Execution state.
    pub const ILLEGAL_STATE: u8 = 0x0e;
    /// SVC from AArch64.
    pub const SVC64: u8 = 0x15;
    /// HVC from AArch64.
    pub const HVC64: u8 = 0x16;
    /// SMC from AArch64.
    pub const SMC64: u8 = 0x17;
    /// Trapped MSR, MRS or System instruction.
    pub const SYSREG: u8 = 0x18;
    /// Instruction abort from a lower EL.
    pub const IABT_LOWER: u8 = 0x20;
    /// Instruction abort from the current EL.
    pub const IABT_SAME: u8 = 0x21;
    /// PC alignment fault.
    pub const PC_ALIGN: u8 = 0x22;
    /// Data abort from a lower EL.
    pub const DABT_LOWER: u8 = 0x24;
    /// Data abort from the current EL.
    pub const DABT_SAME: u8 = 0x25;
    /// SP alignment fault.
    pub const SP_ALIGN: u8 = 0x26;
    /// SError interrupt.
    pub const SERROR: u8 = 0x2f;
    /// Breakpoint exception from a lower EL (same EL: 0x31).
    pub const BREAKPOINT_LOWER: u8 = 0x30;
    /// Software Step exception from a lower EL (same EL: 0x33).
    pub const SOFTWARE_STEP_LOWER: u8 = 0x32;
    /// Watchpoint exception from a lower EL (same EL: 0x35).
    pub const WATCHPOINT_LOWER: u8 = 0x34;
    /// BRK instruction.
    pub const BRK: u8 = 0x3c;
}

/// Fault status codes, DFSC/IFSC (D13.2.37, ISS for aborts).
pub mod fsc {
    /// Address size fault at level 0.
    pub const ADDR_SIZE_L0: u32 = 0b00_0000;
    /// Synchronous external abort, not on a translation table walk.
    pub const SYNC_EXTERNAL: u32 = 0b01_0000;
    /// Alignment fault.
    pub const ALIGNMENT: u32 = 0b10_0001;
}

/// A synchronous exception about to be taken: syndrome plus routing facts. Architectural
/// outcomes are plain values, never host errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncException {
    /// ESR_ELx.EC.
    pub ec: u8,
    /// ESR_ELx.ISS (IL is always 1 for A64).
    pub iss: u32,
    /// FAR_ELx value for aborts, alignment and watchpoint faults.
    pub far: Option<u64>,
    /// Taken to EL2 whatever the current EL (HVC, EL2 traps).
    pub to_el2: bool,
    /// The preferred return address is the next instruction (SVC, HVC, SMC).
    pub return_to_next: bool,
    /// HPFAR_EL2 for a stage 2 abort taken to EL2 (D24.2.76); not written otherwise.
    pub hpfar: Option<u64>,
}

impl SyncException {
    /// An exception with no address and the default routing.
    #[inline(always)]
    pub const fn new(ec: u8, iss: u32) -> SyncException {
        SyncException { ec, iss, far: None, to_el2: false, return_to_next: false, hpfar: None }
    }

    /// An UNDEFINED instruction (EC 0x00, ISS 0).
    pub const fn undefined() -> SyncException {
        SyncException::new(ec::UNKNOWN, 0)
    }
}

/// Asynchronous exception types, by their vector offset (D1.10.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncKind {
    /// IRQ or virtual IRQ.
    Irq = 0x80,
    /// FIQ or virtual FIQ.
    Fiq = 0x100,
    /// SError or virtual SError.
    SError = 0x180,
}

/// HCR_EL2 bits used by routing (D13.2.46).
pub mod hcr {
    /// FIQ routing to EL2.
    pub const FMO: u64 = 1 << 3;
    /// IRQ routing to EL2.
    pub const IMO: u64 = 1 << 4;
    /// SError routing to EL2.
    pub const AMO: u64 = 1 << 5;
    /// Virtual FIQ pending.
    pub const VF: u64 = 1 << 6;
    /// Virtual IRQ pending.
    pub const VI: u64 = 1 << 7;
    /// Virtual SError pending.
    pub const VSE: u64 = 1 << 8;
    /// Trap general exceptions from EL0 to EL2.
    pub const TGE: u64 = 1 << 27;
    /// SMC traps to EL2.
    pub const TSC: u64 = 1 << 19;
    /// HVC disabled.
    pub const HCD: u64 = 1 << 29;
    /// Trap WFI to EL2.
    pub const TWI: u64 = 1 << 13;
    /// Trap WFE to EL2.
    pub const TWE: u64 = 1 << 14;
    /// Trap DC ZVA to EL2.
    pub const TDZ: u64 = 1 << 28;
}

impl Cpu {
    /// Target EL of a synchronous exception raised at the current EL (D1.10.4): EL0 goes to EL1
    /// unless HCR_EL2.TGE routes it to EL2; nothing is taken to a lower EL.
    pub(crate) fn sync_target_el(&self, to_el2: bool) -> u8 {
        let tge_routes_el0 = self.pstate.el == 0 && self.sysreg(SysReg::HCR_EL2) & hcr::TGE != 0;
        if to_el2 || self.pstate.el == 2 || tge_routes_el0 {
            2
        } else {
            1
        }
    }

    /// Takes a synchronous exception for the instruction at `self.pc` (D1.10).
    pub fn take_sync(&mut self, exc: SyncException) {
        let target = self.sync_target_el(exc.to_el2);
        let from_el = self.pstate.el;
        let mut ec_value = exc.ec;
        // Aborts encode "same EL" vs "lower EL" in the EC (D13.2.37).
        if matches!(exc.ec, ec::IABT_LOWER | ec::IABT_SAME) {
            ec_value = if from_el == target { ec::IABT_SAME } else { ec::IABT_LOWER };
        } else if matches!(exc.ec, ec::DABT_LOWER | ec::DABT_SAME) {
            ec_value = if from_el == target { ec::DABT_SAME } else { ec::DABT_LOWER };
        }
        let esr = (u64::from(ec_value) << 26) | (1 << 25) | u64::from(exc.iss & 0x01ff_ffff);
        let ret = if exc.return_to_next { self.pc.wrapping_add(4) } else { self.pc };
        if exc.return_to_next {
            // D2.11.5.1 Table D2-21: SVC, HVC and SMC complete the stepped instruction, so
            // SPSR_ELx.SS is 0; every other synchronous exception leaves PSTATE.SS in SPSR.
            self.pstate.ss = false;
        }
        let (esr_reg, far_reg) =
            if target == 2 { (SysReg::ESR_EL2, SysReg::FAR_EL2) } else { (SysReg::ESR_EL1, SysReg::FAR_EL1) };
        self.sys[esr_reg as usize] = esr;
        if let Some(far) = exc.far {
            self.sys[far_reg as usize] = far;
        }
        if let (2, Some(hpfar)) = (target, exc.hpfar) {
            self.sys[SysReg::HPFAR_EL2 as usize] = hpfar;
        }
        self.enter(target, 0, ret);
        self.exception_taken(ExceptionKind::Sync { ec: ec_value }, from_el, esr);
    }

    /// Takes an asynchronous exception to `target`.
    pub(crate) fn take_async(&mut self, kind: AsyncKind, target: u8) {
        let esr_reg = if target == 2 { SysReg::ESR_EL2 } else { SysReg::ESR_EL1 };
        if kind == AsyncKind::SError {
            // D1.10.4: SError syndrome, IDS=0, uncategorized.
            self.sys[esr_reg as usize] = (u64::from(ec::SERROR) << 26) | (1 << 25);
        }
        let from_el = self.pstate.el;
        self.enter(target, kind as u64, self.pc);
        self.exception_taken(kind.into(), from_el, self.sys[esr_reg as usize]);
    }

    /// Common exception entry: saves PSTATE and the return address, masks DAIF, selects SP_ELx
    /// and jumps to the vector (D1.10.1, D1.10.2).
    fn enter(&mut self, target: u8, kind_offset: u64, return_address: u64) {
        let (spsr_reg, elr_reg, vbar_reg) = if target == 2 {
            (SysReg::SPSR_EL2, SysReg::ELR_EL2, SysReg::VBAR_EL2)
        } else {
            (SysReg::SPSR_EL1, SysReg::ELR_EL1, SysReg::VBAR_EL1)
        };
        if self.pmu.active {
            // The counters filter by EL: account for the time at the source EL first.
            self.pmu_sync();
            self.pmu_count_event(crate::pmu::event::EXC_TAKEN);
        }
        let from = self.pstate;
        self.sys[spsr_reg as usize] = from.to_spsr();
        self.step_syndrome_valid = false;
        self.sys[elr_reg as usize] = return_address;
        let source_offset = if from.el < target {
            0x400 // lower EL using AArch64
        } else if from.sp_sel {
            0x200 // current EL with SP_ELx
        } else {
            0x000 // current EL with SP_EL0
        };
        self.set_pstate(Pstate { nzcv: from.nzcv, daif: 0x3c0, el: target, sp_sel: true, il: false, ss: false });
        self.pc = self.sys[vbar_reg as usize].wrapping_add(source_offset + kind_offset);
        self.counters.exceptions += 1;
    }

    /// ERET (D1.11): restores PSTATE from SPSR_ELx and jumps to ELR_ELx. An illegal return
    /// (C5.2.18, D1.11.2) keeps EL and SP, sets PSTATE.IL, and the next instruction takes an
    /// Illegal Execution state exception.
    pub(crate) fn exception_return(&mut self) {
        if self.pmu.active {
            self.pmu_sync();
            self.pmu_count_event(crate::pmu::event::EXC_RETURN);
        }
        let el = self.pstate.el;
        let (spsr_reg, elr_reg) =
            if el == 2 { (SysReg::SPSR_EL2, SysReg::ELR_EL2) } else { (SysReg::SPSR_EL1, SysReg::ELR_EL1) };
        let spsr_value = self.sys[spsr_reg as usize];
        let target_pc = self.sys[elr_reg as usize];
        let m = spsr_value & 0x1f;
        let target_el = ((m >> 2) & 3) as u8;
        let hcr = self.sysreg(SysReg::HCR_EL2);
        let illegal = spsr_value & spsr::M4 != 0 // AArch32 is not implemented
            || target_el > el
            || target_el == 3
            || m & 0b10 != 0 // M[1] is reserved
            || (target_el == 0 && m & 1 != 0) // EL0 has only SP_EL0
            || (target_el == 1 && el == 2 && hcr & hcr::TGE != 0); // EL1 with TGE set
        let nzcv = (spsr_value & 0xf000_0000) as u32;
        let daif = (spsr_value & 0x3c0) as u32;
        // D2.11.4: an exception return copies SPSR.SS to PSTATE.SS only when software step is
        // enabled (MDSCR_EL1.SS), debug exceptions are disabled from this EL and enabled from
        // the EL returned to (with the D mask it gets); otherwise PSTATE.SS becomes 0.
        let ss_target = if illegal { el } else { target_el };
        let ss = spsr_value & spsr::SS != 0
            && self.sysreg(SysReg::MDSCR_EL1) & 1 != 0
            && !self.debug_exceptions_enabled_from(el, self.pstate.daif & 0x200 != 0)
            && self.debug_exceptions_enabled_from(ss_target, spsr_value & 0x200 != 0);
        self.step_syndrome_valid = false;
        let new = if illegal {
            Pstate { nzcv, daif, ss, il: true, ..self.pstate }
        } else {
            Pstate { nzcv, daif, el: target_el, sp_sel: m & 1 != 0, il: spsr_value & spsr::IL != 0, ss }
        };
        self.set_pstate(new);
        // The local monitor is cleared by an exception return (B2.9.x, ClearExclusiveLocal in
        // AArch64.ExceptionReturn), and the Event Register is set (D1.16.1).
        self.reservation = None;
        self.event = true;
        self.pc = target_pc;
    }

    /// The highest-priority asynchronous exception that is pending and unmasked at the current
    /// EL, with its target EL (D1.4.6.4: physical interrupts routed to EL2 by HCR_EL2.{IMO,
    /// FMO,AMO}, or by HCR_EL2.TGE, are not masked by PSTATE at EL0/EL1 and cannot be taken at
    /// EL2 if not routed there; virtual interrupts are enabled by IMO/FMO/AMO with TGE clear,
    /// are pending by HCR_EL2.{VI,VF,VSE} or the GIC's virtual CPU interface, and are taken
    /// only from EL0/EL1, to EL1).
    pub(crate) fn pending_async(&self) -> Option<(AsyncKind, u8)> {
        let hcr = self.sysreg(SysReg::HCR_EL2);
        let el = self.pstate.el;
        let daif = self.pstate.daif;
        let lines = self.irq_lines;
        let tge = hcr & hcr::TGE != 0;
        let candidates = [
            (AsyncKind::SError, crate::state::line::SERROR, hcr::AMO, hcr::VSE, 0x100),
            (AsyncKind::Fiq, crate::state::line::FIQ, hcr::FMO, hcr::VF, 0x40),
            (AsyncKind::Irq, crate::state::line::IRQ, hcr::IMO, hcr::VI, 0x80),
        ];
        // D1.4.6: priority between asynchronous exceptions is IMPLEMENTATION DEFINED; we take
        // SError, then FIQ, then IRQ, physical before virtual.
        for (kind, bit, route, virt, mask) in candidates {
            let routed_to_el2 = tge || hcr & route != 0;
            if lines & bit != 0 {
                let target = if routed_to_el2 { 2 } else { 1 };
                let masked = if target > el {
                    false
                } else if target < el {
                    true
                } else {
                    daif & mask != 0
                };
                if !masked {
                    return Some((kind, target));
                }
            }
            let virtual_pending = hcr & virt != 0 || self.virq_lines & bit != 0;
            if !tge && hcr & route != 0 && el < 2 && virtual_pending && daif & mask == 0 {
                return Some((kind, 1));
            }
        }
        None
    }

    /// Whether any interrupt would wake the core from WFI (D1.7.2.1: pending regardless of
    /// PSTATE masks, but counting routing: a virtual interrupt only at EL0/EL1 when enabled).
    pub fn wakeup_pending(&self) -> bool {
        let hcr = self.sysreg(SysReg::HCR_EL2);
        if self.irq_lines != 0 {
            return true;
        }
        if self.pstate.el == 2 || hcr & hcr::TGE != 0 {
            return false;
        }
        let line = |bit: u8| self.virq_lines & bit != 0;
        let virq = hcr & hcr::VI != 0 || line(crate::state::line::IRQ);
        let vfiq = hcr & hcr::VF != 0 || line(crate::state::line::FIQ);
        let vserror = hcr & hcr::VSE != 0;
        (virq && hcr & hcr::IMO != 0) || (vfiq && hcr & hcr::FMO != 0) || (vserror && hcr & hcr::AMO != 0)
    }

    /// Whether something would wake the core from WFE (D1.7.1.4): the Event Register, or an
    /// interrupt that would be taken now (physical or virtual, unmasked or routed above the
    /// current EL).
    pub fn wfe_wakeup_pending(&self) -> bool {
        self.event || self.pending_async().is_some()
    }

    /// For a core waiting in WFE: whether the WFE completes now, consuming the Event Register
    /// if that is why (an event, including one from the event stream since the WFE), or because
    /// an interrupt that would be taken is pending (which is then taken, D1.7.1.4).
    pub fn wfe_complete(&mut self) -> bool {
        self.consume_event() || self.pending_async().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu_at(el: u8) -> Cpu {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_pstate(Pstate { nzcv: 0x6000_0000, daif: 0, el, sp_sel: true, il: false, ss: false });
        cpu.set_sysreg(SysReg::VBAR_EL1, 0x1000);
        cpu.set_sysreg(SysReg::VBAR_EL2, 0x2000);
        cpu.pc = 0x500;
        cpu
    }

    #[test]
    fn svc_from_el0_goes_to_el1_lower_vector() {
        let mut cpu = cpu_at(0);
        cpu.pstate.sp_sel = false;
        cpu.take_sync(SyncException { return_to_next: true, ..SyncException::new(ec::SVC64, 7) });
        assert_eq!(cpu.pc, 0x1400);
        assert_eq!(cpu.sysreg(SysReg::ESR_EL1), 0x5600_0007);
        assert_eq!(cpu.sysreg(SysReg::ELR_EL1), 0x504);
        assert_eq!(cpu.sysreg(SysReg::SPSR_EL1), 0x6000_0000);
        assert_eq!(cpu.pstate.el, 1);
        assert_eq!(cpu.pstate.daif, 0x3c0);
    }

    #[test]
    fn abort_at_current_el_uses_spx_vector_and_same_el_class() {
        let mut cpu = cpu_at(2);
        cpu.take_sync(SyncException { far: Some(0x99), ..SyncException::new(ec::DABT_LOWER, fsc::SYNC_EXTERNAL) });
        assert_eq!(cpu.pc, 0x2200);
        assert_eq!(cpu.sysreg(SysReg::ESR_EL2) >> 26, u64::from(ec::DABT_SAME));
        assert_eq!(cpu.sysreg(SysReg::FAR_EL2), 0x99);
        assert_eq!(cpu.sysreg(SysReg::SPSR_EL2), 0x6000_0009);
    }

    #[test]
    fn tge_routes_el0_exceptions_to_el2() {
        let mut cpu = cpu_at(0);
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::TGE);
        cpu.take_sync(SyncException::undefined());
        assert_eq!(cpu.pstate.el, 2);
        assert_eq!(cpu.pc, 0x2400);
    }

    #[test]
    fn eret_to_el1h_and_illegal_returns() {
        let mut cpu = cpu_at(2);
        cpu.set_sysreg(SysReg::SPSR_EL2, 0x3c5);
        cpu.set_sysreg(SysReg::ELR_EL2, 0x8000);
        cpu.exception_return();
        assert_eq!((cpu.pstate.el, cpu.pstate.sp_sel, cpu.pc, cpu.pstate.il), (1, true, 0x8000, false));
        // From EL1 to EL2 is illegal: EL stays, IL is set.
        cpu.set_sysreg(SysReg::SPSR_EL1, 0x9);
        cpu.set_sysreg(SysReg::ELR_EL1, 0x9000);
        cpu.exception_return();
        assert_eq!((cpu.pstate.el, cpu.pstate.il, cpu.pc), (1, true, 0x9000));
        // EL0 with SP_ELx is reserved.
        let mut cpu = cpu_at(1);
        cpu.set_sysreg(SysReg::SPSR_EL1, 0x1);
        cpu.exception_return();
        assert!(cpu.pstate.il);
    }

    #[test]
    fn irq_routing_and_masking() {
        let mut cpu = cpu_at(1);
        cpu.set_interrupt_lines(crate::state::line::IRQ);
        assert_eq!(cpu.pending_async(), Some((AsyncKind::Irq, 1)));
        cpu.pstate.daif = 0x80;
        assert_eq!(cpu.pending_async(), None);
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::IMO | (1 << 31));
        // Routed to EL2: PSTATE.I at EL1 does not mask it.
        assert_eq!(cpu.pending_async(), Some((AsyncKind::Irq, 2)));
        // At EL2 an IRQ routed to EL1 is never taken.
        let mut cpu = cpu_at(2);
        cpu.set_interrupt_lines(crate::state::line::IRQ);
        assert_eq!(cpu.pending_async(), None);
        assert!(cpu.wakeup_pending());
        // Virtual IRQ at EL1.
        let mut cpu = cpu_at(1);
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::IMO | hcr::VI);
        assert_eq!(cpu.pending_async(), Some((AsyncKind::Irq, 1)));
    }

    #[test]
    fn virtual_lines_and_tge() {
        // A virtual FIQ from the GIC at EL1: taken only when FMO enables virtual FIQs.
        let mut cpu = cpu_at(1);
        cpu.set_virtual_interrupt_lines(crate::state::line::FIQ);
        assert_eq!(cpu.pending_async(), None);
        assert!(!cpu.wakeup_pending());
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::FMO);
        assert_eq!(cpu.pending_async(), Some((AsyncKind::Fiq, 1)));
        assert!(cpu.wakeup_pending());
        // Masked by PSTATE.F: no exception, but still a WFI wake-up (not a WFE one).
        cpu.pstate.daif = 0x40;
        assert_eq!(cpu.pending_async(), None);
        assert!(cpu.wakeup_pending() && !cpu.wfe_wakeup_pending());
        // At EL2 virtual interrupts do not exist.
        let mut cpu = cpu_at(2);
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::FMO | hcr::IMO | hcr::VI);
        cpu.set_virtual_interrupt_lines(crate::state::line::IRQ);
        assert_eq!(cpu.pending_async(), None);
        assert!(!cpu.wakeup_pending());
        // TGE: physical interrupts from EL0 go to EL2 whatever IMO says; virtual ones are off.
        let mut cpu = cpu_at(0);
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::TGE | hcr::IMO | hcr::VI);
        assert_eq!(cpu.pending_async(), None);
        cpu.set_sysreg(SysReg::HCR_EL2, hcr::TGE);
        cpu.set_interrupt_lines(crate::state::line::IRQ);
        assert_eq!(cpu.pending_async(), Some((AsyncKind::Irq, 2)));
    }
}
