//! Synchronous exceptions from EL2, EL1 and EL0 (DDI 0487 D1.10): exception generating
//! instructions (SVC, HVC, SMC, BRK, HLT), UNDEFINED encodings and accesses, EL0 accesses that
//! SCTLR_EL1 traps, data and instruction aborts from the bus, PC alignment and the Illegal
//! Execution state. Each case prints the EL and vector that took it, ESR, ELR relative to the
//! instruction, SPSR and, for aborts, FAR.

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::traps::{self, Resume};
use fwtest::{line, println};
use support::{read_sysreg, write_sysreg};

support::entry!(main);

/// A physical address with nothing behind it on `virt` (between UART0 and the RTC), so an
/// access ends in a synchronous external abort.
const UNMAPPED: u64 = 0x0900_1000;

/// Runs one instruction (assembly text) after taking its address; returns the address.
macro_rules! provoke {
    ($insn:literal) => {{
        let at: u64;
        // SAFETY: the instruction raises an exception that the recording handler resumes from
        // at the next instruction, with every register restored from the trap frame; x0 is
        // the destination of the instructions that have one.
        unsafe { asm!(concat!("adr {at}, 2f\n2: ", $insn), at = out(reg) at, out("x0") _) }
        at
    }};
}

/// SMC with x0 = `function`; returns (address of the SMC, x0 afterwards).
fn smc(function: u64) -> (u64, u64) {
    let at: u64;
    let mut x0 = function;
    // SAFETY: an SMC either returns a PSCI result in x0 or raises an exception the handler
    // resumes from.
    unsafe { asm!("adr x9, 2f", "2: smc #0", out("x9") at, inout("x0") x0) }
    (at, x0)
}

fn main() {
    fwtest::begin("exceptions");
    traps::install();
    at_el2();
    let r = support::drop_to_el1(at_el1, support::el1_stack_top(), 0x11);
    line("el1 returned", &[r]);
    fwtest::end();
}

fn at_el2() {
    let at = provoke!("brk #0x12");
    traps::report("el2 brk", at, None);
    let at = provoke!("brk #0xffff");
    traps::report("el2 brk max", at, None);
    let at = provoke!("svc #0x34");
    traps::report("el2 svc", at, None);
    let at = provoke!("hvc #0x56");
    traps::report("el2 hvc", at, None);
    let at = provoke!(".inst 0x00000000");
    traps::report("el2 udf zero", at, None);
    let at = provoke!(".inst 0xffffffff");
    traps::report("el2 undef ones", at, None);
    let at = provoke!("hlt #0");
    traps::report("el2 hlt", at, None);
    // An MSR to a read-only register and an MRS of a write-only one are UNDEFINED.
    let at = provoke!(".inst 0xd518001f"); // msr midr_el1, xzr
    traps::report("el2 msr ro", at, None);
    // ERET at EL2 with SPSR = EL2h and ELR = the next instruction behaves like a branch.
    let at: u64;
    let spsr: u64;
    // SAFETY: ERET returns to label 3 at EL2h with the DAIF masks of the boot code.
    unsafe {
        asm!(
            "mrs {keep}, spsr_el2",
            "mov {tmp}, #0x3c9",
            "msr spsr_el2, {tmp}",
            "adr {tmp}, 3f",
            "msr elr_el2, {tmp}",
            "adr {at}, 2f",
            "2: eret",
            "3: mrs {spsr}, spsr_el2",
            "msr spsr_el2, {keep}",
            at = out(reg) at, tmp = out(reg) _, keep = out(reg) _, spsr = out(reg) spsr,
        )
    }
    line("el2 eret spsr", &[spsr]);
    traps::report("el2 eret", at, None);

    // PSCI through SMC: PSCI_VERSION and PSCI_FEATURES(SYSTEM_OFF).
    let (_, version) = smc(0x8400_0000);
    line("el2 psci version", &[version]);
    traps::report("el2 psci trap", 0, None);

    aborts("el2");
    pc_alignment("el2");
    illegal_return();
}

/// Loads and stores to an address with no device: synchronous external aborts (EC 0x24/0x25,
/// DFSC 0x10, FAR = the address).
fn aborts(level: &str) {
    let addr = UNMAPPED;
    for (name, store) in [("ldr", false), ("str", true)] {
        let at: u64;
        // SAFETY: the access aborts; the handler resumes after it.
        unsafe {
            if store {
                asm!("adr {at}, 2f", "2: str {v:w}, [{a}]", at = out(reg) at, a = in(reg) addr, v = in(reg) 0x55u64);
            } else {
                asm!("adr {at}, 2f", "2: ldr {v}, [{a}, #8]", at = out(reg) at, a = in(reg) addr, v = out(reg) _);
            }
        }
        print_abort(level, name, at);
    }
    let at: u64;
    // SAFETY: a byte load that aborts, sign-extending to W (the syndrome records SSE and SF).
    unsafe { asm!("adr {at}, 2f", "2: ldrsb {v:w}, [{a}]", at = out(reg) at, a = in(reg) addr, v = out(reg) _) }
    print_abort(level, "ldrsb", at);
    let at: u64;
    // SAFETY: a pair load that aborts.
    unsafe {
        asm!("adr {at}, 2f", "2: ldp {v}, {w}, [{a}]", at = out(reg) at, a = in(reg) addr, v = out(reg) _, w = out(reg) _)
    }
    print_abort(level, "ldp", at);
}

fn print_abort(level: &str, name: &str, at: u64) {
    match traps::take() {
        None => println!("{} abort {} none", level, name),
        Some(t) => println!(
            "{} abort {} el{} v{} esr={:x} elr={:x} far={:x}",
            level,
            name,
            t.el,
            t.vector,
            t.esr,
            t.elr.wrapping_sub(at),
            t.far
        ),
    }
}

/// BLR to a misaligned address: a PC alignment fault (EC 0x22) with ELR = FAR = the target.
fn pc_alignment(level: &str) {
    let previous = traps::set_resume(Resume::Link);
    let target: u64;
    // SAFETY: the branch faults at the target; the handler resumes at the link register, i.e.
    // right after the BLR.
    unsafe {
        asm!("adr {t}, 3f", "add {t}, {t}, #2", "blr {t}", "b 4f", "3: nop", "nop", "4:",
            t = out(reg) target)
    }
    traps::set_resume(previous);
    match traps::take() {
        None => println!("{} pc align none", level),
        Some(t) => println!(
            "{} pc align el{} v{} esr={:x} elr={:x} far={:x}",
            level,
            t.el,
            t.vector,
            t.esr,
            t.elr.wrapping_sub(target),
            t.far.wrapping_sub(target)
        ),
    }
}

/// ERET with SPSR.M naming EL3 (not implemented) and then AArch32: illegal exception returns
/// (D1.11.2) that stay at EL2 with PSTATE.IL set, so the next instruction takes an Illegal
/// Execution state exception (EC 0x0E) whose SPSR has IL set.
fn illegal_return() {
    let previous = traps::set_resume(Resume::ClearIllegal);
    for (name, spsr) in [("el3h", 0x3cdu64), ("aarch32", 0x3d3), ("el1 m1", 0x3c7)] {
        let target: u64;
        // SAFETY: the ERET "returns" to label 3 at EL2 with IL set; the handler clears IL and
        // resumes there.
        unsafe {
            asm!(
                "mrs {keep}, spsr_el2",
                "msr spsr_el2, {s}",
                "adr {t}, 3f",
                "msr elr_el2, {t}",
                "eret",
                "3: nop",
                "msr spsr_el2, {keep}",
                s = in(reg) spsr, t = out(reg) target, keep = out(reg) _,
            )
        }
        traps::report(name, target, None);
    }
    traps::set_resume(previous);
}

extern "C" fn at_el1(arg: u64) -> u64 {
    line("el1 arg", &[arg]);
    let at = provoke!("svc #0x77");
    traps::report("el1 svc", at, None);
    let at = provoke!("hvc #0x88");
    traps::report("el1 hvc", at, None);
    let at = provoke!("brk #0x99");
    traps::report("el1 brk", at, None);
    let at = provoke!(".inst 0x00000000");
    traps::report("el1 udf", at, None);
    let at = provoke!("hlt #1");
    traps::report("el1 hlt", at, None);
    // EL2 registers and instructions are UNDEFINED at EL1.
    let at = provoke!("mrs x0, hcr_el2");
    traps::report("el1 mrs hcr_el2", at, None);
    let at = provoke!("msr vbar_el2, xzr");
    traps::report("el1 msr vbar_el2", at, None);
    let at = provoke!("mrs x0, sp_el1");
    traps::report("el1 mrs sp_el1", at, None);
    let at = provoke!("tlbi alle2");
    traps::report("el1 tlbi alle2", at, None);
    let at = provoke!("at s1e2r, x0");
    traps::report("el1 at s1e2r", at, None);
    let (_, version) = smc(0x8400_0000);
    line("el1 psci version", &[version]);
    traps::report("el1 psci trap", 0, None);
    // SMC trapped to EL2 by HCR_EL2.TSC is set from EL2; see the trap matrix of the EL2 issue.
    aborts("el1");
    pc_alignment("el1");

    // EL0 with every SCTLR_EL1 EL0 control closed, then open.
    let sctlr = read_sysreg!(sctlr_el1);
    let closed = sctlr & !((1 << 9) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26));
    write_sysreg!(sctlr_el1, closed);
    support::sysreg::isb();
    let r = support::drop_to_el0(at_el0_closed, support::el0_stack_top(), 0x22);
    line("el0 closed returned", &[r]);
    let open = closed | (1 << 9) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26);
    write_sysreg!(sctlr_el1, open);
    support::sysreg::isb();
    let r = support::drop_to_el0(at_el0_open, support::el0_stack_top(), 0x33);
    line("el0 open returned", &[r]);
    write_sysreg!(sctlr_el1, sctlr);
    support::sysreg::isb();
    0x44
}

extern "C" fn at_el0_closed(arg: u64) -> u64 {
    line("el0 arg", &[arg]);
    let at = provoke!("svc #0x1");
    traps::report("el0 svc", at, None);
    let at = provoke!("brk #0x2");
    traps::report("el0 brk", at, None);
    let at = provoke!("hvc #0x3");
    traps::report("el0 hvc", at, None);
    let at = provoke!("smc #0x4");
    traps::report("el0 smc", at, None);
    let at = provoke!("mrs x0, sctlr_el1");
    traps::report("el0 mrs sctlr_el1", at, None);
    let at = provoke!("mrs x0, CurrentEL");
    traps::report("el0 mrs currentel", at, None);
    let at = provoke!("msr spsel, #0");
    traps::report("el0 msr spsel", at, None);
    let at = provoke!("eret");
    traps::report("el0 eret", at, None);
    let at = provoke!("mrs x0, ctr_el0");
    traps::report("el0 ctr uct=0", at, None);
    // MSR DAIFSet at EL0 with UMA = 0 is in `armarm` (QEMU swaps Op1 and Op2 in the ISS).
    let at = provoke!("mrs x0, daif");
    traps::report("el0 mrs daif uma=0", at, None);
    let at = provoke!("dc zva, x0");
    traps::report("el0 dc zva dze=0", at, None);
    let dczid = read_sysreg!(dczid_el0);
    line("el0 dczid dze=0", &[dczid]);
    let at = provoke!("wfi");
    traps::report("el0 wfi ntwi=0", at, None);
    // With the Event Register set, WFE completes at once and is not trapped (D1.16.1). A WFE
    // that would wait is trapped (D1.16.3), but QEMU never traps WFE: that case is in
    // `arm_only`.
    let at = provoke!("sevl\n wfe");
    traps::report("el0 sevl wfe ntwe=0", at, None);
    let at = provoke!("ic ivau, x0");
    traps::report("el0 ic ivau uci=0", at, None);
    let at = provoke!("dc cvau, x0");
    traps::report("el0 dc cvau uci=0", at, None);
    let at = provoke!("dc ivac, x0");
    traps::report("el0 dc ivac", at, None);
    let at = provoke!("tlbi vmalle1");
    traps::report("el0 tlbi", at, None);
    aborts("el0");
    pc_alignment("el0");
    0x55
}

extern "C" fn at_el0_open(arg: u64) -> u64 {
    line("el0 arg", &[arg]);
    let ctr = read_sysreg!(ctr_el0);
    line("el0 ctr uct=1", &[ctr]);
    traps::report("el0 ctr trap", 0, None);
    let dczid = read_sysreg!(dczid_el0);
    line("el0 dczid dze=1", &[dczid]);
    let daif: u64;
    // SAFETY: with UMA = 1, EL0 may read and write DAIF.
    unsafe { asm!("msr daifclr, #4", "mrs {d}, daif", "msr daifset, #4", d = out(reg) daif) }
    line("el0 daif uma=1", &[daif]);
    traps::report("el0 daif trap", 0, None);
    let nzcv: u64;
    // SAFETY: NZCV is always accessible; CMP sets Z and C.
    unsafe { asm!("cmp {a}, {a}", "mrs {n}, nzcv", a = in(reg) 5u64, n = out(reg) nzcv) }
    line("el0 nzcv", &[nzcv]);
    let at: u64;
    // SAFETY: with UCI = 1, IC IVAU is allowed at EL0; x0 is a code address in RAM.
    unsafe { asm!("adr x0, 2f", "adr {at}, 2f", "2: ic ivau, x0", at = out(reg) at, out("x0") _) }
    traps::report("el0 ic ivau uci=1", at, None);
    0x66
}
