//! A minimal flattened-device-tree reader (Devicetree Specification v0.4, chapter 5 "Flattened
//! Devicetree (DTB) Format"): validates the header and walks the structure block, calling back
//! for every property with the node's depth and name. Every read is bounds-checked, so a
//! corrupt blob yields `None`, never a fault.

/// FDT header magic (5.2).
const MAGIC: u32 = 0xd00d_feed;
/// Structure block tokens (5.4.1).
const FDT_BEGIN_NODE: u32 = 1;
const FDT_END_NODE: u32 = 2;
const FDT_PROP: u32 = 3;
const FDT_NOP: u32 = 4;
const FDT_END: u32 = 9;
/// Deepest node nesting the walker follows.
const MAX_DEPTH: usize = 16;

/// A device tree blob in memory.
pub struct Fdt<'a> {
    blob: &'a [u8],
    structs: core::ops::Range<usize>,
    strings: core::ops::Range<usize>,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Reads cell `index` of `cells`-wide numbers from a property value (big-endian).
pub fn cells(value: &[u8], index: usize, cells: usize) -> Option<u64> {
    let mut v = 0u64;
    for c in 0..cells {
        v = (v << 32) | u64::from(be32(value, (index * cells + c) * 4)?);
    }
    Some(v)
}

impl<'a> Fdt<'a> {
    /// Checks the header of the blob at `addr` and returns a reader, or `None` if there is no
    /// valid blob there.
    ///
    /// # Safety
    /// `addr` must be readable for 40 bytes, and for the header's `totalsize` if the magic
    /// matches; the memory must stay unchanged while the reader lives.
    pub unsafe fn at(addr: usize) -> Option<Fdt<'a>> {
        if addr == 0 || !addr.is_multiple_of(8) {
            return None;
        }
        // SAFETY: the caller guarantees the header is readable.
        let header = unsafe { core::slice::from_raw_parts(addr as *const u8, 40) };
        if be32(header, 0)? != MAGIC {
            return None;
        }
        let total = be32(header, 4)? as usize;
        if !(40..=(16 << 20)).contains(&total) {
            return None;
        }
        // SAFETY: the caller guarantees `totalsize` bytes are readable when the magic matches.
        let blob = unsafe { core::slice::from_raw_parts(addr as *const u8, total) };
        let (off_struct, off_strings) = (be32(blob, 8)? as usize, be32(blob, 12)? as usize);
        let (size_strings, size_struct) = (be32(blob, 32)? as usize, be32(blob, 36)? as usize);
        let structs = off_struct..off_struct.checked_add(size_struct)?;
        let strings = off_strings..off_strings.checked_add(size_strings)?;
        if structs.end > total || strings.end > total {
            return None;
        }
        Some(Fdt { blob, structs, strings })
    }

    /// Size of the blob in bytes.
    pub fn size(&self) -> usize {
        self.blob.len()
    }

    /// Calls `f(path, property name, value)` for every property, where `path` holds the node
    /// names from the root (empty string) down. Returns `None` on a malformed structure block.
    pub fn walk(&self, mut f: impl FnMut(&[&'a str], &'a str, &'a [u8])) -> Option<()> {
        let b = self.blob;
        let mut path: [&str; MAX_DEPTH] = [""; MAX_DEPTH];
        let mut depth = 0usize;
        let mut at = self.structs.start;
        while at < self.structs.end {
            let token = be32(b, at)?;
            at += 4;
            match token {
                FDT_BEGIN_NODE => {
                    let rest = b.get(at..self.structs.end)?;
                    let len = rest.iter().position(|&c| c == 0)?;
                    let name = core::str::from_utf8(&rest[..len]).ok()?;
                    if depth >= MAX_DEPTH {
                        return None;
                    }
                    path[depth] = name;
                    depth += 1;
                    at = (at + len + 1 + 3) & !3;
                }
                FDT_END_NODE => depth = depth.checked_sub(1)?,
                FDT_PROP => {
                    let len = be32(b, at)? as usize;
                    let name_off = be32(b, at + 4)? as usize;
                    let value = b.get(at + 8..at + 8 + len)?;
                    let names = b.get(self.strings.start + name_off..self.strings.end)?;
                    let name = core::str::from_utf8(&names[..names.iter().position(|&c| c == 0)?]).ok()?;
                    f(&path[..depth], name, value);
                    at = (at + 8 + len + 3) & !3;
                }
                FDT_NOP => {}
                FDT_END => return Some(()),
                _ => return None,
            }
        }
        None
    }
}
