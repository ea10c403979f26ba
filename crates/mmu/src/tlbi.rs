//! The ARMv8.0 TLB maintenance instructions (ARM ARM D8.17.5, C5.5): decoding of `TLBI <op>, Xt`
//! from its SYS encoding, and the scope each one invalidates given its operand and the issuing
//! core's context.
//!
//! The CPU decodes `SYS #op1, C8, Cm, #op2, Xt` with [`TlbiOp::from_encoding`], checks its own
//! traps (HCR_EL2.TTLB, EL), builds the scope with [`TlbiOp::scope`] (which captures the current
//! VMID for EL1 operations, the ASID from Xt\[63:48\], the VA from Xt\[43:0\] = VA\[55:12\] or the IPA
//! from Xt\[35:0\] = IPA\[47:12\]), then applies it with [`crate::Mmu::invalidate`] to its own TLB,
//! and, when [`TlbiOp::broadcast`] is true (the IS forms, or HCR_EL2.FB at EL1), to every core's.

use crate::addr::low_mask;
use crate::regime::TranslationContext;
use crate::tlb::Invalidation;

/// A TLBI operation of ARMv8.0 (EL3 forms excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlbiOp {
    /// TLBI VMALLE1: all stage 1 entries of the current VMID.
    Vmalle1,
    /// TLBI VMALLE1IS.
    Vmalle1Is,
    /// TLBI VAE1, Xt: by VA and ASID (and global entries).
    Vae1,
    /// TLBI VAE1IS.
    Vae1Is,
    /// TLBI ASIDE1, Xt: by ASID (non-global entries).
    Aside1,
    /// TLBI ASIDE1IS.
    Aside1Is,
    /// TLBI VAAE1, Xt: by VA, all ASIDs.
    Vaae1,
    /// TLBI VAAE1IS.
    Vaae1Is,
    /// TLBI VALE1, Xt: by VA and ASID, last level.
    Vale1,
    /// TLBI VALE1IS.
    Vale1Is,
    /// TLBI VAALE1, Xt: by VA, all ASIDs, last level.
    Vaale1,
    /// TLBI VAALE1IS.
    Vaale1Is,
    /// TLBI IPAS2E1, Xt: stage 2 by IPA.
    Ipas2e1,
    /// TLBI IPAS2E1IS.
    Ipas2e1Is,
    /// TLBI IPAS2LE1, Xt: stage 2 by IPA, last level.
    Ipas2le1,
    /// TLBI IPAS2LE1IS.
    Ipas2le1Is,
    /// TLBI VMALLS12E1: stage 1 and stage 2 entries of the current VMID.
    Vmalls12e1,
    /// TLBI VMALLS12E1IS.
    Vmalls12e1Is,
    /// TLBI ALLE1: all EL1&0 entries, all VMIDs.
    Alle1,
    /// TLBI ALLE1IS.
    Alle1Is,
    /// TLBI ALLE2: all EL2 entries.
    Alle2,
    /// TLBI ALLE2IS.
    Alle2Is,
    /// TLBI VAE2, Xt: EL2 entries by VA.
    Vae2,
    /// TLBI VAE2IS.
    Vae2Is,
    /// TLBI VALE2, Xt: EL2 entries by VA, last level.
    Vale2,
    /// TLBI VALE2IS.
    Vale2Is,
}

impl TlbiOp {
    /// Decodes `SYS #op1, C8, C<crm>, #op2` (op0 = 0b01, CRn = 0b1000), per the System
    /// instruction encoding tables (C5.5). `None` for other encodings (EL3 forms, range and OS
    /// forms of later extensions).
    pub const fn from_encoding(op1: u8, crm: u8, op2: u8) -> Option<TlbiOp> {
        use TlbiOp::*;
        Some(match (op1, crm, op2) {
            (0, 3, 0) => Vmalle1Is,
            (0, 3, 1) => Vae1Is,
            (0, 3, 2) => Aside1Is,
            (0, 3, 3) => Vaae1Is,
            (0, 3, 5) => Vale1Is,
            (0, 3, 7) => Vaale1Is,
            (0, 7, 0) => Vmalle1,
            (0, 7, 1) => Vae1,
            (0, 7, 2) => Aside1,
            (0, 7, 3) => Vaae1,
            (0, 7, 5) => Vale1,
            (0, 7, 7) => Vaale1,
            (4, 0, 1) => Ipas2e1Is,
            (4, 0, 5) => Ipas2le1Is,
            (4, 3, 0) => Alle2Is,
            (4, 3, 1) => Vae2Is,
            (4, 3, 4) => Alle1Is,
            (4, 3, 5) => Vale2Is,
            (4, 3, 6) => Vmalls12e1Is,
            (4, 4, 1) => Ipas2e1,
            (4, 4, 5) => Ipas2le1,
            (4, 7, 0) => Alle2,
            (4, 7, 1) => Vae2,
            (4, 7, 4) => Alle1,
            (4, 7, 5) => Vale2,
            (4, 7, 6) => Vmalls12e1,
            _ => return None,
        })
    }

    /// The Inner Shareable form: the invalidation must reach every core in the domain.
    pub const fn broadcast(self) -> bool {
        use TlbiOp::*;
        matches!(
            self,
            Vmalle1Is
                | Vae1Is
                | Aside1Is
                | Vaae1Is
                | Vale1Is
                | Vaale1Is
                | Ipas2e1Is
                | Ipas2le1Is
                | Vmalls12e1Is
                | Alle1Is
                | Alle2Is
                | Vae2Is
                | Vale2Is
        )
    }

    /// The lowest Exception level that may execute it (1 for the E1 stage 1 forms, else 2).
    pub const fn min_el(self) -> u8 {
        use TlbiOp::*;
        match self {
            Vmalle1 | Vmalle1Is | Vae1 | Vae1Is | Aside1 | Aside1Is | Vaae1 | Vaae1Is | Vale1 | Vale1Is | Vaale1
            | Vaale1Is => 1,
            _ => 2,
        }
    }

    /// What the operation invalidates, given its register operand `xt` and the issuing core's
    /// context (for the current VMID, VTTBR_EL2.VMID).
    pub fn scope(self, xt: u64, ctx: &TranslationContext) -> Invalidation {
        use TlbiOp::*;
        let vmid = ctx.vmid();
        let asid = (xt >> 48) as u16;
        let va = tlbi_va(xt);
        let ipa = (xt & low_mask(36)) << 12;
        match self {
            Vmalle1 | Vmalle1Is => Invalidation::El10Vmid { vmid },
            Vae1 | Vae1Is => Invalidation::El10Va { vmid, asid: Some(asid), va, last_level: false },
            Vale1 | Vale1Is => Invalidation::El10Va { vmid, asid: Some(asid), va, last_level: true },
            Vaae1 | Vaae1Is => Invalidation::El10Va { vmid, asid: None, va, last_level: false },
            Vaale1 | Vaale1Is => Invalidation::El10Va { vmid, asid: None, va, last_level: true },
            Aside1 | Aside1Is => Invalidation::El10Asid { vmid, asid },
            Ipas2e1 | Ipas2e1Is => Invalidation::S2Ipa { vmid, ipa, last_level: false },
            Ipas2le1 | Ipas2le1Is => Invalidation::S2Ipa { vmid, ipa, last_level: true },
            Vmalls12e1 | Vmalls12e1Is => Invalidation::El10VmidS12 { vmid },
            Alle1 | Alle1Is => Invalidation::El10All,
            Alle2 | Alle2Is => Invalidation::El2All,
            Vae2 | Vae2Is => Invalidation::El2Va { va, last_level: false },
            Vale2 | Vale2Is => Invalidation::El2Va { va, last_level: true },
        }
    }
}

/// The VA of a TLBI operand: Xt\[43:0\] holds VA\[55:12\]; bits \[63:56\] are taken as copies of
/// VA\[55\], the canonical form TLB entries are kept in (the comparison is on VA\[55:12\],
/// pseudocode `TLBIMatch`).
pub(crate) fn tlbi_va(xt: u64) -> u64 {
    let va = (xt & low_mask(44)) << 12;
    ((va << 8) as i64 >> 8) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regime::TranslationRegs;

    #[test]
    fn every_encoding_round_trips() {
        let mut n = 0;
        for op1 in 0..8 {
            for crm in 0..16 {
                for op2 in 0..8 {
                    if let Some(op) = TlbiOp::from_encoding(op1, crm, op2) {
                        n += 1;
                        assert_eq!(op.broadcast(), crm == 3 || crm == 0, "{op:?}");
                        assert_eq!(op.min_el(), if op1 == 0 { 1 } else { 2 });
                    }
                }
            }
        }
        assert_eq!(n, 26);
    }

    #[test]
    fn operands() {
        let ctx = TranslationContext::new(&TranslationRegs {
            el2_enabled: true,
            vttbr_el2: 7 << 48,
            parange: 2,
            ..Default::default()
        });
        let xt = 0x00ab_0000_0000_0000 | 0x0800_0000_0123;
        assert_eq!(
            TlbiOp::Vae1Is.scope(xt, &ctx),
            Invalidation::El10Va { vmid: 7, asid: Some(0xab), va: 0xff80_0000_0012_3000, last_level: false }
        );
        assert_eq!(
            TlbiOp::Vaale1.scope(0x1234, &ctx),
            Invalidation::El10Va { vmid: 7, asid: None, va: 0x123_4000, last_level: true }
        );
        assert_eq!(TlbiOp::Aside1.scope(xt, &ctx), Invalidation::El10Asid { vmid: 7, asid: 0xab });
        assert_eq!(
            TlbiOp::Ipas2le1Is.scope(0xffff_fff0_0004_0001, &ctx),
            Invalidation::S2Ipa { vmid: 7, ipa: 0x4000_1000, last_level: true }
        );
        assert_eq!(TlbiOp::Vmalls12e1.scope(0, &ctx), Invalidation::El10VmidS12 { vmid: 7 });
        assert_eq!(TlbiOp::Vale2.scope(0x10, &ctx), Invalidation::El2Va { va: 0x10000, last_level: true });
        assert_eq!(TlbiOp::Alle1Is.scope(0, &ctx), Invalidation::El10All);
        assert_eq!(TlbiOp::Alle2.scope(0, &ctx), Invalidation::El2All);
        assert_eq!(TlbiOp::Vmalle1.scope(0, &ctx), Invalidation::El10Vmid { vmid: 7 });
    }
}
