//! Loads and stores (DDI 0487 C3.3 "Loads and stores", C6.2 / C7.2 instruction pages): every
//! addressing mode and size of LDR/STR, the sign-extending loads, unscaled and unprivileged
//! forms, pre- and post-index writeback, register offsets with every extend with and without
//! the scale, literal loads, pairs (LDP/STP/LDPSW/LDNP/STNP), PRFM, and the SIMD&FP register
//! forms of B/H/S/D/Q; compared byte for byte with QEMU by `tests/oracle.rs`.
//!
//! Each case runs on a 2 KiB buffer filled with a fixed byte pattern; `{p}` is the base register
//! (the middle of the buffer, an `inout` operand so writeback shows), `{a}` a data value, `{b}`
//! an index or second value, `{r}` and `{s}` results (all-ones first, so a W load shows that it
//! clears bits 63:32), `{t}` a scratch register. A line is `<template> <b> <r> <s> <base delta>` and, when the case changed the buffer,
//! `@<offset from the middle> <changed bytes>`. The MMU is off, so every data access is to
//! Device-nGnRnE memory and the cases keep them aligned to their size.

#![no_std]
#![no_main]

use core::arch::asm;
use fwtest::{begin, end, print, println};
use support::Global;

support::entry!(main);

/// Buffer size; the base register of every case points at its middle.
const SIZE: usize = 2048;
const MID: usize = SIZE / 2;
/// The data value the stores use (different sign bits in every byte position).
const A: u64 = 0xf1e2_d3c4_b5a6_9788;
/// Junk in bits 63:32 of a W index register, which UXTW/SXTW must ignore.
const JUNK: u64 = 0xdead_beef_0000_0000;

#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct Buffer([u8; SIZE]);

static BUF: Global<Buffer> = Global::new(Buffer([0; SIZE]));

/// `(p, a, b) -> (r, s, p after)`.
type MemOp = fn(u64, u64, u64) -> (u64, u64, u64);
/// A case: template (also the label), closure, value of `{b}`.
type Case = (&'static str, MemOp, u64);

/// A closure running template `$t` with the operands described in the module documentation.
/// SIMD&FP cases use v0..v3, which nothing else touches: the target is soft-float, so the
/// compiler never allocates SIMD&FP registers.
macro_rules! mem {
    ($t:expr) => {
        |p: u64, a: u64, b: u64| -> (u64, u64, u64) {
            let (r, s, q): (u64, u64, u64);
            // SAFETY: the templates access only the buffer around `p` (or the stack with a
            // balanced push/pop, or prefetch without access), and registers declared here.
            unsafe {
                asm!(
                    ".arch_extension fp",
                    ".arch_extension simd",
                    "mov {r}, #-1",
                    "mov {s}, #-1",
                    $t,
                    "// {p} {a} {b} {t}",
                    p = inout(reg) p => q,
                    a = in(reg) a,
                    b = in(reg) b,
                    r = out(reg) r,
                    s = out(reg) s,
                    t = out(reg) _,
                );
            }
            (r, s, q)
        }
    };
}

/// One case whose label is its template.
macro_rules! case {
    ($t:expr, $b:expr) => {
        ($t, mem!($t) as MemOp, ($b) as i64 as u64)
    };
}

/// `$op $rt, [{p}, <index>]` with every index form of C6.2 "LDR (register)": LSL with S = 0
/// and 1, UXTW/SXTW/SXTX with and without the scale `$sh`. Unscaled indices are multiples of 8
/// and scaled ones small, so every access stays aligned whatever its size.
macro_rules! regoff {
    ($op:literal, $rt:literal, $sh:literal) => {
        [
            case!(concat!($op, " ", $rt, ", [{p}, {b}]"), 16),
            case!(concat!($op, " ", $rt, ", [{p}, {b}]"), -16),
            case!(concat!($op, " ", $rt, ", [{p}, {b}, lsl ", $sh, "]"), 2),
            case!(concat!($op, " ", $rt, ", [{p}, {b}, lsl ", $sh, "]"), -3),
            case!(concat!($op, " ", $rt, ", [{p}, {b:w}, uxtw]"), JUNK | 24),
            case!(concat!($op, " ", $rt, ", [{p}, {b:w}, uxtw ", $sh, "]"), JUNK | 3),
            case!(concat!($op, " ", $rt, ", [{p}, {b:w}, sxtw]"), JUNK | 0xffff_fff0),
            case!(concat!($op, " ", $rt, ", [{p}, {b:w}, sxtw ", $sh, "]"), JUNK | 0xffff_fffe),
            case!(concat!($op, " ", $rt, ", [{p}, {b}, sxtx]"), -24),
            case!(concat!($op, " ", $rt, ", [{p}, {b}, sxtx ", $sh, "]"), -1),
        ]
    };
}

/// The buffer's pattern: every byte differs from its neighbours and the sign bits vary.
fn pattern(i: usize) -> u8 {
    (i as u8).wrapping_mul(0x1d).wrapping_add(0x83) ^ ((i >> 8) as u8)
}

fn fill() {
    let buf = BUF.as_ptr().cast::<u8>();
    for i in 0..SIZE {
        // SAFETY: in bounds of the static buffer; volatile so the stores are not merged with
        // the assembly's accesses.
        unsafe { buf.add(i).write_volatile(pattern(i)) }
    }
}

/// The first and one-past-last index that differ from the pattern.
fn changed() -> Option<(usize, usize)> {
    let buf = BUF.as_ptr().cast::<u8>();
    // SAFETY: in bounds of the static buffer.
    let at = |i: usize| unsafe { buf.add(i).read_volatile() };
    let first = (0..SIZE).find(|&i| at(i) != pattern(i))?;
    let last = (0..SIZE).rev().find(|&i| at(i) != pattern(i))?;
    Some((first, last + 1))
}

fn base() -> u64 {
    BUF.as_ptr() as u64 + MID as u64
}

/// Prints a template (newlines become "; ") and values in hex.
fn label(template: &str, values: &[u64]) {
    for (i, part) in template.split('\n').enumerate() {
        print!("{}{}", if i == 0 { "" } else { "; " }, part.trim());
    }
    for v in values {
        print!(" {:x}", v);
    }
}

/// Runs each case on a freshly filled buffer and prints its line.
fn run(cases: &[Case]) {
    for &(template, op, b) in cases {
        fill();
        let p = base();
        let (r, s, q) = op(p, A, b);
        label(template, &[b, r, s, q.wrapping_sub(p)]);
        if let Some((first, last)) = changed() {
            print!(" @{:x} ", (first as u64).wrapping_sub(MID as u64));
            let buf = BUF.as_ptr().cast::<u8>();
            for i in first..last {
                // SAFETY: in bounds of the static buffer.
                print!("{:02x}", unsafe { buf.add(i).read_volatile() });
            }
        }
        println!();
    }
}

fn main() {
    begin("loadstore");
    run(&unsigned_offset());
    run(&unscaled());
    run(&pre_post_index());
    for set in register_offset() {
        run(&set);
    }
    run(&literal());
    run(&pairs());
    run(&unprivileged());
    run(&prefetch());
    run(&stack());
    run(&fp_single());
    run(&fp_pairs_and_literals());
    // LDTR/STTR and a few ordinary forms again at EL1 and EL0: with the MMU off there are no
    // permissions, so the unprivileged forms behave like the others.
    support::drop_to_el1(at_el1, support::el1_stack_top(), 0);
    end();
}

extern "C" fn at_el1(_: u64) -> u64 {
    println!("-- EL1");
    run(&unprivileged());
    run(&stack());
    support::drop_to_el0(at_el0, support::el0_stack_top(), 0);
    0
}

extern "C" fn at_el0(_: u64) -> u64 {
    println!("-- EL0");
    run(&unprivileged());
    run(&pre_post_index());
    0
}

/// LDR/STR (immediate, unsigned offset): every size and sign extension, offsets 0, small and
/// the largest scaled imm12 (C6.2 LDR (immediate) etc.).
fn unsigned_offset() -> [Case; 30] {
    [
        case!("ldrb {r:w}, [{p}]", 0),
        case!("ldrb {r:w}, [{p}, #1]", 0),
        case!("sub {t}, {p}, #4000\n ldrb {r:w}, [{t}, #4095]", 0),
        case!("ldrsb {r:w}, [{p}, #3]", 0),
        case!("ldrsb {r}, [{p}, #3]", 0),
        case!("ldrsb {r:w}, [{p}, #4]", 0),
        case!("ldrsb {r}, [{p}, #4]", 0),
        case!("ldrh {r:w}, [{p}, #2]", 0),
        case!("mov {t}, #8000\n sub {t}, {p}, {t}\n ldrh {r:w}, [{t}, #8190]", 0),
        case!("ldrsh {r:w}, [{p}, #6]", 0),
        case!("ldrsh {r}, [{p}, #6]", 0),
        case!("ldrsh {r:w}, [{p}, #8]", 0),
        case!("ldrsh {r}, [{p}, #8]", 0),
        case!("ldr {r:w}, [{p}, #4]", 0),
        case!("mov {t}, #16000\n sub {t}, {p}, {t}\n ldr {r:w}, [{t}, #16380]", 0),
        case!("ldrsw {r}, [{p}, #4]", 0),
        case!("ldrsw {r}, [{p}, #12]", 0),
        case!("ldrsw {r}, [{p}, #16]", 0),
        case!("ldr {r}, [{p}, #8]", 0),
        case!("mov {t}, #32256\n sub {t}, {p}, {t}\n ldr {r}, [{t}, #32760]", 0),
        case!("ldr xzr, [{p}, #8]\n mov {r}, #1", 0),
        case!("ldr wzr, [{p}, #8]\n mov {r}, #1", 0),
        case!("strb {a:w}, [{p}, #5]", 0),
        case!("strh {a:w}, [{p}, #6]", 0),
        case!("str {a:w}, [{p}, #12]", 0),
        case!("str {a}, [{p}, #16]", 0),
        case!("mov {t}, #32256\n sub {t}, {p}, {t}\n str {a}, [{t}, #32760]", 0),
        case!("str xzr, [{p}, #8]", 0),
        case!("strb wzr, [{p}, #1]", 0),
        case!("strh wzr, [{p}]", 0),
    ]
}

/// LDUR/STUR (unscaled 9-bit signed offset), every size and sign extension.
fn unscaled() -> [Case; 21] {
    [
        case!("ldurb {r:w}, [{p}, #-256]", 0),
        case!("ldurb {r:w}, [{p}, #255]", 0),
        case!("ldursb {r:w}, [{p}, #-1]", 0),
        case!("ldursb {r}, [{p}, #-3]", 0),
        case!("ldurh {r:w}, [{p}, #-2]", 0),
        case!("ldurh {r:w}, [{p}, #254]", 0),
        case!("ldursh {r:w}, [{p}, #-4]", 0),
        case!("ldursh {r}, [{p}, #-6]", 0),
        case!("ldur {r:w}, [{p}, #-4]", 0),
        case!("ldur {r:w}, [{p}, #252]", 0),
        case!("ldursw {r}, [{p}, #-8]", 0),
        case!("ldursw {r}, [{p}, #-12]", 0),
        case!("ldur {r}, [{p}, #-256]", 0),
        case!("ldur {r}, [{p}, #248]", 0),
        case!("ldur {r}, [{p}, #-8]", 0),
        case!("sturb {a:w}, [{p}, #-1]", 0),
        case!("sturh {a:w}, [{p}, #-2]", 0),
        case!("stur {a:w}, [{p}, #-4]", 0),
        case!("stur {a}, [{p}, #-8]", 0),
        case!("stur {a}, [{p}, #-256]", 0),
        case!("stur {a:w}, [{p}, #252]", 0),
    ]
}

/// Pre-index (`[Xn, #imm]!`) and post-index (`[Xn], #imm`) with writeback of the base.
fn pre_post_index() -> [Case; 26] {
    [
        case!("ldrb {r:w}, [{p}, #-1]!", 0),
        case!("ldrb {r:w}, [{p}], #1", 0),
        case!("ldrsb {r}, [{p}, #3]!", 0),
        case!("ldrsb {r:w}, [{p}], #-256", 0),
        case!("ldrh {r:w}, [{p}, #-256]!", 0),
        case!("ldrsh {r}, [{p}], #255", 0),
        case!("ldrsh {r:w}, [{p}, #6]!", 0),
        case!("ldr {r:w}, [{p}, #252]!", 0),
        case!("ldr {r:w}, [{p}], #-4", 0),
        case!("ldrsw {r}, [{p}, #-12]!", 0),
        case!("ldrsw {r}, [{p}], #12", 0),
        case!("ldr {r}, [{p}, #-8]!", 0),
        case!("ldr {r}, [{p}], #24", 0),
        case!("ldr {r}, [{p}, #0]!", 0),
        case!("ldr {r}, [{p}], #0", 0),
        case!("ldr {r}, [{p}, #8]!\n ldr {s}, [{p}, #8]!", 0),
        case!("strb {a:w}, [{p}, #-1]!", 0),
        case!("strb {a:w}, [{p}], #-1\n strb {a:w}, [{p}], #-1", 0),
        case!("strh {a:w}, [{p}, #2]!", 0),
        case!("strh {a:w}, [{p}], #-2", 0),
        case!("str {a:w}, [{p}, #-4]!", 0),
        case!("str {a:w}, [{p}], #4\n str {b:w}, [{p}], #4", 0x1234_5678),
        case!("str {a}, [{p}, #-16]!", 0),
        case!("str {a}, [{p}], #8\n str {b}, [{p}]", 0x1122_3344_5566_7788),
        case!("ldr xzr, [{p}, #8]!", 0),
        case!("str wzr, [{p}], #-4", 0),
    ]
}

/// LDR/STR (register offset) of every size, every extend, with and without the scale.
fn register_offset() -> [[Case; 10]; 13] {
    [
        regoff!("ldrb", "{r:w}", "#0"),
        regoff!("ldrsb", "{r:w}", "#0"),
        regoff!("ldrsb", "{r}", "#0"),
        regoff!("ldrh", "{r:w}", "#1"),
        regoff!("ldrsh", "{r:w}", "#1"),
        regoff!("ldrsh", "{r}", "#1"),
        regoff!("ldr", "{r:w}", "#2"),
        regoff!("ldrsw", "{r}", "#2"),
        regoff!("ldr", "{r}", "#3"),
        regoff!("strb", "{a:w}", "#0"),
        regoff!("strh", "{a:w}", "#1"),
        regoff!("str", "{a:w}", "#2"),
        regoff!("str", "{a}", "#3"),
    ]
}

/// LDR (literal) of W and X, LDRSW (literal), forward and backward, and PRFM (literal).
fn literal() -> [Case; 6] {
    [
        case!("ldr {r:w}, 1f\n b 2f\n .balign 8\n 1: .quad 0x8877665544332211\n 2:", 0),
        case!("ldr {r}, 1f\n b 2f\n .balign 8\n 1: .quad 0x8877665544332211\n 2:", 0),
        case!("ldrsw {r}, 1f\n b 2f\n .balign 4\n 1: .word 0x87654321\n 2:", 0),
        case!("ldrsw {r}, 1f\n b 2f\n .balign 4\n 1: .word 0x76543210\n 2:", 0),
        case!("b 2f\n .balign 8\n 1: .quad 0x0102030405060708\n 2: ldr {r}, 1b\n ldr {s:w}, 1b", 0),
        case!("prfm pldl1keep, 1f\n mov {r}, #1\n b 2f\n 1: .word 0\n 2:", 0),
    ]
}

/// LDP/STP/LDPSW/LDNP/STNP of W and X: signed offset (incl. the imm7 limits), pre- and
/// post-index.
fn pairs() -> [Case; 22] {
    [
        case!("ldp {r}, {s}, [{p}]", 0),
        case!("ldp {r}, {s}, [{p}, #-512]", 0),
        case!("ldp {r}, {s}, [{p}, #504]", 0),
        case!("ldp {r}, {s}, [{p}, #-16]!", 0),
        case!("ldp {r}, {s}, [{p}], #32", 0),
        case!("ldp {r:w}, {s:w}, [{p}, #-256]", 0),
        case!("ldp {r:w}, {s:w}, [{p}, #252]", 0),
        case!("ldp {r:w}, {s:w}, [{p}, #8]!", 0),
        case!("ldp {r:w}, {s:w}, [{p}], #-8", 0),
        case!("ldpsw {r}, {s}, [{p}, #4]", 0),
        case!("ldpsw {r}, {s}, [{p}, #-256]!", 0),
        case!("ldpsw {r}, {s}, [{p}], #252", 0),
        case!("ldnp {r}, {s}, [{p}, #-64]", 0),
        case!("ldnp {r:w}, {s:w}, [{p}, #12]", 0),
        case!("stp {a}, {b}, [{p}]", 0x0011_2233_4455_6677),
        case!("stp {a}, {b}, [{p}, #-512]", 0x0011_2233_4455_6677),
        case!("stp {a}, {b}, [{p}, #-16]!", 0x0011_2233_4455_6677),
        case!("stp {b}, {a}, [{p}], #-32", 0x0011_2233_4455_6677),
        case!("stp {a:w}, {b:w}, [{p}, #4]!", 0x0011_2233_4455_6677),
        case!("stp wzr, {a:w}, [{p}], #8", 0),
        case!("stnp {a}, xzr, [{p}, #32]", 0),
        case!("stnp {b:w}, {a:w}, [{p}, #-4]", 0x0011_2233_4455_6677),
    ]
}

/// LDTR/STTR family (unprivileged, C6.2 LDTR etc.): at EL2 they behave as the ordinary forms.
fn unprivileged() -> [Case; 13] {
    [
        case!("ldtrb {r:w}, [{p}, #-1]", 0),
        case!("ldtrsb {r:w}, [{p}, #3]", 0),
        case!("ldtrsb {r}, [{p}, #-256]", 0),
        case!("ldtrh {r:w}, [{p}, #2]", 0),
        case!("ldtrsh {r:w}, [{p}, #-2]", 0),
        case!("ldtrsh {r}, [{p}, #254]", 0),
        case!("ldtr {r:w}, [{p}, #-4]", 0),
        case!("ldtrsw {r}, [{p}, #-12]", 0),
        case!("ldtr {r}, [{p}, #248]", 0),
        case!("sttrb {a:w}, [{p}, #-3]", 0),
        case!("sttrh {a:w}, [{p}, #-256]", 0),
        case!("sttr {a:w}, [{p}, #4]", 0),
        case!("sttr {a}, [{p}, #-8]", 0),
    ]
}

/// PRFM (immediate, unscaled, register, literal) and unallocated prefetch operations: hints
/// without architectural effect, even for addresses where an access would fault.
fn prefetch() -> [Case; 9] {
    [
        case!("prfm pldl1keep, [{p}]\n mov {r}, #1", 0),
        case!("prfm pstl3strm, [{p}, #32760]\n mov {r}, #1", 0),
        case!("prfm plil2keep, [{p}, {b}, lsl #3]\n mov {r}, #1", 3),
        case!("prfm pldl2strm, [{p}, {b:w}, sxtw]\n mov {r}, #1", -5),
        case!("prfum pldl1strm, [{p}, #-1]\n mov {r}, #1", 0),
        case!("prfm #0x18, [{p}]\n mov {r}, #1", 0),
        case!("prfm #0x1f, [{p}, #8]\n mov {r}, #1", 0),
        case!("mov {t}, #0\n prfm pldl1keep, [{t}]\n mov {r}, #1", 0),
        case!("mov {t}, #0xffff000000000000\n prfm pstl1keep, [{t}, #8]\n mov {r}, #1", 0),
    ]
}

/// SP as the base register (16-byte aligned, so SCTLR_ELx.SA does not fault): push and pop.
fn stack() -> [Case; 4] {
    [
        case!("str {a}, [sp, #-16]!\n ldr {r}, [sp], #16", 0),
        case!("stp {a}, {b}, [sp, #-16]!\n ldp {s}, {r}, [sp], #16", 0x0123_4567_89ab_cdef),
        case!("stp {a:w}, {b:w}, [sp, #-16]!\n ldrsw {r}, [sp]\n ldrsh {s}, [sp, #6]\n add sp, sp, #16", 0x8000_7fff),
        case!("mov {t}, sp\n sub sp, sp, #32\n str {a}, [sp, #8]\n ldur {r}, [sp, #8]\n mov sp, {t}\n mov {s}, sp\n sub {s}, {t}, {s}", 0),
    ]
}

/// SIMD&FP LDR/STR/LDUR/STUR of B/H/S/D/Q: unsigned offset, unscaled, pre/post-index and
/// register offset. A load writes the whole V register (zero-extending), which the Q store
/// to offset -64 shows; narrower stores write only their size.
fn fp_single() -> [Case; 36] {
    [
        case!("ldr b0, [{p}, #3]\n str q0, [{p}, #-64]", 0),
        case!("ldr h0, [{p}, #6]\n str q0, [{p}, #-64]", 0),
        case!("ldr s0, [{p}, #12]\n str q0, [{p}, #-64]", 0),
        case!("ldr d0, [{p}, #8]\n str q0, [{p}, #-64]", 0),
        case!("ldr q0, [{p}, #16]\n str q0, [{p}, #-64]", 0),
        case!("sub {t}, {p}, #4000\n ldr b1, [{t}, #4095]\n str q1, [{p}, #-64]", 0),
        case!("mov {t}, #65520\n sub {t}, {p}, {t}\n ldr q1, [{t}, #65520]\n str q1, [{p}, #-64]", 0),
        case!("ldur b0, [{p}, #-1]\n str q0, [{p}, #-64]", 0),
        case!("ldur h0, [{p}, #-256]\n str q0, [{p}, #-64]", 0),
        case!("ldur s0, [{p}, #252]\n str q0, [{p}, #-64]", 0),
        case!("ldur d0, [{p}, #-8]\n str q0, [{p}, #-64]", 0),
        case!("ldur q0, [{p}, #-32]\n str q0, [{p}, #-64]", 0),
        case!("ldr q0, [{p}, #-16]!\n ldr d1, [{p}], #-16\n stp q0, q1, [{p}, #-64]", 0),
        case!("ldr b2, [{p}, #1]!\n str q2, [{p}, #-65]", 0),
        case!("ldr h2, [{p}], #2\n str q2, [{p}, #-66]", 0),
        case!("ldr s2, [{p}, #-4]!\n str q2, [{p}, #-60]", 0),
        case!("ldr q2, [{p}], #-16\n str q2, [{p}, #-48]", 0),
        case!("ldr b3, [{p}, {b}]\n str q3, [{p}, #-64]", 5),
        case!("ldr h3, [{p}, {b}, lsl #1]\n str q3, [{p}, #-64]", -3),
        case!("ldr s3, [{p}, {b:w}, uxtw #2]\n str q3, [{p}, #-64]", JUNK | 7),
        case!("ldr d3, [{p}, {b:w}, sxtw #3]\n str q3, [{p}, #-64]", JUNK | 0xffff_fffe),
        case!("ldr q3, [{p}, {b}, sxtx #4]\n str q3, [{p}, #-64]", -2),
        case!("ldr q3, [{p}, {b}]\n str q3, [{p}, #-64]", 32),
        case!("ldr q0, [{p}, #-48]\n str b0, [{p}, #1]", 0),
        case!("ldr q0, [{p}, #-48]\n str h0, [{p}, #2]", 0),
        case!("ldr q0, [{p}, #-48]\n str s0, [{p}, #4]", 0),
        case!("ldr q0, [{p}, #-48]\n str d0, [{p}, #8]", 0),
        case!("ldr q0, [{p}, #-48]\n str q0, [{p}, #16]", 0),
        case!("ldr q0, [{p}, #-48]\n stur b0, [{p}, #-255]", 0),
        case!("ldr q0, [{p}, #-48]\n stur h0, [{p}, #254]", 0),
        case!("ldr q0, [{p}, #-48]\n stur s0, [{p}, #-4]", 0),
        case!("ldr q0, [{p}, #-48]\n stur d0, [{p}, #-8]", 0),
        case!("ldr q0, [{p}, #-48]\n stur q0, [{p}, #-16]", 0),
        case!("ldr q0, [{p}, #-48]\n str q0, [{p}, #32]!", 0),
        case!("ldr q0, [{p}, #-48]\n str d0, [{p}], #-8", 0),
        case!("ldr q0, [{p}, #-48]\n str s0, [{p}, {b}, lsl #2]", 3),
    ]
}

/// SIMD&FP LDP/STP/LDNP/STNP of S/D/Q (offset, pre, post) and LDR (literal) of S/D/Q.
fn fp_pairs_and_literals() -> [Case; 15] {
    [
        case!("ldp s0, s1, [{p}, #8]\n stp q0, q1, [{p}, #-64]", 0),
        case!("ldp d0, d1, [{p}, #-512]\n stp q0, q1, [{p}, #-64]", 0),
        case!("ldp q0, q1, [{p}, #976]\n stp q0, q1, [{p}, #-64]", 0),
        case!("ldp q0, q1, [{p}, #-32]!\n stp q1, q0, [{p}, #-32]", 0),
        case!("ldp d2, d3, [{p}], #-16\n stp q2, q3, [{p}, #-48]", 0),
        case!("ldnp s2, s3, [{p}, #-256]\n stp q2, q3, [{p}, #-64]", 0),
        case!("ldnp q2, q3, [{p}, #64]\n stp q2, q3, [{p}, #-64]", 0),
        case!("ldp q0, q1, [{p}, #-64]\n stp s1, s0, [{p}, #4]", 0),
        case!("ldp q0, q1, [{p}, #-64]\n stp d0, d1, [{p}, #-16]!", 0),
        case!("ldp q0, q1, [{p}, #-64]\n stp q1, q0, [{p}], #32", 0),
        case!("ldp q0, q1, [{p}, #-64]\n stnp d1, d0, [{p}, #8]", 0),
        case!("ldp q0, q1, [{p}, #-64]\n stnp q0, q1, [{p}, #-1024]", 0),
        case!("ldr s0, 1f\n b 2f\n .balign 4\n 1: .word 0x89abcdef\n 2: str q0, [{p}, #-64]", 0),
        case!("ldr d0, 1f\n b 2f\n .balign 8\n 1: .quad 0x0123456789abcdef\n 2: str q0, [{p}, #-64]", 0),
        case!("ldr q0, 1f\n b 2f\n .balign 16\n 1: .quad 0x1111, 0x2222\n 2: str q0, [{p}, #-64]", 0),
    ]
}
