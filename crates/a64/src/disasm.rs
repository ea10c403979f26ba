//! A disassembler for [`Insn`] that prints what GNU objdump (`aarch64-linux-gnu-objdump -d`,
//! binutils 2.40) prints for the same word, with objdump's preferred aliases (`mov`, `cmp`, `lsl`,
//! `cset`, `tlbi`, ...), its immediate styles (`#0x10` for arithmetic and logical immediates,
//! decimal for shifts, bit positions and address offsets) and absolute branch targets
//! (`b 0x1000`).
//!
//! Decoding and display are separate: [`crate::decode`] yields an [`Insn`]; [`Disasm`] pairs it with
//! the address it was fetched from so that PC-relative targets print as absolute addresses.
//! `Display for Insn` prints with pc = 0.
//!
//! Differences in layout from objdump's own text, which the golden tests normalize away:
//! * one space, not a tab, separates the mnemonic from its operands;
//! * no trailing `// ...` comment (objdump's `// #-1`, `// b.none`, ...) and no `<symbol>`;
//! * an unallocated word prints as objdump prints it: `.inst 0x0001abcd ; undefined`, `udf #1`,
//!   `.inst 0x00200000 ; NYI`, and a word of the op0 = 0b00 system space as a generic
//!   `msr s0_1_c2_c3_4, x5`. DCPS1-3 and DRPS, which ARMv8.0 makes UNDEFINED outside Debug state
//!   (so the decoder rejects them), print by name.
//!
//! Encodings objdump knows from later architecture versions (PAC and BTI hints, `cfinv`,
//! ARMv8.1+ system registers, ...) print as their ARMv8.0 form (`hint #0x19`,
//! `mrs x0, s3_0_c4_c2_3`, `msr s0_0_c4_c0_0, xzr`) or as undefined, since the decoder is strictly
//! ARMv8.0-A + CRC32.
//!
//! Where binutils is stricter than the decoder about an encoding ARMv8.0 makes CONSTRAINED
//! UNPREDICTABLE, Display follows objdump while the decoder (and so the CPU) keeps the instruction:
//! LDAR with its should-be-one Rs/Rt2 fields not all ones and LDPSW with Rt == Rt2 or writing
//! back to a loaded base print as undefined, and `MSR SPSel, #imm` with imm > 1 as
//! `msr s0_0_c4_c<imm>_5, xzr`.

use core::fmt::{self, Write};

use crate::Insn;

mod control;
mod data;
mod fp;
mod loadstore;
mod simd;
mod sysreg_names;

/// An instruction together with its address, for display.
///
/// ```
/// use a64::{decode, Disasm};
/// let d = Disasm { insn: decode(0x1400_0400), pc: 0x8000 };
/// assert_eq!(d.to_string(), "b 0x9000");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Disasm {
    /// The decoded instruction.
    pub insn: Insn,
    /// The address the instruction was fetched from; PC-relative targets are computed from it.
    pub pc: u64,
}

impl Disasm {
    /// Decodes `word` fetched from `pc`.
    pub fn new(word: u32, pc: u64) -> Self {
        Self { insn: crate::decode(word), pc }
    }
}

impl fmt::Display for Disasm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            let mut s = String::with_capacity(48);
            write_insn(&mut s, &self.insn, self.pc)?;
            f.pad(&s)
        } else {
            write_insn(f, &self.insn, self.pc)
        }
    }
}

impl fmt::Display for Insn {
    /// Disassembles as if fetched from address 0; see [`Disasm`] for PC-relative targets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Disasm { insn: *self, pc: 0 }.fmt(f)
    }
}

/// Writes the disassembly of `insn`, fetched from `pc`, to `w`.
fn write_insn(w: &mut dyn Write, insn: &Insn, pc: u64) -> fmt::Result {
    use Insn as I;
    match *insn {
        I::Adr { .. }
        | I::AddsubImm { .. }
        | I::LogicImm { .. }
        | I::Movwide { .. }
        | I::Bitfield { .. }
        | I::Extr { .. } => data::dp_imm(w, insn, pc),
        I::LogicReg { .. }
        | I::AddsubReg { .. }
        | I::AddsubExt { .. }
        | I::AddsubCarry { .. }
        | I::CcmpReg { .. }
        | I::CcmpImm { .. }
        | I::Csel { .. }
        | I::Madd { .. }
        | I::Maddl { .. }
        | I::Mulh { .. }
        | I::Div { .. }
        | I::Shiftv { .. }
        | I::Crc32 { .. }
        | I::Rbit { .. }
        | I::Rev { .. }
        | I::Clz { .. } => data::dp_reg(w, insn),
        I::BImm { .. }
        | I::Cbz { .. }
        | I::Tbz { .. }
        | I::BCond { .. }
        | I::Svc { .. }
        | I::Hvc { .. }
        | I::Smc { .. }
        | I::Brk { .. }
        | I::Hlt { .. }
        | I::Hint { .. }
        | I::Clrex { .. }
        | I::Dsb { .. }
        | I::Dmb { .. }
        | I::Isb { .. }
        | I::MsrImm { .. }
        | I::Sys { .. }
        | I::Sysl { .. }
        | I::MsrReg { .. }
        | I::Mrs { .. }
        | I::Br { .. }
        | I::Eret {} => control::control(w, insn, pc),
        I::Stxr { .. }
        | I::Ldxr { .. }
        | I::Stxp { .. }
        | I::Ldxp { .. }
        | I::Stlr { .. }
        | I::Ldar { .. }
        | I::LdrLit { .. }
        | I::LdrLitFp { .. }
        | I::Ldstp { .. }
        | I::LdstpFp { .. }
        | I::LdstImm9 { .. }
        | I::LdstImm9Fp { .. }
        | I::LdstReg { .. }
        | I::LdstRegFp { .. }
        | I::LdstUimm { .. }
        | I::LdstUimmFp { .. } => loadstore::loadstore(w, insn, pc),
        I::FcvtFixed { .. }
        | I::FcvtInt { .. }
        | I::Fp1src { .. }
        | I::FpCmp { .. }
        | I::FpImm { .. }
        | I::FpCcmp { .. }
        | I::Fp2src { .. }
        | I::FpCsel { .. }
        | I::Fp3src { .. } => fp::scalar(w, insn),
        I::SimdCopy { .. }
        | I::SimdPerm { .. }
        | I::SimdExt { .. }
        | I::SimdTbl { .. }
        | I::SimdModimm { .. }
        | I::Simd3same { .. }
        | I::Simd3sameFp { .. }
        | I::Simd2misc { .. }
        | I::SimdAcross { .. }
        | I::SimdLdstMulti { .. }
        | I::SimdLdstSingle { .. }
        | I::SimdShiftImm { .. }
        | I::CryptoAes { .. }
        | I::CryptoSha3 { .. }
        | I::CryptoSha2 { .. }
        | I::Simd3diff { .. }
        | I::SimdElem { .. }
        | I::SimdS3same { .. }
        | I::SimdS3diff { .. }
        | I::SimdS2misc { .. }
        | I::SimdSpairwise { .. }
        | I::SimdScopy { .. }
        | I::SimdSshiftImm { .. }
        | I::SimdSelem { .. } => simd::simd(w, insn),
        I::Undefined { raw } => undefined(w, raw),
    }
}

/// The text of a word the decoder calls undefined, as objdump prints it:
/// * DCPS1-3 and DRPS, which ARMv8.0 defines but makes UNDEFINED outside Debug state (which this
///   PE never enters), by name;
/// * the rest of the op0 = 0b00 system space (outside the hints, barriers and PSTATE writes),
///   which binutils prints as an MSR or MRS of a generic `s0_<op1>_c<n>_c<m>_<op2>` register;
/// * `udf #imm16` in the permanently undefined space (C6.2 UDF);
/// * `.inst 0x........ ; NYI` where binutils reserves bits<30:21> = 0b0000000001;
/// * `.inst 0x........ ; undefined` elsewhere.
fn undefined(w: &mut dyn Write, raw: u32) -> fmt::Result {
    if raw & 0xffe0_001c == 0xd4a0_0000 && raw & 3 != 0 {
        let imm16 = (raw >> 5) & 0xffff;
        return match imm16 {
            0 => write!(w, "dcps{}", raw & 3),
            _ => write!(w, "dcps{} #{imm16:#x}", raw & 3),
        };
    }
    if raw == 0xd6bf_03e0 {
        return w.write_str("drps");
    }
    if raw & 0xffd8_0000 == 0xd500_0000 {
        let rt = zr(true, (raw & 31) as u8);
        let (op1, crn, crm, op2) = ((raw >> 16) & 7, (raw >> 12) & 15, (raw >> 8) & 15, (raw >> 5) & 7);
        return if raw & (1 << 21) == 0 {
            write!(w, "msr s0_{op1}_c{crn}_c{crm}_{op2}, {rt}")
        } else {
            write!(w, "mrs {rt}, s0_{op1}_c{crn}_c{crm}_{op2}")
        };
    }
    if raw >> 16 == 0 {
        write!(w, "udf #{raw}")
    } else if (raw >> 21) & 0x3ff == 1 {
        write!(w, ".inst 0x{raw:08x} ; NYI")
    } else {
        write!(w, ".inst 0x{raw:08x} ; undefined")
    }
}

/// A general-purpose register operand: `x3`/`w3`, and register 31 as `xzr`/`wzr` or `sp`/`wsp`.
#[derive(Clone, Copy)]
struct Reg {
    num: u8,
    wide: bool,
    sp: bool,
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.num, self.wide, self.sp) {
            (31, true, true) => f.write_str("sp"),
            (31, false, true) => f.write_str("wsp"),
            (31, true, false) => f.write_str("xzr"),
            (31, false, false) => f.write_str("wzr"),
            (n, true, _) => write!(f, "x{n}"),
            (n, false, _) => write!(f, "w{n}"),
        }
    }
}

/// Register `num` of width `wide` (X) or not (W), with 31 the zero register.
const fn zr(wide: bool, num: u8) -> Reg {
    Reg { num, wide, sp: false }
}

/// Register `num` of width `wide`, with 31 the stack pointer.
const fn sp(wide: bool, num: u8) -> Reg {
    Reg { num, wide, sp: true }
}

/// Condition names as objdump prints them (C1.2.4 Condition code).
const COND: [&str; 16] =
    ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"];

/// Sign-extends the low `bits` bits of `v`.
const fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

/// `pc + offset`, wrapping as the address arithmetic of the architecture does.
const fn target(pc: u64, offset: i64) -> u64 {
    pc.wrapping_add(offset as u64)
}

#[cfg(test)]
#[path = "disasm_tests.rs"]
mod tests;
