//! FP and Advanced SIMD workloads (DDI 0487 C7.2), compared byte for byte with QEMU by
//! `tests/oracle.rs`: a single-precision FIR filter (scalar FMADD and vector FMLA), a
//! double-precision biquad IIR filter, a dot product, division and square root under each
//! FPCR rounding mode, flush-to-zero and default-NaN behaviour, conversions, and SIMD string
//! kernels (a memcpy with LD1/ST1 of four registers, a strlen with CMEQ/UMAXV/SHRN, a byte
//! histogram with TBL and UADALP checksums).
//!
//! The target is soft-float, so every FP/SIMD instruction is inline assembly on integer bit
//! patterns; results print as hex bits with FPSR. With the MMU off all data accesses are
//! Device memory, so the vector loads use byte or element-size accesses (LD1), which are always
//! aligned.

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
    set_fp_mode(0);
    end();
}
