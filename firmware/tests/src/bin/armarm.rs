//! Behaviour compared with the ARM ARM (DDI 0487) only, because QEMU (10.0, the oracle of the
//! other programs) does not model it or models it differently. The expected output is checked in as
//! `tests/expected/armarm.txt`; every line there was derived from the rule cited below, not
//! copied from HyperSoC.
//!
//! 1. SP alignment checking (D1.8.2): SCTLR_ELx.SA / SCTLR_EL1.SA0 set, a load/store whose base
//!    is SP not 16-byte aligned takes an SP alignment fault (EC 0x26, ISS 0). QEMU does not
//!    implement SP alignment checking.
//! 2. STXR to a misaligned address without a reservation (C6.2 STXR,
//!    AArch64.ExclusiveMonitorsPass): the alignment check comes before the monitor check, so it
//!    faults. QEMU fails the store (status 1) without an alignment check.
//! 3. MSR DAIFSet at EL0 with SCTLR_EL1.UMA = 0 (D13.2 SCTLR_EL1.UMA, ISS of EC 0x18): the
//!    ISS holds Op0 = 0, Op2 = 0b110 in [19:17], Op1 = 0b011 in [16:14], CRn = 4, Rt = 31,
//!    CRm = the immediate. QEMU reports Op1 and Op2 swapped.
//! 4. DC ZVA to Device memory (C5.3.x DC ZVA): an Alignment fault, reported as a write (WnR = 1,
//!    CM = 0) with FAR = the address given. QEMU zeroes the block.
//! 5. WFE at EL0 with SCTLR_EL1.nTWE = 0 and the Event Register clear (D1.16.3): trapped to EL1
//!    with EC 0x01, CV = 1, COND = 0b1110, TI = 1; at EL1 with HCR_EL2.TWE set, trapped to EL2
//!    likewise. QEMU never traps WFE.
//! 6. MDCR_EL2.TPMCR (D24.2 MDCR_EL2): EL1 accesses to PMCR_EL0 trap to EL2 with EC 0x18; other
//!    PMU registers do not. QEMU does not implement TPMCR.
//! 7. HCR_EL2.RW is RES1 when EL1 cannot use AArch32 (D24.2 HCR_EL2.RW), as on HyperSoC's cores:
//!    writing 0 reads back 1. QEMU's Cortex-A57 has AArch32 at EL1.
//!
//! With the MMU on (EL2 stage 1, 4K granule; see `mmu_el2` for what QEMU does model):
//!
//! 8. An unaligned load from a page of Device memory (B2.5.2 "Alignment of data accesses": an
//!    unaligned access to any type of Device memory generates an Alignment fault; pseudocode
//!    `AArch64.S1HasAlignmentFaultDueToMemType`): DFSC 0b100001, FAR = the address. QEMU 10
//!    checks it only with the MMU off.
//! 9. DC ZVA to a Device page: an Alignment fault as in case 4, with the MMU on.
//! 10. DC CVAC to an unmapped VA: a Translation fault at level 3 reported with CM = 1 and WnR = 1
//!     (D7.5.9.2: a DC by VA is a NOP only when the cache level it targets is absent, and our
//!     CLIDR_EL1 has LoC = 2; D24.2.46 CM, WnR; FAR = the register argument). DC IVAC to a
//!     read-only page: a Permission fault (D7.5.9.2, DC IVAC needs write permission); DC CIVAC
//!     there: none (no permission is needed at EL2). QEMU treats DC by VA as a NOP.
//! 11. With stage 2 on and the EL1&0 stage 1 off, an unaligned load at EL1 (stage 1 disabled:
//!     Device-nGnRnE, D8.2.x "The effects of disabling address translation"; B2.5.2): an
//!     Alignment fault at stage 1, taken to EL1. QEMU does not check it under stage 2.
//! 12. AT S12E1R / S12E1W that meet a stage 2 Permission fault (pseudocode `AArch64.AT`,
//!     `AArch64.EncodePAR`): PAR_EL1 = F | FST (0b001111, level 3) | S | RES1 bit 11 = 0xa1f.
//!     QEMU 10 aborts (an assertion in do_ats_write).

#![no_std]
#![no_main]

use core::arch::asm;

use fwtest::{line, println, probe, traps};
use support::mmu::{self, desc, disable_el2, enable_el2, tcr_el2, Granule, Pool, Tables, DATA};
use support::{read_sysreg, write_sysreg};

support::entry!(main);

/// 64 bytes of data, 64-byte aligned (one DC ZVA block of DCZID_EL0.BS = 4).
#[repr(C, align(64))]
struct Buffer([u8; 64]);

static mut BUFFER: Buffer = Buffer([0x5a; 64]);

fn buffer() -> u64 {
    core::ptr::addr_of_mut!(BUFFER) as u64
}

fn main() {
    fwtest::begin("armarm");
    traps::install();
    sp_alignment_el2();
    println!("el2 stxr unaligned, no reservation");
    probe!("stxr x +4", "clrex\nstxr {w:w}, {v}, [{a}]", buffer() + 4);
    println!("el2 dc zva device");
    probe!("dc zva", "dc zva, {a}", buffer());
    let r = support::drop_to_el1(at_el1, support::el1_stack_top(), 0);
    line("el1 returned", &[r]);
    el2_controls();
    mmu_on();
    stage2();
    fwtest::end();
}

/// The window of the MMU cases: a Device page, a read-only page, an unmapped page (4K).
const WINDOW: u64 = 0x10_0000_0000;

/// Cases 8-10.
fn mmu_on() {
    println!("el2 mmu on");
    let mut pool = Pool::new();
    let mut t = Tables::stage1(&mut pool, Granule::K4, 39);
    t.identity(&mut pool, 0, 0);
    t.map(&mut pool, WINDOW, DATA, 3, desc::attr(mmu::DEVICE) | desc::AF);
    t.map(&mut pool, WINDOW + 0x1000, DATA + 0x1000, 3, desc::normal(0b10));
    t.set(&mut pool, WINDOW + 0x2000, 3, 0);
    enable_el2(&t, tcr_el2(Granule::K4, 25, false));
    probe!("ldr device unaligned", "ldr {v}, [{a}]", WINDOW + 4);
    probe!("dc zva device", "dc zva, {a}", WINDOW + 0x48);
    probe!("dc cvac unmapped", "dc cvac, {a}", WINDOW + 0x2010);
    probe!("dc ivac read-only", "dc ivac, {a}", WINDOW + 0x1010);
    probe!("dc civac read-only", "dc civac, {a}", WINDOW + 0x1010);
    disable_el2();
}

/// IPA of the stage 2 cases: a read-only page, then a page without access.
const IPA: u64 = 0x8000_0000;

/// Cases 11 and 12.
fn stage2() {
    println!("el2 stage 2");
    let mut pool = Pool::new();
    let mut s2 = Tables::stage2(&mut pool, Granule::K4, 40, 1);
    s2.map_range(&mut pool, mmu::RAM.start, mmu::RAM.start, mmu::RAM.end - mmu::RAM.start, 2, desc::S2_NORMAL);
    s2.map(&mut pool, mmu::UART, mmu::UART, 3, desc::memattr(0) | desc::s2ap(3) | desc::AF);
    s2.map(&mut pool, IPA, DATA, 3, desc::S2_NORMAL & !desc::s2ap(2));
    s2.map(&mut pool, IPA + 0x1000, DATA, 3, desc::S2_NORMAL & !desc::s2ap(3));
    mmu::sync_tables();
    let hcr = read_sysreg!(hcr_el2);
    write_sysreg!(vtcr_el2, mmu::vtcr_el2(Granule::K4, 24, 1));
    write_sysreg!(vttbr_el2, s2.root | 1 << 48);
    write_sysreg!(hcr_el2, hcr | 1);
    // SAFETY: TLB maintenance of the EL1&0 regime before it is used.
    unsafe { asm!("tlbi alle1", "dsb ish", "isb") };
    line("at s12e1w read-only", &[at(IPA, true)]);
    line("at s12e1r no access", &[at(IPA + 0x1000, false)]);
    support::drop_to_el1(unaligned_el1, support::el1_stack_top(), 0);
    write_sysreg!(hcr_el2, hcr);
    support::sysreg::isb();
}

fn at(va: u64, write: bool) -> u64 {
    // SAFETY: AT only writes PAR_EL1.
    unsafe {
        if write {
            asm!("at s12e1w, {}", "isb", in(reg) va);
        } else {
            asm!("at s12e1r, {}", "isb", in(reg) va);
        }
    }
    read_sysreg!(par_el1)
}

extern "C" fn unaligned_el1(_: u64) -> u64 {
    probe!("el1 ldr unaligned, stage 1 off", "ldr {v}, [{a}]", buffer() + 4);
    0
}

/// Loads through SP = `sp` with SPSel = 0 at the current EL (EL2 or EL1), so the exception is
/// taken on a good SP_ELx (case 1).
fn sp_case(label: &str, sp: u64) {
    let at: u64;
    // SAFETY: SP_EL0 is saved and restored around the load; with SPSel = 0 an exception is taken
    // on SP_ELx, and the handler resumes after the load.
    unsafe {
        asm!(
            "mrs {keep}, sp_el0",
            "msr sp_el0, {sp}",
            "msr spsel, #0",
            "adr {at}, 2f",
            "2: ldr {v}, [sp]",
            "msr spsel, #1",
            "msr sp_el0, {keep}",
            sp = in(reg) sp, at = out(reg) at, keep = out(reg) _, v = out(reg) _,
        )
    }
    // No FAR: an SP alignment fault does not write it (D13.2.x FAR_ELx).
    traps::report_mode(label, at);
}

fn sp_alignment_el2() {
    println!("el2 sp alignment");
    let sctlr = read_sysreg!(sctlr_el2);
    sp_case("sa=1 sp+8", buffer() + 8);
    sp_case("sa=1 sp+0", buffer());
    write_sysreg!(sctlr_el2, sctlr & !(1 << 3));
    support::sysreg::isb();
    sp_case("sa=0 sp+8", buffer() + 8);
    write_sysreg!(sctlr_el2, sctlr);
    support::sysreg::isb();
}

extern "C" fn at_el1(_: u64) -> u64 {
    println!("el1 sp alignment");
    let sctlr = read_sysreg!(sctlr_el1);
    sp_case("sa=1 sp+8", buffer() + 8);
    write_sysreg!(sctlr_el1, sctlr & !(1 << 3));
    support::sysreg::isb();
    sp_case("sa=0 sp+8", buffer() + 8);
    // EL0 with SA0 = 1, every EL0 control closed (UMA, DZE, UCT, nTWI, nTWE, UCI = 0).
    let closed = (sctlr | (1 << 4)) & !((1 << 9) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26));
    write_sysreg!(sctlr_el1, closed);
    support::sysreg::isb();
    let r = support::drop_to_el0(at_el0, support::el0_stack_top(), 1);
    // SA0 = 0 and DZE = 1.
    write_sysreg!(sctlr_el1, (closed & !(1 << 4)) | (1 << 14));
    support::sysreg::isb();
    let s = support::drop_to_el0(at_el0, support::el0_stack_top(), 0);
    write_sysreg!(sctlr_el1, sctlr);
    support::sysreg::isb();
    r + s
}

/// At EL0 (always SP_EL0).
extern "C" fn at_el0(sa0: u64) -> u64 {
    println!("el0 sa0={}", sa0);
    let sp = buffer() + 8;
    let at: u64;
    // SAFETY: SP is restored after the load; at EL0 SP is SP_EL0 and the exception is taken to
    // EL1 on SP_EL1.
    unsafe {
        asm!(
            "mov {keep}, sp",
            "mov sp, {sp}",
            "adr {at}, 2f",
            "2: ldr {v}, [sp, #8]",
            "mov sp, {keep}",
            sp = in(reg) sp, at = out(reg) at, keep = out(reg) _, v = out(reg) _,
        )
    }
    traps::report_mode("ldr [sp, #8]", at);
    if sa0 == 1 {
        // Cases 3 and 5, with UMA = 0 and nTWE = 0.
        let at: u64;
        // SAFETY: the MSR is trapped; the handler resumes after it.
        unsafe { asm!("adr {at}, 2f", "2: msr daifset, #2", at = out(reg) at) }
        traps::report_mode("msr daifset uma=0", at);
        let at: u64;
        // SAFETY: the WFE is trapped (the Event Register is clear after the exception return
        // that entered EL0... and cleared again by a first WFE if an event was pending).
        unsafe { asm!("sevl", "wfe", "adr {at}, 2f", "2: wfe", at = out(reg) at) }
        traps::report_mode("wfe ntwe=0", at);
    } else {
        // Case 4 at EL0 with DZE = 1.
        probe!("dc zva dze=1", "dc zva, {a}", buffer() + 8);
    }
    0x10 + sa0
}

/// Runs `action` at EL1 with `MDCR_EL2 |= mdcr` and `HCR_EL2 |= hcr`, and prints what it raised.
fn at_el1_with(label: &str, hcr: u64, mdcr: u64, action: extern "C" fn(u64) -> u64) {
    let (hcr_old, mdcr_old) = (read_sysreg!(hcr_el2), read_sysreg!(mdcr_el2));
    write_sysreg!(hcr_el2, hcr_old | hcr);
    write_sysreg!(mdcr_el2, mdcr_old | mdcr);
    support::sysreg::isb();
    let at = support::drop_to_el1(action, support::el1_stack_top(), 0);
    write_sysreg!(hcr_el2, hcr_old);
    write_sysreg!(mdcr_el2, mdcr_old);
    support::sysreg::isb();
    traps::report_mode(label, at);
}

extern "C" fn read_pmcr(_: u64) -> u64 {
    let at: u64;
    // SAFETY: the MRS either completes or traps; the handler resumes after it.
    unsafe { asm!("adr {at}, 2f", "2: mrs x0, pmcr_el0", at = out(reg) at, out("x0") _) }
    at
}

extern "C" fn read_pmccntr(_: u64) -> u64 {
    let at: u64;
    // SAFETY: as `read_pmcr`.
    unsafe { asm!("adr {at}, 2f", "2: mrs x0, pmccntr_el0", at = out(reg) at, out("x0") _) }
    at
}

extern "C" fn wfe_twice(_: u64) -> u64 {
    let at: u64;
    // SAFETY: the first WFE consumes the event the exception return set; the second would wait
    // and is trapped; the handler resumes after it.
    unsafe { asm!("sevl", "wfe", "adr {at}, 2f", "2: wfe", at = out(reg) at) }
    at
}

/// Cases 5 (HCR_EL2.TWE), 6 and 7.
fn el2_controls() {
    println!("el2 controls");
    at_el1_with("twe wfe set", 1 << 14, 0, wfe_twice);
    at_el1_with("tpmcr mrs pmcr_el0 set", 0, 1 << 5, read_pmcr);
    at_el1_with("tpmcr mrs pmcr_el0 clear", 0, 0, read_pmcr);
    at_el1_with("tpmcr mrs pmccntr_el0 set", 0, 1 << 5, read_pmccntr);
    let hcr = read_sysreg!(hcr_el2);
    write_sysreg!(hcr_el2, hcr & !(1 << 31));
    line("hcr rw after writing 0", &[(read_sysreg!(hcr_el2) >> 31) & 1]);
    write_sysreg!(hcr_el2, hcr);
}
