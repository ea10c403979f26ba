//! The core's side of address translation (ARM ARM D8): the `mmu` crate's TLB model and table
//! walker behind the host fast path ([`crate::fastpath`]); data and instruction translation with
//! the aborts they raise (ESR_ELx ISS of D24.2.46, FAR_ELx, HPFAR_EL2, routing to EL1 or EL2);
//! AT (C5.5, PAR_EL1 of D24.2.142) and TLBI (D8.17) with the broadcast of the Inner Shareable
//! forms to the other cores.
//!
//! Data accesses that miss the fast path come here ([`Cpu::read_slow`], [`Cpu::write_slow`]):
//! the alignment checks that do not depend on the memory type (SCTLR_ELx.A, exclusives,
//! acquire/release: B2.5.2, pseudocode `AArch64.CheckAlignment`) come first, then the
//! translation of every page the access touches, in address order, before any byte is
//! transferred. A fault reports the address of the first byte of the page that faulted (the
//! access itself for the first page): the pseudocode splits an unaligned access into byte
//! accesses (`AArch64.MemSingle` per byte), and HPFAR_EL2 (D24.2.76) leaves the choice between
//! the two pages' faults open; QEMU reports the same bytes.

use mmu::{
    Access as MmuAccess, AccessKind, AtOp, AtResult, DescriptorReader, ExternalAbort, Fault, InspectInput, Inspection,
    Invalidation, Mmu, MmuStats, PhysAddr, Regime, TlbConfig, TlbiOp, Translation, TranslationContext, TranslationRegs,
    VirtAddr,
};

use crate::exception::{ec, fsc, SyncException};
use crate::exec::Access;
use crate::fastpath::{FastPath, PagePerms, PAGE_MASK};
use crate::memory::{Memory, Platform};
use crate::state::Cpu;
use crate::sysreg_table::SysReg;

/// SCTLR_ELx.A, alignment checking (D24.2.x SCTLR_EL1/SCTLR_EL2).
const SCTLR_A: u64 = 1 << 1;

/// HCR_EL2.FB: TLB maintenance at EL1 is broadcast within the Inner Shareable domain.
const HCR_FB: u64 = 1 << 9;

/// The translation machinery of one core.
#[derive(Clone, Debug)]
pub(crate) struct MmuState {
    /// TLB model, walker entry points, AT and TLBI.
    pub mmu: Mmu,
    /// The decoded translation controls, rebuilt when one of them is written.
    pub ctx: TranslationContext,
    /// The host fast path.
    pub fast: FastPath,
    /// Invalidations of broadcast TLBIs, for the SoC to apply to the other cores.
    pub broadcasts: Vec<Invalidation>,
    /// Whether the host fast path is wanted ([`Cpu::set_host_fast_path`]); it is on only when no
    /// watchpoint is set as well.
    pub fast_wanted: bool,
}

impl MmuState {
    pub fn new(cfg: TlbConfig) -> MmuState {
        MmuState {
            mmu: Mmu::new(cfg),
            ctx: TranslationContext::new(&TranslationRegs::default()),
            fast: FastPath::default(),
            broadcasts: Vec::with_capacity(8),
            fast_wanted: true,
        }
    }
}

/// Registers whose value [`TranslationContext`] is built from.
pub(crate) const fn affects_translation(reg: SysReg) -> bool {
    matches!(
        reg,
        SysReg::SCTLR_EL1
            | SysReg::TCR_EL1
            | SysReg::TTBR0_EL1
            | SysReg::TTBR1_EL1
            | SysReg::MAIR_EL1
            | SysReg::SCTLR_EL2
            | SysReg::TCR_EL2
            | SysReg::TTBR0_EL2
            | SysReg::MAIR_EL2
            | SysReg::HCR_EL2
            | SysReg::VTCR_EL2
            | SysReg::VTTBR_EL2
            | SysReg::ID_AA64MMFR0_EL1
    )
}

/// Descriptor reads of the table walker: RAM, else the bus; a bus error is an External abort on
/// the walk.
struct WalkBus<'a, P: Platform> {
    p: &'a mut P,
    cpu: usize,
}

impl<P: Platform> DescriptorReader for WalkBus<'_, P> {
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        let mem = self.p.memory();
        if let Some(off) = mem.ram_offset(pa.0, 8) {
            return Ok(mem.read_at(off, 8));
        }
        self.p.mmio_read(self.cpu, pa, 8).ok_or(ExternalAbort)
    }
}

/// Descriptor reads for debuggers: RAM only, so inspecting memory never touches a device.
struct RamOnly<'a>(&'a Memory);

impl DescriptorReader for RamOnly<'_> {
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        self.0.ram_offset(pa.0, 8).map(|off| self.0.read_at(off, 8)).ok_or(ExternalAbort)
    }
}

/// Where the bytes of a data access are: one physical range, or two when it crosses a page.
#[derive(Clone, Copy, Debug)]
struct Located {
    pa: u64,
    /// Bytes at `pa`; the rest are at `second`.
    len: u8,
    second: u64,
}

impl Cpu {
    /// Rebuilds the translation context from the registers after a write to one of them, and
    /// flushes the fast path levels whose translations may have changed.
    pub(crate) fn translation_changed(&mut self) {
        let s = &self.sys;
        let regs = TranslationRegs {
            sctlr_el1: s[SysReg::SCTLR_EL1 as usize],
            tcr_el1: s[SysReg::TCR_EL1 as usize],
            ttbr0_el1: s[SysReg::TTBR0_EL1 as usize],
            ttbr1_el1: s[SysReg::TTBR1_EL1 as usize],
            mair_el1: s[SysReg::MAIR_EL1 as usize],
            sctlr_el2: s[SysReg::SCTLR_EL2 as usize],
            tcr_el2: s[SysReg::TCR_EL2 as usize],
            ttbr0_el2: s[SysReg::TTBR0_EL2 as usize],
            mair_el2: s[SysReg::MAIR_EL2 as usize],
            hcr_el2: s[SysReg::HCR_EL2 as usize],
            vtcr_el2: s[SysReg::VTCR_EL2 as usize],
            vttbr_el2: s[SysReg::VTTBR_EL2 as usize],
            // HyperSoC's cores implement EL2 and have no Secure state.
            el2_enabled: true,
            parange: (s[SysReg::ID_AA64MMFR0_EL1 as usize] & 0xf) as u8,
        };
        let ctx = TranslationContext::new(&regs);
        let old = std::mem::replace(&mut self.vm.ctx, ctx);
        // A write that leaves the decoded controls as they were (HCR_EL2.VI, SCTLR_ELx.A, the
        // same TTBR again) changes no translation.
        if old != ctx {
            self.vm.fast.flush();
        }
    }

    /// Replaces the TLB model with an empty one of geometry `cfg` (from the model file).
    pub fn set_tlb_config(&mut self, cfg: TlbConfig) {
        self.vm.mmu = Mmu::new(cfg);
        self.vm.fast.flush();
    }

    /// The TLB model's counters (hits, misses, walks, descriptor reads, ...), for the timing
    /// model. With the host fast path on, accesses it answers do not reach the TLB model.
    pub fn mmu_stats(&self) -> &MmuStats {
        self.vm.mmu.stats()
    }

    /// Turns the host fast path on or off (the cycle model turns it off to see every TLB
    /// access). Off, every access goes through the TLB model; the guest sees no difference.
    pub fn set_host_fast_path(&mut self, enabled: bool) {
        self.vm.fast_wanted = enabled;
        self.refresh_fast_path();
    }

    /// Enables the host fast path when it is wanted and no watchpoint (guest or host) needs
    /// every data access to reach the checks of the slow path; flushes it either way.
    pub(crate) fn refresh_fast_path(&mut self) {
        self.vm.fast.enabled = self.vm.fast_wanted && !self.watch_checks && !self.watching;
        self.vm.fast.flush();
    }

    /// Applies a TLB invalidation broadcast by another core's TLBI (the SoC calls this for every
    /// [`Self::take_tlb_broadcasts`] item of the other cores).
    pub fn invalidate_tlb(&mut self, inv: &Invalidation) {
        self.vm.mmu.invalidate(inv);
        self.vm.fast.flush();
    }

    /// The invalidations of the broadcast TLBIs (the IS forms, and every EL1 form under
    /// HCR_EL2.FB) this core executed since the last call, in program order. They have been
    /// applied to this core; the SoC applies them to every other core.
    pub fn take_tlb_broadcasts(&mut self) -> Vec<Invalidation> {
        std::mem::take(&mut self.vm.broadcasts)
    }

    /// Translates `va` as a data access at the current EL for a debugger: no TLB lookup or fill,
    /// no counters, RAM-only table walks, no exception.
    pub fn translate_for_debugger<P: Platform>(&self, p: &mut P, va: VirtAddr, write: bool) -> Result<PhysAddr, Fault> {
        let el = self.pstate.el;
        let acc = if write { MmuAccess::write(el) } else { MmuAccess::read(el) };
        mmu::translate_uncached(&self.vm.ctx, va, acc, &mut RamOnly(p.memory())).0.map(|t| t.pa)
    }

    /// The walk of `input` under the core's current translation controls, for a debugger: every
    /// descriptor read recorded, RAM-only reads (a descriptor outside RAM is an External abort
    /// on the walk), no TLB lookup or fill, no counters, no permission check (see
    /// [`mmu::inspect`]). A VA is translated in the regime of the current EL.
    pub fn inspect_translation(&self, memory: &Memory, input: InspectInput) -> Inspection {
        mmu::inspect(&self.vm.ctx, input, &mut RamOnly(memory))
    }

    /// The decoded translation controls (rebuilt on every write to a register that affects
    /// translation, from MSR or from a debugger).
    pub fn translation_context(&self) -> &TranslationContext {
        &self.vm.ctx
    }

    /// The TLB model, for debuggers to list (`monitor tlb`).
    pub fn mmu(&self) -> &Mmu {
        &self.vm.mmu
    }

    /// Whether the host fast path is on: accesses it answers do not reach the TLB model.
    pub fn host_fast_path_enabled(&self) -> bool {
        self.vm.fast.enabled
    }

    /// The permission level of an access: the EL, or EL0 for LDTR/STTR at EL1 (D8.4, "unprivileged
    /// load and store instructions"). Indexes the fast path.
    #[inline(always)]
    pub(crate) fn perm_level(&self, unprivileged: bool) -> u8 {
        let el = self.pstate.el;
        if unprivileged && el == 1 {
            0
        } else {
            el
        }
    }

    /// Translates through the TLB model, keeping the fast path a subset of it.
    fn mmu_translate<P: Platform>(&mut self, p: &mut P, va: u64, acc: MmuAccess) -> Result<Translation, Fault> {
        let mut bus = WalkBus { p, cpu: self.id };
        let r = self.vm.mmu.translate(&self.vm.ctx, VirtAddr(va), acc, &mut bus);
        if let Some(e) = self.vm.mmu.take_eviction() {
            self.vm.fast.invalidate_region(e.va, e.mask);
        }
        r
    }

    /// Enters the page of `va` translated by `t` in the fast path at `level`, if it is RAM.
    fn fill_fast<P: Platform>(&mut self, p: &mut P, level: u8, va: u64, t: &Translation) {
        if !self.vm.fast.enabled {
            return;
        }
        let Some(ram_page) = p.memory().ram_offset(t.pa.0 & PAGE_MASK, 0x1000) else {
            return;
        };
        let regime = Regime::for_el(level);
        let allows = |kind| t.perms.allows(MmuAccess { kind, regime, unprivileged: level == 0, aligned: true });
        let perms = PagePerms {
            read: allows(AccessKind::Read),
            write: allows(AccessKind::Write),
            exec: allows(AccessKind::Fetch),
        };
        self.vm.fast.fill(level, va, ram_page, perms);
    }

    /// The Data Abort for `fault` on an access at `far` (D24.2.46): DFSC, WnR, S1PTW, CM from the
    /// fault; ISV and the instruction syndrome for stage 2 aborts that are not on a stage 1 walk
    /// (`acc.iss` is 0 for the instructions without one); stage 2 aborts go to EL2 with
    /// HPFAR_EL2.
    #[cold]
    pub(crate) fn data_fault(&self, fault: &Fault, far: u64, acc: Access, cm: bool) -> SyncException {
        let mut iss = fault.data_abort_iss(acc.write, cm);
        if fault.is_stage2() && !fault.s1ptw {
            iss |= acc.iss;
        }
        SyncException {
            far: Some(far),
            to_el2: fault.is_stage2(),
            hpfar: fault.hpfar_el2(),
            ..SyncException::new(ec::DABT_LOWER, iss)
        }
    }

    /// The alignment check that does not depend on the memory type (pseudocode
    /// `AArch64.CheckAlignment`): SCTLR_ELx.A of the regime, or an instruction that requires
    /// alignment (`acc.strict`).
    #[inline]
    fn check_alignment(&self, va: u64, size: u8, acc: Access) -> Result<bool, SyncException> {
        let aligned = va & (u64::from(size) - 1) == 0;
        if !aligned && (acc.strict || self.regime_sctlr() & SCTLR_A != 0) {
            return Err(self.data_abort(va, fsc::ALIGNMENT, acc, false));
        }
        Ok(aligned)
    }

    /// Translates every page of a data access of `size` bytes (1..=16) at `va`, and enters it in
    /// the fast path when the access is aligned.
    fn locate<P: Platform>(&mut self, p: &mut P, va: u64, size: u8, acc: Access) -> Result<Located, SyncException> {
        let aligned = self.check_alignment(va, size, acc)?;
        let el = self.pstate.el;
        let mut macc = MmuAccess::new(if acc.write { AccessKind::Write } else { AccessKind::Read }, el);
        if acc.unprivileged {
            macc = macc.as_unprivileged();
        }
        if !aligned {
            macc = macc.unaligned();
        }
        let t = self.mmu_translate(p, va, macc).map_err(|f| self.data_fault(&f, va, acc, false))?;
        let first = (0x1000 - (va & 0xfff)).min(u64::from(size)) as u8;
        let second = if first < size {
            let va2 = va.wrapping_add(u64::from(first));
            Some(self.mmu_translate(p, va2, macc).map_err(|f| self.data_fault(&f, va2, acc, false))?)
        } else {
            None
        };
        // D1.4.5.6: a Watchpoint exception comes after the alignment and MMU faults of the
        // access (priority 46), before its data transfer. Host watchpoints (debuggers) stop the
        // core at the same point. Both switch the host fast path off while set, so every access
        // gets here.
        if self.watch_checks {
            self.check_watchpoint(va, u64::from(size), acc.write, false)?;
        }
        if self.watching {
            self.check_watchpoints(va, size, acc.write)?;
        }
        if let Some(t2) = second {
            return Ok(Located { pa: t.pa.0, len: first, second: t2.pa.0 });
        }
        if aligned {
            let level = self.perm_level(acc.unprivileged);
            self.fill_fast(p, level, va, &t);
        }
        Ok(Located { pa: t.pa.0, len: size, second: 0 })
    }

    /// Physical address of byte `i` of a located access.
    fn byte_pa(l: &Located, i: u8) -> u64 {
        if i < l.len {
            l.pa.wrapping_add(u64::from(i))
        } else {
            l.second.wrapping_add(u64::from(i - l.len))
        }
    }

    /// A data read of `size` bytes (1, 2, 4, 8 or 16) that missed the fast path.
    #[cold]
    #[inline(never)]
    pub(crate) fn read_slow<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        size: u8,
        acc: Access,
    ) -> Result<u128, SyncException> {
        let l = self.locate(p, va, size, acc)?;
        if l.len < size {
            // Split across pages: byte by byte, as the pseudocode does.
            let mut value = 0u128;
            for i in 0..size {
                value |= u128::from(self.phys_read(p, va, Self::byte_pa(&l, i), 1, acc)?) << (8 * i);
            }
            return Ok(value);
        }
        if size == 16 {
            let lo = self.phys_read(p, va, l.pa, 8, acc)?;
            let hi = self.phys_read(p, va, l.pa.wrapping_add(8), 8, acc)?;
            return Ok(u128::from(lo) | u128::from(hi) << 64);
        }
        Ok(u128::from(self.phys_read(p, va, l.pa, size, acc)?))
    }

    /// A data write of `size` bytes (1, 2, 4, 8 or 16) that missed the fast path. Every page is
    /// translated before any byte is written.
    #[cold]
    #[inline(never)]
    pub(crate) fn write_slow<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        size: u8,
        value: u128,
        acc: Access,
    ) -> Result<(), SyncException> {
        let l = self.locate(p, va, size, acc)?;
        if l.len < size {
            for i in 0..size {
                self.phys_write(p, va, Self::byte_pa(&l, i), 1, (value >> (8 * i)) as u64 & 0xff, acc)?;
            }
            return Ok(());
        }
        if size == 16 {
            self.phys_write(p, va, l.pa, 8, value as u64, acc)?;
            return self.phys_write(p, va, l.pa.wrapping_add(8), 8, (value >> 64) as u64, acc);
        }
        self.phys_write(p, va, l.pa, size, value as u64, acc)
    }

    /// The physical address of an access that lies in one page (exclusives, which are always
    /// aligned), with the checks and aborts of a data access.
    pub(crate) fn translate_data<P: Platform>(
        &mut self,
        p: &mut P,
        va: u64,
        size: u8,
        acc: Access,
    ) -> Result<u64, SyncException> {
        let level = self.perm_level(acc.unprivileged);
        let fast = if acc.write { self.vm.fast.write(level, va, size) } else { self.vm.fast.read(level, va, size) };
        if let Some(off) = fast {
            return Ok(p.memory().base().0.wrapping_add(off as u64));
        }
        Ok(self.locate(p, va, size, acc)?.pa)
    }

    /// The RAM offset of the instruction at `pc` (4-byte aligned) for a fetch that missed the
    /// fast path: an Instruction Abort (EC 0x20/0x21) for a translation fault, stage 2 faults to
    /// EL2 with HPFAR_EL2, and a synchronous External abort (IFSC 0b010000) when the PA is not
    /// RAM (executing from devices is not supported).
    #[cold]
    #[inline(never)]
    pub(crate) fn fetch_slow<P: Platform>(&mut self, p: &mut P, pc: u64) -> Result<usize, SyncException> {
        let el = self.pstate.el;
        let t = self.mmu_translate(p, pc, MmuAccess::fetch(el)).map_err(|f| SyncException {
            far: Some(pc),
            to_el2: f.is_stage2(),
            hpfar: f.hpfar_el2(),
            ..SyncException::new(ec::IABT_LOWER, f.instruction_abort_iss())
        })?;
        let Some(off) = p.memory().ram_offset(t.pa.0, 4) else {
            return Err(SyncException { far: Some(pc), ..SyncException::new(ec::IABT_LOWER, fsc::SYNC_EXTERNAL) });
        };
        self.fill_fast(p, el, pc, &t);
        Ok(off)
    }

    /// The DC ZVA translation (C5.3.x DC ZVA): the naturally aligned block at `start` is written
    /// as a whole; Device memory is an Alignment fault even when aligned (`unaligned` access,
    /// D24.2.x DCZID_EL0), and a fault reports FAR = `xt`, the register operand (D24.2.48).
    pub(crate) fn translate_zva<P: Platform>(&mut self, p: &mut P, xt: u64, start: u64) -> Result<u64, SyncException> {
        let acc = Access { write: true, ..Access::default() };
        let macc = MmuAccess::write(self.pstate.el).unaligned();
        self.mmu_translate(p, start, macc).map(|t| t.pa.0).map_err(|f| self.data_fault(&f, xt, acc, false))
    }

    /// DC IVAC, CVAC, CIVAC, CVAU and IC IVAU by VA (C5.3): no cache is modelled, but the
    /// translation happens and its faults are Data Aborts with CM = 1 and WnR = 1 (D24.2.46),
    /// FAR = the register operand. DC IVAC needs write permission; the cleans need read
    /// permission at EL0 only (pseudocode `AArch64.S1CheckPermissions`, AccessType_DC).
    pub(crate) fn maintain_by_va<P: Platform>(
        &mut self,
        p: &mut P,
        xt: u64,
        invalidate: bool,
    ) -> Result<(), SyncException> {
        let macc = MmuAccess::new(AccessKind::CacheMaintenance { invalidate }, self.pstate.el);
        match self.mmu_translate(p, xt, macc) {
            Ok(_) => Ok(()),
            Err(f) => Err(self.data_fault(&f, xt, Access { write: true, ..Access::default() }, true)),
        }
    }

    /// AT (C5.5, pseudocode `AArch64.AT`): writes PAR_EL1, or takes the Data Abort of a
    /// synchronous External abort on the walk or of a stage 2 fault on the stage 1 walk of an AT
    /// at EL1 (CM = 1, WnR = 1, FAR = the VA).
    pub(crate) fn address_translate<P: Platform>(
        &mut self,
        p: &mut P,
        op1: u8,
        op2: u8,
        va: u64,
    ) -> Result<(), SyncException> {
        let Some(op) = AtOp::from_encoding(op1, op2) else {
            return Err(SyncException::undefined());
        };
        let el = self.pstate.el;
        let mut bus = WalkBus { p, cpu: self.id };
        match self.vm.mmu.at(&self.vm.ctx, op, VirtAddr(va), el, &mut bus) {
            AtResult::Par(par) => {
                self.sys[SysReg::PAR_EL1 as usize] = par;
                Ok(())
            }
            AtResult::Abort(f) => Err(self.data_fault(&f, va, Access { write: true, ..Access::default() }, true)),
        }
    }

    /// TLBI (D8.17.5): invalidates this core's TLB model and fast path, and queues the scope for
    /// the other cores when the operation is broadcast (an IS form, or any EL1 operation under
    /// HCR_EL2.FB). EL1 operations apply to the current VMID.
    pub(crate) fn tlb_invalidate(&mut self, op1: u8, crm: u8, op2: u8, xt: u64) -> Result<(), SyncException> {
        let Some(op) = TlbiOp::from_encoding(op1, crm, op2) else {
            return Err(SyncException::undefined());
        };
        let inv = self.vm.mmu.tlbi(op, xt, &self.vm.ctx);
        self.vm.fast.flush();
        let forced = self.pstate.el == 1 && self.sys[SysReg::HCR_EL2 as usize] & HCR_FB != 0;
        if op.broadcast() || forced {
            self.vm.broadcasts.push(inv);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fastpath::PagePerms;
    use crate::state::Pstate;

    fn at_el(el: u8, hcr: u64) -> Cpu {
        let mut cpu = Cpu::new(0, 0x8000_0000);
        cpu.set_pstate(Pstate { nzcv: 0, daif: 0x3c0, el, sp_sel: true, il: false, ss: false });
        cpu.set_sysreg(SysReg::HCR_EL2, 1 << 31 | hcr);
        cpu
    }

    #[test]
    fn broadcast_tlbis_and_hcr_fb() {
        // TLBI VMALLE1 (op1 0, CRm 7, op2 0) and VMALLE1IS (CRm 3).
        let mut cpu = at_el(1, 0);
        cpu.tlb_invalidate(0, 7, 0, 0).unwrap();
        assert!(cpu.take_tlb_broadcasts().is_empty());
        cpu.tlb_invalidate(0, 3, 0, 0).unwrap();
        assert_eq!(cpu.take_tlb_broadcasts(), [Invalidation::El10Vmid { vmid: 0 }]);
        // HCR_EL2.FB upgrades EL1 TLBIs to Inner Shareable, with the current VMID.
        let mut cpu = at_el(1, HCR_FB);
        cpu.set_sysreg(SysReg::VTTBR_EL2, 5 << 48);
        cpu.tlb_invalidate(0, 7, 1, 0x1234).unwrap();
        let inv = cpu.take_tlb_broadcasts();
        assert!(matches!(inv[..], [Invalidation::El10Va { vmid: 5, asid: Some(0), va: 0x123_4000, .. }]), "{inv:?}");
        // ... but not at EL2.
        let mut cpu = at_el(2, HCR_FB);
        cpu.tlb_invalidate(4, 7, 0, 0).unwrap();
        assert!(cpu.take_tlb_broadcasts().is_empty());
        assert!(cpu.tlb_invalidate(1, 7, 0, 0).is_err(), "no such TLBI");
        assert_eq!(cpu.mmu_stats().invalidations, 1);
    }

    #[test]
    fn fast_path_is_flushed_only_when_a_translation_can_change() {
        let mut cpu = at_el(1, 0);
        let perms = PagePerms { read: true, write: true, exec: false };
        cpu.vm.fast.fill(1, 0x1000, 0, perms);
        // Virtual interrupt and alignment-check bits change no translation.
        cpu.set_sysreg(SysReg::HCR_EL2, 1 << 31 | 1 << 7);
        cpu.set_sysreg(SysReg::SCTLR_EL1, cpu.sysreg(SysReg::SCTLR_EL1) | 2);
        assert_eq!(cpu.vm.fast.read(1, 0x1000, 8), Some(0));
        // A new ASID (or any TTBR change) does.
        cpu.set_sysreg(SysReg::TTBR0_EL1, 1 << 48);
        assert_eq!(cpu.vm.fast.read(1, 0x1000, 8), None);
        cpu.vm.fast.fill(1, 0x1000, 0, perms);
        cpu.invalidate_tlb(&Invalidation::El2All);
        assert_eq!(cpu.vm.fast.read(1, 0x1000, 8), None);
        assert_eq!(cpu.perm_level(true), 0);
        assert_eq!(at_el(2, 0).perm_level(true), 2);
    }

    #[test]
    fn debugger_register_writes_act_like_msr() {
        let mut cpu = at_el(1, 0);
        let perms = PagePerms { read: true, write: true, exec: false };
        cpu.vm.fast.fill(1, 0x1000, 0, perms);
        // `set $ttbr0_el1 = ...` in gdb: the context is rebuilt and the fast path flushed.
        assert!(cpu.debug_write_sysreg(SysReg::TTBR0_EL1, 0x4000_1000 | 7 << 48));
        assert_eq!(cpu.vm.fast.read(1, 0x1000, 8), None);
        assert_eq!(cpu.translation_context().el10.ranges[0].table_base, 0x4000_1000);
        assert_eq!(cpu.translation_context().asid(Regime::El10), 7);
        cpu.vm.fast.fill(1, 0x1000, 0, perms);
        assert!(cpu.debug_write_sysreg(SysReg::HCR_EL2, 1 << 31 | 1));
        assert!(cpu.translation_context().s2.enabled);
        assert_eq!(cpu.vm.fast.read(1, 0x1000, 8), None);
    }

    #[test]
    fn reset_keeps_the_tlb_geometry_and_host_debug_settings() {
        let mut cpu = at_el(1, 0);
        let cfg = TlbConfig { sets: 8, ways: 2, s2_sets: 0, s2_ways: 0, replacement: mmu::Replacement::Lru };
        cpu.set_tlb_config(cfg);
        cpu.set_catch(crate::CatchFilter::ALL);
        cpu.add_watchpoint(crate::Watchpoint { va: VirtAddr(0x4000_0000), len: 8, kind: crate::WatchKind::Write });
        assert!(!cpu.host_fast_path_enabled());
        cpu.reset();
        assert_eq!(cpu.mmu().config(), cfg);
        assert!(cpu.catching && !cpu.host_fast_path_enabled(), "a started core honours the session's watchpoints");
        let w = cpu.watchpoints()[0];
        cpu.remove_watchpoint(w);
        assert!(cpu.host_fast_path_enabled());
        cpu.set_host_fast_path(false);
        cpu.reset();
        assert!(!cpu.host_fast_path_enabled());
    }
}
