//! Builds a SoC from a model file (`models/*.toml`): RAM, the bus with its MMIO devices, platform
//! PSCI and the cores; loads images (ELF with goblin, or raw); generates the device tree; and
//! runs the cores deterministically.
//!
//! - [`model`]: the model file format and its validation;
//! - [`loader`]: ELF and raw image loading;
//! - [`dtb`]: device-tree generation;
//! - [`bus`]: RAM, the GIC and the devices as the cores reach them, and the interrupt wiring;
//! - [`machine`]: the SoC itself and the boot protocol;
//! - [`scheduler`]: the deterministic multi-core run loop, time and sleep;
//! - [`debug`]: the debugger interface (stepping, breakpoints, watchpoints, catches, memory by
//!   VA/IPA/PA and translation reports).

pub mod bus;
pub mod debug;
pub mod dtb;
pub mod loader;
pub mod machine;
pub mod model;
pub mod scheduler;

pub use bus::BusTarget;
pub use debug::{AddrSpace, DebugAccessError, Translation};
pub use machine::{RunLimits, Soc, SocError, SocOptions, StopCause};
pub use model::{Model, ModelError};
pub use scheduler::CoreState;
