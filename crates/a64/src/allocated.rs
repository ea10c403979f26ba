//! Constraints on encodings that a bit pattern in `isa/a64.isa` cannot express. Each rule cites
//! the encoding's "unallocated" or "reserved" condition in the ARM ARM (DDI 0487, C4.1 and the
//! instruction pages of C6).

use crate::Insn;

/// C6.2 `DecodeBitMasks`: the element size and rotation of a logical immediate, or `None` for
/// a reserved value.
pub fn decode_bit_masks(n: u8, imms: u8, immr: u8, is_64: bool) -> Option<u64> {
    let combined = (u32::from(n) << 6) | (u32::from(!imms) & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros();
    if len < 1 || (!is_64 && len > 5) {
        return None;
    }
    let esize = 1u32 << len;
    let levels = esize - 1;
    let s = u32::from(imms) & levels;
    let r = u32::from(immr) & levels;
    if s == levels {
        return None;
    }
    let welem: u64 = (1u64 << (s + 1)) - 1;
    let emask = if esize == 64 { u64::MAX } else { (1u64 << esize) - 1 };
    let rotated = if r == 0 { welem } else { ((welem >> r) | (welem << (esize - r))) & emask };
    // Replicate the element across 64 bits: multiplying by 0x..0101 (one 1 per element) places a
    // copy in every element, since the copies cannot carry into each other.
    let value = if esize == 64 { rotated } else { rotated.wrapping_mul(u64::MAX / emask) };
    Some(if is_64 { value } else { value & 0xffff_ffff })
}

/// J1 `AdvSIMDExpandImm`: the 64-bit pattern of an Advanced SIMD modified immediate.
pub fn adv_simd_expand_imm(op: u8, cmode: u8, imm8: u8) -> u64 {
    let imm = u64::from(imm8);
    let rep2 = |x: u64| x | (x << 32);
    let rep4 = |x: u64| x * 0x0001_0001_0001_0001;
    match cmode >> 1 {
        0 => rep2(imm),
        1 => rep2(imm << 8),
        2 => rep2(imm << 16),
        3 => rep2(imm << 24),
        4 => rep4(imm),
        5 => rep4(imm << 8),
        6 if cmode & 1 == 0 => rep2((imm << 8) | 0xff),
        6 => rep2((imm << 16) | 0xffff),
        _ => match (cmode & 1, op) {
            (0, 0) => imm * 0x0101_0101_0101_0101,
            (0, _) => (0..8).fold(0, |acc, i| if imm & (1 << i) != 0 { acc | (0xff << (8 * i)) } else { acc }),
            (_, 0) => {
                // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>, 5):imm8<5:0>:Zeros(19)
                let b6 = (imm >> 6) & 1;
                let imm32 = ((imm >> 7) << 31) | ((b6 ^ 1) << 30) | ((b6 * 0x1f) << 25) | ((imm & 0x3f) << 19);
                rep2(imm32)
            }
            _ => {
                // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>, 8):imm8<5:0>:Zeros(48)
                let b6 = (imm >> 6) & 1;
                ((imm >> 7) << 63) | ((b6 ^ 1) << 62) | ((b6 * 0xff) << 54) | ((imm & 0x3f) << 48)
            }
        },
    }
}

/// Whether a word the table matched is allocated in ARMv8.0-A (with the CRC32 instructions,
/// which the Cortex-A57 class of cores implements, the FP and Advanced SIMD instructions and
/// the Cryptographic extension).
pub fn is_allocated(insn: &Insn) -> bool {
    match *insn {
        // C6.2.x AND/ORR/EOR/ANDS (immediate): sf == 0 && N == 1 is unallocated; reserved masks.
        Insn::LogicImm { sf, n, immr, imms, .. } => {
            !(sf == 0 && n == 1) && decode_bit_masks(n, imms, immr, sf == 1).is_some()
        }
        // C4.1.2 Move wide: opc 01 unallocated; hw<1> must be 0 for 32-bit.
        Insn::Movwide { sf, opc, hw, .. } => opc != 1 && (sf == 1 || hw < 2),
        // C4.1.2 Bitfield: opc 11 unallocated; N must equal sf; 32-bit immr/imms < 32.
        Insn::Bitfield { sf, opc, n, immr, imms, .. } => opc != 3 && sf == n && (sf == 1 || (immr < 32 && imms < 32)),
        // C4.1.2 Extract: N must equal sf; 32-bit imms < 32.
        Insn::Extr { sf, n, imms, .. } => sf == n && (sf == 1 || imms < 32),
        // C4.1.3 Unconditional branch (register): opc 0011 unallocated.
        Insn::Br { op, .. } => op != 3,
        // C5.2 PSTATE fields of ARMv8.0: SPSel, DAIFSet, DAIFClr.
        Insn::MsrImm { op1, op2, .. } => matches!((op1, op2), (0, 5) | (3, 6) | (3, 7)),
        // C4.1.4 Load register (literal): SIMD&FP opc 11 unallocated.
        Insn::LdrLitFp { opc, .. } => opc != 3,
        // C4.1.4 Load/store pair: opc 11 unallocated; LDPSW only as a load, and not LDNP.
        Insn::Ldstp { opc, l, idx, .. } => opc != 3 && (opc != 1 || (l == 1 && idx != 0)),
        Insn::LdstpFp { opc, .. } => opc != 3,
        // C4.1.4 Load/store register (9-bit immediate forms): PRFUM only unscaled; sign-extending
        // loads to W only for bytes and halfwords.
        Insn::LdstImm9 { size, opc, idx, .. } => match (size, opc) {
            (3, 2) => idx == 0,
            (2..=3, 3) => false,
            _ => true,
        },
        // SIMD&FP: B/H/S/D with opc 0x, Q with size 00 and opc 1x; no unprivileged form.
        Insn::LdstImm9Fp { size, opc, idx, .. } => idx != 2 && (opc < 2 || size == 0),
        // Register offset: option<1> must be 1.
        Insn::LdstReg { size, opc, option, .. } => option & 2 != 0 && !(size >= 2 && opc == 3),
        Insn::LdstRegFp { size, opc, option, .. } => option & 2 != 0 && (opc < 2 || size == 0),
        Insn::LdstUimm { size, opc, .. } => !(size >= 2 && opc == 3),
        Insn::LdstUimmFp { size, opc, .. } => opc < 2 || size == 0,
        // C4.1.5 Logical/add/sub (shifted register): 32-bit shift amounts < 32; ROR not for add.
        Insn::LogicReg { sf, imm6, .. } => sf == 1 || imm6 < 32,
        Insn::AddsubReg { sf, shift, imm6, .. } => shift != 3 && (sf == 1 || imm6 < 32),
        // Add/sub (extended register): shift amounts above 4 are unallocated.
        Insn::AddsubExt { imm3, .. } => imm3 <= 4,
        // CRC32X/CRC32CX need sf == 1 and only they may use it.
        Insn::Crc32 { sf, sz, .. } => (sf == 1) == (sz == 3),
        // REV (64-bit form) needs sf == 1.
        Insn::Rev { sf, opc, .. } => sf == 1 || opc != 3,
        // C4.1.6 scalar floating-point: ftype 10 is unallocated, and 11 (half precision) is an
        // operand of FCVT only (the other half-precision forms are ARMv8.2 FP16).
        // Fixed-point conversions: FCVTZS/FCVTZU with rmode 11, SCVTF/UCVTF with rmode 00;
        // 32-bit forms need scale >= 32 (at most 32 fraction bits).
        Insn::FcvtFixed { sf, ftype, rmode, opcode, scale, .. } => {
            ftype < 2 && matches!((rmode, opcode), (3, 0..=1) | (0, 2..=3)) && (sf == 1 || scale >= 32)
        }
        // Integer conversions: FCVT<N,P,M,Z>{S,U} with any rmode, SCVTF/UCVTF/FCVTA{S,U} with
        // rmode 00; FMOV between W and S or X and D (rmode 00), or X and V.D[1] (rmode 01,
        // ftype 10). FJCVTZS (ARMv8.3) is unallocated here.
        Insn::FcvtInt { sf, ftype, rmode, opcode, .. } => match opcode {
            0 | 1 => ftype < 2,
            2..=5 => ftype < 2 && rmode == 0,
            _ => (rmode == 0 && sf == ftype) || (rmode == 1 && sf == 1 && ftype == 2),
        },
        // 1 source: FMOV, FABS, FNEG, FSQRT; FCVT to opc = opcode<1:0> (not 10, not the source
        // type); FRINTN/P/M/Z/A/X/I. FRINT32/64 (ARMv8.5) are unallocated here.
        Insn::Fp1src { ftype, opcode, .. } => match opcode {
            0..=3 | 8..=12 | 14 | 15 => ftype < 2,
            4 | 5 | 7 => ftype != 2 && opcode & 3 != ftype,
            _ => false,
        },
        Insn::Fp2src { ftype, opcode, .. } => ftype < 2 && opcode <= 8,
        Insn::FpCmp { ftype, .. }
        | Insn::FpImm { ftype, .. }
        | Insn::FpCcmp { ftype, .. }
        | Insn::FpCsel { ftype, .. }
        | Insn::Fp3src { ftype, .. } => ftype < 2,
        // C4.1.6 Advanced SIMD copy: imm5<3:0> == 0 is reserved; DUP needs Q for 64-bit
        // elements; INS needs Q = 1; SMOV to W only from B/H, to X from B/H/S; UMOV to W from
        // B/H/S, to X only from D.
        Insn::SimdCopy { q, op, imm5, imm4, .. } => {
            let size = (imm5 & 15).trailing_zeros();
            imm5 & 15 != 0
                && match (op, imm4) {
                    (1, _) => q == 1,
                    (0, 0) | (0, 1) => size < 3 || q == 1,
                    (0, 3) => q == 1,
                    (0, 5) => size < 2 + u32::from(q),
                    (0, 7) => {
                        if q == 1 {
                            size == 3
                        } else {
                            size < 3
                        }
                    }
                    _ => false,
                }
        }
        // Permute: opcodes 000 and 100 unallocated; 64-bit elements need Q.
        Insn::SimdPerm { q, size, opcode, .. } => opcode & 3 != 0 && (size < 3 || q == 1),
        // EXT: op2 == 00; a 64-bit EXT takes imm4 < 8.
        Insn::SimdExt { q, op2, imm4, .. } => op2 == 0 && (q == 1 || imm4 < 8),
        Insn::SimdTbl { op2, .. } => op2 == 0,
        // Three same (integer): 64-bit elements only for the non-widening whole-lane operations
        // and with Q = 1; MUL/MLA/MLS/halving/max/min/absolute difference/pairwise max/min not
        // on 64-bit elements; PMUL on bytes; SQDMULH/SQRDMULH on halfwords and words.
        Insn::Simd3same { q, u, size, opcode, .. } => match (u, opcode) {
            (_, 0x03) => true,
            (_, 0x00 | 0x02 | 0x04 | 0x0c..=0x0f | 0x12 | 0x14 | 0x15) | (0, 0x13) => size != 3,
            (1, 0x13) => size == 0,
            (_, 0x16) => size == 1 || size == 2,
            (0, 0x17) | (_, 0x01 | 0x05..=0x0b | 0x10 | 0x11) => size != 3 || q == 1,
            _ => false,
        },
        // Three same (floating-point): the ARMv8.0 operations; double precision needs Q.
        Insn::Simd3sameFp { q, u, a, sz, opcode, .. } => {
            let allocated = match (u, opcode) {
                (0, 0..=2 | 6 | 7) | (1, 0 | 2 | 4..=6) => true,
                (0, 3 | 4) | (1, 3 | 7) => a == 0,
                _ => false,
            };
            allocated && (sz == 0 || q == 1)
        }
        // Two-register miscellaneous (C4.1.6 table): integer operations with their element
        // sizes (64-bit lanes need Q), and the single/double floating-point operations with
        // size<1> selecting the operation (double needs Q, except the narrowing/widening forms).
        Insn::Simd2misc { q, u, size, opcode, .. } => {
            let (a, sz) = (size >> 1, size & 1);
            let lane64 = size != 3 || q == 1;
            let fp = sz == 0 || q == 1;
            match (u, opcode) {
                (0, 0x00) | (_, 0x02 | 0x04 | 0x06) | (0, 0x12) | (_, 0x14) | (1, 0x12 | 0x13) => size != 3,
                (0, 0x01) | (0, 0x05) => size == 0,
                (1, 0x00) | (1, 0x05) => size < 2,
                (_, 0x03 | 0x07 | 0x08 | 0x09 | 0x0b) | (0, 0x0a) => lane64,
                (_, 0x0c | 0x0d) | (0, 0x0e) | (_, 0x0f) => a == 1 && fp,
                (0, 0x16 | 0x17) => a == 0,
                (1, 0x16) => size == 1,
                (_, 0x19 | 0x1a | 0x1b | 0x1d) | (0, 0x18) => fp,
                (1, 0x18) => a == 0 && fp,
                (_, 0x1c) => {
                    if a == 1 {
                        sz == 0
                    } else {
                        fp
                    }
                }
                (1, 0x1f) => a == 1 && fp,
                _ => false,
            }
        }
        // Across lanes: no 64-bit elements, and 32-bit ones only as 4S; the FP forms are
        // U = 1, 4S only.
        Insn::SimdAcross { q, u, size, opcode, .. } => match (u, opcode) {
            (_, 0x03 | 0x0a | 0x1a) | (0, 0x1b) => size < 2 || (size == 2 && q == 1),
            (1, 0x0c | 0x0f) => q == 1 && size & 1 == 0,
            _ => false,
        },
        // C4.1.4 Advanced SIMD load/store multiple structures: the seven opcodes; LD2-LD4 and
        // ST2-ST4 not on 64-bit elements of a 64-bit vector; no Rm without post-index.
        Insn::SimdLdstMulti { q, p, rm, opcode, size, .. } => {
            (p == 1 || rm == 0)
                && match opcode {
                    0 | 4 | 8 => size != 3 || q == 1,
                    2 | 6 | 7 | 10 => true,
                    _ => false,
                }
        }
        // Single structure: halfword lanes need size<0> = 0, word lanes size 00 and doubleword
        // lanes size 01 with S = 0; replicate only loads, with S = 0.
        Insn::SimdLdstSingle { p, l, rm, opcode, s, size, .. } => {
            (p == 1 || rm == 0)
                && match opcode >> 1 {
                    0 => true,
                    1 => size & 1 == 0,
                    2 => size == 0 || (size == 1 && s == 0),
                    _ => l == 1 && s == 0,
                }
        }
        // Shift by immediate: 64-bit elements need Q, narrowing and lengthening shifts have no
        // 64-bit destination (source) elements, and the fixed-point conversions take single
        // (immh = 01xx) or double (1xxx, with Q) precision.
        Insn::SimdShiftImm { q, u, immh, opcode, .. } => {
            let hsb = u32::from(immh).checked_ilog2().unwrap_or(0);
            immh != 0
                && match (u, opcode) {
                    (_, 0x00 | 0x02 | 0x04 | 0x06 | 0x0a | 0x0e) | (1, 0x08 | 0x0c) => hsb < 3 || q == 1,
                    (_, 0x10..=0x14) => hsb < 3,
                    (_, 0x1c | 0x1f) => hsb == 2 || (hsb == 3 && q == 1),
                    _ => false,
                }
        }
        // Three different: no 64-bit source elements but PMULL (1Q); PMULL on bytes or
        // doublewords; the doubling forms on halfwords and words; U = 1 has no doubling or
        // polynomial forms.
        Insn::Simd3diff { u, size, opcode, .. } => match (u, opcode) {
            (0, 14) => size == 0 || size == 3,
            (0, 9 | 11 | 13) => size == 1 || size == 2,
            (_, 0..=8 | 10 | 12) => size != 3,
            _ => false,
        },
        // Vector x indexed element: integer forms on halfwords and words; FP forms (size 1x) in
        // single or double precision (double: L = 0, Q = 1).
        Insn::SimdElem { q, u, size, l, opcode, .. } => {
            let fp = size >> 1 == 1 && (size & 1 == 0 || (l == 0 && q == 1));
            match (u, opcode) {
                (0, 1 | 5 | 9) | (1, 9) => fp,
                (0, 2 | 3 | 6 | 7 | 8 | 10..=13) | (1, 0 | 2 | 4 | 6 | 10) => size == 1 || size == 2,
                _ => false,
            }
        }
        // Scalar three same: the non-saturating integer operations only on D, the saturating
        // ones on any size, the doubling multiplies on H and S, and the FP operations FMULX,
        // FCMEQ, FRECPS, FRSQRTS, FABD, FCMGE, FCMGT, FACGE, FACGT.
        Insn::SimdS3same { u, size, opcode, .. } => {
            let a = size >> 1;
            match (u, opcode) {
                (_, 0x01 | 0x05 | 0x09 | 0x0b) => true,
                (_, 0x06 | 0x07 | 0x08 | 0x0a | 0x10 | 0x11) => size == 3,
                (_, 0x16) => size == 1 || size == 2,
                (0, 0x1b | 0x1c) => a == 0,
                (0, 0x1f) | (1, 0x1c | 0x1d) => true,
                (1, 0x1a) => a == 1,
                _ => false,
            }
        }
        // Scalar three different: SQDMLAL, SQDMLSL, SQDMULL on H and S.
        Insn::SimdS3diff { u, size, opcode, .. } => u == 0 && matches!(opcode, 9 | 11 | 13) && (size == 1 || size == 2),
        // Scalar two-register miscellaneous.
        Insn::SimdS2misc { u, size, opcode, .. } => {
            let a = size >> 1;
            match (u, opcode) {
                (_, 0x03 | 0x07) => true,
                (_, 0x08 | 0x09 | 0x0b) | (0, 0x0a) => size == 3,
                (0, 0x14) | (1, 0x12 | 0x14) => size != 3,
                (1, 0x16) => size == 1,
                (_, 0x0c | 0x0d) | (0, 0x0e) => a == 1,
                (_, 0x1a | 0x1b | 0x1d) => true,
                (_, 0x1c) => a == 0,
                (0, 0x1f) => a == 1,
                _ => false,
            }
        }
        // Scalar pairwise: ADDP (D), FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP.
        Insn::SimdSpairwise { u, size, opcode, .. } => match (u, opcode) {
            (0, 0x1b) => size == 3,
            (1, 0x0c | 0x0f) => true,
            (1, 0x0d) => size < 2,
            _ => false,
        },
        // Scalar DUP (element): imm4 0000.
        Insn::SimdScopy { op, imm5, imm4, .. } => op == 0 && imm4 == 0 && imm5 & 15 != 0,
        // Scalar shift by immediate: the non-saturating shifts only on D, the narrowing ones
        // from sources of at most 64 bits, the fixed-point conversions on S and D.
        Insn::SimdSshiftImm { u, immh, opcode, .. } => {
            let hsb = u32::from(immh).checked_ilog2().unwrap_or(0);
            immh != 0
                && match (u, opcode) {
                    (_, 0x00 | 0x02 | 0x04 | 0x06 | 0x0a) | (1, 0x08) => hsb == 3,
                    (_, 0x0e) | (1, 0x0c) => true,
                    (0, 0x12 | 0x13) | (1, 0x10..=0x13) => hsb < 3,
                    (_, 0x1c | 0x1f) => hsb >= 2,
                    _ => false,
                }
        }
        // Scalar x indexed element: SQDMLAL, SQDMLSL, SQDMULL, SQDMULH, SQRDMULH on H and S;
        // FMLA, FMLS, FMUL, FMULX on S and D (D with L = 0).
        Insn::SimdSelem { u, size, l, opcode, .. } => match (u, opcode) {
            (0, 1 | 5 | 9) | (1, 9) => size >> 1 == 1 && (size & 1 == 0 || l == 0),
            (0, 3 | 7 | 11 | 12 | 13) => size == 1 || size == 2,
            _ => false,
        },
        // C4.1.6 Cryptographic AES and SHA (the Crypto extension of the Cortex-A57): size 00.
        Insn::CryptoAes { size, opcode, .. } => size == 0 && (4..=7).contains(&opcode),
        Insn::CryptoSha3 { size, opcode, .. } => size == 0 && opcode < 7,
        Insn::CryptoSha2 { size, opcode, .. } => size == 0 && opcode < 3,
        // Modified immediate: o2 == 1 is FMOV (half precision, ARMv8.2); FMOV (double) needs Q.
        Insn::SimdModimm { q, op, cmode, o2, .. } => o2 == 0 && !(op == 1 && cmode == 15 && q == 0),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode;

    #[test]
    fn bit_masks_match_known_immediates() {
        // and x0, x1, #0xff  -> N=1 immr=0 imms=7
        assert_eq!(decode_bit_masks(1, 7, 0, true), Some(0xff));
        // orr w0, wzr, #0x55555555 -> N=0 immr=0 imms=0b111100
        assert_eq!(decode_bit_masks(0, 0x3c, 0, false), Some(0x5555_5555));
        // all-ones element is reserved
        assert_eq!(decode_bit_masks(1, 0x3f, 0, true), None);
        // rotation: and x0, x0, #0x8000000000000000 -> N=1 immr=1 imms=0
        assert_eq!(decode_bit_masks(1, 0, 1, true), Some(0x8000_0000_0000_0000));
    }

    /// Every (N, imms, immr) against a literal transcription of the ARM ARM's `Replicate`
    /// loop: 8,192 encodings of each width.
    #[test]
    fn bit_masks_replicate_like_the_pseudocode() {
        for is_64 in [false, true] {
            for n in 0..2u8 {
                for imms in 0..64u8 {
                    for immr in 0..64u8 {
                        let Some(value) = decode_bit_masks(n, imms, immr, is_64) else { continue };
                        let len = 31 - ((u32::from(n) << 6) | (u32::from(!imms) & 0x3f)).leading_zeros();
                        let esize = 1u32 << len;
                        let element = value & if esize == 64 { u64::MAX } else { (1u64 << esize) - 1 };
                        let mut replicated = 0u64;
                        let mut pos = 0;
                        while pos < if is_64 { 64 } else { 32 } {
                            replicated |= element << pos;
                            pos += esize;
                        }
                        assert_eq!(value, replicated, "N={n} imms={imms:#x} immr={immr:#x} 64={is_64}");
                        let ones = u32::from(imms) % esize + 1;
                        assert_eq!(element.count_ones(), ones, "N={n} imms={imms:#x}");
                    }
                }
            }
        }
    }

    #[test]
    fn advanced_simd_immediates_expand_like_the_pseudocode() {
        // J1 AdvSIMDExpandImm: shifted bytes, MSL ones, byte masks and FP immediates.
        assert_eq!(adv_simd_expand_imm(0, 0b0010, 0x12), 0x0000_1200_0000_1200);
        assert_eq!(adv_simd_expand_imm(0, 0b1010, 0xab), 0xab00_ab00_ab00_ab00);
        assert_eq!(adv_simd_expand_imm(0, 0b1101, 0x12), 0x0012_ffff_0012_ffff);
        assert_eq!(adv_simd_expand_imm(1, 0b1110, 0xa5), 0xff00_ff00_00ff_00ff);
        // 1.0 in single precision (both words) and in double precision.
        assert_eq!(adv_simd_expand_imm(0, 0b1111, 0x70), 0x3f80_0000_3f80_0000);
        assert_eq!(adv_simd_expand_imm(1, 0b1111, 0x70), 0x3ff0_0000_0000_0000);
    }

    #[test]
    fn unallocated_forms_decode_to_undefined() {
        // MOVZ with opc 01
        assert!(matches!(decode(0xb280_0000 & !0x4000_0000 | 0x2000_0000), Insn::Undefined { .. }));
        // LDR (register) with option 000
        assert!(matches!(decode(0xf860_0820), Insn::Undefined { .. }));
        // ldr x0, [x1, x2] is allocated
        assert!(matches!(decode(0xf862_6820), Insn::LdstReg { .. }));
        // CRC32X needs sf
        assert!(matches!(decode(0x1ac2_4c20), Insn::Undefined { .. }));
        assert!(matches!(decode(0x9ac2_4c20), Insn::Crc32 { .. }));
        // all-zero word is UDF #0
        assert!(matches!(decode(0), Insn::Undefined { raw: 0 }));
        // fadd s0, s1, s2 / fadd h0, h1, h2 (ARMv8.2 FP16) / fcvt s0, h1 / fcvt s0, s1
        assert!(matches!(decode(0x1e22_2820), Insn::Fp2src { .. }));
        assert!(matches!(decode(0x1ee2_2820), Insn::Undefined { .. }));
        assert!(matches!(decode(0x1ee2_4020), Insn::Fp1src { .. }));
        assert!(matches!(decode(0x1e22_4020), Insn::Undefined { .. }));
        // fmov v1.d[1], x2 and the same with sf = 0; scvtf s0, w1, #32 and #33 (scale 31)
        assert!(matches!(decode(0x9eaf_0041), Insn::FcvtInt { .. }));
        assert!(matches!(decode(0x1eaf_0041), Insn::Undefined { .. }));
        assert!(matches!(decode(0x1e02_8020), Insn::FcvtFixed { .. }));
        assert!(matches!(decode(0x1e02_7c20), Insn::Undefined { .. }));
    }
}
