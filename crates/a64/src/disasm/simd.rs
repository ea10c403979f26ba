//! Advanced SIMD (C4.1.6) as objdump prints it: arrangements `v0.16b`, elements `v1.s[2]`,
//! register lists `{v1.16b, v2.16b}` (and `{v1.16b-v3.16b}` for three or four).

use core::fmt::{self, Write};

use super::fp::{fp_imm_value, Sci};
use super::zr;
use crate::allocated::adv_simd_expand_imm;
use crate::simd_operands::{element_operand, long_by_element, multi_shape, single_lane};
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

/// Two-register miscellaneous mnemonics (integer) by U and opcode.
const TWO_MISC: [[&str; 32]; 2] = [
    [
        "rev64", "rev16", "saddlp", "suqadd", "cls", "cnt", "sadalp", "sqabs", "cmgt", "cmeq", "cmlt", "abs", "", "",
        "", "", "", "", "xtn", "", "sqxtn", "", "fcvtn", "fcvtl", "", "", "", "", "", "", "", "",
    ],
    [
        "rev32", "", "uaddlp", "usqadd", "clz", "mvn", "uadalp", "sqneg", "cmge", "cmle", "", "neg", "", "", "", "",
        "", "", "sqxtun", "shll", "uqxtn", "", "fcvtxn", "", "", "", "", "", "", "", "", "",
    ],
];

/// Two-register miscellaneous floating-point mnemonics by U, opcode - 0x18 and size<1>.
const TWO_MISC_FP: [[[&str; 2]; 8]; 2] = [
    [
        ["frintn", "frintp"],
        ["frintm", "frintz"],
        ["fcvtns", "fcvtps"],
        ["fcvtms", "fcvtzs"],
        ["fcvtas", "urecpe"],
        ["scvtf", "frecpe"],
        ["", ""],
        ["", ""],
    ],
    [
        ["frinta", ""],
        ["frintx", "frinti"],
        ["fcvtnu", "fcvtpu"],
        ["fcvtmu", "fcvtzu"],
        ["fcvtau", "ursqrte"],
        ["ucvtf", "frsqrte"],
        ["", ""],
        ["", "fsqrt"],
    ],
];

/// Advanced SIMD two-register miscellaneous.
fn two_misc(w: &mut dyn Write, q: u8, u: u8, size: u8, opcode: u8, rn: u8, rd: u8) -> fmt::Result {
    let two = if q == 1 { "2" } else { "" };
    let fp_size = 2 + (size & 1);
    match (u, opcode) {
        (_, 0x0c..=0x0f) => {
            let name = match (u, opcode) {
                (0, 0x0c) => "fcmgt",
                (1, 0x0c) => "fcmge",
                (0, 0x0d) => "fcmeq",
                (1, 0x0d) => "fcmle",
                (_, 0x0e) => "fcmlt",
                (0, _) => "fabs",
                _ => "fneg",
            };
            let zero = if opcode == 0x0f { "" } else { ", #0.0" };
            write!(w, "{name} {}, {}{zero}", Vt(rd, fp_size, q), Vt(rn, fp_size, q))
        }
        (_, 0x18..=0x1f) => {
            let name = TWO_MISC_FP[usize::from(u)][usize::from(opcode - 0x18)][usize::from(size >> 1)];
            write!(w, "{name} {}, {}", Vt(rd, fp_size, q), Vt(rn, fp_size, q))
        }
        // Narrowing: the destination has half-width elements (the "2" form the upper half).
        (_, 0x12 | 0x14) => {
            let name = TWO_MISC[usize::from(u)][usize::from(opcode)];
            write!(w, "{name}{two} {}, {}", Vt(rd, size, q), Vt(rn, size + 1, 1))
        }
        (_, 0x16) => {
            let name = if u == 1 { "fcvtxn" } else { "fcvtn" };
            write!(w, "{name}{two} {}, {}", Vt(rd, 1 + (size & 1), q), Vt(rn, 2 + (size & 1), 1))
        }
        (0, 0x17) => write!(w, "fcvtl{two} {}, {}", Vt(rd, 2 + (size & 1), 1), Vt(rn, 1 + (size & 1), q)),
        (1, 0x13) => write!(w, "shll{two} {}, {}, #{}", Vt(rd, size + 1, 1), Vt(rn, size, q), 8 << size),
        // Pairwise long: the destination has double-width elements.
        (_, 0x02 | 0x06) => {
            let name = TWO_MISC[usize::from(u)][usize::from(opcode)];
            write!(w, "{name} {}, {}", Vt(rd, size + 1, q), Vt(rn, size, q))
        }
        (_, 0x08..=0x0a) => {
            let name = TWO_MISC[usize::from(u)][usize::from(opcode)];
            write!(w, "{name} {}, {}, #0", Vt(rd, size, q), Vt(rn, size, q))
        }
        (1, 0x05) => {
            let name = if size == 0 { "mvn" } else { "rbit" };
            write!(w, "{name} {}, {}", Vt(rd, 0, q), Vt(rn, 0, q))
        }
        _ => {
            let name = TWO_MISC[usize::from(u)][usize::from(opcode & 31)];
            write!(w, "{name} {}, {}", Vt(rd, size, q), Vt(rn, size, q))
        }
    }
}

/// Three different mnemonics by U and opcode.
const THREE_DIFF: [[&str; 16]; 2] = [
    [
        "saddl", "saddw", "ssubl", "ssubw", "addhn", "sabal", "subhn", "sabdl", "smlal", "sqdmlal", "smlsl", "sqdmlsl",
        "smull", "sqdmull", "pmull", "",
    ],
    [
        "uaddl", "uaddw", "usubl", "usubw", "raddhn", "uabal", "rsubhn", "uabdl", "umlal", "", "umlsl", "", "umull",
        "", "", "",
    ],
];

/// Shift by immediate mnemonics by U and opcode.
const SHIFT_IMM: [[&str; 32]; 2] = [
    [
        "sshr", "", "ssra", "", "srshr", "", "srsra", "", "", "", "shl", "", "", "", "sqshl", "", "shrn", "rshrn",
        "sqshrn", "sqrshrn", "sshll", "", "", "", "", "", "", "", "scvtf", "", "", "fcvtzs",
    ],
    [
        "ushr", "", "usra", "", "urshr", "", "ursra", "", "sri", "", "sli", "", "sqshlu", "", "uqshl", "", "sqshrun",
        "sqrshrun", "uqshrn", "uqrshrn", "ushll", "", "", "", "", "", "", "", "ucvtf", "", "", "fcvtzu",
    ],
];

/// `, #bytes` or `, xm` after a post-indexed structure address.
fn post_index(w: &mut dyn Write, p: u8, rm: u8, bytes: u32) -> fmt::Result {
    match (p, rm) {
        (0, _) => Ok(()),
        (_, 31) => write!(w, ", #{bytes}"),
        _ => write!(w, ", {}", zr(true, rm)),
    }
}

/// A vector register with an arrangement, `v3.4s`.
pub(super) struct Vt(pub u8, pub u8, pub u8);

impl fmt::Display for Vt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (reg, size, q) = (self.0, self.1, self.2);
        write!(f, "v{reg}.{}", ARRANGEMENT[usize::from((size & 3) << 1 | (q & 1))])
    }
}

/// A scalar SIMD&FP register of element size `size`: `b3`, `h3`, `s3`, `d3`.
struct Sc(u8, u8);

impl fmt::Display for Sc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", ELEMENT[usize::from(self.0 & 3)], self.1)
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
        Insn::Simd2misc { q, u, size, opcode, rn, rd } => two_misc(w, q, u, size, opcode, rn, rd),
        Insn::SimdAcross { q, u, size, opcode, rn, rd } => {
            let name = match (u, opcode) {
                (0, 0x03) => "saddlv",
                (1, 0x03) => "uaddlv",
                (0, 0x0a) => "smaxv",
                (1, 0x0a) => "umaxv",
                (0, 0x1a) => "sminv",
                (1, 0x1a) => "uminv",
                (1, 0x0c) if size < 2 => "fmaxnmv",
                (1, 0x0c) => "fminnmv",
                (1, 0x0f) if size < 2 => "fmaxv",
                (1, 0x0f) => "fminv",
                _ => "addv",
            };
            let (letter, vsize) = match opcode {
                0x0c | 0x0f => ('s', 2),
                0x03 => (ELEMENT[usize::from(size + 1) & 3], size),
                _ => (ELEMENT[usize::from(size)], size),
            };
            write!(w, "{name} {letter}{rd}, {}", Vt(rn, vsize, q))
        }
        Insn::SimdLdstMulti { q, p, l, rm, opcode, size, rn, rt } => {
            let (rpt, selem) = multi_shape(opcode);
            let count = rpt * selem;
            let stem = if l == 1 { "ld" } else { "st" };
            write!(
                w,
                "{stem}{selem} {}, [{}]",
                List(rt, count, ARRANGEMENT[usize::from(size << 1 | q)]),
                super::sp(true, rn)
            )?;
            post_index(w, p, rm, u32::from(count) * (8 << q))
        }
        Insn::SimdLdstSingle { q, p, l, r, rm, opcode, s, size, rn, rt } => {
            let selem = (((opcode & 1) << 1) | r) + 1;
            let stem = if l == 1 { "ld" } else { "st" };
            let base = super::sp(true, rn);
            if opcode >> 1 == 3 {
                let t = ARRANGEMENT[usize::from(size << 1 | q)];
                write!(w, "{stem}{selem}r {}, [{base}]", List(rt, selem, t))?;
                return post_index(w, p, rm, u32::from(selem) << size);
            }
            let (scale, index) = single_lane(q, opcode >> 1, s, size);
            let t = ["b", "h", "s", "d"][usize::from(scale)];
            write!(w, "{stem}{selem} {}[{index}], [{base}]", List(rt, selem, t))?;
            post_index(w, p, rm, u32::from(selem) << scale)
        }
        Insn::SimdShiftImm { q, u, immh, immb, opcode, rn, rd } => {
            let size = u32::from(immh).checked_ilog2().unwrap_or(0).min(3) as u8;
            let esize = 8u32 << size;
            let imm = (u32::from(immh) << 3) | u32::from(immb);
            let right = (2 * esize).wrapping_sub(imm);
            let left = imm.wrapping_sub(esize);
            let two = if q == 1 { "2" } else { "" };
            let name = SHIFT_IMM[usize::from(u)][usize::from(opcode & 31)];
            match opcode {
                0x10..=0x13 => write!(w, "{name}{two} {}, {}, #{right}", Vt(rd, size, q), Vt(rn, size + 1, 1)),
                0x14 if left == 0 => {
                    let name = if u == 1 { "uxtl" } else { "sxtl" };
                    write!(w, "{name}{two} {}, {}", Vt(rd, size + 1, 1), Vt(rn, size, q))
                }
                0x14 => write!(w, "{name}{two} {}, {}, #{left}", Vt(rd, size + 1, 1), Vt(rn, size, q)),
                0x0a | 0x0c | 0x0e => write!(w, "{name} {}, {}, #{left}", Vt(rd, size, q), Vt(rn, size, q)),
                _ => write!(w, "{name} {}, {}, #{right}", Vt(rd, size, q), Vt(rn, size, q)),
            }
        }
        Insn::CryptoAes { opcode, rn, rd, .. } => {
            let name = ["aese", "aesd", "aesmc", "aesimc"][usize::from(opcode & 3)];
            write!(w, "{name} v{rd}.16b, v{rn}.16b")
        }
        Insn::CryptoSha3 { rm, opcode, rn, rd, .. } => match opcode {
            0..=2 => write!(w, "{} q{rd}, s{rn}, v{rm}.4s", ["sha1c", "sha1p", "sha1m"][usize::from(opcode)]),
            3 => write!(w, "sha1su0 v{rd}.4s, v{rn}.4s, v{rm}.4s"),
            4 | 5 => write!(w, "{} q{rd}, q{rn}, v{rm}.4s", ["sha256h", "sha256h2"][usize::from(opcode & 1)]),
            _ => write!(w, "sha256su1 v{rd}.4s, v{rn}.4s, v{rm}.4s"),
        },
        Insn::CryptoSha2 { opcode, rn, rd, .. } => match opcode {
            0 => write!(w, "sha1h s{rd}, s{rn}"),
            1 => write!(w, "sha1su1 v{rd}.4s, v{rn}.4s"),
            _ => write!(w, "sha256su0 v{rd}.4s, v{rn}.4s"),
        },
        Insn::Simd3diff { q, u, size, rm, opcode, rn, rd } => {
            let two = if q == 1 { "2" } else { "" };
            let name = THREE_DIFF[usize::from(u)][usize::from(opcode & 15)];
            match opcode {
                14 if size == 3 => write!(w, "pmull{two} v{rd}.1q, {}, {}", Vt(rn, 3, q), Vt(rm, 3, q)),
                1 | 3 => write!(w, "{name}{two} {}, {}, {}", Vt(rd, size + 1, 1), Vt(rn, size + 1, 1), Vt(rm, size, q)),
                4 | 6 => write!(w, "{name}{two} {}, {}, {}", Vt(rd, size, q), Vt(rn, size + 1, 1), Vt(rm, size + 1, 1)),
                _ => write!(w, "{name}{two} {}, {}, {}", Vt(rd, size + 1, 1), Vt(rn, size, q), Vt(rm, size, q)),
            }
        }
        Insn::SimdElem { q, u, size, l, m, rm, opcode, h, rn, rd } => {
            let (index, reg) = element_operand(size, l, m, rm, h);
            let two = if q == 1 { "2" } else { "" };
            let name = match (u, opcode) {
                (0, 1) => "fmla",
                (0, 5) => "fmls",
                (0, 9) => "fmul",
                (1, 9) => "fmulx",
                (0, 8) => "mul",
                (1, 0) => "mla",
                (1, 4) => "mls",
                (0, 12) => "sqdmulh",
                (0, 13) => "sqrdmulh",
                _ => THREE_DIFF[usize::from(u)][usize::from(long_by_element(opcode))],
            };
            let element = Elem(reg, u32::from(size), index);
            match opcode {
                2 | 3 | 6 | 7 | 10 | 11 => {
                    write!(w, "{name}{two} {}, {}, {element}", Vt(rd, size + 1, 1), Vt(rn, size, q))
                }
                _ => write!(w, "{name} {}, {}, {element}", Vt(rd, size, q), Vt(rn, size, q)),
            }
        }
        Insn::SimdS3same { u, size, rm, opcode, rn, rd } => {
            if opcode >= 0x18 {
                let name = THREE_SAME_FP[usize::from(u)][usize::from(opcode & 7)][usize::from(size >> 1)];
                let r = |n: u8| Sc(2 + (size & 1), n);
                return write!(w, "{name} {}, {}, {}", r(rd), r(rn), r(rm));
            }
            let name = THREE_SAME[usize::from(u)][usize::from(opcode & 31)];
            write!(w, "{name} {}, {}, {}", Sc(size, rd), Sc(size, rn), Sc(size, rm))
        }
        Insn::SimdS3diff { size, rm, opcode, rn, rd, .. } => {
            let name = THREE_DIFF[0][usize::from(opcode & 15)];
            write!(w, "{name} {}, {}, {}", Sc(size + 1, rd), Sc(size, rn), Sc(size, rm))
        }
        Insn::SimdS2misc { u, size, opcode, rn, rd } => {
            let fp = Sc(2 + (size & 1), 0).0;
            match (u, opcode) {
                (_, 0x0c..=0x0e) => {
                    let name = match (u, opcode) {
                        (0, 0x0c) => "fcmgt",
                        (1, 0x0c) => "fcmge",
                        (0, 0x0d) => "fcmeq",
                        (1, 0x0d) => "fcmle",
                        _ => "fcmlt",
                    };
                    write!(w, "{name} {}, {}, #0.0", Sc(fp, rd), Sc(fp, rn))
                }
                (0, 0x1f) => write!(w, "frecpx {}, {}", Sc(fp, rd), Sc(fp, rn)),
                (_, 0x18..=0x1f) => {
                    let name = TWO_MISC_FP[usize::from(u)][usize::from(opcode - 0x18)][usize::from(size >> 1)];
                    write!(w, "{name} {}, {}", Sc(fp, rd), Sc(fp, rn))
                }
                (_, 0x16) => write!(w, "fcvtxn {}, {}", Sc(2, rd), Sc(3, rn)),
                (_, 0x12 | 0x14) => {
                    let name = TWO_MISC[usize::from(u)][usize::from(opcode)];
                    write!(w, "{name} {}, {}", Sc(size, rd), Sc(size + 1, rn))
                }
                (_, 0x08..=0x0a) => {
                    let name = TWO_MISC[usize::from(u)][usize::from(opcode)];
                    write!(w, "{name} {}, {}, #0", Sc(size, rd), Sc(size, rn))
                }
                _ => {
                    let name = TWO_MISC[usize::from(u)][usize::from(opcode & 31)];
                    write!(w, "{name} {}, {}", Sc(size, rd), Sc(size, rn))
                }
            }
        }
        Insn::SimdSpairwise { u, size, opcode, rn, rd } => {
            if u == 0 {
                return write!(w, "addp d{rd}, v{rn}.2d");
            }
            let name = match (opcode, size >> 1) {
                (0x0c, 0) => "fmaxnmp",
                (0x0c, _) => "fminnmp",
                (0x0d, _) => "faddp",
                (_, 0) => "fmaxp",
                _ => "fminp",
            };
            let sz = size & 1;
            write!(w, "{name} {}, {}", Sc(2 + sz, rd), Vt(rn, 2 + sz, sz))
        }
        Insn::SimdScopy { imm5, rn, rd, .. } => {
            let size = (imm5 & 15).trailing_zeros().min(3);
            write!(w, "mov {}, {}", Sc(size as u8, rd), Elem(rn, size, u32::from(imm5) >> (size + 1)))
        }
        Insn::SimdSshiftImm { u, immh, immb, opcode, rn, rd } => {
            let size = u32::from(immh).checked_ilog2().unwrap_or(0).min(3) as u8;
            let esize = 8u32 << size;
            let imm = (u32::from(immh) << 3) | u32::from(immb);
            let (right, left) = ((2 * esize).wrapping_sub(imm), imm.wrapping_sub(esize));
            let name = SHIFT_IMM[usize::from(u)][usize::from(opcode & 31)];
            match opcode {
                0x10..=0x13 => write!(w, "{name} {}, {}, #{right}", Sc(size, rd), Sc(size + 1, rn)),
                0x0a | 0x0c | 0x0e => write!(w, "{name} {}, {}, #{left}", Sc(size, rd), Sc(size, rn)),
                _ => write!(w, "{name} {}, {}, #{right}", Sc(size, rd), Sc(size, rn)),
            }
        }
        Insn::SimdSelem { u, size, l, m, rm, opcode, h, rn, rd } => {
            let (index, reg) = element_operand(size, l, m, rm, h);
            let element = Elem(reg, u32::from(size), index);
            let name = match (u, opcode) {
                (0, 1) => "fmla",
                (0, 5) => "fmls",
                (0, 9) => "fmul",
                (1, 9) => "fmulx",
                (_, 12) => "sqdmulh",
                (_, 13) => "sqrdmulh",
                _ => THREE_DIFF[0][usize::from(long_by_element(opcode))],
            };
            match opcode {
                3 | 7 | 11 => write!(w, "{name} {}, {}, {element}", Sc(size + 1, rd), Sc(size, rn)),
                _ => write!(w, "{name} {}, {}, {element}", Sc(size, rd), Sc(size, rn)),
            }
        }
        _ => unreachable!("not an Advanced SIMD encoding of this module"),
    }
}
