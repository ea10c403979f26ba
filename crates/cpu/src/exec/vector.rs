//! Lane access for the Advanced SIMD handlers: a V register is a `u128` whose element `i` of
//! `esize` bits sits at bit `i * esize` (C1.2.x "SIMD and floating-point registers": the
//! little-endian element order of `Elem[]`).

/// The all-ones value of an `esize`-bit element.
#[inline(always)]
pub(crate) const fn emask(esize: u32) -> u64 {
    u64::MAX >> (64 - esize)
}

/// `Elem[v, i, esize]`.
#[inline(always)]
pub(crate) const fn elem(v: u128, i: u32, esize: u32) -> u64 {
    (v >> (i * esize)) as u64 & emask(esize)
}

/// `Elem[v, i, esize] = value`.
#[inline(always)]
pub(crate) fn set_elem(v: &mut u128, i: u32, esize: u32, value: u64) {
    let shift = i * esize;
    let mask = u128::from(emask(esize)) << shift;
    *v = (*v & !mask) | ((u128::from(value) << shift) & mask);
}

/// `esize`-bit `value` repeated across 128 bits.
#[inline(always)]
pub(crate) const fn replicate(value: u64, esize: u32) -> u128 {
    let mut v = value & emask(esize);
    let mut width = esize;
    while width < 64 {
        v |= v << width;
        width *= 2;
    }
    (v as u128) | ((v as u128) << 64)
}

/// A result of `datasize` bits (64 when `q` is 0): the upper half cleared, as every vector write
/// `V[d] = result` with a 64-bit result does.
#[inline(always)]
pub(crate) const fn sized(value: u128, q: u8) -> u128 {
    if q == 0 {
        value & (u64::MAX as u128)
    } else {
        value
    }
}

/// The `q` the vector handlers take for a scalar operation (C4.1.6 "Advanced SIMD scalar"):
/// one element, the rest of the destination zeroed.
pub(crate) const SCALAR: u8 = 2;

/// The number of `esize`-bit elements in a vector of `64 << q` bits (one for [`SCALAR`]).
#[inline(always)]
pub(crate) const fn lanes(q: u8, esize: u32) -> u32 {
    if q == SCALAR {
        1
    } else {
        (64 << q) / esize
    }
}

/// For the narrowing, lengthening and "2" forms: the number of narrow elements in a 64-bit half
/// (one for [`SCALAR`]) and the first element of the half selected by Q.
#[inline(always)]
pub(crate) const fn half(q: u8, esize: u32) -> (u32, u32) {
    let count = if q == SCALAR { 1 } else { 64 / esize };
    (count, if q == 1 { count } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_little_endian() {
        let mut v = 0u128;
        set_elem(&mut v, 3, 16, 0xabcd);
        assert_eq!(v, 0xabcd << 48);
        assert_eq!(elem(v, 3, 16), 0xabcd);
        assert_eq!(replicate(0x1f, 8), u128::MAX / 255 * 0x1f);
        assert_eq!(sized(u128::MAX, 0), u128::from(u64::MAX));
    }
}
