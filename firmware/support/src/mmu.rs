//! Translation tables for the test programs (DDI 0487 D8.3 "Translation table descriptor
//! formats"): descriptor bits, a bump allocator of table memory ([`Pool`]), and [`Tables`], a
//! builder of one stage 1 or stage 2 tree of any granule, including concatenated initial stage 2
//! tables. The programs build tables with the MMU off (or through an identity map), so table
//! addresses are physical.
//!
//! ```text
//!   0x4000_0000  RAM (image at 0x4008_0000, see link.x)
//!   0x4400_0000  TABLE_POOL: 32 MiB of table memory handed out by Pool
//!   0x4600_0000  DATA: pages the programs map, remap and fault on
//!   0x4800_0000  end of the 128 MiB of QEMU `virt` (-m 128M) and of HyperSoC's `virt` model
//! ```

/// Physical memory the programs take translation tables from.
pub const TABLE_POOL: core::ops::Range<u64> = 0x4400_0000..0x4600_0000;
/// Physical memory the programs map as test data.
pub const DATA: u64 = 0x4600_0000;
/// QEMU `virt` RAM.
pub const RAM: core::ops::Range<u64> = 0x4000_0000..0x4800_0000;
/// The PL011 (UART0) window.
pub const UART: u64 = 0x0900_0000;

/// MAIR_ELx used by the programs: index 0 Normal Write-Back RW-allocate (0xff), 1 Device-nGnRnE
/// (0x00), 2 Normal Non-cacheable (0x44), 3 Device-nGnRE (0x04). D24.2 MAIR_EL1.
pub const MAIR: u64 = 0x0444_00ff;
/// MAIR index of Normal Write-Back memory.
pub const NORMAL: u64 = 0;
/// MAIR index of Device-nGnRnE memory.
pub const DEVICE: u64 = 1;
/// MAIR index of Normal Non-cacheable memory.
pub const NORMAL_NC: u64 = 2;

/// Descriptor fields (D8.3.1, D8.3.2).
pub mod desc {
    /// Block (levels 0-2) descriptor type bits.
    pub const BLOCK: u64 = 0b01;
    /// Table (levels 0-2) and page (level 3) descriptor type bits.
    pub const TABLE_OR_PAGE: u64 = 0b11;
    /// Access flag.
    pub const AF: u64 = 1 << 10;
    /// Not global (stage 1 of EL1&0): the entry belongs to the current ASID.
    pub const NG: u64 = 1 << 11;
    /// Inner Shareable (SH = 0b11).
    pub const SH_INNER: u64 = 3 << 8;
    /// Privileged execute-never (stage 1 of EL1&0).
    pub const PXN: u64 = 1 << 53;
    /// Unprivileged execute-never (EL1&0), execute-never (EL2, stage 2).
    pub const XN: u64 = 1 << 54;

    /// Stage 1 AttrIndx: the MAIR byte of the memory type.
    pub const fn attr(index: u64) -> u64 {
        (index & 7) << 2
    }

    /// Stage 1 AP\[2:1\]: 0b00 EL1 RW, 0b01 EL1+EL0 RW, 0b10 EL1 RO, 0b11 EL1+EL0 RO.
    pub const fn ap(ap: u64) -> u64 {
        (ap & 3) << 6
    }

    /// Stage 2 MemAttr\[3:0\] (0b1111 Normal Write-Back, 0b0000 Device-nGnRnE).
    pub const fn memattr(m: u64) -> u64 {
        (m & 15) << 2
    }

    /// Stage 2 S2AP\[1:0\]: bit 0 read, bit 1 write.
    pub const fn s2ap(ap: u64) -> u64 {
        (ap & 3) << 6
    }

    /// A valid stage 1 Normal Write-Back, Inner Shareable, accessed leaf with AP = `ap`.
    pub const fn normal(ap_bits: u64) -> u64 {
        attr(super::NORMAL) | ap(ap_bits) | SH_INNER | AF
    }

    /// A valid stage 1 Device-nGnRnE, execute-never, accessed leaf with AP = `ap`.
    pub const fn device(ap_bits: u64) -> u64 {
        attr(super::DEVICE) | ap(ap_bits) | AF | PXN | XN
    }

    /// A valid stage 2 Normal Write-Back read/write leaf.
    pub const S2_NORMAL: u64 = memattr(0b1111) | s2ap(3) | SH_INNER | AF;
}

/// Translation granule (D8.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granule {
    /// 4 KiB.
    K4,
    /// 16 KiB.
    K16,
    /// 64 KiB.
    K64,
}

impl Granule {
    /// The three granules.
    pub const ALL: [Granule; 3] = [Granule::K4, Granule::K16, Granule::K64];

    /// log2 of the granule size.
    pub const fn bits(self) -> u32 {
        match self {
            Granule::K4 => 12,
            Granule::K16 => 14,
            Granule::K64 => 16,
        }
    }

    /// The granule size in bytes.
    pub const fn size(self) -> u64 {
        1 << self.bits()
    }

    /// Address bits resolved per level.
    pub const fn stride(self) -> u32 {
        self.bits() - 3
    }

    /// log2 of the region one descriptor at `level` maps.
    pub const fn level_bits(self, level: u8) -> u32 {
        self.bits() + self.stride() * (3 - level as u32)
    }

    /// TCR_ELx.TG0 / VTCR_EL2.TG0 encoding.
    pub const fn tg0(self) -> u64 {
        match self {
            Granule::K4 => 0b00,
            Granule::K16 => 0b10,
            Granule::K64 => 0b01,
        }
    }

    /// TCR_EL1.TG1 encoding.
    pub const fn tg1(self) -> u64 {
        match self {
            Granule::K4 => 0b10,
            Granule::K16 => 0b01,
            Granule::K64 => 0b11,
        }
    }

    /// Name for output lines.
    pub const fn name(self) -> &'static str {
        match self {
            Granule::K4 => "4k",
            Granule::K16 => "16k",
            Granule::K64 => "64k",
        }
    }

    /// The stage 1 start level for an input size of `ia_bits` (pseudocode
    /// `AArch64.S1StartLevel`).
    pub const fn s1_start_level(self, ia_bits: u32) -> u8 {
        (3 - (ia_bits - 1 - self.bits()) / self.stride()) as u8
    }
}

/// A bump allocator of zeroed, granule-aligned table memory.
#[derive(Debug)]
pub struct Pool {
    next: u64,
    end: u64,
}

impl Pool {
    /// All of [`TABLE_POOL`].
    pub const fn new() -> Pool {
        Pool { next: TABLE_POOL.start, end: TABLE_POOL.end }
    }

    /// `size` zeroed bytes aligned to `align` (a power of two). Panics when the pool is used up.
    pub fn alloc(&mut self, size: u64, align: u64) -> u64 {
        let at = (self.next + align - 1) & !(align - 1);
        assert!(at + size <= self.end, "translation table pool exhausted");
        self.next = at + size;
        for word in (at..at + size).step_by(8) {
            write(word, 0);
        }
        at
    }
}

impl Default for Pool {
    fn default() -> Pool {
        Pool::new()
    }
}

fn write(pa: u64, value: u64) {
    // SAFETY: `pa` is 8-byte aligned RAM handed out by `Pool` (or a descriptor inside such a
    // table); the programs own it, and the MMU is off or maps it identically.
    unsafe { (pa as *mut u64).write_volatile(value) }
}

fn read(pa: u64) -> u64 {
    // SAFETY: as in `write`.
    unsafe { (pa as *const u64).read_volatile() }
}

/// One translation table tree.
#[derive(Clone, Copy, Debug)]
pub struct Tables {
    /// The granule.
    pub granule: Granule,
    /// Input address size in bits (64 - TxSZ).
    pub ia_bits: u32,
    /// Initial lookup level.
    pub start_level: u8,
    /// Address of the initial table (TTBRn_ELx / VTTBR_EL2 BADDR).
    pub root: u64,
}

impl Tables {
    /// An empty stage 1 tree for `ia_bits` = 64 - TxSZ.
    pub fn stage1(pool: &mut Pool, granule: Granule, ia_bits: u32) -> Tables {
        Tables::with_root(pool, granule, ia_bits, granule.s1_start_level(ia_bits))
    }

    /// An empty stage 2 tree starting at `start_level` (from VTCR_EL2.SL0); the initial table
    /// may be several concatenated tables (D8.2.x "Concatenated translation tables").
    pub fn stage2(pool: &mut Pool, granule: Granule, ia_bits: u32, start_level: u8) -> Tables {
        Tables::with_root(pool, granule, ia_bits, start_level)
    }

    fn with_root(pool: &mut Pool, granule: Granule, ia_bits: u32, start_level: u8) -> Tables {
        let mut t = Tables { granule, ia_bits, start_level, root: 0 };
        let size = (8u64 << t.index_bits(start_level)).max(granule.size());
        t.root = pool.alloc(size, size);
        t
    }

    fn index_bits(&self, level: u8) -> u32 {
        if level == self.start_level {
            self.ia_bits - self.granule.level_bits(level)
        } else {
            self.granule.stride()
        }
    }

    fn slot(&self, table: u64, ia: u64, level: u8) -> u64 {
        let index = (ia >> self.granule.level_bits(level)) & ((1 << self.index_bits(level)) - 1);
        table + 8 * index
    }

    /// The address of the descriptor for `ia` at `level`, creating the tables on the way.
    pub fn entry(&mut self, pool: &mut Pool, ia: u64, level: u8) -> u64 {
        let mut table = self.root;
        let mut l = self.start_level;
        loop {
            let at = self.slot(table, ia, l);
            if l >= level {
                return at;
            }
            let d = read(at);
            table = if d & 3 == desc::TABLE_OR_PAGE {
                d & 0x0000_ffff_ffff_f000 & !(self.granule.size() - 1)
            } else {
                let next = pool.alloc(self.granule.size(), self.granule.size());
                write(at, next | desc::TABLE_OR_PAGE);
                next
            };
            l += 1;
        }
    }

    /// Maps the `level` region of `ia` (a block at levels 1-2, a page at level 3) to `oa` with
    /// the attribute bits `attrs`. Returns the descriptor's address.
    pub fn map(&mut self, pool: &mut Pool, ia: u64, oa: u64, level: u8, attrs: u64) -> u64 {
        let kind = if level == 3 { desc::TABLE_OR_PAGE } else { desc::BLOCK };
        let oa = oa & 0x0000_ffff_ffff_ffff & !((1 << self.granule.level_bits(level)) - 1);
        self.set(pool, ia, level, oa | attrs | kind)
    }

    /// Maps `[ia, ia + len)` to `[oa, oa + len)` with descriptors at `level`.
    pub fn map_range(&mut self, pool: &mut Pool, ia: u64, oa: u64, len: u64, level: u8, attrs: u64) {
        let step = 1u64 << self.granule.level_bits(level);
        let start = ia & !(step - 1);
        let mut at = start;
        while at < ia + len {
            self.map(pool, at, oa.wrapping_add(at - start), level, attrs);
            at += step;
        }
    }

    /// Writes the raw descriptor `raw` for `ia` at `level` (invalid or odd encodings included).
    pub fn set(&mut self, pool: &mut Pool, ia: u64, level: u8, raw: u64) -> u64 {
        let at = self.entry(pool, ia, level);
        write(at, raw);
        at
    }

    /// The largest block level the granule allows at or after the start level (D8.3.1:
    /// 4 KiB blocks at levels 1 and 2, 16 KiB and 64 KiB at level 2).
    pub fn block_level(&self) -> u8 {
        match self.granule {
            Granule::K4 if self.start_level <= 1 => 1,
            _ => 2,
        }
    }

    /// The identity map of the programs' world: RAM as Normal Write-Back (AP = `ram_ap`), the
    /// UART as Device-nGnRnE (AP = `uart_ap`), both with level 2 blocks.
    pub fn identity(&mut self, pool: &mut Pool, ram_ap: u64, uart_ap: u64) {
        self.map_range(pool, RAM.start, RAM.start, RAM.end - RAM.start, 2, desc::normal(ram_ap));
        self.map_range(pool, UART, UART, 0x1000, 2, desc::device(uart_ap));
    }
}

/// Makes the descriptor writes visible to table walks (D8.2.x "Ordering of memory accesses from
/// translation table walks": DSB before use).
pub fn sync_tables() {
    // SAFETY: barriers only.
    unsafe { core::arch::asm!("dsb ish", "isb", options(nostack, preserves_flags)) }
}

/// TCR_EL2 (E2H = 0) for TTBR0_EL2 with `granule`, T0SZ = `t0sz`, Write-Back Inner Shareable
/// walks, PS = 40 bits, and TBI = `tbi`. RES1 bits 31 and 23. D24.2 TCR_EL2.
pub const fn tcr_el2(granule: Granule, t0sz: u64, tbi: bool) -> u64 {
    1 << 31 | 1 << 23 | (tbi as u64) << 20 | 0b010 << 16 | granule.tg0() << 14 | 3 << 12 | 1 << 10 | 1 << 8 | t0sz
}

/// TCR_EL1 with both ranges of `granule`, T0SZ = T1SZ = `tsz`, Write-Back Inner Shareable walks,
/// IPS = 40 bits, 8-bit ASIDs from TTBR0_EL1, and EPD1 = `epd1`. D24.2 TCR_EL1.
pub const fn tcr_el1(granule: Granule, tsz: u64, epd1: bool) -> u64 {
    0b010 << 32
        | granule.tg1() << 30
        | 3 << 28
        | 1 << 26
        | 1 << 24
        | (epd1 as u64) << 23
        | tsz << 16
        | granule.tg0() << 14
        | 3 << 12
        | 1 << 10
        | 1 << 8
        | tsz
}

/// VTCR_EL2 for `granule`, T0SZ = `t0sz`, SL0 = `sl0`, Write-Back Inner Shareable walks, PS =
/// 40 bits. RES1 bit 31. D24.2 VTCR_EL2.
pub const fn vtcr_el2(granule: Granule, t0sz: u64, sl0: u64) -> u64 {
    1 << 31 | 0b010 << 16 | granule.tg0() << 14 | 3 << 12 | 1 << 10 | 1 << 8 | sl0 << 6 | t0sz
}

/// SCTLR_ELx.M, C, I.
pub const SCTLR_MMU_ON: u64 = 1 | 1 << 2 | 1 << 12;

/// Turns the EL2 stage 1 MMU on with `tables` and `tcr` (after invalidating the EL2 TLB
/// entries), data and instruction caches enabled. Call at EL2 with the code, stack and UART
/// mapped by `tables` at their physical addresses.
pub fn enable_el2(tables: &Tables, tcr: u64) {
    sync_tables();
    crate::write_sysreg!(mair_el2, MAIR);
    crate::write_sysreg!(tcr_el2, tcr);
    crate::write_sysreg!(ttbr0_el2, tables.root);
    // SAFETY: TLB maintenance and barriers only.
    unsafe { core::arch::asm!("tlbi alle2", "dsb ish", "isb", options(nostack, preserves_flags)) }
    let sctlr = crate::read_sysreg!(sctlr_el2);
    crate::write_sysreg!(sctlr_el2, sctlr | SCTLR_MMU_ON);
    crate::sysreg::isb();
}

/// Turns the EL2 stage 1 MMU off (SCTLR_EL2.M = 0; C stays as it was).
pub fn disable_el2() {
    let sctlr = crate::read_sysreg!(sctlr_el2);
    crate::write_sysreg!(sctlr_el2, sctlr & !1);
    crate::sysreg::isb();
}
