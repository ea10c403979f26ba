//! Loads and stores (C4.1.4): exclusives, acquire/release, literal, pair, 9-bit immediate,
//! register offset and unsigned offset forms, for general-purpose and SIMD&FP registers.

use core::fmt::{self, Write};

use super::{sext, sp, target, undefined, zr, Reg};
use crate::Insn;

/// PRFM prefetch operation names (C6.2 PRFM), indexed by the Rt field.
const PRFOP: [Option<&str>; 32] = {
    let mut t = [None; 32];
    let names = [
        (0, "pldl1keep"),
        (1, "pldl1strm"),
        (2, "pldl2keep"),
        (3, "pldl2strm"),
        (4, "pldl3keep"),
        (5, "pldl3strm"),
        (8, "plil1keep"),
        (9, "plil1strm"),
        (10, "plil2keep"),
        (11, "plil2strm"),
        (12, "plil3keep"),
        (13, "plil3strm"),
        (16, "pstl1keep"),
        (17, "pstl1strm"),
        (18, "pstl2keep"),
        (19, "pstl2strm"),
        (20, "pstl3keep"),
        (21, "pstl3strm"),
    ];
    let mut i = 0;
    while i < names.len() {
        t[names[i].0] = Some(names[i].1);
        i += 1;
    }
    t
};

/// A PRFM operation: its name, or `#0x..` where none is defined.
struct Prfop(u8);

impl fmt::Display for Prfop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match PRFOP[usize::from(self.0 & 31)] {
            Some(name) => f.write_str(name),
            None => write!(f, "#0x{:02x}", self.0),
        }
    }
}

/// The transfer register of a load/store, general-purpose (`w`/`x`) or SIMD&FP (`b`..`q`).
#[derive(Clone, Copy)]
enum Rt {
    Gp(Reg),
    Fp(char, u8),
    Prefetch(u8),
}

impl fmt::Display for Rt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rt::Gp(r) => r.fmt(f),
            Rt::Fp(c, n) => write!(f, "{c}{n}"),
            Rt::Prefetch(op) => Prfop(op).fmt(f),
        }
    }
}

/// Mnemonic stem, size suffix, transfer register and log2 of the access size of a
/// general-purpose load/store with these `size`/`opc` fields (C4.1.4, "Load/store register").
/// `stem` is `ld`/`st` for loads/stores, or `prf` for PRFM.
struct Access {
    stem: &'static str,
    suffix: &'static str,
    rt: Rt,
    scale: u8,
}

fn gp_access(size: u8, opc: u8, rt: u8) -> Access {
    let suffix = |s: u8| ["b", "h", "", ""][usize::from(s)];
    let (stem, suffix, wide) = match (opc, size) {
        (0, _) => ("st", suffix(size), size == 3),
        (1, _) => ("ld", suffix(size), size == 3),
        (2, 0) => ("ld", "sb", true),
        (2, 1) => ("ld", "sh", true),
        (2, 2) => ("ld", "sw", true),
        (2, _) => return Access { stem: "prf", suffix: "", rt: Rt::Prefetch(rt), scale: 3 },
        (_, 0) => ("ld", "sb", false),
        _ => ("ld", "sh", false),
    };
    Access { stem, suffix, rt: Rt::Gp(zr(wide, rt)), scale: size }
}

fn fp_access(size: u8, opc: u8, rt: u8) -> Access {
    let stem = if opc & 1 == 1 { "ld" } else { "st" };
    let (c, scale) = if opc & 2 != 0 { ('q', 4) } else { (['b', 'h', 's', 'd'][usize::from(size)], size) };
    Access { stem, suffix: "", rt: Rt::Fp(c, rt), scale }
}

/// Writes `<stem><form><suffix> <rt>, ` for a single-register load/store, e.g. `ldursb w0, `.
fn head(w: &mut dyn Write, a: &Access, form: &str) -> fmt::Result {
    if a.stem == "prf" {
        // PRFM, PRFUM.
        let form = if form == "r" { "m" } else { "um" };
        write!(w, "prf{form} {}, ", a.rt)
    } else {
        write!(w, "{}{form}{} {}, ", a.stem, a.suffix, a.rt)
    }
}

/// An `[Xn|SP, #imm]` address with `idx` as in the 9-bit and pair forms: 01 post-index,
/// 11 pre-index, otherwise a plain offset.
fn imm_address(w: &mut dyn Write, rn: u8, idx: u8, offset: i64) -> fmt::Result {
    let base = sp(true, rn);
    match idx {
        1 => write!(w, "[{base}], #{offset}"),
        3 => write!(w, "[{base}, #{offset}]!"),
        _ if offset == 0 => write!(w, "[{base}]"),
        _ => write!(w, "[{base}, #{offset}]"),
    }
}

/// Loads and stores.
pub(super) fn loadstore(w: &mut dyn Write, insn: &Insn, pc: u64) -> fmt::Result {
    match *insn {
        Insn::Stxr { size, rs, o0, rn, rt, .. } => {
            let name = if o0 == 1 { "stlxr" } else { "stxr" };
            let suffix = ["b", "h", "", ""][usize::from(size)];
            write!(w, "{name}{suffix} {}, {}, [{}]", zr(false, rs), zr(size == 3, rt), sp(true, rn))
        }
        Insn::Ldxr { size, o0, rn, rt, .. } => {
            let name = if o0 == 1 { "ldaxr" } else { "ldxr" };
            let suffix = ["b", "h", "", ""][usize::from(size)];
            write!(w, "{name}{suffix} {}, [{}]", zr(size == 3, rt), sp(true, rn))
        }
        Insn::Stxp { sz, rs, o0, rt2, rn, rt } => {
            let name = if o0 == 1 { "stlxp" } else { "stxp" };
            let x = sz == 1;
            write!(w, "{name} {}, {}, {}, [{}]", zr(false, rs), zr(x, rt), zr(x, rt2), sp(true, rn))
        }
        Insn::Ldxp { sz, o0, rt2, rn, rt, .. } => {
            let name = if o0 == 1 { "ldaxp" } else { "ldxp" };
            let x = sz == 1;
            write!(w, "{name} {}, {}, [{}]", zr(x, rt), zr(x, rt2), sp(true, rn))
        }
        Insn::Stlr { size, rn, rt, .. } => {
            let suffix = ["b", "h", "", ""][usize::from(size)];
            write!(w, "stlr{suffix} {}, [{}]", zr(size == 3, rt), sp(true, rn))
        }
        // binutils 2.40 requires the SBO fields of LDAR to be all ones (Rt2 = 11111, and Rs =
        // 11111 or, except for LDARH, 01111), though not those of the other ordered and exclusive
        // forms. ARMv8.0 makes other values CONSTRAINED UNPREDICTABLE; the decoder accepts them.
        Insn::Ldar { size, rs, rt2, .. } if rt2 != 31 || !(rs == 31 || (rs == 15 && size != 1)) => {
            undefined(w, insn.encode())
        }
        Insn::Ldar { size, rn, rt, .. } => {
            let suffix = ["b", "h", "", ""][usize::from(size)];
            write!(w, "ldar{suffix} {}, [{}]", zr(size == 3, rt), sp(true, rn))
        }
        Insn::LdrLit { opc, imm19, rt } => {
            let t = target(pc, sext(u64::from(imm19), 19) << 2);
            match opc {
                0 => write!(w, "ldr {}, {t:#x}", zr(false, rt)),
                1 => write!(w, "ldr {}, {t:#x}", zr(true, rt)),
                2 => write!(w, "ldrsw {}, {t:#x}", zr(true, rt)),
                _ => write!(w, "prfm {}, {t:#x}", Prfop(rt)),
            }
        }
        Insn::LdrLitFp { opc, imm19, rt } => {
            let t = target(pc, sext(u64::from(imm19), 19) << 2);
            write!(w, "ldr {}{rt}, {t:#x}", ['s', 'd', 'q', 'q'][usize::from(opc)])
        }
        // binutils' `verify_ldpsw`: LDPSW with Rt == Rt2, or writing back to a base register
        // it also loads, is CONSTRAINED UNPREDICTABLE and printed as undefined (objdump does not
        // check LDP this way).
        Insn::Ldstp { opc: 1, idx, rt2, rn, rt, .. }
            if rt == rt2 || (idx & 1 == 1 && (rt == rn || rt2 == rn) && rn != 31) =>
        {
            undefined(w, insn.encode())
        }
        Insn::Ldstp { opc, idx, l, imm7, rt2, rn, rt } => {
            let (sw, x) = (opc == 1, opc == 2);
            let scale = if x { 3 } else { 2 };
            let name = match (idx, l, sw) {
                (0, 0, _) => "stnp",
                (0, _, _) => "ldnp",
                (_, 0, _) => "stp",
                (_, _, false) => "ldp",
                _ => "ldpsw",
            };
            let (t, t2) = (zr(x || sw, rt), zr(x || sw, rt2));
            write!(w, "{name} {t}, {t2}, ")?;
            imm_address(w, rn, idx, sext(u64::from(imm7), 7) << scale)
        }
        Insn::LdstpFp { opc, idx, l, imm7, rt2, rn, rt } => {
            let name = [["stnp", "ldnp"], ["stp", "ldp"]][usize::from(idx != 0)][usize::from(l)];
            let c = ['s', 'd', 'q', 'q'][usize::from(opc)];
            write!(w, "{name} {c}{rt}, {c}{rt2}, ")?;
            imm_address(w, rn, idx, sext(u64::from(imm7), 7) << (opc + 2))
        }
        Insn::LdstImm9 { size, opc, imm9, idx, rn, rt } => imm9_form(w, &gp_access(size, opc, rt), imm9, idx, rn),
        Insn::LdstImm9Fp { size, opc, imm9, idx, rn, rt } => imm9_form(w, &fp_access(size, opc, rt), imm9, idx, rn),
        Insn::LdstReg { size, opc, rm, option, s, rn, rt } => reg_form(w, &gp_access(size, opc, rt), rm, option, s, rn),
        Insn::LdstRegFp { size, opc, rm, option, s, rn, rt } => {
            reg_form(w, &fp_access(size, opc, rt), rm, option, s, rn)
        }
        Insn::LdstUimm { size, opc, imm12, rn, rt } => {
            let a = gp_access(size, opc, rt);
            head(w, &a, "r")?;
            imm_address(w, rn, 2, i64::from(imm12) << a.scale)
        }
        Insn::LdstUimmFp { size, opc, imm12, rn, rt } => {
            let a = fp_access(size, opc, rt);
            head(w, &a, "r")?;
            imm_address(w, rn, 2, i64::from(imm12) << a.scale)
        }
        _ => unreachable!("not a load/store encoding"),
    }
}

/// The 9-bit signed immediate forms: unscaled (`ldur`), post-index, unprivileged (`ldtr`) and
/// pre-index.
fn imm9_form(w: &mut dyn Write, a: &Access, imm9: u16, idx: u8, rn: u8) -> fmt::Result {
    head(w, a, ["ur", "r", "tr", "r"][usize::from(idx)])?;
    imm_address(w, rn, idx, sext(u64::from(imm9), 9))
}

/// The register offset form `[Xn|SP, Rm{, extend {#amount}}]`.
fn reg_form(w: &mut dyn Write, a: &Access, rm: u8, option: u8, s: u8, rn: u8) -> fmt::Result {
    head(w, a, "r")?;
    let base = sp(true, rn);
    let m = zr(option & 1 == 1, rm);
    let ext = ["", "", "uxtw", "lsl", "", "", "sxtw", "sxtx"][usize::from(option)];
    // objdump prints the amount when S is set, even `#0` for byte accesses.
    match (s, ext) {
        (0, "lsl") => write!(w, "[{base}, {m}]"),
        (0, _) => write!(w, "[{base}, {m}, {ext}]"),
        _ => write!(w, "[{base}, {m}, {ext} #{}]", a.scale),
    }
}
