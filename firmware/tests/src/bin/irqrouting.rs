//! Routing and masking of physical interrupts by HCR_EL2.IMO/FMO (DDI 0487 D1.4.x "Asynchronous
//! exception routing" and "Asynchronous exception masking", the tables for HCR_EL2.{TGE,IMO,FMO}):
//! a physical IRQ (an SGI to self in Group 1) and a physical FIQ (an SGI in Group 0 with
//! GICC_CTLR.FIQEn) raised while EL1 runs, with the routing bit set and clear and with EL1's
//! PSTATE mask set and clear. When routed to EL2 the interrupt is taken from EL1 whatever
//! PSTATE.I/F at EL1 says; when not routed it is taken at EL1 only when unmasked there. A
//! routed interrupt is not taken at EL2 while EL2's own mask is set.
//!
//! The handlers acknowledge the interrupt at the GIC CPU interface (IAR, EOIR) and print where it
//! arrived. Compared with QEMU 10 byte for byte.

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::gic::{self, gicc};
use fwtest::{line, println};
use support::{read_sysreg, write_sysreg, Global, TrapFrame, VectorKind};

support::entry!(main);

/// Where the last interrupt arrived: (EL, vector index, INTID acknowledged).
static SEEN: Global<Option<(u8, u8, u32)>> = Global::new(None);

fn acknowledge(el: u8, kind: VectorKind) -> bool {
    if !matches!(kind as u8 % 4, 1 | 2) {
        return false;
    }
    let iar = gic::read(gic::GICC, gicc::IAR);
    gic::write(gic::GICC, gicc::EOIR, iar);
    SEEN.set(Some((el, kind as u8, iar & 0x3ff)));
    true
}

fn el2_handler(_frame: &mut TrapFrame, kind: VectorKind) -> bool {
    acknowledge(2, kind)
}

fn el1_handler(_frame: &mut TrapFrame, kind: VectorKind) -> bool {
    acknowledge(1, kind)
}

/// HCR_EL2 bits (D24.2 HCR_EL2).
const FMO: u64 = 1 << 3;
const IMO: u64 = 1 << 4;

/// SGI numbers: 3 in Group 1 (IRQ), 5 in Group 0 (FIQ with FIQEn).
const SGI_IRQ: u32 = 3;
const SGI_FIQ: u32 = 5;

fn main() {
    fwtest::begin("irqrouting");
    support::set_el2_handler(Some(el2_handler));
    support::set_el1_handler(Some(el1_handler));
    gic::enable_distributor();
    // AckCtl: GICC_IAR acknowledges Group 1 interrupts too (IHI 0048B 4.4.1).
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1 | gicc::CTLR_ACKCTL | gicc::CTLR_FIQEN);
    gic::write(gic::GICC, gicc::PMR, 0xff);
    gic::enable(SGI_IRQ, 0x80);
    gic::set_group(SGI_IRQ, true);
    gic::enable(SGI_FIQ, 0x40);
    gic::set_group(SGI_FIQ, false);
    let hcr = read_sysreg!(hcr_el2);
    for (name, sgi, route) in [("irq", SGI_IRQ, IMO), ("fiq", SGI_FIQ, FMO)] {
        for routed in [true, false] {
            for el1_masked in [false, true] {
                let value = if routed { hcr | route } else { hcr & !route };
                write_sysreg!(hcr_el2, value);
                support::sysreg::isb();
                let arg = u64::from(sgi) | (u64::from(el1_masked) << 8);
                support::drop_to_el1(raise_at_el1, support::el1_stack_top(), arg);
                let taken = SEEN.replace(None);
                write_sysreg!(hcr_el2, hcr);
                // What is still pending (masked at EL1 and not routed) is acknowledged here.
                let iar = gic::read(gic::GICC, gicc::IAR);
                if iar & 0x3ff != 1023 {
                    gic::write(gic::GICC, gicc::EOIR, iar);
                }
                println!(
                    "{} routed={} el1_masked={} taken={} left_pending={}",
                    name,
                    u8::from(routed),
                    u8::from(el1_masked),
                    describe(taken),
                    u8::from(iar & 0x3ff != 1023)
                );
            }
        }
    }
    // A routed IRQ raised at EL2 is taken at EL2 only when EL2 unmasks it.
    write_sysreg!(hcr_el2, hcr | IMO);
    gic::sgi(2, 0, SGI_IRQ);
    support::sysreg::isb();
    line("el2 masked, pending", &[u64::from(SEEN.get().is_some())]);
    // SAFETY: as above.
    unsafe { asm!("msr daifclr, #2", "isb", "nop", "msr daifset, #2") }
    println!("el2 unmasked taken={}", describe(SEEN.replace(None)));
    write_sysreg!(hcr_el2, hcr);
    fwtest::end();
}

fn describe(seen: Option<(u8, u8, u32)>) -> &'static str {
    match seen {
        None => "none",
        Some((2, 9, _)) => "el2 lower irq",
        Some((2, 10, _)) => "el2 lower fiq",
        Some((2, 5, _)) => "el2 current irq",
        Some((2, 6, _)) => "el2 current fiq",
        Some((1, 5, _)) => "el1 current irq",
        Some((1, 6, _)) => "el1 current fiq",
        Some(_) => "elsewhere",
    }
}

/// At EL1: set or clear the EL1 masks, send the SGI (bits 7:0 of `arg`) to this core, wait a
/// little, then mask again and return.
extern "C" fn raise_at_el1(arg: u64) -> u64 {
    let sgi = (arg & 0xff) as u32;
    let masked = arg & 0x100 != 0;
    // SAFETY: only PSTATE masks change; the handlers acknowledge what is taken.
    unsafe {
        if masked {
            asm!("msr daifset, #3");
        } else {
            asm!("msr daifclr, #3");
        }
    }
    gic::sgi(2, 0, sgi);
    // SAFETY: a barrier and a few instructions for the interrupt to arrive.
    unsafe { asm!("isb", "nop", "nop", "nop", "msr daifset, #3") }
    0
}
