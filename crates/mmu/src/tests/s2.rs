//! Stage 2, and the two stages together.

use super::*;
use crate::addr::low_mask;
use crate::builder::desc;
use crate::{DeviceType, MemAttrs, MemType, Shareability};

const R1: Access = Access::read(1);

/// A two-stage fixture: stage 1 4KB/39-bit as in [`Fx::new`], stage 2 per the arguments.
fn fx2(granule: Granule, t0sz: u64, sl0: u64) -> Fx {
    Fx::new(Granule::K4, 25).with_s2(granule, t0sz, sl0)
}

#[test]
fn concatenated_initial_tables() {
    // (granule, T0SZ, SL0, start level, initial table bytes, an IPA in the last table)
    let cases = [
        (Granule::K4, 24, 1, 1, 0x2000, 0xc0_0000_0000u64),
        (Granule::K4, 25, 1, 1, 0x1000, 0x7f_c000_0000),
        (Granule::K4, 30, 0, 2, 0x1_0000, 0x3_c000_0000),
        (Granule::K4, 32, 0, 2, 0x4000, 0xc000_0000),
        (Granule::K16, 24, 1, 2, 0x4_0000, 0xf0_0000_0000),
        (Granule::K16, 35, 0, 3, 0x4_0000, 0x1e00_0000),
        (Granule::K64, 31, 0, 3, 0x10_0000, 0x1_e000_0000),
        (Granule::K64, 24, 1, 2, 0x4000, 0xe0_0000_0000),
    ];
    for (g, t0sz, sl0, start, bytes, ipa) in cases {
        let mut fx = fx2(g, t0sz, sl0);
        let ctx = fx.ctx();
        assert_eq!((ctx.s2.start_level, ctx.s2.config_fault), (start, false), "{g:?} T0SZ {t0sz}");
        assert_eq!(fx.s2.root_size(), bytes, "{g:?} T0SZ {t0sz}");
        let page = 1u64 << g.bits();
        fx.map_s2(ipa, 0x8000_0000, 3, S2Leaf::default());
        // The descriptor sits in the last concatenated table.
        let at = fx.s2.entry_addr(&mut fx.mem, ipa, start).unwrap();
        assert!(at >= S2_ROOT + bytes - bytes.min(page) && at < S2_ROOT + bytes, "{g:?} {at:#x}");
        fx.map(0x1000, ipa, 3, S1Leaf::default());
        let t = fx.tr(0x1234, R1).unwrap();
        assert_eq!((t.pa.0, t.ipa.0), (0x8000_0234, ipa | 0x234), "{g:?} T0SZ {t0sz}");
        assert_eq!((t.s1_level, t.s2_level, t.size_bits), (Some(3), Some(3), 12));
        assert_eq!(t.vmid, Some(5));
    }
}

#[test]
fn stage2_configuration_and_range_faults() {
    // VTCR_EL2 values that fault at level 0 for every stage 2 translation: reserved SL0 (level 0
    // needs a 44-bit PA, SL0 = 3 needs FEAT_TTST), inconsistent SL0/T0SZ, T0SZ below 64 - 40.
    for (g, t0sz, sl0) in [
        (Granule::K4, 24, 2),
        (Granule::K4, 32, 3),
        (Granule::K4, 24, 0),
        (Granule::K4, 34, 1),
        (Granule::K4, 23, 1),
        (Granule::K16, 24, 2),
        (Granule::K64, 24, 2),
        (Granule::K64, 30, 0),
    ] {
        let mut fx = Fx::new(Granule::K4, 25);
        fx.regs.vtcr_el2 = vtcr(g, t0sz, sl0);
        fx.regs.hcr_el2 |= hcr::VM;
        // The first stage 1 descriptor fetch already needs stage 2.
        assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::Translation, 0, TTBR0_ROOT, true), "{g:?} {t0sz} {sl0}");
        // With stage 1 off, the IPA is the VA.
        fx.regs.sctlr_el1 = 0;
        assert_eq!(fx.fault(0x4000_1000, R1), s2f(FaultKind::Translation, 0, 0x4000_1000, false));
    }
    // An IPA above 2^(64 - T0SZ).
    let mut fx = fx2(Granule::K4, 32, 1);
    fx.map(0x1000, 0x1_0000_0000, 3, S1Leaf::default());
    let f = fx.fault(0x1000, R1);
    assert_eq!(f, s2f(FaultKind::Translation, 0, 0x1_0000_0000, false));
    assert_eq!(f.hpfar_el2(), Some(0x10_0000 << 4));
}

#[test]
fn stage2_walk_faults_by_level() {
    let mut fx = fx2(Granule::K4, 24, 1);
    let ipa = 0x40_8020_3000;
    fx.map(0x1000, ipa, 3, S1Leaf::default());
    // Nothing at level 1 for this IPA.
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::Translation, 1, ipa, false));
    // Invalid at level 2, then level 3.
    fx.s2.put(&mut fx.mem, ipa, 2, 0).unwrap();
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::Translation, 2, ipa, false));
    fx.s2.put(&mut fx.mem, ipa, 3, desc::block(0x8000_0000, 1 << 10)).unwrap();
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::Translation, 3, ipa, false));
    // Access flag, then address size on the output, then a table address above PS.
    fx.map_s2(ipa, 0x8000_0000, 3, S2Leaf { af: false, ..S2Leaf::default() });
    assert_eq!(fx.fault(0x1000, Access::fetch(0)), s2f(FaultKind::AccessFlag, 3, ipa, false));
    fx.map_s2(ipa, 1 << 40, 3, S2Leaf::default());
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::AddressSize, 3, ipa, false));
    fx.map_s2(ipa, 0x8000_0000, 3, S2Leaf::default());
    assert_eq!(fx.pa(0x1000, R1), 0x8000_0000);
    fx.s2.put(&mut fx.mem, ipa, 2, desc::table(1 << 42, 0)).unwrap();
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::AddressSize, 2, ipa, false));
    // VTCR_EL2.PS = 32 bits: outputs above 4GB fault; a VTTBR above PS faults at level 0.
    let mut fx = fx2(Granule::K4, 24, 1);
    fx.map(0x1000, 0x4000_0000, 3, S1Leaf::default());
    fx.map_s2(0x4000_0000, 0x1_0000_0000, 2, S2Leaf::default());
    assert_eq!(fx.pa(0x1000, R1), 0x1_0000_0000);
    fx.regs.vtcr_el2 &= !(7 << 16);
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::AddressSize, 2, 0x4000_0000, false));
    fx.regs.vttbr_el2 |= 1 << 35;
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::AddressSize, 0, TTBR0_ROOT, true));
}

#[test]
fn stage2_permission_matrix() {
    let mut fx = fx2(Granule::K4, 24, 1);
    for s2ap in 0..4u8 {
        for xn in [false, true] {
            let i = u64::from(s2ap) * 2 + u64::from(xn);
            let ipa = 0x8000_0000 + i * 0x20_0000;
            fx.map_s2(ipa, 0x9000_0000 + i * 0x20_0000, 2, S2Leaf { s2ap, xn, ..S2Leaf::default() });
            // Stage 1 grants everything at EL1 and EL0 except PX (AP = 01 implies PXN).
            let va = 0x100_0000 + i * 0x1000;
            fx.map(va, ipa + 0x1000, 3, S1Leaf { ap: 0b01, ..S1Leaf::default() });
            let va_x = 0x200_0000 + i * 0x1000;
            fx.map(va_x, ipa + 0x1000, 3, S1Leaf { ap: 0b00, ..S1Leaf::default() });
            for (acc, v, ok) in [
                (Access::read(1), va, s2ap & 1 != 0),
                (Access::read(0), va, s2ap & 1 != 0),
                (Access::write(1), va, s2ap & 2 != 0),
                (Access::write(0), va, s2ap & 2 != 0),
                (Access::fetch(0), va, !xn),
                (Access::fetch(1), va_x, !xn), // execute needs no S2AP read permission
            ] {
                match (ok, fx.tr(v + 0x10, acc)) {
                    (true, Ok(t)) => assert_eq!(t.pa.0, 0x9000_1010 + i * 0x20_0000),
                    (false, Err(f)) => {
                        let ipa_full = ipa + 0x1010;
                        assert_eq!(f, s2f(FaultKind::Permission, 2, ipa_full, false), "S2AP {s2ap} XN {xn} {acc:?}");
                        assert_eq!(f.hpfar_el2(), Some((ipa_full >> 12) << 4));
                        assert_eq!(
                            f.data_abort_iss(acc.is_write(), false) & 0x1ff,
                            0b1110 | u32::from(acc.is_write()) << 6
                        );
                    }
                    (ok, r) => panic!("S2AP {s2ap} XN {xn} {acc:?}: expected ok={ok}, got {r:?}"),
                }
            }
        }
    }
    // A stage 1 Permission fault takes priority over a stage 2 one.
    fx.map(0x30_0000, 0x8000_1000, 3, S1Leaf { ap: 0b10, ..S1Leaf::default() });
    assert_eq!(fx.fault(0x30_0000, Access::write(1)), s1f(FaultKind::Permission, 3));
    let t = fx.tr(0x100_0000, R1).unwrap_err();
    assert!(t.is_stage2());
}

#[test]
fn faults_on_the_stage1_walk() {
    let mut fx = fx2(Granule::K4, 24, 1);
    fx.map(0x1000, 0x4000_0000, 3, S1Leaf::default());
    fx.map_s2(0x4000_0000, 0x8000_0000, 2, S2Leaf::default());
    assert_eq!(fx.pa(0x1000, R1), 0x8000_0000);
    let l3_table = fx.lo.entry_addr(&mut fx.mem, 0x1000, 3).unwrap();

    // The stage 1 level 3 table's page is not readable at stage 2.
    fx.map_s2(l3_table, l3_table, 3, S2Leaf { s2ap: 0b10, ..S2Leaf::default() });
    let f = fx.fault(0x1000, Access::write(1));
    assert_eq!(f, s2f(FaultKind::Permission, 3, l3_table, true));
    assert_eq!(f.data_abort_iss(true, false), 0b1100_1111);
    assert_eq!(f.instruction_abort_iss(), 0b1000_1111);
    assert_eq!(f.par_el1(), 1 | 0b001111 << 1 | 1 << 8 | 1 << 9 | 1 << 11);

    // Device memory at stage 2 for a table: fine without HCR_EL2.PTW, a Permission fault with.
    fx.map_s2(l3_table, l3_table, 3, S2Leaf { memattr: 0b0001, ..S2Leaf::default() });
    assert_eq!(fx.pa(0x1000, R1), 0x8000_0000);
    fx.regs.hcr_el2 |= hcr::PTW;
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::Permission, 3, l3_table, true));
    fx.regs.hcr_el2 |= hcr::TGE; // PTW is ignored under TGE (and stage 1 is off)
    assert_eq!(fx.pa(0x1000, R1), 0x1000);
    fx.regs.hcr_el2 &= !(hcr::TGE | hcr::PTW);

    // The table's IPA is not mapped at all (level 2 of stage 2 has no entry for it).
    fx.lo.put(&mut fx.mem, 0x20_0000, 2, desc::table(0x180_0000, 0)).unwrap();
    let f = fx.fault(0x20_5000, R1);
    assert_eq!(f, s2f(FaultKind::Translation, 2, 0x180_0000 + 5 * 8, true));
    assert_eq!(f.hpfar_el2(), Some(0x1800 << 4));

    // Access flag clear in the stage 2 entry of a table.
    fx.map_s2(l3_table, l3_table, 3, S2Leaf { af: false, ..S2Leaf::default() });
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::AccessFlag, 3, l3_table, true));
    fx.map_s2(l3_table, l3_table, 3, S2Leaf::default());

    // An External abort on the stage 2 walk for a table address is a stage 2 fault with S1PTW;
    // one on the stage 1 descriptor itself is a stage 1 fault.
    let s2_entry = fx.s2.entry_addr(&mut fx.mem, l3_table, 3).unwrap();
    let mut aborting = fx.mem.clone();
    aborting.abort_on(s2_entry..s2_entry + 8);
    std::mem::swap(&mut fx.mem, &mut aborting);
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::ExternalAbortOnWalk, 3, l3_table, true));
    std::mem::swap(&mut fx.mem, &mut aborting);
    let mut aborting = fx.mem.clone();
    aborting.abort_on(l3_table..l3_table + 0x1000);
    std::mem::swap(&mut fx.mem, &mut aborting);
    assert_eq!(fx.fault(0x1000, R1), s1f(FaultKind::ExternalAbortOnWalk, 3));
    std::mem::swap(&mut fx.mem, &mut aborting);
    // And on the final IPA's stage 2 walk: stage 2, no S1PTW.
    let leaf = fx.s2.entry_addr(&mut fx.mem, 0x4000_0000, 2).unwrap();
    fx.mem.abort_on(leaf..leaf + 8);
    assert_eq!(fx.fault(0x1000, R1), s2f(FaultKind::ExternalAbortOnWalk, 2, 0x4000_0000, false));
}

#[test]
fn memory_attribute_combination() {
    let mut fx = fx2(Granule::K4, 24, 1);
    let s2 = |memattr, sh| S2Leaf { memattr, sh, ..S2Leaf::default() };
    // (stage 1 MAIR index, stage 1 SH, stage 2 MemAttr, stage 2 SH) -> (MAIR byte, SH)
    let cases = [
        (IDX_WB, 3, 0b1111, 3, 0xff, Shareability::Inner),
        (IDX_WB, 0, 0b1111, 3, 0xff, Shareability::Inner),
        (IDX_WB, 3, 0b1111, 2, 0xff, Shareability::Outer),
        (IDX_WB, 0, 0b1111, 0, 0xff, Shareability::Non),
        (IDX_WB, 3, 0b1010, 3, 0xbb, Shareability::Inner),
        (IDX_WB, 3, 0b1101, 3, 0xf4, Shareability::Inner),
        (IDX_WB, 3, 0b0101, 0, 0x44, Shareability::Outer),
        (IDX_WB, 3, 0b0000, 3, 0x00, Shareability::Outer),
        (IDX_WB, 3, 0b0011, 3, 0x0c, Shareability::Outer),
        (IDX_NC, 3, 0b1111, 3, 0x44, Shareability::Outer),
        (IDX_DEVICE, 0, 0b1111, 3, 0x00, Shareability::Outer),
        (3, 0, 0b0000, 0, 0x00, Shareability::Outer), // nGnRE + nGnRnE
        (5, 0, 0b0001, 0, 0x04, Shareability::Outer), // GRE + nGnRE
        (4, 3, 0b1111, 3, 0xbb, Shareability::Inner), // WT + WB
    ];
    for (i, (idx, sh1, memattr, sh2, byte, sh)) in cases.into_iter().enumerate() {
        let ipa = 0x8000_0000 + (i as u64) * 0x20_0000;
        fx.map_s2(ipa, ipa + 0x1000_0000, 2, s2(memattr, sh2));
        let va = 0x100_0000 + (i as u64) * 0x1000;
        fx.map(va, ipa, 3, S1Leaf { attr_index: idx, sh: sh1, ..S1Leaf::default() });
        let a = fx.tr(va, R1).unwrap().attrs;
        assert_eq!((a.mair_byte(), a.shareability()), (byte, sh), "case {i}");
    }
    // Stage 2 Device makes unaligned data accesses fault at stage 2; fetches are Normal NC.
    let f = fx.fault(0x100_7001, Access::read(1).unaligned());
    assert_eq!(f, s2f(FaultKind::Alignment, 0, 0x80e0_0001, false));
    assert_eq!(f.fsc(), 0b100001);
    assert_eq!(fx.tr(0x100_7000, Access::fetch(1)).unwrap().attrs, MemAttrs::NORMAL_NC);
    // Stage 1 Device with unaligned access: stage 1 Alignment fault first.
    assert_eq!(fx.fault(0x100_a001, Access::read(1).unaligned()).stage, Stage::One);
    // HCR_EL2.CD: Normal data Non-cacheable at stage 2; HCR_EL2.ID: fetches.
    fx.regs.hcr_el2 |= hcr::CD;
    assert_eq!(fx.tr(0x100_0000, R1).unwrap().attrs, MemAttrs::NORMAL_NC);
    assert_eq!(fx.tr(0x100_0000, Access::fetch(1)).unwrap().attrs.mair_byte(), 0xff);
    fx.regs.hcr_el2 ^= hcr::CD | hcr::ID;
    assert_eq!(fx.tr(0x100_0000, R1).unwrap().attrs.mair_byte(), 0xff);
    assert_eq!(fx.tr(0x100_0000, Access::fetch(1)).unwrap().attrs, MemAttrs::NORMAL_NC);
}

#[test]
fn stage1_disabled_with_stage2_and_hcr_dc() {
    let mut fx = fx2(Granule::K4, 24, 1);
    fx.map_s2(0x8000_0000, 0x9000_0000, 2, S2Leaf::default());
    fx.regs.sctlr_el1 = sctlr::I;
    let t = fx.tr(0x8000_1234, R1).unwrap();
    assert_eq!((t.pa.0, t.ipa.0, t.s1_level, t.s2_level), (0x9000_1234, 0x8000_1234, None, Some(2)));
    assert_eq!(t.attrs, MemAttrs::DEVICE_NGNRNE);
    assert_eq!(t.size_bits, 21);
    assert_eq!(fx.tr(0x8000_1234, Access::fetch(1)).unwrap().attrs.mair_byte(), 0xaa);
    assert_eq!(fx.fault(0x8000_1001, Access::read(0).unaligned()).stage, Stage::One);
    // Above the PA size: stage 1 Address size fault before stage 2 is consulted.
    assert_eq!(fx.fault(1 << 41, R1), s1f(FaultKind::AddressSize, 0));
    // HCR_EL2.DC: stage 1 off even with SCTLR_EL1.M, Normal WB Non-shareable, stage 2 on even
    // with VM = 0.
    fx.regs.sctlr_el1 = sctlr::M | sctlr::C | sctlr::I;
    fx.regs.hcr_el2 = hcr::DC;
    let t = fx.tr(0x8000_1001, Access::write(1).unaligned()).unwrap();
    assert_eq!(
        (t.pa.0, t.s1_level, t.attrs.mair_byte(), t.attrs.shareability()),
        (0x9000_1001, None, 0xff, Shareability::Inner)
    );
    let t = fx.tr(0x8000_1000, Access::fetch(0)).unwrap();
    assert_eq!(t.attrs.mair_byte(), 0xff);
    assert_eq!(fx.fault(0x7000_0000, R1), s2f(FaultKind::Translation, 1, 0x7000_0000, false));
    // With a Device stage 2, the result is Device.
    fx.map_s2(0xa000_0000, 0xa000_0000, 2, S2Leaf { memattr: 0b0001, ..S2Leaf::default() });
    assert!(matches!(fx.tr(0xa000_0000, R1).unwrap().attrs.mem_type(), MemType::Device(DeviceType::NGnRE)));
}

#[test]
fn entry_size_is_the_smaller_stage() {
    let mut fx = fx2(Granule::K4, 24, 1);
    // Stage 1 2MB block over stage 2 4KB pages.
    fx.map(0x20_0000, 0x4000_0000, 2, S1Leaf::default());
    for i in 0..512 {
        fx.map_s2(0x4000_0000 + i * 0x1000, 0x8000_0000 + (511 - i) * 0x1000, 3, S2Leaf::default());
    }
    let t = fx.tr(0x20_3456, R1).unwrap();
    assert_eq!(
        (t.pa.0, t.size_bits, t.s1_level, t.s2_level),
        (0x8000_0000 + 508 * 0x1000 + 0x456, 12, Some(2), Some(3))
    );
    // Stage 1 page over a stage 2 1GB block.
    fx.map_s2(0x1_0000_0000, 0xc000_0000, 1, S2Leaf::default());
    fx.map(0x1000, 0x1_2345_6000, 3, S1Leaf::default());
    let t = fx.tr(0x1abc, R1).unwrap();
    assert_eq!((t.pa.0, t.size_bits, t.s2_level), (0xe345_6abc, 12, Some(1)));
    // 2MB over 1GB: 2MB.
    fx.map(0x40_0000, 0x1_0060_0000, 2, S1Leaf::default());
    let t = fx.tr(0x41_2345, R1).unwrap();
    assert_eq!((t.pa.0 & low_mask(32), t.size_bits), (0xc061_2345, 21));
}
