//! Memory attributes (ARM ARM B2.8, D8.6): the MAIR encodings of stage 1, the MemAttr field of
//! stage 2, the defaults used when a stage is disabled, and the combination of the two stages
//! (pseudocode `S2CombineS1MemAttrs`, J1.3.5.18).
//!
//! A [`MemAttrs`] is kept in the canonical MAIR-format byte (the encoding `PAR_EL1.ATTR` reports,
//! pseudocode `EncodePARAttrs`) plus a shareability, so it is two bytes, `Copy`, and the "MAIR
//! byte" of a translation is available without re-encoding.

use crate::addr::bits;

/// Device memory types (B2.8.2), strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviceType {
    /// Device-nGnRnE.
    NGnRnE = 0,
    /// Device-nGnRE.
    NGnRE = 1,
    /// Device-nGRE.
    NGRE = 2,
    /// Device-GRE.
    GRE = 3,
}

/// Cacheability policy of Normal memory, weakest (Non-cacheable) first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CachePolicy {
    /// Non-cacheable.
    NonCacheable,
    /// Write-Through.
    WriteThrough,
    /// Write-Back.
    WriteBack,
}

/// One level (inner or outer) of Normal memory cacheability with its allocation hints
/// (pseudocode `MemAttrHints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cacheability {
    /// The cacheability policy.
    pub policy: CachePolicy,
    /// Read-allocate hint.
    pub read_allocate: bool,
    /// Write-allocate hint.
    pub write_allocate: bool,
    /// Transient hint.
    pub transient: bool,
}

/// The memory type of a translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemType {
    /// Device memory.
    Device(DeviceType),
    /// Normal memory with its inner and outer cacheability.
    Normal {
        /// Inner cacheability.
        inner: Cacheability,
        /// Outer cacheability.
        outer: Cacheability,
    },
}

/// Shareability domain, numbered as the SH fields of descriptors, TCR_ELx and PAR_EL1 encode it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shareability {
    /// Non-shareable (SH = 0b00).
    Non = 0,
    /// Outer Shareable (SH = 0b10).
    Outer = 2,
    /// Inner Shareable (SH = 0b11).
    Inner = 3,
}

impl Shareability {
    /// Decodes an SH field (pseudocode `DecodeShareability`). The reserved value 0b01 is
    /// CONSTRAINED UNPREDICTABLE between the three domains; we treat it as Non-shareable.
    pub const fn decode(sh: u64) -> Shareability {
        match sh & 3 {
            2 => Shareability::Outer,
            3 => Shareability::Inner,
            _ => Shareability::Non,
        }
    }

    /// The wider of two domains (pseudocode `S2CombineS1Shareability`: Outer > Inner > Non).
    const fn widest(a: Shareability, b: Shareability) -> Shareability {
        match (a, b) {
            (Shareability::Outer, _) | (_, Shareability::Outer) => Shareability::Outer,
            (Shareability::Inner, _) | (_, Shareability::Inner) => Shareability::Inner,
            _ => Shareability::Non,
        }
    }
}

/// Memory attributes of a translation: memory type, cacheability with hints, shareability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemAttrs {
    attr: u8,
    sh: Shareability,
}

/// Canonical nibble of Normal Non-cacheable.
const NIBBLE_NC: u8 = 0b0100;

/// Decodes a Normal-memory nibble of a MAIR byte (pseudocode `DecodeLDFAttr`) into the canonical
/// nibble. `0b0000` (reserved: `MAIR_ELx.Attr<n>` = 0bxxxx0000 with a non-zero outer nibble) is
/// CONSTRAINED UNPREDICTABLE; we map it to Non-cacheable.
const fn canonical_nibble(n: u8) -> u8 {
    let n = n & 0xf;
    if n == 0 || n == NIBBLE_NC {
        return NIBBLE_NC;
    }
    let hints = n & 3;
    if hints == 0 {
        // No allocation: the transient hint does not apply.
        n | 0b1000
    } else {
        n
    }
}

/// `Device-nGnRnE`, or `Normal WB` (`Normal iWB oNC` when the levels differ) with the
/// shareability (`ISH`, `OSH`, `NSH`): how debuggers show attributes.
impl core::fmt::Display for MemAttrs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let policy = |c: Cacheability| match c.policy {
            CachePolicy::NonCacheable => "NC",
            CachePolicy::WriteThrough => "WT",
            CachePolicy::WriteBack => "WB",
        };
        let sh = match self.sh {
            Shareability::Non => "NSH",
            Shareability::Outer => "OSH",
            Shareability::Inner => "ISH",
        };
        match self.mem_type() {
            MemType::Device(d) => {
                let name = match d {
                    DeviceType::NGnRnE => "nGnRnE",
                    DeviceType::NGnRE => "nGnRE",
                    DeviceType::NGRE => "nGRE",
                    DeviceType::GRE => "GRE",
                };
                write!(f, "Device-{name}")
            }
            MemType::Normal { inner, outer } if inner.policy == outer.policy => {
                write!(f, "Normal {} {sh}", policy(inner))
            }
            MemType::Normal { inner, outer } => write!(f, "Normal i{} o{} {sh}", policy(inner), policy(outer)),
        }
    }
}

const fn decode_nibble(n: u8) -> Cacheability {
    let n = canonical_nibble(n);
    if n == NIBBLE_NC {
        return Cacheability {
            policy: CachePolicy::NonCacheable,
            read_allocate: false,
            write_allocate: false,
            transient: false,
        };
    }
    let policy = if n & 0b0100 != 0 { CachePolicy::WriteBack } else { CachePolicy::WriteThrough };
    Cacheability { policy, read_allocate: n & 0b10 != 0, write_allocate: n & 0b01 != 0, transient: n & 0b1000 == 0 }
}

const fn encode_nibble(c: Cacheability) -> u8 {
    let hints = (c.read_allocate as u8) << 1 | c.write_allocate as u8;
    match c.policy {
        CachePolicy::NonCacheable => NIBBLE_NC,
        CachePolicy::WriteThrough => {
            if c.transient && hints != 0 {
                hints
            } else {
                0b1000 | hints
            }
        }
        CachePolicy::WriteBack => {
            if c.transient && hints != 0 {
                0b0100 | hints
            } else {
                0b1100 | hints
            }
        }
    }
}

/// Combines one level of stage 1 cacheability with stage 2 (pseudocode `S2CombineS1AttrHints`):
/// the weaker policy, with stage 1's hints unless the result is Non-cacheable.
const fn combine_nibble(s1: u8, s2: u8) -> u8 {
    let a = decode_nibble(s1);
    let b = decode_nibble(s2);
    let policy = if (a.policy as u8) < (b.policy as u8) { a.policy } else { b.policy };
    encode_nibble(Cacheability { policy, ..a })
}

impl MemAttrs {
    /// Device-nGnRnE, Outer Shareable: data accesses with stage 1 disabled (D8.2.11).
    pub const DEVICE_NGNRNE: MemAttrs = MemAttrs { attr: 0x00, sh: Shareability::Outer };
    /// Normal Non-cacheable, Outer Shareable (pseudocode `NormalNCMemAttr`).
    pub const NORMAL_NC: MemAttrs = MemAttrs { attr: 0x44, sh: Shareability::Outer };
    /// Normal Write-Back Read/Write-Allocate non-transient, Non-shareable: stage 1 output when
    /// HCR_EL2.DC is 1 (D24.2.62 "DC").
    pub const NORMAL_WB_NSH: MemAttrs = MemAttrs { attr: 0xff, sh: Shareability::Non };
    /// Normal Write-Through Read-Allocate, Outer Shareable: instruction fetches with stage 1
    /// disabled and SCTLR_ELx.I = 1 (pseudocode `AArch64.S1DisabledOutput`).
    pub const NORMAL_WT_FETCH: MemAttrs = MemAttrs { attr: 0xaa, sh: Shareability::Outer };

    /// Decodes a stage 1 MAIR byte with a descriptor SH field (pseudocode `S1DecodeMemAttrs`),
    /// then applies `EffectiveShareability`. Reserved encodings (CONSTRAINED UNPREDICTABLE,
    /// `S1ConstrainUnpredictableRESMAIR`) map to an allocated one: Device 0b0000ddxx with xx != 0
    /// is Device `dd`; a Normal nibble 0b0000 is Non-cacheable.
    pub const fn from_mair(attr: u8, sh: Shareability) -> MemAttrs {
        let canonical =
            if attr >> 4 == 0 { attr & 0b1100 } else { canonical_nibble(attr >> 4) << 4 | canonical_nibble(attr) };
        MemAttrs { attr: canonical, sh }.effective()
    }

    /// Decodes a stage 2 MemAttr\[3:0\] field with its SH field (pseudocode `S2DecodeMemAttrs`,
    /// FWB = 0). Stage 2 assigns no allocation hints; the reserved inner encoding 0b00 of Normal
    /// memory (MemAttr 0b1x00, and 0b0100 without FEAT_MTE_PERM) is taken as Non-cacheable.
    pub const fn from_s2_memattr(memattr: u8, sh: Shareability) -> MemAttrs {
        let m = memattr & 0xf;
        if m >> 2 == 0 {
            return MemAttrs { attr: (m & 3) << 2, sh: Shareability::Outer };
        }
        const fn s2_nibble(c: u8) -> u8 {
            match c & 3 {
                2 => 0b1000,
                3 => 0b1100,
                _ => NIBBLE_NC,
            }
        }
        MemAttrs { attr: s2_nibble(m >> 2) << 4 | s2_nibble(m), sh }.effective()
    }

    /// Forces Outer Shareable on Device and on Normal Inner+Outer Non-cacheable memory (pseudocode
    /// `EffectiveShareability`).
    pub const fn effective(self) -> MemAttrs {
        if self.attr >> 4 == 0 || self.attr == 0x44 {
            MemAttrs { attr: self.attr, sh: Shareability::Outer }
        } else {
            self
        }
    }

    /// Combines stage 1 attributes with stage 2 attributes (pseudocode `S2CombineS1MemAttrs`).
    pub const fn combine_s2(self, s2: MemAttrs) -> MemAttrs {
        let s1_dev = self.attr >> 4 == 0;
        let s2_dev = s2.attr >> 4 == 0;
        let out = match (s1_dev, s2_dev) {
            // Both Device: the stronger Device type (pseudocode `S2CombineS1Device`).
            (true, true) => MemAttrs { attr: if self.attr < s2.attr { self.attr } else { s2.attr }, sh: self.sh },
            (true, false) => self,
            (false, true) => s2,
            (false, false) => MemAttrs {
                attr: combine_nibble(self.attr >> 4, s2.attr >> 4) << 4 | combine_nibble(self.attr, s2.attr),
                sh: Shareability::widest(self.sh, s2.sh),
            },
        };
        out.effective()
    }

    /// The memory type with cacheability and hints.
    pub const fn mem_type(self) -> MemType {
        if self.attr >> 4 == 0 {
            let d = match (self.attr >> 2) & 3 {
                0 => DeviceType::NGnRnE,
                1 => DeviceType::NGnRE,
                2 => DeviceType::NGRE,
                _ => DeviceType::GRE,
            };
            MemType::Device(d)
        } else {
            MemType::Normal { inner: decode_nibble(self.attr), outer: decode_nibble(self.attr >> 4) }
        }
    }

    /// Any type of Device memory.
    #[inline(always)]
    pub const fn is_device(self) -> bool {
        self.attr >> 4 == 0
    }

    /// The attributes as a MAIR-format byte, as `PAR_EL1.ATTR` reports them (pseudocode
    /// `EncodePARAttrs`, without FEAT_XS or FEAT_MTE).
    #[inline(always)]
    pub const fn mair_byte(self) -> u8 {
        self.attr
    }

    /// The shareability domain (after `EffectiveShareability`).
    #[inline(always)]
    pub const fn shareability(self) -> Shareability {
        self.sh
    }

    /// The `PAR_EL1.SH` encoding (pseudocode `PAREncodeShareability`).
    pub const fn par_sh(self) -> u64 {
        self.effective().sh as u64
    }

    /// Normal memory, Write-Back at both the inner and the outer level (used by the cache model).
    pub const fn is_write_back(self) -> bool {
        const fn wb(n: u64) -> bool {
            n & 0b0100 != 0 && n != 0b0100
        }
        !self.is_device() && wb(bits(self.attr as u64, 7, 4)) && wb(bits(self.attr as u64, 3, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mair_decoding_is_canonical() {
        let wb = MemAttrs::from_mair(0xff, Shareability::Inner);
        assert_eq!(wb.mair_byte(), 0xff);
        assert_eq!(wb.shareability(), Shareability::Inner);
        let rwa = Cacheability {
            policy: CachePolicy::WriteBack,
            read_allocate: true,
            write_allocate: true,
            transient: false,
        };
        assert_eq!(wb.mem_type(), MemType::Normal { inner: rwa, outer: rwa });
        // Normal NC forces Outer Shareable.
        let nc = MemAttrs::from_mair(0x44, Shareability::Non);
        assert_eq!(nc, MemAttrs::NORMAL_NC);
        // Device ignores SH and is Outer Shareable.
        let dev = MemAttrs::from_mair(0x04, Shareability::Non);
        assert_eq!(dev.mem_type(), MemType::Device(DeviceType::NGnRE));
        assert_eq!(dev.shareability(), Shareability::Outer);
        // Reserved Device low bits map to the Device type.
        assert_eq!(MemAttrs::from_mair(0x0d, Shareability::Non).mem_type(), MemType::Device(DeviceType::GRE));
        // Reserved inner 0b0000 becomes Non-cacheable.
        assert_eq!(MemAttrs::from_mair(0xf0, Shareability::Inner).mair_byte(), 0xf4);
        // WT without allocation is non-transient.
        assert_eq!(MemAttrs::from_mair(0x88, Shareability::Inner).mair_byte(), 0x88);
        assert_eq!(MemAttrs::from_mair(0x80 | 0x08, Shareability::Inner).mair_byte(), 0x88);
        // Transient WB read-allocate (0b0110) stays transient.
        let t = MemAttrs::from_mair(0x66, Shareability::Inner);
        assert_eq!(t.mair_byte(), 0x66);
        match t.mem_type() {
            MemType::Normal { inner, .. } => assert!(inner.transient && inner.read_allocate && !inner.write_allocate),
            MemType::Device(_) => unreachable!(),
        }
        assert!(wb.is_write_back());
        assert!(!nc.is_write_back());
        assert!(!dev.is_write_back());
    }

    #[test]
    fn stage2_decoding() {
        assert_eq!(MemAttrs::from_s2_memattr(0b1111, Shareability::Inner).mair_byte(), 0xcc);
        assert_eq!(MemAttrs::from_s2_memattr(0b0101, Shareability::Inner), MemAttrs::NORMAL_NC);
        assert_eq!(MemAttrs::from_s2_memattr(0b1010, Shareability::Non).mair_byte(), 0x88);
        assert_eq!(MemAttrs::from_s2_memattr(0b0001, Shareability::Non).mem_type(), MemType::Device(DeviceType::NGnRE));
        assert_eq!(MemAttrs::from_s2_memattr(0b1100, Shareability::Inner).mair_byte(), 0xc4);
    }

    #[test]
    fn combination() {
        let s1_wb = MemAttrs::from_mair(0xff, Shareability::Inner);
        let s2_wb = MemAttrs::from_s2_memattr(0b1111, Shareability::Non);
        // WB + WB keeps stage 1 hints; the widest shareability wins.
        let c = s1_wb.combine_s2(s2_wb);
        assert_eq!((c.mair_byte(), c.shareability()), (0xff, Shareability::Inner));
        // WB + WT: write-through with stage 1 hints.
        let c = s1_wb.combine_s2(MemAttrs::from_s2_memattr(0b1010, Shareability::Outer));
        assert_eq!((c.mair_byte(), c.shareability()), (0xbb, Shareability::Outer));
        // Inner NC at stage 2 only.
        let c = s1_wb.combine_s2(MemAttrs::from_s2_memattr(0b1101, Shareability::Inner));
        assert_eq!(c.mair_byte(), 0xf4);
        // NC + anything is NC, Outer Shareable.
        let c = MemAttrs::NORMAL_NC.combine_s2(s2_wb);
        assert_eq!(c, MemAttrs::NORMAL_NC);
        // Device stage 2 wins over Normal stage 1.
        let c = s1_wb.combine_s2(MemAttrs::from_s2_memattr(0b0010, Shareability::Inner));
        assert_eq!(c.mem_type(), MemType::Device(DeviceType::NGRE));
        assert_eq!(c.shareability(), Shareability::Outer);
        // Device stage 1 wins over Normal stage 2.
        let c = MemAttrs::from_mair(0x08, Shareability::Non).combine_s2(s2_wb);
        assert_eq!(c.mem_type(), MemType::Device(DeviceType::NGRE));
        // Two Device types: the stronger.
        let c = MemAttrs::from_mair(0x0c, Shareability::Non)
            .combine_s2(MemAttrs::from_s2_memattr(0b0001, Shareability::Non));
        assert_eq!(c.mem_type(), MemType::Device(DeviceType::NGnRE));
        // HCR_EL2.DC default with a WT stage 2.
        let c = MemAttrs::NORMAL_WB_NSH.combine_s2(MemAttrs::from_s2_memattr(0b1010, Shareability::Non));
        assert_eq!((c.mair_byte(), c.shareability()), (0xbb, Shareability::Non));
        assert_eq!(MemAttrs::DEVICE_NGNRNE.par_sh(), 2);
        assert_eq!(s1_wb.par_sh(), 3);
    }

    #[test]
    fn every_mair_byte_round_trips_through_its_canonical_form() {
        for a in 0..=255u8 {
            let m = MemAttrs::from_mair(a, Shareability::Inner);
            assert_eq!(MemAttrs::from_mair(m.mair_byte(), Shareability::Inner), m, "attr {a:#x}");
            match m.mem_type() {
                MemType::Device(d) => assert_eq!(m.mair_byte(), (d as u8) << 2),
                MemType::Normal { inner, outer } => {
                    assert_eq!(m.mair_byte(), encode_nibble(outer) << 4 | encode_nibble(inner))
                }
            }
        }
    }
}
