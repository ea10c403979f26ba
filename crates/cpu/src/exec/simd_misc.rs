//! Advanced SIMD two-register miscellaneous and across-lanes instructions (C4.1.6; C7.2):
//! reversals, pairwise long adds, counts, saturating absolute/negate/accumulate, compares with
//! zero, narrowing (XTN, SQXTN, UQXTN, SQXTUN, FCVTN, FCVTXN) and widening (SHLL, FCVTL)
//! moves, FP rounding, conversions, estimates and square root; and the reductions ADDV,
//! S/UADDLV, S/UMAXV, S/UMINV, FMAXV, FMINV, FMAXNMV, FMINNMV.

#![allow(clippy::too_many_arguments)]

use super::simd_int::{int, sat, sat_signed};
use super::vector::{elem, emask, half, lanes, set_elem};
use super::{sext, ExecResult, Step};
use crate::fp::{self, Fmt, Fpcr, Relation, Rounding};
use crate::state::Cpu;

/// One lane of an integer two-register operation that keeps the element size.
fn misc_int_lane(u: u8, opcode: u8, esize: u32, x: u64, acc: u64, qc: &mut bool) -> u64 {
    let mask = emask(esize);
    let sx = int(x, esize, false);
    let all = |b: bool| if b { mask } else { 0 };
    let mut saturated = |(v, s): (u64, bool)| {
        *qc |= s;
        v
    };
    match (u, opcode) {
        // SUQADD: signed accumulator plus unsigned operand; USQADD the other way round.
        (0, 0x03) => saturated(sat(int(acc, esize, false) + int(x, esize, true), esize, false)),
        (_, 0x03) => saturated(sat(int(acc, esize, true) + sx, esize, true)),
        // CLS: leading bits equal to the sign bit, not counting it.
        (0, 0x04) => {
            let s = sext(x, esize) as i64;
            u64::from((s ^ (s >> 63)).leading_zeros()) - 1 - (64 - u64::from(esize))
        }
        (_, 0x04) => u64::from((x << (64 - esize)).leading_zeros()).min(u64::from(esize)),
        (0, 0x05) => u64::from(x.count_ones()),
        (0, 0x07) => saturated(sat_signed(sx.abs(), esize)),
        (_, 0x07) => saturated(sat_signed(-sx, esize)),
        (0, 0x08) => all(sx > 0),
        (_, 0x08) => all(sx >= 0),
        (0, 0x09) => all(sx == 0),
        (_, 0x09) => all(sx <= 0),
        (0, 0x0a) => all(sx < 0),
        (0, 0x0b) => sx.unsigned_abs() as u64 & mask,
        _ => (-sx) as u64 & mask,
    }
}

/// J1 `FPCompareGT(0, x)` and friends for the compares with zero.
fn fp_compare_zero(x: u64, u: u8, opcode: u8, fmt: Fmt, fpcr: Fpcr, f: &mut u32) -> bool {
    match (u, opcode) {
        (0, 0x0c) => fp::compare_rel(x, 0, Relation::Gt, fmt, fpcr, f),
        (1, 0x0c) => fp::compare_rel(x, 0, Relation::Ge, fmt, fpcr, f),
        (0, 0x0d) => fp::compare_rel(x, 0, Relation::Eq, fmt, fpcr, f),
        (1, 0x0d) => fp::compare_rel(0, x, Relation::Ge, fmt, fpcr, f),
        _ => fp::compare_rel(0, x, Relation::Gt, fmt, fpcr, f),
    }
}

/// One lane of a floating-point two-register operation (size<1> = `a`).
fn misc_fp_lane(u: u8, a: u8, opcode: u8, fmt: Fmt, x: u64, fpcr: Fpcr, f: &mut u32) -> u64 {
    let sign = 1u64 << (fmt.bits() - 1);
    let width = fmt.bits();
    let to_int = |rounding: Rounding, f: &mut u32| fp::to_fixed(x, fmt, 0, u == 1, width, fpcr, rounding, f);
    match (opcode, a) {
        (0x0c..=0x0e, _) => emask(width) * u64::from(fp_compare_zero(x, u, opcode, fmt, fpcr, f)),
        (0x0f, _) if u == 0 => x & !sign,
        (0x0f, _) => x ^ sign,
        (0x18, 0) if u == 0 => fp::round_int(x, fmt, fpcr, Rounding::TieEven, false, f),
        (0x18, _) if u == 0 => fp::round_int(x, fmt, fpcr, Rounding::PosInf, false, f),
        (0x18, _) => fp::round_int(x, fmt, fpcr, Rounding::TieAway, false, f),
        (0x19, 0) if u == 0 => fp::round_int(x, fmt, fpcr, Rounding::NegInf, false, f),
        (0x19, _) if u == 0 => fp::round_int(x, fmt, fpcr, Rounding::Zero, false, f),
        (0x19, 0) => fp::round_int(x, fmt, fpcr, fpcr.rounding(), true, f),
        (0x19, _) => fp::round_int(x, fmt, fpcr, fpcr.rounding(), false, f),
        (0x1a, 0) => to_int(Rounding::TieEven, f),
        (0x1a, _) => to_int(Rounding::PosInf, f),
        (0x1b, 0) => to_int(Rounding::NegInf, f),
        (0x1b, _) => to_int(Rounding::Zero, f),
        (0x1c, 0) => to_int(Rounding::TieAway, f),
        (0x1c, _) if u == 0 => u64::from(fp::unsigned_recip_estimate(x as u32)),
        (0x1c, _) => u64::from(fp::unsigned_rsqrt_estimate(x as u32)),
        (0x1d, 0) => fp::fixed_to_fp(x, width, u == 1, 0, fmt, fpcr, fpcr.rounding(), f),
        (0x1d, _) if u == 0 => fp::recip_estimate(x, fmt, fpcr, f),
        (0x1d, _) => fp::rsqrt_estimate(x, fmt, fpcr, f),
        _ => fp::sqrt(x, fmt, fpcr, f),
    }
}

impl Cpu {
    /// C4.1.6 Advanced SIMD two-register miscellaneous.
    pub(crate) fn simd_2misc(&mut self, q: u8, u: u8, size: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let vn = self.v[usize::from(rn) & 31];
        let d = usize::from(rd) & 31;
        let old = self.v[d];
        let esize = 8u32 << size;
        let mut result = 0u128;
        let mut qc = false;
        let mut flags = 0;
        let fpcr = self.fpcr();
        match (u, opcode) {
            // REV64, REV32, REV16: reverse the elements within each container.
            (_, 0x00) | (0, 0x01) => {
                let container = match (u, opcode) {
                    (0, 0) => 64,
                    (1, 0) => 32,
                    _ => 16,
                };
                let per = container / esize;
                for i in 0..lanes(q, esize) {
                    let j = (i / per) * per + (per - 1 - i % per);
                    set_elem(&mut result, i, esize, elem(vn, j, esize));
                }
            }
            // SADDLP, UADDLP, SADALP, UADALP.
            (_, 0x02) | (_, 0x06) => {
                for i in 0..lanes(q, 2 * esize) {
                    let sum =
                        int(elem(vn, 2 * i, esize), esize, u == 1) + int(elem(vn, 2 * i + 1, esize), esize, u == 1);
                    let acc = if opcode == 6 { elem(old, i, 2 * esize) } else { 0 };
                    set_elem(&mut result, i, 2 * esize, acc.wrapping_add(sum as u64));
                }
            }
            (1, 0x05) if size == 0 => result = !vn, // NOT
            (1, 0x05) => {
                // RBIT: the bits of each byte reversed.
                for i in 0..16 {
                    set_elem(&mut result, i, 8, u64::from((elem(vn, i, 8) as u8).reverse_bits()));
                }
            }
            // XTN, SQXTN, UQXTN, SQXTUN (and the "2" forms into the upper half).
            (_, 0x12) | (_, 0x14) => {
                let (count, part) = half(q, esize);
                result = if q == 1 { old & u128::from(u64::MAX) } else { 0 };
                for i in 0..count {
                    let wide = elem(vn, i, 2 * esize);
                    let value = match (u, opcode) {
                        (0, 0x12) => wide & emask(esize),
                        (1, 0x12) => {
                            let (v, s) = sat(int(wide, 2 * esize, false), esize, true);
                            qc |= s;
                            v
                        }
                        _ => {
                            let (v, s) = sat(int(wide, 2 * esize, u == 1), esize, u == 1);
                            qc |= s;
                            v
                        }
                    };
                    set_elem(&mut result, part + i, esize, value);
                }
            }
            // SHLL, SHLL2.
            (1, 0x13) => {
                let base = u32::from(q) * (64 / esize);
                for i in 0..64 / esize {
                    set_elem(&mut result, i, 2 * esize, elem(vn, base + i, esize) << esize);
                }
            }
            // FCVTN, FCVTXN (narrow to the lower or upper half), FCVTL (widen a half).
            (_, 0x16) => {
                let (from, to, odd) = if size & 1 == 1 { (Fmt::D, Fmt::S, u == 1) } else { (Fmt::S, Fmt::H, false) };
                let rounding = if odd { Rounding::Odd } else { fpcr.rounding() };
                let (wide, narrow) = (from.bits(), to.bits());
                let (count, part) = half(q, narrow);
                result = if q == 1 { old & u128::from(u64::MAX) } else { 0 };
                for i in 0..count {
                    let value = fp::convert(elem(vn, i, wide), from, to, fpcr, rounding, &mut flags);
                    set_elem(&mut result, part + i, narrow, value);
                }
            }
            (0, 0x17) => {
                let (from, to) = if size & 1 == 1 { (Fmt::S, Fmt::D) } else { (Fmt::H, Fmt::S) };
                let (narrow, wide) = (from.bits(), to.bits());
                let base = u32::from(q) * (64 / narrow);
                for i in 0..64 / narrow {
                    let value = fp::convert(elem(vn, base + i, narrow), from, to, fpcr, fpcr.rounding(), &mut flags);
                    set_elem(&mut result, i, wide, value);
                }
            }
            // Floating-point lanes: size<1> = a, size<0> = sz.
            (_, 0x0c..=0x0f) | (_, 0x18..=0x1f) => {
                let fmt = if size & 1 == 1 { Fmt::D } else { Fmt::S };
                let width = fmt.bits();
                for i in 0..lanes(q, width) {
                    let value = misc_fp_lane(u, size >> 1, opcode, fmt, elem(vn, i, width), fpcr, &mut flags);
                    set_elem(&mut result, i, width, value);
                }
            }
            _ => {
                for i in 0..lanes(q, esize) {
                    let value = misc_int_lane(u, opcode, esize, elem(vn, i, esize), elem(old, i, esize), &mut qc);
                    set_elem(&mut result, i, esize, value);
                }
            }
        }
        // SHLL and FCVTL always write 128 bits; the rest write 64 when Q is 0.
        let widening = matches!((u, opcode), (1, 0x13) | (0, 0x17));
        self.v[d] = if q == 0 && !widening { result & u128::from(u64::MAX) } else { result };
        self.set_qc(qc);
        self.fp_flags(flags);
        Ok(Step::Next)
    }

    /// C4.1.6 Advanced SIMD across lanes.
    pub(crate) fn simd_across(&mut self, q: u8, u: u8, size: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let vn = self.v[usize::from(rn) & 31];
        let esize = 8u32 << size;
        let count = lanes(q, esize);
        let unsigned = u == 1;
        let result: u64 = match opcode {
            // FMAXNMV, FMINNMV, FMAXV, FMINV (4S): J1 `Reduce`, pairs of pairs.
            0x0c | 0x0f => {
                let (fpcr, mut flags) = (self.fpcr(), 0);
                let op = |x: u64, y: u64, f: &mut u32| match (opcode, size >> 1) {
                    (0x0c, 0) => fp::max_num(x, y, Fmt::S, fpcr, f),
                    (0x0c, _) => fp::min_num(x, y, Fmt::S, fpcr, f),
                    (_, 0) => fp::max(x, y, Fmt::S, fpcr, f),
                    _ => fp::min(x, y, Fmt::S, fpcr, f),
                };
                let lo = op(elem(vn, 0, 32), elem(vn, 1, 32), &mut flags);
                let hi = op(elem(vn, 2, 32), elem(vn, 3, 32), &mut flags);
                let value = op(lo, hi, &mut flags);
                self.fp_flags(flags);
                value
            }
            // SADDLV, UADDLV: a sum twice as wide as the elements.
            0x03 => {
                let sum: i128 = (0..count).map(|i| int(elem(vn, i, esize), esize, unsigned)).sum();
                sum as u64 & emask(2 * esize)
            }
            // SMAXV, UMAXV, SMINV, UMINV, ADDV.
            _ => {
                let values = (0..count).map(|i| int(elem(vn, i, esize), esize, unsigned));
                let value = match opcode {
                    0x0a => values.max().unwrap_or(0),
                    0x1a => values.min().unwrap_or(0),
                    _ => values.sum(),
                };
                value as u64 & emask(esize)
            }
        };
        self.v[usize::from(rd) & 31] = u128::from(result);
        Ok(Step::Next)
    }
}
