//! The CLI's contract with users: one clear error line and a non-zero exit for bad input, and
//! the exit code of a run reflecting the PSCI outcome.

use std::process::Command;

fn hypersoc(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hypersoc")).args(args).output().expect("the CLI runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_error_line(args: &[&str], must_mention: &[&str]) {
    let (code, _, stderr) = hypersoc(args);
    assert_ne!(code, 0, "{args:?} must fail");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one error line expected, got {stderr:?}");
    assert!(lines[0].starts_with("hypersoc: error: "), "{stderr:?}");
    for m in must_mention {
        assert!(lines[0].contains(m), "error line {:?} should mention {m:?}", lines[0]);
    }
}

#[test]
fn missing_file() {
    assert_one_error_line(&["run", "/nonexistent/image.elf"], &["/nonexistent/image.elf"]);
}

#[test]
fn not_an_elf() {
    let dir = std::env::temp_dir().join(format!("hypersoc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.txt");
    std::fs::write(&path, b"just some text, not an ELF file").unwrap();
    assert_one_error_line(&["run", path.to_str().unwrap()], &["notes.txt", "ELF"]);
}

#[test]
fn x86_elf() {
    // The test binary itself is an x86-64 (host) ELF.
    let me = std::env::current_exe().unwrap();
    assert_one_error_line(&["run", me.to_str().unwrap()], &["x86"]);
}

#[test]
fn malformed_model() {
    let dir = std::env::temp_dir().join(format!("hypersoc-cli-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, "name = \"bad\"\n[ram]\nbase = \"not a number\"\n").unwrap();
    let image = hypersoc::firmware_image("hello");
    assert_one_error_line(&["run", "--model", path.to_str().unwrap(), image.to_str().unwrap()], &["bad.toml"]);
}

#[test]
fn unknown_model_name() {
    let image = hypersoc::firmware_image("hello");
    assert_one_error_line(&["run", "--model", "no-such-model", image.to_str().unwrap()], &["no-such-model"]);
}

#[test]
fn power_off_exits_zero_and_prints_the_uart() {
    let image = hypersoc::firmware_image("hello");
    let (code, stdout, _) = hypersoc(&["run", "--model", "virt", image.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("HyperSoC hello from EL2"), "{stdout:?}");
}

#[test]
fn instruction_limit_exits_three() {
    let image = hypersoc::firmware_image("bench");
    let (code, _, stderr) = hypersoc(&["run", "--model", "virt", "--max-insns", "1000", image.to_str().unwrap()]);
    assert_eq!(code, 3, "{stderr}");
}

#[test]
fn models_lists_the_builtins() {
    let (code, stdout, _) = hypersoc(&["models"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("virt") && stdout.contains("cockpit"), "{stdout}");
}

#[test]
fn dtb_out_is_accepted_by_dtc() {
    let dir = std::env::temp_dir().join(format!("hypersoc-cli-dtb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dtb = dir.join("virt.dtb");
    let image = hypersoc::firmware_image("hello");
    let (code, _, _) =
        hypersoc(&["run", "--model", "virt", "--dtb-out", dtb.to_str().unwrap(), image.to_str().unwrap()]);
    assert_eq!(code, 0);
    let bytes = std::fs::read(&dtb).unwrap();
    assert_eq!(&bytes[..4], &[0xd0, 0x0d, 0xfe, 0xed], "FDT magic");
    if Command::new("dtc").arg("--version").output().is_ok() {
        let out = Command::new("dtc").args(["-I", "dtb", "-O", "dts"]).arg(&dtb).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let dts = String::from_utf8_lossy(&out.stdout);
        assert!(dts.contains("pl011") && dts.contains("psci") && dts.contains("memory@40000000"), "{dts}");
    } else {
        println!("SKIP: dtc not found; install device-tree-compiler to check the blob");
    }
}
