//! The host fast path of DESIGN.md ("Performance architecture"): a host-side cache from VA page
//! to RAM offset, with the access kinds the current translation permits, in front of the
//! architectural TLB model of the `mmu` crate.
//!
//! ```text
//!   level (EL0, EL1, EL2)       VA[19:12]          tags (VA page, or INVALID)   addend
//!   ---------------------  ->  -----------  ->  { read, write, exec }        RAM offset - VA
//! ```
//!
//! One direct-mapped table per permission level: EL0 (also LDTR/STTR at EL1), EL1 and EL2. The
//! level stands for the translation regime and the permission set (D8.4), so changing EL needs no
//! flush, and a hit needs no permission check: a tag is present only for the access kinds the
//! translation allows at that level. A lookup compares the tag with `VA & (page mask | size -
//! 1)`, so an access that is not naturally aligned never hits (it goes to the slow path, which
//! applies SCTLR_ELx.A, the Device-memory alignment rule and page crossing) and one compare
//! decides everything. Only pages wholly in RAM are entered; MMIO never is.
//!
//! It is an optimisation only, never changing what the guest observes:
//! - every entry is derived from a translation the TLB model holds at that moment, and is dropped
//!   when the TLB model loses it (eviction, [`FastPath::invalidate_region`]; TLBI,
//!   [`FastPath::flush`]), so the fast path answers only what the TLB would have answered;
//! - it is flushed whenever a register that controls translation is written (SCTLR, TCR, TTBR,
//!   MAIR of EL1 and EL2, HCR_EL2, VTCR_EL2, VTTBR_EL2), which also covers ASID and VMID
//!   switches;
//! - a TLB hit does not change the TLB model's state under round-robin replacement, so skipping
//!   those lookups changes nothing. Under LRU replacement fast-path hits do not refresh the
//!   recency of the TLB entry; the cycle model can turn the fast path off
//!   ([`crate::Cpu::set_host_fast_path`]) to count every TLB access.
//!
//! Nothing here allocates after construction, hashes, locks or calls through `dyn`.

/// Entries per table (a power of two): 1 MiB of VA per level in 4 KiB pages.
pub(crate) const ENTRIES: usize = 256;

/// Bits of a VA that name its 4 KiB page.
pub(crate) const PAGE_MASK: u64 = !0xfff;

/// A tag no lookup key can equal: keys have at most the low 4 bits set below bit 12.
const INVALID: u64 = 0xfff;

/// Bits of a VA compared when the TLB reports a region (the top byte may hold a TBI tag).
const VA_56: u64 = (1 << 56) - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// VA page when data reads are permitted, else [`INVALID`].
    read: u64,
    /// VA page when data writes are permitted.
    write: u64,
    /// VA page when instruction fetches are permitted.
    exec: u64,
    /// RAM offset of the page minus the VA page (wrapping): `va + addend` is the RAM offset.
    addend: u64,
}

const EMPTY: Entry = Entry { read: INVALID, write: INVALID, exec: INVALID, addend: 0 };

impl Entry {
    /// The VA page the entry holds, if any.
    fn page(&self) -> Option<u64> {
        [self.read, self.write, self.exec].into_iter().find(|&t| t != INVALID)
    }
}

/// What a translated page allows at the level it is entered for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PagePerms {
    /// Data reads.
    pub read: bool,
    /// Data writes.
    pub write: bool,
    /// Instruction fetches.
    pub exec: bool,
}

/// The host fast path of one core.
#[derive(Clone)]
pub(crate) struct FastPath {
    /// Index 3 is never filled; it makes `level & 3` a valid index without a bounds check.
    tables: Box<[[Entry; ENTRIES]; 4]>,
    /// Tables that may hold valid entries (flushing skips the others).
    live: [bool; 4],
    /// Entries are filled (the cycle model may turn the fast path off).
    pub enabled: bool,
}

impl std::fmt::Debug for FastPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let valid = self.tables.iter().map(|t| t.iter().filter(|e| e.page().is_some()).count()).sum::<usize>();
        f.debug_struct("FastPath").field("enabled", &self.enabled).field("valid", &valid).finish()
    }
}

impl Default for FastPath {
    fn default() -> FastPath {
        FastPath { tables: Box::new([[EMPTY; ENTRIES]; 4]), live: [false; 4], enabled: true }
    }
}

#[inline(always)]
fn index(va: u64) -> usize {
    (va >> 12) as usize & (ENTRIES - 1)
}

impl FastPath {
    /// The RAM offset of a naturally aligned data read of `size` bytes at `va`, at permission
    /// `level` (0, 1 or 2), if the fast path holds it.
    #[inline(always)]
    pub fn read(&self, level: u8, va: u64, size: u8) -> Option<usize> {
        let e = &self.tables[usize::from(level & 3)][index(va)];
        (e.read == va & (PAGE_MASK | (u64::from(size) - 1))).then_some(va.wrapping_add(e.addend) as usize)
    }

    /// As [`Self::read`], for a data write.
    #[inline(always)]
    pub fn write(&self, level: u8, va: u64, size: u8) -> Option<usize> {
        let e = &self.tables[usize::from(level & 3)][index(va)];
        (e.write == va & (PAGE_MASK | (u64::from(size) - 1))).then_some(va.wrapping_add(e.addend) as usize)
    }

    /// The RAM offset of the instruction at `pc` (4-byte aligned), if the fast path holds it.
    #[inline(always)]
    pub fn fetch(&self, level: u8, pc: u64) -> Option<usize> {
        let e = &self.tables[usize::from(level & 3)][index(pc)];
        (e.exec == pc & PAGE_MASK).then_some(pc.wrapping_add(e.addend) as usize)
    }

    /// Enters the 4 KiB page of `va`, whose first byte is at RAM offset `ram_page`, with the
    /// permissions it has at `level`. The caller checked that the whole page is RAM.
    pub fn fill(&mut self, level: u8, va: u64, ram_page: usize, perms: PagePerms) {
        if !self.enabled || level > 2 {
            return;
        }
        let page = va & PAGE_MASK;
        let tag = |allowed: bool| if allowed { page } else { INVALID };
        self.tables[usize::from(level)][index(va)] = Entry {
            read: tag(perms.read),
            write: tag(perms.write),
            exec: tag(perms.exec),
            addend: (ram_page as u64).wrapping_sub(page),
        };
        self.live[usize::from(level)] = true;
    }

    /// Drops every entry (TLBI, writes to the translation controls, TLB configuration changes).
    pub fn flush(&mut self) {
        for (table, live) in self.tables.iter_mut().zip(self.live.iter_mut()) {
            if *live {
                table.fill(EMPTY);
                *live = false;
            }
        }
    }

    /// Drops the entries of pages in the region `va & mask` (compared on VA bits \[55:12\], so
    /// tagged aliases go too): what the TLB model evicted. Over-invalidation is harmless.
    pub fn invalidate_region(&mut self, va: u64, mask: u64) {
        let mask = mask & VA_56 & PAGE_MASK;
        for (table, live) in self.tables.iter_mut().zip(self.live.iter()) {
            if !*live {
                continue;
            }
            for e in table.iter_mut() {
                if e.page().is_some_and(|p| (p ^ va) & mask == 0) {
                    *e = EMPTY;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RW: PagePerms = PagePerms { read: true, write: true, exec: false };

    #[test]
    fn hits_need_the_kind_the_alignment_and_the_level() {
        let mut f = FastPath::default();
        f.fill(1, 0x4000_1234, 0x5000, RW);
        assert_eq!(f.read(1, 0x4000_1238, 8), Some(0x5238));
        assert_eq!(f.write(1, 0x4000_1ffc, 4), Some(0x5ffc));
        assert_eq!(f.read(1, 0x4000_1ff8, 16), None, "misaligned for 16 bytes");
        assert_eq!(f.read(1, 0x4000_1001, 2), None, "misaligned");
        assert_eq!(f.read(1, 0x4000_1001, 1), Some(0x5001));
        assert_eq!(f.fetch(1, 0x4000_1000), None, "no execute permission");
        assert_eq!(f.read(0, 0x4000_1000, 1), None, "another level");
        assert_eq!(f.read(1, 0x4010_1000, 1), None, "another page with the same index");
        assert_eq!(f.read(1, 0x5600_0000_4000_1000, 1), None, "another tag");
        f.fill(2, 0xffff_0000_0000_0000, 0, PagePerms { read: false, write: false, exec: true });
        assert_eq!(f.fetch(2, 0xffff_0000_0000_0ffc), Some(0xffc));
        assert_eq!(f.read(2, 0xffff_0000_0000_0000, 1), None);
        // Keys never equal the invalid tag.
        assert_eq!(f.read(0, INVALID, 1), None);
        assert_eq!(f.read(0, 0xfff, 1), None);
    }

    #[test]
    fn flush_and_region_invalidation() {
        let mut f = FastPath::default();
        f.fill(0, 0x1000, 0, RW);
        f.fill(1, 0x5a00_0000_0020_3000, 0x3000, RW);
        f.fill(1, 0x40_0000, 0x8000, RW);
        // A 2 MiB region around the tagged entry, given in canonical form.
        f.invalidate_region(0x20_0000, !0x1f_ffff);
        assert_eq!(f.read(1, 0x5a00_0000_0020_3000, 8), None);
        assert_eq!(f.read(1, 0x40_0000, 8), Some(0x8000));
        assert_eq!(f.read(0, 0x1000, 8), Some(0));
        f.flush();
        assert_eq!(f.read(1, 0x40_0000, 8), None);
        assert_eq!(f.read(0, 0x1000, 8), None);
        f.enabled = false;
        f.fill(0, 0x1000, 0, RW);
        assert_eq!(f.read(0, 0x1000, 8), None);
    }
}
