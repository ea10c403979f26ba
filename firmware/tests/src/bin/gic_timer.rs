//! The Generic Timer (DDI 0487 D12.2, registers D24.10) and its interrupts through the GIC:
//! the EL1 physical (PPI 30), virtual (PPI 27) and EL2 physical (PPI 26) timers programmed
//! through TimerValue and CompareValue, each firing after its deadline with ISTATUS set; IMASK
//! and ENABLE and the level they drive into the GIC; the virtual offset CNTVOFF_EL2; the
//! CNTHCTL_EL2 traps of EL1 accesses to the physical counter and timer; and WFE woken by the
//! event stream.
//!
//! Counter values differ between HyperSoC (derived from executed cycles) and QEMU (the host
//! clock), so only relations are printed ("fired after the deadline: 1").

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::gic::{self, gicc, gicd, id, GICC};
use fwtest::traps;
use fwtest::{line, println};
use support::{read_sysreg, write_sysreg, Global, TrapFrame, VectorKind};

support::entry!(main);

/// CNTx_CTL bits (D24.10.16).
const ENABLE: u64 = 1;
const IMASK: u64 = 2;
const ISTATUS: u64 = 4;

/// Ticks from programming a timer to its deadline: 50 ms at 62.5 MHz, far more than QEMU
/// takes between two instructions even on a loaded host.
const DELAY: u64 = 3_125_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Timer {
    El1Physical,
    Virtual,
    El2Physical,
}

impl Timer {
    const ALL: [Timer; 3] = [Timer::El1Physical, Timer::Virtual, Timer::El2Physical];

    fn name(self) -> &'static str {
        match self {
            Timer::El1Physical => "cntp",
            Timer::Virtual => "cntv",
            Timer::El2Physical => "cnthp",
        }
    }

    fn intid(self) -> u32 {
        match self {
            Timer::El1Physical => id::EL1_TIMER,
            Timer::Virtual => id::VIRTUAL_TIMER,
            Timer::El2Physical => id::EL2_TIMER,
        }
    }

    fn from_intid(intid: u32) -> Option<Timer> {
        Timer::ALL.into_iter().find(|t| t.intid() == intid)
    }

    /// The count this timer compares with.
    fn count(self) -> u64 {
        match self {
            Timer::Virtual => read_sysreg!(cntvct_el0),
            _ => read_sysreg!(cntpct_el0),
        }
    }

    fn ctl(self) -> u64 {
        match self {
            Timer::El1Physical => read_sysreg!(cntp_ctl_el0),
            Timer::Virtual => read_sysreg!(cntv_ctl_el0),
            Timer::El2Physical => read_sysreg!(cnthp_ctl_el2),
        }
    }

    fn set_ctl(self, value: u64) {
        match self {
            Timer::El1Physical => write_sysreg!(cntp_ctl_el0, value),
            Timer::Virtual => write_sysreg!(cntv_ctl_el0, value),
            Timer::El2Physical => write_sysreg!(cnthp_ctl_el2, value),
        }
        support::sysreg::isb();
    }

    fn cval(self) -> u64 {
        match self {
            Timer::El1Physical => read_sysreg!(cntp_cval_el0),
            Timer::Virtual => read_sysreg!(cntv_cval_el0),
            Timer::El2Physical => read_sysreg!(cnthp_cval_el2),
        }
    }

    fn set_cval(self, value: u64) {
        match self {
            Timer::El1Physical => write_sysreg!(cntp_cval_el0, value),
            Timer::Virtual => write_sysreg!(cntv_cval_el0, value),
            Timer::El2Physical => write_sysreg!(cnthp_cval_el2, value),
        }
        support::sysreg::isb();
    }

    /// TimerValue as a signed 32-bit value (D12.2.4.2).
    fn tval(self) -> i32 {
        (match self {
            Timer::El1Physical => read_sysreg!(cntp_tval_el0),
            Timer::Virtual => read_sysreg!(cntv_tval_el0),
            Timer::El2Physical => read_sysreg!(cnthp_tval_el2),
        }) as u32 as i32
    }

    fn set_tval(self, value: i32) {
        let value = value as u32 as u64;
        match self {
            Timer::El1Physical => write_sysreg!(cntp_tval_el0, value),
            Timer::Virtual => write_sysreg!(cntv_tval_el0, value),
            Timer::El2Physical => write_sysreg!(cnthp_tval_el2, value),
        }
        support::sysreg::isb();
    }
}

/// What the IRQ handler saw when a timer interrupt arrived.
#[derive(Clone, Copy)]
struct Seen {
    intid: u32,
    after_deadline: bool,
    istatus: bool,
    tval_not_positive: bool,
}

static SEEN: Global<Option<Seen>> = Global::new(None);

fn handler(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    if kind != VectorKind::CurrentSpxIrq {
        return traps::record_exception(2, frame, kind);
    }
    let iar = gic::read(GICC, gicc::IAR);
    let intid = iar & 0x3ff;
    if let Some(timer) = Timer::from_intid(intid) {
        let (count, cval, ctl, tval) = (timer.count(), timer.cval(), timer.ctl(), timer.tval());
        // Disable the timer: its output, and so the level-sensitive PPI, drops.
        timer.set_ctl(0);
        SEEN.set(Some(Seen {
            intid,
            after_deadline: count >= cval,
            istatus: ctl & ISTATUS != 0,
            tval_not_positive: tval <= 0,
        }));
    } else {
        println!("unexpected interrupt {:x}", iar);
    }
    if intid != id::SPURIOUS {
        gic::write(GICC, gicc::EOIR, iar);
    }
    true
}

/// Unmasks IRQs and waits in WFI until the handler has seen an interrupt; prints it.
fn wait_and_report(label: &str) {
    SEEN.set(None);
    gic::unmask_irq();
    while SEEN.get().is_none() {
        gic::wfi();
    }
    gic::mask_irq();
    if let Some(s) = SEEN.get() {
        println!(
            "{} irq {} fired after the deadline {} istatus {} tval<=0 {}",
            label,
            s.intid,
            u8::from(s.after_deadline),
            u8::from(s.istatus),
            u8::from(s.tval_not_positive)
        );
    }
}

fn main() {
    fwtest::begin("gic_timer");
    traps::install();
    support::set_el2_handler(Some(handler));
    gic::route_to_el2();
    gic::enable_distributor();
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    for timer in Timer::ALL {
        gic::enable(timer.intid(), 0x80);
    }
    line("cntfrq", &[read_sysreg!(cntfrq_el0)]);
    let (p1, v1, p2) = (read_sysreg!(cntpct_el0), read_sysreg!(cntvct_el0), read_sysreg!(cntpct_el0));
    println!("cntvct between cntpct reads with offset 0: {}", u8::from(p1 <= v1 && v1 <= p2));
    timer_value_view();
    compare_value_view();
    mask_and_enable();
    virtual_offset();
    el1_traps();
    event_stream();
    fwtest::end();
}

/// TVAL written: counts down, fires after the deadline.
fn timer_value_view() {
    for timer in Timer::ALL {
        timer.set_ctl(0);
        let before = timer.count();
        timer.set_tval(DELAY as i32);
        let cval = timer.cval();
        timer.set_ctl(ENABLE);
        let tval = timer.tval();
        println!(
            "{} tval: cval from count {} istatus {} counting down {}",
            timer.name(),
            u8::from(cval >= before + DELAY && cval <= timer.count() + DELAY),
            u8::from(timer.ctl() & ISTATUS != 0),
            u8::from(tval > 0 && tval <= DELAY as i32)
        );
        wait_and_report(timer.name());
    }
}

/// CVAL written: fires after the deadline; a deadline in the past fires at once.
fn compare_value_view() {
    for timer in Timer::ALL {
        timer.set_ctl(0);
        timer.set_cval(timer.count() + DELAY);
        timer.set_ctl(ENABLE);
        wait_and_report(timer.name());
        // A negative TimerValue puts the deadline in the past: the condition is met at once.
        timer.set_tval(-100);
        timer.set_ctl(ENABLE);
        println!(
            "{} past deadline istatus {} tval<0 {}",
            timer.name(),
            u8::from(timer.ctl() & ISTATUS != 0),
            u8::from(timer.tval() < 0)
        );
        wait_and_report(timer.name());
    }
}

/// IMASK keeps ISTATUS but drops the output; a disabled timer reads ISTATUS 0.
fn mask_and_enable() {
    let timer = Timer::Virtual;
    timer.set_ctl(0);
    timer.set_cval(timer.count().wrapping_sub(10));
    timer.set_ctl(ENABLE | IMASK);
    println!("masked: ctl {:x} pending {}", timer.ctl(), u8::from(gic::bit(gicd::ISPENDR, timer.intid())));
    timer.set_ctl(0);
    println!("disabled: ctl {:x} pending {}", timer.ctl(), u8::from(gic::bit(gicd::ISPENDR, timer.intid())));
    timer.set_ctl(ENABLE);
    println!("enabled: ctl {:x} pending {}", timer.ctl(), u8::from(gic::bit(gicd::ISPENDR, timer.intid())));
    let iar = gic::read(GICC, gicc::HPPIR);
    line("hppir", &[u64::from(iar)]);
    wait_and_report("cntv level");
    println!("after handling: pending {}", u8::from(gic::bit(gicd::ISPENDR, timer.intid())));
}

/// CNTVOFF_EL2 moves the virtual count; the virtual timer compares with it.
fn virtual_offset() {
    let timer = Timer::Virtual;
    let physical = read_sysreg!(cntpct_el0);
    write_sysreg!(cntvoff_el2, physical - 50_000);
    support::sysreg::isb();
    let virtual_count = read_sysreg!(cntvct_el0);
    println!("cntvct after offset near 50000: {}", u8::from((50_000..10_000_000).contains(&virtual_count)));
    timer.set_ctl(0);
    timer.set_cval(virtual_count + DELAY);
    timer.set_ctl(ENABLE);
    wait_and_report("cntv with offset");
    // The deadline is in virtual counts: a CompareValue equal to the physical count is still
    // 50000 ticks ahead of the virtual count (the physical count is far above 50000 by now).
    timer.set_cval(read_sysreg!(cntpct_el0));
    timer.set_ctl(ENABLE);
    println!("virtual deadline not met by the physical count: istatus {}", u8::from(timer.ctl() & ISTATUS != 0));
    timer.set_ctl(0);
    write_sysreg!(cntvoff_el2, 0);
    support::sysreg::isb();
}

/// Runs at EL1 with CNTHCTL_EL2 = `cnthctl`: reads of CNTPCT_EL0, CNTP_CTL_EL0 and CNTVCT_EL0.
extern "C" fn at_el1(_: u64) -> u64 {
    for (label, which) in [("el1 cntpct", 0), ("el1 cntp_ctl", 1), ("el1 cntvct", 2)] {
        let at: u64;
        // SAFETY: an MRS that may trap to EL2; the recording handler resumes after it. The
        // destination is x5 so that the syndrome's Rt is known.
        unsafe {
            match which {
                0 => asm!("adr {at}, 2f", "2: mrs x5, cntpct_el0", at = out(reg) at, out("x5") _),
                1 => asm!("adr {at}, 2f", "2: mrs x5, cntp_ctl_el0", at = out(reg) at, out("x5") _),
                _ => asm!("adr {at}, 2f", "2: mrs x5, cntvct_el0", at = out(reg) at, out("x5") _),
            }
        }
        traps::report_mode(label, at);
    }
    0
}

/// CNTHCTL_EL2.EL1PCTEN and EL1PCEN trap EL1 accesses to the physical counter and timer to EL2
/// (EC 0x18); the virtual counter is not affected.
fn el1_traps() {
    for cnthctl in [0u64, 3] {
        write_sysreg!(cnthctl_el2, cnthctl);
        support::sysreg::isb();
        line("cnthctl", &[cnthctl]);
        support::drop_to_el1(at_el1, support::el1_stack_top(), 0);
    }
}

/// An event stream from bit 0 of the physical count (an event every other tick) ends WFE.
fn event_stream() {
    write_sysreg!(cnthctl_el2, 3 | (1 << 2));
    support::sysreg::isb();
    for _ in 0..3 {
        // SAFETY: WFE has no operands; the event stream ends it.
        unsafe { asm!("wfe", options(nomem, nostack)) }
    }
    write_sysreg!(cnthctl_el2, 3);
    support::sysreg::isb();
    println!("wfe ended by the event stream");
}
