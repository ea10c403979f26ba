//! The platform around the core: PSCI over SMC from EL2 (ARM DEN 0022: PSCI_VERSION, PSCI_FEATURES, MIGRATE_INFO_TYPE; SMCCC's "unknown function"
//! for non-PSCI IDs), instruction fetches from an address with nothing behind it (a synchronous
//! external abort, D1.10.4), and self-modifying code made visible by IC IVAU + ISB (B2.4.x).

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::traps::{self, Resume};
use fwtest::{line, println};

support::entry!(main);

/// Nothing is mapped here on `virt` (between UART0 and the RTC).
const UNMAPPED: u64 = 0x0900_1000;

/// A code buffer in RAM that the program writes instructions into.
#[repr(C, align(64))]
struct Code([u32; 16]);

static mut CODE: Code = Code([0; 16]);

/// SMC #0 with x0 = `function`, x1 = `arg`; returns x0.
fn smc(function: u64, arg: u64) -> u64 {
    let mut x0 = function;
    // SAFETY: a PSCI call returns its result in x0; SMCCC lets it change x1..x3 as well.
    unsafe { asm!("smc #0", inout("x0") x0, inout("x1") arg => _, out("x2") _, out("x3") _) }
    x0
}

fn main() {
    fwtest::begin("platform");
    traps::install();
    psci();
    fetch_abort();
    self_modifying_code();
    fwtest::end();
}

fn psci() {
    line("psci version", &[smc(0x8400_0000, 0)]);
    line("migrate info type", &[smc(0x8400_0006, 0)]);
    for (name, id) in [
        ("version", 0x8400_0000u64),
        ("features", 0x8400_000a),
        ("system_off", 0x8400_0008),
        ("system_reset", 0x8400_0009),
        ("migrate_info_type", 0x8400_0006),
        ("system_reset2", 0x8400_0012),
        ("migrate", 0x8400_0005),
        ("not psci", 0x1234),
    ] {
        println!("psci features {} {:x}", name, smc(0x8400_000a, id));
    }
    traps::report("psci traps", 0, None);
    // SMCCC 1.x: an unknown function ID returns NOT_SUPPORTED (-1) in x0.
    line("smc unknown function", &[smc(0x1234, 0)]);
    line("smc unknown fast call", &[smc(0xc200_0001, 0)]);
    traps::report("smc unknown traps", 0, None);
}

/// BLR to an address with no memory behind it: an Instruction Abort (EC 0x21 at EL2, IFSC
/// 0b010000 synchronous external abort), with ELR = FAR = the target.
fn fetch_abort() {
    let previous = traps::set_resume(Resume::Link);
    // SAFETY: the fetch faults; the handler resumes at the link register (after the BLR).
    unsafe { asm!("blr {t}", t = in(reg) UNMAPPED, out("x30") _) }
    traps::set_resume(previous);
    match traps::take() {
        None => println!("fetch unmapped none"),
        Some(t) => println!("fetch unmapped el{} v{} esr={:x} elr={:x} far={:x}", t.el, t.vector, t.esr, t.elr, t.far),
    }
}

/// Writes `mov x0, #imm; ret` into the code buffer, makes it visible to instruction fetch, and
/// calls it; twice, so the second call must see the new immediate.
fn self_modifying_code() {
    let code = core::ptr::addr_of_mut!(CODE) as u64;
    for imm in [0x11u32, 0x2222, 0x7ff] {
        let mov_x0 = 0xd280_0000 | (imm << 5); // MOVZ X0, #imm
        let ret = 0xd65f_03c0u32;
        // SAFETY: the buffer is ours, 4-byte aligned; the stores, cache maintenance and ISB follow
        // the sequence of B2.4.4 for modified instructions; the called code only writes x0.
        let value = unsafe {
            let p = code as *mut u32;
            p.write_volatile(mov_x0);
            p.add(1).write_volatile(ret);
            let value: u64;
            asm!(
                "dc cvau, {c}",
                "dsb ish",
                "ic ivau, {c}",
                "dsb ish",
                "isb",
                "blr {c}",
                c = in(reg) code, out("x0") value, out("x30") _,
            );
            value
        };
        line("self-modifying code returned", &[value]);
    }
}
