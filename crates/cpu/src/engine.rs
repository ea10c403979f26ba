//! The run loop: fetch from the per-page decode cache, execute, charge the timing model, and
//! check asynchronous exceptions at block boundaries (after any branch, exception, system
//! register write, or page end). It returns an [`Exit`] to the caller (scheduler, CLI,
//! debugger); it never blocks and never touches the host clock.

use a64::Insn;

use crate::exception::{ec, hcr, SyncException};
use crate::exec::{Step, StopReason};
use crate::host_debug::{ExceptionTaken, ResumeOver, WatchHit};
use crate::memory::Platform;
use crate::state::Cpu;
use crate::sysreg_table::SysReg;

/// Why [`Cpu::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// PSCI SYSTEM_OFF.
    PowerOff,
    /// PSCI SYSTEM_RESET.
    Reset,
    /// WFI (or a PSCI standby) with no interrupt pending: the core sleeps until one arrives.
    WaitForInterrupt,
    /// WFE with the Event Register clear: the core sleeps until an event or an interrupt.
    WaitForEvent,
    /// YIELD: the core offers its slot to others.
    Yield,
    /// PSCI CPU_OFF: the core is powered down.
    CpuOff,
    /// The instruction budget or the cycle limit of this call is reached.
    Budget,
    /// The PC reached a host breakpoint; the instruction there has not executed.
    Breakpoint,
    /// A data access hit a host watchpoint; the instruction at the PC has not executed.
    Watchpoint(WatchHit),
    /// The core took an exception that a catch selects; the PC is at the vector.
    Exception(ExceptionTaken),
}

/// A per-instruction timing hook. Implementations are monomorphized into the run loop, so a
/// functional model costs nothing.
pub trait Timing {
    /// Whether [`Timing::retire`] always returns 1. The run loop then converts cycle limits
    /// (slice ends, timer deadlines) into exact instruction counts; otherwise it checks the cycle
    /// count at every block boundary and may pass a limit by up to one block.
    const ONE_CYCLE_PER_INSTRUCTION: bool = false;

    /// Cycles charged for one dispatched instruction.
    fn retire(&mut self, insn: &Insn, pc: u64) -> u64;
}

/// Functional timing: one cycle per instruction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Functional;

impl Timing for Functional {
    const ONE_CYCLE_PER_INSTRUCTION: bool = true;

    #[inline(always)]
    fn retire(&mut self, _insn: &Insn, _pc: u64) -> u64 {
        1
    }
}

const WORDS_PER_PAGE: usize = 1024;

/// The limits of one [`Cpu::run_until`] call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Limits {
    /// Stop when `counters.instructions` reaches this.
    instructions: u64,
    /// Stop when `counters.cycles` (the core's local time) reaches this.
    cycles: u64,
}

impl Cpu {
    /// Whether the run loop must check each instruction: host debug controls (breakpoints,
    /// watchpoints, catches) or guest self-hosted debug (breakpoints, software step) armed.
    #[inline(always)]
    fn needs_checks(&self) -> bool {
        self.debug_checks || self.debug_active()
    }

    /// Runs until an exit condition or until `budget` instructions have been dispatched.
    pub fn run<P: Platform, T: Timing>(&mut self, p: &mut P, timing: &mut T, budget: u64) -> Exit {
        self.run_until(p, timing, budget, u64::MAX)
    }

    /// Runs until an exit condition, until `budget` instructions have been dispatched, or until
    /// the core's local time (`counters.cycles`) reaches `until` ([`Exit::Budget`] for both).
    ///
    /// Timer outputs are exact: the loop stops at the instruction boundary where the local
    /// time reaches the next timer deadline (the first boundary at or after it when the timing
    /// model charges more than one cycle per instruction), reports the new output levels to the
    /// platform and picks up the interrupt lines that result before the next instruction.
    pub fn run_until<P: Platform, T: Timing>(&mut self, p: &mut P, timing: &mut T, budget: u64, until: u64) -> Exit {
        let limits = Limits { instructions: self.counters.instructions.saturating_add(budget), cycles: until };
        // A breakpoint or watchpoint stop is stepped over only by the first instruction of this
        // run, and only if the PC is still the stop's (no exception taken, no debugger write).
        let mut resume_over = self.debug.resume_over.take();
        // The loop is compiled twice: without per-instruction checks (the fast path) and with
        // them. A change of mode (software arming debug, a debugger setting a breakpoint)
        // returns `None` at the next block boundary and the other version continues.
        loop {
            let exit = if self.needs_checks() {
                self.run_inner::<P, T, true>(p, timing, limits, &mut resume_over)
            } else {
                self.run_inner::<P, T, false>(p, timing, limits, &mut resume_over)
            };
            if let Some(exit) = exit {
                return exit;
            }
        }
    }

    /// The block-boundary service, run when `stop_at` is reached: limits, timers, lines.
    /// Returns true when a limit of this call is reached.
    #[cold]
    #[inline(never)]
    fn boundary_service<P: Platform, T: Timing>(&mut self, p: &mut P, limits: Limits) -> bool {
        if self.counters.instructions >= limits.instructions || self.counters.cycles >= limits.cycles {
            // Leave `stop_at` at 0 so that the next call services the boundary first.
            self.stop_at = 0;
            return true;
        }
        if self.timer.dirty || self.counters.cycles >= self.timer.deadline {
            self.update_timers(p);
        }
        if let Some(lines) = p.interrupt_lines(self.id) {
            self.set_lines(lines);
        }
        self.stop_at = self.next_stop::<T>(limits);
        false
    }

    /// The instruction count at which the fast path must stop next: the budget, or (with one
    /// cycle per instruction) the slice end or timer deadline converted to instructions.
    #[inline]
    fn next_stop<T: Timing>(&self, limits: Limits) -> u64 {
        if !T::ONE_CYCLE_PER_INSTRUCTION {
            return limits.instructions;
        }
        let cycle_stop = limits.cycles.min(self.timer.deadline);
        let left = cycle_stop.saturating_sub(self.counters.cycles);
        limits.instructions.min(self.counters.instructions.saturating_add(left))
    }

    /// The run loop. `CHECKED` adds the per-instruction host breakpoint and guest debug checks
    /// and the per-block check for a caught exception; without it the loop is the plain one.
    fn run_inner<P: Platform, T: Timing, const CHECKED: bool>(
        &mut self,
        p: &mut P,
        timing: &mut T,
        limits: Limits,
        resume_over: &mut Option<ResumeOver>,
    ) -> Option<Exit> {
        // Service the boundary on entry: the platform may have changed lines or time since.
        self.stop_at = 0;
        loop {
            if CHECKED {
                if let Some(taken) = self.debug.caught.take() {
                    return Some(Exit::Exception(taken));
                }
            }
            if self.needs_checks() != CHECKED {
                return None;
            }
            if !T::ONE_CYCLE_PER_INSTRUCTION && (self.counters.cycles >= limits.cycles.min(self.timer.deadline)) {
                self.stop_at = 0;
            }
            if self.counters.instructions >= self.stop_at && self.boundary_service::<P, T>(p, limits) {
                return Some(Exit::Budget);
            }
            // Block boundary: asynchronous exceptions (D1.4.6), then the illegal state check.
            if (self.irq_lines | self.virq_lines) != 0
                || self.sys[SysReg::HCR_EL2 as usize] & (hcr::VI | hcr::VF | hcr::VSE) != 0
            {
                if let Some((kind, target)) = self.pending_async() {
                    self.take_async(kind, target);
                    if CHECKED && self.debug.caught.is_some() {
                        continue;
                    }
                }
            }
            if self.pstate.il {
                self.counters.instructions += 1;
                self.counters.cycles += 1;
                self.take_sync(SyncException::new(ec::ILLEGAL_STATE, 0));
                continue;
            }
            let pc = self.pc;
            if pc & 3 != 0 {
                self.counters.instructions += 1;
                self.counters.cycles += 1;
                self.take_sync(SyncException { far: Some(pc), ..SyncException::new(ec::PC_ALIGN, 0) });
                continue;
            }
            // Instruction fetch: the PC's page is translated once per block (the host fast path,
            // else the TLB model and the walker); the block ends at the page end, so decoding
            // stays indexed by physical page.
            let offset = match self.vm.fast.fetch(self.pstate.el, pc) {
                Some(offset) => offset,
                None => match self.fetch_slow(p, pc) {
                    Ok(offset) => offset,
                    Err(exc) => {
                        self.counters.instructions += 1;
                        self.counters.cycles += 1;
                        self.take_sync(exc);
                        continue;
                    }
                },
            };
            let page = offset & !0xfff;
            let mut index = (offset & 0xfff) >> 2;
            loop {
                let mut stepping = false;
                let mut unwatched = false;
                let insn = p.memory().decoded_page(page)[index];
                if CHECKED {
                    let over = resume_over.take().filter(|r| r.pc == self.pc);
                    if over.is_none() && self.debug.breakpoints.contains(&self.pc) {
                        self.debug.resume_over = Some(ResumeOver { pc: self.pc, watch: false });
                        return Some(Exit::Breakpoint);
                    }
                    if over.is_some_and(|r| r.watch) && self.watching {
                        self.watching = false;
                        unwatched = true;
                    }
                    if self.debug_checks {
                        if let Some(exc) = self.debug_before_instruction() {
                            self.counters.instructions += 1;
                            self.counters.cycles += 1;
                            self.take_sync(exc);
                            break;
                        }
                        // D2.11.5: active-not-pending: this instruction is the one stepped.
                        stepping = self.pstate.ss && self.software_step_active();
                        self.stepped_exclusive = matches!(insn, Insn::Ldxr { .. } | Insn::Ldxp { .. });
                    }
                }
                let cycles = timing.retire(&insn, self.pc);
                self.counters.instructions += 1;
                self.counters.cycles += cycles;
                let exceptions = self.counters.exceptions;
                let step = self.execute(insn, p);
                if CHECKED && unwatched {
                    self.watching = true;
                }
                if CHECKED && stepping && self.counters.exceptions == exceptions && !matches!(insn, Insn::Eret {}) {
                    // The step completed without an exception: active-pending (D2.11.5).
                    self.pstate.ss = false;
                    self.step_syndrome_valid = true;
                }
                match step {
                    Step::Next => {
                        self.pc = self.pc.wrapping_add(4);
                        index += 1;
                        if index == WORDS_PER_PAGE || self.counters.instructions >= self.stop_at {
                            break;
                        }
                    }
                    Step::Jump => break,
                    Step::Exit(reason) => {
                        // Leave the timer outputs and lines up to date for the scheduler.
                        self.stop_at = 0;
                        return Some(match reason {
                            StopReason::PowerOff => Exit::PowerOff,
                            StopReason::Reset => Exit::Reset,
                            StopReason::WaitForInterrupt => Exit::WaitForInterrupt,
                            StopReason::WaitForEvent => Exit::WaitForEvent,
                            StopReason::Yield => Exit::Yield,
                            StopReason::CpuOff => Exit::CpuOff,
                            StopReason::Watchpoint => self.watch_exit(cycles),
                        });
                    }
                }
            }
        }
    }

    /// A watchpoint stopped the instruction at the PC before its access: it did not execute,
    /// so its counts are taken back, and the next run steps over it.
    #[cold]
    fn watch_exit(&mut self, cycles: u64) -> Exit {
        self.counters.instructions -= 1;
        self.counters.cycles -= cycles;
        self.debug.resume_over = Some(ResumeOver { pc: self.pc, watch: true });
        match self.debug.watch_hit.take() {
            Some(hit) => Exit::Watchpoint(hit),
            None => Exit::Breakpoint,
        }
    }
}
