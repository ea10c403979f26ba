//! The Cryptographic extension (C7.2 AESE, AESD, AESMC, AESIMC, SHA1C, SHA1P, SHA1M, SHA1H,
//! SHA1SU0, SHA1SU1, SHA256H, SHA256H2, SHA256SU0, SHA256SU1), transcribed from the pseudocode
//! of the instruction pages and J1 (`AESSubBytes`, `AESShiftRows`, `AESMixColumns`, `SHAchoose`,
//! `SHAmajority`, `SHAparity`, `SHA256hash`). PMULL (1Q) is with the three-different
//! instructions.

use super::vector::{elem, set_elem};
use super::{ExecResult, Step};
use crate::state::Cpu;

/// The AES S-box (FIPS 197, Figure 7).
const SBOX: [u8; 256] = build_sbox(false);
/// The inverse S-box (FIPS 197, Figure 14).
const INV_SBOX: [u8; 256] = build_sbox(true);

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
const fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let carry = a & 0x80 != 0;
        a <<= 1;
        if carry {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    p
}

/// The S-box from its definition: the multiplicative inverse followed by the affine map.
const fn build_sbox(inverse: bool) -> [u8; 256] {
    let mut forward = [0u8; 256];
    let mut x = 0usize;
    while x < 256 {
        // Inverse by search (x^254 would do too); 0 maps to 0.
        let mut inv = 0u8;
        let mut y = 1usize;
        while x != 0 && y < 256 {
            if gf_mul(x as u8, y as u8) == 1 {
                inv = y as u8;
                break;
            }
            y += 1;
        }
        let b = inv;
        let s = b ^ b.rotate_left(1) ^ b.rotate_left(2) ^ b.rotate_left(3) ^ b.rotate_left(4) ^ 0x63;
        forward[x] = s;
        x += 1;
    }
    if !inverse {
        return forward;
    }
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[forward[i] as usize] = i as u8;
        i += 1;
    }
    table
}

/// The state as 16 bytes, byte i = bits 8i+7:8i (column-major: byte 4c + r is row r, column c).
fn bytes(v: u128) -> [u8; 16] {
    v.to_le_bytes()
}

/// J1 `AESShiftRows` / `AESInvShiftRows` then `AESSubBytes` / `AESInvSubBytes`.
fn aes_round(state: u128, decrypt: bool) -> u128 {
    let b = bytes(state);
    let mut out = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            // ShiftRows moves row r left by r columns; the inverse moves it right.
            let from = if decrypt { (c + 4 - r) % 4 } else { (c + r) % 4 };
            let byte = b[4 * from + r];
            out[4 * c + r] = if decrypt { INV_SBOX[usize::from(byte)] } else { SBOX[usize::from(byte)] };
        }
    }
    u128::from_le_bytes(out)
}

/// J1 `AESMixColumns` / `AESInvMixColumns`.
fn aes_mix(state: u128, inverse: bool) -> u128 {
    let b = bytes(state);
    let m: [u8; 4] = if inverse { [14, 11, 13, 9] } else { [2, 3, 1, 1] };
    let mut out = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            let mut acc = 0u8;
            for k in 0..4 {
                acc ^= gf_mul(m[(k + 4 - r) % 4], b[4 * c + k]);
            }
            out[4 * c + r] = acc;
        }
    }
    u128::from_le_bytes(out)
}

fn choose(x: u32, y: u32, z: u32) -> u32 {
    ((y ^ z) & x) ^ z
}

fn majority(x: u32, y: u32, z: u32) -> u32 {
    (x & y) | ((x | y) & z)
}

fn parity(x: u32, y: u32, z: u32) -> u32 {
    x ^ y ^ z
}

fn lane(v: u128, i: u32) -> u32 {
    elem(v, i, 32) as u32
}

/// C7.2 SHA1C/SHA1P/SHA1M: four rounds on X (Qd) and Y (Sn) with the schedule W (Vm).
fn sha1_hash(mut x: u128, mut y: u32, w: u128, f: fn(u32, u32, u32) -> u32) -> u128 {
    for e in 0..4 {
        let t = f(lane(x, 1), lane(x, 2), lane(x, 3));
        y = y.wrapping_add(lane(x, 0).rotate_left(5)).wrapping_add(t).wrapping_add(lane(w, e));
        let x1 = lane(x, 1).rotate_left(30);
        set_elem(&mut x, 1, 32, u64::from(x1));
        // <Y, X> = ROL(Y : X, 32)
        let top = lane(x, 3);
        x = (x << 32) | u128::from(y);
        y = top;
    }
    x
}

/// J1 `SHA256hash`.
fn sha256_hash(mut x: u128, mut y: u128, w: u128, part1: bool) -> u128 {
    for e in 0..4 {
        let chs = choose(lane(y, 0), lane(y, 1), lane(y, 2));
        let maj = majority(lane(x, 0), lane(x, 1), lane(x, 2));
        let y0 = lane(y, 0);
        let sigma1 = y0.rotate_right(6) ^ y0.rotate_right(11) ^ y0.rotate_right(25);
        let t = lane(y, 3).wrapping_add(sigma1).wrapping_add(chs).wrapping_add(lane(w, e));
        let x3 = t.wrapping_add(lane(x, 3));
        set_elem(&mut x, 3, 32, u64::from(x3));
        let x0 = lane(x, 0);
        let sigma0 = x0.rotate_right(2) ^ x0.rotate_right(13) ^ x0.rotate_right(22);
        set_elem(&mut y, 3, 32, u64::from(t.wrapping_add(sigma0).wrapping_add(maj)));
        // <Y, X> = ROL(Y : X, 32)
        let (x_top, y_top) = (lane(x, 3), lane(y, 3));
        x = (x << 32) | u128::from(y_top);
        y = (y << 32) | u128::from(x_top);
    }
    if part1 {
        x
    } else {
        y
    }
}

impl Cpu {
    /// C7.2 AESE, AESD, AESMC, AESIMC.
    pub(crate) fn crypto_aes(&mut self, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let (n, d) = (self.v[usize::from(rn) & 31], usize::from(rd) & 31);
        self.v[d] = match opcode {
            4 => aes_round(self.v[d] ^ n, false),
            5 => aes_round(self.v[d] ^ n, true),
            6 => aes_mix(n, false),
            _ => aes_mix(n, true),
        };
        Ok(Step::Next)
    }

    /// C7.2 SHA1C, SHA1P, SHA1M, SHA1SU0, SHA256H, SHA256H2, SHA256SU1.
    pub(crate) fn crypto_sha3(&mut self, rm: u8, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let d = usize::from(rd) & 31;
        let (vd, vn, vm) = (self.v[d], self.v[usize::from(rn) & 31], self.v[usize::from(rm) & 31]);
        self.v[d] = match opcode {
            0 => sha1_hash(vd, lane(vn, 0), vm, choose),
            1 => sha1_hash(vd, lane(vn, 0), vm, parity),
            2 => sha1_hash(vd, lane(vn, 0), vm, majority),
            3 => ((vn << 64) | (vd >> 64)) ^ vd ^ vm,
            4 => sha256_hash(vd, vn, vm, true),
            5 => sha256_hash(vn, vd, vm, false),
            _ => {
                // SHA256SU1.
                let t0 = (u128::from(lane(vm, 0)) << 96) | (vn >> 32);
                let sigma = |x: u32| x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10);
                let mut result = 0u128;
                for e in 0..4 {
                    let source = if e < 2 { lane(vm, e + 2) } else { lane(result, e - 2) };
                    let value = sigma(source).wrapping_add(lane(vd, e)).wrapping_add(lane(t0, e));
                    set_elem(&mut result, e, 32, u64::from(value));
                }
                result
            }
        };
        Ok(Step::Next)
    }

    /// C7.2 SHA1H, SHA1SU1, SHA256SU0.
    pub(crate) fn crypto_sha2(&mut self, opcode: u8, rn: u8, rd: u8) -> ExecResult {
        self.check_fp_enabled()?;
        let d = usize::from(rd) & 31;
        let (vd, vn) = (self.v[d], self.v[usize::from(rn) & 31]);
        self.v[d] = match opcode {
            0 => u128::from(lane(vn, 0).rotate_left(30)),
            1 => {
                let t = vd ^ (vn >> 32);
                let w3 = lane(t, 3).rotate_left(1) ^ lane(t, 0).rotate_left(2);
                let mut result = 0u128;
                for e in 0..3 {
                    set_elem(&mut result, e, 32, u64::from(lane(t, e).rotate_left(1)));
                }
                set_elem(&mut result, 3, 32, u64::from(w3));
                result
            }
            _ => {
                let t = (u128::from(lane(vn, 0)) << 96) | (vd >> 32);
                let mut result = 0u128;
                for e in 0..4 {
                    let x = lane(t, e);
                    let value = (x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)).wrapping_add(lane(vd, e));
                    set_elem(&mut result, e, 32, u64::from(value));
                }
                result
            }
        };
        Ok(Step::Next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbox_matches_fips_197() {
        assert_eq!(SBOX[0x00], 0x63);
        assert_eq!(SBOX[0x53], 0xed);
        assert_eq!(INV_SBOX[0x63], 0x00);
        assert_eq!(gf_mul(0x57, 0x83), 0xc1);
    }

    #[test]
    fn mix_columns_known_column() {
        // FIPS 197 / the classic test column db 13 53 45 -> 8e 4d a1 bc.
        let state = u128::from_le_bytes([0xdb, 0x13, 0x53, 0x45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let mixed = aes_mix(state, false).to_le_bytes();
        assert_eq!(&mixed[..4], &[0x8e, 0x4d, 0xa1, 0xbc]);
        assert_eq!(aes_mix(aes_mix(state, false), true), state);
    }
}
