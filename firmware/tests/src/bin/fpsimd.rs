//! FP and Advanced SIMD workloads (DDI 0487 C7.2), compared byte for byte with QEMU by
//! `tests/oracle.rs`: a single-precision FIR filter (scalar FMADD and vector FMLA), a
//! double-precision biquad IIR filter, a dot product, division and square root under each
//! FPCR rounding mode, flush-to-zero and default-NaN behaviour, conversions, and SIMD string
//! kernels (a memcpy with LD1/ST1 of four registers, a strlen with CMEQ/UMAXV/SHRN, a byte
//! histogram with TBL and UADALP checksums), and SHA-256, AES-128 and PMULL.
//!
//! The target is soft-float, so every FP/SIMD instruction is inline assembly on integer bit
//! patterns; results print as hex bits with FPSR. With the MMU off all data accesses are
//! Device memory, so the vector loads use byte or element-size accesses (LD1), which are always
//! aligned. The Crypto section checks known answers (FIPS 180-4, FIPS 197) as well.

#![no_std]
#![no_main]

use core::arch::asm;
use fwtest::{begin, end, line};

support::entry!(main);

const TAPS: usize = 16;
const SAMPLES: usize = 256;

/// A linear congruential generator for deterministic inputs.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 16
    }

    /// A single-precision value in about [-2, 2) as bits: sign, exponent 126..128, fraction.
    fn f32_bits(&mut self) -> u32 {
        let r = self.next();
        ((r as u32 & 1) << 31) | ((126 + (r >> 1) as u32 % 3) << 23) | ((r >> 8) as u32 & 0x7f_ffff)
    }

    /// A double-precision value in about [-4, 4) as bits.
    fn f64_bits(&mut self) -> u64 {
        let r = self.next();
        ((r & 1) << 63) | ((1021 + (r >> 1) % 4) << 52) | (self.next() & 0x000f_ffff_ffff_ffff)
    }
}

/// Sets FPCR and clears FPSR.
fn set_fp_mode(fpcr: u64) {
    // SAFETY: writes of the FP control and status registers only.
    unsafe { asm!(".arch_extension fp", "msr fpcr, {c}", "msr fpsr, xzr", c = in(reg) fpcr, options(nomem, nostack)) };
}

fn fpsr() -> u64 {
    let v: u64;
    // SAFETY: a read of FPSR.
    unsafe { asm!(".arch_extension fp", "mrs {v}, fpsr", v = out(reg) v, options(nomem, nostack)) };
    v
}

/// Sum of x[i] * h[i] over `n` elements with scalar FMADD (one rounding per step).
fn dot_scalar(x: &[u32], h: &[u32], n: usize) -> u32 {
    let r: u32;
    // SAFETY: reads n elements of each slice (n <= both lengths); clobbers v0..v2.
    unsafe {
        asm!(
            ".arch_extension fp",
            "fmov s0, wzr",
            "2:",
            "ldr s1, [{x}], #4",
            "ldr s2, [{h}], #4",
            "fmadd s0, s1, s2, s0",
            "subs {n}, {n}, #1",
            "b.ne 2b",
            "fmov {r:w}, s0",
            x = inout(reg) x.as_ptr() => _,
            h = inout(reg) h.as_ptr() => _,
            n = inout(reg) n.min(x.len()).min(h.len()) => _,
            r = out(reg) r,
            out("v0") _, out("v1") _, out("v2") _,
            options(nostack, readonly),
        );
    }
    r
}

/// The same dot product four lanes at a time with FMLA, reduced with FADDP (n % 4 == 0).
fn dot_vector(x: &[u32], h: &[u32], n: usize) -> u32 {
    let r: u32;
    // SAFETY: reads n elements of each slice (n <= both lengths, a multiple of 4).
    unsafe {
        asm!(
            ".arch_extension simd",
            "movi v0.4s, #0",
            "2:",
            "ld1 {{v1.4s}}, [{x}], #16",
            "ld1 {{v2.4s}}, [{h}], #16",
            "fmla v0.4s, v1.4s, v2.4s",
            "subs {n}, {n}, #4",
            "b.ne 2b",
            "faddp v0.4s, v0.4s, v0.4s",
            "faddp v0.4s, v0.4s, v0.4s",
            "fmov {r:w}, s0",
            x = inout(reg) x.as_ptr() => _,
            h = inout(reg) h.as_ptr() => _,
            n = inout(reg) n.min(x.len()).min(h.len()) & !3 => _,
            r = out(reg) r,
            out("v0") _, out("v1") _, out("v2") _,
            options(nostack, readonly),
        );
    }
    r
}

/// FNV-1a over 32-bit words.
fn hash32(words: &[u32]) -> u64 {
    words.iter().fold(0xcbf2_9ce4_8422_2325, |h, &w| (h ^ u64::from(w)).wrapping_mul(0x100_0000_01b3))
}

fn hash64(words: &[u64]) -> u64 {
    words.iter().fold(0xcbf2_9ce4_8422_2325, |h, &w| (h ^ w).wrapping_mul(0x100_0000_01b3))
}

fn fir(rng: &mut Lcg) {
    let mut x = [0u32; SAMPLES + TAPS];
    let mut h = [0u32; TAPS];
    x.iter_mut().for_each(|v| *v = rng.f32_bits());
    h.iter_mut().for_each(|v| *v = rng.f32_bits());
    for (mode, name) in [(0u64, "fir rn"), (1, "fir rp"), (2, "fir rm"), (3, "fir rz")] {
        set_fp_mode(mode << 22);
        let mut scalar = [0u32; SAMPLES];
        let mut vector = [0u32; SAMPLES];
        for n in 0..SAMPLES {
            scalar[n] = dot_scalar(&x[n..], &h, TAPS);
            vector[n] = dot_vector(&x[n..], &h, TAPS);
        }
        line(name, &[hash32(&scalar), hash32(&vector), u64::from(scalar[7]), u64::from(vector[7]), fpsr()]);
    }
}

/// One biquad step in double precision: y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2, with the
/// state [x1, x2, y1, y2] updated.
fn biquad(c: &[u64; 5], state: &mut [u64; 4], x: u64) -> u64 {
    let y: u64;
    // SAFETY: reads c and state, writes state; clobbers v0..v7.
    unsafe {
        asm!(
            ".arch_extension fp",
            "ldp d0, d1, [{c}]",
            "ldp d2, d3, [{c}, #16]",
            "ldr d4, [{c}, #32]",
            "ldp d5, d6, [{s}]",
            "ldp d7, d16, [{s}, #16]",
            "fmov d17, {x}",
            "fmul d18, d0, d17",
            "fmadd d18, d1, d5, d18",
            "fmadd d18, d2, d6, d18",
            "fmsub d18, d3, d7, d18",
            "fmsub d18, d4, d16, d18",
            "stp d17, d5, [{s}]",
            "stp d18, d7, [{s}, #16]",
            "fmov {y}, d18",
            c = in(reg) c.as_ptr(),
            s = in(reg) state.as_mut_ptr(),
            x = in(reg) x,
            y = out(reg) y,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _, out("v6") _,
            out("v7") _, out("v16") _, out("v17") _, out("v18") _,
            options(nostack),
        );
    }
    y
}

fn iir(rng: &mut Lcg) {
    // A low-pass biquad (b0 b1 b2 a1 a2) as bits: 0.0675, 0.135, 0.0675, -1.143, 0.4128.
    let c: [u64; 5] = [
        0x3fb1_47ae_147a_e148,
        0x3fc1_47ae_147a_e148,
        0x3fb1_47ae_147a_e148,
        0xbff2_4a23_0000_0000,
        0x3fda_6b50_b0f2_7bb3,
    ];
    for (mode, name) in [(0u64, "iir rn"), (3, "iir rz")] {
        set_fp_mode(mode << 22);
        let mut state = [0u64; 4];
        let mut out = [0u64; SAMPLES];
        let mut input = Lcg(rng.0);
        for y in out.iter_mut() {
            *y = biquad(&c, &mut state, input.f64_bits());
        }
        line(name, &[hash64(&out), out[SAMPLES - 1], fpsr()]);
    }
    rng.next();
}

/// `r = d0` after template `$t` runs with `a` in d1 and `b` in d2 (x9 is free for it).
macro_rules! fp2 {
    ($t:expr, $a:expr, $b:expr) => {{
        let r: u64;
        // SAFETY: register-only FP instructions; clobbers x9 and v0..v2.
        unsafe {
            asm!(
                ".arch_extension fp",
                "fmov d1, {a}",
                "fmov d2, {b}",
                $t,
                "fmov {r}, d0",
                a = in(reg) $a,
                b = in(reg) $b,
                r = out(reg) r,
                out("x9") _, out("v0") _, out("v1") _, out("v2") _,
                options(nomem, nostack),
            );
        }
        r
    }};
}

fn rounding_modes() {
    let third: u64 = 0x3fd5_5555_5555_5555;
    for mode in 0..4u64 {
        set_fp_mode(mode << 22);
        let div = fp2!("fdiv d0, d1, d2", 0x3ff0_0000_0000_0000u64, 0x4008_0000_0000_0000u64);
        let sqrt = fp2!("fsqrt d0, d1", 0x4000_0000_0000_0000u64, 0u64);
        let sum = fp2!("fadd d0, d1, d2", third, 0xbcb0_0000_0000_0001u64);
        let single = fp2!("fcvt s0, d1\n fcvt d0, s0", third, 0u64);
        let half = fp2!("fcvt h0, d1\n fcvt d0, h0", third, 0u64);
        let int = fp2!("frintx d0, d1", 0xc004_0000_0000_0000u64, 0u64);
        line("round", &[mode, div, sqrt, sum, single, half, int, fpsr()]);
    }
}

fn flush_and_nans() {
    let tiny: u64 = 0x0010_0000_0000_0001; // just above the smallest normal
    let half: u64 = 0x3fe0_0000_0000_0000;
    let snan: u64 = 0x7ff0_0000_0000_0bad;
    for (fpcr, name) in [(0u64, "ieee"), (1 << 24, "fz"), (1 << 25, "dn"), (3 << 24, "fz+dn")] {
        set_fp_mode(fpcr);
        let product = fp2!("fmul d0, d1, d2", tiny, half);
        let denormal_in = fp2!("fadd d0, d1, d2", 0x0000_0000_0000_0003u64, 0u64);
        let nan = fp2!("fadd d0, d1, d2", snan, half);
        let max = fp2!("fmaxnm d0, d1, d2", 0x7ff8_0000_0000_0001u64, half);
        let min = fp2!("fmin d0, d1, d2", 0x7ff8_0000_0000_0001u64, half);
        line(name, &[product, denormal_in, nan, max, min, fpsr()]);
    }
    set_fp_mode(0);
}

fn conversions() {
    let values: [u64; 8] = [
        0x4004_0000_0000_0000, // 2.5
        0xc004_0000_0000_0000, // -2.5
        0x41e0_0000_0000_0000, // 2^31
        0xc3e0_0000_0000_0001, // below -2^63
        0x7ff8_0000_0000_0000, // NaN
        0x3fe8_0000_0000_0000, // 0.75
        0x4330_0000_0000_0001, // 2^52 + 1
        0xfff0_0000_0000_0000, // -inf
    ];
    for v in values {
        set_fp_mode(0);
        let zs = fp2!("fcvtzs x9, d1\n fmov d0, x9", v, 0u64);
        let ns = fp2!("fcvtns w9, d1\n fmov s0, w9", v, 0u64);
        let au = fp2!("fcvtau x9, d1\n fmov d0, x9", v, 0u64);
        let fixed = fp2!("fcvtzs w9, d1, #8\n fmov s0, w9", v, 0u64);
        let back = fp2!("fmov x9, d1\n scvtf s0, x9, #3\n fcvt d0, s0", v, 0u64);
        line("cvt", &[v, zs, ns, au, fixed, back, fpsr()]);
    }
}

/// Copies `n` bytes with LD1/ST1 of four, then one register, then bytes.
fn simd_memcpy(dst: &mut [u8], src: &[u8], n: usize) {
    let n = n.min(dst.len()).min(src.len());
    // SAFETY: reads and writes n bytes within the slices; byte-element LD1/ST1 are aligned.
    unsafe {
        asm!(
            ".arch_extension simd",
            "2:",
            "cmp {n}, #64",
            "b.lo 3f",
            "ld1 {{v0.16b, v1.16b, v2.16b, v3.16b}}, [{s}], #64",
            "st1 {{v0.16b, v1.16b, v2.16b, v3.16b}}, [{d}], #64",
            "sub {n}, {n}, #64",
            "b 2b",
            "3:",
            "cmp {n}, #16",
            "b.lo 4f",
            "ld1 {{v0.16b}}, [{s}], #16",
            "st1 {{v0.16b}}, [{d}], #16",
            "sub {n}, {n}, #16",
            "b 3b",
            "4:",
            "cbz {n}, 5f",
            "ldrb {t:w}, [{s}], #1",
            "strb {t:w}, [{d}], #1",
            "sub {n}, {n}, #1",
            "b 4b",
            "5:",
            s = inout(reg) src.as_ptr() => _,
            d = inout(reg) dst.as_mut_ptr() => _,
            n = inout(reg) n => _,
            t = out(reg) _,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _,
            options(nostack),
        );
    }
}

/// The length of the NUL-terminated string at `p` (16-byte steps: the buffer must extend 15
/// bytes past the terminator).
fn simd_strlen(s: &[u8]) -> u64 {
    let len: u64;
    // SAFETY: reads 16-byte blocks from s; every string below sits in a buffer padded with 16
    // NUL bytes after its terminator.
    unsafe {
        asm!(
            ".arch_extension simd",
            "mov {p}, {start}",
            "2:",
            "ld1 {{v0.16b}}, [{p}], #16",
            "cmeq v0.16b, v0.16b, #0",
            "umaxv b1, v0.16b",
            "fmov {t:w}, s1",
            "cbz {t:w}, 2b",
            "shrn v0.8b, v0.8h, #4",
            "fmov {t}, d0",
            "rbit {t}, {t}",
            "clz {t}, {t}",
            "sub {p}, {p}, #16",
            "add {p}, {p}, {t}, lsr #2",
            "sub {len}, {p}, {start}",
            start = in(reg) s.as_ptr(),
            p = out(reg) _,
            t = out(reg) _,
            len = out(reg) len,
            out("v0") _, out("v1") _,
            options(nostack, readonly),
        );
    }
    len
}

fn strings(rng: &mut Lcg) {
    let mut src = [0u8; 512];
    src.iter_mut().for_each(|b| *b = (rng.next() % 255 + 1) as u8);
    for (n, offset) in [(0usize, 0usize), (1, 3), (15, 1), (16, 0), (17, 5), (63, 7), (64, 0), (200, 9), (300, 13)] {
        let mut dst = [0xeeu8; 512];
        simd_memcpy(&mut dst[offset..], &src[offset..], n);
        let sum = dst.iter().fold(0u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        line("memcpy", &[n as u64, offset as u64, sum]);
    }
    let mut buffer = [0u8; 640];
    buffer[..512].copy_from_slice(&src);
    for end in [0usize, 1, 14, 15, 16, 31, 32, 100, 255, 500] {
        let saved = buffer[end];
        buffer[end] = 0;
        for start in [0usize, 1, 7] {
            if start <= end {
                line("strlen", &[start as u64, end as u64, simd_strlen(&buffer[start..])]);
            }
        }
        buffer[end] = saved;
    }
}

/// Byte histogram of 16 buckets (the low nibble) with TBL lookups and saturating accumulations,
/// and a UADALP checksum.
fn histogram(rng: &mut Lcg) {
    let mut data = [0u8; 256];
    data.iter_mut().for_each(|b| *b = rng.next() as u8);
    let (lo, hi): (u64, u64);
    // SAFETY: reads the 256 data bytes; clobbers v0..v7.
    unsafe {
        asm!(
            ".arch_extension simd",
            "movi v4.16b, #0x0f",
            "movi v5.2d, #0",
            "movi v6.2d, #0",
            "movi v7.2d, #0",
            "mov {n}, #16",
            "2:",
            "ld1 {{v0.16b}}, [{p}], #16",
            "and v1.16b, v0.16b, v4.16b",
            "tbl v2.16b, {{v0.16b}}, v1.16b",
            "uqadd v5.16b, v5.16b, v2.16b",
            "uadalp v6.8h, v0.16b",
            "eor v7.16b, v7.16b, v2.16b",
            "ext v7.16b, v7.16b, v7.16b, #3",
            "subs {n}, {n}, #1",
            "b.ne 2b",
            "uaddlv s3, v6.8h",
            "zip1 v0.16b, v5.16b, v7.16b",
            "mov {lo}, v0.d[0]",
            "fmov {hi:w}, s3",
            p = inout(reg) data.as_ptr() => _,
            n = out(reg) _,
            lo = out(reg) lo,
            hi = out(reg) hi,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _, out("v6") _,
            out("v7") _,
            options(nostack, readonly),
        );
    }
    line("histogram", &[lo, hi]);
}

/// The SHA-256 round constants (FIPS 180-4, 4.2.2).
const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// One SHA-256 compression of `block` (16 big-endian words as integers) into `state`, with
/// SHA256H, SHA256H2, SHA256SU0 and SHA256SU1.
fn sha256_block(state: &mut [u32; 8], block: &[u32; 16]) {
    // SAFETY: reads the block and constants, reads and writes the state; clobbers v0..v4,
    // v16..v21.
    unsafe {
        asm!(
            ".arch_extension crypto",
            "ld1 {{v0.4s, v1.4s}}, [{s}]",
            "ld1 {{v16.4s, v17.4s, v18.4s, v19.4s}}, [{b}]",
            "mov v20.16b, v0.16b",
            "mov v21.16b, v1.16b",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v16.4s",
            "sha256su0 v16.4s, v17.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v16.4s, v18.4s, v19.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v17.4s",
            "sha256su0 v17.4s, v18.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v17.4s, v19.4s, v16.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v18.4s",
            "sha256su0 v18.4s, v19.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v18.4s, v16.4s, v17.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v19.4s",
            "sha256su0 v19.4s, v16.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v19.4s, v17.4s, v18.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v16.4s",
            "sha256su0 v16.4s, v17.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v16.4s, v18.4s, v19.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v17.4s",
            "sha256su0 v17.4s, v18.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v17.4s, v19.4s, v16.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v18.4s",
            "sha256su0 v18.4s, v19.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v18.4s, v16.4s, v17.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v19.4s",
            "sha256su0 v19.4s, v16.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v19.4s, v17.4s, v18.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v16.4s",
            "sha256su0 v16.4s, v17.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v16.4s, v18.4s, v19.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v17.4s",
            "sha256su0 v17.4s, v18.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v17.4s, v19.4s, v16.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v18.4s",
            "sha256su0 v18.4s, v19.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v18.4s, v16.4s, v17.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v19.4s",
            "sha256su0 v19.4s, v16.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "sha256su1 v19.4s, v17.4s, v18.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v16.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v17.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v18.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "ld1 {{v4.4s}}, [{k}], #16",
            "add v4.4s, v4.4s, v19.4s",
            "mov v2.16b, v0.16b",
            "sha256h q0, q1, v4.4s",
            "sha256h2 q1, q2, v4.4s",
            "add v0.4s, v0.4s, v20.4s",
            "add v1.4s, v1.4s, v21.4s",
            "st1 {{v0.4s, v1.4s}}, [{s}]",
            s = in(reg) state.as_mut_ptr(),
            b = in(reg) block.as_ptr(),
            k = inout(reg) SHA256_K.as_ptr() => _,
            out("v0") _, out("v1") _, out("v2") _, out("v4") _, out("v16") _, out("v17") _, out("v18") _,
            out("v19") _, out("v20") _, out("v21") _,
            options(nostack),
        );
    }
}

/// The AES S-box, computed: the inverse in GF(2^8) followed by the affine map (FIPS 197, 5.1.1).
fn aes_sbox(x: u8) -> u8 {
    let mul = |mut a: u8, mut b: u8| {
        let mut p = 0u8;
        while b != 0 {
            if b & 1 != 0 {
                p ^= a;
            }
            a = (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 };
            b >>= 1;
        }
        p
    };
    let inv = (1..=255u8).find(|&y| x != 0 && mul(x, y) == 1).unwrap_or(0);
    inv ^ inv.rotate_left(1) ^ inv.rotate_left(2) ^ inv.rotate_left(3) ^ inv.rotate_left(4) ^ 0x63
}

/// AES-128 of one block with AESE/AESMC, the round keys expanded in integer code (FIPS 197,
/// 5.2).
fn aes128_encrypt(key: &[u8; 16], block: &[u8; 16]) -> [u8; 16] {
    let mut round_keys = [0u8; 176];
    round_keys[..16].copy_from_slice(key);
    let mut rcon = 1u8;
    for i in 4..44 {
        let mut t = [0u8; 4];
        t.copy_from_slice(&round_keys[4 * (i - 1)..4 * i]);
        if i % 4 == 0 {
            t = [aes_sbox(t[1]) ^ rcon, aes_sbox(t[2]), aes_sbox(t[3]), aes_sbox(t[0])];
            rcon = (rcon << 1) ^ if rcon & 0x80 != 0 { 0x1b } else { 0 };
        }
        for j in 0..4 {
            round_keys[4 * i + j] = round_keys[4 * (i - 4) + j] ^ t[j];
        }
    }
    let mut out = *block;
    // SAFETY: reads the 176 bytes of round keys and 16 of state, writes 16; clobbers v0..v1.
    unsafe {
        asm!(
            ".arch_extension crypto",
            "ld1 {{v0.16b}}, [{o}]",
            "mov {n}, #9",
            "2:",
            "ld1 {{v1.16b}}, [{k}], #16",
            "aese v0.16b, v1.16b",
            "aesmc v0.16b, v0.16b",
            "subs {n}, {n}, #1",
            "b.ne 2b",
            "ld1 {{v1.16b}}, [{k}], #16",
            "aese v0.16b, v1.16b",
            "ld1 {{v1.16b}}, [{k}]",
            "eor v0.16b, v0.16b, v1.16b",
            "st1 {{v0.16b}}, [{o}]",
            o = in(reg) out.as_mut_ptr(),
            k = inout(reg) round_keys.as_ptr() => _,
            n = out(reg) _,
            out("v0") _, out("v1") _,
            options(nostack),
        );
    }
    out
}

/// Known answers: SHA-256("abc") (FIPS 180-4 example) and the FIPS 197 Appendix C.1 AES-128
/// vector, plus PMULL of two 64-bit polynomials.
fn crypto() {
    let mut state: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut block = [0u32; 16];
    block[0] = 0x6162_6380;
    block[15] = 24;
    sha256_block(&mut state, &block);
    let words: [u64; 8] = state.map(u64::from);
    line("sha256 abc", &words);
    let key: [u8; 16] = core::array::from_fn(|i| i as u8);
    let plain: [u8; 16] = core::array::from_fn(|i| (i as u8) * 0x11);
    fwtest::bytes("aes128", &aes128_encrypt(&key, &plain));
    let (lo, hi): (u64, u64);
    // SAFETY: register-only crypto instructions; clobbers v0..v2.
    unsafe {
        asm!(
            ".arch_extension crypto",
            "fmov d1, {a}",
            "fmov d2, {b}",
            "pmull v0.1q, v1.1d, v2.1d",
            "mov {lo}, v0.d[0]",
            "mov {hi}, v0.d[1]",
            a = in(reg) 0x8000_0000_0000_001bu64,
            b = in(reg) 0xf00d_cafe_1234_5679u64,
            lo = out(reg) lo,
            hi = out(reg) hi,
            out("v0") _, out("v1") _, out("v2") _,
            options(nomem, nostack),
        );
    }
    line("pmull", &[lo, hi]);
}

fn main() {
    begin("fpsimd");
    let mut rng = Lcg(0x5eed_f00d);
    fir(&mut rng);
    iir(&mut rng);
    rounding_modes();
    flush_and_nans();
    conversions();
    strings(&mut rng);
    histogram(&mut rng);
    crypto();
    set_fp_mode(0);
    end();
}
