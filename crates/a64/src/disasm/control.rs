//! Branches, exception generation and system instructions (C4.1.3).

use core::fmt::{self, Write};

use super::sysreg_names::{sys_op_name, sysreg_name, SysOp};
use super::{sext, target, zr, COND};
use crate::Insn;

/// Barrier option names of DMB/DSB (C6.2 DMB), `#0x..` where none is defined.
const BARRIER: [&str; 16] = [
    "#0x00", "oshld", "oshst", "osh", "#0x04", "nshld", "nshst", "nsh", "#0x08", "ishld", "ishst", "ish", "#0x0c",
    "ld", "st", "sy",
];

/// The ARMv8.0 hints (C6.2 HINT); the rest print as `hint #imm`.
const HINT: [&str; 6] = ["nop", "yield", "wfe", "wfi", "sev", "sevl"];

/// Branches, exception generation and system instructions.
pub(super) fn control(w: &mut dyn Write, insn: &Insn, pc: u64) -> fmt::Result {
    match *insn {
        Insn::BImm { op, imm26 } => {
            let name = if op == 1 { "bl" } else { "b" };
            write!(w, "{name} {:#x}", target(pc, sext(u64::from(imm26), 26) << 2))
        }
        Insn::Cbz { sf, op, imm19, rt } => {
            let name = if op == 1 { "cbnz" } else { "cbz" };
            write!(w, "{name} {}, {:#x}", zr(sf == 1, rt), target(pc, sext(u64::from(imm19), 19) << 2))
        }
        Insn::Tbz { b5, op, b40, imm14, rt } => {
            let name = if op == 1 { "tbnz" } else { "tbz" };
            let bit = b5 << 5 | b40;
            let t = target(pc, sext(u64::from(imm14), 14) << 2);
            write!(w, "{name} {}, #{bit}, {t:#x}", zr(b5 == 1, rt))
        }
        Insn::BCond { imm19, cond } => {
            write!(w, "b.{} {:#x}", COND[usize::from(cond)], target(pc, sext(u64::from(imm19), 19) << 2))
        }
        Insn::Svc { imm16 } => write!(w, "svc #{imm16:#x}"),
        Insn::Hvc { imm16 } => write!(w, "hvc #{imm16:#x}"),
        Insn::Smc { imm16 } => write!(w, "smc #{imm16:#x}"),
        Insn::Brk { imm16 } => write!(w, "brk #{imm16:#x}"),
        Insn::Hlt { imm16 } => write!(w, "hlt #{imm16:#x}"),
        Insn::Hint { crm, op2 } => {
            let imm = crm << 3 | op2;
            match HINT.get(usize::from(imm)) {
                Some(name) => w.write_str(name),
                None => write!(w, "hint #{imm:#x}"),
            }
        }
        Insn::Clrex { crm } => {
            if crm == 15 {
                w.write_str("clrex")
            } else {
                write!(w, "clrex #{crm:#x}")
            }
        }
        Insn::Dsb { crm } => match crm {
            0 => w.write_str("ssbb"),
            4 => w.write_str("pssbb"),
            _ => write!(w, "dsb {}", BARRIER[usize::from(crm)]),
        },
        Insn::Dmb { crm } => write!(w, "dmb {}", BARRIER[usize::from(crm)]),
        Insn::Isb { crm } => {
            if crm == 15 {
                w.write_str("isb")
            } else {
                write!(w, "isb #{crm:#x}")
            }
        }
        // objdump takes SPSel's immediate to be one bit and prints other CRm values as a write
        // of XZR to the generic register s0_0_c4_c<m>_5 (the CPU, like QEMU, uses CRm<0>).
        Insn::MsrImm { op1: 0, crm, op2: 5 } if crm > 1 => super::undefined(w, insn.encode()),
        Insn::MsrImm { op1, crm, op2 } => {
            let field = match (op1, op2) {
                (0, 5) => "spsel",
                (3, 6) => "daifset",
                _ => "daifclr",
            };
            write!(w, "msr {field}, #{crm:#x}")
        }
        // objdump prints the alias whatever Rt is: `dc zva, xzr`, and `tlbi vmalle1` for any Rt.
        Insn::Sys { op1, crn, crm, op2, rt } => match sys_op_name(op1, crn, crm, op2) {
            Some(SysOp { kind, name, xt: true }) => write!(w, "{kind} {name}, {}", zr(true, rt)),
            Some(SysOp { kind, name, xt: false }) => write!(w, "{kind} {name}"),
            None if rt == 31 => write!(w, "sys #{op1}, C{crn}, C{crm}, #{op2}"),
            None => write!(w, "sys #{op1}, C{crn}, C{crm}, #{op2}, {}", zr(true, rt)),
        },
        Insn::Sysl { op1, crn, crm, op2, rt } => {
            write!(w, "sysl {}, #{op1}, C{crn}, C{crm}, #{op2}", zr(true, rt))
        }
        Insn::MsrReg { o0, op1, crn, crm, op2, rt } => {
            write!(w, "msr ")?;
            sysreg(w, 2 + o0, op1, crn, crm, op2, false)?;
            write!(w, ", {}", zr(true, rt))
        }
        Insn::Mrs { o0, op1, crn, crm, op2, rt } => {
            write!(w, "mrs {}, ", zr(true, rt))?;
            sysreg(w, 2 + o0, op1, crn, crm, op2, true)
        }
        Insn::Br { op, rn } => match op {
            0 => write!(w, "br {}", zr(true, rn)),
            1 => write!(w, "blr {}", zr(true, rn)),
            _ if rn == 30 => w.write_str("ret"),
            _ => write!(w, "ret {}", zr(true, rn)),
        },
        Insn::Eret {} => w.write_str("eret"),
        _ => unreachable!("not a branch, exception or system encoding"),
    }
}

/// A system register operand: its name, or the generic `s<op0>_<op1>_c<n>_c<m>_<op2>`.
fn sysreg(w: &mut dyn Write, op0: u8, op1: u8, crn: u8, crm: u8, op2: u8, read: bool) -> fmt::Result {
    match sysreg_name(op0, op1, crn, crm, op2, read) {
        Some(name) => write!(w, "{name}"),
        None => write!(w, "s{op0}_{op1}_c{crn}_c{crm}_{op2}"),
    }
}
