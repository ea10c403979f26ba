//! The SoC's interface for debuggers (the gdb stub, tools, tests): stepping one core while the
//! others stay still, breakpoints, watchpoints and exception catches on every core, and memory
//! accesses by virtual, intermediate physical or physical address with a readable translation
//! report.
//!
//! Every debugger address goes through [`Soc::translate`], the one place that knows how a
//! core's VA or IPA becomes a PA. Until the MMU (crates/mmu) lands it is the flat mapping of a
//! disabled MMU, and the report says so; with the MMU it calls the table walker with a trace of
//! every descriptor read ([`Stage::Walk`]). Debugger accesses reach RAM only: device registers
//! have read side effects (a UART FIFO pops), so they read as errors.

use std::fmt;

use cpu::{CatchFilter, PhysAddr, Platform, SysReg, VirtAddr, Watchpoint, PA_BITS};

use crate::bus::BusTarget;
use crate::machine::{Soc, StopCause};

/// Page size of the per-page translation of debugger accesses.
const PAGE: u64 = 4096;

/// Which addresses a debugger access names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AddrSpace {
    /// Virtual addresses of the core's current translation regime (stage 1, then stage 2 for
    /// EL1&0 when HCR_EL2.VM is set).
    #[default]
    Virt,
    /// Intermediate physical addresses: stage 2 only.
    Ipa,
    /// Physical addresses: no translation.
    Phys,
}

impl AddrSpace {
    /// The short name used by `monitor space`: `va`, `ipa`, `pa`.
    pub fn name(self) -> &'static str {
        match self {
            AddrSpace::Virt => "va",
            AddrSpace::Ipa => "ipa",
            AddrSpace::Phys => "pa",
        }
    }
}

/// One translation stage of a [`Translation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The stage is disabled by its control bit: output = input.
    Off {
        /// Stage name, e.g. `stage 1 (EL2)`.
        name: &'static str,
        /// The control bit, e.g. `SCTLR_EL2.M = 0`.
        control: &'static str,
    },
    /// The stage is enabled but not modelled yet (before the MMU lands): output = input.
    Unmodelled {
        /// Stage name.
        name: &'static str,
        /// The control bit, e.g. `HCR_EL2.VM = 1`.
        control: &'static str,
    },
    /// A table walk (provided by the MMU): every descriptor read, then the output address.
    Walk {
        /// Stage name.
        name: &'static str,
        /// Descriptor reads in walk order.
        reads: Vec<DescriptorRead>,
        /// The output address, or `None` if the walk faulted.
        output: Option<u64>,
    },
}

/// One descriptor read of a table walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DescriptorRead {
    /// Lookup level, 0..=3.
    pub level: u8,
    /// Physical address of the descriptor.
    pub address: PhysAddr,
    /// The descriptor value.
    pub descriptor: u64,
}

/// Why a debugger address does not translate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TranslationFault {
    /// The address is above the output range of a stage (D5.2.9: with stage 1 disabled, an
    /// address above the PA size is an Address size fault at level 0).
    #[error("address size fault at level {level}")]
    AddressSize {
        /// Lookup level.
        level: u8,
    },
    /// No valid descriptor maps the address (from the MMU's walk).
    #[error("translation fault at level {level}")]
    Translation {
        /// Lookup level.
        level: u8,
    },
}

/// The translation of a debugger address on one core, stage by stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The core whose translation regime applies.
    pub core: usize,
    /// Its Exception level.
    pub el: u8,
    /// The address space of `input`.
    pub space: AddrSpace,
    /// The address translated.
    pub input: u64,
    /// The stages, in order.
    pub stages: Vec<Stage>,
    /// The physical address, or the fault.
    pub result: Result<PhysAddr, TranslationFault>,
    /// What the physical address reaches.
    pub target: Option<BusTarget>,
}

impl fmt::Display for Translation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {:#x} on core {} at EL{}", self.space.name().to_uppercase(), self.input, self.core, self.el)?;
        if self.space == AddrSpace::Phys {
            writeln!(f, "  no translation (physical address)")?;
        }
        for stage in &self.stages {
            match stage {
                Stage::Off { name, control } => writeln!(f, "  {name}: MMU off ({control}), flat mapping")?,
                Stage::Unmodelled { name, control } => {
                    writeln!(f, "  {name}: {control} but no MMU is modelled yet, flat mapping")?
                }
                Stage::Walk { name, reads, output } => {
                    writeln!(f, "  {name}:")?;
                    for r in reads {
                        writeln!(f, "    level {} descriptor at {:#x} = {:#018x}", r.level, r.address.0, r.descriptor)?;
                    }
                    match output {
                        Some(out) => writeln!(f, "    output {out:#x}")?,
                        None => writeln!(f, "    fault")?,
                    }
                }
            }
        }
        match (self.result, self.target) {
            (Ok(pa), Some(target)) => {
                let what = match target {
                    BusTarget::Ram => "RAM",
                    BusTarget::Device => "device",
                    BusTarget::Nothing => "nothing mapped",
                };
                writeln!(f, "  => PA {:#x} ({what})", pa.0)
            }
            (Ok(pa), None) => writeln!(f, "  => PA {:#x}", pa.0),
            (Err(fault), _) => writeln!(f, "  => {fault}"),
        }
    }
}

/// Why a debugger memory access failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DebugAccessError {
    /// The address does not translate.
    #[error("{space} {addr:#x}: {fault}", space = space.name())]
    Fault {
        /// Address space of the access.
        space: AddrSpace,
        /// The first address that failed.
        addr: u64,
        /// The fault.
        fault: TranslationFault,
    },
    /// The physical address is not RAM (devices are not accessed by debuggers).
    #[error("{space} {addr:#x}: PA {pa:#x} is not RAM", space = space.name())]
    NotRam {
        /// Address space of the access.
        space: AddrSpace,
        /// The first address that failed.
        addr: u64,
        /// Its physical address.
        pa: u64,
    },
    /// No such core.
    #[error("no core {0}")]
    NoCore(usize),
}

impl DebugAccessError {
    /// The first address (in the access's space) that failed; `None` for a bad core.
    pub fn addr(&self) -> Option<u64> {
        match self {
            DebugAccessError::Fault { addr, .. } | DebugAccessError::NotRam { addr, .. } => Some(*addr),
            DebugAccessError::NoCore(_) => None,
        }
    }
}

impl Soc {
    /// Whether a core executes instructions. Until PSCI CPU_ON (the SMP issue) only core 0
    /// is on; the others exist (registers, threads in gdb) but do not run.
    pub fn core_is_on(&self, core: usize) -> bool {
        self.sched.states.get(core).is_some_and(|&state| state != crate::scheduler::CoreState::Off)
    }

    /// Executes one instruction on `core` while every other core stays still (debugger
    /// single step). An off core does nothing. Returns [`StopCause::Stepped`], or the stop the
    /// instruction caused (breakpoint, watchpoint, caught exception, power-off).
    pub fn step_core(&mut self, core: usize) -> StopCause {
        if core >= self.cores.len() || !self.core_is_on(core) {
            return StopCause::Stepped(core);
        }
        use crate::scheduler::CoreState;
        let exit = self.cores[core].run(&mut self.bus, &mut cpu::Functional, 1);
        self.apply_tlb_broadcasts(core);
        match exit {
            cpu::Exit::PowerOff => StopCause::PowerOff,
            cpu::Exit::Reset => StopCause::Reset,
            cpu::Exit::Breakpoint => StopCause::Breakpoint(core),
            cpu::Exit::Watchpoint(hit) => StopCause::Watchpoint(core, hit),
            cpu::Exit::Exception(taken) => StopCause::Exception(core, taken),
            // A stepped WFI, WFE or CPU_OFF puts the core to sleep (or off) for the scheduler.
            cpu::Exit::WaitForInterrupt => {
                self.sched.states[core] = CoreState::WaitForInterrupt;
                StopCause::Stepped(core)
            }
            cpu::Exit::WaitForEvent => {
                self.sched.states[core] = CoreState::WaitForEvent;
                StopCause::Stepped(core)
            }
            cpu::Exit::CpuOff => {
                self.sched.states[core] = CoreState::Off;
                StopCause::Stepped(core)
            }
            cpu::Exit::Yield | cpu::Exit::Budget => StopCause::Stepped(core),
        }
    }

    /// Sets or clears a breakpoint at `va` on every core.
    pub fn set_breakpoint(&mut self, va: VirtAddr, enabled: bool) {
        for core in &mut self.cores {
            core.set_breakpoint(va.0, enabled);
        }
    }

    /// Adds a watchpoint on every core.
    pub fn add_watchpoint(&mut self, watchpoint: Watchpoint) {
        for core in &mut self.cores {
            core.add_watchpoint(watchpoint);
        }
    }

    /// Removes a watchpoint from every core; returns whether any core had it.
    pub fn remove_watchpoint(&mut self, watchpoint: Watchpoint) -> bool {
        let mut removed = false;
        for core in &mut self.cores {
            removed |= core.remove_watchpoint(watchpoint);
        }
        removed
    }

    /// Sets the exception catch filter of every core.
    pub fn set_catch(&mut self, filter: CatchFilter) {
        for core in &mut self.cores {
            core.set_catch(filter);
        }
    }

    /// How `core` translates `addr` of `space` right now, stage by stage. The one function
    /// that maps debugger addresses: the MMU plugs its table walk in here.
    pub fn translate(&self, core: usize, space: AddrSpace, addr: u64) -> Translation {
        let cpu = &self.cores[core.min(self.cores.len() - 1)];
        let el = cpu.pstate.el;
        let mut stages = Vec::new();
        let stage1 = space == AddrSpace::Virt;
        // Stage 2 belongs to the EL1&0 regime: a VA of EL2's own regime has none, but an IPA
        // is a guest's whatever EL the core is at.
        let stage2 = space == AddrSpace::Ipa || (space == AddrSpace::Virt && el < 2);
        if stage1 {
            let (name, on, control_on, control_off) = if el == 2 {
                ("stage 1 (EL2)", cpu.sysreg(SysReg::SCTLR_EL2) & 1 != 0, "SCTLR_EL2.M = 1", "SCTLR_EL2.M = 0")
            } else {
                ("stage 1 (EL1&0)", cpu.sysreg(SysReg::SCTLR_EL1) & 1 != 0, "SCTLR_EL1.M = 1", "SCTLR_EL1.M = 0")
            };
            stages.push(if on {
                Stage::Unmodelled { name, control: control_on }
            } else {
                Stage::Off { name, control: control_off }
            });
        }
        if stage2 {
            let name = "stage 2 (EL1&0)";
            stages.push(if cpu.sysreg(SysReg::HCR_EL2) & 1 != 0 {
                Stage::Unmodelled { name, control: "HCR_EL2.VM = 1" }
            } else {
                Stage::Off { name, control: "HCR_EL2.VM = 0" }
            });
        }
        // Flat mapping: the output is the input, which must fit the PA size (D5.2.9).
        let result = if addr >> PA_BITS != 0 && !stages.is_empty() {
            Err(TranslationFault::AddressSize { level: 0 })
        } else {
            Ok(PhysAddr(addr))
        };
        let target = result.ok().map(|pa| self.bus.target_of(pa));
        Translation { core, el, space, input: addr, stages, result, target }
    }

    /// Reads memory at `addr` of `space` as `core` sees it. On failure the bytes before the
    /// failing address have been read.
    pub fn read_mem(
        &mut self,
        core: usize,
        space: AddrSpace,
        addr: u64,
        buf: &mut [u8],
    ) -> Result<(), DebugAccessError> {
        self.access(core, space, addr, buf.len(), |soc, pa, offset, len| {
            soc.bus.memory().read_bytes(pa, &mut buf[offset..offset + len])
        })
    }

    /// Writes memory at `addr` of `space` as `core` sees it (RAM only; the decode cache stays
    /// coherent). On failure the bytes before the failing address have been written.
    pub fn write_mem(&mut self, core: usize, space: AddrSpace, addr: u64, data: &[u8]) -> Result<(), DebugAccessError> {
        self.access(core, space, addr, data.len(), |soc, pa, offset, len| {
            soc.bus.memory().write_bytes(pa, &data[offset..offset + len])
        })
    }

    /// Reads through `core`'s current translation.
    pub fn read_virt(&mut self, core: usize, va: VirtAddr, buf: &mut [u8]) -> Result<(), DebugAccessError> {
        self.read_mem(core, AddrSpace::Virt, va.0, buf)
    }

    /// Writes through `core`'s current translation.
    pub fn write_virt(&mut self, core: usize, va: VirtAddr, data: &[u8]) -> Result<(), DebugAccessError> {
        self.write_mem(core, AddrSpace::Virt, va.0, data)
    }

    /// Reads physical memory (RAM).
    pub fn read_phys(&mut self, pa: PhysAddr, buf: &mut [u8]) -> Result<(), DebugAccessError> {
        self.read_mem(0, AddrSpace::Phys, pa.0, buf)
    }

    /// Writes physical memory (RAM).
    pub fn write_phys(&mut self, pa: PhysAddr, data: &[u8]) -> Result<(), DebugAccessError> {
        self.write_mem(0, AddrSpace::Phys, pa.0, data)
    }

    /// Splits an access at page boundaries, translates each page and calls `copy(soc, pa,
    /// offset in the buffer, length)`, which returns false if the range is not RAM.
    fn access(
        &mut self,
        core: usize,
        space: AddrSpace,
        addr: u64,
        len: usize,
        mut copy: impl FnMut(&mut Soc, PhysAddr, usize, usize) -> bool,
    ) -> Result<(), DebugAccessError> {
        if core >= self.cores.len() {
            return Err(DebugAccessError::NoCore(core));
        }
        let mut done = 0usize;
        while done < len {
            let at = addr.wrapping_add(done as u64);
            let chunk = ((PAGE - at % PAGE) as usize).min(len - done);
            let pa = self.translate(core, space, at).result.map_err(|fault| DebugAccessError::Fault {
                space,
                addr: at,
                fault,
            })?;
            if pa.0.checked_add(chunk as u64).is_none() || !copy(self, pa, done, chunk) {
                return Err(DebugAccessError::NotRam { space, addr: at, pa: pa.0 });
            }
            done += chunk;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::SocOptions;
    use crate::model::Model;
    use devices::pl011::{RxSource, TxSink};

    fn soc(model: &str) -> Soc {
        let options = SocOptions { uart_tx: TxSink::Capture(Default::default()), uart_rx: RxSource::None };
        Soc::new(Model::load(model).expect("built-in model"), options).expect("SoC builds")
    }

    #[test]
    fn flat_translation_reports_the_mmu_off() {
        let soc = soc("virt");
        let t = soc.translate(0, AddrSpace::Virt, 0x4008_0000);
        assert_eq!(t.result, Ok(PhysAddr(0x4008_0000)));
        assert_eq!(
            t.to_string(),
            "VA 0x40080000 on core 0 at EL2\n  stage 1 (EL2): MMU off (SCTLR_EL2.M = 0), flat mapping\n  => PA 0x40080000 (RAM)\n"
        );
        let t = soc.translate(0, AddrSpace::Virt, 0x0900_0000);
        assert_eq!(t.target, Some(BusTarget::Device));
        let t = soc.translate(0, AddrSpace::Virt, 1 << 40);
        assert_eq!(t.result, Err(TranslationFault::AddressSize { level: 0 }));
        assert!(t.to_string().ends_with("=> address size fault at level 0\n"), "{t}");
    }

    #[test]
    fn el1_translation_has_two_stages() {
        let mut soc = soc("virt");
        let pstate = cpu::Pstate { el: 1, ..soc.cores[0].pstate };
        soc.cores[0].set_pstate(pstate);
        soc.cores[0].set_sysreg(SysReg::HCR_EL2, 1 | (1 << 31));
        let t = soc.translate(0, AddrSpace::Virt, 0x1000);
        assert_eq!(t.stages.len(), 2);
        assert_eq!(
            t.to_string(),
            "VA 0x1000 on core 0 at EL1\n  stage 1 (EL1&0): MMU off (SCTLR_EL1.M = 0), flat mapping\n  stage 2 (EL1&0): \
             HCR_EL2.VM = 1 but no MMU is modelled yet, flat mapping\n  => PA 0x1000 (nothing mapped)\n"
        );
        assert_eq!(soc.translate(0, AddrSpace::Ipa, 0x1000).stages.len(), 1);
        assert!(soc.translate(0, AddrSpace::Phys, 0x1000).stages.is_empty());
    }

    #[test]
    fn memory_accesses_reach_ram_only_and_split_at_pages() {
        let mut soc = soc("virt");
        let base = 0x4000_0ffc;
        soc.write_virt(0, VirtAddr(base), &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        let mut buf = [0u8; 8];
        soc.read_phys(PhysAddr(base), &mut buf).unwrap();
        assert_eq!(buf, [1, 2, 3, 4, 5, 6, 7, 8]);
        let err = soc.read_virt(0, VirtAddr(0x0900_0000), &mut buf).unwrap_err();
        assert_eq!(err, DebugAccessError::NotRam { space: AddrSpace::Virt, addr: 0x0900_0000, pa: 0x0900_0000 });
        // The last bytes of RAM read; the bytes after fail at the end of RAM.
        let end = 0x4000_0000 + 0x0800_0000;
        let mut buf = [0u8; 16];
        let err = soc.read_virt(0, VirtAddr(end - 8), &mut buf).unwrap_err();
        assert_eq!(err.addr(), Some(end));
        assert!(soc.read_virt(0, VirtAddr(u64::MAX - 3), &mut buf).is_err());
        assert_eq!(soc.read_virt(9, VirtAddr(0), &mut buf), Err(DebugAccessError::NoCore(9)));
    }

    #[test]
    fn stepping_an_off_core_does_nothing() {
        let mut soc = soc("cockpit");
        let pc = soc.cores[1].pc;
        assert_eq!(soc.step_core(1), StopCause::Stepped(1));
        assert_eq!((soc.cores[1].pc, soc.cores[1].counters.instructions), (pc, 0));
        assert!(soc.core_is_on(0) && !soc.core_is_on(5));
    }
}
