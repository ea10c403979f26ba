//! The ARM PrimeCell UART (PL011), per the PL011 Technical Reference Manual (ARM DDI 0183G),
//! chapter 3 "Programmers Model".
//!
//! Transmission is instantaneous: a write to UARTDR reaches the [`TxSink`] at once and the
//! transmit FIFO always reads as empty. Like QEMU, characters are sent whatever UARTCR.UARTEN and
//! TXE say, because bare-metal software commonly writes UARTDR without enabling the UART.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};

use crate::mmio::{MmioAccess, MmioDevice, MmioFault};

/// Register offsets (DDI 0183G table 3-1).
pub mod reg {
    /// Data register.
    pub const DR: u64 = 0x000;
    /// Receive status / error clear.
    pub const RSR_ECR: u64 = 0x004;
    /// Flag register.
    pub const FR: u64 = 0x018;
    /// IrDA low-power counter.
    pub const ILPR: u64 = 0x020;
    /// Integer baud rate.
    pub const IBRD: u64 = 0x024;
    /// Fractional baud rate.
    pub const FBRD: u64 = 0x028;
    /// Line control.
    pub const LCR_H: u64 = 0x02c;
    /// Control.
    pub const CR: u64 = 0x030;
    /// Interrupt FIFO level select.
    pub const IFLS: u64 = 0x034;
    /// Interrupt mask set/clear.
    pub const IMSC: u64 = 0x038;
    /// Raw interrupt status.
    pub const RIS: u64 = 0x03c;
    /// Masked interrupt status.
    pub const MIS: u64 = 0x040;
    /// Interrupt clear.
    pub const ICR: u64 = 0x044;
    /// DMA control.
    pub const DMACR: u64 = 0x048;
    /// First of the PeriphID0-3 / PCellID0-3 registers.
    pub const ID_BASE: u64 = 0xfe0;
}

/// UARTFR bits (DDI 0183G 3.3.3).
pub mod fr {
    /// Busy transmitting.
    pub const BUSY: u32 = 1 << 3;
    /// Receive FIFO empty.
    pub const RXFE: u32 = 1 << 4;
    /// Transmit FIFO full.
    pub const TXFF: u32 = 1 << 5;
    /// Receive FIFO full.
    pub const RXFF: u32 = 1 << 6;
    /// Transmit FIFO empty.
    pub const TXFE: u32 = 1 << 7;
}

/// Interrupt bits of UARTRIS/UARTMIS/UARTIMSC/UARTICR (DDI 0183G 3.3.10-3.3.14).
pub mod int {
    /// Receive.
    pub const RX: u32 = 1 << 4;
    /// Transmit.
    pub const TX: u32 = 1 << 5;
    /// Receive timeout.
    pub const RT: u32 = 1 << 6;
}

/// PeriphID0-3 and PCellID0-3 of the ARM PL011 (DDI 0183G 3.3.16-3.3.17).
const ID_BYTES: [u8; 8] = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/// LCR_H.FEN: FIFOs enabled.
const LCR_H_FEN: u32 = 1 << 4;

/// A byte buffer shared with the host (test captures).
pub type SharedBuffer = Arc<Mutex<Vec<u8>>>;

/// Where transmitted characters go.
pub enum TxSink {
    /// The host's standard output, flushed per character.
    Stdout,
    /// A buffer the host reads later.
    Capture(SharedBuffer),
}

/// Where received characters come from.
pub enum RxSource {
    /// Nothing is ever received.
    None,
    /// The host's standard input, read by a background thread.
    Stdin,
    /// A fixed script of input bytes.
    Buffer(VecDeque<u8>),
}

/// The PL011 device state.
pub struct Pl011 {
    tx: TxSink,
    rx_pending: VecDeque<u8>,
    rx_channel: Option<Receiver<u8>>,
    rx_fifo: VecDeque<u16>,
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
    /// A PL011 in its reset state (DDI 0183G table 3-1 reset values).
    pub fn new(tx: TxSink, rx: RxSource) -> Pl011 {
        let (rx_pending, rx_channel) = match rx {
            RxSource::None => (VecDeque::new(), None),
            RxSource::Buffer(bytes) => (bytes, None),
            RxSource::Stdin => {
                let (sender, receiver) = mpsc::channel();
                std::thread::spawn(move || {
                    let mut byte = [0u8; 1];
                    let mut stdin = std::io::stdin();
                    while let Ok(1) = stdin.read(&mut byte) {
                        if sender.send(byte[0]).is_err() {
                            break;
                        }
                    }
                });
                (VecDeque::new(), Some(receiver))
            }
        };
        Pl011 {
            tx,
            rx_pending,
            rx_channel,
            rx_fifo: VecDeque::new(),
            ilpr: 0,
            ibrd: 0,
            fbrd: 0,
            lcr_h: 0,
            cr: 0x300,
            ifls: 0x12,
            imsc: 0,
            ris: 0,
            dmacr: 0,
        }
    }

    fn fifo_depth(&self) -> usize {
        if self.lcr_h & LCR_H_FEN != 0 {
            32
        } else {
            1
        }
    }

    /// Moves input that has arrived into the receive FIFO, as far as it has room.
    fn poll_input(&mut self) {
        if let Some(channel) = &self.rx_channel {
            while let Ok(byte) = channel.try_recv() {
                self.rx_pending.push_back(byte);
            }
        }
        while self.rx_fifo.len() < self.fifo_depth() {
            match self.rx_pending.pop_front() {
                Some(byte) => self.rx_fifo.push_back(u16::from(byte)),
                None => break,
            }
        }
        if !self.rx_fifo.is_empty() {
            self.ris |= int::RX;
        }
    }

    fn transmit(&mut self, byte: u8) {
        match &self.tx {
            TxSink::Stdout => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(&[byte]);
                let _ = out.flush();
            }
            TxSink::Capture(buffer) => {
                if let Ok(mut b) = buffer.lock() {
                    b.push(byte);
                }
            }
        }
        // The transmit FIFO drains at once, so the TX interrupt condition holds.
        self.ris |= int::TX;
    }

    fn flags(&self) -> u32 {
        let mut flags = fr::TXFE;
        if self.rx_fifo.is_empty() {
            flags |= fr::RXFE;
        }
        if self.rx_fifo.len() >= self.fifo_depth() {
            flags |= fr::RXFF;
        }
        flags
    }
}

impl MmioDevice for Pl011 {
    fn name(&self) -> &str {
        "pl011"
    }

    fn read(&mut self, access: MmioAccess) -> Result<u64, MmioFault> {
        self.poll_input();
        let value = match access.offset & !3 {
            reg::DR => {
                let data = self.rx_fifo.pop_front().unwrap_or(0);
                if self.rx_fifo.is_empty() {
                    self.ris &= !(int::RX | int::RT);
                }
                self.poll_input();
                u32::from(data)
            }
            reg::RSR_ECR => 0,
            reg::FR => self.flags(),
            reg::ILPR => self.ilpr,
            reg::IBRD => self.ibrd,
            reg::FBRD => self.fbrd,
            reg::LCR_H => self.lcr_h,
            reg::CR => self.cr,
            reg::IFLS => self.ifls,
            reg::IMSC => self.imsc,
            reg::RIS => self.ris,
            reg::MIS => self.ris & self.imsc,
            reg::DMACR => self.dmacr,
            offset @ reg::ID_BASE..=0xffc => u32::from(ID_BYTES[((offset - reg::ID_BASE) / 4) as usize]),
            _ => 0, // RAZ
        };
        Ok(u64::from(value))
    }

    fn write(&mut self, access: MmioAccess, value: u64) -> Result<(), MmioFault> {
        let value = value as u32;
        match access.offset & !3 {
            reg::DR => self.transmit(value as u8),
            reg::RSR_ECR => {}
            reg::ILPR => self.ilpr = value & 0xff,
            reg::IBRD => self.ibrd = value & 0xffff,
            reg::FBRD => self.fbrd = value & 0x3f,
            reg::LCR_H => self.lcr_h = value & 0xff,
            reg::CR => self.cr = value & 0xff87,
            reg::IFLS => self.ifls = value & 0x3f,
            reg::IMSC => self.imsc = value & 0x7ff,
            reg::ICR => self.ris &= !value,
            reg::DMACR => self.dmacr = value & 7,
            _ => {} // WI
        }
        self.poll_input();
        Ok(())
    }

    fn irq_asserted(&self) -> bool {
        self.ris & self.imsc != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(offset: u64) -> MmioAccess {
        MmioAccess { offset, size: 4, cpu: 0 }
    }

    #[test]
    fn transmits_to_capture_and_raises_tx_interrupt() {
        let buffer = SharedBuffer::default();
        let mut uart = Pl011::new(TxSink::Capture(buffer.clone()), RxSource::None);
        assert_eq!(uart.read(access(reg::FR)).unwrap(), u64::from(fr::TXFE | fr::RXFE));
        uart.write(access(reg::IMSC), u64::from(int::TX)).unwrap();
        assert!(!uart.irq_asserted());
        uart.write(access(reg::DR), u64::from(b'h')).unwrap();
        uart.write(access(reg::DR), u64::from(b'i')).unwrap();
        assert_eq!(buffer.lock().unwrap().as_slice(), b"hi");
        assert!(uart.irq_asserted());
        uart.write(access(reg::ICR), u64::from(int::TX)).unwrap();
        assert!(!uart.irq_asserted());
    }

    #[test]
    fn receives_from_a_script_through_the_fifo() {
        let mut uart = Pl011::new(TxSink::Capture(Default::default()), RxSource::Buffer(VecDeque::from(b"ab".to_vec())));
        uart.write(access(reg::IMSC), u64::from(int::RX)).unwrap();
        assert!(uart.irq_asserted());
        assert_eq!(uart.read(access(reg::FR)).unwrap() & u64::from(fr::RXFE), 0);
        assert_eq!(uart.read(access(reg::DR)).unwrap(), u64::from(b'a'));
        assert_eq!(uart.read(access(reg::DR)).unwrap(), u64::from(b'b'));
        assert_ne!(uart.read(access(reg::FR)).unwrap() & u64::from(fr::RXFE), 0);
        assert!(!uart.irq_asserted());
    }

    #[test]
    fn identification_and_unknown_offsets() {
        let mut uart = Pl011::new(TxSink::Capture(Default::default()), RxSource::None);
        assert_eq!(uart.read(access(0xfe0)).unwrap(), 0x11);
        assert_eq!(uart.read(access(0xffc)).unwrap(), 0xb1);
        assert_eq!(uart.read(access(0x800)).unwrap(), 0);
        uart.write(access(0x800), 5).unwrap();
        assert_eq!(uart.read(access(reg::CR)).unwrap(), 0x300);
    }
}
