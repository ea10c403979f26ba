//! The program the gdb tests (`tests/gdb.rs`) debug: a loop that stores to a counter, then a
//! load of it (for watchpoints), a function with a stable symbol to break on whose argument and result go
//! through X0 (for register reads and writes), and a drop to EL1 whose return is an HVC that
//! traps to EL2 (for `monitor catch`). It prints what it computed, so a test can see the
//! effect of a register written from gdb.

#![no_std]
#![no_main]

use support::{println, Global};

support::entry!(main);

/// The counter `main` stores to three times (0x11, 0x22, 0x33).
#[no_mangle]
static GDB_COUNTER: Global<u64> = Global::new(0);

/// The function the tests break on: returns `value * 2 + 1`.
#[no_mangle]
#[inline(never)]
pub extern "C" fn gdb_marker(value: u64) -> u64 {
    value * 2 + 1
}

/// Runs at EL1; its return is the HVC #0xFFF0 of `support::levels`, a trap to EL2.
#[no_mangle]
#[inline(never)]
extern "C" fn gdb_at_el1(arg: u64) -> u64 {
    arg + 1
}

fn main() {
    println!("gdbtarget: start");
    for i in 1..=3 {
        GDB_COUNTER.set(i * 0x11);
    }
    println!("gdbtarget: counter {:#x}", GDB_COUNTER.get());
    let r = gdb_marker(0x1234);
    println!("gdbtarget: marker {r:#x}");
    let r = support::drop_to_el1(gdb_at_el1, support::el1_stack_top(), 41);
    println!("gdbtarget: el1 {r}");
}
