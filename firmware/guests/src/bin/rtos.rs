//! `rtos`: the instrument-cluster partition. A tiny kernel at EL1 releases two periodic tasks
//! on the EL1 virtual timer (task A every 1 ms, task B every 4 ms); each job runs at EL0,
//! reads the time and a "sensor" through SVCs, and must finish before its next release (its
//! deadline). It reports the worst latency between a timer deadline (CNTV_CVAL_EL0) and the
//! handler, in timer ticks, and the deadlines met; then measures a null hypercall round trip and
//! one emulated UART write with the PMU cycle counter (lines starting `measure:` vary between
//! runs on QEMU).

#![no_std]
#![no_main]

use guest::{gic, hvc, println, timer, Frame, Global};

guest::entry!(main);

/// Jobs of task A the run lasts (1 ms each).
const RUN_PERIODS: u64 = 30;
/// Periods in microseconds.
const PERIOD_US: [u64; 2] = [1000, 4000];
/// SVCs of the tasks.
const SVC_NOW: u64 = 1;
const SVC_SENSOR: u64 = 2;

/// EL0 stacks of the two tasks.
#[repr(C, align(16))]
struct Stack([u8; 0x2000]);
static mut STACKS: [Stack; 2] = [const { Stack([0; 0x2000]) }; 2];

static NEXT_RELEASE: Global<[u64; 2]> = Global::new([0; 2]);
static RELEASED: Global<[u64; 2]> = Global::new([0; 2]);
static PENDING: Global<[bool; 2]> = Global::new([false; 2]);
static WORST: Global<u64> = Global::new(0);
static TICKS: Global<u64> = Global::new(0);
static UNEXPECTED: Global<u64> = Global::new(0);

fn main(_vcpu: usize, _context: u64) {
    println!("rtos: instrument cluster, tasks A (1 ms) and B (4 ms) at EL0 on the virtual timer");
    guest::set_sync_handler(Some(svc));
    guest::set_irq_handler(Some(irq));
    gic::init(true);
    gic::enable(timer::INTID);
    let freq = timer::frequency();
    let periods = [PERIOD_US[0] * freq / 1_000_000, PERIOD_US[1] * freq / 1_000_000];
    let start = timer::now();
    NEXT_RELEASE.set([start + periods[0], start + periods[1]]);
    timer::arm(start + periods[0]);
    let (mut jobs, mut met, mut missed) = ([0u64; 2], [0u64; 2], 0u64);
    let mut checksum = 0u64;
    while jobs[0] < RUN_PERIODS {
        // Mask, check, wait: an interrupt between the check and WFI still ends the WFI.
        // SAFETY: PSTATE.I only.
        unsafe { core::arch::asm!("msr daifset, #2") };
        if !PENDING.get().iter().any(|&p| p) {
            // SAFETY: waits for an interrupt.
            unsafe { core::arch::asm!("wfi") };
        }
        // SAFETY: PSTATE.I only; a pending timer interrupt is taken here.
        unsafe { core::arch::asm!("msr daifclr, #2", "isb") };
        for task in 0..2 {
            let mut pending = PENDING.get();
            if !pending[task] {
                continue;
            }
            pending[task] = false;
            PENDING.set(pending);
            let released = RELEASED.get()[task];
            let top = core::ptr::addr_of_mut!(STACKS) as u64 + (task as u64 + 1) * 0x2000;
            let entry: extern "C" fn(u64) -> u64 = if task == 0 { task_a } else { task_b };
            let result = guest::el0::run_el0(entry, top, jobs[task]);
            if task == 0 {
                checksum = checksum.wrapping_add(result);
            }
            let done = timer::now();
            jobs[task] += 1;
            if done <= released + periods[task] {
                met[task] += 1;
            } else {
                missed += 1;
            }
        }
    }
    timer::disarm();
    // SAFETY: PSTATE.I only.
    unsafe { core::arch::asm!("msr daifset, #2") };
    println!("rtos: task A {} jobs, {} deadlines met", jobs[0], met[0]);
    println!("rtos: task B {} jobs, {} deadlines met", jobs[1], met[1]);
    println!("rtos: deadlines missed {}", missed);
    println!("rtos: task A checksum {:x}", checksum);
    println!("rtos: unexpected interrupts {}", UNEXPECTED.get());
    println!("measure: rtos worst timer latency {} ticks over {} timer interrupts", WORST.get(), TICKS.get());
    hvc::report(1, WORST.get());
    hvc::report(2, missed);
    hvc::report(3, jobs[0] + jobs[1]);
    measure();
}

/// Cycle costs as the guest sees them (PMU cycle counter, EL2 included).
fn measure() {
    timer::cycles_enable();
    let mut best_hvc = u64::MAX;
    let mut best_uart = u64::MAX;
    for _ in 0..8 {
        let t0 = timer::cycles();
        hvc::call(hvc::hyp::VERSION, 0, 0, 0);
        let t1 = timer::cycles();
        // SAFETY: UARTCR of the VM's emulated PL011 (enable, TX, RX: its reset value).
        unsafe { ((0x0900_0000 + 0x30) as *mut u32).write_volatile(0x301) };
        let t2 = timer::cycles();
        best_hvc = best_hvc.min(t1 - t0);
        best_uart = best_uart.min(t2 - t1);
    }
    println!(
        "measure: null hypercall round trip {} cycles, emulated UART register write {} cycles",
        best_hvc, best_uart
    );
    println!("rtos: done");
}

/// Task A: reads the time and the sensor, filters.
extern "C" fn task_a(job: u64) -> u64 {
    let _t = svc_call(SVC_NOW);
    let mut acc = svc_call(SVC_SENSOR) ^ job;
    for i in 0..200u64 {
        acc = acc.wrapping_mul(6364136223846793005).wrapping_add(i);
    }
    acc & 0xffff
}

/// Task B: a longer computation.
extern "C" fn task_b(job: u64) -> u64 {
    let mut acc = svc_call(SVC_SENSOR).wrapping_add(job);
    for i in 0..1000u64 {
        acc ^= acc.rotate_left(7).wrapping_add(i);
    }
    acc & 0xffff
}

fn svc_call(n: u64) -> u64 {
    let r: u64;
    // SAFETY: the kernel's SVC handler returns a value in x0.
    unsafe {
        match n {
            SVC_NOW => core::arch::asm!("svc #1", out("x0") r),
            _ => core::arch::asm!("svc #2", out("x0") r),
        }
    }
    r
}

/// SVCs from the tasks (ESR_EL1.EC = 0x15).
fn svc(frame: &mut Frame) -> bool {
    if frame.ec() != 0x15 {
        return false;
    }
    frame.x[0] = match frame.iss() & 0xffff {
        SVC_NOW => timer::now(),
        SVC_SENSOR => 0x1234,
        _ => return false,
    };
    true
}

/// The timer interrupt: latency, releases, next deadline.
fn irq(_frame: &mut Frame) -> bool {
    let (intid, iar) = gic::ack();
    if intid == 1023 {
        return true;
    }
    if intid != timer::INTID {
        UNEXPECTED.set(UNEXPECTED.get() + 1);
        gic::eoi(iar);
        return true;
    }
    let now = timer::now();
    let latency = now.saturating_sub(timer::cval());
    WORST.set(WORST.get().max(latency));
    TICKS.set(TICKS.get() + 1);
    let freq = timer::frequency();
    let mut next = NEXT_RELEASE.get();
    let mut released = RELEASED.get();
    let mut pending = PENDING.get();
    for task in 0..2 {
        if next[task] <= now {
            released[task] = next[task];
            pending[task] = true;
            let period = PERIOD_US[task] * freq / 1_000_000;
            while next[task] <= now {
                next[task] += period;
            }
        }
    }
    NEXT_RELEASE.set(next);
    RELEASED.set(released);
    PENDING.set(pending);
    timer::arm(next[0].min(next[1]));
    gic::eoi(iar);
    true
}
