//! MMU faults as plain values (ARM ARM D8.15) and their encodings: the DFSC/IFSC fault status
//! codes of ESR_ELx (D24.2.46, pseudocode `EncodeLDFSC`), the abort ISS bits that depend on the
//! fault, HPFAR_EL2 (D24.2.76) and the faulting form of PAR_EL1 (D24.2.142).

use crate::addr::Ipa;

/// The MMU fault types of D8.15.1 that ARMv8.0 translation can raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// Address size fault: an output or table address, or the TTBR, above the configured or
    /// implemented size; or, with stage 1 disabled, an input address above the PA size.
    AddressSize,
    /// Translation fault: invalid descriptor, input address out of range, walk disabled by EPDn,
    /// or an invalid TxSZ/SL0 configuration.
    Translation,
    /// Access flag fault: AF = 0 in a leaf descriptor (no hardware update in ARMv8.0).
    AccessFlag,
    /// Permission fault.
    Permission,
    /// Synchronous External abort on a translation table walk.
    ExternalAbortOnWalk,
    /// Alignment fault caused by the memory type (an unaligned access to Device memory).
    Alignment,
}

/// The translation stage that faulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Stage 1 (routed by the regime's rules: EL1, or EL2 under HCR_EL2.TGE / the EL2 regime).
    One,
    /// Stage 2 (always taken to EL2).
    Two,
}

/// An MMU fault. A plain value (not a Rust error): the CPU turns it into a Data Abort or
/// Instruction Abort, an SMMU into a context fault, AT into PAR_EL1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fault {
    /// The fault type.
    pub kind: FaultKind,
    /// The lookup level (D8.15.4.2): where the walk stopped, the leaf's level for Permission
    /// faults, 0 for range/configuration faults and for Address size faults on the TTBR. For a
    /// fault with `s1ptw`, the level of the stage 2 walk. 0 and meaningless for Alignment.
    pub level: u8,
    /// The stage that faulted.
    pub stage: Stage,
    /// A stage 2 fault on an access made for a stage 1 translation table walk (ESR.S1PTW,
    /// PAR_EL1.PTW).
    pub s1ptw: bool,
    /// For stage 2 faults, the IPA being translated (the descriptor address for `s1ptw`).
    pub ipa: Option<Ipa>,
}

impl Fault {
    /// A stage 1 fault.
    pub const fn stage1(kind: FaultKind, level: u8) -> Fault {
        Fault { kind, level, stage: Stage::One, s1ptw: false, ipa: None }
    }

    /// A stage 2 fault while translating `ipa`.
    pub const fn stage2(kind: FaultKind, level: u8, ipa: Ipa, s1ptw: bool) -> Fault {
        Fault { kind, level, stage: Stage::Two, s1ptw, ipa: Some(ipa) }
    }

    /// A stage 2 fault (taken to EL2 whatever the current EL).
    #[inline(always)]
    pub const fn is_stage2(&self) -> bool {
        matches!(self.stage, Stage::Two)
    }

    /// The 6-bit DFSC/IFSC (and PAR_EL1.FST) code (pseudocode `EncodeLDFSC`):
    /// Address size 0b0000LL, Translation 0b0001LL, Access flag 0b0010LL, Permission 0b0011LL,
    /// synchronous External abort on walk 0b0101LL, Alignment 0b100001.
    pub const fn fsc(&self) -> u8 {
        let level = self.level & 3;
        match self.kind {
            FaultKind::AddressSize => level,
            FaultKind::Translation => 0b00_0100 | level,
            FaultKind::AccessFlag => 0b00_1000 | level,
            FaultKind::Permission => 0b00_1100 | level,
            FaultKind::ExternalAbortOnWalk => 0b01_0100 | level,
            FaultKind::Alignment => 0b10_0001,
        }
    }

    /// ISS bits \[8:0\] of a Data Abort for this fault (D24.2.46): DFSC, WnR (bit 6), S1PTW
    /// (bit 7), CM (bit 8). `wnr` is the instruction's direction (1 for a store); it is forced to
    /// 1 for cache maintenance and address translation instructions (`cm`). EA (bit 9) is 0. The
    /// CPU adds ISV and the instruction syndrome (only for stage 2 faults without S1PTW).
    pub const fn data_abort_iss(&self, wnr: bool, cm: bool) -> u32 {
        self.fsc() as u32 | ((wnr || cm) as u32) << 6 | (self.s1ptw as u32) << 7 | (cm as u32) << 8
    }

    /// ISS bits of an Instruction Abort for this fault: IFSC and S1PTW (bit 7).
    pub const fn instruction_abort_iss(&self) -> u32 {
        self.fsc() as u32 | (self.s1ptw as u32) << 7
    }

    /// HPFAR_EL2 for an abort taken to EL2: FIPA\[39:4\] = IPA\[47:12\] (D24.2.76, without
    /// FEAT_LPA). `None` for stage 1 faults. The register is architecturally written for stage 2
    /// Translation, Access flag and Address size faults, and for every stage 2 fault on a stage 1
    /// walk; for the other stage 2 faults (Permission, External abort, Alignment) it is UNKNOWN,
    /// and we report the IPA anyway, as QEMU does.
    pub const fn hpfar_el2(&self) -> Option<u64> {
        match self.ipa {
            Some(ipa) if self.is_stage2() => Some((ipa.0 >> 12 & 0xf_ffff_ffff) << 4),
            _ => None,
        }
    }

    /// The faulting PAR_EL1 value for an AT instruction (D24.2.142, pseudocode
    /// `AArch64.EncodePAR`): F (bit 0) = 1, FST\[6:1\], PTW (bit 8), S (bit 9), bit 11 RES1; the
    /// IMPLEMENTATION DEFINED bits \[63:48\] read as 0.
    pub const fn par_el1(&self) -> u64 {
        1 | (self.fsc() as u64) << 1 | (self.s1ptw as u64) << 8 | (self.is_stage2() as u64) << 9 | 1 << 11
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_status_codes() {
        let cases = [
            (FaultKind::AddressSize, 0, 0b000000),
            (FaultKind::AddressSize, 3, 0b000011),
            (FaultKind::Translation, 0, 0b000100),
            (FaultKind::Translation, 3, 0b000111),
            (FaultKind::AccessFlag, 1, 0b001001),
            (FaultKind::Permission, 2, 0b001110),
            (FaultKind::ExternalAbortOnWalk, 0, 0b010100),
            (FaultKind::ExternalAbortOnWalk, 3, 0b010111),
            (FaultKind::Alignment, 0, 0b100001),
        ];
        for (kind, level, fsc) in cases {
            assert_eq!(Fault::stage1(kind, level).fsc(), fsc, "{kind:?} level {level}");
        }
    }

    #[test]
    fn syndromes_and_registers() {
        let f = Fault::stage2(FaultKind::Translation, 2, Ipa(0x8_1234_5678), true);
        assert_eq!(f.data_abort_iss(false, false), 0b1000_0110);
        assert_eq!(f.data_abort_iss(false, true), 0b1_1100_0110);
        assert_eq!(f.instruction_abort_iss(), 0b1000_0110);
        assert_eq!(f.hpfar_el2(), Some(0x0081_2345 << 4));
        assert_eq!(f.par_el1(), 1 | 0b000110 << 1 | 1 << 8 | 1 << 9 | 1 << 11);
        let s1 = Fault::stage1(FaultKind::Permission, 3);
        assert_eq!(s1.data_abort_iss(true, false), 0b100_1111);
        assert_eq!(s1.hpfar_el2(), None);
        assert_eq!(s1.par_el1(), 0x81f);
        assert!(!s1.is_stage2());
    }
}
