//! Platform devices of HyperSoC: the MMIO device trait every device implements, the PL011 UART,
//! and platform PSCI (the firmware interface the platform serves in place of an EL3).
//!
//! Devices see a register offset and an access descriptor ([`MmioAccess`]), never the bus, the
//! RAM or a core; they keep their registers as plain state and raise interrupt lines as levels.
//! A guest can send any access, so no device panics on one: unknown offsets are RAZ/WI, and a
//! refused access is the architectural outcome [`MmioFault::ExternalAbort`]. Host-side inputs
//! (a console's standard input) are polled without blocking. This crate does not depend on the
//! CPU: the SoC crate connects devices to the bus and interrupt controller.

pub mod mmio;
pub mod pl011;
pub mod psci;

pub use mmio::{MmioAccess, MmioDevice, MmioFault, Unimplemented};
pub use pl011::{Pl011, RxSource, SharedBuffer, SharedQueue, TxSink};
pub use psci::{Psci, PsciOutcome};
