//! Reciprocal and reciprocal square root estimates: J1.3.3 `FPRecipEstimate`,
//! `FPRSqrtEstimate`, `RecipEstimate`, `RecipSqrtEstimate`, `UnsignedRecipEstimate`,
//! `UnsignedRSqrtEstimate` (8-bit estimates: no FEAT_RPRES).

use super::{default_nan, flag, infinity, max_normal, process_nan, unpack, zero, Class, Fmt, Fpcr, Rounding};

/// J1 `RecipEstimate`: `a` in 256..512 (0.5 <= x < 1) to 256..512 (1 <= 1/x < 2).
const fn recip_estimate_int(a: u64) -> u64 {
    let a = a * 2 + 1;
    let b = (1 << 19) / a;
    b.div_ceil(2)
}

/// J1 `RecipSqrtEstimate`: `a` in 128..512 (0.25 <= x < 1) to 256..512.
fn rsqrt_estimate_int(a: u64) -> u64 {
    let a = if a < 256 { a * 2 + 1 } else { ((a >> 1) << 1) * 2 + 2 };
    let mut b = 512u64;
    while a * (b + 1) * (b + 1) < 1 << 28 {
        b += 1;
    }
    b.div_ceil(2)
}

/// The fraction of `op` as 52 bits and its biased exponent.
fn fraction_and_exp(op: u64, fmt: Fmt) -> (u64, i32) {
    let f = fmt.f();
    let fraction = (op & ((1 << f) - 1)) << (52 - f);
    let exp = ((op >> f) & ((1 << fmt.e()) - 1)) as i32;
    (fraction, exp)
}

/// J1 `FPRecipEstimate` (FRECPE).
pub fn recip_estimate(op: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let u = unpack(op, fmt, fpcr, flags);
    match u.class {
        Class::QNaN | Class::SNaN => return process_nan(u.class, op, fmt, fpcr, flags),
        Class::Infinity => return zero(u.sign, fmt),
        Class::Zero => {
            *flags |= flag::DZC;
            return infinity(u.sign, fmt);
        }
        Class::Finite => {}
    }
    // |value| = mant * 2^exp; its leading-bit exponent decides the special ranges.
    let lead = u.exp + 63 - u.mant.leading_zeros() as i32;
    let (tiny, huge) = match fmt {
        Fmt::S => (-128, 126),
        _ => (-1024, 1022),
    };
    if lead < tiny {
        let to_inf = match fpcr.rounding() {
            Rounding::TieEven | Rounding::TieAway => true,
            Rounding::PosInf => !u.sign,
            Rounding::NegInf => u.sign,
            Rounding::Zero | Rounding::Odd => false,
        };
        *flags |= flag::OFC | flag::IXC;
        return if to_inf { infinity(u.sign, fmt) } else { max_normal(u.sign, fmt) };
    }
    if fpcr.fz() && lead >= huge {
        *flags |= flag::UFC;
        return zero(u.sign, fmt);
    }
    let (mut fraction, mut exp) = fraction_and_exp(op, fmt);
    if exp == 0 {
        if fraction >> 51 == 0 {
            exp = -1;
            fraction = (fraction << 2) & ((1 << 52) - 1);
        } else {
            fraction = (fraction << 1) & ((1 << 52) - 1);
        }
    }
    let scaled = (1 << 8) | (fraction >> 44);
    let mut result_exp = match fmt {
        Fmt::S => 253 - exp,
        _ => 2045 - exp,
    };
    let estimate = recip_estimate_int(scaled);
    let mut fraction = (estimate & 0xff) << 44;
    if result_exp == 0 {
        fraction = (1 << 51) | (fraction >> 1);
    } else if result_exp == -1 {
        fraction = (1 << 50) | (fraction >> 2);
        result_exp = 0;
    }
    let f = fmt.f();
    zero(u.sign, fmt) | ((result_exp as u64) << f) | (fraction >> (52 - f))
}

/// J1 `FPRSqrtEstimate` (FRSQRTE).
pub fn rsqrt_estimate(op: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let u = unpack(op, fmt, fpcr, flags);
    match u.class {
        Class::QNaN | Class::SNaN => return process_nan(u.class, op, fmt, fpcr, flags),
        Class::Zero => {
            *flags |= flag::DZC;
            return infinity(u.sign, fmt);
        }
        _ if u.sign => {
            *flags |= flag::IOC;
            return default_nan(fmt);
        }
        Class::Infinity => return zero(false, fmt),
        Class::Finite => {}
    }
    let (mut fraction, mut exp) = fraction_and_exp(op, fmt);
    if exp == 0 {
        while fraction >> 51 == 0 {
            fraction = (fraction << 1) & ((1 << 52) - 1);
            exp -= 1;
        }
        fraction = (fraction << 1) & ((1 << 52) - 1);
    }
    let scaled = if exp & 1 == 0 { (1 << 8) | (fraction >> 44) } else { (1 << 7) | (fraction >> 45) };
    let result_exp = match fmt {
        Fmt::S => (380 - exp) / 2,
        _ => (3068 - exp) / 2,
    };
    let estimate = rsqrt_estimate_int(scaled);
    let f = fmt.f();
    ((result_exp as u64) << f) | ((estimate & 0xff) << (f - 8))
}

/// J1 `UnsignedRecipEstimate` (URECPE).
pub fn unsigned_recip_estimate(op: u32) -> u32 {
    if op >> 31 == 0 {
        return u32::MAX;
    }
    (recip_estimate_int(u64::from(op >> 23)) as u32) << 23
}

/// J1 `UnsignedRSqrtEstimate` (URSQRTE).
pub fn unsigned_rsqrt_estimate(op: u32) -> u32 {
    if op >> 30 == 0 {
        return u32::MAX;
    }
    (rsqrt_estimate_int(u64::from(op >> 23)) as u32) << 23
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_of_simple_values() {
        let mut fl = 0;
        // FRECPE(2.0): 511/1024 = 0x3eff8000.
        assert_eq!(recip_estimate(0x4000_0000, Fmt::S, Fpcr(0), &mut fl), 0x3eff_8000);
        // FRSQRTE(4.0): 511/1024 = 0.4990234375 = 0x3eff8000.
        assert_eq!(rsqrt_estimate(0x4080_0000, Fmt::S, Fpcr(0), &mut fl), 0x3eff_8000);
        assert_eq!(fl, 0);
        assert_eq!(unsigned_recip_estimate(0x8000_0000), 0xff80_0000);
        assert_eq!(unsigned_recip_estimate(0x7fff_ffff), u32::MAX);
    }
}
