//! The GICv2 Distributor and CPU interface of one core (ARM IHI 0048B chapters 3 and 4), with
//! SGIs sent to the core itself and interrupts taken at EL2: identification, spurious reads
//! (1023, and 1022 for Group 1 with AckCtl clear), the priority mask, acknowledge order by
//! priority and ID, running priority, preemption and nested interrupts in handlers, binary
//! points, Group 0 signalled as FIQ, EOImode with GICC_DIR, and an SPI made pending by
//! software.
//!
//! Every interrupt here is Group 0 unless a case says otherwise, so that the binary point of
//! Group 0 alone decides preemption (QEMU and the GIC crate differ when the groups use
//! different binary points; see `crates/gic` docs).

#![no_std]
#![no_main]

use fwtest::gic::{self, gicc, gicd, id, GICC, GICD};
use fwtest::{line, print, println, traps};
use support::{Global, TrapFrame, VectorKind};

support::entry!(main);

/// SGI target filter "this core only" (GICD_SGIR.TargetListFilter = 0b10).
const SELF: u32 = 0b10;

/// The events handlers log: (vector: b'i' IRQ / b'f' FIQ, id, running priority, enter/exit).
#[derive(Clone, Copy)]
struct Event {
    vector: u8,
    intid: u32,
    rpr: u32,
    enter: bool,
}

const LOG_SIZE: usize = 32;
static LOG: Global<[Option<Event>; LOG_SIZE]> = Global::new([None; LOG_SIZE]);
static LOG_LEN: Global<usize> = Global::new(0);

/// What a handler does for an SGI after acknowledging it (before EOI), per SGI ID.
type Actions = [Option<fn()>; 16];
static ACTIONS: Global<Actions> = Global::new([None; 16]);

fn log(event: Event) {
    let n = LOG_LEN.get();
    if n < LOG_SIZE {
        let mut log = LOG.get();
        log[n] = Some(event);
        LOG.set(log);
        LOG_LEN.set(n + 1);
    }
}

/// Prints the log on one line and clears it.
fn print_log(label: &str) {
    print!("{}:", label);
    for event in LOG.get().iter().take(LOG_LEN.get()).flatten() {
        if event.enter {
            print!(" {}{}@{:x}", event.vector as char, event.intid, event.rpr);
        } else {
            print!(" /{}", event.intid);
        }
    }
    println!();
    LOG_LEN.set(0);
}

fn handler(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    let vector = match kind {
        VectorKind::CurrentSpxIrq => b'i',
        VectorKind::CurrentSpxFiq => b'f',
        _ => return traps::record_exception(2, frame, kind),
    };
    let iar = gic::read(GICC, gicc::IAR);
    let intid = iar & 0x3ff;
    if intid >= 1020 {
        log(Event { vector, intid, rpr: 0, enter: true });
        return true;
    }
    log(Event { vector, intid, rpr: gic::read(GICC, gicc::RPR), enter: true });
    if let Some(action) = ACTIONS.get().get(intid as usize).copied().flatten() {
        action();
    }
    log(Event { vector, intid, rpr: 0, enter: false });
    gic::write(GICC, gicc::EOIR, iar);
    true
}

fn set_action(sgi: u32, action: Option<fn()>) {
    let mut actions = ACTIONS.get();
    actions[sgi as usize] = action;
    ACTIONS.set(actions);
}

fn main() {
    fwtest::begin("gic");
    traps::install();
    support::set_el2_handler(Some(handler));
    gic::route_to_el2();
    gic::enable_distributor();
    identification();
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    for sgi in 0..16 {
        gic::write8(GICD, gicd::IPRIORITYR + sgi, 0x80);
    }
    spurious();
    priority_mask();
    acknowledge_order();
    nested();
    binary_point();
    fiq();
    group1_spurious();
    eoi_mode();
    software_spi();
    fwtest::end();
}

fn identification() {
    let typer = gic::read(GICD, gicd::TYPER);
    line(
        "typer itlines cpus securityextn",
        &[u64::from(typer & 0x1f), u64::from((typer >> 5) & 7), u64::from((typer >> 10) & 1)],
    );
    line(
        "gicc ctlr pmr bpr abpr at reset",
        &[
            u64::from(gic::read(GICC, gicc::CTLR)),
            u64::from(gic::read(GICC, gicc::PMR)),
            u64::from(gic::read(GICC, gicc::BPR)),
            u64::from(gic::read(GICC, gicc::ABPR)),
        ],
    );
    line("sgi enable bits (always enabled)", &[u64::from(gic::read(GICD, gicd::ISENABLER) & 0xffff)]);
    line("my interface", &[u64::from(gic::my_interface())]);
}

fn read_cc(offset: usize) -> u64 {
    u64::from(gic::read(GICC, offset))
}

/// Nothing pending: IAR and HPPIR read 1023 (IHI 0048B 3.2.5).
fn spurious() {
    line("idle iar hppir rpr", &[read_cc(gicc::IAR), read_cc(gicc::HPPIR), read_cc(gicc::RPR)]);
}

/// An interrupt at or below the priority mask is not signalled (3.3.2).
fn priority_mask() {
    gic::write8(GICD, gicd::IPRIORITYR + 1, 0x80);
    gic::write(GICC, gicc::PMR, 0x80);
    gic::sgi(SELF, 0, 1);
    line(
        "pmr 80: pending hppir iar",
        &[u64::from(gic::bit(gicd::ISPENDR, 1)), read_cc(gicc::HPPIR), read_cc(gicc::IAR)],
    );
    gic::write(GICC, gicc::PMR, 0x90);
    let iar = gic::read(GICC, gicc::IAR);
    line("pmr 90: iar rpr active", &[u64::from(iar), read_cc(gicc::RPR), u64::from(gic::bit(gicd::ISACTIVER, 1))]);
    gic::write(GICC, gicc::EOIR, iar);
    line("after eoi: rpr active", &[read_cc(gicc::RPR), u64::from(gic::bit(gicd::ISACTIVER, 1))]);
    gic::write(GICC, gicc::PMR, 0xff);
}

/// Highest priority first, the lowest ID among equals; an interrupt of the running priority
/// cannot be acknowledged until the priority drops.
fn acknowledge_order() {
    for (sgi, priority) in [(2, 0xa0), (3, 0x40), (4, 0x40)] {
        gic::write8(GICD, gicd::IPRIORITYR + sgi, priority);
        gic::sgi(SELF, 0, sgi as u32);
    }
    let first = gic::read(GICC, gicc::IAR);
    line("first iar rpr hppir", &[u64::from(first), read_cc(gicc::RPR), read_cc(gicc::HPPIR)]);
    line("second iar while 3 active", &[read_cc(gicc::IAR)]);
    gic::write(GICC, gicc::EOIR, first);
    let second = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, second);
    let third = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, third);
    line("then", &[u64::from(second), u64::from(third), read_cc(gicc::IAR)]);
}

/// A handler that unmasks IRQs is preempted by a higher priority interrupt, not by a lower
/// one, which waits for the priority drop.
fn nested() {
    gic::write8(GICD, gicd::IPRIORITYR + 5, 0xa0);
    gic::write8(GICD, gicd::IPRIORITYR + 6, 0x40);
    gic::write8(GICD, gicd::IPRIORITYR + 7, 0xc0);
    set_action(
        5,
        Some(|| {
            gic::sgi(SELF, 0, 7);
            gic::sgi(SELF, 0, 6);
            gic::unmask_irq();
            gic::mask_irq();
        }),
    );
    gic::sgi(SELF, 0, 5);
    gic::unmask_irq();
    gic::mask_irq();
    print_log("nested");
    set_action(5, None);
}

/// GICC_BPR = 5: group priority = priority[7:6]; 0x90 does not preempt 0xa0 (same group
/// priority 0x80), 0x70 does (0x40).
fn binary_point() {
    gic::write(GICC, gicc::BPR, 5);
    line("bpr", &[read_cc(gicc::BPR)]);
    gic::write8(GICD, gicd::IPRIORITYR + 8, 0xa0);
    gic::write8(GICD, gicd::IPRIORITYR + 9, 0x90);
    gic::write8(GICD, gicd::IPRIORITYR + 10, 0x70);
    set_action(
        8,
        Some(|| {
            gic::sgi(SELF, 0, 9);
            gic::sgi(SELF, 0, 10);
            gic::unmask_irq();
            gic::mask_irq();
        }),
    );
    gic::sgi(SELF, 0, 8);
    gic::unmask_irq();
    gic::mask_irq();
    print_log("bpr 5");
    set_action(8, None);
    gic::write(GICC, gicc::BPR, 0);
}

/// With FIQEn, Group 0 is signalled as FIQ and Group 1 as IRQ (4.4.1); a pending FIQ of higher
/// priority is taken first.
fn fiq() {
    gic::set_group(11, true);
    gic::write8(GICD, gicd::IPRIORITYR + 11, 0x80);
    gic::write8(GICD, gicd::IPRIORITYR + 12, 0x40);
    gic::write(GICC, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1 | gicc::CTLR_ACKCTL | gicc::CTLR_FIQEN);
    gic::sgi(SELF, 0, 11);
    gic::sgi(SELF, 0, 12);
    // SAFETY: unmask, then mask again, FIQ and IRQ together: both are taken in between.
    unsafe { core::arch::asm!("msr daifclr, #3", "msr daifset, #3", options(nostack)) }
    print_log("fiq");
    gic::sgi(SELF, 0, 11);
    gic::unmask_fiq();
    gic::mask_fiq();
    line("group 1 with only fiq unmasked: pending", &[u64::from(gic::bit(gicd::ISPENDR, 11))]);
    gic::unmask_irq();
    gic::mask_irq();
    print_log("irq");
}

/// Without AckCtl, a Group 1 interrupt highest in priority reads as 1022 (3.2.5).
fn group1_spurious() {
    gic::write(GICC, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    gic::sgi(SELF, 0, 11);
    line("group 1, ackctl 0: hppir iar", &[read_cc(gicc::HPPIR), read_cc(gicc::IAR)]);
    gic::write(GICC, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1 | gicc::CTLR_ACKCTL);
    let iar = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, iar);
    line("ackctl 1: iar", &[u64::from(iar)]);
    gic::set_group(11, false);
    gic::write(GICC, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
}

/// EOImode = 1: EOIR drops the priority, GICC_DIR deactivates (3.2.1).
fn eoi_mode() {
    gic::write(GICC, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1 | gicc::CTLR_EOIMODE);
    gic::sgi(SELF, 0, 13);
    let iar = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, iar);
    line("eoimode 1 after eoir: rpr active", &[read_cc(gicc::RPR), u64::from(gic::bit(gicd::ISACTIVER, 13))]);
    gic::sgi(SELF, 0, 13);
    line("pending again while active: iar", &[read_cc(gicc::IAR)]);
    gic::write(GICC, gicc::DIR, iar);
    line(
        "after dir: active pending",
        &[u64::from(gic::bit(gicd::ISACTIVER, 13)), u64::from(gic::bit(gicd::ISPENDR, 13))],
    );
    let again = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, again);
    gic::write(GICC, gicc::DIR, again);
    line("then iar active", &[u64::from(again), u64::from(gic::bit(gicd::ISACTIVER, 13))]);
    gic::write(GICC, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
}

/// An SPI made pending through GICD_ISPENDR, targeted at this core, is acknowledged; clearing
/// the enable keeps it pending but not signalled.
fn software_spi() {
    let spi = 72;
    gic::write8(GICD, gicd::ITARGETSR + spi as usize, gic::my_interface());
    gic::write8(GICD, gicd::IPRIORITYR + spi as usize, 0x60);
    gic::set_bit(gicd::ISPENDR, spi);
    line("spi disabled: pending hppir", &[u64::from(gic::bit(gicd::ISPENDR, spi)), read_cc(gicc::HPPIR)]);
    gic::set_bit(gicd::ISENABLER, spi);
    gic::unmask_irq();
    gic::mask_irq();
    print_log("spi");
    line(
        "after: pending active",
        &[u64::from(gic::bit(gicd::ISPENDR, spi)), u64::from(gic::bit(gicd::ISACTIVER, spi))],
    );
    let _ = id::SPURIOUS;
}
