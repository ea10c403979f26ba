//! The run loop: fetch from the per-page decode cache, execute, charge the timing model, and
//! check asynchronous exceptions at block boundaries (after any branch, exception, system
//! register write, or page end). It returns an [`Exit`] to the caller (scheduler, CLI,
//! debugger); it never blocks and never touches the host clock.

use a64::Insn;

use crate::exception::{ec, hcr, SyncException};
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
    /// Sets or clears a host breakpoint at virtual address `pc`.
    pub fn set_breakpoint(&mut self, pc: u64, enabled: bool) {
        self.breakpoints.retain(|&b| b != pc);
        if enabled {
            self.breakpoints.push(pc);
        }
    }

    /// Runs until an exit condition or until `budget` instructions have been dispatched.
    pub fn run<P: Platform, T: Timing>(&mut self, p: &mut P, timing: &mut T, budget: u64) -> Exit {
        if self.breakpoints.is_empty() {
            self.run_inner::<P, T, false>(p, timing, budget)
        } else {
            self.run_inner::<P, T, true>(p, timing, budget)
        }
    }

    fn run_inner<P: Platform, T: Timing, const BREAKPOINTS: bool>(
        &mut self,
        p: &mut P,
        timing: &mut T,
        budget: u64,
    ) -> Exit {
        let limit = self.counters.instructions.saturating_add(budget);
        let resume_over = self.resume_over.take();
        loop {
            if self.counters.instructions >= limit {
                return Exit::Budget;
            }
            // Block boundary: asynchronous exceptions (D1.13), then the illegal state check.
            if self.irq_lines != 0 || self.sys[SysReg::HCR_EL2 as usize] & (hcr::VI | hcr::VF | hcr::VSE) != 0 {
                if let Some((kind, target)) = self.pending_async() {
                    self.take_async(kind, target);
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
            // Instruction fetch: the PC's page is translated once per block (the host fast path,
            // else the TLB model and the walker); the block ends at the page end, so decoding
            // stays indexed by physical page.
            let offset = match self.vm.fast.fetch(self.pstate.el, pc) {
                Some(offset) => offset,
                None => match self.fetch_slow(p, pc) {
                    Ok(offset) => offset,
                    Err(exc) => {
                        self.counters.instructions += 1;
                        self.take_sync(exc);
                        continue;
                    }
                },
            };
            let page = offset & !0xfff;
            let mut index = (offset & 0xfff) >> 2;
            loop {
                if BREAKPOINTS && self.breakpoints.contains(&self.pc) && resume_over != Some(self.pc) {
                    self.resume_over = Some(self.pc);
                    return Exit::Breakpoint;
                }
                let insn = p.memory().decoded_page(page)[index];
                self.counters.instructions += 1;
                self.counters.cycles += timing.retire(&insn, self.pc);
                match self.execute(insn, p) {
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
                        }
                    }
                }
            }
        }
    }
}
