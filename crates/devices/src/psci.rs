//! Platform PSCI (Arm Power State Coordination Interface, ARM DEN 0022D) behind the SMC conduit:
//! with no EL3 the platform itself answers SMCs from EL2 (and EL1), as QEMU does with
//! `virtualization=on`.

/// Function IDs (DEN 0022D table 5-1 / 5-2, SMC64 where both exist).
pub mod function {
    /// PSCI_VERSION.
    pub const VERSION: u32 = 0x8400_0000;
    /// CPU_SUSPEND (SMC32).
    pub const CPU_SUSPEND: u32 = 0x8400_0001;
    /// CPU_OFF.
    pub const CPU_OFF: u32 = 0x8400_0002;
    /// CPU_ON (SMC64).
    pub const CPU_ON_64: u32 = 0xc400_0003;
    /// AFFINITY_INFO (SMC64).
    pub const AFFINITY_INFO_64: u32 = 0xc400_0004;
    /// MIGRATE_INFO_TYPE.
    pub const MIGRATE_INFO_TYPE: u32 = 0x8400_0006;
    /// SYSTEM_OFF.
    pub const SYSTEM_OFF: u32 = 0x8400_0008;
    /// SYSTEM_RESET.
    pub const SYSTEM_RESET: u32 = 0x8400_0009;
    /// PSCI_FEATURES.
    pub const FEATURES: u32 = 0x8400_000a;
}

/// Return codes (DEN 0022D table 5-3), as the 64-bit values placed in X0.
pub const SUCCESS: i64 = 0;
/// NOT_SUPPORTED.
pub const NOT_SUPPORTED: i64 = -1;
/// INVALID_PARAMETERS.
pub const INVALID_PARAMETERS: i64 = -2;

/// PSCI 1.1, the version QEMU 7.2 reports.
pub const PSCI_VERSION: u64 = 0x0001_0001;

/// What a call asks of the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PsciOutcome {
    /// Completed: this value goes to X0.
    Return(u64),
    /// Power the system off.
    SystemOff,
    /// Reset the system.
    SystemReset,
    /// Start a core (acted on by the multi-core scheduler).
    CpuOn {
        /// MPIDR of the core to start.
        target_mpidr: u64,
        /// Entry point address.
        entry: u64,
        /// Value for the new core's X0.
        context_id: u64,
    },
    /// Not a PSCI function: the SMC is not served (UNDEFINED).
    NotPsci,
}

/// The platform's PSCI implementation.
#[derive(Clone, Debug, Default)]
pub struct Psci;

impl Psci {
    /// A PSCI implementation.
    pub fn new() -> Psci {
        Psci
    }

    /// Whether `function_id` is implemented here (for PSCI_FEATURES).
    fn implemented(function_id: u32) -> bool {
        matches!(
            function_id,
            function::VERSION | function::SYSTEM_OFF | function::SYSTEM_RESET | function::FEATURES | function::CPU_ON_64
        )
    }

    /// Serves one call with W0 = `function_id` and X1..X3 = `args`.
    pub fn call(&mut self, function_id: u32, args: [u64; 3], _caller_cpu: usize) -> PsciOutcome {
        let in_psci_range = matches!(function_id, 0x8400_0000..=0x8400_001f | 0xc400_0000..=0xc400_001f);
        if !in_psci_range {
            return PsciOutcome::NotPsci;
        }
        match function_id {
            function::VERSION => PsciOutcome::Return(PSCI_VERSION),
            function::SYSTEM_OFF => PsciOutcome::SystemOff,
            function::SYSTEM_RESET => PsciOutcome::SystemReset,
            function::CPU_ON_64 => PsciOutcome::CpuOn { target_mpidr: args[0], entry: args[1], context_id: args[2] },
            function::FEATURES => {
                let queried = args[0] as u32;
                PsciOutcome::Return(if Self::implemented(queried) { SUCCESS as u64 } else { NOT_SUPPORTED as u64 })
            }
            _ => PsciOutcome::Return(NOT_SUPPORTED as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_features_and_power() {
        let mut psci = Psci::new();
        assert_eq!(psci.call(function::VERSION, [0; 3], 0), PsciOutcome::Return(0x1_0001));
        assert_eq!(psci.call(function::FEATURES, [u64::from(function::SYSTEM_OFF), 0, 0], 0), PsciOutcome::Return(0));
        assert_eq!(psci.call(function::FEATURES, [0x8400_0015, 0, 0], 0), PsciOutcome::Return(u64::MAX));
        assert_eq!(psci.call(function::SYSTEM_OFF, [0; 3], 0), PsciOutcome::SystemOff);
        assert_eq!(psci.call(function::SYSTEM_RESET, [0; 3], 0), PsciOutcome::SystemReset);
        assert_eq!(psci.call(0x8400_0012, [0; 3], 0), PsciOutcome::Return(u64::MAX));
        assert_eq!(psci.call(0x8200_0000, [0; 3], 0), PsciOutcome::NotPsci);
        assert_eq!(
            psci.call(function::CPU_ON_64, [1, 0x4000_0000, 7], 0),
            PsciOutcome::CpuOn { target_mpidr: 1, entry: 0x4000_0000, context_id: 7 }
        );
    }
}
