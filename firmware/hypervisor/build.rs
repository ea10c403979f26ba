//! Links the hypervisor with its own `hyp.x` (EL2 image layout, per-core stacks, table pool).

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-search={dir}");
    println!("cargo:rustc-link-arg-bins=-Thyp.x");
    println!("cargo:rerun-if-changed=hyp.x");
    println!("cargo:rerun-if-changed=build.rs");
}
