//! Links every program with `support`'s `link.x` (found on the search path `support` adds).

fn main() {
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=build.rs");
}
