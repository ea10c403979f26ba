//! Helpers shared by the test programs in `src/bin`: output format and test scaffolding.
//!
//! Output format: one line per case, `<label> <value> <value> ...` in lower-case hex without
//! `0x`; a program starts with `== <name>` and ends with `== end` before powering off.

#![no_std]

pub mod gic;
pub mod mmu;
pub mod traps;
pub mod workload;

pub use support::{print, println};

/// Prints the program's header line.
pub fn begin(name: &str) {
    println!("== {}", name);
}

/// Prints the closing line; the program then returns from `main` and powers off.
pub fn end() {
    println!("== end");
}

/// Prints `label` followed by `values` in hex.
pub fn line(label: &str, values: &[u64]) {
    print!("{}", label);
    for v in values {
        print!(" {:x}", v);
    }
    println!();
}

/// Prints `label` followed by the bytes of `bytes` as one hex string (memory order).
pub fn bytes(label: &str, bytes: &[u8]) {
    print!("{} ", label);
    for b in bytes {
        print!("{:02x}", b);
    }
    println!();
}
