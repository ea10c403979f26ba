//! Moving between exception levels (DDI 0487 D1.10, D1.11): EL2 -> EL1 -> EL0 by ERET and back
//! by HVC/SVC, what each level sees of PSTATE (CurrentEL, SPSel, DAIF, NZCV), the banked stack
//! pointers, SPSR/ELR as the level above saves them, the vector chosen for exceptions taken with
//! SP_EL0 and with SP_ELx, and an ERET that restores NZCV and DAIF from SPSR.

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::traps::{self, Taken};
use fwtest::{line, println};
use support::{read_sysreg, write_sysreg, Global, TrapFrame, VectorKind};

support::entry!(main);

/// What the EL2 handler saw of the last HVC #0x10 from EL1: SPSR_EL2, ELR_EL2 relative to the
/// HVC, ESR_EL2.
static SEEN: Global<Option<Taken>> = Global::new(None);

fn main() {
    fwtest::begin("levels");
    traps::install();
    println!(
        "el2 currentel={:x} spsel={:x} daif={:x}",
        read_sysreg!(CurrentEL),
        read_sysreg!(SPSel),
        read_sysreg!(daif)
    );
    banked_stack_pointers();
    spsel_vectors("el2");
    eret_restores_pstate();
    let r = support::drop_to_el1(at_el1, support::el1_stack_top(), 0x1234);
    line("el2 back from el1", &[r]);
    println!(
        "el2 currentel={:x} spsel={:x} daif={:x}",
        read_sysreg!(CurrentEL),
        read_sysreg!(SPSel),
        read_sysreg!(daif)
    );
    let r = support::drop_to_el1(el1_then_el0, support::el1_stack_top(), 7);
    line("el2 back from el1 and el0", &[r]);
    fwtest::end();
}

/// SP_EL0 and SP_EL1 written and read from EL2 (C5.2.x); SP_EL2 is the SP in use.
fn banked_stack_pointers() {
    let old0 = read_sysreg!(sp_el0);
    let old1 = read_sysreg!(sp_el1);
    write_sysreg!(sp_el0, 0x1111_0000);
    write_sysreg!(sp_el1, 0x2222_0000);
    let (sp0, sp1) = (read_sysreg!(sp_el0), read_sysreg!(sp_el1));
    // With SPSel = 0 the SP register is SP_EL0.
    let sp_t: u64;
    // SAFETY: SPSel is restored at once; nothing uses the stack in between.
    unsafe { asm!("msr spsel, #0", "mov {s}, sp", "msr spsel, #1", s = out(reg) sp_t) }
    line("el2 sp_el0 sp_el1 sp(spsel=0)", &[sp0, sp1, sp_t]);
    write_sysreg!(sp_el0, old0);
    write_sysreg!(sp_el1, old1);
}

/// A BRK taken with SPSel = 0 uses the "current EL with SP_EL0" vector (offset 0x000) and saves
/// M = ELxt; with SPSel = 1 the "SP_ELx" vector (0x200) and M = ELxh (D1.10.2).
fn spsel_vectors(level: &str) {
    let at: u64;
    // SAFETY: the BRK is taken on SP_ELx and resumed after; SPSel is restored.
    unsafe { asm!("msr spsel, #0", "adr {at}, 2f", "2: brk #1", "msr spsel, #1", at = out(reg) at) }
    print_taken(level, "brk spsel=0", at);
    let at: u64;
    // SAFETY: as above, with SPSel = 1 throughout.
    unsafe { asm!("adr {at}, 2f", "2: brk #2", at = out(reg) at) }
    print_taken(level, "brk spsel=1", at);
}

fn print_taken(level: &str, label: &str, at: u64) {
    match traps::take() {
        None => println!("{} {} none", level, label),
        Some(t) => println!(
            "{} {} el{} v{} esr={:x} elr={:x} spsr={:x}",
            level,
            label,
            t.el,
            t.vector,
            t.esr,
            t.elr.wrapping_sub(at),
            t.spsr & 0xf000_03ff
        ),
    }
}

/// ERET at EL2 to EL2h with SPSR carrying NZCV = 1010 and DAIF = D, F: the flags and masks
/// after the ERET are SPSR's (D1.11.1).
fn eret_restores_pstate() {
    let nzcv: u64;
    let daif: u64;
    // SAFETY: the ERET stays at EL2h and continues at label 3; DAIF is restored to all-masked.
    unsafe {
        asm!(
            "mrs {keep}, spsr_el2",
            "mov {t}, #0x0249",
            "movk {t}, #0xa000, lsl #16",
            "msr spsr_el2, {t}",
            "adr {t}, 3f",
            "msr elr_el2, {t}",
            "eret",
            "3: mrs {n}, nzcv",
            "mrs {d}, daif",
            "msr daifset, #0xf",
            "msr spsr_el2, {keep}",
            keep = out(reg) _, t = out(reg) _, n = out(reg) nzcv, d = out(reg) daif,
        )
    }
    line("el2 eret nzcv daif", &[nzcv, daif]);
}

/// The EL2 handler for HVC #0x10 from EL1: records SPSR_EL2/ELR_EL2/ESR_EL2 and returns
/// x0 + 1 in x0.
fn el2_hvc(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    if kind == VectorKind::Lower64Sync && frame.ec() == 0x16 && frame.iss() == 0x10 {
        SEEN.set(Some(Taken {
            el: 2,
            vector: kind as u8,
            esr: frame.esr,
            elr: frame.elr,
            spsr: frame.spsr,
            far: 0,
            hpfar: 0,
        }));
        frame.x[0] += 1;
        return true;
    }
    false
}

extern "C" fn at_el1(arg: u64) -> u64 {
    println!(
        "el1 arg={:x} currentel={:x} spsel={:x} daif={:x}",
        arg,
        read_sysreg!(CurrentEL),
        read_sysreg!(SPSel),
        read_sysreg!(daif)
    );
    // DAIF writes at EL1 (no interrupt can be pending on this platform yet).
    // SAFETY: only PSTATE masks change; they are restored.
    let (a, b): (u64, u64);
    unsafe {
        asm!("msr daifclr, #0xf", "mrs {a}, daif", "msr daifset, #0x5", "mrs {b}, daif", "msr daifset, #0xf",
            a = out(reg) a, b = out(reg) b)
    }
    line("el1 daif clr set", &[a, b]);
    spsel_vectors("el1");
    // HVC to the EL2 handler of this program: it sees SPSR_EL2 with M = EL1h.
    support::set_el2_handler(Some(el2_hvc));
    let at: u64;
    let mut x0 = 41u64;
    // SAFETY: the handler returns x0 + 1 and resumes after the HVC.
    unsafe { asm!("adr {at}, 2f", "2: hvc #0x10", at = out(reg) at, inout("x0") x0) }
    traps::install();
    match SEEN.replace(None) {
        Some(t) => {
            println!("el1 hvc x0={} esr={:x} elr={:x} spsr={:x}", x0, t.esr, t.elr.wrapping_sub(at), t.spsr & 0x3ff)
        }
        None => println!("el1 hvc not seen"),
    }
    arg + 1
}

extern "C" fn el1_then_el0(arg: u64) -> u64 {
    println!("el1 currentel={:x} arg={:x}", read_sysreg!(CurrentEL), arg);
    let r = support::drop_to_el0(at_el0, support::el0_stack_top(), arg * 3);
    line("el1 back from el0", &[r]);
    println!("el1 currentel={:x} spsel={:x}", read_sysreg!(CurrentEL), read_sysreg!(SPSel));
    r + 100
}

extern "C" fn at_el0(arg: u64) -> u64 {
    println!("el0 arg={:x}", arg);
    let nzcv: u64;
    // SAFETY: NZCV is accessible at EL0; ADDS sets the flags.
    unsafe { asm!("adds {t}, {a}, {a}", "mrs {n}, nzcv", a = in(reg) 1u64 << 63, t = out(reg) _, n = out(reg) nzcv) }
    line("el0 nzcv after adds", &[nzcv]);
    let sp: u64;
    // SAFETY: reads SP only.
    unsafe { asm!("mov {s}, sp", s = out(reg) sp) }
    line("el0 sp below el0 stack top", &[u64::from(sp < support::el0_stack_top() as u64)]);
    // SVC from EL0: EL1 sees SPSR_EL1.M = EL0t.
    let at: u64;
    // SAFETY: the recording handler resumes after the SVC.
    unsafe { asm!("adr {at}, 2f", "2: svc #0x20", at = out(reg) at) }
    print_taken("el0", "svc", at);
    arg + 5
}
