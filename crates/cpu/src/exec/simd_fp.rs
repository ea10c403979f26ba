//! Advanced SIMD floating-point instructions (C4.1.6; C7.2): three same (arithmetic, fused
//! multiply-add, max/min, compares, reciprocal steps, pairwise), lane by lane through the
//! soft-float core of [`crate::fp`], with the exception flags of all lanes accumulated.

#![allow(clippy::too_many_arguments)]

use super::vector::{elem, emask, lanes, set_elem};
use super::{ExecResult, Step};
use crate::fp::{self, Fmt, Fpcr, Relation};
use crate::state::Cpu;

/// One lane of a three-same FP operation; `pairwise` operations receive the pair.
fn three_same_fp_lane(u: u8, a: u8, opcode: u8, fmt: Fmt, x: u64, y: u64, acc: u64, fpcr: Fpcr, f: &mut u32) -> u64 {
    let sign = 1u64 << (fmt.bits() - 1);
    let ones = emask(fmt.bits());
    let all = |b: bool| if b { ones } else { 0 };
    match (u, opcode, a) {
        (_, 0, 0) => fp::max_num(x, y, fmt, fpcr, f),
        (_, 0, _) => fp::min_num(x, y, fmt, fpcr, f),
        (0, 1, 0) => fp::mul_add(acc, x, y, fmt, fpcr, f),
        (0, 1, _) => fp::mul_add(acc, x ^ sign, y, fmt, fpcr, f),
        (0, 2, 0) | (1, 2, 0) => fp::add(x, y, fmt, fpcr, f),
        (0, 2, _) => fp::sub(x, y, fmt, fpcr, f),
        (1, 2, _) => fp::sub(x, y, fmt, fpcr, f) & !sign,
        (0, 3, _) => fp::mul_x(x, y, fmt, fpcr, f),
        (_, 3, _) => fp::mul(x, y, fmt, fpcr, f),
        (0, 4, _) => all(fp::compare_rel(x, y, Relation::Eq, fmt, fpcr, f)),
        (_, 4, 0) => all(fp::compare_rel(x, y, Relation::Ge, fmt, fpcr, f)),
        (_, 4, _) => all(fp::compare_rel(x, y, Relation::Gt, fmt, fpcr, f)),
        (_, 5, 0) => all(fp::compare_rel(x & !sign, y & !sign, Relation::Ge, fmt, fpcr, f)),
        (_, 5, _) => all(fp::compare_rel(x & !sign, y & !sign, Relation::Gt, fmt, fpcr, f)),
        (_, 6, 0) => fp::max(x, y, fmt, fpcr, f),
        (_, 6, _) => fp::min(x, y, fmt, fpcr, f),
        (0, _, 0) => fp::recip_step(x, y, fmt, fpcr, f),
        (0, _, _) => fp::rsqrt_step(x, y, fmt, fpcr, f),
        _ => fp::div(x, y, fmt, fpcr, f),
    }
}

impl Cpu {
    /// C4.1.6 Advanced SIMD three same (floating-point).
    pub(crate) fn simd_3same_fp(
        &mut self,
        q: u8,
        u: u8,
        a: u8,
        sz: u8,
        rm: u8,
        opcode: u8,
        rn: u8,
        rd: u8,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let vm = self.v[usize::from(rm) & 31];
        self.three_same_fp(q, u, a, sz, vm, opcode, rn, rd);
        Ok(Step::Next)
    }

    /// Three same (floating-point) with `vm` as the second operand (a register or a replicated
    /// element).
    pub(crate) fn three_same_fp(&mut self, q: u8, u: u8, a: u8, sz: u8, vm: u128, opcode: u8, rn: u8, rd: u8) {
        let fmt = if sz == 1 { Fmt::D } else { Fmt::S };
        let esize = fmt.bits();
        let count = lanes(q, esize);
        let vn = self.v[usize::from(rn) & 31];
        let d = usize::from(rd) & 31;
        let old = self.v[d];
        let (fpcr, mut flags) = (self.fpcr(), 0);
        // FMAXNMP, FMINNMP, FADDP, FMAXP, FMINP operate on adjacent pairs of Vm:Vn.
        let pairwise = u == 1 && (opcode == 0 || opcode == 6 || (opcode == 2 && a == 0));
        let concat = |j: u32| if j < count { elem(vn, j, esize) } else { elem(vm, j - count, esize) };
        let mut result = 0u128;
        for i in 0..count {
            let (x, y) =
                if pairwise { (concat(2 * i), concat(2 * i + 1)) } else { (elem(vn, i, esize), elem(vm, i, esize)) };
            let value = three_same_fp_lane(u, a, opcode, fmt, x, y, elem(old, i, esize), fpcr, &mut flags);
            set_elem(&mut result, i, esize, value);
        }
        self.v[d] = result;
        self.fp_flags(flags);
    }
}
