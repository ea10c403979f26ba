//! Data processing: immediate (C4.1.2) and register (C4.1.5) encodings, with objdump's aliases.

use core::fmt::{self, Write};

use super::{sext, sp, target, zr, COND};
use crate::allocated::decode_bit_masks;
use crate::Insn;

/// Shift names of the shifted-register forms (C6.2 `DecodeShift`).
const SHIFT: [&str; 4] = ["lsl", "lsr", "asr", "ror"];

/// Extend names of the extended-register forms (C6.2 `DecodeRegExtend`).
const EXTEND: [&str; 8] = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"];

/// binutils `aarch64_wide_constant_p`: whether MOVZ can build `value` (in a W register when
/// `is32`; the upper half may then be all zeros or all ones).
fn wide_constant(value: u64, is32: bool) -> bool {
    let value = if is32 {
        if value >> 32 != 0 && value >> 32 != 0xffff_ffff {
            return false;
        }
        value & 0xffff_ffff
    } else {
        value
    };
    let chunks = if is32 { 2 } else { 4 };
    (0..chunks).any(|i| value & (0xffff << (16 * i)) == value)
}

/// ADR, add/sub, logical, move wide, bitfield and extract (immediate).
pub(super) fn dp_imm(w: &mut dyn Write, insn: &Insn, pc: u64) -> fmt::Result {
    match *insn {
        Insn::Adr { op, immlo, immhi, rd } => {
            let imm = sext((u64::from(immhi) << 2) | u64::from(immlo), 21);
            if op == 0 {
                write!(w, "adr {}, {:#x}", zr(true, rd), target(pc, imm))
            } else {
                write!(w, "adrp {}, {:#x}", zr(true, rd), target(pc & !0xfff, imm << 12))
            }
        }
        Insn::AddsubImm { sf, op, s, sh, imm12, rn, rd } => {
            let x = sf == 1;
            let shift = if sh == 1 { ", lsl #12" } else { "" };
            let rn = sp(x, rn);
            if s == 1 && rd == 31 {
                let m = if op == 1 { "cmp" } else { "cmn" };
                return write!(w, "{m} {rn}, #{imm12:#x}{shift}");
            }
            let rd = if s == 1 { zr(x, rd) } else { sp(x, rd) };
            if op == 0 && s == 0 && sh == 0 && imm12 == 0 && (rd.num == 31 || rn.num == 31) {
                return write!(w, "mov {rd}, {rn}");
            }
            let m = ["add", "adds", "sub", "subs"][usize::from(op << 1 | s)];
            write!(w, "{m} {rd}, {rn}, #{imm12:#x}{shift}")
        }
        Insn::LogicImm { sf, opc, n, immr, imms, rn, rd } => {
            let x = sf == 1;
            let imm = decode_bit_masks(n, imms, immr, x).unwrap_or(0);
            let rn = zr(x, rn);
            if opc == 3 && rd == 31 {
                return write!(w, "tst {rn}, #{imm:#x}");
            }
            let rd = if opc == 3 { zr(x, rd) } else { sp(x, rd) };
            // objdump prefers `mov` to ORR unless MOVZ/MOVN could build the value; they cannot
            // write SP, so `orr sp, xzr, #imm` is always `mov sp, #imm`.
            if opc == 1 && rn.num == 31 && (rd.num == 31 || (!wide_constant(imm, !x) && !wide_constant(!imm, !x))) {
                return write!(w, "mov {rd}, #{imm:#x}");
            }
            let m = ["and", "orr", "eor", "ands"][usize::from(opc)];
            write!(w, "{m} {rd}, {rn}, #{imm:#x}")
        }
        Insn::Movwide { sf, opc, hw, imm16, rd } => {
            let x = sf == 1;
            let rd = zr(x, rd);
            let shift = u32::from(hw) * 16;
            let m = ["movn", "", "movz", "movk"][usize::from(opc)];
            if opc != 3 && !(imm16 == 0 && hw != 0) {
                let value = u64::from(imm16) << shift;
                let value = if opc == 0 { !value } else { value };
                if opc == 2 || !wide_constant(value, !x) {
                    let value = if x { value } else { value & 0xffff_ffff };
                    return write!(w, "mov {rd}, #{value:#x}");
                }
            }
            if shift == 0 {
                write!(w, "{m} {rd}, #{imm16:#x}")
            } else {
                write!(w, "{m} {rd}, #{imm16:#x}, lsl #{shift}")
            }
        }
        Insn::Bitfield { sf, opc, immr, imms, rn, rd, .. } => bitfield(w, sf == 1, opc, immr, imms, rn, rd),
        Insn::Extr { sf, rm, imms, rn, rd, .. } => {
            let x = sf == 1;
            if rn == rm {
                write!(w, "ror {}, {}, #{imms}", zr(x, rd), zr(x, rn))
            } else {
                write!(w, "extr {}, {}, {}, #{imms}", zr(x, rd), zr(x, rn), zr(x, rm))
            }
        }
        _ => unreachable!("not a data-processing (immediate) encoding"),
    }
}

/// SBFM/BFM/UBFM and their aliases, in binutils' order of preference.
fn bitfield(w: &mut dyn Write, x: bool, opc: u8, immr: u8, imms: u8, rn: u8, rd: u8) -> fmt::Result {
    // Signed arithmetic, so that the fields of an unallocated form (only `decode_raw` yields
    // them) print without overflow.
    let (immr, imms) = (i32::from(immr), i32::from(imms));
    let width: i32 = if x { 64 } else { 32 };
    let (d, n) = (zr(x, rd), zr(x, rn));
    match opc {
        0 => {
            if immr == 0 && (imms == 7 || imms == 15 || (x && imms == 31)) {
                let m = match imms {
                    7 => "sxtb",
                    15 => "sxth",
                    _ => "sxtw",
                };
                return write!(w, "{m} {d}, {}", zr(false, rn));
            }
            if imms == width - 1 {
                return write!(w, "asr {d}, {n}, #{immr}");
            }
        }
        1 => {
            if rn == 31 && imms < immr {
                return write!(w, "bfc {d}, #{}, #{}", width - immr, imms + 1);
            }
        }
        _ => {
            if !x && immr == 0 && (imms == 7 || imms == 15) {
                let m = if imms == 7 { "uxtb" } else { "uxth" };
                return write!(w, "{m} {d}, {n}");
            }
            if imms == width - 1 {
                return write!(w, "lsr {d}, {n}, #{immr}");
            }
            if imms + 1 == immr {
                return write!(w, "lsl {d}, {n}, #{}", width - 1 - imms);
            }
        }
    }
    let prefix = ["sbf", "bf", "ubf", "ubf"][usize::from(opc & 3)];
    if imms < immr {
        let ins = if opc == 1 { "i" } else { "iz" };
        write!(w, "{prefix}{ins} {d}, {n}, #{}, #{}", width - immr, imms + 1)
    } else {
        let ext = if opc == 1 { "xil" } else { "x" };
        write!(w, "{prefix}{ext} {d}, {n}, #{immr}, #{}", imms - immr + 1)
    }
}

/// `, <shift> #<amount>` unless the shift is `lsl #0`.
struct Shift(u8, u8);

impl fmt::Display for Shift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 && self.1 == 0 {
            Ok(())
        } else {
            write!(f, ", {} #{}", SHIFT[usize::from(self.0 & 3)], self.1)
        }
    }
}

/// Logical, add/sub, conditional, multiply, divide, shift, CRC and bit-manipulation (register).
pub(super) fn dp_reg(w: &mut dyn Write, insn: &Insn) -> fmt::Result {
    match *insn {
        Insn::LogicReg { sf, opc, shift, n, rm, imm6, rn, rd } => {
            let x = sf == 1;
            let (d, nr, m) = (zr(x, rd), zr(x, rn), zr(x, rm));
            let sh = Shift(shift, imm6);
            match (opc, n) {
                (3, 0) if rd == 31 => write!(w, "tst {nr}, {m}{sh}"),
                (1, 0) if rn == 31 && shift == 0 && imm6 == 0 => write!(w, "mov {d}, {m}"),
                (1, 1) if rn == 31 => write!(w, "mvn {d}, {m}{sh}"),
                _ => {
                    let name = [["and", "bic"], ["orr", "orn"], ["eor", "eon"], ["ands", "bics"]];
                    write!(w, "{} {d}, {nr}, {m}{sh}", name[usize::from(opc)][usize::from(n)])
                }
            }
        }
        Insn::AddsubReg { sf, op, s, shift, rm, imm6, rn, rd } => {
            let x = sf == 1;
            let (d, nr, m) = (zr(x, rd), zr(x, rn), zr(x, rm));
            let sh = Shift(shift, imm6);
            if s == 1 && rd == 31 {
                let name = if op == 1 { "cmp" } else { "cmn" };
                return write!(w, "{name} {nr}, {m}{sh}");
            }
            if op == 1 && rn == 31 {
                let name = if s == 1 { "negs" } else { "neg" };
                return write!(w, "{name} {d}, {m}{sh}");
            }
            let name = ["add", "adds", "sub", "subs"][usize::from(op << 1 | s)];
            write!(w, "{name} {d}, {nr}, {m}{sh}")
        }
        Insn::AddsubExt { sf, op, s, rm, option, imm3, rn, rd } => {
            let x = sf == 1;
            let nr = sp(x, rn);
            let d = if s == 1 { zr(x, rd) } else { sp(x, rd) };
            let m = zr(x && option & 3 == 3, rm);
            let sp_used = nr.num == 31 || (s == 0 && rd == 31);
            let lsl = sp_used && option == if x { 3 } else { 2 };
            let ext = match (lsl, imm3) {
                (true, 0) => String::new(),
                (true, a) => format!(", lsl #{a}"),
                (false, 0) => format!(", {}", EXTEND[usize::from(option)]),
                (false, a) => format!(", {} #{a}", EXTEND[usize::from(option)]),
            };
            if s == 1 && rd == 31 {
                let name = if op == 1 { "cmp" } else { "cmn" };
                return write!(w, "{name} {nr}, {m}{ext}");
            }
            let name = ["add", "adds", "sub", "subs"][usize::from(op << 1 | s)];
            write!(w, "{name} {d}, {nr}, {m}{ext}")
        }
        Insn::AddsubCarry { sf, op, s, rm, rn, rd } => {
            let x = sf == 1;
            let (d, nr, m) = (zr(x, rd), zr(x, rn), zr(x, rm));
            if op == 1 && rn == 31 {
                let name = if s == 1 { "ngcs" } else { "ngc" };
                return write!(w, "{name} {d}, {m}");
            }
            let name = ["adc", "adcs", "sbc", "sbcs"][usize::from(op << 1 | s)];
            write!(w, "{name} {d}, {nr}, {m}")
        }
        Insn::CcmpReg { sf, op, rm, cond, rn, nzcv } => {
            let x = sf == 1;
            let name = if op == 1 { "ccmp" } else { "ccmn" };
            write!(w, "{name} {}, {}, #{nzcv:#x}, {}", zr(x, rn), zr(x, rm), COND[usize::from(cond)])
        }
        Insn::CcmpImm { sf, op, imm5, cond, rn, nzcv } => {
            let x = sf == 1;
            let name = if op == 1 { "ccmp" } else { "ccmn" };
            write!(w, "{name} {}, #{imm5:#x}, #{nzcv:#x}, {}", zr(x, rn), COND[usize::from(cond)])
        }
        Insn::Csel { sf, op, rm, cond, o2, rn, rd } => {
            let x = sf == 1;
            let (d, nr, m) = (zr(x, rd), zr(x, rn), zr(x, rm));
            let kind = usize::from(op << 1 | o2);
            let inv = COND[usize::from(cond ^ 1)];
            if kind != 0 && rn == rm && cond & 0xe != 0xe {
                if rn == 31 && kind != 3 {
                    let name = if kind == 1 { "cset" } else { "csetm" };
                    return write!(w, "{name} {d}, {inv}");
                }
                let name = ["", "cinc", "cinv", "cneg"][kind];
                return write!(w, "{name} {d}, {nr}, {inv}");
            }
            let name = ["csel", "csinc", "csinv", "csneg"][kind];
            write!(w, "{name} {d}, {nr}, {m}, {}", COND[usize::from(cond)])
        }
        Insn::Madd { sf, rm, o0, ra, rn, rd } => {
            let x = sf == 1;
            let (d, nr, m) = (zr(x, rd), zr(x, rn), zr(x, rm));
            if ra == 31 {
                let name = if o0 == 1 { "mneg" } else { "mul" };
                return write!(w, "{name} {d}, {nr}, {m}");
            }
            let name = if o0 == 1 { "msub" } else { "madd" };
            write!(w, "{name} {d}, {nr}, {m}, {}", zr(x, ra))
        }
        Insn::Maddl { u, rm, o0, ra, rn, rd } => {
            let (d, nr, m) = (zr(true, rd), zr(false, rn), zr(false, rm));
            let sign = if u == 1 { 'u' } else { 's' };
            if ra == 31 {
                let name = if o0 == 1 { "mnegl" } else { "mull" };
                return write!(w, "{sign}{name} {d}, {nr}, {m}");
            }
            let name = if o0 == 1 { "msubl" } else { "maddl" };
            write!(w, "{sign}{name} {d}, {nr}, {m}, {}", zr(true, ra))
        }
        Insn::Mulh { u, rm, rn, rd, .. } => {
            let sign = if u == 1 { 'u' } else { 's' };
            write!(w, "{sign}mulh {}, {}, {}", zr(true, rd), zr(true, rn), zr(true, rm))
        }
        Insn::Div { sf, rm, o1, rn, rd } => {
            let x = sf == 1;
            let name = if o1 == 1 { "sdiv" } else { "udiv" };
            write!(w, "{name} {}, {}, {}", zr(x, rd), zr(x, rn), zr(x, rm))
        }
        Insn::Shiftv { sf, rm, op2, rn, rd } => {
            let x = sf == 1;
            write!(w, "{} {}, {}, {}", SHIFT[usize::from(op2)], zr(x, rd), zr(x, rn), zr(x, rm))
        }
        Insn::Crc32 { rm, c, sz, rn, rd, .. } => {
            let c = if c == 1 { "c" } else { "" };
            let suffix = ['b', 'h', 'w', 'x'][usize::from(sz)];
            write!(w, "crc32{c}{suffix} {}, {}, {}", zr(false, rd), zr(false, rn), zr(sz == 3, rm))
        }
        Insn::Rbit { sf, rn, rd } => write!(w, "rbit {}, {}", zr(sf == 1, rd), zr(sf == 1, rn)),
        Insn::Rev { sf, opc, rn, rd } => {
            let name = match (sf, opc) {
                (_, 1) => "rev16",
                (1, 2) => "rev32",
                _ => "rev",
            };
            write!(w, "{name} {}, {}", zr(sf == 1, rd), zr(sf == 1, rn))
        }
        Insn::Clz { sf, op, rn, rd } => {
            let name = if op == 1 { "cls" } else { "clz" };
            write!(w, "{name} {}, {}", zr(sf == 1, rd), zr(sf == 1, rn))
        }
        _ => unreachable!("not a data-processing (register) encoding"),
    }
}
