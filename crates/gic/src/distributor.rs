//! The Distributor (GICD), IHI 0048B 4.3: interrupt enables, pending and active state, groups,
//! priorities, targets and trigger configuration; SGI generation.
//!
//! State is kept as words of 32 interrupt bits. SGIs and PPIs (word 0) are banked per core;
//! SPIs have one state for the whole GIC (the 1-N model, IHI 0048B 1.4.3). An interrupt is
//! pending when its pending latch is set (a rising edge of an edge-triggered input, a write to
//! `GICD_ISPENDR`, an SGI) or, if level-sensitive, while its input is high (IHI 0048B 3.2.4).
//! SGIs are pending per source core (`GICD_SPENDSGIR`).
//!
//! Registers are decoded one byte lane at a time, as QEMU does: a 4-byte access is four byte
//! accesses, so byte and halfword accesses work for every register.

use crate::{intid, Gic, ID_LIMIT, MAX_CPUS, WORDS};

/// `GICD_CTLR`, Distributor Control Register (IHI 0048B 4.3.1).
pub const GICD_CTLR: u64 = 0x000;
/// `GICD_TYPER`, Interrupt Controller Type Register (4.3.2).
pub const GICD_TYPER: u64 = 0x004;
/// `GICD_IIDR`, Distributor Implementer Identification Register (4.3.3).
pub const GICD_IIDR: u64 = 0x008;
/// `GICD_IGROUPR<n>`, Interrupt Group Registers (4.3.4).
pub const GICD_IGROUPR: u64 = 0x080;
/// `GICD_ISENABLER<n>`, Interrupt Set-Enable Registers (4.3.5).
pub const GICD_ISENABLER: u64 = 0x100;
/// `GICD_ICENABLER<n>`, Interrupt Clear-Enable Registers (4.3.6).
pub const GICD_ICENABLER: u64 = 0x180;
/// `GICD_ISPENDR<n>`, Interrupt Set-Pending Registers (4.3.7).
pub const GICD_ISPENDR: u64 = 0x200;
/// `GICD_ICPENDR<n>`, Interrupt Clear-Pending Registers (4.3.8).
pub const GICD_ICPENDR: u64 = 0x280;
/// `GICD_ISACTIVER<n>`, Interrupt Set-Active Registers (4.3.9).
pub const GICD_ISACTIVER: u64 = 0x300;
/// `GICD_ICACTIVER<n>`, Interrupt Clear-Active Registers (4.3.10).
pub const GICD_ICACTIVER: u64 = 0x380;
/// `GICD_IPRIORITYR<n>`, Interrupt Priority Registers, one byte per interrupt (4.3.11).
pub const GICD_IPRIORITYR: u64 = 0x400;
/// `GICD_ITARGETSR<n>`, Interrupt Processor Targets Registers, one byte per interrupt (4.3.12).
pub const GICD_ITARGETSR: u64 = 0x800;
/// `GICD_ICFGR<n>`, Interrupt Configuration Registers, two bits per interrupt (4.3.13).
pub const GICD_ICFGR: u64 = 0xc00;
/// `GICD_NSACR<n>`, Non-secure Access Control Registers (4.3.14): RAZ/WI without the Security
/// Extensions.
pub const GICD_NSACR: u64 = 0xe00;
/// `GICD_SGIR`, Software Generated Interrupt Register, write-only (4.3.15).
pub const GICD_SGIR: u64 = 0xf00;
/// `GICD_CPENDSGIR<n>`, SGI Clear-Pending Registers, one byte per SGI (4.3.16).
pub const GICD_CPENDSGIR: u64 = 0xf10;
/// `GICD_SPENDSGIR<n>`, SGI Set-Pending Registers, one byte per SGI (4.3.17).
pub const GICD_SPENDSGIR: u64 = 0xf20;
/// `GICD_PIDR4`, the first identification register (4.3.18); `PIDR4..PIDR7`, `PIDR0..PIDR3`
/// and `CIDR0..CIDR3` follow at 4-byte steps up to 0xffc.
pub const GICD_PIDR4: u64 = 0xfd0;
/// `GICD_PIDR2` (`ICPIDR2`), whose bits \[7:4\] give the architecture version, 2 (4.3.18).
pub const GICD_PIDR2: u64 = 0xfe8;

/// `GICD_CTLR.EnableGrp0`: forward Group 0 interrupts to the CPU interfaces.
pub const CTLR_ENABLE_GRP0: u32 = 1 << 0;
/// `GICD_CTLR.EnableGrp1`: forward Group 1 interrupts to the CPU interfaces.
pub const CTLR_ENABLE_GRP1: u32 = 1 << 1;

/// `GICD_IIDR` as QEMU reports it: implementer Arm (JEP106 0x43b), product 0, revision 0.
pub const IIDR_VALUE: u32 = 0x0000_043b;

/// The identification registers from 0xfd0 to 0xffc (`PIDR4..7`, `PIDR0..3`, `CIDR0..3`), one
/// value per word, as the GIC-400 (part number 0x490, JEP106 Arm, architecture revision 2)
/// reports them; QEMU's GICv2 reports the same.
pub const ID_REGISTERS: [u8; 12] = [0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/// `GICD_SGIR.SGIINTID`, bits \[3:0\].
pub const SGIR_INTID_MASK: u32 = 0xf;
/// `GICD_SGIR.CPUTargetList`, bits \[23:16\].
pub const SGIR_TARGET_LIST_SHIFT: u32 = 16;
/// `GICD_SGIR.TargetListFilter`, bits \[25:24\].
pub const SGIR_FILTER_SHIFT: u32 = 24;
/// TargetListFilter: send to the cores in CPUTargetList.
pub const SGIR_FILTER_LIST: u32 = 0b00;
/// TargetListFilter: send to every core but the requesting one.
pub const SGIR_FILTER_OTHERS: u32 = 0b01;
/// TargetListFilter: send to the requesting core only.
pub const SGIR_FILTER_SELF: u32 = 0b10;
/// `GICD_SGIR.NSATT`, bit 15: ignored without the Security Extensions.
pub const SGIR_NSATT: u32 = 1 << 15;

/// Interrupt bits of the SGIs in word 0.
const SGI_BITS: u32 = 0xffff;

/// The state of the SGIs and PPIs of one core (word 0 of every bitmap, banked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Banked {
    enabled: u32,
    /// Pending latch of the PPIs (SGIs use `sgi_sources`).
    pending: u32,
    active: u32,
    level: u32,
    edge: u32,
    group: u32,
    priority: [u8; 32],
    /// Per SGI, the source cores it is pending from (bit n: core n).
    sgi_sources: [u8; 16],
}

impl Banked {
    fn new() -> Banked {
        Banked {
            // SGIs are always enabled and edge-triggered.
            enabled: SGI_BITS,
            pending: 0,
            active: 0,
            level: 0,
            edge: SGI_BITS,
            group: 0,
            priority: [0; 32],
            sgi_sources: [0; 16],
        }
    }

    fn sgi_pending(&self) -> u32 {
        self.sgi_sources.iter().enumerate().fold(0, |acc, (i, &s)| acc | (u32::from(s != 0) << i))
    }
}

/// The Distributor's state.
#[derive(Clone, Debug)]
pub(crate) struct Distributor {
    ctlr: u32,
    /// SPI bitmaps, indexed by interrupt ID word (word 0 unused: see `banked`).
    enabled: [u32; WORDS],
    pending: [u32; WORDS],
    active: [u32; WORDS],
    level: [u32; WORDS],
    edge: [u32; WORDS],
    group: [u32; WORDS],
    /// SPI priorities and targets, indexed by interrupt ID (0..31 unused).
    priority: [u8; ID_LIMIT],
    targets: [u8; ID_LIMIT],
    /// Per core, the SPIs that target it (the `targets` bytes as bitmaps).
    targeted: [[u32; WORDS]; MAX_CPUS],
    banked: [Banked; MAX_CPUS],
}

impl Distributor {
    /// The reset state: everything disabled, inactive, Group 0, priority 0, level-sensitive;
    /// SPIs target no core, except in a uniprocessor GIC where everything targets core 0
    /// (4.3.12).
    pub(crate) fn new(cpus: usize) -> Distributor {
        let uniprocessor = cpus == 1;
        let mut targeted = [[0; WORDS]; MAX_CPUS];
        if uniprocessor {
            targeted[0] = [u32::MAX; WORDS];
        }
        Distributor {
            ctlr: 0,
            enabled: [0; WORDS],
            pending: [0; WORDS],
            active: [0; WORDS],
            level: [0; WORDS],
            edge: [0; WORDS],
            group: [0; WORDS],
            priority: [0; ID_LIMIT],
            targets: [u8::from(uniprocessor); ID_LIMIT],
            targeted,
            banked: [Banked::new(); MAX_CPUS],
        }
    }

    /// `GICD_CTLR`.
    pub(crate) fn ctlr(&self) -> u32 {
        self.ctlr
    }

    pub(crate) fn enabled_word(&self, cpu: usize, word: usize) -> u32 {
        if word == 0 {
            self.banked[cpu].enabled
        } else {
            self.enabled[word]
        }
    }

    /// Pending state as `GICD_ISPENDR` shows it: the latch, or a level-sensitive input high.
    pub(crate) fn pending_word(&self, cpu: usize, word: usize) -> u32 {
        if word == 0 {
            let b = &self.banked[cpu];
            b.sgi_pending() | ((b.pending | (b.level & !b.edge)) & !SGI_BITS)
        } else {
            self.pending[word] | (self.level[word] & !self.edge[word])
        }
    }

    pub(crate) fn active_word(&self, cpu: usize, word: usize) -> u32 {
        if word == 0 {
            self.banked[cpu].active
        } else {
            self.active[word]
        }
    }

    pub(crate) fn group_word(&self, cpu: usize, word: usize) -> u32 {
        if word == 0 {
            self.banked[cpu].group
        } else {
            self.group[word]
        }
    }

    fn edge_word(&self, cpu: usize, word: usize) -> u32 {
        if word == 0 {
            self.banked[cpu].edge
        } else {
            self.edge[word]
        }
    }

    /// The interrupts of `word` the Distributor forwards to `cpu`: enabled, pending, not active,
    /// targeting `cpu`, and in a group enabled by `grp0` / `grp1` (IHI 0048B 3.2.4, 4.3.1).
    pub(crate) fn candidates(&self, cpu: usize, word: usize, grp0: bool, grp1: bool) -> u32 {
        let group = self.group_word(cpu, word);
        let groups = (if grp0 { !group } else { 0 }) | (if grp1 { group } else { 0 });
        let targeted = if word == 0 { u32::MAX } else { self.targeted[cpu][word] };
        self.enabled_word(cpu, word) & self.pending_word(cpu, word) & !self.active_word(cpu, word) & targeted & groups
    }

    /// The priority of interrupt `id` as seen by `cpu`.
    pub(crate) fn priority(&self, cpu: usize, id: u32) -> u8 {
        let id = id as usize;
        if id < 32 {
            self.banked[cpu].priority[id]
        } else {
            self.priority[id]
        }
    }

    /// Whether interrupt `id` is Group 1 for `cpu`.
    pub(crate) fn is_group1(&self, cpu: usize, id: u32) -> bool {
        self.group_word(cpu, id as usize / 32) & (1 << (id % 32)) != 0
    }

    /// The lowest-numbered core that SGI `id` is pending from on `cpu`.
    pub(crate) fn sgi_source(&self, cpu: usize, id: u32) -> u32 {
        u32::from(self.banked[cpu].sgi_sources[id as usize]).trailing_zeros() & 7
    }

    /// The cores SPI `id` targets.
    pub(crate) fn spi_targets(&self, id: u32) -> u8 {
        self.targets[id as usize]
    }

    /// The input level of PPI `id` of `cpu`.
    pub(crate) fn ppi_level(&self, cpu: usize, id: u32) -> bool {
        self.banked[cpu].level & (1 << id) != 0
    }

    /// Sets the input level of SPI `id`; returns whether it changed.
    pub(crate) fn set_spi_level(&mut self, id: u32, level: bool) -> bool {
        let (word, bit) = (id as usize / 32, 1u32 << (id % 32));
        if (self.level[word] & bit != 0) == level {
            return false;
        }
        if level {
            self.level[word] |= bit;
            if self.edge[word] & bit != 0 {
                self.pending[word] |= bit;
            }
        } else {
            self.level[word] &= !bit;
        }
        true
    }

    /// Sets the input level of PPI `id` of `cpu`; returns whether it changed.
    pub(crate) fn set_ppi_level(&mut self, cpu: usize, id: u32, level: bool) -> bool {
        let b = &mut self.banked[cpu];
        let bit = 1u32 << id;
        if (b.level & bit != 0) == level {
            return false;
        }
        if level {
            b.level |= bit;
            if b.edge & bit != 0 {
                b.pending |= bit;
            }
        } else {
            b.level &= !bit;
        }
        true
    }

    /// Acknowledges interrupt `id` on `cpu` (`GICC_IAR`): clears its pending latch (for an SGI,
    /// the pending state from `source` only) and makes it active. A level-sensitive interrupt
    /// whose input is still high stays pending, so becomes active and pending (IHI 0048B 3.2.4).
    pub(crate) fn acknowledge(&mut self, cpu: usize, id: u32, source: u32) {
        let (word, bit) = (id as usize / 32, 1u32 << (id % 32));
        if word == 0 {
            let b = &mut self.banked[cpu];
            if id < intid::SGIS {
                b.sgi_sources[id as usize] &= !(1 << source);
            } else {
                b.pending &= !bit;
            }
            b.active |= bit;
        } else {
            self.pending[word] &= !bit;
            self.active[word] |= bit;
        }
    }

    /// Deactivates interrupt `id` for `cpu` (`GICC_EOIR` with EOImode 0, `GICC_DIR`, or a
    /// hardware list register).
    pub(crate) fn deactivate(&mut self, cpu: usize, id: u32) {
        let (word, bit) = (id as usize / 32, 1u32 << (id % 32));
        if word == 0 {
            self.banked[cpu].active &= !bit;
        } else {
            self.active[word] &= !bit;
        }
    }

    fn set_targets(&mut self, id: usize, targets: u8) {
        self.targets[id] = targets;
        let (word, bit) = (id / 32, 1u32 << (id % 32));
        for (cpu, map) in self.targeted.iter_mut().enumerate() {
            if targets & (1 << cpu) != 0 {
                map[word] |= bit;
            } else {
                map[word] &= !bit;
            }
        }
    }
}

/// Which bitmap a byte of the 0x080..0x3ff range addresses.
#[derive(Clone, Copy)]
enum Bitmap {
    Group,
    SetEnable,
    ClearEnable,
    SetPending,
    ClearPending,
    SetActive,
    ClearActive,
}

impl Gic {
    /// `GICD_TYPER`: ITLinesNumber \[4:0\], CPUNumber \[7:5\], SecurityExtn [10] = 0, LSPI = 0.
    fn typer(&self) -> u32 {
        (self.config.interrupts() / 32 - 1) | ((self.config.cpus as u32 - 1) << 5)
    }

    /// A Distributor read of `size` bytes at `offset` by `cpu`.
    pub(crate) fn gicd_read(&mut self, cpu: usize, offset: u64, size: u8) -> u32 {
        (0..u64::from(size)).fold(0, |acc, i| acc | (u32::from(self.gicd_read_byte(cpu, offset + i)) << (8 * i)))
    }

    /// A Distributor write of `size` bytes at `offset` by `cpu`.
    pub(crate) fn gicd_write(&mut self, cpu: usize, offset: u64, size: u8, value: u32) {
        if offset == GICD_SGIR {
            // GICD_SGIR acts only on a word write (QEMU); smaller writes are ignored.
            if size == 4 {
                self.send_sgi(cpu, value);
            }
        } else {
            for i in 0..u64::from(size) {
                self.gicd_write_byte(cpu, offset + i, (value >> (8 * i)) as u8);
            }
        }
        self.update_all();
    }

    fn gicd_read_byte(&self, cpu: usize, offset: u64) -> u8 {
        let off = offset as usize;
        let interrupts = self.config.interrupts() as usize;
        let d = &self.dist;
        match off {
            0x000 => d.ctlr as u8,
            0x004..=0x007 => (self.typer() >> (8 * (off - 0x004))) as u8,
            0x008..=0x00b => (IIDR_VALUE >> (8 * (off - 0x008))) as u8,
            0x080..=0x0ff => self.bitmap_byte(cpu, off - 0x080, Bitmap::Group),
            0x100..=0x1ff => self.bitmap_byte(cpu, off & 0x7f, Bitmap::SetEnable),
            0x200..=0x2ff => self.bitmap_byte(cpu, off & 0x7f, Bitmap::SetPending),
            0x300..=0x3ff => self.bitmap_byte(cpu, off & 0x7f, Bitmap::SetActive),
            0x400..=0x7ff => {
                let id = off - 0x400;
                if id < interrupts {
                    d.priority(cpu, id as u32)
                } else {
                    0
                }
            }
            0x800..=0xbff => {
                let id = off - 0x800;
                if self.config.cpus == 1 || id >= interrupts {
                    // Uniprocessor: RAZ/WI (4.3.12).
                    0
                } else if id < 32 {
                    // SGI and PPI targets read as the reading core's own bit.
                    1 << cpu
                } else {
                    d.targets[id]
                }
            }
            0xc00..=0xcff => {
                let first = (off - 0xc00) * 4;
                if first >= interrupts {
                    return 0;
                }
                let edge = d.edge_word(cpu, first / 32) >> (first % 32);
                // Int_config[1] of each of the four interrupts; Int_config[0] is RAZ.
                (0..4).fold(0, |acc, i| acc | (((edge >> i) & 1) << (2 * i + 1))) as u8
            }
            0xf10..=0xf2f => d.banked[cpu].sgi_sources[off & 0xf],
            0xfd0..=0xfff if off.is_multiple_of(4) => ID_REGISTERS[(off - 0xfd0) / 4],
            _ => 0,
        }
    }

    /// Byte `index` (interrupts `8 * index ..`) of a bitmap register, as read by `cpu`.
    fn bitmap_byte(&self, cpu: usize, index: usize, map: Bitmap) -> u8 {
        let first = index * 8;
        if first >= self.config.interrupts() as usize {
            return 0;
        }
        let (word, shift) = (first / 32, first % 32);
        let d = &self.dist;
        let value = match map {
            Bitmap::Group => d.group_word(cpu, word),
            Bitmap::SetEnable | Bitmap::ClearEnable => d.enabled_word(cpu, word),
            Bitmap::SetPending | Bitmap::ClearPending => d.pending_word(cpu, word),
            Bitmap::SetActive | Bitmap::ClearActive => d.active_word(cpu, word),
        };
        (value >> shift) as u8
    }

    fn gicd_write_byte(&mut self, cpu: usize, offset: u64, value: u8) {
        let off = offset as usize;
        let interrupts = self.config.interrupts() as usize;
        match off {
            0x000 => self.dist.ctlr = u32::from(value) & (CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1),
            0x080..=0x0ff => self.write_bitmap_byte(cpu, off - 0x080, Bitmap::Group, value),
            0x100..=0x17f => self.write_bitmap_byte(cpu, off - 0x100, Bitmap::SetEnable, value),
            0x180..=0x1ff => self.write_bitmap_byte(cpu, off - 0x180, Bitmap::ClearEnable, value),
            0x200..=0x27f => self.write_bitmap_byte(cpu, off - 0x200, Bitmap::SetPending, value),
            0x280..=0x2ff => self.write_bitmap_byte(cpu, off - 0x280, Bitmap::ClearPending, value),
            0x300..=0x37f => self.write_bitmap_byte(cpu, off - 0x300, Bitmap::SetActive, value),
            0x380..=0x3ff => self.write_bitmap_byte(cpu, off - 0x380, Bitmap::ClearActive, value),
            0x400..=0x7ff => {
                let id = off - 0x400;
                if id < interrupts {
                    let value = value & self.phys_params().priority_mask;
                    if id < 32 {
                        self.dist.banked[cpu].priority[id] = value;
                    } else {
                        self.dist.priority[id] = value;
                    }
                }
            }
            0x800..=0xbff => {
                let id = off - 0x800;
                // SGI/PPI targets are read-only; uniprocessor targets are RAZ/WI; bits of cores
                // that do not exist are RAZ/WI (4.3.12).
                if id >= 32 && id < interrupts && self.config.cpus > 1 {
                    self.dist.set_targets(id, value & self.cpu_mask);
                }
            }
            0xc00..=0xcff => {
                let first = (off - 0xc00) * 4;
                // SGIs are always edge-triggered (4.3.13); PPIs and SPIs are programmable.
                if first < intid::SGIS as usize || first >= interrupts {
                    return;
                }
                let (word, shift) = (first / 32, first % 32);
                let edges = (0..4).fold(0u32, |acc, i| acc | (u32::from((value >> (2 * i + 1)) & 1) << i));
                let slot = if word == 0 { &mut self.dist.banked[cpu].edge } else { &mut self.dist.edge[word] };
                *slot = (*slot & !(0xf << shift)) | (edges << shift);
            }
            0xf10..=0xf1f => self.dist.banked[cpu].sgi_sources[off & 0xf] &= !(value & self.cpu_mask),
            0xf20..=0xf2f => self.dist.banked[cpu].sgi_sources[off & 0xf] |= value & self.cpu_mask,
            _ => {}
        }
    }

    fn write_bitmap_byte(&mut self, cpu: usize, index: usize, map: Bitmap, value: u8) {
        let first = index * 8;
        if first >= self.config.interrupts() as usize {
            return;
        }
        let (word, shift) = (first / 32, first % 32);
        let bits = u32::from(value) << shift;
        // In word 0 the SGI bits of the enable and pending registers are fixed: SGIs are always
        // enabled, and their pending state is set and cleared through GICD_SGIR, SPENDSGIR and
        // CPENDSGIR (4.3.7, 4.3.8).
        let fixed = if word == 0 { SGI_BITS } else { 0 };
        let d = &mut self.dist;
        let banked = &mut d.banked[cpu];
        match map {
            Bitmap::Group => {
                let slot = if word == 0 { &mut banked.group } else { &mut d.group[word] };
                *slot = (*slot & !(0xff << shift)) | bits;
            }
            Bitmap::SetEnable => *(if word == 0 { &mut banked.enabled } else { &mut d.enabled[word] }) |= bits,
            Bitmap::ClearEnable => {
                *(if word == 0 { &mut banked.enabled } else { &mut d.enabled[word] }) &= !(bits & !fixed)
            }
            Bitmap::SetPending => {
                *(if word == 0 { &mut banked.pending } else { &mut d.pending[word] }) |= bits & !fixed
            }
            Bitmap::ClearPending => {
                *(if word == 0 { &mut banked.pending } else { &mut d.pending[word] }) &= !(bits & !fixed)
            }
            Bitmap::SetActive => *(if word == 0 { &mut banked.active } else { &mut d.active[word] }) |= bits,
            Bitmap::ClearActive => *(if word == 0 { &mut banked.active } else { &mut d.active[word] }) &= !bits,
        }
    }

    /// A write of `GICD_SGIR` by `cpu` (4.3.15): makes SGI `SGIINTID` pending from `cpu` on the
    /// cores the filter selects.
    fn send_sgi(&mut self, cpu: usize, value: u32) {
        let id = (value & SGIR_INTID_MASK) as usize;
        let list = (value >> SGIR_TARGET_LIST_SHIFT) as u8;
        let targets = match (value >> SGIR_FILTER_SHIFT) & 0b11 {
            SGIR_FILTER_LIST => list,
            SGIR_FILTER_OTHERS => !(1 << cpu),
            SGIR_FILTER_SELF => 1 << cpu,
            // Reserved: QEMU sends to every core.
            _ => u8::MAX,
        } & self.cpu_mask;
        for target in 0..self.config.cpus {
            if targets & (1 << target) != 0 {
                self.dist.banked[target].sgi_sources[id] |= 1 << cpu;
            }
        }
    }
}
