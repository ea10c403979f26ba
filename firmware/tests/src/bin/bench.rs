//! The emulation-speed workload ([`fwtest::bench`]) with the MMU off.

#![no_std]
#![no_main]

support::entry!(main);

fn main() {
    fwtest::bench::run("bench");
}
