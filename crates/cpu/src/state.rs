//! Architectural state of one core: general-purpose and SIMD&FP registers, stack pointers,
//! PSTATE (D1.7) and the system-register file.

use crate::host_debug::DebugState;
use crate::sysreg_table::{SysReg, SYSREGS, SYSREG_COUNT};
use crate::timer::TimerState;

/// PSTATE, the process state (ARM ARM D1.7), in the fields ARMv8.0 AArch64 has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pstate {
    /// N, Z, C, V in bits 31:28 (the NZCV register layout).
    pub nzcv: u32,
    /// D, A, I, F in bits 9:6 (the DAIF register layout).
    pub daif: u32,
    /// Current Exception level, 0..=2.
    pub el: u8,
    /// SPSel: true selects SP_ELx, false SP_EL0.
    pub sp_sel: bool,
    /// Illegal Execution state.
    pub il: bool,
    /// Software step.
    pub ss: bool,
}

/// SPSR_ELx field positions for an exception taken from AArch64 (C5.2.18).
pub mod spsr {
    /// SS, software step.
    pub const SS: u64 = 1 << 21;
    /// IL, illegal execution state.
    pub const IL: u64 = 1 << 20;
    /// M\[4\]: 1 means AArch32.
    pub const M4: u64 = 1 << 4;
}

impl Pstate {
    /// The SPSR value that saves this PSTATE on exception entry (D1.10.1).
    pub fn to_spsr(&self) -> u64 {
        u64::from(self.nzcv & 0xf000_0000)
            | if self.ss { spsr::SS } else { 0 }
            | if self.il { spsr::IL } else { 0 }
            | u64::from(self.daif & 0x3c0)
            | (u64::from(self.el) << 2)
            | u64::from(self.sp_sel)
    }
}

/// Cumulative counters of a core, for the CLI, benchmarks and (later) the PMU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Instructions dispatched (including ones that raised an exception).
    pub instructions: u64,
    /// Cycles charged by the timing model.
    pub cycles: u64,
    /// Exceptions taken.
    pub exceptions: u64,
    /// Of `cycles`, those the core spent asleep (WFI, WFE) or off, which the scheduler skips
    /// rather than simulates. `cycles` is the core's local time.
    pub idle_cycles: u64,
}

/// An exclusive-monitor reservation (B2.9): the physical address and size of the last
/// load-exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    /// Physical address of the load-exclusive.
    pub pa: u64,
    /// Total size in bytes.
    pub size: u8,
}

/// One AArch64 core.
#[derive(Clone, Debug)]
pub struct Cpu {
    /// Index of the core in the SoC.
    pub id: usize,
    /// X0..X30; `x[31]` is kept at zero so that register 31 reads as XZR without a branch.
    pub x: [u64; 32],
    /// SP_EL0, SP_EL1, SP_EL2.
    pub sp_el: [u64; 3],
    /// Program counter.
    pub pc: u64,
    /// Process state.
    pub pstate: Pstate,
    /// V0..V31 (SIMD&FP registers) as 128-bit storage.
    pub v: [u128; 32],
    /// System-register storage, indexed by `SysReg as usize`.
    pub(crate) sys: [u64; SYSREG_COUNT],
    /// Index into `sp_el` of the current stack pointer.
    pub(crate) sp_idx: usize,
    /// Local exclusive monitor.
    pub(crate) reservation: Option<Reservation>,
    /// Physical interrupt lines driven by the platform: bit 0 IRQ, bit 1 FIQ, bit 2 SError.
    pub(crate) irq_lines: u8,
    /// Virtual interrupt lines from the interrupt controller's virtual CPU interface: bit 0
    /// vIRQ, bit 1 vFIQ. They are OR'ed with HCR_EL2.VI / VF (D1.4.6.4, "an IMPLEMENTATION
    /// DEFINED mechanism ... might be a signal from an interrupt controller").
    pub(crate) virq_lines: u8,
    /// The run loop's fast path ends when `counters.instructions` reaches this: the budget, the
    /// next timer deadline, or 0 when something (an MMIO access, a timer register write) needs
    /// the block-boundary service.
    pub(crate) stop_at: u64,
    /// Generic Timer bookkeeping.
    pub(crate) timer: TimerState,
    /// The Event Register of WFE/SEV (D1.16.1).
    pub(crate) event: bool,
    /// Whether any host watchpoint is set: data accesses check the list only then.
    pub(crate) watching: bool,
    /// Whether any exception catch is set: exception entry checks the filter only then.
    pub(crate) catching: bool,
    /// Host breakpoints, watchpoints and catches (debuggers; see [`crate::host_debug`]).
    pub(crate) debug: DebugState,
    /// Counters.
    pub counters: Counters,
    /// The Performance Monitors.
    pub(crate) pmu: crate::pmu::Pmu,
    /// Address translation: TLB model, translation controls, host fast path.
    pub(crate) vm: crate::translate::MmuState,
    /// Self-hosted debug is armed (MDSCR_EL1.SS, or MDE with an enabled breakpoint): the run
    /// loop checks every instruction ([`crate::debug`]).
    pub(crate) debug_checks: bool,
    /// MDSCR_EL1.MDE with an enabled watchpoint: data accesses are checked.
    pub(crate) watch_checks: bool,
    /// The last stepped instruction was a load-exclusive (Software Step ISS.EX).
    pub(crate) stepped_exclusive: bool,
    /// The active-pending state was entered by stepping an instruction (Software Step ISS.ISV).
    pub(crate) step_syndrome_valid: bool,
}

/// The interrupt inputs of a core as the platform drives them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InterruptLines {
    /// Physical IRQ, FIQ and SError (bits of [`line`](mod@line)).
    pub physical: u8,
    /// Virtual IRQ and FIQ from the GIC virtual CPU interface ([`line::IRQ`], [`line::FIQ`]).
    pub virt: u8,
}

/// Physical interrupt line bits for [`Cpu::set_interrupt_lines`].
pub mod line {
    /// IRQ.
    pub const IRQ: u8 = 1;
    /// FIQ.
    pub const FIQ: u8 = 2;
    /// SError (asynchronous external abort).
    pub const SERROR: u8 = 4;
}

impl Cpu {
    /// A core in its reset state at EL2 (D1.9: all of DAIF masked, SP_EL2 selected), with the
    /// given MPIDR_EL1 value.
    pub fn new(id: usize, mpidr: u64) -> Cpu {
        let mut sys = [0u64; SYSREG_COUNT];
        for (slot, info) in sys.iter_mut().zip(SYSREGS.iter()) {
            *slot = info.reset;
        }
        sys[SysReg::MPIDR_EL1 as usize] = mpidr;
        sys[SysReg::VMPIDR_EL2 as usize] = mpidr;
        let mut cpu = Cpu {
            id,
            x: [0; 32],
            sp_el: [0; 3],
            pc: 0,
            pstate: Pstate { nzcv: 0, daif: 0x3c0, el: 2, sp_sel: true, il: false, ss: false },
            v: [0; 32],
            sys,
            sp_idx: 2,
            reservation: None,
            irq_lines: 0,
            virq_lines: 0,
            stop_at: 0,
            timer: TimerState::new(),
            event: false,
            watching: false,
            catching: false,
            debug: DebugState::default(),
            counters: Counters::default(),
            pmu: crate::pmu::Pmu::new(),
            debug_checks: false,
            watch_checks: false,
            stepped_exclusive: false,
            step_syndrome_valid: false,
            vm: crate::translate::MmuState::new(mmu::TlbConfig::default()),
        };
        cpu.translation_changed();
        cpu
    }

    /// A warm reset of the core (what PSCI CPU_ON starts from, D1.6): registers, PSTATE and
    /// system registers return to their reset values at EL2; the core keeps its identity
    /// (index, MPIDR), its clock, counters and local time, its host debug controls (breakpoints,
    /// watchpoints, exception catch), its TLB geometry and host fast path setting, and the
    /// interrupt lines and timer output levels the platform drives or has been told.
    pub fn reset(&mut self) {
        let mut fresh = Cpu::new(self.id, self.sys[SysReg::MPIDR_EL1 as usize]);
        let (clock_hz, timer_hz) = self.clock();
        fresh.set_clock(clock_hz, timer_hz as u32);
        fresh.timer.outputs = self.timer.outputs;
        fresh.counters = self.counters;
        fresh.timer.stream_mark = self.physical_count();
        fresh.debug = std::mem::take(&mut self.debug);
        fresh.watching = self.watching;
        fresh.catching = self.catching;
        fresh.irq_lines = self.irq_lines;
        fresh.virq_lines = self.virq_lines;
        // The TLB model keeps its geometry (from the model file) and counters; its contents are
        // UNKNOWN after reset (D8.16.1), so it starts empty. The host fast path is off if it was
        // turned off, or while host watchpoints need every access to reach the slow path.
        fresh.vm.mmu = std::mem::replace(&mut self.vm.mmu, mmu::Mmu::new(mmu::TlbConfig::default()));
        fresh.vm.mmu.flush();
        fresh.vm.fast_wanted = self.vm.fast_wanted;
        fresh.refresh_fast_path();
        *self = fresh;
    }

    /// Reads X`r` with register 31 as XZR.
    #[inline(always)]
    pub fn xr(&self, r: u8) -> u64 {
        self.x[usize::from(r) & 31]
    }

    /// Writes X`r` with register 31 as XZR (the write is discarded).
    #[inline(always)]
    pub fn set_x(&mut self, r: u8, value: u64) {
        self.x[usize::from(r) & 31] = value;
        self.x[31] = 0;
    }

    /// Writes W`r` (zero-extending) or X`r`.
    #[inline(always)]
    pub fn set_xw(&mut self, r: u8, value: u64, is_64: bool) {
        self.set_x(r, if is_64 { value } else { value & 0xffff_ffff });
    }

    /// Reads X`r` with register 31 as the current stack pointer.
    #[inline(always)]
    pub fn xsp(&self, r: u8) -> u64 {
        if r == 31 {
            self.sp_el[self.sp_idx]
        } else {
            self.x[usize::from(r) & 31]
        }
    }

    /// Writes X`r` with register 31 as the current stack pointer.
    #[inline(always)]
    pub fn set_xsp(&mut self, r: u8, value: u64) {
        if r == 31 {
            self.sp_el[self.sp_idx] = value;
        } else {
            self.x[usize::from(r) & 31] = value;
        }
    }

    /// The current stack pointer.
    pub fn sp(&self) -> u64 {
        self.sp_el[self.sp_idx]
    }

    /// Recomputes which stack pointer is current after a change of EL or SPSel.
    #[inline]
    pub(crate) fn update_sp_index(&mut self) {
        self.sp_idx = if self.pstate.sp_sel { usize::from(self.pstate.el) } else { 0 };
    }

    /// Sets PSTATE as a whole (used by exception entry/return and debuggers).
    pub fn set_pstate(&mut self, pstate: Pstate) {
        self.pstate = pstate;
        self.update_sp_index();
    }

    /// Raw read of a system register's storage, without access checks (debuggers, tests).
    #[inline(always)]
    pub fn sysreg(&self, reg: SysReg) -> u64 {
        self.sys[reg as usize]
    }

    /// Raw write of a system register's storage, applying its RES0/RES1 masks but no access
    /// checks (debuggers, the platform at reset).
    pub fn set_sysreg(&mut self, reg: SysReg, value: u64) {
        let info = &SYSREGS[reg as usize];
        self.sys[reg as usize] = (value & !info.res0) | info.res1;
        if crate::translate::affects_translation(reg) {
            self.translation_changed();
        }
    }

    /// Drives the physical IRQ/FIQ/SError lines (bits of [`line`](mod@line)); the core samples them at
    /// the next block boundary.
    pub fn set_interrupt_lines(&mut self, lines: u8) {
        self.irq_lines = lines & 7;
    }

    /// Drives the virtual IRQ/FIQ lines ([`line::IRQ`], [`line::FIQ`]) from the GIC virtual
    /// CPU interface; the core samples them at the next block boundary.
    pub fn set_virtual_interrupt_lines(&mut self, lines: u8) {
        self.virq_lines = lines & (line::IRQ | line::FIQ);
    }

    /// Drives all interrupt inputs at once.
    pub fn set_lines(&mut self, lines: InterruptLines) {
        self.set_interrupt_lines(lines.physical);
        self.set_virtual_interrupt_lines(lines.virt);
    }

    /// The physical interrupt lines currently asserted.
    pub fn interrupt_lines(&self) -> u8 {
        self.irq_lines
    }

    /// The virtual interrupt lines currently asserted by the interrupt controller.
    pub fn virtual_interrupt_lines(&self) -> u8 {
        self.virq_lines
    }

    /// Sets the Event Register (D1.7.1.1), as a SEV from another core, the clearing of the
    /// global monitor, or the event stream does.
    pub fn signal_event(&mut self) {
        self.event = true;
    }

    /// The Event Register.
    pub fn event_register(&self) -> bool {
        self.event
    }

    /// Moves the core's local time forward to `cycles` (the scheduler, for a core that slept or
    /// was off), counting the difference as idle; earlier times are ignored.
    pub fn advance_idle(&mut self, cycles: u64) {
        if cycles > self.counters.cycles {
            self.counters.idle_cycles += cycles - self.counters.cycles;
            self.counters.cycles = cycles;
        }
    }

    /// Whether the local exclusive monitor holds a reservation.
    pub fn has_reservation(&self) -> bool {
        self.reservation.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_state_is_el2h_with_daif_masked() {
        let cpu = Cpu::new(0, 0x8000_0000);
        assert_eq!(cpu.pstate.el, 2);
        assert_eq!(cpu.pstate.to_spsr(), 0x3c9);
        assert_eq!(cpu.sysreg(SysReg::MPIDR_EL1), 0x8000_0000);
        assert_eq!(cpu.sysreg(SysReg::SCTLR_EL2), 0x30c5_0830);
    }

    #[test]
    fn register_31_is_zero_or_sp() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_x(31, 5);
        assert_eq!(cpu.xr(31), 0);
        cpu.set_xsp(31, 0x1000);
        assert_eq!(cpu.xsp(31), 0x1000);
        assert_eq!(cpu.sp_el[2], 0x1000);
        cpu.set_xw(3, u64::MAX, false);
        assert_eq!(cpu.xr(3), 0xffff_ffff);
    }

    #[test]
    fn sysreg_writes_apply_res_masks() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_sysreg(SysReg::SCTLR_EL1, 0);
        assert_eq!(cpu.sysreg(SysReg::SCTLR_EL1), 0x30d0_0800);
        cpu.set_sysreg(SysReg::VBAR_EL2, 0x4000_07ff);
        assert_eq!(cpu.sysreg(SysReg::VBAR_EL2), 0x4000_0000);
        // FPCR: AHP, DN, FZ, RMode, Stride and Len are stored; FZ16 (no FEAT_FP16) and the trap
        // enables (not implemented) are RES0 (C5.2.7; QEMU's Cortex-A57 agrees).
        cpu.set_sysreg(SysReg::FPCR, u64::MAX);
        assert_eq!(cpu.sysreg(SysReg::FPCR), 0x07f7_0000);
        // FPSR: QC and the cumulative flags; N, Z, C, V are RES0 without AArch32 (C5.2.8).
        cpu.set_sysreg(SysReg::FPSR, u64::MAX);
        assert_eq!(cpu.sysreg(SysReg::FPSR), 0x0800_009f);
    }
}
