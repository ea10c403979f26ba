//! Property tests: the TLB stays coherent with the tables under the maintenance the architecture
//! requires, and no register or descriptor value makes anything panic.

use proptest::prelude::*;

use super::*;
use crate::builder::TableMemory;
use crate::{AccessKind, AtOp, DescriptorReader, ExternalAbort, PhysAddr, TlbiOp};

// ---------------------------------------------------------------------------------------------
// Coherence: random tables, accesses, modifications followed by the required TLBI.
// ---------------------------------------------------------------------------------------------

const ROOT_A: u64 = 0x10_0000;
const ROOT_B: u64 = 0x20_0000;
const POOL_A: std::ops::Range<u64> = 0x100_0000..0x200_0000;
const POOL_B: std::ops::Range<u64> = 0x200_0000..0x300_0000;
const S2_ROOT_P: u64 = 0x400_0000;
const S2_POOL_P: std::ops::Range<u64> = 0x410_0000..0x500_0000;
/// Stage 1 output window (IPA with stage 2, PA without): 16MB, eight stage 2 blocks.
const DATA: u64 = 0x4000_0000;
const ASID_A: u64 = 1;
const ASID_B: u64 = 2;
const VMID: u8 = 3;

/// Eight mapping slots per region: (page offset, leaf level). The last one is a level 2 block
/// where the granule allows one below the region root.
const SLOTS: [u64; 8] = [0, 1, 2, 3, 511, 512, 1024, 4096];

#[derive(Clone, Debug)]
struct LeafSpec {
    valid: bool,
    oa_sel: u16,
    high_oa: bool,
    ap: u8,
    pxn: bool,
    uxn: bool,
    af: bool,
    attr: u8,
    sh: u8,
}

fn leaf_spec() -> impl Strategy<Value = LeafSpec> {
    (
        prop::bool::weighted(0.9),
        any::<u16>(),
        prop::bool::weighted(0.05),
        0..4u8,
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.9),
        0..8u8,
        0..4u8,
    )
        .prop_map(|(valid, oa_sel, high_oa, ap, pxn, uxn, af, attr, sh)| LeafSpec {
            valid,
            oa_sel,
            high_oa,
            ap,
            pxn,
            uxn,
            af,
            attr,
            sh,
        })
}

#[derive(Clone, Debug)]
struct S2Spec {
    valid: bool,
    oa_sel: u8,
    s2ap: u8,
    xn: bool,
    af: bool,
    memattr: u8,
}

fn s2_spec() -> impl Strategy<Value = S2Spec> {
    (prop::bool::weighted(0.9), any::<u8>(), 0..4u8, any::<bool>(), prop::bool::weighted(0.9), 0..16u8)
        .prop_map(|(valid, oa_sel, s2ap, xn, af, memattr)| S2Spec { valid, oa_sel, s2ap, xn, af, memattr })
}

#[derive(Clone, Debug)]
enum Op {
    /// An access from the current address space.
    Access { global: bool, slot: usize, offset: u32, kind: u8, priv_: u8, aligned: bool },
    /// Rewrite a leaf, then one of the TLBIs sufficient for it.
    SetLeaf { space_b: bool, global: bool, slot: usize, leaf: LeafSpec, tlbi: u8 },
    /// Invalidate a process-region root entry (a table descriptor), then a sufficient TLBI.
    DropTable { space_b: bool, tlbi: u8 },
    /// Rewrite a stage 2 block of the data window, then a sufficient sequence.
    SetS2 { block: usize, spec: S2Spec, tlbi: u8 },
    /// Switch address space (TTBR0_EL1 with its ASID): no TLBI needed.
    Switch,
    /// A TLBI nobody needed.
    Spurious { op: u8, xt: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (any::<bool>(), 0..8usize, any::<u32>(), 0..5u8, 0..3u8, prop::bool::weighted(0.8))
            .prop_map(|(global, slot, offset, kind, priv_, aligned)| Op::Access { global, slot, offset, kind, priv_, aligned }),
        3 => (any::<bool>(), any::<bool>(), 0..8usize, leaf_spec(), 0..8u8)
            .prop_map(|(space_b, global, slot, leaf, tlbi)| Op::SetLeaf { space_b, global, slot, leaf, tlbi }),
        1 => (any::<bool>(), 0..4u8).prop_map(|(space_b, tlbi)| Op::DropTable { space_b, tlbi }),
        3 => (0..8usize, s2_spec(), 0..4u8).prop_map(|(block, spec, tlbi)| Op::SetS2 { block, spec, tlbi }),
        1 => Just(Op::Switch),
        1 => (0..26u8, any::<u64>()).prop_map(|(op, xt)| Op::Spurious { op, xt }),
    ]
}

struct World {
    mem: SparseMemory,
    regs: TranslationRegs,
    mmu: Mmu,
    granule: Granule,
    a: TableBuilder,
    b: TableBuilder,
    s2: Option<TableBuilder>,
    in_b: bool,
}

impl World {
    fn new(gsel: u8, stage2: bool, tbi: bool, wxn: bool, config: TlbConfig) -> World {
        let granule = [Granule::K4, Granule::K16, Granule::K64][usize::from(gsel % 3)];
        let mut w = World {
            mem: SparseMemory::new(),
            regs: TranslationRegs {
                sctlr_el1: sctlr::M | sctlr::C | sctlr::I | if wxn { sctlr::WXN } else { 0 },
                tcr_el1: tcr_el1(granule, 25, 25) | u64::from(tbi) << 37,
                ttbr0_el1: ROOT_A | ASID_A << 48,
                mair_el1: MAIR,
                el2_enabled: true,
                parange: 2,
                vttbr_el2: S2_ROOT_P | u64::from(VMID) << 48,
                ..Default::default()
            },
            mmu: Mmu::new(config),
            granule,
            a: TableBuilder::stage1(granule, 39, ROOT_A, POOL_A),
            b: TableBuilder::stage1(granule, 39, ROOT_B, POOL_B),
            s2: None,
            in_b: false,
        };
        if stage2 {
            w.regs.hcr_el2 = hcr::VM;
            w.regs.vtcr_el2 = vtcr(Granule::K4, 24, 1);
            let mut s2 = TableBuilder::stage2(Granule::K4, 40, 1, S2_ROOT_P, S2_POOL_P);
            for i in 0..0x300_0000 >> 21 {
                s2.map(&mut w.mem, i << 21, i << 21, 2, S2Leaf::default().bits()).unwrap();
            }
            w.s2 = Some(s2);
            for block in 0..8 {
                w.set_s2(
                    block,
                    &S2Spec { valid: true, oa_sel: block as u8, s2ap: 3, xn: false, af: true, memattr: 15 },
                );
            }
        }
        // The global region's root entry of B points at A's table: shared global mappings.
        let shared = w.region_va(true, 0);
        w.a.put(&mut w.mem, shared, w.a.start_level + 1, 0).unwrap();
        let at_a = w.a.entry_addr(&mut w.mem, shared, w.a.start_level).unwrap();
        let at_b = w.b.entry_addr(&mut w.mem, shared, w.b.start_level).unwrap();
        let d = w.mem.get(at_a);
        assert!(w.mem.write_u64(PhysAddr(at_b), d));
        w
    }

    /// VA of `slot` in the global (root index 0) or process (root index 1) region.
    fn region_va(&self, global: bool, slot: usize) -> u64 {
        let g = self.granule;
        let region = 1u64 << g.level_size_bits(self.a.start_level);
        let base = if global { 0 } else { region };
        base + ((SLOTS[slot] << g.bits()) & (region - 1))
    }

    fn slot_level(&self, slot: usize) -> u8 {
        if slot == 7 && self.granule.block_allowed(2) && self.a.start_level < 2 {
            2
        } else {
            3
        }
    }

    fn slot_size(&self, slot: usize) -> u64 {
        1 << self.granule.level_size_bits(self.slot_level(slot))
    }

    fn set_leaf(&mut self, space_b: bool, global: bool, slot: usize, l: &LeafSpec) {
        let level = self.slot_level(slot);
        let size = self.slot_size(slot);
        let va = self.region_va(global, slot);
        let oa = if l.high_oa { 1 << 40 } else { DATA + (u64::from(l.oa_sel) * size) % 0x100_0000 };
        let leaf = S1Leaf {
            attr_index: l.attr,
            ap: l.ap,
            sh: l.sh,
            af: l.af,
            ng: !global,
            contiguous: false,
            pxn: l.pxn,
            uxn: l.uxn,
        };
        // Global slots live in the shared tables, written through A.
        let b = if space_b && !global { &mut self.b } else { &mut self.a };
        if l.valid {
            b.map(&mut self.mem, va, oa, level, leaf.bits()).unwrap();
        } else {
            b.put(&mut self.mem, va, level, 0).unwrap();
        }
    }

    fn set_s2(&mut self, block: usize, s: &S2Spec) {
        let Some(s2) = self.s2.as_mut() else { return };
        let ipa = DATA + (block as u64) * 0x20_0000;
        let pa = 0x8000_0000 + u64::from(s.oa_sel) * 0x20_0000;
        let leaf = S2Leaf { memattr: s.memattr, s2ap: s.s2ap, sh: 3, af: s.af, xn: s.xn };
        if s.valid {
            s2.map(&mut self.mem, ipa, pa, 2, leaf.bits()).unwrap();
        } else {
            s2.put(&mut self.mem, ipa, 2, 0).unwrap();
        }
    }

    fn ctx(&self) -> TranslationContext {
        TranslationContext::new(&self.regs)
    }

    fn asid(&self, space_b: bool) -> u64 {
        if space_b {
            ASID_B
        } else {
            ASID_A
        }
    }

    fn run(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let vmid = VMID;
        match op {
            Op::Access { global, slot, offset, kind, priv_, aligned } => {
                let va = self.region_va(*global, *slot) + u64::from(*offset) * 8 % self.slot_size(*slot);
                let kind = match kind {
                    0 => AccessKind::Read,
                    1 => AccessKind::Write,
                    2 => AccessKind::Fetch,
                    k => AccessKind::CacheMaintenance { invalidate: *k == 3 },
                };
                let mut acc = Access::new(kind, u8::from(*priv_ != 0));
                if *priv_ == 2 {
                    acc = acc.as_unprivileged();
                }
                if !aligned {
                    acc = acc.unaligned();
                }
                // TBI: a tag must not change anything.
                let tagged = if self.regs.tcr_el1 >> 37 & 1 != 0 { va | 0x5a << 56 } else { va };
                let ctx = self.ctx();
                let (fresh, _) = translate_uncached(&ctx, VirtAddr(tagged), acc, &mut self.mem);
                let cached = self.mmu.translate(&ctx, VirtAddr(tagged), acc, &mut self.mem);
                prop_assert_eq!(cached, fresh, "access {:#x} {:?}", tagged, acc);
            }
            Op::SetLeaf { space_b, global, slot, leaf, tlbi } => {
                let va = self.region_va(*global, *slot);
                self.set_leaf(*space_b, *global, *slot, leaf);
                let asid = if *global { 0x77 } else { self.asid(*space_b) };
                let xt = asid << 48 | (va >> 12);
                match (tlbi, global) {
                    (0, _) => self.mmu.tlbi_vae1(vmid, xt),
                    (1, _) => self.mmu.tlbi_vale1(vmid, xt),
                    (2, _) => self.mmu.tlbi_vaae1(vmid, xt),
                    (3, _) => self.mmu.tlbi_vaale1(vmid, xt),
                    (4, false) => self.mmu.tlbi_aside1(vmid, xt),
                    (5, _) | (4, true) => self.mmu.tlbi_vmalle1(vmid),
                    (6, _) => self.mmu.tlbi_alle1(),
                    _ => self.mmu.tlbi_vmalls12e1(vmid),
                }
            }
            Op::DropTable { space_b, tlbi } => {
                let va = self.region_va(false, 0);
                let b = if *space_b { &mut self.b } else { &mut self.a };
                let level = b.start_level;
                b.put(&mut self.mem, va, level, 0).unwrap();
                let xt = self.asid(*space_b) << 48;
                match tlbi {
                    0 => self.mmu.tlbi_aside1(vmid, xt),
                    1 => self.mmu.tlbi_vmalle1(vmid),
                    2 => self.mmu.tlbi_alle1(),
                    _ => self.mmu.tlbi_vmalls12e1(vmid),
                }
            }
            Op::SetS2 { block, spec, tlbi } => {
                self.set_s2(*block, spec);
                let xt = (DATA + (*block as u64) * 0x20_0000) >> 12;
                match tlbi {
                    0 => {
                        self.mmu.tlbi_ipas2e1(vmid, xt);
                        self.mmu.tlbi_vmalle1(vmid);
                    }
                    1 => {
                        self.mmu.tlbi_ipas2le1(vmid, xt);
                        self.mmu.tlbi_vmalle1(vmid);
                    }
                    2 => self.mmu.tlbi_vmalls12e1(vmid),
                    _ => self.mmu.tlbi_alle1(),
                }
            }
            Op::Switch => {
                self.in_b = !self.in_b;
                self.regs.ttbr0_el1 = if self.in_b { ROOT_B | ASID_B << 48 } else { ROOT_A | ASID_A << 48 };
            }
            Op::Spurious { op, xt } => {
                let ops: Vec<TlbiOp> = (0..8u8)
                    .flat_map(|op1| (0..16u8).flat_map(move |crm| (0..8u8).map(move |op2| (op1, crm, op2))))
                    .filter_map(|(a, b, c)| TlbiOp::from_encoding(a, b, c))
                    .collect();
                let op = ops[usize::from(*op) % ops.len()];
                let ctx = self.ctx();
                self.mmu.tlbi(op, *xt, &ctx);
            }
        }
        Ok(())
    }
}

fn tlb_config() -> impl Strategy<Value = TlbConfig> {
    prop_oneof![
        Just(TlbConfig::default()),
        // Tiny TLBs exercise replacement.
        (0..3usize, 1..3usize, 0..2usize, any::<bool>()).prop_map(|(sets, ways, s2, lru)| TlbConfig {
            sets: 1 << sets,
            ways,
            s2_sets: s2,
            s2_ways: 1,
            replacement: if lru { Replacement::Lru } else { Replacement::RoundRobin },
        }),
    ]
}

use crate::Replacement;

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Translating through the TLB always equals a fresh walk, given the TLB maintenance the
    /// architecture requires after each table change.
    #[test]
    fn tlb_agrees_with_a_fresh_walk(
        gsel in 0..3u8,
        stage2 in prop::bool::weighted(0.6),
        tbi in any::<bool>(),
        wxn in any::<bool>(),
        config in tlb_config(),
        init in prop::collection::vec((any::<bool>(), any::<bool>(), 0..8usize, leaf_spec()), 4..16),
        ops in prop::collection::vec(op(), 1..80),
    ) {
        let mut w = World::new(gsel, stage2, tbi, wxn, config);
        for (space_b, global, slot, leaf) in &init {
            w.set_leaf(*space_b, *global, *slot, leaf);
        }
        for op in &ops {
            w.run(op)?;
        }
        // Finally, every slot of both regions agrees.
        for global in [false, true] {
            for slot in 0..8 {
                w.run(&Op::Access { global, slot, offset: 0, kind: 0, priv_: 1, aligned: true })?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fuzzing: random registers and random descriptor words never panic.
// ---------------------------------------------------------------------------------------------

/// Memory whose every word is a pseudo-random function of its address: often invalid, often a
/// table or a leaf pointing back into a small window (so walks go deep), sometimes a bus error.
struct FuzzMemory {
    seed: u64,
}

fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl DescriptorReader for FuzzMemory {
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        let h = mix(self.seed ^ pa.0);
        let h2 = mix(h);
        let near = h2 & 0xf_f000;
        match h & 0xf {
            0 => Err(ExternalAbort),
            1..=3 => Ok(0),
            4..=5 => Ok(h2),
            6..=10 => Ok(near | 3 | (h & (0x1f << 59))),
            _ => Ok(near | (h & 0x0060_0000_0000_0ffc) | 0x400 | 1 | (h >> 4 & 2)),
        }
    }
}

fn reg() -> impl Strategy<Value = u64> {
    prop_oneof![any::<u64>(), any::<u64>().prop_map(|v| v & 0xf_ffff), any::<u64>().prop_map(|v| v & 0x7_ffff_ffff)]
}

/// Anything at all.
fn wild_regs() -> impl Strategy<Value = TranslationRegs> {
    ((reg(), reg(), reg(), reg(), reg(), reg()), (reg(), reg(), reg(), reg(), reg(), reg()), any::<bool>(), any::<u8>())
        .prop_map(|((a, b, c, d, e, f), (g, h, i, j, k, l), el2_enabled, parange)| TranslationRegs {
            sctlr_el1: a,
            tcr_el1: b,
            ttbr0_el1: c,
            ttbr1_el1: d,
            mair_el1: e,
            sctlr_el2: f,
            tcr_el2: g,
            ttbr0_el2: h,
            mair_el2: i,
            hcr_el2: j,
            vtcr_el2: k,
            vttbr_el2: l,
            el2_enabled,
            parange: parange % 8,
        })
}

/// A VTCR_EL2.SL0 consistent with `t0sz` and the TG0 bits of `vtcr` (the start level stage 1
/// would use), or a random one when `random` is set.
fn sl0_for(vtcr: u64, t0sz: u64, random: bool) -> u64 {
    if random {
        return vtcr >> 6 & 3;
    }
    let g = Granule::from_tg0(vtcr >> 14 & 3);
    let ia = 64 - t0sz.clamp(16, 39) as u32;
    let start = 3 - (ia - 1 - g.bits()) / g.stride();
    match g {
        Granule::K4 => u64::from(2 - start.min(2)),
        _ => u64::from(3 - start.max(1)),
    }
}

/// Mostly valid configurations with random details, so walks go deep into the fuzzed words.
fn plausible_regs() -> impl Strategy<Value = TranslationRegs> {
    let txsz = || prop_oneof![3 => 16..=39u64, 1 => 0..64u64];
    let base = || any::<u64>().prop_map(|v| v & 0xffff_0000_000f_f000);
    (
        (any::<u64>(), txsz(), txsz(), any::<u64>(), base(), base()),
        (any::<u64>(), txsz(), base(), any::<u64>(), prop_oneof![3 => 24..=39u64, 1 => 0..64u64], base()),
        (prop_oneof![3 => Just(2u8), 1 => 0..7u8], any::<bool>(), prop::bool::weighted(0.25)),
    )
        .prop_map(
            |((sctlr, t0, t1, tcr_bits, ttbr0, ttbr1), (hcr, t2, ttbr2, vtcr_bits, vt0, vttbr), (parange, m, odd))| {
                let tcr_el1 = t0 | t1 << 16 | (tcr_bits & 0x7f_ffc0_ffc0 & !(1 << 7 | 1 << 23));
                let vtcr_el2 = vt0 | sl0_for(vtcr_bits, vt0, odd) << 6 | (vtcr_bits & 0x7_ff00);
                TranslationRegs {
                    sctlr_el1: sctlr | u64::from(m),
                    tcr_el1,
                    ttbr0_el1: ttbr0,
                    ttbr1_el1: ttbr1,
                    mair_el1: sctlr.rotate_left(17),
                    sctlr_el2: sctlr.rotate_left(5),
                    tcr_el2: t2 | (tcr_bits & 0x17_ffc0),
                    ttbr0_el2: ttbr2,
                    mair_el2: tcr_bits.rotate_left(9),
                    hcr_el2: hcr & (hcr::VM | hcr::PTW | hcr::DC | hcr::CD | hcr::ID | hcr::TGE),
                    vtcr_el2,
                    vttbr_el2: vttbr,
                    el2_enabled: true,
                    parange,
                }
            },
        )
}

/// VAs: anything, or in the lower or upper range of small and large address spaces.
fn va() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        any::<u64>().prop_map(|v| v & 0xf_ffff_ffff),
        any::<u64>().prop_map(|v| v & 0xffff_ffff_ffff),
        any::<u64>().prop_map(|v| v | 0xffff_fff0_0000_0000),
        any::<u64>().prop_map(|v| v & 0x7f_ffff_ffff | 0x5a00_0000_0000_0000),
    ]
}

fn regs() -> impl Strategy<Value = TranslationRegs> {
    prop_oneof![1 => wild_regs(), 3 => plausible_regs()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Random registers and descriptor words: translate, AT and TLBI never panic, and the TLB
    /// path agrees with a fresh walk (the memory never changes).
    #[test]
    fn fuzzed_tables_never_panic(
        regs in regs(),
        seed in any::<u64>(),
        accesses in prop::collection::vec((va(), 0..5u8, 0..3u8, any::<bool>()), 1..24),
        tlbis in prop::collection::vec((0..26usize, any::<u64>()), 0..4),
    ) {
        let ctx = TranslationContext::new(&regs);
        let mut mem = FuzzMemory { seed };
        let mut mmu = Mmu::new(TlbConfig { sets: 4, ways: 2, s2_sets: 2, s2_ways: 2, replacement: Replacement::Lru });
        let ops: Vec<TlbiOp> = (0..8u8)
            .flat_map(|op1| (0..16u8).flat_map(move |crm| (0..8u8).map(move |op2| (op1, crm, op2))))
            .filter_map(|(a, b, c)| TlbiOp::from_encoding(a, b, c))
            .collect();
        for (i, &(va, kind, el, aligned)) in accesses.iter().enumerate() {
            let kind = match kind {
                0 => AccessKind::Read,
                1 => AccessKind::Write,
                2 => AccessKind::Fetch,
                k => AccessKind::CacheMaintenance { invalidate: k == 3 },
            };
            let mut acc = Access::new(kind, el);
            if !aligned {
                acc = acc.unaligned();
            }
            // Nearby addresses too, so TLB hits happen, and addresses inside each VA range.
            let lo = va & ((1 << ctx.el10.ranges[0].ia_bits) - 1);
            let hi = va | !((1u64 << ctx.el10.ranges[1].ia_bits) - 1);
            for va in [va, va ^ 0x8, lo, lo ^ 0x1000, hi] {
                let (fresh, _) = translate_uncached(&ctx, VirtAddr(va), acc, &mut mem);
                let cached = mmu.translate(&ctx, VirtAddr(va), acc, &mut mem);
                prop_assert_eq!(cached, fresh);
                if let Ok(t) = cached {
                    prop_assert!(t.size_bits >= 12);
                }
                if let Err(f) = cached {
                    prop_assert!(f.level <= 3);
                    let _ = (f.fsc(), f.par_el1(), f.hpfar_el2(), f.data_abort_iss(true, false));
                }
            }
            let op = AtOp::from_encoding(if i % 2 == 0 { 0 } else { 4 }, (va % 8) as u8)
                .unwrap_or(AtOp::S12e1r);
            let _ = mmu.at(&ctx, op, VirtAddr(va), el, &mut mem);
            if let Some(&(op, xt)) = tlbis.get(i) {
                mmu.tlbi(ops[op % ops.len()], xt, &ctx);
            }
        }
    }
}
