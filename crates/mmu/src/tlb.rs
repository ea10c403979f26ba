//! The TLB model (ARM ARM D8.16, D8.17): a set-associative main TLB of combined stage 1 + stage 2
//! leaf entries, and an optional set-associative cache of stage-2-only (IPA -> PA) leaf entries.
//!
//! Entries are tagged with the regime, the VMID (EL1&0), the ASID unless global (nG = 0), and a
//! few configuration bits (stage enables, SCTLR_ELx.{C, I, WXN}, HCR_EL2.{DC, CD, ID}) so that a
//! configuration change that needs no TLB maintenance never hits a stale entry. Only leaf
//! translations are cached (no walk caches), so the "last level only" TLBI forms invalidate
//! exactly what their full forms do.
//!
//! Determinism: the set index is VA (or IPA) bits, no hashing; replacement is round-robin per set
//! or LRU by a global access counter. Lookups never allocate: all storage is allocated by
//! [`Tlb::new`].
//!
//! Size classes: an entry is filled into the set selected by the address bits above its size
//! class: the granule (pages and anything smaller than 2MB), 2MB (entries of 2MB up to 1GB) or 1GB
//! (1GB and larger). A lookup probes the page class first and the block classes only when that
//! misses, so page hits cost one set and a block entry is found from any address in its 2MB (or
//! 1GB) region instead of being refilled per page. Larger blocks that are not a whole class
//! (32MB, 512MB) are held as several copies, one per 2MB region touched.

use crate::addr::low_mask;
use crate::attrs::MemAttrs;
use crate::fault::Fault;
use crate::perms::{Access, AccessKind, Permissions};
use crate::regime::{LookupKey, Regime};
use crate::walk::{s1_check, s2_check, S1Out, S2Out};

/// Victim selection when a set is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Replacement {
    /// One pointer per set, advanced on each fill.
    RoundRobin,
    /// Least recently used, by a per-entry stamp of a global access counter (costs a store per
    /// hit).
    Lru,
}

/// Geometry of the TLB model. Sizes are rounded up to a power of two (sets) and to at least one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TlbConfig {
    /// Sets of the main (combined) TLB.
    pub sets: usize,
    /// Ways of the main TLB.
    pub ways: usize,
    /// Sets of the stage 2 cache; 0 disables stage 2 caching.
    pub s2_sets: usize,
    /// Ways of the stage 2 cache.
    pub s2_ways: usize,
    /// Victim selection for both structures.
    pub replacement: Replacement,
}

impl Default for TlbConfig {
    /// 1024 entries (256 sets x 4 ways) plus a 256-entry stage 2 cache, round-robin: the size of a
    /// Cortex-A57/A72 main TLB.
    fn default() -> TlbConfig {
        TlbConfig { sets: 256, ways: 4, s2_sets: 64, s2_ways: 4, replacement: Replacement::RoundRobin }
    }
}

/// No level (stage disabled).
const NO_LEVEL: u8 = 0xff;

/// Set-index shifts of the block size classes (2MB, 1GB).
const BLOCK_CLASSES: [u8; 2] = [21, 30];

/// The set-index shift an entry of `size_bits` is filled with, given the page class `page_shift`.
#[inline(always)]
fn class_shift(size_bits: u32, page_shift: u8) -> u8 {
    if size_bits >= 30 {
        30
    } else if size_bits >= 21 {
        21
    } else {
        page_shift
    }
}

/// A cached translation: everything needed to answer an access without walking, for every
/// access kind. Built from a walk's stage 1 and stage 2 results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mapping {
    /// Canonical VA base (tag bits replaced by the sign of bit 55 when TBI applies).
    pub va: u64,
    /// `!(size - 1)`.
    pub mask: u64,
    /// PA base.
    pub pa: u64,
    /// IPA base (stage 1 output).
    pub ipa: u64,
    /// Mask of the stage 2 leaf containing the IPA (for IPAS2 over-invalidation); 0 without
    /// stage 2.
    pub s2_mask: u64,
    /// Mask of the stage 1 leaf (block or page) the entry was derived from. An entry smaller than
    /// its stage 1 block (because the stage 2 leaf is smaller) is still removed by a TLBI by VA
    /// of any address in the block (D8.17.x: maintenance by VA applies to the whole block entry
    /// that translates the address, however the TLB holds it).
    pub s1_mask: u64,
    pub s1_perms: Permissions,
    pub s2_perms: Permissions,
    pub data_attrs: MemAttrs,
    pub fetch_attrs: MemAttrs,
    pub s1_device: bool,
    pub s2_device: bool,
    pub s1_level: u8,
    pub s2_level: u8,
    pub size_bits: u8,
    pub global: bool,
}

/// A successful translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The output physical address.
    pub pa: crate::PhysAddr,
    /// The intermediate physical address (stage 1 output; equal to `pa` without stage 2).
    pub ipa: crate::Ipa,
    /// Final memory attributes for this kind of access (stage 1 combined with stage 2; data and
    /// instruction fetch attributes differ when a stage is disabled or SCTLR_ELx.{C, I} = 0).
    pub attrs: MemAttrs,
    /// Effective permissions of the page (stage 1 and stage 2 combined).
    pub perms: Permissions,
    /// log2 of the size of the region around `pa` with the same translation (the TLB entry size:
    /// the smaller of the stage 1 and stage 2 leaf sizes; the PA size when stage 1 and stage 2
    /// are off). At least 12.
    pub size_bits: u8,
    /// Stage 1 leaf level, `None` when stage 1 is disabled.
    pub s1_level: Option<u8>,
    /// Stage 2 leaf level, `None` without stage 2.
    pub s2_level: Option<u8>,
    /// Not ASID-specific (nG = 0, or no ASIDs in the regime).
    pub global: bool,
    /// The ASID the translation was made for (0 in the EL2 regime).
    pub asid: u16,
    /// The VMID it was made for (EL1&0 with EL2 enabled).
    pub vmid: Option<u8>,
}

impl Mapping {
    /// Combines stage 1 and the optional stage 2 results for the page of `va_key`.
    pub fn new(va_key: u64, s1: &S1Out, s2: Option<&S2Out>, s2_cd: bool, s2_id: bool) -> Mapping {
        match s2 {
            None => {
                let size = s1.size_bits.min(63);
                let mask = !low_mask(size);
                Mapping {
                    va: va_key & mask,
                    mask,
                    pa: s1.oa & mask,
                    ipa: s1.oa & mask,
                    s2_mask: 0,
                    s1_mask: mask,
                    s1_perms: s1.perms,
                    s2_perms: Permissions::ALL,
                    data_attrs: s1.data_attrs,
                    fetch_attrs: s1.fetch_attrs,
                    s1_device: s1.device,
                    s2_device: false,
                    s1_level: s1.level.unwrap_or(NO_LEVEL),
                    s2_level: NO_LEVEL,
                    size_bits: size as u8,
                    global: s1.global,
                }
            }
            Some(s2) => {
                let size = s1.size_bits.min(s2.size_bits).min(63);
                let mask = !low_mask(size);
                let s2_dev = s2.attrs.is_device();
                // Pseudocode `AArch64.S2TreatAsNormalNC` (HCR_EL2.CD / ID), then
                // `S2CombineS1MemAttrs`.
                let s2_data = if s2_cd && !s2_dev { MemAttrs::NORMAL_NC } else { s2.attrs };
                let s2_fetch = if s2_id || s2_dev { MemAttrs::NORMAL_NC } else { s2.attrs };
                Mapping {
                    va: va_key & mask,
                    mask,
                    pa: s2.oa & mask,
                    ipa: s1.oa & mask,
                    s2_mask: !low_mask(s2.size_bits),
                    s1_mask: !low_mask(s1.size_bits.min(63)),
                    s1_perms: s1.perms,
                    s2_perms: s2.perms,
                    data_attrs: s1.data_attrs.combine_s2(s2_data),
                    fetch_attrs: s1.fetch_attrs.combine_s2(s2_fetch),
                    s1_device: s1.device,
                    s2_device: s2_dev,
                    s1_level: s1.level.unwrap_or(NO_LEVEL),
                    s2_level: s2.level,
                    size_bits: size as u8,
                    global: s1.global,
                }
            }
        }
    }

    /// Checks `acc` (stage 1 alignment, stage 1 permissions, stage 2 alignment, stage 2
    /// permissions, in the priority order of D8.15.5) and produces the translation of `va_key`.
    /// The common case is one combined test; the ordered checks run only when something fails.
    #[inline(always)]
    pub fn check(&self, va_key: u64, acc: Access, asid: u16, vmid: Option<u8>) -> Result<Translation, Fault> {
        let fetch = matches!(acc.kind, AccessKind::Fetch);
        let perms = self.s1_perms.and(self.s2_perms);
        let misaligned = (self.s1_device | self.s2_device) & !acc.aligned & !fetch;
        if misaligned | !perms.grants(acc.needed()) {
            return Err(self.fault(va_key, acc));
        }
        let offset = va_key & !self.mask;
        Ok(Translation {
            pa: crate::PhysAddr(self.pa | offset),
            ipa: crate::Ipa(self.ipa | offset),
            attrs: if fetch { self.fetch_attrs } else { self.data_attrs },
            perms,
            size_bits: self.size_bits,
            s1_level: if self.s1_level == NO_LEVEL { None } else { Some(self.s1_level) },
            s2_level: if self.s2_level == NO_LEVEL { None } else { Some(self.s2_level) },
            global: self.global,
            asid,
            vmid,
        })
    }

    /// The fault `acc` takes, in priority order; only called when one of the checks fails.
    #[cold]
    #[inline(never)]
    fn fault(&self, va_key: u64, acc: Access) -> Fault {
        let s1_level = if self.s1_level == NO_LEVEL { None } else { Some(self.s1_level) };
        let s2 = || {
            if self.s2_level == NO_LEVEL {
                return Ok(());
            }
            s2_check(self.s2_device, self.s2_perms, self.s2_level, self.ipa | (va_key & !self.mask), acc)
        };
        match s1_check(self.s1_device, self.s1_perms, s1_level, acc).and_then(|()| s2()) {
            Err(f) => f,
            // Unreachable when called as documented; a Permission fault is the safe answer.
            Ok(()) => Fault::stage1(crate::fault::FaultKind::Permission, self.s1_level & 3),
        }
    }
}

/// A valid main TLB entry as debuggers list it ([`crate::Mmu::tlb_entries`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlbEntry {
    /// The set it is held in.
    pub set: usize,
    /// The way.
    pub way: usize,
    /// Its translation regime.
    pub regime: Regime,
    /// Its VMID (EL1&0 entries).
    pub vmid: Option<u8>,
    /// Its ASID; `None` for a global entry.
    pub asid: Option<u16>,
    /// The canonical VA base (bits \[63:56\] copies of bit 55 when TBI applied).
    pub va: u64,
    /// The IPA base (the PA without stage 2).
    pub ipa: u64,
    /// The PA base.
    pub pa: u64,
    /// log2 of the size of the region it maps.
    pub size_bits: u8,
    /// The permissions of stage 1 and stage 2 combined.
    pub perms: Permissions,
    /// The stage 1 leaf level, `None` when stage 1 was disabled.
    pub s1_level: Option<u8>,
    /// The stage 2 leaf level, `None` without stage 2.
    pub s2_level: Option<u8>,
    /// The memory attributes of data accesses.
    pub attrs: MemAttrs,
}

/// A valid stage 2 cache entry as debuggers list it ([`crate::Mmu::s2_cache_entries`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S2CacheEntry {
    /// The VMID.
    pub vmid: u8,
    /// The IPA base.
    pub ipa: u64,
    /// The PA base.
    pub pa: u64,
    /// log2 of the size of the stage 2 leaf.
    pub size_bits: u32,
    /// The leaf's level.
    pub level: u8,
    /// S2AP and XN.
    pub perms: Permissions,
    /// Stage 2 memory attributes.
    pub attrs: MemAttrs,
}

/// A valid main TLB entry that a fill replaced, reported so that caches built on top of the TLB
/// (the CPU's host fast path) can drop what they derived from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evicted {
    /// The entry's translation regime.
    pub regime: Regime,
    /// Its canonical VA base (bits \[63:56\] copies of bit 55 when TBI applied).
    pub va: u64,
    /// `!(size - 1)` of the region it mapped.
    pub mask: u64,
}

/// What a main TLB lookup compares, kept apart from the payload so a set's tags share two cache
/// lines.
#[derive(Clone, Copy, Debug)]
struct Tag {
    /// Packed valid/regime/flags/VMID (see `LookupKey::tag`); 0 when invalid.
    tag: u64,
    /// Canonical VA base.
    va: u64,
    /// `!(size - 1)`.
    mask: u64,
    asid: u16,
    global: bool,
}

/// The rest of a main TLB entry.
#[derive(Clone, Copy, Debug)]
struct Entry {
    regime: Regime,
    vmid: u8,
    stamp: u32,
    m: Mapping,
}

const EMPTY_MAPPING: Mapping = Mapping {
    va: 0,
    mask: 0,
    pa: 0,
    ipa: 0,
    s2_mask: 0,
    s1_mask: 0,
    s1_perms: Permissions(0),
    s2_perms: Permissions(0),
    data_attrs: MemAttrs::NORMAL_NC,
    fetch_attrs: MemAttrs::NORMAL_NC,
    s1_device: false,
    s2_device: false,
    s1_level: NO_LEVEL,
    s2_level: NO_LEVEL,
    size_bits: 12,
    global: false,
};

const EMPTY: Entry = Entry { regime: Regime::El10, vmid: 0, stamp: 0, m: EMPTY_MAPPING };
const NO_TAG: Tag = Tag { tag: 0, va: 0, mask: 0, asid: 0, global: false };

/// What a TLB maintenance operation removes (ARM ARM D8.17.5, pseudocode `TLBIMatch`). Built
/// from a TLBI instruction and its operand by [`crate::TlbiOp::scope`]; a broadcast (IS) TLBI
/// applies the same value to every core's TLB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Invalidation {
    /// TLBI VMALLE1(IS): every EL1&0 stage 1 (and combined) entry of the VMID. Stage-2-only
    /// entries stay.
    El10Vmid {
        /// VMID.
        vmid: u8,
    },
    /// TLBI VMALLS12E1(IS): every EL1&0 entry of the VMID, stage 1 and stage 2.
    El10VmidS12 {
        /// VMID.
        vmid: u8,
    },
    /// TLBI ALLE1(IS): every EL1&0 entry of every VMID, stage 1 and stage 2.
    El10All,
    /// TLBI VAE1, VALE1 (with an ASID), VAAE1, VAALE1 (any ASID): EL1&0 entries of the VMID
    /// that translate `va` and match the ASID or are global.
    El10Va {
        /// VMID.
        vmid: u8,
        /// The ASID; `None` for the "all ASIDs" forms.
        asid: Option<u16>,
        /// Any address in the page (canonical: bits \[63:56\] copies of bit 55).
        va: u64,
        /// The L forms (last level only); equivalent here, as only leaves are cached.
        last_level: bool,
    },
    /// TLBI ASIDE1(IS): non-global EL1&0 entries of the VMID with the ASID.
    El10Asid {
        /// VMID.
        vmid: u8,
        /// ASID.
        asid: u16,
    },
    /// TLBI IPAS2E1(IS), IPAS2LE1(IS): stage-2-only entries of the VMID that translate `ipa`.
    /// Combined entries are outside the architectural scope (software follows with VMALLE1);
    /// we also remove the combined entries whose stage 2 leaf contains `ipa`, which is permitted
    /// over-invalidation.
    S2Ipa {
        /// VMID.
        vmid: u8,
        /// Any address in the stage 2 page.
        ipa: u64,
        /// The L form.
        last_level: bool,
    },
    /// TLBI ALLE2(IS): every EL2 entry.
    El2All,
    /// TLBI VAE2(IS), VALE2(IS): EL2 entries that translate `va`.
    El2Va {
        /// Any address in the page (canonical).
        va: u64,
        /// The L form.
        last_level: bool,
    },
}

impl Invalidation {
    fn matches(&self, t: &Tag, e: &Entry) -> bool {
        if t.tag == 0 {
            return false;
        }
        let el10 = e.regime == Regime::El10;
        match *self {
            Invalidation::El10Vmid { vmid } | Invalidation::El10VmidS12 { vmid } => el10 && e.vmid == vmid,
            Invalidation::El10All => el10,
            Invalidation::El10Va { vmid, asid, va, .. } => {
                el10 && e.vmid == vmid && asid.is_none_or(|a| t.global || t.asid == a) && same_s1_leaf(va, t, e)
            }
            Invalidation::El10Asid { vmid, asid } => el10 && e.vmid == vmid && !t.global && t.asid == asid,
            Invalidation::S2Ipa { vmid, ipa, .. } => {
                el10 && e.vmid == vmid && e.m.s2_mask != 0 && ipa & e.m.s2_mask == e.m.ipa & e.m.s2_mask
            }
            Invalidation::El2All => !el10,
            Invalidation::El2Va { va, .. } => !el10 && same_s1_leaf(va, t, e),
        }
    }

    fn matches_s2(&self, e: &S2Entry) -> bool {
        if !e.valid {
            return false;
        }
        match *self {
            Invalidation::El10VmidS12 { vmid } => e.vmid == vmid,
            Invalidation::El10All => true,
            Invalidation::S2Ipa { vmid, ipa, .. } => e.vmid == vmid && ipa & e.mask == e.ipa,
            _ => false,
        }
    }
}

/// `va` lies in the stage 1 leaf the entry was derived from.
#[inline(always)]
fn same_s1_leaf(va: u64, t: &Tag, e: &Entry) -> bool {
    va & e.m.s1_mask == t.va & e.m.s1_mask
}

fn geometry(sets: usize, ways: usize) -> (usize, usize) {
    let sets = sets.clamp(1, 1 << 20).next_power_of_two();
    (sets, ways.clamp(1, 64))
}

/// The main TLB: combined stage 1 + stage 2 leaf entries.
#[derive(Clone)]
pub struct Tlb {
    ways: usize,
    set_mask: usize,
    tags: Box<[Tag]>,
    entries: Box<[Entry]>,
    next: Box<[u8]>,
    clock: u32,
    replacement: Replacement,
}

impl std::fmt::Debug for Tlb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tlb")
            .field("sets", &(self.set_mask + 1))
            .field("ways", &self.ways)
            .field("occupancy", &self.occupancy())
            .field("replacement", &self.replacement)
            .finish()
    }
}

impl std::fmt::Debug for S2Tlb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S2Tlb")
            .field("sets", &(self.set_mask + 1))
            .field("ways", &self.ways)
            .field("occupancy", &self.occupancy())
            .field("replacement", &self.replacement)
            .finish()
    }
}

impl Tlb {
    /// An empty TLB of `sets` x `ways` entries.
    pub fn new(sets: usize, ways: usize, replacement: Replacement) -> Tlb {
        let (sets, ways) = geometry(sets, ways);
        Tlb {
            ways,
            set_mask: sets - 1,
            tags: vec![NO_TAG; sets * ways].into_boxed_slice(),
            entries: vec![EMPTY; sets * ways].into_boxed_slice(),
            next: vec![0; sets].into_boxed_slice(),
            clock: 0,
            replacement,
        }
    }

    /// Number of entries.
    pub fn capacity(&self) -> usize {
        self.entries.len()
    }

    /// Number of valid entries.
    pub fn occupancy(&self) -> usize {
        self.tags.iter().filter(|t| t.tag != 0).count()
    }

    #[inline(always)]
    fn set_of(&self, va_key: u64, shift: u8) -> usize {
        ((va_key >> (shift & 63)) as usize & self.set_mask) * self.ways
    }

    #[inline(always)]
    fn probe(&self, key: &LookupKey, va_key: u64, shift: u8) -> Option<usize> {
        let base = self.set_of(va_key, shift);
        let set = self.tags.get(base..base + self.ways)?;
        let way =
            set.iter().position(|t| t.tag == key.tag && va_key & t.mask == t.va && (t.global || t.asid == key.asid))?;
        Some(base + way)
    }

    /// Finds the entry for `va_key` under `key`: the page class, then the block classes.
    #[inline(always)]
    pub(crate) fn lookup(&mut self, key: &LookupKey, va_key: u64, upper: bool) -> Option<&Mapping> {
        let i = match self.probe(key, va_key, key.index_shift[usize::from(upper)]) {
            Some(i) => i,
            None => self.lookup_block(key, va_key)?,
        };
        if self.replacement == Replacement::Lru {
            self.clock = self.clock.wrapping_add(1);
            self.entries[i].stamp = self.clock;
        }
        Some(&self.entries[i].m)
    }

    #[inline(never)]
    fn lookup_block(&self, key: &LookupKey, va_key: u64) -> Option<usize> {
        BLOCK_CLASSES.iter().find_map(|&shift| self.probe(key, va_key, shift))
    }

    /// Fills `m` into the set of `va_key`, evicting per the replacement policy. Returns the valid
    /// entry that was evicted, if any.
    pub(crate) fn insert(
        &mut self,
        key: &LookupKey,
        regime: Regime,
        vmid: u8,
        va_key: u64,
        upper: bool,
        m: Mapping,
    ) -> Option<Evicted> {
        let shift = class_shift(u32::from(m.size_bits), key.index_shift[usize::from(upper)]);
        let base = self.set_of(va_key, shift);
        let set_index = base / self.ways;
        let ways = self.ways;
        let (Some(set), Some(slots)) = (self.tags.get(base..base + ways), self.entries.get(base..base + ways)) else {
            return None;
        };
        let way = match set.iter().position(|t| t.tag == 0) {
            Some(w) => w,
            None => match self.replacement {
                Replacement::RoundRobin => {
                    let w = usize::from(self.next[set_index]) % ways;
                    self.next[set_index] = ((w + 1) % ways) as u8;
                    w
                }
                Replacement::Lru => {
                    let clock = self.clock;
                    (0..ways).max_by_key(|&w| clock.wrapping_sub(slots[w].stamp)).unwrap_or(0)
                }
            },
        };
        let old = &self.tags[base + way];
        let evicted =
            (old.tag != 0).then(|| Evicted { regime: self.entries[base + way].regime, va: old.va, mask: old.mask });
        self.clock = self.clock.wrapping_add(1);
        self.tags[base + way] = Tag { tag: key.tag, va: m.va, mask: m.mask, asid: key.asid, global: m.global };
        self.entries[base + way] = Entry { regime, vmid, stamp: self.clock, m };
        evicted
    }

    /// The victim selection policy.
    pub fn replacement(&self) -> Replacement {
        self.replacement
    }

    /// Sets and ways.
    pub fn geometry(&self) -> (usize, usize) {
        (self.set_mask + 1, self.ways)
    }

    /// The valid entries, in set and way order.
    pub fn entries(&self) -> impl Iterator<Item = TlbEntry> + '_ {
        let level = |l: u8| (l != NO_LEVEL).then_some(l);
        self.tags.iter().zip(self.entries.iter()).enumerate().filter(|(_, (t, _))| t.tag != 0).map(
            move |(i, (t, e))| TlbEntry {
                set: i / self.ways,
                way: i % self.ways,
                regime: e.regime,
                vmid: (e.regime == Regime::El10).then_some(e.vmid),
                asid: (!t.global).then_some(t.asid),
                va: t.va,
                ipa: e.m.ipa,
                pa: e.m.pa,
                size_bits: e.m.size_bits,
                perms: e.m.s1_perms.and(e.m.s2_perms),
                s1_level: level(e.m.s1_level),
                s2_level: level(e.m.s2_level),
                attrs: e.m.data_attrs,
            },
        )
    }

    /// Removes the entries in the scope of `inv`; returns how many.
    pub fn invalidate(&mut self, inv: &Invalidation) -> usize {
        let mut n = 0;
        for (t, e) in self.tags.iter_mut().zip(self.entries.iter()) {
            if inv.matches(t, e) {
                t.tag = 0;
                n += 1;
            }
        }
        n
    }

    /// Empties the TLB (reset).
    pub fn clear(&mut self) {
        self.tags.iter_mut().for_each(|t| t.tag = 0);
    }
}

/// A stage 2 cache entry.
#[derive(Clone, Copy, Debug)]
struct S2Entry {
    valid: bool,
    vmid: u8,
    ipa: u64,
    mask: u64,
    stamp: u32,
    out: S2Out,
}

const S2_EMPTY: S2Entry = S2Entry {
    valid: false,
    vmid: 0,
    ipa: 0,
    mask: 0,
    stamp: 0,
    out: S2Out { oa: 0, size_bits: 12, level: 0, perms: Permissions(0), attrs: MemAttrs::NORMAL_NC },
};

/// The stage 2 cache: IPA -> PA leaf entries tagged with the VMID, used for the stage 2
/// translations of stage 1 table addresses and of final IPAs.
#[derive(Clone)]
pub struct S2Tlb {
    ways: usize,
    set_mask: usize,
    entries: Box<[S2Entry]>,
    next: Box<[u8]>,
    clock: u32,
    replacement: Replacement,
}

impl S2Tlb {
    /// An empty stage 2 cache of `sets` x `ways` entries.
    pub fn new(sets: usize, ways: usize, replacement: Replacement) -> S2Tlb {
        let (sets, ways) = geometry(sets, ways);
        S2Tlb {
            ways,
            set_mask: sets - 1,
            entries: vec![S2_EMPTY; sets * ways].into_boxed_slice(),
            next: vec![0; sets].into_boxed_slice(),
            clock: 0,
            replacement,
        }
    }

    /// Number of valid entries.
    pub fn occupancy(&self) -> usize {
        self.entries.iter().filter(|e| e.valid).count()
    }

    #[inline(always)]
    fn set_of(&self, ipa: u64, shift: u8) -> usize {
        ((ipa >> (shift & 63)) as usize & self.set_mask) * self.ways
    }

    /// Finds the stage 2 leaf for `ipa` of `vmid`; `page_shift` is the stage 2 granule's size.
    #[inline]
    pub(crate) fn lookup(&mut self, vmid: u8, ipa: u64, page_shift: u8) -> Option<S2Out> {
        let i = [page_shift, BLOCK_CLASSES[0], BLOCK_CLASSES[1]].into_iter().find_map(|shift| {
            let base = self.set_of(ipa, shift);
            let set = self.entries.get(base..base + self.ways)?;
            let way = set.iter().position(|e| e.valid && e.vmid == vmid && ipa & e.mask == e.ipa)?;
            Some(base + way)
        })?;
        let e = &mut self.entries[i];
        if self.replacement == Replacement::Lru {
            self.clock = self.clock.wrapping_add(1);
            e.stamp = self.clock;
        }
        let mask = e.mask;
        Some(S2Out { oa: e.out.oa | (ipa & !mask), ..e.out })
    }

    pub(crate) fn insert(&mut self, vmid: u8, ipa: u64, out: &S2Out, page_shift: u8) {
        let base = self.set_of(ipa, class_shift(out.size_bits, page_shift));
        let set_index = base / self.ways;
        let ways = self.ways;
        let Some(set) = self.entries.get(base..base + ways) else { return };
        let way = match set.iter().position(|e| !e.valid) {
            Some(w) => w,
            None => match self.replacement {
                Replacement::RoundRobin => {
                    let w = usize::from(self.next[set_index]) % ways;
                    self.next[set_index] = ((w + 1) % ways) as u8;
                    w
                }
                Replacement::Lru => {
                    let clock = self.clock;
                    (0..ways).max_by_key(|&w| clock.wrapping_sub(set[w].stamp)).unwrap_or(0)
                }
            },
        };
        let mask = !low_mask(out.size_bits.min(63));
        self.clock = self.clock.wrapping_add(1);
        self.entries[base + way] = S2Entry {
            valid: true,
            vmid,
            ipa: ipa & mask,
            mask,
            stamp: self.clock,
            out: S2Out { oa: out.oa & mask, ..*out },
        };
    }

    /// Sets and ways.
    pub fn geometry(&self) -> (usize, usize) {
        (self.set_mask + 1, self.ways)
    }

    /// The valid entries, in set and way order.
    pub fn entries(&self) -> impl Iterator<Item = S2CacheEntry> + '_ {
        self.entries.iter().filter(|e| e.valid).map(|e| S2CacheEntry {
            vmid: e.vmid,
            ipa: e.ipa,
            pa: e.out.oa,
            size_bits: e.out.size_bits,
            level: e.out.level,
            perms: e.out.perms,
            attrs: e.out.attrs,
        })
    }

    /// Removes the entries in the scope of `inv`; returns how many.
    pub fn invalidate(&mut self, inv: &Invalidation) -> usize {
        let mut n = 0;
        for e in self.entries.iter_mut().filter(|e| inv.matches_s2(e)) {
            e.valid = false;
            n += 1;
        }
        n
    }

    /// Empties the cache.
    pub fn clear(&mut self) {
        self.entries.iter_mut().for_each(|e| e.valid = false);
    }
}
