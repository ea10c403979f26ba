//! Calls to the hypervisor over `HVC #0` (SMCCC, ARM DEN 0028): the HyperSoC ABI (see
//! `firmware/hypervisor/src/hypercall.rs` for the table) and PSCI (ARM DEN 0022).

/// HyperSoC hypervisor ABI.
pub mod hyp {
    pub const VERSION: u64 = 0xc600_0000;
    pub const CONSOLE_WRITE: u64 = 0xc600_0001;
    pub const VM_INFO: u64 = 0xc600_0002;
    pub const YIELD: u64 = 0xc600_0003;
    pub const REPORT: u64 = 0xc600_0004;
}

/// PSCI function IDs.
pub mod psci {
    pub const VERSION: u64 = 0x8400_0000;
    pub const CPU_OFF: u64 = 0x8400_0002;
    pub const AFFINITY_INFO: u64 = 0x8400_0004;
    pub const SYSTEM_OFF: u64 = 0x8400_0008;
    pub const SYSTEM_RESET: u64 = 0x8400_0009;
    pub const FEATURES: u64 = 0x8400_000a;
    pub const CPU_ON_64: u64 = 0xc400_0003;
}

/// `HVC #0` with x0..x3; returns x0..x5.
pub fn call6(function: u64, a1: u64, a2: u64, a3: u64) -> [u64; 6] {
    let (mut x0, mut x1, mut x2, mut x3) = (function, a1, a2, a3);
    let (x4, x5): (u64, u64);
    // SAFETY: a hypervisor call; SMCCC lets it change x0..x17.
    unsafe {
        core::arch::asm!("hvc #0", inout("x0") x0, inout("x1") x1, inout("x2") x2, inout("x3") x3,
            out("x4") x4, out("x5") x5, clobber_abi("C"))
    }
    [x0, x1, x2, x3, x4, x5]
}

/// `HVC #0`; returns x0.
pub fn call(function: u64, a1: u64, a2: u64, a3: u64) -> u64 {
    call6(function, a1, a2, a3)[0]
}

/// CONSOLE_WRITE of `text` (must be in the VM's RAM).
pub fn console_write(text: &[u8]) -> u64 {
    call(hyp::CONSOLE_WRITE, text.as_ptr() as u64, text.len() as u64, 0)
}

/// VM_INFO: (VM id, vCPU number, vCPU count, name).
pub fn vm_info() -> (u64, u64, u64, [u8; 16]) {
    let r = call6(hyp::VM_INFO, 0, 0, 0);
    let mut name = [0u8; 16];
    name[..8].copy_from_slice(&r[4].to_le_bytes());
    name[8..].copy_from_slice(&r[5].to_le_bytes());
    (r[1], r[2], r[3], name)
}

/// REPORT a value for the hypervisor's summary.
pub fn report(key: u64, value: u64) -> u64 {
    call(hyp::REPORT, key, value, 0)
}

/// PSCI CPU_ON of vCPU `target` at `entry` with `context`.
pub fn cpu_on(target: u64, entry: u64, context: u64) -> u64 {
    call(psci::CPU_ON_64, target, entry, context)
}

/// Sign-interprets an SMCCC return code.
pub fn code(x0: u64) -> i64 {
    x0 as i64
}
