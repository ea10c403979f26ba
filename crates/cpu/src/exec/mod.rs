//! Instruction semantics, one module per encoding class, dispatched from a single `match` on the
//! decoded [`Insn`] (no dynamic dispatch). Handlers return `Ok(Step)` or the synchronous
//! exception the instruction raises; the dispatcher takes it.

mod branch;
mod crypto;
mod dp;
mod fp_scalar;
mod ldst;
mod simd_elem;
mod simd_fp;
mod simd_int;
mod simd_ldst;
mod simd_misc;
mod simd_perm;
mod simd_scalar;
mod simd_shift;
mod system;
mod vector;

pub(crate) use ldst::Access;

use a64::Insn;

use crate::exception::SyncException;
use crate::memory::Platform;
use crate::state::Cpu;

/// What the run loop does after an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Fall through to the next instruction of the block.
    Next,
    /// The PC has been set (branch, exception, context change): end the block.
    Jump,
    /// Leave the run loop.
    Exit(StopReason),
}

/// Why an instruction stopped the run loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// PSCI SYSTEM_OFF.
    PowerOff,
    /// PSCI SYSTEM_RESET.
    Reset,
    /// WFI with no interrupt pending (the PC is past the WFI).
    WaitForInterrupt,
    /// WFE with the Event Register clear (the PC is past the WFE).
    WaitForEvent,
    /// YIELD: a hint that other work may run (the PC is past the instruction).
    Yield,
    /// A data access hit a host watchpoint (the PC is at the instruction, which did not
    /// complete).
    Watchpoint,
    /// PSCI CPU_OFF: the core powers down.
    CpuOff,
}

pub(crate) type ExecResult = Result<Step, SyncException>;

/// Sign-extends the low `bits` bits of `value`.
#[inline(always)]
pub(crate) fn sext(value: u64, bits: u32) -> u64 {
    let shift = 64 - bits;
    (((value << shift) as i64) >> shift) as u64
}

/// D1.7 condition codes, as a table: bit `cond` of `COND_TABLE[nzcv]` says whether condition
/// `cond` holds for flags `nzcv` (C1.2.4 condition code table).
const COND_TABLE: [u16; 16] = build_cond_table();

const fn build_cond_table() -> [u16; 16] {
    let mut table = [0u16; 16];
    let mut flags = 0;
    while flags < 16 {
        let n = flags & 8 != 0;
        let z = flags & 4 != 0;
        let c = flags & 2 != 0;
        let v = flags & 1 != 0;
        let base = [z, c, n, v, c && !z, n == v, !z && n == v, true];
        let mut cond = 0;
        while cond < 16 {
            let mut holds = base[cond >> 1];
            // Odd conditions invert, except 0b1111 which is "always" like 0b1110.
            if cond & 1 == 1 && cond != 15 {
                holds = !holds;
            }
            if holds {
                table[flags] |= 1 << cond;
            }
            cond += 1;
        }
        flags += 1;
    }
    table
}

impl Cpu {
    /// Whether condition `cond` holds for the current NZCV.
    #[inline(always)]
    pub(crate) fn cond_holds(&self, cond: u8) -> bool {
        COND_TABLE[(self.pstate.nzcv >> 28) as usize & 15] & (1 << (cond & 15)) != 0
    }

    /// Executes one decoded instruction at `self.pc`.
    #[inline(always)]
    pub(crate) fn execute<P: Platform>(&mut self, insn: Insn, p: &mut P) -> Step {
        let result = match insn {
            Insn::Adr { op, immlo, immhi, rd } => self.adr(op, immlo, immhi, rd),
            Insn::AddsubImm { sf, op, s, sh, imm12, rn, rd } => self.addsub_imm(sf, op, s, sh, imm12, rn, rd),
            Insn::LogicImm { sf, opc, n, immr, imms, rn, rd } => self.logic_imm(sf, opc, n, immr, imms, rn, rd),
            Insn::Movwide { sf, opc, hw, imm16, rd } => self.movwide(sf, opc, hw, imm16, rd),
            Insn::Bitfield { sf, opc, n: _, immr, imms, rn, rd } => self.bitfield(sf, opc, immr, imms, rn, rd),
            Insn::Extr { sf, n: _, rm, imms, rn, rd } => self.extr(sf, rm, imms, rn, rd),
            Insn::BImm { op, imm26 } => self.b_imm(op, imm26),
            Insn::Cbz { sf, op, imm19, rt } => self.cbz(sf, op, imm19, rt),
            Insn::Tbz { b5, op, b40, imm14, rt } => self.tbz(b5, op, b40, imm14, rt),
            Insn::BCond { imm19, cond } => self.b_cond(imm19, cond),
            Insn::Svc { imm16 } => self.svc(imm16),
            Insn::Hvc { imm16 } => self.hvc(imm16),
            Insn::Smc { imm16 } => self.smc(imm16, p),
            Insn::Brk { imm16 } => self.brk(imm16),
            Insn::Hlt { .. } => Err(SyncException::undefined()),
            Insn::Hint { crm, op2 } => self.hint(crm, op2, p),
            Insn::Clrex { .. } => {
                self.reservation = None;
                Ok(Step::Next)
            }
            Insn::Dsb { .. } | Insn::Dmb { .. } => Ok(Step::Next),
            Insn::Isb { .. } => self.jump(self.pc.wrapping_add(4)),
            Insn::MsrImm { op1, crm, op2 } => self.msr_imm(op1, crm, op2),
            Insn::Sys { op1, crn, crm, op2, rt } => self.sys(op1, crn, crm, op2, rt, p),
            Insn::Sysl { .. } => Err(SyncException::undefined()),
            Insn::MsrReg { o0, op1, crn, crm, op2, rt } => self.msr_reg(2 + o0, op1, crn, crm, op2, rt),
            Insn::Mrs { o0, op1, crn, crm, op2, rt } => self.mrs(2 + o0, op1, crn, crm, op2, rt),
            Insn::Br { op, rn } => self.br(op, rn),
            Insn::Eret {} => self.eret(),
            Insn::Stxr { size, rs, o0: _, rt2: _, rn, rt } => self.stxr(size, rs, rn, rt, p),
            Insn::Ldxr { size, rs: _, o0, rt2: _, rn, rt } => self.ldxr(size, o0, rn, rt, p),
            Insn::Stxp { sz, rs, o0: _, rt2, rn, rt } => self.stxp(sz, rs, rt2, rn, rt, p),
            Insn::Ldxp { sz, rs: _, o0: _, rt2, rn, rt } => self.ldxp(sz, rt2, rn, rt, p),
            Insn::Stlr { size, rn, rt, .. } => self.stlr(size, rn, rt, p),
            Insn::Ldar { size, rn, rt, .. } => self.ldar(size, rn, rt, p),
            Insn::LdrLit { opc, imm19, rt } => self.ldr_lit(opc, imm19, rt, p),
            Insn::LdrLitFp { opc, imm19, rt } => self.ldr_lit_fp(opc, imm19, rt, p),
            Insn::Ldstp { opc, idx, l, imm7, rt2, rn, rt } => self.ldstp(opc, idx, l, imm7, rt2, rn, rt, p),
            Insn::LdstpFp { opc, idx, l, imm7, rt2, rn, rt } => self.ldstp_fp(opc, idx, l, imm7, rt2, rn, rt, p),
            Insn::LdstImm9 { size, opc, imm9, idx, rn, rt } => self.ldst_imm9(size, opc, imm9, idx, rn, rt, p),
            Insn::LdstImm9Fp { size, opc, imm9, idx, rn, rt } => self.ldst_imm9_fp(size, opc, imm9, idx, rn, rt, p),
            Insn::LdstReg { size, opc, rm, option, s, rn, rt } => self.ldst_reg(size, opc, rm, option, s, rn, rt, p),
            Insn::LdstRegFp { size, opc, rm, option, s, rn, rt } => {
                self.ldst_reg_fp(size, opc, rm, option, s, rn, rt, p)
            }
            Insn::LdstUimm { size, opc, imm12, rn, rt } => self.ldst_uimm(size, opc, imm12, rn, rt, p),
            Insn::LdstUimmFp { size, opc, imm12, rn, rt } => self.ldst_uimm_fp(size, opc, imm12, rn, rt, p),
            Insn::LogicReg { sf, opc, shift, n, rm, imm6, rn, rd } => {
                self.logic_reg(sf, opc, shift, n, rm, imm6, rn, rd)
            }
            Insn::AddsubReg { sf, op, s, shift, rm, imm6, rn, rd } => {
                self.addsub_reg(sf, op, s, shift, rm, imm6, rn, rd)
            }
            Insn::AddsubExt { sf, op, s, rm, option, imm3, rn, rd } => {
                self.addsub_ext(sf, op, s, rm, option, imm3, rn, rd)
            }
            Insn::AddsubCarry { sf, op, s, rm, rn, rd } => self.addsub_carry(sf, op, s, rm, rn, rd),
            Insn::CcmpReg { sf, op, rm, cond, rn, nzcv } => self.ccmp(sf, op, self.xr(rm), cond, rn, nzcv),
            Insn::CcmpImm { sf, op, imm5, cond, rn, nzcv } => self.ccmp(sf, op, u64::from(imm5), cond, rn, nzcv),
            Insn::Csel { sf, op, rm, cond, o2, rn, rd } => self.csel(sf, op, rm, cond, o2, rn, rd),
            Insn::Madd { sf, rm, o0, ra, rn, rd } => self.madd(sf, rm, o0, ra, rn, rd),
            Insn::Maddl { u, rm, o0, ra, rn, rd } => self.maddl(u, rm, o0, ra, rn, rd),
            Insn::Mulh { u, rm, ra: _, rn, rd } => self.mulh(u, rm, rn, rd),
            Insn::Div { sf, rm, o1, rn, rd } => self.div(sf, rm, o1, rn, rd),
            Insn::Shiftv { sf, rm, op2, rn, rd } => self.shiftv(sf, rm, op2, rn, rd),
            Insn::Crc32 { sf: _, rm, c, sz, rn, rd } => self.crc32(rm, c, sz, rn, rd),
            Insn::Rbit { sf, rn, rd } => self.rbit(sf, rn, rd),
            Insn::Rev { sf, opc, rn, rd } => self.rev(sf, opc, rn, rd),
            Insn::Clz { sf, op, rn, rd } => self.clz(sf, op, rn, rd),
            Insn::FcvtFixed { sf, ftype, rmode: _, opcode, scale, rn, rd } => {
                self.fcvt_fixed(sf, ftype, opcode, scale, rn, rd)
            }
            Insn::FcvtInt { sf, ftype, rmode, opcode, rn, rd } => self.fcvt_int(sf, ftype, rmode, opcode, rn, rd),
            Insn::Fp1src { ftype, opcode, rn, rd } => self.fp_1src(ftype, opcode, rn, rd),
            Insn::FpCmp { ftype, rm, rn, e, z } => self.fp_cmp(ftype, rm, rn, e, z),
            Insn::FpImm { ftype, imm8, rd } => self.fp_imm(ftype, imm8, rd),
            Insn::FpCcmp { ftype, rm, cond, rn, e, nzcv } => self.fp_ccmp(ftype, rm, cond, rn, e, nzcv),
            Insn::Fp2src { ftype, rm, opcode, rn, rd } => self.fp_2src(ftype, rm, opcode, rn, rd),
            Insn::FpCsel { ftype, rm, cond, rn, rd } => self.fp_csel(ftype, rm, cond, rn, rd),
            Insn::Fp3src { ftype, o1, rm, o0, ra, rn, rd } => self.fp_3src(ftype, o1, rm, o0, ra, rn, rd),
            Insn::SimdCopy { q, op, imm5, imm4, rn, rd } => self.simd_copy(q, op, imm5, imm4, rn, rd),
            Insn::SimdPerm { q, size, rm, opcode, rn, rd } => self.simd_perm(q, size, rm, opcode, rn, rd),
            Insn::SimdExt { q, op2: _, rm, imm4, rn, rd } => self.simd_ext(q, rm, imm4, rn, rd),
            Insn::SimdTbl { q, op2: _, rm, len, op, rn, rd } => self.simd_tbl(q, rm, len, op, rn, rd),
            Insn::SimdModimm { q, op, abc, cmode, o2: _, defgh, rd } => self.simd_modimm(q, op, abc, cmode, defgh, rd),
            Insn::Simd3same { q, u, size, rm, opcode, rn, rd } => self.simd_3same(q, u, size, rm, opcode, rn, rd),
            Insn::Simd3sameFp { q, u, a, sz, rm, opcode, rn, rd } => {
                self.simd_3same_fp(q, u, a, sz, rm, opcode, rn, rd)
            }
            Insn::Simd2misc { q, u, size, opcode, rn, rd } => self.simd_2misc(q, u, size, opcode, rn, rd),
            Insn::SimdAcross { q, u, size, opcode, rn, rd } => self.simd_across(q, u, size, opcode, rn, rd),
            Insn::SimdLdstMulti { q, p: post, l, rm, opcode, size, rn, rt } => {
                self.simd_ldst_multi(q, post, l, rm, opcode, size, rn, rt, p)
            }
            Insn::SimdLdstSingle { q, p: post, l, r, rm, opcode, s, size, rn, rt } => {
                self.simd_ldst_single(q, post, l, r, rm, opcode, s, size, rn, rt, p)
            }
            Insn::SimdShiftImm { q, u, immh, immb, opcode, rn, rd } => {
                self.simd_shift_imm(q, u, immh, immb, opcode, rn, rd)
            }
            Insn::CryptoAes { size: _, opcode, rn, rd } => self.crypto_aes(opcode, rn, rd),
            Insn::CryptoSha3 { size: _, rm, opcode, rn, rd } => self.crypto_sha3(rm, opcode, rn, rd),
            Insn::CryptoSha2 { size: _, opcode, rn, rd } => self.crypto_sha2(opcode, rn, rd),
            Insn::Simd3diff { q, u, size, rm, opcode, rn, rd } => self.simd_3diff(q, u, size, rm, opcode, rn, rd),
            Insn::SimdElem { q, u, size, l, m, rm, opcode, h, rn, rd } => {
                self.simd_elem(q, u, size, l, m, rm, opcode, h, rn, rd)
            }
            Insn::SimdS3same { u, size, rm, opcode, rn, rd } => self.simd_s3same(u, size, rm, opcode, rn, rd),
            Insn::SimdS3diff { u, size, rm, opcode, rn, rd } => self.simd_s3diff(u, size, rm, opcode, rn, rd),
            Insn::SimdS2misc { u, size, opcode, rn, rd } => self.simd_s2misc(u, size, opcode, rn, rd),
            Insn::SimdSpairwise { u, size, opcode, rn, rd } => self.simd_spairwise(u, size, opcode, rn, rd),
            Insn::SimdScopy { op: _, imm5, imm4: _, rn, rd } => self.simd_scopy(imm5, rn, rd),
            Insn::SimdSshiftImm { u, immh, immb, opcode, rn, rd } => {
                self.simd_sshift_imm(u, immh, immb, opcode, rn, rd)
            }
            Insn::SimdSelem { u, size, l, m, rm, opcode, h, rn, rd } => {
                self.simd_selem(u, size, l, m, rm, opcode, h, rn, rd)
            }
            Insn::Undefined { .. } => Err(SyncException::undefined()),
        };
        match result {
            Ok(step) => step,
            Err(exc) if exc.ec == crate::host_debug::HOST_WATCHPOINT => Step::Exit(StopReason::Watchpoint),
            Err(exc) => {
                self.take_sync(exc);
                Step::Jump
            }
        }
    }

    /// Sets the PC and ends the block.
    #[inline(always)]
    pub(crate) fn jump(&mut self, target: u64) -> ExecResult {
        self.pc = target;
        Ok(Step::Jump)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_table_matches_c1_2_4() {
        let mut cpu = Cpu::new(0, 0);
        // Z set: EQ holds, NE does not; AL and NV always hold.
        cpu.pstate.nzcv = 0x4000_0000;
        assert!(cpu.cond_holds(0));
        assert!(!cpu.cond_holds(1));
        assert!(cpu.cond_holds(14) && cpu.cond_holds(15));
        // N set, V clear: LT holds, GE does not, GT does not.
        cpu.pstate.nzcv = 0x8000_0000;
        assert!(cpu.cond_holds(11) && !cpu.cond_holds(10) && !cpu.cond_holds(12));
        // C set, Z clear: HI holds; LS does not.
        cpu.pstate.nzcv = 0x2000_0000;
        assert!(cpu.cond_holds(8) && !cpu.cond_holds(9));
    }

    #[test]
    fn sign_extension() {
        assert_eq!(sext(0x1ff, 9), u64::MAX);
        assert_eq!(sext(0x0ff, 9), 0xff);
    }
}
