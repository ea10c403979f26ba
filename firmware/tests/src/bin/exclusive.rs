//! Exclusive and acquire/release accesses (DDI 0487 B2.9 "Synchronization and semaphores",
//! C6.2 LDXR/STXR/LDXP/STXP/LDAXR/STLXR/LDAXP/STLXP/LDAR/STLR/CLREX): load/store-exclusive of
//! every size, the status result, CLREX, what ordinary stores and mismatched store-exclusives
//! do to the local monitor, pairs, load-acquire/store-release, and a spinlock and atomic counter
//! built from them; compared byte for byte with QEMU by `tests/oracle.rs`.
//!
//! Only outcomes the architecture defines are printed. The local monitor's state machine (B2.9.2,
//! "Effect of load/store operations on local monitor" table) defines: a store-exclusive in the
//! Open Access state fails (status 1) without writing memory; one to the marked address in the
//! Exclusive Access state succeeds (status 0); every store-exclusive and CLREX leave the monitor
//! Open Access; a load-exclusive re-marks; an ordinary store to an address outside the marked
//! block (whose size, the ERG, is at most 2 KiB) leaves it Exclusive Access. It leaves to the
//! implementation whether an ordinary store to the marked address clears the monitor (QEMU keeps
//! the marked address but fails the store-exclusive when the value in memory changed), and makes
//! a store-exclusive to an unmarked address or of a different size than the load-exclusive
//! CONSTRAINED UNPREDICTABLE (QEMU compares only the address and the value); for those cases only
//! the defined consequence (the monitor is Open Access afterwards) is printed, and not memory.
//!
//! A line is `<template> <r> <s> <u>` and, for cases whose memory effect is defined, each run
//! of changed bytes of the buffer as `@<offset> <bytes>` (filled with a pattern before each case). `{p}`
//! is the (16-byte aligned) base, `{a}` and `{b}` data values, `{r}`, `{s}`, `{u}` results
//! (set to all-ones first, so a W status write shows that bits 63:32 are cleared), `{t}`
//! scratch.

#![no_std]
#![no_main]

use core::arch::asm;
use fwtest::{begin, end, line, print, println};
use support::Global;

support::entry!(main);

/// Buffer size: the base is near its start and an ordinary store 4 KiB away (outside any
/// exclusives reservation granule) still lands inside it.
const SIZE: usize = 8192;
/// Offset of the base register in the buffer.
const BASE: usize = 64;
const A: u64 = 0xf1e2_d3c4_b5a6_9788;
const B: u64 = 0x0102_0304_0506_0708;

#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct Buffer([u8; SIZE]);

static BUF: Global<Buffer> = Global::new(Buffer([0; SIZE]));

/// `(p, a, b) -> (r, s, u)`.
type MemOp = fn(u64, u64, u64) -> (u64, u64, u64);
/// A case: template (also the label), closure, whether its memory effect is defined.
type Case = (&'static str, MemOp, bool);

macro_rules! mem {
    ($t:expr) => {
        |p: u64, a: u64, b: u64| -> (u64, u64, u64) {
            let (r, s, u): (u64, u64, u64);
            // SAFETY: the templates access only the buffer around `p` with aligned accesses,
            // and the registers declared here.
            unsafe {
                asm!(
                    "mov {r}, #-1",
                    "mov {s}, #-1",
                    "mov {u}, #-1",
                    $t,
                    "// {p} {a} {b} {t}",
                    p = in(reg) p,
                    a = in(reg) a,
                    b = in(reg) b,
                    r = out(reg) r,
                    s = out(reg) s,
                    u = out(reg) u,
                    t = out(reg) _,
                    options(nostack),
                );
            }
            (r, s, u)
        }
    };
}

/// A case with a defined memory effect.
macro_rules! case {
    ($t:expr) => {
        ($t, mem!($t) as MemOp, true)
    };
}

/// A case whose memory effect is CONSTRAINED UNPREDICTABLE or IMPLEMENTATION DEFINED: only
/// its registers are printed.
macro_rules! case_regs {
    ($t:expr) => {
        ($t, mem!($t) as MemOp, false)
    };
}

fn pattern(i: usize) -> u8 {
    (i as u8).wrapping_mul(0x1d).wrapping_add(0x83) ^ ((i >> 8) as u8)
}

fn byte(i: usize) -> u8 {
    // SAFETY: callers pass i < SIZE; volatile because assembly writes the buffer.
    unsafe { BUF.as_ptr().cast::<u8>().add(i).read_volatile() }
}

fn fill() {
    for i in 0..SIZE {
        // SAFETY: in bounds of the static buffer.
        unsafe { BUF.as_ptr().cast::<u8>().add(i).write_volatile(pattern(i)) }
    }
}

fn base() -> u64 {
    BUF.as_ptr() as u64 + BASE as u64
}

/// Runs each case on a freshly filled buffer and prints its line.
fn run(cases: &[Case]) {
    for &(template, op, show_memory) in cases {
        fill();
        let (r, s, u) = op(base(), A, B);
        for (i, part) in template.split('\n').enumerate() {
            print!("{}{}", if i == 0 { "" } else { "; " }, part.trim());
        }
        print!(" {:x} {:x} {:x}", r, s, u);
        if show_memory {
            // Each run of changed bytes as `@<offset from the base> <bytes>`.
            let mut i = 0;
            while i < SIZE {
                if byte(i) == pattern(i) {
                    i += 1;
                    continue;
                }
                print!(" @{:x} ", (i as u64).wrapping_sub(BASE as u64));
                while i < SIZE && byte(i) != pattern(i) {
                    print!("{:02x}", byte(i));
                    i += 1;
                }
            }
        }
        println!();
    }
}

fn main() {
    begin("exclusive");
    run(&pairs_of_every_size());
    run(&monitor_state());
    run(&exclusive_pairs());
    run(&acquire_release());
    spinlock();
    atomics();
    end();
}

/// LDXR/STXR and LDAXR/STLXR of bytes, halfwords, words and doublewords: the value loaded,
/// status 0 with the store done.
fn pairs_of_every_size() -> [Case; 12] {
    [
        case!("ldxrb {r:w}, [{p}]\n stxrb {s:w}, {a:w}, [{p}]"),
        case!("add {t}, {p}, #3\n ldxrb {r:w}, [{t}]\n stxrb {s:w}, {a:w}, [{t}]"),
        case!("ldxrh {r:w}, [{p}]\n stxrh {s:w}, {a:w}, [{p}]"),
        case!("add {t}, {p}, #6\n ldxrh {r:w}, [{t}]\n stxrh {s:w}, {a:w}, [{t}]"),
        case!("ldxr {r:w}, [{p}]\n stxr {s:w}, {a:w}, [{p}]"),
        case!("add {t}, {p}, #12\n ldxr {r:w}, [{t}]\n stxr {s:w}, {a:w}, [{t}]"),
        case!("ldxr {r}, [{p}]\n stxr {s:w}, {a}, [{p}]"),
        case!("add {t}, {p}, #24\n ldxr {r}, [{t}]\n stxr {s:w}, {a}, [{t}]"),
        case!("ldaxrb {r:w}, [{p}]\n stlxrb {s:w}, {a:w}, [{p}]"),
        case!("ldaxrh {r:w}, [{p}]\n stlxrh {s:w}, {a:w}, [{p}]"),
        case!("ldaxr {r:w}, [{p}]\n stlxr {s:w}, {a:w}, [{p}]"),
        case!("ldaxr {r}, [{p}]\n stlxr {s:w}, {b}, [{p}]"),
    ]
}

/// The local monitor (B2.9.2): a store-exclusive clears it, CLREX clears it, a new
/// load-exclusive re-marks it, ordinary stores elsewhere leave it, and whatever an
/// UNPREDICTABLE store-exclusive does, the monitor is open after it.
fn monitor_state() -> [Case; 14] {
    [
        // Open after a completed pair: the second store-exclusive fails and writes nothing.
        case!("ldxr {r}, [{p}]\n stxr {s:w}, {a}, [{p}]\n stxr {u:w}, {b}, [{p}]"),
        case!("ldxrb {r:w}, [{p}]\n stxrb {s:w}, {a:w}, [{p}]\n stxrb {u:w}, {b:w}, [{p}]"),
        // Store-exclusive without a load-exclusive (the monitor is open after CLREX).
        case!("clrex\n stxr {s:w}, {a}, [{p}]"),
        case!("clrex\n stxrh {s:w}, {a:w}, [{p}]\n stlxr {u:w}, {a:w}, [{p}]"),
        // CLREX between the pair.
        case!("ldxr {r}, [{p}]\n clrex\n stxr {s:w}, {a}, [{p}]"),
        case!("ldaxrh {r:w}, [{p}]\n clrex\n stlxrh {s:w}, {a:w}, [{p}]"),
        // A second load-exclusive moves the mark: the store-exclusive to it succeeds.
        case!("ldxr {r}, [{p}]\n add {t}, {p}, #4096\n ldxr {u}, [{t}]\n stxr {s:w}, {a}, [{t}]"),
        // An ordinary store 4 KiB away (outside the marked block) leaves the monitor exclusive.
        case!("ldxr {r:w}, [{p}]\n str {b}, [{p}, #4096]\n stxr {s:w}, {a:w}, [{p}]"),
        // An ordinary store to the marked address: whether the store-exclusive succeeds is
        // IMPLEMENTATION DEFINED, but the monitor is open after it.
        case_regs!("ldxr {r}, [{p}]\n str {b}, [{p}]\n stxr {t:w}, {a}, [{p}]\n stxr {u:w}, {a}, [{p}]"),
        // Store-exclusive to another address than the marked one: CONSTRAINED UNPREDICTABLE,
        // then open.
        case_regs!(
            "ldxr {r}, [{p}]\n add {t}, {p}, #8\n stxr {s:w}, {a}, [{t}]\n mov {s}, #0\n stxr {u:w}, {a}, [{p}]"
        ),
        case_regs!(
            "ldxr {r}, [{p}]\n add {t}, {p}, #4096\n stxr {s:w}, {a}, [{t}]\n mov {s}, #0\n stxr {u:w}, {a}, [{p}]"
        ),
        // Store-exclusive of another size than the load-exclusive: likewise.
        case_regs!("ldxr {r}, [{p}]\n stxr {s:w}, {a:w}, [{p}]\n mov {s}, #0\n stxr {u:w}, {a}, [{p}]"),
        case_regs!("ldxrb {r:w}, [{p}]\n stxrh {s:w}, {a:w}, [{p}]\n mov {s}, #0\n stxrb {u:w}, {a:w}, [{p}]"),
        case_regs!("ldxp {r}, {u}, [{p}]\n stxr {s:w}, {a}, [{p}]\n mov {s}, #0\n stxp {u:w}, {a}, {b}, [{p}]"),
    ]
}

/// LDXP/STXP and LDAXP/STLXP of W and X pairs (single-copy atomic as a whole; aligned to the
/// pair size).
fn exclusive_pairs() -> [Case; 8] {
    [
        case!("ldxp {r}, {u}, [{p}]\n stxp {s:w}, {a}, {b}, [{p}]"),
        case!("add {t}, {p}, #16\n ldxp {r}, {u}, [{t}]\n stxp {s:w}, {b}, {a}, [{t}]"),
        case!("ldxp {r:w}, {u:w}, [{p}]\n stxp {s:w}, {a:w}, {b:w}, [{p}]"),
        case!("add {t}, {p}, #8\n ldxp {r:w}, {u:w}, [{t}]\n stxp {s:w}, {b:w}, {a:w}, [{t}]"),
        case!("ldaxp {r}, {u}, [{p}]\n stlxp {s:w}, {a}, {b}, [{p}]"),
        case!("ldaxp {r:w}, {u:w}, [{p}]\n stlxp {s:w}, {a:w}, {b:w}, [{p}]"),
        case!("clrex\n stxp {s:w}, {a}, {b}, [{p}]"),
        case!("ldxp {r}, {u}, [{p}]\n stxp {s:w}, {a}, {b}, [{p}]\n stlxp {u:w}, {b}, {a}, [{p}]"),
    ]
}

/// LDAR/STLR of every size (no offset; always aligned), and mixing acquire/release with
/// exclusives.
fn acquire_release() -> [Case; 12] {
    [
        case!("ldarb {r:w}, [{p}]"),
        case!("add {t}, {p}, #5\n ldarb {r:w}, [{t}]"),
        case!("add {t}, {p}, #6\n ldarh {r:w}, [{t}]"),
        case!("add {t}, {p}, #12\n ldar {r:w}, [{t}]"),
        case!("add {t}, {p}, #8\n ldar {r}, [{t}]"),
        case!("add {t}, {p}, #1\n stlrb {a:w}, [{t}]"),
        case!("add {t}, {p}, #2\n stlrh {a:w}, [{t}]"),
        case!("add {t}, {p}, #4\n stlr {a:w}, [{t}]"),
        case!("add {t}, {p}, #8\n stlr {a}, [{t}]"),
        case!("stlr xzr, [{p}]\n ldar {r}, [{p}]"),
        case!("ldaxr {r}, [{p}]\n stlr {b}, [{p}, #0]\n ldar {u}, [{p}]\n clrex"),
        case!("ldxr {r:w}, [{p}]\n stlxr {s:w}, {a:w}, [{p}]\n ldar {u:w}, [{p}]"),
    ]
}

/// A test-and-test-and-set spinlock: SEVL, then WFE/LDAXR/STXR until acquired; released with
/// STLR (B2.9, and the spinlock idiom of the ARM ARM appendix "Barrier Litmus Tests").
fn spinlock() {
    static LOCK: Global<u32> = Global::new(0);
    let p = LOCK.as_ptr();
    lock(p);
    line("lock held", &[u64::from(LOCK.get())]);
    line("try_lock while held", &[u64::from(try_lock(p))]);
    unlock(p);
    line("unlocked", &[u64::from(LOCK.get())]);
    line("try_lock while free", &[u64::from(try_lock(p)), u64::from(LOCK.get())]);
    unlock(p);
    let mut acquisitions = 0;
    for _ in 0..100 {
        lock(p);
        acquisitions += u64::from(LOCK.get());
        unlock(p);
    }
    line("lock/unlock x100", &[acquisitions, u64::from(LOCK.get())]);
}

fn lock(p: *mut u32) {
    // SAFETY: `p` is the lock word, aligned; the loop leaves it 1.
    unsafe {
        asm!(
            "sevl",                     // the first WFE falls through
            "1: wfe",
            "2: ldaxr {t:w}, [{p}]",    // acquire: later accesses stay after this load
            "cbnz {t:w}, 1b",           // held: wait for an event
            "stxr {t:w}, {one:w}, [{p}]",
            "cbnz {t:w}, 2b",           // lost the reservation: try again
            p = in(reg) p,
            one = in(reg) 1u32,
            t = out(reg) _,
            options(nostack),
        );
    }
}

/// Takes the lock if it is free; returns whether it did.
fn try_lock(p: *mut u32) -> bool {
    let taken: u32;
    // SAFETY: as in `lock`.
    unsafe {
        asm!(
            "1: ldaxr {t:w}, [{p}]",
            "cbnz {t:w}, 2f",           // held: give up
            "stxr {t:w}, {one:w}, [{p}]",
            "cbnz {t:w}, 1b",
            "mov {taken:w}, #1",
            "b 3f",
            "2: clrex",                 // drop the reservation we will not use
            "mov {taken:w}, #0",
            "3:",
            p = in(reg) p,
            one = in(reg) 1u32,
            t = out(reg) _,
            taken = out(reg) taken,
            options(nostack),
        );
    }
    taken == 1
}

fn unlock(p: *mut u32) {
    // SAFETY: `p` is the lock word; release: earlier accesses complete before the store.
    unsafe { asm!("stlr wzr, [{p}]", "sev", p = in(reg) p, options(nostack)) }
}

/// Fetch-add, swap and compare-and-swap from LDAXR/STLXR loops.
fn atomics() {
    static COUNTER: Global<u64> = Global::new(0);
    let p = COUNTER.as_ptr();
    let mut olds = 0u64;
    for i in 0..1000u64 {
        olds = olds.wrapping_add(fetch_add(p, i * i + 1));
    }
    line("fetch_add x1000 counter, sum of olds", &[COUNTER.get(), olds]);
    let before = swap(p, 0x5555_aaaa_5555_aaaa);
    line("swap old new", &[before, COUNTER.get()]);
    let miss = compare_and_swap(p, 1, 2);
    line("cas miss old value", &[miss, COUNTER.get()]);
    let hit = compare_and_swap(p, 0x5555_aaaa_5555_aaaa, 7);
    line("cas hit old value", &[hit, COUNTER.get()]);
}

fn fetch_add(p: *mut u64, delta: u64) -> u64 {
    let old: u64;
    // SAFETY: `p` is an aligned u64 only accessed here and through `Global`.
    unsafe {
        asm!(
            "1: ldaxr {old}, [{p}]",
            "add {new}, {old}, {delta}",
            "stlxr {st:w}, {new}, [{p}]",
            "cbnz {st:w}, 1b",
            p = in(reg) p,
            delta = in(reg) delta,
            old = out(reg) old,
            new = out(reg) _,
            st = out(reg) _,
            options(nostack),
        );
    }
    old
}

fn swap(p: *mut u64, value: u64) -> u64 {
    let old: u64;
    // SAFETY: as in `fetch_add`.
    unsafe {
        asm!(
            "1: ldaxr {old}, [{p}]",
            "stlxr {st:w}, {value}, [{p}]",
            "cbnz {st:w}, 1b",
            p = in(reg) p,
            value = in(reg) value,
            old = out(reg) old,
            st = out(reg) _,
            options(nostack),
        );
    }
    old
}

/// Stores `new` if the value is `expected`; returns the value found.
fn compare_and_swap(p: *mut u64, expected: u64, new: u64) -> u64 {
    let old: u64;
    // SAFETY: as in `fetch_add`.
    unsafe {
        asm!(
            "1: ldaxr {old}, [{p}]",
            "cmp {old}, {expected}",
            "b.ne 2f",
            "stlxr {st:w}, {new}, [{p}]",
            "cbnz {st:w}, 1b",
            "b 3f",
            "2: clrex",
            "3:",
            p = in(reg) p,
            expected = in(reg) expected,
            new = in(reg) new,
            old = out(reg) old,
            st = out(reg) _,
            options(nostack),
        );
    }
    old
}
