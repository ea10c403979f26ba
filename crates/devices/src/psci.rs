//! Platform PSCI: the Arm Power State Coordination Interface (ARM DEN 0022D) served by the
//! platform for the SMC conduit.
//!
//! There is no EL3: as QEMU does with `-M virt,virtualization=on`, the platform itself answers an
//! SMC whose function ID (W0, SMC Calling Convention ARM DEN 0028) is a PSCI function, and the
//! CPU treats any other SMC as UNDEFINED. [`Psci`] keeps the power state of every core
//! (5.1.5: ON, OFF, ON_PENDING) and answers what it can itself; CPU_ON, CPU_OFF, CPU_SUSPEND and
//! the system calls come back as a [`PsciOutcome`] for the platform to carry out.
//!
//! What is implemented, and how it compares with QEMU 10.0 (`target/arm/psci.c`,
//! `arm-powerctl.c`):
//!
//! | function | here | QEMU 10.0 |
//! |---|---|---|
//! | PSCI_VERSION | 1.1 | 1.1 |
//! | PSCI_FEATURES | 0 for the functions below, NOT_SUPPORTED otherwise | the same |
//! | MIGRATE_INFO_TYPE | 2 (no Trusted OS) | 2 |
//! | SYSTEM_OFF, SYSTEM_RESET | [`PsciOutcome::SystemOff`] / [`PsciOutcome::SystemReset`] | the same |
//! | CPU_ON (SMC32, SMC64) | INVALID_PARAMETERS for an entry not 4-byte aligned or an unknown target, ALREADY_ON, ON_PENDING; else [`PsciOutcome::CpuOn`] and SUCCESS | the same checks in that order; QEMU never reports ON_PENDING (the target is marked ON when it starts, which races with the caller) |
//! | CPU_OFF | [`PsciOutcome::CpuOff`] | the same |
//! | AFFINITY_INFO (SMC32, SMC64) | level 0: the state of the core whose affinity is exactly the argument, INVALID_PARAMETERS if none; other levels: 0 (ON) | the same |
//! | CPU_SUSPEND (SMC32, SMC64) | INVALID_PARAMETERS if power_state has bits above 16; else [`PsciOutcome::Standby`]: X0 = 0 and a WFI | the same |
//! | other IDs in 0x8400_0000-0x8400_001F / 0xC400_0000-0xC400_001F | NOT_SUPPORTED | NOT_SUPPORTED |
//! | IDs outside those ranges | [`PsciOutcome::NotPsci`] (UNDEFINED) | UNDEFINED |
//!
//! SMC32 functions take their arguments from the W registers (SMCCC 2.6); QEMU takes all 64
//! bits, which differs only when software leaves garbage in the upper halves.

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
/// 10 does.
pub const VERSION_1_1: u32 = 0x0001_0001;

/// MIGRATE_INFO_TYPE's answer: a Trusted OS is not present or does not require migration
/// (5.1.7).
pub const TOS_NOT_PRESENT_MP: i32 = 2;

/// The affinity fields of MPIDR_EL1 (Aff3, Aff2, Aff1, Aff0) that PSCI target arguments carry
/// (5.1.4).
pub const AFFINITY_MASK: u64 = 0xff_00ff_ffff;

/// A PSCI return code as the value for X0.
pub const fn x0(code: i32) -> u64 {
    code as i64 as u64
}

/// The power state of a core, with the values AFFINITY_INFO returns (DEN 0022D 5.1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerState {
    /// Running (or in a standby state).
    On = 0,
    /// Powered down.
    Off = 1,
    /// CPU_ON was called and the core has not started yet.
    OnPending = 2,
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
    /// CPU_ON succeeded (the caller's X0 is SUCCESS): start core `core` at `entry` with X0 =
    /// `context_id`. The core is ON_PENDING until the platform calls [`Psci::set_state`].
    CpuOn {
        /// Index of the core to start.
        core: usize,
        /// Address where the core starts.
        entry: u64,
        /// Value for the started core's X0.
        context_id: u64,
    },
    /// CPU_OFF: the calling core, now OFF, powers down; the call does not return.
    CpuOff,
    /// CPU_SUSPEND to a standby state: X0 = 0 (SUCCESS), then the core waits for an interrupt.
    Standby,
    /// Not a PSCI function ID: the SMC is UNDEFINED.
    NotPsci,
}

/// The platform's PSCI implementation: the power state of each core.
#[derive(Clone, Debug, Default)]
pub struct Psci {
    /// Per core: its affinity (MPIDR_EL1 & [`AFFINITY_MASK`]) and power state.
    cores: Vec<(u64, PowerState)>,
}

/// The functions answered with something other than NOT_SUPPORTED: the one list both
/// [`Psci::call`] and PSCI_FEATURES use, so they cannot disagree.
const IMPLEMENTED: [u32; 12] = [
    function::PSCI_VERSION,
    function::PSCI_FEATURES,
    function::MIGRATE_INFO_TYPE,
    function::SYSTEM_OFF,
    function::SYSTEM_RESET,
    function::CPU_ON,
    function::CPU_ON_64,
    function::CPU_OFF,
    function::AFFINITY_INFO,
    function::AFFINITY_INFO_64,
    function::CPU_SUSPEND,
    function::CPU_SUSPEND_64,
];

impl Psci {
    /// PSCI for cores with these MPIDR_EL1 values, in core index order: core 0 is ON (it boots),
    /// the others OFF.
    pub fn new(mpidrs: &[u64]) -> Psci {
        let cores = mpidrs
            .iter()
            .enumerate()
            .map(|(i, m)| (m & AFFINITY_MASK, if i == 0 { PowerState::On } else { PowerState::Off }))
            .collect();
        Psci { cores }
    }

    /// Whether `function_id` is a PSCI function ID, implemented or not.
    pub fn is_psci(function_id: u32) -> bool {
        function::RANGE_32.contains(&function_id) || function::RANGE_64.contains(&function_id)
    }

    /// The power state of core `core` (OFF for a core that does not exist).
    pub fn state(&self, core: usize) -> PowerState {
        self.cores.get(core).map_or(PowerState::Off, |c| c.1)
    }

    /// Records the power state of core `core` (the platform: ON when a started core runs, OFF
    /// after a reset). Cores that do not exist are ignored.
    pub fn set_state(&mut self, core: usize, state: PowerState) {
        if let Some(c) = self.cores.get_mut(core) {
            c.1 = state;
        }
    }

    /// The core whose affinity is exactly `affinity` (no other bits set).
    pub fn core_by_affinity(&self, affinity: u64) -> Option<usize> {
        self.cores.iter().position(|c| c.0 == affinity)
    }

    /// Serves one call: W0 = `function_id`, X1..X3 = `args`, made by core `caller`.
    pub fn call(&mut self, function_id: u32, args: [u64; 3], caller: usize) -> PsciOutcome {
        if !Self::is_psci(function_id) {
            return PsciOutcome::NotPsci;
        }
        if !IMPLEMENTED.contains(&function_id) {
            return PsciOutcome::Return(x0(NOT_SUPPORTED));
        }
        // SMC32: the arguments are the W registers (SMCCC 2.6, "SMC32/HVC32 argument passing").
        let args = if function::RANGE_32.contains(&function_id) { args.map(|a| a & 0xffff_ffff) } else { args };
        match function_id {
            function::PSCI_VERSION => PsciOutcome::Return(u64::from(VERSION_1_1)),
            function::MIGRATE_INFO_TYPE => PsciOutcome::Return(x0(TOS_NOT_PRESENT_MP)),
            function::SYSTEM_OFF => PsciOutcome::SystemOff,
            function::SYSTEM_RESET => PsciOutcome::SystemReset,
            function::CPU_ON | function::CPU_ON_64 => self.cpu_on(args[0], args[1], args[2]),
            function::CPU_OFF => {
                self.set_state(caller, PowerState::Off);
                PsciOutcome::CpuOff
            }
            function::AFFINITY_INFO | function::AFFINITY_INFO_64 => {
                // 5.1.5; QEMU: levels above 0 are always ON.
                if args[1] != 0 {
                    return PsciOutcome::Return(x0(PowerState::On as i32));
                }
                match self.core_by_affinity(args[0]) {
                    Some(core) => PsciOutcome::Return(x0(self.state(core) as i32)),
                    None => PsciOutcome::Return(x0(INVALID_PARAMETERS)),
                }
            }
            function::CPU_SUSPEND | function::CPU_SUSPEND_64 => {
                // 5.1.2 power_state: only a standby state at affinity level 0 is offered (the
                // StateType and PowerLevel fields must be 0), as QEMU does.
                if args[0] & 0xfffe_0000 != 0 {
                    return PsciOutcome::Return(x0(INVALID_PARAMETERS));
                }
                PsciOutcome::Standby
            }
            function::PSCI_FEATURES => {
                // 5.1.14: 0 (no feature flags) for an implemented function, NOT_SUPPORTED for
                // anything else, including IDs that are not PSCI functions at all.
                let queried = args[0] as u32;
                PsciOutcome::Return(x0(if IMPLEMENTED.contains(&queried) { SUCCESS } else { NOT_SUPPORTED }))
            }
            _ => PsciOutcome::Return(x0(NOT_SUPPORTED)),
        }
    }

    /// CPU_ON (5.1.4), with QEMU's checks in QEMU's order.
    fn cpu_on(&mut self, target: u64, entry: u64, context_id: u64) -> PsciOutcome {
        if entry & 3 != 0 {
            return PsciOutcome::Return(x0(INVALID_PARAMETERS));
        }
        let Some(core) = self.core_by_affinity(target) else {
            return PsciOutcome::Return(x0(INVALID_PARAMETERS));
        };
        match self.state(core) {
            PowerState::On => PsciOutcome::Return(x0(ALREADY_ON)),
            PowerState::OnPending => PsciOutcome::Return(x0(ON_PENDING)),
            PowerState::Off => {
                self.set_state(core, PowerState::OnPending);
                PsciOutcome::CpuOn { core, entry, context_id }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUS_ONE: u64 = u64::MAX;
    /// The cockpit's cores: two in cluster 0, four in cluster 1.
    const MPIDRS: [u64; 6] = [0x8000_0000, 0x8000_0001, 0x8000_0100, 0x8000_0101, 0x8000_0102, 0x8000_0103];

    fn call(id: u32, args: [u64; 3]) -> PsciOutcome {
        Psci::new(&MPIDRS).call(id, args, 0)
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
    fn cpu_on_checks_and_states() {
        let mut psci = Psci::new(&MPIDRS);
        let on = |p: &mut Psci, id, target, entry| p.call(id, [target, entry, 7], 0);
        assert_eq!(
            on(&mut psci, function::CPU_ON_64, 0x101, 0x4008_0000),
            PsciOutcome::CpuOn { core: 3, entry: 0x4008_0000, context_id: 7 }
        );
        assert_eq!(psci.state(3), PowerState::OnPending);
        assert_eq!(on(&mut psci, function::CPU_ON_64, 0x101, 0x4008_0000), PsciOutcome::Return(x0(ON_PENDING)));
        psci.set_state(3, PowerState::On);
        assert_eq!(on(&mut psci, function::CPU_ON_64, 0x101, 0x4008_0000), PsciOutcome::Return(x0(ALREADY_ON)));
        assert_eq!(on(&mut psci, function::CPU_ON_64, 0, 0x4008_0000), PsciOutcome::Return(x0(ALREADY_ON)));
        // Misaligned entry before the target check; unknown affinities, and affinities with
        // other MPIDR bits, are invalid.
        assert_eq!(on(&mut psci, function::CPU_ON_64, 0x999, 0x4008_0002), PsciOutcome::Return(x0(INVALID_PARAMETERS)));
        assert_eq!(on(&mut psci, function::CPU_ON_64, 2, 0x4008_0000), PsciOutcome::Return(x0(INVALID_PARAMETERS)));
        assert_eq!(
            on(&mut psci, function::CPU_ON_64, 0x8000_0001, 0x4008_0000),
            PsciOutcome::Return(x0(INVALID_PARAMETERS))
        );
        // SMC32 takes the W registers.
        assert_eq!(
            psci.call(function::CPU_ON, [0xffff_ffff_0000_0001, 0x1_4000_0000, 0x5_0000_0009], 0),
            PsciOutcome::CpuOn { core: 1, entry: 0x4000_0000, context_id: 9 }
        );
    }

    #[test]
    fn cpu_off_and_affinity_info() {
        let mut psci = Psci::new(&MPIDRS);
        let info = |p: &mut Psci, target, level| p.call(function::AFFINITY_INFO_64, [target, level, 0], 0);
        assert_eq!(info(&mut psci, 0, 0), PsciOutcome::Return(0));
        assert_eq!(info(&mut psci, 0x103, 0), PsciOutcome::Return(1));
        assert_eq!(info(&mut psci, 0x104, 0), PsciOutcome::Return(x0(INVALID_PARAMETERS)));
        assert_eq!(info(&mut psci, 0x104, 1), PsciOutcome::Return(0), "levels above 0 are ON");
        assert!(matches!(psci.call(function::CPU_ON, [0x103, 0x4000_0000, 0], 0), PsciOutcome::CpuOn { .. }));
        assert_eq!(info(&mut psci, 0x103, 0), PsciOutcome::Return(2));
        psci.set_state(5, PowerState::On);
        assert_eq!(psci.call(function::AFFINITY_INFO, [0x103, 0, 0], 0), PsciOutcome::Return(0));
        assert_eq!(psci.call(function::CPU_OFF, [0; 3], 5), PsciOutcome::CpuOff);
        assert_eq!(psci.state(5), PowerState::Off);
        psci.set_state(99, PowerState::On);
        assert_eq!(psci.state(99), PowerState::Off);
    }

    #[test]
    fn cpu_suspend_is_a_standby() {
        assert_eq!(call(function::CPU_SUSPEND, [0, 0, 0]), PsciOutcome::Standby);
        assert_eq!(call(function::CPU_SUSPEND_64, [0x1_0000, 0, 0]), PsciOutcome::Standby);
        assert_eq!(call(function::CPU_SUSPEND, [0x2_0000, 0, 0]), PsciOutcome::Return(x0(INVALID_PARAMETERS)));
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
            function::MIGRATE,
            function::MIGRATE_INFO_UP_CPU,
            function::SYSTEM_SUSPEND,
            function::SYSTEM_RESET2,
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
