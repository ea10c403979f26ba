//! Scalar floating-point instructions (C4.1.6; C7.2 instruction pages): the handlers read
//! FPCR, compute with the soft-float core of [`crate::fp`] and add the exception flags to
//! FPSR. A scalar result zeroes the rest of its V register (C7.2, `V[d] = result`).

#![allow(clippy::too_many_arguments)]

use super::{ExecResult, Step};
use crate::fp::{self, Fmt, Fpcr, Rounding};
use crate::state::Cpu;
use crate::sysreg_table::SysReg;

/// The low `fmt.bits()` of a value.
#[inline(always)]
fn mask(fmt: Fmt) -> u64 {
    u64::MAX >> (64 - fmt.bits())
}

impl Cpu {
    /// FPCR as the soft-float core reads it.
    #[inline(always)]
    pub(crate) fn fpcr(&self) -> Fpcr {
        Fpcr(self.sys[SysReg::FPCR as usize] as u32)
    }

    /// ORs cumulative exception flags (FPSR bit positions) into FPSR.
    #[inline(always)]
    pub(crate) fn fp_flags(&mut self, flags: u32) {
        self.sys[SysReg::FPSR as usize] |= u64::from(flags);
    }

    /// The scalar of `fmt` in the low bits of V`n`.
    #[inline(always)]
    pub(crate) fn vscalar(&self, n: u8, fmt: Fmt) -> u64 {
        self.v[usize::from(n) & 31] as u64 & mask(fmt)
    }

    /// Writes a scalar to V`d`, zeroing the rest of the register.
    #[inline(always)]
    pub(crate) fn set_vscalar(&mut self, d: u8, value: u64) {
        self.v[usize::from(d) & 31] = u128::from(value);
    }

    /// C7.2 FCVTZS/FCVTZU/SCVTF/UCVTF (scalar, fixed-point): fbits = 64 - scale.
    pub(crate) fn fcvt_fixed(&mut self, sf: u8, ftype: u8, opcode: u8, scale: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (fmt, fpcr, mut flags) = (Fmt::from_ftype(ftype), self.fpcr(), 0);
        let fbits = 64 - u32::from(scale);
        let width = if sf == 1 { 64 } else { 32 };
        if opcode < 2 {
            let op = self.vscalar(rn, fmt);
            let value = fp::to_fixed(op, fmt, fbits, opcode == 1, width, fpcr, Rounding::Zero, &mut flags);
            self.set_x(rd, value);
        } else {
            let value = self.xr(rn);
            let result = fp::fixed_to_fp(value, width, opcode == 3, fbits, fmt, fpcr, fpcr.rounding(), &mut flags);
            self.set_vscalar(rd, result);
        }
        self.fp_flags(flags);
        Ok(Step::Next)
    }

    /// C7.2 FCVT<N,P,M,Z,A>{S,U} (scalar, integer), SCVTF/UCVTF (scalar, integer), FMOV
    /// (general).
    pub(crate) fn fcvt_int(&mut self, sf: u8, ftype: u8, rmode: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let width = if sf == 1 { 64 } else { 32 };
        if opcode >= 6 {
            // FMOV: bit moves, no FP processing. rmode 01 is the upper half of V (D[1]).
            let (n, d) = (usize::from(rn) & 31, usize::from(rd) & 31);
            match (opcode, rmode) {
                (6, 1) => self.set_x(rd, (self.v[n] >> 64) as u64),
                (6, _) => self.set_xw(rd, self.v[n] as u64, sf == 1),
                (_, 1) => self.v[d] = (self.v[d] & u128::from(u64::MAX)) | (u128::from(self.xr(rn)) << 64),
                _ => self.v[d] = u128::from(self.xr(rn) & (u64::MAX >> (64 - width))),
            }
            return Ok(Step::Next);
        }
        let (fmt, fpcr, mut flags) = (Fmt::from_ftype(ftype), self.fpcr(), 0);
        match opcode {
            2 | 3 => {
                let value = self.xr(rn);
                let result = fp::fixed_to_fp(value, width, opcode == 3, 0, fmt, fpcr, fpcr.rounding(), &mut flags);
                self.set_vscalar(rd, result);
            }
            _ => {
                let rounding = if opcode >= 4 { Rounding::TieAway } else { Rounding::from_rmode(u32::from(rmode)) };
                let op = self.vscalar(rn, fmt);
                let value = fp::to_fixed(op, fmt, 0, opcode & 1 == 1, width, fpcr, rounding, &mut flags);
                self.set_x(rd, value);
            }
        }
        self.fp_flags(flags);
        Ok(Step::Next)
    }

    /// C7.2 FMOV (register), FABS, FNEG, FSQRT, FCVT, FRINT<N,P,M,Z,A,X,I> (scalar).
    pub(crate) fn fp_1src(&mut self, ftype: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (fmt, fpcr, mut flags) = (Fmt::from_ftype(ftype), self.fpcr(), 0);
        let op = self.vscalar(rn, fmt);
        let sign = 1u64 << (fmt.bits() - 1);
        let result = match opcode {
            0 => op,
            1 => op & !sign,
            2 => op ^ sign,
            3 => fp::sqrt(op, fmt, fpcr, &mut flags),
            4..=7 => fp::convert(op, fmt, Fmt::from_ftype(opcode & 3), fpcr, fpcr.rounding(), &mut flags),
            _ => {
                let (rounding, exact) = match opcode {
                    8 => (Rounding::TieEven, false),
                    9 => (Rounding::PosInf, false),
                    10 => (Rounding::NegInf, false),
                    11 => (Rounding::Zero, false),
                    12 => (Rounding::TieAway, false),
                    14 => (fpcr.rounding(), true),
                    _ => (fpcr.rounding(), false),
                };
                fp::round_int(op, fmt, fpcr, rounding, exact, &mut flags)
            }
        };
        self.set_vscalar(rd, result);
        self.fp_flags(flags);
        Ok(Step::Next)
    }

    /// C7.2 FCMP/FCMPE (with a register or #0.0): NZCV from J1 `FPCompare`.
    pub(crate) fn fp_cmp(&mut self, ftype: u8, rm: u8, rn: u8, e: u8, z: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (fmt, fpcr, mut flags) = (Fmt::from_ftype(ftype), self.fpcr(), 0);
        let a = self.vscalar(rn, fmt);
        let b = if z == 1 { 0 } else { self.vscalar(rm, fmt) };
        let nzcv = fp::compare(a, b, e == 1, fmt, fpcr, &mut flags);
        self.pstate.nzcv = nzcv << 28;
        self.fp_flags(flags);
        Ok(Step::Next)
    }

    /// C7.2 FCCMP/FCCMPE: compare if `cond` holds, else NZCV = `nzcv`.
    pub(crate) fn fp_ccmp(&mut self, ftype: u8, rm: u8, cond: u8, rn: u8, e: u8, nzcv: u8) -> ExecResult {
        self.check_fp_enabled()?;
        if !self.cond_holds(cond) {
            self.pstate.nzcv = u32::from(nzcv) << 28;
            return Ok(Step::Next);
        }
        self.fp_cmp(ftype, rm, rn, e, 0)
    }

    /// C7.2 FMOV (scalar, immediate).
    pub(crate) fn fp_imm(&mut self, ftype: u8, imm8: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        self.set_vscalar(rd, fp::expand_imm(imm8, Fmt::from_ftype(ftype)));
        Ok(Step::Next)
    }

    /// C7.2 FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL (scalar).
    pub(crate) fn fp_2src(&mut self, ftype: u8, rm: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (fmt, fpcr, mut flags) = (Fmt::from_ftype(ftype), self.fpcr(), 0);
        let (a, b) = (self.vscalar(rn, fmt), self.vscalar(rm, fmt));
        let f = &mut flags;
        let result = match opcode {
            0 => fp::mul(a, b, fmt, fpcr, f),
            1 => fp::div(a, b, fmt, fpcr, f),
            2 => fp::add(a, b, fmt, fpcr, f),
            3 => fp::sub(a, b, fmt, fpcr, f),
            4 => fp::max(a, b, fmt, fpcr, f),
            5 => fp::min(a, b, fmt, fpcr, f),
            6 => fp::max_num(a, b, fmt, fpcr, f),
            7 => fp::min_num(a, b, fmt, fpcr, f),
            // FNMUL negates the rounded product, NaNs included.
            _ => fp::mul(a, b, fmt, fpcr, f) ^ (1 << (fmt.bits() - 1)),
        };
        self.set_vscalar(rd, result);
        self.fp_flags(flags);
        Ok(Step::Next)
    }

    /// C7.2 FCSEL.
    pub(crate) fn fp_csel(&mut self, ftype: u8, rm: u8, cond: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let fmt = Fmt::from_ftype(ftype);
        let value = if self.cond_holds(cond) { self.vscalar(rn, fmt) } else { self.vscalar(rm, fmt) };
        self.set_vscalar(rd, value);
        Ok(Step::Next)
    }

    /// C7.2 FMADD, FMSUB, FNMADD, FNMSUB: J1 `FPMulAdd` with the addend negated when o1 is set
    /// and the first multiplicand negated when o0 != o1 (before NaN propagation).
    pub(crate) fn fp_3src(&mut self, ftype: u8, o1: u8, rm: u8, o0: u8, ra: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (fmt, fpcr, mut flags) = (Fmt::from_ftype(ftype), self.fpcr(), 0);
        let sign = 1u64 << (fmt.bits() - 1);
        let addend = self.vscalar(ra, fmt) ^ if o1 == 1 { sign } else { 0 };
        let op1 = self.vscalar(rn, fmt) ^ if o0 != o1 { sign } else { 0 };
        let op2 = self.vscalar(rm, fmt);
        let result = fp::mul_add(addend, op1, op2, fmt, fpcr, &mut flags);
        self.set_vscalar(rd, result);
        self.fp_flags(flags);
        Ok(Step::Next)
    }
}

#[cfg(test)]
mod tests {
    use crate::fp::flag;
    use crate::state::Cpu;
    use crate::sysreg_table::SysReg;

    fn cpu() -> Cpu {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_sysreg(SysReg::CPTR_EL2, 0);
        cpu
    }

    #[test]
    fn fnmul_negates_the_rounded_product_and_nans() {
        // C7.2 FNMUL: result = FPNeg(FPMul(...)), so a propagated NaN has its sign flipped.
        let mut cpu = cpu();
        cpu.v[1] = 0x7fc0_0001;
        cpu.v[2] = 0x3f80_0000;
        cpu.fp_2src(0, 2, 8, 1, 0).unwrap();
        assert_eq!(cpu.v[0], 0xffc0_0001);
    }

    #[test]
    fn scalar_results_zero_the_upper_lanes_and_accumulate_flags() {
        let mut cpu = cpu();
        cpu.v[0] = u128::MAX;
        cpu.v[1] = 0x3ff0_0000_0000_0000; // 1.0
        cpu.v[2] = 0x4008_0000_0000_0000; // 3.0
        cpu.set_sysreg(SysReg::FPSR, u64::from(flag::DZC));
        cpu.fp_2src(1, 2, 1, 1, 0).unwrap(); // fdiv d0, d1, d2
        assert_eq!(cpu.v[0], 0x3fd5_5555_5555_5555);
        assert_eq!(cpu.sysreg(SysReg::FPSR), u64::from(flag::DZC | flag::IXC));
    }

    #[test]
    fn fp_data_processing_traps_like_fp_loads() {
        // D13.2.30 CPACR_EL1.FPEN = 00 traps FP/SIMD instructions at EL1 with EC 0x07 (and leaves
        // the registers alone); CPTR_EL2.TFP traps them to EL2.
        let mut cpu = cpu();
        cpu.set_pstate(crate::state::Pstate { el: 1, ..cpu.pstate });
        cpu.set_sysreg(SysReg::CPACR_EL1, 0);
        cpu.v[1] = 0x3f80_0000;
        let err = cpu.fp_2src(0, 1, 2, 1, 0).unwrap_err();
        assert_eq!((err.ec, err.to_el2), (crate::exception::ec::FP_ACCESS, false));
        assert_eq!(cpu.v[0], 0);
        cpu.set_sysreg(SysReg::CPACR_EL1, 3 << 20);
        cpu.set_sysreg(SysReg::CPTR_EL2, 1 << 10);
        let err = cpu.simd_3same(1, 0, 2, 1, 0x10, 1, 0).unwrap_err();
        assert_eq!((err.ec, err.to_el2), (crate::exception::ec::FP_ACCESS, true));
    }

    #[test]
    fn fccmp_takes_the_immediate_flags_when_the_condition_fails() {
        let mut cpu = cpu();
        cpu.pstate.nzcv = 0; // EQ fails
        cpu.v[1] = 0x7f80_0001; // sNaN: would raise IOC if compared
        cpu.fp_ccmp(0, 1, 0, 1, 1, 0b1010).unwrap();
        assert_eq!(cpu.pstate.nzcv, 0b1010 << 28);
        assert_eq!(cpu.sysreg(SysReg::FPSR), 0);
    }
}
