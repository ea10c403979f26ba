//! The EL1 virtual timer (DDI 0487F D11.2.4): CNTVCT_EL0, CNTV_CVAL_EL0, CNTV_CTL_EL0; INTID 27.

/// Virtual timer PPI.
pub const INTID: u32 = 27;

/// CNTFRQ_EL0.
pub fn frequency() -> u64 {
    let v: u64;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) v, options(nomem, nostack)) }
    v
}

/// CNTVCT_EL0 (after an ISB so it is not read early).
pub fn now() -> u64 {
    let v: u64;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) v, options(nomem, nostack)) }
    v
}

/// Arms the timer for virtual count `cval` (ENABLE = 1, IMASK = 0).
pub fn arm(cval: u64) {
    // SAFETY: writes the EL1 virtual timer.
    unsafe {
        core::arch::asm!("msr cntv_cval_el0, {}", "msr cntv_ctl_el0, {}", "isb", in(reg) cval, in(reg) 1u64,
            options(nomem, nostack))
    }
}

/// Disables the timer.
pub fn disarm() {
    // SAFETY: writes the EL1 virtual timer.
    unsafe { core::arch::asm!("msr cntv_ctl_el0, xzr", "isb", options(nomem, nostack)) }
}

/// CNTV_CVAL_EL0.
pub fn cval() -> u64 {
    let v: u64;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mrs {}, cntv_cval_el0", out(reg) v, options(nomem, nostack)) }
    v
}

/// Enables the PMU cycle counter (PMCR_EL0.E, PMCNTENSET_EL0.C; PMCCFILTR_EL0.NSH = 1 counts
/// EL2 too, so a hypercall round trip includes the hypervisor). DDI 0487F D12.
pub fn cycles_enable() {
    // SAFETY: PMU registers; the VM has the `pmu` device (otherwise this traps).
    unsafe {
        core::arch::asm!(
            "mrs {t}, pmcr_el0", "orr {t}, {t}, #1", "msr pmcr_el0, {t}",
            "mov {t}, #(1 << 27)", "msr pmccfiltr_el0, {t}",
            "mov {t}, #(1 << 31)", "msr pmcntenset_el0, {t}", "isb",
            t = out(reg) _, options(nomem, nostack))
    }
}

/// PMCCNTR_EL0.
pub fn cycles() -> u64 {
    let v: u64;
    // SAFETY: reads the cycle counter.
    unsafe { core::arch::asm!("isb", "mrs {}, pmccntr_el0", out(reg) v, options(nomem, nostack)) }
    v
}
