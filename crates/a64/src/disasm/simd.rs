//! Advanced SIMD (C4.1.6) as objdump prints it: arrangements `v0.16b`, elements `v1.s[2]`,
//! register lists `{v1.16b, v2.16b}` (and `{v1.16b-v3.16b}` for three or four).

use core::fmt::{self, Write};

use super::fp::{fp_imm_value, Sci};
use super::zr;
use crate::allocated::adv_simd_expand_imm;
use crate::Insn;

/// Arrangement specifiers by `size << 1 | Q`.
const ARRANGEMENT: [&str; 8] = ["8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"];

/// Element size letters by size.
const ELEMENT: [char; 4] = ['b', 'h', 's', 'd'];

/// Three same (integer) mnemonics by U and opcode (00011, logical, is separate).
const THREE_SAME: [[&str; 32]; 2] = [
    [
        "shadd", "sqadd", "srhadd", "", "shsub", "sqsub", "cmgt", "cmge", "sshl", "sqshl", "srshl", "sqrshl", "smax",
        "smin", "sabd", "saba", "add", "cmtst", "mla", "mul", "smaxp", "sminp", "sqdmulh", "addp", "", "", "", "", "",
        "", "", "",
    ],
    [
        "uhadd", "uqadd", "urhadd", "", "uhsub", "uqsub", "cmhi", "cmhs", "ushl", "uqshl", "urshl", "uqrshl", "umax",
        "umin", "uabd", "uaba", "sub", "cmeq", "mls", "pmul", "umaxp", "uminp", "sqrdmulh", "", "", "", "", "", "", "",
        "", "",
    ],
];

/// Three same (floating-point) mnemonics by U, opcode<2:0> and a.
const THREE_SAME_FP: [[[&str; 2]; 8]; 2] = [
    [
        ["fmaxnm", "fminnm"],
        ["fmla", "fmls"],
        ["fadd", "fsub"],
        ["fmulx", ""],
        ["fcmeq", ""],
        ["", ""],
        ["fmax", "fmin"],
        ["frecps", "frsqrts"],
    ],
    [
        ["fmaxnmp", "fminnmp"],
        ["", ""],
        ["faddp", "fabd"],
        ["fmul", ""],
        ["fcmge", "fcmgt"],
        ["facge", "facgt"],
        ["fmaxp", "fminp"],
        ["fdiv", ""],
    ],
];

/// A vector register with an arrangement, `v3.4s`.
pub(super) struct Vt(pub u8, pub u8, pub u8);

impl fmt::Display for Vt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (reg, size, q) = (self.0, self.1, self.2);
        write!(f, "v{reg}.{}", ARRANGEMENT[usize::from((size & 3) << 1 | (q & 1))])
    }
}

/// A vector element, `v3.s[1]`.
struct Elem(u8, u32, u32);

impl fmt::Display for Elem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}[{}]", self.0, ELEMENT[self.1 as usize & 3], self.2)
    }
}

/// A list of `count` consecutive registers (modulo 32) with an arrangement string; objdump
/// writes three or four registers as a range unless the numbers wrap past v31.
pub(super) struct List(pub u8, pub u8, pub &'static str);

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, count, t) = (self.0, self.1, self.2);
        if count >= 3 && first + count <= 32 {
            return write!(f, "{{v{first}.{t}-v{}.{t}}}", first + count - 1);
        }
        f.write_str("{")?;
        for i in 0..count {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}v{}.{t}", (first + i) % 32)?;
        }
        f.write_str("}")
    }
}

/// Copy, permute, extract, table lookup and modified immediate.
pub(super) fn simd(w: &mut dyn Write, insn: &Insn) -> fmt::Result {
    match *insn {
        Insn::SimdCopy { q, op, imm5, imm4, rn, rd } => {
            let size = (imm5 & 15).trailing_zeros().min(3);
            let index = u32::from(imm5) >> (size + 1);
            let t = Vt(rd, size as u8, q);
            match (op, imm4) {
                (1, _) => write!(w, "mov {}, {}", Elem(rd, size, index), Elem(rn, size, u32::from(imm4) >> size)),
                (_, 0) => write!(w, "dup {t}, {}", Elem(rn, size, index)),
                (_, 1) => write!(w, "dup {t}, {}", zr(size == 3, rn)),
                (_, 3) => write!(w, "mov {}, {}", Elem(rd, size, index), zr(size == 3, rn)),
                (_, 5) => write!(w, "smov {}, {}", zr(q == 1, rd), Elem(rn, size, index)),
                _ if size >= 2 => write!(w, "mov {}, {}", zr(q == 1, rd), Elem(rn, size, index)),
                _ => write!(w, "umov {}, {}", zr(q == 1, rd), Elem(rn, size, index)),
            }
        }
        Insn::SimdPerm { q, size, rm, opcode, rn, rd } => {
            let name = ["", "uzp1", "trn1", "zip1", "", "uzp2", "trn2", "zip2"][usize::from(opcode & 7)];
            write!(w, "{name} {}, {}, {}", Vt(rd, size, q), Vt(rn, size, q), Vt(rm, size, q))
        }
        Insn::SimdExt { q, rm, imm4, rn, rd, .. } => {
            write!(w, "ext {}, {}, {}, #{imm4}", Vt(rd, 0, q), Vt(rn, 0, q), Vt(rm, 0, q))
        }
        Insn::SimdTbl { q, rm, len, op, rn, rd, .. } => {
            let name = if op == 1 { "tbx" } else { "tbl" };
            write!(w, "{name} {}, {}, {}", Vt(rd, 0, q), List(rn, len + 1, "16b"), Vt(rm, 0, q))
        }
        Insn::SimdModimm { q, op, abc, cmode, defgh, rd, .. } => {
            let imm8 = (abc << 5) | defgh;
            let (s32, s16) = (Vt(rd, 2, q), Vt(rd, 1, q));
            let shift = |amount: u8| if amount == 0 { String::new() } else { format!(", lsl #{amount}") };
            match (op, cmode) {
                (_, 0..=7) => {
                    let name = [["movi", "orr"], ["mvni", "bic"]][usize::from(op)][usize::from(cmode & 1)];
                    write!(w, "{name} {s32}, #{imm8:#x}{}", shift(8 * (cmode >> 1)))
                }
                (_, 8..=11) => {
                    let name = [["movi", "orr"], ["mvni", "bic"]][usize::from(op)][usize::from(cmode & 1)];
                    write!(w, "{name} {s16}, #{imm8:#x}{}", shift(8 * ((cmode >> 1) & 1)))
                }
                (_, 12 | 13) => {
                    let name = if op == 1 { "mvni" } else { "movi" };
                    write!(w, "{name} {s32}, #{imm8:#x}, msl #{}", 8 << (cmode & 1))
                }
                (0, 14) => write!(w, "movi {}, #{imm8:#x}", Vt(rd, 0, q)),
                (1, 14) => {
                    let imm = adv_simd_expand_imm(1, 14, imm8);
                    if q == 1 {
                        write!(w, "movi v{rd}.2d, #{imm:#x}")
                    } else {
                        write!(w, "movi d{rd}, #{imm:#x}")
                    }
                }
                (0, _) => write!(w, "fmov {s32}, #{}", Sci(fp_imm_value(imm8))),
                _ => write!(w, "fmov v{rd}.2d, #{}", Sci(fp_imm_value(imm8))),
            }
        }
        Insn::Simd3same { q, u, size, rm, opcode, rn, rd } => {
            if opcode == 3 {
                let name =
                    [["and", "bic", "orr", "orn"], ["eor", "bsl", "bit", "bif"]][usize::from(u)][usize::from(size)];
                if u == 0 && size == 2 && rn == rm {
                    return write!(w, "mov {}, {}", Vt(rd, 0, q), Vt(rn, 0, q));
                }
                return write!(w, "{name} {}, {}, {}", Vt(rd, 0, q), Vt(rn, 0, q), Vt(rm, 0, q));
            }
            let name = THREE_SAME[usize::from(u)][usize::from(opcode & 31)];
            write!(w, "{name} {}, {}, {}", Vt(rd, size, q), Vt(rn, size, q), Vt(rm, size, q))
        }
        Insn::Simd3sameFp { q, u, a, sz, rm, opcode, rn, rd } => {
            let name = THREE_SAME_FP[usize::from(u)][usize::from(opcode & 7)][usize::from(a)];
            let size = 2 + sz;
            write!(w, "{name} {}, {}, {}", Vt(rd, size, q), Vt(rn, size, q), Vt(rm, size, q))
        }
        _ => unreachable!("not an Advanced SIMD encoding of this module"),
    }
}
