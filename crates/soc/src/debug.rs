//! The SoC's interface for debuggers (the gdb stub, tools, tests): stepping one core while the
//! others stay still, breakpoints, watchpoints and exception catches on every core, memory
//! accesses by virtual, intermediate physical or physical address, and readable reports of a
//! translation and of a core's TLB model ([`report`]).
//!
//! Every debugger address goes through [`Soc::translate`], the one place that knows how a
//! core's VA or IPA becomes a PA: the MMU's table walk of the core's current regime
//! ([`cpu::mmu::inspect`]) with every descriptor read recorded, without side effects (no TLB
//! lookup or fill, no counters, descriptors read from RAM only). Debugger accesses reach RAM
//! only: device registers have read side effects (a UART FIFO pops), so they read as errors.
//! Permissions are not checked (a debugger may read what the core could not), but every walk
//! fault (translation, access flag, address size, an external abort on the walk) is an error.

mod report;

use cpu::mmu::{InspectInput, Regime};
use cpu::{CatchFilter, Ipa, PhysAddr, SysReg, VirtAddr, Watchpoint};

pub use report::{StageReport, StageSetup, TlbReport, Translation, TranslationFault};

use crate::machine::{Soc, StopCause};
use crate::scheduler::CoreState;

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

/// How stage 1 of `regime` is set up on `cpu` for `va` (which selects TTBR0 or TTBR1).
fn stage1_setup(cpu: &cpu::Cpu, regime: Regime, va: u64) -> StageReport {
    let ctx = cpu.translation_context();
    let s1 = ctx.s1(regime);
    let upper = s1.two_ranges && va >> 55 & 1 != 0;
    let range = &s1.ranges[usize::from(upper)];
    let (name, setup) = match regime {
        Regime::El2 => {
            let setup = if s1.enabled {
                StageSetup::On {
                    register: "TTBR0_EL2",
                    table: range.table_base,
                    tag: None,
                    granule: range.granule,
                    input_bits: range.ia_bits,
                    start_level: range.start_level,
                }
            } else {
                StageSetup::Off { control: "SCTLR_EL2.M = 0" }
            };
            ("stage 1 (EL2)", setup)
        }
        Regime::El10 => {
            let hcr = cpu.sysreg(SysReg::HCR_EL2);
            let setup = if s1.enabled {
                StageSetup::On {
                    register: if upper { "TTBR1_EL1" } else { "TTBR0_EL1" },
                    table: range.table_base,
                    tag: Some(format!("ASID {}", s1.asid)),
                    granule: range.granule,
                    input_bits: range.ia_bits,
                    start_level: range.start_level,
                }
            } else if cpu.sysreg(SysReg::SCTLR_EL1) & 1 == 0 {
                StageSetup::Off { control: "SCTLR_EL1.M = 0" }
            } else if hcr & cpu::mmu::hcr::DC != 0 {
                StageSetup::Off { control: "HCR_EL2.DC = 1" }
            } else {
                StageSetup::Off { control: "HCR_EL2.TGE = 1" }
            };
            ("stage 1 (EL1&0)", setup)
        }
    };
    StageReport { stage: cpu::mmu::Stage::One, name, setup }
}

/// How stage 2 is set up on `cpu`.
fn stage2_setup(cpu: &cpu::Cpu) -> StageReport {
    let s2 = &cpu.translation_context().s2;
    let setup = if s2.enabled {
        StageSetup::On {
            register: "VTTBR_EL2",
            table: s2.table_base,
            tag: Some(format!("VMID {}", s2.vmid)),
            granule: s2.granule,
            input_bits: s2.ia_bits,
            start_level: s2.start_level,
        }
    } else {
        StageSetup::Off { control: "HCR_EL2.VM = 0" }
    };
    StageReport { stage: cpu::mmu::Stage::Two, name: "stage 2 (EL1&0)", setup }
}

impl Soc {
    /// Whether a core is powered on (running, or asleep in WFI/WFE): from reset only core 0
    /// is; the others start on PSCI CPU_ON, when the scheduler first visits them after the call,
    /// and are off again after CPU_OFF.
    pub fn core_is_on(&self, core: usize) -> bool {
        self.sched.states.get(core).is_some_and(|&state| state != CoreState::Off)
    }

    /// Executes one instruction on `core` while every other core stays still (debugger
    /// single step). The core first gets what the bus holds for it (interrupt lines, events),
    /// as at a scheduler visit. An off core does nothing, and so does a core asleep in WFI or
    /// WFE that nothing wakes. Returns [`StopCause::Stepped`], or the stop the instruction
    /// caused (breakpoint, watchpoint, caught exception, power-off).
    pub fn step_core(&mut self, core: usize) -> StopCause {
        if core >= self.cores.len() || !self.core_is_on(core) {
            return StopCause::Stepped(core);
        }
        let notice = self.take_notices(core);
        if self.sched.states[core] != CoreState::Running {
            if !self.wakes(core) {
                return StopCause::Stepped(core);
            }
            let woken_at = notice.max(self.cores[core].counters.cycles);
            self.cores[core].advance_idle(woken_at);
            self.sched.states[core] = CoreState::Running;
        }
        let exit = self.cores[core].run(&mut self.bus, &mut cpu::Functional, 1);
        self.after_slice(core);
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

    /// How `core` translates `addr` of `space` right now, stage by stage, with every descriptor
    /// read: the one function that maps debugger addresses. A VA is translated in the regime of
    /// the core's EL (stage 1, then stage 2 for EL1&0 when it is enabled), an IPA by stage 2
    /// (the flat mapping when it is disabled), a PA not at all. No side effects.
    pub fn translate(&self, core: usize, space: AddrSpace, addr: u64) -> Translation {
        let core = core.min(self.cores.len() - 1);
        let cpu = &self.cores[core];
        let el = cpu.pstate.el;
        let regime = if space == AddrSpace::Virt { Regime::for_el(el) } else { Regime::El10 };
        let input = match space {
            AddrSpace::Virt => Some(InspectInput::Va(VirtAddr(addr), regime)),
            AddrSpace::Ipa => Some(InspectInput::Ipa(Ipa(addr))),
            AddrSpace::Phys => None,
        };
        let walk = input.map(|input| cpu.inspect_translation(self.bus.memory_ref(), input));
        let mut stages = Vec::new();
        if space == AddrSpace::Virt {
            stages.push(stage1_setup(cpu, regime, addr));
        }
        // Stage 2 belongs to the EL1&0 regime: a VA of EL2's own regime has none, but an IPA
        // is a guest's whatever EL the core is at.
        if regime == Regime::El10 {
            stages.push(stage2_setup(cpu));
        }
        let result = match &walk {
            Some(w) => w.result.map_err(TranslationFault),
            None => Ok(PhysAddr(addr)),
        };
        let target = result.ok().map(|pa| self.bus.target_of(pa));
        Translation { core, el, regime, space, input: addr, stages, walk, result, target }
    }

    /// `core`'s TLB model: its entries, stage 2 cache and counters (`monitor tlb`).
    pub fn tlb_report(&self, core: usize) -> Option<TlbReport> {
        self.cores.get(core).map(|cpu| TlbReport::of(core, cpu))
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
            soc.bus.memory.read_bytes(pa, &mut buf[offset..offset + len])
        })
    }

    /// Writes memory at `addr` of `space` as `core` sees it (RAM only; the decode cache stays
    /// coherent). On failure the bytes before the failing address have been written.
    pub fn write_mem(&mut self, core: usize, space: AddrSpace, addr: u64, data: &[u8]) -> Result<(), DebugAccessError> {
        self.access(core, space, addr, data.len(), |soc, pa, offset, len| {
            soc.bus.memory.write_bytes(pa, &data[offset..offset + len])
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
    use crate::bus::BusTarget;
    use crate::machine::SocOptions;
    use crate::model::Model;
    use cpu::mmu::builder::{S1Leaf, S2Leaf, TableBuilder, TableMemory};
    use cpu::mmu::{DescriptorReader, ExternalAbort, FaultKind, Granule};
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
        let fault = t.result.unwrap_err().0;
        assert_eq!((fault.kind, fault.level), (FaultKind::AddressSize, 0));
        assert!(
            t.to_string().ends_with(
                "    fault: stage 1 address size fault at level 0 (FSC 0x00)\n  => stage 1 address size fault at level 0 (FSC 0x00)\n"
            ),
            "{t}"
        );
        assert_eq!(
            soc.translate(0, AddrSpace::Phys, 0x1000).to_string(),
            "PA 0x1000 on core 0 at EL2\n  no translation (physical address)\n  => PA 0x1000 (nothing mapped)\n"
        );
    }

    /// RAM as table memory for [`TableBuilder`].
    struct Ram<'a>(&'a mut cpu::Memory);

    impl DescriptorReader for Ram<'_> {
        fn read_u64(&mut self, pa: PhysAddr) -> Result<u64, ExternalAbort> {
            let mut b = [0u8; 8];
            self.0.read_bytes(pa, &mut b).then(|| u64::from_le_bytes(b)).ok_or(ExternalAbort)
        }
    }

    impl TableMemory for Ram<'_> {
        fn write_u64(&mut self, pa: PhysAddr, value: u64) -> bool {
            self.0.write_bytes(pa, &value.to_le_bytes())
        }
    }

    const S1_ROOT: u64 = 0x4010_0000;
    const S2_ROOT: u64 = 0x4020_0000;
    const DATA: u64 = 0x4600_0000;
    const CODE: u64 = 0x4008_0000;

    /// Core 0 of `virt` at EL1 with both stages on: stage 1 4KB/39-bit maps VA 0x1000 to IPA
    /// 0x8000_0000 and the code page 0x4008_0000 1:1, stage 2 4KB/40-bit (from level 1) maps RAM 1:1 in 2MB blocks and IPA
    /// 0x8000_0000 to PA 0x4600_0000 (a page).
    fn two_stages() -> Soc {
        let mut soc = soc("virt");
        let mut ram = Ram(&mut soc.bus.memory);
        let mut s2 = TableBuilder::stage2(Granule::K4, 40, 1, S2_ROOT, 0x4030_0000..0x4040_0000);
        let mut ipa = 0x4000_0000;
        while ipa < 0x4800_0000 {
            s2.map(&mut ram, ipa, ipa, 2, S2Leaf::default().bits()).unwrap();
            ipa += 0x20_0000;
        }
        s2.map(&mut ram, 0x8000_0000, DATA, 3, S2Leaf::default().bits()).unwrap();
        let mut s1 = TableBuilder::stage1(Granule::K4, 39, S1_ROOT, 0x4011_0000..0x4020_0000);
        s1.map(&mut ram, 0x1000, 0x8000_0000, 3, S1Leaf::default().bits()).unwrap();
        s1.map(&mut ram, CODE, CODE, 3, S1Leaf::default().bits()).unwrap();
        assert!(soc.bus.memory.write_bytes(PhysAddr(DATA), &0x1122_3344_5566_7788u64.to_le_bytes()));
        let cpu = &mut soc.cores[0];
        cpu.set_pstate(cpu::Pstate { el: 1, ..cpu.pstate });
        // The registers as gdb writes them (`set $vtcr_el2 = ...`): like MSR.
        for (reg, value) in [
            (SysReg::VTCR_EL2, 1 << 31 | 2 << 16 | 3 << 12 | 1 << 10 | 1 << 8 | 1 << 6 | 24),
            (SysReg::VTTBR_EL2, S2_ROOT | 1 << 48),
            (SysReg::HCR_EL2, 1 << 31 | 1),
            (SysReg::MAIR_EL1, 0xff),
            (SysReg::TCR_EL1, 2 << 32 | 1 << 23 | 3 << 12 | 1 << 10 | 1 << 8 | 25),
            (SysReg::TTBR0_EL1, S1_ROOT),
            (SysReg::SCTLR_EL1, cpu.sysreg(SysReg::SCTLR_EL1) | 1),
        ] {
            assert!(cpu.debug_write_sysreg(reg, value));
        }
        soc
    }

    #[test]
    fn two_stage_translation_shows_every_descriptor_read() {
        let mut soc = two_stages();
        let t = soc.translate(0, AddrSpace::Virt, 0x1234);
        assert_eq!(t.result, Ok(PhysAddr(DATA | 0x234)));
        let expected = "\
VA 0x1234 on core 0 at EL1
  stage 1 (EL1&0): TTBR0_EL1 0x40100000, ASID 0, 4KB granule, 39-bit input, start level 1
    stage 2 of IPA 0x40100000:
      level 1 at PA 0x40200008 = 0x0000000040300003 table
      level 2 at PA 0x40300000 = 0x00000000400007fd block
    level 1 at IPA 0x40100000, PA 0x40100000 = 0x0000000040110003 table
    stage 2 of IPA 0x40110000:
      level 1 at PA 0x40200008 = 0x0000000040300003 table
      level 2 at PA 0x40300000 = 0x00000000400007fd block
    level 2 at IPA 0x40110000, PA 0x40110000 = 0x0000000040111003 table
    stage 2 of IPA 0x40111008:
      level 1 at PA 0x40200008 = 0x0000000040300003 table
      level 2 at PA 0x40300000 = 0x00000000400007fd block
    level 3 at IPA 0x40111008, PA 0x40111008 = 0x0000000080000703 page
    output IPA 0x80000234: 4KB page at level 3, EL1 rwx EL0 --x, Normal NC OSH
  stage 2 (EL1&0): VTTBR_EL2 0x40200000, VMID 1, 4KB granule, 40-bit input, start level 1
    level 1 at PA 0x40200010 = 0x0000000040301003 table
    level 2 at PA 0x40301000 = 0x0000000040302003 table
    level 3 at PA 0x40302000 = 0x00000000460007ff page
    output PA 0x46000234: 4KB page at level 3, rwx, Normal WB ISH
  => PA 0x46000234 (RAM)
";
        assert_eq!(t.to_string(), expected);
        // The IPA space: stage 2 only.
        let t = soc.translate(0, AddrSpace::Ipa, 0x8000_0010);
        let expected = "\
IPA 0x80000010 on core 0 at EL1
  stage 2 (EL1&0): VTTBR_EL2 0x40200000, VMID 1, 4KB granule, 40-bit input, start level 1
    level 1 at PA 0x40200010 = 0x0000000040301003 table
    level 2 at PA 0x40301000 = 0x0000000040302003 table
    level 3 at PA 0x40302000 = 0x00000000460007ff page
    output PA 0x46000010: 4KB page at level 3, rwx, Normal WB ISH
  => PA 0x46000010 (RAM)
";
        assert_eq!(t.to_string(), expected);
        // Memory through both stages, through stage 2, and physical.
        let mut buf = [0u8; 8];
        soc.read_virt(0, VirtAddr(0x1000), &mut buf).unwrap();
        assert_eq!(u64::from_le_bytes(buf), 0x1122_3344_5566_7788);
        soc.read_mem(0, AddrSpace::Ipa, 0x8000_0000, &mut buf).unwrap();
        assert_eq!(u64::from_le_bytes(buf), 0x1122_3344_5566_7788);
        assert!(soc.read_mem(0, AddrSpace::Phys, 0x8000_0000, &mut buf).is_err());
        // Translation faults read as errors; so does a stage 2 fault on the stage 1 walk.
        let err = soc.read_virt(0, VirtAddr(0x20_0000), &mut buf).unwrap_err();
        assert_eq!(err.to_string(), "va 0x200000: stage 1 translation fault at level 2 (FSC 0x06)");
        assert!(soc.cores[0].debug_write_sysreg(SysReg::TTBR0_EL1, 0x9000_0000));
        let t = soc.translate(0, AddrSpace::Virt, 0x1000);
        let expected = "\
VA 0x1000 on core 0 at EL1
  stage 1 (EL1&0): TTBR0_EL1 0x90000000, ASID 0, 4KB granule, 39-bit input, start level 1
    stage 2 of IPA 0x90000000:
      level 1 at PA 0x40200010 = 0x0000000040301003 table
      level 2 at PA 0x40301400 = 0x0000000000000000 invalid
    fault: stage 2 translation fault at level 2 on the stage 1 walk, IPA 0x90000000 (FSC 0x06)
  stage 2 (EL1&0): VTTBR_EL2 0x40200000, VMID 1, 4KB granule, 40-bit input, start level 1
    not reached
  => stage 2 translation fault at level 2 on the stage 1 walk, IPA 0x90000000 (FSC 0x06)
";
        assert_eq!(t.to_string(), expected);
        // Nothing reached the TLB model.
        assert_eq!(soc.cores[0].mmu_stats().walks, 0);
        assert_eq!(soc.tlb_report(0).unwrap().entries.len(), 0);
    }

    #[test]
    fn tlb_report_lists_the_entries_of_a_core() {
        let mut soc = two_stages();
        // `ldr x1, [x0]; b .` at EL1 through both stages.
        let code: Vec<u8> = [0xf940_0001u32, 0x1400_0000].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert!(soc.bus.memory.write_bytes(PhysAddr(CODE), &code));
        soc.cores[0].pc = CODE;
        soc.cores[0].x[0] = 0x1000;
        assert_eq!(soc.step_core(0), StopCause::Stepped(0));
        assert_eq!(soc.cores[0].x[1], 0x1122_3344_5566_7788);
        let expected = "\
core 0 TLB: 256 sets x 4 ways (round-robin), 2 of 1024 entries valid
  EL1&0 VMID 1 global: VA 0x1000 -> IPA 0x80000000 -> PA 0x46000000, 4KB, EL1 rwx EL0 --x, Normal NC OSH
  EL1&0 VMID 1 global: VA 0x40080000 -> IPA 0x40080000 -> PA 0x40080000, 4KB, EL1 rwx EL0 --x, Normal NC OSH
stage 2 cache: 64 sets x 4 ways, 2 of 256 entries valid
  VMID 1: IPA 0x40000000 -> PA 0x40000000, 2MB, rwx, Normal WB ISH
  VMID 1: IPA 0x80000000 -> PA 0x46000000, 4KB, rwx, Normal WB ISH
counters: 0 hits, 2 misses, 2 walks (11 descriptor reads: 6 stage 1, 5 stage 2), stage 2 cache 6 hits 2 misses, \
0 evictions, 0 faults, 0 invalidations (0 entries)
host fast path: on (the accesses it answers do not reach the TLB model)
";
        assert_eq!(soc.tlb_report(0).unwrap().to_string(), expected);
        assert!(soc.tlb_report(9).is_none());
    }

    #[test]
    fn stepping_a_sleeping_core_waits_for_its_wakeup() {
        let mut soc = soc("virt");
        // `wfi; nop` with nothing to wake the core.
        let code: Vec<u8> = [0xd503_207fu32, 0xd503_201f].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert!(soc.bus.memory.write_bytes(PhysAddr(CODE), &code));
        soc.cores[0].pc = CODE;
        assert_eq!(soc.step_core(0), StopCause::Stepped(0));
        assert_eq!(soc.core_state(0), CoreState::WaitForInterrupt);
        let pc = soc.cores[0].pc;
        assert_eq!(soc.step_core(0), StopCause::Stepped(0));
        assert_eq!((soc.cores[0].pc, soc.core_state(0)), (pc, CoreState::WaitForInterrupt));
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
