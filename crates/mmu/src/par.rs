//! Address translation instructions (AT, ARM ARM C5.5 / D8.2.x, pseudocode `AArch64.AT`) and the
//! PAR_EL1 encodings they produce (D24.2.142, pseudocode `AArch64.EncodePAR`).

use crate::attrs::MemAttrs;
use crate::descriptor::OA_MASK;
use crate::fault::{Fault, FaultKind};
use crate::perms::{Access, AccessKind};
use crate::regime::Regime;

/// An ARMv8.0 AT operation (EL3 forms excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtOp {
    /// AT S1E1R: stage 1 of EL1&0, EL1 read permission.
    S1e1r,
    /// AT S1E1W: stage 1 of EL1&0, EL1 write permission.
    S1e1w,
    /// AT S1E0R: stage 1 of EL1&0, EL0 read permission.
    S1e0r,
    /// AT S1E0W: stage 1 of EL1&0, EL0 write permission.
    S1e0w,
    /// AT S1E2R: the EL2 regime, read.
    S1e2r,
    /// AT S1E2W: the EL2 regime, write.
    S1e2w,
    /// AT S12E1R: both stages of EL1&0, EL1 read (stage 1 only when stage 2 is disabled).
    S12e1r,
    /// AT S12E1W: both stages, EL1 write.
    S12e1w,
    /// AT S12E0R: both stages, EL0 read.
    S12e0r,
    /// AT S12E0W: both stages, EL0 write.
    S12e0w,
}

impl AtOp {
    /// Decodes `SYS #op1, C7, C8, #op2` (op0 = 0b01, CRn = 0b0111, CRm = 0b1000).
    pub const fn from_encoding(op1: u8, op2: u8) -> Option<AtOp> {
        use AtOp::*;
        Some(match (op1, op2) {
            (0, 0) => S1e1r,
            (0, 1) => S1e1w,
            (0, 2) => S1e0r,
            (0, 3) => S1e0w,
            (4, 0) => S1e2r,
            (4, 1) => S1e2w,
            (4, 4) => S12e1r,
            (4, 5) => S12e1w,
            (4, 6) => S12e0r,
            (4, 7) => S12e0w,
            _ => return None,
        })
    }

    /// The access this operation checks, and whether it includes stage 2.
    pub const fn access(self) -> (Access, bool) {
        use AtOp::*;
        let (kind, regime, el0, s12) = match self {
            S1e1r => (AccessKind::Read, Regime::El10, false, false),
            S1e1w => (AccessKind::Write, Regime::El10, false, false),
            S1e0r => (AccessKind::Read, Regime::El10, true, false),
            S1e0w => (AccessKind::Write, Regime::El10, true, false),
            S1e2r => (AccessKind::Read, Regime::El2, false, false),
            S1e2w => (AccessKind::Write, Regime::El2, false, false),
            S12e1r => (AccessKind::Read, Regime::El10, false, true),
            S12e1w => (AccessKind::Write, Regime::El10, false, true),
            S12e0r => (AccessKind::Read, Regime::El10, true, true),
            S12e0w => (AccessKind::Write, Regime::El10, true, true),
        };
        (Access { kind, regime, unprivileged: el0, aligned: true }, s12)
    }

    /// The lowest Exception level that may execute it (S1E0*/S1E1* at EL1, the others at EL2).
    pub const fn min_el(self) -> u8 {
        match self {
            AtOp::S1e1r | AtOp::S1e1w | AtOp::S1e0r | AtOp::S1e0w => 1,
            _ => 2,
        }
    }
}

/// The outcome of an AT instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtResult {
    /// Write this value to PAR_EL1 (successful or faulting translation).
    Par(u64),
    /// Take a Data Abort instead of writing PAR_EL1 (pseudocode `AArch64.AT`): a synchronous
    /// External abort on the walk, or a stage 2 fault on a stage 1 walk of an AT executed at
    /// EL1 (taken to EL2). The syndrome has CM = 1 and WnR = 1.
    Abort(Fault),
}

/// The PAR_EL1 value of a successful translation (pseudocode `AArch64.EncodePAR`): F = 0,
/// SH\[8:7\], NS (bit 9) = 1, bit 11 RES1, PA\[47:12\], ATTR\[63:56\] in MAIR format. The
/// IMPLEMENTATION DEFINED bit 10 is 0.
///
/// NS is architecturally UNKNOWN for a translation in a Non-secure regime (D24.2.142 PAR_EL1.NS);
/// we report 1, the Non-secure output address space the translation used, as QEMU does, so PAR
/// values compare byte for byte with the oracle.
pub const fn par_success(pa: u64, attrs: MemAttrs) -> u64 {
    (attrs.mair_byte() as u64) << 56 | (pa & OA_MASK) | 1 << 11 | 1 << 9 | attrs.par_sh() << 7
}

/// Whether an AT fault is taken as an abort rather than reported in PAR_EL1, for an AT executed
/// at `current_el` (pseudocode `AArch64.AT`).
pub const fn at_fault_aborts(fault: &Fault, current_el: u8) -> bool {
    matches!(fault.kind, FaultKind::ExternalAbortOnWalk) || (current_el == 1 && fault.s1ptw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attrs::Shareability;
    use crate::fault::Stage;
    use crate::Ipa;

    #[test]
    fn encodings() {
        let mut n = 0;
        for op1 in 0..8 {
            for op2 in 0..8 {
                if let Some(op) = AtOp::from_encoding(op1, op2) {
                    n += 1;
                    assert_eq!(op.min_el(), if op1 == 0 { 1 } else { 2 });
                }
            }
        }
        assert_eq!(n, 10);
        assert_eq!(AtOp::S12e0w.access().0.kind, AccessKind::Write);
        assert!(AtOp::S12e0w.access().0.unprivileged && AtOp::S12e0w.access().1);
        assert_eq!(AtOp::S1e2r.access().0.regime, Regime::El2);
    }

    #[test]
    fn success_encoding() {
        let wb = MemAttrs::from_mair(0xff, Shareability::Inner);
        assert_eq!(par_success(0x12_3456_7fff, wb), 0xff00_0012_3456_7b80);
        assert_eq!(par_success(0x4000_0000, MemAttrs::DEVICE_NGNRNE), 0x4000_0b00);
        let nsh = MemAttrs::from_mair(0xbb, Shareability::Non);
        assert_eq!(par_success(0x1000, nsh), 0xbb00_0000_0000_1a00);
    }

    #[test]
    fn abort_rules() {
        let ext = Fault::stage1(FaultKind::ExternalAbortOnWalk, 1);
        assert!(at_fault_aborts(&ext, 2));
        let ptw = Fault { kind: FaultKind::Translation, level: 1, stage: Stage::Two, s1ptw: true, ipa: Some(Ipa(0)) };
        assert!(at_fault_aborts(&ptw, 1));
        assert!(!at_fault_aborts(&ptw, 2));
        assert!(!at_fault_aborts(&Fault::stage1(FaultKind::Permission, 3), 1));
    }
}
