//! The boot protocol of DESIGN.md: core 0 starts at EL2 (SP_EL2 selected, DAIF masked) at the
//! entry point of the first image with x0 = the address of the generated device tree, which
//! lies in RAM; raw images start at their load address; other cores stay off.

use hypersoc::cpu::SysReg;
use hypersoc::devices::pl011::{RxSource, TxSink};
use hypersoc::soc::loader::ImageSpec;
use hypersoc::soc::machine::{RunLimits, Soc, SocOptions, StopCause};
use hypersoc::soc::model::Model;

fn soc(model: &str) -> Soc {
    let options = SocOptions { uart_tx: TxSink::Capture(Default::default()), uart_rx: RxSource::None };
    Soc::new(Model::load(model).expect("built-in model"), options).expect("SoC builds")
}

#[test]
fn elf_boot_state() {
    let mut soc = soc("cockpit");
    let image = hypersoc::firmware_image("hello");
    soc.load(&[ImageSpec::Elf(image)]).unwrap();
    let core = &soc.cores[0];
    assert_eq!(Some(core.pc), soc.symbol("_start"));
    assert_eq!(core.pstate.el, 2);
    assert!(core.pstate.sp_sel);
    assert_eq!(core.pstate.daif, 0x3c0);
    let dtb = soc.dtb_address.expect("device tree placed");
    assert_eq!(core.x[0], dtb.0);
    // The image links at 0x4008_0000, so the blob fits at the base of RAM below it.
    assert_eq!(dtb.0, 0x4000_0000);
    let mut blob = vec![0; soc.dtb.len()];
    assert!(soc.bus.memory_ref().read_bytes(dtb, &mut blob));
    assert_eq!(blob, soc.dtb);
    assert_eq!(&blob[..4], &[0xd0, 0x0d, 0xfe, 0xed]);
    // The cockpit has six cores; only core 0 runs before PSCI CPU_ON.
    assert_eq!(soc.cores.len(), 6);
    assert_eq!(soc.sysreg(5, SysReg::MPIDR_EL1), 0x8000_0103);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(10_000_000), max_cycles: None }), StopCause::PowerOff);
}

#[test]
fn raw_image_starts_at_its_load_address_and_the_blob_moves_out_of_its_way() {
    let dir = std::env::temp_dir().join(format!("hypersoc-boot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spin.bin");
    // b . (an endless loop), at the base of RAM where the device tree would go.
    std::fs::write(&path, 0x1400_0000u32.to_le_bytes()).unwrap();
    let mut soc = soc("virt");
    soc.load(&[ImageSpec::Raw { path, address: 0x4000_0000 }]).unwrap();
    assert_eq!(soc.cores[0].pc, 0x4000_0000);
    assert_eq!(soc.dtb_address.map(|a| a.0), Some(0x4020_0000));
    assert_eq!(soc.cores[0].x[0], 0x4020_0000);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(1000), max_cycles: None }), StopCause::InstructionLimit);
    assert_eq!(soc.cores[0].counters.instructions, 1000);
    std::fs::remove_dir_all(&dir).unwrap();
}
