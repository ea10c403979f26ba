//! Physical memory as the cores see it: RAM (the fast path) with its per-page decode cache, and
//! the [`Platform`] trait through which everything else (MMIO devices, firmware calls) is reached
//! on the slow path.

use a64::Insn;

use crate::PhysAddr;

/// Bytes per decode-cache page.
pub const PAGE_SIZE: u64 = 4096;
const INSNS_PER_PAGE: usize = (PAGE_SIZE / 4) as usize;

/// A decoded page: one entry per instruction word.
pub type DecodedPage = [Insn; INSNS_PER_PAGE];

/// RAM, and the decoded form of the RAM pages that have been executed.
///
/// The decode cache is indexed by RAM page number (no hashing). A write to a page that has a
/// decoded copy re-decodes the written words, so self-modifying code is seen at once.
pub struct Memory {
    base: u64,
    ram: Vec<u8>,
    decoded: Vec<Option<Box<DecodedPage>>>,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory").field("base", &self.base).field("size", &self.ram.len()).finish()
    }
}

impl Memory {
    /// Zeroed RAM of `size` bytes at physical address `base`; both must be page aligned.
    pub fn new(base: PhysAddr, size: u64) -> Memory {
        let pages = size.div_ceil(PAGE_SIZE) as usize;
        Memory { base: base.0, ram: vec![0; (pages as u64 * PAGE_SIZE) as usize], decoded: vec![None; pages] }
    }

    /// Physical base address of RAM.
    pub fn base(&self) -> PhysAddr {
        PhysAddr(self.base)
    }

    /// RAM size in bytes.
    pub fn size(&self) -> u64 {
        self.ram.len() as u64
    }

    /// The RAM offset of `[pa, pa + len)`, if it lies wholly in RAM.
    #[inline(always)]
    pub fn ram_offset(&self, pa: u64, len: u64) -> Option<usize> {
        let off = pa.wrapping_sub(self.base);
        let size = self.ram.len() as u64;
        if off < size && size - off >= len {
            Some(off as usize)
        } else {
            None
        }
    }

    /// Reads `size` (1, 2, 4 or 8) bytes little-endian at a RAM offset from [`Self::ram_offset`].
    #[inline(always)]
    pub fn read_at(&self, off: usize, size: u8) -> u64 {
        let ram = &self.ram;
        match size {
            1 => u64::from(ram[off]),
            2 => u64::from(u16::from_le_bytes([ram[off], ram[off + 1]])),
            4 => {
                let mut b = [0u8; 4];
                b.copy_from_slice(&ram[off..off + 4]);
                u64::from(u32::from_le_bytes(b))
            }
            _ => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&ram[off..off + 8]);
                u64::from_le_bytes(b)
            }
        }
    }

    /// Writes `size` (1, 2, 4 or 8) bytes little-endian at a RAM offset, keeping the decode cache
    /// coherent.
    #[inline(always)]
    pub fn write_at(&mut self, off: usize, size: u8, value: u64) {
        let n = match size {
            1 => {
                self.ram[off] = value as u8;
                1
            }
            2 => {
                self.ram[off..off + 2].copy_from_slice(&(value as u16).to_le_bytes());
                2
            }
            4 => {
                self.ram[off..off + 4].copy_from_slice(&(value as u32).to_le_bytes());
                4
            }
            _ => {
                self.ram[off..off + 8].copy_from_slice(&value.to_le_bytes());
                8
            }
        };
        let page = off >> 12;
        if self.decoded[page].is_some() {
            self.redecode(off, n);
        }
    }

    #[cold]
    fn redecode(&mut self, off: usize, len: usize) {
        let first = off & !3;
        let last = (off + len - 1) & !3;
        let mut word = first;
        while word <= last {
            let raw = u32::from_le_bytes([self.ram[word], self.ram[word + 1], self.ram[word + 2], self.ram[word + 3]]);
            if let Some(page) = self.decoded[word >> 12].as_mut() {
                page[(word & 0xfff) >> 2] = a64::decode(raw);
            }
            word += 4;
        }
    }

    /// The decoded page holding RAM offset `off`, decoding it on first use.
    #[inline(always)]
    pub fn decoded_page(&mut self, off: usize) -> &DecodedPage {
        let page = off >> 12;
        if self.decoded[page].is_none() {
            self.decode_page(page);
        }
        match &self.decoded[page] {
            Some(p) => p,
            None => unreachable!("decode_page fills the slot"),
        }
    }

    #[cold]
    fn decode_page(&mut self, page: usize) {
        let start = page << 12;
        let mut decoded = Box::new([Insn::Undefined { raw: 0 }; INSNS_PER_PAGE]);
        for (i, slot) in decoded.iter_mut().enumerate() {
            let w = start + i * 4;
            *slot = a64::decode(u32::from_le_bytes([self.ram[w], self.ram[w + 1], self.ram[w + 2], self.ram[w + 3]]));
        }
        self.decoded[page] = Some(decoded);
    }

    /// Copies bytes into RAM (image loading, debuggers, DMA). Returns false, writing nothing, if
    /// the range is not wholly in RAM.
    pub fn write_bytes(&mut self, pa: PhysAddr, data: &[u8]) -> bool {
        let Some(off) = self.ram_offset(pa.0, data.len() as u64) else {
            return false;
        };
        self.ram[off..off + data.len()].copy_from_slice(data);
        let first = off >> 12;
        let last = (off + data.len().max(1) - 1) >> 12;
        for page in first..=last {
            self.decoded[page] = None;
        }
        true
    }

    /// Copies bytes out of RAM. Returns false if the range is not wholly in RAM.
    pub fn read_bytes(&self, pa: PhysAddr, out: &mut [u8]) -> bool {
        let Some(off) = self.ram_offset(pa.0, out.len() as u64) else {
            return false;
        };
        out.copy_from_slice(&self.ram[off..off + out.len()]);
        true
    }

    /// Zeroes RAM and drops every decoded page (system reset).
    pub fn clear(&mut self) {
        self.ram.fill(0);
        self.decoded.iter_mut().for_each(|p| *p = None);
    }
}

/// The outcome of a firmware call (PSCI through SMC, D1.x "SMC" with no EL3: the platform
/// serves the call, as QEMU does with `virtualization=on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirmwareCall {
    /// The call completed; the value goes to X0.
    Return(u64),
    /// PSCI SYSTEM_OFF.
    SystemOff,
    /// PSCI SYSTEM_RESET.
    SystemReset,
    /// Not a call the platform serves: the SMC is UNDEFINED.
    NotHandled,
}

/// Everything a core reaches outside its own state: RAM and the slow path to the rest of the
/// SoC. The run loop is generic over it, so the calls are static.
pub trait Platform {
    /// The RAM shared by all cores.
    fn memory(&mut self) -> &mut Memory;
    /// A read from a non-RAM physical address; `None` is a synchronous external abort.
    fn mmio_read(&mut self, cpu: usize, pa: PhysAddr, size: u8) -> Option<u64>;
    /// A write to a non-RAM physical address; `false` is a synchronous external abort.
    fn mmio_write(&mut self, cpu: usize, pa: PhysAddr, size: u8, value: u64) -> bool;
    /// An SMC from `cpu` with the function ID and arguments in X0..X3.
    fn firmware_call(&mut self, cpu: usize, function_id: u64, args: [u64; 3]) -> FirmwareCall;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_little_endian() {
        let mut m = Memory::new(PhysAddr(0x4000_0000), 0x2000);
        let off = m.ram_offset(0x4000_0010, 8).unwrap();
        m.write_at(off, 8, 0x1122_3344_5566_7788);
        assert_eq!(m.read_at(off, 1), 0x88);
        assert_eq!(m.read_at(off, 2), 0x7788);
        assert_eq!(m.read_at(off, 4), 0x5566_7788);
        assert_eq!(m.read_at(off, 8), 0x1122_3344_5566_7788);
        assert!(m.ram_offset(0x4000_1ffc, 8).is_none());
        assert!(m.ram_offset(0x3fff_fff8, 8).is_none());
    }

    #[test]
    fn writes_to_decoded_code_redecode() {
        let mut m = Memory::new(PhysAddr(0x4000_0000), 0x1000);
        assert!(m.write_bytes(PhysAddr(0x4000_0000), &0xd503_201fu32.to_le_bytes()));
        assert!(matches!(m.decoded_page(0)[0], Insn::Hint { .. }));
        m.write_at(0, 4, 0x8b02_0020);
        assert!(matches!(m.decoded_page(0)[0], Insn::AddsubReg { .. }));
    }
}
