//! GICv2 behaviour compared with the specification (ARM IHI 0048B) only, because QEMU 10 models
//! it differently; run on HyperSoC's six-core `cockpit` against
//! `tests/expected/gic_targets.txt`, whose every line was derived from the rule cited here.
//!
//! 1. GICD_ITARGETSR (4.3.12): "bits corresponding to unimplemented CPU interfaces are RAZ/WI";
//!    with six CPU interfaces, writing 0xff to an SPI's byte leaves 0x3f, and 0xc0 leaves 0.
//!    The SGI/PPI bytes are read-only and read as the accessing interface's own bit. QEMU keeps
//!    all eight bits of a written SPI byte.
//! 2. GICD_TYPER.CPUNumber (4.3.2): the number of implemented CPU interfaces minus one, 5.
//! 3. GICD_SPENDSGIR / GICD_CPENDSGIR (4.3.16, 4.3.17): one bit per source CPU interface; bits
//!    of interfaces that are not implemented are RAZ/WI.
//! 4. GICC_HPPIR (4.4.7): for an SGI, bits [12:10] give the CPUID of the requesting
//!    processor, as in GICC_IAR. QEMU returns the interrupt ID only.
//! 5. GICC_AIAR, GICC_AEOIR, GICC_AHPPIR (4.4.9-4.4.11): the Group 1 aliases. With no
//!    Security Extensions every access is Secure, and a Secure access to the aliases behaves as
//!    a Non-secure access to GICC_IAR / EOIR / HPPIR: it acknowledges, ends, reports Group 1
//!    interrupts only (1023 when the highest pending one is Group 0). QEMU leaves them RAZ/WI.

#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering::SeqCst};

use fwtest::gic::{self, gicc, gicd, GICC, GICD};
use fwtest::line;
use support::smp::{self, MAX_CORES};

support::entry!(main);

/// GICC_AIAR, GICC_AEOIR, GICC_AHPPIR (IHI 0048B table 4-2).
const AIAR: usize = 0x20;
const AEOIR: usize = 0x24;
const AHPPIR: usize = 0x28;

static SENT: AtomicU32 = AtomicU32::new(0);

/// Core 1 sends SGI 5 to core 0, whose interface is bit 0.
fn core1() {
    gic::sgi(0, 1, 5);
    SENT.store(1, SeqCst);
}

fn main() {
    fwtest::begin("gic_targets");
    gic::enable_distributor();
    gic::enable_cpu_interface(gicc::CTLR_GRP0 | gicc::CTLR_GRP1);
    let typer = gic::read(GICD, gicd::TYPER);
    line("typer cpunumber", &[u64::from((typer >> 5) & 7)]);

    // 1. Targets.
    line("itargetsr0 (sgis 0-3, read-only)", &[u64::from(gic::read(GICD, gicd::ITARGETSR))]);
    gic::write(GICD, gicd::ITARGETSR, 0xffff_ffff);
    line("itargetsr0 after writing ones", &[u64::from(gic::read(GICD, gicd::ITARGETSR))]);
    gic::write8(GICD, gicd::ITARGETSR + 32, 0xff);
    gic::write8(GICD, gicd::ITARGETSR + 33, 0xc0);
    gic::write8(GICD, gicd::ITARGETSR + 34, 0x21);
    line(
        "itargetsr spi 32 33 34 after ff c0 21",
        &[
            u64::from(gic::read8(GICD, gicd::ITARGETSR + 32)),
            u64::from(gic::read8(GICD, gicd::ITARGETSR + 33)),
            u64::from(gic::read8(GICD, gicd::ITARGETSR + 34)),
        ],
    );
    gic::write(GICD, gicd::ITARGETSR + 36, 0xffff_ffff);
    line("itargetsr9 after writing ones", &[u64::from(gic::read(GICD, gicd::ITARGETSR + 36))]);

    // 3. SGI pending bits per source.
    gic::write8(GICD, gicd::SPENDSGIR + 2, 0xff);
    line("spendsgir sgi 2 after ff", &[u64::from(gic::read8(GICD, gicd::SPENDSGIR + 2))]);
    gic::write8(GICD, gicd::CPENDSGIR + 2, 0xff);
    line("after cpendsgir ff", &[u64::from(gic::read8(GICD, gicd::SPENDSGIR + 2))]);

    // 4. HPPIR names the source of an SGI.
    let mut affinities = [0u64; MAX_CORES];
    if smp::present_cores(&mut affinities) >= 2 && smp::start_core(affinities[1], 1, core1) == 0 {
        while SENT.load(SeqCst) == 0 {
            core::hint::spin_loop();
        }
        line(
            "hppir iar for sgi 5 from core 1",
            &[u64::from(gic::read(GICC, gicc::HPPIR)), {
                let iar = gic::read(GICC, gicc::IAR);
                gic::write(GICC, gicc::EOIR, iar);
                u64::from(iar)
            }],
        );
    }

    // 5. The Group 1 aliases.
    gic::set_group(6, true);
    gic::sgi(0b10, 0, 6);
    line(
        "group 1 pending: hppir ahppir",
        &[u64::from(gic::read(GICC, gicc::HPPIR)), u64::from(gic::read(GICC, AHPPIR))],
    );
    let aiar = gic::read(GICC, AIAR);
    line("aiar, then active", &[u64::from(aiar), u64::from(gic::bit(gicd::ISACTIVER, 6))]);
    gic::write(GICC, AEOIR, aiar);
    line("after aeoir: active rpr", &[u64::from(gic::bit(gicd::ISACTIVER, 6)), u64::from(gic::read(GICC, gicc::RPR))]);
    gic::sgi(0b10, 0, 7);
    line("group 0 pending: ahppir aiar", &[u64::from(gic::read(GICC, AHPPIR)), u64::from(gic::read(GICC, AIAR))]);
    let iar = gic::read(GICC, gicc::IAR);
    gic::write(GICC, gicc::EOIR, iar);
    line("iar", &[u64::from(iar)]);
    fwtest::end();
}
