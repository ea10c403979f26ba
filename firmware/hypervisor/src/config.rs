//! The VM configuration blob: its binary layout (written by the host, `src/vmconfig.rs` of the
//! root package, from a `vms.toml`), parsing with bounds checks, and validation.
//!
//! The host loads the blob at [`CONFIG_BLOB_ADDR`] (HyperSoC: `FILE@0x44000000`; QEMU:
//! `-device loader,file=FILE,addr=0x44000000,force-raw=on`). All fields are little-endian.
//!
//! ```text
//! header (64 bytes)   0 magic "HSVMCFG1" | 8 version u32 = 1 | 12 vm_count u32 | 16 total_size u64
//! VM record i at 64 + i * 256:
//!   0 name [u8; 16] (NUL-padded UTF-8)  16 ram_ipa u64   24 ram_pa u64   32 ram_size u64
//!  40 entry u64 (IPA)   48 image_offset u64 (from the blob start)   56 image_size u64
//!  64 image_ipa u64     72 vcpus u32   76 priority u32   80 on_fault u32 (0 stop, 1 abort)
//!  84 device_count u32  88 vcpu_priority [u8; 8]   96 vcpu_affinity [u32; 8] (physical core mask)
//! 128 devices [4] x { kind [u8; 16], ipa u64, size u64 }
//! ```
//!
//! The host checks only the syntax; the hypervisor is the authority on what it will run and
//! refuses a configuration with one [`ConfigError`] line naming the VM and the reason.

use core::fmt;

use crate::platform::Platform;

/// Where the host loads the blob.
pub const CONFIG_BLOB_ADDR: u64 = 0x4400_0000;
/// Largest blob accepted (images included).
pub const MAX_BLOB: u64 = 0x0400_0000;
/// Blob magic and version.
const MAGIC: &[u8; 8] = b"HSVMCFG1";
const VERSION: u32 = 1;
const HEADER: usize = 64;
const RECORD: usize = 256;
/// Most VMs, vCPUs per VM and devices per VM.
pub const MAX_VMS: usize = 4;
pub const MAX_VCPUS: usize = 4;
pub const MAX_DEVICES: usize = 4;
/// Granule of VM RAM (stage-2 level-2 block, DDI 0487F D5.3.1): 2 MiB.
pub const RAM_GRANULE: u64 = 0x20_0000;
/// The guest IPA window the stage-2 tables cover (VTCR_EL2.T0SZ = 32): 4 GiB.
pub const IPA_LIMIT: u64 = 1 << 32;

/// What the hypervisor does when a VM touches an IPA outside its map.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FaultPolicy {
    /// Report and stop the VM.
    Stop,
    /// Report and inject a synchronous external abort into the guest.
    Abort,
}

/// Device kinds a VM may list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DeviceKind {
    /// Emulated PL011 (`pl011`), output prefixed with the VM name.
    Pl011,
    /// The virtual GIC (`gic`): GICD emulated at `ipa`, GICV mapped at `ipa + 0x1_0000`.
    Gic,
    /// PMU access (`pmu`): the guest may use the PMU registers (MDCR_EL2.TPM clear).
    Pmu,
}

/// One device of a VM.
#[derive(Clone, Copy, Debug)]
pub struct Device {
    pub kind: DeviceKind,
    pub ipa: u64,
    pub size: u64,
}

/// One VM of the configuration.
#[derive(Clone, Copy)]
pub struct VmConfig {
    pub name: [u8; 16],
    pub ram_ipa: u64,
    pub ram_pa: u64,
    pub ram_size: u64,
    pub entry: u64,
    pub image_offset: u64,
    pub image_size: u64,
    pub image_ipa: u64,
    pub vcpus: usize,
    pub priority: u32,
    pub on_fault: FaultPolicy,
    pub vcpu_priority: [u8; MAX_VCPUS],
    pub vcpu_affinity: [u32; MAX_VCPUS],
    pub devices: [Option<Device>; MAX_DEVICES],
}

impl VmConfig {
    /// The name as text.
    pub fn name(&self) -> &str {
        name_str(&self.name)
    }

    /// The device of a kind, if listed.
    pub fn device(&self, kind: DeviceKind) -> Option<Device> {
        self.devices.iter().flatten().copied().find(|d| d.kind == kind)
    }
}

fn name_str(name: &[u8; 16]) -> &str {
    let n = name.iter().position(|&c| c == 0).unwrap_or(16);
    core::str::from_utf8(&name[..n]).unwrap_or("?")
}

/// A parsed, validated configuration.
pub struct Config {
    pub vms: [Option<VmConfig>; MAX_VMS],
    pub count: usize,
}

/// Why a configuration is refused. `Display` is the refusal message.
#[derive(Clone, Copy, Debug)]
pub enum ConfigError {
    NoBlob { addr: u64 },
    Version { found: u32 },
    Size { size: u64 },
    VmCount { count: u32 },
    Name { vm: usize },
    DuplicateName { vm: [u8; 16] },
    RamGranule { vm: [u8; 16], ipa: u64, pa: u64, size: u64 },
    RamOutsidePhysical { vm: [u8; 16], pa: u64, size: u64, ram_base: u64, ram_size: u64 },
    RamOverlapsHypervisor { vm: [u8; 16], pa: u64, size: u64, hyp_end: u64 },
    RamOverlap { vm: [u8; 16], other: [u8; 16], pa: u64 },
    IpaWindow { vm: [u8; 16], ipa: u64, size: u64 },
    Vcpus { vm: [u8; 16], vcpus: u32 },
    Affinity { vm: [u8; 16], vcpu: usize, mask: u32, cpus: usize },
    DeviceCount { vm: [u8; 16], count: u32 },
    UnknownDevice { vm: [u8; 16], kind: [u8; 16] },
    DeviceOverlap { vm: [u8; 16], kind: [u8; 16], ipa: u64 },
    Image { vm: [u8; 16], offset: u64, size: u64 },
    ImageOutsideRam { vm: [u8; 16], ipa: u64, size: u64 },
    EntryOutsideRam { vm: [u8; 16], entry: u64 },
    FaultPolicy { vm: [u8; 16], value: u32 },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ConfigError::*;
        match *self {
            NoBlob { addr } => write!(f, "no VM configuration blob at {addr:#x} (magic HSVMCFG1 missing)"),
            Version { found } => write!(f, "blob version {found}, this hypervisor reads version {VERSION}"),
            Size { size } => write!(f, "blob size {size:#x} is not between the header size and {MAX_BLOB:#x}"),
            VmCount { count } => write!(f, "{count} VMs configured, 1..={MAX_VMS} supported"),
            Name { vm } => write!(f, "VM #{vm} has an empty or non-UTF-8 name"),
            DuplicateName { vm } => write!(f, "VM \"{}\" is configured twice", name_str(&vm)),
            RamGranule { vm, ipa, pa, size } => write!(
                f,
                "VM \"{}\": RAM ipa {ipa:#x} pa {pa:#x} size {size:#x} is not a non-zero multiple of 2 MiB at 2 MiB-aligned addresses",
                name_str(&vm)
            ),
            RamOutsidePhysical { vm, pa, size, ram_base, ram_size } => write!(
                f,
                "VM \"{}\": RAM {pa:#x}+{size:#x} is outside physical RAM {ram_base:#x}+{ram_size:#x}",
                name_str(&vm)
            ),
            RamOverlapsHypervisor { vm, pa, size, hyp_end } => write!(
                f,
                "VM \"{}\": RAM {pa:#x}+{size:#x} overlaps the hypervisor (below {hyp_end:#x}) or its configuration blob",
                name_str(&vm)
            ),
            RamOverlap { vm, other, pa } => write!(
                f,
                "VM \"{}\": RAM at {pa:#x} overlaps the RAM of VM \"{}\"",
                name_str(&vm),
                name_str(&other)
            ),
            IpaWindow { vm, ipa, size } => write!(
                f,
                "VM \"{}\": RAM ipa {ipa:#x}+{size:#x} is outside the 4 GiB IPA space",
                name_str(&vm)
            ),
            Vcpus { vm, vcpus } => write!(f, "VM \"{}\": vcpus = {vcpus}, must be 1..={MAX_VCPUS}", name_str(&vm)),
            Affinity { vm, vcpu, mask, cpus } => write!(
                f,
                "VM \"{}\": vCPU {vcpu} may run on no existing physical core (mask {mask:#x}, the platform has {cpus} cores)",
                name_str(&vm)
            ),
            DeviceCount { vm, count } => {
                write!(f, "VM \"{}\": {count} devices, at most {MAX_DEVICES}", name_str(&vm))
            }
            UnknownDevice { vm, kind } => write!(
                f,
                "VM \"{}\": unknown device \"{}\" (known: pl011, gic, pmu)",
                name_str(&vm),
                name_str(&kind)
            ),
            DeviceOverlap { vm, kind, ipa } => write!(
                f,
                "VM \"{}\": device \"{}\" at ipa {ipa:#x} overlaps its RAM or another device",
                name_str(&vm),
                name_str(&kind)
            ),
            Image { vm, offset, size } => write!(
                f,
                "VM \"{}\": image {offset:#x}+{size:#x} lies outside the blob",
                name_str(&vm)
            ),
            ImageOutsideRam { vm, ipa, size } => write!(
                f,
                "VM \"{}\": image {ipa:#x}+{size:#x} does not fit in the VM's RAM",
                name_str(&vm)
            ),
            EntryOutsideRam { vm, entry } => {
                write!(f, "VM \"{}\": entry {entry:#x} is outside the VM's RAM", name_str(&vm))
            }
            FaultPolicy { vm, value } => {
                write!(f, "VM \"{}\": on_fault = {value} (0 = stop, 1 = abort)", name_str(&vm))
            }
        }
    }
}

/// Little-endian reader over the blob with bounds checks.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u32(&self, at: usize) -> u32 {
        self.0.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes).unwrap_or(0)
    }
    fn u64(&self, at: usize) -> u64 {
        self.0.get(at..at + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes).unwrap_or(0)
    }
    fn name(&self, at: usize) -> [u8; 16] {
        let mut n = [0u8; 16];
        if let Some(b) = self.0.get(at..at + 16) {
            n.copy_from_slice(b);
        }
        n
    }
}

fn overlaps(a: u64, a_size: u64, b: u64, b_size: u64) -> bool {
    a < b.saturating_add(b_size) && b < a.saturating_add(a_size)
}

/// Reads and validates the blob at `addr` against the platform; `hyp_end` is the first byte
/// above the hypervisor image.
///
/// # Safety
/// `addr` must be readable RAM for at least the header, and for `total_size` bytes when the
/// magic matches (the caller checks that `[addr, addr + MAX_BLOB)` is in RAM).
pub unsafe fn parse(addr: u64, platform: &Platform, hyp_end: u64) -> Result<Config, ConfigError> {
    // SAFETY: the caller guarantees the header is readable.
    let header = unsafe { core::slice::from_raw_parts(addr as *const u8, HEADER) };
    if &header[..8] != MAGIC {
        return Err(ConfigError::NoBlob { addr });
    }
    let h = Reader(header);
    if h.u32(8) != VERSION {
        return Err(ConfigError::Version { found: h.u32(8) });
    }
    let size = h.u64(16);
    if size < HEADER as u64 || size > MAX_BLOB {
        return Err(ConfigError::Size { size });
    }
    // SAFETY: `size` is at most MAX_BLOB, which the caller guarantees is readable.
    let blob = unsafe { core::slice::from_raw_parts(addr as *const u8, size as usize) };
    let count = h.u32(12);
    if count == 0 || count as usize > MAX_VMS || HEADER + count as usize * RECORD > blob.len() {
        return Err(ConfigError::VmCount { count });
    }
    let mut config = Config { vms: [None; MAX_VMS], count: count as usize };
    for i in 0..count as usize {
        let r = Reader(&blob[HEADER + i * RECORD..HEADER + (i + 1) * RECORD]);
        let name = r.name(0);
        if name[0] == 0 || core::str::from_utf8(&name[..name.iter().position(|&c| c == 0).unwrap_or(16)]).is_err() {
            return Err(ConfigError::Name { vm: i });
        }
        let vm = VmConfig {
            name,
            ram_ipa: r.u64(16),
            ram_pa: r.u64(24),
            ram_size: r.u64(32),
            entry: r.u64(40),
            image_offset: r.u64(48),
            image_size: r.u64(56),
            image_ipa: r.u64(64),
            vcpus: r.u32(72) as usize,
            priority: r.u32(76),
            on_fault: match r.u32(80) {
                0 => FaultPolicy::Stop,
                1 => FaultPolicy::Abort,
                value => return Err(ConfigError::FaultPolicy { vm: name, value }),
            },
            vcpu_priority: [r.0[88], r.0[89], r.0[90], r.0[91]],
            vcpu_affinity: [r.u32(96), r.u32(100), r.u32(104), r.u32(108)],
            devices: [None; MAX_DEVICES],
        };
        let mut vm = vm;
        let device_count = r.u32(84);
        if device_count as usize > MAX_DEVICES {
            return Err(ConfigError::DeviceCount { vm: name, count: device_count });
        }
        for d in 0..device_count as usize {
            let at = 128 + d * 32;
            let kind_name = r.name(at);
            let kind = match name_str(&kind_name) {
                "pl011" => DeviceKind::Pl011,
                "gic" => DeviceKind::Gic,
                "pmu" => DeviceKind::Pmu,
                _ => return Err(ConfigError::UnknownDevice { vm: name, kind: kind_name }),
            };
            vm.devices[d] = Some(Device { kind, ipa: r.u64(at + 16), size: r.u64(at + 24) });
        }
        validate_vm(&vm, blob.len() as u64, platform, addr, size, hyp_end)?;
        for other in config.vms.iter().flatten() {
            if other.name == vm.name {
                return Err(ConfigError::DuplicateName { vm: name });
            }
            if overlaps(vm.ram_pa, vm.ram_size, other.ram_pa, other.ram_size) {
                return Err(ConfigError::RamOverlap { vm: name, other: other.name, pa: vm.ram_pa });
            }
        }
        config.vms[i] = Some(vm);
    }
    Ok(config)
}

fn validate_vm(
    vm: &VmConfig,
    blob_len: u64,
    platform: &Platform,
    blob_addr: u64,
    blob_size: u64,
    hyp_end: u64,
) -> Result<(), ConfigError> {
    let name = vm.name;
    let g = RAM_GRANULE - 1;
    if vm.ram_size == 0 || vm.ram_size & g != 0 || vm.ram_ipa & g != 0 || vm.ram_pa & g != 0 {
        return Err(ConfigError::RamGranule { vm: name, ipa: vm.ram_ipa, pa: vm.ram_pa, size: vm.ram_size });
    }
    let ram_end = platform.ram_base.saturating_add(platform.ram_size);
    if vm.ram_pa < platform.ram_base || vm.ram_pa.saturating_add(vm.ram_size) > ram_end {
        return Err(ConfigError::RamOutsidePhysical {
            vm: name,
            pa: vm.ram_pa,
            size: vm.ram_size,
            ram_base: platform.ram_base,
            ram_size: platform.ram_size,
        });
    }
    if overlaps(vm.ram_pa, vm.ram_size, platform.ram_base, hyp_end - platform.ram_base)
        || overlaps(vm.ram_pa, vm.ram_size, blob_addr, blob_size)
    {
        return Err(ConfigError::RamOverlapsHypervisor { vm: name, pa: vm.ram_pa, size: vm.ram_size, hyp_end });
    }
    if vm.ram_ipa.saturating_add(vm.ram_size) > IPA_LIMIT {
        return Err(ConfigError::IpaWindow { vm: name, ipa: vm.ram_ipa, size: vm.ram_size });
    }
    if vm.vcpus == 0 || vm.vcpus > MAX_VCPUS {
        return Err(ConfigError::Vcpus { vm: name, vcpus: vm.vcpus as u32 });
    }
    let existing = (1u32 << platform.cpus) - 1;
    for (vcpu, &mask) in vm.vcpu_affinity[..vm.vcpus].iter().enumerate() {
        if mask & existing == 0 {
            return Err(ConfigError::Affinity { vm: name, vcpu, mask, cpus: platform.cpus });
        }
    }
    for (i, d) in vm.devices.iter().enumerate() {
        let Some(d) = d else { continue };
        let clash = overlaps(d.ipa, d.size, vm.ram_ipa, vm.ram_size)
            || vm.devices[..i].iter().flatten().any(|o| overlaps(d.ipa, d.size, o.ipa, o.size));
        if clash || d.ipa.saturating_add(d.size) > IPA_LIMIT {
            let mut kind = [0u8; 16];
            let text: &[u8] = match d.kind {
                DeviceKind::Pl011 => b"pl011",
                DeviceKind::Gic => b"gic",
                DeviceKind::Pmu => b"pmu",
            };
            kind[..text.len()].copy_from_slice(text);
            if d.kind != DeviceKind::Pmu {
                return Err(ConfigError::DeviceOverlap { vm: name, kind, ipa: d.ipa });
            }
        }
    }
    if vm.image_offset < HEADER as u64 || vm.image_offset.saturating_add(vm.image_size) > blob_len || vm.image_size == 0
    {
        return Err(ConfigError::Image { vm: name, offset: vm.image_offset, size: vm.image_size });
    }
    if vm.image_ipa < vm.ram_ipa || vm.image_ipa.saturating_add(vm.image_size) > vm.ram_ipa + vm.ram_size {
        return Err(ConfigError::ImageOutsideRam { vm: name, ipa: vm.image_ipa, size: vm.image_size });
    }
    if vm.entry < vm.ram_ipa || vm.entry >= vm.ram_ipa + vm.ram_size {
        return Err(ConfigError::EntryOutsideRam { vm: name, entry: vm.entry });
    }
    Ok(())
}
