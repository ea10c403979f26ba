//! Arm floating-point arithmetic in software, transcribed from the ARM ARM pseudocode (J1.3.3:
//! `FPUnpackBase`, `FPRoundBase`, `FPProcessNaN(s)`, `FPAdd`, `FPMulAdd`, `FPToFixed`, ...).
//!
//! Values are bit patterns (`u64`, the low 16/32/64 bits used) in one of the formats of
//! [`Fmt`]. Every operation takes the FPCR controls ([`Fpcr`]: rounding mode, FZ, DN, AHP) and
//! ORs the cumulative exception flags it raises into `flags`, in the FPSR bit positions
//! ([`flag`]), which the caller adds to FPSR. Exception traps (FPCR.{IOE..IDE}) are not
//! implemented (ARMv8.0 allows that; the Cortex-A57 does not trap), so every exception only
//! sets its cumulative flag.
//!
//! The host FPU decides nothing: values are unpacked to an exact integer significand and a
//! binary exponent, combined exactly in 128-bit integers (with a sticky bit where a quotient or
//! square root is inexact), and rounded once by [`round`], which is `FPRoundBase` — including
//! Arm's choices that differ from other IEEE 754 implementations: underflow detected before
//! rounding, flush-to-zero of denormal inputs (IDC) and outputs (UFC without IXC), default NaN
//! and the NaN operand priority of `FPProcessNaNs`.

mod arith;
mod convert;
mod estimate;

pub use arith::{
    add, compare, compare_rel, div, max, max_num, min, min_num, mul, mul_add, mul_x, recip_step, rsqrt_step, sqrt, sub,
    Relation,
};
pub use convert::{convert, expand_imm, fixed_to_fp, round_int, to_fixed};
pub use estimate::{recip_estimate, rsqrt_estimate, unsigned_recip_estimate, unsigned_rsqrt_estimate};

/// FPSR cumulative exception flags (C5.2.8).
pub mod flag {
    /// Invalid Operation.
    pub const IOC: u32 = 1 << 0;
    /// Divide by Zero.
    pub const DZC: u32 = 1 << 1;
    /// Overflow.
    pub const OFC: u32 = 1 << 2;
    /// Underflow.
    pub const UFC: u32 = 1 << 3;
    /// Inexact.
    pub const IXC: u32 = 1 << 4;
    /// Input Denormal.
    pub const IDC: u32 = 1 << 7;
}

/// A floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fmt {
    /// IEEE half precision (or Arm's alternative half precision when FPCR.AHP is set).
    H,
    /// Single precision.
    S,
    /// Double precision.
    D,
}

impl Fmt {
    /// Exponent bits.
    pub const fn e(self) -> u32 {
        match self {
            Fmt::H => 5,
            Fmt::S => 8,
            Fmt::D => 11,
        }
    }

    /// Fraction bits.
    pub const fn f(self) -> u32 {
        match self {
            Fmt::H => 10,
            Fmt::S => 23,
            Fmt::D => 52,
        }
    }

    /// Total bits.
    pub const fn bits(self) -> u32 {
        1 + self.e() + self.f()
    }

    /// The exponent of the smallest normal number (`minimum_exp` of FPRoundBase).
    pub const fn min_exp(self) -> i32 {
        2 - (1 << (self.e() - 1))
    }

    const fn bias(self) -> i32 {
        (1 << (self.e() - 1)) - 1
    }

    const fn sign_bit(self) -> u64 {
        1 << (self.bits() - 1)
    }

    /// The format of an ftype field (00 single, 01 double, 11 half).
    pub const fn from_ftype(ftype: u8) -> Fmt {
        match ftype & 3 {
            0 => Fmt::S,
            1 => Fmt::D,
            _ => Fmt::H,
        }
    }
}

/// The rounding modes of `FPRounding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    TieEven,
    PosInf,
    NegInf,
    Zero,
    TieAway,
    /// Round to odd (FCVTXN): truncate, and set the lowest bit if that was inexact.
    Odd,
}

impl Rounding {
    /// J1 `FPDecodeRounding`: the FPCR.RMode / instruction rmode encoding.
    pub const fn from_rmode(rmode: u32) -> Rounding {
        match rmode & 3 {
            0 => Rounding::TieEven,
            1 => Rounding::PosInf,
            2 => Rounding::NegInf,
            _ => Rounding::Zero,
        }
    }

    /// Whether a magnitude truncated to `lsb` (its lowest kept bit) with the discarded part
    /// `half` (the first discarded bit) and `rest` (any lower one) rounds up in magnitude.
    #[inline]
    const fn rounds_up(self, sign: bool, lsb: bool, half: bool, rest: bool) -> bool {
        match self {
            Rounding::TieEven => half && (rest || lsb),
            Rounding::PosInf => (half || rest) && !sign,
            Rounding::NegInf => (half || rest) && sign,
            Rounding::Zero | Rounding::Odd => false,
            Rounding::TieAway => half,
        }
    }
}

/// The FPCR controls of ARMv8.0 (C5.2.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fpcr(pub u32);

impl Fpcr {
    /// Alternative half-precision format.
    pub const fn ahp(self) -> bool {
        self.0 & (1 << 26) != 0
    }

    /// Default NaN.
    pub const fn dn(self) -> bool {
        self.0 & (1 << 25) != 0
    }

    /// Flush-to-zero (single and double precision).
    pub const fn fz(self) -> bool {
        self.0 & (1 << 24) != 0
    }

    /// The rounding mode (RMode).
    pub const fn rounding(self) -> Rounding {
        Rounding::from_rmode(self.0 >> 22)
    }
}

/// `FPType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Zero,
    /// A finite nonzero number (normal or denormal).
    Finite,
    Infinity,
    QNaN,
    SNaN,
}

/// An unpacked operand: for [`Class::Finite`] the value is `(-1)^sign * mant * 2^exp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unpacked {
    pub class: Class,
    pub sign: bool,
    pub mant: u64,
    pub exp: i32,
}

impl Unpacked {
    const fn is_nan(&self) -> bool {
        matches!(self.class, Class::QNaN | Class::SNaN)
    }
}

/// J1 `FPUnpackBase`, without and with the conversion variant (`FPUnpackCV`): flush-to-zero
/// of single and double denormals when FPCR.FZ is set (raising IDC), half-precision
/// denormals never flushed (ARMv8.0 has no FZ16), and exponent 31 of half precision a normal
/// number when FPCR.AHP is set.
pub fn unpack(bits: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> Unpacked {
    let f = fmt.f();
    let sign = bits & fmt.sign_bit() != 0;
    let biased = ((bits >> f) & ((1 << fmt.e()) - 1)) as i32;
    let frac = bits & ((1u64 << f) - 1);
    let max_biased = (1 << fmt.e()) - 1;
    let (class, mant, exp) = if biased == 0 {
        if frac == 0 {
            (Class::Zero, 0, 0)
        } else if fpcr.fz() && fmt != Fmt::H {
            *flags |= flag::IDC;
            (Class::Zero, 0, 0)
        } else {
            (Class::Finite, frac, fmt.min_exp() - f as i32)
        }
    } else if biased == max_biased && !(fmt == Fmt::H && fpcr.ahp()) {
        if frac == 0 {
            (Class::Infinity, 0, 0)
        } else if frac >> (f - 1) == 1 {
            (Class::QNaN, 0, 0)
        } else {
            (Class::SNaN, 0, 0)
        }
    } else {
        (Class::Finite, frac | (1 << f), biased - fmt.bias() - f as i32)
    };
    Unpacked { class, sign, mant, exp }
}

/// `FPZero`.
pub const fn zero(sign: bool, fmt: Fmt) -> u64 {
    if sign {
        fmt.sign_bit()
    } else {
        0
    }
}

/// `FPInfinity`.
pub const fn infinity(sign: bool, fmt: Fmt) -> u64 {
    zero(sign, fmt) | (((1u64 << fmt.e()) - 1) << fmt.f())
}

/// `FPMaxNormal`.
const fn max_normal(sign: bool, fmt: Fmt) -> u64 {
    infinity(sign, fmt) - 1
}

/// `FPDefaultNaN`: positive, quiet, zero payload.
pub const fn default_nan(fmt: Fmt) -> u64 {
    infinity(false, fmt) | (1 << (fmt.f() - 1))
}

/// J1 `FPProcessNaN`: quiets a signalling NaN (raising IOC), or the default NaN with FPCR.DN.
pub fn process_nan(class: Class, bits: u64, fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> u64 {
    let mut result = bits & ((fmt.sign_bit() << 1).wrapping_sub(1));
    if class == Class::SNaN {
        result |= 1 << (fmt.f() - 1);
        *flags |= flag::IOC;
    }
    if fpcr.dn() {
        default_nan(fmt)
    } else {
        result
    }
}

/// J1 `FPProcessNaNs`: the first signalling NaN, else the first quiet NaN, processed.
fn process_nans(a: (Unpacked, u64), b: (Unpacked, u64), fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> Option<u64> {
    let ops = [a, b];
    for want in [Class::SNaN, Class::QNaN] {
        if let Some(&(u, bits)) = ops.iter().find(|(u, _)| u.class == want) {
            return Some(process_nan(u.class, bits, fmt, fpcr, flags));
        }
    }
    None
}

/// J1 `FPProcessNaNs3`, in the operand order given.
fn process_nans3(ops: [(Unpacked, u64); 3], fmt: Fmt, fpcr: Fpcr, flags: &mut u32) -> Option<u64> {
    for want in [Class::SNaN, Class::QNaN] {
        if let Some(&(u, bits)) = ops.iter().find(|(u, _)| u.class == want) {
            return Some(process_nan(u.class, bits, fmt, fpcr, flags));
        }
    }
    None
}

/// The bit length of `m` (0 for 0).
#[inline]
const fn bit_len(m: u128) -> i32 {
    128 - m.leading_zeros() as i32
}

/// `m` shifted right by `s`: (kept part, the first discarded bit, whether any lower discarded
/// bit is set).
#[inline]
const fn split(m: u128, s: u32) -> (u128, bool, bool) {
    if s == 0 {
        (m, false, false)
    } else if s > 128 {
        (0, false, m != 0)
    } else if s == 128 {
        (0, m >> 127 == 1, m & (u128::MAX >> 1) != 0)
    } else {
        (m >> s, (m >> (s - 1)) & 1 == 1, m & ((1u128 << (s - 1)) - 1) != 0)
    }
}

/// An exact nonzero real number `(-1)^sign * (mant + (sticky ? something in (0, 1) : 0)) *
/// 2^exp`. `sticky` stands for nonzero bits below `mant`; producers keep at least F + 3
/// significant bits in `mant` when they set it, so that it only ever decides rounding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Real {
    pub sign: bool,
    pub mant: u128,
    pub exp: i32,
    pub sticky: bool,
}

/// J1 `FPRoundBase`: rounds a nonzero real to `fmt` with `rounding` (TieAway only reaches it
/// with exact values from the integer roundings), applying flush-to-zero (not for half precision), the underflow
/// (before rounding), overflow and inexact flags, and the alternative half-precision range.
pub(crate) fn round(r: Real, fmt: Fmt, fpcr: Fpcr, rounding: Rounding, flags: &mut u32) -> u64 {
    let (e_bits, f) = (fmt.e(), fmt.f() as i32);
    let min_exp = fmt.min_exp();
    // The exponent of the leading bit: 2^exponent <= |value| < 2^(exponent + 1).
    let exponent = r.exp + bit_len(r.mant) - 1;
    if fpcr.fz() && fmt != Fmt::H && exponent < min_exp {
        *flags |= flag::UFC;
        return zero(r.sign, fmt);
    }
    let mut biased_exp = (exponent - min_exp + 1).max(0);
    // The weight of the last place kept: 2^(exponent - F) for normals, 2^(min_exp - F) below.
    let ulp_exp = if biased_exp == 0 { min_exp - f } else { exponent - f };
    let shift = ulp_exp - r.exp;
    let (mut int_mant, half, rest) = if shift <= 0 {
        (r.mant << (-shift) as u32, false, r.sticky)
    } else {
        let (kept, half, rest) = split(r.mant, shift as u32);
        (kept, half, rest || r.sticky)
    };
    let mut inexact = half || rest;
    if biased_exp == 0 && inexact {
        *flags |= flag::UFC;
    }
    if rounding.rounds_up(r.sign, int_mant & 1 == 1, half, rest) {
        int_mant += 1;
        if int_mant == 1 << f {
            biased_exp = 1; // rounded up from a denormal to the smallest normal
        }
        if int_mant == 1 << (f + 1) {
            biased_exp += 1;
            int_mant >>= 1;
        }
    }
    if rounding == Rounding::Odd && inexact && int_mant & 1 == 0 {
        int_mant += 1;
    }
    let sign_bits = zero(r.sign, fmt);
    let result;
    if fmt != Fmt::H || !fpcr.ahp() {
        if biased_exp >= (1 << e_bits) - 1 {
            let to_inf = match rounding {
                Rounding::TieEven | Rounding::TieAway => true,
                Rounding::PosInf => !r.sign,
                Rounding::NegInf => r.sign,
                Rounding::Zero | Rounding::Odd => false,
            };
            result = if to_inf { infinity(r.sign, fmt) } else { max_normal(r.sign, fmt) };
            *flags |= flag::OFC;
            inexact = true;
        } else {
            result = sign_bits | ((biased_exp as u64) << f) | (int_mant as u64 & ((1 << f) - 1));
        }
    } else if biased_exp >= 1 << e_bits {
        // Alternative half precision has no infinities: saturate, as an Invalid Operation.
        result = sign_bits | 0x7fff;
        *flags |= flag::IOC;
        inexact = false;
    } else {
        result = sign_bits | ((biased_exp as u64) << f) | (int_mant as u64 & ((1 << f) - 1));
    }
    if inexact {
        *flags |= flag::IXC;
    }
    result
}

/// An unpacked finite operand as a [`Real`].
const fn real_of(u: &Unpacked) -> Real {
    Real { sign: u.sign, mant: u.mant as u128, exp: u.exp, sticky: false }
}

#[cfg(test)]
mod tests;
