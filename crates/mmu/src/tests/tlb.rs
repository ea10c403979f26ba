//! The TLB model: tagging, every TLBI scope, counters and replacement.

use super::*;
use crate::{Invalidation, Replacement, TlbiOp};

const R1: Access = Access::read(1);

/// Translates through the TLB and reports whether it hit.
fn hit(mmu: &mut Mmu, ctx: &TranslationContext, va: u64, acc: Access, mem: &mut SparseMemory) -> bool {
    let before = mmu.stats().tlb_hits;
    mmu.translate(ctx, VirtAddr(va), acc, mem).expect("mapped");
    mmu.stats().tlb_hits > before
}

#[test]
fn counters() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf::default());
    let ctx = fx.ctx();
    let m = &mut fx.mmu;
    assert!(!hit(m, &ctx, 0x1000, R1, &mut fx.mem));
    assert!(hit(m, &ctx, 0x1ff8, Access::write(1), &mut fx.mem));
    assert!(m.translate(&ctx, VirtAddr(0x2000), R1, &mut fx.mem).is_err());
    let s = *m.stats();
    assert_eq!((s.tlb_hits, s.tlb_misses, s.walks, s.faults), (1, 2, 2, 1));
    assert_eq!(s.s1_descriptor_reads, 3 + 3);
    assert_eq!((s.s2_descriptor_reads, s.descriptor_reads()), (0, 6));
    assert_eq!(m.occupancy(), (1, 0));
    // A permission fault from a cached entry counts as a hit and a fault.
    assert!(m.translate(&ctx, VirtAddr(0x1000), Access::read(0), &mut fx.mem).is_err());
    assert_eq!((m.stats().tlb_hits, m.stats().faults), (2, 2));
}

#[test]
fn asid_and_global_tagging() {
    let mut fx = Fx::new(Granule::K4, 25);
    let ng = S1Leaf { ng: true, ..S1Leaf::default() };
    fx.map(0x1000, 0x8000_1000, 3, ng);
    fx.map(0x2000, 0x8000_2000, 3, S1Leaf::default()); // global
                                                       // A second address space, rooted elsewhere.
    let mut other = TableBuilder::stage1(Granule::K4, 39, 0x38_0000, 0xf8_0000..0x100_0000);
    other.map(&mut fx.mem, 0x1000, 0x9000_1000, 3, ng.bits()).unwrap();
    fx.regs.ttbr0_el1 = TTBR0_ROOT | 1 << 48;
    let a = fx.ctx();
    fx.regs.ttbr0_el1 = other.root | 2 << 48;
    let b = fx.ctx();
    let m = &mut fx.mmu;
    let pa = |m: &mut Mmu, ctx, va, mem: &mut SparseMemory| m.translate(ctx, VirtAddr(va), R1, mem).map(|t| t.pa.0);
    assert_eq!(pa(m, &a, 0x1000, &mut fx.mem), Ok(0x8000_1000));
    assert_eq!(pa(m, &a, 0x2000, &mut fx.mem), Ok(0x8000_2000));
    // Switching ASID needs no TLBI: non-global entries are per ASID.
    assert_eq!(pa(m, &b, 0x1000, &mut fx.mem), Ok(0x9000_1000));
    assert_eq!(pa(m, &a, 0x1000, &mut fx.mem), Ok(0x8000_1000));
    // The global entry of address space A matches in B too (B does not map 0x2000 at all).
    assert!(hit(m, &b, 0x2000, R1, &mut fx.mem));
    let (fresh, _) = translate_uncached(&b, VirtAddr(0x2000), R1, &mut fx.mem);
    assert_eq!(fresh, Err(s1f(FaultKind::Translation, 3)));
}

#[test]
fn vmid_and_configuration_tagging() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_1000, 3, S1Leaf::default());
    fx.regs.vttbr_el2 = 1 << 48;
    let v1 = fx.ctx();
    fx.regs.vttbr_el2 = 2 << 48;
    let v2 = fx.ctx();
    let m = &mut fx.mmu;
    assert!(!hit(m, &v1, 0x1000, R1, &mut fx.mem));
    assert!(!hit(m, &v2, 0x1000, R1, &mut fx.mem), "global entries are still per VMID");
    assert!(hit(m, &v1, 0x1000, R1, &mut fx.mem));
    // Changing SCTLR_EL1.C, WXN or M, or HCR_EL2.DC/VM, never hits an entry made before.
    for change in [sctlr::C, sctlr::WXN, sctlr::I] {
        let mut regs = fx.regs;
        regs.sctlr_el1 ^= change;
        let ctx = TranslationContext::new(&regs);
        assert!(!hit(&mut fx.mmu, &ctx, 0x1000, R1, &mut fx.mem), "{change:#x}");
    }
    let mut regs = fx.regs;
    regs.sctlr_el1 = 0;
    let off = TranslationContext::new(&regs);
    assert_eq!(fx.mmu.translate(&off, VirtAddr(0x1000), R1, &mut fx.mem).unwrap().pa.0, 0x1000);
    // The EL2 regime never hits EL1&0 entries.
    let ctx = fx.ctx();
    assert_eq!(fx.mmu.translate(&ctx, VirtAddr(0x1000), Access::read(2), &mut fx.mem).unwrap().pa.0, 0x1000);
}

/// Every TLBI scope against a population of entries in different contexts.
#[test]
fn tlbi_scopes() {
    let mut fx = Fx::new(Granule::K4, 25);
    let ng = S1Leaf { ng: true, ..S1Leaf::default() };
    fx.map(0x1000, 0x8000_1000, 3, ng);
    fx.map(0x2000, 0x8000_2000, 3, S1Leaf::default());
    fx.map(0xffff_ff80_0000_3000, 0x8000_3000, 3, ng);
    fx.regs.sctlr_el2 |= sctlr::M;
    fx.map_el2(0x1000, 0x8000_1000, 3, S1Leaf::default());
    let with = |regs: &TranslationRegs, vmid: u64, asid: u64| {
        TranslationContext::new(&TranslationRegs {
            vttbr_el2: vmid << 48,
            ttbr0_el1: regs.ttbr0_el1 | asid << 48,
            ..*regs
        })
    };
    let a = with(&fx.regs, 1, 1); // VMID 1 ASID 1
    let b = with(&fx.regs, 1, 2); // VMID 1 ASID 2
    let c = with(&fx.regs, 2, 1); // VMID 2 ASID 1
                                  // Entries: (name, context, VA, access)
    let population: [(&str, &TranslationContext, u64, Access); 7] = [
        ("a1", &a, 0x1000, R1),
        ("a2", &a, 0x2000, R1),
        ("a3", &a, 0xffff_ff80_0000_3000, R1),
        ("b1", &b, 0x1000, R1),
        ("b2", &b, 0x2000, R1),
        ("c1", &c, 0x1000, R1),
        ("e1", &a, 0x1000, Access::read(2)),
    ];
    let x = |asid: u64, va: u64| asid << 48 | (va >> 12 & 0xfff_ffff_ffff);
    type Case<'a> = (&'a str, Box<dyn Fn(&mut Mmu)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        ("VMALLE1", Box::new(|m| m.tlbi_vmalle1(1)), "c1 e1"),
        ("VAE1", Box::new(move |m| m.tlbi_vae1(1, x(1, 0x1000))), "a2 a3 b1 b2 c1 e1"),
        ("VALE1 global", Box::new(move |m| m.tlbi_vale1(1, x(7, 0x2000))), "a1 a3 b1 c1 e1"),
        ("VAE1 upper", Box::new(move |m| m.tlbi_vae1(1, x(1, 0xffff_ff80_0000_3000))), "a1 a2 b1 b2 c1 e1"),
        ("ASIDE1", Box::new(move |m| m.tlbi_aside1(1, x(1, 0))), "a2 b1 b2 c1 e1"),
        ("VAAE1", Box::new(move |m| m.tlbi_vaae1(1, x(0, 0x1000))), "a2 a3 b2 c1 e1"),
        ("VAALE1", Box::new(move |m| m.tlbi_vaale1(2, x(0, 0x1000))), "a1 a2 a3 b1 b2 e1"),
        ("VMALLS12E1", Box::new(|m| m.tlbi_vmalls12e1(2)), "a1 a2 a3 b1 b2 e1"),
        ("ALLE1", Box::new(|m| m.tlbi_alle1()), "e1"),
        ("ALLE2", Box::new(|m| m.tlbi_alle2()), "a1 a2 a3 b1 b2 c1"),
        ("VAE2", Box::new(move |m| m.tlbi_vae2(x(0, 0x1000))), "a1 a2 a3 b1 b2 c1"),
        ("VALE2 other page", Box::new(move |m| m.tlbi_vale2(x(0, 0x2000))), "a1 a2 a3 b1 b2 c1 e1"),
        ("IPAS2E1", Box::new(move |m| m.tlbi_ipas2e1(1, 0x8000_1000 >> 12)), "a1 a2 a3 b1 b2 c1 e1"),
    ];
    for (name, op, survivors) in cases {
        let mut mmu = Mmu::new(TlbConfig::default());
        for (_, ctx, va, acc) in population {
            mmu.translate(ctx, VirtAddr(va), acc, &mut fx.mem).unwrap();
        }
        op(&mut mmu);
        // Probe each entry on a copy, so that refills do not hide what was invalidated.
        let left: Vec<&str> = population
            .iter()
            .filter(|(_, ctx, va, acc)| hit(&mut mmu.clone(), ctx, *va, *acc, &mut fx.mem))
            .map(|p| p.0)
            .collect();
        assert_eq!(left.join(" "), survivors, "{name}");
    }
}

#[test]
fn tlbi_decoded_scopes_match_the_methods_and_broadcast() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_1000, 3, S1Leaf::default());
    let ctx = fx.ctx();
    let mut cores = [Mmu::new(TlbConfig::default()), Mmu::new(TlbConfig::default())];
    for m in &mut cores {
        m.translate(&ctx, VirtAddr(0x1000), R1, &mut fx.mem).unwrap();
    }
    // TLBI VAE1IS from core 0 reaches core 1 through the same scope value.
    let op = TlbiOp::from_encoding(0, 3, 1).unwrap();
    assert!(op.broadcast());
    let inv = cores[0].tlbi(op, 1, &ctx);
    assert_eq!(inv, Invalidation::El10Va { vmid: 0, asid: Some(0), va: 0x1000, last_level: false });
    cores[1].invalidate(&inv);
    for m in &mut cores {
        assert!(!hit(m, &ctx, 0x1000, R1, &mut fx.mem));
        assert_eq!(m.stats().entries_invalidated, 1);
    }
}

#[test]
fn stage2_cache_and_ipas2() {
    let mut fx = Fx::new(Granule::K4, 25).with_s2(Granule::K4, 24, 1);
    fx.map(0x1000, 0x4000_1000, 3, S1Leaf::default());
    fx.map(0x2000, 0x4000_2000, 3, S1Leaf::default());
    fx.map_s2(0x4000_0000, 0x8000_0000, 2, S2Leaf::default());
    let ctx = fx.ctx();
    let m = &mut fx.mmu;
    m.translate(&ctx, VirtAddr(0x1000), R1, &mut fx.mem).unwrap();
    let s = *m.stats();
    // Three stage 1 levels each needing stage 2 (three stage 2 levels), plus the final IPA
    // (a level 2 block: two levels).
    assert_eq!((s.s1_descriptor_reads, s.s2_descriptor_reads, s.s2_cache_misses), (3, 3 + 3 + 3 + 2, 4));
    // The second page reuses the cached stage 2 translations of the tables and of the block.
    m.translate(&ctx, VirtAddr(0x2000), R1, &mut fx.mem).unwrap();
    let s2 = *m.stats();
    assert_eq!(
        (s2.s1_descriptor_reads - s.s1_descriptor_reads, s2.s2_descriptor_reads - s.s2_descriptor_reads),
        (3, 0)
    );
    assert_eq!(s2.s2_cache_hits - s.s2_cache_hits, 4);
    assert_eq!(m.occupancy().1, 4);
    // VMALLE1 leaves stage-2-only entries; IPAS2E1 removes the one for the IPA and, as
    // over-invalidation, the combined entries whose stage 2 block contains it.
    m.tlbi_vmalle1(5);
    assert_eq!(m.occupancy(), (0, 4));
    m.translate(&ctx, VirtAddr(0x1000), R1, &mut fx.mem).unwrap();
    m.translate(&ctx, VirtAddr(0x2000), R1, &mut fx.mem).unwrap();
    m.tlbi_ipas2le1(5, 0x4000_0000 >> 12);
    assert_eq!(m.occupancy(), (0, 3));
    m.tlbi_ipas2e1(4, 0x10_0000 >> 12);
    assert_eq!(m.occupancy(), (0, 3), "other VMID");
    m.tlbi_vmalls12e1(5);
    assert_eq!(m.occupancy(), (0, 0));
    // No stage 2 cache at all is a valid configuration.
    let mut bare = Mmu::new(TlbConfig { s2_sets: 0, ..TlbConfig::default() });
    bare.translate(&ctx, VirtAddr(0x1000), R1, &mut fx.mem).unwrap();
    assert_eq!((bare.stats().s2_descriptor_reads, bare.occupancy()), (11, (1, 0)));
}

#[test]
fn replacement_is_deterministic() {
    let mut fx = Fx::new(Granule::K4, 25);
    for i in 0..4 {
        fx.map(0x1000 * (i + 1), 0x8000_0000, 3, S1Leaf::default());
    }
    let ctx = fx.ctx();
    let (a, b, c) = (0x1000, 0x2000, 0x3000);
    // One set of two ways: round-robin evicts in fill order.
    let mut rr = Mmu::new(TlbConfig { sets: 1, ways: 2, replacement: Replacement::RoundRobin, ..TlbConfig::default() });
    for va in [a, b, c] {
        rr.translate(&ctx, VirtAddr(va), R1, &mut fx.mem).unwrap();
    }
    let evicted = rr.take_eviction().expect("c evicted a");
    assert_eq!((evicted.regime, evicted.va, evicted.mask), (crate::Regime::El10, a, !0xfff));
    assert_eq!(rr.take_eviction(), None, "reported once");
    assert!(!hit(&mut rr, &ctx, a, R1, &mut fx.mem)); // a was evicted by c; refilling evicts b
    assert!(hit(&mut rr, &ctx, c, R1, &mut fx.mem));
    assert!(!hit(&mut rr, &ctx, b, R1, &mut fx.mem));
    assert_eq!(rr.stats().evictions, 3);
    // LRU keeps the most recently used.
    let mut lru = Mmu::new(TlbConfig { sets: 1, ways: 2, replacement: Replacement::Lru, ..TlbConfig::default() });
    for va in [a, b, a, c] {
        lru.translate(&ctx, VirtAddr(va), R1, &mut fx.mem).unwrap();
    }
    assert!(hit(&mut lru, &ctx, a, R1, &mut fx.mem));
    assert!(!hit(&mut lru, &ctx, b, R1, &mut fx.mem));
    assert!(!hit(&mut lru, &ctx, c, R1, &mut fx.mem));
    // Geometry is normalised: 3 sets -> 4, 0 ways -> 1.
    let odd = crate::Tlb::new(3, 0, Replacement::Lru);
    assert_eq!(odd.capacity(), 4);
}

#[test]
fn block_entries_cover_their_region() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x4000_0000, 0x8000_0000, 1, S1Leaf::default()); // 1GB
    fx.map(0x20_0000, 0x9000_0000, 2, S1Leaf::default()); // 2MB
    let ctx = fx.ctx();
    let m = &mut fx.mmu;
    assert!(!hit(m, &ctx, 0x4000_0000, R1, &mut fx.mem));
    assert!(hit(m, &ctx, 0x7fff_f000, R1, &mut fx.mem), "any page of the 1GB block");
    assert!(!hit(m, &ctx, 0x20_0000, R1, &mut fx.mem));
    assert!(hit(m, &ctx, 0x3f_f123, R1, &mut fx.mem), "any page of the 2MB block");
    assert_eq!(m.occupancy().0, 2);
    // 16KB granule, 32MB block: one copy per 2MB region touched.
    let mut fx = Fx::new(Granule::K16, 28);
    fx.map(0x200_0000, 0x8000_0000, 2, S1Leaf::default());
    let ctx = fx.ctx();
    let m = &mut fx.mmu;
    assert!(!hit(m, &ctx, 0x200_0000, R1, &mut fx.mem));
    assert!(hit(m, &ctx, 0x21f_c000, R1, &mut fx.mem));
    assert!(!hit(m, &ctx, 0x220_0000, R1, &mut fx.mem));
    let t = m.translate(&ctx, VirtAddr(0x3ff_fff8), R1, &mut fx.mem).unwrap();
    assert_eq!((t.pa.0, t.size_bits), (0x81ff_fff8, 25));
}
