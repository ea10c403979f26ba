//! Physical memory as the cores see it: RAM (the fast path) with its per-page decode cache and
//! the global exclusive monitor, and the [`Platform`] trait through which everything else (MMIO
//! devices, firmware calls, interrupt lines, events) is reached on the slow path.

use a64::Insn;

use crate::state::InterruptLines;
use crate::PhysAddr;

/// Bytes per decode-cache page.
pub const PAGE_SIZE: u64 = 4096;
const INSNS_PER_PAGE: usize = (PAGE_SIZE / 4) as usize;

/// The most cores the global exclusive monitor tracks (a GICv2 serves at most 8).
pub const MAX_MONITORS: usize = 8;

/// The Exclusives Reservation Granule in bytes: CTR_EL0.ERG = 4, 2^4 words (D24.2 CTR_EL0).
pub const ERG_BYTES: usize = 64;

/// `Memory::hooks` bits: what a store to the page must also do.
mod hook {
    /// A decoded copy of the page exists: re-decode written words.
    pub const DECODED: u8 = 1;
    /// A global monitor may mark a granule in the page: clear it.
    pub const MONITORED: u8 = 2;
}

/// No granule marked in a global monitor slot.
const UNMARKED: usize = usize::MAX;

/// A decoded page: one entry per instruction word.
pub type DecodedPage = [Insn; INSNS_PER_PAGE];

/// RAM, and the decoded form of the RAM pages that have been executed.
///
/// The decode cache is indexed by RAM page number (no hashing). A write to a page that has a
/// decoded copy re-decodes the written words, so self-modifying code is seen at once.
///
/// It also holds the global exclusive monitor (B2.17 "Synchronization and semaphores"): one
/// marked granule per core. A load-exclusive marks it, a store-exclusive succeeds only while it
/// is still marked, and any store to a marked granule (by a core, or by DMA through
/// [`Memory::write_bytes`]) clears every monitor that marks it, which also generates an event
/// for those cores (D1.7.1.1). The single-core fast path pays nothing for it: stores test one
/// byte of per-page flags, the same test that keeps the decode cache coherent.
pub struct Memory {
    base: u64,
    ram: Vec<u8>,
    decoded: Vec<Option<Box<DecodedPage>>>,
    /// Per RAM page, bits of [`hook`].
    hooks: Vec<u8>,
    /// The granule (RAM offset, ERG aligned) each core's global monitor marks, or [`UNMARKED`].
    monitors: [usize; MAX_MONITORS],
    /// Cores whose monitor a store cleared since [`Memory::take_monitor_events`].
    monitor_events: u8,
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
        Memory {
            base: base.0,
            ram: vec![0; (pages as u64 * PAGE_SIZE) as usize],
            decoded: vec![None; pages],
            hooks: vec![0; pages],
            monitors: [UNMARKED; MAX_MONITORS],
            monitor_events: 0,
        }
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
        if self.hooks[off >> 12] != 0 {
            self.store_hooks(off, n);
        }
    }

    /// What a store to a page with hooks must also do: re-decode, clear global monitors.
    #[cold]
    fn store_hooks(&mut self, off: usize, len: usize) {
        let page = off >> 12;
        if self.hooks[page] & hook::DECODED != 0 {
            self.redecode(off, len);
        }
        if self.hooks[page] & hook::MONITORED != 0 {
            self.clear_monitors(off, len);
        }
    }

    /// Clears every global monitor marking a granule that `[off, off + len)` touches, and
    /// drops the page flags of pages no monitor marks any more.
    fn clear_monitors(&mut self, off: usize, len: usize) {
        let first = off & !(ERG_BYTES - 1);
        let end = off + len.max(1);
        for (core, granule) in self.monitors.iter_mut().enumerate() {
            if *granule != UNMARKED && *granule >= first && *granule < end {
                *granule = UNMARKED;
                self.monitor_events |= 1 << core;
            }
        }
        for page in (off >> 12)..=((end - 1) >> 12) {
            if !self.monitors.iter().any(|&g| g != UNMARKED && g >> 12 == page) {
                self.hooks[page] &= !hook::MONITORED;
            }
        }
    }

    /// LDXR: marks the granule holding RAM offset `off` in `core`'s global monitor.
    pub fn mark_exclusive(&mut self, core: usize, off: usize) {
        if let Some(slot) = self.monitors.get_mut(core) {
            *slot = off & !(ERG_BYTES - 1);
            self.hooks[off >> 12] |= hook::MONITORED;
        }
    }

    /// Whether `core`'s global monitor still marks the granule holding RAM offset `off`.
    pub fn exclusive_marked(&self, core: usize, off: usize) -> bool {
        self.monitors.get(core).is_some_and(|&g| g == off & !(ERG_BYTES - 1))
    }

    /// Clears `core`'s global monitor (a store-exclusive, whatever its outcome). No event: the
    /// core cleared it itself.
    pub fn clear_exclusive(&mut self, core: usize) {
        if let Some(slot) = self.monitors.get_mut(core) {
            *slot = UNMARKED;
        }
    }

    /// The cores (bit n for core n) whose global monitor a store cleared since the last call;
    /// each gets an event (D1.7.1.1).
    pub fn take_monitor_events(&mut self) -> u8 {
        std::mem::take(&mut self.monitor_events)
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
        self.hooks[page] |= hook::DECODED;
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
            self.hooks[page] &= !hook::DECODED;
        }
        if !data.is_empty() && (first..=last).any(|page| self.hooks[page] & hook::MONITORED != 0) {
            self.clear_monitors(off, data.len());
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
        self.hooks.fill(0);
        self.monitors = [UNMARKED; MAX_MONITORS];
        self.monitor_events = 0;
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
    /// PSCI CPU_OFF: the calling core powers down; the call does not return.
    CpuOff,
    /// PSCI CPU_SUSPEND to a standby state: X0 gets the value, then the core waits for an
    /// interrupt as WFI does.
    Standby(u64),
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

    /// The local time (cycles) of core `cpu`, given just before each slow-path call that can
    /// affect other cores (MMIO, firmware calls, SEV, timer outputs), so the platform can time
    /// what it does to them.
    fn set_time(&mut self, _cpu: usize, _cycles: u64) {}

    /// The generic-timer output levels of core `cpu` changed (bits of
    /// [`timer::output`](crate::timer::output)).
    fn timer_outputs(&mut self, _cpu: usize, _levels: u8) {}

    /// The interrupt inputs of core `cpu`, if they changed since the last call for it. The core
    /// asks after every MMIO access, firmware call and timer output change.
    fn interrupt_lines(&mut self, _cpu: usize) -> Option<InterruptLines> {
        None
    }

    /// SEV by core `cpu`: every other core's Event Register is to be set (D1.7.1.4).
    fn send_event(&mut self, _cpu: usize) {}
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
    fn stores_clear_global_monitors_of_the_granule() {
        let mut m = Memory::new(PhysAddr(0x4000_0000), 0x3000);
        m.mark_exclusive(0, 0x1008);
        m.mark_exclusive(1, 0x1030);
        m.mark_exclusive(2, 0x2000);
        assert!(m.exclusive_marked(0, 0x1000) && m.exclusive_marked(1, 0x103f));
        // Outside the 64-byte granule: nothing cleared.
        m.write_at(0x1040, 8, 1);
        assert!(m.exclusive_marked(0, 0x1000));
        assert_eq!(m.take_monitor_events(), 0);
        // Inside: both monitors of that granule are cleared, with events.
        m.write_at(0x1038, 1, 1);
        assert!(!m.exclusive_marked(0, 0x1000) && !m.exclusive_marked(1, 0x1000));
        assert_eq!(m.take_monitor_events(), 0b011);
        assert_eq!(m.hooks[1] & hook::MONITORED, 0, "no monitor left in the page");
        // DMA writes clear too.
        assert!(m.write_bytes(PhysAddr(0x4000_1ff0), &[0; 0x20]));
        assert!(!m.exclusive_marked(2, 0x2000));
        assert_eq!(m.take_monitor_events(), 0b100);
        // A core's own clear makes no event; out-of-range cores are ignored.
        m.mark_exclusive(3, 0);
        m.clear_exclusive(3);
        m.mark_exclusive(99, 0);
        assert!(!m.exclusive_marked(99, 0));
        m.write_at(0, 8, 0);
        assert_eq!(m.take_monitor_events(), 0);
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
