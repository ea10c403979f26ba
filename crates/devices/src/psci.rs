//! Platform PSCI: the Arm Power State Coordination Interface (ARM DEN 0022D) served by the
//! platform for the SMC conduit.
//!
//! There is no EL3: as QEMU does with `-M virt,virtualization=on`, the platform itself answers an
//! SMC whose function ID (W0, SMC Calling Convention ARM DEN 0028) is a PSCI function, and the
//! CPU treats any other SMC as UNDEFINED.
//!
//! What is implemented, and how it compares with QEMU 7.2 (`target/arm/psci.c`):
//!
//! | function | here | QEMU 7.2 |
//! |---|---|---|
//! | PSCI_VERSION | 1.1 | 1.1 |
//! | PSCI_FEATURES | 0 for the functions below, NOT_SUPPORTED otherwise | 0 also for CPU_OFF, CPU_SUSPEND, AFFINITY_INFO |
//! | MIGRATE_INFO_TYPE | 2 (no Trusted OS) | 2 |
//! | SYSTEM_OFF, SYSTEM_RESET | [`PsciOutcome::SystemOff`] / [`PsciOutcome::SystemReset`] | the same |
//! | CPU_ON (SMC32 and SMC64) | [`PsciOutcome::CpuOn`]; the platform starts the core and supplies the return value | the same |
//! | other IDs in 0x8400_0000-0x8400_001F / 0xC400_0000-0xC400_001F | NOT_SUPPORTED | UNDEFINED for IDs it does not know; NOT_SUPPORTED for MIGRATE |
//! | IDs outside those ranges | [`PsciOutcome::NotPsci`] (UNDEFINED) | UNDEFINED |
//!
//! Answering NOT_SUPPORTED for the rest of the PSCI range is what DEN 0022D 5.2.2 asks of an
//! implementation and what later QEMU versions do for every unknown SMCCC call.

/// Function IDs (DEN 0022D table 5-1 and 5.1). SMC32 IDs are `0x8400_00nn`; the SMC64 variant of
/// a function with 64-bit arguments is `0xC400_00nn`.
pub mod function {
    /// PSCI_VERSION (5.1.1).
    pub const PSCI_VERSION: u32 = 0x8400_0000;
    /// CPU_SUSPEND, SMC32 (5.1.2).
    pub const CPU_SUSPEND: u32 = 0x8400_0001;
    /// CPU_OFF (5.1.3).
    pub const CPU_OFF: u32 = 0x8400_0002;
    /// CPU_ON, SMC32 (5.1.4).
    pub const CPU_ON: u32 = 0x8400_0003;
    /// AFFINITY_INFO, SMC32 (5.1.5).
    pub const AFFINITY_INFO: u32 = 0x8400_0004;
    /// MIGRATE, SMC32 (5.1.6).
    pub const MIGRATE: u32 = 0x8400_0005;
    /// MIGRATE_INFO_TYPE (5.1.7).
    pub const MIGRATE_INFO_TYPE: u32 = 0x8400_0006;
    /// MIGRATE_INFO_UP_CPU, SMC32 (5.1.8).
    pub const MIGRATE_INFO_UP_CPU: u32 = 0x8400_0007;
    /// SYSTEM_OFF (5.1.9).
    pub const SYSTEM_OFF: u32 = 0x8400_0008;
    /// SYSTEM_RESET (5.1.10).
    pub const SYSTEM_RESET: u32 = 0x8400_0009;
    /// PSCI_FEATURES (5.1.14).
    pub const PSCI_FEATURES: u32 = 0x8400_000a;
    /// SYSTEM_SUSPEND, SMC32 (5.1.19).
    pub const SYSTEM_SUSPEND: u32 = 0x8400_000e;
    /// SYSTEM_RESET2, SMC32 (5.1.11).
    pub const SYSTEM_RESET2: u32 = 0x8400_0012;
    /// CPU_SUSPEND, SMC64.
    pub const CPU_SUSPEND_64: u32 = 0xc400_0001;
    /// CPU_ON, SMC64.
    pub const CPU_ON_64: u32 = 0xc400_0003;
    /// AFFINITY_INFO, SMC64.
    pub const AFFINITY_INFO_64: u32 = 0xc400_0004;

    /// The SMC32 PSCI function ID range (DEN 0022D 5.1, SMCCC "Standard Secure Service Calls").
    pub const RANGE_32: core::ops::RangeInclusive<u32> = 0x8400_0000..=0x8400_001f;
    /// The SMC64 PSCI function ID range.
    pub const RANGE_64: core::ops::RangeInclusive<u32> = 0xc400_0000..=0xc400_001f;
}

/// Return code SUCCESS (DEN 0022D table 5-2). Return codes are 32-bit signed values; in X0
/// they are sign-extended, as QEMU writes them.
pub const SUCCESS: i32 = 0;
/// Return code NOT_SUPPORTED.
pub const NOT_SUPPORTED: i32 = -1;
/// Return code INVALID_PARAMETERS.
pub const INVALID_PARAMETERS: i32 = -2;
/// Return code DENIED.
pub const DENIED: i32 = -3;
/// Return code ALREADY_ON.
pub const ALREADY_ON: i32 = -4;
/// Return code ON_PENDING.
pub const ON_PENDING: i32 = -5;
/// Return code INTERNAL_FAILURE.
pub const INTERNAL_FAILURE: i32 = -6;
/// Return code NOT_PRESENT.
pub const NOT_PRESENT: i32 = -7;
/// Return code DISABLED.
pub const DISABLED: i32 = -8;
/// Return code INVALID_ADDRESS.
pub const INVALID_ADDRESS: i32 = -9;

/// The version PSCI_VERSION reports: 1.1 (major in bits 31:16, minor in 15:0, 5.1.1), as QEMU
/// 7.2 does.
pub const VERSION_1_1: u32 = 0x0001_0001;

/// MIGRATE_INFO_TYPE's answer: a Trusted OS is not present or does not require migration
/// (5.1.7).
pub const TOS_NOT_PRESENT_MP: i32 = 2;

/// A PSCI return code as the value for X0.
pub const fn x0(code: i32) -> u64 {
    code as i64 as u64
}

/// What a call asks of the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PsciOutcome {
    /// The call completed: this value goes to X0.
    Return(u64),
    /// SYSTEM_OFF: power the system off; the call does not return.
    SystemOff,
    /// SYSTEM_RESET: reset the system; the call does not return.
    SystemReset,
    /// CPU_ON: start the core `target_mpidr` at `entry` with X0 = `context_id`. The platform
    /// checks the target and supplies the caller's return value (SUCCESS, INVALID_PARAMETERS,
    /// ALREADY_ON, ...).
    CpuOn {
        /// MPIDR affinity fields of the core to start.
        target_mpidr: u64,
        /// Physical address where the core starts.
        entry: u64,
        /// Value for the started core's X0.
        context_id: u64,
    },
    /// Not a PSCI function ID: the SMC is UNDEFINED.
    NotPsci,
}

/// The platform's PSCI implementation.
#[derive(Clone, Debug, Default)]
pub struct Psci {
    _private: (),
}

/// The functions answered with something other than NOT_SUPPORTED: the one list both
/// [`Psci::call`] and PSCI_FEATURES use, so they cannot disagree.
const IMPLEMENTED: [u32; 7] = [
    function::PSCI_VERSION,
    function::PSCI_FEATURES,
    function::MIGRATE_INFO_TYPE,
    function::SYSTEM_OFF,
    function::SYSTEM_RESET,
    function::CPU_ON,
    function::CPU_ON_64,
];

impl Psci {
    /// A PSCI implementation.
    pub fn new() -> Psci {
        Psci::default()
    }

    /// Whether `function_id` is a PSCI function ID, implemented or not.
    pub fn is_psci(function_id: u32) -> bool {
        function::RANGE_32.contains(&function_id) || function::RANGE_64.contains(&function_id)
    }

    /// Serves one call: W0 = `function_id`, X1..X3 = `args`, made by core `caller_cpu`.
    pub fn call(&mut self, function_id: u32, args: [u64; 3], _caller_cpu: usize) -> PsciOutcome {
        if !Self::is_psci(function_id) {
            return PsciOutcome::NotPsci;
        }
        if !IMPLEMENTED.contains(&function_id) {
            return PsciOutcome::Return(x0(NOT_SUPPORTED));
        }
        match function_id {
            function::PSCI_VERSION => PsciOutcome::Return(u64::from(VERSION_1_1)),
            function::MIGRATE_INFO_TYPE => PsciOutcome::Return(x0(TOS_NOT_PRESENT_MP)),
            function::SYSTEM_OFF => PsciOutcome::SystemOff,
            function::SYSTEM_RESET => PsciOutcome::SystemReset,
            function::CPU_ON_64 => PsciOutcome::CpuOn { target_mpidr: args[0], entry: args[1], context_id: args[2] },
            // SMC32: the arguments are the W registers (SMCCC 2.6, "SMC32/HVC32 argument passing").
            function::CPU_ON => PsciOutcome::CpuOn {
                target_mpidr: args[0] & 0xffff_ffff,
                entry: args[1] & 0xffff_ffff,
                context_id: args[2] & 0xffff_ffff,
            },
            function::PSCI_FEATURES => {
                // 5.1.14: 0 (no feature flags) for an implemented function, NOT_SUPPORTED for
                // anything else, including IDs that are not PSCI functions at all.
                let queried = args[0] as u32;
                PsciOutcome::Return(x0(if IMPLEMENTED.contains(&queried) { SUCCESS } else { NOT_SUPPORTED }))
            }
            _ => PsciOutcome::Return(x0(NOT_SUPPORTED)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUS_ONE: u64 = u64::MAX;

    fn call(id: u32, args: [u64; 3]) -> PsciOutcome {
        Psci::new().call(id, args, 0)
    }

    #[test]
    fn version_is_1_1() {
        assert_eq!(call(function::PSCI_VERSION, [0; 3]), PsciOutcome::Return(0x0001_0001));
    }

    #[test]
    fn return_codes_are_sign_extended() {
        assert_eq!(x0(NOT_SUPPORTED), 0xffff_ffff_ffff_ffff);
        assert_eq!(x0(INVALID_ADDRESS), (-9i64) as u64);
        assert_eq!(x0(SUCCESS), 0);
    }

    #[test]
    fn power_off_and_reset() {
        assert_eq!(call(function::SYSTEM_OFF, [0; 3]), PsciOutcome::SystemOff);
        assert_eq!(call(function::SYSTEM_RESET, [0; 3]), PsciOutcome::SystemReset);
    }

    #[test]
    fn migrate_info_type_reports_no_trusted_os() {
        assert_eq!(call(function::MIGRATE_INFO_TYPE, [0; 3]), PsciOutcome::Return(2));
    }

    #[test]
    fn cpu_on_hands_the_request_to_the_platform() {
        assert_eq!(
            call(function::CPU_ON_64, [0x101, 0x4008_0000, 0xdead_beef_0000_0007]),
            PsciOutcome::CpuOn { target_mpidr: 0x101, entry: 0x4008_0000, context_id: 0xdead_beef_0000_0007 }
        );
        assert_eq!(
            call(function::CPU_ON, [0xffff_ffff_0000_0001, 0x1_4000_0000, 7]),
            PsciOutcome::CpuOn { target_mpidr: 1, entry: 0x4000_0000, context_id: 7 },
            "SMC32 takes the W registers"
        );
    }

    #[test]
    fn features_agree_with_call() {
        for id in function::RANGE_32.chain(function::RANGE_64) {
            let features = call(function::PSCI_FEATURES, [u64::from(id), 0, 0]);
            // PSCI_FEATURES itself, called with W1 = 0, answers NOT_SUPPORTED about function 0.
            let implemented = id == function::PSCI_FEATURES || call(id, [0; 3]) != PsciOutcome::Return(MINUS_ONE);
            let expected = if implemented { 0 } else { MINUS_ONE };
            assert_eq!(features, PsciOutcome::Return(expected), "PSCI_FEATURES({id:#x})");
        }
        // Not a PSCI function: NOT_SUPPORTED, and upper bits of X1 are ignored (W1 is the ID).
        assert_eq!(call(function::PSCI_FEATURES, [0x8000_0000, 0, 0]), PsciOutcome::Return(MINUS_ONE));
        assert_eq!(call(function::PSCI_FEATURES, [0xffff_ffff_8400_0008, 0, 0]), PsciOutcome::Return(0));
    }

    #[test]
    fn unimplemented_psci_ids_are_not_supported() {
        for id in [
            function::CPU_SUSPEND,
            function::CPU_OFF,
            function::AFFINITY_INFO,
            function::MIGRATE,
            function::MIGRATE_INFO_UP_CPU,
            function::SYSTEM_SUSPEND,
            function::SYSTEM_RESET2,
            function::CPU_SUSPEND_64,
            function::AFFINITY_INFO_64,
            0x8400_001f,
            0xc400_0000,
            0xc400_001f,
        ] {
            assert_eq!(call(id, [0; 3]), PsciOutcome::Return(MINUS_ONE), "{id:#x}");
        }
    }

    #[test]
    fn other_ids_are_not_psci() {
        for id in [0x8000_0000, 0x83ff_ffff, 0x8400_0020, 0xc3ff_ffff, 0xc400_0020, 0xc200_0000, 0, u32::MAX] {
            assert_eq!(call(id, [0; 3]), PsciOutcome::NotPsci, "{id:#x}");
        }
    }
}
