//! The GICv2 interrupt controller with the virtualization extensions, per ARM IHI 0048B, "ARM
//! Generic Interrupt Controller Architecture Specification, version 2.0": the Distributor
//! (GICD, [`distributor`]), one CPU interface per core (GICC, [`cpu_interface`]), and for each
//! core a virtual interface control block (GICH) and virtual CPU interface (GICV) ([`virt`]).
//!
//! One [`Gic`] value holds the whole controller as plain, deterministic state (fixed-size arrays,
//! no allocation after [`Gic::new`], no locks, no clock). The SoC drives it from outside: it
//! forwards bus accesses to [`Gic::read`] / [`Gic::write`], sets interrupt input levels with
//! [`Gic::set_spi_level`] / [`Gic::set_ppi_level`], and samples the per-core outputs
//! [`Gic::irq`], [`Gic::fiq`], [`Gic::virq`], [`Gic::vfiq`] when [`Gic::take_dirty`] says they
//! changed. The GIC has no notion of time: its outputs change only inside those calls.
//!
//! # Memory map
//!
//! Each region is a 64 KiB window ([`REGION_SIZE`]); [`GicMap`] decodes a physical address into
//! a [`Region`] and an offset. Inside the windows:
//!
//! ```text
//!  GICD  +0x0000 .. +0x0fff  Distributor registers (IHI 0048B table 4-1); the rest RAZ/WI
//!  GICC  +0x0000 .. +0x00ff  CPU interface, banked by the accessing core (table 4-2)
//!        +0x1000             GICC_DIR
//!  GICH  +0x0000 .. +0x01ff  virtual interface control of the accessing core ("this CPU")
//!        +0x1000 + n*0x200   virtual interface control of core n (n < cores), 0x200 each
//!  GICV  +0x0000 .. +0x00ff  virtual CPU interface of the accessing core (same layout as GICC)
//!        +0x1000             GICV_DIR
//! ```
//!
//! IHI 0048B 5.3 gives each processor its virtual interface control registers at a common base,
//! banked by the accessing processor, and allows an alias block per processor so that one
//! processor can reach another's; the offsets above are the GIC-400's (its common block at
//! 0x4000 and processor n's at 0x5000 + n*0x200, i.e. 0x1000 further). QEMU's `virt` board maps
//! only the common block; software written for QEMU never touches the aliases.
//!
//! # Wiring the GIC into the SoC
//!
//! **Bus.** The bus owns the `Gic` by value (no `Arc<Mutex>`: only the bus reaches it) next to a
//! [`GicMap`] built from the model file. In `Platform::mmio_read` / `mmio_write`, before the
//! generic device list, `if let Some((region, offset)) = map.decode(pa)` then call
//! `gic.read(region, MmioAccess { offset, size, cpu })` (or `write`). An `Err(MmioFault)`
//! becomes a synchronous external abort, like any device's.
//!
//! **Lines in.** SPI inputs: after any access to a device or a `poll`, and whenever a device's
//! level may have changed, call `gic.set_spi_level(spi, device.irq_asserted())` (the SPI number
//! of the model file, INTID 32 + spi). PPI inputs are per core: the generic timer outputs go to
//! `set_ppi_level(core, intid::EL1_PHYS_TIMER / VIRTUAL_TIMER / EL2_PHYS_TIMER, level)`, with
//! the level `CNTx_CTL.ISTATUS && !CNTx_CTL.IMASK`. Setting an unchanged level is a cheap no-op,
//! so the SoC may simply set every line at every quantum boundary. The maintenance interrupt
//! (PPI 25) is wired inside the GIC; the SoC does not drive it.
//!
//! **Lines out.** Each core has four outputs: `irq` and `fiq` are the physical interrupt
//! requests (`Cpu::set_interrupt_lines` bits IRQ and FIQ); `virq` and `vfiq` are the virtual
//! interrupt requests of the virtual CPU interface, which the core ORs with `HCR_EL2.VI` /
//! `HCR_EL2.VF` (they are taken as virtual IRQ / FIQ at EL1 and EL0 when `HCR_EL2.IMO` /
//! `HCR_EL2.FMO` route physical interrupts to EL2, ARM ARM D1.13.4).
//!
//! **When to resample.** Every call that can change an output (`read`, `write`, `set_*`)
//! increments [`Gic::generation`] and marks the cores whose outputs changed; after each such
//! call the SoC takes [`Gic::take_dirty`] and, for each marked core, copies [`Gic::lines`] into
//! that core. This must happen before the accessing core executes its next instruction: a read
//! of `GICC_IAR` or a write of `GICC_EOIR` lowers or raises the core's own IRQ, and a write of
//! `GICD_SGIR` can raise another core's. A write by one core can also change another core's
//! lines (SGIs, SPI targets, the GICH aliases), which is why the dirty mask covers all cores.
//!
//! A sketch of the SoC side (the core and device types are the SoC's):
//!
//! ```
//! use gic::{intid, Gic, GicConfig, GicMap, MmioAccess};
//!
//! let mut gic = Gic::new(GicConfig::new(2, 256, 4)).expect("valid model");
//! let map = GicMap::DEFAULT;
//!
//! // Bus: core 0 stores 1 to GICD_CTLR, then enables its CPU interface.
//! for (pa, value) in [(0x0800_0000, 1), (0x0801_0000, 1), (0x0801_0004, 0xff)] {
//!     let (region, offset) = map.decode(pa).expect("a GIC address");
//!     gic.write(region, MmioAccess { offset, size: 4, cpu: 0 }, value).expect("no abort");
//! }
//! let (region, offset) = map.decode(0x0800_0000 + 0x100).unwrap(); // GICD_ISENABLER0
//! gic.write(region, MmioAccess { offset, size: 4, cpu: 0 }, 1 << intid::VIRTUAL_TIMER).unwrap();
//!
//! // Lines in: core 0's virtual timer fires.
//! gic.set_ppi_level(0, intid::VIRTUAL_TIMER, true);
//!
//! // Lines out: resample the cores whose outputs changed.
//! let dirty = gic.take_dirty();
//! assert_eq!(dirty, 0b01);
//! for cpu in (0..2).filter(|cpu| dirty & (1 << cpu) != 0) {
//!     let lines = gic.lines(cpu);
//!     // core.set_interrupt_lines(u8::from(lines.irq) | u8::from(lines.fiq) << 1 | serror);
//!     // core.set_virtual_interrupt_lines(lines.virq, lines.vfiq);
//!     assert!(lines.irq && !lines.fiq && !lines.virq && !lines.vfiq);
//! }
//!
//! // Core 0 takes the interrupt: GICC_IAR reads 27 and the IRQ line drops.
//! let (region, offset) = map.decode(0x0801_000c).unwrap();
//! assert_eq!(gic.read(region, MmioAccess { offset, size: 4, cpu: 0 }), Ok(27));
//! assert_eq!(gic.take_dirty(), 0b01);
//! assert!(!gic.irq(0));
//! ```
//!
//! # Implementation choices
//!
//! The specification leaves some behaviour IMPLEMENTATION DEFINED or UNPREDICTABLE; there the
//! model follows QEMU 10's `hw/intc/arm_gic.c` as `qemu-system-aarch64 -M
//! virt,virtualization=on,gic-version=2` configures it (no Security Extensions, 8 priority bits,
//! 4 list registers by default), so that firmware tests compare equal:
//!
//! - No Security Extensions (`GICD_TYPER.SecurityExtn = 0`): every access behaves as a Secure
//!   access; both groups exist and `GICD_IGROUPR` is read/write; `GICD_NSACR`, `GICC_NSAPR` are
//!   RAZ/WI; `GICD_SGIR.NSATT` is ignored.
//! - SGIs are always enabled: `GICD_ISENABLER0[15:0]` reads as ones, writes to those bits of
//!   `GICD_ICENABLER0` are ignored (QEMU, and the GIC-400).
//! - Priorities have 8 bits by default ([`GicConfig::priority_bits`] selects 4..=8, e.g. 5 for a
//!   GIC-400); unimplemented low bits are RAZ/WI in `GICD_IPRIORITYR` and `GICC_PMR`. The
//!   minimum `GICC_BPR` is `7 - bits` (0 for 8 bits), `GICC_ABPR` one more; both reset to their
//!   minimum. The virtual CPU interface has 5 priority bits and 5 preemption bits
//!   (`GICH_VTR` = `0x9000_0000 | (list registers - 1)`, as on the GIC-400 and QEMU).
//! - `GICC_APR<n>` holds one bit per preemption level, `bit = group priority >> (min BPR + 1)`,
//!   for both groups, and `GICC_NSAPR<n>` is RAZ/WI (the register contents are IMPLEMENTATION
//!   DEFINED, 4.4.12). This is a known difference: QEMU keeps Group 1 active priorities in
//!   `GICC_NSAPR<n>` even without the Security Extensions, so while a Group 1 interrupt is
//!   active QEMU's `GICC_APR<n>` reads lower and its `GICC_NSAPR<n>` non-zero.
//! - `GICD_ICFGR`: SGIs read as edge-triggered and ignore writes; PPIs and SPIs are
//!   programmable (QEMU); every line resets to level-sensitive; `Int_config[0]` is RAZ/WI.
//! - `GICD_SGIR.TargetListFilter = 0b11` (reserved) sends to every core, as QEMU does.
//! - Identification: `GICD_PIDR*/CIDR*` are the GIC-400's (part 0x490, architecture version 2),
//!   which QEMU also reports; `GICD_IIDR` = `0x0000_043b` and `GICC_IIDR` = `GICV_IIDR` =
//!   `0x0002_043b` as QEMU reports them (a GIC-400 would report `0x0200_143b` / `0x0202_143b`).
//! - `GICC_CTLR` implements EnableGrp0, EnableGrp1, AckCtl, FIQEn, CBPR and EOImode (mask
//!   `0x21f`, as QEMU); the bypass-disable bits and EOImodeNS are RAZ/WI, and `GICC_AEOIR`
//!   follows EOImode.
//! - Access sizes: the Distributor accepts 1-, 2- and 4-byte accesses to every register, as byte
//!   lanes (the architecture requires byte access only for `IPRIORITYR`, `ITARGETSR`,
//!   `CPENDSGIR`, `SPENDSGIR`); `GICD_SGIR` acts only on a 4-byte write. In GICC, GICH and GICV a
//!   1- or 2-byte access at a register's offset reaches that register (the value truncated),
//!   elsewhere it is RAZ/WI. An 8-byte access is two 4-byte accesses, low word first, as QEMU
//!   splits it. An unaligned access, or a size other than 1, 2, 4 or 8, is an external abort.
//!   An access from a core index that does not exist is RAZ/WI. Offsets with no register in a
//!   window are RAZ/WI (QEMU aborts past its 4 KiB / 8 KiB regions).
//! - A `GICC_EOIR` or `GICC_DIR` write that names no interrupt or an ID of 1020 and above is
//!   ignored; `GICC_DIR` with EOImode clear is ignored; an EOI with no active priority is ignored.
//!   In the virtual interface, a `GICV_EOIR` (EOImode clear) or `GICV_DIR` (EOImode set) that
//!   matches no active list register increments `GICH_HCR.EOICount`; for `GICV_EOIR` only if a
//!   priority was dropped, as QEMU.
//! - The maintenance interrupt is `GICH_HCR.En && GICH_MISR != 0`, driven as the level of
//!   PPI 25 of that core. `GICH_MISR.NP` counts only list registers in the pending state, not
//!   active and pending ones.
//! - `GICV_IAR` and `GICV_HPPIR` report `GICH_LR.CPUID` in bits \[12:10\] for software
//!   (`HW` = 0) virtual SGIs, IDs 0..15, as QEMU; other interrupts read as their ID alone.
//!
//! Where QEMU departs from the specification the model follows the specification:
//!
//! - `GICD_ITARGETSR` bits for cores that do not exist are RAZ/WI (QEMU keeps all 8 bits).
//! - `GICD_CPENDSGIR` / `GICD_SPENDSGIR` bits for source cores that do not exist are RAZ/WI.
//! - SPIs follow the 1-N model (IHI 0048B 1.4.3): one pending and active state per SPI; when one
//!   targeted core acknowledges it the others no longer see it (QEMU keeps a pending bit per
//!   core, so two targeted cores can both take the same SPI). A pending SPI with no target stays
//!   pending until a target is set (QEMU drops the edge).
//! - `GICD_ICPENDR0` clears PPI pending state only on the accessing core (banked), and
//!   `GICD_ICFGR1` is banked per core (QEMU shares PPI configuration between cores).
//! - `GICC_HPPIR` reports the source core of an SGI in bits \[12:10\] (QEMU returns the ID only).
//! - A group whose enable is clear in `GICD_CTLR` or `GICC_CTLR` (`GICV_CTLR`) is not
//!   forwarded: its pending interrupts are ignored when choosing the highest priority pending
//!   interrupt (QEMU picks the best interrupt of any group and then only withholds the signal).
//! - `GICC_AIAR`, `GICC_AEOIR` and `GICC_AHPPIR` act as the Group 1 aliases (a Secure access to
//!   them is a Non-secure access to `IAR`/`EOIR`/`HPPIR`); QEMU leaves them RAZ/WI.
//! - Preemption compares the pending interrupt's group priority with the running priority
//!   (IHI 0048B 3.3.3); QEMU compares the full priority, which differs only when Group 0 and
//!   Group 1 use different binary points.
//! - GICH per-core aliases act on the core they name (QEMU's per-core alias write handler, which
//!   `virt` does not map, passes a wrong core index), and list registers past
//!   `GICH_VTR.ListRegs` are RAZ/WI (QEMU lets one more be written).
//!
//! Not modelled: the Security Extensions, the IMPLEMENTATION DEFINED GIC-400 status registers
//! (`GICD_PPISR`/`SPISR`), interrupt bypass, power management (`GICC_CTLR` bypass bits,
//! wake-up), the legacy IRQ/FIQ inputs.

#![warn(missing_docs)]

pub mod cpu_interface;
pub mod distributor;
pub mod virt;

#[cfg(test)]
mod tests;

pub use devices::mmio::{MmioAccess, MmioFault};

use cpu_interface::CpuInterface;
use distributor::Distributor;
use virt::VirtualInterface;

/// The most cores a GICv2 serves (`GICD_TYPER.CPUNumber` is 3 bits, IHI 0048B 4.3.2).
pub const MAX_CPUS: usize = 8;
/// The most SPIs: interrupt IDs 32..1019 (IHI 0048B 2.2.1); [`GicConfig::spis`] must also be a
/// multiple of 32, so 960 is the largest accepted value.
pub const MAX_SPIS: u32 = 988;
/// The most list registers (`GICH_VTR.ListRegs` is 6 bits, IHI 0048B 5.3.2).
pub const MAX_LIST_REGISTERS: usize = 64;
/// The list register count of QEMU's `virt` and of the GIC-400.
pub const DEFAULT_LIST_REGISTERS: usize = 4;
/// Size of each register window (GICD, GICC, GICH, GICV), as QEMU's `virt` maps them.
pub const REGION_SIZE: u64 = 0x1_0000;
/// Interrupt ID read from an acknowledge register when nothing can be acknowledged (IHI 0048B
/// 3.2.5, "Special interrupt numbers").
pub const SPURIOUS: u32 = 1023;
/// Interrupt ID read from `GICC_IAR` / `GICC_HPPIR` when the highest priority pending interrupt
/// is Group 1 and `GICC_CTLR.AckCtl` is 0 (IHI 0048B 3.2.5).
pub const SPURIOUS_GROUP1: u32 = 1022;
/// The number of interrupt IDs the state arrays cover (IDs 1020..1023 are special).
pub(crate) const ID_LIMIT: usize = 1024;
/// Words of 32 interrupt bits covering [`ID_LIMIT`].
pub(crate) const WORDS: usize = ID_LIMIT / 32;

/// Interrupt IDs (IHI 0048B 2.2.1): SGIs 0..15, PPIs 16..31, SPIs from 32; the PPI assignment is
/// the one of DESIGN.md (the Arm Base System Architecture numbers).
pub mod intid {
    /// Number of SGIs (IDs 0..15).
    pub const SGIS: u32 = 16;
    /// First PPI.
    pub const FIRST_PPI: u32 = 16;
    /// First SPI.
    pub const FIRST_SPI: u32 = 32;
    /// The GIC virtual interface maintenance interrupt (driven by the GIC itself).
    pub const MAINTENANCE: u32 = 25;
    /// The EL2 physical timer (`CNTHP_*`).
    pub const EL2_PHYS_TIMER: u32 = 26;
    /// The virtual timer (`CNTV_*`).
    pub const VIRTUAL_TIMER: u32 = 27;
    /// The EL1 physical timer (`CNTP_*`).
    pub const EL1_PHYS_TIMER: u32 = 30;

    /// The interrupt ID of SPI number `spi` (as the model file numbers SPIs).
    pub const fn spi(spi: u32) -> u32 {
        FIRST_SPI + spi
    }
}

/// Errors in a GIC configuration (host-side: the model file asked for something a GICv2 cannot
/// be).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The core count is outside 1..=8.
    #[error("{0} cores: a GICv2 serves 1 to {MAX_CPUS}")]
    Cpus(usize),
    /// The SPI count is not a multiple of 32 up to 988.
    #[error("{0} SPIs: must be a multiple of 32, at most {MAX_SPIS}")]
    Spis(u32),
    /// The list register count is outside 1..=64.
    #[error("{0} list registers: must be 1 to {MAX_LIST_REGISTERS}")]
    ListRegisters(usize),
    /// The priority width is outside 4..=8 bits.
    #[error("{0} priority bits: a GICv2 implements 4 to 8")]
    PriorityBits(u8),
}

/// The parameters of a GIC that the model file chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GicConfig {
    /// Number of cores (CPU interfaces), 1..=8.
    pub cpus: usize,
    /// Number of SPIs, a multiple of 32 up to [`MAX_SPIS`] (`GICD_TYPER.ITLinesNumber` =
    /// `(32 + spis) / 32 - 1`).
    pub spis: u32,
    /// Number of list registers per virtual interface, 1..=64 (`GICH_VTR.ListRegs + 1`).
    pub list_registers: usize,
    /// Implemented priority bits of the physical interface, 4..=8 (8 as QEMU; 5 on a GIC-400).
    pub priority_bits: u8,
}

impl GicConfig {
    /// A configuration with 8 priority bits, as QEMU's GICv2.
    pub fn new(cpus: usize, spis: u32, list_registers: usize) -> GicConfig {
        GicConfig { cpus, spis, list_registers, priority_bits: 8 }
    }

    /// The number of interrupt IDs, SGIs and PPIs included.
    pub fn interrupts(&self) -> u32 {
        intid::FIRST_SPI + self.spis
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_CPUS).contains(&self.cpus) {
            return Err(ConfigError::Cpus(self.cpus));
        }
        if self.spis > MAX_SPIS || !self.spis.is_multiple_of(32) {
            return Err(ConfigError::Spis(self.spis));
        }
        if !(1..=MAX_LIST_REGISTERS).contains(&self.list_registers) {
            return Err(ConfigError::ListRegisters(self.list_registers));
        }
        if !(4..=8).contains(&self.priority_bits) {
            return Err(ConfigError::PriorityBits(self.priority_bits));
        }
        Ok(())
    }
}

/// The four register regions of a GICv2 with the virtualization extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    /// GICD, the Distributor (IHI 0048B 4.3).
    Distributor,
    /// GICC, the physical CPU interface (IHI 0048B 4.4).
    CpuInterface,
    /// GICH, the virtual interface control registers (IHI 0048B 5.3).
    VirtualControl,
    /// GICV, the virtual CPU interface (IHI 0048B 5.4).
    VirtualCpuInterface,
}

/// Where the four regions sit in the physical address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GicMap {
    /// GICD base.
    pub gicd: u64,
    /// GICC base.
    pub gicc: u64,
    /// GICH base.
    pub gich: u64,
    /// GICV base.
    pub gicv: u64,
}

impl GicMap {
    /// The map of DESIGN.md and QEMU's `virt`.
    pub const DEFAULT: GicMap = GicMap { gicd: 0x0800_0000, gicc: 0x0801_0000, gich: 0x0803_0000, gicv: 0x0804_0000 };

    /// The region holding physical address `pa` and the offset into it, if any; each region is
    /// [`REGION_SIZE`] bytes.
    pub fn decode(&self, pa: u64) -> Option<(Region, u64)> {
        [
            (Region::Distributor, self.gicd),
            (Region::CpuInterface, self.gicc),
            (Region::VirtualControl, self.gich),
            (Region::VirtualCpuInterface, self.gicv),
        ]
        .into_iter()
        .find_map(|(region, base)| pa.checked_sub(base).filter(|&offset| offset < REGION_SIZE).map(|o| (region, o)))
    }
}

/// The four interrupt outputs of the GIC to one core.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CpuLines {
    /// Physical IRQ (GICC signals a Group 1 interrupt, or Group 0 with `GICC_CTLR.FIQEn` clear).
    pub irq: bool,
    /// Physical FIQ (GICC signals a Group 0 interrupt with `GICC_CTLR.FIQEn` set).
    pub fiq: bool,
    /// Virtual IRQ from the virtual CPU interface.
    pub virq: bool,
    /// Virtual FIQ from the virtual CPU interface (Group 0 with `GICV_CTLR.FIQEn` set).
    pub vfiq: bool,
}

/// A GICv2 with the virtualization extensions: all state of the Distributor, the CPU interfaces
/// and the virtual interfaces, and the output levels to each core.
#[derive(Clone, Debug)]
pub struct Gic {
    config: GicConfig,
    /// Bits of the cores that exist.
    cpu_mask: u8,
    dist: Distributor,
    cpus: [CpuInterface; MAX_CPUS],
    vifs: [VirtualInterface; MAX_CPUS],
    lines: [CpuLines; MAX_CPUS],
    generation: u64,
    dirty: u8,
}

impl Gic {
    /// A GIC in its reset state.
    pub fn new(config: GicConfig) -> Result<Gic, ConfigError> {
        config.validate()?;
        let mut gic = Gic {
            config,
            cpu_mask: ((1u16 << config.cpus) - 1) as u8,
            dist: Distributor::new(config.cpus),
            cpus: [CpuInterface::new(0); MAX_CPUS],
            vifs: [VirtualInterface::new(); MAX_CPUS],
            lines: [CpuLines::default(); MAX_CPUS],
            generation: 0,
            dirty: 0,
        };
        gic.reset();
        Ok(gic)
    }

    /// Returns every register to its reset value and lowers every output (a change of output
    /// marks the core dirty). Input line levels are forgotten too: the SoC sets them again.
    pub fn reset(&mut self) {
        self.dist = Distributor::new(self.config.cpus);
        let min_bpr = self.phys_params().min_bpr;
        self.cpus = [CpuInterface::new(min_bpr); MAX_CPUS];
        self.vifs = [VirtualInterface::new(); MAX_CPUS];
        self.update_all();
    }

    /// The configuration the GIC was built with.
    pub fn config(&self) -> &GicConfig {
        &self.config
    }

    /// Reads `access.size` bytes of `region` at `access.offset` for core `access.cpu`.
    pub fn read(&mut self, region: Region, access: MmioAccess) -> Result<u64, MmioFault> {
        match access.size {
            1 | 2 | 4 => {}
            8 => {
                if !access.is_aligned() {
                    return Err(MmioFault::ExternalAbort);
                }
                let low = MmioAccess { size: 4, ..access };
                let high = MmioAccess { offset: access.offset + 4, ..low };
                return Ok(self.read(region, low)? | (self.read(region, high)? << 32));
            }
            _ => return Err(MmioFault::ExternalAbort),
        }
        if !access.is_aligned() {
            return Err(MmioFault::ExternalAbort);
        }
        let cpu = access.cpu;
        if cpu >= self.config.cpus || access.offset >= REGION_SIZE {
            return Ok(0);
        }
        let value = match region {
            Region::Distributor => self.gicd_read(cpu, access.offset, access.size),
            Region::CpuInterface => self.iface_read(cpu_interface::Kind::Physical, cpu, access.offset),
            Region::VirtualControl => self.gich_read(cpu, access.offset),
            Region::VirtualCpuInterface => self.iface_read(cpu_interface::Kind::Virtual, cpu, access.offset),
        };
        Ok(u64::from(value) & access.mask())
    }

    /// Writes the low `access.size` bytes of `value` to `region` at `access.offset` for core
    /// `access.cpu`.
    pub fn write(&mut self, region: Region, access: MmioAccess, value: u64) -> Result<(), MmioFault> {
        match access.size {
            1 | 2 | 4 => {}
            8 => {
                if !access.is_aligned() {
                    return Err(MmioFault::ExternalAbort);
                }
                let low = MmioAccess { size: 4, ..access };
                let high = MmioAccess { offset: access.offset + 4, ..low };
                self.write(region, low, value & 0xffff_ffff)?;
                return self.write(region, high, value >> 32);
            }
            _ => return Err(MmioFault::ExternalAbort),
        }
        if !access.is_aligned() {
            return Err(MmioFault::ExternalAbort);
        }
        let cpu = access.cpu;
        if cpu >= self.config.cpus || access.offset >= REGION_SIZE {
            return Ok(());
        }
        let value = (value & access.mask()) as u32;
        match region {
            Region::Distributor => self.gicd_write(cpu, access.offset, access.size, value),
            Region::CpuInterface => self.iface_write(cpu_interface::Kind::Physical, cpu, access.offset, value),
            Region::VirtualControl => self.gich_write(cpu, access.offset, value),
            Region::VirtualCpuInterface => self.iface_write(cpu_interface::Kind::Virtual, cpu, access.offset, value),
        }
        Ok(())
    }

    /// Sets the input level of SPI number `spi` (interrupt ID 32 + `spi`). A rising edge makes
    /// an edge-triggered SPI pending; a level-sensitive SPI is pending while its level is high
    /// (IHI 0048B 3.2.4). SPIs that do not exist are ignored.
    pub fn set_spi_level(&mut self, spi: u32, level: bool) {
        if spi >= self.config.spis {
            return;
        }
        let id = intid::spi(spi);
        if self.dist.set_spi_level(id, level) {
            // Only the cores the SPI targets can see a change.
            let targets = self.dist.spi_targets(id);
            for cpu in 0..self.config.cpus {
                if targets & (1 << cpu) != 0 {
                    self.update_cpu(cpu);
                }
            }
        }
    }

    /// Sets the input level of PPI `intid` (16..=31) of core `cpu`. Out-of-range arguments and
    /// the maintenance interrupt (PPI 25, driven by the GIC itself) are ignored.
    pub fn set_ppi_level(&mut self, cpu: usize, intid: u32, level: bool) {
        if cpu >= self.config.cpus || !(intid::FIRST_PPI..intid::FIRST_SPI).contains(&intid) {
            return;
        }
        if intid == intid::MAINTENANCE {
            return;
        }
        if self.dist.set_ppi_level(cpu, intid, level) {
            self.update_cpu(cpu);
        }
    }

    /// Sets the input level of interrupt `intid`: a PPI of core `cpu`, or an SPI (`cpu` is then
    /// ignored). SGIs have no input line; they and IDs that do not exist are ignored.
    pub fn set_line(&mut self, intid: u32, cpu: usize, level: bool) {
        if intid >= intid::FIRST_SPI {
            self.set_spi_level(intid - intid::FIRST_SPI, level);
        } else {
            self.set_ppi_level(cpu, intid, level);
        }
    }

    /// The four output levels to core `cpu` (all low for a core that does not exist).
    pub fn lines(&self, cpu: usize) -> CpuLines {
        self.lines.get(cpu).copied().unwrap_or_default()
    }

    /// The physical IRQ output to core `cpu`.
    pub fn irq(&self, cpu: usize) -> bool {
        self.lines(cpu).irq
    }

    /// The physical FIQ output to core `cpu`.
    pub fn fiq(&self, cpu: usize) -> bool {
        self.lines(cpu).fiq
    }

    /// The virtual IRQ output to core `cpu`.
    pub fn virq(&self, cpu: usize) -> bool {
        self.lines(cpu).virq
    }

    /// The virtual FIQ output to core `cpu`.
    pub fn vfiq(&self, cpu: usize) -> bool {
        self.lines(cpu).vfiq
    }

    /// A counter incremented whenever any output of any core changes; comparing it with the
    /// last value seen tells whether anything needs resampling.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The cores (bit n for core n) whose outputs changed since the last call, clearing the
    /// record.
    pub fn take_dirty(&mut self) -> u8 {
        std::mem::take(&mut self.dirty)
    }

    /// Whether interrupt `intid` is pending (as `GICD_ISPENDR` shows it) on core `cpu`; `cpu`
    /// selects the banked state of SGIs and PPIs.
    pub fn is_pending(&self, intid: u32, cpu: usize) -> bool {
        self.state_bit(intid, cpu, Distributor::pending_word)
    }

    /// Whether interrupt `intid` is active (as `GICD_ISACTIVER` shows it) on core `cpu`.
    pub fn is_active(&self, intid: u32, cpu: usize) -> bool {
        self.state_bit(intid, cpu, Distributor::active_word)
    }

    /// The level of the maintenance interrupt of core `cpu` (`GICH_HCR.En && GICH_MISR != 0`).
    pub fn maintenance(&self, cpu: usize) -> bool {
        cpu < self.config.cpus && self.dist.ppi_level(cpu, intid::MAINTENANCE)
    }

    fn state_bit(&self, intid: u32, cpu: usize, word: fn(&Distributor, usize, usize) -> u32) -> bool {
        if cpu >= self.config.cpus || intid >= self.config.interrupts() {
            return false;
        }
        word(&self.dist, cpu, intid as usize / 32) & (1 << (intid % 32)) != 0
    }

    /// Recomputes every core's outputs.
    pub(crate) fn update_all(&mut self) {
        for cpu in 0..self.config.cpus {
            self.update_cpu(cpu);
        }
    }

    /// Recomputes the outputs of the cores a change of interrupt `id`'s state can affect: all of
    /// them for an SPI, else `cpu`.
    pub(crate) fn update_for(&mut self, id: u32, cpu: usize) {
        if id >= intid::FIRST_SPI {
            self.update_all();
        } else {
            self.update_cpu(cpu);
        }
    }

    /// Recomputes the four outputs of `cpu` and records a change.
    pub(crate) fn update_cpu(&mut self, cpu: usize) {
        let (irq, fiq) = self.signal(cpu_interface::Kind::Physical, cpu);
        let (virq, vfiq) = self.signal(cpu_interface::Kind::Virtual, cpu);
        let lines = CpuLines { irq, fiq, virq, vfiq };
        if self.lines[cpu] != lines {
            self.lines[cpu] = lines;
            self.generation += 1;
            self.dirty |= 1 << cpu;
        }
    }
}
