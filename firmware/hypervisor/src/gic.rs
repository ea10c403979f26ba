//! The physical GICv2 as the hypervisor drives it (ARM IHI 0048B "GIC Architecture
//! Specification v2"): the Distributor (4.3), this core's CPU interface (4.4) with split
//! priority drop and deactivation (GICC_CTLR.EOImode = 1, 3.2.1), and the virtual interface
//! control block GICH (5.3) whose list registers carry the virtual interrupts of the vCPU that
//! runs on this core.

use core::sync::atomic::{AtomicU64, Ordering};

/// Physical INTIDs the hypervisor handles (DESIGN.md "PPIs").
pub mod intid {
    /// Hypervisor SGI: "reschedule" (another core made a vCPU runnable or changed its state).
    pub const SGI_KICK: u32 = 0;
    /// GIC maintenance interrupt (PPI 9).
    pub const MAINTENANCE: u32 = 25;
    /// EL2 physical timer, CNTHP (PPI 10).
    pub const HYP_TIMER: u32 = 26;
    /// EL1 virtual timer, CNTV (PPI 11): forwarded to the running vCPU with the HW bit.
    pub const VTIMER: u32 = 27;
    /// GICC_IAR value meaning "no interrupt".
    pub const SPURIOUS: u32 = 1023;
}

/// Distributor registers (4.3.x offsets).
mod gicd {
    pub const CTLR: u64 = 0x000;
    pub const ISENABLER: u64 = 0x100;
    pub const ICENABLER: u64 = 0x180;
    pub const ISACTIVER: u64 = 0x300;
    pub const ICACTIVER: u64 = 0x380;
    pub const IPRIORITYR: u64 = 0x400;
    pub const ITARGETSR: u64 = 0x800;
    pub const SGIR: u64 = 0xf00;
}

/// CPU interface registers (4.4.x).
mod gicc {
    pub const CTLR: u64 = 0x0000;
    pub const PMR: u64 = 0x0004;
    pub const IAR: u64 = 0x000c;
    pub const EOIR: u64 = 0x0010;
    pub const DIR: u64 = 0x1000;
    /// GICC_CTLR.EnableGrp0 and EOImode (bit 9 without the Security Extensions).
    pub const CTLR_ENABLE_EOIMODE: u32 = 1 | (1 << 9);
}

/// Virtual interface control registers (5.3.x).
pub mod gich {
    pub const HCR: u64 = 0x000;
    pub const VTR: u64 = 0x004;
    pub const VMCR: u64 = 0x008;
    pub const APR: u64 = 0x0f0;
    pub const LR0: u64 = 0x100;
    /// GICH_HCR.En and UIE (underflow maintenance interrupt enable).
    pub const HCR_EN: u32 = 1;
    pub const HCR_UIE: u32 = 1 << 1;
}

/// Register bases, set once by [`init_distributor`].
static GICD: AtomicU64 = AtomicU64::new(0);
static GICC: AtomicU64 = AtomicU64::new(0);
static GICH: AtomicU64 = AtomicU64::new(0);

fn read(base: &AtomicU64, offset: u64) -> u32 {
    let addr = base.load(Ordering::Relaxed) + offset;
    // SAFETY: a GIC register in the identity-mapped device window.
    unsafe { (addr as *const u32).read_volatile() }
}

fn write(base: &AtomicU64, offset: u64, value: u32) {
    let addr = base.load(Ordering::Relaxed) + offset;
    // SAFETY: as in `read`.
    unsafe { (addr as *mut u32).write_volatile(value) }
}

/// Enables the Distributor (Group 0, everything signalled as IRQ).
pub fn init_distributor(gicd_base: u64, gicc_base: u64, gich_base: u64) {
    GICD.store(gicd_base, Ordering::Relaxed);
    GICC.store(gicc_base, Ordering::Relaxed);
    GICH.store(gich_base, Ordering::Relaxed);
    write(&GICD, gicd::CTLR, 1);
}

/// This core's CPU interface: priorities of the hypervisor's PPIs and SGIs, enables, PMR, and
/// GICC_CTLR with EOImode = 1; GICH enabled with no list register in use. Returns the core's
/// CPU interface mask (GICD_ITARGETSR0 reads it, 4.3.12).
pub fn init_cpu_interface() -> u8 {
    for i in 0..8 {
        // SGIs and PPIs 0..31 at priority 0x80 (banked, 4 per register).
        write(&GICD, gicd::IPRIORITYR + i * 4, 0x8080_8080);
    }
    let ppis = (1 << intid::SGI_KICK) | (1 << intid::MAINTENANCE) | (1 << intid::HYP_TIMER) | (1 << intid::VTIMER);
    write(&GICD, gicd::ISENABLER, ppis);
    write(&GICC, gicc::PMR, 0xf0);
    write(&GICC, gicc::CTLR, gicc::CTLR_ENABLE_EOIMODE);
    for lr in 0..list_registers() {
        write_lr(lr, 0);
    }
    write(&GICH, gich::HCR, gich::HCR_EN);
    (read(&GICD, gicd::ITARGETSR) & 0xff) as u8
}

/// Acknowledges the highest-priority pending interrupt (GICC_IAR, 4.4.4): (INTID, source CPU).
pub fn acknowledge() -> (u32, u32) {
    let iar = read(&GICC, gicc::IAR);
    (iar & 0x3ff, (iar >> 10) & 7)
}

/// Priority drop (GICC_EOIR): with EOImode = 1 the interrupt stays active.
pub fn priority_drop(iar: u32) {
    write(&GICC, gicc::EOIR, iar);
}

/// Deactivation (GICC_DIR, 4.4.15).
pub fn deactivate(iar: u32) {
    write(&GICC, gicc::DIR, iar);
}

/// Disables interrupt `intid` (GICD_ICENABLERn, 4.3.6; banked for INTIDs 0..31).
pub fn disable(intid: u32) {
    write(&GICD, gicd::ICENABLER + u64::from(intid / 32) * 4, 1 << (intid % 32));
}

/// Sends SGI `sgi` to the cores in `mask` (GICD_SGIR TargetListFilter = 0, 4.3.15).
pub fn send_sgi(mask: u8, sgi: u32) {
    crate::arch::dsb_sy();
    write(&GICD, gicd::SGIR, (u32::from(mask) << 16) | (sgi & 0xf));
}

/// Sets or clears the active state of this core's PPI `intid` (GICD_ISACTIVER0/ICACTIVER0,
/// banked per CPU, 4.3.6/4.3.7).
pub fn set_ppi_active(intid: u32, active: bool) {
    write(&GICD, if active { gicd::ISACTIVER } else { gicd::ICACTIVER }, 1 << intid);
}

/// Number of list registers (GICH_VTR.ListRegs + 1, 5.3.2), at most 4 used.
pub fn list_registers() -> usize {
    ((read(&GICH, gich::VTR) & 0x3f) as usize + 1).min(4)
}

pub fn read_lr(n: usize) -> u32 {
    read(&GICH, gich::LR0 + n as u64 * 4)
}

pub fn write_lr(n: usize, value: u32) {
    write(&GICH, gich::LR0 + n as u64 * 4, value);
}

pub fn read_gich(offset: u64) -> u32 {
    read(&GICH, offset)
}

pub fn write_gich(offset: u64, value: u32) {
    write(&GICH, offset, value);
}

/// GICH_LR fields (5.3.11): VirtualID 9:0, PhysicalID 19:10 (HW = 1) or EOI bit 19 and CPUID
/// 12:10 (HW = 0), Priority 27:23, State 29:28, Grp1 30, HW 31.
pub mod lr {
    pub const STATE_PENDING: u32 = 1 << 28;
    pub const STATE_MASK: u32 = 3 << 28;
    pub const HW: u32 = 1 << 31;

    /// A pending virtual interrupt; `physical` makes it a hardware one (deactivating it in the
    /// guest deactivates the physical interrupt), `source` is the SGI source CPU.
    pub fn pending(vintid: u32, priority: u8, physical: Option<u32>, source: u32) -> u32 {
        let base = (vintid & 0x3ff) | (u32::from(priority >> 3) << 23) | STATE_PENDING;
        match physical {
            Some(p) => base | HW | ((p & 0x3ff) << 10),
            None => base | ((source & 7) << 10),
        }
    }

    pub fn vintid(lr: u32) -> u32 {
        lr & 0x3ff
    }

    pub fn is_free(lr: u32) -> bool {
        lr & STATE_MASK == 0
    }
}
