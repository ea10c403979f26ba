//! Exception generation, hints, PSTATE and system-register access, and the System instructions
//! (C4.1.3, C5): SVC/HVC/SMC/BRK, WFI/WFE/SEV, MSR (immediate), MRS/MSR (register) through the
//! table of `isa/sysregs.isa`, DC/IC/AT/TLBI.

use super::{ExecResult, Step, StopReason};
use crate::exception::{ec, hcr, SyncException};
use crate::memory::{FirmwareCall, Platform};
use crate::state::Cpu;
use crate::sysreg_table::{trap_class, SysReg, SYSREGS};
use crate::timer::{cntctl, ctl, cval_from_tval, tval};
use crate::traps::SysOp;

/// SCTLR_EL1 bits that open instructions and registers to EL0 (D13.2.113).
mod el0 {
    pub const UMA: u64 = 1 << 9;
    pub const NTWI: u64 = 1 << 16;
    pub const NTWE: u64 = 1 << 18;
    pub const DZE: u64 = 1 << 14;
    pub const UCT: u64 = 1 << 15;
    pub const UCI: u64 = 1 << 26;
}

/// MDSCR_EL1.TDCC (D13.3): trap EL0 accesses to the DCC registers.
const MDSCR_TDCC: u64 = 1 << 12;

/// ISS of a trapped MSR/MRS/System instruction, EC 0x18 (D13.2.37).
fn sysreg_iss(op0: u8, op1: u8, crn: u8, crm: u8, op2: u8, rt: u8, read: bool) -> u32 {
    (u32::from(op0) << 20)
        | (u32::from(op2) << 17)
        | (u32::from(op1) << 14)
        | (u32::from(crn) << 10)
        | (u32::from(rt) << 5)
        | (u32::from(crm) << 1)
        | u32::from(read)
}

impl Cpu {
    pub(crate) fn svc(&mut self, imm16: u16) -> ExecResult {
        Err(SyncException { return_to_next: true, ..SyncException::new(ec::SVC64, u32::from(imm16)) })
    }

    /// HVC: UNDEFINED at EL0 and when HCR_EL2.HCD is set (no EL3), else taken to EL2.
    pub(crate) fn hvc(&mut self, imm16: u16) -> ExecResult {
        if self.pstate.el == 0 || self.sysreg(SysReg::HCR_EL2) & hcr::HCD != 0 {
            return Err(SyncException::undefined());
        }
        Err(SyncException { return_to_next: true, to_el2: true, ..SyncException::new(ec::HVC64, u32::from(imm16)) })
    }

    /// SMC: UNDEFINED at EL0; trapped to EL2 from EL1 by HCR_EL2.TSC (preferred return: the SMC
    /// itself); otherwise, with no EL3, served by the platform's firmware (PSCI), or UNDEFINED.
    pub(crate) fn smc<P: Platform>(&mut self, imm16: u16, p: &mut P) -> ExecResult {
        let el = self.pstate.el;
        if el == 0 {
            return Err(SyncException::undefined());
        }
        if el == 1 && self.sysreg(SysReg::HCR_EL2) & hcr::TSC != 0 {
            return Err(SyncException { to_el2: true, ..SyncException::new(ec::SMC64, u32::from(imm16)) });
        }
        let args = [self.xr(1), self.xr(2), self.xr(3)];
        p.set_time(self.id, self.counters.cycles);
        // The call may start or stop cores and change interrupt lines: service the block
        // boundary after it.
        self.stop_at = 0;
        match p.firmware_call(self.id, self.xr(0), args) {
            FirmwareCall::Return(value) => {
                self.set_x(0, value);
                Ok(Step::Next)
            }
            FirmwareCall::SystemOff => {
                self.pc = self.pc.wrapping_add(4);
                Ok(Step::Exit(StopReason::PowerOff))
            }
            FirmwareCall::SystemReset => {
                self.pc = self.pc.wrapping_add(4);
                Ok(Step::Exit(StopReason::Reset))
            }
            FirmwareCall::CpuOff => {
                self.pc = self.pc.wrapping_add(4);
                Ok(Step::Exit(StopReason::CpuOff))
            }
            FirmwareCall::Standby(value) => {
                // PSCI CPU_SUSPEND as a standby state: X0 is the return value, then the core
                // waits as WFI does (without WFI's traps: the call is the platform's).
                self.set_x(0, value);
                self.pc = self.pc.wrapping_add(4);
                if self.wakeup_pending() {
                    return Ok(Step::Jump);
                }
                Ok(Step::Exit(StopReason::WaitForInterrupt))
            }
            FirmwareCall::NotHandled => Err(SyncException::undefined()),
        }
    }

    /// BRK: a Breakpoint instruction exception, EC 0x3C, returning to the BRK itself.
    pub(crate) fn brk(&mut self, imm16: u16) -> ExecResult {
        // A Breakpoint Instruction exception is a debug exception: MDCR_EL2.TDE and
        // HCR_EL2.TGE route it to EL2 (D2.3.2), whatever the debug enables say.
        let to_el2 = self.debug_target_el() == 2;
        Err(SyncException { to_el2, ..SyncException::new(ec::BRK, u32::from(imm16)) })
    }

    /// NOP, YIELD, WFE, WFI, SEV, SEVL; other hints are NOPs (C6.2 HINT).
    pub(crate) fn hint<P: Platform>(&mut self, crm: u8, op2: u8, p: &mut P) -> ExecResult {
        match (crm, op2) {
            (0, 1) => {
                self.pc = self.pc.wrapping_add(4);
                Ok(Step::Exit(StopReason::Yield))
            }
            (0, 2) => {
                // WFE completes at once if the Event Register is set (D1.7.1.1), clearing it;
                // only a WFE that would wait can be trapped (D1.7.1.3).
                if self.consume_event() {
                    return Ok(Step::Next);
                }
                self.check_wfx_trap(true)?;
                self.pc = self.pc.wrapping_add(4);
                Ok(Step::Exit(StopReason::WaitForEvent))
            }
            (0, 3) => {
                // A WFI with an interrupt pending completes at once and is never trapped.
                if self.wakeup_pending() {
                    return Ok(Step::Next);
                }
                self.check_wfx_trap(false)?;
                self.pc = self.pc.wrapping_add(4);
                Ok(Step::Exit(StopReason::WaitForInterrupt))
            }
            (0, 4) => {
                // SEV: an event to every PE in the system (D1.7.1.4), this one included.
                self.event = true;
                p.set_time(self.id, self.counters.cycles);
                p.send_event(self.id);
                Ok(Step::Next)
            }
            (0, 5) => {
                // SEVL: this PE only.
                self.event = true;
                Ok(Step::Next)
            }
            _ => Ok(Step::Next),
        }
    }

    /// The traps of a WFI (`wfe` false) or WFE that would enter a low-power state (D1.16.3):
    /// at EL0 SCTLR_EL1.nTWI/nTWE clear traps to EL1 (or EL2 when HCR_EL2.TGE routes EL0
    /// exceptions there), then at EL0/EL1 HCR_EL2.TWI/TWE trap to EL2. The syndrome is EC 0x01
    /// with CV = 1, COND = 0b1110 (an unconditional A64 instruction) and TI = 1 for WFE.
    fn check_wfx_trap(&self, wfe: bool) -> Result<(), SyncException> {
        const CV_AL: u32 = (1 << 24) | (0b1110 << 20);
        let iss = CV_AL | u32::from(wfe);
        let el = self.pstate.el;
        let (sctlr_bit, hcr_bit) = if wfe { (el0::NTWE, hcr::TWE) } else { (el0::NTWI, hcr::TWI) };
        if el == 0 && self.sysreg(SysReg::SCTLR_EL1) & sctlr_bit == 0 {
            return Err(SyncException::new(ec::WFX, iss));
        }
        if el < 2 && self.sysreg(SysReg::HCR_EL2) & hcr_bit != 0 {
            return Err(SyncException { to_el2: true, ..SyncException::new(ec::WFX, iss) });
        }
        Ok(())
    }

    /// MSR (immediate) to SPSel, DAIFSet and DAIFClr (C5.2).
    pub(crate) fn msr_imm(&mut self, op1: u8, crm: u8, op2: u8) -> ExecResult {
        let el = self.pstate.el;
        match (op1, op2) {
            (0, 5) => {
                if el == 0 {
                    return Err(SyncException::undefined());
                }
                self.pstate.sp_sel = crm & 1 == 1;
                self.update_sp_index();
            }
            (3, 6) | (3, 7) => {
                if el == 0 && self.sysreg(SysReg::SCTLR_EL1) & el0::UMA == 0 {
                    return Err(SyncException::new(ec::SYSREG, sysreg_iss(0, op1, 4, crm, op2, 31, false)));
                }
                let bits = u32::from(crm & 0xf) << 6;
                if op2 == 6 {
                    self.pstate.daif |= bits;
                } else {
                    self.pstate.daif &= !bits;
                }
            }
            _ => return Err(SyncException::undefined()),
        }
        // Unmasking may make an interrupt pending: end the block so it is checked.
        self.jump(self.pc.wrapping_add(4))
    }

    /// Resolves an MRS/MSR encoding to a register the current EL may access, or the exception
    /// the access raises (UNDEFINED, or a trap to EL1 for the EL0 controls of SCTLR_EL1 and
    /// CNTKCTL_EL1). `Ok(None)` is the RAZ part of the ID register space (D13.1.x, op0=3, op1=0,
    /// CRn=0, CRm=1..7).
    fn sysreg_access(&self, enc: [u8; 5], rt: u8, read: bool) -> Result<Option<SysReg>, SyncException> {
        let [op0, op1, crn, crm, op2] = enc;
        let el = self.pstate.el;
        let trap = || SyncException::new(ec::SYSREG, sysreg_iss(op0, op1, crn, crm, op2, rt, read));
        let el2_trap = || SyncException { to_el2: true, ..trap() };
        let Some(reg) = SysReg::lookup(op0, op1, crn, crm, op2) else {
            if read && el >= 1 && op0 == 3 && op1 == 0 && crn == 0 && (1..=7).contains(&crm) {
                // The unallocated ID registers of ID group 3 read as zero (D24.2 "ID register
                // space"), and HCR_EL2.TID3 traps them like the others.
                if self.id_space_el2_trap() {
                    return Err(el2_trap());
                }
                return Ok(None);
            }
            if self.impdef_el2_trap(op0, crn) {
                return Err(el2_trap());
            }
            return Err(SyncException::undefined());
        };
        let info = &SYSREGS[reg as usize];
        let min_el = if read { info.read_el } else { info.write_el };
        if el < min_el {
            return Err(SyncException::undefined());
        }
        let sctlr1 = self.sysreg(SysReg::SCTLR_EL1);
        let cntkctl = self.sysreg(SysReg::CNTKCTL_EL1);
        match reg {
            SysReg::FPCR | SysReg::FPSR => self.check_fp_enabled()?,
            SysReg::SP_EL0 if !self.pstate.sp_sel => return Err(SyncException::undefined()),
            SysReg::CTR_EL0 if el == 0 && sctlr1 & el0::UCT == 0 => return Err(trap()),
            SysReg::DAIF if el == 0 && sctlr1 & el0::UMA == 0 => return Err(trap()),
            // D13.3 MDSCR_EL1.TDCC: EL0 accesses to the Debug Communications Channel registers
            // trap to EL1 (Linux sets it; found by the conformance harness against QEMU).
            SysReg::MDCCSR_EL0 if el == 0 && self.sysreg(SysReg::MDSCR_EL1) & MDSCR_TDCC != 0 => return Err(trap()),
            // D11.x CNTKCTL_EL1: EL0PCTEN (0), EL0VCTEN (1), EL0VTEN (8), EL0PTEN (9).
            SysReg::CNTFRQ_EL0 if el == 0 && cntkctl & 3 == 0 => return Err(trap()),
            SysReg::CNTPCT_EL0 if el == 0 && cntkctl & 1 == 0 => return Err(trap()),
            SysReg::CNTVCT_EL0 if el == 0 && cntkctl & 2 == 0 => return Err(trap()),
            SysReg::CNTP_CTL_EL0 | SysReg::CNTP_CVAL_EL0 | SysReg::CNTP_TVAL_EL0
                if el == 0 && cntkctl & (1 << 9) == 0 =>
            {
                return Err(trap())
            }
            SysReg::CNTV_CTL_EL0 | SysReg::CNTV_CVAL_EL0 | SysReg::CNTV_TVAL_EL0
                if el == 0 && cntkctl & (1 << 8) == 0 =>
            {
                return Err(trap())
            }
            _ => {}
        }
        // D24.10.19, D24.10.16-18 (pseudocode, HCR_EL2.E2H = 0): after the EL0 controls of
        // CNTKCTL_EL1, CNTHCTL_EL2.EL1PCTEN and EL1PCEN trap EL0 and EL1 accesses to the
        // physical counter and the EL1 physical timer to EL2.
        if el < 2 {
            let cnthctl = self.sysreg(SysReg::CNTHCTL_EL2);
            let trapped = match reg {
                SysReg::CNTPCT_EL0 => cnthctl & cntctl::EL1PCTEN == 0,
                SysReg::CNTP_CTL_EL0 | SysReg::CNTP_CVAL_EL0 | SysReg::CNTP_TVAL_EL0 => cnthctl & cntctl::EL1PCEN == 0,
                _ => false,
            };
            if trapped {
                return Err(el2_trap());
            }
        }
        let pmu_register = info.traps & trap_class::PMU != 0;
        // PMUSERENR_EL0 opens the PMU to EL0; otherwise EL0 accesses trap to EL1 (D24.5).
        if el == 0 && pmu_register && !self.pmu_el0_allowed(reg, read) {
            return Err(trap());
        }
        if self.sysreg_el2_trap(reg, read) {
            return Err(el2_trap());
        }
        if pmu_register && self.pmu_counter_unavailable(reg) {
            return Err(SyncException::undefined());
        }
        Ok(Some(reg))
    }

    /// MRS.
    pub(crate) fn mrs(&mut self, op0: u8, op1: u8, crn: u8, crm: u8, op2: u8, rt: u8) -> ExecResult {
        let value = match self.sysreg_access([op0, op1, crn, crm, op2], rt, true)? {
            None => 0,
            Some(reg) if SYSREGS[reg as usize].traps & trap_class::PMU != 0 => self.pmu_read(reg),
            Some(reg) => self.read_sysreg(reg),
        };
        self.set_x(rt, value);
        Ok(Step::Next)
    }

    /// MSR (register). Ends the block: the write may change routing, masks or the stack.
    pub(crate) fn msr_reg(&mut self, op0: u8, op1: u8, crn: u8, crm: u8, op2: u8, rt: u8) -> ExecResult {
        let Some(reg) = self.sysreg_access([op0, op1, crn, crm, op2], rt, false)? else {
            return Err(SyncException::undefined());
        };
        let value = self.xr(rt);
        self.write_sysreg(reg, value);
        self.jump(self.pc.wrapping_add(4))
    }

    /// The value software reads from `reg` at the current EL.
    pub fn read_sysreg(&self, reg: SysReg) -> u64 {
        let el = self.pstate.el;
        match reg {
            SysReg::NZCV => u64::from(self.pstate.nzcv),
            SysReg::DAIF => u64::from(self.pstate.daif),
            SysReg::CurrentEL => u64::from(self.pstate.el) << 2,
            SysReg::SPSel => u64::from(self.pstate.sp_sel),
            SysReg::SP_EL0 => self.sp_el[0],
            SysReg::SP_EL1 => self.sp_el[1],
            // D13.2.x: EL1 reads of MIDR_EL1/MPIDR_EL1 return VPIDR_EL2/VMPIDR_EL2.
            SysReg::MIDR_EL1 if el == 1 => self.sysreg(SysReg::VPIDR_EL2),
            SysReg::MPIDR_EL1 if el == 1 => self.sysreg(SysReg::VMPIDR_EL2),
            SysReg::CCSIDR_EL1 => match self.sysreg(SysReg::CSSELR_EL1) & 0xf {
                0 => 0x701f_e00a, // L1 data: 32 KiB, 2-way, 64-byte lines
                1 => 0x201f_e012, // L1 instruction: 48 KiB, 3-way
                2 => 0x707f_e07a, // L2: 2 MiB, 16-way
                _ => 0,
            },
            SysReg::ISR_EL1 => {
                let hcr_value = self.sysreg(SysReg::HCR_EL2);
                let mut isr = 0;
                for (line, route, virt, bit) in [
                    (crate::state::line::SERROR, hcr::AMO, hcr::VSE, 8),
                    (crate::state::line::IRQ, hcr::IMO, hcr::VI, 7),
                    (crate::state::line::FIQ, hcr::FMO, hcr::VF, 6),
                ] {
                    // D24.2 ISR_EL1: at EL0/EL1 with the physical interrupt routed to EL2
                    // (and TGE clear) the bit shows the virtual interrupt.
                    let pending = if el < 2 && hcr_value & route != 0 && hcr_value & hcr::TGE == 0 {
                        hcr_value & virt != 0 || self.virq_lines & line != 0
                    } else {
                        self.irq_lines & line != 0
                    };
                    isr |= u64::from(pending) << bit;
                }
                isr
            }
            SysReg::CNTPCT_EL0 => self.physical_count(),
            SysReg::CNTVCT_EL0 => self.virtual_count(),
            SysReg::CNTP_TVAL_EL0 => tval(self.sysreg(SysReg::CNTP_CVAL_EL0), self.physical_count()),
            SysReg::CNTV_TVAL_EL0 => tval(self.sysreg(SysReg::CNTV_CVAL_EL0), self.virtual_count()),
            SysReg::CNTHP_TVAL_EL2 => tval(self.sysreg(SysReg::CNTHP_CVAL_EL2), self.physical_count()),
            SysReg::CNTP_CTL_EL0 | SysReg::CNTV_CTL_EL0 | SysReg::CNTHP_CTL_EL2 => self.timer_ctl(reg),
            // D13.2.x DCZID_EL0.DZP (bit 4): DC ZVA is prohibited at EL0 when SCTLR_EL1.DZE is 0,
            // and at EL0/EL1 when HCR_EL2.TDZ traps it.
            SysReg::DCZID_EL0 => {
                let prohibited = (el == 0 && self.sysreg(SysReg::SCTLR_EL1) & el0::DZE == 0)
                    || (el < 2 && self.sysreg(SysReg::HCR_EL2) & hcr::TDZ != 0);
                self.sys[reg as usize] | (u64::from(prohibited) << 4)
            }
            SysReg::RVBAR_EL2 | SysReg::OSLAR_EL1 => 0,
            r if SYSREGS[r as usize].traps & trap_class::PMU != 0 && SYSREGS[r as usize].special => self.pmu_value(r),
            _ => self.sys[reg as usize],
        }
    }

    /// Writes `reg` as MSR does (RES0/RES1 applied, special registers to their state).
    pub fn write_sysreg(&mut self, reg: SysReg, value: u64) {
        self.write_sysreg_value(reg, value);
        if crate::debug::affects_debug(reg) {
            self.update_debug_checks();
        }
    }

    fn write_sysreg_value(&mut self, reg: SysReg, value: u64) {
        match reg {
            SysReg::NZCV => self.pstate.nzcv = (value & 0xf000_0000) as u32,
            SysReg::DAIF => self.pstate.daif = (value & 0x3c0) as u32,
            SysReg::SPSel => {
                self.pstate.sp_sel = value & 1 == 1;
                self.update_sp_index();
            }
            SysReg::SP_EL0 => self.sp_el[0] = value,
            SysReg::SP_EL1 => self.sp_el[1] = value,
            // D13.3.x OSLAR_EL1.OSLK sets OSLSR_EL1.OSLK (bit 1).
            SysReg::OSLAR_EL1 => {
                let oslsr = self.sysreg(SysReg::OSLSR_EL1) & !2;
                self.sys[SysReg::OSLSR_EL1 as usize] = oslsr | ((value & 1) << 1);
            }
            SysReg::CNTP_TVAL_EL0 => {
                self.sys[SysReg::CNTP_CVAL_EL0 as usize] = cval_from_tval(self.physical_count(), value);
                self.timer_changed();
            }
            SysReg::CNTV_TVAL_EL0 => {
                self.sys[SysReg::CNTV_CVAL_EL0 as usize] = cval_from_tval(self.virtual_count(), value);
                self.timer_changed();
            }
            SysReg::CNTHP_TVAL_EL2 => {
                self.sys[SysReg::CNTHP_CVAL_EL2 as usize] = cval_from_tval(self.physical_count(), value);
                self.timer_changed();
            }
            // ISTATUS is read-only: only ENABLE and IMASK are stored.
            SysReg::CNTP_CTL_EL0 | SysReg::CNTV_CTL_EL0 | SysReg::CNTHP_CTL_EL2 => {
                self.sys[reg as usize] = value & (ctl::ENABLE | ctl::IMASK);
                self.timer_changed();
            }
            SysReg::CNTP_CVAL_EL0 | SysReg::CNTV_CVAL_EL0 | SysReg::CNTHP_CVAL_EL2 => {
                self.set_sysreg(reg, value);
                self.timer_changed();
            }
            // The event streams and the virtual count depend on these: account for the stream
            // events under the old values first.
            SysReg::CNTVOFF_EL2 | SysReg::CNTKCTL_EL1 | SysReg::CNTHCTL_EL2 => {
                self.account_event_stream();
                self.set_sysreg(reg, value);
                self.timer_changed();
            }
            SysReg::MDCR_EL2 => {
                self.set_sysreg(reg, value);
                self.pmu_mdcr_changed();
            }
            r if SYSREGS[r as usize].traps & trap_class::PMU != 0 && SYSREGS[r as usize].special => {
                self.pmu_write(r, value)
            }
            _ => self.set_sysreg(reg, value),
        }
    }

    /// SYS: the DC, IC, AT and TLBI operations of ARMv8.0 (C5.3); anything else is UNDEFINED.
    pub(crate) fn sys<P: Platform>(&mut self, op1: u8, crn: u8, crm: u8, op2: u8, rt: u8, p: &mut P) -> ExecResult {
        let el = self.pstate.el;
        // op1 encodes the lowest EL that may issue the operation: 0 -> EL1, 4 -> EL2, 3 -> EL0
        // subject to the SCTLR_EL1 enables.
        let min_el = match op1 {
            0 => 1,
            4 => 2,
            3 => 0,
            _ => return Err(SyncException::undefined()),
        };
        if el < min_el {
            return Err(SyncException::undefined());
        }
        let trap = SyncException::new(ec::SYSREG, sysreg_iss(1, op1, crn, crm, op2, rt, false));
        let sctlr1 = self.sysreg(SysReg::SCTLR_EL1);
        // Which operation, the EL0 enable of SCTLR_EL1 it needs (C5.3, D24.2 SCTLR_EL1), and
        // the EL2 control that traps it (D24.2 HCR_EL2).
        let encoding = (op1, crn, crm, op2);
        let (op, el0_enable) = match encoding {
            // IC IALLUIS, IC IALLU.
            (0, 7, 1, 0) | (0, 7, 5, 0) => (SysOp::PointOfUnification, 0),
            // IC IVAU, DC CVAU.
            (3, 7, 5, 1) | (3, 7, 11, 1) => (SysOp::PointOfUnification, el0::UCI),
            // DC CVAC, DC CIVAC.
            (3, 7, 10, 1) | (3, 7, 14, 1) => (SysOp::PointOfCoherency, el0::UCI),
            // DC IVAC.
            (0, 7, 6, 1) => (SysOp::PointOfCoherency, 0),
            // DC ISW, DC CSW, DC CISW.
            (0, 7, 6, 2) | (0, 7, 10, 2) | (0, 7, 14, 2) => (SysOp::SetWay, 0),
            // DC ZVA.
            (3, 7, 4, 1) => (SysOp::ZeroByVa, el0::DZE),
            // AT S1E1R/W, S1E0R/W (op1 0) and S1E2R/W, S12E1R/W, S12E0R/W (op1 4).
            (0, 7, 8, 0..=3) | (4, 7, 8, 0 | 1 | 4..=7) => (SysOp::AddressTranslate, 0),
            // TLBI of EL1 (VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1 and their IS forms).
            (0, 8, 3 | 7, 0 | 1 | 2 | 3 | 5 | 7) => (SysOp::Tlbi, 0),
            // TLBI of EL2 (IPAS2(L)E1(IS), ALLE2, VAE2, ALLE1, VALE2, VMALLS12E1 and IS forms).
            (4, 8, 0 | 4, 1 | 5) | (4, 8, 3 | 7, 0 | 1 | 4 | 5 | 6) => (SysOp::Tlbi, 0),
            _ => return Err(SyncException::undefined()),
        };
        if el == 0 && sctlr1 & el0_enable == 0 {
            return Err(trap);
        }
        if self.sys_trap(op) {
            return Err(SyncException { to_el2: true, ..trap });
        }
        let xt = self.xr(rt);
        match op {
            // The decode cache is always coherent with memory and no cache holds data in the
            // functional model: maintenance by VA only translates (and may fault), the others
            // have no further effect.
            SysOp::PointOfUnification | SysOp::PointOfCoherency | SysOp::SetWay => {
                match encoding {
                    (0, 7, 6, 1) => self.maintain_by_va(p, xt, true)?,
                    (3, 7, 5 | 10 | 11 | 14, 1) => self.maintain_by_va(p, xt, false)?,
                    _ => {}
                }
                Ok(Step::Next)
            }
            SysOp::ZeroByVa => self.dc_zva(xt, p),
            SysOp::AddressTranslate => {
                self.address_translate(p, op1, op2, xt)?;
                Ok(Step::Next)
            }
            // TLBI ends the block: the next fetch translates again.
            SysOp::Tlbi => {
                self.tlb_invalidate(op1, crm, op2, xt)?;
                self.jump(self.pc.wrapping_add(4))
            }
        }
    }

    /// DC ZVA: zeroes the naturally aligned block of DCZID_EL0.BS words holding `va` (C5.3.x DC
    /// ZVA). The block is translated as one write that Device memory refuses with an Alignment
    /// fault even when aligned, which with stage 1 disabled is every address (D8.2.x, memory
    /// with the MMU off is Device-nGnRnE); a fault reports FAR = `va`.
    fn dc_zva<P: Platform>(&mut self, va: u64, p: &mut P) -> ExecResult {
        let block = 4u64 << (self.sysreg(SysReg::DCZID_EL0) & 0xf);
        let start = va & !(block - 1);
        let pa = self.translate_zva(p, va, start)?;
        let acc = super::Access { write: true, ..Default::default() };
        for offset in (0..block).step_by(8) {
            self.phys_write(p, va, pa + offset, 8, 0, acc)?;
        }
        Ok(Step::Next)
    }
}

#[cfg(test)]
mod tests {
    use crate::exception::ec;
    use crate::state::{Cpu, Pstate};
    use crate::sysreg_table::SysReg;

    #[test]
    fn mdscr_tdcc_traps_el0_reads_of_mdccsr() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_pstate(Pstate { el: 0, ..cpu.pstate });
        // MRS x7, MDCCSR_EL0 is allowed at EL0 while TDCC is clear ...
        assert!(cpu.mrs(2, 3, 0, 1, 0, 7).is_ok());
        // ... and traps to EL1 with EC 0x18 once it is set.
        cpu.set_sysreg(SysReg::MDSCR_EL1, 1 << 12);
        let err = cpu.mrs(2, 3, 0, 1, 0, 7).unwrap_err();
        assert_eq!((err.ec, err.to_el2), (ec::SYSREG, false));
    }
}
