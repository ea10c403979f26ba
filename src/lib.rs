//! HyperSoC: a cycle-level AArch64 (ARMv8.0-A) SoC emulator with the virtualization extensions.
//!
//! This crate is the facade over the workspace crates and the home of the `hypersoc` CLI:
//! - [`a64`]: the decoder generated from `isa/a64.isa`, and the disassembler;
//! - [`cpu`]: the core (state, instruction semantics, exception model, run loop);
//! - [`devices`]: PL011 UART, platform PSCI, the MMIO device trait;
//! - [`gdb`]: the gdb remote stub (`hypersoc run --gdb PORT`);
//! - [`soc`]: models, image loading, device-tree generation, and the SoC run loop;
//! - [`vmconfig`]: the hypervisor's VM configuration (`vms.toml`) packed into the blob the
//!   hypervisor reads (`firmware/hypervisor`); [`hyprun`]: booting the hypervisor with it.

pub use a64;
pub use cpu;
pub use devices;
pub use gdb;
pub use soc;

use std::path::PathBuf;

pub mod hyprun;
pub mod vmconfig;

/// Path of a firmware program built from `firmware/` by this crate's build script, e.g.
/// `firmware_image("hello")`.
pub fn firmware_image(name: &str) -> PathBuf {
    PathBuf::from(env!("HYPERSOC_FIRMWARE_DIR")).join(name)
}
