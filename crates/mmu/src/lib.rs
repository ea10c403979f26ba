//! ARMv8.0-A address translation (VMSAv8-64, ARM ARM chapter D8) for HyperSoC: the EL1&0 and EL2
//! translation regimes with stage 2, the table walker for the 4KB, 16KB and 64KB granules, memory
//! attribute and permission rules, MMU faults with their exact syndromes, AT and PAR_EL1, and a
//! deterministic TLB model with every ARMv8.0 TLBI operation. It is shared by the CPU and the
//! SMMU and depends on neither; it implements ARMv8.0 only (no FEAT_HAFDBS, LPA, VHE, PAN, TTST;
//! 48-bit VAs, PA size up to 48 bits).
//!
//! # Using it from a CPU
//!
//! 1. Keep a [`TranslationContext`]: fill a [`TranslationRegs`] from SCTLR/TCR/TTBR0/TTBR1/MAIR
//!    of EL1 and EL2, HCR_EL2, VTCR_EL2, VTTBR_EL2 and the model's PARange, and call
//!    [`TranslationContext::new`]. Rebuild it after any write to one of those registers (the
//!    host-side translation cache must be flushed at the same moment).
//! 2. Keep one [`Mmu`] per core ([`Mmu::new`] with a [`TlbConfig`] from the model file).
//! 3. On a memory access that misses the host fast path, build an [`Access`]
//!    ([`Access::read`]/[`Access::write`]/[`Access::fetch`] from the current EL,
//!    [`Access::as_unprivileged`] for LDTR/STTR, [`Access::unaligned`] for an access not aligned
//!    to its size and for DC ZVA) and call [`Mmu::translate`] with a [`DescriptorReader`] over RAM
//!    and the bus. `Ok(t)` gives `t.pa`, `t.attrs` (Device memory matters for alignment and
//!    MMIO), `t.perms` and `t.size_bits` for the host cache (which may reuse `t` for another
//!    access kind when [`Permissions::allows`] says so). `Err(fault)` is a plain [`Fault`]:
//!    take a Data Abort (EC 0x24/0x25) with ISS = [`Fault::data_abort_iss`] (plus ISV and the
//!    instruction syndrome for stage 2 faults without S1PTW), or an Instruction Abort (EC
//!    0x20/0x21) with [`Fault::instruction_abort_iss`]; FAR = the VA; route stage 2 faults
//!    ([`Fault::is_stage2`]) to EL2 with HPFAR_EL2 = [`Fault::hpfar_el2`].
//! 4. AT: decode with [`AtOp::from_encoding`], call [`Mmu::at`]; write [`AtResult::Par`] to
//!    PAR_EL1, or take the Data Abort of [`AtResult::Abort`] (CM = 1, WnR = 1).
//! 5. TLBI: decode with [`TlbiOp::from_encoding`], get the scope with [`TlbiOp::scope`] (it reads
//!    the current VMID from the context), apply it with [`Mmu::invalidate`] on this core and, for
//!    [`TlbiOp::broadcast`] forms, on every other core; flush the host-side caches too.
//! 6. A host-side cache built from translations stays a subset of the TLB model by dropping the
//!    region of every entry the TLB evicts ([`Mmu::take_eviction`] after each translation).
//! 7. Debuggers translate with [`inspect`] (no TLB, no counters, every descriptor read recorded by
//!    a [`Recorder`] through [`DescriptorReader::observe`]) and list the TLB model with
//!    [`Mmu::tlb_entries`] and [`Mmu::s2_cache_entries`].
//!
//! The SMMU builds a `TranslationContext` from a context bank (CB_TCR, CB_TTBRn, CB_MAIR as the
//! EL1 registers; the stage 2 bank as VTCR/VTTBR) and uses the same `Mmu`.
//!
//! # Choices where the architecture leaves one
//!
//! - TxSZ outside 16..=39 (stage 1), T0SZ outside (64 - PA size)..=39 or a reserved/inconsistent
//!   SL0 (stage 2): level 0 Translation fault.
//! - Reserved TG encodings: 4KB. Reserved MAIR/MemAttr encodings: see [`MemAttrs`]. SH = 0b01:
//!   Non-shareable.
//! - The contiguous bit is a hint: never a fault, never a larger TLB entry.
//! - Instruction fetches from Device memory are Normal Non-cacheable, not Permission faults.
//! - PAR_EL1.NS is reported as 1 for successful translations (UNKNOWN for the Non-secure regimes;
//!   QEMU reports 1, and PAR values compare byte for byte with it).
//! - HPFAR_EL2 is produced for every stage 2 fault, including those where it is UNKNOWN.
//! - AT walks without the main TLB (it may use the stage 2 cache); TLB conflict aborts are never
//!   raised (the first matching entry wins, deterministically).
//! - Only leaf entries are cached (no walk caches), so the last-level TLBI forms act as the full
//!   ones; TLBI by VA/ASID scans the whole TLB.

#![warn(missing_docs)]

mod addr;
mod attrs;
pub mod builder;
mod descriptor;
mod fault;
mod inspect;
mod mmu;
mod par;
mod perms;
mod regime;
mod tlb;
mod tlbi;
mod walk;

pub use addr::{Ipa, PhysAddr, VirtAddr};
pub use attrs::{CachePolicy, Cacheability, DeviceType, MemAttrs, MemType, Shareability};
pub use descriptor::{descriptor_type, DescriptorType};
pub use fault::{Fault, FaultKind, Stage};
pub use inspect::{inspect, size_name, InspectInput, Inspection, Recorder, StageOutput};
pub use mmu::{translate_uncached, Mmu, MmuStats};
pub use par::{at_fault_aborts, par_success, AtOp, AtResult};
pub use perms::{Access, AccessKind, Permissions};
pub use regime::{
    hcr, pa_bits_from_parange, ps_bits, sctlr, Granule, Regime, S1Range, S1Regime, S2Config, TranslationContext,
    TranslationRegs,
};
pub use tlb::{Evicted, Invalidation, Replacement, S2CacheEntry, S2Tlb, Tlb, TlbConfig, TlbEntry, Translation};
pub use tlbi::TlbiOp;
pub use walk::{DescriptorRead, DescriptorReader, ExternalAbort, WalkCost};

#[cfg(test)]
mod tests;
