//! Translation tables: the hypervisor's own EL2 stage-1 map (identity: device memory below
//! RAM, RAM Normal write-back) and one stage-2 table per VM. VMSAv8-64 with the 4 KiB granule
//! (DDI 0487F D5.2 "The VMSAv8-64 address translation system", D5.3 "descriptor formats").
//!
//! ```text
//! EL2 stage 1 (TCR_EL2.T0SZ = 25: 39-bit VA, start at level 1, 1 GiB blocks)
//!   0x0000_0000 .. 0x3fff_ffff   Device-nGnRnE, XN        (GIC, UARTs, platform devices)
//!   RAM (each GiB it covers)     Normal WB, inner shareable
//! Stage 2 per VM (VTCR_EL2.T0SZ = 32: 4 GiB IPA, SL0 = 1: start at level 1)
//!   RAM ipa .. +size   -> its partition's PA, Normal WB, RW, 2 MiB blocks
//!   GICC ipa (gic + 0x1_0000) -> GICV, 2 pages, Device-nGnRE, RW, XN
//!   everything else    -> translation fault (emulated devices trap here, ESR_EL2.ISV = 1)
//! ```
//! Tables come from a static pool; a VM needs at most four pages.

use crate::sync::SpinLock;

/// 4 KiB table: 512 descriptors.
#[repr(C, align(4096))]
pub struct Table([u64; 512]);

/// Pages of the pool (EL2: 1 L1 + up to 2 L2 for RAM; per VM: 1 L1, 2 L2, 1 L3).
const POOL_PAGES: usize = 32;

struct Pool {
    pages: [Table; POOL_PAGES],
    used: usize,
}

static POOL: SpinLock<Pool> = SpinLock::new(Pool { pages: [const { Table([0; 512]) }; POOL_PAGES], used: 0 });

/// Descriptor bits (D5.3.1, D5.3.3).
mod desc {
    /// Block (level 1/2).
    pub const BLOCK: u64 = 0b01;
    /// Table (level 0-2) or page (level 3).
    pub const TABLE: u64 = 0b11;
    pub const PAGE: u64 = 0b11;
    /// Access flag.
    pub const AF: u64 = 1 << 10;
    /// SH = inner shareable.
    pub const SH_INNER: u64 = 0b11 << 8;
    /// Stage 1 AttrIndx (bits 4:2).
    pub const fn attr(index: u64) -> u64 {
        index << 2
    }
    /// Execute-never (stage 1 EL2: XN, bit 54; stage 2: XN[1] = bit 54, XN[0] RES0 in v8.0).
    pub const XN: u64 = 1 << 54;
    /// Stage 2 S2AP = read/write (bits 7:6).
    pub const S2AP_RW: u64 = 0b11 << 6;
    /// Stage 2 MemAttr (bits 5:2): Normal outer WB, inner WB.
    pub const S2_NORMAL: u64 = 0b1111 << 2;
    /// Stage 2 MemAttr: Device-nGnRE.
    pub const S2_DEVICE: u64 = 0b0001 << 2;
}

/// MAIR_EL2: Attr0 = Device-nGnRnE (0x00), Attr1 = Normal inner/outer WB RW-allocate (0xff).
/// D13.2 "MAIR_EL2".
pub const MAIR_EL2: u64 = 0xff << 8;
/// TCR_EL2: T0SZ = 25, IRGN0 = ORGN0 = WB (01), SH0 = inner, TG0 = 4 KiB, PS = 40 bits (010),
/// RES1 bits 31 and 23. D13.2 "TCR_EL2".
pub const TCR_EL2: u64 = 25 | (0b01 << 8) | (0b01 << 10) | (0b11 << 12) | (0b010 << 16) | (1 << 23) | (1 << 31);
/// VTCR_EL2: T0SZ = 32, SL0 = 01 (level 1), IRGN0 = ORGN0 = WB, SH0 = inner, TG0 = 4 KiB,
/// PS = 40 bits, RES1 bit 31. D13.2 "VTCR_EL2".
pub const VTCR_EL2: u64 = 32 | (0b01 << 6) | (0b01 << 8) | (0b01 << 10) | (0b11 << 12) | (0b010 << 16) | (1 << 31);
/// SCTLR_EL2 with the MMU on: RES1 bits, M, C, SA, I. D13.2 "SCTLR_EL2".
pub const SCTLR_EL2_MMU: u64 = 0x30C5_0830 | 1 | (1 << 2) | (1 << 3) | (1 << 12);

const GIB: u64 = 1 << 30;
/// L1 slot of the probe alias (VA 0x7f_c000_0000, the last GiB of the 39-bit EL2 VA space).
const PROBE_SLOT: u64 = 511;
/// Set while [`probe`] runs, so a fault during it is reported as "no translation".
pub static PROBING: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
/// The word the probe reads through the alias.
static PROBE_WORD: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0x4879_7065_7253_6f43);
const MIB2: u64 = 1 << 21;
const PAGE: u64 = 1 << 12;

/// A table page from the pool, zeroed; `None` when the pool is exhausted.
fn alloc() -> Option<*mut Table> {
    let mut pool = POOL.lock();
    let i = pool.used;
    if i >= POOL_PAGES {
        return None;
    }
    pool.used += 1;
    let page: *mut Table = &mut pool.pages[i];
    Some(page)
}

/// The next-level table of descriptor `slot`, created if absent.
///
/// # Safety
/// `table` must be a pool page.
unsafe fn next(table: *mut Table, slot: usize) -> Option<*mut Table> {
    // SAFETY: pool pages live forever; the pool lock is not needed for a page already handed
    // out, whose only writer is the (single) builder of its VM at boot.
    let d = unsafe { (*table).0[slot] };
    if d & 0b11 == desc::TABLE {
        return Some((d & 0x0000_ffff_ffff_f000) as *mut Table);
    }
    let t = alloc()?;
    // SAFETY: as above.
    unsafe { (*table).0[slot] = t as u64 | desc::TABLE };
    Some(t)
}

/// Builds the EL2 identity map for RAM `[ram_base, ram_base + ram_size)`; returns TTBR0_EL2.
pub fn build_el2_map(ram_base: u64, ram_size: u64) -> Option<u64> {
    let l1 = alloc()?;
    let device = desc::BLOCK | desc::AF | desc::attr(0) | desc::XN;
    let normal = desc::BLOCK | desc::AF | desc::attr(1) | desc::SH_INNER;
    // SAFETY: `l1` is a fresh pool page.
    unsafe {
        (*l1).0[0] = device;
        let mut gib = ram_base & !(GIB - 1);
        while gib < ram_base + ram_size && ((gib / GIB) as usize) < 512 {
            (*l1).0[(gib / GIB) as usize] = gib | normal;
            gib += GIB;
        }
        // The probe alias: the last GiB of VA maps the GiB that holds the hypervisor.
        let own = crate::boot::hyp_start() & !(GIB - 1);
        (*l1).0[PROBE_SLOT as usize] = own | normal;
    }
    crate::arch::dsb_ish();
    Some(l1 as u64)
}

/// Turns the EL2 MMU on with the map built by [`build_el2_map`] (on every core).
pub fn enable_el2_mmu(ttbr: u64) {
    crate::set_sysreg!(mair_el2, MAIR_EL2);
    crate::set_sysreg!(tcr_el2, TCR_EL2);
    crate::set_sysreg!(ttbr0_el2, ttbr);
    crate::arch::isb();
    crate::arch::tlbi_all_el2();
    crate::set_sysreg!(sctlr_el2, SCTLR_EL2_MMU);
    crate::arch::isb();
}

/// Checks that the MMU translates: reads [`PROBE_WORD`] through the alias of
/// [`build_el2_map`]. On a platform whose MMU has no effect the alias is an unmapped physical
/// address; the access faults and `hyp_fault` (seeing [`PROBING`]) reports it. Without
/// translation, stage 2 could not isolate VMs, so the hypervisor refuses to start them.
pub fn probe() -> bool {
    use core::sync::atomic::Ordering;
    PROBING.store(true, Ordering::SeqCst);
    let addr = PROBE_WORD.as_ptr() as u64;
    let alias = (PROBE_SLOT << 30) | (addr & (GIB - 1));
    // SAFETY: `alias` maps the GiB holding PROBE_WORD (Normal memory); with no translation the
    // load faults into `hyp_fault`, which reports and powers off.
    let seen = unsafe { (alias as *const u64).read_volatile() };
    PROBING.store(false, Ordering::SeqCst);
    seen == PROBE_WORD.load(Ordering::SeqCst)
}

/// One VM's stage-2 table under construction.
pub struct Stage2 {
    root: *mut Table,
}

// SAFETY: the table pages are only written while building, under the hypervisor lock.
unsafe impl Send for Stage2 {}

impl Stage2 {
    /// An empty table (everything faults).
    pub fn new() -> Option<Stage2> {
        Some(Stage2 { root: alloc()? })
    }

    /// VTTBR_EL2 for this table and `vmid` (BADDR, VMID in bits 55:48). D13.2 "VTTBR_EL2".
    pub fn vttbr(&self, vmid: u16) -> u64 {
        self.root as u64 | (u64::from(vmid) << 48)
    }

    /// Maps `[ipa, ipa + size)` to `pa` as RAM (`device = false`) or Device-nGnRE. Uses 2 MiB
    /// blocks where both addresses and the rest allow, else 4 KiB pages. `None` if the pool is
    /// exhausted or the IPA is above 4 GiB.
    pub fn map(&mut self, ipa: u64, pa: u64, size: u64, device: bool) -> Option<()> {
        let attrs = desc::AF
            | desc::S2AP_RW
            | if device { desc::S2_DEVICE | desc::XN } else { desc::S2_NORMAL | desc::SH_INNER };
        let mut off = 0;
        while off < size {
            let (i, p) = (ipa + off, pa + off);
            if i >= 1 << 32 {
                return None;
            }
            // SAFETY: every table reached is a pool page of this VM.
            unsafe {
                let l2 = next(self.root, (i >> 30) as usize & 511)?;
                if i % MIB2 == 0 && p % MIB2 == 0 && size - off >= MIB2 {
                    (*l2).0[(i >> 21) as usize & 511] = p | attrs | desc::BLOCK;
                    off += MIB2;
                } else {
                    let l3 = next(l2, (i >> 21) as usize & 511)?;
                    (*l3).0[(i >> 12) as usize & 511] = p | attrs | desc::PAGE;
                    off += PAGE;
                }
            }
        }
        crate::arch::dsb_ish();
        Some(())
    }
}
