//! The bus: everything the cores reach outside themselves. RAM (the fast path, through
//! [`Memory`]), the GIC and the MMIO devices (the slow path), platform PSCI, and the wires
//! between them: device interrupt outputs into GIC SPIs, each core's timer outputs into its PPIs,
//! and the GIC's four outputs per core (IRQ, FIQ, virtual IRQ, virtual FIQ) back to the cores.
//!
//! The bus owns the [`Gic`] by value and follows its wiring contract (`crates/gic` crate docs):
//! after every call that can change a GIC output it takes [`Gic::take_dirty`] and records the
//! new [`InterruptLines`] of each marked core, with the local time of the core whose action
//! changed them. A core fetches its own lines through [`Platform::interrupt_lines`] after each
//! of its MMIO accesses, firmware calls and timer changes, before its next instruction; the
//! scheduler hands the others theirs when it next visits them.
//!
//! Cross-core requests (SEV, PSCI CPU_ON) are queued here with their time and carried out by the
//! scheduler between slices.

use cpu::{FirmwareCall, InterruptLines, Memory, PhysAddr, Platform};
use devices::mmio::{MmioAccess, MmioDevice};
use devices::psci::{Psci, PsciOutcome};
use gic::{intid, Gic, GicMap};

/// The most cores a SoC has (a GICv2 serves 8).
pub const MAX_CORES: usize = gic::MAX_CPUS;

/// A device mapped on the bus.
pub(crate) struct MappedDevice {
    /// Base address of its window.
    pub base: u64,
    /// Size of its window in bytes.
    pub size: u64,
    /// The SPI its interrupt output drives, if any.
    pub spi: Option<u32>,
    /// The model.
    pub device: Box<dyn MmioDevice>,
}

/// A core to start: PSCI CPU_ON succeeded for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreStart {
    /// Where it starts.
    pub entry: u64,
    /// Its X0.
    pub context_id: u64,
    /// The local time of the caller at the call.
    pub time: u64,
}

/// What a physical address reaches on the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusTarget {
    /// RAM.
    Ram,
    /// A device's MMIO registers.
    Device,
    /// Nothing: accesses are external aborts.
    Nothing,
}

/// Everything the cores reach outside themselves: RAM, the GIC, devices, firmware.
pub struct Bus {
    pub(crate) memory: Memory,
    pub(crate) devices: Vec<MappedDevice>,
    pub(crate) psci: Psci,
    gic: Gic,
    gic_map: GicMap,
    cores: usize,
    /// The local time of the core whose slow-path call is being served.
    now: u64,
    /// The GIC outputs to each core.
    lines: [InterruptLines; MAX_CORES],
    /// Cores whose lines changed since they last fetched them.
    lines_changed: u8,
    /// The time of the last change of each core's lines.
    line_time: [u64; MAX_CORES],
    /// Cores with an event (SEV by another core) not yet delivered.
    events: u8,
    /// The time of the first undelivered event of each core.
    event_time: [u64; MAX_CORES],
    /// PSCI CPU_ON requests not yet carried out, per target core.
    starts: [Option<CoreStart>; MAX_CORES],
}

impl Bus {
    pub(crate) fn new(memory: Memory, devices: Vec<MappedDevice>, psci: Psci, gic: Gic, gic_map: GicMap) -> Bus {
        let cores = gic.config().cpus;
        let mut bus = Bus {
            memory,
            devices,
            psci,
            gic,
            gic_map,
            cores,
            now: 0,
            lines: [InterruptLines::default(); MAX_CORES],
            lines_changed: 0,
            line_time: [0; MAX_CORES],
            events: 0,
            event_time: [0; MAX_CORES],
            starts: [None; MAX_CORES],
        };
        bus.update_spis();
        bus
    }

    /// The RAM.
    pub fn memory_ref(&self) -> &Memory {
        &self.memory
    }

    /// The GIC (tests, tools).
    pub fn gic(&self) -> &Gic {
        &self.gic
    }

    /// The GIC outputs to core `cpu` as the bus last recorded them.
    pub fn lines(&self, cpu: usize) -> InterruptLines {
        self.lines.get(cpu).copied().unwrap_or_default()
    }

    /// Gives every device a chance to look at its host-side inputs, then samples the device
    /// interrupt outputs (the scheduler calls it between passes).
    pub(crate) fn poll_devices(&mut self, now: u64) {
        self.now = now;
        for mapped in &mut self.devices {
            mapped.device.poll();
        }
        self.update_spis();
    }

    /// Sets every device's SPI to its output level.
    fn update_spis(&mut self) {
        for mapped in &self.devices {
            if let Some(spi) = mapped.spi {
                self.gic.set_spi_level(spi, mapped.device.irq_asserted());
            }
        }
        self.sync_gic();
    }

    /// Records the outputs of the cores the GIC marked dirty.
    fn sync_gic(&mut self) {
        let dirty = self.gic.take_dirty();
        if dirty == 0 {
            return;
        }
        for cpu in (0..self.cores).filter(|cpu| dirty & (1 << cpu) != 0) {
            let l = self.gic.lines(cpu);
            self.lines[cpu] = InterruptLines {
                physical: u8::from(l.irq) | (u8::from(l.fiq) << 1),
                virt: u8::from(l.virq) | (u8::from(l.vfiq) << 1),
            };
            self.lines_changed |= 1 << cpu;
            self.line_time[cpu] = self.now;
        }
    }

    /// The lines of `cpu` and the time they last changed, if they changed since it last
    /// fetched them (the scheduler, for a core that is not running).
    pub(crate) fn take_lines(&mut self, cpu: usize) -> Option<(InterruptLines, u64)> {
        let bit = 1u8.checked_shl(cpu as u32)?;
        if self.lines_changed & bit == 0 {
            return None;
        }
        self.lines_changed &= !bit;
        Some((self.lines[cpu], self.line_time[cpu]))
    }

    /// Whether an event is waiting for `cpu`, and since when; clears it.
    pub(crate) fn take_event(&mut self, cpu: usize) -> Option<u64> {
        let bit = 1u8.checked_shl(cpu as u32)?;
        if self.events & bit == 0 {
            return None;
        }
        self.events &= !bit;
        Some(self.event_time[cpu])
    }

    /// Signals an event at time `time` to the cores in `mask` (SEV, the clearing of a global
    /// monitor).
    pub(crate) fn post_events(&mut self, mask: u8, time: u64) {
        for cpu in (0..self.cores).filter(|cpu| mask & (1 << cpu) != 0) {
            if self.events & (1 << cpu) == 0 {
                self.event_time[cpu] = time;
            }
        }
        self.events |= mask & self.core_mask();
    }

    /// Whether anything for `cpu` waits to be delivered: changed lines, an event, a start.
    pub(crate) fn has_notice(&self, cpu: usize) -> bool {
        let bit = 1u8.checked_shl(cpu as u32).unwrap_or(0);
        (self.lines_changed | self.events) & bit != 0 || self.starts.get(cpu).is_some_and(Option::is_some)
    }

    /// A PSCI CPU_ON request for `cpu` not yet carried out.
    pub(crate) fn take_start(&mut self, cpu: usize) -> Option<CoreStart> {
        self.starts.get_mut(cpu).and_then(Option::take)
    }

    fn core_mask(&self) -> u8 {
        ((1u16 << self.cores) - 1) as u8
    }

    /// What lies at physical address `pa`: RAM, a device (the GIC included), or nothing.
    pub fn target_of(&self, pa: PhysAddr) -> BusTarget {
        if self.memory.ram_offset(pa.0, 1).is_some() {
            BusTarget::Ram
        } else if self.gic_map.decode(pa.0).is_some()
            || self.devices.iter().any(|d| pa.0 >= d.base && pa.0 - d.base < d.size)
        {
            BusTarget::Device
        } else {
            BusTarget::Nothing
        }
    }

    fn device_at(&mut self, pa: u64, size: u8) -> Option<(&mut MappedDevice, u64)> {
        self.devices
            .iter_mut()
            .find(|d| pa >= d.base && pa - d.base < d.size && pa - d.base + u64::from(size) <= d.size)
            .map(|d| {
                let offset = pa - d.base;
                (d, offset)
            })
    }

    /// After an access to `mapped`: its interrupt output may have changed.
    fn device_accessed(&mut self, spi: Option<u32>, level: bool) {
        if let Some(spi) = spi {
            self.gic.set_spi_level(spi, level);
            self.sync_gic();
        }
    }
}

impl Platform for Bus {
    #[inline(always)]
    fn memory(&mut self) -> &mut Memory {
        &mut self.memory
    }

    fn mmio_read(&mut self, cpu: usize, pa: PhysAddr, size: u8) -> Option<u64> {
        if let Some((region, offset)) = self.gic_map.decode(pa.0) {
            let value = self.gic.read(region, MmioAccess { offset, size, cpu }).ok();
            self.sync_gic();
            return value;
        }
        let (mapped, offset) = self.device_at(pa.0, size)?;
        let value = mapped.device.read(MmioAccess { offset, size, cpu }).ok();
        let (spi, level) = (mapped.spi, mapped.device.irq_asserted());
        self.device_accessed(spi, level);
        value
    }

    fn mmio_write(&mut self, cpu: usize, pa: PhysAddr, size: u8, value: u64) -> bool {
        if let Some((region, offset)) = self.gic_map.decode(pa.0) {
            let done = self.gic.write(region, MmioAccess { offset, size, cpu }, value).is_ok();
            self.sync_gic();
            return done;
        }
        let Some((mapped, offset)) = self.device_at(pa.0, size) else {
            return false;
        };
        let done = mapped.device.write(MmioAccess { offset, size, cpu }, value).is_ok();
        let (spi, level) = (mapped.spi, mapped.device.irq_asserted());
        self.device_accessed(spi, level);
        done
    }

    fn firmware_call(&mut self, cpu: usize, function_id: u64, args: [u64; 3]) -> FirmwareCall {
        // SMC Calling Convention: the function ID is W0.
        match self.psci.call(function_id as u32, args, cpu) {
            PsciOutcome::Return(value) => FirmwareCall::Return(value),
            PsciOutcome::SystemOff => FirmwareCall::SystemOff,
            PsciOutcome::SystemReset => FirmwareCall::SystemReset,
            PsciOutcome::CpuOn { core, entry, context_id } => {
                if let Some(slot) = self.starts.get_mut(core) {
                    *slot = Some(CoreStart { entry, context_id, time: self.now });
                }
                FirmwareCall::Return(devices::psci::x0(devices::psci::SUCCESS))
            }
            PsciOutcome::CpuOff => FirmwareCall::CpuOff,
            PsciOutcome::Standby => FirmwareCall::Standby(devices::psci::x0(devices::psci::SUCCESS)),
            // The platform stands in for EL3 firmware, which answers a function ID it does not
            // know with SMCCC's Unknown Function Identifier, -1 sign-extended (SMCCC 1.1, 5.2).
            PsciOutcome::NotPsci => FirmwareCall::Return(u64::MAX),
        }
    }

    fn set_time(&mut self, _cpu: usize, cycles: u64) {
        self.now = cycles;
    }

    fn timer_outputs(&mut self, cpu: usize, levels: u8) {
        use cpu::timer::output;
        for (bit, id) in [
            (output::EL1_PHYSICAL, intid::EL1_PHYS_TIMER),
            (output::VIRTUAL, intid::VIRTUAL_TIMER),
            (output::EL2_PHYSICAL, intid::EL2_PHYS_TIMER),
        ] {
            self.gic.set_ppi_level(cpu, id, levels & bit != 0);
        }
        self.sync_gic();
    }

    fn interrupt_lines(&mut self, cpu: usize) -> Option<InterruptLines> {
        self.take_lines(cpu).map(|(lines, _)| lines)
    }

    fn send_event(&mut self, cpu: usize) {
        let others = self.core_mask() & !(1u8.checked_shl(cpu as u32).unwrap_or(0));
        self.post_events(others, self.now);
    }
}
