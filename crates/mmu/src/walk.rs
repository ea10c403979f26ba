//! The translation table walker (ARM ARM D8.2, pseudocode J1.1.4: `AArch64.S1Translate`,
//! `AArch64.S1Walk`, `AArch64.S1DisabledOutput`, `AArch64.S2Translate`, `AArch64.S2Walk`).
//!
//! Stage 1 walks of the EL1&0 regime with stage 2 enabled translate every table address through
//! stage 2 (a fault there is a stage 2 fault with S1PTW set). The walker reads descriptors through
//! [`DescriptorReader`], which the CPU backs with RAM and the bus, and the SMMU with its own view.
//! Nothing here allocates, and no input (register or descriptor value) can make it panic.

use crate::addr::{bit, bits, low_mask, Ipa, PhysAddr};
use crate::attrs::{MemAttrs, Shareability};
use crate::descriptor::{af, descriptor_type, entry_offset, leaf_base, next_table_base, ng, DescriptorType};
use crate::fault::{Fault, FaultKind, Stage};
use crate::perms::{s1_permissions, s2_permissions, Access, AccessKind, Permissions, TableControls};
use crate::regime::{Granule, Regime, TranslationContext};
use crate::tlb::S2Tlb;

/// A bus error on a descriptor read. The walker reports it as a synchronous External abort on
/// the translation table walk at the level being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternalAbort;

/// Where the walker reads descriptors from: 8 bytes at a physical address, returned as the
/// little-endian value of those bytes (the walker swaps them when SCTLR_ELx.EE is 1).
pub trait DescriptorReader {
    /// Reads the 64-bit word at `pa` (8-byte aligned). An error becomes a synchronous External
    /// abort on the walk.
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort>;

    /// Called by the walker after every descriptor read, in walk order, with what it read and
    /// where in the walk (debuggers record walks with [`crate::Recorder`]). The default does
    /// nothing and compiles to nothing.
    #[inline(always)]
    fn observe(&mut self, _read: &DescriptorRead) {}
}

impl<T: DescriptorReader + ?Sized> DescriptorReader for &mut T {
    #[inline]
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        (**self).read_u64(pa)
    }

    #[inline(always)]
    fn observe(&mut self, read: &DescriptorRead) {
        (**self).observe(read)
    }
}

/// One descriptor read of a table walk, as [`DescriptorReader::observe`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DescriptorRead {
    /// The stage whose table holds the descriptor (stage 2 reads made to translate the table
    /// addresses of a stage 1 walk come before the stage 1 read they serve).
    pub stage: Stage,
    /// The lookup level, 0..=3.
    pub level: u8,
    /// The granule of the table.
    pub granule: Granule,
    /// The descriptor's address as the walk computed it: an IPA for a stage 1 walk under stage
    /// 2, else the physical address.
    pub address: u64,
    /// The physical address read.
    pub pa: PhysAddr,
    /// The descriptor (after the SCTLR_ELx.EE byte swap), or the External abort of the read.
    pub value: Result<u64, ExternalAbort>,
}

impl DescriptorRead {
    /// What the descriptor is at its level (`None` if the read aborted).
    pub fn kind(&self) -> Option<DescriptorType> {
        self.value.ok().map(|d| descriptor_type(d, self.granule, self.level))
    }
}

/// Descriptor reads and stage 2 cache use of one translation, for the timing model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkCost {
    /// Stage 1 descriptors read.
    pub s1_reads: u32,
    /// Stage 2 descriptors read (for table addresses and the final IPA).
    pub s2_reads: u32,
    /// Stage 2 translations found in the stage 2 cache.
    pub s2_hits: u32,
    /// Stage 2 translations that had to walk.
    pub s2_misses: u32,
}

/// The result of stage 1 for one address: a leaf, or the flat mapping of a disabled stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct S1Out {
    /// The full output address (an IPA when stage 2 follows, else a PA).
    pub oa: u64,
    /// log2 of the size of the region mapped with the same output (>= 12).
    pub size_bits: u32,
    /// Leaf level, `None` when stage 1 is disabled.
    pub level: Option<u8>,
    /// Effective stage 1 permissions.
    pub perms: Permissions,
    /// Output attributes for data accesses (after SCTLR_ELx.C).
    pub data_attrs: MemAttrs,
    /// Output attributes for instruction fetches (after SCTLR_ELx.I).
    pub fetch_attrs: MemAttrs,
    /// The descriptor's memory type is Device: unaligned data accesses fault.
    pub device: bool,
    /// Global (nG = 0, or a regime without ASIDs, or stage 1 disabled).
    pub global: bool,
}

/// The result of a stage 2 walk for one IPA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct S2Out {
    /// The full output PA.
    pub oa: u64,
    /// log2 of the leaf's size.
    pub size_bits: u32,
    /// Leaf level.
    pub level: u8,
    /// S2AP/XN permissions.
    pub perms: Permissions,
    /// Stage 2 memory attributes as decoded from MemAttr/SH.
    pub attrs: MemAttrs,
}

/// One translation in progress: the context, the memory, the optional stage 2 cache and the
/// cost counters.
pub(crate) struct Walker<'a, R: DescriptorReader + ?Sized> {
    pub ctx: &'a TranslationContext,
    pub mem: &'a mut R,
    pub s2tlb: Option<&'a mut S2Tlb>,
    pub cost: WalkCost,
}

impl<R: DescriptorReader + ?Sized> Walker<'_, R> {
    /// Reads the descriptor at `pa` (the table address `address` of `stage` at `level`).
    #[inline]
    fn read(&mut self, at: (Stage, u8, Granule), address: u64, pa: u64, ee: bool) -> Result<u64, ExternalAbort> {
        let value = self.mem.read_u64(PhysAddr(pa)).map(|v| if ee { v.swap_bytes() } else { v });
        let (stage, level, granule) = at;
        self.mem.observe(&DescriptorRead { stage, level, granule, address, pa: PhysAddr(pa), value });
        value
    }

    /// Stage 1 of `regime` for `va` (pseudocode `AArch64.S1Translate` up to, not including, the
    /// alignment and permission checks, which [`crate::tlb::Mapping::check`] makes).
    pub fn s1_translate(&mut self, regime: Regime, va: u64) -> Result<S1Out, Fault> {
        let ctx = self.ctx;
        let s1 = ctx.s1(regime);
        let upper = s1.two_ranges && bit(va, 55);
        let range = &s1.ranges[usize::from(upper)];
        // Pseudocode `AArch64.AddrTop`: without FEAT_PAuth there is no TBID, so TBI applies to
        // instruction fetches too (the CPU strips tags from branch targets, D8.8).
        let addrtop = if range.tbi { 55 } else { 63 };
        if !s1.enabled {
            return self.s1_disabled(regime, va, addrtop);
        }
        if range.txsz_fault {
            return Err(Fault::stage1(FaultKind::Translation, 0));
        }
        // Pseudocode `AArch64.VAIsOutOfRange`: bits [addrtop:ia_bits] must all equal the range.
        let ia_bits = u32::from(range.ia_bits);
        let top = bits(va, addrtop, ia_bits);
        let in_range = if upper { top == low_mask(addrtop + 1 - ia_bits) } else { top == 0 };
        if !in_range || range.epd {
            return Err(Fault::stage1(FaultKind::Translation, 0));
        }

        let g = range.granule;
        let oa_bits = u32::from(s1.oa_bits);
        let two_els = s1.two_ranges;
        let via_s2 = ctx.s2_applies(regime);
        let mut level = range.start_level;
        let mut tc = TableControls::default();
        let width = ia_bits.saturating_sub(g.level_size_bits(level));
        let mut desc_addr = range.table_base | entry_offset(va, g, level, width);
        // Address size fault on the TTBR (D8.15.5 item 3), reported at level 0.
        if desc_addr >> oa_bits != 0 {
            return Err(Fault::stage1(FaultKind::AddressSize, 0));
        }
        let desc = loop {
            let pa = if via_s2 { self.s2_for_s1_walk(desc_addr)? } else { desc_addr };
            self.cost.s1_reads += 1;
            let desc = self
                .read((Stage::One, level, g), desc_addr, pa, s1.ee)
                .map_err(|_| Fault::stage1(FaultKind::ExternalAbortOnWalk, level))?;
            match descriptor_type(desc, g, level) {
                DescriptorType::Invalid => return Err(Fault::stage1(FaultKind::Translation, level)),
                DescriptorType::Leaf => break desc,
                DescriptorType::Table => {
                    tc.apply(desc, two_els);
                    let next = next_table_base(desc, g) | entry_offset(va, g, level + 1, g.stride());
                    // Address size fault on a table address: the level of the table descriptor.
                    if next >> oa_bits != 0 {
                        return Err(Fault::stage1(FaultKind::AddressSize, level));
                    }
                    desc_addr = next;
                    level += 1;
                }
            }
        };

        let size_bits = g.level_size_bits(level);
        let oa = leaf_base(desc, g, level) | (va & low_mask(size_bits));
        if oa >> oa_bits != 0 {
            return Err(Fault::stage1(FaultKind::AddressSize, level));
        }
        // No hardware Access flag management in ARMv8.0 (D8.5.1.1).
        if !af(desc) {
            return Err(Fault::stage1(FaultKind::AccessFlag, level));
        }
        // The contiguous bit (52) is a hint: we never fault on it and cache single entries.
        let attr = (s1.mair >> (8 * bits(desc, 4, 2))) as u8;
        let attrs = MemAttrs::from_mair(attr, Shareability::decode(bits(desc, 9, 8)));
        let device = attrs.is_device();
        // Pseudocode `AArch64.S1TreatAsNormalNC`.
        let data_attrs = if !s1.c && !device { MemAttrs::NORMAL_NC } else { attrs };
        let fetch_attrs = if device || !s1.i { MemAttrs::NORMAL_NC } else { attrs };
        Ok(S1Out {
            oa,
            size_bits,
            level: Some(level),
            perms: s1_permissions(desc, tc, two_els, s1.wxn),
            data_attrs,
            fetch_attrs,
            device,
            global: !two_els || !ng(desc),
        })
    }

    /// Stage 1 disabled (pseudocode `AArch64.S1DisabledOutput`): a flat mapping of the PA range,
    /// Device-nGnRnE for data, Normal (Write-Through if SCTLR_ELx.I, else Non-cacheable) for
    /// instruction fetches, Normal Write-Back for everything under HCR_EL2.DC. An address above the
    /// PA size is a level 0 Address size fault.
    fn s1_disabled(&mut self, regime: Regime, va: u64, addrtop: u32) -> Result<S1Out, Fault> {
        let ctx = self.ctx;
        let pa_bits = u32::from(ctx.pa_bits);
        if bits(va, addrtop, pa_bits) != 0 {
            return Err(Fault::stage1(FaultKind::AddressSize, 0));
        }
        let dc = regime == Regime::El10 && ctx.dc;
        let (data_attrs, fetch_attrs) = if dc {
            (MemAttrs::NORMAL_WB_NSH, MemAttrs::NORMAL_WB_NSH)
        } else if ctx.s1(regime).i {
            (MemAttrs::DEVICE_NGNRNE, MemAttrs::NORMAL_WT_FETCH)
        } else {
            (MemAttrs::DEVICE_NGNRNE, MemAttrs::NORMAL_NC)
        };
        Ok(S1Out {
            oa: va & low_mask(pa_bits),
            size_bits: pa_bits,
            level: None,
            perms: Permissions::ALL,
            data_attrs,
            fetch_attrs,
            device: data_attrs.is_device(),
            global: true,
        })
    }

    /// Stage 2 for the table address of a stage 1 walk, with the checks that apply to walk
    /// accesses (pseudocode `AArch64.S2CheckPermissions`, AccessType_TTW): HCR_EL2.PTW with Device
    /// memory, then read permission. Every fault has S1PTW set.
    fn s2_for_s1_walk(&mut self, ipa: u64) -> Result<u64, Fault> {
        let s2 = self.s2_translate(ipa, true)?;
        if (self.ctx.s2.ptw && s2.attrs.is_device()) || !s2.perms.read(false) {
            return Err(Fault::stage2(FaultKind::Permission, s2.level, Ipa(ipa), true));
        }
        Ok(s2.oa)
    }

    /// Stage 2 for `ipa` (pseudocode `AArch64.S2Translate` up to the alignment and permission
    /// checks), through the stage 2 cache when there is one. `s1ptw` marks faults as happening on
    /// a stage 1 walk.
    pub fn s2_translate(&mut self, ipa: u64, s1ptw: bool) -> Result<S2Out, Fault> {
        let ctx = self.ctx;
        let c = &ctx.s2;
        let fault = |kind, level| Fault::stage2(kind, level, Ipa(ipa), s1ptw);
        let ia_bits = u32::from(c.ia_bits);
        // `AArch64.S2TxSZFaults`, `S2InvalidSL`, `S2InconsistentSL`, `IPAIsOutOfRange`.
        if c.config_fault || ipa >> ia_bits != 0 {
            return Err(fault(FaultKind::Translation, 0));
        }
        if let Some(t) = self.s2tlb.as_deref_mut() {
            if let Some(out) = t.lookup(c.vmid, ipa, c.granule.bits() as u8) {
                self.cost.s2_hits += 1;
                return Ok(out);
            }
        }
        self.cost.s2_misses += 1;

        let g = c.granule;
        let oa_bits = u32::from(c.oa_bits);
        let mut level = c.start_level;
        let width = ia_bits.saturating_sub(g.level_size_bits(level));
        let mut desc_addr = c.table_base | entry_offset(ipa, g, level, width);
        if desc_addr >> oa_bits != 0 {
            return Err(fault(FaultKind::AddressSize, 0));
        }
        let desc = loop {
            self.cost.s2_reads += 1;
            let desc = self
                .read((Stage::Two, level, g), desc_addr, desc_addr, c.ee)
                .map_err(|_| fault(FaultKind::ExternalAbortOnWalk, level))?;
            match descriptor_type(desc, g, level) {
                DescriptorType::Invalid => return Err(fault(FaultKind::Translation, level)),
                DescriptorType::Leaf => break desc,
                DescriptorType::Table => {
                    // Stage 2 table descriptors have no hierarchical controls.
                    let next = next_table_base(desc, g) | entry_offset(ipa, g, level + 1, g.stride());
                    if next >> oa_bits != 0 {
                        return Err(fault(FaultKind::AddressSize, level));
                    }
                    desc_addr = next;
                    level += 1;
                }
            }
        };
        let size_bits = g.level_size_bits(level);
        let oa = leaf_base(desc, g, level) | (ipa & low_mask(size_bits));
        if oa >> oa_bits != 0 {
            return Err(fault(FaultKind::AddressSize, level));
        }
        if !af(desc) {
            return Err(fault(FaultKind::AccessFlag, level));
        }
        let out = S2Out {
            oa,
            size_bits,
            level,
            perms: s2_permissions(desc),
            attrs: MemAttrs::from_s2_memattr(bits(desc, 5, 2) as u8, Shareability::decode(bits(desc, 9, 8))),
        };
        if let Some(t) = self.s2tlb.as_deref_mut() {
            t.insert(c.vmid, ipa, &out, c.granule.bits() as u8);
        }
        Ok(out)
    }
}

/// Stage 1 alignment and permission checks of an access against a stage 1 result (pseudocode
/// `AArch64.S1HasAlignmentFaultDueToMemType` before `AArch64.S1CheckPermissions`, D8.15.5 items
/// 35-36).
#[inline(always)]
pub(crate) fn s1_check(device: bool, perms: Permissions, level: Option<u8>, acc: Access) -> Result<(), Fault> {
    if device && !acc.aligned && !matches!(acc.kind, AccessKind::Fetch) {
        return Err(Fault { kind: FaultKind::Alignment, level: 0, stage: Stage::One, s1ptw: false, ipa: None });
    }
    if !perms.grants(acc.needed()) {
        return Err(Fault::stage1(FaultKind::Permission, level.unwrap_or(0)));
    }
    Ok(())
}

/// Stage 2 alignment and permission checks (pseudocode `AArch64.S2HasAlignmentFaultDueToMemType`
/// then `AArch64.S2CheckPermissions`): read/write by S2AP, execute by XN, cache maintenance as at
/// stage 1. Instruction fetches need only execute permission at stage 2.
#[inline(always)]
pub(crate) fn s2_check(device: bool, perms: Permissions, level: u8, ipa: u64, acc: Access) -> Result<(), Fault> {
    if device && !acc.aligned && !matches!(acc.kind, AccessKind::Fetch) {
        return Err(Fault::stage2(FaultKind::Alignment, 0, Ipa(ipa), false));
    }
    if !perms.grants(acc.needed()) {
        return Err(Fault::stage2(FaultKind::Permission, level, Ipa(ipa), false));
    }
    Ok(())
}
