//! Random accesses: no sequence of MMIO accesses and line changes panics, and the outputs stay
//! consistent with the registers.

use proptest::prelude::*;

use super::*;
use crate::cpu_interface::{Kind, GICC_CTLR, GICC_IAR, GICC_RPR};
use crate::virt::{GICH_HCR, GICH_MISR, HCR_EN};

#[derive(Clone, Debug)]
enum Op {
    Read { region: Region, offset: u64, size: u8, cpu: usize },
    Write { region: Region, offset: u64, size: u8, cpu: usize, value: u64 },
    Line { intid: u32, cpu: usize, level: bool },
}

fn region() -> impl Strategy<Value = Region> {
    prop_oneof![
        Just(Region::Distributor),
        Just(Region::CpuInterface),
        Just(Region::VirtualControl),
        Just(Region::VirtualCpuInterface),
    ]
}

/// Offsets biased towards the registers: the first 4 KiB, the DIR page, the GICH aliases, and
/// anywhere in (and just past) the window.
fn offset() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..0x1000,
        1 => 0x1000u64..0x2000,
        1 => 0u64..0x1_0010,
        1 => any::<u64>(),
    ]
}

fn size() -> impl Strategy<Value = u8> {
    prop_oneof![4 => Just(4u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(8u8), 1 => any::<u8>()]
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![any::<u64>(), 0u64..0x400, Just(u64::MAX), Just(0)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (region(), offset(), size(), 0usize..10).prop_map(|(region, offset, size, cpu)| Op::Read { region, offset, size, cpu }),
        4 => (region(), offset(), size(), 0usize..10, value())
            .prop_map(|(region, offset, size, cpu, value)| Op::Write { region, offset, size, cpu, value }),
        1 => (0u32..1100, 0usize..10, any::<bool>()).prop_map(|(intid, cpu, level)| Op::Line { intid, cpu, level }),
    ]
}

fn config() -> impl Strategy<Value = GicConfig> {
    (1usize..=8, 0u32..=30, 1usize..=64, 4u8..=8).prop_map(|(cpus, spi_words, list_registers, priority_bits)| {
        GicConfig { cpus, spis: spi_words * 32, list_registers, priority_bits }
    })
}

/// Enables everything on every core so that random traffic reaches the interesting paths.
fn open_up(g: &mut Gic) {
    for cpu in 0..g.config().cpus {
        enable_cpu(g, cpu, 0x21f);
        g.set_gich(cpu, GICH_HCR, 0xff);
        g.set_gicv(cpu, GICC_CTLR, 0x1f);
        g.set_gicv(cpu, crate::cpu_interface::GICC_PMR, 0xff);
        for word in 0..g.config().interrupts() / 32 {
            g.set_gicd(cpu, crate::distributor::GICD_ISENABLER + 4 * u64::from(word), u32::MAX);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn random_accesses_never_panic(config in config(), open in any::<bool>(), ops in prop::collection::vec(op(), 1..200)) {
        let mut g = Gic::new(config).unwrap();
        if open {
            open_up(&mut g);
        }
        for op in ops {
            let generation = g.generation();
            match op {
                Op::Read { region, offset, size, cpu } => {
                    let access = MmioAccess { offset, size, cpu };
                    if let Ok(value) = g.read(region, access) {
                        prop_assert!(value <= access.mask(), "{:#x} from {:?}", value, access);
                    }
                }
                Op::Write { region, offset, size, cpu, value } => {
                    let _ = g.write(region, MmioAccess { offset, size, cpu }, value);
                }
                Op::Line { intid, cpu, level } => g.set_line(intid, cpu, level),
            }
            prop_assert!(g.generation() >= generation);
            for cpu in 0..8 {
                let lines = g.lines(cpu);
                prop_assert!(!(lines.irq && lines.fiq || lines.virq && lines.vfiq));
                if cpu >= config.cpus {
                    prop_assert_eq!(lines, crate::CpuLines::default());
                    continue;
                }
                // No update was missed: the cached outputs are what the state gives now.
                let (irq, fiq) = g.signal(Kind::Physical, cpu);
                let (virq, vfiq) = g.signal(Kind::Virtual, cpu);
                prop_assert_eq!(lines, crate::CpuLines { irq, fiq, virq, vfiq });
                let maintenance = g.gich(cpu, GICH_HCR) & HCR_EN != 0 && g.gich(cpu, GICH_MISR) != 0;
                prop_assert_eq!(g.maintenance(cpu), maintenance);
            }
        }
        // Whatever state was reached, the acknowledge and priority registers are well formed.
        for cpu in 0..config.cpus {
            let iar = g.gicc(cpu, GICC_IAR);
            let id = iar & 0x3ff;
            prop_assert!(iar & !0x1fff == 0);
            prop_assert!(id >= 1022 || id < config.interrupts(), "IAR {:#x}", iar);
            prop_assert!(id < 16 || iar == id, "IAR {:#x}: source bits on a non-SGI", iar);
            prop_assert!(g.gicc(cpu, GICC_RPR) <= 0xff);
            let viar = g.gicv(cpu, GICC_IAR);
            prop_assert!(viar & !0x1fff == 0);
            prop_assert!(g.gicv(cpu, GICC_RPR) <= 0xff);
        }
    }
}
