//! Loads and stores (C4.1.4): every addressing mode of the general-purpose and SIMD&FP register
//! forms, pairs, exclusives and acquire/release, with the alignment checks of B2.5 / D1.8 and
//! the data-abort syndromes of D13.2.37.

#![allow(clippy::too_many_arguments)]

use super::{dp::extend_reg, sext, ExecResult, Step};
use crate::exception::{ec, fsc, SyncException};
use crate::memory::Platform;
use crate::state::{Cpu, Reservation};
use crate::sysreg_table::SysReg;
use crate::PhysAddr;

/// SCTLR_ELx bits used here (D13.2.113, D13.2.114).
mod sctlr {
    pub const SA: u64 = 1 << 3;
    pub const SA0: u64 = 1 << 4;
}

/// How a data access is checked and reported.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Access {
    /// A store (ESR.WnR).
    pub write: bool,
    /// Alignment to the access size is required whatever SCTLR_ELx.A says (exclusives,
    /// load-acquire/store-release).
    pub strict: bool,
    /// ISS[24:14] (ISV, SAS, SSE, SRT, SF, AR) for single general-purpose register accesses
    /// without writeback; 0 for the others.
    pub iss: u32,
    /// LDTR/STTR: permissions are checked as at EL0 when executed at EL1 (C6.2 LDTR).
    pub unprivileged: bool,
}

/// The instruction syndrome of a single general-purpose register load/store (D13.2.37).
#[inline(always)]
fn iss_gp(size_log2: u8, sign_extend: bool, rt: u8, sixty_four: bool, acquire_release: bool) -> u32 {
    (1 << 24)
        | (u32::from(size_log2) << 22)
        | (u32::from(sign_extend) << 21)
        | (u32::from(rt & 31) << 16)
        | (u32::from(sixty_four) << 15)
        | (u32::from(acquire_release) << 14)
}

impl Cpu {
    /// SCTLR of the translation regime of the current EL.
    #[inline(always)]
    pub(crate) fn regime_sctlr(&self) -> u64 {
        if self.pstate.el == 2 {
            self.sys[SysReg::SCTLR_EL2 as usize]
        } else {
            self.sys[SysReg::SCTLR_EL1 as usize]
        }
    }

    /// Base register of an address: Xn, or SP with the SP alignment check of D1.8.2
    /// (SCTLR_ELx.SA, SCTLR_EL1.SA0 at EL0).
    #[inline(always)]
    pub(crate) fn base_reg(&self, rn: u8) -> Result<u64, SyncException> {
        if rn != 31 {
            return Ok(self.x[usize::from(rn) & 31]);
        }
        let sp = self.sp();
        if sp & 15 != 0 {
            let check = if self.pstate.el == 0 { sctlr::SA0 } else { sctlr::SA };
            if self.regime_sctlr() & check != 0 {
                return Err(SyncException::new(ec::SP_ALIGN, 0));
            }
        }
        Ok(sp)
    }

    /// The data abort for `va` that is not an MMU fault (an alignment fault of the instruction,
    /// a bus error): DFSC and WnR, ISV = 0 (D24.2.46 "ISV"). MMU faults are built by
    /// [`Cpu::data_fault`].
    #[cold]
    pub(crate) fn data_abort(&self, va: u64, dfsc: u32, acc: Access, stage2: bool) -> SyncException {
        let mut iss = dfsc | (u32::from(acc.write) << 6);
        if stage2 {
            iss |= acc.iss;
        }
        SyncException { far: Some(va), ..SyncException::new(ec::DABT_LOWER, iss) }
    }

    /// Reads 1, 2, 4 or 8 bytes at a translated address.
    #[inline(always)]
    pub(crate) fn phys_read<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        pa: u64,
        size: u8,
        acc: Access,
    ) -> Result<u64, SyncException> {
        let mem = p.memory();
        if let Some(off) = mem.ram_offset(pa, u64::from(size)) {
            return Ok(mem.read_at(off, size));
        }
        self.mmio_read(p, va, pa, size, acc)
    }

    #[cold]
    #[inline(never)]
    fn mmio_read<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        pa: u64,
        size: u8,
        acc: Access,
    ) -> Result<u64, SyncException> {
        p.set_time(self.id, self.counters.cycles);
        let value = p.mmio_read(self.id, PhysAddr(pa), size);
        // A device access can change interrupt lines (a GICC_IAR read lowers IRQ): service the
        // block boundary after this instruction.
        self.stop_at = 0;
        value.ok_or_else(|| self.data_abort(va, fsc::SYNC_EXTERNAL, acc, false))
    }

    /// Writes 1, 2, 4 or 8 bytes at a translated address.
    #[inline(always)]
    pub(crate) fn phys_write<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        pa: u64,
        size: u8,
        value: u64,
        acc: Access,
    ) -> Result<(), SyncException> {
        let mem = p.memory();
        if let Some(off) = mem.ram_offset(pa, u64::from(size)) {
            mem.write_at(off, size, value);
            return Ok(());
        }
        self.mmio_write(p, va, pa, size, value, acc)
    }

    #[cold]
    #[inline(never)]
    fn mmio_write<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        pa: u64,
        size: u8,
        value: u64,
        acc: Access,
    ) -> Result<(), SyncException> {
        p.set_time(self.id, self.counters.cycles);
        let done = p.mmio_write(self.id, PhysAddr(pa), size, value);
        self.stop_at = 0;
        if done {
            Ok(())
        } else {
            Err(self.data_abort(va, fsc::SYNC_EXTERNAL, acc, false))
        }
    }

    /// A checked data read of 1, 2, 4 or 8 bytes: the host fast path for aligned accesses to
    /// RAM pages it holds, else the translation of [`Cpu::read_slow`].
    #[inline(always)]
    pub(crate) fn read_data<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        size: u8,
        acc: Access,
    ) -> Result<u64, SyncException> {
        if let Some(off) = self.vm.fast.read(self.perm_level(acc.unprivileged), va, size) {
            return Ok(p.memory().read_at(off, size));
        }
        self.read_slow(p, va, size, acc).map(|v| v as u64)
    }

    /// A checked data write of 1, 2, 4 or 8 bytes.
    #[inline(always)]
    pub(crate) fn write_data<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        size: u8,
        value: u64,
        acc: Access,
    ) -> Result<(), SyncException> {
        let acc = Access { write: true, ..acc };
        if let Some(off) = self.vm.fast.write(self.perm_level(acc.unprivileged), va, size) {
            p.memory().write_at(off, size, value);
            return Ok(());
        }
        self.write_slow(p, va, size, u128::from(value), acc)
    }

    /// A 16-byte (Q register) read: one alignment check and one translation for the whole
    /// access.
    pub(crate) fn read_data128<P: Platform>(&mut self, p: &mut P, va: u64, acc: Access) -> Result<u128, SyncException> {
        if let Some(off) = self.vm.fast.read(self.perm_level(acc.unprivileged), va, 16) {
            let mem = p.memory();
            return Ok(u128::from(mem.read_at(off, 8)) | u128::from(mem.read_at(off + 8, 8)) << 64);
        }
        self.read_slow(p, va, 16, acc)
    }

    pub(crate) fn write_data128<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        value: u128,
        acc: Access,
    ) -> Result<(), SyncException> {
        let acc = Access { write: true, ..acc };
        if let Some(off) = self.vm.fast.write(self.perm_level(acc.unprivileged), va, 16) {
            let mem = p.memory();
            mem.write_at(off, 8, value as u64);
            mem.write_at(off + 8, 8, (value >> 64) as u64);
            return Ok(());
        }
        self.write_slow(p, va, 16, value, acc)
    }

    /// CPACR_EL1.FPEN and CPTR_EL2.TFP (D13.2.30, D13.2.31): SIMD&FP access traps, EC 0x07.
    /// For A64 the ISS reports CV = 1, COND = 0xE.
    #[inline(always)]
    pub(crate) fn check_fp_enabled(&self) -> Result<(), SyncException> {
        const ISS: u32 = 0x01e0_0000;
        let el = self.pstate.el;
        if el < 2 {
            let fpen = (self.sys[SysReg::CPACR_EL1 as usize] >> 20) & 3;
            let trapped = if el == 0 { fpen != 3 } else { fpen & 1 == 0 };
            if trapped {
                return Err(SyncException::new(ec::FP_ACCESS, ISS));
            }
        }
        if self.sys[SysReg::CPTR_EL2 as usize] & (1 << 10) != 0 {
            return Err(SyncException { to_el2: true, ..SyncException::new(ec::FP_ACCESS, ISS) });
        }
        Ok(())
    }

    /// The common part of LDR/STR/LDRS* of a general-purpose register. `opc`: 0 store,
    /// 1 load, 2 load signed to X, 3 load signed to W. `iss_ok`: no writeback. `unprivileged`:
    /// LDTR/STTR.
    #[inline(always)]
    fn ldst_gp<P: Platform>(
        &mut self,
        p: &mut P,
        size: u8,
        opc: u8,
        addr: u64,
        rt: u8,
        iss_ok: bool,
        unprivileged: bool,
    ) -> Result<(), SyncException> {
        let bytes = 1u8 << size;
        let sign = opc >= 2;
        let sixty_four = if opc == 3 { false } else { opc == 2 || size == 3 };
        let iss = if iss_ok { iss_gp(size, sign, rt, sixty_four, false) } else { 0 };
        let acc = Access { write: opc == 0, strict: false, iss, unprivileged };
        if opc == 0 {
            let value = self.xr(rt);
            return self.write_data(p, addr, bytes, value, acc);
        }
        let raw = self.read_data(p, addr, bytes, acc)?;
        let value = match opc {
            1 => raw,
            2 => sext(raw, 8 * u32::from(bytes)),
            _ => sext(raw, 8 * u32::from(bytes)) & 0xffff_ffff,
        };
        self.set_x(rt, value);
        Ok(())
    }

    /// The common part of LDR/STR of a SIMD&FP register of `bytes` bytes.
    fn ldst_fp<P: Platform>(
        &mut self,
        p: &mut P,
        bytes: u8,
        load: bool,
        addr: u64,
        rt: u8,
    ) -> Result<(), SyncException> {
        let acc = Access::default();
        let r = usize::from(rt) & 31;
        match (bytes, load) {
            (16, true) => self.v[r] = self.read_data128(p, addr, acc)?,
            (16, false) => self.write_data128(p, addr, self.v[r], acc)?,
            (_, true) => self.v[r] = u128::from(self.read_data(p, addr, bytes, acc)?),
            (_, false) => self.write_data(p, addr, bytes, self.v[r] as u64, acc)?,
        }
        Ok(())
    }

    /// LDUR/STUR, post-index, LDTR/STTR, pre-index (general-purpose registers).
    #[inline(always)]
    pub(crate) fn ldst_imm9<P: Platform>(
        &mut self,
        size: u8,
        opc: u8,
        imm9: u16,
        idx: u8,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        if size == 3 && opc == 2 {
            return Ok(Step::Next); // PRFUM: a hint without architectural effect.
        }
        let base = self.base_reg(rn)?;
        let offset = sext(u64::from(imm9), 9);
        let addr = if idx == 1 { base } else { base.wrapping_add(offset) };
        // LDTR/STTR (idx 2) are checked with EL0 permissions at EL1 (C6.2 LDTR).
        self.ldst_gp(p, size, opc, addr, rt, idx == 0 || idx == 2, idx == 2)?;
        if idx & 1 == 1 {
            self.set_xsp(rn, base.wrapping_add(offset));
        }
        Ok(Step::Next)
    }

    /// The SIMD&FP forms of [`Self::ldst_imm9`] (no unprivileged form).
    pub(crate) fn ldst_imm9_fp<P: Platform>(
        &mut self,
        size: u8,
        opc: u8,
        imm9: u16,
        idx: u8,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let bytes = if opc >= 2 { 16 } else { 1u8 << size };
        let base = self.base_reg(rn)?;
        let offset = sext(u64::from(imm9), 9);
        let addr = if idx == 1 { base } else { base.wrapping_add(offset) };
        self.ldst_fp(p, bytes, opc & 1 == 1, addr, rt)?;
        if idx & 1 == 1 {
            self.set_xsp(rn, base.wrapping_add(offset));
        }
        Ok(Step::Next)
    }

    /// LDR/STR (register offset), PRFM (register).
    #[inline(always)]
    pub(crate) fn ldst_reg<P: Platform>(
        &mut self,
        size: u8,
        opc: u8,
        rm: u8,
        option: u8,
        s: u8,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        if size == 3 && opc == 2 {
            return Ok(Step::Next);
        }
        let base = self.base_reg(rn)?;
        let addr = base.wrapping_add(extend_reg(self.xr(rm), option, if s == 1 { size } else { 0 }));
        self.ldst_gp(p, size, opc, addr, rt, true, false)?;
        Ok(Step::Next)
    }

    pub(crate) fn ldst_reg_fp<P: Platform>(
        &mut self,
        size: u8,
        opc: u8,
        rm: u8,
        option: u8,
        s: u8,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let scale = if opc >= 2 { 4 } else { size };
        let base = self.base_reg(rn)?;
        let addr = base.wrapping_add(extend_reg(self.xr(rm), option, if s == 1 { scale } else { 0 }));
        self.ldst_fp(p, 1 << scale, opc & 1 == 1, addr, rt)?;
        Ok(Step::Next)
    }

    /// LDR/STR (unsigned offset), PRFM (immediate).
    #[inline(always)]
    pub(crate) fn ldst_uimm<P: Platform>(
        &mut self,
        size: u8,
        opc: u8,
        imm12: u16,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        if size == 3 && opc == 2 {
            return Ok(Step::Next);
        }
        let addr = self.base_reg(rn)?.wrapping_add(u64::from(imm12) << size);
        self.ldst_gp(p, size, opc, addr, rt, true, false)?;
        Ok(Step::Next)
    }

    pub(crate) fn ldst_uimm_fp<P: Platform>(
        &mut self,
        size: u8,
        opc: u8,
        imm12: u16,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let scale = if opc >= 2 { 4 } else { size };
        let addr = self.base_reg(rn)?.wrapping_add(u64::from(imm12) << scale);
        self.ldst_fp(p, 1 << scale, opc & 1 == 1, addr, rt)?;
        Ok(Step::Next)
    }

    /// LDR (literal), LDRSW (literal), PRFM (literal).
    #[inline(always)]
    pub(crate) fn ldr_lit<P: Platform>(&mut self, opc: u8, imm19: u32, rt: u8, p: &mut P) -> ExecResult {
        let addr = self.pc.wrapping_add(sext(u64::from(imm19), 19) << 2);
        match opc {
            0 => self.ldst_gp(p, 2, 1, addr, rt, true, false)?,
            1 => self.ldst_gp(p, 3, 1, addr, rt, true, false)?,
            2 => self.ldst_gp(p, 2, 2, addr, rt, true, false)?,
            _ => {}
        }
        Ok(Step::Next)
    }

    pub(crate) fn ldr_lit_fp<P: Platform>(&mut self, opc: u8, imm19: u32, rt: u8, p: &mut P) -> ExecResult {
        self.check_fp_enabled()?;
        let addr = self.pc.wrapping_add(sext(u64::from(imm19), 19) << 2);
        self.ldst_fp(p, 4 << opc, true, addr, rt)?;
        Ok(Step::Next)
    }

    /// LDP/STP/LDPSW/LDNP/STNP of general-purpose registers.
    #[inline(always)]
    pub(crate) fn ldstp<P: Platform>(
        &mut self,
        opc: u8,
        idx: u8,
        l: u8,
        imm7: u8,
        rt2: u8,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        let scale = if opc == 2 { 3 } else { 2 };
        let bytes = 1u8 << scale;
        let base = self.base_reg(rn)?;
        let offset = sext(u64::from(imm7), 7) << scale;
        let addr = if idx == 1 { base } else { base.wrapping_add(offset) };
        let second = addr.wrapping_add(u64::from(bytes));
        if l == 1 {
            let acc = Access::default();
            let a = self.read_data(p, addr, bytes, acc)?;
            let b = self.read_data(p, second, bytes, acc)?;
            let (a, b) = if opc == 1 { (sext(a, 32), sext(b, 32)) } else { (a, b) };
            self.set_x(rt, a);
            self.set_x(rt2, b);
        } else {
            let acc = Access { write: true, ..Access::default() };
            let (a, b) = (self.xr(rt), self.xr(rt2));
            self.write_data(p, addr, bytes, a, acc)?;
            self.write_data(p, second, bytes, b, acc)?;
        }
        if idx & 1 == 1 {
            self.set_xsp(rn, base.wrapping_add(offset));
        }
        Ok(Step::Next)
    }

    /// LDP/STP/LDNP/STNP of SIMD&FP registers.
    pub(crate) fn ldstp_fp<P: Platform>(
        &mut self,
        opc: u8,
        idx: u8,
        l: u8,
        imm7: u8,
        rt2: u8,
        rn: u8,
        rt: u8,
        p: &mut P,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let scale = 2 + opc;
        let bytes = 1u8 << scale;
        let base = self.base_reg(rn)?;
        let offset = sext(u64::from(imm7), 7) << scale;
        let addr = if idx == 1 { base } else { base.wrapping_add(offset) };
        let second = addr.wrapping_add(u64::from(bytes));
        if l == 1 {
            let (a, b) = if bytes == 16 {
                (self.read_data128(p, addr, Access::default())?, self.read_data128(p, second, Access::default())?)
            } else {
                (
                    u128::from(self.read_data(p, addr, bytes, Access::default())?),
                    u128::from(self.read_data(p, second, bytes, Access::default())?),
                )
            };
            self.v[usize::from(rt) & 31] = a;
            self.v[usize::from(rt2) & 31] = b;
        } else {
            let (a, b) = (self.v[usize::from(rt) & 31], self.v[usize::from(rt2) & 31]);
            if bytes == 16 {
                self.write_data128(p, addr, a, Access::default())?;
                self.write_data128(p, second, b, Access::default())?;
            } else {
                self.write_data(p, addr, bytes, a as u64, Access::default())?;
                self.write_data(p, second, bytes, b as u64, Access::default())?;
            }
        }
        if idx & 1 == 1 {
            self.set_xsp(rn, base.wrapping_add(offset));
        }
        Ok(Step::Next)
    }

    /// LDXR/LDAXR: load and mark the address in the local exclusive monitor (B2.9).
    pub(crate) fn ldxr<P: Platform>(&mut self, size: u8, _acquire: u8, rn: u8, rt: u8, p: &mut P) -> ExecResult {
        let bytes = 1u8 << size;
        let va = self.base_reg(rn)?;
        let acc = Access { strict: true, ..Access::default() };
        let pa = self.translate_data(p, va, bytes, acc)?;
        let value = self.phys_read(p, va, pa, bytes, acc)?;
        self.mark_exclusive(p, pa, bytes);
        self.set_x(rt, value);
        Ok(Step::Next)
    }

    /// Marks `pa` in the local monitor and, for RAM, in this core's global monitor (B2.17).
    fn mark_exclusive<P: Platform>(&mut self, p: &mut P, pa: u64, size: u8) {
        self.reservation = Some(Reservation { pa, size });
        let mem = p.memory();
        if let Some(off) = mem.ram_offset(pa, u64::from(size)) {
            mem.mark_exclusive(self.id, off);
        }
    }

    /// The store-exclusive check (AArch64.ExclusiveMonitorsPass): the local monitor marks
    /// exactly this address and size and, for RAM, the global monitor still marks its granule
    /// (no other agent stored to it). Both monitors are cleared whatever the outcome; the
    /// caller then writes on success, which clears the other cores' monitors of the granule.
    fn exclusive_pass<P: Platform>(&mut self, p: &mut P, pa: u64, size: u8) -> bool {
        let local = self.reservation.take() == Some(Reservation { pa, size });
        let mem = p.memory();
        let global = match mem.ram_offset(pa, u64::from(size)) {
            Some(off) => mem.exclusive_marked(self.id, off),
            None => true,
        };
        mem.clear_exclusive(self.id);
        local && global
    }

    /// STXR/STLXR: store if the monitor still holds this address and size; Ws = 0 on success,
    /// 1 on failure. The monitor is cleared either way.
    pub(crate) fn stxr<P: Platform>(&mut self, size: u8, rs: u8, rn: u8, rt: u8, p: &mut P) -> ExecResult {
        let bytes = 1u8 << size;
        let va = self.base_reg(rn)?;
        let acc = Access { strict: true, write: true, ..Access::default() };
        let pa = self.translate_data(p, va, bytes, acc)?;
        let status = if self.exclusive_pass(p, pa, bytes) {
            let value = self.xr(rt);
            self.phys_write(p, va, pa, bytes, value, acc)?;
            0
        } else {
            1
        };
        self.set_x(rs, status);
        Ok(Step::Next)
    }

    /// LDXP/LDAXP: a single-copy-atomic pair load, aligned to the pair size.
    pub(crate) fn ldxp<P: Platform>(&mut self, sz: u8, rt2: u8, rn: u8, rt: u8, p: &mut P) -> ExecResult {
        let bytes = 4u8 << sz;
        let va = self.base_reg(rn)?;
        let acc = Access { strict: true, ..Access::default() };
        let pa = self.translate_data(p, va, 2 * bytes, acc)?;
        let (a, b) = if sz == 0 {
            let both = self.phys_read(p, va, pa, 8, acc)?;
            (both & 0xffff_ffff, both >> 32)
        } else {
            let a = self.phys_read(p, va, pa, 8, acc)?;
            (a, self.phys_read(p, va.wrapping_add(8), pa.wrapping_add(8), 8, acc)?)
        };
        self.mark_exclusive(p, pa, 2 * bytes);
        self.set_x(rt, a);
        self.set_x(rt2, b);
        Ok(Step::Next)
    }

    /// STXP/STLXP.
    pub(crate) fn stxp<P: Platform>(&mut self, sz: u8, rs: u8, rt2: u8, rn: u8, rt: u8, p: &mut P) -> ExecResult {
        let bytes = 4u8 << sz;
        let va = self.base_reg(rn)?;
        let acc = Access { strict: true, write: true, ..Access::default() };
        let pa = self.translate_data(p, va, 2 * bytes, acc)?;
        let status = if self.exclusive_pass(p, pa, 2 * bytes) {
            let (a, b) = (self.xr(rt), self.xr(rt2));
            if sz == 0 {
                self.phys_write(p, va, pa, 8, (a & 0xffff_ffff) | (b << 32), acc)?;
            } else {
                self.phys_write(p, va, pa, 8, a, acc)?;
                self.phys_write(p, va.wrapping_add(8), pa.wrapping_add(8), 8, b, acc)?;
            }
            0
        } else {
            1
        };
        self.set_x(rs, status);
        Ok(Step::Next)
    }

    /// STLR: store-release, always aligned (B2.5.2).
    pub(crate) fn stlr<P: Platform>(&mut self, size: u8, rn: u8, rt: u8, p: &mut P) -> ExecResult {
        let va = self.base_reg(rn)?;
        let acc =
            Access { strict: true, write: true, iss: iss_gp(size, false, rt, size == 3, true), unprivileged: false };
        let value = self.xr(rt);
        self.write_data(p, va, 1 << size, value, acc)?;
        Ok(Step::Next)
    }

    /// LDAR: load-acquire, always aligned.
    pub(crate) fn ldar<P: Platform>(&mut self, size: u8, rn: u8, rt: u8, p: &mut P) -> ExecResult {
        let va = self.base_reg(rn)?;
        let acc =
            Access { strict: true, write: false, iss: iss_gp(size, false, rt, size == 3, true), unprivileged: false };
        let value = self.read_data(p, va, 1 << size, acc)?;
        self.set_x(rt, value);
        Ok(Step::Next)
    }
}
