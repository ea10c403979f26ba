//! The emulated PL011 of a VM (ARM DDI 0183 "PL011 TRM" 3.2, register summary): transmit only.
//! Every guest access to its UART IPA is a stage-2 translation fault with a valid syndrome;
//! writes to UARTDR collect a line that goes to the physical console prefixed with
//! `[vm-name] `. Receive is absent (UARTFR.RXFE = 1); other registers read as written or as
//! the PL011's reset value; the identification registers read as a PL011.

/// Register offsets (PL011 TRM table 3-1).
const UARTDR: u64 = 0x000;
const UARTFR: u64 = 0x018;
const UARTIBRD: u64 = 0x024;
const UARTFBRD: u64 = 0x028;
const UARTLCR_H: u64 = 0x02c;
const UARTCR: u64 = 0x030;
const UARTIFLS: u64 = 0x034;
const UARTIMSC: u64 = 0x038;
/// UARTFR: TXFE (bit 7) and RXFE (bit 4): transmit FIFO empty, receive FIFO empty.
const FR_IDLE: u32 = (1 << 7) | (1 << 4);
/// UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0..0xFFC (TRM 3.3.14-3.3.15).
const ID: [u32; 8] = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
/// Longest line before it is flushed without a newline.
const LINE: usize = 200;

/// State of one emulated PL011.
pub struct Vuart {
    /// `[name] `, the prefix of the VM's lines on the physical console.
    prefix: [u8; 20],
    prefix_len: usize,
    line: [u8; LINE],
    len: usize,
    cr: u32,
    lcr_h: u32,
    ibrd: u32,
    fbrd: u32,
    imsc: u32,
    ifls: u32,
}

impl Vuart {
    pub const fn new() -> Vuart {
        Vuart {
            prefix: [0; 20],
            prefix_len: 0,
            line: [0; LINE],
            len: 0,
            cr: 0x300,
            lcr_h: 0,
            ibrd: 0,
            fbrd: 0,
            imsc: 0,
            ifls: 0x12,
        }
    }

    /// Resets the UART for VM `name`.
    pub fn reset(&mut self, name: &str) {
        *self = Vuart::new();
        let n = name.len().min(16);
        self.prefix[0] = b'[';
        self.prefix[1..1 + n].copy_from_slice(&name.as_bytes()[..n]);
        self.prefix[1 + n] = b']';
        self.prefix[2 + n] = b' ';
        self.prefix_len = 3 + n;
    }

    /// The console prefix of the VM's lines.
    pub fn prefix(&self) -> &str {
        core::str::from_utf8(&self.prefix[..self.prefix_len]).unwrap_or("")
    }

    /// A guest read of the register at `offset`.
    pub fn read(&self, offset: u64) -> u32 {
        match offset {
            UARTFR => FR_IDLE,
            UARTCR => self.cr,
            UARTLCR_H => self.lcr_h,
            UARTIBRD => self.ibrd,
            UARTFBRD => self.fbrd,
            UARTIMSC => self.imsc,
            UARTIFLS => self.ifls,
            0xfe0..=0xffc => ID[((offset - 0xfe0) / 4) as usize],
            _ => 0,
        }
    }

    /// A guest write; a completed line goes to the physical console.
    pub fn write(&mut self, offset: u64, value: u32) {
        let out = |line: &[u8]| crate::uart::print_guest_line(self_prefix(&self.prefix, self.prefix_len), line);
        match offset {
            UARTDR => {
                let byte = value as u8;
                if byte == b'\n' {
                    out(&self.line[..self.len]);
                    self.len = 0;
                } else if byte != b'\r' {
                    self.line[self.len] = byte;
                    self.len += 1;
                    if self.len == LINE {
                        out(&self.line[..self.len]);
                        self.len = 0;
                    }
                }
            }
            UARTCR => self.cr = value & 0xffff,
            UARTLCR_H => self.lcr_h = value & 0xff,
            UARTIBRD => self.ibrd = value & 0xffff,
            UARTFBRD => self.fbrd = value & 0x3f,
            UARTIMSC => self.imsc = value & 0x7ff,
            UARTIFLS => self.ifls = value & 0x3f,
            _ => {}
        }
    }

    /// Prints the text still waiting for a newline (when the VM stops).
    pub fn flush(&mut self) {
        if self.len > 0 {
            crate::uart::print_guest_line(self.prefix(), &self.line[..self.len]);
            self.len = 0;
        }
    }
}

fn self_prefix(prefix: &[u8; 20], len: usize) -> &str {
    core::str::from_utf8(&prefix[..len]).unwrap_or("")
}
