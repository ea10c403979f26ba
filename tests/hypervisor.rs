//! The hypervisor (`firmware/hypervisor`) with the demo configuration (`firmware/guests/vms.toml`:
//! rtos, ivi, attacker) on HyperSoC's `cockpit` model and on QEMU 10 as the oracle:
//! - each guest prints what it must (ivi's workload and checksums, FP/SIMD state preserved,
//!   virtual SGIs; rtos's jobs; every attacker attempt refused, and the hypervisor's refusal
//!   reports), and the lines that do not depend on timing are the same on both;
//! - on HyperSoC, where time is modelled, rtos meets every deadline, and two runs produce the
//!   same output and the same cycle counts;
//! - invalid configurations are refused with the right message (on both).
//!
//! The hypervisor probes the MMU before it starts VMs and refuses on a platform where
//! translation has no effect; HyperSoC translates (two stages), so such a refusal fails here.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hypersoc::hyprun::{self, Console, HypervisorRun};
use hypersoc::soc::machine::StopCause;
use hypersoc::vmconfig::CONFIG_BLOB_ADDR;

/// Instruction budget of a demo run (all cores).
const DEMO_INSNS: u64 = 3_000_000_000;
/// Budget of a run that only boots and validates.
const BOOT_INSNS: u64 = 50_000_000;
/// What the hypervisor prints when the platform does not translate addresses.
const NO_TRANSLATION: &str = "address translation has no effect on this platform";

fn demo_blob() -> Vec<u8> {
    hyprun::demo_blob().expect("the demo configuration packs")
}

fn on_hypersoc(blob: &[u8], insns: u64) -> HypervisorRun {
    hyprun::run("cockpit", blob, insns, Console::Capture).expect("the hypervisor loads")
}

/// Runs the hypervisor on QEMU with `blob` (`-smp 2 -m 1G`, the blob through `-device
/// loader`); `None` after a SKIP line when QEMU is missing and oracles are optional.
fn on_qemu(blob: &[u8]) -> Option<String> {
    if !common::have("qemu-system-aarch64") {
        assert!(!common::oracles_required(), "HYPERSOC_REQUIRE_ORACLES=1 but qemu-system-aarch64 is missing");
        println!("SKIP: qemu-system-aarch64 not found; install qemu-system-arm (see README) for the oracle runs");
        return None;
    }
    // One file per call: tests run in parallel in this process.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("hypersoc-qemu-vms-{}-{n}.bin", std::process::id()));
    std::fs::write(&path, blob).expect("write the blob");
    let mut child = Command::new("qemu-system-aarch64")
        .args(["-M", "virt,virtualization=on,gic-version=2", "-cpu", "cortex-a57", "-smp", "2", "-m", "1G"])
        .args(["-nographic", "-nic", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot", "-kernel"])
        .arg(hypersoc::firmware_image("hypervisor"))
        .arg("-device")
        .arg(format!("loader,file={},addr={CONFIG_BLOB_ADDR:#x},force-raw=on", path.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("qemu-system-aarch64 starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait for qemu").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("QEMU did not power off within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_file(&path);
    let out = reader.join().expect("reader thread").expect("read qemu output");
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Lines the VM `name` printed (its prefix removed).
fn vm_lines<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    let prefix = format!("[{name}] ");
    out.lines().filter_map(|l| l.strip_prefix(prefix.as_str())).collect()
}

fn assert_has(out: &str, line: &str) {
    assert!(out.lines().any(|l| l == line), "missing line {line:?} in:\n{out}");
}

/// The attacker's attempts, each refused, in order.
const ATTACKER: &[&str] = &[
    "attacker: trying to escape its partition",
    "attacker: I am VM 2 with 1 vCPU",
    "attacker: read IPA 0x41000000 (just past its RAM): refused (synchronous external abort)",
    "attacker: read IPA 0x50000000 (ivi's physical RAM): refused (synchronous external abort)",
    "attacker: write IPA 0x48000000 (rtos's physical RAM): refused (synchronous external abort)",
    "attacker: write GICH at 0x08030000 (hypervisor's list registers): refused (synchronous external abort)",
    "attacker: read GICC at 0x08020000 (outside the GICV window): refused (synchronous external abort)",
    "attacker: execute at IPA 0x80000000: refused (synchronous external abort)",
    "attacker: enable SPIs 32..63 (GICD_ISENABLER1): refused (write ignored, reads as zero)",
    "attacker: route the UART SPI 33 (GICD_ITARGETSR8): refused (write ignored, reads as zero)",
    "attacker: raise SPI 33's priority (GICD_IPRIORITYR8): refused (write ignored, reads as zero)",
    "attacker: send SGI 3 to vCPUs 1..7 (other VMs' cores): refused (filtered by the hypervisor: only the VM's own vCPUs receive SGIs)",
    "attacker: read HCR_EL2: refused (UNDEFINED)",
    "attacker: write VTTBR_EL2: refused (UNDEFINED)",
    "attacker: write VBAR_EL2: refused (UNDEFINED)",
    "attacker: use the EL1 physical timer (CNTP_CTL_EL0): refused (UNDEFINED)",
    "attacker: read the PMU cycle counter (no pmu device): refused (UNDEFINED)",
    "attacker: read an IMPLEMENTATION DEFINED register (S3_1_C15_C2_0): refused (UNDEFINED)",
    "attacker: SMC PSCI SYSTEM_OFF (power the machine off): refused (NOT_SUPPORTED)",
    "attacker: SMC with function 0xdeadbeef: refused (NOT_SUPPORTED)",
    "attacker: HVC with function 0xdeadbeef: refused (NOT_SUPPORTED)",
    "attacker: HVC #1 (non-zero immediate): refused (NOT_SUPPORTED)",
    "attacker: CONSOLE_WRITE from IPA 0x50000000 (outside its RAM): refused (INVALID_PARAMETERS)",
    "attacker: CONSOLE_WRITE of 16 MiB: refused (INVALID_PARAMETERS)",
    "attacker: PSCI CPU_ON of MPIDR 1 (a vCPU it does not have): refused (INVALID_PARAMETERS)",
    "attacker: PSCI CPU_ON of MPIDR 0x100 (a little core): refused (INVALID_PARAMETERS)",
    "attacker: REPORT with key 99: refused (INVALID_PARAMETERS)",
    "attacker: 25 attempts, 25 refused, 0 escaped",
];

/// What every demo run prints, whatever the timing.
fn check_demo(out: &str) {
    assert_eq!(vm_lines(out, "attacker"), ATTACKER, "attacker output:\n{out}");
    for line in [
        "[hyp] VM attacker: GICD write at offset 0x104 refused: INTID 32 is not owned by the VM",
        "[hyp] VM attacker: SGI 3 to vCPU mask 0xfe refused: no such vCPU in the VM",
        "[hyp] VM attacker: SMC with x0 = 0x84000008 refused (NOT_SUPPORTED)",
        "[hyp] VM attacker powered off (PSCI SYSTEM_OFF)",
        "[hyp] VM ivi powered off (PSCI SYSTEM_OFF)",
        "[hyp] VM rtos powered off (PSCI SYSTEM_OFF)",
        "[ivi] ivi: hypervisor ABI 0x10000, VM 1 \"ivi\" with 2 vCPUs",
        "[ivi] ivi: psci version 0x10001, features: cpu_on 0 cpu_off 0 system_off 0 system_reset2 -1",
        "[ivi] ivi: vcpu0 started vcpu1: psci 0",
        "[ivi] ivi: vcpu0 CPU_ON of a running vcpu: psci -4",
        "[ivi] ivi: vcpu0 progress 8/8",
        "[ivi] ivi: vcpu1 progress 8/8",
        "[ivi] ivi: vcpu0 workload checksum c280415dc9216e2a",
        "[ivi] ivi: vcpu1 workload checksum 5aa6dbd2531643e5",
        "[ivi] ivi: vcpu0 fp/simd registers preserved: yes",
        "[ivi] ivi: vcpu1 received SGI 1 from vcpu 0",
        "[ivi] ivi: vcpu1 received SGIs 1..9: mask 0x3fe",
        "[ivi] ivi: vcpu1 reported done, unexpected interrupts 0",
        "[ivi] ivi: vcpu1 is off (PSCI AFFINITY_INFO), done",
        "[rtos] rtos: unexpected interrupts 0",
        "[rtos] rtos: done",
    ] {
        assert_has(out, line);
    }
    assert!(out.lines().any(|l| l.starts_with("[rtos] rtos: task A 30 jobs")), "rtos did not run its 30 jobs:\n{out}");
    for vm in ["rtos", "ivi", "attacker"] {
        assert!(out.contains(&format!("[hyp] summary {vm}: vmid=")), "no summary for {vm}:\n{out}");
    }
    assert!(!out.contains("ESCAPED"), "{out}");
}

/// The lines that do not depend on timing, per VM and vCPU, in order: what QEMU and HyperSoC
/// must agree on.
fn deterministic_view(out: &str) -> Vec<String> {
    let mut view: Vec<String> = vm_lines(out, "attacker").iter().map(|l| format!("attacker {l}")).collect();
    for vcpu in ["vcpu0", "vcpu1"] {
        view.extend(vm_lines(out, "ivi").iter().filter(|l| l.contains(vcpu)).map(|l| format!("ivi {l}")));
    }
    view.extend(
        vm_lines(out, "rtos")
            .iter()
            .filter(|l| !l.contains("deadlines") && !l.starts_with("measure:"))
            .map(|l| format!("rtos {l}")),
    );
    view
}

/// Runs the demo on HyperSoC. The hypervisor refuses to start VMs on a platform whose MMU has
/// no effect; HyperSoC translates since the MMU work was merged, so that refusal is a failure.
fn hypersoc_demo() -> HypervisorRun {
    let run = on_hypersoc(&demo_blob(), DEMO_INSNS);
    assert!(!run.output.contains(NO_TRANSLATION), "HyperSoC lost address translation:\n{}", run.output);
    run
}

#[test]
fn demo_on_qemu() {
    let Some(out) = on_qemu(&demo_blob()) else { return };
    check_demo(&out);
}

#[test]
fn demo_on_hypersoc_meets_deadlines_and_matches_qemu() {
    let run = hypersoc_demo();
    assert_eq!(run.cause, StopCause::PowerOff, "output:\n{}", run.output);
    let out = &run.output;
    check_demo(out);
    assert_has(out, "[rtos] rtos: task A 30 jobs, 30 deadlines met");
    assert_has(out, "[rtos] rtos: deadlines missed 0");
    if let Some(qemu) = on_qemu(&demo_blob()) {
        assert_eq!(deterministic_view(out), deterministic_view(&qemu), "HyperSoC vs QEMU");
    }
    for line in out.lines().filter(|l| l.contains("measure:") || l.contains("summary")) {
        println!("{line}");
    }
}

#[test]
fn demo_is_deterministic() {
    let first = hypersoc_demo();
    let second = on_hypersoc(&demo_blob(), DEMO_INSNS);
    assert_eq!(first.output, second.output);
    assert_eq!(first.cycles, second.cycles);
    assert_eq!(first.instructions, second.instructions);
}

/// A configuration with one VM, edited by `edit` (TOML text replacements).
fn one_vm(edit: &[(&str, &str)]) -> String {
    let mut text = String::from(
        r#"[[vm]]
name = "solo"
image = "guest_hello"
ram = { ipa = 0x4000_0000, pa = 0x4800_0000, size = 0x100_0000 }
vcpus = 1
priority = 1
affinity = [[0]]
devices = [{ kind = "pl011", ipa = 0x0900_0000, size = 0x1000 }, { kind = "gic", ipa = 0x0800_0000, size = 0x2_0000 }]
"#,
    );
    for (from, to) in edit {
        assert!(text.contains(from), "{from} not in the template");
        text = text.replace(from, to);
    }
    text
}

/// Configurations the hypervisor must refuse, with the message it must print.
fn invalid_configurations() -> Vec<(String, &'static str)> {
    let two = |second: &str| format!("{}\n{}", one_vm(&[]), one_vm(&[("solo", second)]));
    vec![
        (
            two("other").replace(
                "name = \"other\"\nimage = \"guest_hello\"\nram = { ipa = 0x4000_0000, pa = 0x4800_0000",
                "name = \"other\"\nimage = \"guest_hello\"\nram = { ipa = 0x4000_0000, pa = 0x4880_0000",
            ),
            "VM \"other\": RAM at 0x48800000 overlaps the RAM of VM \"solo\"",
        ),
        (two("solo").replace("pa = 0x4800_0000, size = 0x100_0000 }\nvcpus = 1\npriority = 1\naffinity = [[0]]\ndevices = [{ kind = \"pl011\", ipa = 0x0900_0000, size = 0x1000 }, { kind = \"gic\", ipa = 0x0800_0000, size = 0x2_0000 }]\n\n[[vm]]", "pa = 0x4a00_0000, size = 0x100_0000 }\nvcpus = 1\npriority = 1\naffinity = [[0]]\ndevices = []\n\n[[vm]]"), "VM \"solo\" is configured twice"),
        (one_vm(&[("pa = 0x4800_0000", "pa = 0x4000_0000")]), "VM \"solo\": RAM 0x40000000+0x1000000 overlaps the hypervisor"),
        (one_vm(&[("pa = 0x4800_0000", "pa = 0x4400_0000")]), "VM \"solo\": RAM 0x44000000+0x1000000 overlaps the hypervisor"),
        (one_vm(&[("pa = 0x4800_0000", "pa = 0x9000_0000")]), "VM \"solo\": RAM 0x90000000+0x1000000 is outside physical RAM"),
        (one_vm(&[("size = 0x100_0000", "size = 0x10_0000")]), "VM \"solo\": RAM ipa 0x40000000 pa 0x48000000 size 0x100000 is not a non-zero multiple of 2 MiB"),
        (one_vm(&[("vcpus = 1", "vcpus = 0")]), "VM \"solo\": vcpus = 0, must be 1..=4"),
        (one_vm(&[("vcpus = 1", "vcpus = 9")]), "VM \"solo\": vcpus = 9, must be 1..=4"),
        (one_vm(&[("affinity = [[0]]", "affinity = [[7]]")]), "VM \"solo\": vCPU 0 may run on no existing physical core (mask 0x80"),
        (one_vm(&[("kind = \"pl011\"", "kind = \"virtio-gpu\"")]), "VM \"solo\": unknown device \"virtio-gpu\" (known: pl011, gic, pmu)"),
        (one_vm(&[("ipa = 0x0900_0000", "ipa = 0x4000_1000")]), "VM \"solo\": device \"pl011\" at ipa 0x40001000 overlaps its RAM or another device"),
    ]
}

#[test]
fn invalid_configurations_are_refused() {
    for (text, message) in invalid_configurations() {
        let blob = hyprun::pack(&text).expect("the packer accepts the syntax");
        let run = on_hypersoc(&blob, BOOT_INSNS);
        let expected = format!("hypervisor: refusing the VM configuration: {message}");
        assert!(
            run.output.lines().any(|l| l.starts_with(&expected)),
            "HyperSoC: expected a line starting {expected:?}, got:\n{}",
            run.output
        );
        assert_eq!(run.cause, StopCause::PowerOff, "{}", run.output);
        if let Some(out) = on_qemu(&blob) {
            assert!(out.lines().any(|l| l.starts_with(&expected)), "QEMU: expected {expected:?}, got:\n{out}");
        }
    }
}

#[test]
fn missing_configuration_is_refused() {
    let run = on_hypersoc(&[0u8; 64], BOOT_INSNS);
    assert!(
        run.output.contains(
            "hypervisor: refusing the VM configuration: no VM configuration blob at 0x44000000 (magic HSVMCFG1 missing)"
        ),
        "{}",
        run.output
    );
}

#[test]
fn banner_shows_the_cockpit_platform() {
    let run = on_hypersoc(&demo_blob(), BOOT_INSNS);
    let out = &run.output;
    assert_has(out, "platform: HyperSoC cockpit (device tree at 0x40000000)");
    assert_has(out, "cores: 6 online (MPIDR 0x0 0x1 0x100 0x101 0x102 0x103)");
    assert_has(out, "ram: 0x40000000..0x80000000 (1024 MiB)");
    assert_has(out, "gic: GICv2 GICD 0x8000000 GICC 0x8010000 GICH 0x8030000 GICV 0x8040000, 4 list registers");
    assert_has(
        out,
        "vm ivi: ram ipa 0x40000000 -> pa 0x50000000 (32 MiB), entry 0x40000000, 2 vcpu(s), priority 5, on_fault stop, affinity vcpu0:0x1/p0 vcpu1:0x2/p0",
    );
}

/// The demo with the attacker's fault policy set to `stop`: its first stray access stops it,
/// reported with the VM name, IPA and ESR, and the other VMs finish their work.
fn stop_policy_blob() -> Vec<u8> {
    let text = std::fs::read_to_string(hyprun::demo_config()).expect("vms.toml");
    assert!(text.contains("on_fault = \"abort\""));
    hyprun::pack(&text.replace("on_fault = \"abort\"", "on_fault = \"stop\"")).expect("packs")
}

fn check_stop_policy(out: &str) {
    assert!(
        out.lines().any(|l| l
            .starts_with("[hyp] VM attacker stopped: stage-2 fault at IPA 0x41000000 (ESR_EL2 0x93c98006, PC 0x")
            && l.ends_with("); other VMs keep running")),
        "{out}"
    );
    assert_eq!(vm_lines(out, "attacker").len(), 2, "the attacker ran on after its fault:\n{out}");
    assert_has(out, "[ivi] ivi: vcpu1 is off (PSCI AFFINITY_INFO), done");
    assert_has(out, "[rtos] rtos: done");
    assert!(out.contains("[hyp] summary attacker: vmid=3"), "{out}");
}

#[test]
fn fault_policy_stop_on_qemu() {
    let Some(out) = on_qemu(&stop_policy_blob()) else { return };
    check_stop_policy(&out);
}

#[test]
fn fault_policy_stop_on_hypersoc() {
    let run = on_hypersoc(&stop_policy_blob(), DEMO_INSNS);
    assert_eq!(run.cause, StopCause::PowerOff, "{}", run.output);
    check_stop_policy(&run.output);
}

/// ivi alone with both vCPUs on core 0 and the given vCPU priorities.
fn ivi_on_one_core(priorities: &str) -> HypervisorRun {
    let text = std::fs::read_to_string(hyprun::demo_config()).expect("vms.toml");
    let start = text.find("[[vm]]\nname = \"ivi\"").expect("ivi");
    let end = text.find("[[vm]]\nname = \"attacker\"").expect("attacker");
    let ivi = text[start..end]
        .replace("affinity = [[0], [1]]", "affinity = [[0], [0]]")
        .replace("vcpu_priority = [0, 0]", &format!("vcpu_priority = {priorities}"));
    let run = on_hypersoc(&hyprun::pack(&ivi).expect("packs"), DEMO_INSNS);
    assert_eq!(run.cause, StopCause::PowerOff, "{}", run.output);
    run
}

fn position(out: &str, line: &str) -> usize {
    out.lines().position(|l| l == line).unwrap_or_else(|| panic!("missing {line:?} in:\n{out}"))
}

#[test]
fn equal_priorities_share_a_core_round_robin() {
    let run = ivi_on_one_core("[0, 0]");
    let out = &run.output;
    // Each chunk takes about one 2 ms slice: the two vCPUs alternate.
    assert!(position(out, "[ivi] ivi: vcpu1 progress 1/8") < position(out, "[ivi] ivi: vcpu0 progress 8/8"), "{out}");
    assert!(position(out, "[ivi] ivi: vcpu0 progress 2/8") < position(out, "[ivi] ivi: vcpu1 progress 8/8"), "{out}");
    assert_has(out, "[ivi] ivi: vcpu0 fp/simd registers preserved: yes");
}

#[test]
fn a_higher_priority_vcpu_preempts_at_once() {
    let run = ivi_on_one_core("[0, 1]");
    let out = &run.output;
    // vCPU 1 outranks vCPU 0 on their shared core: from its CPU_ON it runs its whole workload.
    assert!(position(out, "[ivi] ivi: vcpu1 progress 8/8") < position(out, "[ivi] ivi: vcpu0 progress 1/8"), "{out}");
    assert_has(out, "[ivi] ivi: vcpu1 received SGI 1 from vcpu 0");
}
