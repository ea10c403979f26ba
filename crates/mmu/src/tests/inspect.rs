//! Debugger translation ([`crate::inspect`]) and the TLB listing: every descriptor read in walk
//! order, both stages, faults, and no effect on the TLB model.

use super::*;
use crate::{inspect, size_name, DescriptorType, InspectInput, Permissions, Regime};

/// Stage 1 4KB/39-bit, stage 2 4KB/40-bit from level 1 (stage 1 tables identity-mapped by
/// stage 2 pages), VA 0x1000 -> IPA 0x1_0000_0000 -> PA 0x300_0000.
fn two_stages() -> Fx {
    let mut fx = Fx::new(Granule::K4, 25).with_s2(Granule::K4, 24, 1);
    fx.map(0x1000, 0x1_0000_0000, 3, S1Leaf::default());
    fx.map_s2(0x1_0000_0000, 0x300_0000, 3, S2Leaf::default());
    fx
}

#[test]
fn two_stage_walk_records_every_read_in_order() {
    let mut fx = two_stages();
    let ctx = fx.ctx();
    let before = *fx.mmu.stats();
    let i = inspect(&ctx, InspectInput::Va(VirtAddr(0x1234), Regime::El10), &mut fx.mem);
    assert_eq!(i.result, Ok(crate::PhysAddr(0x300_0234)));
    // Each stage 1 read (levels 1, 2, 3) is preceded by the stage 2 walk of its table address
    // (levels 1, 2, 3); the final IPA's stage 2 walk comes last.
    let shape: Vec<(Stage, u8)> = i.reads.iter().map(|r| (r.stage, r.level)).collect();
    let s2_walk = [(Stage::Two, 1), (Stage::Two, 2), (Stage::Two, 3)];
    let mut want = Vec::new();
    for level in 1..=3 {
        want.extend(s2_walk);
        want.push((Stage::One, level));
    }
    want.extend(s2_walk);
    assert_eq!(shape, want);
    // Stage 1 descriptors are read at their IPA, which stage 2 maps 1:1 here.
    let first_s1 = &i.reads[3];
    assert_eq!((first_s1.address, first_s1.pa.0), (TTBR0_ROOT, TTBR0_ROOT));
    assert_eq!(first_s1.kind(), Some(DescriptorType::Table));
    let last = i.reads.last().unwrap();
    // Stage 2 descriptors are read at their PA, in the stage 2 table pool.
    assert!(last.address == last.pa.0 && S2_POOL.contains(&last.pa.0), "{last:?}");
    assert_eq!(last.kind(), Some(DescriptorType::Leaf));
    assert_eq!(last.value.map(|d| d & !0xfff), Ok(0x300_0000));
    let s1 = i.stage1.unwrap().unwrap();
    assert_eq!((s1.output, s1.level, s1.size_bits, s1.global), (0x1_0000_0234, Some(3), 12, true));
    let s2 = i.stage2.unwrap().unwrap();
    assert_eq!((s2.output, s2.level), (0x300_0234, Some(3)));
    assert_eq!((i.cost.s1_reads, i.cost.s2_reads), (3, 12));
    // The TLB model saw nothing.
    assert_eq!(*fx.mmu.stats(), before);
    assert_eq!(fx.mmu.tlb_entries().count(), 0);
}

#[test]
fn faults_and_flat_mappings() {
    let mut fx = two_stages();
    let ctx = fx.ctx();
    // An IPA that stage 2 does not map: the fault is the result, the reads show where.
    let i = inspect(&ctx, InspectInput::Ipa(Ipa(0x2_0000_0000)), &mut fx.mem);
    assert!(i.stage1.is_none());
    let f = i.result.unwrap_err();
    assert_eq!(
        (f.stage, f.kind, f.s1ptw, f.ipa),
        (Stage::Two, FaultKind::Translation, false, Some(Ipa(0x2_0000_0000)))
    );
    assert_eq!(i.reads.last().unwrap().kind(), Some(DescriptorType::Invalid));
    // A VA whose stage 1 leaf is missing: a stage 1 fault, no stage 2.
    let i = inspect(&ctx, InspectInput::Va(VirtAddr(0x20_0000), Regime::El10), &mut fx.mem);
    assert_eq!(i.result.unwrap_err().stage, Stage::One);
    assert!(i.stage2.is_none());
    // Stage 1 tables outside stage 2: a stage 2 fault on the stage 1 walk.
    fx.regs.ttbr0_el1 = 0x2_0000_0000;
    let i = inspect(&fx.ctx(), InspectInput::Va(VirtAddr(0x1000), Regime::El10), &mut fx.mem);
    let f = i.result.unwrap_err();
    assert!(f.is_stage2() && f.s1ptw, "{f:?}");
    assert!(i.reads.iter().all(|r| r.stage == Stage::Two));
    // Stage 2 off: an IPA is the flat mapping up to the PA size.
    fx.regs.hcr_el2 = 0;
    let ctx = fx.ctx();
    let i = inspect(&ctx, InspectInput::Ipa(Ipa(0x1000)), &mut fx.mem);
    assert_eq!(i.result, Ok(crate::PhysAddr(0x1000)));
    assert_eq!(i.stage2.unwrap().unwrap().level, None);
    assert!(i.reads.is_empty());
    let f = inspect(&ctx, InspectInput::Ipa(Ipa(1 << 40)), &mut fx.mem).result.unwrap_err();
    assert_eq!((f.kind, f.level), (FaultKind::AddressSize, 0));
}

#[test]
fn tlb_listing() {
    let mut fx = two_stages();
    let ctx = fx.ctx();
    fx.mmu.translate(&ctx, VirtAddr(0x1008), Access::read(1), &mut fx.mem).unwrap();
    let entries: Vec<_> = fx.mmu.tlb_entries().collect();
    assert_eq!(entries.len(), 1);
    let e = entries[0];
    assert_eq!((e.regime, e.vmid, e.asid), (Regime::El10, Some(5), None));
    assert_eq!((e.va, e.ipa, e.pa, e.size_bits), (0x1000, 0x1_0000_0000, 0x300_0000, 12));
    assert_eq!((e.s1_level, e.s2_level), (Some(3), Some(3)));
    assert_eq!(e.perms.0 & (Permissions::PR | Permissions::PW), Permissions::PR | Permissions::PW);
    // The stage 2 cache holds the walks' stage 2 leaves: the three table pages and the IPA.
    assert_eq!(fx.mmu.s2_cache_entries().count(), 4);
    assert!(fx.mmu.s2_cache_entries().any(|s| (s.ipa, s.pa, s.vmid) == (0x1_0000_0000, 0x300_0000, 5)));
    assert_eq!(fx.mmu.config().sets, 256);
    fx.mmu.tlbi_vmalls12e1(5);
    assert_eq!((fx.mmu.tlb_entries().count(), fx.mmu.s2_cache_entries().count()), (0, 0));
}

#[test]
fn sizes_and_attributes_by_name() {
    assert_eq!(size_name(12), "4KB");
    assert_eq!(size_name(21), "2MB");
    assert_eq!(size_name(25), "32MB");
    assert_eq!(size_name(30), "1GB");
    assert_eq!(size_name(40), "1TB");
    assert_eq!(crate::MemAttrs::from_mair(0xff, crate::Shareability::Inner).to_string(), "Normal WB ISH");
    assert_eq!(crate::MemAttrs::from_mair(0x4f, crate::Shareability::Inner).to_string(), "Normal iWB oNC ISH");
    assert_eq!(crate::MemAttrs::DEVICE_NGNRNE.to_string(), "Device-nGnRnE");
}
