//! System register access, barriers and the few single instructions the Rust code needs.

/// Reads a system register by name: `sysreg!(hcr_el2)`.
#[macro_export]
macro_rules! sysreg {
    ($reg:ident) => {{
        let value: u64;
        // SAFETY: MRS of an EL2-accessible register; no memory effects.
        unsafe {
            core::arch::asm!(concat!("mrs {}, ", stringify!($reg)), out(reg) value,
                options(nomem, nostack, preserves_flags));
        }
        value
    }};
}

/// Writes a system register by name: `set_sysreg!(hcr_el2, value)`.
#[macro_export]
macro_rules! set_sysreg {
    ($reg:ident, $value:expr) => {{
        let value: u64 = $value;
        // SAFETY: the hypervisor owns every EL2 and EL1 register it writes; MSR does not touch
        // memory the compiler knows about.
        unsafe {
            core::arch::asm!(concat!("msr ", stringify!($reg), ", {}"), in(reg) value,
                options(nostack, preserves_flags));
        }
    }};
}

/// ISB (DDI 0487F B2.3.5).
#[inline(always)]
pub fn isb() {
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("isb", options(nostack, preserves_flags)) }
}

/// DSB ISH: earlier memory accesses (e.g. page-table writes) complete in the inner shareable
/// domain.
#[inline(always)]
pub fn dsb_ish() {
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("dsb ish", options(nostack, preserves_flags)) }
}

/// DSB SY.
#[inline(always)]
pub fn dsb_sy() {
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("dsb sy", options(nostack, preserves_flags)) }
}

/// WFI with interrupts masked: returns when an interrupt is pending (DDI 0487F D1.17.2: a
/// physical IRQ is a WFI wake-up event whatever PSTATE.I says).
#[inline(always)]
pub fn wfi() {
    // SAFETY: waits; no operands.
    unsafe { core::arch::asm!("wfi", options(nomem, nostack, preserves_flags)) }
}

/// TLBI ALLE1IS + DSB + ISB: drops every EL1&0 (stage 1 and 2) TLB entry, all VMIDs.
pub fn tlbi_all_el1() {
    // SAFETY: TLB maintenance only.
    unsafe { core::arch::asm!("tlbi alle1is", "dsb ish", "isb", options(nostack, preserves_flags)) }
}

/// TLBI ALLE2 + DSB + ISB: drops the EL2 TLB entries of this core.
pub fn tlbi_all_el2() {
    // SAFETY: TLB maintenance only.
    unsafe { core::arch::asm!("tlbi alle2", "dsb ish", "isb", options(nostack, preserves_flags)) }
}

/// Cleans and invalidates the data cache lines of `[addr, addr + len)` to the point of
/// coherency (DC CIVAC), then invalidates the instruction caches (IC IALLUIS): after the
/// hypervisor writes a guest image, the guest, running with its caches off, fetches it.
pub fn clean_to_poc(addr: u64, len: u64) {
    let line = 64u64;
    let mut a = addr & !(line - 1);
    while a < addr + len {
        // SAFETY: cache maintenance by VA of mapped RAM.
        unsafe { core::arch::asm!("dc civac, {}", in(reg) a, options(nostack, preserves_flags)) }
        a += line;
    }
    // SAFETY: cache maintenance only.
    unsafe { core::arch::asm!("dsb ish", "ic ialluis", "dsb ish", "isb", options(nostack, preserves_flags)) }
}

/// The physical count (CNTPCT_EL0).
#[inline(always)]
pub fn now() -> u64 {
    isb();
    sysreg!(cntpct_el0)
}

/// SMC #0 with x0..x3 (SMC Calling Convention, ARM DEN 0028): the platform's PSCI.
pub fn smc(function: u64, a1: u64, a2: u64, a3: u64) -> u64 {
    let mut x0 = function;
    // SAFETY: a firmware call; SMCCC lets it clobber x0..x17.
    unsafe {
        core::arch::asm!("smc #0", inout("x0") x0, inout("x1") a1 => _, inout("x2") a2 => _,
            inout("x3") a3 => _, clobber_abi("C"))
    }
    x0
}
