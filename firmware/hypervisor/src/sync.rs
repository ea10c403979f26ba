//! A spin lock for the hypervisor's shared state. Waiters sleep in WFE and the owner wakes
//! them with SEV when it releases the lock (DDI 0487F D1.17.1 "Wait for Event"), so a
//! simulator that skips sleeping cores does not spend their time spinning.
//!
//! The EL2 code runs with interrupts masked (PSTATE.DAIF all set), so a lock holder is never
//! interrupted on its own core; other cores spin. The lock word lives in Normal cacheable memory
//! (the EL2 stage-1 map, `mm.rs`), where the exclusives behind the atomics are architecturally
//! defined (DDI 0487F B2.9 "Synchronization and semaphores").

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};

/// Mutual exclusion around `T`.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock serialises every access to `value`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// An unlocked lock around `value`.
    pub const fn new(value: T) -> Self {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// Spins until the lock is free, then holds it until the guard is dropped.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        while self.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            while self.locked.load(Ordering::Relaxed) {
                // SAFETY: waits for an event (the owner's SEV, or an interrupt); no operands.
                unsafe { core::arch::asm!("wfe", options(nomem, nostack, preserves_flags)) }
            }
        }
        SpinGuard { lock: self }
    }
}

/// Holds a [`SpinLock`]; releases it when dropped.
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves the lock is held.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard proves the lock is held, and `&mut self` that it is not shared.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
        // SAFETY: completes the release store, then signals an event to every core.
        unsafe { core::arch::asm!("dsb ish", "sev", options(nomem, nostack, preserves_flags)) }
    }
}
