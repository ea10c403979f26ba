//! The virtual GIC distributor of a VM (trap-and-emulate, ARM IHI 0048B 4.3): the guest's GICD
//! IPA is unmapped in stage 2, every access arrives as an MMIO exit and lands here. The guest's
//! GICC is the hardware GICV mapped at its GICC IPA (see `mm.rs`), and virtual interrupts reach
//! it through the list registers (`vcpu.rs`).
//!
//! A VM owns INTIDs 0..31 of each of its vCPUs: SGIs (always enabled, as GICv2 allows, 4.3.5)
//! and PPIs (the virtual timer, 27). It owns no SPI in this release: registers of INTIDs >= 32
//! read as zero and ignore writes, and a write that tries to set something there is reported as
//! a refused access. GICD_SGIR delivers only to vCPUs of the same VM.

use crate::vcpu::Vcpu;

/// Distributor register offsets (IHI 0048B table 4-1).
mod reg {
    pub const CTLR: u64 = 0x000;
    pub const TYPER: u64 = 0x004;
    pub const IIDR: u64 = 0x008;
    pub const ISENABLER: u64 = 0x100;
    pub const ICENABLER: u64 = 0x180;
    pub const ISPENDR: u64 = 0x200;
    pub const ICPENDR: u64 = 0x280;
    pub const IPRIORITYR: u64 = 0x400;
    pub const ITARGETSR: u64 = 0x800;
    pub const ICFGR: u64 = 0xc00;
    pub const SGIR: u64 = 0xf00;
    pub const PIDR2: u64 = 0xfe8;
}

/// GICD_IIDR of a GIC-400 (implementer ARM, revision 2), what the guest sees.
const IIDR: u32 = 0x0200_143b;
/// GICD_PIDR2: ArchRev = 2 (GICv2) in bits 7:4, 0xB in bits 3:0.
const PIDR2: u32 = 0x2b;

/// What a distributor access asks of the hypervisor besides its value.
#[derive(Clone, Copy, Default)]
pub struct Effects {
    /// Virtual SGIs to deliver: (vCPU mask inside the VM, SGI number).
    pub sgi: Option<(u32, u32)>,
    /// A refused write: the first INTID (or vCPU mask for SGIs) it tried to touch.
    pub refused: Option<Refusal>,
    /// Enables or pending bits changed: flush the list registers.
    pub changed: bool,
}

/// A write the VM may not make.
#[derive(Clone, Copy, Debug)]
pub enum Refusal {
    /// A register of an interrupt the VM does not own.
    NotOwned { offset: u64, intid: u32 },
    /// SGIs aimed at vCPUs outside the VM (mask of vCPU numbers that do not exist).
    ForeignSgi { targets: u32, sgi: u32 },
}

/// The VM-wide distributor state (the rest is per vCPU, in [`Vcpu`]).
#[derive(Clone, Copy)]
pub struct Vgicd {
    pub ctlr: u32,
}

impl Vgicd {
    pub const fn new() -> Vgicd {
        Vgicd { ctlr: 0 }
    }

    /// Whether the distributor forwards interrupts (GICD_CTLR.Enable).
    pub fn enabled(&self) -> bool {
        self.ctlr & 1 != 0
    }

    /// A read of `width` bytes at `offset` by vCPU `me` of the VM whose vCPUs are `vcpus`.
    pub fn read(&self, vcpus: &[Option<Vcpu>], me: usize, offset: u64, width: u8) -> u32 {
        let Some(v) = vcpus.get(me).and_then(|v| v.as_ref()) else { return 0 };
        let word = offset & !3;
        let value = match word {
            reg::CTLR => self.ctlr,
            reg::TYPER => ((vcpus.len() as u32 - 1) & 7) << 5,
            reg::IIDR => IIDR,
            reg::ISENABLER | reg::ICENABLER => v.enabled,
            reg::ISPENDR | reg::ICPENDR => v.pending,
            o if (reg::IPRIORITYR..reg::IPRIORITYR + 32).contains(&o) => {
                let i = (o - reg::IPRIORITYR) as usize;
                u32::from_le_bytes([v.prio[i], v.prio[i + 1], v.prio[i + 2], v.prio[i + 3]])
            }
            o if (reg::ITARGETSR..reg::ITARGETSR + 32).contains(&o) => {
                // Read-only for INTIDs 0..31: each byte is the reading vCPU's own bit (4.3.12).
                u32::from_ne_bytes([1 << (me & 7); 4])
            }
            reg::ICFGR => 0xaaaa_aaaa,
            reg::PIDR2 => PIDR2,
            _ => 0,
        };
        let shift = (offset & 3) * 8;
        match width {
            1 => (value >> shift) & 0xff,
            2 => (value >> shift) & 0xffff,
            _ => value,
        }
    }

    /// A write of `value` (`width` bytes) at `offset` by vCPU `me`.
    pub fn write(&mut self, vcpus: &mut [Option<Vcpu>], me: usize, offset: u64, width: u8, value: u32) -> Effects {
        let mut fx = Effects::default();
        let count = vcpus.len();
        let Some(v) = vcpus.get_mut(me).and_then(|v| v.as_mut()) else { return fx };
        let word = offset & !3;
        let in_range = |base: u64, len: u64| (base..base + len).contains(&offset);
        match word {
            reg::CTLR => {
                self.ctlr = value & 1;
                fx.changed = true;
            }
            reg::ISENABLER => {
                v.enabled |= value & 0xffff_0000;
                fx.changed = true;
            }
            reg::ICENABLER => v.enabled &= !(value & 0xffff_0000),
            reg::ISPENDR => {
                v.pending |= value & 0xffff_0000;
                fx.changed = true;
            }
            reg::ICPENDR => v.pending &= !(value & 0xffff_0000),
            reg::SGIR => {
                let sgi = value & 0xf;
                let all = (1u32 << count) - 1;
                let targets = match (value >> 24) & 3 {
                    0 => (value >> 16) & 0xff,
                    1 => all & !(1 << me),
                    2 => 1 << me,
                    _ => 0,
                };
                if targets & !all != 0 {
                    fx.refused = Some(Refusal::ForeignSgi { targets: targets & !all, sgi });
                }
                if targets & all != 0 {
                    fx.sgi = Some((targets & all, sgi));
                }
            }
            _ if in_range(reg::IPRIORITYR, 32) => {
                let i = (offset - reg::IPRIORITYR) as usize;
                for b in 0..usize::from(width).min(32 - i) {
                    v.prio[i + b] = (value >> (8 * b)) as u8 & 0xf8;
                }
            }
            // Registers of INTIDs >= 32: the VM owns none of them.
            _ => {
                let first_intid = match word {
                    o if (0x100..0x400).contains(&o) => Some(((o & 0x7f) / 4) as u32 * 32),
                    o if (0x420..0x800).contains(&o) => Some((o - reg::IPRIORITYR) as u32),
                    o if (0x820..0xc00).contains(&o) => Some((o - reg::ITARGETSR) as u32),
                    o if (0xc08..0xd00).contains(&o) => Some((o - reg::ICFGR) as u32 * 4),
                    _ => None,
                };
                if let (Some(intid), true) = (first_intid, value != 0) {
                    fx.refused = Some(Refusal::NotOwned { offset, intid });
                }
            }
        }
        fx
    }
}
