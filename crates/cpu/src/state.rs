//! Architectural state of one core: general-purpose and SIMD&FP registers, stack pointers,
//! PSTATE (D1.7) and the system-register file.

use crate::sysreg_table::{SysReg, SYSREGS, SYSREG_COUNT};

/// PSTATE, the process state (ARM ARM D1.7), in the fields ARMv8.0 AArch64 has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pstate {
    /// N, Z, C, V in bits 31:28 (the NZCV register layout).
    pub nzcv: u32,
    /// D, A, I, F in bits 9:6 (the DAIF register layout).
    pub daif: u32,
    /// Current Exception level, 0..=2.
    pub el: u8,
    /// SPSel: true selects SP_ELx, false SP_EL0.
    pub sp_sel: bool,
    /// Illegal Execution state.
    pub il: bool,
    /// Software step.
    pub ss: bool,
}

/// SPSR_ELx field positions for an exception taken from AArch64 (C5.2.18).
pub mod spsr {
    /// SS, software step.
    pub const SS: u64 = 1 << 21;
    /// IL, illegal execution state.
    pub const IL: u64 = 1 << 20;
    /// M[4]: 1 means AArch32.
    pub const M4: u64 = 1 << 4;
}

impl Pstate {
    /// The SPSR value that saves this PSTATE on exception entry (D1.10.1).
    pub fn to_spsr(&self) -> u64 {
        u64::from(self.nzcv & 0xf000_0000)
            | if self.ss { spsr::SS } else { 0 }
            | if self.il { spsr::IL } else { 0 }
            | u64::from(self.daif & 0x3c0)
            | (u64::from(self.el) << 2)
            | u64::from(self.sp_sel)
    }
}

/// Cumulative counters of a core, for the CLI, benchmarks and (later) the PMU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Instructions dispatched (including ones that raised an exception).
    pub instructions: u64,
    /// Cycles charged by the timing model.
    pub cycles: u64,
    /// Exceptions taken.
    pub exceptions: u64,
}

/// An exclusive-monitor reservation (B2.9): the physical address and size of the last
/// load-exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    /// Physical address of the load-exclusive.
    pub pa: u64,
    /// Total size in bytes.
    pub size: u8,
}

/// One AArch64 core.
#[derive(Clone, Debug)]
pub struct Cpu {
    /// Index of the core in the SoC.
    pub id: usize,
    /// X0..X30; `x[31]` is kept at zero so that register 31 reads as XZR without a branch.
    pub x: [u64; 32],
    /// SP_EL0, SP_EL1, SP_EL2.
    pub sp_el: [u64; 3],
    /// Program counter.
    pub pc: u64,
    /// Process state.
    pub pstate: Pstate,
    /// V0..V31 (SIMD&FP registers) as 128-bit storage.
    pub v: [u128; 32],
    /// System-register storage, indexed by `SysReg as usize`.
    pub(crate) sys: [u64; SYSREG_COUNT],
    /// Index into `sp_el` of the current stack pointer.
    pub(crate) sp_idx: usize,
    /// Local exclusive monitor.
    pub(crate) reservation: Option<Reservation>,
    /// Physical interrupt lines driven by the platform: bit 0 IRQ, bit 1 FIQ, bit 2 SError.
    pub(crate) irq_lines: u8,
    /// The Event Register of WFE/SEV (D1.16.1).
    pub(crate) event: bool,
    /// Host breakpoints (debuggers); checked per instruction only when non-empty.
    pub(crate) breakpoints: Vec<u64>,
    /// The breakpoint just reported, stepped over on the next run.
    pub(crate) resume_over: Option<u64>,
    /// Counters.
    pub counters: Counters,
    /// The Performance Monitors.
    pub(crate) pmu: crate::pmu::Pmu,
    /// Address translation: TLB model, translation controls, host fast path.
    pub(crate) vm: crate::translate::MmuState,
}

/// Physical interrupt line bits for [`Cpu::set_interrupt_lines`].
pub mod line {
    /// IRQ.
    pub const IRQ: u8 = 1;
    /// FIQ.
    pub const FIQ: u8 = 2;
    /// SError (asynchronous external abort).
    pub const SERROR: u8 = 4;
}

impl Cpu {
    /// A core in its reset state at EL2 (D1.9: all of DAIF masked, SP_EL2 selected), with the
    /// given MPIDR_EL1 value.
    pub fn new(id: usize, mpidr: u64) -> Cpu {
        let mut sys = [0u64; SYSREG_COUNT];
        for (slot, info) in sys.iter_mut().zip(SYSREGS.iter()) {
            *slot = info.reset;
        }
        sys[SysReg::MPIDR_EL1 as usize] = mpidr;
        sys[SysReg::VMPIDR_EL2 as usize] = mpidr;
        let mut cpu = Cpu {
            id,
            x: [0; 32],
            sp_el: [0; 3],
            pc: 0,
            pstate: Pstate { nzcv: 0, daif: 0x3c0, el: 2, sp_sel: true, il: false, ss: false },
            v: [0; 32],
            sys,
            sp_idx: 2,
            reservation: None,
            irq_lines: 0,
            event: false,
            breakpoints: Vec::new(),
            resume_over: None,
            counters: Counters::default(),
            pmu: crate::pmu::Pmu::new(),
            vm: crate::translate::MmuState::new(mmu::TlbConfig::default()),
        };
        cpu.translation_changed();
        cpu
    }

    /// Reads X`r` with register 31 as XZR.
    #[inline(always)]
    pub fn xr(&self, r: u8) -> u64 {
        self.x[usize::from(r) & 31]
    }

    /// Writes X`r` with register 31 as XZR (the write is discarded).
    #[inline(always)]
    pub fn set_x(&mut self, r: u8, value: u64) {
        self.x[usize::from(r) & 31] = value;
        self.x[31] = 0;
    }

    /// Writes W`r` (zero-extending) or X`r`.
    #[inline(always)]
    pub fn set_xw(&mut self, r: u8, value: u64, is_64: bool) {
        self.set_x(r, if is_64 { value } else { value & 0xffff_ffff });
    }

    /// Reads X`r` with register 31 as the current stack pointer.
    #[inline(always)]
    pub fn xsp(&self, r: u8) -> u64 {
        if r == 31 {
            self.sp_el[self.sp_idx]
        } else {
            self.x[usize::from(r) & 31]
        }
    }

    /// Writes X`r` with register 31 as the current stack pointer.
    #[inline(always)]
    pub fn set_xsp(&mut self, r: u8, value: u64) {
        if r == 31 {
            self.sp_el[self.sp_idx] = value;
        } else {
            self.x[usize::from(r) & 31] = value;
        }
    }

    /// The current stack pointer.
    pub fn sp(&self) -> u64 {
        self.sp_el[self.sp_idx]
    }

    /// Recomputes which stack pointer is current after a change of EL or SPSel.
    #[inline]
    pub(crate) fn update_sp_index(&mut self) {
        self.sp_idx = if self.pstate.sp_sel { usize::from(self.pstate.el) } else { 0 };
    }

    /// Sets PSTATE as a whole (used by exception entry/return and debuggers).
    pub fn set_pstate(&mut self, pstate: Pstate) {
        self.pstate = pstate;
        self.update_sp_index();
    }

    /// Raw read of a system register's storage, without access checks (debuggers, tests).
    #[inline(always)]
    pub fn sysreg(&self, reg: SysReg) -> u64 {
        self.sys[reg as usize]
    }

    /// Raw write of a system register's storage, applying its RES0/RES1 masks but no access
    /// checks (debuggers, the platform at reset).
    pub fn set_sysreg(&mut self, reg: SysReg, value: u64) {
        let info = &SYSREGS[reg as usize];
        self.sys[reg as usize] = (value & !info.res0) | info.res1;
        if crate::translate::affects_translation(reg) {
            self.translation_changed();
        }
    }

    /// Drives the physical IRQ/FIQ/SError lines (bits of [`line`]); the core samples them at
    /// the next block boundary.
    pub fn set_interrupt_lines(&mut self, lines: u8) {
        self.irq_lines = lines & 7;
    }

    /// The physical interrupt lines currently asserted.
    pub fn interrupt_lines(&self) -> u8 {
        self.irq_lines
    }

    /// Whether the local exclusive monitor holds a reservation.
    pub fn has_reservation(&self) -> bool {
        self.reservation.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_state_is_el2h_with_daif_masked() {
        let cpu = Cpu::new(0, 0x8000_0000);
        assert_eq!(cpu.pstate.el, 2);
        assert_eq!(cpu.pstate.to_spsr(), 0x3c9);
        assert_eq!(cpu.sysreg(SysReg::MPIDR_EL1), 0x8000_0000);
        assert_eq!(cpu.sysreg(SysReg::SCTLR_EL2), 0x30c5_0830);
    }

    #[test]
    fn register_31_is_zero_or_sp() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_x(31, 5);
        assert_eq!(cpu.xr(31), 0);
        cpu.set_xsp(31, 0x1000);
        assert_eq!(cpu.xsp(31), 0x1000);
        assert_eq!(cpu.sp_el[2], 0x1000);
        cpu.set_xw(3, u64::MAX, false);
        assert_eq!(cpu.xr(3), 0xffff_ffff);
    }

    #[test]
    fn sysreg_writes_apply_res_masks() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_sysreg(SysReg::SCTLR_EL1, 0);
        assert_eq!(cpu.sysreg(SysReg::SCTLR_EL1), 0x30d0_0800);
        cpu.set_sysreg(SysReg::VBAR_EL2, 0x4000_07ff);
        assert_eq!(cpu.sysreg(SysReg::VBAR_EL2), 0x4000_0000);
    }
}
