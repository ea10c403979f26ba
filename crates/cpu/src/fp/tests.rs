//! Unit tests of the soft-float core: hand-checked Arm cases (NaN priority, flush-to-zero,
//! underflow before rounding, alternative half precision), and property tests against the host
//! FPU for the cases where IEEE 754 and Arm agree (round to nearest, no NaNs, no flushing).

use super::*;
use proptest::prelude::*;

const NONE: Fpcr = Fpcr(0);
const FZ: Fpcr = Fpcr(1 << 24);
const DN: Fpcr = Fpcr(1 << 25);
const AHP: Fpcr = Fpcr(1 << 26);

fn d(x: f64) -> u64 {
    x.to_bits()
}

#[test]
fn add_rounds_like_ieee() {
    let mut fl = 0;
    assert_eq!(add(d(0.1), d(0.2), Fmt::D, NONE, &mut fl), 0x3fd3_3333_3333_3334);
    assert_eq!(fl, flag::IXC);
    let mut fl = 0;
    assert_eq!(add(d(1.0), d(-1.0), Fmt::D, NONE, &mut fl), 0);
    // Exact zero sum is -0 when rounding toward minus infinity (J1 FPAdd).
    assert_eq!(add(d(1.0), d(-1.0), Fmt::D, Fpcr(2 << 22), &mut fl), 0x8000_0000_0000_0000);
    assert_eq!(fl, 0);
}

#[test]
fn nan_priority_is_first_signalling_then_first_quiet() {
    let (qnan_a, snan_b) = (0x7ff8_0000_0000_00aa, 0x7ff0_0000_0000_00bb);
    let mut fl = 0;
    // FPProcessNaNs: a signalling NaN in the second operand wins over a quiet one in the first.
    assert_eq!(add(qnan_a, snan_b, Fmt::D, NONE, &mut fl), 0x7ff8_0000_0000_00bb);
    assert_eq!(fl, flag::IOC);
    let mut fl = 0;
    assert_eq!(mul(qnan_a, d(2.0), Fmt::D, NONE, &mut fl), qnan_a);
    assert_eq!(fl, 0);
    // FPCR.DN: the default NaN.
    assert_eq!(mul(qnan_a, d(2.0), Fmt::D, DN, &mut fl), 0x7ff8_0000_0000_0000);
}

#[test]
fn fused_multiply_add_quiet_nan_addend_with_invalid_product() {
    // J1 FPMulAdd: a quiet NaN addend still gives the default NaN and IOC for inf * 0.
    let mut fl = 0;
    let r = mul_add(0x7ff8_0000_0000_0001, d(f64::INFINITY), 0, Fmt::D, NONE, &mut fl);
    assert_eq!((r, fl), (0x7ff8_0000_0000_0000, flag::IOC));
}

#[test]
fn flush_to_zero_inputs_and_outputs() {
    let mut fl = 0;
    // A denormal input is flushed (IDC).
    assert_eq!(add(1, 0, Fmt::D, FZ, &mut fl), 0);
    assert_eq!(fl, flag::IDC);
    // A denormal result is flushed: UFC, and no IXC (J1 FPRoundBase).
    let mut fl = 0;
    let tiny = d(f64::MIN_POSITIVE);
    assert_eq!(mul(tiny, d(0.5), Fmt::D, FZ, &mut fl), 0);
    assert_eq!(fl, flag::UFC);
}

#[test]
fn underflow_is_detected_before_rounding() {
    // The largest denormal plus half an ulp rounds up to the smallest normal: tiny before
    // rounding, so UFC and IXC.
    let mut fl = 0;
    let r = add(0x000f_ffff_ffff_ffff, 0x0000_0000_0000_0001, Fmt::D, NONE, &mut fl);
    assert_eq!(r, 0x0010_0000_0000_0000);
    assert_eq!(fl, 0); // exact: no flags
    let mut fl = 0;
    let r = mul(0x000f_ffff_ffff_ffff, d(1.0 + f64::EPSILON), Fmt::D, NONE, &mut fl);
    assert_eq!(r, 0x0010_0000_0000_0000);
    assert_eq!(fl, flag::UFC | flag::IXC);
}

#[test]
fn conversions_to_integers_saturate_with_invalid() {
    let mut fl = 0;
    assert_eq!(to_fixed(d(-1.0), Fmt::D, 0, true, 32, NONE, Rounding::Zero, &mut fl), 0);
    assert_eq!(fl, flag::IOC);
    let mut fl = 0;
    assert_eq!(to_fixed(d(-0.5), Fmt::D, 0, true, 32, NONE, Rounding::Zero, &mut fl), 0);
    assert_eq!(fl, flag::IXC);
    let mut fl = 0;
    assert_eq!(to_fixed(d(2.5), Fmt::D, 0, false, 64, NONE, Rounding::TieAway, &mut fl), 3);
    assert_eq!(to_fixed(d(-2.5), Fmt::D, 0, false, 64, NONE, Rounding::TieEven, &mut fl), (-2i64) as u64);
    assert_eq!(to_fixed(d(1e30), Fmt::D, 0, false, 32, NONE, Rounding::Zero, &mut fl), 0x7fff_ffff);
    assert_eq!(to_fixed(0x7ff8_0000_0000_0000, Fmt::D, 0, false, 64, NONE, Rounding::Zero, &mut fl), 0);
}

#[test]
fn half_precision_conversions() {
    let mut fl = 0;
    // 65520 rounds to infinity in IEEE half, to 65504 + ... in AHP it is representable range.
    assert_eq!(convert(d(65520.0), Fmt::D, Fmt::H, NONE, Rounding::TieEven, &mut fl), 0x7c00);
    assert_eq!(fl, flag::OFC | flag::IXC);
    let mut fl = 0;
    assert_eq!(convert(d(65536.0), Fmt::D, Fmt::H, AHP, Rounding::TieEven, &mut fl), 0x7c00);
    assert_eq!(fl, 0);
    // AHP: NaN converts to zero with IOC; exponent 31 is a number.
    let mut fl = 0;
    assert_eq!(convert(0x7ff8_0000_0000_0000, Fmt::D, Fmt::H, AHP, Rounding::TieEven, &mut fl), 0);
    assert_eq!(fl, flag::IOC);
    assert_eq!(convert(0x7c00, Fmt::H, Fmt::S, AHP, Rounding::TieEven, &mut fl), 0x4780_0000);
    // NaN payloads move to the top of the fraction.
    let mut fl = 0;
    assert_eq!(convert(0x7e01, Fmt::H, Fmt::D, NONE, Rounding::TieEven, &mut fl), 0x7ff8_0400_0000_0000);
}

#[test]
fn fmov_immediates() {
    assert_eq!(expand_imm(0x70, Fmt::S), 0x3f80_0000); // 1.0
    assert_eq!(expand_imm(0x80, Fmt::D), d(-2.0));
    assert_eq!(expand_imm(0x3f, Fmt::D), d(31.0));
    assert_eq!(expand_imm(0x40, Fmt::D), d(0.125));
}

#[test]
fn round_to_integral() {
    let mut fl = 0;
    assert_eq!(round_int(d(-0.3), Fmt::D, NONE, Rounding::TieEven, true, &mut fl), d(-0.0));
    assert_eq!(fl, flag::IXC);
    assert_eq!(round_int(d(2.5), Fmt::D, NONE, Rounding::TieEven, false, &mut fl), d(2.0));
    assert_eq!(round_int(d(2.5), Fmt::D, NONE, Rounding::TieAway, false, &mut fl), d(3.0));
    assert_eq!(round_int(d(-2.5), Fmt::D, NONE, Rounding::PosInf, false, &mut fl), d(-2.0));
}

/// Finite, non-denormal doubles (so flushing and NaNs play no part).
fn normal_f64() -> impl Strategy<Value = f64> {
    (any::<bool>(), 1u64..0x7ff, any::<u64>())
        .prop_map(|(s, e, m)| f64::from_bits((u64::from(s) << 63) | (e << 52) | (m & 0x000f_ffff_ffff_ffff)))
}

fn normal_f32() -> impl Strategy<Value = f32> {
    (any::<bool>(), 1u32..0xff, any::<u32>())
        .prop_map(|(s, e, m)| f32::from_bits((u32::from(s) << 31) | (e << 23) | (m & 0x7f_ffff)))
}

/// The host result when it is a number (NaN results differ from Arm's default NaN).
fn host(x: f64) -> Option<u64> {
    (!x.is_nan()).then(|| x.to_bits())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn double_arithmetic_matches_ieee_round_to_nearest(a in normal_f64(), b in normal_f64(), c in normal_f64()) {
        let mut fl = 0;
        if let Some(h) = host(a + b) { prop_assert_eq!(add(d(a), d(b), Fmt::D, NONE, &mut fl), h); }
        if let Some(h) = host(a - b) { prop_assert_eq!(sub(d(a), d(b), Fmt::D, NONE, &mut fl), h); }
        if let Some(h) = host(a * b) { prop_assert_eq!(mul(d(a), d(b), Fmt::D, NONE, &mut fl), h); }
        if let Some(h) = host(a / b) { prop_assert_eq!(div(d(a), d(b), Fmt::D, NONE, &mut fl), h); }
        if let Some(h) = host(a.abs().sqrt()) { prop_assert_eq!(sqrt(d(a.abs()), Fmt::D, NONE, &mut fl), h); }
        if let Some(h) = host(a.mul_add(b, c)) { prop_assert_eq!(mul_add(d(c), d(a), d(b), Fmt::D, NONE, &mut fl), h); }
    }

    #[test]
    fn single_arithmetic_matches_ieee_round_to_nearest(a in normal_f32(), b in normal_f32(), c in normal_f32()) {
        let mut fl = 0;
        let s = |x: f32| u64::from(x.to_bits());
        let ok = |x: f32| !x.is_nan();
        if ok(a + b) { prop_assert_eq!(add(s(a), s(b), Fmt::S, NONE, &mut fl), s(a + b)); }
        if ok(a * b) { prop_assert_eq!(mul(s(a), s(b), Fmt::S, NONE, &mut fl), s(a * b)); }
        if ok(a / b) { prop_assert_eq!(div(s(a), s(b), Fmt::S, NONE, &mut fl), s(a / b)); }
        if ok(a.abs().sqrt()) { prop_assert_eq!(sqrt(s(a.abs()), Fmt::S, NONE, &mut fl), s(a.abs().sqrt())); }
        if ok(a.mul_add(b, c)) { prop_assert_eq!(mul_add(s(c), s(a), s(b), Fmt::S, NONE, &mut fl), s(a.mul_add(b, c))); }
        let wide = convert(s(a), Fmt::S, Fmt::D, NONE, Rounding::TieEven, &mut fl);
        prop_assert_eq!(wide, d(f64::from(a)));
        prop_assert_eq!(convert(d(f64::from(a) * 1.25), Fmt::D, Fmt::S, NONE, Rounding::TieEven, &mut fl),
            s((f64::from(a) * 1.25) as f32));
    }

    #[test]
    fn integer_conversions_match_the_host(i in any::<i64>(), u in any::<u32>()) {
        let mut fl = 0;
        prop_assert_eq!(fixed_to_fp(i as u64, 64, false, 0, Fmt::D, NONE, Rounding::TieEven, &mut fl), d(i as f64));
        prop_assert_eq!(fixed_to_fp(u64::from(u), 32, true, 0, Fmt::S, NONE, Rounding::TieEven, &mut fl),
            u64::from((u as f32).to_bits()));
        prop_assert_eq!(fixed_to_fp(u64::from(u), 32, false, 0, Fmt::D, NONE, Rounding::TieEven, &mut fl),
            d(f64::from(u as i32)));
        let x = i as f64;
        prop_assert_eq!(to_fixed(d(x), Fmt::D, 0, false, 64, NONE, Rounding::Zero, &mut fl), x as i64 as u64);
    }
}
