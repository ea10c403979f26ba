//! The memory-mapped device interface: what a device sees of a bus access, and what it may answer.
//!
//! A device is reached only on the MMIO slow path: the bus finds the device whose window holds the
//! physical address and hands it the offset into that window and an [`MmioAccess`] descriptor. The
//! device never sees the bus, RAM or the CPU. A guest can send any offset and any size, so
//! devices must never panic: an offset with no register reads as zero and ignores writes
//! (RAZ/WI), which is what the ARM PrimeCell peripherals and QEMU do for unknown offsets; an
//! access the device must refuse answers [`MmioFault::ExternalAbort`], which the CPU turns into a
//! synchronous external abort (ARM ARM D1.10 and the `ESR_ELx.ISS.EA` reporting of data aborts).

/// One access to a device register window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmioAccess {
    /// Byte offset from the base of the device's window.
    pub offset: u64,
    /// Access size in bytes: 1, 2, 4 or 8.
    pub size: u8,
    /// Index of the core that makes the access (banked registers, e.g. the GIC CPU interface).
    pub cpu: usize,
}

impl MmioAccess {
    /// Whether `offset` is a multiple of the access size (an unaligned access never reaches a
    /// device through a Device-memory mapping, but a bus may still forward one).
    pub fn is_aligned(&self) -> bool {
        self.size != 0 && self.offset.is_multiple_of(u64::from(self.size))
    }

    /// The mask of the bytes this access carries: `0xff` for a byte, `u64::MAX` for 8 bytes.
    pub fn mask(&self) -> u64 {
        match self.size {
            1 => 0xff,
            2 => 0xffff,
            4 => 0xffff_ffff,
            _ => u64::MAX,
        }
    }
}

/// The architectural outcome of a refused device access. A plain value, not a host error: the
/// CPU reports it to the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmioFault {
    /// The access completes with an external abort: the CPU takes a synchronous data abort with
    /// `ESR_ELx.ISS.EA` set (ARM ARM D1.10.4, "External aborts").
    ExternalAbort,
}

/// A memory-mapped device.
///
/// Implementations keep their registers as plain state, answer unknown offsets RAZ/WI, and raise
/// their interrupt line through [`MmioDevice::irq_asserted`] (a level, sampled by the interrupt
/// controller).
pub trait MmioDevice: Send {
    /// A short name for logs and error messages, e.g. `"pl011"`.
    fn name(&self) -> &str;

    /// Reads `access.size` bytes at `access.offset`; the value is zero-extended to 64 bits.
    fn read(&mut self, access: MmioAccess) -> Result<u64, MmioFault>;

    /// Writes the low `access.size` bytes of `value` at `access.offset`.
    fn write(&mut self, access: MmioAccess, value: u64) -> Result<(), MmioFault>;

    /// The level of the device's interrupt output.
    fn irq_asserted(&self) -> bool {
        false
    }

    /// Gives the device a chance to look at its host-side inputs (e.g. a console's input
    /// channel) without a guest access, so that an input can raise an interrupt. The scheduler
    /// calls it between quanta; devices without host inputs keep the default, which does nothing.
    fn poll(&mut self) {}
}

/// A window that exists but has no model yet: reads as zero, ignores writes (like QEMU's
/// `unimplemented-device`). Useful for platform devices declared in a model file before their
/// model exists, and for empty VirtIO-MMIO slots (a zero `MagicValue` makes a driver skip the
/// slot, VirtIO 1.0 section 4.2.2.2).
#[derive(Clone, Debug)]
pub struct Unimplemented {
    name: String,
}

impl Unimplemented {
    /// A RAZ/WI window called `name`.
    pub fn new(name: impl Into<String>) -> Unimplemented {
        Unimplemented { name: name.into() }
    }
}

impl MmioDevice for Unimplemented {
    fn name(&self) -> &str {
        &self.name
    }

    fn read(&mut self, _access: MmioAccess) -> Result<u64, MmioFault> {
        Ok(0)
    }

    fn write(&mut self, _access: MmioAccess, _value: u64) -> Result<(), MmioFault> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_helpers() {
        let a = MmioAccess { offset: 6, size: 2, cpu: 0 };
        assert!(a.is_aligned());
        assert_eq!(a.mask(), 0xffff);
        let b = MmioAccess { offset: 6, size: 4, cpu: 0 };
        assert!(!b.is_aligned());
        assert_eq!(b.mask(), 0xffff_ffff);
        assert_eq!(MmioAccess { offset: 0, size: 8, cpu: 1 }.mask(), u64::MAX);
        assert!(!MmioAccess { offset: 0, size: 0, cpu: 0 }.is_aligned());
    }

    #[test]
    fn unimplemented_is_raz_wi() {
        let mut dev = Unimplemented::new("smmu");
        assert_eq!(dev.name(), "smmu");
        let access = MmioAccess { offset: 0x1234, size: 4, cpu: 0 };
        assert_eq!(dev.write(access, 0xdead_beef), Ok(()));
        assert_eq!(dev.read(access), Ok(0));
        assert!(!dev.irq_asserted());
        dev.poll();
    }
}
