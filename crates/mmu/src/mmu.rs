//! [`Mmu`]: one core's (or one SMMU context's) TLB model in front of the walker, with the
//! counters a timing model consumes.

use crate::addr::{bit, low_mask, Ipa, VirtAddr};
use crate::fault::Fault;
use crate::par::{at_fault_aborts, par_success, AtOp, AtResult};
use crate::perms::Access;
use crate::regime::{Regime, TranslationContext};
use crate::tlb::{Evicted, Invalidation, Mapping, S2CacheEntry, S2Tlb, Tlb, TlbConfig, TlbEntry, Translation};
use crate::tlbi::{tlbi_va, TlbiOp};
use crate::walk::{s1_check, s2_check, DescriptorReader, WalkCost, Walker};

/// Event counters (monotonic; the timing model reads differences).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MmuStats {
    /// Translations answered by the main TLB.
    pub tlb_hits: u64,
    /// Translations that missed the main TLB (each is followed by a walk).
    pub tlb_misses: u64,
    /// Walks started (TLB misses, uncached translations and AT instructions).
    pub walks: u64,
    /// Stage 1 descriptors read.
    pub s1_descriptor_reads: u64,
    /// Stage 2 descriptors read.
    pub s2_descriptor_reads: u64,
    /// Stage 2 translations answered by the stage 2 cache.
    pub s2_cache_hits: u64,
    /// Stage 2 translations that walked.
    pub s2_cache_misses: u64,
    /// Valid main TLB entries replaced by fills.
    pub evictions: u64,
    /// Translations (including hits) that ended in a fault.
    pub faults: u64,
    /// Invalidation operations applied.
    pub invalidations: u64,
    /// Entries removed by them (main TLB and stage 2 cache).
    pub entries_invalidated: u64,
}

impl MmuStats {
    fn add_cost(&mut self, c: &WalkCost) {
        self.s1_descriptor_reads += u64::from(c.s1_reads);
        self.s2_descriptor_reads += u64::from(c.s2_reads);
        self.s2_cache_hits += u64::from(c.s2_hits);
        self.s2_cache_misses += u64::from(c.s2_misses);
    }

    /// Descriptor reads of both stages.
    pub fn descriptor_reads(&self) -> u64 {
        self.s1_descriptor_reads + self.s2_descriptor_reads
    }
}

/// The translation unit of one core: TLB model, walker entry points, AT and TLBI.
///
/// Typical use by the CPU on a host-fast-path miss:
///
/// ```
/// use mmu::{Access, Mmu, TlbConfig, TranslationContext, TranslationRegs, VirtAddr};
/// # use mmu::{DescriptorReader, ExternalAbort, PhysAddr};
/// # struct Ram;
/// # impl DescriptorReader for Ram {
/// #     fn read_u64(&mut self, _pa: PhysAddr) -> Result<u64, ExternalAbort> { Ok(0) }
/// # }
/// let ctx = TranslationContext::new(&TranslationRegs { parange: 2, el2_enabled: true, ..Default::default() });
/// let mut mmu = Mmu::new(TlbConfig::default());
/// match mmu.translate(&ctx, VirtAddr(0x4000_0000), Access::read(1), &mut Ram) {
///     Ok(t) => assert_eq!(t.pa.0, 0x4000_0000), // MMU off: flat
///     Err(fault) => panic!("{fault:?}"),
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Mmu {
    tlb: Tlb,
    s2: Option<S2Tlb>,
    stats: MmuStats,
    evicted: Option<Evicted>,
}

/// The canonical TLB key of `va`: tag bits replaced by copies of bit 55 when TBI applies.
#[inline(always)]
fn canonical(va: u64, tbi: bool) -> u64 {
    if tbi {
        ((va << 8) as i64 >> 8) as u64
    } else {
        va
    }
}

impl Mmu {
    /// An MMU with an empty TLB of the given geometry.
    pub fn new(cfg: TlbConfig) -> Mmu {
        Mmu {
            tlb: Tlb::new(cfg.sets, cfg.ways, cfg.replacement),
            s2: (cfg.s2_sets > 0 && cfg.s2_ways > 0).then(|| S2Tlb::new(cfg.s2_sets, cfg.s2_ways, cfg.replacement)),
            stats: MmuStats::default(),
            evicted: None,
        }
    }

    /// Translates `va` for `acc` (pseudocode `AArch64.TranslateAddress` without the debug
    /// checks): a TLB lookup, and on a miss a walk whose result is cached. Faults are values; the
    /// CPU maps them to an abort with [`Fault::data_abort_iss`] / [`Fault::instruction_abort_iss`],
    /// FAR = `va`, and [`Fault::hpfar_el2`] for stage 2 faults. No allocation.
    #[inline]
    pub fn translate<R: DescriptorReader + ?Sized>(
        &mut self,
        ctx: &TranslationContext,
        va: VirtAddr,
        acc: Access,
        mem: &mut R,
    ) -> Result<Translation, Fault> {
        let regime = acc.regime;
        let key = &ctx.keys[regime as usize];
        let upper = key.two_ranges && bit(va.0, 55);
        let va_key = canonical(va.0, key.tbi[usize::from(upper)]);
        let asid = key.asid;
        let vmid = vmid_of(ctx, regime);
        if let Some(m) = self.tlb.lookup(key, va_key, upper) {
            self.stats.tlb_hits += 1;
            let r = m.check(va_key, acc, asid, vmid);
            if r.is_err() {
                self.stats.faults += 1;
            }
            return r;
        }
        self.miss(ctx, va.0, va_key, upper, acc, mem)
    }

    #[inline(never)]
    fn miss<R: DescriptorReader + ?Sized>(
        &mut self,
        ctx: &TranslationContext,
        va: u64,
        va_key: u64,
        upper: bool,
        acc: Access,
        mem: &mut R,
    ) -> Result<Translation, Fault> {
        self.stats.tlb_misses += 1;
        self.stats.walks += 1;
        let regime = acc.regime;
        let mut w = Walker { ctx, mem, s2tlb: self.s2.as_mut(), cost: WalkCost::default() };
        let r = walk_mapping(&mut w, regime, va, va_key, acc);
        let cost = w.cost;
        self.stats.add_cost(&cost);
        let r = r.and_then(|m| {
            let key = &ctx.keys[regime as usize];
            let vmid = if regime == Regime::El10 && ctx.el2_enabled { ctx.s2.vmid } else { 0 };
            if let Some(e) = self.tlb.insert(key, regime, vmid, va_key, upper, m) {
                self.stats.evictions += 1;
                self.evicted = Some(e);
            }
            m.check(va_key, acc, key.asid, vmid_of(ctx, regime))
        });
        if r.is_err() {
            self.stats.faults += 1;
        }
        r
    }

    /// Translates without looking up or filling the TLB or the stage 2 cache (debugger accesses,
    /// and the reference "fresh walk" of tests). Returns the walk cost too; counters other than
    /// `walks` and the descriptor reads are not updated.
    pub fn translate_uncached<R: DescriptorReader + ?Sized>(
        &mut self,
        ctx: &TranslationContext,
        va: VirtAddr,
        acc: Access,
        mem: &mut R,
    ) -> (Result<Translation, Fault>, WalkCost) {
        let (r, cost) = translate_uncached(ctx, va, acc, mem);
        self.stats.walks += 1;
        self.stats.add_cost(&cost);
        (r, cost)
    }

    /// Executes an AT instruction from `current_el` (pseudocode `AArch64.AT`). Walks without
    /// using or filling the main TLB (the stage 2 cache may be used). The PAR_EL1 value for a
    /// success holds the IPA and stage 1 attributes for the S1 forms, and the PA and combined
    /// attributes for the S12 forms.
    pub fn at<R: DescriptorReader + ?Sized>(
        &mut self,
        ctx: &TranslationContext,
        op: AtOp,
        va: VirtAddr,
        current_el: u8,
        mem: &mut R,
    ) -> AtResult {
        let (acc, s12) = op.access();
        let regime = acc.regime;
        self.stats.walks += 1;
        let mut w = Walker { ctx, mem, s2tlb: self.s2.as_mut(), cost: WalkCost::default() };
        let r = (|| {
            let s1 = w.s1_translate(regime, va.0)?;
            s1_check(s1.device, s1.perms, s1.level, acc)?;
            if s12 && ctx.s2_applies(regime) {
                let s2 = w.s2_translate(s1.oa, false)?;
                s2_check(s2.attrs.is_device(), s2.perms, s2.level, s1.oa, acc)?;
                let va_key = canonical(va.0, ctx.s1(regime).ranges[usize::from(bit(va.0, 55))].tbi);
                let m = Mapping::new(va_key, &s1, Some(&s2), ctx.s2.cd, ctx.s2.id);
                Ok(par_success(s2.oa, m.data_attrs))
            } else {
                Ok(par_success(s1.oa, s1.data_attrs))
            }
        })();
        let cost = w.cost;
        self.stats.add_cost(&cost);
        match r {
            Ok(par) => AtResult::Par(par),
            Err(f) if at_fault_aborts(&f, current_el) => {
                self.stats.faults += 1;
                AtResult::Abort(f)
            }
            Err(f) => AtResult::Par(f.par_el1()),
        }
    }

    /// Applies a TLB maintenance scope to this core's TLB and stage 2 cache.
    pub fn invalidate(&mut self, inv: &Invalidation) {
        self.stats.invalidations += 1;
        let mut n = self.tlb.invalidate(inv);
        if let Some(s2) = self.s2.as_mut() {
            n += s2.invalidate(inv);
        }
        self.stats.entries_invalidated += n as u64;
    }

    /// Executes `TLBI op, Xt` on this core only (see [`TlbiOp::scope`]; the caller broadcasts
    /// the same [`Invalidation`] to the other cores for the IS forms).
    pub fn tlbi(&mut self, op: TlbiOp, xt: u64, ctx: &TranslationContext) -> Invalidation {
        let inv = op.scope(xt, ctx);
        self.invalidate(&inv);
        inv
    }

    /// TLBI VMALLE1(IS) for `vmid` (the current VTTBR_EL2.VMID).
    pub fn tlbi_vmalle1(&mut self, vmid: u8) {
        self.invalidate(&Invalidation::El10Vmid { vmid });
    }

    /// TLBI VAE1(IS), Xt: ASID = Xt\[63:48\], VA\[55:12\] = Xt\[43:0\].
    pub fn tlbi_vae1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&Invalidation::El10Va {
            vmid,
            asid: Some((xt >> 48) as u16),
            va: tlbi_va(xt),
            last_level: false,
        });
    }

    /// TLBI VALE1(IS), Xt: as VAE1, last level only.
    pub fn tlbi_vale1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&Invalidation::El10Va {
            vmid,
            asid: Some((xt >> 48) as u16),
            va: tlbi_va(xt),
            last_level: true,
        });
    }

    /// TLBI VAAE1(IS), Xt: VA\[55:12\] = Xt\[43:0\], all ASIDs.
    pub fn tlbi_vaae1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&Invalidation::El10Va { vmid, asid: None, va: tlbi_va(xt), last_level: false });
    }

    /// TLBI VAALE1(IS), Xt: as VAAE1, last level only.
    pub fn tlbi_vaale1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&Invalidation::El10Va { vmid, asid: None, va: tlbi_va(xt), last_level: true });
    }

    /// TLBI ASIDE1(IS), Xt: ASID = Xt\[63:48\], non-global entries.
    pub fn tlbi_aside1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&Invalidation::El10Asid { vmid, asid: (xt >> 48) as u16 });
    }

    /// TLBI IPAS2E1(IS), Xt: IPA\[47:12\] = Xt\[35:0\].
    pub fn tlbi_ipas2e1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&TlbiOp::Ipas2e1.scope_with_vmid(xt, vmid));
    }

    /// TLBI IPAS2LE1(IS), Xt: as IPAS2E1, last level only.
    pub fn tlbi_ipas2le1(&mut self, vmid: u8, xt: u64) {
        self.invalidate(&TlbiOp::Ipas2le1.scope_with_vmid(xt, vmid));
    }

    /// TLBI VMALLS12E1(IS) for `vmid`.
    pub fn tlbi_vmalls12e1(&mut self, vmid: u8) {
        self.invalidate(&Invalidation::El10VmidS12 { vmid });
    }

    /// TLBI ALLE1(IS).
    pub fn tlbi_alle1(&mut self) {
        self.invalidate(&Invalidation::El10All);
    }

    /// TLBI ALLE2(IS).
    pub fn tlbi_alle2(&mut self) {
        self.invalidate(&Invalidation::El2All);
    }

    /// TLBI VAE2(IS), Xt: VA\[55:12\] = Xt\[43:0\].
    pub fn tlbi_vae2(&mut self, xt: u64) {
        self.invalidate(&Invalidation::El2Va { va: tlbi_va(xt), last_level: false });
    }

    /// TLBI VALE2(IS), Xt: last level only.
    pub fn tlbi_vale2(&mut self, xt: u64) {
        self.invalidate(&Invalidation::El2Va { va: tlbi_va(xt), last_level: true });
    }

    /// Empties the TLB and the stage 2 cache (reset; TLB contents are UNKNOWN after reset and
    /// software invalidates them, D8.16.1).
    pub fn flush(&mut self) {
        self.tlb.clear();
        if let Some(s2) = self.s2.as_mut() {
            s2.clear();
        }
    }

    /// The main TLB entry the last fill evicted, if it evicted one since the previous call (a
    /// cache derived from TLB entries drops what it holds for that region, so it never answers
    /// with a translation the TLB no longer has).
    pub fn take_eviction(&mut self) -> Option<Evicted> {
        self.evicted.take()
    }

    /// The counters.
    pub fn stats(&self) -> &MmuStats {
        &self.stats
    }

    /// The geometry (sets rounded up to a power of two) and replacement policy.
    pub fn config(&self) -> TlbConfig {
        let (sets, ways) = self.tlb.geometry();
        let (s2_sets, s2_ways) = self.s2.as_ref().map_or((0, 0), S2Tlb::geometry);
        TlbConfig { sets, ways, s2_sets, s2_ways, replacement: self.tlb.replacement() }
    }

    /// The valid main TLB entries, in set and way order (debuggers: `monitor tlb`).
    pub fn tlb_entries(&self) -> impl Iterator<Item = TlbEntry> + '_ {
        self.tlb.entries()
    }

    /// The valid stage 2 cache entries, in set and way order.
    pub fn s2_cache_entries(&self) -> impl Iterator<Item = S2CacheEntry> + '_ {
        self.s2.iter().flat_map(S2Tlb::entries)
    }

    /// Valid entries in the main TLB and the stage 2 cache.
    pub fn occupancy(&self) -> (usize, usize) {
        (self.tlb.occupancy(), self.s2.as_ref().map_or(0, S2Tlb::occupancy))
    }
}

impl TlbiOp {
    fn scope_with_vmid(self, xt: u64, vmid: u8) -> Invalidation {
        let ipa = Ipa((xt & low_mask(36)) << 12);
        Invalidation::S2Ipa { vmid, ipa: ipa.0, last_level: matches!(self, TlbiOp::Ipas2le1 | TlbiOp::Ipas2le1Is) }
    }
}

#[inline(always)]
fn vmid_of(ctx: &TranslationContext, regime: Regime) -> Option<u8> {
    (regime == Regime::El10 && ctx.el2_enabled).then_some(ctx.s2.vmid)
}

/// Walks both stages for `va`, in the fault priority order of D8.15.5: stage 1 walk faults, the
/// stage 1 alignment and permission checks, then stage 2 walk faults. The stage 2 checks are left
/// to [`Mapping::check`].
fn walk_mapping<R: DescriptorReader + ?Sized>(
    w: &mut Walker<'_, R>,
    regime: Regime,
    va: u64,
    va_key: u64,
    acc: Access,
) -> Result<Mapping, Fault> {
    let ctx = w.ctx;
    let s1 = w.s1_translate(regime, va)?;
    s1_check(s1.device, s1.perms, s1.level, acc)?;
    let s2 = if ctx.s2_applies(regime) { Some(w.s2_translate(s1.oa, false)?) } else { None };
    Ok(Mapping::new(va_key, &s1, s2.as_ref(), ctx.s2.cd, ctx.s2.id))
}

/// Translates `va` by walking, with no TLB (the architectural reference the TLB must agree with).
pub fn translate_uncached<R: DescriptorReader + ?Sized>(
    ctx: &TranslationContext,
    va: VirtAddr,
    acc: Access,
    mem: &mut R,
) -> (Result<Translation, Fault>, WalkCost) {
    let regime = acc.regime;
    let key = &ctx.keys[regime as usize];
    let upper = key.two_ranges && bit(va.0, 55);
    let va_key = canonical(va.0, key.tbi[usize::from(upper)]);
    let mut w = Walker { ctx, mem, s2tlb: None, cost: WalkCost::default() };
    let r = walk_mapping(&mut w, regime, va.0, va_key, acc)
        .and_then(|m| m.check(va_key, acc, key.asid, vmid_of(ctx, regime)));
    (r, w.cost)
}
