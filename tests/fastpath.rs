//! The host fast path and the TLB geometry are invisible to the guest (DESIGN.md "Performance
//! architecture"): the MMU programs print the same bytes with the fast path on (the default),
//! off, and over a one-entry LRU TLB whose constant evictions the fast path must follow. The
//! programs do the TLB maintenance the architecture requires, so the TLB's size cannot matter.

mod common;

use hypersoc::cpu::mmu::{Replacement, TlbConfig};
use hypersoc::soc::machine::StopCause;

fn output(program: &str, fast_path: bool, tlb: Option<TlbConfig>) -> Vec<u8> {
    let (cause, out) = common::run_on_hypersoc_configured(&hypersoc::firmware_image(program), "virt", |soc| {
        for core in &mut soc.cores {
            if let Some(cfg) = tlb {
                core.set_tlb_config(cfg);
            }
            core.set_host_fast_path(fast_path);
        }
    });
    assert_eq!(cause, StopCause::PowerOff, "{program}: {}", String::from_utf8_lossy(&out));
    out
}

fn same_everywhere(program: &str) {
    let reference = output(program, true, None);
    let tiny = TlbConfig { sets: 1, ways: 1, s2_sets: 1, s2_ways: 1, replacement: Replacement::Lru };
    for (fast, tlb, what) in [(false, None, "fast path off"), (true, Some(tiny), "one-entry TLB")] {
        let out = output(program, fast, tlb);
        assert!(out == reference, "{program} with {what}:\n{}", String::from_utf8_lossy(&out));
    }
}

#[test]
fn mmu_el2() {
    same_everywhere("mmu_el2");
}

#[test]
fn mmu_el1() {
    same_everywhere("mmu_el1");
}

#[test]
fn mmu_s2() {
    same_everywhere("mmu_s2");
}

#[test]
fn loadstore() {
    same_everywhere("loadstore");
}
