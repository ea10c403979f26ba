//! Conversions: J1.3.3 `FPRoundInt`, `FPConvert` (with `FPConvertNaN`), `FPToFixed`,
//! `FixedToFP`, and `VFPExpandImm`.

use super::{default_nan, flag, infinity, process_nan, round, split, unpack, zero, Class, Fmt, Fpcr, Real, Rounding};

/// J1 `FPRoundInt`: `op` rounded to an integral value with `rounding`; `exact` (FRINTX) raises
/// Inexact when that changes the value.
pub fn round_int(op: u64, fmt: Fmt, fpcr: Fpcr, rounding: Rounding, exact: bool, flags: &mut u32) -> u64 {
    let u = unpack(op, fmt, fpcr, flags);
    match u.class {
        Class::QNaN | Class::SNaN => return process_nan(u.class, op, fmt, fpcr, flags),
        Class::Infinity => return infinity(u.sign, fmt),
        Class::Zero => return zero(u.sign, fmt),
        Class::Finite => {}
    }
    if u.exp >= 0 {
        return op; // already an integer
    }
    let (int, half, rest) = split(u128::from(u.mant), (-u.exp) as u32);
    let int = int + u128::from(rounding.rounds_up(u.sign, int & 1 == 1, half, rest));
    if (half || rest) && exact {
        *flags |= flag::IXC;
    }
    if int == 0 {
        return zero(u.sign, fmt);
    }
    // Exact: an integer no wider than the input's significand.
    round(Real { sign: u.sign, mant: int, exp: 0, sticky: false }, fmt, fpcr, Rounding::Zero, flags)
}

/// J1 `FPConvertNaN`: the payload moved to the top of the new fraction, quieted.
fn convert_nan(op: u64, from: Fmt, to: Fmt) -> u64 {
    let sign = (op >> (from.bits() - 1)) & 1 == 1;
    let frac51 = match from {
        Fmt::D => op & ((1 << 51) - 1),
        Fmt::S => (op & ((1 << 22) - 1)) << 29,
        Fmt::H => (op & ((1 << 9) - 1)) << 42,
    };
    infinity(sign, to) | (1 << (to.f() - 1)) | (frac51 >> (52 - to.f()))
}

/// J1 `FPConvert` (FCVT between H, S and D): FZ flushes single and double inputs and
/// outputs, never half precision ones; with FPCR.AHP, half precision is Arm's alternative
/// format (no infinities or NaNs: those convert to zero or the largest value, as an Invalid
/// Operation).
pub fn convert(op: u64, from: Fmt, to: Fmt, fpcr: Fpcr, rounding: Rounding, flags: &mut u32) -> u64 {
    let u = unpack(op, from, fpcr, flags);
    let alt_hp = to == Fmt::H && fpcr.ahp();
    match u.class {
        Class::QNaN | Class::SNaN => {
            let result = if alt_hp {
                zero(u.sign, to)
            } else if fpcr.dn() {
                default_nan(to)
            } else {
                convert_nan(op, from, to)
            };
            if u.class == Class::SNaN || alt_hp {
                *flags |= flag::IOC;
            }
            result
        }
        Class::Infinity if alt_hp => {
            *flags |= flag::IOC;
            zero(u.sign, to) | 0x7fff
        }
        Class::Infinity => infinity(u.sign, to),
        Class::Zero => zero(u.sign, to),
        Class::Finite => {
            let real = Real { sign: u.sign, mant: u128::from(u.mant), exp: u.exp, sticky: false };
            round(real, to, fpcr, rounding, flags)
        }
    }
}

/// J1 `FPToFixed`: `op` times 2^`fbits`, rounded with `rounding`, saturated to a `width`-bit
/// signed or unsigned integer (Invalid Operation on saturation or a NaN, which converts to 0).
/// The result is zero-extended from `width` bits.
#[allow(clippy::too_many_arguments)]
pub fn to_fixed(
    op: u64,
    fmt: Fmt,
    fbits: u32,
    unsigned: bool,
    width: u32,
    fpcr: Fpcr,
    rounding: Rounding,
    flags: &mut u32,
) -> u64 {
    let u = unpack(op, fmt, fpcr, flags);
    let (magnitude, inexact) = match u.class {
        Class::QNaN | Class::SNaN => {
            *flags |= flag::IOC;
            return 0;
        }
        Class::Zero => return 0,
        Class::Infinity => (u128::MAX, false),
        Class::Finite => {
            let e = u.exp + fbits as i32;
            if e >= 0 {
                // Anything wider than 66 bits saturates whatever the width.
                if 64 - u.mant.leading_zeros() as i32 + e > 66 {
                    (u128::MAX, false)
                } else {
                    (u128::from(u.mant) << e, false)
                }
            } else {
                let (int, half, rest) = split(u128::from(u.mant), (-e) as u32);
                (int + u128::from(rounding.rounds_up(u.sign, int & 1 == 1, half, rest)), half || rest)
            }
        }
    };
    // SatQ: the representable range of the destination.
    let (lo, hi): (i128, i128) =
        if unsigned { (0, (1i128 << width) - 1) } else { (-(1i128 << (width - 1)), (1i128 << (width - 1)) - 1) };
    let value: i128 = if magnitude > (1u128 << 66) {
        if u.sign {
            i128::MIN
        } else {
            i128::MAX
        }
    } else if u.sign {
        -(magnitude as i128)
    } else {
        magnitude as i128
    };
    let mask = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
    if value < lo || value > hi {
        *flags |= flag::IOC;
        return (if value < lo { lo } else { hi }) as u64 & mask;
    }
    if inexact {
        *flags |= flag::IXC;
    }
    value as u64 & mask
}

/// J1 `FixedToFP`: the `width`-bit signed or unsigned integer `value` divided by 2^`fbits`,
/// rounded to `fmt` with `rounding`.
#[allow(clippy::too_many_arguments)]
pub fn fixed_to_fp(
    value: u64,
    width: u32,
    unsigned: bool,
    fbits: u32,
    fmt: Fmt,
    fpcr: Fpcr,
    rounding: Rounding,
    flags: &mut u32,
) -> u64 {
    let value = if width == 64 { value } else { value & ((1 << width) - 1) };
    let negative = !unsigned && (value >> (width - 1)) & 1 == 1;
    let magnitude = if unsigned {
        value
    } else {
        let shift = 64 - width;
        (((value << shift) as i64) >> shift).unsigned_abs()
    };
    if magnitude == 0 {
        return zero(false, fmt);
    }
    let real = Real { sign: negative, mant: u128::from(magnitude), exp: -(fbits as i32), sticky: false };
    round(real, fmt, fpcr, rounding, flags)
}

/// J1 `VFPExpandImm`: the FMOV (immediate) constant `imm8` in `fmt`.
pub fn expand_imm(imm8: u8, fmt: Fmt) -> u64 {
    let (e, f) = (fmt.e(), fmt.f());
    let imm = u64::from(imm8);
    let sign = imm >> 7;
    let b6 = (imm >> 6) & 1;
    // exp = NOT(imm8<6>) : Replicate(imm8<6>, E-3) : imm8<5:4>
    let replicated = if b6 == 1 { (1 << (e - 3)) - 1 } else { 0 };
    let exp = ((b6 ^ 1) << (e - 1)) | (replicated << 2) | ((imm >> 4) & 3);
    let frac = (imm & 15) << (f - 4);
    (sign << (e + f)) | (exp << f) | frac
}
