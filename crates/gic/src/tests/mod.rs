//! Scenario tests: register-level flows through the MMIO interface, driven as firmware, a
//! hypervisor and a guest would drive them, asserting exact register values.

mod cpu_interface;
mod distributor;
mod fuzz;
mod sgi;
mod virt;

use crate::{Gic, GicConfig, MmioAccess, Region};

#[test]
fn gic_is_plain_data() {
    fn send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    send_sync_clone::<Gic>();
}

/// A GIC with `cpus` cores, `spis` SPIs and 4 list registers.
fn gic(cpus: usize, spis: u32) -> Gic {
    Gic::new(GicConfig::new(cpus, spis, 4)).expect("valid configuration")
}

/// 32-bit register accesses by region, as the tests write them.
trait Regs {
    fn rd(&mut self, region: Region, cpu: usize, offset: u64) -> u32;
    fn wr(&mut self, region: Region, cpu: usize, offset: u64, value: u32);

    fn gicd(&mut self, cpu: usize, offset: u64) -> u32 {
        self.rd(Region::Distributor, cpu, offset)
    }
    fn set_gicd(&mut self, cpu: usize, offset: u64, value: u32) {
        self.wr(Region::Distributor, cpu, offset, value)
    }
    fn gicc(&mut self, cpu: usize, offset: u64) -> u32 {
        self.rd(Region::CpuInterface, cpu, offset)
    }
    fn set_gicc(&mut self, cpu: usize, offset: u64, value: u32) {
        self.wr(Region::CpuInterface, cpu, offset, value)
    }
    fn gich(&mut self, cpu: usize, offset: u64) -> u32 {
        self.rd(Region::VirtualControl, cpu, offset)
    }
    fn set_gich(&mut self, cpu: usize, offset: u64, value: u32) {
        self.wr(Region::VirtualControl, cpu, offset, value)
    }
    fn gicv(&mut self, cpu: usize, offset: u64) -> u32 {
        self.rd(Region::VirtualCpuInterface, cpu, offset)
    }
    fn set_gicv(&mut self, cpu: usize, offset: u64, value: u32) {
        self.wr(Region::VirtualCpuInterface, cpu, offset, value)
    }
}

impl Regs for Gic {
    fn rd(&mut self, region: Region, cpu: usize, offset: u64) -> u32 {
        self.read(region, MmioAccess { offset, size: 4, cpu }).expect("aligned 32-bit read") as u32
    }

    fn wr(&mut self, region: Region, cpu: usize, offset: u64, value: u32) {
        self.write(region, MmioAccess { offset, size: 4, cpu }, u64::from(value)).expect("aligned 32-bit write")
    }
}

/// Byte `index` of a byte-per-interrupt register block at `base` (IPRIORITYR, ITARGETSR).
fn byte_reg(base: u64, id: u32) -> u64 {
    base + u64::from(id)
}

/// The word of a bit-per-interrupt register block at `base` holding interrupt `id`.
fn bit_reg(base: u64, id: u32) -> u64 {
    base + 4 * u64::from(id / 32)
}

/// The bit of interrupt `id` in its word.
fn bit(id: u32) -> u32 {
    1 << (id % 32)
}

/// Writes one byte.
fn write_byte(g: &mut Gic, region: Region, cpu: usize, offset: u64, value: u8) {
    g.write(region, MmioAccess { offset, size: 1, cpu }, u64::from(value)).expect("byte write");
}

/// Configures SPI or PPI `id` for `cpu`: priority, target (SPIs), enable; group 0, level.
fn setup_irq(g: &mut Gic, cpu: usize, id: u32, priority: u8) {
    use crate::distributor::*;
    write_byte(g, Region::Distributor, cpu, byte_reg(GICD_IPRIORITYR, id), priority);
    if id >= 32 {
        write_byte(g, Region::Distributor, cpu, byte_reg(GICD_ITARGETSR, id), 1 << cpu);
    }
    g.set_gicd(cpu, bit_reg(GICD_ISENABLER, id), bit(id));
}

/// Enables forwarding and signalling of both groups on `cpu`, with the priority mask open.
fn enable_cpu(g: &mut Gic, cpu: usize, ctlr: u32) {
    use crate::{cpu_interface as c, distributor as d};
    g.set_gicd(cpu, d::GICD_CTLR, d::CTLR_ENABLE_GRP0 | d::CTLR_ENABLE_GRP1);
    g.set_gicc(cpu, c::GICC_CTLR, ctlr);
    g.set_gicc(cpu, c::GICC_PMR, 0xff);
}
