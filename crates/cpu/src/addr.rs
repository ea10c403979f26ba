//! Address newtypes, so a virtual and a physical address cannot be mixed up across crates.

use std::fmt;

/// A virtual address as issued by software (before stage-1 translation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VirtAddr(pub u64);

/// A physical address on the system bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PhysAddr(pub u64);

impl PhysAddr {
    /// The address `bytes` further on (wrapping, as the bus does).
    pub fn offset(self, bytes: u64) -> PhysAddr {
        PhysAddr(self.0.wrapping_add(bytes))
    }
}

impl fmt::Display for VirtAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VA {:#x}", self.0)
    }
}

impl fmt::Display for PhysAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PA {:#x}", self.0)
    }
}
