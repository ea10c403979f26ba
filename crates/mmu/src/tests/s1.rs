//! Stage 1 walks of the EL1&0 and EL2 regimes.

use super::*;
use crate::addr::low_mask;
use crate::builder::desc;
use crate::{AccessKind, MemAttrs, MemType, Permissions, Regime, Shareability};

const R1: Access = Access::read(1);

/// (granule, TxSZ, start level) covering every start level of every granule.
const GEOMETRIES: [(Granule, u64, u8); 10] = [
    (Granule::K4, 16, 0),
    (Granule::K4, 25, 1),
    (Granule::K4, 34, 2),
    (Granule::K16, 16, 0),
    (Granule::K16, 20, 1),
    (Granule::K16, 30, 2),
    (Granule::K16, 39, 3),
    (Granule::K64, 16, 1),
    (Granule::K64, 25, 2),
    (Granule::K64, 36, 3),
];

#[test]
fn every_granule_start_level_and_leaf_level() {
    let mut checked = 0;
    for (g, txsz, start) in GEOMETRIES {
        let ia = 64 - txsz as u32;
        assert_eq!(TranslationContext::new(&Fx::new(g, txsz).regs).el10.ranges[0].start_level, start);
        for level in start..=3 {
            if level < 3 && !g.block_allowed(level) {
                continue;
            }
            let mut fx = Fx::new(g, txsz);
            fx.regs.ttbr0_el1 |= 0x42 << 48;
            let size = g.level_size_bits(level);
            let va = 0x5a5a_5a5a_5a5a_5a5a & low_mask(ia);
            let oa = 0x9a_5a5a_5a5a_5000 & low_mask(40) & !low_mask(size);
            fx.map(va, oa, level, S1Leaf::default());
            let t = fx.tr(va, R1).unwrap();
            assert_eq!(t.pa.0, oa | (va & low_mask(size)), "{g:?} T0SZ {txsz} level {level}");
            assert_eq!((t.size_bits as u32, t.s1_level, t.s2_level), (size, Some(level), None));
            assert_eq!((t.global, t.asid, t.vmid), (true, 0x42, Some(0)));
            assert_eq!(t.attrs, MemAttrs::from_mair(0xff, Shareability::Inner));
            // One descriptor read per level walked.
            let (_, cost) = translate_uncached(&fx.ctx(), VirtAddr(va), R1, &mut fx.mem);
            assert_eq!(cost.s1_reads, u32::from(level - start + 1));

            // The same in the upper range (TTBR1_EL1), non-global.
            let va_hi = !low_mask(ia) | va;
            fx.map(va_hi, oa, level, S1Leaf { ng: true, ..S1Leaf::default() });
            let t = fx.tr(va_hi, Access::write(1)).unwrap();
            assert_eq!(t.pa.0, oa | (va & low_mask(size)));
            assert!(!t.global);
            checked += 1;
        }
    }
    assert_eq!(checked, 20);
}

#[test]
fn invalid_and_reserved_descriptors_at_each_level() {
    for (g, txsz, start) in GEOMETRIES {
        for level in start..=3 {
            for raw in [0u64, 0b10, 0xffff_ffff_ffff_fffe] {
                let mut fx = Fx::new(g, txsz);
                fx.lo.put(&mut fx.mem, 0x4000, level, raw).unwrap();
                assert_eq!(fx.fault(0x4000, R1), s1f(FaultKind::Translation, level), "{g:?} L{level} {raw:#x}");
            }
        }
        // bits[1:0] = 0b01 at level 3 is reserved.
        let mut fx = Fx::new(g, txsz);
        fx.lo.put(&mut fx.mem, 0x4000, 3, desc::block(0x8000_0000, 1 << 10)).unwrap();
        assert_eq!(fx.fault(0x4000, R1), s1f(FaultKind::Translation, 3));
    }
    // Blocks where the granule has none: 4KB level 0, 16KB level 1, 64KB level 1.
    for (g, txsz, level) in [(Granule::K4, 16, 0), (Granule::K16, 20, 1), (Granule::K64, 16, 1)] {
        let mut fx = Fx::new(g, txsz);
        fx.lo.put(&mut fx.mem, 0, level, desc::block(0, 1 << 10)).unwrap();
        assert_eq!(fx.fault(0x1000, R1), s1f(FaultKind::Translation, level), "{g:?}");
    }
}

#[test]
fn va_range_epd_and_txsz_faults() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf::default());
    fx.map(0xffff_ff80_0000_1000, 0x8000_0000, 3, S1Leaf::default());
    assert_eq!(fx.pa(0xffff_ff80_0000_1000, R1), 0x8000_0000);
    let l0 = s1f(FaultKind::Translation, 0);
    // Bit 39 set in the lower range; upper range VAs whose bits [63:39] are not all ones.
    assert_eq!(fx.fault(1 << 39 | 0x1000, R1), l0);
    assert_eq!(fx.fault(0xffff_ff00_0000_1000, R1), l0);
    assert_eq!(fx.fault(0x7fff_ff80_0000_1000, R1), l0);
    // EPD0 disables walks for TTBR0 only, EPD1 for TTBR1 only.
    fx.regs.tcr_el1 |= 1 << 7;
    assert_eq!(fx.fault(0x1000, R1), l0);
    assert_eq!(fx.pa(0xffff_ff80_0000_1000, R1), 0x8000_0000);
    fx.regs.tcr_el1 ^= 1 << 7 | 1 << 23;
    assert_eq!(fx.pa(0x1000, R1), 0x8000_0000);
    assert_eq!(fx.fault(0xffff_ff80_0000_1000, Access::fetch(0)), l0);
    // TxSZ out of 16..=39.
    for t0sz in [0, 12, 15, 40, 63] {
        fx.regs.tcr_el1 = fx.regs.tcr_el1 & !0x3f | t0sz;
        assert_eq!(fx.fault(0x1000, R1), l0, "T0SZ {t0sz}");
    }
}

#[test]
fn access_flag_faults() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf { af: false, ..S1Leaf::default() });
    fx.map(0x4000_0000, 0x8000_0000, 2, S1Leaf { af: false, ..S1Leaf::default() });
    fx.map(0x40_0000_0000 - (1 << 30), 0x8000_0000, 1, S1Leaf { af: false, ..S1Leaf::default() });
    assert_eq!(fx.fault(0x1000, R1), s1f(FaultKind::AccessFlag, 3));
    assert_eq!(fx.fault(0x4000_1000, Access::fetch(1)), s1f(FaultKind::AccessFlag, 2));
    assert_eq!(fx.fault(0x3f_c000_0000, Access::write(0)), s1f(FaultKind::AccessFlag, 1));
    assert_eq!(fx.fault(0x1000, R1).fsc(), 0b001011);
}

#[test]
fn address_size_faults() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf::default());
    // Output address above the 40-bit PA (IPS = 40) at each leaf level.
    fx.map(0x2000, 1 << 40, 3, S1Leaf::default());
    fx.map(0x20_0000 * 8, 0xff << 40, 2, S1Leaf::default());
    fx.map(0x1_4000_0000, 1 << 45, 1, S1Leaf::default());
    assert_eq!(fx.fault(0x2000, R1), s1f(FaultKind::AddressSize, 3));
    assert_eq!(fx.fault(0x20_0000 * 8, R1), s1f(FaultKind::AddressSize, 2));
    assert_eq!(fx.fault(0x1_4000_0000, R1), s1f(FaultKind::AddressSize, 1));
    // A table descriptor pointing above the output size: the table's level.
    fx.lo.put(&mut fx.mem, 0x2_0000_0000, 2, desc::table(1 << 44, 0)).unwrap();
    assert_eq!(fx.fault(0x2_0000_0000, R1), s1f(FaultKind::AddressSize, 2));
    // TTBR0 above the output size: level 0, whatever the start level.
    fx.regs.ttbr0_el1 |= 1 << 40;
    assert_eq!(fx.fault(0x1000, R1), s1f(FaultKind::AddressSize, 0));
    fx.regs.ttbr0_el1 &= !(1 << 40);
    // IPS = 32 bits: the same page above 4GB now faults; IPS = 48 is limited to PARange (40).
    fx.map(0x3000, 0x1_0000_0000, 3, S1Leaf::default());
    assert_eq!(fx.pa(0x3000, R1), 0x1_0000_0000);
    fx.regs.tcr_el1 &= !(7 << 32);
    assert_eq!(fx.fault(0x3000, R1), s1f(FaultKind::AddressSize, 3));
    assert_eq!(fx.pa(0x1000, R1), 0x8000_0000);
    fx.regs.tcr_el1 |= 5 << 32;
    assert_eq!(fx.fault(0x2000, R1), s1f(FaultKind::AddressSize, 3));
}

#[test]
fn external_aborts_on_the_walk_at_each_level() {
    let mut fx = Fx::new(Granule::K4, 16);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf::default());
    for level in 0..=3 {
        let at = fx.lo.entry_addr(&mut fx.mem, 0x1000, level).unwrap();
        let mut mem = fx.mem.clone();
        mem.abort_on(at..at + 8);
        std::mem::swap(&mut fx.mem, &mut mem);
        let f = fx.fault(0x1000, R1);
        assert_eq!(f, s1f(FaultKind::ExternalAbortOnWalk, level));
        assert_eq!(f.fsc(), 0b010100 | level);
        std::mem::swap(&mut fx.mem, &mut mem);
    }
}

/// Table D8-63 and the execute rules, for AP\[2:1\] x {EL1, EL0, LDTR/STTR at EL1} x
/// {read, write, fetch}, at a page (level 3) and a block (level 2).
#[test]
fn permission_matrix() {
    let mut fx = Fx::new(Granule::K4, 25);
    for ap in 0..4u64 {
        fx.map(0x10_0000 + ap * 0x1000, 0x8000_0000, 3, S1Leaf { ap: ap as u8, ..S1Leaf::default() });
        fx.map(0x4000_0000 + (ap << 21), 0x8000_0000, 2, S1Leaf { ap: ap as u8, ..S1Leaf::default() });
    }
    for ap in 0..4u64 {
        let (ap2, ap1) = (ap & 2 != 0, ap & 1 != 0);
        for (va, level) in [(0x10_0000 + ap * 0x1000, 3), (0x4000_0000 + (ap << 21), 2)] {
            let cases = [
                (Access::read(1), true),
                (Access::write(1), !ap2),
                (Access::fetch(1), ap != 0b01), // EL0-writable implies PXN
                (Access::read(0), ap1),
                (Access::write(0), ap == 0b01),
                (Access::fetch(0), true), // execute-only at EL0 when AP[1] = 0
                (Access::read(1).as_unprivileged(), ap1),
                (Access::write(1).as_unprivileged(), ap == 0b01),
            ];
            for (acc, ok) in cases {
                let r = fx.tr(va, acc);
                match (ok, r) {
                    (true, Ok(_)) => {}
                    (false, Err(f)) => assert_eq!(f, s1f(FaultKind::Permission, level), "AP {ap:#b} {acc:?}"),
                    (ok, r) => panic!("AP {ap:#b} {acc:?}: expected ok={ok}, got {r:?}"),
                }
            }
        }
    }
}

#[test]
fn execute_never_wxn_and_hierarchical_controls() {
    let mut fx = Fx::new(Granule::K4, 25);
    let rw = S1Leaf::default();
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf { ap: 0b11, pxn: true, ..rw });
    fx.map(0x2000, 0x8000_0000, 3, S1Leaf { ap: 0b11, uxn: true, ..rw });
    fx.map(0x3000, 0x8000_0000, 3, rw);
    fx.map(0x4000, 0x8000_0000, 3, S1Leaf { ap: 0b01, ..rw });
    let p3 = s1f(FaultKind::Permission, 3);
    assert_eq!(fx.fault(0x1000, Access::fetch(1)), p3);
    assert!(fx.tr(0x1000, Access::fetch(0)).is_ok());
    assert_eq!(fx.fault(0x2000, Access::fetch(0)), p3);
    assert!(fx.tr(0x2000, Access::fetch(1)).is_ok());
    assert!(fx.tr(0x3000, Access::fetch(1)).is_ok());
    assert_eq!(fx.fault(0x4000, Access::fetch(1)), p3);
    assert!(fx.tr(0x4000, Access::fetch(0)).is_ok());
    // SCTLR_EL1.WXN: writable means not executable, per privilege.
    fx.regs.sctlr_el1 |= sctlr::WXN;
    assert_eq!(fx.fault(0x3000, Access::fetch(1)), p3);
    assert!(fx.tr(0x3000, Access::fetch(0)).is_ok(), "not writable at EL0, so EL0 may execute");
    assert_eq!(fx.fault(0x4000, Access::fetch(0)), p3);
    let t = fx.tr(0x3000, R1).unwrap();
    assert_eq!(t.perms, Permissions(Permissions::PR | Permissions::PW | Permissions::UX));
    fx.regs.sctlr_el1 &= !sctlr::WXN;

    // Hierarchical controls in the level 2 table descriptor apply to the level 3 page and
    // Permission faults report the leaf level.
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf { ap: 0b01, ..rw });
    fx.map(0x20_1000, 0x8000_0000, 3, S1Leaf { ap: 0b01, ..rw });
    fx.map(0x40_1000, 0x8000_0000, 3, S1Leaf { ap: 0b01, ..rw });
    fx.map(0x60_1000, 0x8000_0000, 3, S1Leaf { ap: 0b01, ..rw });
    fx.lo.set_table_bits(&mut fx.mem, 0x1000, 2, 1 << 61).unwrap(); // APTable 01
    fx.lo.set_table_bits(&mut fx.mem, 0x20_1000, 2, 2 << 61).unwrap(); // APTable 10
    fx.lo.set_table_bits(&mut fx.mem, 0x40_1000, 2, 1 << 60).unwrap(); // UXNTable
    fx.lo.set_table_bits(&mut fx.mem, 0x60_1000, 2, 1 << 59).unwrap(); // PXNTable
    assert_eq!(fx.fault(0x1000, Access::read(0)), p3);
    assert!(fx.tr(0x1000, Access::fetch(1)).is_ok(), "no EL0 write once APTable removes it");
    assert_eq!(fx.fault(0x20_1000, Access::write(1)), p3);
    assert_eq!(fx.fault(0x20_1000, Access::write(0)), p3);
    assert!(fx.tr(0x20_1000, Access::read(0)).is_ok());
    assert_eq!(fx.fault(0x40_1000, Access::fetch(0)), p3);
    fx.map(0x60_2000, 0x8000_0000, 3, S1Leaf { ap: 0b11, ..rw });
    assert_eq!(fx.fault(0x60_2000, Access::fetch(1)), p3);
    assert!(fx.tr(0x60_2000, Access::fetch(0)).is_ok());
    // A level 1 APTable reaches a level 2 block.
    fx.map(0x4000_0000, 0x8000_0000, 2, rw);
    fx.lo.set_table_bits(&mut fx.mem, 0x4000_0000, 1, 2 << 61).unwrap();
    assert_eq!(fx.fault(0x4000_0000, Access::write(1)), s1f(FaultKind::Permission, 2));
}

#[test]
fn cache_maintenance_permissions() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf { ap: 0b10, ..S1Leaf::default() }); // EL1 read-only
    fx.map(0x2000, 0x8000_0000, 3, S1Leaf { ap: 0b00, ..S1Leaf::default() }); // EL1 RW only
    let dc = |invalidate, el| Access::new(AccessKind::CacheMaintenance { invalidate }, el);
    assert_eq!(fx.fault(0x1000, dc(true, 1)), s1f(FaultKind::Permission, 3));
    assert!(fx.tr(0x1000, dc(false, 1)).is_ok());
    assert_eq!(fx.fault(0x2000, dc(false, 0)), s1f(FaultKind::Permission, 3));
    assert!(fx.tr(0x2000, dc(true, 1)).is_ok());
}

#[test]
fn top_byte_ignore() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf::default());
    fx.map(0xffff_ff80_0000_1000, 0x9000_0000, 3, S1Leaf::default());
    let l0 = s1f(FaultKind::Translation, 0);
    assert_eq!(fx.fault(0x5a00_0000_0000_1234, R1), l0);
    assert_eq!(fx.fault(0x5aff_ff80_0000_1234, R1), l0);
    fx.regs.tcr_el1 |= 1 << 37; // TBI0
    assert_eq!(fx.pa(0x5a00_0000_0000_1234, R1), 0x8000_0234);
    // ARMv8.0 has no TBID: TBI applies to instruction fetches as well.
    assert_eq!(fx.pa(0xa500_0000_0000_1234, Access::fetch(1)), 0x8000_0234);
    assert_eq!(fx.fault(0x5aff_ff80_0000_1234, R1), l0, "TBI1 is separate");
    fx.regs.tcr_el1 |= 1 << 38; // TBI1
    assert_eq!(fx.pa(0x5aff_ff80_0000_1234, R1), 0x9000_0234);
    assert_eq!(fx.pa(0x00ff_ff80_0000_1234, R1), 0x9000_0234, "bit 55 selects the range");
    // Bits [55:39] still have to match the range.
    assert_eq!(fx.fault(0x5a00_0080_0000_1234, R1), l0);
    // The tagged and untagged addresses share one TLB entry.
    let ctx = fx.ctx();
    fx.mmu.flush();
    let before = *fx.mmu.stats();
    fx.mmu.translate(&ctx, VirtAddr(0x1000), R1, &mut fx.mem).unwrap();
    fx.mmu.translate(&ctx, VirtAddr(0x7700_0000_0000_1008), R1, &mut fx.mem).unwrap();
    assert_eq!(fx.mmu.stats().tlb_hits - before.tlb_hits, 1);
}

#[test]
fn mmu_off_flat_mapping() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.regs.sctlr_el1 = 0;
    let t = fx.tr(0x8000_1234, R1).unwrap();
    assert_eq!((t.pa.0, t.ipa.0, t.s1_level, t.attrs), (0x8000_1234, 0x8000_1234, None, MemAttrs::DEVICE_NGNRNE));
    assert_eq!(t.perms, Permissions::ALL);
    assert_eq!(fx.tr(0x8000_1234, Access::fetch(1)).unwrap().attrs, MemAttrs::NORMAL_NC);
    fx.regs.sctlr_el1 = sctlr::I;
    assert_eq!(fx.tr(0x8000_1234, Access::fetch(0)).unwrap().attrs, MemAttrs::NORMAL_WT_FETCH);
    // Above the PA size: level 0 Address size fault, unless only tag bits are set and TBI is on.
    let as0 = s1f(FaultKind::AddressSize, 0);
    assert_eq!(fx.fault(1 << 40, R1), as0);
    assert_eq!(fx.fault(0xab00_0000_8000_0000, R1), as0);
    fx.regs.tcr_el1 |= 1 << 37;
    assert_eq!(fx.pa(0xab00_0000_8000_0000, R1), 0x8000_0000);
    assert_eq!(fx.fault(0xab80_0000_8000_0000, R1), as0, "bit 55 selects TBI1, off");
    // Device memory: unaligned data accesses fault; fetches never do.
    let f = fx.fault(0x8000_0001, Access::write(1).unaligned());
    assert_eq!((f.kind, f.stage, f.fsc()), (FaultKind::Alignment, Stage::One, 0b100001));
    assert!(fx.tr(0x8000_0000, Access::fetch(1).unaligned()).is_ok());
    // The EL2 regime is flat too while SCTLR_EL2.M is 0.
    assert_eq!(fx.pa(0xff_ffff_f000, Access::read(2)), 0xff_ffff_f000);
    assert_eq!(fx.fault(1 << 40, Access::read(2)), as0);
}

#[test]
fn big_endian_walks() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.lo.big_endian = true;
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf::default());
    assert_eq!(fx.fault(0x1000, R1).kind, FaultKind::Translation);
    fx.regs.sctlr_el1 |= sctlr::EE;
    assert_eq!(fx.pa(0x1000, R1), 0x8000_0000);
}

#[test]
fn memory_attributes_from_mair_and_sctlr() {
    let mut fx = Fx::new(Granule::K4, 25);
    let leaf = |attr_index, sh| S1Leaf { attr_index, sh, ..S1Leaf::default() };
    fx.map(0x1000, 0x8000_0000, 3, leaf(IDX_WB, 2));
    fx.map(0x2000, 0x9000_0000, 3, leaf(IDX_DEVICE, 3));
    fx.map(0x3000, 0x8000_0000, 3, leaf(IDX_NC, 3));
    fx.map(0x4000, 0x8000_0000, 3, leaf(7, 0));
    fx.map(0x5000, 0x8000_0000, 3, leaf(5, 0));
    let a = fx.tr(0x1000, R1).unwrap().attrs;
    assert_eq!((a.mair_byte(), a.shareability()), (0xff, Shareability::Outer));
    let d = fx.tr(0x2000, R1).unwrap().attrs;
    assert_eq!((d.mair_byte(), d.shareability()), (0x00, Shareability::Outer));
    assert_eq!(fx.tr(0x3000, R1).unwrap().attrs, MemAttrs::NORMAL_NC);
    assert_eq!(fx.tr(0x4000, R1).unwrap().attrs, MemAttrs::NORMAL_NC, "reserved 0x40 is NC");
    assert!(matches!(fx.tr(0x5000, R1).unwrap().attrs.mem_type(), MemType::Device(crate::DeviceType::GRE)));
    // Unaligned accesses to Device memory fault (stage 1 Alignment, before permissions).
    assert_eq!(fx.fault(0x2001, Access::read(1).unaligned()).kind, FaultKind::Alignment);
    assert!(fx.tr(0x1001, Access::read(1).unaligned()).is_ok());
    fx.map(0x6000, 0x9000_0000, 3, S1Leaf { attr_index: IDX_DEVICE, ap: 0b10, ..S1Leaf::default() });
    assert_eq!(fx.fault(0x6001, Access::write(1).unaligned()).kind, FaultKind::Alignment);
    assert_eq!(fx.fault(0x6000, Access::write(1)).kind, FaultKind::Permission);
    // Fetches from Device memory are Normal Non-cacheable.
    assert_eq!(fx.tr(0x2000, Access::fetch(1)).unwrap().attrs, MemAttrs::NORMAL_NC);
    // SCTLR_EL1.C = 0 makes Normal data accesses Non-cacheable; I = 0 does it for fetches.
    fx.regs.sctlr_el1 &= !sctlr::C;
    assert_eq!(fx.tr(0x1000, R1).unwrap().attrs, MemAttrs::NORMAL_NC);
    assert_eq!(fx.tr(0x1000, Access::fetch(1)).unwrap().attrs.mair_byte(), 0xff);
    assert_eq!(fx.tr(0x2000, R1).unwrap().attrs.mair_byte(), 0x00);
    fx.regs.sctlr_el1 = sctlr::M | sctlr::C;
    assert_eq!(fx.tr(0x1000, Access::fetch(1)).unwrap().attrs, MemAttrs::NORMAL_NC);
}

#[test]
fn el2_regime() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.regs.sctlr_el2 |= sctlr::M;
    let leaf = S1Leaf::default();
    fx.map_el2(0x1000, 0x8000_0000, 3, S1Leaf { ap: 0b01, pxn: true, ng: true, ..leaf });
    fx.map_el2(0x2000, 0x8000_0000, 3, S1Leaf { ap: 0b10, ..leaf });
    fx.map_el2(0x3000, 0x8000_0000, 3, S1Leaf { uxn: true, ..leaf });
    fx.map_el2(0x20_0000, 0x8020_0000, 2, leaf);
    let e2 = |k| Access::new(k, 2);
    // AP[1] is RES1 (no implied PXN), PXN (bit 53) is RES0, nG is ignored.
    let t = fx.tr(0x1000, e2(AccessKind::Fetch)).unwrap();
    assert_eq!((t.pa.0, t.global, t.vmid, t.asid), (0x8000_0000, true, None, 0));
    assert!(fx.tr(0x1000, e2(AccessKind::Write)).is_ok());
    assert_eq!(fx.fault(0x2000, e2(AccessKind::Write)), s1f(FaultKind::Permission, 3));
    assert_eq!(fx.fault(0x3000, e2(AccessKind::Fetch)), s1f(FaultKind::Permission, 3));
    assert_eq!(fx.pa(0x20_1234, Access::read(2).as_unprivileged()), 0x8020_1234);
    // No upper range: bit 55 set is out of range.
    assert_eq!(fx.fault(0xffff_ff80_0000_1000, Access::read(2)), s1f(FaultKind::Translation, 0));
    // WXN.
    fx.regs.sctlr_el2 |= sctlr::WXN;
    assert_eq!(fx.fault(0x1000, e2(AccessKind::Fetch)), s1f(FaultKind::Permission, 3));
    assert!(fx.tr(0x2000, e2(AccessKind::Fetch)).is_ok());
    // TCR_EL2.TBI.
    assert_eq!(fx.fault(0x1200_0000_0020_0000, Access::read(2)), s1f(FaultKind::Translation, 0));
    fx.regs.tcr_el2 |= 1 << 20;
    assert_eq!(fx.pa(0x1200_0000_0020_0000, Access::read(2)), 0x8020_0000);
    // EL1&0 is unaffected by the EL2 tables.
    assert_eq!(fx.fault(0x1000, R1), s1f(FaultKind::Translation, 1));
    assert_eq!(Access::read(2).regime, Regime::El2);
}

#[test]
fn translation_reports_asid_and_memory_reads() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.regs.ttbr0_el1 |= 0x1234 << 48;
    fx.map(0x1000, 0x8000_0000, 3, S1Leaf { ng: true, ..S1Leaf::default() });
    let t = fx.tr(0x1000, R1).unwrap();
    assert_eq!((t.asid, t.global), (0x34, false), "8-bit ASIDs unless TCR_EL1.AS");
    fx.regs.tcr_el1 |= 1 << 36;
    assert_eq!(fx.tr(0x1000, R1).unwrap().asid, 0x1234);
    // A1 takes the ASID from TTBR1_EL1.
    fx.regs.tcr_el1 |= 1 << 22;
    fx.regs.ttbr1_el1 |= 0x77 << 48;
    assert_eq!(fx.tr(0x1000, R1).unwrap().asid, 0x77);
}
