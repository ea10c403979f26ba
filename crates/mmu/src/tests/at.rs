//! AT instructions and PAR_EL1.

use super::*;
use crate::{AtOp, AtResult};

fn at(fx: &mut Fx, op: AtOp, va: u64, el: u8) -> AtResult {
    let ctx = fx.ctx();
    fx.mmu.at(&ctx, op, VirtAddr(va), el, &mut fx.mem)
}

/// PAR_EL1 for a fault: F, FST, PTW, S, RES1 bit 11.
fn par_fault(fsc: u64, ptw: bool, s: bool) -> AtResult {
    AtResult::Par(1 | fsc << 1 | u64::from(ptw) << 8 | u64::from(s) << 9 | 1 << 11)
}

#[test]
fn stage1_operations() {
    let mut fx = Fx::new(Granule::K4, 25);
    fx.map(0x1000, 0x87_6543_2000, 3, S1Leaf { ap: 0b10, ..S1Leaf::default() });
    fx.map(0x2000, 0x9000_0000, 3, S1Leaf { attr_index: IDX_DEVICE, ap: 0b01, ..S1Leaf::default() });
    fx.map(0x3000, 0x9000_0000, 3, S1Leaf { af: false, ..S1Leaf::default() });
    fx.map(0x4000, 0x9000_0000, 3, S1Leaf { attr_index: 4, sh: 0, ..S1Leaf::default() });
    // Success: PA[47:12], ATTR, SH, bit 11.
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x1234, 1), AtResult::Par(0xff00_0087_6543_2b80));
    assert_eq!(at(&mut fx, AtOp::S1e0w, 0x2fff, 1), AtResult::Par(0x9000_0b00));
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x4000, 1), AtResult::Par(0xbb00_0000_9000_0a00));
    // Faults: permission at the leaf level, translation, access flag.
    assert_eq!(at(&mut fx, AtOp::S1e1w, 0x1234, 1), par_fault(0b001111, false, false));
    assert_eq!(at(&mut fx, AtOp::S1e0r, 0x1234, 1), par_fault(0b001111, false, false));
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x5000, 1), par_fault(0b000111, false, false));
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x3000, 1), par_fault(0b001011, false, false));
    assert_eq!(at(&mut fx, AtOp::S1e1r, 1 << 40, 1), par_fault(0b000100, false, false));
    // S12 forms without stage 2 are the S1 forms.
    assert_eq!(at(&mut fx, AtOp::S12e1r, 0x1234, 2), AtResult::Par(0xff00_0087_6543_2b80));
    assert_eq!(at(&mut fx, AtOp::S12e0r, 0x1234, 2), par_fault(0b001111, false, false));
    // The EL2 regime with its MMU off: flat, Device-nGnRnE, Outer Shareable.
    assert_eq!(at(&mut fx, AtOp::S1e2w, 0x4000_0abc, 2), AtResult::Par(0x4000_0b00));
    assert_eq!(at(&mut fx, AtOp::S1e2r, 1 << 44, 2), par_fault(0b000000, false, false));
    // A synchronous External abort on the walk is taken, even at EL2.
    let root = fx.lo.entry_addr(&mut fx.mem, 0x1000, 1).unwrap();
    fx.mem.abort_on(root..root + 8);
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x1000, 2), AtResult::Abort(s1f(FaultKind::ExternalAbortOnWalk, 1)));
}

#[test]
fn two_stage_operations() {
    let mut fx = Fx::new(Granule::K4, 25).with_s2(Granule::K4, 24, 1);
    fx.map(0x1000, 0x4000_1000, 3, S1Leaf::default());
    fx.map_s2(0x4000_0000, 0x8000_0000, 2, S2Leaf { memattr: 0b0001, s2ap: 0b01, ..S2Leaf::default() });
    // S1 forms report the IPA and stage 1 attributes; S12 forms the PA and combined attributes.
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x1000, 1), AtResult::Par(0xff00_0000_4000_1b80));
    assert_eq!(at(&mut fx, AtOp::S1e1w, 0x1000, 2), AtResult::Par(0xff00_0000_4000_1b80));
    assert_eq!(at(&mut fx, AtOp::S12e1r, 0x1000, 2), AtResult::Par(0x400_0000_8000_1b00));
    assert_eq!(at(&mut fx, AtOp::S12e1w, 0x1000, 2), par_fault(0b001110, false, true));
    assert_eq!(at(&mut fx, AtOp::S12e0r, 0x1000, 2), par_fault(0b001111, false, false));
    // A stage 2 fault on the stage 1 walk: PAR with PTW and S from EL2, an abort from EL1.
    let l3 = fx.lo.entry_addr(&mut fx.mem, 0x1000, 3).unwrap();
    fx.s2.put(&mut fx.mem, l3, 3, 0).unwrap();
    // AT may use the stage 2 cache, so the change needs its TLBI.
    fx.mmu.tlbi_ipas2e1(5, l3 >> 12);
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x1000, 2), par_fault(0b000111, true, true));
    assert_eq!(at(&mut fx, AtOp::S12e1r, 0x1000, 2), par_fault(0b000111, true, true));
    assert_eq!(at(&mut fx, AtOp::S1e0r, 0x1000, 1), AtResult::Abort(s2f(FaultKind::Translation, 3, l3, true)));
    // HCR_EL2.DC: stage 1 off, Normal WB Non-shareable at stage 1.
    fx.regs.hcr_el2 = hcr::DC;
    assert_eq!(at(&mut fx, AtOp::S1e1r, 0x4000_2000, 1), AtResult::Par(0xff00_0000_4000_2a00));
    assert_eq!(at(&mut fx, AtOp::S12e1r, 0x4000_2000, 2), AtResult::Par(0x400_0000_8000_2b00));
}
