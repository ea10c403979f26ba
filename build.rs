//! Builds the bare-metal firmware (`firmware/`, its own cargo workspace) for the AArch64 target,
//! so `cargo build`, `cargo test` and `cargo run` need no extra step.
//!
//! The nested `cargo build --release` runs with `current_dir = firmware/` (so
//! `firmware/.cargo/config.toml` chooses the target) and `--target-dir target/firmware` (a
//! directory of its own, so it never waits on the lock the outer build holds), with the
//! environment the outer cargo gives build scripts removed: those variables describe the host
//! package and would break or redirect the nested build. The ELFs land in
//! `target/firmware/<FIRMWARE_TARGET>/release/`, which the crate sees as
//! `env!("HYPERSOC_FIRMWARE_DIR")`.

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target of `firmware/.cargo/config.toml`.
const FIRMWARE_TARGET: &str = "aarch64-unknown-none-softfloat";

/// Variables removed by exact name.
const REMOVED: &[&str] = &[
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_LINKER",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_MAKEFLAGS",
    "MAKEFLAGS",
    "MFLAGS",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_CRATE_NAME",
    "OUT_DIR",
    "TARGET",
    "HOST",
    "NUM_JOBS",
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
    "CLIPPY_ARGS",
    "CLIPPY_CONF_DIR",
];

/// Variables removed by prefix: host package facts, target/profile/build overrides.
const REMOVED_PREFIXES: &[&str] = &[
    "CARGO_CFG_",
    "CARGO_FEATURE_",
    "CARGO_PKG_",
    "CARGO_MANIFEST_",
    "CARGO_TARGET_",
    "CARGO_BUILD_",
    "CARGO_PROFILE_",
    "DEP_",
];

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let firmware = root.join("firmware");
    let target_dir = root.join("target").join("firmware");

    watch(&firmware, &firmware);
    println!("cargo:rerun-if-changed=rust-toolchain.toml");
    println!("cargo:rerun-if-changed=build.rs");

    ensure_target(&firmware);

    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = nested(&cargo, &firmware);
    build.args(["build", "--release", "--target", FIRMWARE_TARGET, "--target-dir"]).arg(&target_dir);
    let output = build.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", cargo.to_string_lossy()));
    if !output.status.success() {
        panic!(
            "building the firmware failed (cd firmware && cargo build --release):\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let images = target_dir.join(FIRMWARE_TARGET).join("release");
    println!("cargo:rustc-env=HYPERSOC_FIRMWARE_DIR={}", images.display());
}

/// A command run in `dir` with the outer build's variables removed.
fn nested(program: &OsStr, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(dir);
    for (key, _) in env::vars_os() {
        let Some(name) = key.to_str() else { continue };
        if REMOVED.contains(&name) || REMOVED_PREFIXES.iter().any(|p| name.starts_with(p)) {
            command.env_remove(&key);
        }
    }
    command
}

/// Makes sure the standard library for the firmware target is installed: if the sysroot lacks
/// it, tries `rustup target add`, and fails the build naming that command if it cannot.
fn ensure_target(firmware: &Path) {
    let sysroot = nested(OsStr::new("rustc"), firmware)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let installed = |root: &Path| root.join("lib/rustlib").join(FIRMWARE_TARGET).join("lib").is_dir();
    if sysroot.as_deref().is_some_and(installed) {
        return;
    }
    let added = nested(OsStr::new("rustup"), firmware)
        .args(["target", "add", FIRMWARE_TARGET])
        .status()
        .is_ok_and(|s| s.success());
    if !added {
        panic!(
            "the Rust target {FIRMWARE_TARGET} is not installed and `rustup target add` failed; \
             run `rustup target add {FIRMWARE_TARGET}` and build again"
        );
    }
}

/// Emits `rerun-if-changed` for every file under `dir`, skipping `target/` directories.
fn watch(dir: &Path, root: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    if dir != root {
        // A directory: catches files added to or removed from it.
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if entry.file_name() != "target" {
                watch(&path, root);
            }
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}
