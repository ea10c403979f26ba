//! The demo: a banner and the exception level, then power off.

#![no_std]
#![no_main]

use support::println;

support::entry!(main);

fn main() {
    println!("HyperSoC hello from EL2");
    println!("CurrentEL = {}", support::sysreg::current_el());
}
