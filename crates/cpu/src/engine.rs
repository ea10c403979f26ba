//! The run loop: fetch from the per-page decode cache, execute, charge the timing model, and
//! check asynchronous exceptions at block boundaries (after any branch, exception, system
//! register write, or page end). It returns an [`Exit`] to the caller (scheduler, CLI,
//! debugger); it never blocks and never touches the host clock.

use a64::Insn;

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

    /// Whether the run loop must check each instruction: host breakpoints, or guest
    /// self-hosted debug (breakpoints, software step) armed.
    #[inline(always)]
    fn needs_checks(&self) -> bool {
        self.debug_checks || !self.breakpoints.is_empty()
    }

    /// Runs until an exit condition or until `budget` instructions have been dispatched.
    pub fn run<P: Platform, T: Timing>(&mut self, p: &mut P, timing: &mut T, budget: u64) -> Exit {
        let limit = self.counters.instructions.saturating_add(budget);
        // The loop is compiled twice: without per-instruction checks (the fast path) and with
        // them. A change of mode (software arming debug, a debugger setting a breakpoint)
        // returns `None` at the next block boundary and the other version continues.
        loop {
            let exit = if self.needs_checks() {
                self.run_inner::<P, T, true>(p, timing, limit)
            } else {
                self.run_inner::<P, T, false>(p, timing, limit)
            };
            if let Some(exit) = exit {
                return exit;
            }
        }
    }

    fn run_inner<P: Platform, T: Timing, const CHECKED: bool>(
        &mut self,
        p: &mut P,
        timing: &mut T,
        limit: u64,
    ) -> Option<Exit> {
        loop {
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
                let insn = p.memory().decoded_page(page)[index];
                if CHECKED {
                    // A host breakpoint stops before the instruction; the next run steps over
                    // the breakpoint it reported, once.
                    if self.breakpoints.contains(&self.pc) && self.resume_over.take() != Some(self.pc) {
                        self.resume_over = Some(self.pc);
                        return Some(Exit::Breakpoint);
                    }
                    self.resume_over = None;
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
                self.counters.instructions += 1;
                self.counters.cycles += timing.retire(&insn, self.pc);
                let exceptions = self.counters.exceptions;
                let step = self.execute(insn, p);
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
                        })
                    }
                }
            }
        }
    }
}
