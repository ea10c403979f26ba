//! The run loop: fetch from the per-page decode cache, execute, charge the timing model, and
//! check asynchronous exceptions at block boundaries (after any branch, exception, system
//! register write, or page end). It returns an [`Exit`] to the caller (scheduler, CLI,
//! debugger); it never blocks and never touches the host clock.

use a64::Insn;

use crate::exception::{ec, fsc, hcr, SyncException};
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
    /// WFI with no interrupt pending: the core sleeps until one arrives.
    WaitForInterrupt,
    /// WFE or YIELD: the core offers its slot to others.
    Yield,
    /// The instruction budget of this call is used up.
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
    /// Cycles charged for one dispatched instruction.
    fn retire(&mut self, insn: &Insn, pc: u64) -> u64;
}

/// Functional timing: one cycle per instruction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Functional;

impl Timing for Functional {
    #[inline(always)]
    fn retire(&mut self, _insn: &Insn, _pc: u64) -> u64 {
        1
    }
}

const WORDS_PER_PAGE: usize = 1024;

impl Cpu {
    /// Whether the run loop must check each instruction: host debug controls (breakpoints,
    /// watchpoints, catches) or guest self-hosted debug (breakpoints, software step) armed.
    #[inline(always)]
    fn needs_checks(&self) -> bool {
        self.debug_checks || self.debug_active()
    }

    /// Runs until an exit condition or until `budget` instructions have been dispatched.
    pub fn run<P: Platform, T: Timing>(&mut self, p: &mut P, timing: &mut T, budget: u64) -> Exit {
        let limit = self.counters.instructions.saturating_add(budget);
        // A breakpoint or watchpoint stop is stepped over only by the first instruction of this
        // run, and only if the PC is still the stop's (no exception taken, no debugger write).
        let mut resume_over = self.debug.resume_over.take();
        // The loop is compiled twice: without per-instruction checks (the fast path) and with
        // them. A change of mode (software arming debug, a debugger setting a breakpoint)
        // returns `None` at the next block boundary and the other version continues.
        loop {
            let exit = if self.needs_checks() {
                self.run_inner::<P, T, true>(p, timing, limit, &mut resume_over)
            } else {
                self.run_inner::<P, T, false>(p, timing, limit, &mut resume_over)
            };
            if let Some(exit) = exit {
                return exit;
            }
        }
    }

    /// The run loop. `CHECKED` adds the per-instruction host breakpoint and guest debug checks
    /// and the per-block check for a caught exception; without it the loop is the plain one.
    fn run_inner<P: Platform, T: Timing, const CHECKED: bool>(
        &mut self,
        p: &mut P,
        timing: &mut T,
        limit: u64,
        resume_over: &mut Option<ResumeOver>,
    ) -> Option<Exit> {
        loop {
            if CHECKED {
                if let Some(taken) = self.debug.caught.take() {
                    return Some(Exit::Exception(taken));
                }
            }
            if self.counters.instructions >= limit {
                return Some(Exit::Budget);
            }
            if self.needs_checks() != CHECKED {
                return None;
            }
            // Block boundary: asynchronous exceptions (D1.13), then the illegal state check.
            if self.irq_lines != 0 || self.sys[SysReg::HCR_EL2 as usize] & (hcr::VI | hcr::VF | hcr::VSE) != 0 {
                if let Some((kind, target)) = self.pending_async() {
                    self.take_async(kind, target);
                    if CHECKED && self.debug.caught.is_some() {
                        continue;
                    }
                }
            }
            if self.pstate.il {
                self.counters.instructions += 1;
                self.take_sync(SyncException::new(ec::ILLEGAL_STATE, 0));
                continue;
            }
            let pc = self.pc;
            if pc & 3 != 0 {
                self.counters.instructions += 1;
                self.take_sync(SyncException { far: Some(pc), ..SyncException::new(ec::PC_ALIGN, 0) });
                continue;
            }
            // Instruction fetch: flat mapping until the MMU issue; instructions are Normal memory
            // with the MMU off, so only the PA size and the bus can fault.
            let Some(offset) = p.memory().ram_offset(pc, 4) else {
                self.counters.instructions += 1;
                let fault = if pc >> crate::PA_BITS != 0 { fsc::ADDR_SIZE_L0 } else { fsc::SYNC_EXTERNAL };
                self.take_sync(SyncException { far: Some(pc), ..SyncException::new(ec::IABT_LOWER, fault) });
                continue;
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
                        if index == WORDS_PER_PAGE || self.counters.instructions >= limit {
                            break;
                        }
                    }
                    Step::Jump => break,
                    Step::Exit(reason) => {
                        return Some(match reason {
                            StopReason::PowerOff => Exit::PowerOff,
                            StopReason::Reset => Exit::Reset,
                            StopReason::WaitForInterrupt => Exit::WaitForInterrupt,
                            StopReason::Yield => Exit::Yield,
                            StopReason::Watchpoint => self.watch_exit(cycles),
                        })
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
