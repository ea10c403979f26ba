//! The hypervisor's platform discovery and configuration validation, compiled for the host
//! (`firmware/hypervisor/src/{fdt,platform,config}.rs` are plain `core` Rust): HyperSoC's
//! generated device trees parse to the platform the models describe, the packer's blob of the
//! demo configuration validates, and each class of invalid configuration is refused with its
//! message. The emulated runs in `tests/hypervisor.rs` check the same messages end to end.

#![allow(unsafe_code, dead_code, unused_imports, clippy::all)]

#[path = "../firmware/hypervisor/src/config.rs"]
mod config;
#[path = "../firmware/hypervisor/src/fdt.rs"]
mod fdt;
#[path = "../firmware/hypervisor/src/platform.rs"]
mod platform;

use hypersoc::soc::dtb;
use hypersoc::soc::model::Model;
use platform::Platform;

/// An 8-byte aligned copy of `bytes` (the parsers want aligned blobs).
fn aligned(bytes: &[u8]) -> Vec<u64> {
    let mut words = vec![0u64; bytes.len().div_ceil(8) + 1];
    for (i, b) in bytes.iter().enumerate() {
        words[i / 8] |= u64::from(*b) << (8 * (i % 8));
    }
    words
}

fn platform_of(model: &str) -> Platform {
    let model = Model::load(model).expect("built-in model");
    let dtb = dtb::generate(&model).expect("device tree");
    let words = aligned(&dtb);
    let addr = words.as_ptr() as usize;
    // SAFETY: the buffer holds the whole blob and outlives the reader.
    let fdt = unsafe { fdt::Fdt::at(addr) }.expect("a valid FDT header");
    Platform::from_fdt(&fdt, 0x4000_0000).expect("a platform")
}

#[test]
fn cockpit_device_tree_gives_six_cores_ram_and_the_gic() {
    let p = platform_of("cockpit");
    assert_eq!(&p.mpidr[..p.cpus], &[0x0, 0x1, 0x100, 0x101, 0x102, 0x103]);
    assert_eq!((p.ram_base, p.ram_size), (0x4000_0000, 0x4000_0000));
    assert_eq!((p.gicd, p.gicc, p.gich, p.gicv), (0x0800_0000, 0x0801_0000, 0x0803_0000, 0x0804_0000));
    assert_eq!(p.uart, 0x0900_0000);
    assert_eq!(p.model(), "HyperSoC cockpit");
}

#[test]
fn virt_device_tree_parses() {
    let p = platform_of("virt");
    assert!(p.cpus >= 1);
    assert_eq!(p.ram_base, 0x4000_0000);
    assert_eq!(p.gicd, 0x0800_0000);
}

#[test]
fn a_corrupt_device_tree_is_not_trusted() {
    let model = Model::load("cockpit").expect("built-in model");
    let mut dtb = dtb::generate(&model).expect("device tree");
    // Structure block offset beyond the blob.
    dtb[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
    let words = aligned(&dtb);
    // SAFETY: as above.
    assert!(unsafe { fdt::Fdt::at(words.as_ptr() as usize) }.is_none());
    // Truncated tokens: every byte after the header zeroed.
    let mut dtb = dtb::generate(&model).expect("device tree");
    let len = dtb.len();
    for b in &mut dtb[64..len] {
        *b = 0xff;
    }
    let words = aligned(&dtb);
    // SAFETY: as above.
    if let Some(fdt) = unsafe { fdt::Fdt::at(words.as_ptr() as usize) } {
        assert!(Platform::from_fdt(&fdt, 0x4000_0000).is_none());
    }
}

/// Validates a packed blob against the cockpit platform.
fn validate(blob: &[u8]) -> Result<config::Config, config::ConfigError> {
    validate_on(blob)
}

/// The refusal message for `blob` (panics if it is accepted).
fn refusal(blob: &[u8]) -> String {
    match validate(blob) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

fn validate_on(blob: &[u8]) -> Result<config::Config, config::ConfigError> {
    let p = platform_of("cockpit");
    let mut padded = blob.to_vec();
    padded.resize(blob.len().max(64), 0);
    let words = aligned(&padded);
    // SAFETY: the buffer holds the whole blob (the parser reads at most `total_size` bytes, which
    // the packer set to the blob's length).
    unsafe { config::parse(words.as_ptr() as u64, &p, 0x4020_0000) }
}

#[test]
fn the_demo_configuration_validates() {
    let blob = hypersoc::hyprun::demo_blob().expect("packs");
    let c = validate(&blob).unwrap_or_else(|e| panic!("refused: {e}"));
    assert_eq!(c.count, 3);
    let names: Vec<&str> = c.vms.iter().flatten().map(|v| v.name()).collect();
    assert_eq!(names, ["rtos", "ivi", "attacker"]);
    let ivi = c.vms[1].expect("ivi");
    assert_eq!((ivi.vcpus, ivi.priority, ivi.vcpu_affinity[0], ivi.vcpu_affinity[1]), (2, 5, 1, 2));
    assert_eq!(ivi.entry, 0x4000_0000);
    assert_eq!(c.vms[2].expect("attacker").on_fault, config::FaultPolicy::Abort);
}

#[test]
fn invalid_configurations_are_refused_on_the_host() {
    let base = std::fs::read_to_string(hypersoc::hyprun::demo_config()).expect("vms.toml");
    let cases: &[(&str, &str, &str)] = &[
        ("pa = 0x5000_0000", "pa = 0x4800_0000", "VM \"ivi\": RAM at 0x48000000 overlaps the RAM of VM \"rtos\""),
        ("pa = 0x4800_0000", "pa = 0x4000_0000", "VM \"rtos\": RAM 0x40000000+0x1000000 overlaps the hypervisor"),
        ("pa = 0x4800_0000", "pa = 0x7fe0_0000", "VM \"rtos\": RAM 0x7fe00000+0x1000000 is outside physical RAM"),
        ("vcpus = 2", "vcpus = 5", "VM \"ivi\": vcpus = 5, must be 1..=4"),
        (
            "affinity = [[1]]",
            "affinity = [[6, 7]]",
            "VM \"attacker\": vCPU 0 may run on no existing physical core (mask 0xc0",
        ),
        ("kind = \"pmu\"", "kind = \"dma\"", "VM \"rtos\": unknown device \"dma\""),
        ("name = \"ivi\"", "name = \"rtos\"", "VM \"rtos\" is configured twice"),
    ];
    for (from, to, message) in cases {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let blob = hypersoc::hyprun::pack(&text).expect("packs");
        match validate(&blob) {
            Ok(_) => panic!("accepted with {to}"),
            Err(e) => assert!(e.to_string().starts_with(message), "{to}: got {e}, expected {message}"),
        }
    }
}

#[test]
fn truncated_and_foreign_blobs_are_refused() {
    let blob = hypersoc::hyprun::demo_blob().expect("packs");
    let mut bad = blob.clone();
    bad[0] = b'X';
    assert!(refusal(&bad).contains("magic HSVMCFG1 missing"));
    let mut bad = blob.clone();
    bad[8] = 9;
    assert!(refusal(&bad).contains("blob version 9"));
    let mut bad = blob;
    bad[12] = 7;
    assert!(refusal(&bad).contains("7 VMs configured"));
}
