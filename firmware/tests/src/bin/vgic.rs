//! Virtual interrupts for an EL1 guest (ARM IHI 0048B chapter 5; DDI 0487 D1.4.6): EL2 sets
//! HCR_EL2.IMO/FMO, fills GICH list registers and runs a guest at EL1 that takes virtual IRQs
//! and acknowledges and ends them through GICV, its view of a CPU interface.
//!
//! Cases: a software list register (pending → active → invalid); a hardware one (HW = 1),
//! whose deactivation by the guest deactivates the physical SPI EL2 acknowledged; the
//! maintenance interrupt (PPI 25, taken to EL2 while the guest runs) for an EOI-requesting list
//! register (MISR.EOI, EISR), for underflow (HCR.UIE, MISR.U: EL2 refills the list registers),
//! for no pending (HCR.NPIE, MISR.NP) and for an EOI that matches no list register
//! (HCR.LRENPIE, EOICount, MISR.LRENP); priority order among list registers; GICH_VTR,
//! GICH_VMCR and GICH_APR; and a virtual IRQ from HCR_EL2.VI alone, with ISR_EL1.
//!
//! The guest and the maintenance handler log separately, so the output does not depend on
//! the instruction at which the maintenance interrupt is taken.

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::gic::{self, gicc, gicd, gich, id, GICC, GICD, GICH, GICV};
use fwtest::{line, print, println, traps};
use support::vectors::ec;
use support::{read_sysreg, write_sysreg, Global, TrapFrame, VectorKind};

support::entry!(main);

/// A small log of u32 values.
struct Log {
    items: Global<[u32; 16]>,
    len: Global<usize>,
}

impl Log {
    const fn new() -> Log {
        Log { items: Global::new([0; 16]), len: Global::new(0) }
    }
    fn push(&self, value: u32) {
        let n = self.len.get();
        if n < 16 {
            let mut items = self.items.get();
            items[n] = value;
            self.items.set(items);
            self.len.set(n + 1);
        }
    }
    fn print(&self, label: &str) {
        print!("{}:", label);
        for value in self.items.get().iter().take(self.len.get()) {
            print!(" {:x}", value);
        }
        println!();
        self.len.set(0);
    }
}

/// Virtual IDs the guest acknowledged, in order.
static GUEST: Log = Log::new();
/// Per maintenance interrupt: MISR, then EISR0, then HCR.EOICount.
static MAINT: Log = Log::new();
/// What EL2 does on a maintenance interrupt, after logging it.
static ON_MAINTENANCE: Global<fn(u32)> = Global::new(|_| {});
/// The guest's HVC #1 asks EL2 to take list register 0 away (as a hypervisor switching it out).
const HVC_EVICT: u16 = 1;
/// The guest's HVC #2 asks EL2 to clear HCR_EL2.VI.
const HVC_CLEAR_VI: u16 = 2;
/// Set while the guest expects a virtual IRQ from HCR_EL2.VI rather than from GICV.
static VI_MODE: Global<bool> = Global::new(false);
/// ISR_EL1 as the guest read it in the HCR_EL2.VI handler.
static ISR_SEEN: Global<u64> = Global::new(0);

const HCR_VI: u64 = 1 << 7;

fn lr(n: usize) -> u32 {
    gic::read(GICH, gich::LR0 + 4 * n)
}

fn set_lr(n: usize, value: u32) {
    gic::write(GICH, gich::LR0 + 4 * n, value);
}

/// A pending software list register for virtual interrupt `vid` with priority `priority`.
fn pending(vid: u32, priority: u8) -> u32 {
    gich::LR_PENDING | (u32::from(priority >> 3) << gich::LR_PRIORITY_SHIFT) | vid
}

fn el2_handler(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    match kind {
        VectorKind::Lower64Irq | VectorKind::CurrentSpxIrq => {
            let iar = gic::read(GICC, gicc::IAR);
            let intid = iar & 0x3ff;
            if intid == id::MAINTENANCE {
                let misr = gic::read(GICH, gich::MISR);
                MAINT.push(misr);
                MAINT.push(gic::read(GICH, gich::EISR0));
                MAINT.push(gic::read(GICH, gich::HCR) >> 27);
                ON_MAINTENANCE.get()(misr);
            } else if intid < 1020 {
                println!("unexpected physical interrupt {}", intid);
            }
            if intid < 1020 {
                gic::write(GICC, gicc::EOIR, iar);
                gic::write(GICC, gicc::DIR, iar);
            }
            true
        }
        VectorKind::Lower64Sync if frame.ec() == ec::HVC64 => {
            match frame.iss() as u16 {
                HVC_EVICT => set_lr(0, 0),
                HVC_CLEAR_VI => {
                    write_sysreg!(hcr_el2, read_sysreg!(hcr_el2) & !HCR_VI);
                }
                _ => return false,
            }
            true
        }
        _ => traps::record_exception(2, frame, kind),
    }
}

fn guest_handler(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    if kind != VectorKind::CurrentSpxIrq {
        return traps::record_exception(1, frame, kind);
    }
    if VI_MODE.get() {
        ISR_SEEN.set(read_sysreg!(isr_el1));
        GUEST.push(0x100);
        // SAFETY: a hypercall the EL2 handler serves; it changes no register.
        unsafe { asm!("hvc #2", options(nostack)) }
        return true;
    }
    let iar = gic::read(GICV, gicc::IAR);
    let vid = iar & 0x3ff;
    GUEST.push(vid);
    if vid == 46 {
        // SAFETY: as above: EL2 evicts list register 0 while 46 is active.
        unsafe { asm!("hvc #1", options(nostack)) }
    }
    if vid < 1020 {
        gic::write(GICV, gicc::EOIR, iar);
    }
    true
}

/// The guest: enables its (virtual) CPU interface and takes virtual IRQs until it has seen
/// `expected` in all; returns how many it saw.
extern "C" fn guest(expected: u64) -> u64 {
    gic::write(GICV, gicc::PMR, 0xf8);
    gic::write(GICV, gicc::CTLR, gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    gic::mask_irq();
    let mut spins = 0;
    while (GUEST.len.get() as u64) < expected && spins < 1000 {
        gic::unmask_irq();
        gic::mask_irq();
        spins += 1;
    }
    GUEST.len.get() as u64
}

/// Runs the guest and prints what it and EL2 saw, and the list registers afterwards.
fn run(label: &str, expected: u64) {
    support::drop_to_el1(guest, support::el1_stack_top(), expected);
    GUEST.print(label);
    MAINT.print("  maintenance misr,eisr,eoicount");
    println!(
        "  after: lr0 {:x} lr1 {:x} elrsr {:x} eisr {:x} misr {:x} hcr {:x} apr {:x}",
        lr(0),
        lr(1),
        gic::read(GICH, gich::ELRSR0),
        gic::read(GICH, gich::EISR0),
        gic::read(GICH, gich::MISR),
        gic::read(GICH, gich::HCR),
        gic::read(GICH, gich::APR)
    );
    for n in 0..4 {
        set_lr(n, 0);
    }
    gic::write(GICH, gich::HCR, gich::HCR_EN);
    ON_MAINTENANCE.set(|_| {});
}

fn main() {
    fwtest::begin("vgic");
    traps::install();
    support::set_el2_handler(Some(el2_handler));
    support::set_el1_handler(Some(guest_handler));
    gic::route_to_el2();
    gic::enable_distributor();
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1 | gicc::CTLR_EOIMODE);
    gic::enable(id::MAINTENANCE, 0x80);
    line("vtr", &[u64::from(gic::read(GICH, gich::VTR))]);
    line(
        "reset: hcr vmcr elrsr misr",
        &[
            u64::from(gic::read(GICH, gich::HCR)),
            u64::from(gic::read(GICH, gich::VMCR)),
            u64::from(gic::read(GICH, gich::ELRSR0)),
            u64::from(gic::read(GICH, gich::MISR)),
        ],
    );
    gic::write(GICH, gich::HCR, gich::HCR_EN);

    software();
    hardware();
    eoi_maintenance();
    underflow();
    no_pending();
    entry_not_present();
    hcr_vi();
    fwtest::end();
}

/// Two software list registers: taken in priority order, each left invalid by the EOI.
fn software() {
    set_lr(0, pending(40, 0x80));
    set_lr(1, pending(41, 0x40));
    line("software: lr0 lr1 elrsr", &[u64::from(lr(0)), u64::from(lr(1)), u64::from(gic::read(GICH, gich::ELRSR0))]);
    run("software: guest saw", 2);
    line("vmcr after the guest", &[u64::from(gic::read(GICH, gich::VMCR))]);
}

/// HW = 1: the guest's deactivation of the virtual interrupt deactivates physical SPI 80.
fn hardware() {
    let spi = 112;
    gic::write8(GICD, gicd::ITARGETSR + spi as usize, gic::my_interface());
    gic::enable(spi, 0x40);
    gic::set_bit(gicd::ISPENDR, spi);
    let iar = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, iar); // EOImode 1: priority drop only
    line(
        "hardware: physical iar active rpr",
        &[u64::from(iar), u64::from(gic::bit(gicd::ISACTIVER, spi)), u64::from(gic::read(GICC, gicc::RPR))],
    );
    set_lr(0, gich::LR_HW | (spi << gich::LR_PHYSICAL_SHIFT) | pending(50, 0x80));
    run("hardware: guest saw", 1);
    line("hardware: physical active after", &[u64::from(gic::bit(gicd::ISACTIVER, spi))]);
}

/// LR.EOI: the guest's EOI of the interrupt raises the maintenance interrupt (MISR.EOI, EISR),
/// which EL2 takes while the guest runs and clears by emptying the list register.
fn eoi_maintenance() {
    ON_MAINTENANCE.set(|_| set_lr(0, 0));
    set_lr(0, gich::LR_EOI | pending(42, 0x80));
    run("eoi: guest saw", 1);
}

/// HCR.UIE: with at most one valid list register the maintenance interrupt asks for more;
/// EL2 refills once, then turns UIE off.
fn underflow() {
    ON_MAINTENANCE.set(|misr| {
        if misr & 2 != 0 {
            if lr(2) == 0 {
                set_lr(2, pending(45, 0x18));
                set_lr(3, pending(47, 0x20));
            } else {
                gic::write(GICH, gich::HCR, gich::HCR_EN);
            }
        }
    });
    set_lr(0, pending(43, 0x08));
    set_lr(1, pending(44, 0x10));
    gic::write(GICH, gich::HCR, gich::HCR_EN | gich::HCR_UIE);
    line("underflow: misr with two valid", &[u64::from(gic::read(GICH, gich::MISR))]);
    run("underflow: guest saw", 4);
}

/// HCR.NPIE: once the guest has acknowledged the only pending list register, nothing is
/// pending: MISR.NP.
fn no_pending() {
    ON_MAINTENANCE.set(|_| gic::write(GICH, gich::HCR, gich::HCR_EN));
    set_lr(0, pending(48, 0x80));
    gic::write(GICH, gich::HCR, gich::HCR_EN | gich::HCR_NPIE);
    run("no pending: guest saw", 1);
}

/// HCR.LRENPIE: EL2 takes list register 0 away while the guest handles 46; the guest's EOI
/// then matches no list register: EOICount counts it, MISR.LRENP; EL2 clears the count.
fn entry_not_present() {
    ON_MAINTENANCE.set(|_| gic::write(GICH, gich::HCR, gich::HCR_EN));
    set_lr(0, pending(46, 0x80));
    gic::write(GICH, gich::HCR, gich::HCR_EN | gich::HCR_LRENPIE);
    run("entry not present: guest saw", 1);
}

/// HCR_EL2.VI alone raises a virtual IRQ at EL1 (ISR_EL1.I), until EL2 clears it.
fn hcr_vi() {
    gic::write(GICH, gich::HCR, 0);
    VI_MODE.set(true);
    write_sysreg!(hcr_el2, read_sysreg!(hcr_el2) | HCR_VI);
    support::sysreg::isb();
    run("hcr_el2.vi: guest saw", 1);
    VI_MODE.set(false);
    line("isr_el1 in the guest, hcr_el2.vi after", &[ISR_SEEN.get(), (read_sysreg!(hcr_el2) >> 7) & 1]);
}
