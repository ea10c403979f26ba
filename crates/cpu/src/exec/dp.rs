//! Data processing, immediate (C4.1.2) and register (C4.1.5), and the shared arithmetic
//! helpers of the ARM ARM pseudocode (J1: AddWithCarry, DecodeBitMasks, ShiftReg, ExtendReg).

#![allow(clippy::too_many_arguments)]

use super::{sext, ExecResult, Step};
use crate::state::Cpu;

/// J1 `AddWithCarry`: the result and NZCV (in bits 31:28) of `x + y + carry` at the width
/// given by `is_64`.
#[inline(always)]
pub(crate) fn add_with_carry(x: u64, y: u64, carry: bool, is_64: bool) -> (u64, u32) {
    if is_64 {
        let (r1, c1) = x.overflowing_add(y);
        let (r, c2) = r1.overflowing_add(u64::from(carry));
        let v = ((x ^ r) & (y ^ r)) >> 63;
        let n = r >> 63;
        let nzcv = ((n as u32) << 31) | (u32::from(r == 0) << 30) | (u32::from(c1 | c2) << 29) | ((v as u32) << 28);
        (r, nzcv)
    } else {
        let (x, y) = (x as u32, y as u32);
        let (r1, c1) = x.overflowing_add(y);
        let (r, c2) = r1.overflowing_add(u32::from(carry));
        let v = ((x ^ r) & (y ^ r)) >> 31;
        let nzcv = (r & 0x8000_0000) | (u32::from(r == 0) << 30) | (u32::from(c1 | c2) << 29) | (v << 28);
        (u64::from(r), nzcv)
    }
}

/// NZCV for a logical result (C and V cleared).
#[inline(always)]
fn logic_flags(r: u64, is_64: bool) -> u32 {
    let n = if is_64 { (r >> 63) as u32 } else { ((r >> 31) & 1) as u32 };
    let z = if is_64 { r == 0 } else { r as u32 == 0 };
    (n << 31) | (u32::from(z) << 30)
}

/// J1 `ShiftReg` (LSL, LSR, ASR, ROR).
#[inline(always)]
fn shift_reg(value: u64, shift_type: u8, amount: u32, is_64: bool) -> u64 {
    if is_64 {
        match shift_type & 3 {
            0 => value << amount,
            1 => value >> amount,
            2 => ((value as i64) >> amount) as u64,
            _ => value.rotate_right(amount),
        }
    } else {
        let v = value as u32;
        let amount = amount & 31;
        u64::from(match shift_type & 3 {
            0 => v << amount,
            1 => v >> amount,
            2 => ((v as i32) >> amount) as u32,
            _ => v.rotate_right(amount),
        })
    }
}

/// J1 `ExtendReg`: UXTB..SXTX of `value`, shifted left by `shift`.
#[inline(always)]
pub(crate) fn extend_reg(value: u64, option: u8, shift: u8) -> u64 {
    let extended = match option & 7 {
        0 => value & 0xff,
        1 => value & 0xffff,
        2 => value & 0xffff_ffff,
        3 => value,
        4 => sext(value, 8),
        5 => sext(value, 16),
        6 => sext(value, 32),
        _ => value,
    };
    extended << shift
}

#[inline(always)]
fn width_mask(is_64: bool) -> u64 {
    if is_64 {
        u64::MAX
    } else {
        0xffff_ffff
    }
}

impl Cpu {
    #[inline(always)]
    fn set_flags(&mut self, nzcv: u32) {
        self.pstate.nzcv = nzcv;
    }

    #[inline(always)]
    pub(crate) fn adr(&mut self, op: u8, immlo: u8, immhi: u32, rd: u8) -> ExecResult {
        let imm = sext((u64::from(immhi) << 2) | u64::from(immlo), 21);
        let value = if op == 1 { (self.pc & !0xfff).wrapping_add(imm << 12) } else { self.pc.wrapping_add(imm) };
        self.set_x(rd, value);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn addsub_imm(&mut self, sf: u8, op: u8, s: u8, sh: u8, imm12: u16, rn: u8, rd: u8) -> ExecResult {
        let is_64 = sf == 1;
        let imm = u64::from(imm12) << (12 * u32::from(sh));
        let x = self.xsp(rn);
        let (y, carry) = if op == 1 { (!imm, true) } else { (imm, false) };
        let (r, nzcv) = add_with_carry(x, y, carry, is_64);
        if s == 1 {
            self.set_flags(nzcv);
            self.set_xw(rd, r, is_64);
        } else {
            self.set_xsp(rd, r & width_mask(is_64));
        }
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn logic_imm(&mut self, sf: u8, opc: u8, n: u8, immr: u8, imms: u8, rn: u8, rd: u8) -> ExecResult {
        let is_64 = sf == 1;
        // allocated.rs rejected reserved masks at decode time.
        let imm = a64::allocated::decode_bit_masks(n, imms, immr, is_64).unwrap_or(0);
        let x = self.xr(rn);
        let r = match opc {
            0 | 3 => x & imm,
            1 => x | imm,
            _ => x ^ imm,
        } & width_mask(is_64);
        if opc == 3 {
            self.set_flags(logic_flags(r, is_64));
            self.set_x(rd, r);
        } else {
            self.set_xsp(rd, r);
        }
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn movwide(&mut self, sf: u8, opc: u8, hw: u8, imm16: u16, rd: u8) -> ExecResult {
        let is_64 = sf == 1;
        let shift = u32::from(hw) * 16;
        let imm = u64::from(imm16) << shift;
        let r = match opc {
            0 => !imm,                                        // MOVN
            2 => imm,                                         // MOVZ
            _ => (self.xr(rd) & !(0xffffu64 << shift)) | imm, // MOVK
        };
        self.set_xw(rd, r, is_64);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn bitfield(&mut self, sf: u8, opc: u8, immr: u8, imms: u8, rn: u8, rd: u8) -> ExecResult {
        let is_64 = sf == 1;
        let datasize: u32 = if is_64 { 64 } else { 32 };
        let (r, s) = (u32::from(immr), u32::from(imms));
        let src = self.xr(rn) & width_mask(is_64);
        let low_mask = |bits: u32| {
            if bits >= 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            }
        };
        // C6.2 SBFM/UBFM/BFM: with s >= r the field src<s:r> goes to bit 0, otherwise src<s:0>
        // goes to bit datasize - r.
        let (field, width, dest_lsb) = if s >= r {
            ((src >> r) & low_mask(s - r + 1), s - r + 1, 0)
        } else {
            (src & low_mask(s + 1), s + 1, datasize - r)
        };
        let placed_mask = low_mask(width) << dest_lsb;
        let result = match opc {
            0 => {
                // SBFM: sign-extend the field from its top bit upwards.
                let signed = sext(field, width) << dest_lsb;
                signed & !low_mask(dest_lsb)
            }
            1 => (self.xr(rd) & !placed_mask) | (field << dest_lsb), // BFM
            _ => field << dest_lsb,                                  // UBFM
        };
        self.set_xw(rd, result & width_mask(is_64), is_64);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn extr(&mut self, sf: u8, rm: u8, imms: u8, rn: u8, rd: u8) -> ExecResult {
        let lsb = u32::from(imms);
        let r = if sf == 1 {
            let (hi, lo) = (self.xr(rn), self.xr(rm));
            if lsb == 0 {
                lo
            } else {
                (lo >> lsb) | (hi << (64 - lsb))
            }
        } else {
            let concat = (u64::from(self.xr(rn) as u32) << 32) | u64::from(self.xr(rm) as u32);
            (concat >> lsb) & 0xffff_ffff
        };
        self.set_x(rd, r);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn logic_reg(
        &mut self,
        sf: u8,
        opc: u8,
        shift: u8,
        n: u8,
        rm: u8,
        imm6: u8,
        rn: u8,
        rd: u8,
    ) -> ExecResult {
        let is_64 = sf == 1;
        let mut y = shift_reg(self.xr(rm), shift, u32::from(imm6), is_64);
        if n == 1 {
            y = !y;
        }
        let x = self.xr(rn);
        let r = match opc {
            0 | 3 => x & y,
            1 => x | y,
            _ => x ^ y,
        } & width_mask(is_64);
        if opc == 3 {
            self.set_flags(logic_flags(r, is_64));
        }
        self.set_x(rd, r);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn addsub_reg(
        &mut self,
        sf: u8,
        op: u8,
        s: u8,
        shift: u8,
        rm: u8,
        imm6: u8,
        rn: u8,
        rd: u8,
    ) -> ExecResult {
        let is_64 = sf == 1;
        let y = shift_reg(self.xr(rm), shift, u32::from(imm6), is_64);
        self.addsub_common(is_64, op, s, self.xr(rn), y, rd, false);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn addsub_ext(
        &mut self,
        sf: u8,
        op: u8,
        s: u8,
        rm: u8,
        option: u8,
        imm3: u8,
        rn: u8,
        rd: u8,
    ) -> ExecResult {
        let is_64 = sf == 1;
        let y = extend_reg(self.xr(rm), option, imm3);
        self.addsub_common(is_64, op, s, self.xsp(rn), y, rd, true);
        Ok(Step::Next)
    }

    #[inline(always)]
    fn addsub_common(&mut self, is_64: bool, op: u8, s: u8, x: u64, y: u64, rd: u8, rd_is_sp: bool) {
        let (y, carry) = if op == 1 { (!y, true) } else { (y, false) };
        let (r, nzcv) = add_with_carry(x, y, carry, is_64);
        if s == 1 {
            self.set_flags(nzcv);
            self.set_xw(rd, r, is_64);
        } else if rd_is_sp {
            self.set_xsp(rd, r & width_mask(is_64));
        } else {
            self.set_xw(rd, r, is_64);
        }
    }

    #[inline(always)]
    pub(crate) fn addsub_carry(&mut self, sf: u8, op: u8, s: u8, rm: u8, rn: u8, rd: u8) -> ExecResult {
        let is_64 = sf == 1;
        let y = if op == 1 { !self.xr(rm) } else { self.xr(rm) };
        let carry = self.pstate.nzcv & (1 << 29) != 0;
        let (r, nzcv) = add_with_carry(self.xr(rn), y, carry, is_64);
        if s == 1 {
            self.set_flags(nzcv);
        }
        self.set_xw(rd, r, is_64);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn ccmp(&mut self, sf: u8, op: u8, y: u64, cond: u8, rn: u8, nzcv: u8) -> ExecResult {
        if self.cond_holds(cond) {
            // op 1 is CCMP (subtract), op 0 CCMN (add).
            let (y, carry) = if op == 1 { (!y, true) } else { (y, false) };
            let (_, flags) = add_with_carry(self.xr(rn), y, carry, sf == 1);
            self.set_flags(flags);
        } else {
            self.set_flags(u32::from(nzcv) << 28);
        }
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn csel(&mut self, sf: u8, op: u8, rm: u8, cond: u8, o2: u8, rn: u8, rd: u8) -> ExecResult {
        let r = if self.cond_holds(cond) {
            self.xr(rn)
        } else {
            let m = self.xr(rm);
            match (op, o2) {
                (0, 0) => m,
                (0, _) => m.wrapping_add(1),
                (_, 0) => !m,
                _ => m.wrapping_neg(),
            }
        };
        self.set_xw(rd, r, sf == 1);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn madd(&mut self, sf: u8, rm: u8, o0: u8, ra: u8, rn: u8, rd: u8) -> ExecResult {
        let product = self.xr(rn).wrapping_mul(self.xr(rm));
        let a = self.xr(ra);
        let r = if o0 == 0 { a.wrapping_add(product) } else { a.wrapping_sub(product) };
        self.set_xw(rd, r, sf == 1);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn maddl(&mut self, u: u8, rm: u8, o0: u8, ra: u8, rn: u8, rd: u8) -> ExecResult {
        let (n, m) = (self.xr(rn) as u32, self.xr(rm) as u32);
        let product =
            if u == 1 { u64::from(n) * u64::from(m) } else { (i64::from(n as i32) * i64::from(m as i32)) as u64 };
        let a = self.xr(ra);
        self.set_x(rd, if o0 == 0 { a.wrapping_add(product) } else { a.wrapping_sub(product) });
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn mulh(&mut self, u: u8, rm: u8, rn: u8, rd: u8) -> ExecResult {
        let (n, m) = (self.xr(rn), self.xr(rm));
        let r = if u == 1 {
            ((u128::from(n) * u128::from(m)) >> 64) as u64
        } else {
            ((i128::from(n as i64) * i128::from(m as i64)) >> 64) as u64
        };
        self.set_x(rd, r);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn div(&mut self, sf: u8, rm: u8, o1: u8, rn: u8, rd: u8) -> ExecResult {
        // C6.2 SDIV/UDIV: division by zero gives zero; INT_MIN / -1 wraps to INT_MIN.
        let r = if sf == 1 {
            let (n, m) = (self.xr(rn), self.xr(rm));
            if m == 0 {
                0
            } else if o1 == 1 {
                (n as i64).wrapping_div(m as i64) as u64
            } else {
                n / m
            }
        } else {
            let (n, m) = (self.xr(rn) as u32, self.xr(rm) as u32);
            u64::from(if m == 0 {
                0
            } else if o1 == 1 {
                (n as i32).wrapping_div(m as i32) as u32
            } else {
                n / m
            })
        };
        self.set_x(rd, r);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn shiftv(&mut self, sf: u8, rm: u8, op2: u8, rn: u8, rd: u8) -> ExecResult {
        let is_64 = sf == 1;
        let amount = (self.xr(rm) % if is_64 { 64 } else { 32 }) as u32;
        let r = shift_reg(self.xr(rn), op2, amount, is_64);
        self.set_xw(rd, r, is_64);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn crc32(&mut self, rm: u8, c: u8, sz: u8, rn: u8, rd: u8) -> ExecResult {
        // C6.2 CRC32*/CRC32C*: reflected CRC over the low 8 << sz bits of Rm, polynomial
        // 0x04C11DB7 (0x82F63B78 for the C forms), no final inversion.
        let poly: u32 = if c == 1 { 0x82f6_3b78 } else { 0xedb8_8320 };
        let mut acc = self.xr(rn) as u32;
        let data = self.xr(rm);
        let bytes = 1usize << sz;
        for i in 0..bytes {
            acc ^= u32::from((data >> (8 * i)) as u8);
            for _ in 0..8 {
                acc = if acc & 1 != 0 { (acc >> 1) ^ poly } else { acc >> 1 };
            }
        }
        self.set_x(rd, u64::from(acc));
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn rbit(&mut self, sf: u8, rn: u8, rd: u8) -> ExecResult {
        let v = self.xr(rn);
        let r = if sf == 1 { v.reverse_bits() } else { u64::from((v as u32).reverse_bits()) };
        self.set_x(rd, r);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn rev(&mut self, sf: u8, opc: u8, rn: u8, rd: u8) -> ExecResult {
        let v = self.xr(rn);
        let r = match (sf, opc) {
            // REV16: bytes swapped within each halfword.
            (_, 1) => ((v & 0x00ff_00ff_00ff_00ff) << 8) | ((v >> 8) & 0x00ff_00ff_00ff_00ff),
            // REV (32-bit) and REV32: bytes swapped within each word.
            (0, 2) => u64::from((v as u32).swap_bytes()),
            (1, 2) => (u64::from(((v >> 32) as u32).swap_bytes()) << 32) | u64::from((v as u32).swap_bytes()),
            _ => v.swap_bytes(),
        };
        self.set_xw(rd, r, sf == 1);
        Ok(Step::Next)
    }

    #[inline(always)]
    pub(crate) fn clz(&mut self, sf: u8, op: u8, rn: u8, rd: u8) -> ExecResult {
        let v = self.xr(rn);
        let r = if sf == 1 {
            if op == 0 {
                v.leading_zeros()
            } else {
                (v ^ ((v as i64 >> 1) as u64)).leading_zeros() - 1
            }
        } else {
            let w = v as u32;
            if op == 0 {
                w.leading_zeros()
            } else {
                (w ^ ((w as i32 >> 1) as u32)).leading_zeros() - 1
            }
        };
        self.set_x(rd, u64::from(r));
        Ok(Step::Next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_with_carry_flags() {
        // 0x7fffffff + 1 (32-bit): N and V set.
        assert_eq!(add_with_carry(0x7fff_ffff, 1, false, false), (0x8000_0000, 0x9000_0000));
        // 0 - 0 via x + !y + 1: Z and C set.
        assert_eq!(add_with_carry(0, !0, true, true), (0, 0x6000_0000));
        // u64::MAX + 1: Z and C.
        assert_eq!(add_with_carry(u64::MAX, 1, false, true), (0, 0x6000_0000));
    }

    #[test]
    fn rev32_swaps_within_words() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_x(1, 0x0102_0304_0506_0708);
        cpu.rev(1, 2, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0x0403_0201_0807_0605);
        cpu.rev(1, 1, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0x0201_0403_0605_0807);
    }

    #[test]
    fn bitfield_aliases() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_x(1, 0xf0);
        // ubfx x0, x1, #4, #4 == UBFM immr=4 imms=7
        cpu.bitfield(1, 2, 4, 7, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0xf);
        // sbfx x0, x1, #4, #4 sign-extends 0xf
        cpu.bitfield(1, 0, 4, 7, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), u64::MAX);
        // lsl w0, w1, #8 == UBFM immr=24 imms=23
        cpu.bitfield(0, 2, 24, 23, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0xf000);
        // sxtb x0, w1 == SBFM immr=0 imms=7
        cpu.bitfield(1, 0, 0, 7, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0xffff_ffff_ffff_fff0);
        // bfi x0, x2, #8, #4 == BFM immr=56 imms=3
        cpu.set_x(0, 0);
        cpu.set_x(2, 0xab);
        cpu.bitfield(1, 1, 56, 3, 2, 0).unwrap();
        assert_eq!(cpu.xr(0), 0xb00);
    }

    #[test]
    fn crc32_matches_known_vector() {
        let mut cpu = Cpu::new(0, 0);
        // CRC-32 of "123456789" is 0xCBF43926 with the usual pre/post inversion.
        let mut acc = u64::from(u32::MAX);
        for b in b"123456789" {
            cpu.set_x(1, acc);
            cpu.set_x(2, u64::from(*b));
            cpu.crc32(2, 0, 0, 1, 0).unwrap();
            acc = cpu.xr(0);
        }
        assert_eq!(acc as u32 ^ u32::MAX, 0xcbf4_3926);
    }

    #[test]
    fn division_edge_cases() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_x(1, 5);
        cpu.set_x(2, 0);
        cpu.div(1, 2, 0, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0);
        cpu.set_x(1, 0x8000_0000);
        cpu.set_x(2, 0xffff_ffff);
        cpu.div(0, 2, 1, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 0x8000_0000);
    }

    #[test]
    fn cls_counts_sign_bits() {
        let mut cpu = Cpu::new(0, 0);
        cpu.set_x(1, u64::MAX);
        cpu.clz(1, 1, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 63);
        cpu.set_x(1, 1);
        cpu.clz(0, 1, 1, 0).unwrap();
        assert_eq!(cpu.xr(0), 30);
    }
}
