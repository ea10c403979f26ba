//! Translation for debuggers: the walk of one address, stage by stage, with every descriptor read
//! recorded, and no side effect on the TLB model, its counters or the stage 2 cache.
//!
//! [`inspect`] walks a VA of a regime (stage 1, then stage 2 where it applies) or an IPA (stage 2
//! only) with a [`Recorder`] around the caller's [`DescriptorReader`] (which, for a debugger,
//! should read RAM only, so that inspecting memory never touches a device). It reports the
//! mapping, not an access: the permission and Device-alignment checks of an access are left out,
//! and the permissions are returned for the caller to show. A walk fault (Translation, Access
//! flag, Address size, External abort on the walk, and stage 2 faults on the stage 1 walk) is the
//! result, as the walker produces it for an access.

use crate::addr::{low_mask, Ipa, PhysAddr, VirtAddr};
use crate::attrs::MemAttrs;
use crate::fault::{Fault, FaultKind};
use crate::perms::Permissions;
use crate::regime::{Regime, TranslationContext};
use crate::walk::{DescriptorRead, DescriptorReader, ExternalAbort, WalkCost, Walker};

/// A [`DescriptorReader`] that records every descriptor read of the walks made through it.
#[derive(Debug)]
pub struct Recorder<R> {
    /// The reader the reads go to.
    pub inner: R,
    /// The reads so far, in walk order.
    pub reads: Vec<DescriptorRead>,
}

impl<R> Recorder<R> {
    /// A recorder with no reads yet.
    pub fn new(inner: R) -> Recorder<R> {
        Recorder { inner, reads: Vec::new() }
    }
}

impl<R: DescriptorReader> DescriptorReader for Recorder<R> {
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        self.inner.read_u64(pa)
    }

    fn observe(&mut self, read: &DescriptorRead) {
        self.inner.observe(read);
        self.reads.push(*read);
    }
}

/// What [`inspect`] translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InspectInput {
    /// A virtual address of a regime: stage 1, then stage 2 if it applies to the regime.
    Va(VirtAddr, Regime),
    /// An intermediate physical address of the EL1&0 regime: stage 2 only (the flat mapping when
    /// stage 2 is disabled).
    Ipa(Ipa),
}

/// The output of one translation stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageOutput {
    /// The output address: an IPA after stage 1 of the EL1&0 regime with stage 2, else a PA.
    pub output: u64,
    /// The leaf descriptor's level; `None` when the stage is disabled (the flat mapping).
    pub level: Option<u8>,
    /// log2 of the size of the block or page (of the output range when the stage is disabled).
    pub size_bits: u32,
    /// The leaf's permissions (for stage 1 after the hierarchical controls and WXN).
    pub perms: Permissions,
    /// The memory attributes of data accesses (stage 1: after SCTLR_ELx.C; stage 2: as
    /// MemAttr/SH encode them).
    pub attrs: MemAttrs,
    /// Stage 1 only: not tied to an ASID (nG = 0, or a regime without ASIDs).
    pub global: bool,
}

/// The walk of one address: the stages, the result and every descriptor read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// Stage 1 (`None` for an IPA input). A stage 2 fault on the stage 1 walk is stage 1's
    /// outcome (with `s1ptw` set).
    pub stage1: Option<Result<StageOutput, Fault>>,
    /// Stage 2 (`None` when it does not apply to the regime, or stage 1 faulted).
    pub stage2: Option<Result<StageOutput, Fault>>,
    /// The physical address, or the first fault.
    pub result: Result<PhysAddr, Fault>,
    /// The descriptor reads of both stages, in walk order.
    pub reads: Vec<DescriptorRead>,
    /// The walk's cost (reads by stage).
    pub cost: WalkCost,
}

/// Walks `input` under `ctx` without a TLB, recording every descriptor read made through `mem`.
/// No permission check is made (see the module documentation).
pub fn inspect<R: DescriptorReader + ?Sized>(ctx: &TranslationContext, input: InspectInput, mem: &mut R) -> Inspection {
    let mut rec = Recorder::new(mem);
    let mut w = Walker { ctx, mem: &mut rec, s2tlb: None, cost: WalkCost::default() };
    let (stage1, ipa) = match input {
        InspectInput::Va(va, regime) => {
            let s1 = w.s1_translate(regime, va.0).map(|s1| StageOutput {
                output: s1.oa,
                level: s1.level,
                size_bits: s1.size_bits,
                perms: s1.perms,
                attrs: s1.data_attrs,
                global: s1.global,
            });
            let ipa = match (&s1, ctx.s2_applies(regime)) {
                (Ok(out), true) => Some(out.output),
                _ => None,
            };
            (Some(s1), ipa)
        }
        InspectInput::Ipa(ipa) => (None, Some(ipa.0)),
    };
    let stage2 = ipa.map(|ipa| {
        if !ctx.s2.enabled {
            // Stage 2 disabled: the flat mapping of the PA range.
            let pa_bits = u32::from(ctx.pa_bits);
            if ipa >> pa_bits != 0 {
                return Err(Fault::stage2(FaultKind::AddressSize, 0, Ipa(ipa), false));
            }
            return Ok(StageOutput {
                output: ipa,
                level: None,
                size_bits: pa_bits,
                perms: Permissions::ALL,
                attrs: MemAttrs::NORMAL_WB_NSH,
                global: true,
            });
        }
        w.s2_translate(ipa, false).map(|s2| StageOutput {
            output: s2.oa,
            level: Some(s2.level),
            size_bits: s2.size_bits,
            perms: s2.perms,
            attrs: s2.attrs,
            global: true,
        })
    });
    let cost = w.cost;
    let last = stage2.or(stage1).unwrap_or(Err(Fault::stage1(FaultKind::Translation, 0)));
    let result = last.map(|out| PhysAddr(out.output));
    Inspection { stage1, stage2, result, reads: rec.reads, cost }
}

/// A size in bytes as `4KB`, `2MB`, `1GB`, `1TB` (`2^n` when not a whole unit).
pub fn size_name(size_bits: u32) -> String {
    let units = [(40, "TB"), (30, "GB"), (20, "MB"), (10, "KB")];
    for (shift, unit) in units {
        if size_bits >= shift && size_bits < 64 {
            return format!("{}{unit}", 1u64 << (size_bits - shift));
        }
    }
    if size_bits < 64 {
        format!("{}B", low_mask(size_bits) + 1)
    } else {
        format!("2^{size_bits}B")
    }
}
