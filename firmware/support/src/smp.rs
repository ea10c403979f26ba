//! Several cores: PSCI calls (ARM DEN 0022D), finding the cores that exist, starting a core at
//! a Rust function, and per-core globals.
//!
//! Cores are numbered by *slot*, 0..[`MAX_CORES`]: the boot core is slot 0, and
//! [`start_core`] gives every core it starts the slot its caller chooses (the CPU_ON context
//! ID). The slot selects the core's stack and its [`PerCore`] values; [`core_index`] reads it
//! from TPIDRRO_EL0, which `_start` and `_secondary_start` set and which every EL can read.
//!
//! Data shared between cores should be atomics (`core::sync::atomic`): the programs run with
//! the MMU off, where memory is Device-nGnRnE, and the atomics compile to LDXR/STXR and
//! LDAR/STLR, which both HyperSoC and QEMU serve there.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::Global;

/// The most cores the support code handles (a GICv2 serves 8).
pub const MAX_CORES: usize = 8;

/// PSCI function IDs (DEN 0022D table 5-1).
pub mod psci {
    /// CPU_OFF.
    pub const CPU_OFF: u64 = 0x8400_0002;
    /// CPU_ON, SMC64.
    pub const CPU_ON_64: u64 = 0xc400_0003;
    /// AFFINITY_INFO, SMC64.
    pub const AFFINITY_INFO_64: u64 = 0xc400_0004;
    /// INVALID_PARAMETERS.
    pub const INVALID_PARAMETERS: i64 = -2;
}

/// SMC #0 with x0..x3 = `function`, `args`; returns x0 as a PSCI return code.
pub fn smc(function: u64, args: [u64; 3]) -> i64 {
    let mut x0 = function;
    // SAFETY: an SMC at EL2 is a firmware call; SMCCC lets it change x0..x17 only.
    unsafe {
        core::arch::asm!(
            "smc #0",
            inout("x0") x0,
            inout("x1") args[0] => _,
            inout("x2") args[1] => _,
            inout("x3") args[2] => _,
            clobber_abi("C"),
        )
    }
    x0 as i64
}

/// The slot of the executing core (TPIDRRO_EL0, set at boot; 0 for the boot core).
#[inline(always)]
pub fn core_index() -> usize {
    let slot: u64;
    // SAFETY: reading TPIDRRO_EL0 has no side effects and is allowed at every EL.
    unsafe { core::arch::asm!("mrs {}, tpidrro_el0", out(reg) slot, options(nomem, nostack, preserves_flags)) }
    (slot as usize) % MAX_CORES
}

/// The affinity fields of MPIDR_EL1 (Aff3..Aff0): how PSCI names a core.
pub fn my_affinity() -> u64 {
    crate::read_sysreg!(mpidr_el1) & 0xff_00ff_ffff
}

/// The cores that exist, as the affinities AFFINITY_INFO (level 0) knows, in increasing order
/// (clusters Aff1 = 0..3 of up to 8 cores each). Returns them in `out` and their number.
pub fn present_cores(out: &mut [u64; MAX_CORES]) -> usize {
    let mut n = 0;
    for aff1 in 0..4u64 {
        for aff0 in 0..8u64 {
            let affinity = (aff1 << 8) | aff0;
            if n < MAX_CORES && smc(psci::AFFINITY_INFO_64, [affinity, 0, 0]) != psci::INVALID_PARAMETERS {
                out[n] = affinity;
                n += 1;
            }
        }
    }
    n
}

/// The function each slot's core runs when it starts (0: none).
static ENTRIES: [AtomicUsize; MAX_CORES] = [const { AtomicUsize::new(0) }; MAX_CORES];

extern "C" {
    /// The entry point of started cores (`boot.rs`).
    fn _secondary_start();
}

/// Starts the core with affinity `affinity` in slot `slot` (1..[`MAX_CORES`]) running `entry`,
/// with PSCI CPU_ON; returns the PSCI result (0 on success). When `entry` returns, the core
/// powers itself off with CPU_OFF.
pub fn start_core(affinity: u64, slot: usize, entry: fn()) -> i64 {
    if slot == 0 || slot >= MAX_CORES {
        return psci::INVALID_PARAMETERS;
    }
    ENTRIES[slot].store(entry as *const () as usize, Ordering::SeqCst);
    crate::sysreg::dsb_sy();
    smc(psci::CPU_ON_64, [affinity, _secondary_start as *const () as u64, slot as u64])
}

/// Called by `_secondary_start` with a stack, at EL2, in slot `slot`.
#[no_mangle]
extern "C" fn __support_secondary(slot: u64) -> ! {
    let entry = ENTRIES[slot as usize % MAX_CORES].load(Ordering::SeqCst);
    if entry != 0 {
        // SAFETY: `start_core` stored a `fn()` here.
        let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(entry) };
        f();
    }
    cpu_off()
}

/// PSCI CPU_OFF: powers the calling core down; does not return.
pub fn cpu_off() -> ! {
    smc(psci::CPU_OFF, [0; 3]);
    loop {
        // SAFETY: waiting for an interrupt has no operands (CPU_OFF does not return).
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) }
    }
}

/// One value per core slot, each accessed only by its own core (so plain volatile accesses
/// suffice, as for [`Global`]).
pub struct PerCore<T: Copy>([Global<T>; MAX_CORES]);

impl<T: Copy> PerCore<T> {
    /// Every slot starts as `value`.
    pub const fn new(value: T) -> Self {
        PerCore([
            Global::new(value),
            Global::new(value),
            Global::new(value),
            Global::new(value),
            Global::new(value),
            Global::new(value),
            Global::new(value),
            Global::new(value),
        ])
    }

    /// This core's value.
    pub fn get(&self) -> T {
        self.0[core_index()].get()
    }

    /// Sets this core's value.
    pub fn set(&self, value: T) {
        self.0[core_index()].set(value)
    }

    /// Sets this core's value, returning the previous one.
    pub fn replace(&self, value: T) -> T {
        self.0[core_index()].replace(value)
    }

    /// Raw pointer to this core's value, for assembly.
    pub fn as_ptr(&self) -> *mut T {
        self.0[core_index()].as_ptr()
    }
}
