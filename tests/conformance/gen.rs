//! proptest strategies for the cases: instruction words drawn from the lines of `isa/a64.isa`
//! (`a64::ENCODINGS` / `a64::FIELDS`) with register fields and immediates weighted toward their
//! edges, and register state with the special values of integer and floating-point arithmetic
//! weighted in. A draw is then fitted to the harness (`fit`): branch offsets aimed at the landing
//! pads, base registers pointed into the scratch area, system-register operands steered to the
//! ones EL0 may use.

use a64::{ENCODINGS, FIELDS};
use proptest::prelude::*;

use super::program::Layout;
use super::state::{State, SCRATCH_SIZE};

/// Encoding lines left out of the random draw, with the reason (the harness docs list them).
pub const EXCLUDED_LINES: &[(&str, &str)] = &[
    ("SVC", "always an exception (a Linux system call under QEMU)"),
    ("HVC", "UNDEFINED at EL0"),
    ("SMC", "UNDEFINED at EL0"),
    ("BRK", "always a Breakpoint exception"),
    ("HLT", "always UNDEFINED (no Debug state)"),
    ("ERET", "UNDEFINED at EL0"),
];

/// One drawn case before fitting.
#[derive(Clone, Debug)]
pub struct Draw {
    pub index: usize,
    pub fields: Vec<u32>,
    pub free: u32,
    pub state: State,
    pub knobs: [u32; 4],
}

/// A case ready to run.
#[derive(Clone, Debug)]
pub struct Case {
    /// Index into `a64::ENCODINGS` of the line the word was drawn from.
    pub line: usize,
    pub word: u32,
    /// A second instruction run right after `word` (a store-exclusive to the address a
    /// load-exclusive marked), or `None`.
    pub second: Option<u32>,
    pub state: State,
}

impl Case {
    /// The two instruction slots of the case.
    pub fn words(&self) -> [u32; 2] {
        [self.word, self.second.unwrap_or(super::NOP)]
    }
}

fn is_register_field(name: &str) -> bool {
    matches!(name, "rd" | "rn" | "rm" | "rt" | "rt2" | "ra" | "rs")
}

/// A field value: registers favour 31 (SP/ZR) and 0; immediates favour 0, 1, all ones, the
/// top bit and the largest positive value.
fn field_value(name: &str, width: u32) -> BoxedStrategy<u32> {
    let max = if width == 32 { u32::MAX } else { (1u32 << width) - 1 };
    if is_register_field(name) {
        prop_oneof![6 => 0..32u32, 1 => Just(31u32), 1 => Just(0u32)].boxed()
    } else if width <= 2 {
        (0..=max).boxed()
    } else {
        prop_oneof![
            6 => 0..=max,
            1 => Just(0u32),
            1 => Just(1u32),
            1 => Just(max),
            1 => Just(max >> 1),
            1 => Just(1u32 << (width - 1)),
        ]
        .boxed()
    }
}

/// 64-bit integers at the edges of signed/unsigned 8..64-bit arithmetic.
fn special_int() -> impl Strategy<Value = u64> {
    prop::sample::select(vec![
        0u64,
        1,
        2,
        u64::MAX,
        u64::MAX - 1,
        0x7fff_ffff_ffff_ffff,
        0x8000_0000_0000_0000,
        0x8000_0000_0000_0001,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x1_0000_0000,
        0xffff_ffff_8000_0000,
        0xffff_ffff_7fff_ffff,
        0x7f,
        0x80,
        0xff,
        0x7fff,
        0x8000,
        0xffff,
        0x5555_5555_5555_5555,
        0xaaaa_aaaa_aaaa_aaaa,
        63,
        64,
        31,
        32,
    ])
}

/// A general-purpose register value.
fn gp_value() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => any::<u64>(),
        3 => special_int(),
        2 => 0..256u64,
        1 => any::<u32>().prop_map(u64::from),
    ]
}

/// Binary64 values: zeros, infinities, quiet and signalling NaNs with payloads, denormals,
/// normal edges, integer-conversion edges, and random bit patterns.
fn f64_bits() -> impl Strategy<Value = u64> {
    let specials = prop::sample::select(vec![
        0x0000_0000_0000_0000u64, // +0
        0x8000_0000_0000_0000,    // -0
        0x7ff0_0000_0000_0000,    // +inf
        0xfff0_0000_0000_0000,    // -inf
        0x7ff8_0000_0000_0000,    // default NaN
        0x7ff8_0000_0000_0001,    // qNaN, payload
        0xfffc_0000_dead_beef,    // -qNaN, payload
        0x7ff0_0000_0000_0001,    // sNaN
        0xfff4_0000_0000_1234,    // -sNaN, payload
        0x0000_0000_0000_0001,    // smallest denormal
        0x000f_ffff_ffff_ffff,    // largest denormal
        0x8008_0000_0000_0000,    // -denormal
        0x0010_0000_0000_0000,    // smallest normal
        0x7fef_ffff_ffff_ffff,    // largest normal
        0x3ff0_0000_0000_0000,    // 1.0
        0xbff0_0000_0000_0000,    // -1.0
        0x3fe0_0000_0000_0000,    // 0.5
        0x3ff8_0000_0000_0000,    // 1.5
        0x4004_0000_0000_0000,    // 2.5
        0xc004_0000_0000_0000,    // -2.5
        0x41df_ffff_ffc0_0000,    // 2^31 - 1
        0x41e0_0000_0000_0000,    // 2^31
        0xc1e0_0000_0000_0000,    // -2^31
        0xc1e0_0000_0020_0000,    // -2^31 - 1
        0x43e0_0000_0000_0000,    // 2^63
        0xc3e0_0000_0000_0000,    // -2^63
        0x43f0_0000_0000_0000,    // 2^64
        0x4330_0000_0000_0001,    // 2^52 + 1
        0x3ca0_0000_0000_0000,    // 2^-53
        0x7fe0_0000_0000_0000,    // 2^1023
        0x36a0_0000_0000_0000,    // around the binary32 denormal range
        0x3810_0000_0000_0000,    // binary32 smallest normal
        0x47ef_ffff_e000_0000,    // binary32 largest normal
        0x40ef_fe00_0000_0000,    // binary16 largest normal
        0x3f10_0000_0000_0000,    // binary16 smallest normal
    ]);
    prop_oneof![
        5 => specials,
        2 => any::<u64>(),
        // Sign, exponent near the middle and random significand: ordinary arithmetic.
        3 => (any::<bool>(), 0x3c0u64..0x440, any::<u64>())
            .prop_map(|(s, e, m)| (u64::from(s) << 63) | (e << 52) | (m & 0x000f_ffff_ffff_ffff)),
        // Tiny values for underflow and flush-to-zero.
        1 => (any::<bool>(), 0u64..3, any::<u64>())
            .prop_map(|(s, e, m)| (u64::from(s) << 63) | (e << 52) | (m & 0x000f_ffff_ffff_ffff)),
    ]
}

/// Binary32 values, like [`f64_bits`].
fn f32_bits() -> impl Strategy<Value = u32> {
    let specials = prop::sample::select(vec![
        0x0000_0000u32,
        0x8000_0000,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0x7fc0_0001,
        0xffe0_beef,
        0x7f80_0001,
        0xffa0_1234,
        0x0000_0001,
        0x007f_ffff,
        0x8040_0000,
        0x0080_0000,
        0x7f7f_ffff,
        0x3f80_0000,
        0xbf80_0000,
        0x3f00_0000,
        0x3fc0_0000,
        0x4020_0000,
        0xc020_0000,
        0x4f00_0000, // 2^31
        0xcf00_0000, // -2^31
        0x4eff_ffff,
        0x5f00_0000, // 2^63
        0xdf00_0000,
        0x5f80_0000, // 2^64
        0x4b00_0001, // 2^23 + 1
        0x3380_0000, // 2^-24
        0x3880_0000, // binary16 smallest normal
        0x477f_e000, // binary16 largest normal
        0x3300_0000,
    ]);
    prop_oneof![
        5 => specials,
        2 => any::<u32>(),
        3 => (any::<bool>(), 0x70u32..0x90, any::<u32>())
            .prop_map(|(s, e, m)| (u32::from(s) << 31) | (e << 23) | (m & 0x7f_ffff)),
        1 => (any::<bool>(), 0u32..3, any::<u32>())
            .prop_map(|(s, e, m)| (u32::from(s) << 31) | (e << 23) | (m & 0x7f_ffff)),
    ]
}

/// Binary16 values.
fn f16_bits() -> impl Strategy<Value = u16> {
    let specials = prop::sample::select(vec![
        0x0000u16, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7e01, 0xfd55, 0x7c01, 0xfd00, 0x0001, 0x03ff, 0x8200, 0x0400,
        0x7bff, 0x3c00, 0xbc00, 0x3800, 0x3e00,
    ]);
    prop_oneof![3 => specials, 2 => any::<u16>()]
}

/// A SIMD&FP register value: random, or lanes of FP or integer special values.
fn v_value() -> impl Strategy<Value = u128> {
    prop_oneof![
        2 => any::<u128>(),
        3 => [f64_bits(), f64_bits()].prop_map(|[a, b]| u128::from(a) | (u128::from(b) << 64)),
        3 => [f32_bits(), f32_bits(), f32_bits(), f32_bits()].prop_map(|l| {
            l.iter().enumerate().fold(0u128, |acc, (i, &x)| acc | (u128::from(x) << (32 * i)))
        }),
        1 => prop::collection::vec(f16_bits(), 8).prop_map(|l| {
            l.iter().enumerate().fold(0u128, |acc, (i, &x)| acc | (u128::from(x) << (16 * i)))
        }),
        1 => [special_int(), special_int()].prop_map(|[a, b]| u128::from(a) | (u128::from(b) << 64)),
        1 => (any::<u8>(), prop::sample::select(vec![0x00u8, 0x01, 0x7f, 0x80, 0xff]))
            .prop_map(|(mask, edge)| (0..16).fold(0u128, |acc, i| {
                let byte = if mask & (1 << (i % 8)) != 0 { edge } else { (i * 37) as u8 };
                acc | (u128::from(byte) << (8 * i))
            })),
    ]
}

/// FPCR: the rounding mode, FZ, DN and AHP (the ARMv8.0 controls; bits 26:22), sometimes with
/// the AArch32 Len/Stride, FZ16 and the trap enables set as well (storage, RES0 and RAZ/WI
/// bits, which an MRS of FPCR shows).
fn fpcr_value() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => Just(0u64),
        3 => (0u64..32).prop_map(|b| b << 22),
        1 => any::<u32>().prop_map(|b| u64::from(b & 0x07ff_ff00)),
    ]
}

/// FPSR: clear, or some of QC and the cumulative flags set.
fn fpsr_value() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(0u64), 1 => any::<u32>().prop_map(|b| u64::from(b & 0x0800_009f))]
}

pub fn state_strategy() -> impl Strategy<Value = State> {
    (
        prop::collection::vec(gp_value(), 31),
        prop_oneof![3 => (0u64..64).prop_map(|k| k * 16), 1 => any::<u64>()],
        (0u64..16).prop_map(|f| f << 28),
        fpcr_value(),
        fpsr_value(),
        prop::collection::vec(v_value(), 32),
    )
        .prop_map(|(x, sp, nzcv, fpcr, fpsr, v)| State {
            x: x.try_into().expect("31 registers"),
            // An offset into the scratch area; `fit` adds its address.
            sp,
            nzcv,
            fpcr,
            fpsr,
            v: v.try_into().expect("32 registers"),
        })
}

/// The table lines cases are drawn from (indices into `a64::ENCODINGS`).
pub fn drawn_lines() -> Vec<usize> {
    (0..ENCODINGS.len()).filter(|&i| !EXCLUDED_LINES.iter().any(|(n, _)| *n == ENCODINGS[i].0)).collect()
}

/// The strategy of one case, before fitting.
pub fn draw_strategy() -> impl Strategy<Value = Draw> {
    prop::sample::select(drawn_lines()).prop_flat_map(|index| {
        let fields: Vec<BoxedStrategy<u32>> =
            FIELDS[index].iter().map(|&(name, _, width)| field_value(name, width)).collect();
        (Just(index), fields, any::<u32>(), state_strategy(), any::<[u32; 4]>())
            .prop_map(|(index, fields, free, state, knobs)| Draw { index, fields, free, state, knobs })
    })
}

fn field(line: usize, name: &str) -> Option<(u32, u32)> {
    FIELDS[line].iter().find(|f| f.0 == name).map(|&(_, lsb, width)| (lsb, width))
}

fn get(line: usize, word: u32, name: &str) -> Option<u32> {
    field(line, name).map(|(lsb, width)| (word >> lsb) & (((1u64 << width) - 1) as u32))
}

fn set(line: usize, word: &mut u32, name: &str, value: u32) {
    if let Some((lsb, width)) = field(line, name) {
        let mask = (((1u64 << width) - 1) as u32) << lsb;
        *word = (*word & !mask) | ((value << lsb) & mask);
    }
}

/// The instructions whose address operand is a base register.
fn is_load_store(name: &str) -> bool {
    ((name.starts_with("LD") || name.starts_with("ST")) && !name.starts_with("LDR_lit"))
        || name.starts_with("SIMD_ldst")
}

/// Fits draw `d` to case `i` of `layout`.
pub fn fit(d: &Draw, layout: &Layout, i: usize) -> Case {
    let (name, mask, value) = ENCODINGS[d.index];
    let line = d.index;
    let mut word = (d.free & !mask) | value;
    for (&(fname, _, _), &v) in FIELDS[line].iter().zip(&d.fields) {
        set(line, &mut word, fname, v);
    }
    let mut state = d.state.clone();
    let a = layout.insn(i);
    let scratch_mid = layout.scratch + SCRATCH_SIZE as u64 / 2;
    state.sp = if state.sp < SCRATCH_SIZE as u64 { layout.scratch + state.sp } else { state.sp };
    let [k0, k1, k2, k3] = d.knobs;
    let toward_pad = |k: u32| -> u64 {
        if k.is_multiple_of(2) {
            layout.taken(i)
        } else {
            layout.back(i)
        }
    };
    let offset_words = |target: u64| -> u32 { (target.wrapping_sub(a) as i64 / 4) as u32 };
    match name {
        "B_imm" => set(line, &mut word, "imm26", offset_words(toward_pad(k0))),
        "B_cond" | "CBZ" => set(line, &mut word, "imm19", offset_words(toward_pad(k0))),
        "TBZ" => set(line, &mut word, "imm14", offset_words(toward_pad(k0))),
        "BR" => {
            let rn = get(line, word, "rn").unwrap_or(0) as usize;
            if rn < 31 && k0 % 4 != 0 {
                state.x[rn] = toward_pad(k1);
            }
        }
        "LDR_lit" | "LDR_lit_fp" if k0 % 4 != 0 => set(line, &mut word, "imm19", (k1 % 128).wrapping_sub(64)),
        // NZCV, FPCR, FPSR most of the time; the rest of the space is mostly UNDEFINED at EL0
        // (and skipped).
        "MRS" | "MSR_reg" if k0 % 4 != 0 => {
            let reg = [super::asm::NZCV, super::asm::FPCR, super::asm::FPSR][(k1 % 3) as usize];
            word = (word & !(0x7fff << 5)) | reg;
        }
        // The cache maintenance EL0 may use (SCTLR_EL1.UCI, DZE): DC ZVA, CVAC, CVAU, CIVAC,
        // IC IVAU, on an address in the data area.
        "SYS" if k0 % 4 != 0 => {
            let (crm, rt) = ([4u32, 10, 11, 14, 5][(k1 % 5) as usize], (k2 % 31) as usize);
            word = (word & !0x7ffff) | (3 << 16) | (7 << 12) | (crm << 8) | (1 << 5) | rt as u32;
            state.x[rt] = scratch_mid.wrapping_add(u64::from(k3 % 256));
        }
        _ => {}
    }
    // Scalar FP: mostly the allocated single/double forms (ftype 10 and most of 11 are
    // unallocated), with each line's operation fields drawn from its allocated values.
    if name.starts_with("FP_") || name.starts_with("FCVT_") {
        if k2 % 8 != 0 {
            set(line, &mut word, "ftype", k2 % 2);
        }
        let pick = |k: u32, from: &[u32]| from[(k as usize) % from.len()];
        match name {
            "FP_1src" if k1 % 8 != 0 => {
                let opcode = pick(k1 >> 3, &[0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15]);
                set(line, &mut word, "opcode", opcode);
                if matches!(opcode, 4 | 5 | 7) && k2 % 8 == 0 {
                    set(line, &mut word, "ftype", 3); // FCVT from half precision
                }
            }
            "FP_2src" => set(line, &mut word, "opcode", k1 % 9),
            "FCVT_fixed" if k1 % 8 != 0 => {
                let (rmode, opcode) = [(3, 0), (3, 1), (0, 2), (0, 3)][(k1 >> 3) as usize % 4];
                set(line, &mut word, "rmode", rmode);
                set(line, &mut word, "opcode", opcode);
                if get(line, word, "sf") == Some(0) {
                    let scale = get(line, word, "scale").unwrap_or(0);
                    set(line, &mut word, "scale", 32 | scale);
                }
            }
            "FCVT_int" if k1 % 8 != 0 => {
                let opcode = (k1 >> 3) % 8;
                set(line, &mut word, "opcode", opcode);
                if (2..=5).contains(&opcode) {
                    set(line, &mut word, "rmode", 0);
                }
                if opcode >= 6 {
                    let sf = get(line, word, "sf").unwrap_or(0);
                    if k1 % 16 == 1 {
                        // FMOV to or from V.D[1].
                        set(line, &mut word, "sf", 1);
                        set(line, &mut word, "ftype", 2);
                        set(line, &mut word, "rmode", 1);
                    } else {
                        set(line, &mut word, "ftype", sf);
                        set(line, &mut word, "rmode", 0);
                    }
                }
            }
            _ => {}
        }
    }
    // Advanced SIMD: steer the operation fields to allocated values most of the time.
    if k2 % 8 != 0 {
        match name {
            "SIMD_copy" => {
                set(line, &mut word, "imm4", [0, 1, 3, 5, 7, 0, 1, 3][(k1 % 8) as usize]);
            }
            "SIMD_perm" => set(line, &mut word, "opcode", [1, 2, 3, 5, 6, 7][(k1 % 6) as usize]),
            "SIMD_ext" | "SIMD_tbl" => set(line, &mut word, "op2", 0),
            "SIMD_modimm" => set(line, &mut word, "o2", 0),
            "SIMD_3same" if get(line, word, "size") == Some(3) => set(line, &mut word, "q", 1),
            "SIMD_3same_fp" if get(line, word, "sz") == Some(1) => set(line, &mut word, "q", 1),
            "SIMD_ldst_multi" | "SIMD_ldst_single" => {
                if name == "SIMD_ldst_multi" {
                    set(line, &mut word, "opcode", [0, 2, 4, 6, 7, 8, 10][(k1 % 7) as usize]);
                }
                match get(line, word, "p") {
                    Some(0) => set(line, &mut word, "rm", 0),
                    _ if k1 % 2 == 0 => set(line, &mut word, "rm", 31),
                    _ => {}
                }
            }
            "SIMD_shift_imm" => {
                let opcodes =
                    [0x00, 0x02, 0x04, 0x06, 0x08, 0x0a, 0x0c, 0x0e, 0x10, 0x11, 0x12, 0x13, 0x14, 0x1c, 0x1f];
                set(line, &mut word, "opcode", opcodes[(k1 % 15) as usize]);
                if get(line, word, "immh").is_some_and(|h| h >= 8) {
                    set(line, &mut word, "q", 1);
                }
            }
            "CRYPTO_aes" => {
                set(line, &mut word, "size", 0);
                set(line, &mut word, "opcode", 4 + k1 % 4);
            }
            "CRYPTO_sha3" => {
                set(line, &mut word, "size", 0);
                set(line, &mut word, "opcode", k1 % 7);
            }
            "CRYPTO_sha2" => {
                set(line, &mut word, "size", 0);
                set(line, &mut word, "opcode", k1 % 3);
            }
            "SIMD_3diff" if get(line, word, "size") == Some(3) && k1 % 2 == 0 => {
                set(line, &mut word, "u", 0);
                set(line, &mut word, "opcode", 14);
            }
            "SIMD_elem" => {
                let (u, opcode, size) = [
                    (0, 1, 2),
                    (0, 5, 3),
                    (0, 9, 2),
                    (1, 9, 3),
                    (0, 8, 1),
                    (1, 0, 2),
                    (1, 4, 1),
                    (0, 12, 2),
                    (0, 13, 1),
                    (0, 2, 1),
                    (1, 6, 2),
                    (0, 3, 1),
                    (0, 7, 2),
                    (1, 10, 1),
                    (0, 11, 2),
                ][(k1 % 15) as usize];
                set(line, &mut word, "u", u);
                set(line, &mut word, "opcode", opcode);
                set(line, &mut word, "size", size);
                if size == 3 {
                    set(line, &mut word, "q", 1);
                    set(line, &mut word, "l", 0);
                }
            }
            "SIMD_s3same" => {
                let (u, opcode) = [
                    (0, 0x01),
                    (1, 0x05),
                    (0, 0x06),
                    (1, 0x07),
                    (0, 0x08),
                    (1, 0x09),
                    (0, 0x0a),
                    (1, 0x0b),
                    (0, 0x10),
                    (1, 0x11),
                    (0, 0x16),
                    (1, 0x16),
                    (0, 0x1b),
                    (0, 0x1c),
                    (0, 0x1f),
                    (1, 0x1a),
                    (1, 0x1c),
                    (1, 0x1d),
                ][(k1 % 18) as usize];
                set(line, &mut word, "u", u);
                set(line, &mut word, "opcode", opcode);
                match opcode {
                    0x06..=0x08 | 0x0a | 0x10 | 0x11 => set(line, &mut word, "size", 3),
                    0x16 => set(line, &mut word, "size", 1 + k2 % 2),
                    0x1a => set(line, &mut word, "size", 2 + k2 % 2),
                    0x1b | 0x1c if u == 0 => set(line, &mut word, "size", k2 % 2),
                    _ => {}
                }
            }
            "SIMD_s3diff" => {
                set(line, &mut word, "u", 0);
                set(line, &mut word, "opcode", [9, 11, 13][(k1 % 3) as usize]);
                set(line, &mut word, "size", 1 + k2 % 2);
            }
            "SIMD_s2misc" => {
                let (u, opcode) = [
                    (0, 0x03),
                    (1, 0x07),
                    (0, 0x08),
                    (1, 0x09),
                    (0, 0x0a),
                    (1, 0x0b),
                    (0, 0x14),
                    (1, 0x12),
                    (1, 0x14),
                    (1, 0x16),
                    (0, 0x0c),
                    (1, 0x0d),
                    (0, 0x1a),
                    (1, 0x1b),
                    (0, 0x1c),
                    (1, 0x1d),
                    (0, 0x1f),
                    (0, 0x1d),
                ][(k1 % 18) as usize];
                set(line, &mut word, "u", u);
                set(line, &mut word, "opcode", opcode);
                match opcode {
                    0x08..=0x0b => set(line, &mut word, "size", 3),
                    0x12 | 0x14 => set(line, &mut word, "size", k2 % 3),
                    0x16 => set(line, &mut word, "size", 1),
                    0x0c | 0x0d | 0x1f => set(line, &mut word, "size", 2 + k2 % 2),
                    0x1c => set(line, &mut word, "size", k2 % 2),
                    _ => {}
                }
            }
            "SIMD_spairwise" => {
                let (u, opcode) = [(0, 0x1b), (1, 0x0c), (1, 0x0d), (1, 0x0f)][(k1 % 4) as usize];
                set(line, &mut word, "u", u);
                set(line, &mut word, "opcode", opcode);
                let size = if u == 0 {
                    3
                } else if opcode == 0x0d {
                    k2 % 2
                } else {
                    k2 % 4
                };
                set(line, &mut word, "size", size);
            }
            "SIMD_scopy" => {
                set(line, &mut word, "op", 0);
                set(line, &mut word, "imm4", 0);
            }
            "SIMD_sshift_imm" => {
                let (u, opcode) = [
                    (0, 0x00),
                    (1, 0x02),
                    (0, 0x04),
                    (1, 0x06),
                    (0, 0x0a),
                    (1, 0x08),
                    (1, 0x0a),
                    (0, 0x0e),
                    (1, 0x0c),
                    (0, 0x12),
                    (1, 0x13),
                    (1, 0x10),
                    (1, 0x11),
                    (0, 0x1c),
                    (1, 0x1f),
                ][(k1 % 15) as usize];
                set(line, &mut word, "u", u);
                set(line, &mut word, "opcode", opcode);
                let immh = get(line, word, "immh").unwrap_or(1);
                match opcode {
                    0x00..=0x0a => set(line, &mut word, "immh", 8 | immh),
                    0x10..=0x13 => set(line, &mut word, "immh", (immh & 7).max(1)),
                    0x1c | 0x1f => set(line, &mut word, "immh", immh | 4),
                    _ => set(line, &mut word, "immh", immh.max(1)),
                }
            }
            "SIMD_selem" => {
                let (u, opcode, size) = [
                    (0, 1, 2),
                    (0, 5, 3),
                    (0, 9, 2),
                    (1, 9, 3),
                    (0, 3, 1),
                    (0, 7, 2),
                    (0, 11, 1),
                    (0, 12, 2),
                    (0, 13, 1),
                ][(k1 % 9) as usize];
                set(line, &mut word, "u", u);
                set(line, &mut word, "opcode", opcode);
                set(line, &mut word, "size", size);
                if size == 3 {
                    set(line, &mut word, "l", 0);
                }
            }
            "SIMD_across" if k3 % 2 == 0 => {
                set(line, &mut word, "size", k1 % 3);
                set(line, &mut word, "opcode", [0x03, 0x0a, 0x1a, 0x1b, 0x0c, 0x0f][(k1 >> 2) as usize % 6]);
                if k1 % 3 == 2 {
                    set(line, &mut word, "q", 1);
                }
            }
            "SIMD_2misc" | "SIMD_across" if get(line, word, "size").is_some_and(|s| s & 1 == 1) && k3 % 4 != 0 => {
                set(line, &mut word, "q", 1)
            }
            _ => {}
        }
    }
    // Should-be-one fields: all ones most of the time (`not_comparable` drops the rest).
    for &sbo in sbo_fields(name) {
        if k3 % 8 != 1 {
            set(line, &mut word, sbo, 31);
        }
    }
    if is_load_store(name) {
        // Base register into the scratch area (16-byte aligned, or misaligned by k3 % 16).
        let rn = get(line, word, "rn").unwrap_or(31) as usize;
        let delta = (i64::from(k1 % 33) - 16) * 16 + if k3 % 4 == 0 { i64::from(k3 >> 4) % 16 } else { 0 };
        let base = scratch_mid.wrapping_add(delta as u64);
        if rn == 31 {
            state.sp = base & !15;
        } else if k0 % 8 != 0 {
            state.x[rn] = base;
        }
        if name.starts_with("LDST_uimm") && k2 % 4 != 0 {
            let imm = get(line, word, "imm12").unwrap_or(0);
            set(line, &mut word, "imm12", imm % 32);
        }
        if let Some(rm) = get(line, word, "rm") {
            let rm = rm as usize;
            let indexed = name.starts_with("LDST_reg") || name.starts_with("SIMD_ldst");
            if rm < 31 && rm != rn && indexed && k2 % 8 != 0 {
                let small = [0u64, 1, 8, 16, 3, u64::MAX - 7, u64::MAX - 15, 0xffff_fff0, 0x10];
                state.x[rm] = small[(k2 >> 3) as usize % small.len()];
            }
        }
    }
    let second = exclusive_pair(name, word, k2);
    Case { line, word, second, state }
}

/// For some LDXR/LDAXR and LDXP/LDAXP: the matching STXR/STLXR or STXP/STLXP to the same
/// address and size, with a status register that overlaps nothing (B2.9: the store then
/// succeeds, as the monitor holds the address). None when the load writes its own base.
fn exclusive_pair(name: &str, word: u32, knob: u32) -> Option<u32> {
    if !knob.is_multiple_of(3) || !matches!(name, "LDXR" | "LDXP") {
        return None;
    }
    let (rt, rn, rt2) = (word & 31, (word >> 5) & 31, (word >> 10) & 31);
    let pair = name == "LDXP";
    if rt == rn || (pair && rt2 == rn) {
        return None;
    }
    let (st, st2) = ((knob >> 2) % 31, (knob >> 7) % 31);
    let rs = (0..31).map(|k| (knob >> 12).wrapping_add(k) % 31).find(|&r| r != st && r != rn && r != st2)?;
    let o0 = (knob >> 20) & 1;
    let top = word & 0xc000_0000; // size (or 1:sz for pairs)
    let l_pair = if pair { 1 << 21 } else { 0 };
    let rt2_field = if pair { st2 << 10 } else { 31 << 10 };
    Some(top | 0x0800_0000 | l_pair | (rs << 16) | (o0 << 15) | rt2_field | (rn << 5) | st)
}

/// The register fields of a line that ARMv8.0 spells `(1)(1)(1)(1)(1)`: another value is
/// CONSTRAINED UNPREDICTABLE (UNDEFINED, which QEMU chooses, or as if all ones).
fn sbo_fields(name: &str) -> &'static [&'static str] {
    match name {
        "MULH" => &["ra"],
        "LDAR" | "STLR" | "LDXR" => &["rs", "rt2"],
        "STXR" => &["rt2"],
        "LDXP" => &["rs"],
        _ => &[],
    }
}

/// Why a fitted case is not run: encodings whose outcome the architecture leaves CONSTRAINED
/// UNPREDICTABLE (so QEMU and HyperSoC may both be right and still differ), and operands the
/// harness itself uses.
pub fn not_comparable(case: &Case) -> Option<&'static str> {
    let (name, ..) = ENCODINGS[case.line];
    let w = case.word;
    if case.second.is_some() && (w >> 22) & 1 == 0 {
        return Some("store-exclusive after a store");
    }
    let reg = |lsb: u32| (w >> lsb) & 31;
    let (rt, rn, rt2, rs) = (reg(0), reg(5), reg(10), reg(16));
    if sbo_fields(name).iter().any(|f| get(case.line, w, f) != Some(31)) {
        return Some("should-be-one field not all ones");
    }
    match name {
        // C6.2 load/store with writeback: Rt == Rn (not SP) is CONSTRAINED UNPREDICTABLE.
        "LDST_imm9" if (w >> 10) & 1 == 1 && rt == rn && rn != 31 => Some("writeback with Rt == Rn"),
        "LDSTP" if (w >> 23) & 1 == 1 && (rt == rn || rt2 == rn) && rn != 31 => Some("writeback with Rt/Rt2 == Rn"),
        // LDP/LDPSW/LDNP/LDXP with Rt == Rt2.
        "LDSTP" | "LDSTP_fp" | "LDXP" if (w >> 22) & 1 == 1 && rt == rt2 => Some("load pair with Rt == Rt2"),
        // STXR/STXP: Ws == Rt/Rt2/Rn.
        "STXR" | "STXP" if rs == rt || (rs == rn && rn != 31) || (name == "STXP" && rs == rt2) => {
            Some("store-exclusive status register overlaps")
        }
        // The ID register space (op0 = 3, op1 = 0, CRn = 0): UNDEFINED at EL0 in ARMv8.0, but
        // Linux emulates EL0 reads (its CPUID emulation) and so does QEMU's user mode.
        "MRS" if (w >> 12) & 0xff == 0x80 => Some("ID register (Linux emulates it at EL0)"),
        // The generic timer (op0 = 3, op1 = 3, CRn = 14): Linux opens CNTVCT_EL0 to EL0
        // (CNTKCTL_EL1) and the count is time, which the two sides do not share.
        "MRS" | "MSR_reg" if (w >> 12) & 0xff == 0xbe => Some("generic timer (a count of time)"),
        // TPIDR_EL0 holds the harness's X0 during the store stubs.
        "MRS" | "MSR_reg" if (w >> 5) & 0x7fff == super::asm::TPIDR_EL0 >> 5 => Some("TPIDR_EL0 (used by the harness)"),
        _ => None,
    }
}
