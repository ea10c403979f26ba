//! The system-register table generated from `isa/sysregs.isa`.

/// Static description of one system register.
#[derive(Debug)]
pub struct SysRegInfo {
    /// Architectural name, e.g. `SCTLR_EL1`.
    pub name: &'static str,
    /// op0, op1, CRn, CRm, op2.
    pub encoding: [u8; 5],
    /// Lowest Exception level that may read it (`u8::MAX`: write-only).
    pub read_el: u8,
    /// Lowest Exception level that may write it (`u8::MAX`: read-only).
    pub write_el: u8,
    /// Value at reset.
    pub reset: u64,
    /// Bits that read as zero and ignore writes.
    pub res0: u64,
    /// Bits that read as one and ignore writes.
    pub res1: u64,
    /// Handled by code rather than plain storage.
    pub special: bool,
    /// The EL2 trap classes that guard it (bits of [`trap_class`]).
    pub traps: u16,
}

include!(concat!(env!("OUT_DIR"), "/sysregs.rs"));
