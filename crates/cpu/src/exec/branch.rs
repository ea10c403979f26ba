//! Branches (C4.1.3): immediate, conditional, compare-and-branch, test-and-branch, register.

use super::{sext, ExecResult, Step};
use crate::exception::SyncException;
use crate::state::Cpu;

impl Cpu {
    /// B and BL.
    #[inline(always)]
    pub(crate) fn b_imm(&mut self, op: u8, imm26: u32) -> ExecResult {
        let target = self.pc.wrapping_add(sext(u64::from(imm26), 26) << 2);
        if op == 1 {
            self.set_x(30, self.pc.wrapping_add(4));
        }
        self.jump(target)
    }

    /// CBZ and CBNZ.
    #[inline(always)]
    pub(crate) fn cbz(&mut self, sf: u8, op: u8, imm19: u32, rt: u8) -> ExecResult {
        let value = if sf == 1 { self.xr(rt) } else { self.xr(rt) & 0xffff_ffff };
        if (value == 0) != (op == 1) {
            self.jump(self.pc.wrapping_add(sext(u64::from(imm19), 19) << 2))
        } else {
            Ok(Step::Next)
        }
    }

    /// TBZ and TBNZ.
    #[inline(always)]
    pub(crate) fn tbz(&mut self, b5: u8, op: u8, b40: u8, imm14: u16, rt: u8) -> ExecResult {
        let bit = (self.xr(rt) >> ((b5 << 5) | b40)) & 1;
        if bit == u64::from(op) {
            self.jump(self.pc.wrapping_add(sext(u64::from(imm14), 14) << 2))
        } else {
            Ok(Step::Next)
        }
    }

    /// B.cond.
    #[inline(always)]
    pub(crate) fn b_cond(&mut self, imm19: u32, cond: u8) -> ExecResult {
        if self.cond_holds(cond) {
            self.jump(self.pc.wrapping_add(sext(u64::from(imm19), 19) << 2))
        } else {
            Ok(Step::Next)
        }
    }

    /// BR, BLR and RET.
    #[inline(always)]
    pub(crate) fn br(&mut self, op: u8, rn: u8) -> ExecResult {
        let target = self.xr(rn);
        if op == 1 {
            self.set_x(30, self.pc.wrapping_add(4));
        }
        self.jump(target)
    }

    /// ERET: UNDEFINED at EL0 (C6.2 ERET), otherwise an exception return.
    #[inline(always)]
    pub(crate) fn eret(&mut self) -> ExecResult {
        if self.pstate.el == 0 {
            return Err(SyncException::undefined());
        }
        self.exception_return();
        self.event = true; // D1.16.1: an exception return sets the Event Register.
        Ok(Step::Jump)
    }
}
