//! Arithmetic and comparison: J1.3.3 `FPAdd`, `FPSub`, `FPMul`, `FPDiv`, `FPSqrt`, `FPMulAdd`,
//! `FPMax`, `FPMin`, `FPMaxNum`, `FPMinNum`, `FPCompare`.

use core::cmp::Ordering;

use super::{
    bit_len, default_nan, flag, infinity, process_nans, process_nans3, real_of, round, split, unpack, zero, Class, Fmt,
    Fpcr, Real, Rounding, Unpacked,
};

/// The exact sum of two reals, or `None` when it is exactly zero. The operand with the larger
/// exponent is shifted left (to at most 125 bits) and the other right, with the bits it loses
/// kept as sticky; when that happens the kept part has far more than F + 3 bits.
pub(crate) fn add_reals(x: Real, y: Real) -> Option<Real> {
    if x.mant == 0 && !x.sticky {
        return (y.mant != 0 || y.sticky).then_some(y);
    }
    if y.mant == 0 && !y.sticky {
        return Some(x);
    }
    let (x, y) = if x.exp >= y.exp { (x, y) } else { (y, x) };
    let d = (i64::from(x.exp) - i64::from(y.exp)) as u64;
    let room = (125 - bit_len(x.mant)).max(0) as u64;
    let left = d.min(room) as u32;
    let xm = x.mant << left;
    let right = (d - u64::from(left)).min(200) as u32;
    let (ym, half, rest) = split(y.mant, right);
    let y_sticky = half || rest || y.sticky;
    let exp = x.exp - left as i32;
    if x.sign == y.sign {
        return Some(Real { sign: x.sign, mant: xm + ym, exp, sticky: y_sticky || x.sticky });
    }
    // Opposite signs: |x| - |y|. Only one side can carry a sticky part in practice (x is never
    // shifted right); with y's, x - (ym + eps) = (x - ym - 1) + (1 - eps).
    match xm.cmp(&ym) {
        Ordering::Greater if y_sticky => Some(Real { sign: x.sign, mant: xm - ym - 1, exp, sticky: true }),
        Ordering::Greater => Some(Real { sign: x.sign, mant: xm - ym, exp, sticky: x.sticky }),
        Ordering::Less => Some(Real { sign: y.sign, mant: ym - xm, exp, sticky: x.sticky }),
        Ordering::Equal if y_sticky || x.sticky => Some(Real { sign: !x.sign, mant: 0, exp, sticky: true }),
        Ordering::Equal => None,
    }
}

/// J1 `FPAdd`.
pub fn add(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if let Some(nan) = process_nans((ua, a), (ub, b), fmt, fpcr, flags) {
        return nan;
    }
    let (inf1, inf2) = (ua.class == Class::Infinity, ub.class == Class::Infinity);
    let (zero1, zero2) = (ua.class == Class::Zero, ub.class == Class::Zero);
    if inf1 && inf2 && ua.sign != ub.sign {
        *flags |= flag::IOC;
        return default_nan(fmt);
    }
    if (inf1 && !ua.sign) || (inf2 && !ub.sign) {
        return infinity(false, fmt);
    }
    if inf1 || inf2 {
        return infinity(true, fmt);
    }
    if zero1 && zero2 && ua.sign == ub.sign {
        return zero(ua.sign, fmt);
    }
    let rounding = fpcr.rounding();
    match add_reals(real_of(&ua), real_of(&ub)) {
        Some(sum) => round(sum, fmt, fpcr, rounding, flags),
        None => zero(rounding == Rounding::NegInf, fmt),
    }
}

/// J1 `FPSub`: `FPAdd` with the second operand's sign flipped after NaN checks, which is what
/// flipping its bit first amounts to except for the sign of a propagated NaN.
pub fn sub(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if let Some(nan) = process_nans((ua, a), (ub, b), fmt, fpcr, flags) {
        return nan;
    }
    add(a, b ^ zero(true, fmt), fmt, fpcr, flags)
}

/// J1 `FPMul`.
pub fn mul(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if let Some(nan) = process_nans((ua, a), (ub, b), fmt, fpcr, flags) {
        return nan;
    }
    let sign = ua.sign != ub.sign;
    let (inf1, inf2) = (ua.class == Class::Infinity, ub.class == Class::Infinity);
    let (zero1, zero2) = (ua.class == Class::Zero, ub.class == Class::Zero);
    if (inf1 && zero2) || (zero1 && inf2) {
        *flags |= flag::IOC;
        return default_nan(fmt);
    }
    if inf1 || inf2 {
        return infinity(sign, fmt);
    }
    if zero1 || zero2 {
        return zero(sign, fmt);
    }
    let product = Real { sign, mant: u128::from(ua.mant) * u128::from(ub.mant), exp: ua.exp + ub.exp, sticky: false };
    round(product, fmt, fpcr, fpcr.rounding(), flags)
}

/// J1 `FPDiv`.
pub fn div(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if let Some(nan) = process_nans((ua, a), (ub, b), fmt, fpcr, flags) {
        return nan;
    }
    let sign = ua.sign != ub.sign;
    let (inf1, inf2) = (ua.class == Class::Infinity, ub.class == Class::Infinity);
    let (zero1, zero2) = (ua.class == Class::Zero, ub.class == Class::Zero);
    if (inf1 && inf2) || (zero1 && zero2) {
        *flags |= flag::IOC;
        return default_nan(fmt);
    }
    if inf1 || zero2 {
        if !inf1 {
            *flags |= flag::DZC;
        }
        return infinity(sign, fmt);
    }
    if zero1 || inf2 {
        return zero(sign, fmt);
    }
    // A dividend with its top bit at 126 over a divisor of at most 53 bits: a quotient of at
    // least 73 bits, and the remainder as sticky.
    let up = 127 - bit_len(u128::from(ua.mant));
    let dividend = u128::from(ua.mant) << up;
    let divisor = u128::from(ub.mant);
    let quotient =
        Real { sign, mant: dividend / divisor, exp: ua.exp - ub.exp - up, sticky: !dividend.is_multiple_of(divisor) };
    round(quotient, fmt, fpcr, fpcr.rounding(), flags)
}

/// The integer square root of `n` and whether it is inexact.
fn isqrt(n: u128) -> (u128, bool) {
    if n == 0 {
        return (0, false);
    }
    // Bit-by-bit method: exact and branch-light, 64 iterations at most.
    let mut rem = n;
    let mut root = 0u128;
    let mut bit = 1u128 << ((bit_len(n) - 1) & !1);
    while bit != 0 {
        if rem >= root + bit {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    (root, rem != 0)
}

/// J1 `FPSqrt`.
pub fn sqrt(a: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let ua = unpack(a, fmt, fpcr, flags);
    match ua.class {
        Class::QNaN | Class::SNaN => return super::process_nan(ua.class, a, fmt, fpcr, flags),
        Class::Zero => return zero(ua.sign, fmt),
        Class::Infinity if !ua.sign => return infinity(false, fmt),
        _ => {}
    }
    if ua.sign {
        *flags |= flag::IOC;
        return default_nan(fmt);
    }
    // mant * 2^exp with exp made even and mant widened to about 124 bits: a root of 62 bits.
    let mut mant = u128::from(ua.mant);
    let mut exp = ua.exp;
    let mut up = 124 - bit_len(mant);
    if (exp - up) & 1 != 0 {
        up += 1;
    }
    mant <<= up;
    exp -= up;
    let (root, inexact) = isqrt(mant);
    round(Real { sign: false, mant: root, exp: exp / 2, sticky: inexact }, fmt, fpcr, fpcr.rounding(), flags)
}

/// J1 `FPMulAdd`: `addend + op1 * op2` with one rounding (FMADD; the other fused forms negate
/// operands first).
pub fn mul_add(addend: u64, op1: u64, op2: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let ua = unpack(addend, fmt, fpcr, flags);
    let u1 = unpack(op1, fmt, fpcr, flags);
    let u2 = unpack(op2, fmt, fpcr, flags);
    let (inf1, inf2) = (u1.class == Class::Infinity, u2.class == Class::Infinity);
    let (zero1, zero2) = (u1.class == Class::Zero, u2.class == Class::Zero);
    if let Some(nan) = process_nans3([(ua, addend), (u1, op1), (u2, op2)], fmt, fpcr, flags) {
        // A quiet NaN addend does not hide the Invalid Operation of infinity times zero.
        if ua.class == Class::QNaN && ((inf1 && zero2) || (zero1 && inf2)) {
            *flags |= flag::IOC;
            return default_nan(fmt);
        }
        return nan;
    }
    let (inf_a, zero_a) = (ua.class == Class::Infinity, ua.class == Class::Zero);
    let sign_p = u1.sign != u2.sign;
    let (inf_p, zero_p) = (inf1 || inf2, zero1 || zero2);
    if (inf1 && zero2) || (zero1 && inf2) || (inf_a && inf_p && ua.sign != sign_p) {
        *flags |= flag::IOC;
        return default_nan(fmt);
    }
    if (inf_a && !ua.sign) || (inf_p && !sign_p) {
        return infinity(false, fmt);
    }
    if inf_a || inf_p {
        return infinity(true, fmt);
    }
    if zero_a && zero_p && ua.sign == sign_p {
        return zero(ua.sign, fmt);
    }
    let product = if zero_p {
        Real { sign: sign_p, mant: 0, exp: 0, sticky: false }
    } else {
        Real { sign: sign_p, mant: u128::from(u1.mant) * u128::from(u2.mant), exp: u1.exp + u2.exp, sticky: false }
    };
    let rounding = fpcr.rounding();
    match add_reals(real_of(&ua), product) {
        Some(sum) => round(sum, fmt, fpcr, rounding, flags),
        None => zero(rounding == Rounding::NegInf, fmt),
    }
}

/// Orders two non-NaN operands by value (zeros equal whatever their signs).
fn cmp_values(a: &Unpacked, b: &Unpacked) -> Ordering {
    let key = |u: &Unpacked| -> i8 {
        match (u.class, u.sign) {
            (Class::Zero, _) => 0,
            (_, true) => -1,
            _ => 1,
        }
    };
    let (ka, kb) = (key(a), key(b));
    if ka != kb || ka == 0 {
        return ka.cmp(&kb);
    }
    let magnitude = match (a.class, b.class) {
        (Class::Infinity, Class::Infinity) => Ordering::Equal,
        (Class::Infinity, _) => Ordering::Greater,
        (_, Class::Infinity) => Ordering::Less,
        _ => {
            let (ea, eb) = (a.exp + bit_len(u128::from(a.mant)), b.exp + bit_len(u128::from(b.mant)));
            if ea != eb {
                ea.cmp(&eb)
            } else {
                // Same leading-bit exponent: align the significands.
                let shift = |u: &Unpacked| u128::from(u.mant) << (64 - bit_len(u128::from(u.mant)));
                shift(a).cmp(&shift(b))
            }
        }
    };
    if ka < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// J1 `FPMax` (`is_max`) and `FPMin`.
fn max_min(a: u64, b: u64, is_max: bool, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if let Some(nan) = process_nans((ua, a), (ub, b), fmt, fpcr, flags) {
        return nan;
    }
    let a_wins = match cmp_values(&ua, &ub) {
        Ordering::Greater => is_max,
        Ordering::Less => !is_max,
        Ordering::Equal => false,
    };
    let (winner, bits) = if a_wins { (ua, a) } else { (ub, b) };
    match winner.class {
        Class::Infinity => infinity(winner.sign, fmt),
        // Zeros: the most positive sign for max, the most negative for min.
        Class::Zero => zero(if is_max { ua.sign && ub.sign } else { ua.sign || ub.sign }, fmt),
        // FPRound of a value that is already a number of the format (it only matters for a
        // trapped underflow, which is not implemented).
        Class::Finite => round(real_of(&winner), fmt, fpcr, fpcr.rounding(), flags),
        Class::QNaN | Class::SNaN => bits,
    }
}

/// J1 `FPMax`.
pub fn max(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    max_min(a, b, true, fmt, fpcr, flags)
}

/// J1 `FPMin`.
pub fn min(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    max_min(a, b, false, fmt, fpcr, flags)
}

/// J1 `FPMaxNum` (`is_max`) and `FPMinNum`: a single quiet NaN loses to a number.
fn num(a: u64, b: u64, is_max: bool, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    let loser = infinity(is_max, fmt);
    let (a, b) = match (ua.class == Class::QNaN, ub.class == Class::QNaN) {
        (true, false) => (loser, b),
        (false, true) => (a, loser),
        _ => (a, b),
    };
    max_min(a, b, is_max, fmt, fpcr, flags)
}

/// J1 `FPMaxNum`.
pub fn max_num(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    num(a, b, true, fmt, fpcr, flags)
}

/// J1 `FPMinNum`.
pub fn min_num(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    num(a, b, false, fmt, fpcr, flags)
}

/// J1 `FPCompare`: NZCV (in bits 3:0) of comparing `a` with `b`; `signal_nans` (FCMPE) makes
/// quiet NaNs raise Invalid Operation too.
pub fn compare(a: u64, b: u64, signal_nans: bool, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u32 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if ua.is_nan() || ub.is_nan() {
        if ua.class == Class::SNaN || ub.class == Class::SNaN || signal_nans {
            *flags |= flag::IOC;
        }
        return 0b0011;
    }
    match cmp_values(&ua, &ub) {
        Ordering::Equal => 0b0110,
        Ordering::Less => 0b1000,
        Ordering::Greater => 0b0010,
    }
}

/// J1 `FPMulX`: `FPMul` except that infinity times zero is 2.0 (FMULX).
pub fn mul_x(a: u64, b: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if let Some(nan) = process_nans((ua, a), (ub, b), fmt, fpcr, flags) {
        return nan;
    }
    let inf_times_zero = (ua.class == Class::Infinity && ub.class == Class::Zero)
        || (ua.class == Class::Zero && ub.class == Class::Infinity);
    if inf_times_zero {
        return two(ua.sign != ub.sign, fmt);
    }
    mul(a, b, fmt, fpcr, flags)
}

/// `FPTwo`.
fn two(sign: bool, fmt: Fmt) -> u64 {
    zero(sign, fmt) | (1u64 << (fmt.e() - 1)) << fmt.f()
}

/// J1 `FPRecipStepFused` (`constant` 2.0, FRECPS) and `FPRSqrtStepFused` (3.0 then halved,
/// FRSQRTS): `(constant - op1 * op2) [/ 2]` with one rounding.
fn step_fused(op1: u64, op2: u64, rsqrt: bool, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let op1 = op1 ^ zero(true, fmt);
    let (u1, u2) = (unpack(op1, fmt, fpcr, flags), unpack(op2, fmt, fpcr, flags));
    if let Some(nan) = process_nans((u1, op1), (u2, op2), fmt, fpcr, flags) {
        return nan;
    }
    let (inf1, inf2) = (u1.class == Class::Infinity, u2.class == Class::Infinity);
    let (zero1, zero2) = (u1.class == Class::Zero, u2.class == Class::Zero);
    if (inf1 && zero2) || (zero1 && inf2) {
        // FPTwo('0') or FPOnePointFive('0').
        let f = fmt.f();
        return if rsqrt { (((1u64 << (fmt.e() - 1)) - 1) << f) | (1 << (f - 1)) } else { two(false, fmt) };
    }
    if inf1 || inf2 {
        return infinity(u1.sign != u2.sign, fmt);
    }
    let constant = if rsqrt {
        Real { sign: false, mant: 3, exp: 0, sticky: false }
    } else {
        Real { sign: false, mant: 1, exp: 1, sticky: false }
    };
    let product = if zero1 || zero2 {
        Real { sign: u1.sign != u2.sign, mant: 0, exp: 0, sticky: false }
    } else {
        Real {
            sign: u1.sign != u2.sign,
            mant: u128::from(u1.mant) * u128::from(u2.mant),
            exp: u1.exp + u2.exp,
            sticky: false,
        }
    };
    let rounding = fpcr.rounding();
    match add_reals(constant, product) {
        Some(mut sum) => {
            if rsqrt {
                sum.exp -= 1;
            }
            round(sum, fmt, fpcr, rounding, flags)
        }
        None => zero(rounding == Rounding::NegInf, fmt),
    }
}

/// J1 `FPRecipStepFused` (FRECPS): 2.0 - op1 * op2.
pub fn recip_step(op1: u64, op2: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    step_fused(op1, op2, false, fmt, fpcr, flags)
}

/// J1 `FPRSqrtStepFused` (FRSQRTS): (3.0 - op1 * op2) / 2.
pub fn rsqrt_step(op1: u64, op2: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    step_fused(op1, op2, true, fmt, fpcr, flags)
}

/// The relations of J1 `FPCompareEQ`, `FPCompareGE` and `FPCompareGT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Ge,
    Gt,
}

/// J1 `FPCompareEQ/GE/GT`: false for NaNs, which raise Invalid Operation when signalling (EQ)
/// or always (GE, GT).
pub fn compare_rel(a: u64, b: u64, rel: Relation, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> bool {
    let (ua, ub) = (unpack(a, fmt, fpcr, flags), unpack(b, fmt, fpcr, flags));
    if ua.is_nan() || ub.is_nan() {
        if rel != Relation::Eq || ua.class == Class::SNaN || ub.class == Class::SNaN {
            *flags |= flag::IOC;
        }
        return false;
    }
    let order = cmp_values(&ua, &ub);
    match rel {
        Relation::Eq => order == Ordering::Equal,
        Relation::Ge => order != Ordering::Less,
        Relation::Gt => order == Ordering::Greater,
    }
}
