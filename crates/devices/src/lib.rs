//! Platform devices of HyperSoC: the MMIO device trait, the PL011 UART and platform PSCI.
//!
//! Devices see offsets and an access descriptor, never the bus. A bad guest access is RAZ/WI or
//! an architectural abort ([`mmio::MmioFault`]), never a panic.

pub mod mmio;
pub mod pl011;
pub mod psci;
