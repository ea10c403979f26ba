//! The workload of the emulation-speed benchmark (`benches/mips.rs`, [`fwtest::workload`]):
//! software CRC-32, insertion sort and heap sort, an integer matrix multiply and a linked-list
//! walk, repeated for a number of iterations, with no I/O inside the loops. One checksum line
//! per kernel at the end (also compared with QEMU by `tests/oracle.rs`).
//!
//! The iteration count is the boot parameter (`support::boot::boot_param`, patched by the host
//! at `_start + 8`), or `DEFAULT_ITERATIONS` (56) when it is 0; the default run is about 70 million
//! guest instructions.

#![no_std]
#![no_main]

use fwtest::{begin, end};

support::entry!(main);

fn main() {
    begin("bench");
    fwtest::workload::run();
    end();
}
