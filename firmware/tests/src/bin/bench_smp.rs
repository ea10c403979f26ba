//! The `bench` workload ([`fwtest::workload`]) on core 0 of a machine whose other cores sit in
//! WFI the whole time: every core PSCI knows is started, masks interrupts and waits for one
//! that never comes. The multi-core benchmark (`benches/smp_idle.rs`) compares its host time
//! with the same program on a one-core machine, where there is nothing to start; sleeping
//! cores must cost (almost) nothing.

#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering::SeqCst};

use fwtest::{begin, end, line};
use support::smp::{self, MAX_CORES};

support::entry!(main);

static ASLEEP: AtomicU32 = AtomicU32::new(0);

/// A started core: counts itself and sleeps in WFI for good.
fn sleep_forever() {
    ASLEEP.fetch_add(1, SeqCst);
    loop {
        // SAFETY: WFI has no operands; PSTATE masks every interrupt, and none is enabled.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) }
    }
}

fn main() {
    begin("bench_smp");
    let mut affinities = [0u64; MAX_CORES];
    let present = smp::present_cores(&mut affinities);
    for (slot, &affinity) in affinities.iter().enumerate().take(present).skip(1) {
        smp::start_core(affinity, slot, sleep_forever);
    }
    while ASLEEP.load(SeqCst) + 1 < present as u32 {
        core::hint::spin_loop();
    }
    line("cores", &[present as u64]);
    fwtest::workload::run();
    end();
}
