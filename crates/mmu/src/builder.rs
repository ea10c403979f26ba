//! Building translation tables in memory, for tests, benchmarks and host-side firmware tests:
//! descriptor encoders ([`S1Leaf`], [`S2Leaf`], [`desc`]), a [`TableBuilder`] that creates the
//! intermediate tables of a mapping from a pool of free memory, and two memories that implement
//! [`DescriptorReader`]: [`SparseMemory`] (a `BTreeMap`, deterministic, with injectable bus
//! errors) and [`FlatMemory`] (a `Vec`, fast).

use std::collections::BTreeMap;
use std::ops::Range;

use crate::addr::{low_mask, PhysAddr};
use crate::descriptor::{descriptor_type, entry_offset, next_table_base, DescriptorType, OA_MASK};
use crate::regime::Granule;
use crate::walk::{DescriptorReader, ExternalAbort};

/// Memory the builder can write descriptors to.
pub trait TableMemory: DescriptorReader {
    /// Writes the 64-bit little-endian word at `pa`; false if there is no memory there.
    fn write_u64(&mut self, pa: PhysAddr, value: u64) -> bool;

    /// Zeroes `len` bytes at `pa` (a new table). The default writes word by word.
    fn zero(&mut self, pa: PhysAddr, len: u64) -> bool {
        (0..len / 8).all(|i| self.write_u64(pa.offset(i * 8), 0))
    }
}

/// Sparse memory: unwritten words read as 0 (invalid descriptors); reads in the ranges given to
/// [`SparseMemory::abort_on`] fail with an External abort.
#[derive(Clone, Debug, Default)]
pub struct SparseMemory {
    words: BTreeMap<u64, u64>,
    aborts: Vec<Range<u64>>,
    /// Number of reads served.
    pub reads: u64,
}

impl SparseMemory {
    /// Empty memory.
    pub fn new() -> SparseMemory {
        SparseMemory::default()
    }

    /// Makes reads of `range` fail.
    pub fn abort_on(&mut self, range: Range<u64>) {
        self.aborts.push(range);
    }

    /// The word at `pa` (8-byte aligned down).
    pub fn get(&self, pa: u64) -> u64 {
        self.words.get(&(pa & !7)).copied().unwrap_or(0)
    }
}

impl DescriptorReader for SparseMemory {
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        self.reads += 1;
        if self.aborts.iter().any(|r| r.contains(&pa.0)) {
            return Err(ExternalAbort);
        }
        Ok(self.get(pa.0))
    }
}

impl TableMemory for SparseMemory {
    fn write_u64(&mut self, pa: PhysAddr, value: u64) -> bool {
        if value == 0 {
            self.words.remove(&(pa.0 & !7));
        } else {
            self.words.insert(pa.0 & !7, value);
        }
        true
    }

    fn zero(&mut self, pa: PhysAddr, len: u64) -> bool {
        let end = pa.0.saturating_add(len);
        let keys: Vec<u64> = self.words.range(pa.0..end).map(|(k, _)| *k).collect();
        for k in keys {
            self.words.remove(&k);
        }
        true
    }
}

/// Contiguous memory at a base address; reads outside fail with an External abort.
#[derive(Clone, Debug)]
pub struct FlatMemory {
    base: u64,
    words: Vec<u64>,
}

impl FlatMemory {
    /// Zeroed memory of `size` bytes at `base`.
    pub fn new(base: u64, size: u64) -> FlatMemory {
        FlatMemory { base, words: vec![0; (size / 8) as usize] }
    }
}

impl DescriptorReader for FlatMemory {
    #[inline]
    fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
        let i = pa.0.wrapping_sub(self.base) >> 3;
        usize::try_from(i).ok().and_then(|i| self.words.get(i)).copied().ok_or(ExternalAbort)
    }
}

impl TableMemory for FlatMemory {
    fn write_u64(&mut self, pa: PhysAddr, value: u64) -> bool {
        let i = pa.0.wrapping_sub(self.base) >> 3;
        match usize::try_from(i).ok().and_then(|i| self.words.get_mut(i)) {
            Some(w) => {
                *w = value;
                true
            }
            None => false,
        }
    }
}

/// Attributes of a stage 1 block or page descriptor (D8.3.1.2, Table D8-52).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S1Leaf {
    /// AttrIndx\[2:0\] (bits 4:2): the MAIR_ELx byte.
    pub attr_index: u8,
    /// AP\[2:1\] (bits 7:6).
    pub ap: u8,
    /// SH\[1:0\] (bits 9:8).
    pub sh: u8,
    /// AF (bit 10).
    pub af: bool,
    /// nG (bit 11).
    pub ng: bool,
    /// Contiguous (bit 52).
    pub contiguous: bool,
    /// PXN (bit 53).
    pub pxn: bool,
    /// UXN, or XN in a one-EL regime (bit 54).
    pub uxn: bool,
}

impl Default for S1Leaf {
    /// MAIR index 0, privileged read/write, Inner Shareable, AF set, global, executable.
    fn default() -> S1Leaf {
        S1Leaf { attr_index: 0, ap: 0, sh: 3, af: true, ng: false, contiguous: false, pxn: false, uxn: false }
    }
}

impl S1Leaf {
    /// The attribute bits of the descriptor (no address, no type bits).
    pub const fn bits(&self) -> u64 {
        ((self.attr_index & 7) as u64) << 2
            | ((self.ap & 3) as u64) << 6
            | ((self.sh & 3) as u64) << 8
            | (self.af as u64) << 10
            | (self.ng as u64) << 11
            | (self.contiguous as u64) << 52
            | (self.pxn as u64) << 53
            | (self.uxn as u64) << 54
    }
}

/// Attributes of a stage 2 block or page descriptor (Table D8-53).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S2Leaf {
    /// MemAttr\[3:0\] (bits 5:2).
    pub memattr: u8,
    /// S2AP\[1:0\] (bits 7:6): bit 0 read, bit 1 write.
    pub s2ap: u8,
    /// SH\[1:0\] (bits 9:8).
    pub sh: u8,
    /// AF (bit 10).
    pub af: bool,
    /// XN (bit 54).
    pub xn: bool,
}

impl Default for S2Leaf {
    /// Normal Write-Back, read/write, Inner Shareable, AF set, executable.
    fn default() -> S2Leaf {
        S2Leaf { memattr: 0b1111, s2ap: 3, sh: 3, af: true, xn: false }
    }
}

impl S2Leaf {
    /// The attribute bits of the descriptor.
    pub const fn bits(&self) -> u64 {
        ((self.memattr & 15) as u64) << 2
            | ((self.s2ap & 3) as u64) << 6
            | ((self.sh & 3) as u64) << 8
            | (self.af as u64) << 10
            | (self.xn as u64) << 54
    }
}

/// Raw descriptor encoders.
pub mod desc {
    use super::OA_MASK;

    /// A table descriptor pointing at `next` (with hierarchical bits \[63:59\] from `ctl`).
    pub const fn table(next: u64, ctl: u64) -> u64 {
        (next & OA_MASK) | (ctl & (0x1f << 59)) | 0b11
    }

    /// A block descriptor (levels 0-2).
    pub const fn block(oa: u64, attrs: u64) -> u64 {
        (oa & OA_MASK) | attrs | 0b01
    }

    /// A page descriptor (level 3).
    pub const fn page(oa: u64, attrs: u64) -> u64 {
        (oa & OA_MASK) | attrs | 0b11
    }
}

/// Why a mapping could not be built (host-side errors of the table-building helpers).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The pool of free table memory is used up.
    #[error("translation table pool exhausted")]
    PoolExhausted,
    /// The memory rejected a write.
    #[error("no memory at {0:#x} for a descriptor")]
    NoMemory(u64),
    /// A block or page is in the way at this level.
    #[error("a leaf descriptor is in the way at level {0}")]
    NotATable(u8),
    /// The level is before the start level or after level 3, or a block there is not allowed.
    #[error("a leaf cannot be placed at level {0}")]
    BadLevel(u8),
}

/// Builds one translation table tree (a stage 1 TTBR's tables, or stage 2's, including
/// concatenated initial tables) in a [`TableMemory`].
#[derive(Clone, Debug)]
pub struct TableBuilder {
    /// Granule of the tables.
    pub granule: Granule,
    /// Input address size in bits.
    pub ia_bits: u32,
    /// The initial lookup level.
    pub start_level: u8,
    /// Address of the initial table (what goes in TTBRn_ELx / VTTBR_EL2 BADDR).
    pub root: u64,
    /// Write descriptors big-endian (for SCTLR_ELx.EE = 1).
    pub big_endian: bool,
    /// Where the tables are stored, relative to the addresses in the descriptors: a stage 1 tree
    /// in a guest whose IPA `x` is at PA `x + phys_offset` (0 for identity).
    pub phys_offset: u64,
    pool: Range<u64>,
}

impl TableBuilder {
    /// A stage 1 tree for an input size of `ia_bits` (64 - TxSZ); the start level follows
    /// (pseudocode `AArch64.S1StartLevel`). Tables after the root are allocated from `pool`.
    pub fn stage1(granule: Granule, ia_bits: u32, root: u64, pool: Range<u64>) -> TableBuilder {
        let ia = ia_bits.clamp(25, 48);
        let start = 3 - (ia - 1 - granule.bits()) / granule.stride();
        TableBuilder { granule, ia_bits: ia, start_level: start as u8, root, big_endian: false, phys_offset: 0, pool }
    }

    /// A stage 2 tree with an explicit start level (from VTCR_EL2.SL0), which may concatenate up
    /// to 16 initial tables; `root` must be aligned to their total size.
    pub fn stage2(granule: Granule, ia_bits: u32, start_level: u8, root: u64, pool: Range<u64>) -> TableBuilder {
        TableBuilder {
            granule,
            ia_bits: ia_bits.clamp(25, 48),
            start_level: start_level.min(3),
            root,
            big_endian: false,
            phys_offset: 0,
            pool,
        }
    }

    /// The size in bytes of the initial table (all concatenated tables).
    pub fn root_size(&self) -> u64 {
        let width = self.ia_bits.saturating_sub(self.granule.level_size_bits(self.start_level));
        8 << width
    }

    fn index_width(&self, level: u8) -> u32 {
        if level == self.start_level {
            self.ia_bits.saturating_sub(self.granule.level_size_bits(level))
        } else {
            self.granule.stride()
        }
    }

    fn write<M: TableMemory + ?Sized>(&self, mem: &mut M, pa: u64, v: u64) -> Result<(), BuildError> {
        let v = if self.big_endian { v.swap_bytes() } else { v };
        if mem.write_u64(PhysAddr(pa.wrapping_add(self.phys_offset)), v) {
            Ok(())
        } else {
            Err(BuildError::NoMemory(pa))
        }
    }

    fn read<M: TableMemory + ?Sized>(&self, mem: &mut M, pa: u64) -> u64 {
        let v = mem.read_u64(PhysAddr(pa.wrapping_add(self.phys_offset))).unwrap_or(0);
        if self.big_endian {
            v.swap_bytes()
        } else {
            v
        }
    }

    fn alloc<M: TableMemory + ?Sized>(&mut self, mem: &mut M) -> Result<u64, BuildError> {
        let size = 1u64 << self.granule.bits();
        let at = (self.pool.start + size - 1) & !(size - 1);
        if at.saturating_add(size) > self.pool.end {
            return Err(BuildError::PoolExhausted);
        }
        self.pool.start = at + size;
        if !mem.zero(PhysAddr(at.wrapping_add(self.phys_offset)), size) {
            return Err(BuildError::NoMemory(at));
        }
        Ok(at)
    }

    /// The address of the descriptor for `ia` at `level`, following the existing tables; `None`
    /// if a level on the way has no table.
    pub fn entry_addr<M: TableMemory + ?Sized>(&self, mem: &mut M, ia: u64, level: u8) -> Option<u64> {
        if level < self.start_level || level > 3 {
            return None;
        }
        let mut table = self.root;
        let mut l = self.start_level;
        loop {
            let at = table | entry_offset(ia, self.granule, l, self.index_width(l));
            if l == level {
                return Some(at);
            }
            let d = self.read(mem, at);
            if descriptor_type(d, self.granule, l) != DescriptorType::Table {
                return None;
            }
            table = next_table_base(d, self.granule);
            l += 1;
        }
    }

    /// Maps the region of `ia` at `level` (a block at levels 0-2, a page at level 3) to `oa` with
    /// the attribute bits `attrs` ([`S1Leaf::bits`] / [`S2Leaf::bits`]), creating the tables on
    /// the way. Returns the descriptor's address.
    pub fn map<M: TableMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        ia: u64,
        oa: u64,
        level: u8,
        attrs: u64,
    ) -> Result<u64, BuildError> {
        if level < self.start_level || level > 3 || (level < 3 && !self.granule.block_allowed(level)) {
            return Err(BuildError::BadLevel(level));
        }
        let at = self.table_path(mem, ia, level)?;
        let oa = oa & low_mask(48) & !low_mask(self.granule.level_size_bits(level));
        let d = if level == 3 { desc::page(oa, attrs) } else { desc::block(oa, attrs) };
        self.write(mem, at, d)?;
        Ok(at)
    }

    /// Writes a raw descriptor for `ia` at `level` (creating tables before it), e.g. an invalid
    /// or reserved encoding. Returns its address.
    pub fn put<M: TableMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        ia: u64,
        level: u8,
        raw: u64,
    ) -> Result<u64, BuildError> {
        if level < self.start_level || level > 3 {
            return Err(BuildError::BadLevel(level));
        }
        let at = self.table_path(mem, ia, level)?;
        self.write(mem, at, raw)?;
        Ok(at)
    }

    /// ORs hierarchical control bits (\[63:59\]: NSTable, APTable, UXNTable/XNTable, PXNTable) into
    /// the table descriptor for `ia` at `level`.
    pub fn set_table_bits<M: TableMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        ia: u64,
        level: u8,
        bits: u64,
    ) -> Result<(), BuildError> {
        let at = self.entry_addr(mem, ia, level).ok_or(BuildError::NotATable(level))?;
        let d = self.read(mem, at);
        if descriptor_type(d, self.granule, level) != DescriptorType::Table {
            return Err(BuildError::NotATable(level));
        }
        self.write(mem, at, d | (bits & (0x1f << 59)))
    }

    /// Walks to the descriptor slot for `ia` at `level`, allocating missing tables.
    fn table_path<M: TableMemory + ?Sized>(&mut self, mem: &mut M, ia: u64, level: u8) -> Result<u64, BuildError> {
        let mut table = self.root;
        let mut l = self.start_level;
        loop {
            let at = table | entry_offset(ia, self.granule, l, self.index_width(l));
            if l == level {
                return Ok(at);
            }
            let d = self.read(mem, at);
            table = match descriptor_type(d, self.granule, l) {
                DescriptorType::Table => next_table_base(d, self.granule),
                DescriptorType::Invalid if d & 1 == 0 => {
                    let t = self.alloc(mem)?;
                    self.write(mem, at, desc::table(t, 0))?;
                    t
                }
                _ => return Err(BuildError::NotATable(l)),
            };
            l += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_three_level_path() {
        let mut mem = SparseMemory::new();
        let mut b = TableBuilder::stage1(Granule::K4, 39, 0x1000, 0x10_0000..0x20_0000);
        assert_eq!(b.start_level, 1);
        assert_eq!(b.root_size(), 4096);
        let at = b.map(&mut mem, 0x40_1234_5000, 0x8765_4000, 3, S1Leaf::default().bits()).unwrap();
        assert_eq!(mem.get(at), 0x8765_4000 | 0x703);
        assert_eq!(b.entry_addr(&mut mem, 0x40_1234_5000, 3), Some(at));
        // The level 1 and 2 tables were allocated from the pool.
        let l1 = mem.get(0x1000 | (0x40_1234_5000u64 >> 30 & 0x1ff) << 3);
        assert_eq!(l1, 0x10_0003);
        b.map(&mut mem, 0x40_4000_0000, 0x4000_0000, 2, 0).unwrap();
        assert_eq!(b.map(&mut mem, 0x40_4000_0000, 0, 3, 0), Err(BuildError::NotATable(2)));
        assert_eq!(b.map(&mut mem, 0, 0, 0, 0), Err(BuildError::BadLevel(0)));
        b.set_table_bits(&mut mem, 0x40_1234_5000, 1, 1 << 61).unwrap();
        assert_eq!(mem.get(0x1000 | (0x40_1234_5000u64 >> 30 & 0x1ff) << 3), 0x2000_0000_0010_0003);
    }

    #[test]
    fn concatenated_stage2_root() {
        let mut mem = FlatMemory::new(0, 0x40_0000);
        // 40-bit IPA at level 1: two concatenated tables.
        let mut b = TableBuilder::stage2(Granule::K4, 40, 1, 0x2000, 0x10_0000..0x20_0000);
        assert_eq!(b.root_size(), 8192);
        let at = b.map(&mut mem, 0xc0_4000_0000, 0x4000_0000, 1, S2Leaf::default().bits()).unwrap();
        assert_eq!(at, 0x2000 + (0xc0_4000_0000u64 >> 30) * 8);
        assert_eq!(mem.read_u64(PhysAddr(at)), Ok(0x4000_0000 | 0x7fd));
        assert_eq!(mem.read_u64(PhysAddr(0x40_0000)), Err(ExternalAbort));
    }
}
