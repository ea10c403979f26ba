//! Translation regimes and their controls (ARM ARM D8.1.2, D8.2): the raw system register values
//! the CPU (or the SMMU) copies in, [`TranslationRegs`], and their decoded, validated form,
//! [`TranslationContext`], which the walker and the TLB use.
//!
//! Decoding happens once per register change, not per access: the CPU keeps a
//! `TranslationContext` and rebuilds it with [`TranslationContext::new`] whenever it writes one of
//! the registers in `TranslationRegs` (or HCR_EL2, or changes the register snapshot in any way).
//! Every field value is accepted; reserved encodings are resolved as documented on each field.

use crate::addr::{bit, bits, low_mask};
use crate::attrs::{MemAttrs, Shareability};

/// A translation regime (D8.1.2). ARMv8.0 without FEAT_VHE has the two that matter below EL3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Regime {
    /// The EL1&0 regime: stage 1 by TTBR0/1_EL1 + TCR_EL1, optionally stage 2 by VTTBR_EL2.
    El10 = 0,
    /// The EL2 regime: stage 1 only, by TTBR0_EL2 + TCR_EL2.
    El2 = 1,
}

impl Regime {
    /// The regime that translates accesses made at Exception level `el` (EL0/EL1 -> EL1&0,
    /// EL2 -> EL2; FEAT_VHE is not implemented).
    #[inline(always)]
    pub const fn for_el(el: u8) -> Regime {
        if el >= 2 {
            Regime::El2
        } else {
            Regime::El10
        }
    }
}

/// Translation granule (D8.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Granule {
    /// 4KB granule: 9 bits resolved per level, levels 0-3.
    K4,
    /// 16KB granule: 11 bits per level.
    K16,
    /// 64KB granule: 13 bits per level.
    K64,
}

impl Granule {
    /// log2 of the granule size in bytes.
    #[inline(always)]
    pub const fn bits(self) -> u32 {
        match self {
            Granule::K4 => 12,
            Granule::K16 => 14,
            Granule::K64 => 16,
        }
    }

    /// Bits of input address resolved per lookup level (granule bits - 3).
    #[inline(always)]
    pub const fn stride(self) -> u32 {
        self.bits() - 3
    }

    /// log2 of the size of the region mapped by one descriptor at `level` (0-3).
    #[inline(always)]
    pub const fn level_size_bits(self, level: u8) -> u32 {
        self.bits() + self.stride() * (3 - (level & 3) as u32)
    }

    /// Block descriptors are permitted at `level` (pseudocode `AArch64.BlockDescSupported`,
    /// without FEAT_LPA/LPA2): 4KB at levels 1 and 2, 16KB and 64KB at level 2 only.
    #[inline(always)]
    pub const fn block_allowed(self, level: u8) -> bool {
        match self {
            Granule::K4 => level == 1 || level == 2,
            Granule::K16 | Granule::K64 => level == 2,
        }
    }

    /// Decodes TCR_ELx.TG0 / VTCR_EL2.TG0 (0b00 4KB, 0b01 64KB, 0b10 16KB). The reserved value
    /// 0b11 is IMPLEMENTATION DEFINED as one of the sizes: we use 4KB.
    pub const fn from_tg0(tg0: u64) -> Granule {
        match tg0 & 3 {
            1 => Granule::K64,
            2 => Granule::K16,
            _ => Granule::K4,
        }
    }

    /// Decodes TCR_EL1.TG1 (0b01 16KB, 0b10 4KB, 0b11 64KB). The reserved value 0b00 is
    /// IMPLEMENTATION DEFINED as one of the sizes: we use 4KB.
    pub const fn from_tg1(tg1: u64) -> Granule {
        match tg1 & 3 {
            1 => Granule::K16,
            3 => Granule::K64,
            _ => Granule::K4,
        }
    }
}

/// Physical address size in bits for an ID_AA64MMFR0_EL1.PARange value (D24.2.x): 0 -> 32,
/// 1 -> 36, 2 -> 40, 3 -> 42, 4 -> 44, 5 -> 48. Larger encodings (FEAT_LPA) are clamped to 48,
/// the largest ARMv8.0 size.
pub const fn pa_bits_from_parange(parange: u8) -> u8 {
    match parange {
        0 => 32,
        1 => 36,
        2 => 40,
        3 => 42,
        4 => 44,
        _ => 48,
    }
}

/// Output size of a TCR_ELx.{I}PS / VTCR_EL2.PS field, limited to the implemented PA size
/// (pseudocode `AArch64.PhysicalAddressSize`: 52 and 56 are clamped to 48 without FEAT_LPA).
pub const fn ps_bits(ps: u64, pa_bits: u8) -> u8 {
    let ps = match ps & 7 {
        0 => 32,
        1 => 36,
        2 => 40,
        3 => 42,
        4 => 44,
        _ => 48,
    };
    if ps < pa_bits {
        ps
    } else {
        pa_bits
    }
}

/// Raw values of the system registers that control translation, as the CPU holds them. Plain
/// data: fill it from the register file and call [`TranslationContext::new`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TranslationRegs {
    /// SCTLR_EL1: M (bit 0), C (2), I (12), WXN (19), EE (25) are used.
    pub sctlr_el1: u64,
    /// TCR_EL1: T0SZ, EPD0, IRGN0, ORGN0, SH0, TG0, T1SZ, A1, EPD1, IRGN1, ORGN1, SH1, TG1, IPS,
    /// AS, TBI0, TBI1.
    pub tcr_el1: u64,
    /// TTBR0_EL1: BADDR\[47:1\], ASID\[63:48\].
    pub ttbr0_el1: u64,
    /// TTBR1_EL1: BADDR\[47:1\], ASID\[63:48\].
    pub ttbr1_el1: u64,
    /// MAIR_EL1.
    pub mair_el1: u64,
    /// SCTLR_EL2: M, C, I, WXN, EE (EE also sets the endianness of stage 2 walks).
    pub sctlr_el2: u64,
    /// TCR_EL2 (HCR_EL2.E2H = 0 format): T0SZ, IRGN0, ORGN0, SH0, TG0, PS, TBI.
    pub tcr_el2: u64,
    /// TTBR0_EL2: BADDR\[47:1\].
    pub ttbr0_el2: u64,
    /// MAIR_EL2.
    pub mair_el2: u64,
    /// HCR_EL2: VM (bit 0), PTW (2), DC (12), TGE (27), CD (32), ID (33) are used.
    pub hcr_el2: u64,
    /// VTCR_EL2: T0SZ, SL0, IRGN0, ORGN0, SH0, TG0, PS.
    pub vtcr_el2: u64,
    /// VTTBR_EL2: BADDR\[47:1\], VMID\[55:48\] (8-bit VMIDs).
    pub vttbr_el2: u64,
    /// EL2 is implemented and enabled in the current Security state (always true on our cores;
    /// false for a model without EL2, which ignores HCR_EL2 and VMIDs).
    pub el2_enabled: bool,
    /// ID_AA64MMFR0_EL1.PARange of the model (our cores: 0b0010, 40 bits).
    pub parange: u8,
}

/// SCTLR_ELx bits (D24.2.15x).
pub mod sctlr {
    /// Stage 1 MMU enable.
    pub const M: u64 = 1 << 0;
    /// Data cacheability control.
    pub const C: u64 = 1 << 2;
    /// Instruction cacheability control.
    pub const I: u64 = 1 << 12;
    /// Write permission implies XN.
    pub const WXN: u64 = 1 << 19;
    /// Endianness of data accesses and translation table walks at the regime's EL.
    pub const EE: u64 = 1 << 25;
}

/// HCR_EL2 bits used by translation (D24.2.62).
pub mod hcr {
    /// Stage 2 enable.
    pub const VM: u64 = 1 << 0;
    /// Protected table walk: stage 1 walks to Device memory fault at stage 2.
    pub const PTW: u64 = 1 << 2;
    /// Default cacheability: stage 1 off, stage 2 on, Normal WB.
    pub const DC: u64 = 1 << 12;
    /// Trap general exceptions: EL1&0 stage 1 treated as disabled.
    pub const TGE: u64 = 1 << 27;
    /// Stage 2 data accesses Non-cacheable.
    pub const CD: u64 = 1 << 32;
    /// Stage 2 instruction fetches Non-cacheable.
    pub const ID: u64 = 1 << 33;
}

/// One VA range of a stage 1 regime (TTBR0 or TTBR1 with its TCR fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S1Range {
    /// Granule (TG0/TG1).
    pub granule: Granule,
    /// Input address size, 64 - TxSZ (25..=48 when `txsz_fault` is false).
    pub ia_bits: u8,
    /// First lookup level (pseudocode `AArch64.S1StartLevel`).
    pub start_level: u8,
    /// TxSZ is outside 16..=39: every walk is a level 0 Translation fault (IMPLEMENTATION
    /// DEFINED choice of `AArch64.S1TxSZFaults`; QEMU makes the same choice).
    pub txsz_fault: bool,
    /// Top byte ignored (TBI0/TBI1/TBI), for data accesses and instruction fetches alike (no
    /// FEAT_PAuth, so no TBID).
    pub tbi: bool,
    /// Walks disabled (EPD0/EPD1): a TLB miss is a level 0 Translation fault.
    pub epd: bool,
    /// Base address of the first-level table from TTBRn_ELx.BADDR, aligned to the table size
    /// (pseudocode `AArch64.S1TTBaseAddress`).
    pub table_base: u64,
    /// Attributes of the table walk accesses (IRGNn, ORGNn, SHn).
    pub walk_attrs: MemAttrs,
}

impl S1Range {
    fn decode(txsz: u64, granule: Granule, tbi: bool, epd: bool, ttbr: u64, rgn_sh: u64) -> S1Range {
        // D8.2.x: TxSZ 16..=39 without FEAT_LVA/FEAT_TTST.
        let txsz_fault = !(16..=39).contains(&txsz);
        let txsz = txsz.clamp(16, 39) as u32;
        let ia_bits = 64 - txsz;
        let stride = granule.stride();
        let start_level = 3 - ((ia_bits - 1 - granule.bits()) / stride);
        let table_base = table_base(ttbr, ia_bits, granule, start_level);
        S1Range {
            granule,
            ia_bits: ia_bits as u8,
            start_level: start_level as u8,
            txsz_fault,
            tbi,
            epd,
            table_base,
            walk_attrs: walk_attrs(rgn_sh),
        }
    }
}

/// Base of an initial lookup table from a TTBR/VTTBR: BADDR\[47:1\], aligned to the size of the
/// (possibly concatenated) initial table (pseudocode `AArch64.S1TTBaseAddress`,
/// `AArch64.S2TTBaseAddress`).
fn table_base(ttbr: u64, ia_bits: u32, granule: Granule, start_level: u32) -> u64 {
    let levels = 3 - start_level;
    let resolved = levels * granule.stride() + granule.bits();
    let tsize = (ia_bits.saturating_sub(resolved) + 3).max(3);
    ttbr & low_mask(48) & !low_mask(tsize)
}

/// Memory attributes of table walks from an IRGN/ORGN/SH triple at bits \[13:8\] of a TCR
/// (pseudocode `WalkMemAttrs`, `DecodeSDFAttr`: 00 NC, 01 WB RWA, 10 WT RA, 11 WB RA).
fn walk_attrs(rgn_sh: u64) -> MemAttrs {
    const SDF: [u8; 4] = [0b0100, 0b1111, 0b1010, 0b1110];
    let inner = SDF[bits(rgn_sh, 1, 0) as usize];
    let outer = SDF[bits(rgn_sh, 3, 2) as usize];
    MemAttrs::from_mair(outer << 4 | inner, Shareability::decode(bits(rgn_sh, 5, 4)))
}

/// A decoded stage 1 regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S1Regime {
    /// Stage 1 enabled: SCTLR_ELx.M, and for EL1&0 neither HCR_EL2.DC nor HCR_EL2.TGE
    /// (pseudocode `AArch64.S1Enabled`).
    pub enabled: bool,
    /// The regime has two VA ranges (EL1&0: TTBR0 below, TTBR1 above; EL2: TTBR0 only).
    pub two_ranges: bool,
    /// The lower (index 0) and upper (index 1) VA ranges; for EL2 both hold the TTBR0_EL2 range
    /// and only index 0 is used.
    pub ranges: [S1Range; 2],
    /// MAIR_ELx.
    pub mair: u64,
    /// SCTLR_ELx.WXN.
    pub wxn: bool,
    /// SCTLR_ELx.C.
    pub c: bool,
    /// SCTLR_ELx.I.
    pub i: bool,
    /// SCTLR_ELx.EE: translation table descriptors are big-endian.
    pub ee: bool,
    /// Output address size of stage 1 (TCR_EL1.IPS / TCR_EL2.PS limited to the PA size).
    pub oa_bits: u8,
    /// Current ASID (EL1&0: from TTBR0 or TTBR1 per TCR_EL1.A1, upper byte zero when
    /// TCR_EL1.AS = 0; EL2: 0).
    pub asid: u16,
}

/// The decoded stage 2 translation of the EL1&0 regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S2Config {
    /// Stage 2 enabled: EL2 enabled and HCR_EL2.VM or HCR_EL2.DC.
    pub enabled: bool,
    /// Granule (VTCR_EL2.TG0).
    pub granule: Granule,
    /// Input (IPA) size, 64 - T0SZ.
    pub ia_bits: u8,
    /// First lookup level from VTCR_EL2.SL0 (pseudocode `AArch64.S2StartLevel`).
    pub start_level: u8,
    /// VTCR_EL2.{T0SZ, SL0} is out of range, reserved or inconsistent: every stage 2 walk is a
    /// level 0 Translation fault (`AArch64.S2TxSZFaults`, `AArch64.S2InvalidSL`,
    /// `AArch64.S2InconsistentSL`; T0SZ out of range is the IMPLEMENTATION DEFINED faulting choice).
    pub config_fault: bool,
    /// Base address of the (possibly concatenated) initial table.
    pub table_base: u64,
    /// Output address size (VTCR_EL2.PS limited to the PA size).
    pub oa_bits: u8,
    /// VTTBR_EL2.VMID (0 when EL2 is not enabled).
    pub vmid: u8,
    /// HCR_EL2.PTW (ignored when HCR_EL2.TGE is 1).
    pub ptw: bool,
    /// HCR_EL2.CD: stage 2 makes data accesses Non-cacheable.
    pub cd: bool,
    /// HCR_EL2.ID: stage 2 makes instruction fetches Non-cacheable.
    pub id: bool,
    /// SCTLR_EL2.EE: stage 2 descriptors are big-endian.
    pub ee: bool,
    /// Attributes of stage 2 table walk accesses (VTCR_EL2.{IRGN0, ORGN0, SH0}).
    pub walk_attrs: MemAttrs,
}

impl S2Config {
    fn decode(regs: &TranslationRegs, pa_bits: u8) -> S2Config {
        let vtcr = regs.vtcr_el2;
        let hcr = if regs.el2_enabled { regs.hcr_el2 } else { 0 };
        let granule = Granule::from_tg0(bits(vtcr, 15, 14));
        let t0sz = bits(vtcr, 5, 0);
        let sl0 = bits(vtcr, 7, 6);
        // D8.2.x / `AArch64.S2MinTxSZ`: the IPA can be no larger than the PA size.
        let min_txsz = 64 - u64::from(pa_bits);
        let txsz_fault = t0sz < min_txsz || t0sz > 39;
        let ia_bits = 64 - t0sz.clamp(min_txsz, 39) as u32;
        // `AArch64.S2StartLevel` and `AArch64.S2InvalidSL` without FEAT_TTST / FEAT_LPA2.
        let (start_level, invalid_sl) = match (granule, sl0) {
            (Granule::K4, 0) => (2, false),
            (Granule::K4, 1) => (1, false),
            (Granule::K4, 2) => (0, pa_bits < 44),
            (Granule::K16, 0) | (Granule::K64, 0) => (3, false),
            (Granule::K16, 1) | (Granule::K64, 1) => (2, false),
            (Granule::K16, 2) => (1, pa_bits < 42),
            (Granule::K64, 2) => (1, pa_bits < 44),
            _ => (0, true),
        };
        // `AArch64.S2InconsistentSL`: the initial level must resolve at least one bit and at most
        // one stride plus 4 bits (16 concatenated tables).
        let levels = 3 - start_level;
        let stride = granule.stride();
        let sl_min = levels * stride + granule.bits() + 1;
        let sl_max = sl_min + (stride - 1) + 4;
        let inconsistent = ia_bits < sl_min || ia_bits > sl_max;
        S2Config {
            enabled: regs.el2_enabled && hcr & (hcr::VM | hcr::DC) != 0,
            granule,
            ia_bits: ia_bits as u8,
            start_level: start_level as u8,
            config_fault: txsz_fault || invalid_sl || inconsistent,
            table_base: table_base(regs.vttbr_el2, ia_bits, granule, start_level),
            oa_bits: ps_bits(bits(vtcr, 18, 16), pa_bits),
            vmid: if regs.el2_enabled { bits(regs.vttbr_el2, 55, 48) as u8 } else { 0 },
            ptw: hcr & hcr::PTW != 0 && hcr & hcr::TGE == 0,
            cd: hcr & hcr::CD != 0,
            id: hcr & hcr::ID != 0,
            ee: regs.sctlr_el2 & sctlr::EE != 0,
            walk_attrs: walk_attrs(bits(vtcr, 13, 8)),
        }
    }
}

/// Lookup key material of a regime, precomputed so a TLB hit needs no decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LookupKey {
    /// Valid bit, regime, configuration flags and VMID packed for one compare.
    pub tag: u64,
    /// Current ASID.
    pub asid: u16,
    /// TBI per VA range.
    pub tbi: [bool; 2],
    /// Set-index shift per VA range (the granule size; 4KB when stage 1 is off).
    pub index_shift: [u8; 2],
    /// Two VA ranges selected by VA bit 55.
    pub two_ranges: bool,
}

/// The decoded, validated translation controls of a core (or of an SMMU context): everything the
/// walker and the TLB need. Build it with [`TranslationContext::new`]; it is `Copy` and holds no
/// references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TranslationContext {
    /// The implemented physical address size in bits (from ID_AA64MMFR0_EL1.PARange).
    pub pa_bits: u8,
    /// EL2 is enabled: EL1&0 translations are tagged with the VMID and may have a stage 2.
    pub el2_enabled: bool,
    /// HCR_EL2.DC (EL1&0 stage 1 disabled with Normal Write-Back output).
    pub dc: bool,
    /// Stage 1 of the EL1&0 regime.
    pub el10: S1Regime,
    /// Stage 1 of the EL2 regime.
    pub el2: S1Regime,
    /// Stage 2 of the EL1&0 regime.
    pub s2: S2Config,
    pub(crate) keys: [LookupKey; 2],
}

impl TranslationContext {
    /// Decodes a register snapshot. Never fails: reserved and out-of-range values are resolved as
    /// the field documentation says (usually as a level 0 Translation fault on use).
    pub fn new(regs: &TranslationRegs) -> TranslationContext {
        let pa_bits = pa_bits_from_parange(regs.parange);
        let hcr = if regs.el2_enabled { regs.hcr_el2 } else { 0 };
        let dc = hcr & hcr::DC != 0;
        let tge = hcr & hcr::TGE != 0;

        let tcr = regs.tcr_el1;
        let lower = S1Range::decode(
            bits(tcr, 5, 0),
            Granule::from_tg0(bits(tcr, 15, 14)),
            bit(tcr, 37),
            bit(tcr, 7),
            regs.ttbr0_el1,
            bits(tcr, 13, 8),
        );
        let upper = S1Range::decode(
            bits(tcr, 21, 16),
            Granule::from_tg1(bits(tcr, 31, 30)),
            bit(tcr, 38),
            bit(tcr, 23),
            regs.ttbr1_el1,
            bits(tcr, 29, 24),
        );
        let asid_ttbr = if bit(tcr, 22) { regs.ttbr1_el1 } else { regs.ttbr0_el1 };
        let asid_bits = if bit(tcr, 36) { 16 } else { 8 };
        let el10 = S1Regime {
            enabled: regs.sctlr_el1 & sctlr::M != 0 && !dc && !tge,
            two_ranges: true,
            ranges: [lower, upper],
            mair: regs.mair_el1,
            wxn: regs.sctlr_el1 & sctlr::WXN != 0,
            c: regs.sctlr_el1 & sctlr::C != 0,
            i: regs.sctlr_el1 & sctlr::I != 0,
            ee: regs.sctlr_el1 & sctlr::EE != 0,
            oa_bits: ps_bits(bits(tcr, 34, 32), pa_bits),
            asid: bits(asid_ttbr, 47 + asid_bits, 48) as u16,
        };

        let tcr2 = regs.tcr_el2;
        let range2 = S1Range::decode(
            bits(tcr2, 5, 0),
            Granule::from_tg0(bits(tcr2, 15, 14)),
            bit(tcr2, 20),
            false,
            regs.ttbr0_el2,
            bits(tcr2, 13, 8),
        );
        let el2 = S1Regime {
            enabled: regs.sctlr_el2 & sctlr::M != 0,
            two_ranges: false,
            ranges: [range2, range2],
            mair: regs.mair_el2,
            wxn: regs.sctlr_el2 & sctlr::WXN != 0,
            c: regs.sctlr_el2 & sctlr::C != 0,
            i: regs.sctlr_el2 & sctlr::I != 0,
            ee: regs.sctlr_el2 & sctlr::EE != 0,
            oa_bits: ps_bits(bits(tcr2, 18, 16), pa_bits),
            asid: 0,
        };

        let s2 = S2Config::decode(regs, pa_bits);
        let mut ctx =
            TranslationContext { pa_bits, el2_enabled: regs.el2_enabled, dc, el10, el2, s2, keys: [KEY_NONE; 2] };
        ctx.keys = [ctx.lookup_key(Regime::El10), ctx.lookup_key(Regime::El2)];
        ctx
    }

    /// The stage 1 controls of `regime`.
    #[inline(always)]
    pub const fn s1(&self, regime: Regime) -> &S1Regime {
        match regime {
            Regime::El10 => &self.el10,
            Regime::El2 => &self.el2,
        }
    }

    /// Stage 2 applies to `regime` (EL1&0 with EL2 enabled and HCR_EL2.{VM or DC}).
    #[inline(always)]
    pub const fn s2_applies(&self, regime: Regime) -> bool {
        matches!(regime, Regime::El10) && self.s2.enabled
    }

    /// The VMID that tags EL1&0 TLB entries and EL1 TLB maintenance (VTTBR_EL2.VMID).
    #[inline(always)]
    pub const fn vmid(&self) -> u8 {
        self.s2.vmid
    }

    /// The ASID of `regime` (0 for EL2).
    #[inline(always)]
    pub const fn asid(&self, regime: Regime) -> u16 {
        self.s1(regime).asid
    }

    fn lookup_key(&self, regime: Regime) -> LookupKey {
        let s1 = self.s1(regime);
        let s2 = self.s2_applies(regime);
        // Everything that changes a translation without TLB maintenance being architecturally
        // required goes into the tag, so a stale entry is never hit after such a change.
        let mut flags = u64::from(s1.enabled)
            | u64::from(s2) << 1
            | u64::from(s1.c) << 2
            | u64::from(s1.i) << 3
            | u64::from(s1.wxn) << 4;
        if regime == Regime::El10 {
            flags |= u64::from(self.dc) << 5 | u64::from(s2 && self.s2.cd) << 6 | u64::from(s2 && self.s2.id) << 7;
        }
        let vmid = if regime == Regime::El10 && self.el2_enabled { u64::from(self.s2.vmid) } else { 0 };
        let shift = |r: &S1Range| if s1.enabled { r.granule.bits() as u8 } else { 12 };
        LookupKey {
            tag: 1 | (regime as u64) << 1 | flags << 8 | vmid << 16,
            asid: s1.asid,
            tbi: [s1.ranges[0].tbi, s1.ranges[1].tbi],
            index_shift: [shift(&s1.ranges[0]), shift(&s1.ranges[1])],
            two_ranges: s1.two_ranges,
        }
    }
}

const KEY_NONE: LookupKey = LookupKey { tag: 0, asid: 0, tbi: [false; 2], index_shift: [12; 2], two_ranges: false };

#[cfg(test)]
mod tests {
    use super::*;

    fn regs() -> TranslationRegs {
        TranslationRegs { el2_enabled: true, parange: 2, ..Default::default() }
    }

    #[test]
    fn s1_start_levels_for_each_granule() {
        // (TG0, T0SZ) -> start level, from `AArch64.S1StartLevel`.
        let cases = [
            (0b00, 16, 0),
            (0b00, 25, 1),
            (0b00, 33, 1),
            (0b00, 34, 2),
            (0b00, 39, 2),
            (0b10, 16, 0),
            (0b10, 17, 1),
            (0b10, 27, 1),
            (0b10, 28, 2),
            (0b10, 38, 2),
            (0b10, 39, 3),
            (0b01, 16, 1),
            (0b01, 21, 1),
            (0b01, 22, 2),
            (0b01, 34, 2),
            (0b01, 35, 3),
        ];
        for (tg0, t0sz, level) in cases {
            let ctx = TranslationContext::new(&TranslationRegs { tcr_el1: tg0 << 14 | t0sz, ..regs() });
            assert_eq!(ctx.el10.ranges[0].start_level, level, "TG0 {tg0:#b} T0SZ {t0sz}");
            assert!(!ctx.el10.ranges[0].txsz_fault);
        }
        let ctx = TranslationContext::new(&TranslationRegs { tcr_el1: 40 | 15 << 16, ..regs() });
        assert!(ctx.el10.ranges[0].txsz_fault && ctx.el10.ranges[1].txsz_fault);
    }

    #[test]
    fn s2_start_level_and_concatenation_validity() {
        // (TG0, SL0, T0SZ, start level, fault) per `AArch64.S2StartLevel`, `S2InvalidSL`,
        // `S2InconsistentSL`, with PARange = 40 bits.
        let cases = [
            (0b00, 1, 24, 1, false), // 40-bit IPA, 2 concatenated level 1 tables
            (0b00, 1, 25, 1, false),
            (0b00, 1, 33, 1, false), // 31 bits: one level 1 table with 2 entries
            (0b00, 1, 34, 1, true),  // too small for level 1 start
            (0b00, 0, 30, 2, false), // 34 bits: 16 concatenated level 2 tables
            (0b00, 0, 29, 2, true),  // would need 32 tables
            (0b00, 0, 24, 2, true),  // the SL0 = 0, T0SZ = 24 combination is inconsistent
            (0b00, 2, 24, 0, true),  // level 0 start needs PARange >= 44
            (0b00, 3, 32, 0, true),  // reserved without FEAT_TTST
            (0b00, 1, 23, 1, true),  // T0SZ below 64 - PA size
            (0b01, 1, 24, 2, false), // 64KB: level 2 start, one 2048-entry table
            (0b01, 0, 26, 3, true),
            (0b01, 0, 31, 3, false), // 33 bits: 2 concatenated level 3 tables
            (0b01, 0, 30, 3, true),
            (0b01, 2, 24, 1, true),  // level 1 start needs PARange >= 44
            (0b10, 1, 24, 2, false), // 16KB: level 2 start, 16 concatenated tables
            (0b10, 2, 24, 1, true),  // level 1 start needs PARange >= 42
            (0b10, 0, 39, 3, false),
            (0b10, 3, 24, 0, true),
        ];
        for (tg0, sl0, t0sz, level, fault) in cases {
            let ctx = TranslationContext::new(&TranslationRegs {
                vtcr_el2: tg0 << 14 | sl0 << 6 | t0sz,
                hcr_el2: hcr::VM,
                ..regs()
            });
            assert_eq!((ctx.s2.start_level, ctx.s2.config_fault), (level, fault), "TG0 {tg0:#b} SL0 {sl0} T0SZ {t0sz}");
            assert!(ctx.s2.enabled);
        }
        // With a 48-bit PA, SL0 = 2 (level 0) is valid for 4KB.
        let ctx = TranslationContext::new(&TranslationRegs { vtcr_el2: 2 << 6 | 16, parange: 5, ..regs() });
        assert_eq!((ctx.s2.start_level, ctx.s2.config_fault), (0, false));
    }

    #[test]
    fn table_base_alignment() {
        // 4KB, 40-bit IPA starting at level 1: 2 concatenated tables, 8KB aligned.
        let ctx = TranslationContext::new(&TranslationRegs {
            vtcr_el2: 1 << 6 | 24,
            vttbr_el2: 0x0012_0000_8000_3fff,
            ..regs()
        });
        assert_eq!(ctx.s2.table_base, 0x8000_2000);
        assert_eq!(ctx.s2.vmid, 0x12);
        // Stage 1 4KB, T0SZ = 25: level 1 resolves bits [38:30], a full 4KB table; 8-bit ASID.
        let ctx = TranslationContext::new(&TranslationRegs { tcr_el1: 25, ttbr0_el1: 0xabcd_0000_0000_1234, ..regs() });
        assert_eq!(ctx.el10.ranges[0].table_base, 0x1000);
        assert_eq!(ctx.el10.asid, 0xcd);
        // 16-bit ASIDs from TTBR1 with A1.
        let ctx = TranslationContext::new(&TranslationRegs {
            tcr_el1: 1 << 36 | 1 << 22,
            ttbr1_el1: 0xabcd_0000_0000_0000,
            ..regs()
        });
        assert_eq!(ctx.el10.asid, 0xabcd);
        // T0SZ = 36 at 4KB: 28 bits start at level 2 resolving [27:21]: 128 entries, 1KB table.
        let ctx = TranslationContext::new(&TranslationRegs { tcr_el1: 36, ttbr0_el1: 0x4000_0fff, ..regs() });
        assert_eq!(ctx.el10.ranges[0].start_level, 2);
        assert_eq!(ctx.el10.ranges[0].table_base, 0x4000_0c00);
    }

    #[test]
    fn enables_and_output_sizes() {
        let ctx = TranslationContext::new(&TranslationRegs {
            sctlr_el1: sctlr::M,
            hcr_el2: hcr::DC,
            tcr_el1: 5 << 32,
            tcr_el2: 1 << 16,
            ..regs()
        });
        assert!(!ctx.el10.enabled, "DC disables EL1&0 stage 1");
        assert!(ctx.s2.enabled, "DC enables stage 2");
        assert_eq!(ctx.el10.oa_bits, 40, "IPS 48 limited to PARange 40");
        assert_eq!(ctx.el2.oa_bits, 36);
        let ctx =
            TranslationContext::new(&TranslationRegs { sctlr_el1: sctlr::M, hcr_el2: hcr::TGE | hcr::PTW, ..regs() });
        assert!(!ctx.el10.enabled && !ctx.s2.ptw);
        let ctx = TranslationContext::new(&TranslationRegs { hcr_el2: hcr::VM, el2_enabled: false, ..regs() });
        assert!(!ctx.s2.enabled);
        assert_eq!(pa_bits_from_parange(0xf), 48);
        assert_eq!(ps_bits(6, 48), 48);
    }
}
