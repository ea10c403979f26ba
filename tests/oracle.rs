//! Oracle comparison: every firmware test program prints the same bytes on HyperSoC as on QEMU
//! (`qemu-system-aarch64 -M virt,virtualization=on,gic-version=2 -cpu cortex-a57`, QEMU 10).
//! Programs that need several cores run on HyperSoC's `cockpit` model and on QEMU with `-smp`;
//! they use only the cores they need and print only from core 0.
//!
//! The behaviour QEMU does not model is in the `armarm` program, compared with an expected
//! output derived from the ARM ARM (`tests/expected/armarm.txt`; the program's documentation
//! says which rule each case checks and why QEMU cannot be the oracle), and likewise for the
//! GIC in `gic_targets` (`tests/expected/gic_targets.txt`, from IHI 0048B: ITARGETSR masking,
//! SGI source bits, the Group 1 alias registers), which runs on the six-core `cockpit`.

mod common;

use hypersoc::soc::machine::StopCause;

fn run_ours(program: &str) -> Vec<u8> {
    run_ours_on(program, "virt")
}

fn run_ours_on(program: &str, model: &str) -> Vec<u8> {
    let image = hypersoc::firmware_image(program);
    let (cause, ours) = common::run_on_hypersoc_model(&image, model);
    assert_eq!(
        cause,
        StopCause::PowerOff,
        "{program} did not power off; output so far:\n{}",
        String::from_utf8_lossy(&ours)
    );
    assert!(!ours.is_empty(), "{program} printed nothing");
    ours
}

fn assert_same(program: &str, what: &str, ours: &[u8], theirs: &[u8]) {
    if ours != theirs {
        let ours = String::from_utf8_lossy(ours);
        let theirs = String::from_utf8_lossy(theirs);
        let first = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b);
        panic!(
            "{program}: output differs from {what} (first differing line {:?})\n--- hypersoc\n{ours}\n--- {what}\n{theirs}",
            first.map(|l| l + 1)
        );
    }
}

fn compare(program: &str) {
    compare_on(program, "cortex-a57");
}

fn compare_on(program: &str, cpu: &str) {
    let ours = run_ours(program);
    let Some(theirs) = common::run_on_qemu_cpu(&hypersoc::firmware_image(program), cpu) else {
        return;
    };
    assert_same(program, &format!("qemu -cpu {cpu}"), &ours, &theirs);
}

/// A program that needs several cores: HyperSoC's `model` against QEMU with `-smp cores`.
fn compare_smp(program: &str, model: &str, cores: u32) {
    let ours = run_ours_on(program, model);
    let Some(theirs) = common::run_on_qemu_smp(&hypersoc::firmware_image(program), cores) else {
        return;
    };
    assert_same(program, &format!("qemu -smp {cores}"), &ours, &theirs);
}

macro_rules! oracle_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                compare(stringify!($name));
            }
        )*
    };
}

oracle_tests!(
    hello, arith, loadstore, exclusive, exceptions, alignment, levels, platform, trapmatrix, debug, irqrouting, fpsimd,
    bench, bench_mmu, gic, gic_timer, vgic
);

/// Programs for several cores: the name, HyperSoC's model, QEMU's `-smp`.
macro_rules! smp_oracle_tests {
    ($($name:ident: $model:literal, $cores:literal);* $(;)?) => {
        $(
            #[test]
            fn $name() {
                compare_smp(stringify!($name), $model, $cores);
            }
        )*
    };
}

smp_oracle_tests! {
    smp_sgi: "cockpit", 4;
    smp_exclusive: "cockpit", 4;
    smp_wake: "cockpit", 2;
    bench_smp: "cockpit", 6;
}

/// The MMU programs, compared with QEMU's `max` CPU: QEMU's `cortex-a57`, like the real core,
/// has no 16KB granule (ID_AA64MMFR0_EL1.TGran16 = 0) and walks 16KB tables as 4KB ones, while
/// HyperSoC's core implements all three granules. The programs leave the controls of the later
/// features `max` adds at their reset values (E2H, PAN, HA/HD, TBID, DS, ...), where they do not
/// change ARMv8.0 behaviour, and keep physical addresses below 40 bits (`max` has a larger
/// PARange).
macro_rules! oracle_tests_max {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                compare_on(stringify!($name), "max");
            }
        )*
    };
}

oracle_tests_max!(mmu_el2, mmu_el1, mmu_s2, s2controls);

#[test]
fn armarm() {
    let ours = run_ours("armarm");
    let expected = include_bytes!("expected/armarm.txt");
    assert_same("armarm", "tests/expected/armarm.txt", &ours, expected);
}

#[test]
fn gic_targets() {
    let ours = run_ours_on("gic_targets", "cockpit");
    let expected = include_bytes!("expected/gic_targets.txt");
    assert_same("gic_targets", "tests/expected/gic_targets.txt", &ours, expected);
}
