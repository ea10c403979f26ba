//! Integer arithmetic and flags (DDI 0487 C3.4 "Data processing - immediate" and C3.5 "Data
//! processing - register", semantics in C6.2 and the J1 pseudocode), compared byte for byte with
//! QEMU by `tests/oracle.rs`.
//!
//! Every case runs one instruction (or a short fixed sequence) in inline assembly on operands
//! the compiler cannot see through, so nothing is constant-folded. Lines are
//! `<template> <inputs...> <results...>`: the label is the assembly template itself (`{a}`,
//! `{b}`, `{c}` are the inputs, `{r}` the result), and flag-setting cases end with NZCV as one
//! hex digit (N = 8, Z = 4, C = 2, V = 1). NZCV is set to a known value before each case.

#![no_std]
#![no_main]

use core::arch::asm;
use fwtest::{begin, end, print, println};
use support::Global;

support::entry!(main);

/// One case: `(a, b, nzcv_in) -> (r, nzcv_out)`, NZCV as a 4-bit value.
type Op = fn(u64, u64, u64) -> (u64, u64);
/// A three-input case (multiply-accumulate): `(a, b, c) -> r`.
type Op3 = fn(u64, u64, u64) -> u64;

/// A closure running template `$t` between `msr nzcv` and `mrs nzcv`. `{a}`, `{b}` are inputs,
/// `{r}` the output and `{t}` a scratch register (`out` operands, so they never share a register
/// with an input and may be written before the inputs are read). The final comment line names every operand so that
/// templates which ignore some of them still assemble.
macro_rules! op {
    ($t:expr) => {
        |a: u64, b: u64, f: u64| -> (u64, u64) {
            let r: u64;
            let n: u64;
            // SAFETY: register-only instructions on the declared operands (NZCV is clobbered,
            // which asm! assumes without `preserves_flags`).
            unsafe {
                asm!(
                    ".arch_extension crc",
                    "msr nzcv, {f}",
                    $t,
                    "mrs {n}, nzcv",
                    "// {a} {b} {r} {t}",
                    a = in(reg) a,
                    b = in(reg) b,
                    f = in(reg) f << 28,
                    r = out(reg) r,
                    n = out(reg) n,
                    t = out(reg) _,
                    options(nomem, nostack),
                );
            }
            (r, n >> 28)
        }
    };
}

/// `(label, closure)` pairs whose label is the template.
macro_rules! ops {
    ($($t:expr),* $(,)?) => {
        [$(($t, op!($t) as Op)),*]
    };
}

/// A closure for a three-input template (`{a}`, `{b}`, `{c}` in, `{r}` out).
macro_rules! op3 {
    ($t:expr) => {
        |a: u64, b: u64, c: u64| -> u64 {
            let r: u64;
            // SAFETY: register-only instructions on the declared operands.
            unsafe {
                asm!($t, a = in(reg) a, b = in(reg) b, c = in(reg) c, r = out(reg) r, options(nomem, nostack));
            }
            r
        }
    };
}

/// The sixteen condition codes (C1.2.4) spliced between `$p` and `$s`, in encoding order.
macro_rules! conds {
    ($p:literal, $s:literal) => {
        [
            op!(concat!($p, "eq", $s)) as Op,
            op!(concat!($p, "ne", $s)),
            op!(concat!($p, "cs", $s)),
            op!(concat!($p, "cc", $s)),
            op!(concat!($p, "mi", $s)),
            op!(concat!($p, "pl", $s)),
            op!(concat!($p, "vs", $s)),
            op!(concat!($p, "vc", $s)),
            op!(concat!($p, "hi", $s)),
            op!(concat!($p, "ls", $s)),
            op!(concat!($p, "ge", $s)),
            op!(concat!($p, "lt", $s)),
            op!(concat!($p, "gt", $s)),
            op!(concat!($p, "le", $s)),
            op!(concat!($p, "al", $s)),
            op!(concat!($p, "nv", $s)),
        ]
    };
}

/// 64-bit edge values: 0, 1, INT64_MAX, INT64_MIN, all-ones and an ordinary pattern.
const V64: [u64; 6] = [0, 1, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, u64::MAX, 0x1234_5678_9abc_def0];
/// 32-bit edge values, with junk in bits 63:32 that the W forms must ignore.
const V32: [u64; 6] = [
    0xa5a5_a5a5_0000_0000,
    0xa5a5_a5a5_0000_0001,
    0xa5a5_a5a5_7fff_ffff,
    0xa5a5_a5a5_8000_0000,
    0xa5a5_a5a5_ffff_ffff,
    0xa5a5_a5a5_9abc_def0,
];
/// NZCV before cases that must overwrite all four flags.
const ALL_SET: u64 = 0xf;
/// NZCV carry-in states for ADC/SBC: C clear with N, Z, V set; and C alone.
const CARRY_IN: [u64; 2] = [0xd, 0x2];
/// Operands with sign bits at every extend boundary, and small positive ones.
const MIXED: [u64; 4] = [0xfedc_ba98_8765_4321, 0x0000_0000_0000_007f, 0x8000_0000_8000_8080, 0x0123_4567_89ab_cdef];

/// Prints `label` (a template; its newlines become "; ") and `values` in hex, as
/// [`fwtest::line`] does.
fn line(label: &str, values: &[u64]) {
    for (i, part) in label.split('\n').enumerate() {
        print!("{}{}", if i == 0 { "" } else { "; " }, part.trim());
    }
    for v in values {
        print!(" {:x}", v);
    }
    println!();
}

fn main() {
    begin("arith");
    flags();
    add_sub_immediate();
    add_sub_extended();
    add_sub_shifted();
    logical_immediate();
    logical_register();
    move_wide();
    bitfield();
    extract();
    one_source();
    variable_shift();
    multiply();
    divide();
    conditional_select();
    conditional_compare();
    crc32();
    pc_relative();
    branches();
    end();
}

/// xorshift64 state of the random cases.
static SEED: Global<u64> = Global::new(0x9e37_79b9_7f4a_7c15);

fn next_random() -> u64 {
    let mut x = SEED.get();
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    SEED.set(x);
    x
}

/// A random operand biased towards edge cases: edge values and their neighbours, small
/// numbers, values of random width, and full 64-bit patterns.
fn random_operand() -> u64 {
    const EDGES: [u64; 9] =
        [0, 1, u64::MAX, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 1 << 32];
    let r = next_random();
    let edge = EDGES[(r >> 8) as usize % EDGES.len()];
    match r & 7 {
        0 => edge,
        1 => edge.wrapping_add((r >> 16) % 5).wrapping_sub(2),
        2 => (r >> 8) & 0x7f,
        3 => next_random() >> ((r >> 8) & 63),
        _ => next_random(),
    }
}

/// Folds a value into a running hash.
fn mix(hash: u64, value: u64) -> u64 {
    (hash ^ value).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29)
}

/// Runs every op on 48 random (a, b, NZCV) and prints one hash of all results and flags.
fn random(label: &str, ops: &[(&str, Op)]) {
    let mut hash = 0;
    for (_, op) in ops {
        for _ in 0..48 {
            let (r, f) = op(random_operand(), random_operand(), next_random() & 15);
            hash = mix(mix(hash, r), f);
        }
    }
    line(label, &[hash]);
}

/// [`random`] for the condition-indexed tables.
fn random_conds(label: &str, ops: &[Op; 16]) {
    let mut hash = 0;
    for op in ops {
        for _ in 0..16 {
            let (r, f) = op(random_operand(), random_operand(), next_random() & 15);
            hash = mix(mix(hash, r), f);
        }
    }
    line(label, &[hash]);
}

/// Runs `op` over every (a, b) in `values` x `values` with NZCV = `nzcv`; prints a, b, r, NZCV.
fn pairs(label: &str, op: Op, values: &[u64], nzcv: u64) {
    for &a in values {
        for &b in values {
            let (r, f) = op(a, b, nzcv);
            line(label, &[a, b, r, f]);
        }
    }
}

/// Runs `op` over every (a, b); prints a and the NZCV result for each b (compare instructions).
fn compare_rows(label: &str, op: Op, values: &[u64]) {
    for &a in values {
        let mut row = [a, 0, 0, 0, 0, 0, 0];
        for (slot, &b) in row[1..].iter_mut().zip(values) {
            *slot = op(a, b, ALL_SET).1;
        }
        line(label, &row);
    }
}

/// Runs each op on each (a, b) of `inputs`; prints the results, and NZCV when `with_flags`.
fn table(ops: &[(&str, Op)], inputs: &[(u64, u64)], with_flags: bool) {
    for (label, op) in ops {
        let mut out = [0u64; 16];
        let mut n = 0;
        for &(a, b) in inputs {
            let (r, f) = op(a, b, ALL_SET);
            out[n] = r;
            n += 1;
            if with_flags {
                out[n] = f;
                n += 1;
            }
        }
        line(label, &out[..n]);
    }
}

/// Unary cases over `values` (b = 0).
fn unary(ops: &[(&str, Op)], values: &[u64]) {
    for (label, op) in ops {
        let mut out = [0u64; 16];
        for (slot, &a) in out.iter_mut().zip(values) {
            *slot = op(a, 0, 0).0;
        }
        line(label, &out[..values.len()]);
    }
}

/// ADDS/SUBS/ADCS/SBCS/CMP/CMN/NEGS/NGCS edge cases, 64 and 32 bits (C6.2 ADDS etc., J1
/// AddWithCarry).
fn flags() {
    let x = ops!["adds {r}, {a}, {b}", "subs {r}, {a}, {b}"];
    let w = ops!["adds {r:w}, {a:w}, {b:w}", "subs {r:w}, {a:w}, {b:w}"];
    let xc = ops!["adcs {r}, {a}, {b}", "sbcs {r}, {a}, {b}"];
    let wc = ops!["adcs {r:w}, {a:w}, {b:w}", "sbcs {r:w}, {a:w}, {b:w}"];
    for (set, values) in [(&x, &V64), (&w, &V32)] {
        for (label, op) in set {
            pairs(label, *op, values, ALL_SET);
        }
    }
    for (set, values) in [(&xc, &V64), (&wc, &V32)] {
        for (label, op) in set {
            for nzcv in CARRY_IN {
                pairs(label, *op, values, nzcv);
            }
        }
    }
    random("random adds/subs x", &x);
    random("random adds/subs w", &w);
    random("random adcs/sbcs x", &xc);
    random("random adcs/sbcs w", &wc);
    let cmp = ops![
        "cmp {a}, {b}\n mov {r}, xzr",
        "cmn {a}, {b}\n mov {r}, xzr",
        "cmp {a:w}, {b:w}\n mov {r}, xzr",
        "cmn {a:w}, {b:w}\n mov {r}, xzr",
    ];
    for (i, (label, op)) in cmp.iter().enumerate() {
        compare_rows(label, *op, if i < 2 { &V64 } else { &V32 });
    }
    random("random cmp/cmn", &cmp);
    // Plain ADC/SBC (no flags) and the negations.
    let x = ops!["adc {r}, {a}, {b}", "sbc {r}, {a}, {b}", "negs {r}, {a}", "ngcs {r}, {a}", "ngc {r}, {a}"];
    let w = ops!["adc {r:w}, {a:w}, {b:w}", "sbc {r:w}, {a:w}, {b:w}", "negs {r:w}, {a:w}", "ngcs {r:w}, {a:w}"];
    for (set, values) in [(&x[..], &V64), (&w[..], &V32)] {
        for (label, op) in set {
            for nzcv in CARRY_IN {
                for &a in values {
                    let (r, f) = op(a, values[5], nzcv);
                    line(label, &[nzcv, a, r, f]);
                }
            }
        }
    }
    random("random adc/sbc/negs/ngc x", &x);
    random("random adc/sbc/negs/ngc w", &w);
}

/// ADD/SUB (immediate), with LSL #12, CMP/CMN (immediate), and SP as source and destination.
fn add_sub_immediate() {
    let x = ops![
        "adds {r}, {a}, #0",
        "adds {r}, {a}, #1",
        "adds {r}, {a}, #4095",
        "adds {r}, {a}, #1, lsl #12",
        "subs {r}, {a}, #1",
        "subs {r}, {a}, #0xfff, lsl #12",
        "cmp {a}, #1\n mov {r}, xzr",
        "cmn {a}, #1\n mov {r}, xzr",
        "add {r}, {a}, #0xabc, lsl #12",
        "sub {r}, {a}, #0x123",
    ];
    let w = ops![
        "adds {r:w}, {a:w}, #1",
        "adds {r:w}, {a:w}, #0x800, lsl #12",
        "subs {r:w}, {a:w}, #1",
        "subs {r:w}, {a:w}, #4095",
        "cmp {a:w}, #0\n mov {r}, xzr",
        "cmn {a:w}, #1\n mov {r}, xzr",
        "add {r:w}, {a:w}, #0xabc, lsl #12",
        "sub {r:w}, {a:w}, #0x123",
    ];
    for (set, values) in [(&x[..], &V64), (&w[..], &V32)] {
        for (label, op) in set {
            let mut out = [0u64; 12];
            for (i, &a) in values.iter().enumerate() {
                (out[2 * i], out[2 * i + 1]) = op(a, 0, ALL_SET);
            }
            line(label, &out);
        }
    }
    random("random add/sub immediate x", &x);
    random("random add/sub immediate w", &w);
    // Rn = SP and Rd = SP (register 31 is SP for ADD/SUB immediate without S). The results
    // are distances from the original SP, which is 16-byte aligned.
    let sp = ops![
        "mov {t}, sp\n sub sp, sp, #0x40\n mov {r}, sp\n add sp, sp, #0x40\n sub {r}, {t}, {r}",
        "mov {t}, sp\n add {r}, sp, #0x123\n sub {r}, {r}, {t}",
        "mov {t}, sp\n mov {r}, sp\n sub {r}, {r}, {t}",
        "mov {t}, sp\n sub sp, sp, #1, lsl #12\n mov {r}, sp\n mov sp, {t}\n sub {r}, {t}, {r}",
        "mov {t}, sp\n adds {r}, sp, #0\n sub {r}, {r}, {t}",
    ];
    table(&sp, &[(0, 0)], false);
}

/// ADD/SUB (extended register): every extend, shifts 0-4, with and without flags, and SP as
/// base (J1 ExtendReg).
fn add_sub_extended() {
    macro_rules! ext_x {
        ($i:literal, $e:literal, $reg:literal) => {
            ops![
                concat!($i, " {r}, {a}, {b", $reg, "}, ", $e, " #0"),
                concat!($i, " {r}, {a}, {b", $reg, "}, ", $e, " #1"),
                concat!($i, " {r}, {a}, {b", $reg, "}, ", $e, " #2"),
                concat!($i, " {r}, {a}, {b", $reg, "}, ", $e, " #3"),
                concat!($i, " {r}, {a}, {b", $reg, "}, ", $e, " #4"),
            ]
        };
    }
    macro_rules! ext_w {
        ($i:literal, $e:literal) => {
            ops![
                concat!($i, " {r:w}, {a:w}, {b:w}, ", $e, " #0"),
                concat!($i, " {r:w}, {a:w}, {b:w}, ", $e, " #1"),
                concat!($i, " {r:w}, {a:w}, {b:w}, ", $e, " #2"),
                concat!($i, " {r:w}, {a:w}, {b:w}, ", $e, " #3"),
                concat!($i, " {r:w}, {a:w}, {b:w}, ", $e, " #4"),
            ]
        };
    }
    let inputs = [(0x1000, MIXED[0]), (u64::MAX, MIXED[1]), (0x7fff_ffff_ffff_ffff, MIXED[2])];
    let sets = [
        ext_x!("adds", "uxtb", ":w"),
        ext_x!("adds", "uxth", ":w"),
        ext_x!("adds", "uxtw", ":w"),
        ext_x!("adds", "uxtx", ""),
        ext_x!("adds", "sxtb", ":w"),
        ext_x!("adds", "sxth", ":w"),
        ext_x!("adds", "sxtw", ":w"),
        ext_x!("adds", "sxtx", ""),
        ext_x!("subs", "uxtb", ":w"),
        ext_x!("subs", "uxth", ":w"),
        ext_x!("subs", "uxtw", ":w"),
        ext_x!("subs", "uxtx", ""),
        ext_x!("subs", "sxtb", ":w"),
        ext_x!("subs", "sxth", ":w"),
        ext_x!("subs", "sxtw", ":w"),
        ext_x!("subs", "sxtx", ""),
        ext_w!("adds", "uxtb"),
        ext_w!("adds", "uxth"),
        ext_w!("adds", "uxtw"),
        ext_w!("adds", "sxtb"),
        ext_w!("adds", "sxth"),
        ext_w!("adds", "sxtw"),
        ext_w!("subs", "uxtb"),
        ext_w!("subs", "sxth"),
        ext_w!("subs", "sxtw"),
    ];
    for set in &sets {
        table(set, &inputs, true);
        random("random add/sub extended", set);
    }
    // Without S, register 31 as Rn/Rd is SP; the plain forms and CMP/CMN (extended).
    let plain = ops![
        "add {r}, {a}, {b:w}, sxtb #1",
        "sub {r}, {a}, {b:w}, uxth #4",
        "add {r:w}, {a:w}, {b:w}, sxth #2",
        "sub {r:w}, {a:w}, {b:w}, uxtb #3",
        "cmp {a}, {b:w}, sxtw #0\n mov {r}, xzr",
        "cmn {a}, {b:w}, uxtb #2\n mov {r}, xzr",
        "cmp {a:w}, {b:w}, sxtb #1\n mov {r}, xzr",
        "mov {r}, sp\n add {r}, sp, {b:w}, uxtw #2\n mov {t}, sp\n sub {r}, {r}, {t}",
        "mov {r}, sp\n add {r}, sp, {b}, lsl #3\n mov {t}, sp\n sub {r}, {r}, {t}",
        "mov {r}, sp\n sub sp, sp, {b:w}, uxtb #4\n mov {t}, sp\n mov sp, {r}\n sub {r}, {r}, {t}",
        "cmp sp, {b:w}, uxtb #0\n mov {r}, xzr",
    ];
    table(&plain, &[(0x1000, 0x0000_0000_0000_0010), (u64::MAX, 0xffff_fff0)], true);
    random("random add/sub extended, SP", &plain);
}

/// ADD/SUB (shifted register): LSL, LSR, ASR at small and maximal amounts; NEG.
fn add_sub_shifted() {
    let x = ops![
        "adds {r}, {a}, {b}, lsl #0",
        "adds {r}, {a}, {b}, lsl #1",
        "adds {r}, {a}, {b}, lsl #63",
        "adds {r}, {a}, {b}, lsr #1",
        "adds {r}, {a}, {b}, lsr #63",
        "adds {r}, {a}, {b}, asr #1",
        "adds {r}, {a}, {b}, asr #63",
        "subs {r}, {a}, {b}, lsl #4",
        "subs {r}, {a}, {b}, lsr #32",
        "subs {r}, {a}, {b}, asr #17",
        "add {r}, {a}, {b}, asr #3",
        "sub {r}, {a}, {b}, lsr #5",
        "cmp {a}, {b}, lsl #2\n mov {r}, xzr",
        "cmn {a}, {b}, asr #62\n mov {r}, xzr",
        "neg {r}, {b}, lsl #2",
        "negs {r}, {b}, asr #1",
    ];
    let w = ops![
        "adds {r:w}, {a:w}, {b:w}, lsl #0",
        "adds {r:w}, {a:w}, {b:w}, lsl #31",
        "adds {r:w}, {a:w}, {b:w}, lsr #31",
        "adds {r:w}, {a:w}, {b:w}, asr #31",
        "subs {r:w}, {a:w}, {b:w}, lsl #8",
        "subs {r:w}, {a:w}, {b:w}, lsr #16",
        "subs {r:w}, {a:w}, {b:w}, asr #1",
        "add {r:w}, {a:w}, {b:w}, asr #7",
        "sub {r:w}, {a:w}, {b:w}, lsl #3",
        "neg {r:w}, {b:w}, lsr #4",
        "negs {r:w}, {b:w}, asr #31",
    ];
    let inputs = [(0x0123_4567_89ab_cdef, 0x8000_0000_0000_0001), (u64::MAX, 0x7fff_ffff_8000_0000), (1, u64::MAX)];
    table(&x, &inputs, true);
    table(&w, &inputs, true);
    random("random add/sub shifted x", &x);
    random("random add/sub shifted w", &w);
}

/// AND/ORR/EOR/ANDS/TST (immediate) over a set of bitmask immediates of every element size
/// (J1 DecodeBitMasks), and AND to SP.
fn logical_immediate() {
    let x = ops![
        "and {r}, {a}, #0xff",
        "and {r}, {a}, #0x5555555555555555",
        "and {r}, {a}, #0xffff0000ffff0000",
        "and {r}, {a}, #0x8000000000000001",
        "orr {r}, {a}, #0x0f0f0f0f0f0f0f0f",
        "orr {r}, {a}, #0x3333333333333333",
        "orr {r}, {a}, #0xfffffffffffffffe",
        "orr {r}, {a}, #0x7fffffffffffffff",
        "eor {r}, {a}, #0x00ff00ff00ff00ff",
        "eor {r}, {a}, #0xc000000000000000",
        "eor {r}, {a}, #0x1",
        "eor {r}, {a}, #0xaaaaaaaaaaaaaaaa",
        "ands {r}, {a}, #0x8000000000000000",
        "ands {r}, {a}, #0xffffffff",
        "ands {r}, {a}, #0x6666666666666666",
        "tst {a}, #0xfffffffffffff000\n mov {r}, xzr",
        "tst {a}, #0x1\n mov {r}, xzr",
    ];
    let w = ops![
        "and {r:w}, {a:w}, #0xff00",
        "and {r:w}, {a:w}, #0x55555555",
        "orr {r:w}, {a:w}, #0x80000001",
        "orr {r:w}, {a:w}, #0xfffe0000",
        "eor {r:w}, {a:w}, #0x0000ffff",
        "eor {r:w}, {a:w}, #0x7fffffff",
        "ands {r:w}, {a:w}, #0x80000000",
        "ands {r:w}, {a:w}, #0xf0f0f0f0",
        "tst {a:w}, #0x3\n mov {r}, xzr",
        "mov {r:w}, #0xe0e0e0e0",
        "mov {r}, #0x0001000100010001",
    ];
    let inputs = [(0x0123_4567_89ab_cdef, 0), (u64::MAX, 0), (0, 0), (0x8000_0000_8000_0000, 0)];
    table(&x, &inputs, true);
    table(&w, &inputs, true);
    random("random logical immediate x", &x);
    random("random logical immediate w", &w);
    // Rd = 31 is SP for AND/ORR/EOR (immediate).
    let sp = ops!["mov {t}, sp\n and sp, {a}, #0xfffffffffffffff0\n mov {r}, sp\n mov sp, {t}"];
    table(&sp, &[(0x1234_5678_9abc_deff, 0)], false);
    random("random and sp", &sp);
}

/// AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS/TST/MVN (shifted register) with every shift type.
fn logical_register() {
    let x = ops![
        "and {r}, {a}, {b}",
        "and {r}, {a}, {b}, lsl #4",
        "bic {r}, {a}, {b}, lsr #8",
        "orr {r}, {a}, {b}, asr #12",
        "orn {r}, {a}, {b}, ror #16",
        "eor {r}, {a}, {b}, ror #1",
        "eon {r}, {a}, {b}, lsl #63",
        "ands {r}, {a}, {b}, asr #63",
        "ands {r}, {a}, {b}",
        "bics {r}, {a}, {b}, ror #32",
        "bics {r}, {a}, {b}",
        "tst {a}, {b}, lsr #1\n mov {r}, xzr",
        "mvn {r}, {b}, ror #60",
        "mov {r}, {b}",
    ];
    let w = ops![
        "and {r:w}, {a:w}, {b:w}, ror #4",
        "bic {r:w}, {a:w}, {b:w}, asr #31",
        "orr {r:w}, {a:w}, {b:w}, lsl #31",
        "orn {r:w}, {a:w}, {b:w}, lsr #3",
        "eor {r:w}, {a:w}, {b:w}, ror #31",
        "eon {r:w}, {a:w}, {b:w}",
        "ands {r:w}, {a:w}, {b:w}, ror #16",
        "bics {r:w}, {a:w}, {b:w}, lsl #1",
        "tst {a:w}, {b:w}, asr #2\n mov {r}, xzr",
        "mvn {r:w}, {b:w}, lsr #7",
        "mov {r:w}, {b:w}",
    ];
    let inputs = [(0x0123_4567_89ab_cdef, 0xf0f0_0000_ffff_0001), (u64::MAX, 0x8000_0000_8000_0000), (0, 0)];
    table(&x, &inputs, true);
    table(&w, &inputs, true);
    random("random logical register x", &x);
    random("random logical register w", &w);
}

/// MOVZ/MOVN/MOVK at every halfword position, 32 and 64 bits.
fn move_wide() {
    let ops = ops![
        "movz {r}, #0xbeef",
        "movz {r}, #0xbeef, lsl #16",
        "movz {r}, #0xbeef, lsl #32",
        "movz {r}, #0xbeef, lsl #48",
        "movn {r}, #0x1234",
        "movn {r}, #0x1234, lsl #16",
        "movn {r}, #0, lsl #48",
        "movn {r}, #0xffff, lsl #48",
        "movz {r:w}, #0xcafe, lsl #16",
        "movn {r:w}, #0x1234",
        "movn {r:w}, #0x1234, lsl #16",
        "movn {r:w}, #0xffff",
        "mov {r}, {a}\n movk {r}, #0x1111",
        "mov {r}, {a}\n movk {r}, #0x2222, lsl #16",
        "mov {r}, {a}\n movk {r}, #0x3333, lsl #32",
        "mov {r}, {a}\n movk {r}, #0x4444, lsl #48",
        "mov {r}, {a}\n movk {r:w}, #0x5555",
        "mov {r}, {a}\n movk {r:w}, #0x6666, lsl #16",
    ];
    table(&ops, &[(0x0123_4567_89ab_cdef, 0), (u64::MAX, 0)], false);
    random("random move wide", &ops);
}

/// UBFM/SBFM/BFM and their aliases (C6.2 UBFM, SBFM, BFM; J1 DecodeBitMasks with
/// immediate = FALSE).
fn bitfield() {
    let x = ops![
        "ubfx {r}, {a}, #4, #8",
        "ubfx {r}, {a}, #60, #4",
        "ubfx {r}, {a}, #0, #64",
        "sbfx {r}, {a}, #4, #8",
        "sbfx {r}, {a}, #31, #1",
        "sbfx {r}, {a}, #32, #32",
        "mov {r}, {b}\n bfi {r}, {a}, #8, #16",
        "mov {r}, {b}\n bfi {r}, {a}, #63, #1",
        "mov {r}, {b}\n bfxil {r}, {a}, #8, #16",
        "mov {r}, {b}\n bfxil {r}, {a}, #32, #32",
        "mov {r}, {b}\n bfm {r}, {a}, #60, #2",
        "ubfiz {r}, {a}, #12, #20",
        "sbfiz {r}, {a}, #40, #8",
        "lsl {r}, {a}, #1",
        "lsl {r}, {a}, #63",
        "lsr {r}, {a}, #1",
        "lsr {r}, {a}, #63",
        "asr {r}, {a}, #1",
        "asr {r}, {a}, #63",
        "sxtb {r}, {a:w}",
        "sxth {r}, {a:w}",
        "sxtw {r}, {a:w}",
        "ubfm {r}, {a}, #56, #7",
        "sbfm {r}, {a}, #62, #3",
        "sbfm {r}, {a}, #5, #3",
    ];
    let w = ops![
        "ubfx {r:w}, {a:w}, #4, #8",
        "ubfx {r:w}, {a:w}, #28, #4",
        "sbfx {r:w}, {a:w}, #8, #8",
        "sbfx {r:w}, {a:w}, #0, #32",
        "mov {r}, {b}\n bfi {r:w}, {a:w}, #16, #16",
        "mov {r}, {b}\n bfi {r:w}, {a:w}, #31, #1",
        "mov {r}, {b}\n bfxil {r:w}, {a:w}, #4, #4",
        "ubfiz {r:w}, {a:w}, #3, #5",
        "sbfiz {r:w}, {a:w}, #24, #8",
        "lsl {r:w}, {a:w}, #31",
        "lsr {r:w}, {a:w}, #31",
        "asr {r:w}, {a:w}, #31",
        "asr {r:w}, {a:w}, #3",
        "sxtb {r:w}, {a:w}",
        "sxth {r:w}, {a:w}",
        "uxtb {r:w}, {a:w}",
        "uxth {r:w}, {a:w}",
        "sbfm {r:w}, {a:w}, #30, #2",
        "ubfm {r:w}, {a:w}, #31, #30",
    ];
    let inputs =
        [(0xfedc_ba98_8765_4321, 0x5a5a_5a5a_5a5a_5a5a), (0x0123_4567_89ab_cdef, u64::MAX), (0x8000_0000_0000_8080, 0)];
    table(&x, &inputs, false);
    table(&w, &inputs, false);
    random("random bitfield x", &x);
    random("random bitfield w", &w);
}

/// EXTR and ROR (immediate).
fn extract() {
    let ops = ops![
        "extr {r}, {a}, {b}, #0",
        "extr {r}, {a}, {b}, #1",
        "extr {r}, {a}, {b}, #32",
        "extr {r}, {a}, {b}, #63",
        "extr {r:w}, {a:w}, {b:w}, #0",
        "extr {r:w}, {a:w}, {b:w}, #7",
        "extr {r:w}, {a:w}, {b:w}, #31",
        "ror {r}, {a}, #4",
        "ror {r}, {a}, #63",
        "ror {r:w}, {a:w}, #1",
        "ror {r:w}, {a:w}, #16",
    ];
    table(&ops, &[(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210), (0x8000_0000_0000_0001, 1)], false);
    random("random extract", &ops);
}

/// CLZ/CLS/RBIT/REV/REV16/REV32, 32 and 64 bits.
fn one_source() {
    let ops = ops![
        "clz {r}, {a}",
        "cls {r}, {a}",
        "rbit {r}, {a}",
        "rev {r}, {a}",
        "rev16 {r}, {a}",
        "rev32 {r}, {a}",
        "clz {r:w}, {a:w}",
        "cls {r:w}, {a:w}",
        "rbit {r:w}, {a:w}",
        "rev {r:w}, {a:w}",
        "rev16 {r:w}, {a:w}",
    ];
    let values = [
        0,
        1,
        u64::MAX,
        0x8000_0000_0000_0000,
        0x7fff_ffff_ffff_ffff,
        0x0000_0000_ffff_ffff,
        0x0000_0001_0000_0000,
        0x0123_4567_89ab_cdef,
        0xffff_ffff_0000_4000,
        0x0000_0000_c000_0000,
    ];
    unary(&ops, &values);
    random("random one-source", &ops);
}

/// LSLV/LSRV/ASRV/RORV: the amount is Rm modulo the register size (C6.2 LSLV etc.).
fn variable_shift() {
    let ops = ops![
        "lsl {r}, {a}, {b}",
        "lsr {r}, {a}, {b}",
        "asr {r}, {a}, {b}",
        "ror {r}, {a}, {b}",
        "lsl {r:w}, {a:w}, {b:w}",
        "lsr {r:w}, {a:w}, {b:w}",
        "asr {r:w}, {a:w}, {b:w}",
        "ror {r:w}, {a:w}, {b:w}",
    ];
    let amounts = [0, 1, 4, 31, 32, 33, 63, 64, 65, 0x100, 0xffff_ffff_ffff_ffff, 0x8000_0000_0000_0021];
    for &a in &[0x8123_4567_89ab_cdef_u64, 0x0000_0000_8000_0001] {
        for (label, op) in &ops {
            let mut out = [0u64; 13];
            out[0] = a;
            for (slot, &b) in out[1..].iter_mut().zip(&amounts) {
                *slot = op(a, b, 0).0;
            }
            line(label, &out);
        }
    }
    random("random variable shift", &ops);
}

/// MADD/MSUB/MUL/MNEG/SMADDL/UMADDL/SMSUBL/UMSUBL/SMULL/UMULL/SMNEGL/UMNEGL/SMULH/UMULH.
fn multiply() {
    let three: [(&str, Op3); 10] = [
        ("madd {r}, {a}, {b}, {c}", op3!("madd {r}, {a}, {b}, {c}")),
        ("msub {r}, {a}, {b}, {c}", op3!("msub {r}, {a}, {b}, {c}")),
        ("madd {r:w}, {a:w}, {b:w}, {c:w}", op3!("madd {r:w}, {a:w}, {b:w}, {c:w}")),
        ("msub {r:w}, {a:w}, {b:w}, {c:w}", op3!("msub {r:w}, {a:w}, {b:w}, {c:w}")),
        ("smaddl {r}, {a:w}, {b:w}, {c}", op3!("smaddl {r}, {a:w}, {b:w}, {c}")),
        ("umaddl {r}, {a:w}, {b:w}, {c}", op3!("umaddl {r}, {a:w}, {b:w}, {c}")),
        ("smsubl {r}, {a:w}, {b:w}, {c}", op3!("smsubl {r}, {a:w}, {b:w}, {c}")),
        ("umsubl {r}, {a:w}, {b:w}, {c}", op3!("umsubl {r}, {a:w}, {b:w}, {c}")),
        ("smulh {r}, {a}, {b} // {c}", op3!("smulh {r}, {a}, {b} // {c}")),
        ("umulh {r}, {a}, {b} // {c}", op3!("umulh {r}, {a}, {b} // {c}")),
    ];
    let inputs = [
        (3, 5, 7),
        (u64::MAX, u64::MAX, 1),
        (0x8000_0000_0000_0000, 2, 0),
        (0x8000_0000_8000_0000, 0x7fff_ffff_ffff_ffff, 0x1234_5678_9abc_def0),
        (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, u64::MAX),
        (0xffff_ffff, 0xffff_ffff, 0x8000_0000_0000_0000),
    ];
    for (label, op) in &three {
        let mut out = [0u64; 6];
        for (slot, &(a, b, c)) in out.iter_mut().zip(&inputs) {
            *slot = op(a, b, c);
        }
        line(label, &out);
    }
    let two = ops![
        "mul {r}, {a}, {b}",
        "mneg {r}, {a}, {b}",
        "mul {r:w}, {a:w}, {b:w}",
        "mneg {r:w}, {a:w}, {b:w}",
        "smull {r}, {a:w}, {b:w}",
        "umull {r}, {a:w}, {b:w}",
        "smnegl {r}, {a:w}, {b:w}",
        "umnegl {r}, {a:w}, {b:w}",
    ];
    let pairs: [(u64, u64); 6] = core::array::from_fn(|i| (inputs[i].0, inputs[i].1));
    table(&two, &pairs, false);
    random("random multiply", &two);
    let mut hash = 0;
    for (_, op) in &three {
        for _ in 0..48 {
            hash = mix(hash, op(random_operand(), random_operand(), random_operand()));
        }
    }
    line("random multiply-accumulate", &[hash]);
}

/// UDIV/SDIV: division by zero gives 0, INT_MIN / -1 gives INT_MIN, rounding toward zero
/// (C6.2 SDIV, UDIV).
fn divide() {
    let ops = ops!["udiv {r}, {a}, {b}", "sdiv {r}, {a}, {b}", "udiv {r:w}, {a:w}, {b:w}", "sdiv {r:w}, {a:w}, {b:w}"];
    let inputs = [
        (100, 7),
        (100, 0),
        (0, 0),
        (u64::MAX, 1),
        (u64::MAX, u64::MAX),
        (0x8000_0000_0000_0000, u64::MAX),
        (0xffff_ffff_8000_0000, 0xffff_ffff_ffff_ffff),
        (0xffff_ffff_ffff_fff9, 2),
        (7, 0xffff_ffff_ffff_fffe),
        (0x1234_5678_9abc_def0, 0x0000_0001_0000_0000),
    ];
    for (label, op) in &ops {
        let mut out = [0u64; 10];
        for (slot, &(a, b)) in out.iter_mut().zip(&inputs) {
            *slot = op(a, b, 0).0;
        }
        line(label, &out);
    }
    random("random divide", &ops);
}

/// CSEL/CSINC/CSINV/CSNEG for all 16 conditions over all 16 flag states (C1.2.4
/// ConditionHolds; AL and NV both always hold), and the aliases CSET/CSETM/CINC/CINV/CNEG.
fn conditional_select() {
    let sets: [(&str, [Op; 16]); 8] = [
        ("csel x", conds!("csel {r}, {a}, {b}, ", "")),
        ("csinc x", conds!("csinc {r}, {a}, {b}, ", "")),
        ("csinv x", conds!("csinv {r}, {a}, {b}, ", "")),
        ("csneg x", conds!("csneg {r}, {a}, {b}, ", "")),
        ("csel w", conds!("csel {r:w}, {a:w}, {b:w}, ", "")),
        ("csinc w", conds!("csinc {r:w}, {a:w}, {b:w}, ", "")),
        ("csinv w", conds!("csinv {r:w}, {a:w}, {b:w}, ", "")),
        ("csneg w", conds!("csneg {r:w}, {a:w}, {b:w}, ", "")),
    ];
    // a is selected when the condition holds: a = 0xaa.., b = 0x..ff (b + 1 carries, -b and
    // !b differ in every bit).
    let (a, b) = (0xaaaa_aaaa_5555_5555, 0x8000_0000_ffff_ffff);
    for (label, conds) in &sets {
        for nzcv in 0..16 {
            let mut out = [0u64; 17];
            out[0] = nzcv;
            for (slot, op) in out[1..].iter_mut().zip(conds) {
                *slot = op(a, b, nzcv).0;
            }
            line(label, &out);
        }
        random_conds("random conditional select", conds);
    }
    let aliases = ops![
        "cset {r}, eq",
        "cset {r}, hi",
        "csetm {r}, lt",
        "csetm {r:w}, vs",
        "cinc {r}, {a}, ge",
        "cinc {r:w}, {a:w}, cc",
        "cinv {r}, {a}, le",
        "cneg {r}, {a}, mi",
        "cneg {r:w}, {a:w}, ls",
    ];
    for nzcv in [0x0, 0x4, 0x9, 0x2, 0x6] {
        let mut out = [0u64; 10];
        out[0] = nzcv;
        for (slot, (_, op)) in out[1..].iter_mut().zip(&aliases) {
            *slot = op(0xffff_ffff_8000_0000, 0, nzcv).0;
        }
        line("cset/csetm/cinc/cinv/cneg", &out);
    }
    random("random cset/csetm/cinc/cinv/cneg", &aliases);
}

/// CCMP/CCMN (register and immediate), 64 and 32 bits: when the condition holds the flags are
/// those of the comparison, otherwise the immediate NZCV.
fn conditional_compare() {
    let sets: [(&str, [Op; 16]); 6] = [
        ("ccmp x reg #6", conds!("ccmp {a}, {b}, #6, ", "\n mov {r}, xzr")),
        ("ccmn x reg #9", conds!("ccmn {a}, {b}, #9, ", "\n mov {r}, xzr")),
        ("ccmp x imm31 #0", conds!("ccmp {a}, #31, #0, ", "\n mov {r}, xzr")),
        ("ccmn x imm1 #15", conds!("ccmn {a}, #1, #15, ", "\n mov {r}, xzr")),
        ("ccmp w reg #3", conds!("ccmp {a:w}, {b:w}, #3, ", "\n mov {r}, xzr")),
        ("ccmn w imm5 #12", conds!("ccmn {a:w}, #5, #12, ", "\n mov {r}, xzr")),
    ];
    let inputs = [(5, 7), (0x8000_0000_0000_0000, 1), (0xffff_ffff_8000_0000, 0xffff_ffff)];
    for (label, conds) in &sets {
        for &(a, b) in &inputs {
            for nzcv in [0x0, 0x4, 0x2, 0x9, 0x8, 0x6] {
                let mut out = [0u64; 19];
                (out[0], out[1], out[2]) = (a, b, nzcv);
                for (slot, op) in out[3..].iter_mut().zip(conds) {
                    *slot = op(a, b, nzcv).1;
                }
                line(label, &out);
            }
        }
        random_conds("random conditional compare", conds);
    }
}

/// CRC32B/H/W/X and CRC32CB/H/W/X (C6.2 CRC32B etc.): each over several accumulators and
/// data words, and the standard check values of "123456789".
fn crc32() {
    let ops = ops![
        "crc32b {r:w}, {a:w}, {b:w}",
        "crc32h {r:w}, {a:w}, {b:w}",
        "crc32w {r:w}, {a:w}, {b:w}",
        "crc32x {r:w}, {a:w}, {b}",
        "crc32cb {r:w}, {a:w}, {b:w}",
        "crc32ch {r:w}, {a:w}, {b:w}",
        "crc32cw {r:w}, {a:w}, {b:w}",
        "crc32cx {r:w}, {a:w}, {b}",
    ];
    let data = [0, 0xff, 0x0123_4567_89ab_cdef, u64::MAX, 0x8000_0000_0000_0001];
    for &acc in &[0, 0xffff_ffff, 0xa5a5_a5a5_1234_5678] {
        for (label, op) in &ops {
            let mut out = [0u64; 6];
            out[0] = acc;
            for (slot, &d) in out[1..].iter_mut().zip(&data) {
                *slot = op(acc, d, 0).0;
            }
            line(label, &out);
        }
    }
    // "123456789": CRC-32 0xcbf43926, CRC-32C 0xe3069283 (pre- and post-inverted).
    for (label, index) in [("crc32 check", 0), ("crc32c check", 4)] {
        let mut acc = 0xffff_ffff;
        for &byte in b"123456789" {
            acc = (ops[index].1)(acc, u64::from(byte), 0).0;
        }
        line(label, &[acc ^ 0xffff_ffff]);
    }
    random("random crc32", &ops);
}

/// ADR and ADRP: distances between labels and page arithmetic, which do not depend on where
/// the image is loaded (it is the same ELF at the same address on both sides anyway).
fn pc_relative() {
    let (fwd, back, far, page, lo): (u64, u64, u64, u64, u64);
    // SAFETY: address computations only; the labels are local to the block.
    unsafe {
        asm!(
            "adr {t}, 1f",              // t = address of label 1 (forward)
            "nop",
            "nop",
            "1: adr {f}, 1b",           // f = the same label, backward
            "sub {fwd}, {f}, {t}",      // 0: both name label 1
            "adr {f}, 2f",
            "sub {back}, {f}, {t}",     // distance from label 1 to label 2: 4 instructions
            "2: adr {f}, 3f",
            "sub {far}, {f}, {t}",      // distance to label 3: 7 instructions and 4 KiB on
            "b 4f",
            ".space 4096",
            "3: nop",
            "4: adrp {page}, 3b",       // the 4 KiB page of label 3
            "adr {f}, 3b",
            "and {lo}, {f}, #0xfff",    // offset of label 3 in its page
            "sub {page}, {f}, {page}",  // label 3 minus its page base = its page offset
            t = out(reg) _,
            f = out(reg) _,
            fwd = out(reg) fwd,
            back = out(reg) back,
            far = out(reg) far,
            page = out(reg) page,
            lo = out(reg) lo,
            options(nomem, nostack),
        );
    }
    line("adr fwd back far", &[fwd, back, far]);
    line("adrp offset-in-page", &[page, lo, u64::from(page == lo)]);
    let (here, target): (u64, u64);
    // SAFETY: as above.
    unsafe {
        asm!(
            "adrp {h}, 5f",
            "adr {t}, 5f",
            "b 5f",
            ".balign 4096",
            "5: nop",
            h = out(reg) here,
            t = out(reg) target,
            options(nomem, nostack),
        );
    }
    line("adrp page-aligned label", &[target - here, here & 0xfff]);
}

/// TBZ/TBNZ/CBZ/CBNZ/B.cond taken and not taken; B.cond for all 16 conditions over all 16
/// flag states (a 16-bit mask per state, bit n = condition n taken).
fn branches() {
    let tests = ops![
        "mov {r}, #1\n tbz {a}, #0, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbz {a}, #31, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbz {a}, #32, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbz {a}, #63, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbnz {a}, #0, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbnz {a:w}, #31, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbnz {a}, #32, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n tbnz {a}, #63, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n cbz {a}, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n cbz {a:w}, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n cbnz {a}, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #1\n cbnz {a:w}, 1f\n mov {r}, #0\n 1:",
        "mov {r}, #0\n 1: add {r}, {r}, #1\n cmp {r}, #3\n b.lo 1b",
        "mov {r}, #1\n cbz {a}, 1f\n b 2f\n 1: mov {r}, #2\n 2:",
    ];
    let values = [0, 1, 0x8000_0000, 0x1_0000_0000, 0x8000_0000_0000_0000, u64::MAX];
    unary(&tests, &values);
    random("random test/compare and branch", &tests);
    let bcond = conds!("mov {r}, #1\n b.", " 1f\n mov {r}, #0\n 1:");
    for nzcv in 0..16 {
        let mut mask = 0;
        for (i, op) in bcond.iter().enumerate() {
            mask |= op(0, 0, nzcv).0 << i;
        }
        line("b.cond taken mask", &[nzcv, mask]);
    }
    random_conds("random b.cond", &bcond);
    // BL / BLR / BR / RET: link register values relative to the call site.
    let (bl_link, blr_link, br_ok): (u64, u64, u64);
    // SAFETY: the calls land on local labels that return with RET / BR; x30 is clobbered.
    unsafe {
        asm!(
            "adr {t}, 1f",          // t = the instruction after the BL
            "bl 2f",
            "1: sub {bl}, x30, {t}", // 0: LR = address of the instruction after BL
            "adr {t}, 3f",
            "adr {u}, 4f",
            "blr {u}",
            "3: sub {blr}, x30, {t}",
            "adr {u}, 5f",
            "mov {ok}, #0",
            "br {u}",
            "mov {ok}, #2",          // skipped
            "5: add {ok}, {ok}, #1",
            "b 6f",
            "2: ret",                // BL target
            "4: ret",                // BLR target
            "6:",
            t = out(reg) _,
            u = out(reg) _,
            bl = out(reg) bl_link,
            blr = out(reg) blr_link,
            ok = out(reg) br_ok,
            out("x30") _,
            options(nomem, nostack),
        );
    }
    line("bl blr br", &[bl_link, blr_link, br_ok]);
}
