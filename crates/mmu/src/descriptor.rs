//! VMSAv8-64 translation table descriptor formats (ARM ARM D8.3.1): how a 64-bit descriptor is
//! classified at a given level and granule, and the address fields of table, block and page
//! descriptors for a 48-bit output address (no FEAT_LPA / FEAT_LPA2).
//!
//! ```text
//!  63  59 58 55 54 53 52 51 48 47                 12 11 10 9 8 7 6 5 4  2 1 0
//! +------+-----+--+--+--+-----+---------------------+--+--+---+---+--+----+-+-+
//! | ctl  | sw  |XN|PX|Ct| res | output address       |nG|AF|SH |AP |NS|Attr|1|0|  block
//! +------+-----+--+--+--+-----+---------------------+--+--+---+---+--+----+-+-+  (page: bit 1 = 1 at L3)
//! |NS AP XN PXN| ignored      | next-level table address         | ignored    |1|1|  table
//! +------------+--------------+----------------------------------+------------+-+-+
//! stage 2 leaf: XN = bit 54, MemAttr\[3:0\] = bits 5:2, S2AP = bits 7:6, no nG
//! ```

use crate::addr::{bit, low_mask};
use crate::regime::Granule;

/// What a descriptor is at its level (pseudocode `AArch64.DecodeDescriptorType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptorType {
    /// Bit 0 clear, a reserved encoding (bits\[1:0\] = 0b01 at level 3) or a block where the
    /// granule does not allow one: a Translation fault.
    Invalid,
    /// Points to the next-level table.
    Table,
    /// A block (levels 0-2) or page (level 3) descriptor.
    Leaf,
}

/// Classifies `desc` found at `level` (0-3) with `granule`.
#[inline(always)]
pub fn descriptor_type(desc: u64, granule: Granule, level: u8) -> DescriptorType {
    match (desc & 3, level) {
        (0b11, 3) => DescriptorType::Leaf,
        (0b11, _) => DescriptorType::Table,
        (0b01, l) if granule.block_allowed(l) => DescriptorType::Leaf,
        _ => DescriptorType::Invalid,
    }
}

/// Mask of the output address bits \[47:12\] of a descriptor.
pub const OA_MASK: u64 = low_mask(48) & !low_mask(12);

/// The next-level table address of a table descriptor (pseudocode `AArch64.NextTableBase`):
/// bits [47:granule]. For the 64KB granule, bits \[15:12\] (OA\[51:48\] with FEAT_LPA) are RES0 here.
#[inline(always)]
pub fn next_table_base(desc: u64, granule: Granule) -> u64 {
    desc & low_mask(48) & !low_mask(granule.bits())
}

/// The output address base of a block or page descriptor at `level` (pseudocode
/// `AArch64.S1LeafBase` / `S2LeafBase`): bits [47:size], where `size` is the size of the region
/// the level maps.
#[inline(always)]
pub fn leaf_base(desc: u64, granule: Granule, level: u8) -> u64 {
    desc & low_mask(48) & !low_mask(granule.level_size_bits(level))
}

/// Index of the descriptor for input address `ia` in a table at `level`, as a byte offset
/// (pseudocode `AArch64.S1TTEntryAddress`). `width` is the number of index bits: the stride, or at
/// the start level `ia_bits - lsb` (pseudocode `S1SLTTEntryAddress` / `S2SLTTEntryAddress`, which
/// also covers concatenated stage 2 tables).
#[inline(always)]
pub fn entry_offset(ia: u64, granule: Granule, level: u8, width: u32) -> u64 {
    let lsb = granule.level_size_bits(level);
    ((ia >> lsb) & low_mask(width)) << 3
}

/// Access flag (bit 10).
#[inline(always)]
pub fn af(desc: u64) -> bool {
    bit(desc, 10)
}

/// Not global (bit 11, stage 1 only).
#[inline(always)]
pub fn ng(desc: u64) -> bool {
    bit(desc, 11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_per_granule_and_level() {
        use DescriptorType::*;
        for g in [Granule::K4, Granule::K16, Granule::K64] {
            for level in 0..=3 {
                assert_eq!(descriptor_type(0, g, level), Invalid);
                assert_eq!(descriptor_type(2, g, level), Invalid);
                let table_or_page = if level == 3 { Leaf } else { Table };
                assert_eq!(descriptor_type(3, g, level), table_or_page);
            }
        }
        // Blocks: 4KB at L1/L2, 16KB and 64KB at L2 only; bits[1:0] = 0b01 at L3 is reserved.
        let block = |g, l| descriptor_type(1, g, l);
        assert_eq!([0, 1, 2, 3].map(|l| block(Granule::K4, l)), [Invalid, Leaf, Leaf, Invalid]);
        assert_eq!([0, 1, 2, 3].map(|l| block(Granule::K16, l)), [Invalid, Invalid, Leaf, Invalid]);
        assert_eq!([0, 1, 2, 3].map(|l| block(Granule::K64, l)), [Invalid, Invalid, Leaf, Invalid]);
    }

    #[test]
    fn address_fields() {
        let d = 0xffff_ffff_ffff_ffff;
        assert_eq!(next_table_base(d, Granule::K4), 0xffff_ffff_f000);
        assert_eq!(next_table_base(d, Granule::K16), 0xffff_ffff_c000);
        assert_eq!(next_table_base(d, Granule::K64), 0xffff_ffff_0000);
        assert_eq!(leaf_base(d, Granule::K4, 1), 0xffff_c000_0000);
        assert_eq!(leaf_base(d, Granule::K4, 2), 0xffff_ffe0_0000);
        assert_eq!(leaf_base(d, Granule::K16, 2), 0xffff_fe00_0000);
        assert_eq!(leaf_base(d, Granule::K64, 2), 0xffff_e000_0000);
        assert_eq!(leaf_base(d, Granule::K64, 3), 0xffff_ffff_0000);
        assert_eq!(entry_offset(0x0000_ff80_0000_0000, Granule::K4, 0, 9), 0x1ff << 3);
        assert_eq!(entry_offset(0x1234_5000, Granule::K4, 3, 9), 0x145 << 3);
        // A 40-bit IPA starting at level 1 with two concatenated tables: 10 index bits.
        assert_eq!(entry_offset(0xff_c000_0000, Granule::K4, 1, 10), 0x3ff << 3);
        assert!(af(1 << 10) && !af(0) && ng(1 << 11));
    }
}
