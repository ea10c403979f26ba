//! System register access and barriers.

/// Reads a system register by name: `read_sysreg!(sctlr_el2)` returns a `u64`.
#[macro_export]
macro_rules! read_sysreg {
    ($reg:ident) => {{
        let value: u64;
        // SAFETY: MRS reads a register; it has no memory effects (a trap is an exception the
        // program's handlers expect).
        unsafe {
            core::arch::asm!(concat!("mrs {}, ", stringify!($reg)), out(reg) value,
                options(nomem, nostack, preserves_flags));
        }
        value
    }};
}

/// Writes a system register by name: `write_sysreg!(sctlr_el1, value)`. Follow it with
/// [`isb`](crate::sysreg::isb) when later instructions must see the change.
#[macro_export]
macro_rules! write_sysreg {
    ($reg:ident, $value:expr) => {{
        let value: u64 = $value;
        // SAFETY: the caller chooses the register and the value; MSR does not touch memory
        // the compiler knows about.
        unsafe {
            core::arch::asm!(concat!("msr ", stringify!($reg), ", {}"), in(reg) value,
                options(nostack, preserves_flags));
        }
    }};
}

/// Instruction synchronization barrier (DDI 0487 B2.3.5): later instructions see earlier
/// system register writes.
#[inline(always)]
pub fn isb() {
    // SAFETY: a barrier has no operands.
    unsafe { core::arch::asm!("isb", options(nostack, preserves_flags)) }
}

/// Data synchronization barrier, full system.
#[inline(always)]
pub fn dsb_sy() {
    // SAFETY: a barrier has no operands.
    unsafe { core::arch::asm!("dsb sy", options(nostack, preserves_flags)) }
}

/// The current exception level (0..=3) from `CurrentEL` (DDI 0487 C5.2.1). UNDEFINED at EL0.
#[inline(always)]
pub fn current_el() -> u64 {
    (read_sysreg!(CurrentEL) >> 2) & 3
}
