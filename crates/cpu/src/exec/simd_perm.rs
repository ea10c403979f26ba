//! Advanced SIMD copy, permute, extract, table lookup and modified immediate (C4.1.6; C7.2
//! DUP, INS, SMOV, UMOV, UZP1/2, TRN1/2, ZIP1/2, EXT, TBL, TBX, MOVI, MVNI, ORR, BIC, FMOV).

use super::vector::{elem, emask, lanes, replicate, set_elem, sized};
use super::{sext, ExecResult, Step};
use crate::state::Cpu;

impl Cpu {
    /// C7.2 DUP (element, general), INS (element, general), SMOV, UMOV.
    pub(crate) fn simd_copy(&mut self, q: u8, op: u8, imm5: u8, imm4: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let size = u32::from(imm5 & 15).trailing_zeros();
        let esize = 8 << size;
        let index = u32::from(imm5) >> (size + 1);
        let (n, d) = (usize::from(rn) & 31, usize::from(rd) & 31);
        match (op, imm4) {
            (1, _) => {
                let value = elem(self.v[n], u32::from(imm4) >> size, esize);
                set_elem(&mut self.v[d], index, esize, value);
            }
            (_, 0) => self.v[d] = sized(replicate(elem(self.v[n], index, esize), esize), q),
            (_, 1) => self.v[d] = sized(replicate(self.xr(rn), esize), q),
            (_, 3) => {
                let value = self.xr(rn) & emask(esize);
                set_elem(&mut self.v[d], index, esize, value);
            }
            (_, 5) => self.set_xw(rd, sext(elem(self.v[n], index, esize), esize), q == 1),
            _ => self.set_x(rd, elem(self.v[n], index, esize)),
        }
        Ok(Step::Next)
    }

    /// C7.2 UZP1/UZP2 (opcode x01), TRN1/TRN2 (x10), ZIP1/ZIP2 (x11); opcode<2> selects part 2.
    pub(crate) fn simd_perm(&mut self, q: u8, size: u8, rm: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let esize = 8 << size;
        let count = lanes(q, esize);
        let part = u32::from(opcode >> 2);
        let (a, b) = (self.v[usize::from(rn) & 31], self.v[usize::from(rm) & 31]);
        // Element j of the concatenation Vm:Vn.
        let concat = |j: u32| if j < count { elem(a, j, esize) } else { elem(b, j - count, esize) };
        let mut result = 0u128;
        for i in 0..count {
            let value = match opcode & 3 {
                1 => concat(2 * i + part),
                2 => {
                    let pair = (i & !1) + part;
                    if i & 1 == 0 {
                        elem(a, pair, esize)
                    } else {
                        elem(b, pair, esize)
                    }
                }
                _ => {
                    let from = part * count / 2 + i / 2;
                    if i & 1 == 0 {
                        elem(a, from, esize)
                    } else {
                        elem(b, from, esize)
                    }
                }
            };
            set_elem(&mut result, i, esize, value);
        }
        self.v[usize::from(rd) & 31] = result;
        Ok(Step::Next)
    }

    /// C7.2 EXT: bytes `imm4..` of Vm:Vn.
    pub(crate) fn simd_ext(&mut self, q: u8, rm: u8, imm4: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (a, b) = (self.v[usize::from(rn) & 31], self.v[usize::from(rm) & 31]);
        let bytes = 8u32 << q;
        let mut result = 0u128;
        for i in 0..bytes {
            let j = i + u32::from(imm4);
            let byte = if j < bytes { elem(a, j, 8) } else { elem(b, j - bytes, 8) };
            set_elem(&mut result, i, 8, byte);
        }
        self.v[usize::from(rd) & 31] = result;
        Ok(Step::Next)
    }

    /// C7.2 TBL/TBX: bytes of the `len + 1` table registers from Vn (modulo 32) indexed by the
    /// bytes of Vm; out-of-range indices give 0 (TBL) or keep the destination byte (TBX).
    pub(crate) fn simd_tbl(&mut self, q: u8, rm: u8, len: u8, op: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let indices = self.v[usize::from(rm) & 31];
        let old = self.v[usize::from(rd) & 31];
        let table_bytes = 16 * (u32::from(len) + 1);
        let mut result = 0u128;
        for i in 0..(8u32 << q) {
            let index = elem(indices, i, 8) as u32;
            let byte = if index < table_bytes {
                let reg = (usize::from(rn) + (index / 16) as usize) & 31;
                elem(self.v[reg], index % 16, 8)
            } else if op == 1 {
                elem(old, i, 8)
            } else {
                0
            };
            set_elem(&mut result, i, 8, byte);
        }
        self.v[usize::from(rd) & 31] = sized(result, q);
        Ok(Step::Next)
    }

    /// C7.2 MOVI, MVNI, ORR (vector, immediate), BIC (vector, immediate), FMOV (vector,
    /// immediate): J1 `AdvSIMDExpandImm`.
    pub(crate) fn simd_modimm(&mut self, q: u8, op: u8, abc: u8, cmode: u8, defgh: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let imm64 = a64::allocated::adv_simd_expand_imm(op, cmode, (abc << 5) | defgh);
        let imm = u128::from(imm64) | (u128::from(imm64) << 64);
        let d = usize::from(rd) & 31;
        let orr_bic = cmode < 12 && cmode & 1 == 1;
        let result = if orr_bic {
            if op == 1 {
                self.v[d] & !imm
            } else {
                self.v[d] | imm
            }
        } else if op == 1 && cmode < 14 {
            !imm // MVNI
        } else {
            imm
        };
        self.v[d] = sized(result, q);
        Ok(Step::Next)
    }
}
