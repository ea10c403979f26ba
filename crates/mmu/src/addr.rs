//! Address newtypes, so a virtual address, an intermediate physical address and a physical address
//! can never be mixed up across crates (the `cpu` crate re-exports these).
//!
//! ```text
//!   VirtAddr --stage 1--> Ipa --stage 2--> PhysAddr      (EL1&0 with HCR_EL2.VM = 1)
//!   VirtAddr --stage 1--> PhysAddr                       (EL2, or EL1&0 without stage 2)
//! ```

use std::fmt;

/// A virtual address as issued by software, before stage 1 translation (may carry a tag in bits
/// \[63:56\] when TBI applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VirtAddr(pub u64);

/// An intermediate physical address: the output of stage 1 and the input of stage 2 in the EL1&0
/// translation regime (ARM ARM D8.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ipa(pub u64);

/// A physical address on the system bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PhysAddr(pub u64);

impl VirtAddr {
    /// The address `bytes` further on (wrapping).
    pub const fn offset(self, bytes: u64) -> VirtAddr {
        VirtAddr(self.0.wrapping_add(bytes))
    }
}

impl Ipa {
    /// The address `bytes` further on (wrapping).
    pub const fn offset(self, bytes: u64) -> Ipa {
        Ipa(self.0.wrapping_add(bytes))
    }
}

impl PhysAddr {
    /// The address `bytes` further on (wrapping, as the bus does).
    pub const fn offset(self, bytes: u64) -> PhysAddr {
        PhysAddr(self.0.wrapping_add(bytes))
    }
}

impl fmt::Display for VirtAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VA {:#x}", self.0)
    }
}

impl fmt::Display for Ipa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IPA {:#x}", self.0)
    }
}

impl fmt::Display for PhysAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PA {:#x}", self.0)
    }
}

/// `bits` low one bits (all ones for 64 or more): never shifts by the word size.
#[inline(always)]
pub(crate) const fn low_mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Bits [`hi`:`lo`] of `value`, shifted down (empty ranges give 0).
#[inline(always)]
pub(crate) const fn bits(value: u64, hi: u32, lo: u32) -> u64 {
    if lo > hi || lo >= 64 {
        0
    } else {
        (value >> lo) & low_mask(hi - lo + 1)
    }
}

/// Bit `n` of `value`.
#[inline(always)]
pub(crate) const fn bit(value: u64, n: u32) -> bool {
    n < 64 && (value >> n) & 1 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_never_overflow() {
        assert_eq!(low_mask(0), 0);
        assert_eq!(low_mask(12), 0xfff);
        assert_eq!(low_mask(64), u64::MAX);
        assert_eq!(low_mask(99), u64::MAX);
        assert_eq!(bits(0xabcd, 15, 8), 0xab);
        assert_eq!(bits(u64::MAX, 63, 0), u64::MAX);
        assert_eq!(bits(1, 3, 4), 0);
        assert!(bit(1 << 63, 63));
        assert!(!bit(u64::MAX, 64));
    }

    #[test]
    fn display() {
        assert_eq!(VirtAddr(0x1000).to_string(), "VA 0x1000");
        assert_eq!(Ipa(0x2000).to_string(), "IPA 0x2000");
        assert_eq!(PhysAddr(0x3000).offset(8).to_string(), "PA 0x3008");
    }
}
