//! Helpers of the MMU test programs (`mmu_el2`, `mmu_el1`, `mmu_s2`): single loads, stores and
//! branches whose outcome is printed, AT into PAR_EL1, and data page markers.
//!
//! Output of an access: `<label> ok <value>` (the loaded value, or the stored one), or
//! `<label> el<N> esr=<ESR> far=<FAR>` with ` hpfar=<HPFAR_EL2>` when the caller asks for it and
//! the abort was taken to EL2 (`hpfar=-` where the register is UNKNOWN, D24.2.76).

use core::arch::asm;

use crate::println;
use crate::traps::{self, Resume};

/// The marker word at the start of data page `n` (distinct in every page and byte).
pub const fn marker(n: u64) -> u64 {
    0x1122_3344_0000_0000 | n << 16 | n
}

/// Writes [`marker`] into the first and last word of `count` pages of `size` bytes at `pa`
/// (MMU off, or identity-mapped).
pub fn fill_markers(pa: u64, size: u64, count: u64) {
    for n in 0..count {
        let page = pa + n * size;
        // SAFETY: data pages of support::mmu::DATA, owned by the program.
        unsafe {
            (page as *mut u64).write_volatile(marker(n));
            ((page + size - 8) as *mut u64).write_volatile(!marker(n));
        }
    }
}

/// Whether HPFAR_EL2 holds the faulting IPA for an abort taken to EL2 with syndrome `esr`
/// (D24.2.76): a stage 2 Translation, Access flag or Address size fault, or any of those and a
/// Permission fault on a stage 1 table walk (S1PTW). For the other stage 2 faults it is UNKNOWN.
pub fn hpfar_defined(esr: u64) -> bool {
    let ec = esr >> 26;
    let fsc = esr & 0x3f;
    let s1ptw = esr & 1 << 7 != 0;
    matches!(ec, 0x20 | 0x24) && (fsc < 0b00_1100 || (s1ptw && fsc < 0b01_0000))
}

/// Prints the outcome of the access just made; with `hpfar`, HPFAR_EL2 too for aborts taken to
/// EL2 (`-` where it is UNKNOWN).
pub fn outcome(label: &str, value: u64, hpfar: bool) {
    match traps::take() {
        None => println!("{} ok {:x}", label, value),
        Some(t) if hpfar && t.el == 2 && hpfar_defined(t.esr) => {
            println!("{} el{} esr={:x} far={:x} hpfar={:x}", label, t.el, t.esr, t.far, t.hpfar)
        }
        Some(t) if hpfar && t.el == 2 => println!("{} el{} esr={:x} far={:x} hpfar=-", label, t.el, t.esr, t.far),
        Some(t) => println!("{} el{} esr={:x} far={:x}", label, t.el, t.esr, t.far),
    }
}

/// LDR Xt, \[va\]; 0 when it faults.
pub fn ldr(va: u64) -> u64 {
    let v: u64;
    // SAFETY: the load completes or faults; the recording handler resumes after it.
    unsafe { asm!("mov {v}, #0", "ldr {v}, [{a}]", a = in(reg) va, v = out(reg) v, options(nostack)) }
    v
}

/// STR Xt, \[va\].
pub fn str(va: u64, value: u64) {
    // SAFETY: as in `ldr`; the program owns every address it stores to.
    unsafe { asm!("str {v}, [{a}]", a = in(reg) va, v = in(reg) value, options(nostack)) }
}

/// LDTR Xt, \[va\] (EL0 permissions at EL1).
pub fn ldtr(va: u64) -> u64 {
    let v: u64;
    // SAFETY: as in `ldr`.
    unsafe { asm!("mov {v}, #0", "ldtr {v}, [{a}]", a = in(reg) va, v = out(reg) v, options(nostack)) }
    v
}

/// STTR Xt, \[va\].
pub fn sttr(va: u64, value: u64) {
    // SAFETY: as in `str`.
    unsafe { asm!("sttr {v}, [{a}]", a = in(reg) va, v = in(reg) value, options(nostack)) }
}

/// LDP Xt1, Xt2, \[va\]; (0, 0) when it faults.
pub fn ldp(va: u64) -> (u64, u64) {
    let (a, b): (u64, u64);
    // SAFETY: as in `ldr`.
    unsafe {
        asm!("mov {x}, #0", "mov {y}, #0", "ldp {x}, {y}, [{a}]", a = in(reg) va, x = out(reg) a, y = out(reg) b,
            options(nostack))
    }
    (a, b)
}

/// STP Xt1, Xt2, \[va\].
pub fn stp(va: u64, a: u64, b: u64) {
    // SAFETY: as in `str`.
    unsafe { asm!("stp {x}, {y}, [{a}]", a = in(reg) va, x = in(reg) a, y = in(reg) b, options(nostack)) }
}

/// DC ZVA, Xt = `va`.
pub fn dc_zva(va: u64) {
    // SAFETY: zeroes a block the program owns, or faults.
    unsafe { asm!("dc zva, {a}", a = in(reg) va, options(nostack)) }
}

/// BLR to `va`, which must hold a RET (or fault): the handler resumes after the BLR.
pub fn call(va: u64) {
    let old = traps::set_resume(Resume::Link);
    // SAFETY: the target returns at once or faults on the fetch; x30 is the return address the
    // handler resumes at.
    unsafe { asm!("blr {t}", t = in(reg) va, out("x30") _, clobber_abi("C")) }
    traps::set_resume(old);
}

/// The encoding of RET, to plant in data pages that are executed.
pub const RET: u32 = 0xd65f_03c0;

/// `AT <op>, Xt` then PAR_EL1: `at!("s1e2r", va)`.
#[macro_export]
macro_rules! at {
    ($op:literal, $va:expr) => {{
        let va: u64 = $va;
        // SAFETY: AT only writes PAR_EL1 (or takes a recorded abort).
        unsafe { core::arch::asm!(concat!("at ", $op, ", {}"), "isb", in(reg) va, options(nostack)) }
        support::read_sysreg!(par_el1)
    }};
}

/// `TLBI <op>, Xt` with the barriers around it (D8.17.x "Ordering and completion of TLB
/// maintenance"): `tlbi!("vae2", va >> 12)`; `tlbi!("alle2")` without an operand.
#[macro_export]
macro_rules! tlbi {
    ($op:literal) => {{
        // SAFETY: TLB maintenance and barriers only.
        unsafe { core::arch::asm!("dsb ishst", concat!("tlbi ", $op), "dsb ish", "isb", options(nostack)) }
    }};
    ($op:literal, $xt:expr) => {{
        let xt: u64 = $xt;
        // SAFETY: as above.
        unsafe {
            core::arch::asm!("dsb ishst", concat!("tlbi ", $op, ", {}"), "dsb ish", "isb", in(reg) xt,
                options(nostack))
        }
    }};
}
