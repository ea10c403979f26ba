//! Links every guest with `guest.x` (IPA layout of a VM).

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-search={dir}");
    println!("cargo:rustc-link-arg-bins=-Tguest.x");
    println!("cargo:rerun-if-changed=guest.x");
    println!("cargo:rerun-if-changed=build.rs");
}
