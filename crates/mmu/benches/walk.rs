//! Host cost of translation: a TLB hit, a TLB miss that walks both stages with the stage 2 cache
//! warm, a full two-stage 4KB walk with nothing cached (4 stage 1 levels, each table and the
//! final IPA translated by 3 stage 2 levels: 19 descriptor reads), and a full-TLB invalidation.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mmu::builder::{FlatMemory, S1Leaf, S2Leaf, TableBuilder};
use mmu::{
    hcr, sctlr, translate_uncached, Access, Granule, Mmu, TlbConfig, TranslationContext, TranslationRegs, VirtAddr,
};

const S1_ROOT: u64 = 0x10_0000;
const S2_ROOT: u64 = 0x100_0000;
const VA: u64 = 0x0000_1234_5678_9000;

fn setup() -> (FlatMemory, TranslationContext) {
    let mut mem = FlatMemory::new(0, 0x200_0000);
    // Stage 1: 4KB granule, 48-bit VA (walks start at level 0), IPS 40 bits.
    let mut s1 = TableBuilder::stage1(Granule::K4, 48, S1_ROOT, 0x20_0000..0x80_0000);
    s1.map(&mut mem, VA, 0x40_0000_0000 - 0x1000, 3, S1Leaf::default().bits()).expect("s1 page");
    for i in 0..64 {
        s1.map(&mut mem, VA + 0x1000 * (i + 1), 0x4000_0000 + i * 0x1000, 3, S1Leaf::default().bits()).expect("page");
    }
    // Stage 2: 4KB granule, 40-bit IPA from level 1 (two concatenated tables), pages only.
    let mut s2 = TableBuilder::stage2(Granule::K4, 40, 1, S2_ROOT, 0x110_0000..0x200_0000);
    for ipa in (0..0x80_0000).step_by(0x1000) {
        s2.map(&mut mem, ipa, ipa, 3, S2Leaf::default().bits()).expect("s2 table page");
    }
    s2.map(&mut mem, 0x40_0000_0000 - 0x1000, 0x80_0000_0000, 3, S2Leaf::default().bits()).expect("s2 data");
    for i in 0..64 {
        s2.map(&mut mem, 0x4000_0000 + i * 0x1000, 0x9000_0000 + i * 0x1000, 3, S2Leaf::default().bits())
            .expect("s2 data");
    }
    let regs = TranslationRegs {
        sctlr_el1: sctlr::M | sctlr::C | sctlr::I,
        tcr_el1: 16 | 1 << 8 | 1 << 10 | 3 << 12 | 16 << 16 | 2 << 30 | 2 << 32,
        ttbr0_el1: S1_ROOT,
        mair_el1: 0xff,
        hcr_el2: hcr::VM,
        vtcr_el2: 24 | 1 << 6 | 1 << 8 | 1 << 10 | 3 << 12 | 2 << 16,
        vttbr_el2: S2_ROOT | 1 << 48,
        el2_enabled: true,
        parange: 2,
        ..Default::default()
    };
    (mem, TranslationContext::new(&regs))
}

fn bench(c: &mut Criterion) {
    let (mut mem, ctx) = setup();
    let acc = Access::read(1);
    let (r, cost) = translate_uncached(&ctx, VirtAddr(VA), acc, &mut mem);
    assert_eq!(r.expect("mapped").pa.0, 0x80_0000_0000);
    assert_eq!(cost.s1_reads + cost.s2_reads, 19);

    let mut g = c.benchmark_group("translate");
    g.bench_function("baseline_canonical_va", |b| b.iter(|| ((black_box(VA) << 8) as i64 >> 8) as u64));
    g.bench_function("tlb_hit", |b| {
        let mut mmu = Mmu::new(TlbConfig::default());
        mmu.translate(&ctx, VirtAddr(VA), acc, &mut mem).expect("fill");
        b.iter(|| mmu.translate(&ctx, black_box(VirtAddr(VA + 0x10)), acc, &mut mem))
    });
    g.bench_function("tlb_hit_64_pages", |b| {
        let mut mmu = Mmu::new(TlbConfig::default());
        let mut i = 0u64;
        b.iter(|| {
            i = (i + 1) & 63;
            mmu.translate(&ctx, black_box(VirtAddr(VA + 0x1000 * (i + 1))), acc, &mut mem)
        })
    });
    g.bench_function("tlb_miss_two_stage_4k_s2_cache_warm", |b| {
        // A one-entry main TLB and two pages: every translation misses, walks stage 1 (4 reads)
        // with the stage 2 translations from the warm stage 2 cache, and refills.
        let mut mmu = Mmu::new(TlbConfig { sets: 1, ways: 1, ..TlbConfig::default() });
        let mut i = 0u64;
        b.iter(|| {
            i ^= 1;
            mmu.translate(&ctx, black_box(VirtAddr(VA + 0x1000 * (i + 1))), acc, &mut mem)
        })
    });
    g.bench_function("tlbi_vmalle1_1024_entries", |b| {
        let mut mmu = Mmu::new(TlbConfig::default());
        b.iter(|| mmu.tlbi_vmalle1(black_box(1)))
    });
    g.bench_function("full_two_stage_4k_walk_uncached", |b| {
        b.iter(|| translate_uncached(&ctx, black_box(VirtAddr(VA)), acc, &mut mem))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
