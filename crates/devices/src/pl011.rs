//! The ARM PrimeCell UART (PL011), per the PrimeCell UART (PL011) Technical Reference Manual
//! (ARM DDI 0183), chapter 3 "Programmers Model".
//!
//! The model follows the TRM register by register and QEMU's `hw/char/pl011.c` where software
//! relies on behaviour the TRM leaves to the hardware:
//!
//! - Transmission is instantaneous: a write to UARTDR reaches the [`TxSink`] at once, so UARTFR
//!   always shows TXFE set and TXFF and BUSY clear. As in QEMU, characters are sent whatever
//!   UARTCR.UARTEN and UARTCR.TXE say: bare-metal code commonly writes UARTDR without enabling
//!   the UART first, and it works on QEMU and on the boot ROM-initialised hardware it targets.
//! - The transmit interrupt (UARTRIS.TXRIS) is raised by every write to UARTDR: the transmit FIFO
//!   drains at once, so after each write it is at or below its trigger level (TRM 2.8.2,
//!   "UARTTXINTR"). It stays raised until UARTICR.TXIC clears it, and is not raised at reset
//!   (the condition is the FIFO *crossing* the level, as on the hardware and in QEMU).
//! - Reception uses a FIFO of [`FIFO_DEPTH`] entries when UARTLCR_H.FEN is set, else a
//!   one-character holding register. Input comes from an [`RxSource`], polled without blocking on
//!   reads of UARTFR, UARTDR, UARTRIS, UARTMIS and on [`MmioDevice::poll`]. Characters stay in
//!   the source while the FIFO is full, so nothing overruns. The receive interrupt (RXRIS) is
//!   raised when the FIFO reaches the UARTIFLS trigger level; the receive timeout interrupt
//!   (RTRIS) when characters wait below the trigger level (there is no bit-time clock, so the
//!   32-bit-period timeout has always elapsed). Both follow TRM 2.8.2 for how they clear.
//! - The interrupt output is `(UARTRIS & UARTIMSC) != 0` (UARTINTR, TRM 2.8.2).
//! - Registers are 32 bits wide at 4-byte aligned offsets. A 1- or 2-byte access reaches the
//!   register at that offset (the low bytes); an 8-byte access is two 32-bit accesses, as QEMU
//!   splits it; an access at an offset that is not 4-byte aligned is RAZ/WI.
//!
//! Not modelled: baud-rate timing, modem lines and their interrupts, break/framing/parity errors
//! (a host stream has none), IrDA, DMA requests, loopback (UARTCR.LBE), the test registers.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};

use crate::mmio::{MmioAccess, MmioDevice, MmioFault};

/// Register offsets (DDI 0183 table 3-1, "UART register summary").
pub mod reg {
    /// UARTDR, data register (3.3.1).
    pub const DR: u64 = 0x000;
    /// UARTRSR (read) / UARTECR (write), receive status / error clear (3.3.2).
    pub const RSR_ECR: u64 = 0x004;
    /// UARTFR, flag register, read-only (3.3.3).
    pub const FR: u64 = 0x018;
    /// UARTILPR, IrDA low-power counter (3.3.4).
    pub const ILPR: u64 = 0x020;
    /// UARTIBRD, integer baud rate divisor (3.3.5).
    pub const IBRD: u64 = 0x024;
    /// UARTFBRD, fractional baud rate divisor (3.3.6).
    pub const FBRD: u64 = 0x028;
    /// UARTLCR_H, line control (3.3.7).
    pub const LCR_H: u64 = 0x02c;
    /// UARTCR, control (3.3.8).
    pub const CR: u64 = 0x030;
    /// UARTIFLS, interrupt FIFO level select (3.3.9).
    pub const IFLS: u64 = 0x034;
    /// UARTIMSC, interrupt mask set/clear (3.3.10).
    pub const IMSC: u64 = 0x038;
    /// UARTRIS, raw interrupt status, read-only (3.3.11).
    pub const RIS: u64 = 0x03c;
    /// UARTMIS, masked interrupt status, read-only (3.3.12).
    pub const MIS: u64 = 0x040;
    /// UARTICR, interrupt clear, write-only (3.3.13).
    pub const ICR: u64 = 0x044;
    /// UARTDMACR, DMA control (3.3.14).
    pub const DMACR: u64 = 0x048;
    /// UARTPeriphID0; PeriphID1-3 follow at 4-byte steps (3.3.15-3.3.18).
    pub const PERIPH_ID0: u64 = 0xfe0;
    /// UARTPCellID0; PCellID1-3 follow at 4-byte steps, the last at 0xffc (3.3.19-3.3.22).
    pub const PCELL_ID0: u64 = 0xff0;
    /// The last identification register, UARTPCellID3.
    pub const PCELL_ID3: u64 = 0xffc;
}

/// UARTDR bits (DDI 0183 3.3.1).
pub mod dr {
    /// Received or transmitted character.
    pub const DATA: u32 = 0xff;
    /// Framing error.
    pub const FE: u32 = 1 << 8;
    /// Parity error.
    pub const PE: u32 = 1 << 9;
    /// Break error.
    pub const BE: u32 = 1 << 10;
    /// Overrun error.
    pub const OE: u32 = 1 << 11;
}

/// UARTFR bits (DDI 0183 3.3.3).
pub mod fr {
    /// Clear to send.
    pub const CTS: u32 = 1 << 0;
    /// UART busy transmitting.
    pub const BUSY: u32 = 1 << 3;
    /// Receive FIFO (or holding register) empty.
    pub const RXFE: u32 = 1 << 4;
    /// Transmit FIFO (or holding register) full.
    pub const TXFF: u32 = 1 << 5;
    /// Receive FIFO (or holding register) full.
    pub const RXFF: u32 = 1 << 6;
    /// Transmit FIFO (or holding register) empty.
    pub const TXFE: u32 = 1 << 7;
}

/// UARTLCR_H bits (DDI 0183 3.3.7).
pub mod lcr_h {
    /// Enable FIFOs.
    pub const FEN: u32 = 1 << 4;
}

/// UARTCR bits (DDI 0183 3.3.8).
pub mod cr {
    /// UART enable.
    pub const UARTEN: u32 = 1 << 0;
    /// Loopback enable.
    pub const LBE: u32 = 1 << 7;
    /// Transmit enable.
    pub const TXE: u32 = 1 << 8;
    /// Receive enable.
    pub const RXE: u32 = 1 << 9;
    /// Reset value: TXE and RXE set, the UART disabled.
    pub const RESET: u32 = TXE | RXE;
    /// The implemented bits (bits 3:2 and 6:3 of early revisions are reserved).
    pub const MASK: u32 = 0xff87;
}

/// Interrupt bits, shared by UARTIMSC, UARTRIS, UARTMIS and UARTICR (DDI 0183 3.3.10-3.3.13).
pub mod int {
    /// nUARTRI modem interrupt.
    pub const RI: u32 = 1 << 0;
    /// nUARTCTS modem interrupt.
    pub const CTS: u32 = 1 << 1;
    /// nUARTDCD modem interrupt.
    pub const DCD: u32 = 1 << 2;
    /// nUARTDSR modem interrupt.
    pub const DSR: u32 = 1 << 3;
    /// Receive interrupt.
    pub const RX: u32 = 1 << 4;
    /// Transmit interrupt.
    pub const TX: u32 = 1 << 5;
    /// Receive timeout interrupt.
    pub const RT: u32 = 1 << 6;
    /// Framing error interrupt.
    pub const FE: u32 = 1 << 7;
    /// Parity error interrupt.
    pub const PE: u32 = 1 << 8;
    /// Break error interrupt.
    pub const BE: u32 = 1 << 9;
    /// Overrun error interrupt.
    pub const OE: u32 = 1 << 10;
    /// All interrupt bits.
    pub const ALL: u32 = 0x7ff;
}

/// UARTPeriphID0-3 then UARTPCellID0-3 of the ARM PL011 (DDI 0183 3.3.15-3.3.22): part number
/// 0x011, designer 0x41 (ARM), revision 1, and the PrimeCell identification 0xb105f00d.
pub const ID_BYTES: [u8; 8] = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/// Depth of each FIFO. Revisions before r1p5 (UARTPeriphID2.Revision < 3; ours reports 1) have
/// 16-entry FIFOs, which is also what Linux's `amba-pl011` driver assumes for them and what
/// QEMU models.
pub const FIFO_DEPTH: usize = 16;

/// Size of the register window (4 KiB, DDI 0183 table 3-1); offsets beyond it are RAZ/WI.
pub const WINDOW_SIZE: u64 = 0x1000;

/// Reset value of UARTIFLS: both trigger levels at half full.
const IFLS_RESET: u32 = 0x12;

/// A byte buffer shared with the host, e.g. to capture what the guest transmits.
pub type SharedBuffer = Arc<Mutex<Vec<u8>>>;

/// A byte queue shared with the host, e.g. to feed the guest input a test writes.
pub type SharedQueue = Arc<Mutex<VecDeque<u8>>>;

/// Where transmitted characters go.
#[derive(Debug)]
pub enum TxSink {
    /// The host's standard output, flushed after every character so that output interleaves
    /// correctly with the host's own messages.
    Stdout,
    /// A buffer the host reads later.
    Capture(SharedBuffer),
}

/// Where received characters come from.
#[derive(Debug)]
pub enum RxSource {
    /// Nothing is ever received.
    None,
    /// The host's standard input, read by a background thread into a channel.
    Stdin,
    /// A queue the host fills, before or while the guest runs.
    Buffer(SharedQueue),
}

impl RxSource {
    /// A source that delivers `bytes`, then nothing.
    pub fn script(bytes: &[u8]) -> RxSource {
        RxSource::Buffer(Arc::new(Mutex::new(bytes.iter().copied().collect())))
    }
}

/// The receive side's connection to the host.
#[derive(Debug)]
enum Input {
    None,
    Channel(Receiver<u8>),
    Queue(SharedQueue),
}

impl Input {
    fn open(source: RxSource) -> Input {
        match source {
            RxSource::None => Input::None,
            RxSource::Buffer(queue) => Input::Queue(queue),
            RxSource::Stdin => {
                let (sender, receiver) = mpsc::channel();
                let reader = std::thread::Builder::new().name("pl011-stdin".into()).spawn(move || {
                    let mut stdin = std::io::stdin();
                    let mut buf = [0u8; 256];
                    loop {
                        match stdin.read(&mut buf) {
                            Ok(0) => return,
                            Ok(n) => {
                                for &byte in &buf[..n] {
                                    if sender.send(byte).is_err() {
                                        return; // The UART is gone.
                                    }
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(_) => return,
                        }
                    }
                });
                // A host that cannot start a thread gets a UART that receives nothing.
                reader.map_or(Input::None, |_| Input::Channel(receiver))
            }
        }
    }

    /// The next character, if one has arrived; never blocks.
    fn try_next(&mut self) -> Option<u8> {
        match self {
            Input::None => None,
            Input::Channel(receiver) => receiver.try_recv().ok(),
            Input::Queue(queue) => queue.lock().ok()?.pop_front(),
        }
    }
}

/// A PL011 UART.
#[derive(Debug)]
pub struct Pl011 {
    tx: TxSink,
    input: Input,
    /// Received characters with their error bits (UARTDR bits 11:0).
    rx_fifo: VecDeque<u16>,
    rsr: u32,
    ilpr: u32,
    ibrd: u32,
    fbrd: u32,
    lcr_h: u32,
    cr: u32,
    ifls: u32,
    imsc: u32,
    ris: u32,
    dmacr: u32,
}

impl Pl011 {
    /// A PL011 in its reset state (DDI 0183 table 3-1 reset values), transmitting to `tx` and
    /// receiving from `rx`.
    pub fn new(tx: TxSink, rx: RxSource) -> Pl011 {
        Pl011 {
            tx,
            input: Input::open(rx),
            rx_fifo: VecDeque::with_capacity(FIFO_DEPTH),
            rsr: 0,
            ilpr: 0,
            ibrd: 0,
            fbrd: 0,
            lcr_h: 0,
            cr: cr::RESET,
            ifls: IFLS_RESET,
            imsc: 0,
            ris: 0,
            dmacr: 0,
        }
    }

    /// Entries of the receive FIFO: [`FIFO_DEPTH`] with UARTLCR_H.FEN set, else the one-character
    /// holding register.
    fn rx_capacity(&self) -> usize {
        if self.lcr_h & lcr_h::FEN != 0 {
            FIFO_DEPTH
        } else {
            1
        }
    }

    /// The receive FIFO level at which RXRIS is raised (UARTIFLS.RXIFLSEL, DDI 0183 3.3.9):
    /// 1/8, 1/4, 1/2, 3/4 or 7/8 full; the reserved encodings act as 1/2. Without FIFOs, one
    /// character.
    fn rx_trigger(&self) -> usize {
        if self.lcr_h & lcr_h::FEN == 0 {
            return 1;
        }
        match (self.ifls >> 3) & 7 {
            0 => FIFO_DEPTH / 8,
            1 => FIFO_DEPTH / 4,
            3 => FIFO_DEPTH * 3 / 4,
            4 => FIFO_DEPTH * 7 / 8,
            _ => FIFO_DEPTH / 2,
        }
    }

    /// Moves characters that have arrived from the host into the receive FIFO while it has
    /// room, and raises the receive interrupts for them.
    fn receive(&mut self) {
        let mut arrived = false;
        while self.rx_fifo.len() < self.rx_capacity() {
            match self.input.try_next() {
                Some(byte) => {
                    self.rx_fifo.push_back(u16::from(byte));
                    arrived = true;
                }
                None => break,
            }
        }
        if arrived {
            if self.rx_fifo.len() >= self.rx_trigger() {
                self.ris |= int::RX;
            } else {
                self.ris |= int::RT;
            }
        }
    }

    /// A read of UARTDR: the oldest received character with its error bits; 0 when the FIFO is
    /// empty (the TRM leaves that value undefined).
    fn read_data(&mut self) -> u32 {
        self.receive();
        let Some(entry) = self.rx_fifo.pop_front() else {
            return 0;
        };
        let value = u32::from(entry);
        // UARTRSR holds the error bits of the character just read (3.3.2).
        self.rsr = (value >> 8) & 0xf;
        let level = self.rx_fifo.len();
        if level < self.rx_trigger() {
            // RXRIS clears once the FIFO drops below the trigger level; characters left below
            // it are then reported by the receive timeout instead.
            self.ris &= !int::RX;
            if level > 0 {
                self.ris |= int::RT;
            }
        }
        if level == 0 {
            self.ris &= !int::RT;
        }
        value
    }

    /// A write of UARTDR: the character goes out at once.
    fn transmit(&mut self, byte: u8) {
        match &self.tx {
            TxSink::Stdout => {
                // A host whose stdout is closed loses the character; the guest cannot tell.
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(&[byte]);
                let _ = out.flush();
            }
            TxSink::Capture(buffer) => {
                if let Ok(mut buffer) = buffer.lock() {
                    buffer.push(byte);
                }
            }
        }
        self.ris |= int::TX;
    }

    /// UARTFR: the transmit side is always empty; CTS, DSR, DCD and RI read as 0.
    fn flags(&self) -> u32 {
        let mut flags = fr::TXFE;
        if self.rx_fifo.is_empty() {
            flags |= fr::RXFE;
        }
        if self.rx_fifo.len() >= self.rx_capacity() {
            flags |= fr::RXFF;
        }
        flags
    }

    fn read32(&mut self, offset: u64) -> u32 {
        match offset {
            reg::DR => self.read_data(),
            reg::RSR_ECR => self.rsr,
            reg::FR => {
                self.receive();
                self.flags()
            }
            reg::ILPR => self.ilpr,
            reg::IBRD => self.ibrd,
            reg::FBRD => self.fbrd,
            reg::LCR_H => self.lcr_h,
            reg::CR => self.cr,
            reg::IFLS => self.ifls,
            reg::IMSC => self.imsc,
            reg::RIS => {
                self.receive();
                self.ris
            }
            reg::MIS => {
                self.receive();
                self.ris & self.imsc
            }
            reg::DMACR => self.dmacr,
            reg::PERIPH_ID0..=reg::PCELL_ID3 => u32::from(ID_BYTES[((offset - reg::PERIPH_ID0) / 4) as usize]),
            _ => 0, // UARTICR is write-only; everything else is reserved: RAZ.
        }
    }

    fn write32(&mut self, offset: u64, value: u32) {
        match offset {
            reg::DR => self.transmit((value & dr::DATA) as u8),
            // Any write to UARTECR clears the error bits (3.3.2).
            reg::RSR_ECR => self.rsr = 0,
            reg::ILPR => self.ilpr = value & 0xff,
            reg::IBRD => self.ibrd = value & 0xffff,
            reg::FBRD => self.fbrd = value & 0x3f,
            reg::LCR_H => {
                // Changing FEN empties the receive FIFO, as in QEMU (the TRM says the FIFOs are
                // flushed when the UART is reconfigured; software reprograms FEN only while
                // idle).
                if (self.lcr_h ^ value) & lcr_h::FEN != 0 {
                    self.rx_fifo.clear();
                    self.ris &= !(int::RX | int::RT);
                }
                self.lcr_h = value & 0xff;
            }
            reg::CR => self.cr = value & cr::MASK,
            reg::IFLS => self.ifls = value & 0x3f,
            reg::IMSC => self.imsc = value & int::ALL,
            reg::ICR => self.ris &= !value,
            reg::DMACR => self.dmacr = value & 0x7,
            _ => {} // UARTFR, UARTRIS, UARTMIS, the IDs and reserved offsets: WI.
        }
    }
}

impl MmioDevice for Pl011 {
    fn name(&self) -> &str {
        "pl011"
    }

    fn read(&mut self, access: MmioAccess) -> Result<u64, MmioFault> {
        if !access.offset.is_multiple_of(4) || access.offset >= WINDOW_SIZE {
            return Ok(0);
        }
        let low = u64::from(self.read32(access.offset));
        Ok(match access.size {
            8 => low | (u64::from(self.read32(access.offset + 4)) << 32),
            _ => low & access.mask(),
        })
    }

    fn write(&mut self, access: MmioAccess, value: u64) -> Result<(), MmioFault> {
        if !access.offset.is_multiple_of(4) || access.offset >= WINDOW_SIZE {
            return Ok(());
        }
        self.write32(access.offset, (value & access.mask()) as u32);
        if access.size == 8 {
            self.write32(access.offset + 4, (value >> 32) as u32);
        }
        Ok(())
    }

    fn irq_asserted(&self) -> bool {
        self.ris & self.imsc != 0
    }

    fn poll(&mut self) {
        self.receive();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(offset: u64) -> MmioAccess {
        MmioAccess { offset, size: 4, cpu: 0 }
    }

    fn read(uart: &mut Pl011, offset: u64) -> u32 {
        uart.read(at(offset)).expect("a PL011 never aborts") as u32
    }

    fn write(uart: &mut Pl011, offset: u64, value: u32) {
        uart.write(at(offset), u64::from(value)).expect("a PL011 never aborts");
    }

    fn capture() -> (Pl011, SharedBuffer) {
        let buffer = SharedBuffer::default();
        (Pl011::new(TxSink::Capture(buffer.clone()), RxSource::None), buffer)
    }

    #[test]
    fn reset_values() {
        let (mut uart, _) = capture();
        assert_eq!(read(&mut uart, reg::FR), fr::TXFE | fr::RXFE);
        assert_eq!(read(&mut uart, reg::CR), 0x300);
        assert_eq!(read(&mut uart, reg::IFLS), 0x12);
        for r in [reg::RSR_ECR, reg::ILPR, reg::IBRD, reg::FBRD, reg::LCR_H, reg::IMSC, reg::RIS, reg::MIS, reg::DMACR]
        {
            assert_eq!(read(&mut uart, r), 0, "offset {r:#x}");
        }
        assert!(!uart.irq_asserted());
    }

    #[test]
    fn transmits_whatever_uarten_says() {
        let (mut uart, buffer) = capture();
        assert_eq!(read(&mut uart, reg::CR) & cr::UARTEN, 0);
        for &b in b"hi\n" {
            write(&mut uart, reg::DR, u32::from(b) | 0xf00); // bits above the data are ignored
        }
        // A byte store to UARTDR, as bare-metal code often does.
        uart.write(MmioAccess { offset: reg::DR, size: 1, cpu: 0 }, u64::from(b'!')).unwrap();
        assert_eq!(buffer.lock().unwrap().as_slice(), b"hi\n!");
        assert_eq!(read(&mut uart, reg::FR) & (fr::TXFF | fr::BUSY | fr::TXFE), fr::TXFE);
    }

    #[test]
    fn tx_interrupt_after_each_write_until_cleared() {
        let (mut uart, _) = capture();
        write(&mut uart, reg::IMSC, int::TX);
        assert!(!uart.irq_asserted(), "not raised at reset");
        write(&mut uart, reg::DR, u32::from(b'x'));
        assert_eq!(read(&mut uart, reg::RIS), int::TX);
        assert_eq!(read(&mut uart, reg::MIS), int::TX);
        assert!(uart.irq_asserted());
        write(&mut uart, reg::ICR, int::TX);
        assert_eq!(read(&mut uart, reg::RIS), 0);
        assert!(!uart.irq_asserted());
        write(&mut uart, reg::DR, u32::from(b'y'));
        assert!(uart.irq_asserted());
        write(&mut uart, reg::IMSC, 0);
        assert!(!uart.irq_asserted(), "masked");
        assert_eq!(read(&mut uart, reg::RIS), int::TX, "still raw-pending");
    }

    #[test]
    fn receives_through_the_holding_register_without_fifos() {
        let mut uart = Pl011::new(TxSink::Capture(Default::default()), RxSource::script(b"ab"));
        write(&mut uart, reg::IMSC, int::RX | int::RT);
        // One character fits the holding register: full, and RXRIS at the 1-character level.
        assert_eq!(read(&mut uart, reg::FR) & (fr::RXFE | fr::RXFF), fr::RXFF);
        assert_eq!(read(&mut uart, reg::RIS), int::RX);
        assert!(uart.irq_asserted());
        assert_eq!(read(&mut uart, reg::DR), u32::from(b'a'));
        assert_eq!(read(&mut uart, reg::DR), u32::from(b'b'));
        assert_eq!(read(&mut uart, reg::FR) & fr::RXFE, fr::RXFE);
        assert_eq!(read(&mut uart, reg::RIS), 0);
        assert!(!uart.irq_asserted());
        assert_eq!(read(&mut uart, reg::DR), 0, "empty FIFO reads 0");
    }

    #[test]
    fn fifo_trigger_level_and_receive_timeout() {
        let queue = SharedQueue::default();
        let mut uart = Pl011::new(TxSink::Capture(Default::default()), RxSource::Buffer(queue.clone()));
        write(&mut uart, reg::LCR_H, lcr_h::FEN | (3 << 5)); // 8N1 with FIFOs
        write(&mut uart, reg::IMSC, int::RX | int::RT);
        assert!(!uart.irq_asserted());

        // Below the half-full trigger (8): only the receive timeout.
        queue.lock().unwrap().extend(b"abc");
        uart.poll();
        assert_eq!(read(&mut uart, reg::RIS), int::RT);
        assert!(uart.irq_asserted());
        for &b in b"abc" {
            assert_eq!(read(&mut uart, reg::DR), u32::from(b));
        }
        assert_eq!(read(&mut uart, reg::RIS), 0, "RT clears when the FIFO empties");

        // 20 characters: the FIFO fills (16), RXRIS; the rest waits in the source.
        queue.lock().unwrap().extend((0..20).map(|i| b'A' + i));
        assert_eq!(read(&mut uart, reg::FR) & (fr::RXFE | fr::RXFF), fr::RXFF);
        assert_eq!(read(&mut uart, reg::RIS) & int::RX, int::RX);
        write(&mut uart, reg::ICR, int::RX | int::RT);
        let mut got = Vec::new();
        while read(&mut uart, reg::FR) & fr::RXFE == 0 {
            got.push(read(&mut uart, reg::DR) as u8);
        }
        assert_eq!(got, (0..20).map(|i| b'A' + i).collect::<Vec<_>>(), "nothing lost or reordered");
        assert_eq!(read(&mut uart, reg::RIS), 0);
        assert!(!uart.irq_asserted());
    }

    #[test]
    fn rx_level_drops_below_trigger_becomes_timeout() {
        let mut uart = Pl011::new(TxSink::Capture(Default::default()), RxSource::script(b"0123456789"));
        write(&mut uart, reg::LCR_H, lcr_h::FEN);
        write(&mut uart, reg::IFLS, 0); // trigger at 1/8 = 2 characters
        uart.poll();
        assert_eq!(read(&mut uart, reg::RIS), int::RX);
        for _ in 0..9 {
            read(&mut uart, reg::DR);
        }
        // One character left, below the trigger: RX clear, RT raised.
        assert_eq!(read(&mut uart, reg::RIS), int::RT);
        assert_eq!(read(&mut uart, reg::DR), u32::from(b'9'));
        assert_eq!(read(&mut uart, reg::RIS), 0);
    }

    #[test]
    fn toggling_fen_flushes_the_receive_fifo() {
        let mut uart = Pl011::new(TxSink::Capture(Default::default()), RxSource::script(b"xy"));
        uart.poll();
        assert_eq!(read(&mut uart, reg::FR) & fr::RXFE, 0);
        write(&mut uart, reg::LCR_H, lcr_h::FEN);
        // 'x' was in the holding register and is gone; 'y' arrives into the new FIFO.
        assert_eq!(read(&mut uart, reg::DR), u32::from(b'y'));
    }

    #[test]
    fn registers_keep_their_implemented_bits() {
        let (mut uart, _) = capture();
        let cases = [
            (reg::ILPR, 0xff),
            (reg::IBRD, 0xffff),
            (reg::FBRD, 0x3f),
            (reg::LCR_H, 0xff),
            (reg::CR, cr::MASK),
            (reg::IFLS, 0x3f),
            (reg::IMSC, int::ALL),
            (reg::DMACR, 0x7),
        ];
        for (offset, mask) in cases {
            write(&mut uart, offset, u32::MAX);
            assert_eq!(read(&mut uart, offset), mask, "offset {offset:#x}");
        }
        // Read-only registers ignore writes.
        write(&mut uart, reg::FR, 0);
        write(&mut uart, reg::RIS, int::ALL);
        assert_eq!(read(&mut uart, reg::RIS), 0);
        assert_eq!(read(&mut uart, reg::FR) & fr::TXFE, fr::TXFE);
    }

    #[test]
    fn error_clear_and_status() {
        let (mut uart, _) = capture();
        uart.rsr = 0xf;
        assert_eq!(read(&mut uart, reg::RSR_ECR), 0xf);
        write(&mut uart, reg::RSR_ECR, 0);
        assert_eq!(read(&mut uart, reg::RSR_ECR), 0);
    }

    #[test]
    fn identification_registers() {
        let (mut uart, _) = capture();
        let ids: Vec<u32> = (0..8).map(|i| read(&mut uart, reg::PERIPH_ID0 + 4 * i)).collect();
        assert_eq!(ids, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
        assert_eq!(read(&mut uart, reg::PCELL_ID0), 0x0d);
    }

    #[test]
    fn odd_accesses_never_panic() {
        let (mut uart, buffer) = capture();
        for offset in [0x1, 0x2, 0x3, 0x19, 0x4c, 0x800, 0xfe1, 0xffd, 0x1000, u64::MAX - 3, u64::MAX] {
            for size in [1u8, 2, 4, 8] {
                let access = MmioAccess { offset, size, cpu: 0 };
                assert_eq!(uart.read(access), Ok(0), "read {offset:#x}/{size}");
                assert_eq!(uart.write(access, u64::MAX), Ok(()));
            }
        }
        assert!(buffer.lock().unwrap().is_empty());
        assert_eq!(read(&mut uart, reg::CR), cr::RESET);
    }

    #[test]
    fn sized_accesses() {
        let (mut uart, _) = capture();
        write(&mut uart, reg::IBRD, 0x1234);
        write(&mut uart, reg::FBRD, 0x21);
        let byte = MmioAccess { offset: reg::IBRD, size: 1, cpu: 0 };
        assert_eq!(uart.read(byte), Ok(0x34));
        // An 8-byte access covers IBRD and FBRD.
        let pair = MmioAccess { offset: reg::IBRD, size: 8, cpu: 0 };
        assert_eq!(uart.read(pair), Ok(0x21_0000_1234));
        uart.write(pair, 0x05_0000_0042).unwrap();
        assert_eq!(read(&mut uart, reg::IBRD), 0x42);
        assert_eq!(read(&mut uart, reg::FBRD), 0x05);
        // A halfword write keeps only its two bytes.
        uart.write(MmioAccess { offset: reg::IBRD, size: 2, cpu: 0 }, 0xffff_5678).unwrap();
        assert_eq!(read(&mut uart, reg::IBRD), 0x5678);
    }
}
