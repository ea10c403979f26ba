//! The public API used the way the CPU will use it: registers in, translations and syndromes
//! out, AT and TLBI decoded from their SYS encodings. Only public items are used here.

use mmu::builder::{S1Leaf, S2Leaf, SparseMemory, TableBuilder};
use mmu::{
    hcr, sctlr, Access, AtOp, AtResult, FaultKind, Granule, Mmu, Stage, TlbConfig, TlbiOp, TranslationContext,
    TranslationRegs, VirtAddr,
};

/// A guest at EL1 with 4KB stage 1 over a 4KB stage 2 (40-bit IPA, two concatenated tables).
fn guest() -> (SparseMemory, TranslationRegs) {
    let mut mem = SparseMemory::new();
    // The guest's tables are in its RAM: IPA x is stored at PA x + 0x1_0000_0000.
    let mut s1 = TableBuilder::stage1(Granule::K4, 39, 0x4000_0000, 0x4010_0000..0x4020_0000);
    s1.phys_offset = 0x1_0000_0000;
    let user = S1Leaf { ap: 0b01, ng: true, ..S1Leaf::default() };
    let device = S1Leaf { attr_index: 1, uxn: true, pxn: true, ..S1Leaf::default() };
    s1.map(&mut mem, 0x40_0000, 0x4800_0000, 3, user.bits()).unwrap();
    s1.map(&mut mem, 0x60_0000, 0x0900_0000, 3, device.bits()).unwrap();
    let mut s2 = TableBuilder::stage2(Granule::K4, 40, 1, 0x8000_0000, 0x8010_0000..0x8020_0000);
    // Guest RAM: IPA 0x4000_0000.. -> PA 0x1_4000_0000.. in 2MB blocks; the UART at 0x0900_0000
    // is not mapped (the hypervisor emulates it).
    for i in 0..256 {
        s2.map(&mut mem, 0x4000_0000 + (i << 21), 0x1_4000_0000 + (i << 21), 2, S2Leaf::default().bits()).unwrap();
    }
    let regs = TranslationRegs {
        sctlr_el1: sctlr::M | sctlr::C | sctlr::I,
        tcr_el1: 25 | 1 << 8 | 1 << 10 | 3 << 12 | 25 << 16 | 2 << 30 | 2 << 32,
        ttbr0_el1: 0x4000_0000 | 9 << 48,
        mair_el1: 0x00ff,
        hcr_el2: hcr::VM,
        vtcr_el2: 24 | 1 << 6 | 1 << 8 | 1 << 10 | 3 << 12 | 2 << 16,
        vttbr_el2: 0x8000_0000 | 4 << 48,
        el2_enabled: true,
        parange: 2,
        ..Default::default()
    };
    (mem, regs)
}

#[test]
fn data_access_and_stage2_abort() {
    let (mut mem, regs) = guest();
    let ctx = TranslationContext::new(&regs);
    let mut mmu = Mmu::new(TlbConfig::default());

    // An EL0 store to a user page.
    let t = mmu.translate(&ctx, VirtAddr(0x40_0010), Access::write(0), &mut mem).unwrap();
    assert_eq!((t.pa.0, t.ipa.0, t.asid, t.vmid, t.global), (0x1_4800_0010, 0x4800_0010, 9, Some(4), false));

    // An EL1 load from the emulated UART: a stage 2 Translation fault at level 1, taken to EL2
    // as a Data Abort with HPFAR_EL2 = IPA[47:12] << 4.
    let f = mmu.translate(&ctx, VirtAddr(0x60_0000), Access::read(1), &mut mem).unwrap_err();
    assert_eq!((f.kind, f.level, f.stage, f.s1ptw), (FaultKind::Translation, 1, Stage::Two, false));
    assert_eq!(f.data_abort_iss(false, false), 0b000101);
    assert_eq!(f.hpfar_el2(), Some(0x9000 << 4));

    // An instruction fetch from it is a stage 1 Permission fault (PXN), reported first.
    let f = mmu.translate(&ctx, VirtAddr(0x60_0000), Access::fetch(1), &mut mem).unwrap_err();
    assert_eq!((f.stage, f.instruction_abort_iss()), (Stage::One, 0b001111));

    // LDTR at EL1 to the user page is fine; an unaligned access to Device faults first.
    assert!(mmu.translate(&ctx, VirtAddr(0x40_0000), Access::read(1).as_unprivileged(), &mut mem).is_ok());
    let f = mmu.translate(&ctx, VirtAddr(0x60_0001), Access::read(1).unaligned(), &mut mem).unwrap_err();
    assert_eq!((f.kind, f.stage), (FaultKind::Alignment, Stage::One));
    assert!(mmu.stats().tlb_hits >= 1);
}

#[test]
fn at_and_tlbi_from_their_encodings() {
    let (mut mem, regs) = guest();
    let ctx = TranslationContext::new(&regs);
    let mut mmu = Mmu::new(TlbConfig::default());
    // AT S12E0W (SYS #4, C7, C8, #7) from EL2.
    let op = AtOp::from_encoding(4, 7).unwrap();
    assert_eq!(mmu.at(&ctx, op, VirtAddr(0x40_0abc), 2, &mut mem), AtResult::Par(0xff00_0001_4800_0b80));
    // AT S1E1R from EL1 reports the IPA.
    let op = AtOp::from_encoding(0, 0).unwrap();
    assert_eq!(mmu.at(&ctx, op, VirtAddr(0x40_0abc), 1, &mut mem), AtResult::Par(0xff00_0000_4800_0b80));

    // TLBI ASIDE1IS (SYS #0, C8, C3, #2) with ASID 9 removes the non-global entry.
    mmu.translate(&ctx, VirtAddr(0x40_0000), Access::read(1), &mut mem).unwrap();
    let op = TlbiOp::from_encoding(0, 3, 2).unwrap();
    assert!(op.broadcast() && op.min_el() == 1);
    let inv = mmu.tlbi(op, 9 << 48, &ctx);
    let hits = mmu.stats().tlb_hits;
    mmu.translate(&ctx, VirtAddr(0x40_0000), Access::read(1), &mut mem).unwrap();
    assert_eq!(mmu.stats().tlb_hits, hits);
    // Another core applies the same scope.
    let mut other = Mmu::new(TlbConfig::default());
    other.invalidate(&inv);
    assert_eq!(other.stats().invalidations, 1);
}
