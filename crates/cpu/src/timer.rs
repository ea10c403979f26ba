//! The Generic Timer of one core (ARM ARM D12.2 "The AArch64 view of the Generic Timer",
//! registers in D24.10): the physical count derived from the core's local time, the virtual
//! count (`CNTVCT_EL0 = CNTPCT_EL0 - CNTVOFF_EL2`), the EL1 physical, virtual and EL2 physical
//! timers with their CompareValue/TimerValue views and output levels, and the two event streams
//! (`CNTKCTL_EL1` from the virtual count, `CNTHCTL_EL2` from the physical count).
//!
//! Time is never taken from the host. A core's local time is its cycle count
//! ([`Counters::cycles`](crate::Counters), which the scheduler also advances while the core
//! sleeps); the physical count is `floor(cycles * timer_hz / clock_hz)` with the frequencies of
//! the model, so the same run always reads the same counts.
//!
//! The timer outputs are levels (`ENABLE && ISTATUS && !IMASK`) that the core reports to its
//! platform through [`Platform::timer_outputs`] whenever they
//! change; the platform wires them to the GIC as PPIs. The core knows the local time at which
//! the next output rises ([`Cpu::next_timer_event`]) and its run loop stops at exactly that
//! instruction boundary (functional timing) to report it.

use crate::memory::Platform;
use crate::state::Cpu;
use crate::sysreg_table::SysReg;

/// `CNTx_CTL` bits (D24.10.3, D24.10.16, D24.10.25).
pub mod ctl {
    /// The timer is enabled.
    pub const ENABLE: u64 = 1 << 0;
    /// The timer interrupt is masked.
    pub const IMASK: u64 = 1 << 1;
    /// The timer condition is met (read-only).
    pub const ISTATUS: u64 = 1 << 2;
}

/// Bits of [`Cpu::timer_outputs`]: one per timer output (PPI in the `virt` map).
pub mod output {
    /// The EL1 physical timer, `CNTP_*` (PPI 30).
    pub const EL1_PHYSICAL: u8 = 1 << 0;
    /// The virtual timer, `CNTV_*` (PPI 27).
    pub const VIRTUAL: u8 = 1 << 1;
    /// The EL2 physical timer, `CNTHP_*` (PPI 26).
    pub const EL2_PHYSICAL: u8 = 1 << 2;
}

/// `CNTKCTL_EL1` / `CNTHCTL_EL2` event-stream fields (D24.10.15, D24.10.2), and the EL1/EL0
/// access controls of `CNTHCTL_EL2` when `HCR_EL2.E2H` is 0.
pub mod cntctl {
    /// EVNTEN: the event stream is enabled.
    pub const EVNTEN: u64 = 1 << 2;
    /// EVNTDIR: events on 1-to-0 transitions of the trigger bit (0: on 0-to-1).
    pub const EVNTDIR: u64 = 1 << 3;
    /// EVNTI, bits \[7:4\]: the trigger bit of the count.
    pub const EVNTI_SHIFT: u32 = 4;
    /// CNTHCTL_EL2.EL1PCTEN: EL0/EL1 may read CNTPCT_EL0 (else trapped to EL2).
    pub const EL1PCTEN: u64 = 1 << 0;
    /// CNTHCTL_EL2.EL1PCEN: EL0/EL1 may access the EL1 physical timer (else trapped to EL2).
    pub const EL1PCEN: u64 = 1 << 1;
}

/// Per-core timer bookkeeping beside the architectural registers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimerState {
    /// Core clock in Hz.
    clock_hz: u64,
    /// Counter frequency in Hz.
    timer_hz: u64,
    /// Local time (cycles) at which an output rises next; `u64::MAX` for never.
    pub(crate) deadline: u64,
    /// The output levels last reported to the platform.
    pub(crate) outputs: u8,
    /// A timer register changed since `deadline` and `outputs` were computed.
    pub(crate) dirty: bool,
    /// Physical count up to which event-stream events are accounted for in the Event Register.
    pub(crate) stream_mark: u64,
}

impl TimerState {
    /// The frequencies of the `virt` model: a 1 GHz core and the 62.5 MHz counter that the
    /// reset value of `CNTFRQ_EL0` names.
    pub(crate) const fn new() -> TimerState {
        TimerState {
            clock_hz: 1_000_000_000,
            timer_hz: 62_500_000,
            deadline: u64::MAX,
            outputs: 0,
            dirty: true,
            stream_mark: 0,
        }
    }
}

/// The three timers: control, compare value, whether the count is virtual, output bit.
const TIMERS: [(SysReg, SysReg, bool, u8); 3] = [
    (SysReg::CNTP_CTL_EL0, SysReg::CNTP_CVAL_EL0, false, output::EL1_PHYSICAL),
    (SysReg::CNTV_CTL_EL0, SysReg::CNTV_CVAL_EL0, true, output::VIRTUAL),
    (SysReg::CNTHP_CTL_EL2, SysReg::CNTHP_CVAL_EL2, false, output::EL2_PHYSICAL),
];

impl Cpu {
    /// Sets the core clock and the counter frequency (the model's `clock_hz` and `timer_hz`),
    /// and `CNTFRQ_EL0` to the counter frequency. Zero frequencies are taken as 1 Hz.
    pub fn set_clock(&mut self, clock_hz: u64, timer_hz: u32) {
        self.timer.clock_hz = clock_hz.max(1);
        self.timer.timer_hz = u64::from(timer_hz.max(1));
        self.sys[SysReg::CNTFRQ_EL0 as usize] = u64::from(timer_hz);
        self.timer_changed();
    }

    /// The core clock and counter frequencies, in Hz.
    pub fn clock(&self) -> (u64, u64) {
        (self.timer.clock_hz, self.timer.timer_hz)
    }

    /// The physical count at local time `cycles`: `floor(cycles * timer_hz / clock_hz)`.
    pub fn count_at(&self, cycles: u64) -> u64 {
        (u128::from(cycles) * u128::from(self.timer.timer_hz) / u128::from(self.timer.clock_hz)) as u64
    }

    /// The first local time at which the physical count is at least `count`, or `u64::MAX` if
    /// that lies beyond 2^64 cycles.
    pub fn cycles_for_count(&self, count: u64) -> u64 {
        let (clock, timer) = (u128::from(self.timer.clock_hz), u128::from(self.timer.timer_hz));
        let cycles = (u128::from(count) * clock).div_ceil(timer);
        u64::try_from(cycles).unwrap_or(u64::MAX)
    }

    /// CNTPCT_EL0: the physical count now.
    pub fn physical_count(&self) -> u64 {
        self.count_at(self.counters.cycles)
    }

    /// CNTVCT_EL0: the virtual count now (physical count minus CNTVOFF_EL2, D12.2.2.2).
    pub fn virtual_count(&self) -> u64 {
        self.physical_count().wrapping_sub(self.sys[SysReg::CNTVOFF_EL2 as usize])
    }

    /// The count a timer compares with (virtual or physical).
    fn timer_count(&self, virtual_count: bool) -> u64 {
        if virtual_count {
            self.virtual_count()
        } else {
            self.physical_count()
        }
    }

    /// `CNTx_CTL` as software reads it: ENABLE and IMASK as written, ISTATUS the timer
    /// condition (D12.2.4.1: count >= CompareValue, 64-bit unsigned); a disabled timer reads
    /// ISTATUS 0, as QEMU models it (the architecture leaves it UNKNOWN).
    pub(crate) fn timer_ctl(&self, ctl_reg: SysReg) -> u64 {
        let Some(&(_, cval_reg, virt, _)) = TIMERS.iter().find(|t| t.0 == ctl_reg) else {
            return 0;
        };
        let ctl = self.sys[ctl_reg as usize] & (ctl::ENABLE | ctl::IMASK);
        let met = ctl & ctl::ENABLE != 0 && self.timer_count(virt) >= self.sys[cval_reg as usize];
        ctl | if met { ctl::ISTATUS } else { 0 }
    }

    /// The output levels of the three timers now (bits of [`output`]): ENABLE, ISTATUS and not
    /// IMASK (D12.2.4: the interrupt is generated when the condition is met and not masked).
    pub fn timer_outputs(&self) -> u8 {
        let mut levels = 0;
        for (ctl_reg, _, _, bit) in TIMERS {
            if self.timer_ctl(ctl_reg) & (ctl::ENABLE | ctl::IMASK | ctl::ISTATUS) == ctl::ENABLE | ctl::ISTATUS {
                levels |= bit;
            }
        }
        levels
    }

    /// The local time (cycles) at which the next timer output rises, given the registers as
    /// they are: the earliest deadline of an enabled, unmasked timer whose condition is not met
    /// yet; `u64::MAX` if none will.
    pub fn next_timer_event(&self) -> u64 {
        let mut next = u64::MAX;
        for (ctl_reg, cval_reg, virt, _) in TIMERS {
            let ctl = self.sys[ctl_reg as usize];
            if ctl & (ctl::ENABLE | ctl::IMASK) != ctl::ENABLE {
                continue;
            }
            let (count, cval) = (self.timer_count(virt), self.sys[cval_reg as usize]);
            if count >= cval {
                continue; // already met: the output is high, no rising edge ahead
            }
            // Both counts advance together, so the condition is met after `cval - count` ticks.
            if let Some(at) = self.physical_count().checked_add(cval - count) {
                next = next.min(self.cycles_for_count(at));
            }
        }
        next
    }

    /// Records that a timer register changed: the run loop recomputes the outputs and the
    /// deadline at the end of the current instruction.
    pub(crate) fn timer_changed(&mut self) {
        self.timer.dirty = true;
        self.stop_at = 0;
    }

    /// Recomputes the timer outputs, reports them to the platform if they changed, and
    /// recomputes the deadline of the next rising edge. The run loop calls it when the deadline
    /// is reached or a timer register changed; the scheduler calls it after moving a sleeping
    /// core's time forward.
    pub fn update_timers<P: Platform>(&mut self, p: &mut P) {
        self.timer.dirty = false;
        let levels = self.timer_outputs();
        if levels != self.timer.outputs {
            self.timer.outputs = levels;
            p.set_time(self.id, self.counters.cycles);
            p.timer_outputs(self.id, levels);
        }
        self.timer.deadline = self.next_timer_event();
    }

    /// The event streams (D12.2.3) as (enabled, trigger bit, events on 1-to-0, offset of the
    /// count from the physical count): `CNTKCTL_EL1` from the virtual count, `CNTHCTL_EL2` from
    /// the physical count.
    fn event_streams(&self) -> [(bool, u32, bool, u64); 2] {
        let stream = |control: u64, offset: u64| {
            (
                control & cntctl::EVNTEN != 0,
                ((control >> cntctl::EVNTI_SHIFT) & 0xf) as u32,
                control & cntctl::EVNTDIR != 0,
                offset,
            )
        };
        [
            stream(self.sys[SysReg::CNTKCTL_EL1 as usize], self.sys[SysReg::CNTVOFF_EL2 as usize]),
            stream(self.sys[SysReg::CNTHCTL_EL2 as usize], 0),
        ]
    }

    /// The first physical count after `after` at which an enabled event stream generates an
    /// event, if any (the trigger bit `n` of the stream's count changes in the chosen
    /// direction: the count passes `2^n` modulo `2^(n+1)` for 0-to-1, `0` for 1-to-0).
    fn next_stream_count(&self, after: u64) -> Option<u64> {
        let mut next: Option<u64> = None;
        for (enabled, bit, falling, offset) in self.event_streams() {
            if !enabled {
                continue;
            }
            let period = 2u128 << bit;
            let phase = if falling { 0 } else { 1u128 << bit };
            // Stream count c = physical - offset; find the least physical p > after with
            // (p - offset) mod period == phase.
            let first = u128::from(after) + 1;
            let stream_first = (first + (1u128 << 64) - u128::from(offset)) % period;
            let wait = (phase + period - stream_first) % period;
            if let Ok(at) = u64::try_from(first + wait) {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        next
    }

    /// Whether an event stream generated an event in the physical counts `(after, upto]`.
    fn stream_event_between(&self, after: u64, upto: u64) -> bool {
        self.next_stream_count(after).is_some_and(|at| at <= upto)
    }

    /// Folds the event-stream events since the last account into the Event Register (before the
    /// stream configuration or the offset changes).
    pub(crate) fn account_event_stream(&mut self) {
        let now = self.physical_count();
        if self.stream_event_between(self.timer.stream_mark, now) {
            self.event = true;
        }
        self.timer.stream_mark = now;
    }

    /// WFE: whether the Event Register is set (by a SEV, an exception return, the clearing of
    /// the global monitor, or the event stream since the last WFE), consuming it.
    pub(crate) fn consume_event(&mut self) -> bool {
        self.account_event_stream();
        std::mem::take(&mut self.event)
    }

    /// The local time (cycles) of the next event-stream event after now, or `u64::MAX`.
    pub fn next_stream_event(&self) -> u64 {
        self.next_stream_count(self.physical_count()).map_or(u64::MAX, |count| self.cycles_for_count(count))
    }
}

/// TimerValue read: `(CompareValue - count)[31:0]`, zero-extended (D12.2.4.2).
pub(crate) fn tval(cval: u64, count: u64) -> u64 {
    u64::from(cval.wrapping_sub(count) as u32)
}

/// TimerValue write: the CompareValue `count + SignExtend(value[31:0])` (D12.2.4.2).
pub(crate) fn cval_from_tval(count: u64, value: u64) -> u64 {
    count.wrapping_add(i64::from(value as u32 as i32) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu() -> Cpu {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_clock(1_800_000_000, 62_500_000);
        cpu
    }

    #[test]
    fn count_follows_cycles_and_frequencies() {
        let mut cpu = cpu();
        assert_eq!(cpu.sysreg(SysReg::CNTFRQ_EL0), 62_500_000);
        cpu.counters.cycles = 1_800_000_000;
        assert_eq!(cpu.physical_count(), 62_500_000);
        // 28.8 cycles per tick: tick 5 starts at cycle 144, tick 6 at 172.8 -> 173.
        cpu.counters.cycles = 172;
        assert_eq!(cpu.physical_count(), 5);
        assert_eq!(cpu.cycles_for_count(6), 173);
        assert_eq!(cpu.count_at(173), 6);
        cpu.set_sysreg(SysReg::CNTVOFF_EL2, 10);
        assert_eq!(cpu.virtual_count(), 5u64.wrapping_sub(10));
        assert_eq!(cpu.cycles_for_count(u64::MAX), u64::MAX);
    }

    #[test]
    fn outputs_and_deadline() {
        let mut cpu = cpu();
        cpu.counters.cycles = 2880; // count 100
        cpu.write_sysreg(SysReg::CNTV_CVAL_EL0, 150);
        cpu.write_sysreg(SysReg::CNTV_CTL_EL0, ctl::ENABLE);
        assert_eq!(cpu.timer_outputs(), 0);
        assert_eq!(cpu.next_timer_event(), cpu.cycles_for_count(150));
        cpu.counters.cycles = cpu.cycles_for_count(150);
        assert_eq!(cpu.timer_outputs(), output::VIRTUAL);
        assert_eq!(cpu.read_sysreg(SysReg::CNTV_CTL_EL0), ctl::ENABLE | ctl::ISTATUS);
        assert_eq!(cpu.next_timer_event(), u64::MAX, "already met");
        // Masked: ISTATUS still reads 1, the output is low.
        cpu.write_sysreg(SysReg::CNTV_CTL_EL0, ctl::ENABLE | ctl::IMASK);
        assert_eq!(cpu.read_sysreg(SysReg::CNTV_CTL_EL0), 7);
        assert_eq!(cpu.timer_outputs(), 0);
        // Disabled: ISTATUS reads 0.
        cpu.write_sysreg(SysReg::CNTV_CTL_EL0, 0);
        assert_eq!(cpu.read_sysreg(SysReg::CNTV_CTL_EL0), 0);
    }

    #[test]
    fn virtual_deadline_with_offset() {
        let mut cpu = cpu();
        cpu.counters.cycles = cpu.cycles_for_count(1000);
        cpu.write_sysreg(SysReg::CNTVOFF_EL2, 400); // virtual count 600
        cpu.write_sysreg(SysReg::CNTV_CVAL_EL0, 700);
        cpu.write_sysreg(SysReg::CNTV_CTL_EL0, ctl::ENABLE);
        assert_eq!(cpu.next_timer_event(), cpu.cycles_for_count(1100));
        // An offset larger than the count: the virtual count wraps to a huge value, which is
        // past any small CompareValue.
        cpu.write_sysreg(SysReg::CNTVOFF_EL2, 5000);
        assert_eq!(cpu.timer_outputs(), output::VIRTUAL);
    }

    #[test]
    fn tval_views() {
        let mut cpu = cpu();
        cpu.counters.cycles = cpu.cycles_for_count(1000);
        cpu.write_sysreg(SysReg::CNTP_TVAL_EL0, 0xffff_fff6); // -10
        assert_eq!(cpu.sysreg(SysReg::CNTP_CVAL_EL0), 990);
        assert_eq!(cpu.read_sysreg(SysReg::CNTP_TVAL_EL0), 0xffff_fff6);
        cpu.write_sysreg(SysReg::CNTHP_TVAL_EL2, 25);
        assert_eq!(cpu.sysreg(SysReg::CNTHP_CVAL_EL2), 1025);
        assert_eq!(tval(5, 10), 0xffff_fffb);
        assert_eq!(cval_from_tval(10, 0x1_0000_0005), 15, "only bits 31:0 count");
    }

    #[test]
    fn event_stream_transitions() {
        let mut cpu = cpu();
        cpu.counters.cycles = cpu.cycles_for_count(100);
        // Physical stream on bit 3 (period 16), 0-to-1: counts 8, 24, 40, ... (mod 16 == 8).
        cpu.write_sysreg(SysReg::CNTHCTL_EL2, 3 | cntctl::EVNTEN | (3 << cntctl::EVNTI_SHIFT));
        assert_eq!(cpu.next_stream_count(100), Some(104));
        assert_eq!(cpu.next_stream_event(), cpu.cycles_for_count(104));
        assert!(!cpu.stream_event_between(100, 103));
        assert!(cpu.stream_event_between(100, 104));
        // 1-to-0 instead: counts 112, 128, ...
        cpu.write_sysreg(SysReg::CNTHCTL_EL2, 3 | cntctl::EVNTEN | cntctl::EVNTDIR | (3 << cntctl::EVNTI_SHIFT));
        assert_eq!(cpu.next_stream_count(100), Some(112));
        // The virtual stream is offset: virtual count = physical - 5, bit 0 rising at odd
        // virtual counts, i.e. even physical counts.
        cpu.write_sysreg(SysReg::CNTHCTL_EL2, 3);
        cpu.write_sysreg(SysReg::CNTVOFF_EL2, 5);
        cpu.write_sysreg(SysReg::CNTKCTL_EL1, cntctl::EVNTEN);
        assert_eq!(cpu.next_stream_count(100), Some(102));
        assert_eq!(cpu.next_stream_count(101), Some(102));
    }

    #[test]
    fn wfe_consumes_stream_events() {
        let mut cpu = cpu();
        cpu.counters.cycles = cpu.cycles_for_count(100);
        cpu.write_sysreg(SysReg::CNTHCTL_EL2, 3 | cntctl::EVNTEN | (3 << cntctl::EVNTI_SHIFT));
        assert!(!cpu.consume_event(), "no transition since the stream was enabled");
        cpu.counters.cycles = cpu.cycles_for_count(104);
        assert!(cpu.consume_event());
        assert!(!cpu.consume_event(), "the event was consumed");
    }
}
