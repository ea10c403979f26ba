//! Advanced SIMD shift by immediate (C4.1.6; C7.2 SSHR, USHR, SSRA, USRA, SRSHR, URSHR, SRSRA,
//! URSRA, SRI, SHL, SLI, SQSHL, UQSHL, SQSHLU, SHRN, RSHRN, SQSHRN, SQRSHRN, UQSHRN, UQRSHRN,
//! SQSHRUN, SQRSHRUN, SSHLL, USHLL, and SCVTF, UCVTF, FCVTZS, FCVTZU with fraction bits).

#![allow(clippy::too_many_arguments)]

use super::simd_int::{int, sat};
use super::vector::{elem, emask, half, lanes, set_elem};
use super::{ExecResult, Step};
use crate::fp::{self, Fmt, Rounding};
use crate::state::Cpu;

/// `value` (an integer) shifted right by `shift` (1..=2 * esize), rounding if asked.
#[inline]
fn shift_right(value: i128, shift: u32, rounding: bool) -> i128 {
    let round = if rounding { 1i128 << (shift - 1) } else { 0 };
    (value + round) >> shift
}

impl Cpu {
    /// C4.1.6 Advanced SIMD shift by immediate.
    pub(crate) fn simd_shift_imm(
        &mut self,
        q: u8,
        u: u8,
        immh: u8,
        immb: u8,
        opcode: u8,
        rn: u8,
        rd: u8,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let size = u32::from(immh).checked_ilog2().unwrap_or(0);
        let esize = 8u32 << size;
        let imm = (u32::from(immh) << 3) | u32::from(immb);
        let right = 2 * esize - imm;
        let left = imm - esize;
        let unsigned = u == 1;
        let vn = self.v[usize::from(rn) & 31];
        let d = usize::from(rd) & 31;
        let old = self.v[d];
        let mask = emask(esize);
        let mut result = 0u128;
        let mut qc = false;
        let mut flags = 0;
        match opcode {
            // Narrowing right shifts: 2 * esize sources into the lower or upper half.
            0x10..=0x13 => {
                let (count, part) = half(q, esize);
                result = if q == 1 { old & u128::from(u64::MAX) } else { 0 };
                let rounding = opcode & 1 == 1;
                for i in 0..count {
                    let source = elem(vn, i, 2 * esize);
                    let value = match (u, opcode) {
                        (0, 0x10 | 0x11) => shift_right(i128::from(source), right, rounding) as u64 & mask,
                        (1, 0x10 | 0x11) => {
                            let (v, s) = sat(shift_right(int(source, 2 * esize, false), right, rounding), esize, true);
                            qc |= s;
                            v
                        }
                        _ => {
                            let shifted = shift_right(int(source, 2 * esize, unsigned), right, rounding);
                            let (v, s) = sat(shifted, esize, unsigned);
                            qc |= s;
                            v
                        }
                    };
                    set_elem(&mut result, part + i, esize, value);
                }
            }
            // SSHLL, USHLL (SXTL, UXTL): widen the lower or upper half, then shift.
            0x14 => {
                let base = u32::from(q) * (64 / esize);
                for i in 0..64 / esize {
                    let value = int(elem(vn, base + i, esize), esize, unsigned) << left;
                    set_elem(&mut result, i, 2 * esize, value as u64);
                }
            }
            // Fixed-point conversions with 2 * esize - imm fraction bits.
            0x1c | 0x1f => {
                let (fpcr, fmt) = (self.fpcr(), if esize == 64 { Fmt::D } else { Fmt::S });
                for i in 0..lanes(q, esize) {
                    let x = elem(vn, i, esize);
                    let value = if opcode == 0x1c {
                        fp::fixed_to_fp(x, esize, unsigned, right, fmt, fpcr, fpcr.rounding(), &mut flags)
                    } else {
                        fp::to_fixed(x, fmt, right, unsigned, esize, fpcr, Rounding::Zero, &mut flags)
                    };
                    set_elem(&mut result, i, esize, value);
                }
            }
            _ => {
                for i in 0..lanes(q, esize) {
                    let x = elem(vn, i, esize);
                    let acc = elem(old, i, esize);
                    let value = match (u, opcode) {
                        // SSHR, USHR, SRSHR, URSHR and the accumulating SSRA, USRA, SRSRA, URSRA.
                        (_, 0x00..=0x06) => {
                            let shifted = shift_right(int(x, esize, unsigned), right, opcode & 4 != 0) as u64;
                            if opcode & 2 != 0 {
                                acc.wrapping_add(shifted) & mask
                            } else {
                                shifted & mask
                            }
                        }
                        // SRI: insert x >> shift under a mask of the bits it reaches.
                        (1, 0x08) => {
                            let reach = if right >= esize { 0 } else { mask >> right };
                            let shifted = if right >= esize { 0 } else { x >> right };
                            (acc & !reach) | shifted
                        }
                        (0, 0x0a) => (x << left) & mask,
                        // SLI.
                        (1, 0x0a) => {
                            let reach = (mask << left) & mask;
                            (acc & !reach) | ((x << left) & mask)
                        }
                        // SQSHLU: signed source, unsigned saturation.
                        (1, 0x0c) => {
                            let (v, s) = sat(int(x, esize, false) << left, esize, true);
                            qc |= s;
                            v
                        }
                        // SQSHL, UQSHL (immediate).
                        _ => {
                            let (v, s) = sat(int(x, esize, unsigned) << left, esize, unsigned);
                            qc |= s;
                            v
                        }
                    };
                    set_elem(&mut result, i, esize, value);
                }
            }
        }
        let widening = opcode == 0x14;
        self.v[d] = if q == 0 && !widening { result & u128::from(u64::MAX) } else { result };
        self.set_qc(qc);
        self.fp_flags(flags);
        Ok(Step::Next)
    }
}
