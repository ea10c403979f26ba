//! The gdb architecture of a HyperSoC core: the standard `org.gnu.gdb.aarch64.core` and
//! `org.gnu.gdb.aarch64.fpu` features, plus `org.hypersoc.aarch64.sysregs` with every system
//! register of `isa/sysregs.isa` that software can read (EL0, EL1 and EL2, named in lower case:
//! `$hcr_el2`) and SP_EL2.
//!
//! Register numbers: 0-30 X0-X30, 31 SP, 32 PC, 33 CPSR, 34-65 V0-V31, 66 FPSR, 67 FPCR (the
//! order of the `g` packet); a system register's number is its 16-bit MRS encoding
//! (op0:op1:CRn:CRm:op2, always >= 0x8000), the convention of `gdbstub_arch`'s
//! [`AArch64RegId`], so the `p`/`P` packets name registers by encoding.

use std::sync::OnceLock;

use cpu::{SysReg, SYSREGS};
use gdbstub::arch::{Arch, Registers};
use gdbstub_arch::aarch64::reg::id::AArch64RegId;

/// The gdbstub architecture of a HyperSoC core.
pub enum HyperSocAArch64 {}

impl Arch for HyperSocAArch64 {
    type Usize = u64;
    type Registers = CoreRegs;
    type RegId = AArch64RegId;
    type BreakpointKind = usize;

    fn target_description_xml() -> Option<&'static str> {
        Some(target_xml())
    }
}

/// The registers of the `g` packet, in its order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoreRegs {
    /// X0..X30.
    pub x: [u64; 31],
    /// The current stack pointer.
    pub sp: u64,
    /// The program counter.
    pub pc: u64,
    /// PSTATE in the SPSR layout (gdb calls it CPSR).
    pub cpsr: u32,
    /// V0..V31.
    pub v: [u128; 32],
    /// FPSR.
    pub fpsr: u32,
    /// FPCR.
    pub fpcr: u32,
}

impl Registers for CoreRegs {
    type ProgramCounter = u64;

    fn pc(&self) -> u64 {
        self.pc
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        let mut put = |bytes: &[u8]| bytes.iter().for_each(|b| write_byte(Some(*b)));
        for x in &self.x {
            put(&x.to_le_bytes());
        }
        put(&self.sp.to_le_bytes());
        put(&self.pc.to_le_bytes());
        put(&self.cpsr.to_le_bytes());
        for v in &self.v {
            put(&v.to_le_bytes());
        }
        put(&self.fpsr.to_le_bytes());
        put(&self.fpcr.to_le_bytes());
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        const LEN: usize = 33 * 8 + 4 + 32 * 16 + 2 * 4;
        if bytes.len() < LEN {
            return Err(());
        }
        let mut rest = bytes;
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head
        };
        let u64_of = |b: &[u8]| b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
        for x in &mut self.x {
            *x = u64_of(take(8));
        }
        self.sp = u64_of(take(8));
        self.pc = u64_of(take(8));
        self.cpsr = u64_of(take(4)) as u32;
        for v in &mut self.v {
            let b = take(16);
            *v = u128::from(u64_of(&b[..8])) | (u128::from(u64_of(&b[8..])) << 64);
        }
        self.fpsr = u64_of(take(4)) as u32;
        self.fpcr = u64_of(take(4)) as u32;
        Ok(())
    }
}

/// MRS encoding of SP_EL2 (S3_6_C4_C1_0), which has no storage in the system-register file.
pub const SP_EL2_ENCODING: u16 = encode([3, 6, 4, 1, 0]);

/// The 16-bit encoding op0:op1:CRn:CRm:op2 (2, 3, 4, 4, 3 bits).
pub const fn encode(e: [u8; 5]) -> u16 {
    ((e[0] as u16 & 3) << 14)
        | ((e[1] as u16 & 7) << 11)
        | ((e[2] as u16 & 15) << 7)
        | ((e[3] as u16 & 15) << 3)
        | (e[4] as u16 & 7)
}

/// A system register named by gdb: one of the file, or SP_EL2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemReg {
    /// A register of `isa/sysregs.isa`.
    File(SysReg),
    /// SP_EL2.
    SpEl2,
}

/// The system register with MRS encoding `encoding`.
pub fn system_reg(encoding: u16) -> Option<SystemReg> {
    if encoding == SP_EL2_ENCODING {
        return Some(SystemReg::SpEl2);
    }
    let e = encoding;
    let reg = SysReg::lookup(
        (e >> 14) as u8 & 3,
        (e >> 11) as u8 & 7,
        (e >> 7) as u8 & 15,
        (e >> 3) as u8 & 15,
        e as u8 & 7,
    )?;
    SYSREGS[reg as usize].read_el.ne(&u8::MAX).then_some(SystemReg::File(reg))
}

/// Registers left out of the system-register feature: FPSR and FPCR are in the fpu feature,
/// and write-only registers cannot be shown.
fn in_sysreg_feature(reg: SysReg) -> bool {
    !matches!(reg, SysReg::FPSR | SysReg::FPCR) && SYSREGS[reg as usize].read_el != u8::MAX
}

/// The target description (built once).
pub fn target_xml() -> &'static str {
    static XML: OnceLock<String> = OnceLock::new();
    XML.get_or_init(|| {
        let mut xml = String::from(
            r#"<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0"><architecture>aarch64</architecture>"#,
        );
        xml.push_str(CORE_XML);
        xml.push_str(FPU_XML);
        xml.push_str(r#"<feature name="org.hypersoc.aarch64.sysregs">"#);
        for (reg, info) in cpu::ALL_SYSREGS.iter().zip(SYSREGS.iter()) {
            if in_sysreg_feature(*reg) {
                xml.push_str(&format!(
                    r#"<reg name="{}" bitsize="64" type="uint64" regnum="{}" group="system"/>"#,
                    info.name.to_ascii_lowercase(),
                    encode(info.encoding)
                ));
            }
        }
        xml.push_str(&format!(
            r#"<reg name="sp_el2" bitsize="64" type="uint64" regnum="{SP_EL2_ENCODING}" group="system"/>"#
        ));
        xml.push_str("</feature></target>");
        xml
    })
}

/// `org.gnu.gdb.aarch64.core` (from GDB's `features/aarch64-core.xml`: "Copyright (C)
/// 2009-2022 Free Software Foundation, Inc. Contributed by ARM Ltd. Copying and distribution
/// of this file, with or without modification, are permitted in any medium without royalty
/// provided the copyright notice and this notice are preserved.")
const CORE_XML: &str = r#"<feature name="org.gnu.gdb.aarch64.core"><reg name="x0" bitsize="64"/><reg name="x1" bitsize="64"/><reg name="x2" bitsize="64"/><reg name="x3" bitsize="64"/><reg name="x4" bitsize="64"/><reg name="x5" bitsize="64"/><reg name="x6" bitsize="64"/><reg name="x7" bitsize="64"/><reg name="x8" bitsize="64"/><reg name="x9" bitsize="64"/><reg name="x10" bitsize="64"/><reg name="x11" bitsize="64"/><reg name="x12" bitsize="64"/><reg name="x13" bitsize="64"/><reg name="x14" bitsize="64"/><reg name="x15" bitsize="64"/><reg name="x16" bitsize="64"/><reg name="x17" bitsize="64"/><reg name="x18" bitsize="64"/><reg name="x19" bitsize="64"/><reg name="x20" bitsize="64"/><reg name="x21" bitsize="64"/><reg name="x22" bitsize="64"/><reg name="x23" bitsize="64"/><reg name="x24" bitsize="64"/><reg name="x25" bitsize="64"/><reg name="x26" bitsize="64"/><reg name="x27" bitsize="64"/><reg name="x28" bitsize="64"/><reg name="x29" bitsize="64"/><reg name="x30" bitsize="64"/><reg name="sp" bitsize="64" type="data_ptr"/><reg name="pc" bitsize="64" type="code_ptr"/><flags id="cpsr_flags" size="4"><field name="SP" start="0" end="0"/><field name="EL" start="2" end="3"/><field name="nRW" start="4" end="4"/><field name="F" start="6" end="6"/><field name="I" start="7" end="7"/><field name="A" start="8" end="8"/><field name="D" start="9" end="9"/><field name="IL" start="20" end="20"/><field name="SS" start="21" end="21"/><field name="V" start="28" end="28"/><field name="C" start="29" end="29"/><field name="Z" start="30" end="30"/><field name="N" start="31" end="31"/></flags><reg name="cpsr" bitsize="32" type="cpsr_flags"/></feature>"#;

/// `org.gnu.gdb.aarch64.fpu` (from GDB's `features/aarch64-fpu.xml`, same notice as
/// [`CORE_XML`]).
const FPU_XML: &str = r#"<feature name="org.gnu.gdb.aarch64.fpu"><vector id="v2d" type="ieee_double" count="2"/><vector id="v2u" type="uint64" count="2"/><vector id="v2i" type="int64" count="2"/><vector id="v4f" type="ieee_single" count="4"/><vector id="v4u" type="uint32" count="4"/><vector id="v4i" type="int32" count="4"/><vector id="v8f" type="ieee_half" count="8"/><vector id="v8u" type="uint16" count="8"/><vector id="v8i" type="int16" count="8"/><vector id="v16u" type="uint8" count="16"/><vector id="v16i" type="int8" count="16"/><vector id="v1u" type="uint128" count="1"/><vector id="v1i" type="int128" count="1"/><union id="vnd"><field name="f" type="v2d"/><field name="u" type="v2u"/><field name="s" type="v2i"/></union><union id="vns"><field name="f" type="v4f"/><field name="u" type="v4u"/><field name="s" type="v4i"/></union><union id="vnh"><field name="f" type="v8f"/><field name="u" type="v8u"/><field name="s" type="v8i"/></union><union id="vnb"><field name="u" type="v16u"/><field name="s" type="v16i"/></union><union id="vnq"><field name="u" type="v1u"/><field name="s" type="v1i"/></union><union id="aarch64v"><field name="d" type="vnd"/><field name="s" type="vns"/><field name="h" type="vnh"/><field name="b" type="vnb"/><field name="q" type="vnq"/></union><reg name="v0" bitsize="128" type="aarch64v" regnum="34"/><reg name="v1" bitsize="128" type="aarch64v"/><reg name="v2" bitsize="128" type="aarch64v"/><reg name="v3" bitsize="128" type="aarch64v"/><reg name="v4" bitsize="128" type="aarch64v"/><reg name="v5" bitsize="128" type="aarch64v"/><reg name="v6" bitsize="128" type="aarch64v"/><reg name="v7" bitsize="128" type="aarch64v"/><reg name="v8" bitsize="128" type="aarch64v"/><reg name="v9" bitsize="128" type="aarch64v"/><reg name="v10" bitsize="128" type="aarch64v"/><reg name="v11" bitsize="128" type="aarch64v"/><reg name="v12" bitsize="128" type="aarch64v"/><reg name="v13" bitsize="128" type="aarch64v"/><reg name="v14" bitsize="128" type="aarch64v"/><reg name="v15" bitsize="128" type="aarch64v"/><reg name="v16" bitsize="128" type="aarch64v"/><reg name="v17" bitsize="128" type="aarch64v"/><reg name="v18" bitsize="128" type="aarch64v"/><reg name="v19" bitsize="128" type="aarch64v"/><reg name="v20" bitsize="128" type="aarch64v"/><reg name="v21" bitsize="128" type="aarch64v"/><reg name="v22" bitsize="128" type="aarch64v"/><reg name="v23" bitsize="128" type="aarch64v"/><reg name="v24" bitsize="128" type="aarch64v"/><reg name="v25" bitsize="128" type="aarch64v"/><reg name="v26" bitsize="128" type="aarch64v"/><reg name="v27" bitsize="128" type="aarch64v"/><reg name="v28" bitsize="128" type="aarch64v"/><reg name="v29" bitsize="128" type="aarch64v"/><reg name="v30" bitsize="128" type="aarch64v"/><reg name="v31" bitsize="128" type="aarch64v"/><reg name="fpsr" bitsize="32"/><reg name="fpcr" bitsize="32"/></feature>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        assert_eq!(encode([3, 4, 1, 1, 0]), 0xe088);
        assert_eq!(system_reg(encode([3, 4, 1, 1, 0])), Some(SystemReg::File(SysReg::HCR_EL2)));
        assert_eq!(system_reg(SP_EL2_ENCODING), Some(SystemReg::SpEl2));
        // OSLAR_EL1 is write-only; S3_7_C15_C15_7 does not exist.
        assert_eq!(system_reg(encode([2, 0, 1, 0, 4])), None);
        assert_eq!(system_reg(0xffff), None);
        // gdbstub_arch's ids agree.
        assert_eq!(AArch64RegId::VBAR_EL1, AArch64RegId::System(encode([3, 0, 12, 0, 0])));
    }

    #[test]
    fn target_xml_names_system_registers_in_lower_case() {
        let xml = target_xml();
        assert!(xml.contains(r#"<reg name="hcr_el2" bitsize="64" type="uint64" regnum="57480" group="system"/>"#));
        assert!(xml.contains(r#"name="vbar_el1""#) && xml.contains(r#"name="sp_el2""#));
        assert!(!xml.contains(r#"name="oslar_el1""#));
        assert_eq!(xml.matches(r#"name="fpsr""#).count(), 1);
    }

    #[test]
    fn registers_round_trip_through_the_g_packet() {
        let mut regs =
            CoreRegs { sp: 0x10, pc: 0x4008_0000, cpsr: 0x3c9, fpsr: 0x10, fpcr: 0x0300_0000, ..CoreRegs::default() };
        regs.x[30] = 0xdead_beef;
        regs.v[31] = u128::MAX - 5;
        let mut bytes = Vec::new();
        regs.gdb_serialize(|b| bytes.push(b.unwrap_or(0)));
        assert_eq!(bytes.len(), 33 * 8 + 4 + 32 * 16 + 8);
        let mut back = CoreRegs::default();
        back.gdb_deserialize(&bytes).unwrap();
        assert_eq!(back, regs);
        assert!(back.gdb_deserialize(&bytes[1..]).is_err());
    }
}
