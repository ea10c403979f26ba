//! The VM's GICv2 as a guest sees it (ARM IHI 0048B): the Distributor at IPA 0x0800_0000 (the
//! hypervisor emulates it) and the CPU interface at 0x0801_0000 (the hardware GICV).

pub const GICD: usize = 0x0800_0000;
pub const GICC: usize = 0x0801_0000;
/// GICD registers (4.3).
pub const GICD_CTLR: usize = 0x000;
pub const GICD_TYPER: usize = 0x004;
pub const GICD_ISENABLER: usize = 0x100;
pub const GICD_IPRIORITYR: usize = 0x400;
pub const GICD_ITARGETSR: usize = 0x800;
pub const GICD_SGIR: usize = 0xf00;
/// GICC registers (4.4).
const GICC_CTLR: usize = 0x000;
const GICC_PMR: usize = 0x004;
const GICC_IAR: usize = 0x00c;
const GICC_EOIR: usize = 0x010;

pub fn read(base: usize, offset: usize) -> u32 {
    // SAFETY: a register of the VM's GIC window.
    unsafe { ((base + offset) as *const u32).read_volatile() }
}

pub fn write(base: usize, offset: usize, value: u32) {
    // SAFETY: as in `read`.
    unsafe { ((base + offset) as *mut u32).write_volatile(value) }
}

/// Enables the distributor (vCPU 0) and this vCPU's CPU interface (all priorities unmasked).
pub fn init(distributor: bool) {
    if distributor {
        write(GICD, GICD_CTLR, 1);
    }
    write(GICC, GICC_PMR, 0xff);
    write(GICC, GICC_CTLR, 1);
}

/// Enables SGI/PPI `intid` for this vCPU.
pub fn enable(intid: u32) {
    write(GICD, GICD_ISENABLER + (intid as usize / 32) * 4, 1 << (intid % 32));
}

/// Acknowledges: (INTID, GICC_IAR value for [`eoi`]).
pub fn ack() -> (u32, u32) {
    let iar = read(GICC, GICC_IAR);
    (iar & 0x3ff, iar)
}

/// End of interrupt (priority drop and deactivation, GICC_CTLR.EOImode = 0).
pub fn eoi(iar: u32) {
    write(GICC, GICC_EOIR, iar);
}

/// Sends SGI `sgi` to the vCPUs in `mask` (GICD_SGIR, 4.3.15).
pub fn send_sgi(mask: u32, sgi: u32) {
    write(GICD, GICD_SGIR, ((mask & 0xff) << 16) | (sgi & 0xf));
}
