//! Four cores hammering shared memory with exclusives (DDI 0487 B2.17 "Synchronization and
//! semaphores": the local and global exclusive monitors): an atomic counter incremented with
//! LDXR/STXR, a spinlock (LDAXR/STXR to take, STLR to release) guarding a plain counter, and a
//! lock whose waiters sleep in WFE until the release clears their global monitor (D1.7.1.1: the
//! clearing of the global monitor sets the Event Register). Every final count must be exact:
//! a store by another core to a reserved granule must fail the reservation.
//!
//! Runs on HyperSoC's `cockpit` (6 cores) and on QEMU with `-smp 4`; the program uses the first
//! four cores PSCI knows, and only core 0 prints.

#![no_std]
#![no_main]

use core::arch::asm;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed, Ordering::SeqCst};

use fwtest::line;
use support::smp::{self, MAX_CORES};

support::entry!(main);

const CORES: usize = 4;
/// Atomic increments per core.
const ATOMIC: u64 = 20_000;
/// Locked increments per core, for each lock.
const LOCKED: u64 = 3_000;

static COUNTER: AtomicU64 = AtomicU64::new(0);
/// A spinlock and the counter it guards, in a granule of their own.
#[repr(C, align(64))]
struct Guarded {
    lock: AtomicU32,
    value: AtomicU64,
}
static SPIN: Guarded = Guarded { lock: AtomicU32::new(0), value: AtomicU64::new(0) };
static SLEEPY: Guarded = Guarded { lock: AtomicU32::new(0), value: AtomicU64::new(0) };
static DONE: AtomicU32 = AtomicU32::new(0);
static GO: AtomicU32 = AtomicU32::new(0);

/// Takes `lock` by spinning on LDAXR/STXR.
fn spin_lock(lock: &AtomicU32) {
    while lock.compare_exchange_weak(0, 1, SeqCst, Relaxed).is_err() {}
}

/// Takes `lock`, sleeping in WFE while it is held (the Linux arm64 pattern: SEVL, then WFE and
/// LDAXR until the lock is free; the holder's release clears the waiter's monitor).
fn wfe_lock(lock: &AtomicU32) {
    // SAFETY: an exclusive load/store sequence on a u32 the caller owns a reference to.
    unsafe {
        asm!(
            "sevl",
            "2: wfe",
            "ldaxr {v:w}, [{p}]",
            "cbnz {v:w}, 2b",
            "stxr {s:w}, {one:w}, [{p}]",
            "cbnz {s:w}, 2b",
            p = in(reg) lock.as_ptr(),
            one = in(reg) 1u32,
            v = out(reg) _,
            s = out(reg) _,
        )
    }
}

/// Releases `lock` with a store-release.
fn unlock(lock: &AtomicU32) {
    // SAFETY: STLR of 0 to the lock word.
    unsafe { asm!("stlr wzr, [{p}]", p = in(reg) lock.as_ptr()) }
}

fn work() {
    while GO.load(SeqCst) == 0 {}
    for _ in 0..ATOMIC {
        COUNTER.fetch_add(1, Relaxed);
    }
    for _ in 0..LOCKED {
        spin_lock(&SPIN.lock);
        // A plain read-modify-write: only the lock keeps it exact.
        SPIN.value.store(SPIN.value.load(Relaxed) + 1, Relaxed);
        unlock(&SPIN.lock);
    }
    for _ in 0..LOCKED {
        wfe_lock(&SLEEPY.lock);
        SLEEPY.value.store(SLEEPY.value.load(Relaxed) + 1, Relaxed);
        unlock(&SLEEPY.lock);
    }
    DONE.fetch_add(1, SeqCst);
}

fn main() {
    fwtest::begin("smp_exclusive");
    let mut affinities = [0u64; MAX_CORES];
    let present = smp::present_cores(&mut affinities);
    line("at least four cores", &[u64::from(present >= CORES)]);
    if present < CORES {
        fwtest::end();
        return;
    }
    for (slot, &affinity) in affinities.iter().enumerate().take(CORES).skip(1) {
        line("start", &[slot as u64, smp::start_core(affinity, slot, work) as u64]);
    }
    GO.store(1, SeqCst);
    work();
    while DONE.load(SeqCst) != CORES as u32 {}
    line("atomic counter", &[COUNTER.load(SeqCst)]);
    line("spinlock counter", &[SPIN.value.load(SeqCst)]);
    line("wfe lock counter", &[SLEEPY.value.load(SeqCst)]);
    line("expected", &[CORES as u64 * ATOMIC, CORES as u64 * LOCKED]);
    fwtest::end();
}
