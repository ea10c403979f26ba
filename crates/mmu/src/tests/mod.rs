//! Walker, TLB and AT tests against exact architectural results. Every translation made through
//! [`Fx::tr`] is checked three ways: a fresh walk, a TLB miss-and-fill, and a TLB hit must agree.
//!
//! Memory layout of the fixture (stage 1 tables live in IPA space, identity-mapped by stage 2
//! when it is on):
//!
//! ```text
//! 0x0010_0000  TTBR0_EL1 root         0x0040_0000..0x0100_0000  stage 1 table pool
//! 0x0020_0000  TTBR1_EL1 root         0x0200_0000               VTTBR_EL2 root (<= 16 tables)
//! 0x0030_0000  TTBR0_EL2 root         0x0210_0000..0x0280_0000  stage 2 table pool
//! ```

mod at;
mod inspect;
mod props;
mod s1;
mod s2;
mod tlb;

use crate::builder::{S1Leaf, S2Leaf, SparseMemory, TableBuilder};
use crate::{
    hcr, sctlr, translate_uncached, Access, Fault, FaultKind, Granule, Ipa, Mmu, Stage, TlbConfig, Translation,
    TranslationContext, TranslationRegs, VirtAddr,
};

pub(crate) const TTBR0_ROOT: u64 = 0x10_0000;
pub(crate) const TTBR1_ROOT: u64 = 0x20_0000;
pub(crate) const EL2_ROOT: u64 = 0x30_0000;
pub(crate) const S2_ROOT: u64 = 0x200_0000;
pub(crate) const S2_POOL: std::ops::Range<u64> = 0x210_0000..0x280_0000;

/// MAIR: 0 WB RWA, 1 Device-nGnRnE, 2 NC, 3 Device-nGnRE, 4 WT RWA, 5 Device-GRE,
/// 6 outer WB inner NC, 7 reserved 0x40.
pub(crate) const MAIR: u64 = 0x40f4_0cbb_0444_00ff;
pub(crate) const IDX_WB: u8 = 0;
pub(crate) const IDX_DEVICE: u8 = 1;
pub(crate) const IDX_NC: u8 = 2;

pub(crate) fn tg0(g: Granule) -> u64 {
    match g {
        Granule::K4 => 0,
        Granule::K64 => 1,
        Granule::K16 => 2,
    }
}

pub(crate) fn tg1(g: Granule) -> u64 {
    match g {
        Granule::K16 => 1,
        Granule::K4 => 2,
        Granule::K64 => 3,
    }
}

/// TCR_EL1 with both ranges of `granule` and size `txsz`, WB walks, IPS = 40 bits.
pub(crate) fn tcr_el1(granule: Granule, t0sz: u64, t1sz: u64) -> u64 {
    t0sz | 1 << 8
        | 1 << 10
        | 3 << 12
        | tg0(granule) << 14
        | t1sz << 16
        | 1 << 24
        | 1 << 26
        | 3 << 28
        | tg1(granule) << 30
        | 2 << 32
}

/// VTCR_EL2 for `granule`, `t0sz`, `sl0`, PS = 40 bits.
pub(crate) fn vtcr(granule: Granule, t0sz: u64, sl0: u64) -> u64 {
    t0sz | sl0 << 6 | 1 << 8 | 1 << 10 | 3 << 12 | tg0(granule) << 14 | 2 << 16
}

/// The S2 start level a valid SL0 selects.
pub(crate) fn s2_start(granule: Granule, sl0: u64) -> u8 {
    match (granule, sl0) {
        (Granule::K4, 0) => 2,
        (Granule::K4, 1) => 1,
        (Granule::K4, _) => 0,
        (_, 0) => 3,
        (_, 1) => 2,
        _ => 1,
    }
}

pub(crate) fn s1f(kind: FaultKind, level: u8) -> Fault {
    Fault::stage1(kind, level)
}

pub(crate) fn s2f(kind: FaultKind, level: u8, ipa: u64, s1ptw: bool) -> Fault {
    Fault::stage2(kind, level, Ipa(ipa), s1ptw)
}

/// A core's translation registers, memory, tables and MMU.
pub(crate) struct Fx {
    pub mem: SparseMemory,
    pub regs: TranslationRegs,
    pub mmu: Mmu,
    pub lo: TableBuilder,
    pub hi: TableBuilder,
    pub el2: TableBuilder,
    pub s2: TableBuilder,
}

impl Fx {
    /// EL1&0 stage 1 on (M, C, I) with `granule` and TxSZ = `txsz` for both ranges, EL2 stage 1
    /// off, stage 2 off, 40-bit PA.
    pub fn new(granule: Granule, txsz: u64) -> Fx {
        let regs = TranslationRegs {
            sctlr_el1: sctlr::M | sctlr::C | sctlr::I,
            tcr_el1: tcr_el1(granule, txsz, txsz),
            ttbr0_el1: TTBR0_ROOT,
            ttbr1_el1: TTBR1_ROOT,
            mair_el1: MAIR,
            sctlr_el2: sctlr::C | sctlr::I,
            tcr_el2: txsz | 1 << 8 | 1 << 10 | 3 << 12 | tg0(granule) << 14 | 2 << 16,
            ttbr0_el2: EL2_ROOT,
            mair_el2: MAIR,
            el2_enabled: true,
            parange: 2,
            ..Default::default()
        };
        let ia = 64 - txsz as u32;
        Fx {
            mem: SparseMemory::new(),
            regs,
            mmu: Mmu::new(TlbConfig::default()),
            lo: TableBuilder::stage1(granule, ia, TTBR0_ROOT, 0x40_0000..0x80_0000),
            hi: TableBuilder::stage1(granule, ia, TTBR1_ROOT, 0x80_0000..0xc0_0000),
            el2: TableBuilder::stage1(granule, ia, EL2_ROOT, 0xc0_0000..0x100_0000),
            s2: TableBuilder::stage2(Granule::K4, 40, 1, S2_ROOT, S2_POOL),
        }
    }

    /// Turns stage 2 on (HCR_EL2.VM) with the given VTCR_EL2 geometry and identity-maps the stage
    /// 1 table region [0, 16MB) with pages (stage 2 RW, Normal WB).
    pub fn with_s2(mut self, granule: Granule, t0sz: u64, sl0: u64) -> Fx {
        self.regs.vtcr_el2 = vtcr(granule, t0sz, sl0);
        self.regs.vttbr_el2 = S2_ROOT | 5 << 48;
        self.regs.hcr_el2 |= hcr::VM;
        self.s2 = TableBuilder::stage2(granule, 64 - t0sz as u32, s2_start(granule, sl0), S2_ROOT, S2_POOL);
        let page = 1u64 << granule.bits();
        let mut ipa = 0;
        while ipa < 0x100_0000 {
            self.s2.map(&mut self.mem, ipa, ipa, 3, S2Leaf::default().bits()).unwrap();
            ipa += page;
        }
        self
    }

    pub fn ctx(&self) -> TranslationContext {
        TranslationContext::new(&self.regs)
    }

    /// Maps `va` (lower or upper range by bit 55) at `level`.
    pub fn map(&mut self, va: u64, oa: u64, level: u8, leaf: S1Leaf) -> u64 {
        let b = if va >> 55 & 1 != 0 { &mut self.hi } else { &mut self.lo };
        b.map(&mut self.mem, va, oa, level, leaf.bits()).unwrap()
    }

    /// Maps `va` in the EL2 regime.
    pub fn map_el2(&mut self, va: u64, oa: u64, level: u8, leaf: S1Leaf) -> u64 {
        self.el2.map(&mut self.mem, va, oa, level, leaf.bits()).unwrap()
    }

    /// Maps `ipa` at stage 2.
    pub fn map_s2(&mut self, ipa: u64, pa: u64, level: u8, leaf: S2Leaf) -> u64 {
        self.s2.map(&mut self.mem, ipa, pa, level, leaf.bits()).unwrap()
    }

    /// Translates `va` for `acc` by a fresh walk, checks that a TLB fill and a TLB hit agree,
    /// and returns the result.
    pub fn tr(&mut self, va: u64, acc: Access) -> Result<Translation, Fault> {
        let ctx = self.ctx();
        let (fresh, _) = translate_uncached(&ctx, VirtAddr(va), acc, &mut self.mem);
        self.mmu.flush();
        let filled = self.mmu.translate(&ctx, VirtAddr(va), acc, &mut self.mem);
        assert_eq!(filled, fresh, "TLB fill disagrees with a fresh walk for {va:#x} {acc:?}");
        let hit = self.mmu.translate(&ctx, VirtAddr(va), acc, &mut self.mem);
        assert_eq!(hit, fresh, "TLB hit disagrees with a fresh walk for {va:#x} {acc:?}");
        fresh
    }

    /// The PA of a successful translation.
    pub fn pa(&mut self, va: u64, acc: Access) -> u64 {
        match self.tr(va, acc) {
            Ok(t) => t.pa.0,
            Err(f) => panic!("{va:#x}: unexpected {f:?}"),
        }
    }

    /// The fault of a failing translation.
    pub fn fault(&mut self, va: u64, acc: Access) -> Fault {
        match self.tr(va, acc) {
            Ok(t) => panic!("{va:#x}: expected a fault, got {t:?}"),
            Err(f) => f,
        }
    }
}

#[test]
fn fixture_sanity() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_1000, 3, S1Leaf::default());
    assert_eq!(fx.pa(0x1234, Access::read(1)), 0x8000_1234);
    let f = fx.fault(0x2000, Access::read(1));
    assert_eq!((f.kind, f.level, f.stage), (FaultKind::Translation, 3, Stage::One));
}
