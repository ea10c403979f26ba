//! Generates the A64 decoder from `isa/a64.isa` (see `src/isagen.rs`).

#[path = "src/isagen.rs"]
#[allow(dead_code)]
mod isagen;

use std::{env, fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let isa = manifest.join("../../isa/a64.isa");
    println!("cargo:rerun-if-changed={}", isa.display());
    println!("cargo:rerun-if-changed=src/isagen.rs");
    let src = match fs::read_to_string(&isa) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", isa.display());
            return ExitCode::FAILURE;
        }
    };
    let table = match isagen::parse(&src).and_then(|t| isagen::check(&t).map(|()| t)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", isa.display());
            return ExitCode::FAILURE;
        }
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("decoder.rs");
    if let Err(e) = fs::write(&out, isagen::generate(&table, "isa/a64.isa")) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
