//! Advanced SIMD vector x indexed element (C4.1.6; C7.2 MUL, MLA, MLS, SQDMULH, SQRDMULH,
//! S/UMLAL, S/UMLSL, S/UMULL, SQDMLAL, SQDMLSL, SQDMULL, FMLA, FMLS, FMUL, FMULX by element):
//! the element is replicated and the vector form runs on it, which is what the pseudocode's
//! `element2 = Elem[operand2, index, esize]` in every lane amounts to.

#![allow(clippy::too_many_arguments)]

use a64::simd_operands::{element_operand, long_by_element};

use super::vector::{elem, replicate};
use super::{ExecResult, Step};
use crate::state::Cpu;

impl Cpu {
    /// C4.1.6 Advanced SIMD vector x indexed element.
    pub(crate) fn simd_elem(
        &mut self,
        q: u8,
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
                (0, 1) => self.three_same_fp(q, 0, 0, sz, b, 1, rn, rd), // FMLA
                (0, 5) => self.three_same_fp(q, 0, 1, sz, b, 1, rn, rd), // FMLS
                (0, _) => self.three_same_fp(q, 1, 0, sz, b, 3, rn, rd), // FMUL
                _ => self.three_same_fp(q, 0, 0, sz, b, 3, rn, rd),      // FMULX
            }
            return Ok(Step::Next);
        }
        let esize = 8u32 << size;
        let b = replicate(elem(vm, index, esize), esize);
        match (u, opcode) {
            (0, 8) => self.three_same_int(q, 0, size, b, 0x13, rn, rd), // MUL
            (1, 0) => self.three_same_int(q, 0, size, b, 0x12, rn, rd), // MLA
            (1, 4) => self.three_same_int(q, 1, size, b, 0x12, rn, rd), // MLS
            (0, 12) => self.three_same_int(q, 0, size, b, 0x16, rn, rd), // SQDMULH
            (0, 13) => self.three_same_int(q, 1, size, b, 0x16, rn, rd), // SQRDMULH
            _ => self.three_diff(q, u, size, b, long_by_element(opcode), rn, rd),
        }
        Ok(Step::Next)
    }
}
