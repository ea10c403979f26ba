//! SoC models as data: the `models/*.toml` files that say what a SoC is made of (RAM, core
//! clusters, the GIC, UARTs, VirtIO-MMIO slots, platform devices) and where each part sits.
//!
//! A model is parsed with serde (unknown fields are errors, so a typo never goes unnoticed) and
//! then validated as a whole: regions must not overlap, RAM must be page aligned, interrupt
//! numbers must exist on the GIC, and so on. Errors name the file and the problem, with the line
//! and column for syntax and type errors.
//!
//! The file format, field by field (integers may be written in hex, `0x0900_0000`):
//!
//! ```toml
//! name = "virt"                       # [a-z0-9_-]+; the DT root is compatible "hypersoc,<name>"
//! description = "..."                 # optional, one line for `hypersoc models`
//! compatible = ["linux,dummy-virt"]   # optional, more DT root compatible strings
//! clock_hz = 1_000_000_000            # core clock
//! timer_hz = 62_500_000               # generic timer frequency (CNTFRQ_EL0)
//!
//! [ram]
//! base = 0x4000_0000                  # 4 KiB aligned
//! size = 0x0800_0000                  # non-zero, 4 KiB aligned
//!
//! [[cluster]]                         # one per cluster, in MPIDR order; core 0 boots
//! name = "big"
//! core = "cortex-a57"                 # an ARMv8.0-A core, see CORE_TYPES
//! count = 2                           # cores, MPIDR_EL1.Aff0 = 0..count-1
//! aff1 = 0                            # MPIDR_EL1.Aff1 of the cluster
//! [cluster.tlb]                       # optional: this cluster's TLB, overriding [tlb]
//! sets = 128
//! ways = 4
//!
//! [tlb]                               # optional: every core's TLB model (defaults below)
//! sets = 256                          # main TLB sets, a power of two up to 65536
//! ways = 4                            # 1..=64
//! s2_sets = 64                        # stage 2 (IPA -> PA) cache sets, 0 = none
//! s2_ways = 4                         # 1..=64
//! replacement = "round-robin"         # or "lru"
//!
//! [gic]                               # GICv2 with the virtualization extensions
//! gicd = 0x0800_0000                  # each region 64 KiB (GIC_REGION_SIZE)
//! gicc = 0x0801_0000
//! gich = 0x0803_0000
//! gicv = 0x0804_0000
//! spis = 256                          # number of SPIs, a multiple of 32, at most 988
//! list_registers = 4                  # GICH_LR<n> count, 1..=64
//!
//! [[uart]]                            # PL011s, 4 KiB each; the first is the console
//! name = "uart0"
//! base = 0x0900_0000
//! spi = 1                             # SPI number (INTID 32 + spi)
//!
//! [virtio_mmio]
//! base = 0x0a00_0000
//! slots = 32
//! slot_size = 0x200
//! first_spi = 16                      # slot n uses SPI first_spi + n
//!
//! [[device]]                          # platform devices; `kind` says which model serves it
//! name = "smmu"
//! kind = "arm,mmu-500"
//! base = 0x0c00_0000
//! size = 0x2_0000
//! spis = [64, 65]                     # optional
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use cpu::mmu::{Replacement, TlbConfig};
use serde::Deserialize;

/// Size of each GIC register region (GICD, GICC, GICH, GICV), as QEMU's `virt` maps them.
pub const GIC_REGION_SIZE: u64 = 0x1_0000;

/// Size of a PL011 register window (PL011 TRM, ARM DDI 0183, table 3-1).
pub const UART_SIZE: u64 = 0x1000;

/// Granule RAM must be aligned to.
pub const PAGE_SIZE: u64 = 0x1000;

/// The most cores a GICv2 serves: 8 CPU interfaces (GIC architecture specification v2, IHI 0048B,
/// 1.4.2 and GICD_ITARGETSR).
pub const MAX_CORES: usize = 8;

/// The most SPIs a GICv2 supports: INTIDs 32..1019 (IHI 0048B 2.2.1).
pub const MAX_SPIS: u32 = 988;

/// Core types a model may name: ARMv8.0-A cores (the DT `compatible` is `arm,<core>`).
pub const CORE_TYPES: &[&str] = &["cortex-a35", "cortex-a53", "cortex-a57", "cortex-a72", "cortex-a73"];

/// The built-in models.
const BUILTIN: &[(&str, &str)] =
    &[("virt", include_str!("../../../models/virt.toml")), ("cockpit", include_str!("../../../models/cockpit.toml"))];

/// The built-in models as (name, TOML text); the first one is not the default, `cockpit` is.
pub fn builtin_models() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

/// A SoC description.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Short name, e.g. `virt`.
    pub name: String,
    /// One line describing the SoC.
    #[serde(default)]
    pub description: String,
    /// More compatible strings for the device-tree root, after `hypersoc,<name>`.
    #[serde(default)]
    pub compatible: Vec<String>,
    /// Core clock frequency in Hz.
    pub clock_hz: u64,
    /// Generic timer frequency in Hz (the value of CNTFRQ_EL0; ARM ARM D10.1.2).
    pub timer_hz: u32,
    /// The RAM.
    pub ram: Ram,
    /// Core clusters, in MPIDR order. Core 0 (first core of the first cluster) boots.
    #[serde(rename = "cluster")]
    pub clusters: Vec<Cluster>,
    /// The GICv2.
    pub gic: Gic,
    /// PL011 UARTs; the first is the console (`stdout-path`).
    #[serde(rename = "uart", default)]
    pub uarts: Vec<Uart>,
    /// The VirtIO-MMIO transport slots.
    pub virtio_mmio: VirtioMmio,
    /// Other devices, e.g. in the platform window.
    #[serde(rename = "device", default)]
    pub devices: Vec<PlatformDevice>,
    /// The TLB model of every core (clusters may override it); [`Tlb::default`] when absent.
    #[serde(default)]
    pub tlb: Option<Tlb>,
}

/// The RAM region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ram {
    /// Physical base address.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
}

/// A cluster of identical cores sharing MPIDR_EL1.Aff1.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Name, e.g. `big`.
    pub name: String,
    /// Core type, one of [`CORE_TYPES`].
    pub core: String,
    /// Number of cores.
    pub count: u32,
    /// MPIDR_EL1.Aff1 of the cluster's cores.
    pub aff1: u8,
    /// The TLB model of the cluster's cores, overriding [`Model::tlb`].
    #[serde(default)]
    pub tlb: Option<Tlb>,
}

/// TLB victim selection (`replacement` in a `[tlb]` section).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlbReplacement {
    /// One pointer per set, advanced on each fill.
    #[default]
    RoundRobin,
    /// Least recently used.
    Lru,
}

/// The geometry of a core's TLB model (the `mmu` crate's [`TlbConfig`]; sizes and
/// associativity are IMPLEMENTATION DEFINED, ARM ARM D8.16): a main TLB of combined stage 1 and
/// stage 2 entries, and a cache of stage 2 entries used by table walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tlb {
    /// Sets of the main TLB, a power of two (1..=65536).
    pub sets: u32,
    /// Ways of the main TLB (1..=64).
    pub ways: u32,
    /// Sets of the stage 2 cache, a power of two, or 0 for none.
    #[serde(default)]
    pub s2_sets: u32,
    /// Ways of the stage 2 cache (1..=64).
    #[serde(default = "default_s2_ways")]
    pub s2_ways: u32,
    /// Victim selection of both.
    #[serde(default)]
    pub replacement: TlbReplacement,
}

fn default_s2_ways() -> u32 {
    4
}

impl Default for Tlb {
    /// 256 sets x 4 ways (1024 entries, a Cortex-A57 main TLB) and a 64 x 4 stage 2 cache,
    /// round-robin: the `mmu` crate's default.
    fn default() -> Tlb {
        let d = TlbConfig::default();
        Tlb {
            sets: d.sets as u32,
            ways: d.ways as u32,
            s2_sets: d.s2_sets as u32,
            s2_ways: d.s2_ways as u32,
            replacement: TlbReplacement::RoundRobin,
        }
    }
}

impl Tlb {
    /// The configuration the `mmu` crate takes.
    pub fn config(&self) -> TlbConfig {
        TlbConfig {
            sets: self.sets as usize,
            ways: self.ways as usize,
            s2_sets: self.s2_sets as usize,
            s2_ways: self.s2_ways as usize,
            replacement: match self.replacement {
                TlbReplacement::RoundRobin => Replacement::RoundRobin,
                TlbReplacement::Lru => Replacement::Lru,
            },
        }
    }

    /// Checks the sizes; `section` names the table in errors (`tlb`, `cluster big tlb`).
    fn validate(&self, section: &str) -> Result<(), Invalid> {
        let bad = |field: &'static str, value: u32, rule: &'static str| {
            Err(Invalid::BadTlb { section: section.to_string(), field, value, rule })
        };
        if !(1..=65536).contains(&self.sets) || !self.sets.is_power_of_two() {
            return bad("sets", self.sets, "a power of two between 1 and 65536");
        }
        if !(1..=64).contains(&self.ways) {
            return bad("ways", self.ways, "between 1 and 64");
        }
        if self.s2_sets > 65536 || (self.s2_sets != 0 && !self.s2_sets.is_power_of_two()) {
            return bad("s2_sets", self.s2_sets, "0 or a power of two up to 65536");
        }
        if !(1..=64).contains(&self.s2_ways) {
            return bad("s2_ways", self.s2_ways, "between 1 and 64");
        }
        Ok(())
    }
}

/// The GICv2 (with the virtualization extensions) register regions and sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gic {
    /// Distributor base.
    pub gicd: u64,
    /// CPU interface base.
    pub gicc: u64,
    /// Virtual interface control base.
    pub gich: u64,
    /// Virtual CPU interface base.
    pub gicv: u64,
    /// Number of SPIs (GICD_TYPER.ITLinesNumber = spis / 32).
    pub spis: u32,
    /// Number of list registers (GICH_VTR.ListRegs + 1).
    pub list_registers: u8,
}

/// A PL011 UART.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uart {
    /// Name, e.g. `uart0`.
    pub name: String,
    /// Base address of its 4 KiB window.
    pub base: u64,
    /// SPI number of its interrupt (INTID 32 + spi).
    pub spi: u32,
}

/// The VirtIO-MMIO transport slots (VirtIO 1.0, 4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtioMmio {
    /// Base address of slot 0.
    pub base: u64,
    /// Number of slots.
    pub slots: u32,
    /// Size of each slot's window (at least 0x200: registers up to 0x100, then the device
    /// configuration space).
    pub slot_size: u64,
    /// SPI number of slot 0; slot n uses `first_spi + n`.
    pub first_spi: u32,
}

impl VirtioMmio {
    /// Base address of slot `n`.
    pub fn slot_base(&self, n: u32) -> u64 {
        self.base + u64::from(n) * self.slot_size
    }
}

/// A device described only by kind, window and interrupts; the SoC builds the models it knows
/// (and the device tree describes them) and leaves the others out.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformDevice {
    /// Name, e.g. `smmu`.
    pub name: String,
    /// What it is, as a device-tree compatible string, e.g. `arm,mmu-500`.
    pub kind: String,
    /// Base address.
    pub base: u64,
    /// Size of its window in bytes.
    pub size: u64,
    /// SPI numbers of its interrupts.
    #[serde(default)]
    pub spis: Vec<u32>,
}

/// One core of a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreInfo<'a> {
    /// Index of the core (0 boots), in MPIDR order.
    pub index: usize,
    /// Index of its cluster in [`Model::clusters`].
    pub cluster: usize,
    /// Its core type, e.g. `cortex-a57`.
    pub core: &'a str,
    /// Its MPIDR_EL1 value (ARM ARM D13.2.86: bit 31 RES1, U = 0, MT = 0, Aff1.Aff0).
    pub mpidr: u64,
}

impl CoreInfo<'_> {
    /// The affinity fields of MPIDR_EL1 (Aff3, Aff2, Aff1, Aff0), as PSCI and the device tree
    /// name the core.
    pub fn affinity(&self) -> u64 {
        self.mpidr & 0xff_00ff_ffff
    }
}

/// A model file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The name is not a built-in model and no such file exists.
    #[error("unknown model `{name}`: not a built-in model ({builtins}) and no such file")]
    Unknown {
        /// What was asked for.
        name: String,
        /// The built-in names, comma separated.
        builtins: String,
    },
    /// The file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not match the schema.
    #[error("{}: line {line}, column {column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The model parses but does not describe a buildable SoC.
    #[error("{}: {problem}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        problem: Invalid,
    },
}

/// A named address range, for overlap reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// What the region is, e.g. `uart0` or `GICD`.
    pub name: String,
    /// First address.
    pub base: u64,
    /// Size in bytes (non-zero).
    pub size: u64,
}

impl Region {
    fn new(name: impl Into<String>, base: u64, size: u64) -> Region {
        Region { name: name.into(), base, size }
    }

    /// One past the last address; `None` when it would pass 2^64.
    fn end(&self) -> Option<u64> {
        self.base.checked_add(self.size)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last = self.base.saturating_add(self.size.saturating_sub(1));
        write!(f, "{} [{:#x}..={:#x}]", self.name, self.base, last)
    }
}

/// Why a parsed model does not describe a buildable SoC.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// The name is empty or has characters other than `a-z`, `0-9`, `-` and `_`.
    #[error("model name `{0}` must be non-empty and use only a-z, 0-9, '-' and '_'")]
    BadName(String),
    /// RAM has size 0.
    #[error("RAM size is 0")]
    RamEmpty,
    /// RAM base or size is not a multiple of 4 KiB.
    #[error("RAM base {base:#x} and size {size:#x} must be multiples of 4 KiB")]
    RamNotAligned {
        /// Base.
        base: u64,
        /// Size.
        size: u64,
    },
    /// A frequency is 0.
    #[error("{0} must not be 0")]
    ZeroFrequency(&'static str),
    /// No clusters, or no cores at all.
    #[error("the model has no cores")]
    NoCores,
    /// A cluster has no cores.
    #[error("cluster `{0}` has count = 0")]
    EmptyCluster(String),
    /// More cores than the GICv2 has CPU interfaces.
    #[error("{count} cores, but a GICv2 serves at most {MAX_CORES}")]
    TooManyCores {
        /// Cores in the model.
        count: usize,
    },
    /// Two clusters have the same Aff1.
    #[error("clusters `{first}` and `{second}` both have aff1 = {aff1}")]
    DuplicateAff1 {
        /// The first cluster.
        first: String,
        /// The second cluster.
        second: String,
        /// Their Aff1.
        aff1: u8,
    },
    /// A core type that is not a known ARMv8.0-A core.
    #[error("cluster `{cluster}`: unknown core type `{core}` (known: {})", CORE_TYPES.join(", "))]
    UnknownCore {
        /// The cluster.
        cluster: String,
        /// The core type given.
        core: String,
    },
    /// The SPI count is not a multiple of 32 in 32..=988.
    #[error("gic.spis = {0}: must be a multiple of 32 between 32 and {MAX_SPIS}")]
    BadSpiCount(u32),
    /// The list register count is not in 1..=64.
    #[error("gic.list_registers = {0}: must be between 1 and 64")]
    BadListRegisters(u8),
    /// The VirtIO slot size is too small or not a power of two.
    #[error("virtio_mmio.slot_size = {0:#x}: must be a power of two of at least 0x200")]
    BadSlotSize(u64),
    /// A device window of size 0.
    #[error("device `{0}` has size 0")]
    EmptyRegion(String),
    /// A region reaches past the top of the physical address space.
    #[error("{name} at {base:#x} with size {size:#x} passes the top of the address space")]
    RegionOverflow {
        /// The region.
        name: String,
        /// Its base.
        base: u64,
        /// Its size.
        size: u64,
    },
    /// Two regions overlap.
    #[error("{first} overlaps {second}")]
    Overlap {
        /// One region.
        first: Region,
        /// The other.
        second: Region,
    },
    /// An interrupt beyond the GIC's SPIs.
    #[error("{device}: SPI {spi} does not exist (gic.spis = {spis})")]
    SpiOutOfRange {
        /// The device.
        device: String,
        /// Its SPI.
        spi: u32,
        /// The GIC's SPI count.
        spis: u32,
    },
    /// A TLB size out of range.
    #[error("{section}.{field} = {value}: must be {rule}")]
    BadTlb {
        /// The table, e.g. `tlb` or `cluster big tlb`.
        section: String,
        /// The field.
        field: &'static str,
        /// Its value.
        value: u32,
        /// What it must be.
        rule: &'static str,
    },
    /// Two devices share an SPI.
    #[error("{first} and {second} both use SPI {spi}")]
    SharedSpi {
        /// One device.
        first: String,
        /// The other.
        second: String,
        /// The SPI.
        spi: u32,
    },
}

impl Model {
    /// Loads a built-in model by name, or else the model file at `name_or_path`.
    pub fn load(name_or_path: &str) -> Result<Model, ModelError> {
        if let Some((name, text)) = BUILTIN.iter().find(|(name, _)| *name == name_or_path) {
            return Model::parse_str(text, &builtin_path(name));
        }
        let path = Path::new(name_or_path);
        let looks_like_path = name_or_path.contains(std::path::MAIN_SEPARATOR)
            || name_or_path.contains('/')
            || path.extension().is_some()
            || path.exists();
        if !looks_like_path {
            return Err(ModelError::Unknown {
                name: name_or_path.to_string(),
                builtins: BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            });
        }
        Model::load_file(path)
    }

    /// Loads the model file at `path`.
    pub fn load_file(path: &Path) -> Result<Model, ModelError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ModelError::Read { path: path.to_path_buf(), source })?;
        Model::parse_str(&text, path)
    }

    /// Parses and validates model text; `path` names it in errors.
    pub fn parse_str(text: &str, path: &Path) -> Result<Model, ModelError> {
        let model: Model = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |span| line_column(text, span.start));
            ModelError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().replace('\n', " "),
            }
        })?;
        model.validate().map_err(|problem| ModelError::Invalid { path: path.to_path_buf(), problem })?;
        Ok(model)
    }

    /// Checks that the model describes a buildable SoC.
    pub fn validate(&self) -> Result<(), Invalid> {
        let name_ok = !self.name.is_empty()
            && self.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !name_ok {
            return Err(Invalid::BadName(self.name.clone()));
        }
        if self.clock_hz == 0 {
            return Err(Invalid::ZeroFrequency("clock_hz"));
        }
        if self.timer_hz == 0 {
            return Err(Invalid::ZeroFrequency("timer_hz"));
        }
        self.validate_ram()?;
        self.validate_cores()?;
        self.validate_gic()?;
        self.validate_regions()?;
        self.validate_spis()
    }

    fn validate_ram(&self) -> Result<(), Invalid> {
        let Ram { base, size } = self.ram;
        if size == 0 {
            return Err(Invalid::RamEmpty);
        }
        if !base.is_multiple_of(PAGE_SIZE) || !size.is_multiple_of(PAGE_SIZE) {
            return Err(Invalid::RamNotAligned { base, size });
        }
        Ok(())
    }

    fn validate_cores(&self) -> Result<(), Invalid> {
        if self.clusters.is_empty() {
            return Err(Invalid::NoCores);
        }
        for (i, cluster) in self.clusters.iter().enumerate() {
            if cluster.count == 0 {
                return Err(Invalid::EmptyCluster(cluster.name.clone()));
            }
            if !CORE_TYPES.contains(&cluster.core.as_str()) {
                return Err(Invalid::UnknownCore { cluster: cluster.name.clone(), core: cluster.core.clone() });
            }
            if let Some(first) = self.clusters[..i].iter().find(|c| c.aff1 == cluster.aff1) {
                return Err(Invalid::DuplicateAff1 {
                    first: first.name.clone(),
                    second: cluster.name.clone(),
                    aff1: cluster.aff1,
                });
            }
        }
        let count = self.clusters.iter().map(|c| c.count as usize).sum();
        if count > MAX_CORES {
            return Err(Invalid::TooManyCores { count });
        }
        if let Some(tlb) = &self.tlb {
            tlb.validate("tlb")?;
        }
        for cluster in &self.clusters {
            if let Some(tlb) = &cluster.tlb {
                tlb.validate(&format!("cluster {} tlb", cluster.name))?;
            }
        }
        Ok(())
    }

    /// The TLB model of the cores of cluster `cluster` (an index into [`Model::clusters`]): the
    /// cluster's own, else the model's, else the default.
    pub fn tlb(&self, cluster: usize) -> Tlb {
        self.clusters.get(cluster).and_then(|c| c.tlb).or(self.tlb).unwrap_or_default()
    }

    fn validate_gic(&self) -> Result<(), Invalid> {
        let spis = self.gic.spis;
        if !(32..=MAX_SPIS).contains(&spis) || !spis.is_multiple_of(32) {
            return Err(Invalid::BadSpiCount(spis));
        }
        if !(1..=64).contains(&self.gic.list_registers) {
            return Err(Invalid::BadListRegisters(self.gic.list_registers));
        }
        let slot = self.virtio_mmio.slot_size;
        if slot < 0x200 || !slot.is_power_of_two() {
            return Err(Invalid::BadSlotSize(slot));
        }
        Ok(())
    }

    /// Every address range the model occupies: RAM, the GIC regions, the UARTs, the VirtIO
    /// slots (as one window) and the platform devices.
    pub fn regions(&self) -> Vec<Region> {
        let mut regions = vec![
            Region::new("RAM", self.ram.base, self.ram.size),
            Region::new("GICD", self.gic.gicd, GIC_REGION_SIZE),
            Region::new("GICC", self.gic.gicc, GIC_REGION_SIZE),
            Region::new("GICH", self.gic.gich, GIC_REGION_SIZE),
            Region::new("GICV", self.gic.gicv, GIC_REGION_SIZE),
        ];
        regions.extend(self.uarts.iter().map(|u| Region::new(u.name.clone(), u.base, UART_SIZE)));
        let virtio = &self.virtio_mmio;
        if virtio.slots > 0 {
            let size = u64::from(virtio.slots).saturating_mul(virtio.slot_size);
            regions.push(Region::new("virtio_mmio", virtio.base, size));
        }
        regions.extend(self.devices.iter().map(|d| Region::new(d.name.clone(), d.base, d.size)));
        regions
    }

    fn validate_regions(&self) -> Result<(), Invalid> {
        if let Some(device) = self.devices.iter().find(|d| d.size == 0) {
            return Err(Invalid::EmptyRegion(device.name.clone()));
        }
        let regions = self.regions();
        for region in &regions {
            if region.end().is_none() {
                return Err(Invalid::RegionOverflow {
                    name: region.name.clone(),
                    base: region.base,
                    size: region.size,
                });
            }
        }
        for (i, a) in regions.iter().enumerate() {
            for b in &regions[i + 1..] {
                // Both ends exist: checked above.
                if a.base < b.end().unwrap_or(u64::MAX) && b.base < a.end().unwrap_or(u64::MAX) {
                    return Err(Invalid::Overlap { first: a.clone(), second: b.clone() });
                }
            }
        }
        Ok(())
    }

    /// Every SPI the model wires, with the name of its device.
    pub fn spi_users(&self) -> Vec<(String, u32)> {
        let mut users: Vec<(String, u32)> = self.uarts.iter().map(|u| (u.name.clone(), u.spi)).collect();
        let virtio = &self.virtio_mmio;
        users.extend((0..virtio.slots).map(|n| (format!("virtio_mmio slot {n}"), virtio.first_spi.saturating_add(n))));
        for device in &self.devices {
            users.extend(device.spis.iter().map(|&spi| (device.name.clone(), spi)));
        }
        users
    }

    fn validate_spis(&self) -> Result<(), Invalid> {
        let spis = self.gic.spis;
        let users = self.spi_users();
        for (i, (device, spi)) in users.iter().enumerate() {
            if *spi >= spis {
                return Err(Invalid::SpiOutOfRange { device: device.clone(), spi: *spi, spis });
            }
            if let Some((first, _)) = users[..i].iter().find(|(_, s)| s == spi) {
                return Err(Invalid::SharedSpi { first: first.clone(), second: device.clone(), spi: *spi });
            }
        }
        Ok(())
    }

    /// The cores, in MPIDR order (cluster by cluster, Aff0 = 0, 1, ...).
    pub fn cores(&self) -> Vec<CoreInfo<'_>> {
        let mut cores = Vec::new();
        for (cluster_index, cluster) in self.clusters.iter().enumerate() {
            for aff0 in 0..cluster.count {
                cores.push(CoreInfo {
                    index: cores.len(),
                    cluster: cluster_index,
                    core: &cluster.core,
                    mpidr: (1 << 31) | (u64::from(cluster.aff1) << 8) | u64::from(aff0 & 0xff),
                });
            }
        }
        cores
    }

    /// The MPIDR_EL1 value of each core, in core index order.
    pub fn core_mpidrs(&self) -> Vec<u64> {
        self.cores().iter().map(|c| c.mpidr).collect()
    }

    /// Number of cores.
    pub fn core_count(&self) -> usize {
        self.clusters.iter().map(|c| c.count as usize).sum()
    }
}

/// How a built-in model is named in errors: the file it was compiled from.
fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("models/{name}.toml"))
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small valid model to break in tests.
    const BASE: &str = r#"
name = "test"
clock_hz = 1_000_000_000
timer_hz = 62_500_000

[ram]
base = 0x4000_0000
size = 0x100_0000

[[cluster]]
name = "c0"
core = "cortex-a53"
count = 2
aff1 = 0

[gic]
gicd = 0x0800_0000
gicc = 0x0801_0000
gich = 0x0803_0000
gicv = 0x0804_0000
spis = 64
list_registers = 4

[[uart]]
name = "uart0"
base = 0x0900_0000
spi = 1

[virtio_mmio]
base = 0x0a00_0000
slots = 4
slot_size = 0x200
first_spi = 16
"#;

    fn parse(text: &str) -> Result<Model, ModelError> {
        Model::parse_str(text, Path::new("models/test.toml"))
    }

    fn invalid(text: &str) -> Invalid {
        match parse(text) {
            Err(ModelError::Invalid { problem, .. }) => problem,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn builtins_parse_and_validate() {
        let names: Vec<&str> = builtin_models().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["virt", "cockpit"]);
        for (name, _) in builtin_models() {
            let model = Model::load(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(model.name, *name);
            assert!(!model.description.is_empty());
        }
    }

    #[test]
    fn virt_matches_the_design_memory_map() {
        let virt = Model::load("virt").unwrap();
        assert_eq!(virt.ram, Ram { base: 0x4000_0000, size: 128 << 20 });
        assert_eq!(
            (virt.gic.gicd, virt.gic.gicc, virt.gic.gich, virt.gic.gicv),
            (0x0800_0000, 0x0801_0000, 0x0803_0000, 0x0804_0000)
        );
        assert_eq!(virt.uarts[0].base, 0x0900_0000);
        assert_eq!(virt.uarts[0].spi, 1);
        assert_eq!(virt.virtio_mmio, VirtioMmio { base: 0x0a00_0000, slots: 32, slot_size: 0x200, first_spi: 16 });
        assert_eq!(virt.timer_hz, 62_500_000);
        assert_eq!(virt.core_mpidrs(), [0x8000_0000]);
    }

    #[test]
    fn builtin_tlbs() {
        let virt = Model::load("virt").unwrap();
        assert_eq!(virt.tlb(0).config(), TlbConfig::default());
        let cockpit = Model::load("cockpit").unwrap();
        assert_eq!((cockpit.tlb(0).sets, cockpit.tlb(1).sets), (256, 128));
    }

    #[test]
    fn cockpit_has_two_clusters() {
        let cockpit = Model::load("cockpit").unwrap();
        assert_eq!(
            cockpit.core_mpidrs(),
            [0x8000_0000, 0x8000_0001, 0x8000_0100, 0x8000_0101, 0x8000_0102, 0x8000_0103]
        );
        let cores = cockpit.cores();
        assert_eq!(cores[0].core, "cortex-a57");
        assert_eq!(cores[5].core, "cortex-a53");
        assert_eq!(cores[5].cluster, 1);
        assert_eq!(cores[5].affinity(), 0x103);
        assert_eq!(cockpit.ram.size, 1 << 30);
        assert_eq!(cockpit.uarts.len(), 4);
        assert!(cockpit.devices.iter().any(|d| d.kind == "arm,mmu-500"));
        assert_eq!(cockpit.core_count(), 6);
    }

    #[test]
    fn base_is_valid() {
        let model = parse(BASE).unwrap();
        assert_eq!(model.core_mpidrs(), [0x8000_0000, 0x8000_0001]);
        assert_eq!(model.virtio_mmio.slot_base(3), 0x0a00_0600);
    }

    #[test]
    fn unknown_field_names_file_line_and_column() {
        let text = BASE.replace("[ram]\n", "[ram]\ncolour = 3\n");
        let err = parse(&text).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("models/test.toml: line 7, column 1: unknown field `colour`"), "{message}");
        assert!(!message.contains('\n'));
    }

    #[test]
    fn wrong_type_is_a_syntax_error() {
        let text = BASE.replace("base = 0x4000_0000", "base = \"not a number\"");
        match parse(&text).unwrap_err() {
            ModelError::Syntax { line, column, message, .. } => {
                assert_eq!((line, column), (7, 8));
                assert!(message.contains("invalid type"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let err = parse("name = \n").unwrap_err();
        assert!(matches!(err, ModelError::Syntax { line: 1, .. }), "{err:?}");
        let err = parse("name = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
    }

    #[test]
    fn unknown_name_and_missing_file() {
        let err = Model::load("no-such-model").unwrap_err();
        assert!(matches!(err, ModelError::Unknown { .. }));
        let message = err.to_string();
        assert!(message.contains("no-such-model") && message.contains("virt, cockpit"), "{message}");

        let err = Model::load("/nonexistent/model.toml").unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("cannot read /nonexistent/model.toml: "), "{message}");
        assert!(message.contains("No such file"), "{message}");
    }

    #[test]
    fn loads_a_file() {
        let dir = std::env::temp_dir().join(format!("hypersoc-model-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("mine.toml");
        std::fs::write(&path, BASE).unwrap();
        let model = Model::load(path.to_str().unwrap()).unwrap();
        assert_eq!(model.name, "test");
        std::fs::write(&path, BASE.replace("spis = 64", "spis = 48")).unwrap();
        let message = Model::load(path.to_str().unwrap()).unwrap_err().to_string();
        assert!(message.contains("mine.toml: gic.spis = 48"), "{message}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ram_checks() {
        assert_eq!(invalid(&BASE.replace("size = 0x100_0000", "size = 0")), Invalid::RamEmpty);
        assert_eq!(
            invalid(&BASE.replace("size = 0x100_0000", "size = 0x100_0800")),
            Invalid::RamNotAligned { base: 0x4000_0000, size: 0x100_0800 }
        );
        assert!(matches!(
            invalid(&BASE.replace("base = 0x4000_0000", "base = 0x4000_0010")),
            Invalid::RamNotAligned { .. }
        ));
    }

    #[test]
    fn core_checks() {
        assert_eq!(invalid(&BASE.replace("count = 2", "count = 0")), Invalid::EmptyCluster("c0".into()));
        assert_eq!(invalid(&BASE.replace("count = 2", "count = 9")), Invalid::TooManyCores { count: 9 });
        assert!(matches!(invalid(&BASE.replace("cortex-a53", "cortex-a76")), Invalid::UnknownCore { .. }));
        let second = "[[cluster]]\nname = \"c1\"\ncore = \"cortex-a57\"\ncount = 1\naff1 = 0\n";
        let text = BASE.replace("[gic]", &format!("{second}\n[gic]"));
        assert_eq!(invalid(&text), Invalid::DuplicateAff1 { first: "c0".into(), second: "c1".into(), aff1: 0 });
        // `cluster = []` must come before the first table header to be a top-level key.
        let without_clusters =
            BASE.split("[[cluster]]").next().unwrap().to_string() + &BASE[BASE.find("[gic]").unwrap()..];
        let no_clusters = without_clusters.replacen("[ram]", "cluster = []\n\n[ram]", 1);
        assert_eq!(invalid(&no_clusters), Invalid::NoCores);
    }

    #[test]
    fn gic_checks() {
        assert_eq!(invalid(&BASE.replace("spis = 64", "spis = 0")), Invalid::BadSpiCount(0));
        assert_eq!(invalid(&BASE.replace("spis = 64", "spis = 992")), Invalid::BadSpiCount(992));
        assert_eq!(invalid(&BASE.replace("list_registers = 4", "list_registers = 0")), Invalid::BadListRegisters(0));
        assert_eq!(invalid(&BASE.replace("slot_size = 0x200", "slot_size = 0x300")), Invalid::BadSlotSize(0x300));
    }

    #[test]
    fn frequency_and_name_checks() {
        assert_eq!(invalid(&BASE.replace("timer_hz = 62_500_000", "timer_hz = 0")), Invalid::ZeroFrequency("timer_hz"));
        assert_eq!(
            invalid(&BASE.replace("clock_hz = 1_000_000_000", "clock_hz = 0")),
            Invalid::ZeroFrequency("clock_hz")
        );
        assert_eq!(invalid(&BASE.replace("name = \"test\"", "name = \"My SoC\"")), Invalid::BadName("My SoC".into()));
    }

    #[test]
    fn overlapping_regions() {
        let err = invalid(&BASE.replace("base = 0x0900_0000", "base = 0x0801_8000"));
        match &err {
            Invalid::Overlap { first, second } => {
                assert_eq!(first.name, "GICC");
                assert_eq!(second.name, "uart0");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.to_string(), "GICC [0x8010000..=0x801ffff] overlaps uart0 [0x8018000..=0x8018fff]");
        // A device inside RAM.
        let device = "\n[[device]]\nname = \"dma\"\nkind = \"x\"\nbase = 0x4000_1000\nsize = 0x1000\n";
        assert!(matches!(invalid(&format!("{BASE}{device}")), Invalid::Overlap { .. }));
        // VirtIO slots run into the next region.
        let device = "\n[[device]]\nname = \"dma\"\nkind = \"x\"\nbase = 0x0a00_0600\nsize = 0x1000\n";
        assert!(matches!(invalid(&format!("{BASE}{device}")), Invalid::Overlap { .. }));
        let device = "\n[[device]]\nname = \"dma\"\nkind = \"x\"\nbase = 0x0c00_0000\nsize = 0\n";
        assert_eq!(invalid(&format!("{BASE}{device}")), Invalid::EmptyRegion("dma".into()));
        // TOML integers are i64, so only a model built in code can run past the top of the
        // address space.
        let mut model = parse(BASE).unwrap();
        let uart = model.uarts[0].clone();
        model.uarts.push(Uart { name: "top".into(), base: u64::MAX - 0x7ff, ..uart });
        assert!(matches!(model.validate(), Err(Invalid::RegionOverflow { .. })));
    }

    #[test]
    fn spi_checks() {
        assert_eq!(
            invalid(&BASE.replace("\nspi = 1\n", "\nspi = 64\n")),
            Invalid::SpiOutOfRange { device: "uart0".into(), spi: 64, spis: 64 }
        );
        // Slots 16..=19; slot 3 is SPI 19.
        assert_eq!(
            invalid(&BASE.replace("\nspi = 1\n", "\nspi = 19\n")),
            Invalid::SharedSpi { first: "uart0".into(), second: "virtio_mmio slot 3".into(), spi: 19 }
        );
        assert!(matches!(invalid(&BASE.replace("first_spi = 16", "first_spi = 61")), Invalid::SpiOutOfRange { .. }));
        let device = "\n[[device]]\nname = \"dma\"\nkind = \"x\"\nbase = 0x0c00_0000\nsize = 0x1000\nspis = [8, 100]\n";
        assert!(matches!(invalid(&format!("{BASE}{device}")), Invalid::SpiOutOfRange { spi: 100, .. }));
    }

    #[test]
    fn tlb_sections() {
        let model = parse(BASE).unwrap();
        assert_eq!(model.tlb(0), Tlb::default());
        assert_eq!(model.tlb(0).config(), TlbConfig::default());
        let text = format!("{BASE}\n[tlb]\nsets = 64\nways = 2\nreplacement = \"lru\"\n");
        let model = parse(&text).unwrap();
        let cfg = model.tlb(0).config();
        assert_eq!((cfg.sets, cfg.ways, cfg.s2_sets, cfg.s2_ways), (64, 2, 0, 4));
        assert_eq!(cfg.replacement, Replacement::Lru);
        // A cluster's own section wins.
        let text = BASE.replace("aff1 = 0\n", "aff1 = 0\n[cluster.tlb]\nsets = 8\nways = 1\ns2_sets = 4\n");
        let model = parse(&format!("{text}\n[tlb]\nsets = 64\nways = 2\n")).unwrap();
        assert_eq!((model.tlb(0).sets, model.tlb(0).s2_sets, model.tlb(1).sets), (8, 4, 64));
        // Errors name the file, the section and the rule.
        let err = parse(&format!("{BASE}\n[tlb]\nsets = 48\nways = 2\n")).unwrap_err().to_string();
        assert_eq!(err, "models/test.toml: tlb.sets = 48: must be a power of two between 1 and 65536");
        let text = BASE.replace("aff1 = 0\n", "aff1 = 0\n[cluster.tlb]\nsets = 8\nways = 65\n");
        let err = parse(&text).unwrap_err().to_string();
        assert_eq!(err, "models/test.toml: cluster c0 tlb.ways = 65: must be between 1 and 64");
        let err = parse(&format!("{BASE}\n[tlb]\nsets = 8\nways = 2\ns2_sets = 3\n")).unwrap_err();
        assert!(matches!(err, ModelError::Invalid { problem: Invalid::BadTlb { field: "s2_sets", .. }, .. }));
        let err = parse(&format!("{BASE}\n[tlb]\nsets = 8\nways = 2\nreplacement = \"fifo\"\n")).unwrap_err();
        assert!(matches!(err, ModelError::Syntax { .. }), "{err}");
        let err = parse(&format!("{BASE}\n[tlb]\nsets = 8\nways = 2\nlevels = 2\n")).unwrap_err();
        assert!(err.to_string().contains("unknown field `levels`"), "{err}");
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\ncdé\nfg";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 9), (3, 2));
        assert_eq!(line_column(text, 100), (3, 3));
    }
}
