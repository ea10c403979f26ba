//! Advanced SIMD scalar instructions (C4.1.6 "Advanced SIMD scalar ..."; C7.2): the vector
//! handlers run on one element ([`SCALAR`]) for three same, three different, two-register
//! miscellaneous, shift by immediate and x indexed element; the scalar pairwise reductions
//! (ADDP, FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP), DUP (element) to a scalar and FRECPX are here.

#![allow(clippy::too_many_arguments)]

use a64::simd_operands::{element_operand, long_by_element};

use super::vector::{elem, replicate, SCALAR};
use super::{ExecResult, Step};
use crate::fp::{self, flag, Fmt};
use crate::state::Cpu;

/// J1 `FPRecpX`: the exponent inverted and the fraction cleared (an estimate of 1/x for
/// scaling), zeros and denormals to the largest exponent, NaNs processed.
fn recp_x(op: u64, fmt: Fmt, fpcr: fp::Fpcr, flags: &mut u32) -> u64 {
    let u = fp::unpack(op, fmt, fpcr, flags);
    if matches!(u.class, fp::Class::QNaN | fp::Class::SNaN) {
        return fp::process_nan(u.class, op, fmt, fpcr, flags);
    }
    let (e, f) = (fmt.e(), fmt.f());
    let exp = (op >> f) & ((1 << e) - 1);
    let sign = op & (1 << (e + f));
    let max_exp = (1u64 << e) - 2;
    let new_exp = if exp == 0 { max_exp } else { !exp & ((1 << e) - 1) };
    sign | (new_exp << f)
}

impl Cpu {
    /// Scalar three same.
    pub(crate) fn simd_s3same(&mut self, u: u8, size: u8, rm: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let b = self.v[usize::from(rm) & 31];
        if opcode >= 0x18 {
            self.three_same_fp(SCALAR, u, size >> 1, size & 1, b, opcode & 7, rn, rd);
        } else {
            self.three_same_int(SCALAR, u, size, b, opcode, rn, rd);
        }
        Ok(Step::Next)
    }

    /// Scalar three different (SQDMLAL, SQDMLSL, SQDMULL).
    pub(crate) fn simd_s3diff(&mut self, u: u8, size: u8, rm: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let b = self.v[usize::from(rm) & 31];
        self.three_diff(SCALAR, u, size, b, opcode, rn, rd);
        Ok(Step::Next)
    }

    /// Scalar two-register miscellaneous, with FRECPX.
    pub(crate) fn simd_s2misc(&mut self, u: u8, size: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        if (u, opcode) == (0, 0x1f) {
            let fmt = if size & 1 == 1 { Fmt::D } else { Fmt::S };
            let (fpcr, mut flags) = (self.fpcr(), 0);
            let value = recp_x(self.vscalar(rn, fmt), fmt, fpcr, &mut flags);
            self.set_vscalar(rd, value);
            self.fp_flags(flags & (flag::IOC | flag::IDC));
            return Ok(Step::Next);
        }
        self.simd_2misc(SCALAR, u, size, opcode, rn, rd)
    }

    /// Scalar pairwise: ADDP (D), and FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP of two elements.
    pub(crate) fn simd_spairwise(&mut self, u: u8, size: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let vn = self.v[usize::from(rn) & 31];
        let result = if u == 0 {
            elem(vn, 0, 64).wrapping_add(elem(vn, 1, 64))
        } else {
            let fmt = if size & 1 == 1 { Fmt::D } else { Fmt::S };
            let esize = fmt.bits();
            let (x, y) = (elem(vn, 0, esize), elem(vn, 1, esize));
            let (fpcr, mut flags) = (self.fpcr(), 0);
            let f = &mut flags;
            let value = match (opcode, size >> 1) {
                (0x0c, 0) => fp::max_num(x, y, fmt, fpcr, f),
                (0x0c, _) => fp::min_num(x, y, fmt, fpcr, f),
                (0x0d, _) => fp::add(x, y, fmt, fpcr, f),
                (_, 0) => fp::max(x, y, fmt, fpcr, f),
                _ => fp::min(x, y, fmt, fpcr, f),
            };
            self.fp_flags(flags);
            value
        };
        self.set_vscalar(rd, result);
        Ok(Step::Next)
    }

    /// Scalar DUP (element), the MOV (scalar) alias.
    pub(crate) fn simd_scopy(&mut self, imm5: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let size = u32::from(imm5 & 15).trailing_zeros();
        let esize = 8 << size;
        let value = elem(self.v[usize::from(rn) & 31], u32::from(imm5) >> (size + 1), esize);
        self.set_vscalar(rd, value);
        Ok(Step::Next)
    }

    /// Scalar shift by immediate.
    pub(crate) fn simd_sshift_imm(&mut self, u: u8, immh: u8, immb: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.simd_shift_imm(SCALAR, u, immh, immb, opcode, rn, rd)
    }

    /// Scalar x indexed element.
    pub(crate) fn simd_selem(
        &mut self,
        u: u8,
        size: u8,
        l: u8,
        m: u8,
        rm: u8,
        opcode: u8,
        h: u8,
        rn: u8,
        rd: u8,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let (index, reg) = element_operand(size, l, m, rm, h);
        let vm = self.v[usize::from(reg) & 31];
        if matches!((u, opcode), (0, 1 | 5 | 9) | (1, 9)) {
            let sz = size & 1;
            let esize = 32 << sz;
            let b = replicate(elem(vm, index, esize), esize);
            match (u, opcode) {
                (0, 1) => self.three_same_fp(SCALAR, 0, 0, sz, b, 1, rn, rd),
                (0, 5) => self.three_same_fp(SCALAR, 0, 1, sz, b, 1, rn, rd),
                (0, _) => self.three_same_fp(SCALAR, 1, 0, sz, b, 3, rn, rd),
                _ => self.three_same_fp(SCALAR, 0, 0, sz, b, 3, rn, rd),
            }
            return Ok(Step::Next);
        }
        let esize = 8u32 << size;
        let b = replicate(elem(vm, index, esize), esize);
        match opcode {
            12 => self.three_same_int(SCALAR, 0, size, b, 0x16, rn, rd),
            13 => self.three_same_int(SCALAR, 1, size, b, 0x16, rn, rd),
            _ => self.three_diff(SCALAR, 0, size, b, long_by_element(opcode), rn, rd),
        }
        Ok(Step::Next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frecpx_inverts_the_exponent() {
        let mut flags = 0;
        // FRECPX(2.0) = 0x40000000 -> exponent !0x80 = 0x7f: 1.0 (0x3f800000).
        assert_eq!(recp_x(0x4000_0000, Fmt::S, fp::Fpcr(0), &mut flags), 0x3f80_0000);
        // Zero and denormals get the largest finite exponent.
        assert_eq!(recp_x(0x8000_0001, Fmt::S, fp::Fpcr(0), &mut flags), 0xff00_0000);
        assert_eq!(flags, 0);
    }
}
