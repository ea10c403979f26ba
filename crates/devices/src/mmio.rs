//! The one trait every memory-mapped device implements.

/// One access by a core (or DMA master) to a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmioAccess {
    /// Offset from the device's base address.
    pub offset: u64,
    /// Access size in bytes: 1, 2, 4 or 8.
    pub size: u8,
    /// Index of the accessing core.
    pub cpu: usize,
}

/// An access the device refuses: the core takes a synchronous external abort. An architectural
/// outcome, not a host error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmioFault {
    /// Signal an external abort (SLVERR/DECERR on the bus).
    ExternalAbort,
}

/// A memory-mapped device. Unknown offsets are RAZ/WI unless the device's specification says
/// otherwise.
pub trait MmioDevice: Send {
    /// Short name for logs and the device tree.
    fn name(&self) -> &str;
    /// A read.
    fn read(&mut self, access: MmioAccess) -> Result<u64, MmioFault>;
    /// A write.
    fn write(&mut self, access: MmioAccess, value: u64) -> Result<(), MmioFault>;
    /// Level of the device's interrupt output.
    fn irq_asserted(&self) -> bool {
        false
    }
}
