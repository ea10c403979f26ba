//! Waking cores from WFI and WFE (DDI 0487 D1.7): WFI ends when an interrupt is pending even
//! with PSTATE.I set (D1.7.2.1) and completes at once if one is already pending; another core
//! wakes a sleeping core with an SGI and with an SPI it makes pending in the Distributor; a
//! core's own timer wakes it; and WFE ends on SEV from another core (D1.7.1.4).
//!
//! Runs on HyperSoC's `cockpit` and on QEMU with `-smp 2` or more; only core 0 prints.

#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering::SeqCst};

use fwtest::gic::{self, gicc, gicd, id, GICC, GICD};
use fwtest::line;
use support::smp::{self, MAX_CORES};
use support::{read_sysreg, write_sysreg};

support::entry!(main);

/// The SPI core 0 makes pending for core 1.
const SPI: u32 = 100;
/// Timer delay: 5 ms at 62.5 MHz.
const DELAY: u64 = 312_500;

/// Core 1's interface bit, and the steps of the conversation: core 1 sets `STEP` to an odd
/// number when it waits for core 0, core 0 answers with the next even one.
static INTERFACE: AtomicU32 = AtomicU32::new(0);
static STEP: AtomicU32 = AtomicU32::new(0);
/// What core 1 saw after each wake-up.
static SEEN: [AtomicU32; 8] = [const { AtomicU32::new(0) }; 8];
/// Set by core 0 before SEV.
static FLAG: AtomicU32 = AtomicU32::new(0);

/// Acknowledges whatever is pending, returns its ID (1023 if nothing), ends it.
fn take() -> u32 {
    let iar = gic::read(GICC, gicc::IAR);
    if iar & 0x3ff < 1020 {
        gic::write(GICC, gicc::EOIR, iar);
    }
    iar & 0x3ff
}

/// Sleeps in WFI (IRQs masked) until something is pending, then takes it.
fn sleep_and_take() -> u32 {
    loop {
        gic::wfi();
        let id = take();
        if id != id::SPURIOUS {
            return id;
        }
    }
}

/// Arms the EL2 physical timer `DELAY` ticks ahead.
fn arm_timer() {
    write_sysreg!(cnthp_tval_el2, DELAY);
    write_sysreg!(cnthp_ctl_el2, 1);
    support::sysreg::isb();
}

fn disarm_timer() {
    write_sysreg!(cnthp_ctl_el2, 0);
    support::sysreg::isb();
}

/// Core 1: each wake-up in turn, reporting through SEEN and STEP.
fn core1() {
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    gic::enable(id::EL2_TIMER, 0x80);
    INTERFACE.store(u32::from(gic::my_interface()), SeqCst);
    // 1: woken by an SGI from core 0.
    STEP.store(1, SeqCst);
    SEEN[1].store(sleep_and_take(), SeqCst);
    // 3: woken by an SPI core 0 makes pending.
    STEP.store(3, SeqCst);
    SEEN[3].store(sleep_and_take(), SeqCst);
    // 5: woken by its own timer.
    let start = read_sysreg!(cntpct_el0);
    arm_timer();
    let id = sleep_and_take();
    SEEN[5].store(id | (u32::from(read_sysreg!(cntpct_el0) >= start + DELAY) << 16), SeqCst);
    disarm_timer();
    // 7: WFE until core 0 sets FLAG and sends SEV.
    STEP.store(7, SeqCst);
    while FLAG.load(SeqCst) == 0 {
        // SAFETY: WFE has no operands.
        unsafe { core::arch::asm!("wfe", options(nomem, nostack)) }
    }
    SEEN[7].store(1, SeqCst);
    STEP.store(9, SeqCst);
}

fn wait_step(step: u32) {
    while STEP.load(SeqCst) < step {}
}

fn main() {
    fwtest::begin("smp_wake");
    let mut affinities = [0u64; MAX_CORES];
    let present = smp::present_cores(&mut affinities);
    line("at least two cores", &[u64::from(present >= 2)]);
    if present < 2 {
        fwtest::end();
        return;
    }
    gic::enable_distributor();
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    single_core();
    line("start core 1", &[smp::start_core(affinities[1], 1, core1) as u64]);

    wait_step(1);
    gic::sgi(0, INTERFACE.load(SeqCst) as u8, 6);
    wait_step(3);
    line("core 1 woken by sgi", &[u64::from(SEEN[1].load(SeqCst) & 0x3ff)]);

    gic::write8(GICD, gicd::ITARGETSR + SPI as usize, INTERFACE.load(SeqCst) as u8);
    gic::enable(SPI, 0x80);
    gic::set_bit(gicd::ISPENDR, SPI);
    wait_step(7);
    line("core 1 woken by spi", &[u64::from(SEEN[3].load(SeqCst))]);
    let timer = SEEN[5].load(SeqCst);
    line("core 1 woken by its timer, after the deadline", &[u64::from(timer & 0xffff), u64::from(timer >> 16)]);

    FLAG.store(1, SeqCst);
    support::sysreg::dsb_sy();
    // SAFETY: SEV has no operands.
    unsafe { core::arch::asm!("sev", options(nomem, nostack)) }
    wait_step(9);
    line("core 1 left wfe", &[u64::from(SEEN[7].load(SeqCst))]);
    while smp::smc(smp::psci::AFFINITY_INFO_64, [affinities[1], 0, 0]) != 1 {}
    line("core 1 off", &[1]);
    fwtest::end();
}

/// On core 0 alone: WFI with IRQs masked ends when the timer interrupt is pending, and a WFI
/// with an interrupt already pending completes at once.
fn single_core() {
    gic::enable(id::EL2_TIMER, 0x80);
    gic::mask_irq();
    let start = read_sysreg!(cntpct_el0);
    arm_timer();
    gic::wfi();
    let after = read_sysreg!(cntpct_el0) >= start + DELAY;
    let pending = gic::read(GICC, gicc::HPPIR);
    line("wfi masked: pending, after the deadline", &[u64::from(pending), u64::from(after)]);
    line("taken", &[u64::from(take())]);
    disarm_timer();
    gic::sgi(0b10, 0, 3);
    gic::wfi();
    line("wfi with an sgi pending: hppir", &[u64::from(gic::read(GICC, gicc::HPPIR))]);
    line("taken", &[u64::from(take())]);
}
