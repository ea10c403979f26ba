//! A minimal A64 assembler for the harness program, and the ELF writer.
//!
//! Only the handful of instructions the generated QEMU program needs (address formation, pair
//! loads/stores of X and Q registers, system-register moves, branches, SVC). Every encoder cites
//! its C6.2 page; targets are absolute addresses, so there are no labels to resolve: the layout
//! is computed up front (see `program.rs`).

/// Words being assembled at a known virtual address.
pub struct Asm {
    /// The address of `words[0]`.
    pub base: u64,
    pub words: Vec<u32>,
}

/// A system register's (op0, op1, CRn, CRm, op2) in the MRS/MSR `o0:op1:CRn:CRm:op2` field
/// (bits 19:5 of the word).
pub const fn sysreg(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32) -> u32 {
    ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5)
}

pub const NZCV: u32 = sysreg(3, 3, 4, 2, 0);
pub const FPCR: u32 = sysreg(3, 3, 4, 4, 0);
pub const FPSR: u32 = sysreg(3, 3, 4, 4, 1);
pub const TPIDR_EL0: u32 = sysreg(3, 3, 13, 0, 2);

/// Condition codes used by the harness (C1.2.4).
pub const NE: u32 = 1;
pub const LE: u32 = 13;

impl Asm {
    pub fn new(base: u64) -> Self {
        Self { base, words: Vec::new() }
    }

    /// The address of the next word.
    pub fn pc(&self) -> u64 {
        self.base + 4 * self.words.len() as u64
    }

    pub fn emit(&mut self, word: u32) {
        self.words.push(word);
    }

    fn rel(&self, target: u64, bits: u32) -> u32 {
        let offset = target.wrapping_sub(self.pc()) as i64;
        assert!(offset % 4 == 0, "unaligned branch target");
        let imm = offset >> 2;
        assert!(imm >= -(1 << (bits - 1)) && imm < (1 << (bits - 1)), "branch target out of range");
        (imm as u32) & ((1 << bits) - 1)
    }

    /// C6.2 B.
    pub fn b(&mut self, target: u64) {
        let imm = self.rel(target, 26);
        self.emit(0x1400_0000 | imm);
    }

    /// C6.2 BL.
    pub fn bl(&mut self, target: u64) {
        let imm = self.rel(target, 26);
        self.emit(0x9400_0000 | imm);
    }

    /// C6.2 B.cond.
    pub fn b_cond(&mut self, cond: u32, target: u64) {
        let imm = self.rel(target, 19);
        self.emit(0x5400_0000 | (imm << 5) | cond);
    }

    /// C6.2 CBNZ (64-bit).
    pub fn cbnz(&mut self, rt: u32, target: u64) {
        let imm = self.rel(target, 19);
        self.emit(0xb500_0000 | (imm << 5) | rt);
    }

    /// C6.2 BR.
    pub fn br(&mut self, rn: u32) {
        self.emit(0xd61f_0000 | (rn << 5));
    }

    /// C6.2 RET (X30).
    pub fn ret(&mut self) {
        self.emit(0xd65f_03c0);
    }

    /// C6.2 SVC #0.
    pub fn svc0(&mut self) {
        self.emit(0xd400_0001);
    }

    /// C6.2 ADR.
    pub fn adr(&mut self, rd: u32, target: u64) {
        let offset = target.wrapping_sub(self.pc()) as i64;
        assert!((-(1 << 20)..(1 << 20)).contains(&offset), "ADR target out of range");
        let imm = offset as u32 & 0x1f_ffff;
        self.emit(0x1000_0000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | rd);
    }

    /// C6.2 ADRP then ADD (immediate): `rd = target`.
    pub fn addr(&mut self, rd: u32, target: u64) {
        let pages = ((target >> 12) as i64) - ((self.pc() >> 12) as i64);
        assert!((-(1 << 20)..(1 << 20)).contains(&pages), "ADRP target out of range");
        let imm = pages as u32 & 0x1f_ffff;
        self.emit(0x9000_0000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | rd);
        self.add_imm(rd, rd, (target & 0xfff) as u32);
    }

    /// C6.2 ADD (immediate), 64-bit, `rd`/`rn` 31 = SP.
    pub fn add_imm(&mut self, rd: u32, rn: u32, imm12: u32) {
        assert!(imm12 < 4096);
        self.emit(0x9100_0000 | (imm12 << 10) | (rn << 5) | rd);
    }

    /// C6.2 SUBS (immediate), 64-bit.
    pub fn subs_imm(&mut self, rd: u32, rn: u32, imm12: u32) {
        assert!(imm12 < 4096);
        self.emit(0xf100_0000 | (imm12 << 10) | (rn << 5) | rd);
    }

    /// C6.2 ADD/SUB (shifted register), 64-bit.
    pub fn add_reg(&mut self, rd: u32, rn: u32, rm: u32) {
        self.emit(0x8b00_0000 | (rm << 16) | (rn << 5) | rd);
    }

    pub fn sub_reg(&mut self, rd: u32, rn: u32, rm: u32) {
        self.emit(0xcb00_0000 | (rm << 16) | (rn << 5) | rd);
    }

    /// C6.2 MOVZ / MOVK (64-bit) building `value`.
    pub fn mov_imm(&mut self, rd: u32, value: u64) {
        self.emit(0xd280_0000 | (((value & 0xffff) as u32) << 5) | rd);
        for hw in 1..4u32 {
            let chunk = ((value >> (16 * hw)) & 0xffff) as u32;
            if chunk != 0 {
                self.emit(0xf280_0000 | (hw << 21) | (chunk << 5) | rd);
            }
        }
    }

    /// C6.2 LDR/STR (immediate, unsigned offset), 64-bit.
    pub fn ldr_x(&mut self, rt: u32, rn: u32, offset: u32) {
        assert!(offset.is_multiple_of(8) && offset < 8 * 4096);
        self.emit(0xf940_0000 | ((offset / 8) << 10) | (rn << 5) | rt);
    }

    pub fn str_x(&mut self, rt: u32, rn: u32, offset: u32) {
        assert!(offset.is_multiple_of(8) && offset < 8 * 4096);
        self.emit(0xf900_0000 | ((offset / 8) << 10) | (rn << 5) | rt);
    }

    fn pair(&mut self, base: u32, scale: u32, rt: u32, rt2: u32, rn: u32, offset: i32) {
        assert!(offset % (1 << scale) == 0);
        let imm7 = offset >> scale;
        assert!((-64..64).contains(&imm7), "pair offset out of range");
        self.emit(base | (((imm7 as u32) & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt);
    }

    /// C6.2 LDP/STP (signed offset), X registers.
    pub fn ldp_x(&mut self, rt: u32, rt2: u32, rn: u32, offset: i32) {
        self.pair(0xa940_0000, 3, rt, rt2, rn, offset);
    }

    pub fn stp_x(&mut self, rt: u32, rt2: u32, rn: u32, offset: i32) {
        self.pair(0xa900_0000, 3, rt, rt2, rn, offset);
    }

    /// C6.2 LDP/STP (post-index), X registers.
    pub fn ldp_x_post(&mut self, rt: u32, rt2: u32, rn: u32, offset: i32) {
        self.pair(0xa8c0_0000, 3, rt, rt2, rn, offset);
    }

    pub fn stp_x_post(&mut self, rt: u32, rt2: u32, rn: u32, offset: i32) {
        self.pair(0xa880_0000, 3, rt, rt2, rn, offset);
    }

    /// C7.2 LDP/STP (SIMD&FP, signed offset), Q registers.
    pub fn ldp_q(&mut self, rt: u32, rt2: u32, rn: u32, offset: i32) {
        self.pair(0xad40_0000, 4, rt, rt2, rn, offset);
    }

    pub fn stp_q(&mut self, rt: u32, rt2: u32, rn: u32, offset: i32) {
        self.pair(0xad00_0000, 4, rt, rt2, rn, offset);
    }

    /// C6.2 MSR (register).
    pub fn msr(&mut self, reg: u32, rt: u32) {
        self.emit(0xd510_0000 | reg | rt);
    }

    /// C6.2 MRS.
    pub fn mrs(&mut self, rt: u32, reg: u32) {
        self.emit(0xd530_0000 | reg | rt);
    }

    /// Pads with UDF #0 up to `address`.
    pub fn pad_to(&mut self, address: u64) {
        assert!(self.pc() <= address, "code overflows its region");
        while self.pc() < address {
            self.emit(0);
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
}

/// A static AArch64 Linux executable: the ELF header, one RWX PT_LOAD at `base` whose file part
/// is `image` (which starts with the headers' space: the first 0x78 bytes are overwritten) and
/// whose memory part is `mem_size` bytes (the rest zero-filled), entry `entry`.
pub fn elf(mut image: Vec<u8>, base: u64, mem_size: u64, entry: u64) -> Vec<u8> {
    const EHDR: usize = 64;
    const PHDR: usize = 56;
    assert!(image.len() >= EHDR + PHDR && mem_size >= image.len() as u64);
    let mut h = Vec::with_capacity(EHDR + PHDR);
    h.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    h.extend_from_slice(&2u16.to_le_bytes()); // e_type: ET_EXEC
    h.extend_from_slice(&183u16.to_le_bytes()); // e_machine: EM_AARCH64
    h.extend_from_slice(&1u32.to_le_bytes()); // e_version
    h.extend_from_slice(&entry.to_le_bytes()); // e_entry
    h.extend_from_slice(&(EHDR as u64).to_le_bytes()); // e_phoff
    h.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
    h.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    h.extend_from_slice(&(EHDR as u16).to_le_bytes()); // e_ehsize
    h.extend_from_slice(&(PHDR as u16).to_le_bytes()); // e_phentsize
    h.extend_from_slice(&1u16.to_le_bytes()); // e_phnum
    h.extend_from_slice(&64u16.to_le_bytes()); // e_shentsize
    h.extend_from_slice(&0u16.to_le_bytes()); // e_shnum
    h.extend_from_slice(&0u16.to_le_bytes()); // e_shstrndx
    h.extend_from_slice(&1u32.to_le_bytes()); // p_type: PT_LOAD
    h.extend_from_slice(&7u32.to_le_bytes()); // p_flags: R | W | X
    h.extend_from_slice(&0u64.to_le_bytes()); // p_offset
    h.extend_from_slice(&base.to_le_bytes()); // p_vaddr
    h.extend_from_slice(&base.to_le_bytes()); // p_paddr
    h.extend_from_slice(&(image.len() as u64).to_le_bytes()); // p_filesz
    h.extend_from_slice(&mem_size.to_le_bytes()); // p_memsz
    h.extend_from_slice(&0x1000u64.to_le_bytes()); // p_align
    image[..h.len()].copy_from_slice(&h);
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_match_objdump() {
        let mut a = Asm::new(0x1000);
        a.ldp_q(0, 1, 0, 288);
        a.stp_x(29, 30, 0, 232);
        a.msr(FPCR, 1);
        a.mrs(1, NZCV);
        a.b(0x1000);
        a.addr(0, 0x40_1234);
        // ldp q0, q1, [x0, #288]; stp x29, x30, [x0, #232]; msr fpcr, x1; mrs x1, nzcv; b 0x1000;
        // adrp x0, 0x401000 (at 0x1014); add x0, x0, #0x234
        assert_eq!(a.words, [0xad490400, 0xa90ef81d, 0xd51b4401, 0xd53b4201, 0x17fffffc, 0x90002000, 0x9108d000]);
    }
}
