//! Device-tree generation: the flattened device tree (DTB) a model's boot core finds in x0.
//!
//! The layout follows QEMU's `virt` board (node names `name@unit-address`, a `arm,cortex-a15-gic`
//! interrupt controller with the virtualization regions, `arm,armv8-timer`, PSCI with the SMC
//! conduit because firmware boots at EL2 with no EL3), so software written for `virt` finds its
//! devices. Bindings: Linux `Documentation/devicetree/bindings` (arm/gic.yaml, timer/arm,arch_timer,
//! serial/pl011, virtio/mmio, arm/psci, cpu/cpu-topology).

use crate::model::{Model, GIC_REGION_SIZE, UART_SIZE};

/// The DTB could not be built.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DtbError(#[from] vm_fdt::Error);

/// Phandle of the GIC.
const GIC_PHANDLE: u32 = 1;
/// Phandle of the APB clock of the PL011s.
const APB_CLOCK_PHANDLE: u32 = 2;
/// First phandle of the CPU nodes (for `cpu-map`).
const CPU_PHANDLE_BASE: u32 = 8;

/// GIC interrupt specifier, cell 0 (arm/gic.yaml).
const GIC_SPI: u32 = 0;
const GIC_PPI: u32 = 1;
/// Cell 2 flags: IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW.
const IRQ_EDGE_RISING: u32 = 1;
const IRQ_LEVEL_HIGH: u32 = 4;
const IRQ_LEVEL_LOW: u32 = 8;

/// PPI numbers (INTID - 16) of DESIGN.md: 25 maintenance, 26 EL2 physical timer, 27 virtual
/// timer, 29 secure physical timer, 30 EL1 physical timer.
const PPI_MAINTENANCE: u32 = 9;
const PPI_HYP_TIMER: u32 = 10;
const PPI_VIRT_TIMER: u32 = 11;
const PPI_SECURE_TIMER: u32 = 13;
const PPI_PHYS_TIMER: u32 = 14;

/// The PL011 reference clock QEMU gives `virt` (24 MHz).
const APB_CLOCK_HZ: u32 = 24_000_000;

/// Builds the DTB of `model`.
pub fn generate(model: &Model) -> Result<Vec<u8>, DtbError> {
    let mut fdt = vm_fdt::FdtWriter::new()?;
    let root = fdt.begin_node("")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    let mut compatible = vec![format!("hypersoc,{}", model.name)];
    compatible.extend(model.compatible.iter().cloned());
    fdt.property_string_list("compatible", compatible)?;
    fdt.property_string("model", &format!("HyperSoC {}", model.name))?;
    fdt.property_u32("interrupt-parent", GIC_PHANDLE)?;

    let chosen = fdt.begin_node("chosen")?;
    if let Some(console) = model.uarts.first() {
        fdt.property_string("stdout-path", &format!("/pl011@{:x}", console.base))?;
    }
    fdt.end_node(chosen)?;

    let memory = fdt.begin_node(&format!("memory@{:x}", model.ram.base))?;
    fdt.property_string("device_type", "memory")?;
    fdt.property_array_u64("reg", &[model.ram.base, model.ram.size])?;
    fdt.end_node(memory)?;

    cpus(&mut fdt, model)?;

    let psci = fdt.begin_node("psci")?;
    fdt.property_string_list("compatible", vec!["arm,psci-1.0".into(), "arm,psci-0.2".into(), "arm,psci".into()])?;
    fdt.property_string("method", "smc")?;
    fdt.end_node(psci)?;

    // Every PPI goes to every core: the CPU mask in bits 15:8 of the flags cell (arm/gic.yaml).
    let cpu_mask = ((1u32 << model.core_count()) - 1) << 8;
    let gic = &model.gic;
    let intc = fdt.begin_node(&format!("intc@{:x}", gic.gicd))?;
    fdt.property_string("compatible", "arm,cortex-a15-gic")?;
    fdt.property_u32("#interrupt-cells", 3)?;
    fdt.property_null("interrupt-controller")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_array_u64(
        "reg",
        &[gic.gicd, GIC_REGION_SIZE, gic.gicc, GIC_REGION_SIZE, gic.gich, GIC_REGION_SIZE, gic.gicv, GIC_REGION_SIZE],
    )?;
    fdt.property_array_u32("interrupts", &[GIC_PPI, PPI_MAINTENANCE, cpu_mask | IRQ_LEVEL_HIGH])?;
    fdt.property_phandle(GIC_PHANDLE)?;
    fdt.end_node(intc)?;

    let timer = fdt.begin_node("timer")?;
    fdt.property_string_list("compatible", vec!["arm,armv8-timer".into(), "arm,armv7-timer".into()])?;
    let level = cpu_mask | IRQ_LEVEL_LOW;
    fdt.property_array_u32(
        "interrupts",
        &[
            GIC_PPI,
            PPI_SECURE_TIMER,
            level,
            GIC_PPI,
            PPI_PHYS_TIMER,
            level,
            GIC_PPI,
            PPI_VIRT_TIMER,
            level,
            GIC_PPI,
            PPI_HYP_TIMER,
            level,
        ],
    )?;
    fdt.property_null("always-on")?;
    fdt.property_u32("clock-frequency", model.timer_hz)?;
    fdt.end_node(timer)?;

    let clock = fdt.begin_node("apb-pclk")?;
    fdt.property_string("compatible", "fixed-clock")?;
    fdt.property_u32("#clock-cells", 0)?;
    fdt.property_u32("clock-frequency", APB_CLOCK_HZ)?;
    fdt.property_string("clock-output-names", "clk24mhz")?;
    fdt.property_phandle(APB_CLOCK_PHANDLE)?;
    fdt.end_node(clock)?;

    for uart in &model.uarts {
        let node = fdt.begin_node(&format!("pl011@{:x}", uart.base))?;
        fdt.property_string_list("compatible", vec!["arm,pl011".into(), "arm,primecell".into()])?;
        fdt.property_array_u64("reg", &[uart.base, UART_SIZE])?;
        fdt.property_array_u32("interrupts", &[GIC_SPI, uart.spi, IRQ_LEVEL_HIGH])?;
        fdt.property_array_u32("clocks", &[APB_CLOCK_PHANDLE, APB_CLOCK_PHANDLE])?;
        fdt.property_string_list("clock-names", vec!["uartclk".into(), "apb_pclk".into()])?;
        fdt.end_node(node)?;
    }

    let virtio = &model.virtio_mmio;
    for slot in 0..virtio.slots {
        let base = virtio.slot_base(slot);
        let node = fdt.begin_node(&format!("virtio_mmio@{base:x}"))?;
        fdt.property_string("compatible", "virtio,mmio")?;
        fdt.property_array_u64("reg", &[base, virtio.slot_size])?;
        fdt.property_array_u32("interrupts", &[GIC_SPI, virtio.first_spi + slot, IRQ_EDGE_RISING])?;
        fdt.property_null("dma-coherent")?;
        fdt.end_node(node)?;
    }

    for device in &model.devices {
        let node = fdt.begin_node(&format!("{}@{:x}", device.name, device.base))?;
        fdt.property_string("compatible", &device.kind)?;
        fdt.property_array_u64("reg", &[device.base, device.size])?;
        if !device.spis.is_empty() {
            let cells: Vec<u32> = device.spis.iter().flat_map(|&spi| [GIC_SPI, spi, IRQ_LEVEL_HIGH]).collect();
            fdt.property_array_u32("interrupts", &cells)?;
        }
        fdt.end_node(node)?;
    }

    fdt.end_node(root)?;
    Ok(fdt.finish()?)
}

/// The `/cpus` node: one `cpu@<affinity>` per core, and a `cpu-map` with one cluster per model
/// cluster (cpu/cpu-topology).
fn cpus(fdt: &mut vm_fdt::FdtWriter, model: &Model) -> Result<(), DtbError> {
    let cpus = fdt.begin_node("cpus")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 0)?;
    let cores = model.cores();
    let map = fdt.begin_node("cpu-map")?;
    for index in 0..model.clusters.len() {
        let node = fdt.begin_node(&format!("cluster{index}"))?;
        for (n, core) in cores.iter().filter(|c| c.cluster == index).enumerate() {
            let core_node = fdt.begin_node(&format!("core{n}"))?;
            fdt.property_u32("cpu", CPU_PHANDLE_BASE + core.index as u32)?;
            fdt.end_node(core_node)?;
        }
        fdt.end_node(node)?;
    }
    fdt.end_node(map)?;
    for core in &cores {
        // The affinity fields fit in 32 bits: models have no Aff2/Aff3 (validated Aff1 <= 255).
        let reg = core.affinity() as u32;
        let node = fdt.begin_node(&format!("cpu@{reg:x}"))?;
        fdt.property_string("device_type", "cpu")?;
        fdt.property_string("compatible", &format!("arm,{}", core.core))?;
        fdt.property_u32("reg", reg)?;
        fdt.property_string("enable-method", "psci")?;
        fdt.property_phandle(CPU_PHANDLE_BASE + core.index as u32)?;
        fdt.end_node(node)?;
    }
    fdt.end_node(cpus)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_generate_a_valid_header() {
        for (name, _) in crate::model::builtin_models() {
            let model = Model::load(name).unwrap();
            let blob = generate(&model).unwrap();
            assert_eq!(&blob[..4], &[0xd0, 0x0d, 0xfe, 0xed], "FDT magic");
            let total = u32::from_be_bytes([blob[4], blob[5], blob[6], blob[7]]) as usize;
            assert_eq!(total, blob.len());
            let text = String::from_utf8_lossy(&blob);
            assert!(text.contains("arm,cortex-a15-gic") && text.contains("virtio,mmio"));
        }
    }
}
