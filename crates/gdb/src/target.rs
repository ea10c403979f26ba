//! The gdbstub target over a [`Soc`]: one gdb thread per core (thread id = core index + 1),
//! registers, memory through the selected core's translation in the chosen address space, and
//! the resume actions of all-stop mode.

use cpu::{CatchFilter, Cpu, Pstate};
use gdbstub::common::{Signal, Tid};
use gdbstub::target::ext::base::multithread::{
    MultiThreadBase, MultiThreadResume, MultiThreadResumeOps, MultiThreadSchedulerLocking,
    MultiThreadSchedulerLockingOps, MultiThreadSingleStep, MultiThreadSingleStepOps,
};
use gdbstub::target::ext::base::single_register_access::{SingleRegisterAccess, SingleRegisterAccessOps};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::aarch64::reg::id::AArch64RegId;
use soc::{AddrSpace, RunLimits, Soc, StopCause};

use crate::arch::{system_reg, CoreRegs, HyperSocAArch64, SystemReg};

/// What the cores do when gdb resumes them (all-stop mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// Run every core until a stop.
    Continue,
    /// Execute one instruction on this core; the others stay still.
    Step(usize),
}

/// The gdb view of a SoC.
pub struct SocTarget<'a> {
    /// The SoC being debugged.
    pub(crate) soc: &'a mut Soc,
    /// Limits of the run (the CLI's `--max-insns`/`--max-cycles`).
    pub(crate) limits: RunLimits,
    /// The action of the next resume.
    pub(crate) resume: Resume,
    /// A step requested by the vCont being parsed.
    pending_step: Option<usize>,
    /// The address space of gdb's memory accesses (`monitor space`).
    pub(crate) space: AddrSpace,
    /// The core of gdb's selected thread, which monitor commands apply to: the core of the
    /// last stop, or of the last `thread N` (which asks whether N is alive, `T`, the one
    /// packet that names the user's choice: `info threads` reads every thread's registers).
    pub(crate) selected: usize,
    /// Software breakpoints (`break`).
    pub(crate) sw_breakpoints: Vec<u64>,
    /// Hardware breakpoints (`hbreak`).
    pub(crate) hw_breakpoints: Vec<u64>,
    /// Exception catches (`monitor catch`).
    pub(crate) catch: CatchFilter,
    /// Why the cores last stopped (`monitor why`).
    pub(crate) last_stop: Option<StopCause>,
    /// The last stop that was not a single step: gdb steps over a watchpoint hit by itself,
    /// so the user's stop is often the one before the last.
    pub(crate) last_event: Option<StopCause>,
}

impl<'a> SocTarget<'a> {
    /// A target for `soc`, stopped, with no breakpoints.
    pub fn new(soc: &'a mut Soc, limits: RunLimits) -> SocTarget<'a> {
        SocTarget {
            soc,
            limits,
            resume: Resume::Continue,
            pending_step: None,
            space: AddrSpace::Virt,
            selected: 0,
            sw_breakpoints: Vec::new(),
            hw_breakpoints: Vec::new(),
            catch: CatchFilter::default(),
            last_stop: None,
            last_event: None,
        }
    }

    /// Removes every breakpoint, watchpoint and catch from the cores (end of a session).
    pub fn clear_debug_state(&mut self) {
        for va in self.sw_breakpoints.drain(..).chain(self.hw_breakpoints.drain(..)) {
            self.soc.set_breakpoint(cpu::VirtAddr(va), false);
        }
        for core in &mut self.soc.cores {
            for w in core.watchpoints().to_vec() {
                core.remove_watchpoint(w);
            }
        }
        self.catch = CatchFilter::default();
        self.soc.set_catch(self.catch);
    }

    /// The core of a gdb thread id, if it exists.
    pub(crate) fn core_of(&self, tid: Tid) -> Result<usize, TargetError<&'static str>> {
        let core = tid.get() - 1;
        if core < self.soc.cores.len() {
            Ok(core)
        } else {
            Err(TargetError::NonFatal)
        }
    }
}

/// The gdb thread id of a core.
pub fn tid_of(core: usize) -> Tid {
    Tid::new(core + 1).unwrap_or(Tid::MIN)
}

/// The core a stop happened on, if it names one.
fn stop_core(cause: StopCause) -> Option<usize> {
    match cause {
        StopCause::Breakpoint(core)
        | StopCause::Watchpoint(core, _)
        | StopCause::Exception(core, _)
        | StopCause::Stepped(core) => Some(core),
        _ => None,
    }
}

/// The CPSR value gdb shows: PSTATE in the SPSR layout.
fn cpsr_of(cpu: &Cpu) -> u32 {
    cpu.pstate.to_spsr() as u32
}

/// Applies a CPSR written by gdb. AArch32 modes, EL3 and EL0 with SP_ELx are rejected.
fn set_cpsr(cpu: &mut Cpu, value: u32) -> Result<(), TargetError<&'static str>> {
    let m = value & 0x1f;
    let el = ((m >> 2) & 3) as u8;
    if m & 0x10 != 0 || m & 0b10 != 0 || el == 3 || (el == 0 && m & 1 != 0) {
        return Err(TargetError::NonFatal);
    }
    cpu.set_pstate(Pstate {
        nzcv: value & 0xf000_0000,
        daif: value & 0x3c0,
        el,
        sp_sel: m & 1 != 0,
        il: value & (1 << 20) != 0,
        ss: value & (1 << 21) != 0,
    });
    Ok(())
}

impl SocTarget<'_> {
    /// Records a stop for `monitor why`; the stopping core becomes the selected one (gdb
    /// switches to its thread).
    pub(crate) fn record_stop(&mut self, cause: StopCause) {
        if let Some(core) = stop_core(cause) {
            self.selected = core;
        }
        if !matches!(cause, StopCause::Stepped(_)) {
            self.last_event = Some(cause);
        }
        self.last_stop = Some(cause);
    }
}

impl Target for SocTarget<'_> {
    type Arch = HyperSocAArch64;
    type Error = &'static str;

    #[inline(always)]
    fn base_ops(&mut self) -> BaseOps<'_, Self::Arch, Self::Error> {
        BaseOps::MultiThread(self)
    }

    #[inline(always)]
    fn support_breakpoints(&mut self) -> Option<gdbstub::target::ext::breakpoints::BreakpointsOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_monitor_cmd(&mut self) -> Option<gdbstub::target::ext::monitor_cmd::MonitorCmdOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadBase for SocTarget<'_> {
    fn read_registers(&mut self, regs: &mut CoreRegs, tid: Tid) -> TargetResult<(), Self> {
        let core = self.core_of(tid)?;
        let cpu = &self.soc.cores[core];
        regs.x.copy_from_slice(&cpu.x[..31]);
        regs.sp = cpu.sp();
        regs.pc = cpu.pc;
        regs.cpsr = cpsr_of(cpu);
        regs.v = cpu.v;
        regs.fpsr = cpu.sysreg(cpu::SysReg::FPSR) as u32;
        regs.fpcr = cpu.sysreg(cpu::SysReg::FPCR) as u32;
        Ok(())
    }

    fn write_registers(&mut self, regs: &CoreRegs, tid: Tid) -> TargetResult<(), Self> {
        let core = self.core_of(tid)?;
        let cpu = &mut self.soc.cores[core];
        set_cpsr(cpu, regs.cpsr)?;
        for (r, value) in regs.x.iter().enumerate() {
            cpu.set_x(r as u8, *value);
        }
        cpu.set_xsp(31, regs.sp);
        cpu.pc = regs.pc;
        cpu.v = regs.v;
        cpu.set_sysreg(cpu::SysReg::FPSR, u64::from(regs.fpsr));
        cpu.set_sysreg(cpu::SysReg::FPCR, u64::from(regs.fpcr));
        Ok(())
    }

    #[inline(always)]
    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, Tid, Self>> {
        Some(self)
    }

    fn read_addrs(&mut self, start_addr: u64, data: &mut [u8], tid: Tid) -> TargetResult<usize, Self> {
        let core = self.core_of(tid)?;
        match self.soc.read_mem(core, self.space, start_addr, data) {
            Ok(()) => Ok(data.len()),
            Err(e) => match e.addr().map(|a| a.wrapping_sub(start_addr) as usize) {
                Some(n) if n > 0 && n < data.len() => Ok(n),
                _ => Err(TargetError::NonFatal),
            },
        }
    }

    fn write_addrs(&mut self, start_addr: u64, data: &[u8], tid: Tid) -> TargetResult<(), Self> {
        let core = self.core_of(tid)?;
        self.soc.write_mem(core, self.space, start_addr, data).map_err(|_| TargetError::NonFatal)
    }

    fn list_active_threads(&mut self, register_thread: &mut dyn FnMut(Tid)) -> Result<(), Self::Error> {
        for core in 0..self.soc.cores.len() {
            register_thread(tid_of(core));
        }
        Ok(())
    }

    fn is_thread_alive(&mut self, tid: Tid) -> Result<bool, Self::Error> {
        // Every core is a live thread, powered on or not. gdb asks this on `thread N`.
        let alive = tid.get() <= self.soc.cores.len();
        if alive {
            self.selected = tid.get() - 1;
        }
        Ok(alive)
    }

    #[inline(always)]
    fn support_resume(&mut self) -> Option<MultiThreadResumeOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_thread_extra_info(
        &mut self,
    ) -> Option<gdbstub::target::ext::thread_extra_info::ThreadExtraInfoOps<'_, Self>> {
        Some(self)
    }
}

impl SingleRegisterAccess<Tid> for SocTarget<'_> {
    fn read_register(&mut self, tid: Tid, reg_id: AArch64RegId, buf: &mut [u8]) -> TargetResult<usize, Self> {
        let core = self.core_of(tid)?;
        let cpu = &self.soc.cores[core];
        let bytes: Vec<u8> = match reg_id {
            AArch64RegId::X(n) if n < 31 => cpu.x[usize::from(n)].to_le_bytes().to_vec(),
            AArch64RegId::Sp => cpu.sp().to_le_bytes().to_vec(),
            AArch64RegId::Pc => cpu.pc.to_le_bytes().to_vec(),
            AArch64RegId::Pstate => cpsr_of(cpu).to_le_bytes().to_vec(),
            AArch64RegId::V(n) if n < 32 => cpu.v[usize::from(n)].to_le_bytes().to_vec(),
            // FPSR and FPCR are 32 bits in the fpu feature.
            AArch64RegId::FPSR => (cpu.sysreg(cpu::SysReg::FPSR) as u32).to_le_bytes().to_vec(),
            AArch64RegId::FPCR => (cpu.sysreg(cpu::SysReg::FPCR) as u32).to_le_bytes().to_vec(),
            AArch64RegId::System(enc) => match system_reg(enc) {
                Some(SystemReg::File(reg)) => cpu.debug_read_sysreg(reg).to_le_bytes().to_vec(),
                Some(SystemReg::SpEl2) => cpu.sp_el[2].to_le_bytes().to_vec(),
                None => return Err(TargetError::NonFatal),
            },
            _ => return Err(TargetError::NonFatal),
        };
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        Ok(n)
    }

    fn write_register(&mut self, tid: Tid, reg_id: AArch64RegId, val: &[u8]) -> TargetResult<(), Self> {
        let core = self.core_of(tid)?;
        let cpu = &mut self.soc.cores[core];
        let mut le = [0u8; 16];
        let n = val.len().min(16);
        le[..n].copy_from_slice(&val[..n]);
        let wide = u128::from_le_bytes(le);
        let value = wide as u64;
        match reg_id {
            AArch64RegId::X(n) if n < 31 => cpu.set_x(n, value),
            AArch64RegId::Sp => cpu.set_xsp(31, value),
            AArch64RegId::Pc => cpu.pc = value,
            AArch64RegId::Pstate => set_cpsr(cpu, value as u32)?,
            AArch64RegId::V(n) if n < 32 => cpu.v[usize::from(n)] = wide,
            AArch64RegId::FPSR => cpu.set_sysreg(cpu::SysReg::FPSR, value & 0xffff_ffff),
            AArch64RegId::FPCR => cpu.set_sysreg(cpu::SysReg::FPCR, value & 0xffff_ffff),
            AArch64RegId::System(enc) => match system_reg(enc) {
                Some(SystemReg::File(reg)) => {
                    if !cpu.debug_write_sysreg(reg, value) {
                        return Err(TargetError::NonFatal);
                    }
                }
                Some(SystemReg::SpEl2) => cpu.sp_el[2] = value,
                None => return Err(TargetError::NonFatal),
            },
            _ => return Err(TargetError::NonFatal),
        }
        Ok(())
    }
}

impl MultiThreadResume for SocTarget<'_> {
    fn resume(&mut self) -> Result<(), Self::Error> {
        // All-stop with deterministic stepping: a step of one core keeps the others still, even
        // when gdb lets them continue (`vCont;s:1;c`).
        self.resume = match self.pending_step.take() {
            Some(core) => Resume::Step(core),
            None => Resume::Continue,
        };
        Ok(())
    }

    fn clear_resume_actions(&mut self) -> Result<(), Self::Error> {
        self.pending_step = None;
        Ok(())
    }

    fn set_resume_action_continue(&mut self, _tid: Tid, signal: Option<Signal>) -> Result<(), Self::Error> {
        // Signals have no meaning for a core; gdb passes the stop signal back on `continue`
        // only if the user asks (`signal N`), so it is ignored.
        let _ = signal;
        Ok(())
    }

    #[inline(always)]
    fn support_single_step(&mut self) -> Option<MultiThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_scheduler_locking(&mut self) -> Option<MultiThreadSchedulerLockingOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadSingleStep for SocTarget<'_> {
    fn set_resume_action_step(&mut self, tid: Tid, _signal: Option<Signal>) -> Result<(), Self::Error> {
        let core = tid.get() - 1;
        if core < self.soc.cores.len() {
            self.pending_step = Some(core);
        }
        Ok(())
    }
}

impl MultiThreadSchedulerLocking for SocTarget<'_> {
    fn set_resume_action_scheduler_lock(&mut self) -> Result<(), Self::Error> {
        // Cores without an action stay still: with a step pending that is already the case,
        // and a continue of one thread runs the scheduler (the other cores are not separable
        // from it in a deterministic run).
        Ok(())
    }
}
