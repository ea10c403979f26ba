//! The deterministic multi-core scheduler.
//!
//! # Time
//!
//! Every core has a local time: its cycle count ([`cpu::Counters::cycles`]), which includes the
//! cycles it spent asleep or off ([`cpu::Counters::idle_cycles`]). Its generic timer counts
//! `floor(cycles * timer_hz / clock_hz)`, so time never comes from the host.
//!
//! # Passes
//!
//! The scheduler runs the cores in *passes*. A pass covers the system time `[start, end)` with
//! `end = start + quantum` ([`DEFAULT_QUANTUM`] cycles unless [`Soc::set_quantum`] says
//! otherwise) and visits the cores in index order. A visited core that runs executes until its
//! local time reaches `end` (or it sleeps, powers off, or stops the machine); a sleeping core
//! wakes if something woke it, else stays asleep, its local time frozen at the moment it went
//! to sleep. The order and the slice ends depend only on the machine's state, so the same
//! inputs always give the same instructions, cycle counts and output.
//!
//! # What crosses between cores, and when
//!
//! Cores affect each other through RAM (immediately: there is one memory), the GIC (SGIs, SPI
//! targets, the GICH aliases), SEV, the global exclusive monitor and PSCI CPU_ON. The bus
//! time-stamps each such effect with the local time of the core that caused it. A core visited
//! later in the same pass sees it at its visit; a core visited earlier sees it in the next pass.
//! A running core therefore sees another core's interrupt or event at most one quantum late (or
//! early: the cores of a pass are not interleaved, so local times differ by up to a quantum). A
//! sleeping core woken by another core wakes at the time stamp of the waking action (never
//! before its own sleep time), and started cores start at the caller's time of the CPU_ON call.
//!
//! # Timers and sleep
//!
//! A running core stops its fast path at its next timer deadline (see [`cpu::Cpu::run_until`]):
//! with functional timing the timer output is raised, and the interrupt taken if unmasked, at
//! the instruction boundary where the core's local time reaches the deadline, exactly. A core in
//! WFI sleeps until an interrupt would wake it (D1.7.2.1), a core in WFE until an event or an
//! interrupt that would be taken (D1.7.1.4); the scheduler does not simulate the sleep: it wakes
//! the core at the waking action's time stamp, or at its own next timer deadline (for WFE also
//! the next event-stream event) if that comes first, with its local time set to exactly that
//! deadline. So a sleeping core's timer interrupt is asserted at its deadline exactly, too.
//! When no core can run and nothing is pending, the next pass starts at the earliest deadline of
//! any sleeping core: a machine where every core waits for a timer one second ahead reaches it
//! at once. With no deadline at all the run stops with [`StopCause::Idle`].

use cpu::{Exit, Functional};
use devices::psci::PowerState;

use crate::machine::{RunLimits, Soc, StopCause};

/// Cycles of system time per pass, unless [`Soc::set_quantum`] changes it: 10 µs at 1 GHz.
pub const DEFAULT_QUANTUM: u64 = 10_000;

/// What a core is doing, as the scheduler sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreState {
    /// Powered down: not started yet, or after PSCI CPU_OFF.
    Off,
    /// Executing.
    Running,
    /// Asleep in WFI (or a PSCI standby).
    WaitForInterrupt,
    /// Asleep in WFE.
    WaitForEvent,
}

/// The scheduler's state: where the current pass is.
#[derive(Clone, Debug)]
pub(crate) struct Scheduler {
    /// Cycles per pass.
    pub(crate) quantum: u64,
    /// Each core's state.
    pub(crate) states: Vec<CoreState>,
    /// End of the current pass (system time in cycles).
    pass_end: u64,
    /// The next core to visit in the current pass; the number of cores when the pass is over.
    next: usize,
}

impl Scheduler {
    /// A scheduler for `cores` cores of which core 0 runs, before the first pass.
    pub(crate) fn new(cores: usize) -> Scheduler {
        let mut states = vec![CoreState::Off; cores];
        if let Some(first) = states.first_mut() {
            *first = CoreState::Running;
        }
        Scheduler { quantum: DEFAULT_QUANTUM, states, pass_end: 0, next: cores }
    }
}

impl Soc {
    /// Sets the pass length in cycles (at least 1); the bound on cross-core latency.
    pub fn set_quantum(&mut self, cycles: u64) {
        self.sched.quantum = cycles.max(1);
    }

    /// What core `core` is doing.
    pub fn core_state(&self, core: usize) -> CoreState {
        self.sched.states.get(core).copied().unwrap_or(CoreState::Off)
    }

    /// Instructions executed by all cores together.
    pub fn total_instructions(&self) -> u64 {
        self.cores.iter().map(|c| c.counters.instructions).sum()
    }

    /// Runs until power-off, reset, a limit, a breakpoint, or all cores idle for good. A run
    /// that stopped (e.g. at an instruction limit or a breakpoint) continues where it stopped.
    pub fn run(&mut self, limits: RunLimits) -> StopCause {
        self.run_until(limits, &mut || false)
    }

    /// [`Self::run`], calling `poll` before every visit of a core (at most one quantum of work
    /// apart): when it returns true the run stops with [`StopCause::Interrupted`] (a debugger's
    /// interrupt, a host event), and a later run continues where it stopped.
    pub fn run_until(&mut self, limits: RunLimits, poll: &mut dyn FnMut() -> bool) -> StopCause {
        let cores = self.cores.len();
        loop {
            if self.sched.next >= cores {
                if let Some(stop) = self.start_pass(limits) {
                    return stop;
                }
            }
            while self.sched.next < cores {
                if poll() {
                    return StopCause::Interrupted;
                }
                if let Some(stop) = self.visit(self.sched.next, limits) {
                    return stop;
                }
                self.sched.next += 1;
            }
        }
    }

    /// Starts the next pass, skipping idle time when no core can run.
    fn start_pass(&mut self, limits: RunLimits) -> Option<StopCause> {
        let mut start = self.sched.pass_end;
        if !self.has_work() {
            match self.next_deadline() {
                Some(deadline) => start = start.max(deadline),
                None => return Some(StopCause::Idle),
            }
        }
        if limits.max_cycles.is_some_and(|max| start >= max) {
            return Some(StopCause::CycleLimit);
        }
        let end = start.saturating_add(self.sched.quantum);
        self.sched.pass_end = limits.max_cycles.map_or(end, |max| end.min(max));
        self.sched.next = 0;
        self.bus.poll_devices(start);
        None
    }

    /// Whether a core runs or may wake without waiting for a deadline.
    fn has_work(&self) -> bool {
        let sleeping_or_off = |i: usize| self.sched.states[i] != CoreState::Running;
        (0..self.cores.len()).any(|i| !sleeping_or_off(i) || self.bus.has_notice(i))
    }

    /// The earliest time a sleeping core's timer (or, in WFE, event stream) wakes it;
    /// `None` if no sleeping core has one (the machine is idle for good).
    fn next_deadline(&self) -> Option<u64> {
        (0..self.cores.len()).filter_map(|i| self.wake_deadline(i)).min()
    }

    /// The local time at which sleeping core `i` reaches its next timer (or event-stream)
    /// event, if it sleeps and has one.
    fn wake_deadline(&self, i: usize) -> Option<u64> {
        let core = &self.cores[i];
        let deadline = match self.sched.states[i] {
            CoreState::WaitForInterrupt => core.next_timer_event(),
            CoreState::WaitForEvent => core.next_timer_event().min(core.next_stream_event()),
            CoreState::Off | CoreState::Running => return None,
        };
        (deadline != u64::MAX).then_some(deadline)
    }

    /// Visits core `i` in the current pass: delivers what the bus holds for it, wakes or starts
    /// it, and runs it to the end of the pass.
    fn visit(&mut self, i: usize, limits: RunLimits) -> Option<StopCause> {
        let pass_end = self.sched.pass_end;
        loop {
            let notice = self.take_notices(i);
            match self.sched.states[i] {
                CoreState::Off => {
                    let start = self.bus.take_start(i)?;
                    let core = &mut self.cores[i];
                    // PSCI 5.1.4 / QEMU: the core starts at EL2 (the highest EL the caller has)
                    // from its reset state, at the entry point with X0 = context_id.
                    core.reset();
                    core.pc = start.entry;
                    core.x[0] = start.context_id;
                    core.advance_idle(start.time);
                    self.bus.psci.set_state(i, PowerState::On);
                    self.sched.states[i] = CoreState::Running;
                }
                CoreState::WaitForInterrupt | CoreState::WaitForEvent => {
                    let deadline = self.wake_deadline(i).unwrap_or(u64::MAX);
                    let core = &mut self.cores[i];
                    let woken_at = notice.max(core.counters.cycles);
                    // A deadline in this pass that comes before the waking action is served
                    // first: the timer (or event stream) may wake the core earlier.
                    let deadline_first = deadline < pass_end && deadline <= woken_at;
                    if !deadline_first && self.wakes(i) {
                        self.cores[i].advance_idle(woken_at);
                        self.sched.states[i] = CoreState::Running;
                        continue;
                    }
                    if deadline >= pass_end {
                        return None;
                    }
                    let core = &mut self.cores[i];
                    core.advance_idle(deadline);
                    core.update_timers(&mut self.bus);
                    if self.wakes(i) {
                        self.sched.states[i] = CoreState::Running;
                    }
                }
                CoreState::Running => {
                    if self.cores[i].counters.cycles >= pass_end {
                        return None;
                    }
                    let budget = match limits.max_instructions {
                        Some(max) => match max.checked_sub(self.total_instructions()) {
                            Some(left) if left > 0 => left,
                            _ => return Some(StopCause::InstructionLimit),
                        },
                        None => u64::MAX,
                    };
                    let exit = self.cores[i].run_until(&mut self.bus, &mut Functional, budget, pass_end);
                    self.after_slice(i);
                    match exit {
                        Exit::Budget | Exit::Yield => {}
                        Exit::WaitForInterrupt => self.sched.states[i] = CoreState::WaitForInterrupt,
                        Exit::WaitForEvent => self.sched.states[i] = CoreState::WaitForEvent,
                        Exit::CpuOff => self.sched.states[i] = CoreState::Off,
                        Exit::PowerOff => return Some(StopCause::PowerOff),
                        Exit::Reset => return Some(StopCause::Reset),
                        Exit::Breakpoint => return Some(StopCause::Breakpoint(i)),
                        Exit::Watchpoint(hit) => return Some(StopCause::Watchpoint(i, hit)),
                        Exit::Exception(taken) => return Some(StopCause::Exception(i, taken)),
                    }
                }
            }
        }
    }

    /// Delivers what the bus holds for core `i` (interrupt lines; an event, unless it is off).
    /// Returns the time of the latest line change or event delivered (0 if none).
    pub(crate) fn take_notices(&mut self, i: usize) -> u64 {
        let mut notice = 0;
        if let Some((lines, time)) = self.bus.take_lines(i) {
            self.cores[i].set_lines(lines);
            notice = time;
        }
        if let Some(time) = self.bus.take_event(i) {
            if self.sched.states[i] != CoreState::Off {
                self.cores[i].signal_event();
                notice = notice.max(time);
            }
        }
        notice
    }

    /// What follows a run slice of core `i` (or a debugger's single step): its broadcast TLB
    /// invalidations reach the other cores, and the global monitors it cleared post events.
    pub(crate) fn after_slice(&mut self, i: usize) {
        self.apply_tlb_broadcasts(i);
        let cleared = self.bus.memory.take_monitor_events();
        if cleared != 0 {
            let now = self.cores[i].counters.cycles;
            self.bus.post_events(cleared, now);
        }
    }

    /// Whether sleeping core `i` wakes now: for WFI an interrupt that is a WFI wakeup event,
    /// for WFE the Event Register (which the completing WFE clears) or an interrupt that would
    /// be taken.
    pub(crate) fn wakes(&mut self, i: usize) -> bool {
        match self.sched.states[i] {
            CoreState::WaitForInterrupt => self.cores[i].wakeup_pending(),
            CoreState::WaitForEvent => self.cores[i].wfe_complete(),
            CoreState::Off | CoreState::Running => false,
        }
    }
}
