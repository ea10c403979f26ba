//! Scalar floating-point (C4.1.6): conversions, 1/2/3-source data processing, compares,
//! conditional compare and select, and FMOV (immediate), as objdump prints them.

use core::fmt::{self, Write};

use super::{zr, COND};
use crate::Insn;

/// The register letter of an ftype field (00 single, 01 double, 11 half).
fn fp_letter(ftype: u8) -> char {
    ['s', 'd', 'q', 'h'][usize::from(ftype & 3)]
}

/// An FP register `s3`, `d3`, `h3`.
struct Fr(u8, u8);

impl fmt::Display for Fr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", fp_letter(self.0), self.1)
    }
}

/// J1 `VFPExpandImm` as a real number: (-1)^s * (16 + imm8<3:0>) / 16 * 2^(exp), exp in -3..=4.
pub(super) fn fp_imm_value(imm8: u8) -> f64 {
    let sign = if imm8 & 0x80 != 0 { -1.0 } else { 1.0 };
    let x = i32::from((imm8 >> 4) & 3);
    let exp = if imm8 & 0x40 == 0 { 1 + x } else { x - 3 };
    sign * f64::from(16 + (imm8 & 15)) / 16.0 * 2f64.powi(exp)
}

/// C's `%.18e`: `1.000000000000000000e+00`.
pub(super) struct Sci(pub f64);

impl fmt::Display for Sci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{:.18e}", self.0);
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        write!(f, "{mantissa}e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs())
    }
}

/// Scalar floating-point data processing and conversions.
pub(super) fn scalar(w: &mut dyn Write, insn: &Insn) -> fmt::Result {
    match *insn {
        Insn::FcvtFixed { sf, ftype, opcode, scale, rn, rd, .. } => {
            let fbits = 64 - u32::from(scale);
            let x = sf == 1;
            let name = ["fcvtzs", "fcvtzu", "scvtf", "ucvtf"][usize::from(opcode & 3)];
            if opcode < 2 {
                write!(w, "{name} {}, {}, #{fbits}", zr(x, rd), Fr(ftype, rn))
            } else {
                write!(w, "{name} {}, {}, #{fbits}", Fr(ftype, rd), zr(x, rn))
            }
        }
        Insn::FcvtInt { sf, ftype, rmode, opcode, rn, rd } => {
            let x = sf == 1;
            match opcode {
                0 | 1 => {
                    let mode = ['n', 'p', 'm', 'z'][usize::from(rmode)];
                    let sign = if opcode == 0 { 's' } else { 'u' };
                    write!(w, "fcvt{mode}{sign} {}, {}", zr(x, rd), Fr(ftype, rn))
                }
                2 | 3 => {
                    let name = if opcode == 2 { "scvtf" } else { "ucvtf" };
                    write!(w, "{name} {}, {}", Fr(ftype, rd), zr(x, rn))
                }
                4 | 5 => {
                    let sign = if opcode == 4 { 's' } else { 'u' };
                    write!(w, "fcvta{sign} {}, {}", zr(x, rd), Fr(ftype, rn))
                }
                6 if rmode == 1 => write!(w, "fmov {}, v{rn}.d[1]", zr(true, rd)),
                6 => write!(w, "fmov {}, {}", zr(x, rd), Fr(ftype, rn)),
                _ if rmode == 1 => write!(w, "fmov v{rd}.d[1], {}", zr(true, rn)),
                _ => write!(w, "fmov {}, {}", Fr(ftype, rd), zr(x, rn)),
            }
        }
        Insn::Fp1src { ftype, opcode, rn, rd } => {
            let name = match opcode {
                0 => "fmov",
                1 => "fabs",
                2 => "fneg",
                3 => "fsqrt",
                4..=7 => return write!(w, "fcvt {}, {}", Fr(opcode & 3, rd), Fr(ftype, rn)),
                8 => "frintn",
                9 => "frintp",
                10 => "frintm",
                11 => "frintz",
                12 => "frinta",
                14 => "frintx",
                _ => "frinti",
            };
            write!(w, "{name} {}, {}", Fr(ftype, rd), Fr(ftype, rn))
        }
        Insn::FpCmp { ftype, rm, rn, e, z } => {
            let name = if e == 1 { "fcmpe" } else { "fcmp" };
            if z == 1 {
                write!(w, "{name} {}, #0.0", Fr(ftype, rn))
            } else {
                write!(w, "{name} {}, {}", Fr(ftype, rn), Fr(ftype, rm))
            }
        }
        Insn::FpImm { ftype, imm8, rd } => write!(w, "fmov {}, #{}", Fr(ftype, rd), Sci(fp_imm_value(imm8))),
        Insn::FpCcmp { ftype, rm, cond, rn, e, nzcv } => {
            let name = if e == 1 { "fccmpe" } else { "fccmp" };
            write!(w, "{name} {}, {}, #{nzcv:#x}, {}", Fr(ftype, rn), Fr(ftype, rm), COND[usize::from(cond)])
        }
        Insn::Fp2src { ftype, rm, opcode, rn, rd } => {
            let names = ["fmul", "fdiv", "fadd", "fsub", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul"];
            let name = names.get(usize::from(opcode)).copied().unwrap_or("fnmul");
            write!(w, "{name} {}, {}, {}", Fr(ftype, rd), Fr(ftype, rn), Fr(ftype, rm))
        }
        Insn::FpCsel { ftype, rm, cond, rn, rd } => {
            write!(w, "fcsel {}, {}, {}, {}", Fr(ftype, rd), Fr(ftype, rn), Fr(ftype, rm), COND[usize::from(cond)])
        }
        Insn::Fp3src { ftype, o1, rm, o0, ra, rn, rd } => {
            let name = ["fmadd", "fmsub", "fnmadd", "fnmsub"][usize::from((o1 << 1) | o0)];
            write!(w, "{name} {}, {}, {}, {}", Fr(ftype, rd), Fr(ftype, rn), Fr(ftype, rm), Fr(ftype, ra))
        }
        _ => unreachable!("not a scalar floating-point encoding"),
    }
}
