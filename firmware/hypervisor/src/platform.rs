//! The platform the hypervisor runs on: cores, RAM, GIC, console UART and timer frequency,
//! taken from the device tree when the loader passes one and otherwise from documented defaults.
//!
//! Discovery order: the blob at x0 (HyperSoC's boot protocol, DESIGN.md "Boot"); else a blob at
//! the base of RAM (QEMU places one there for bare ELF images but leaves x0 = 0); else
//! [`Platform::DEFAULT`], the QEMU `virt` / HyperSoC map with the cores found by probing PSCI
//! CPU_ON answers (see `smp.rs`).

use crate::fdt::{self, Fdt};

/// Most physical cores the hypervisor manages.
pub const MAX_CPUS: usize = 8;

/// Where the platform description came from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The device tree at this address.
    DeviceTree(usize),
    /// The built-in defaults.
    Defaults,
}

/// What the hypervisor knows about the machine.
#[derive(Clone, Copy)]
pub struct Platform {
    /// MPIDR affinity values (Aff2..Aff0) of the cores, index = physical core number.
    pub mpidr: [u64; MAX_CPUS],
    /// Number of valid entries in `mpidr`.
    pub cpus: usize,
    /// Physical RAM base.
    pub ram_base: u64,
    /// Physical RAM size.
    pub ram_size: u64,
    /// GICv2 distributor, CPU interface, virtual interface control, virtual CPU interface.
    pub gicd: u64,
    pub gicc: u64,
    pub gich: u64,
    pub gicv: u64,
    /// Console PL011.
    pub uart: u64,
    /// Device tree address and size, if one was found (reserved memory).
    pub dtb: Option<(u64, u64)>,
    /// The `model` property of the root node (first bytes), or "unknown".
    pub model: [u8; 32],
    /// Where this came from.
    pub source: Source,
}

impl Platform {
    /// QEMU `virt` / HyperSoC defaults (DESIGN.md "Default memory map"): 1 GiB of RAM at
    /// 0x4000_0000, GICv2 at 0x0800_0000/0x0801_0000/0x0803_0000/0x0804_0000, UART0 at
    /// 0x0900_0000, one core (MPIDR 0) until probing finds more.
    pub const DEFAULT: Platform = Platform {
        mpidr: [0; MAX_CPUS],
        cpus: 1,
        ram_base: 0x4000_0000,
        ram_size: 0x4000_0000,
        gicd: 0x0800_0000,
        gicc: 0x0801_0000,
        gich: 0x0803_0000,
        gicv: 0x0804_0000,
        uart: 0x0900_0000,
        dtb: None,
        model: *b"defaults (QEMU virt map)\0\0\0\0\0\0\0\0",
        source: Source::Defaults,
    };

    /// Discovers the platform from the device tree at `x0` or at the base of RAM.
    pub fn discover(x0: u64) -> Platform {
        for addr in [x0, Self::DEFAULT.ram_base] {
            // SAFETY: the candidate is either what the loader passed in x0 or the base of RAM;
            // both are in RAM, which is identity-mapped and at least 1 MiB long on every
            // supported platform; `Fdt::at` reads the header before trusting its size.
            if let Some(fdt) = unsafe { Fdt::at(addr as usize) } {
                if let Some(p) = Self::from_fdt(&fdt, addr) {
                    return p;
                }
            }
        }
        Self::DEFAULT
    }

    /// The platform described by `fdt` (found at `addr`), if it names RAM, cores and a GIC.
    pub fn from_fdt(fdt: &Fdt<'_>, addr: u64) -> Option<Platform> {
        let mut p = Platform { source: Source::DeviceTree(addr as usize), cpus: 0, ..Self::DEFAULT };
        p.dtb = Some((addr, fdt.size() as u64));
        p.model = [0; 32];
        let mut cpu_cells = 1usize;
        let mut ram = None;
        let mut gic_found = false;
        // First pass: compatible strings decide what a node is; the properties we need are
        // collected per node name in a second pass keyed by name prefix.
        fdt.walk(|path, name, value| match (path.len(), name) {
            (1, "model") => {
                let n = value.iter().position(|&c| c == 0).unwrap_or(value.len()).min(31);
                p.model[..n].copy_from_slice(&value[..n]);
            }
            (2, "#address-cells") if path[1] == "cpus" => {
                cpu_cells = fdt::cells(value, 0, 1).unwrap_or(1) as usize;
            }
            (3, "reg") if path[1] == "cpus" && path[2].starts_with("cpu@") => {
                if let Some(mpidr) = fdt::cells(value, 0, cpu_cells) {
                    if p.cpus < MAX_CPUS {
                        p.mpidr[p.cpus] = mpidr & 0xff_00ff_ffff;
                        p.cpus += 1;
                    }
                }
            }
            (2, "reg") if path[1].starts_with("memory") && ram.is_none() => {
                ram = Some((fdt::cells(value, 0, 2).unwrap_or(0), fdt::cells(value, 1, 2).unwrap_or(0)));
            }
            (2, "reg") if path[1].starts_with("intc") || path[1].starts_with("interrupt-controller") => {
                if let (Some(d), Some(c), Some(h), Some(v)) =
                    (fdt::cells(value, 0, 2), fdt::cells(value, 2, 2), fdt::cells(value, 4, 2), fdt::cells(value, 6, 2))
                {
                    (p.gicd, p.gicc, p.gich, p.gicv) = (d, c, h, v);
                    gic_found = true;
                }
            }
            _ => {}
        })?;
        // The console: /chosen/stdout-path names the node ("/pl011@9000000"); its unit address
        // is the base. Fall back to the default UART0.
        fdt.walk(|path, name, value| {
            if path.len() == 2 && path[1] == "chosen" && name == "stdout-path" {
                let s = core::str::from_utf8(value).unwrap_or("");
                if let Some(at) = s.find("pl011@") {
                    let hex = s[at + 6..].trim_end_matches('\0');
                    let hex = hex.split(':').next().unwrap_or("");
                    if let Ok(base) = u64::from_str_radix(hex, 16) {
                        p.uart = base;
                    }
                }
            }
        })?;
        let (base, size) = ram?;
        if size == 0 || p.cpus == 0 || !gic_found {
            return None;
        }
        p.ram_base = base;
        p.ram_size = size;
        Some(p)
    }

    /// The model string.
    pub fn model(&self) -> &str {
        let n = self.model.iter().position(|&c| c == 0).unwrap_or(self.model.len());
        core::str::from_utf8(&self.model[..n]).unwrap_or("?")
    }
}
