//! Powering off (PSCI SYSTEM_OFF) and the panic handler.

use crate::levels::{current_level, SERVICE_POWER_OFF};

/// PSCI SYSTEM_OFF function ID (ARM DEN 0022 "Arm Power State Coordination Interface" 5.1).
const PSCI_SYSTEM_OFF: u64 = 0x8400_0008;

/// Powers the system off. At EL2 this is `SMC #0` with x0 = SYSTEM_OFF (the platform serves
/// PSCI over SMC when there is no EL3, as QEMU `virt,virtualization=on` does); at EL1 an
/// `HVC #0xFFF1` and at EL0 an `SVC #0xFFF1` ask the level above to do it.
pub fn power_off() -> ! {
    // SAFETY: these calls do not return when served; if one does, x0..x17 may have changed,
    // which `clobber_abi` tells the compiler.
    unsafe {
        match current_level() {
            2 => core::arch::asm!("smc #0", inout("x0") PSCI_SYSTEM_OFF => _, clobber_abi("C")),
            1 => core::arch::asm!("hvc #{imm}", imm = const SERVICE_POWER_OFF, clobber_abi("C")),
            _ => core::arch::asm!("svc #{imm}", imm = const SERVICE_POWER_OFF, clobber_abi("C")),
        }
    }
    loop {
        // SAFETY: waiting for an interrupt has no operands.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    crate::println!("PANIC: {}", info);
    power_off()
}
