//! The EL2 trap matrix (DDI 0487 D24.2 HCR_EL2, CPTR_EL2, MDCR_EL2; D1.10 routing): for each
//! control, EL1 (or EL0) code performs the guarded action with the control set and with it
//! clear, and the exception (if any) is printed: the EL and vector that took it, ESR, ELR
//! relative to the instruction, and SPSR's mode and DAIF bits.
//!
//! Compared with QEMU 10 byte for byte. Controls QEMU does not implement, and controls with no
//! observable effect in a model without caches or (yet) an MMU, are listed at the end of this
//! comment with the reason:
//! - HCR_EL2.TWE: QEMU never traps WFE (it treats WFE as a yield); checked in `armarm`.
//! - HCR_EL2.RW: the cores of HyperSoC's models have no AArch32, so RW is RES1 (a QEMU
//!   Cortex-A57 has AArch32 at EL1 and lets RW be written); checked in `armarm`.
//! - MDCR_EL2.TPMCR: QEMU does not implement it; checked in `armarm`.
//! - HCR_EL2.TID0 traps only AArch32 registers (FPSID, JIDR); SWIO, FB, BSU, CD, ID have no
//!   effect on a model without caches, TLB broadcast or shareability; TTA has no effect without
//!   a trace unit: the matrix shows that setting them changes nothing.
//! - HCR_EL2.VM, DC, PTW and the stage-2 side of CD/ID belong to the MMU tests; IMO/FMO/AMO with
//!   physical interrupts and CNTHCTL_EL2 to the interrupt and timer tests.

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::traps::{self, Resume};
use fwtest::{line, println};
use support::{read_sysreg, write_sysreg};

support::entry!(main);

/// HCR_EL2.RW: EL1 is AArch64 (always set).
const HCR_RW: u64 = 1 << 31;

/// The EL2 control register a case sets.
#[derive(Clone, Copy)]
enum Control {
    Hcr,
    Cptr,
    Mdcr,
}

/// One row of the matrix.
struct Case {
    name: &'static str,
    control: Control,
    bits: u64,
    /// 1: the action runs at EL1; 0: at EL0 (with every SCTLR_EL1/PMUSERENR EL0 enable open).
    el: u8,
    action: extern "C" fn(u64) -> u64,
}

/// Declares an action: runs the setup text, then the guarded instruction at label 2, and
/// returns its address. x0/x1 may be used and are clobbered.
macro_rules! action {
    ($name:ident, $setup:literal, $insn:literal) => {
        extern "C" fn $name(_: u64) -> u64 {
            let at: u64;
            // SAFETY: the instruction either completes (its effects are harmless: it rewrites a
            // register with its own value, or maintains caches/TLBs that the program does not
            // depend on) or raises an exception that the recording handler resumes after.
            unsafe {
                asm!(concat!($setup, "\nadr {at}, 2f\n2: ", $insn), at = out(reg) at,
                    out("x0") _, out("x1") _)
            }
            at
        }
    };
}

action!(write_sctlr_el1, "mrs x0, sctlr_el1", "msr sctlr_el1, x0");
action!(write_ttbr0_el1, "mrs x0, ttbr0_el1", "msr ttbr0_el1, x0");
action!(write_mair_el1, "mrs x0, mair_el1", "msr mair_el1, x0");
action!(write_contextidr_el1, "mrs x0, contextidr_el1", "msr contextidr_el1, x0");
action!(read_sctlr_el1, "", "mrs x0, sctlr_el1");
action!(read_tcr_el1, "", "mrs x0, tcr_el1");
action!(read_far_el1, "", "mrs x0, far_el1");
action!(read_revidr, "", "mrs x0, revidr_el1");
action!(read_aidr, "", "mrs x0, aidr_el1");
action!(read_ctr, "", "mrs x0, ctr_el0");
action!(read_ccsidr, "", "mrs x0, ccsidr_el1");
action!(read_clidr, "", "mrs x0, clidr_el1");
action!(write_csselr, "mrs x0, csselr_el1", "msr csselr_el1, x0");
action!(read_id_aa64mmfr0, "", "mrs x0, id_aa64mmfr0_el1");
action!(read_id_aa64pfr0, "", "mrs x0, id_aa64pfr0_el1");
action!(read_id_mmfr0, "", "mrs x0, s3_0_c0_c1_4");
action!(read_actlr, "", "mrs x0, actlr_el1");
action!(write_actlr, "mrs x0, actlr_el1", "msr actlr_el1, x0");
action!(dc_isw, "mov x0, #0", "dc isw, x0");
action!(dc_cisw, "mov x0, #0", "dc cisw, x0");
action!(dc_civac, "adr x0, 2f", "dc civac, x0");
action!(dc_cvac, "adr x0, 2f", "dc cvac, x0");
action!(dc_ivac, "adr x0, 2f", "dc ivac, x0");
action!(ic_ivau, "adr x0, 2f", "ic ivau, x0");
action!(ic_iallu, "", "ic iallu");
action!(ic_ialluis, "", "ic ialluis");
action!(dc_cvau, "adr x0, 2f", "dc cvau, x0");
action!(tlbi_vmalle1, "", "tlbi vmalle1");
action!(tlbi_vae1is, "mov x0, #0", "tlbi vae1is, x0");
action!(tlbi_aside1, "mov x0, #0", "tlbi aside1, x0");
action!(read_dczid, "", "mrs x0, dczid_el0");
action!(smc_version, "movz x0, #0x8400, lsl #16", "smc #0x21");
action!(hvc_call, "", "hvc #0x31");
action!(wfi, "", "wfi");
action!(read_impdef, "", "mrs x0, s3_0_c15_c0_0");
action!(read_cpacr, "", "mrs x0, cpacr_el1");
action!(write_cpacr, "mrs x0, cpacr_el1", "msr cpacr_el1, x0");
action!(fp_ldr, ".arch_extension fp\nadr x0, 2f", "ldr s0, [x0]");
action!(read_fpcr, ".arch_extension fp", "mrs x0, fpcr");
action!(read_mdscr, "", "mrs x0, mdscr_el1");
action!(write_dbgbvr0, "mrs x0, dbgbvr0_el1", "msr dbgbvr0_el1, x0");
action!(read_oslsr, "", "mrs x0, oslsr_el1");
action!(write_osdlr, "mrs x0, osdlr_el1", "msr osdlr_el1, x0");
action!(read_mdrar, "", "mrs x0, mdrar_el1");
action!(read_pmccntr, "", "mrs x0, pmccntr_el0");
action!(read_pmcr, "", "mrs x0, pmcr_el0");
action!(read_pmselr, "", "mrs x0, pmselr_el0");
action!(dsb_ish, "", "dsb ish");
action!(read_midr, "", "mrs x0, midr_el1");

/// Bits of HCR_EL2, CPTR_EL2 and MDCR_EL2 (D24.2).
mod bit {
    pub const SWIO: u64 = 1 << 1;
    pub const FB: u64 = 1 << 9;
    pub const BSU_IS: u64 = 1 << 10;
    pub const TWI: u64 = 1 << 13;
    pub const TID0: u64 = 1 << 15;
    pub const TID1: u64 = 1 << 16;
    pub const TID2: u64 = 1 << 17;
    pub const TID3: u64 = 1 << 18;
    pub const TSC: u64 = 1 << 19;
    pub const TIDCP: u64 = 1 << 20;
    pub const TACR: u64 = 1 << 21;
    pub const TSW: u64 = 1 << 22;
    pub const TPC: u64 = 1 << 23;
    pub const TPU: u64 = 1 << 24;
    pub const TTLB: u64 = 1 << 25;
    pub const TVM: u64 = 1 << 26;
    pub const TDZ: u64 = 1 << 28;
    pub const HCD: u64 = 1 << 29;
    pub const TRVM: u64 = 1 << 30;
    pub const CD: u64 = 1 << 32;
    pub const ID: u64 = 1 << 33;
    // CPTR_EL2.
    pub const TFP: u64 = 1 << 10;
    pub const TTA: u64 = 1 << 20;
    pub const TCPAC: u64 = 1 << 31;
    // MDCR_EL2.
    pub const TPM: u64 = 1 << 6;
    pub const TDE: u64 = 1 << 8;
    pub const TDA: u64 = 1 << 9;
    pub const TDOSA: u64 = 1 << 10;
    pub const TDRA: u64 = 1 << 11;
}

use Control::{Cptr, Hcr, Mdcr};

const fn case(name: &'static str, control: Control, bits: u64, el: u8, action: extern "C" fn(u64) -> u64) -> Case {
    Case { name, control, bits, el, action }
}

static CASES: &[Case] = &[
    case("tvm msr sctlr_el1", Hcr, bit::TVM, 1, write_sctlr_el1),
    case("tvm msr ttbr0_el1", Hcr, bit::TVM, 1, write_ttbr0_el1),
    case("tvm msr mair_el1", Hcr, bit::TVM, 1, write_mair_el1),
    case("tvm msr contextidr_el1", Hcr, bit::TVM, 1, write_contextidr_el1),
    case("tvm mrs sctlr_el1", Hcr, bit::TVM, 1, read_sctlr_el1),
    case("trvm mrs sctlr_el1", Hcr, bit::TRVM, 1, read_sctlr_el1),
    case("trvm mrs tcr_el1", Hcr, bit::TRVM, 1, read_tcr_el1),
    case("trvm mrs far_el1", Hcr, bit::TRVM, 1, read_far_el1),
    case("trvm msr mair_el1", Hcr, bit::TRVM, 1, write_mair_el1),
    case("tid0 mrs midr_el1", Hcr, bit::TID0, 1, read_midr),
    case("tid1 mrs revidr_el1", Hcr, bit::TID1, 1, read_revidr),
    case("tid1 mrs aidr_el1", Hcr, bit::TID1, 1, read_aidr),
    case("tid2 mrs ctr_el0", Hcr, bit::TID2, 1, read_ctr),
    case("tid2 mrs ctr_el0 at el0", Hcr, bit::TID2, 0, read_ctr),
    case("tid2 mrs ccsidr_el1", Hcr, bit::TID2, 1, read_ccsidr),
    case("tid2 mrs clidr_el1", Hcr, bit::TID2, 1, read_clidr),
    case("tid2 msr csselr_el1", Hcr, bit::TID2, 1, write_csselr),
    case("tid3 mrs id_aa64mmfr0_el1", Hcr, bit::TID3, 1, read_id_aa64mmfr0),
    case("tid3 mrs id_aa64pfr0_el1", Hcr, bit::TID3, 1, read_id_aa64pfr0),
    case("tid3 mrs id_mmfr0_el1", Hcr, bit::TID3, 1, read_id_mmfr0),
    case("tidcp mrs s3_0_c15_c0_0", Hcr, bit::TIDCP, 1, read_impdef),
    case("tidcp mrs s3_0_c15_c0_0 at el0", Hcr, bit::TIDCP, 0, read_impdef),
    case("tacr mrs actlr_el1", Hcr, bit::TACR, 1, read_actlr),
    case("tacr msr actlr_el1", Hcr, bit::TACR, 1, write_actlr),
    case("tsw dc isw", Hcr, bit::TSW, 1, dc_isw),
    case("tsw dc cisw", Hcr, bit::TSW, 1, dc_cisw),
    case("tpc dc civac", Hcr, bit::TPC, 1, dc_civac),
    case("tpc dc cvac", Hcr, bit::TPC, 1, dc_cvac),
    case("tpc dc ivac", Hcr, bit::TPC, 1, dc_ivac),
    case("tpc dc civac at el0", Hcr, bit::TPC, 0, dc_civac),
    case("tpu ic ivau", Hcr, bit::TPU, 1, ic_ivau),
    case("tpu ic iallu", Hcr, bit::TPU, 1, ic_iallu),
    case("tpu ic ialluis", Hcr, bit::TPU, 1, ic_ialluis),
    case("tpu dc cvau", Hcr, bit::TPU, 1, dc_cvau),
    case("tpu ic ivau at el0", Hcr, bit::TPU, 0, ic_ivau),
    case("ttlb tlbi vmalle1", Hcr, bit::TTLB, 1, tlbi_vmalle1),
    case("ttlb tlbi vae1is", Hcr, bit::TTLB, 1, tlbi_vae1is),
    case("ttlb tlbi aside1", Hcr, bit::TTLB, 1, tlbi_aside1),
    case("tdz mrs dczid_el0", Hcr, bit::TDZ, 1, read_dczid),
    case("tdz mrs dczid_el0 at el0", Hcr, bit::TDZ, 0, read_dczid),
    case("tsc smc", Hcr, bit::TSC, 1, smc_version),
    // With HVC UNDEFINED, EL1 returns to EL2 through an SMC that TSC traps.
    case("hcd+tsc hvc", Hcr, bit::HCD | bit::TSC, 1, hvc_call),
    case("swio dc isw", Hcr, bit::SWIO, 1, dc_isw),
    case("fb tlbi vmalle1", Hcr, bit::FB, 1, tlbi_vmalle1),
    case("bsu dsb ish", Hcr, bit::BSU_IS, 1, dsb_ish),
    case("cd mrs sctlr_el1", Hcr, bit::CD, 1, read_sctlr_el1),
    case("id mrs sctlr_el1", Hcr, bit::ID, 1, read_sctlr_el1),
    case("tfp ldr s0", Cptr, bit::TFP, 1, fp_ldr),
    case("tfp mrs fpcr", Cptr, bit::TFP, 1, read_fpcr),
    case("tfp ldr s0 at el0", Cptr, bit::TFP, 0, fp_ldr),
    case("tcpac mrs cpacr_el1", Cptr, bit::TCPAC, 1, read_cpacr),
    case("tcpac msr cpacr_el1", Cptr, bit::TCPAC, 1, write_cpacr),
    case("tta mrs sctlr_el1", Cptr, bit::TTA, 1, read_sctlr_el1),
    case("tda mrs mdscr_el1", Mdcr, bit::TDA, 1, read_mdscr),
    case("tda msr dbgbvr0_el1", Mdcr, bit::TDA, 1, write_dbgbvr0),
    case("tda mrs oslsr_el1", Mdcr, bit::TDA, 1, read_oslsr),
    case("tdosa mrs oslsr_el1", Mdcr, bit::TDOSA, 1, read_oslsr),
    case("tdosa msr osdlr_el1", Mdcr, bit::TDOSA, 1, write_osdlr),
    case("tdosa mrs mdscr_el1", Mdcr, bit::TDOSA, 1, read_mdscr),
    case("tdra mrs mdrar_el1", Mdcr, bit::TDRA, 1, read_mdrar),
    case("tde mrs mdscr_el1", Mdcr, bit::TDE, 1, read_mdscr),
    case("tde mrs oslsr_el1", Mdcr, bit::TDE, 1, read_oslsr),
    case("tde mrs mdrar_el1", Mdcr, bit::TDE, 1, read_mdrar),
    case("tpm mrs pmccntr_el0", Mdcr, bit::TPM, 1, read_pmccntr),
    case("tpm mrs pmcr_el0", Mdcr, bit::TPM, 1, read_pmcr),
    case("tpm mrs pmccntr_el0 at el0", Mdcr, bit::TPM, 0, read_pmccntr),
    case("tpm mrs pmselr_el0", Mdcr, bit::TPM, 1, read_pmselr),
];

fn main() {
    fwtest::begin("trapmatrix");
    traps::install();
    // EL0 may use what SCTLR_EL1 and PMUSERENR_EL0 can open, so that only EL2 controls trap.
    let sctlr1 = read_sysreg!(sctlr_el1);
    let el0_open = (1 << 9) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26);
    write_sysreg!(sctlr_el1, sctlr1 | el0_open);
    write_sysreg!(pmuserenr_el0, 1);
    let hcr = read_sysreg!(hcr_el2);
    let cptr = read_sysreg!(cptr_el2);
    let mdcr = read_sysreg!(mdcr_el2);
    for (index, case) in CASES.iter().enumerate() {
        for set in [true, false] {
            let (reg, base) = match case.control {
                Hcr => (0, hcr),
                Cptr => (1, cptr),
                Mdcr => (2, mdcr),
            };
            let value = if set { base | case.bits } else { base & !case.bits };
            write_control(reg, value);
            let at = support::drop_to_el1(at_el1, support::el1_stack_top(), index as u64);
            write_control(reg, base);
            let label = if set { "set" } else { "clear" };
            traps::report_mode_labelled(case.name, label, at);
        }
    }
    write_sysreg!(hcr_el2, hcr);
    twi();
    fpen();
    id_registers_and_identity();
    hpmn();
    virtual_exceptions();
    tge_routing();
    write_sysreg!(sctlr_el1, sctlr1);
    fwtest::end();
}

fn write_control(reg: u8, value: u64) {
    match reg {
        0 => write_sysreg!(hcr_el2, value | HCR_RW),
        1 => write_sysreg!(cptr_el2, value),
        _ => write_sysreg!(mdcr_el2, value),
    }
    support::sysreg::isb();
}

/// Runs `CASES[index]` at EL1, or at EL0 through a second drop; returns the action's address.
extern "C" fn at_el1(index: u64) -> u64 {
    let case = &CASES[index as usize];
    if case.el == 0 {
        support::drop_to_el0(case.action, support::el0_stack_top(), 0)
    } else {
        (case.action)(0)
    }
}

/// HCR_EL2.TWI traps a WFI that would wait; with the trap clear, a pending (masked) virtual
/// IRQ makes WFI complete at once, so the program does not sleep.
fn twi() {
    let hcr = read_sysreg!(hcr_el2);
    write_sysreg!(hcr_el2, hcr | bit::TWI);
    support::sysreg::isb();
    let at = support::drop_to_el1(wfi, support::el1_stack_top(), 0);
    traps::report_mode_labelled("twi wfi", "set", at);
    write_sysreg!(hcr_el2, hcr | (1 << 7) | (1 << 4));
    support::sysreg::isb();
    let at = support::drop_to_el1(wfi, support::el1_stack_top(), 0);
    write_sysreg!(hcr_el2, hcr);
    support::sysreg::isb();
    traps::report_mode_labelled("twi wfi, virtual irq pending", "clear", at);
}

extern "C" fn fp_ldr_at_el0(_: u64) -> u64 {
    support::drop_to_el0(fp_ldr, support::el0_stack_top(), 0)
}

/// CPACR_EL1.FPEN (D24.2 CPACR_EL1): 0b00 traps SIMD&FP at EL1 and EL0, 0b01 at EL0 only,
/// 0b11 nowhere; the trap is taken to EL1 with EC 0x07 (ISS CV = 1, COND = 0b1110).
fn fpen() {
    let cpacr = read_sysreg!(cpacr_el1);
    for fpen in [0b00u64, 0b01, 0b10, 0b11] {
        write_sysreg!(cpacr_el1, (cpacr & !(0b11 << 20)) | (fpen << 20));
        support::sysreg::isb();
        let at = support::drop_to_el1(fp_ldr, support::el1_stack_top(), 0);
        traps::report_mode_labelled("cpacr fpen", if fpen & 1 == 0 { "el1 trapped" } else { "el1 open" }, at);
        let at = support::drop_to_el1(fp_ldr_at_el0, support::el1_stack_top(), 0);
        traps::report_mode_labelled("cpacr fpen", if fpen == 0b11 { "el0 open" } else { "el0 trapped" }, at);
    }
    write_sysreg!(cpacr_el1, cpacr);
    support::sysreg::isb();
}

extern "C" fn read_ids_at_el1(_: u64) -> u64 {
    let midr = read_sysreg!(midr_el1);
    let mpidr = read_sysreg!(mpidr_el1);
    line("el1 midr mpidr", &[midr, mpidr]);
    0
}

/// VPIDR_EL2 and VMPIDR_EL2 are what EL1 reads as MIDR_EL1 and MPIDR_EL1 (D24.2 MIDR_EL1).
fn id_registers_and_identity() {
    let vpidr = read_sysreg!(vpidr_el2);
    let vmpidr = read_sysreg!(vmpidr_el2);
    line("el2 midr is vpidr at reset", &[u64::from(read_sysreg!(midr_el1) == vpidr)]);
    write_sysreg!(vpidr_el2, 0x410f_d034);
    write_sysreg!(vmpidr_el2, 0x8000_0102);
    support::drop_to_el1(read_ids_at_el1, support::el1_stack_top(), 0);
    write_sysreg!(vpidr_el2, vpidr);
    write_sysreg!(vmpidr_el2, vmpidr);
    let hacr = read_sysreg!(hacr_el2);
    write_sysreg!(hacr_el2, 0);
    line("el2 hacr", &[hacr, read_sysreg!(hacr_el2)]);
}

extern "C" fn pmcr_n_at_el1(_: u64) -> u64 {
    (read_sysreg!(pmcr_el0) >> 11) & 0x1f
}

/// MDCR_EL2.HPMN: EL1 sees PMCR_EL0.N = HPMN; EL2 sees all the counters.
fn hpmn() {
    let mdcr = read_sysreg!(mdcr_el2);
    let n_el2 = (read_sysreg!(pmcr_el0) >> 11) & 0x1f;
    write_sysreg!(mdcr_el2, (mdcr & !0x1f) | 2);
    let n_el1 = support::drop_to_el1(pmcr_n_at_el1, support::el1_stack_top(), 0);
    write_sysreg!(mdcr_el2, mdcr);
    line("hpmn=2 pmcr.n at el2 el1", &[n_el2, n_el1]);
}

extern "C" fn unmask_interrupts(_: u64) -> u64 {
    // SAFETY: the handler masks again (in SPSR) whatever it takes.
    unsafe { asm!("msr daifclr, #7", "isb", "nop", "nop", "msr daifset, #7") }
    0
}

/// HCR_EL2.VI/VF/VSE: a virtual IRQ/FIQ/SError is taken at EL1 when routed (IMO/FMO/AMO) and
/// unmasked, and is never taken when not routed (D1.13.4).
fn virtual_exceptions() {
    let hcr = read_sysreg!(hcr_el2);
    for (name, bits) in [
        ("vi imo", (1u64 << 7) | (1 << 4)),
        ("vi no imo", 1 << 7),
        ("vf fmo", (1 << 6) | (1 << 3)),
        ("vf no fmo", 1 << 6),
        ("vse amo", (1 << 8) | (1 << 5)),
        ("vse no amo", 1 << 8),
    ] {
        write_sysreg!(hcr_el2, hcr | bits);
        support::sysreg::isb();
        support::drop_to_el1(unmask_interrupts, support::el1_stack_top(), 0);
        write_sysreg!(hcr_el2, hcr);
        match traps::take() {
            None => println!("{} none", name),
            // IRQ and FIQ do not write ESR_EL1; a (virtual) SError does (D24.2 ESR_EL1).
            Some(t) if t.vector % 4 == 3 => {
                println!("{} el{} v{} esr={:x} spsr.m={:x}", name, t.el, t.vector, t.esr, t.spsr & 0xf)
            }
            Some(t) => println!("{} el{} v{} spsr.m={:x}", name, t.el, t.vector, t.spsr & 0xf),
        }
    }
}

/// HCR_EL2.TGE routes exceptions from EL0 to EL2: EL2 ERETs to EL0 with TGE set; the EL0 code
/// makes an SVC, an UNDEFINED instruction and a BRK, and comes back to EL2 with HVC.. which is
/// UNDEFINED at EL0 and so also arrives at EL2. The handler resumes EL0 after each of the first
/// three and returns to the caller at EL2 on the fourth.
fn tge_routing() {
    let previous = traps::set_resume(Resume::Next);
    support::set_el2_handler(Some(tge_handler));
    let hcr = read_sysreg!(hcr_el2);
    write_sysreg!(hcr_el2, hcr | (1 << 27));
    support::sysreg::isb();
    // SAFETY: EL0 runs the four instructions at label 3 on its own stack; the handler turns the
    // last exception into a return to label 4 at EL2h with the SP_EL2 of this function.
    unsafe {
        asm!(
            "mrs x9, sp_el0",
            "msr sp_el0, {stack}",
            "adr x10, 3f",
            "msr elr_el2, x10",
            "mov x10, #0x3c0",          // EL0t, DAIF masked
            "msr spsr_el2, x10",
            "eret",
            "3: svc #0x51",
            ".inst 0x00000000",
            "brk #0x52",
            "hvc #0x53",
            "b .",
            "4: msr sp_el0, x9",
            stack = in(reg) support::el0_stack_top(),
            out("x9") _, out("x10") _, out("x0") _, out("x1") _,
        )
    }
    write_sysreg!(hcr_el2, hcr);
    support::sysreg::isb();
    traps::install();
    traps::set_resume(previous);
    for (i, t) in TGE_SEEN.get().iter().enumerate() {
        println!("tge el0 exception {} esr={:x} elr+{:x} spsr.m={:x}", i, t.0, t.1, t.2);
    }
}

/// What the TGE handler saw: ESR, ELR relative to the first EL0 instruction, SPSR.M.
static TGE_SEEN: support::Global<[(u64, u64, u64); 4]> = support::Global::new([(0, 0, 0); 4]);
static TGE_COUNT: support::Global<usize> = support::Global::new(0);
static TGE_BASE: support::Global<u64> = support::Global::new(0);

fn tge_handler(frame: &mut support::TrapFrame, kind: support::VectorKind) -> bool {
    if kind != support::VectorKind::Lower64Sync {
        return false;
    }
    let n = TGE_COUNT.get();
    if n == 0 {
        // The first exception is the SVC, whose ELR is the next instruction.
        TGE_BASE.set(frame.elr.wrapping_sub(4));
    }
    if n < 4 {
        let mut seen = TGE_SEEN.get();
        seen[n] = (frame.esr, frame.elr.wrapping_sub(TGE_BASE.get()), frame.spsr & 0xf);
        TGE_SEEN.set(seen);
    }
    TGE_COUNT.set(n + 1);
    if n >= 3 {
        // Back to EL2h at label 4 (16 bytes after the HVC), DAIF masked.
        frame.elr = TGE_BASE.get() + 20;
        frame.spsr = 0x3c9;
    } else if frame.ec() != 0x15 {
        frame.skip();
    }
    true
}
