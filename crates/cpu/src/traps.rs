//! The EL2 traps of system register accesses and System instructions made at EL1 and EL0
//! (ARM ARM D13 / D24.2, the "Accessing <register>" pseudocode of each register, and the
//! descriptions of HCR_EL2, CPTR_EL2 and MDCR_EL2).
//!
//! Registers carry their trap classes in `isa/sysregs.isa` (`trap=`); this module decides, for
//! an access the current EL is otherwise allowed to make, whether an EL2 control traps it. A
//! trapped access is a Trapped MSR, MRS or System instruction exception (EC 0x18) taken to EL2
//! with the ISS of the access; the caller builds it. EL1-level controls that apply at EL0
//! (SCTLR_EL1.UCT, PMUSERENR_EL0, ...) are checked by the caller first: an EL0 access that
//! they trap never reaches these checks (D1.x "Synchronous exception prioritization").
//!
//! The TVM/TRVM, TID1-3, TACR, TCPAC, TDA/TDOSA/TDRA and TPM/TPMCR controls are evaluated here;
//! TSW, TPC, TPU, TTLB and TDZ, which guard System instructions, are in [`Cpu::sys_trap`].

use crate::exception::hcr;
use crate::state::Cpu;
use crate::sysreg_table::{trap_class, SysReg, SYSREGS};

/// MDCR_EL2 fields (D24.2.x MDCR_EL2).
pub mod mdcr {
    /// HPMN, bits [4:0]: event counters 0..HPMN-1 belong to EL1/EL0.
    pub const HPMN_MASK: u64 = 0x1f;
    /// TPMCR: trap PMCR_EL0 accesses.
    pub const TPMCR: u64 = 1 << 5;
    /// TPM: trap Performance Monitors accesses.
    pub const TPM: u64 = 1 << 6;
    /// HPME: enables the counters reserved for EL2.
    pub const HPME: u64 = 1 << 7;
    /// TDE: route debug exceptions to EL2 (and trap debug registers as TDA/TDOSA/TDRA).
    pub const TDE: u64 = 1 << 8;
    /// TDA: trap debug register accesses.
    pub const TDA: u64 = 1 << 9;
    /// TDOSA: trap OS-related debug register accesses.
    pub const TDOSA: u64 = 1 << 10;
    /// TDRA: trap debug ROM address register accesses.
    pub const TDRA: u64 = 1 << 11;
}

/// CPTR_EL2 fields (D24.2.x CPTR_EL2, HCR_EL2.E2H == 0 layout).
pub mod cptr {
    /// TFP: trap SIMD and floating-point.
    pub const TFP: u64 = 1 << 10;
    /// TTA: trap trace register accesses.
    pub const TTA: u64 = 1 << 20;
    /// TCPAC: trap CPACR_EL1 accesses.
    pub const TCPAC: u64 = 1 << 31;
}

/// HCR_EL2 trap bits of this module (the routing bits live in [`crate::exception::hcr`]).
pub mod hcr_trap {
    /// TID0: AArch32 ID group 0 (FPSID, JIDR); no AArch64 register, so no effect here.
    pub const TID0: u64 = 1 << 15;
    /// TID1: ID group 1.
    pub const TID1: u64 = 1 << 16;
    /// TID2: ID group 2.
    pub const TID2: u64 = 1 << 17;
    /// TID3: ID group 3.
    pub const TID3: u64 = 1 << 18;
    /// TIDCP: IMPLEMENTATION DEFINED system registers.
    pub const TIDCP: u64 = 1 << 20;
    /// TACR: auxiliary control registers.
    pub const TACR: u64 = 1 << 21;
    /// TSW: data cache maintenance by set/way.
    pub const TSW: u64 = 1 << 22;
    /// TPC: data cache maintenance to the point of coherency.
    pub const TPC: u64 = 1 << 23;
    /// TPU: cache maintenance to the point of unification.
    pub const TPU: u64 = 1 << 24;
    /// TTLB: TLB maintenance.
    pub const TTLB: u64 = 1 << 25;
    /// TVM: writes of the virtual memory controls.
    pub const TVM: u64 = 1 << 26;
    /// TRVM: reads of the virtual memory controls.
    pub const TRVM: u64 = 1 << 30;
}

/// System instructions that EL2 controls can trap (C5.3, D24.2 HCR_EL2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SysOp {
    /// DC ISW, DC CSW, DC CISW: HCR_EL2.TSW.
    SetWay,
    /// DC IVAC, DC CVAC, DC CIVAC: HCR_EL2.TPC.
    PointOfCoherency,
    /// IC IALLUIS, IC IALLU, IC IVAU, DC CVAU: HCR_EL2.TPU.
    PointOfUnification,
    /// TLBI of the EL1&0 regime: HCR_EL2.TTLB.
    Tlbi,
    /// DC ZVA: HCR_EL2.TDZ.
    ZeroByVa,
    /// AT S1E1*, S1E0*: not trapped in ARMv8.0.
    AddressTranslate,
}

impl Cpu {
    /// Whether an EL2 control traps this access to `reg` from EL0/EL1 (the access is otherwise
    /// permitted). EL2 is always enabled: HyperSoC has EL2 and no Secure state.
    pub(crate) fn sysreg_el2_trap(&self, reg: SysReg, read: bool) -> bool {
        let el = self.pstate.el;
        if el >= 2 {
            return false;
        }
        let classes = SYSREGS[reg as usize].traps;
        if classes == 0 {
            return false;
        }
        let hcr_value = self.sysreg(SysReg::HCR_EL2);
        let mdcr = self.sysreg(SysReg::MDCR_EL2);
        let tde = mdcr & mdcr::TDE != 0 || hcr_value & hcr::TGE != 0;
        let set = |class: u16, bits: u64| classes & class != 0 && hcr_value & bits != 0;
        // The virtual memory controls are EL1 registers: EL0 accesses are UNDEFINED before this.
        let tvm_bit = if read { hcr_trap::TRVM } else { hcr_trap::TVM };
        (classes & trap_class::TVM != 0 && hcr_value & tvm_bit != 0)
            || set(trap_class::TID1, hcr_trap::TID1)
            || set(trap_class::TID2, hcr_trap::TID2)
            || set(trap_class::TID3, hcr_trap::TID3)
            || set(trap_class::TACR, hcr_trap::TACR)
            || (classes & trap_class::TCPAC != 0 && el == 1 && self.sysreg(SysReg::CPTR_EL2) & cptr::TCPAC != 0)
            || (classes & trap_class::TDA != 0 && (tde || mdcr & mdcr::TDA != 0))
            || (classes & trap_class::TDOSA != 0 && (tde || mdcr & mdcr::TDOSA != 0))
            || (classes & trap_class::TDRA != 0 && (tde || mdcr & mdcr::TDRA != 0))
            || (classes & trap_class::PMU != 0 && self.pmu_el2_trap(reg, mdcr))
    }

    /// MDCR_EL2.TPM traps every PMU register; TPMCR traps PMCR_EL0 (D24.2 MDCR_EL2).
    fn pmu_el2_trap(&self, reg: SysReg, mdcr: u64) -> bool {
        mdcr & mdcr::TPM != 0 || (reg == SysReg::PMCR_EL0 && mdcr & mdcr::TPMCR != 0)
    }

    /// Whether HCR_EL2.TID3 traps a read of the RAZ part of the ID register space (op0 = 3,
    /// op1 = 0, CRn = 0, CRm = 1..7: the ID group 3 encodings without a register here).
    pub(crate) fn id_space_el2_trap(&self) -> bool {
        self.pstate.el < 2 && self.sysreg(SysReg::HCR_EL2) & hcr_trap::TID3 != 0
    }

    /// Whether HCR_EL2.TIDCP traps an access to the IMPLEMENTATION DEFINED encodings
    /// (op0 = 3, CRn = 11 or 15, D13.3.x "Reserved encodings for IMPLEMENTATION DEFINED
    /// registers") from EL1. At EL0 they are UNDEFINED (the IMPLEMENTATION DEFINED choice
    /// HyperSoC makes, as QEMU does without FEAT_TIDCP1).
    pub(crate) fn impdef_el2_trap(&self, op0: u8, crn: u8) -> bool {
        self.pstate.el == 1 && op0 == 3 && crn & 0b1011 == 0b1011 && self.sysreg(SysReg::HCR_EL2) & hcr_trap::TIDCP != 0
    }

    /// Whether an EL2 control traps the System instruction `op` at EL0/EL1.
    pub(crate) fn sys_trap(&self, op: SysOp) -> bool {
        if self.pstate.el >= 2 {
            return false;
        }
        let hcr_value = self.sysreg(SysReg::HCR_EL2);
        let bit = match op {
            SysOp::SetWay => hcr_trap::TSW,
            SysOp::PointOfCoherency => hcr_trap::TPC,
            SysOp::PointOfUnification => hcr_trap::TPU,
            // TLBI is an EL1 instruction: TTLB traps it from EL1.
            SysOp::Tlbi => hcr_trap::TTLB,
            SysOp::ZeroByVa => hcr::TDZ,
            SysOp::AddressTranslate => return false,
        };
        hcr_value & bit != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Pstate;

    fn at(el: u8, hcr_value: u64) -> Cpu {
        let mut cpu = Cpu::new(0, 0x8000_0000);
        cpu.set_pstate(Pstate { nzcv: 0, daif: 0x3c0, el, sp_sel: el > 0, il: false, ss: false });
        cpu.set_sysreg(SysReg::HCR_EL2, hcr_value);
        cpu
    }

    #[test]
    fn tvm_traps_writes_and_trvm_reads() {
        let cpu = at(1, hcr_trap::TVM);
        assert!(cpu.sysreg_el2_trap(SysReg::TTBR0_EL1, false));
        assert!(!cpu.sysreg_el2_trap(SysReg::TTBR0_EL1, true));
        let cpu = at(1, hcr_trap::TRVM);
        assert!(cpu.sysreg_el2_trap(SysReg::SCTLR_EL1, true));
        assert!(!cpu.sysreg_el2_trap(SysReg::SCTLR_EL1, false));
        // Not a virtual memory control.
        assert!(!cpu.sysreg_el2_trap(SysReg::VBAR_EL1, true));
        // Nothing traps at EL2.
        assert!(!at(2, hcr_trap::TVM | hcr_trap::TRVM).sysreg_el2_trap(SysReg::SCTLR_EL1, false));
    }

    #[test]
    fn id_groups_and_el0() {
        assert!(at(1, hcr_trap::TID1).sysreg_el2_trap(SysReg::REVIDR_EL1, true));
        assert!(!at(1, hcr_trap::TID1).sysreg_el2_trap(SysReg::CTR_EL0, true));
        // TID2 applies to EL0 reads of CTR_EL0 too.
        assert!(at(0, hcr_trap::TID2).sysreg_el2_trap(SysReg::CTR_EL0, true));
        assert!(at(1, hcr_trap::TID2).sysreg_el2_trap(SysReg::CSSELR_EL1, false));
        assert!(at(1, hcr_trap::TID3).sysreg_el2_trap(SysReg::ID_AA64MMFR0_EL1, true));
        assert!(at(1, hcr_trap::TID3).id_space_el2_trap());
        assert!(at(1, hcr_trap::TIDCP).impdef_el2_trap(3, 15));
        assert!(at(1, hcr_trap::TIDCP).impdef_el2_trap(3, 11));
        assert!(!at(1, hcr_trap::TIDCP).impdef_el2_trap(3, 10));
        assert!(!at(0, hcr_trap::TIDCP).impdef_el2_trap(3, 15));
    }

    #[test]
    fn debug_and_pmu_traps_follow_mdcr() {
        let mut cpu = at(1, 0);
        cpu.set_sysreg(SysReg::MDCR_EL2, mdcr::TDA | 6);
        assert!(cpu.sysreg_el2_trap(SysReg::MDSCR_EL1, true));
        assert!(!cpu.sysreg_el2_trap(SysReg::OSLSR_EL1, true));
        cpu.set_sysreg(SysReg::MDCR_EL2, mdcr::TDE | 6);
        assert!(cpu.sysreg_el2_trap(SysReg::OSLSR_EL1, true));
        assert!(cpu.sysreg_el2_trap(SysReg::MDRAR_EL1, true));
        cpu.set_sysreg(SysReg::MDCR_EL2, mdcr::TPMCR | 6);
        assert!(cpu.sysreg_el2_trap(SysReg::PMCR_EL0, true));
        assert!(!cpu.sysreg_el2_trap(SysReg::PMCCNTR_EL0, true));
        cpu.set_sysreg(SysReg::MDCR_EL2, mdcr::TPM | 6);
        assert!(cpu.sysreg_el2_trap(SysReg::PMCCNTR_EL0, true));
    }

    #[test]
    fn system_instruction_traps() {
        assert!(at(1, hcr_trap::TTLB).sys_trap(SysOp::Tlbi));
        assert!(at(0, hcr_trap::TPU).sys_trap(SysOp::PointOfUnification));
        assert!(!at(2, hcr_trap::TPC).sys_trap(SysOp::PointOfCoherency));
        assert!(!at(1, u64::MAX).sys_trap(SysOp::AddressTranslate));
    }
}
