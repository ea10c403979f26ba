//! The Performance Monitors Extension, PMUv3 of ARMv8.0 (ARM ARM D13 "The Performance Monitors
//! Extension", registers in D24.5): the cycle counter PMCCNTR_EL0 and six event counters (as a
//! Cortex-A57 has), their enables, overflow flags and filters, the EL0 access controls of
//! PMUSERENR_EL0, and the EL2 partition of MDCR_EL2.HPMN/HPME.
//!
//! Counting is lazy: the counters are brought up to date from the core's cycle and instruction
//! counts only when software reads or reconfigures them, or when the Exception level changes
//! (the filters count per EL). When no counter is enabled the run loop pays nothing: exception
//! entry and return test one flag.
//!
//! Events implemented (and advertised in PMCEID0_EL0): 0x00 SW_INCR, 0x08 INST_RETIRED (every
//! dispatched instruction, including one that takes a synchronous exception), 0x09 EXC_TAKEN,
//! 0x0A EXC_RETURN, 0x11 CPU_CYCLES. Other event numbers count nothing.

use crate::sysreg_table::SysReg;
use crate::traps::mdcr;
use crate::Cpu;

/// Number of event counters (PMCR_EL0.N of a Cortex-A57).
pub const EVENT_COUNTERS: usize = 6;

/// Event numbers (D13.x "Common event numbers").
pub mod event {
    /// Software increment through PMSWINC_EL0.
    pub const SW_INCR: u16 = 0x00;
    /// Instruction architecturally executed.
    pub const INST_RETIRED: u16 = 0x08;
    /// Exception taken.
    pub const EXC_TAKEN: u16 = 0x09;
    /// Exception return.
    pub const EXC_RETURN: u16 = 0x0a;
    /// Cycle.
    pub const CPU_CYCLES: u16 = 0x11;
}

/// PMCEID0_EL0: the common events 0x00..0x1f that are implemented (bit n = event n).
const PMCEID0: u64 = (1 << event::SW_INCR)
    | (1 << event::INST_RETIRED)
    | (1 << event::EXC_TAKEN)
    | (1 << event::EXC_RETURN)
    | (1 << event::CPU_CYCLES);

/// PMCR_EL0 fields (D24.5 PMCR_EL0).
mod pmcr {
    /// E: enable the counters (those below HPMN; HPME enables the others).
    pub const E: u64 = 1 << 0;
    /// P: event counter reset (write-only action).
    pub const P: u64 = 1 << 1;
    /// C: cycle counter reset (write-only action).
    pub const C: u64 = 1 << 2;
    /// D: the cycle counter counts every 64th cycle.
    pub const D: u64 = 1 << 3;
    /// LC: the cycle counter overflows at 64 bits rather than 32.
    pub const LC: u64 = 1 << 6;
    /// The bits software can write: E, D, X, DP, LC.
    pub const WRITABLE: u64 = 0b111_1001;
    /// N, bits [15:11].
    pub const N_SHIFT: u32 = 11;
}

/// PMEVTYPER<n>_EL0 / PMCCFILTR_EL0 filter bits (no EL3, so NSK/NSU are RES0).
mod filter {
    /// P: do not count at EL1.
    pub const P: u64 = 1 << 31;
    /// U: do not count at EL0.
    pub const U: u64 = 1 << 30;
    /// NSH: count at EL2.
    pub const NSH: u64 = 1 << 27;
    /// evtCount, bits [9:0] (PMEVTYPER only).
    pub const EVENT: u64 = 0x3ff;
}

/// PMUSERENR_EL0 bits (D24.5 PMUSERENR_EL0).
pub(crate) mod userenr {
    /// EN: EL0 access to all PMU registers.
    pub const EN: u64 = 1 << 0;
    /// SW: EL0 writes to PMSWINC_EL0.
    pub const SW: u64 = 1 << 1;
    /// CR: EL0 reads of the cycle counter.
    pub const CR: u64 = 1 << 2;
    /// ER: EL0 reads of the event counters and access to PMSELR_EL0.
    pub const ER: u64 = 1 << 3;
}

/// Bit 31 of PMCNTENSET/PMOVSSET/PMINTENSET: the cycle counter.
const CYCLE_BIT: u32 = 1 << 31;

/// The PMU state of one core.
#[derive(Clone, Debug, Default)]
pub struct Pmu {
    pmcr: u64,
    cnten: u32,
    inten: u32,
    ovs: u32,
    evtyper: [u64; EVENT_COUNTERS],
    evcnt: [u32; EVENT_COUNTERS],
    ccnt: u64,
    /// Cycles counted towards the next PMCCNTR increment when PMCR_EL0.D divides by 64.
    ccnt_divider: u64,
    ccfiltr: u64,
    /// Core cycle and instruction counts when the counters were last brought up to date.
    synced_cycles: u64,
    synced_instructions: u64,
    /// Whether any counter may be counting (a cheap test for the run loop).
    pub(crate) active: bool,
}

impl Pmu {
    /// The reset state: PMCR_EL0 with E, D, LC clear; counters zero and disabled.
    pub fn new() -> Pmu {
        Pmu::default()
    }
}

impl Cpu {
    /// MDCR_EL2.HPMN, the counters EL1 and EL0 own (at most [`EVENT_COUNTERS`]).
    fn hpmn(&self) -> usize {
        ((self.sysreg(SysReg::MDCR_EL2) & mdcr::HPMN_MASK) as usize).min(EVENT_COUNTERS)
    }

    /// Whether event counter `n` counts at Exception level `el` (its enable and filter).
    fn event_counter_counts(&self, n: usize, el: u8) -> bool {
        let pmu = &self.pmu;
        // D13.x: counters below HPMN are enabled by PMCR_EL0.E, the others by MDCR_EL2.HPME.
        let enabled =
            if n < self.hpmn() { pmu.pmcr & pmcr::E != 0 } else { self.sysreg(SysReg::MDCR_EL2) & mdcr::HPME != 0 };
        enabled && pmu.cnten & (1 << n) != 0 && filter_allows(pmu.evtyper[n], el)
    }

    fn cycle_counter_counts(&self, el: u8) -> bool {
        let pmu = &self.pmu;
        pmu.pmcr & pmcr::E != 0 && pmu.cnten & CYCLE_BIT != 0 && filter_allows(pmu.ccfiltr, el)
    }

    /// Recomputes [`Pmu::active`] after a configuration change.
    fn pmu_update_active(&mut self) {
        let any_enable = self.pmu.pmcr & pmcr::E != 0 || self.sysreg(SysReg::MDCR_EL2) & mdcr::HPME != 0;
        self.pmu.active = any_enable && self.pmu.cnten != 0;
    }

    /// Brings the counters up to date with the cycles and instructions since the last sync,
    /// attributing them to the current EL (callers sync before every EL change).
    pub(crate) fn pmu_sync(&mut self) {
        let cycles = self.counters.cycles - self.pmu.synced_cycles;
        let instructions = self.counters.instructions - self.pmu.synced_instructions;
        self.pmu.synced_cycles = self.counters.cycles;
        self.pmu.synced_instructions = self.counters.instructions;
        if !self.pmu.active || (cycles == 0 && instructions == 0) {
            return;
        }
        let el = self.pstate.el;
        if self.cycle_counter_counts(el) {
            let ticks = if self.pmu.pmcr & pmcr::D != 0 {
                let total = self.pmu.ccnt_divider + cycles;
                self.pmu.ccnt_divider = total % 64;
                total / 64
            } else {
                cycles
            };
            self.add_cycle_count(ticks);
        }
        for n in 0..EVENT_COUNTERS {
            let amount = match (self.pmu.evtyper[n] & filter::EVENT) as u16 {
                event::INST_RETIRED => instructions,
                event::CPU_CYCLES => cycles,
                _ => continue,
            };
            if self.event_counter_counts(n, el) {
                self.add_event_count(n, amount);
            }
        }
    }

    fn add_cycle_count(&mut self, ticks: u64) {
        let old = self.pmu.ccnt;
        let new = old.wrapping_add(ticks);
        // Overflow at bit 31 (LC = 0) or bit 63 (LC = 1): D24.5 PMOVSSET_EL0.C.
        let overflowed = if self.pmu.pmcr & pmcr::LC != 0 {
            new < old
        } else {
            (old & 0xffff_ffff) + (ticks & 0xffff_ffff) > 0xffff_ffff || ticks >> 32 != 0
        };
        if overflowed {
            self.pmu.ovs |= CYCLE_BIT;
        }
        self.pmu.ccnt = new;
    }

    fn add_event_count(&mut self, n: usize, amount: u64) {
        let old = self.pmu.evcnt[n];
        let total = u64::from(old) + amount;
        if total > u64::from(u32::MAX) {
            self.pmu.ovs |= 1 << n;
        }
        self.pmu.evcnt[n] = total as u32;
    }

    /// Counts one occurrence of `event` (EXC_TAKEN, EXC_RETURN) at the current EL.
    pub(crate) fn pmu_count_event(&mut self, counted: u16) {
        let el = self.pstate.el;
        for n in 0..EVENT_COUNTERS {
            if (self.pmu.evtyper[n] & filter::EVENT) as u16 == counted && self.event_counter_counts(n, el) {
                self.add_event_count(n, 1);
            }
        }
    }

    /// Whether an EL0 access to the PMU register `reg` is permitted by PMUSERENR_EL0 (D24.5);
    /// `false` means the access traps to EL1 (EC 0x18).
    pub(crate) fn pmu_el0_allowed(&self, reg: SysReg, read: bool) -> bool {
        let user = self.sysreg(SysReg::PMUSERENR_EL0);
        if user & userenr::EN != 0 || reg == SysReg::PMUSERENR_EL0 {
            return true;
        }
        match reg {
            SysReg::PMSWINC_EL0 => user & userenr::SW != 0,
            SysReg::PMCCNTR_EL0 => read && user & userenr::CR != 0,
            SysReg::PMSELR_EL0 => user & userenr::ER != 0,
            SysReg::PMXEVCNTR_EL0 => read && user & userenr::ER != 0,
            r if event_counter_index(r).is_some() => read && user & userenr::ER != 0,
            _ => false,
        }
    }

    /// Whether an EL0/EL1 access to an event counter register addresses a counter that EL2
    /// reserves (n >= MDCR_EL2.HPMN), or one that does not exist. The ARM ARM makes this
    /// CONSTRAINED UNPREDICTABLE without FEAT_FGT; HyperSoC makes it UNDEFINED.
    pub(crate) fn pmu_counter_unavailable(&self, reg: SysReg) -> bool {
        let selected = || (self.sysreg(SysReg::PMSELR_EL0) & 0x1f) as usize;
        let n = match reg {
            SysReg::PMXEVCNTR_EL0 => selected(),
            SysReg::PMXEVTYPER_EL0 if selected() == 31 => return false,
            SysReg::PMXEVTYPER_EL0 => selected(),
            r => match event_counter_index(r) {
                Some(n) => n,
                None => return false,
            },
        };
        let limit = if self.pstate.el < 2 { self.hpmn() } else { EVENT_COUNTERS };
        n >= limit
    }

    /// MRS of a PMU register (access checks done): the counters brought up to date first.
    pub(crate) fn pmu_read(&mut self, reg: SysReg) -> u64 {
        self.pmu_sync();
        self.pmu_value(reg)
    }

    /// The value of a PMU register as of the last time the counters were brought up to date
    /// (debuggers; software reads go through [`Cpu::pmu_read`]).
    pub fn pmu_value(&self, reg: SysReg) -> u64 {
        let pmu = &self.pmu;
        let selected = (self.sysreg(SysReg::PMSELR_EL0) & 0x1f) as usize;
        match reg {
            SysReg::PMCR_EL0 => {
                // EL0 and EL1 see N = HPMN (D24.5 PMCR_EL0.N).
                let n = if self.pstate.el < 2 { self.hpmn() } else { EVENT_COUNTERS } as u64;
                let fixed = SYSREG_PMCR_RESET & !(0x1f << pmcr::N_SHIFT);
                fixed | (n << pmcr::N_SHIFT) | (pmu.pmcr & pmcr::WRITABLE)
            }
            SysReg::PMCNTENSET_EL0 | SysReg::PMCNTENCLR_EL0 => u64::from(pmu.cnten),
            SysReg::PMINTENSET_EL1 | SysReg::PMINTENCLR_EL1 => u64::from(pmu.inten),
            SysReg::PMOVSSET_EL0 | SysReg::PMOVSCLR_EL0 => u64::from(pmu.ovs),
            SysReg::PMCEID0_EL0 => PMCEID0,
            SysReg::PMCEID1_EL0 => 0,
            SysReg::PMCCNTR_EL0 => pmu.ccnt,
            SysReg::PMCCFILTR_EL0 => pmu.ccfiltr,
            SysReg::PMXEVTYPER_EL0 if selected == 31 => pmu.ccfiltr,
            SysReg::PMXEVTYPER_EL0 => pmu.evtyper.get(selected).copied().unwrap_or(0),
            SysReg::PMXEVCNTR_EL0 => pmu.evcnt.get(selected).map_or(0, |&c| u64::from(c)),
            r => match (event_counter_index(r), event_type_index(r)) {
                (Some(n), _) => u64::from(pmu.evcnt[n]),
                (_, Some(n)) => pmu.evtyper[n],
                _ => 0,
            },
        }
    }

    /// MSR of a PMU register (access checks done).
    pub(crate) fn pmu_write(&mut self, reg: SysReg, value: u64) {
        self.pmu_sync();
        let counters_mask = (1u32 << EVENT_COUNTERS) - 1;
        let set_mask = (value as u32) & (CYCLE_BIT | counters_mask);
        let selected = (self.sysreg(SysReg::PMSELR_EL0) & 0x1f) as usize;
        // Filter bits writable without EL3: P, U, NSH; PMEVTYPER also evtCount.
        let filter_bits = filter::P | filter::U | filter::NSH;
        let pmu = &mut self.pmu;
        match reg {
            SysReg::PMCR_EL0 => {
                pmu.pmcr = value & pmcr::WRITABLE;
                if value & pmcr::C != 0 {
                    pmu.ccnt = 0;
                    pmu.ccnt_divider = 0;
                }
                if value & pmcr::P != 0 {
                    // P resets the counters EL1 owns; at EL2 all of them (D24.5 PMCR_EL0.P).
                    let limit = if self.pstate.el < 2 { self.hpmn() } else { EVENT_COUNTERS };
                    self.pmu.evcnt[..limit].fill(0);
                }
            }
            SysReg::PMCNTENSET_EL0 => pmu.cnten |= set_mask,
            SysReg::PMCNTENCLR_EL0 => pmu.cnten &= !set_mask,
            SysReg::PMINTENSET_EL1 => pmu.inten |= set_mask,
            SysReg::PMINTENCLR_EL1 => pmu.inten &= !set_mask,
            SysReg::PMOVSSET_EL0 => pmu.ovs |= set_mask,
            SysReg::PMOVSCLR_EL0 => pmu.ovs &= !set_mask,
            SysReg::PMSWINC_EL0 => {
                let el = self.pstate.el;
                for n in 0..EVENT_COUNTERS {
                    let is_sw = (self.pmu.evtyper[n] & filter::EVENT) as u16 == event::SW_INCR;
                    // SW_INCR counts whenever the counter is enabled, whatever the filter.
                    if value & (1 << n) != 0 && is_sw && self.event_counter_counts_unfiltered(n, el) {
                        self.add_event_count(n, 1);
                    }
                }
            }
            SysReg::PMCCNTR_EL0 => pmu.ccnt = value,
            SysReg::PMCCFILTR_EL0 => pmu.ccfiltr = value & filter_bits,
            SysReg::PMXEVTYPER_EL0 if selected == 31 => pmu.ccfiltr = value & filter_bits,
            SysReg::PMXEVTYPER_EL0 => {
                if let Some(t) = pmu.evtyper.get_mut(selected) {
                    *t = value & (filter_bits | filter::EVENT);
                }
            }
            SysReg::PMXEVCNTR_EL0 => {
                if let Some(c) = pmu.evcnt.get_mut(selected) {
                    *c = value as u32;
                }
            }
            r => match (event_counter_index(r), event_type_index(r)) {
                (Some(n), _) => pmu.evcnt[n] = value as u32,
                (_, Some(n)) => pmu.evtyper[n] = value & (filter_bits | filter::EVENT),
                _ => {}
            },
        }
        self.pmu_update_active();
    }

    /// Enable test without the EL filter (for SW_INCR, D13.x "SW_INCR").
    fn event_counter_counts_unfiltered(&self, n: usize, _el: u8) -> bool {
        let enabled = if n < self.hpmn() {
            self.pmu.pmcr & pmcr::E != 0
        } else {
            self.sysreg(SysReg::MDCR_EL2) & mdcr::HPME != 0
        };
        enabled && self.pmu.cnten & (1 << n) != 0
    }

    /// The PMU overflow interrupt request (PMINTENSET & PMOVSSET), for the interrupt
    /// controller (PPI 23 on Arm platforms).
    pub fn pmu_interrupt(&self) -> bool {
        self.pmu.inten & self.pmu.ovs != 0
    }

    /// Called after a write to MDCR_EL2, which moves counters between EL1 and EL2.
    pub(crate) fn pmu_mdcr_changed(&mut self) {
        self.pmu_sync();
        self.pmu_update_active();
    }
}

/// PMCR_EL0's reset value from the register table (IMP, IDCODE, N).
const SYSREG_PMCR_RESET: u64 = crate::sysreg_table::SYSREGS[SysReg::PMCR_EL0 as usize].reset;

/// Whether the filter bits of PMEVTYPER/PMCCFILTR allow counting at `el` (D13.x "Filtering").
fn filter_allows(filter_value: u64, el: u8) -> bool {
    match el {
        0 => filter_value & filter::U == 0,
        1 => filter_value & filter::P == 0,
        _ => filter_value & filter::NSH != 0,
    }
}

/// The index n of PMEVCNTR<n>_EL0.
fn event_counter_index(reg: SysReg) -> Option<usize> {
    const REGS: [SysReg; EVENT_COUNTERS] = [
        SysReg::PMEVCNTR0_EL0,
        SysReg::PMEVCNTR1_EL0,
        SysReg::PMEVCNTR2_EL0,
        SysReg::PMEVCNTR3_EL0,
        SysReg::PMEVCNTR4_EL0,
        SysReg::PMEVCNTR5_EL0,
    ];
    REGS.iter().position(|&r| r == reg)
}

/// The index n of PMEVTYPER<n>_EL0.
fn event_type_index(reg: SysReg) -> Option<usize> {
    const REGS: [SysReg; EVENT_COUNTERS] = [
        SysReg::PMEVTYPER0_EL0,
        SysReg::PMEVTYPER1_EL0,
        SysReg::PMEVTYPER2_EL0,
        SysReg::PMEVTYPER3_EL0,
        SysReg::PMEVTYPER4_EL0,
        SysReg::PMEVTYPER5_EL0,
    ];
    REGS.iter().position(|&r| r == reg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Pstate;

    fn cpu_at(el: u8) -> Cpu {
        let mut cpu = Cpu::new(0, 0x8000_0000);
        cpu.set_pstate(Pstate { nzcv: 0, daif: 0x3c0, el, sp_sel: true, il: false, ss: false });
        cpu
    }

    #[test]
    fn cycle_counter_counts_when_enabled_and_filters_el2() {
        let mut cpu = cpu_at(1);
        assert_eq!(cpu.pmu_read(SysReg::PMCR_EL0), 0x4101_3000);
        cpu.pmu_write(SysReg::PMCNTENSET_EL0, 1 << 31);
        cpu.pmu_write(SysReg::PMCR_EL0, pmcr::E);
        cpu.counters.cycles += 100;
        assert_eq!(cpu.pmu_read(SysReg::PMCCNTR_EL0), 100);
        // At EL2 PMCCFILTR.NSH = 0 stops it.
        cpu.pmu_sync();
        cpu.pstate.el = 2;
        cpu.counters.cycles += 50;
        assert_eq!(cpu.pmu_read(SysReg::PMCCNTR_EL0), 100);
        // Divide by 64.
        cpu.pstate.el = 1;
        cpu.pmu_write(SysReg::PMCR_EL0, pmcr::E | pmcr::D | pmcr::C);
        cpu.counters.cycles += 130;
        assert_eq!(cpu.pmu_read(SysReg::PMCCNTR_EL0), 2);
    }

    #[test]
    fn event_counters_instructions_sw_incr_and_overflow() {
        let mut cpu = cpu_at(0);
        cpu.pmu_write(SysReg::PMEVTYPER0_EL0, u64::from(event::INST_RETIRED));
        cpu.pmu_write(SysReg::PMEVTYPER1_EL0, u64::from(event::SW_INCR));
        cpu.pmu_write(SysReg::PMEVTYPER2_EL0, u64::from(event::CPU_CYCLES) | filter::U);
        cpu.pmu_write(SysReg::PMCNTENSET_EL0, 0b111);
        cpu.pmu_write(SysReg::PMCR_EL0, pmcr::E);
        cpu.counters.instructions += 7;
        cpu.counters.cycles += 9;
        cpu.pmu_write(SysReg::PMSWINC_EL0, 0b11);
        assert_eq!(cpu.pmu_read(SysReg::PMEVCNTR0_EL0), 7);
        assert_eq!(cpu.pmu_read(SysReg::PMEVCNTR1_EL0), 1);
        // U filters EL0.
        assert_eq!(cpu.pmu_read(SysReg::PMEVCNTR2_EL0), 0);
        cpu.pmu_write(SysReg::PMEVCNTR0_EL0, 0xffff_fffe);
        cpu.counters.instructions += 3;
        assert_eq!(cpu.pmu_read(SysReg::PMEVCNTR0_EL0), 1);
        assert_eq!(cpu.pmu_read(SysReg::PMOVSSET_EL0), 1);
        cpu.pmu_write(SysReg::PMINTENSET_EL1, 1);
        assert!(cpu.pmu_interrupt());
        cpu.pmu_write(SysReg::PMOVSCLR_EL0, 1);
        assert!(!cpu.pmu_interrupt());
    }

    #[test]
    fn hpmn_partitions_the_counters() {
        let mut cpu = cpu_at(1);
        cpu.set_sysreg(SysReg::MDCR_EL2, 4);
        assert_eq!((cpu.pmu_read(SysReg::PMCR_EL0) >> 11) & 0x1f, 4);
        assert!(cpu.pmu_counter_unavailable(SysReg::PMEVCNTR4_EL0));
        assert!(!cpu.pmu_counter_unavailable(SysReg::PMEVCNTR3_EL0));
        cpu.pstate.el = 2;
        assert_eq!((cpu.pmu_read(SysReg::PMCR_EL0) >> 11) & 0x1f, 6);
        assert!(!cpu.pmu_counter_unavailable(SysReg::PMEVCNTR5_EL0));
    }

    #[test]
    fn el0_access_controls() {
        let mut cpu = cpu_at(0);
        assert!(!cpu.pmu_el0_allowed(SysReg::PMCCNTR_EL0, true));
        assert!(cpu.pmu_el0_allowed(SysReg::PMUSERENR_EL0, true));
        cpu.set_sysreg(SysReg::PMUSERENR_EL0, userenr::CR);
        assert!(cpu.pmu_el0_allowed(SysReg::PMCCNTR_EL0, true));
        assert!(!cpu.pmu_el0_allowed(SysReg::PMCCNTR_EL0, false));
        cpu.set_sysreg(SysReg::PMUSERENR_EL0, userenr::EN);
        assert!(cpu.pmu_el0_allowed(SysReg::PMCR_EL0, false));
    }
}
