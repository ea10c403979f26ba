//! SGIs between cores (ARM IHI 0048B 4.3.15 GICD_SGIR): four cores started with PSCI CPU_ON
//! (DEN 0022D 5.1.4), each with its CPU interface enabled and IRQs taken at EL2. Core 0 and
//! core 1 play ping-pong (each ping answered with a pong to the sender named in GICC_IAR
//! bits [12:10]); then every target filter: a target list, "all but me", "only me"; finally an
//! SGI that stops the other cores, which power off (CPU_OFF, AFFINITY_INFO).
//!
//! Runs on HyperSoC's `cockpit` (6 cores) and on QEMU with `-smp 4`; the program uses the first
//! four cores PSCI knows, and only core 0 prints.

#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};

use fwtest::gic::{self, gicc, GICC};
use fwtest::{line, print, println, traps};
use support::smp::{self, MAX_CORES};
use support::{TrapFrame, VectorKind};

support::entry!(main);

/// Cores the program uses.
const CORES: usize = 4;
/// Ping-pong rounds.
const ROUNDS: u32 = 50;

/// SGI IDs.
const PING: u32 = 1;
const PONG: u32 = 2;
const STOP: u32 = 15;

/// Target list filters (GICD_SGIR.TargetListFilter).
const LIST: u32 = 0b00;
const OTHERS: u32 = 0b01;
const ME: u32 = 0b10;

static INTERFACE: [AtomicU32; MAX_CORES] = [const { AtomicU32::new(0) }; MAX_CORES];
static READY: [AtomicBool; MAX_CORES] = [const { AtomicBool::new(false) }; MAX_CORES];
static STOPPED: [AtomicBool; MAX_CORES] = [const { AtomicBool::new(false) }; MAX_CORES];
/// Per core, per SGI: how many were taken.
static COUNTS: [[AtomicU32; 16]; MAX_CORES] = [const { [const { AtomicU32::new(0) }; 16] }; MAX_CORES];
/// Per core: the source CPU interface number of the last SGI taken.
static SOURCE: [AtomicU32; MAX_CORES] = [const { AtomicU32::new(0) }; MAX_CORES];

fn handler(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    if kind != VectorKind::CurrentSpxIrq {
        return traps::record_exception(2, frame, kind);
    }
    let me = smp::core_index();
    let iar = gic::read(GICC, gicc::IAR);
    let id = iar & 0x3ff;
    let source = (iar >> 10) & 7;
    if id < 16 {
        COUNTS[me][id as usize].fetch_add(1, SeqCst);
        SOURCE[me].store(source, SeqCst);
        match id {
            PING => gic::sgi(LIST, 1 << source, PONG),
            STOP => STOPPED[me].store(true, SeqCst),
            _ => {}
        }
    }
    if id < 1020 {
        gic::write(GICC, gicc::EOIR, iar);
    }
    true
}

/// Sleeps in WFI until `done()`; IRQs are masked while testing, so no wake-up is lost, and
/// taken between the WFI and the next test.
fn wait_until(done: impl Fn() -> bool) {
    gic::mask_irq();
    while !done() {
        gic::wfi();
        gic::unmask_irq();
        gic::mask_irq();
    }
}

/// Polls until `done()`, with IRQs unmasked between the tests: for progress made by other
/// cores, which sends this core no interrupt.
fn poll_until(done: impl Fn() -> bool) {
    gic::mask_irq();
    while !done() {
        gic::unmask_irq();
        gic::mask_irq();
    }
}

fn count(core: usize, id: u32) -> u32 {
    COUNTS[core][id as usize].load(SeqCst)
}

/// The GIC set-up every core does for itself.
fn enable_this_core() {
    gic::route_to_el2();
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    INTERFACE[smp::core_index()].store(u32::from(gic::my_interface()), SeqCst);
}

/// What cores 1..3 run: take SGIs until told to stop.
fn secondary() {
    enable_this_core();
    let me = smp::core_index();
    READY[me].store(true, SeqCst);
    wait_until(|| STOPPED[me].load(SeqCst));
}

fn main() {
    fwtest::begin("smp_sgi");
    traps::install();
    support::set_el2_handler(Some(handler));
    let mut affinities = [0u64; MAX_CORES];
    let present = smp::present_cores(&mut affinities);
    line("at least four cores", &[u64::from(present >= CORES)]);
    if present < CORES {
        fwtest::end();
        return;
    }
    gic::enable_distributor();
    enable_this_core();
    for (slot, &affinity) in affinities.iter().enumerate().take(CORES).skip(1) {
        print!("start {} ", slot);
        line("->", &[smp::start_core(affinity, slot, secondary) as u64]);
    }
    for ready in &READY[1..CORES] {
        while !ready.load(SeqCst) {
            core::hint::spin_loop();
        }
    }
    let interfaces: [u32; CORES] = core::array::from_fn(|i| INTERFACE[i].load(SeqCst));
    let distinct = interfaces.iter().enumerate().all(|(i, &m)| m.count_ones() == 1 && !interfaces[..i].contains(&m));
    line("one distinct interface bit per core", &[u64::from(distinct)]);
    let bit_of = |slot: usize| interfaces[slot].trailing_zeros();

    ping_pong(&interfaces, bit_of(1));
    target_filters(&interfaces);

    // Stop the others and wait for them to power off.
    let others = interfaces[1..].iter().fold(0, |acc, m| acc | m) as u8;
    gic::sgi(LIST, others, STOP);
    for &affinity in affinities.iter().take(CORES).skip(1) {
        while smp::smc(smp::psci::AFFINITY_INFO_64, [affinity, 0, 0]) != 1 {}
    }
    println!("others powered off");
    fwtest::end();
}

/// ROUNDS pings from core 0 to core 1, each answered before the next.
fn ping_pong(interfaces: &[u32; CORES], core1_bit: u32) {
    let mut sources_ok = true;
    for round in 1..=ROUNDS {
        gic::sgi(LIST, interfaces[1] as u8, PING);
        wait_until(|| count(0, PONG) == round);
        sources_ok &= SOURCE[0].load(SeqCst) == core1_bit;
    }
    line("ping-pong: pings pongs", &[u64::from(count(1, PING)), u64::from(count(0, PONG))]);
    line("pongs came from core 1", &[u64::from(sources_ok)]);
    // Ping the others once each.
    for (slot, &interface) in interfaces.iter().enumerate().skip(2) {
        gic::sgi(LIST, interface as u8, PING);
        wait_until(|| count(0, PONG) == ROUNDS + slot as u32 - 1);
        line("pong from core", &[slot as u64, u64::from(SOURCE[0].load(SeqCst) == interface.trailing_zeros())]);
    }
}

/// The three target list filters; each core counts what it got.
fn target_filters(interfaces: &[u32; CORES]) {
    let report = |label: &str, id: u32, expected: u32| {
        // Wait until the expected number of cores took the SGI.
        poll_until(|| (0..CORES).map(|c| count(c, id)).sum::<u32>() >= expected);
        print!("{}:", label);
        for core in 0..CORES {
            print!(" {}", count(core, id));
        }
        println!();
    };
    gic::sgi(LIST, (interfaces[1] | interfaces[3]) as u8, 3);
    report("list 1+3", 3, 2);
    gic::sgi(OTHERS, 0, 4);
    report("all but me", 4, 3);
    gic::sgi(ME, 0, 5);
    report("only me", 5, 1);
    // A target list naming no core sends nothing.
    gic::sgi(LIST, 0, 6);
    gic::sgi(ME, 0, 7);
    report("empty list, then me", 7, 1);
    line("empty list reached", &[u64::from((0..CORES).map(|c| count(c, 6)).sum::<u32>())]);
}
