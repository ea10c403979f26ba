//! An ARMv8.0-A AArch64 core: architectural state (X/V registers, PSTATE, system registers
//! generated from `isa/sysregs.isa`), the instruction semantics of the A64 integer, system and
//! load/store instructions, the exception model of EL0-EL2 (ARM ARM D1) with physical and
//! virtual interrupt inputs, the Generic Timer ([`timer`]), and a run loop that executes from a
//! per-page decode cache and returns exit reasons to its caller.
//!
//! The core reaches RAM and devices through the [`Platform`] trait; it knows nothing of the SoC
//! around it. Several cores share one [`Memory`], which holds the global exclusive monitor; the
//! platform tells a core its interrupt lines and learns its timer outputs, SEVs and the local
//! time of its slow-path accesses, so a scheduler outside can run many cores deterministically.
//! Addresses are translated by the `mmu` crate (re-exported as [`mmu`]): the TLB model and table
//! walker sit behind a host fast path (`fastpath`), and the glue that turns MMU faults into
//! aborts and runs AT and TLBI is in `translate`.

pub mod debug;
mod engine;
pub mod exception;
mod exec;
mod fastpath;
pub mod fp;
pub mod host_debug;
pub mod memory;
pub mod pmu;
pub mod state;
mod sysreg_table;
pub mod timer;
mod translate;
pub mod traps;

pub use engine::{Exit, Functional, Timing};
pub use host_debug::{CatchFilter, ExceptionKind, ExceptionStats, ExceptionTaken, WatchHit, WatchKind, Watchpoint};
pub use memory::{FirmwareCall, Memory, Platform};
pub use mmu;
pub use mmu::{Ipa, PhysAddr, VirtAddr};
pub use state::{line, Counters, Cpu, InterruptLines, Pstate};
pub use sysreg_table::{SysReg, SysRegInfo, ALL_SYSREGS, SYSREGS};

/// The physical address width of the core in bits (ID_AA64MMFR0_EL1.PARange = 0b0010).
pub const PA_BITS: u32 = 40;
