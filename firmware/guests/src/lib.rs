//! Runtime of the EL1 guests: boot (`_start` for every vCPU), EL1 vectors with registered
//! handlers, EL0 tasks entered by ERET and left by SVC, console output (the VM's emulated PL011
//! or the CONSOLE_WRITE hypercall), the hypervisor ABI and PSCI over HVC, the virtual GIC and
//! the virtual timer.
//!
//! Guests run with their stage-1 MMU off (data accesses are Device memory, so the target's
//! strict alignment matters) and share nothing but what the hypervisor gives them.

#![no_std]

pub mod boot;
pub mod console;
pub mod el0;
pub mod gic;
pub mod hvc;
pub mod timer;
pub mod vectors;

pub use vectors::{set_irq_handler, set_sync_handler, Frame};

/// Declares the guest's entry: `guest::entry!(main)` with `fn main(vcpu: usize, context: u64)`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[export_name = "guest_main"]
        pub extern "C" fn __guest_main(vcpu: u64, context: u64) {
            let f: fn(usize, u64) = $main;
            f(vcpu as usize, context)
        }
    };
}

/// A `Sync` cell for guest globals: accesses are volatile, whole-value.
#[repr(transparent)]
pub struct Global<T: Copy>(core::cell::UnsafeCell<T>);

// SAFETY: guests use these for values written by one vCPU (or an exception handler on it) and
// read by others as whole aligned words.
unsafe impl<T: Copy> Sync for Global<T> {}

impl<T: Copy> Global<T> {
    pub const fn new(v: T) -> Self {
        Self(core::cell::UnsafeCell::new(v))
    }
    pub fn get(&self) -> T {
        // SAFETY: valid, aligned pointer (see the Sync impl).
        unsafe { self.0.get().read_volatile() }
    }
    pub fn set(&self, v: T) {
        // SAFETY: as in `get`.
        unsafe { self.0.get().write_volatile(v) }
    }
}

/// The vCPU's number (MPIDR_EL1.Aff0, which the hypervisor virtualizes through VMPIDR_EL2).
pub fn vcpu() -> usize {
    (read_mpidr() & 0xff) as usize
}

fn read_mpidr() -> u64 {
    let v: u64;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mrs {}, mpidr_el1", out(reg) v, options(nomem, nostack)) }
    v
}

/// Stops this VM (PSCI SYSTEM_OFF over HVC).
pub fn power_off() -> ! {
    hvc::call(hvc::psci::SYSTEM_OFF, 0, 0, 0);
    loop {
        // SAFETY: waits.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    println!("PANIC: {}", info);
    power_off()
}
