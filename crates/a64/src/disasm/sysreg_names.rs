//! Names of the ARMv8.0-A system registers (ARM ARM D7/D8/D10 and the GICv3 CPU interface) and of
//! the SYS operations with aliases (DC, IC, AT, TLBI; C5.3), spelled as objdump spells them.
//!
//! Registers that later architecture versions added are deliberately absent: they print in the
//! generic `s<op0>_<op1>_c<n>_c<m>_<op2>` form.

use core::fmt;

/// Which accesses a register name is printed for: objdump shows read-only registers by name only
/// in MRS and write-only ones only in MSR.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Rw,
    Ro,
    Wo,
}

use Access::{Ro, Rw, Wo};

/// `(name, op0, op1, CRn, CRm, op2, access)`.
type Entry = (&'static str, u8, u8, u8, u8, u8, Access);

/// The named registers, other than the numbered families of [`FAMILIES`].
#[rustfmt::skip]
const SYSREGS: &[Entry] = &[
    // Debug (op0 = 2), D10 / C5.3.
    ("osdtrrx_el1", 2, 0, 0, 0, 2, Rw),
    ("mdccint_el1", 2, 0, 0, 2, 0, Rw),
    ("mdscr_el1", 2, 0, 0, 2, 2, Rw),
    ("osdtrtx_el1", 2, 0, 0, 3, 2, Rw),
    ("oseccr_el1", 2, 0, 0, 6, 2, Rw),
    ("mdrar_el1", 2, 0, 1, 0, 0, Ro),
    ("oslar_el1", 2, 0, 1, 0, 4, Wo),
    ("oslsr_el1", 2, 0, 1, 1, 4, Ro),
    ("osdlr_el1", 2, 0, 1, 3, 4, Rw),
    ("dbgprcr_el1", 2, 0, 1, 4, 4, Rw),
    ("dbgclaimset_el1", 2, 0, 7, 8, 6, Rw),
    ("dbgclaimclr_el1", 2, 0, 7, 9, 6, Rw),
    ("dbgauthstatus_el1", 2, 0, 7, 14, 6, Ro),
    ("mdccsr_el0", 2, 3, 0, 1, 0, Ro),
    ("dbgdtr_el0", 2, 3, 0, 4, 0, Rw),
    ("dbgdtrrx_el0", 2, 3, 0, 5, 0, Ro),
    ("dbgdtrtx_el0", 2, 3, 0, 5, 0, Wo),
    ("dbgvcr32_el2", 2, 4, 0, 7, 0, Rw),
    // Identification.
    ("midr_el1", 3, 0, 0, 0, 0, Ro),
    ("mpidr_el1", 3, 0, 0, 0, 5, Ro),
    ("revidr_el1", 3, 0, 0, 0, 6, Ro),
    ("id_pfr0_el1", 3, 0, 0, 1, 0, Ro),
    ("id_pfr1_el1", 3, 0, 0, 1, 1, Ro),
    ("id_dfr0_el1", 3, 0, 0, 1, 2, Ro),
    ("id_afr0_el1", 3, 0, 0, 1, 3, Ro),
    ("id_mmfr0_el1", 3, 0, 0, 1, 4, Ro),
    ("id_mmfr1_el1", 3, 0, 0, 1, 5, Ro),
    ("id_mmfr2_el1", 3, 0, 0, 1, 6, Ro),
    ("id_mmfr3_el1", 3, 0, 0, 1, 7, Ro),
    ("id_isar0_el1", 3, 0, 0, 2, 0, Ro),
    ("id_isar1_el1", 3, 0, 0, 2, 1, Ro),
    ("id_isar2_el1", 3, 0, 0, 2, 2, Ro),
    ("id_isar3_el1", 3, 0, 0, 2, 3, Ro),
    ("id_isar4_el1", 3, 0, 0, 2, 4, Ro),
    ("id_isar5_el1", 3, 0, 0, 2, 5, Ro),
    ("mvfr0_el1", 3, 0, 0, 3, 0, Ro),
    ("mvfr1_el1", 3, 0, 0, 3, 1, Ro),
    ("mvfr2_el1", 3, 0, 0, 3, 2, Ro),
    ("id_aa64pfr0_el1", 3, 0, 0, 4, 0, Ro),
    ("id_aa64pfr1_el1", 3, 0, 0, 4, 1, Ro),
    ("id_aa64dfr0_el1", 3, 0, 0, 5, 0, Ro),
    ("id_aa64dfr1_el1", 3, 0, 0, 5, 1, Ro),
    ("id_aa64afr0_el1", 3, 0, 0, 5, 4, Ro),
    ("id_aa64afr1_el1", 3, 0, 0, 5, 5, Ro),
    ("id_aa64isar0_el1", 3, 0, 0, 6, 0, Ro),
    ("id_aa64isar1_el1", 3, 0, 0, 6, 1, Ro),
    ("id_aa64mmfr0_el1", 3, 0, 0, 7, 0, Ro),
    ("id_aa64mmfr1_el1", 3, 0, 0, 7, 1, Ro),
    ("ccsidr_el1", 3, 1, 0, 0, 0, Ro),
    ("clidr_el1", 3, 1, 0, 0, 1, Ro),
    ("aidr_el1", 3, 1, 0, 0, 7, Ro),
    ("csselr_el1", 3, 2, 0, 0, 0, Rw),
    ("ctr_el0", 3, 3, 0, 0, 1, Ro),
    ("dczid_el0", 3, 3, 0, 0, 7, Ro),
    ("vpidr_el2", 3, 4, 0, 0, 0, Rw),
    ("vmpidr_el2", 3, 4, 0, 0, 5, Rw),
    // System control.
    ("sctlr_el1", 3, 0, 1, 0, 0, Rw),
    ("actlr_el1", 3, 0, 1, 0, 1, Rw),
    ("cpacr_el1", 3, 0, 1, 0, 2, Rw),
    ("sctlr_el2", 3, 4, 1, 0, 0, Rw),
    ("actlr_el2", 3, 4, 1, 0, 1, Rw),
    ("hcr_el2", 3, 4, 1, 1, 0, Rw),
    ("mdcr_el2", 3, 4, 1, 1, 1, Rw),
    ("cptr_el2", 3, 4, 1, 1, 2, Rw),
    ("hstr_el2", 3, 4, 1, 1, 3, Rw),
    ("hacr_el2", 3, 4, 1, 1, 7, Rw),
    ("sctlr_el3", 3, 6, 1, 0, 0, Rw),
    ("actlr_el3", 3, 6, 1, 0, 1, Rw),
    ("scr_el3", 3, 6, 1, 1, 0, Rw),
    ("sder32_el3", 3, 6, 1, 1, 1, Rw),
    ("cptr_el3", 3, 6, 1, 1, 2, Rw),
    ("mdcr_el3", 3, 6, 1, 3, 1, Rw),
    // Translation.
    ("ttbr0_el1", 3, 0, 2, 0, 0, Rw),
    ("ttbr1_el1", 3, 0, 2, 0, 1, Rw),
    ("tcr_el1", 3, 0, 2, 0, 2, Rw),
    ("ttbr0_el2", 3, 4, 2, 0, 0, Rw),
    ("tcr_el2", 3, 4, 2, 0, 2, Rw),
    ("vttbr_el2", 3, 4, 2, 1, 0, Rw),
    ("vtcr_el2", 3, 4, 2, 1, 2, Rw),
    ("ttbr0_el3", 3, 6, 2, 0, 0, Rw),
    ("tcr_el3", 3, 6, 2, 0, 2, Rw),
    ("dacr32_el2", 3, 4, 3, 0, 0, Rw),
    // Special-purpose (C5.3 / D8).
    ("spsr_el1", 3, 0, 4, 0, 0, Rw),
    ("elr_el1", 3, 0, 4, 0, 1, Rw),
    ("sp_el0", 3, 0, 4, 1, 0, Rw),
    ("spsel", 3, 0, 4, 2, 0, Rw),
    ("currentel", 3, 0, 4, 2, 2, Ro),
    ("icc_pmr_el1", 3, 0, 4, 6, 0, Rw),
    ("nzcv", 3, 3, 4, 2, 0, Rw),
    ("daif", 3, 3, 4, 2, 1, Rw),
    ("fpcr", 3, 3, 4, 4, 0, Rw),
    ("fpsr", 3, 3, 4, 4, 1, Rw),
    ("dspsr_el0", 3, 3, 4, 5, 0, Rw),
    ("dlr_el0", 3, 3, 4, 5, 1, Rw),
    ("spsr_el2", 3, 4, 4, 0, 0, Rw),
    ("elr_el2", 3, 4, 4, 0, 1, Rw),
    ("sp_el1", 3, 4, 4, 1, 0, Rw),
    ("spsr_irq", 3, 4, 4, 3, 0, Rw),
    ("spsr_abt", 3, 4, 4, 3, 1, Rw),
    ("spsr_und", 3, 4, 4, 3, 2, Rw),
    ("spsr_fiq", 3, 4, 4, 3, 3, Rw),
    ("spsr_el3", 3, 6, 4, 0, 0, Rw),
    ("elr_el3", 3, 6, 4, 0, 1, Rw),
    ("sp_el2", 3, 6, 4, 1, 0, Rw),
    // Faults.
    ("afsr0_el1", 3, 0, 5, 1, 0, Rw),
    ("afsr1_el1", 3, 0, 5, 1, 1, Rw),
    ("esr_el1", 3, 0, 5, 2, 0, Rw),
    ("ifsr32_el2", 3, 4, 5, 0, 1, Rw),
    ("afsr0_el2", 3, 4, 5, 1, 0, Rw),
    ("afsr1_el2", 3, 4, 5, 1, 1, Rw),
    ("esr_el2", 3, 4, 5, 2, 0, Rw),
    ("fpexc32_el2", 3, 4, 5, 3, 0, Rw),
    ("afsr0_el3", 3, 6, 5, 1, 0, Rw),
    ("afsr1_el3", 3, 6, 5, 1, 1, Rw),
    ("esr_el3", 3, 6, 5, 2, 0, Rw),
    ("far_el1", 3, 0, 6, 0, 0, Rw),
    ("far_el2", 3, 4, 6, 0, 0, Rw),
    ("hpfar_el2", 3, 4, 6, 0, 4, Rw),
    ("far_el3", 3, 6, 6, 0, 0, Rw),
    ("par_el1", 3, 0, 7, 4, 0, Rw),
    // Performance monitors.
    ("pmintenset_el1", 3, 0, 9, 14, 1, Rw),
    ("pmintenclr_el1", 3, 0, 9, 14, 2, Rw),
    ("pmcr_el0", 3, 3, 9, 12, 0, Rw),
    ("pmcntenset_el0", 3, 3, 9, 12, 1, Rw),
    ("pmcntenclr_el0", 3, 3, 9, 12, 2, Rw),
    ("pmovsclr_el0", 3, 3, 9, 12, 3, Rw),
    ("pmswinc_el0", 3, 3, 9, 12, 4, Wo),
    ("pmselr_el0", 3, 3, 9, 12, 5, Rw),
    ("pmceid0_el0", 3, 3, 9, 12, 6, Ro),
    ("pmceid1_el0", 3, 3, 9, 12, 7, Ro),
    ("pmccntr_el0", 3, 3, 9, 13, 0, Rw),
    ("pmxevtyper_el0", 3, 3, 9, 13, 1, Rw),
    ("pmxevcntr_el0", 3, 3, 9, 13, 2, Rw),
    ("pmuserenr_el0", 3, 3, 9, 14, 0, Rw),
    ("pmovsset_el0", 3, 3, 9, 14, 3, Rw),
    ("pmccfiltr_el0", 3, 3, 14, 15, 7, Rw),
    // Memory attributes.
    ("mair_el1", 3, 0, 10, 2, 0, Rw),
    ("amair_el1", 3, 0, 10, 3, 0, Rw),
    ("mair_el2", 3, 4, 10, 2, 0, Rw),
    ("amair_el2", 3, 4, 10, 3, 0, Rw),
    ("mair_el3", 3, 6, 10, 2, 0, Rw),
    ("amair_el3", 3, 6, 10, 3, 0, Rw),
    // Exception vectors and reset.
    ("vbar_el1", 3, 0, 12, 0, 0, Rw),
    ("rvbar_el1", 3, 0, 12, 0, 1, Ro),
    ("rmr_el1", 3, 0, 12, 0, 2, Rw),
    ("isr_el1", 3, 0, 12, 1, 0, Ro),
    ("vbar_el2", 3, 4, 12, 0, 0, Rw),
    ("rvbar_el2", 3, 4, 12, 0, 1, Ro),
    ("rmr_el2", 3, 4, 12, 0, 2, Rw),
    ("vbar_el3", 3, 6, 12, 0, 0, Rw),
    ("rvbar_el3", 3, 6, 12, 0, 1, Ro),
    ("rmr_el3", 3, 6, 12, 0, 2, Rw),
    // GICv3 CPU interface (GIC architecture specification, 12.x).
    ("icc_iar0_el1", 3, 0, 12, 8, 0, Ro),
    ("icc_eoir0_el1", 3, 0, 12, 8, 1, Wo),
    ("icc_hppir0_el1", 3, 0, 12, 8, 2, Ro),
    ("icc_bpr0_el1", 3, 0, 12, 8, 3, Rw),
    ("icc_dir_el1", 3, 0, 12, 11, 1, Wo),
    ("icc_rpr_el1", 3, 0, 12, 11, 3, Ro),
    ("icc_sgi1r_el1", 3, 0, 12, 11, 5, Wo),
    ("icc_asgi1r_el1", 3, 0, 12, 11, 6, Wo),
    ("icc_sgi0r_el1", 3, 0, 12, 11, 7, Wo),
    ("icc_iar1_el1", 3, 0, 12, 12, 0, Ro),
    ("icc_eoir1_el1", 3, 0, 12, 12, 1, Wo),
    ("icc_hppir1_el1", 3, 0, 12, 12, 2, Ro),
    ("icc_bpr1_el1", 3, 0, 12, 12, 3, Rw),
    ("icc_ctlr_el1", 3, 0, 12, 12, 4, Rw),
    ("icc_sre_el1", 3, 0, 12, 12, 5, Rw),
    ("icc_igrpen0_el1", 3, 0, 12, 12, 6, Rw),
    ("icc_igrpen1_el1", 3, 0, 12, 12, 7, Rw),
    ("icc_sre_el2", 3, 4, 12, 9, 5, Rw),
    ("ich_hcr_el2", 3, 4, 12, 11, 0, Rw),
    ("ich_vtr_el2", 3, 4, 12, 11, 1, Ro),
    ("ich_misr_el2", 3, 4, 12, 11, 2, Ro),
    ("ich_eisr_el2", 3, 4, 12, 11, 3, Ro),
    ("ich_elrsr_el2", 3, 4, 12, 11, 5, Ro),
    ("ich_vmcr_el2", 3, 4, 12, 11, 7, Rw),
    ("icc_ctlr_el3", 3, 6, 12, 12, 4, Rw),
    ("icc_sre_el3", 3, 6, 12, 12, 5, Rw),
    ("icc_igrpen1_el3", 3, 6, 12, 12, 7, Rw),
    // Context and thread ID.
    ("contextidr_el1", 3, 0, 13, 0, 1, Rw),
    ("tpidr_el1", 3, 0, 13, 0, 4, Rw),
    ("tpidr_el0", 3, 3, 13, 0, 2, Rw),
    ("tpidrro_el0", 3, 3, 13, 0, 3, Rw),
    ("tpidr_el2", 3, 4, 13, 0, 2, Rw),
    ("tpidr_el3", 3, 6, 13, 0, 2, Rw),
    // Generic timer (D10 / D7).
    ("cntkctl_el1", 3, 0, 14, 1, 0, Rw),
    ("cntfrq_el0", 3, 3, 14, 0, 0, Rw),
    ("cntpct_el0", 3, 3, 14, 0, 1, Ro),
    ("cntvct_el0", 3, 3, 14, 0, 2, Ro),
    ("cntp_tval_el0", 3, 3, 14, 2, 0, Rw),
    ("cntp_ctl_el0", 3, 3, 14, 2, 1, Rw),
    ("cntp_cval_el0", 3, 3, 14, 2, 2, Rw),
    ("cntv_tval_el0", 3, 3, 14, 3, 0, Rw),
    ("cntv_ctl_el0", 3, 3, 14, 3, 1, Rw),
    ("cntv_cval_el0", 3, 3, 14, 3, 2, Rw),
    ("cntvoff_el2", 3, 4, 14, 0, 3, Rw),
    ("cnthctl_el2", 3, 4, 14, 1, 0, Rw),
    ("cnthp_tval_el2", 3, 4, 14, 2, 0, Rw),
    ("cnthp_ctl_el2", 3, 4, 14, 2, 1, Rw),
    ("cnthp_cval_el2", 3, 4, 14, 2, 2, Rw),
    ("cntps_tval_el1", 3, 7, 14, 2, 0, Rw),
    ("cntps_ctl_el1", 3, 7, 14, 2, 1, Rw),
    ("cntps_cval_el1", 3, 7, 14, 2, 2, Rw),
];

/// A numbered family `<prefix><n><suffix>`: `(prefix, suffix, count, op0, op1, CRn, CRm of
/// n = 0, op2 of n = 0, n steps op2 (else CRm), access)`. Where n steps op2, CRm advances every
/// eight.
type Family = (&'static str, &'static str, u8, u8, u8, u8, u8, u8, bool, Access);

#[rustfmt::skip]
const FAMILIES: &[Family] = &[
    ("dbgbvr", "_el1", 16, 2, 0, 0, 0, 4, false, Rw),
    ("dbgbcr", "_el1", 16, 2, 0, 0, 0, 5, false, Rw),
    ("dbgwvr", "_el1", 16, 2, 0, 0, 0, 6, false, Rw),
    ("dbgwcr", "_el1", 16, 2, 0, 0, 0, 7, false, Rw),
    ("pmevcntr", "_el0", 31, 3, 3, 14, 8, 0, true, Rw),
    ("pmevtyper", "_el0", 31, 3, 3, 14, 12, 0, true, Rw),
    ("icc_ap0r", "_el1", 4, 3, 0, 12, 8, 4, true, Rw),
    ("icc_ap1r", "_el1", 4, 3, 0, 12, 9, 0, true, Rw),
    ("ich_ap0r", "_el2", 4, 3, 4, 12, 8, 0, true, Rw),
    ("ich_ap1r", "_el2", 4, 3, 4, 12, 9, 0, true, Rw),
    ("ich_lr", "_el2", 16, 3, 4, 12, 12, 0, true, Rw),
];

/// A system register name: a table entry or a member of a numbered family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SysRegName {
    Plain(&'static str),
    Numbered(&'static str, u8, &'static str),
}

impl fmt::Display for SysRegName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SysRegName::Plain(name) => f.write_str(name),
            SysRegName::Numbered(prefix, n, suffix) => write!(f, "{prefix}{n}{suffix}"),
        }
    }
}

/// The name objdump gives the register `(op0, op1, CRn, CRm, op2)` in an MRS (`read`) or MSR.
pub(super) fn sysreg_name(op0: u8, op1: u8, crn: u8, crm: u8, op2: u8, read: bool) -> Option<SysRegName> {
    let usable = |a: Access| a == Rw || (a == Ro) == read;
    let key = (op0, op1, crn, crm, op2);
    let mut fallback = None;
    for &(name, e0, e1, en, em, e2, access) in SYSREGS {
        if (e0, e1, en, em, e2) == key {
            if usable(access) {
                return Some(SysRegName::Plain(name));
            }
            fallback = fallback.or(Some(SysRegName::Plain(name)));
        }
    }
    for &(prefix, suffix, count, e0, e1, en, em, e2, by_op2, access) in FAMILIES {
        if (e0, e1, en) != (op0, op1, crn) || !usable(access) {
            continue;
        }
        let n = if by_op2 {
            (i32::from(crm) * 8 + i32::from(op2)) - (i32::from(em) * 8 + i32::from(e2))
        } else if op2 == e2 {
            i32::from(crm) - i32::from(em)
        } else {
            continue;
        };
        if (0..i32::from(count)).contains(&n) {
            return Some(SysRegName::Numbered(prefix, n as u8, suffix));
        }
    }
    fallback
}

/// A SYS operation with an alias: `dc civac, x0`, `tlbi vmalle1is`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SysOp {
    /// `dc`, `ic`, `at` or `tlbi`.
    pub kind: &'static str,
    /// The operation, e.g. `civac`.
    pub name: &'static str,
    /// Whether the operation takes a register operand.
    pub xt: bool,
}

/// `(kind, name, op1, CRn, CRm, op2, takes Xt)` of the ARMv8.0 cache maintenance, address
/// translation and TLB maintenance instructions (C5.3, "A64 system instructions").
#[rustfmt::skip]
const SYS_OPS: &[(&str, &str, u8, u8, u8, u8, bool)] = &[
    ("ic", "ialluis", 0, 7, 1, 0, false),
    ("ic", "iallu", 0, 7, 5, 0, false),
    ("ic", "ivau", 3, 7, 5, 1, true),
    ("dc", "ivac", 0, 7, 6, 1, true),
    ("dc", "isw", 0, 7, 6, 2, true),
    ("dc", "csw", 0, 7, 10, 2, true),
    ("dc", "cisw", 0, 7, 14, 2, true),
    ("dc", "zva", 3, 7, 4, 1, true),
    ("dc", "cvac", 3, 7, 10, 1, true),
    ("dc", "cvau", 3, 7, 11, 1, true),
    ("dc", "civac", 3, 7, 14, 1, true),
    ("at", "s1e1r", 0, 7, 8, 0, true),
    ("at", "s1e1w", 0, 7, 8, 1, true),
    ("at", "s1e0r", 0, 7, 8, 2, true),
    ("at", "s1e0w", 0, 7, 8, 3, true),
    ("at", "s1e2r", 4, 7, 8, 0, true),
    ("at", "s1e2w", 4, 7, 8, 1, true),
    ("at", "s12e1r", 4, 7, 8, 4, true),
    ("at", "s12e1w", 4, 7, 8, 5, true),
    ("at", "s12e0r", 4, 7, 8, 6, true),
    ("at", "s12e0w", 4, 7, 8, 7, true),
    ("at", "s1e3r", 6, 7, 8, 0, true),
    ("at", "s1e3w", 6, 7, 8, 1, true),
    ("tlbi", "vmalle1is", 0, 8, 3, 0, false),
    ("tlbi", "vae1is", 0, 8, 3, 1, true),
    ("tlbi", "aside1is", 0, 8, 3, 2, true),
    ("tlbi", "vaae1is", 0, 8, 3, 3, true),
    ("tlbi", "vale1is", 0, 8, 3, 5, true),
    ("tlbi", "vaale1is", 0, 8, 3, 7, true),
    ("tlbi", "vmalle1", 0, 8, 7, 0, false),
    ("tlbi", "vae1", 0, 8, 7, 1, true),
    ("tlbi", "aside1", 0, 8, 7, 2, true),
    ("tlbi", "vaae1", 0, 8, 7, 3, true),
    ("tlbi", "vale1", 0, 8, 7, 5, true),
    ("tlbi", "vaale1", 0, 8, 7, 7, true),
    ("tlbi", "ipas2e1is", 4, 8, 0, 1, true),
    ("tlbi", "ipas2le1is", 4, 8, 0, 5, true),
    ("tlbi", "alle2is", 4, 8, 3, 0, false),
    ("tlbi", "vae2is", 4, 8, 3, 1, true),
    ("tlbi", "alle1is", 4, 8, 3, 4, false),
    ("tlbi", "vale2is", 4, 8, 3, 5, true),
    ("tlbi", "vmalls12e1is", 4, 8, 3, 6, false),
    ("tlbi", "ipas2e1", 4, 8, 4, 1, true),
    ("tlbi", "ipas2le1", 4, 8, 4, 5, true),
    ("tlbi", "alle2", 4, 8, 7, 0, false),
    ("tlbi", "vae2", 4, 8, 7, 1, true),
    ("tlbi", "alle1", 4, 8, 7, 4, false),
    ("tlbi", "vale2", 4, 8, 7, 5, true),
    ("tlbi", "vmalls12e1", 4, 8, 7, 6, false),
    ("tlbi", "alle3is", 6, 8, 3, 0, false),
    ("tlbi", "vae3is", 6, 8, 3, 1, true),
    ("tlbi", "vale3is", 6, 8, 3, 5, true),
    ("tlbi", "alle3", 6, 8, 7, 0, false),
    ("tlbi", "vae3", 6, 8, 7, 1, true),
    ("tlbi", "vale3", 6, 8, 7, 5, true),
];

/// The DC/IC/AT/TLBI alias of `SYS #op1, Cn, Cm, #op2`, if ARMv8.0 defines one.
pub(super) fn sys_op_name(op1: u8, crn: u8, crm: u8, op2: u8) -> Option<SysOp> {
    SYS_OPS.iter().find(|e| (e.2, e.3, e.4, e.5) == (op1, crn, crm, op2)).map(|&(kind, name, .., xt)| SysOp {
        kind,
        name,
        xt,
    })
}
