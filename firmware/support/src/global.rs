//! [`Global`]: a single-core global variable read and written with volatile accesses.

use core::cell::UnsafeCell;

/// A global variable for single-core bare-metal code. Accesses are volatile so that values
/// written before an exception (or by an exception handler) are seen after it.
#[repr(transparent)]
pub struct Global<T: Copy>(UnsafeCell<T>);

// SAFETY: the programs run on one core, and the only "concurrency" is synchronous exceptions,
// which are ordered with respect to program order; every access is a whole-value volatile access.
unsafe impl<T: Copy> Sync for Global<T> {}

impl<T: Copy> Global<T> {
    /// A global with an initial value.
    pub const fn new(value: T) -> Self {
        Self(UnsafeCell::new(value))
    }

    /// The current value.
    pub fn get(&self) -> T {
        // SAFETY: the pointer is valid and aligned; see the `Sync` impl for exclusivity.
        unsafe { self.0.get().read_volatile() }
    }

    /// Replaces the value.
    pub fn set(&self, value: T) {
        // SAFETY: as in `get`.
        unsafe { self.0.get().write_volatile(value) }
    }

    /// Replaces the value and returns the previous one.
    pub fn replace(&self, value: T) -> T {
        let old = self.get();
        self.set(value);
        old
    }

    /// Raw pointer to the value, for assembly that reads or writes it.
    pub const fn as_ptr(&self) -> *mut T {
        self.0.get()
    }
}
