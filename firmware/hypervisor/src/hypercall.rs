//! The calls a guest makes with `HVC #0` (SMC Calling Convention, ARM DEN 0028: function ID in
//! W0, arguments in X1..X3, results in X0..X5): PSCI (ARM DEN 0022) for its own vCPUs and VM,
//! and the HyperSoC hypervisor ABI in the SMCCC "Vendor Specific Hypervisor Service" range
//! (OEN 6, fast SMC64 calls 0xC600_0000 + n).
//!
//! | function ID | name | arguments | result |
//! |---|---|---|---|
//! | 0xC600_0000 | HYP_VERSION | - | x0 = major << 16 \| minor (1.0) |
//! | 0xC600_0001 | CONSOLE_WRITE | x1 = IPA of the text, x2 = length (<= 256) | x0 = bytes written, or INVALID_PARAMETERS (-2) if the buffer is not inside the VM's RAM |
//! | 0xC600_0002 | VM_INFO | - | x0 = 0, x1 = VM id, x2 = vCPU number, x3 = vCPU count, x4/x5 = name (16 bytes, little-endian) |
//! | 0xC600_0003 | YIELD | - | x0 = 0; the vCPU goes behind its equals |
//! | 0xC600_0004 | REPORT | x1 = key (1 = worst latency in ticks, 2 = deadlines missed, 3 = jobs) x2 = value | x0 = 0, or INVALID_PARAMETERS |
//! | other IDs | - | - | x0 = NOT_SUPPORTED (-1) |
//!
//! PSCI over HVC: PSCI_VERSION (1.1), PSCI_FEATURES, CPU_ON (32/64; targets are the VM's own
//! vCPUs, MPIDR Aff0 = vCPU number), CPU_OFF, AFFINITY_INFO (32/64), SYSTEM_OFF and
//! SYSTEM_RESET (both stop the VM; a reset is not offered in this release), MIGRATE_INFO_TYPE.

/// HyperSoC hypervisor ABI function IDs.
pub mod hyp {
    pub const VERSION: u32 = 0xc600_0000;
    pub const CONSOLE_WRITE: u32 = 0xc600_0001;
    pub const VM_INFO: u32 = 0xc600_0002;
    pub const YIELD: u32 = 0xc600_0003;
    pub const REPORT: u32 = 0xc600_0004;
    /// ABI version 1.0.
    pub const ABI_VERSION: u64 = 1 << 16;
    /// Longest CONSOLE_WRITE.
    pub const CONSOLE_MAX: u64 = 256;
}

/// PSCI function IDs (DEN 0022D table 5-1).
pub mod psci {
    pub const VERSION: u32 = 0x8400_0000;
    pub const CPU_OFF: u32 = 0x8400_0002;
    pub const CPU_ON: u32 = 0x8400_0003;
    pub const AFFINITY_INFO: u32 = 0x8400_0004;
    pub const MIGRATE_INFO_TYPE: u32 = 0x8400_0006;
    pub const SYSTEM_OFF: u32 = 0x8400_0008;
    pub const SYSTEM_RESET: u32 = 0x8400_0009;
    pub const FEATURES: u32 = 0x8400_000a;
    pub const CPU_ON_64: u32 = 0xc400_0003;
    pub const AFFINITY_INFO_64: u32 = 0xc400_0004;
    /// PSCI 1.1.
    pub const PSCI_VERSION: u64 = 0x1_0001;
    /// The functions PSCI_FEATURES answers 0 for.
    pub const IMPLEMENTED: [u32; 10] = [
        VERSION,
        CPU_OFF,
        CPU_ON,
        AFFINITY_INFO,
        MIGRATE_INFO_TYPE,
        SYSTEM_OFF,
        SYSTEM_RESET,
        FEATURES,
        CPU_ON_64,
        AFFINITY_INFO_64,
    ];
}

/// Return codes (SMCCC / PSCI).
pub mod ret {
    pub const SUCCESS: u64 = 0;
    pub const NOT_SUPPORTED: u64 = -1i64 as u64;
    pub const INVALID_PARAMETERS: u64 = -2i64 as u64;
    pub const ALREADY_ON: u64 = -4i64 as u64;
    pub const INVALID_ADDRESS: u64 = -9i64 as u64;
}

/// A decoded guest call.
#[derive(Clone, Copy, Debug)]
pub enum Call {
    Version,
    ConsoleWrite {
        ipa: u64,
        len: u64,
    },
    VmInfo,
    Yield,
    Report {
        key: u64,
        value: u64,
    },
    PsciVersion,
    PsciFeatures {
        function: u32,
    },
    CpuOn {
        target: u64,
        entry: u64,
        context: u64,
    },
    CpuOff,
    AffinityInfo {
        target: u64,
    },
    MigrateInfoType,
    SystemOff,
    SystemReset,
    /// Anything else (answered NOT_SUPPORTED).
    Unknown {
        function: u64,
    },
}

impl Call {
    /// Decodes x0..x3 of an `HVC #0`.
    pub fn decode(x: &[u64; 31]) -> Call {
        // SMCCC: the function ID is W0; bits 63:32 of X0 are ignored for 32-bit IDs.
        match x[0] as u32 {
            hyp::VERSION => Call::Version,
            hyp::CONSOLE_WRITE => Call::ConsoleWrite { ipa: x[1], len: x[2] },
            hyp::VM_INFO => Call::VmInfo,
            hyp::YIELD => Call::Yield,
            hyp::REPORT => Call::Report { key: x[1], value: x[2] },
            psci::VERSION => Call::PsciVersion,
            psci::FEATURES => Call::PsciFeatures { function: x[1] as u32 },
            psci::CPU_ON => {
                Call::CpuOn { target: x[1] & 0xffff_ffff, entry: x[2] & 0xffff_ffff, context: x[3] & 0xffff_ffff }
            }
            psci::CPU_ON_64 => Call::CpuOn { target: x[1], entry: x[2], context: x[3] },
            psci::CPU_OFF => Call::CpuOff,
            psci::AFFINITY_INFO => Call::AffinityInfo { target: x[1] & 0xffff_ffff },
            psci::AFFINITY_INFO_64 => Call::AffinityInfo { target: x[1] },
            psci::MIGRATE_INFO_TYPE => Call::MigrateInfoType,
            psci::SYSTEM_OFF => Call::SystemOff,
            psci::SYSTEM_RESET => Call::SystemReset,
            _ => Call::Unknown { function: x[0] },
        }
    }

    /// Whether this is a PSCI call (for the trap statistics).
    pub fn is_psci(&self) -> bool {
        !matches!(
            self,
            Call::Version
                | Call::ConsoleWrite { .. }
                | Call::VmInfo
                | Call::Yield
                | Call::Report { .. }
                | Call::Unknown { .. }
        )
    }
}
