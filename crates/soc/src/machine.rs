//! A SoC built from a [`Model`]: RAM, the bus with the GIC and the MMIO devices, platform
//! PSCI, and the cores; image loading and the boot protocol of DESIGN.md (core 0 at EL2 at the
//! entry point, x0 = device tree, the other cores off until PSCI CPU_ON). The run loop is the
//! scheduler's ([`crate::scheduler`]).

use cpu::{Cpu, ExceptionTaken, Memory, PhysAddr, SysReg, WatchHit};
use devices::pl011::{Pl011, RxSource, TxSink};
use devices::psci::Psci;
use gic::{Gic, GicConfig, GicMap};

use crate::bus::{Bus, MappedDevice};
use crate::loader::{self, ImageSpec, LoadError, LoadedImage, RamRange};
use crate::model::Model;
use crate::scheduler::Scheduler;

/// Host-side errors while building or loading a SoC.
#[derive(Debug, thiserror::Error)]
pub enum SocError {
    /// An image could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The device tree could not be generated.
    #[error("cannot generate the device tree: {0}")]
    Dtb(#[from] crate::dtb::DtbError),
    /// The model asks for a GIC a GICv2 cannot be.
    #[error("the model's GIC: {0}")]
    Gic(#[from] gic::ConfigError),
    /// The device tree does not fit in RAM next to the images.
    #[error("no room in RAM for the {size}-byte device tree")]
    NoRoomForDtb {
        /// Size of the blob.
        size: usize,
    },
    /// No image was given.
    #[error("no image to run")]
    NoImage,
}

/// Options for building a SoC that the model does not fix.
pub struct SocOptions {
    /// Where UART0 transmits.
    pub uart_tx: TxSink,
    /// Where UART0 receives from.
    pub uart_rx: RxSource,
}

impl Default for SocOptions {
    fn default() -> Self {
        SocOptions { uart_tx: TxSink::Stdout, uart_rx: RxSource::None }
    }
}

/// Why [`Soc::run`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// PSCI SYSTEM_OFF.
    PowerOff,
    /// PSCI SYSTEM_RESET.
    Reset,
    /// The instruction limit was reached.
    InstructionLimit,
    /// The cycle limit was reached.
    CycleLimit,
    /// Every core waits for an interrupt that nothing can raise.
    Idle,
    /// A host breakpoint was hit on the given core.
    Breakpoint(usize),
    /// A host watchpoint was hit on the given core (the access has not happened).
    Watchpoint(usize, WatchHit),
    /// The given core took an exception that a catch selects (it is at the vector).
    Exception(usize, ExceptionTaken),
    /// [`Soc::step_core`] executed the instruction.
    Stepped(usize),
    /// The poll function of [`Soc::run_until`] asked to stop.
    Interrupted,
}

/// Limits for [`Soc::run`].
#[derive(Clone, Copy, Debug, Default)]
pub struct RunLimits {
    /// Stop after this many instructions (all cores together).
    pub max_instructions: Option<u64>,
    /// Stop when the system time reaches this many cycles (no core runs past it).
    pub max_cycles: Option<u64>,
}

/// A built SoC.
pub struct Soc {
    /// The model it was built from.
    pub model: Model,
    /// The cores, in MPIDR order; core 0 boots, the others start on PSCI CPU_ON.
    pub cores: Vec<Cpu>,
    /// RAM, the GIC and devices.
    pub bus: Bus,
    /// Where the device tree was placed, once images are loaded.
    pub dtb_address: Option<PhysAddr>,
    /// The generated device tree.
    pub dtb: Vec<u8>,
    images: Vec<LoadedImage>,
    pub(crate) sched: Scheduler,
}

impl Soc {
    /// Builds the SoC of `model`: RAM, the GIC, UARTs, PSCI, and the cores at reset.
    pub fn new(model: Model, options: SocOptions) -> Result<Soc, SocError> {
        let memory = Memory::new(PhysAddr(model.ram.base), model.ram.size);
        let mut devices = Vec::new();
        let mut tx = Some(options.uart_tx);
        let mut rx = Some(options.uart_rx);
        for uart in &model.uarts {
            // UART0 gets the host console; the others transmit into the void.
            let (t, r) = match (tx.take(), rx.take()) {
                (Some(t), Some(r)) => (t, r),
                _ => (TxSink::Capture(Default::default()), RxSource::None),
            };
            devices.push(MappedDevice {
                base: uart.base,
                size: crate::model::UART_SIZE,
                spi: Some(uart.spi),
                device: Box::new(Pl011::new(t, r)),
            });
        }
        let mpidrs = model.core_mpidrs();
        let cores = model
            .cores()
            .iter()
            .map(|info| {
                let mut core = Cpu::new(info.index, info.mpidr);
                core.set_clock(model.clock_hz, model.timer_hz);
                core.set_tlb_config(model.tlb(info.cluster).config());
                core
            })
            .collect();
        let config = GicConfig::new(mpidrs.len(), model.gic.spis, usize::from(model.gic.list_registers));
        let gic = Gic::new(config)?;
        let map = GicMap { gicd: model.gic.gicd, gicc: model.gic.gicc, gich: model.gic.gich, gicv: model.gic.gicv };
        let dtb = crate::dtb::generate(&model)?;
        Ok(Soc {
            bus: Bus::new(memory, devices, Psci::new(&mpidrs), gic, map),
            sched: Scheduler::new(mpidrs.len()),
            model,
            cores,
            dtb_address: None,
            dtb,
            images: Vec::new(),
        })
    }

    fn ram_ranges(&self) -> Vec<RamRange> {
        vec![RamRange { base: self.model.ram.base, size: self.model.ram.size }]
    }

    /// Loads images (ELF, or raw at an address), places the device tree, and resets core 0 to
    /// the entry of the first image at EL2 with x0 = device tree address.
    pub fn load(&mut self, images: &[ImageSpec]) -> Result<(), SocError> {
        if images.is_empty() {
            return Err(SocError::NoImage);
        }
        let ram = self.ram_ranges();
        let loaded: Vec<LoadedImage> = images.iter().map(|spec| loader::load(spec, &ram)).collect::<Result<_, _>>()?;
        for image in &loaded {
            for seg in &image.segments {
                // The loader checked the segment lies in RAM.
                self.bus.memory.write_bytes(PhysAddr(seg.addr), &seg.data);
            }
        }
        let dtb_address = self.place_dtb(&loaded)?;
        self.bus.memory.write_bytes(dtb_address, &self.dtb);
        self.dtb_address = Some(dtb_address);
        let entry = loaded[0].entry;
        self.images = loaded;
        let core = &mut self.cores[0];
        core.pc = entry;
        core.x[0] = dtb_address.0;
        Ok(())
    }

    /// The device tree goes at the base of RAM (as QEMU does for bare-metal images) unless an
    /// image is there, else at the first 2 MiB boundary after every image.
    fn place_dtb(&self, images: &[LoadedImage]) -> Result<PhysAddr, SocError> {
        let size = self.dtb.len() as u64;
        let overlaps = |start: u64| {
            images
                .iter()
                .flat_map(|i| i.segments.iter())
                .any(|s| s.addr < start + size && start < s.addr + s.data.len() as u64)
        };
        let base = self.model.ram.base;
        let end = base + self.model.ram.size;
        if !overlaps(base) {
            return Ok(PhysAddr(base));
        }
        let top =
            images.iter().flat_map(|i| i.segments.iter()).map(|s| s.addr + s.data.len() as u64).max().unwrap_or(base);
        let candidate = (top + 0x1f_ffff) & !0x1f_ffff;
        if candidate + size <= end {
            Ok(PhysAddr(candidate))
        } else {
            Err(SocError::NoRoomForDtb { size: self.dtb.len() })
        }
    }

    /// The address of a symbol of the loaded ELF images.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.images.iter().find_map(|i| i.symbol(name))
    }

    /// Applies the broadcast TLB invalidations core `from` executed (TLBI ...IS, or EL1 TLBIs
    /// under HCR_EL2.FB) to every other core, at the end of its run slice: before any other core
    /// runs again, so no core uses a translation another core's completed TLBI removed.
    pub fn apply_tlb_broadcasts(&mut self, from: usize) {
        let Some(core) = self.cores.get_mut(from) else { return };
        let broadcasts = core.take_tlb_broadcasts();
        for inv in &broadcasts {
            for (i, other) in self.cores.iter_mut().enumerate() {
                if i != from {
                    other.invalidate_tlb(inv);
                }
            }
        }
    }

    /// Reads a system register of a core (tests, tools).
    pub fn sysreg(&self, core: usize, reg: SysReg) -> u64 {
        self.cores[core].sysreg(reg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tlbi vmalle1is; tlbi vmalle1; mov x0, #8; movk x0, #0x8400, lsl #16; smc #0`: a broadcast
    /// TLBI, a local one, then PSCI SYSTEM_OFF.
    const PROGRAM: [u32; 5] = [0xd508_831f, 0xd508_871f, 0xd280_0100, 0xf2b0_8000, 0xd400_0003];

    #[test]
    fn broadcast_tlbis_reach_every_other_core() {
        let options = SocOptions { uart_tx: TxSink::Capture(Default::default()), uart_rx: RxSource::None };
        let mut soc = Soc::new(Model::load("cockpit").unwrap(), options).unwrap();
        let code: Vec<u8> = PROGRAM.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert!(soc.bus.memory.write_bytes(PhysAddr(0x4008_0000), &code));
        soc.cores[0].pc = 0x4008_0000;
        assert_eq!(soc.run(RunLimits::default()), StopCause::PowerOff);
        let counts: Vec<u64> = soc.cores.iter().map(|c| c.mmu_stats().invalidations).collect();
        assert_eq!(counts, [2, 1, 1, 1, 1, 1]);
        assert!(soc.cores[0].take_tlb_broadcasts().is_empty());
    }
}
