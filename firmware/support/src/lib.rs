//! Support crate of the HyperSoC bare-metal programs (also run on QEMU `virt` as the oracle).
//!
//! - [`boot`]: `_start`, entered at EL2 with the MMU off: stack, `.bss`, known system register
//!   state, then the program's `main` (declared with [`entry!`]);
//! - [`vectors`]: EL2 and EL1 exception vector tables saving a [`TrapFrame`], and run-time
//!   registered handlers;
//! - [`levels`]: dropping from EL2 to EL1 and from EL1 to EL0, and returning to the caller;
//! - [`uart`]: PL011 output and the [`print!`] / [`println!`] macros;
//! - [`power`]: PSCI `SYSTEM_OFF` from any EL, and the panic handler;
//! - [`sysreg`]: [`read_sysreg!`] / [`write_sysreg!`] and barriers;
//! - [`smp`]: PSCI, finding and starting other cores, per-core globals ([`PerCore`]);
//! - [`mmu`]: translation table building for programs that turn the MMU on.
//!
//! Memory map and layout: `link.x` (load and link address 0x4008_0000), and the table pool and
//! data pages of [`mmu`]. Programs run with the MMU off unless they turn it on, so data accesses
//! are Device-nGnRnE (DDI 0487 D5.2.9 "The effects of disabling a stage of address
//! translation"); the target has `strict-align` so compiled code never makes an unaligned access.
//! The boot core runs `main`; other cores run what [`smp::start_core`] gives them, each on its
//! own stack, sharing the vector tables and the registered handlers (which can tell the cores
//! apart with [`smp::core_index`]).

#![no_std]

pub mod boot;
pub mod global;
pub mod levels;
pub mod mmu;
pub mod power;
pub mod smp;
pub mod sysreg;
pub mod uart;
pub mod vectors;

pub use global::Global;
pub use levels::{drop_to_el0, drop_to_el1, el0_stack_top, el1_stack_top, LowerEntry};
pub use power::power_off;
pub use smp::{core_index, PerCore};
pub use vectors::{set_el1_handler, set_el2_handler, Handler, TrapFrame, VectorKind};

/// Declares the program's entry point: `support::entry!(main_fn)` where `main_fn: fn()`.
/// `_start` calls it at EL2 after initialising the UART; when it returns, the system powers off.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        /// The symbol `main` that `_start` calls (through `support::boot`).
        #[export_name = "main"]
        pub extern "C" fn __support_entry() {
            let f: fn() = $main;
            f()
        }
    };
}
