//! The run loop: fetch from the per-page decode cache, execute, charge the timing model, and
//! check asynchronous exceptions at block boundaries (after any branch, exception, system
//! register write, or page end). It returns an [`Exit`] to the caller (scheduler, CLI,
//! debugger); it never blocks and never touches the host clock.

use a64::Insn;

use crate::debug::{ExceptionTaken, ResumeOver, WatchHit};
use crate::exception::{ec, fsc, hcr, SyncException};
use crate::exec::{Step, StopReason};
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
    /// Runs until an exit condition or until `budget` instructions have been dispatched.
    pub fn run<P: Platform, T: Timing>(&mut self, p: &mut P, timing: &mut T, budget: u64) -> Exit {
        if self.debug_active() {
            self.run_inner::<P, T, true>(p, timing, budget)
        } else {
            self.run_inner::<P, T, false>(p, timing, budget)
        }
    }

    /// The run loop. `DEBUG` adds the per-instruction breakpoint check and the per-block check
    /// for a caught exception; without it the loop is the plain one.
    fn run_inner<P: Platform, T: Timing, const DEBUG: bool>(&mut self, p: &mut P, timing: &mut T, budget: u64) -> Exit {
        let limit = self.counters.instructions.saturating_add(budget);
        // A breakpoint or watchpoint stop is stepped over only by the first instruction of this
        // run, and only if the PC is still the stop's (no exception taken, no debugger write).
        let mut resume_over = self.debug.resume_over.take();
        loop {
            if DEBUG {
                if let Some(taken) = self.debug.caught.take() {
                    return Exit::Exception(taken);
                }
            }
            if self.counters.instructions >= limit {
                return Exit::Budget;
            }
            // Block boundary: asynchronous exceptions (D1.13), then the illegal state check.
            if self.irq_lines != 0 || self.sys[SysReg::HCR_EL2 as usize] & (hcr::VI | hcr::VF | hcr::VSE) != 0 {
                if let Some((kind, target)) = self.pending_async() {
                    self.take_async(kind, target);
                    if DEBUG && self.debug.caught.is_some() {
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
                let mut unwatched = false;
                if DEBUG {
                    let over = resume_over.take().filter(|r| r.pc == self.pc);
                    if over.is_none() && self.debug.breakpoints.contains(&self.pc) {
                        self.debug.resume_over = Some(ResumeOver { pc: self.pc, watch: false });
                        return Exit::Breakpoint;
                    }
                    if over.is_some_and(|r| r.watch) && self.watching {
                        self.watching = false;
                        unwatched = true;
                    }
                }
                let insn = p.memory().decoded_page(page)[index];
                let cycles = timing.retire(&insn, self.pc);
                self.counters.instructions += 1;
                self.counters.cycles += cycles;
                let step = self.execute(insn, p);
                if DEBUG && unwatched {
                    self.watching = true;
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
                        return match reason {
                            StopReason::PowerOff => Exit::PowerOff,
                            StopReason::Reset => Exit::Reset,
                            StopReason::WaitForInterrupt => Exit::WaitForInterrupt,
                            StopReason::Yield => Exit::Yield,
                            StopReason::Watchpoint => self.watch_exit(cycles),
                        }
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
