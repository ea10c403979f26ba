//! An ARMv8.0-A AArch64 core: architectural state (X/V registers, PSTATE, system registers
//! generated from `isa/sysregs.isa`), the instruction semantics of the A64 integer, system and
//! load/store instructions, the exception model of EL0-EL2 (ARM ARM D1), and a run loop that
//! executes from a per-page decode cache and returns exit reasons to its caller.
//!
//! The core reaches RAM and devices through the [`Platform`] trait; it knows nothing of the SoC
//! around it. Addresses are translated by the `mmu` crate (re-exported as [`mmu`]): the TLB model
//! and table walker sit behind a host fast path (`fastpath`), and the glue that turns MMU faults
//! into aborts and runs AT and TLBI is in `translate`.

mod engine;
pub mod exception;
mod exec;
mod fastpath;
pub mod memory;
pub mod pmu;
pub mod state;
mod sysreg_table;
mod translate;
pub mod traps;

pub use engine::{Exit, Functional, Timing};
pub use memory::{FirmwareCall, Memory, Platform};
pub use mmu;
pub use mmu::{Ipa, PhysAddr, VirtAddr};
pub use state::{Counters, Cpu, Pstate};
pub use sysreg_table::{SysReg, SysRegInfo, ALL_SYSREGS, SYSREGS};

/// The physical address width of the core in bits (ID_AA64MMFR0_EL1.PARange = 0b0010).
pub const PA_BITS: u32 = 40;
