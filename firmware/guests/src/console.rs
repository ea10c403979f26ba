//! Console output. [`println!`] formats a line and writes it to the VM's emulated PL011 at IPA
//! 0x0900_0000 one byte at a time (each write is a stage-2 trap the hypervisor emulates);
//! [`hprintln!`] sends the whole line with one CONSOLE_WRITE hypercall, which is atomic, so
//! several vCPUs can print without a lock.

use core::fmt::{self, Write};

/// UART0 IPA in every VM (its `pl011` device).
const UART: usize = 0x0900_0000;
/// UARTDR (PL011 TRM 3.3.1), UARTFR (3.3.3) and UARTFR.TXFF.
const UARTDR: usize = 0x000;
const UARTFR: usize = 0x018;
const FR_TXFF: u32 = 1 << 5;

/// One line being formatted.
pub struct LineBuf {
    buf: [u8; 200],
    len: usize,
}

impl LineBuf {
    pub const fn new() -> Self {
        LineBuf { buf: [0; 200], len: 0 }
    }
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for LineBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for LineBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Writes one byte to the emulated PL011.
pub fn putc(byte: u8) {
    // SAFETY: the VM's PL011 window; 32-bit accesses the hypervisor emulates.
    unsafe {
        while ((UART + UARTFR) as *const u32).read_volatile() & FR_TXFF != 0 {}
        ((UART + UARTDR) as *mut u32).write_volatile(u32::from(byte));
    }
}

#[doc(hidden)]
pub fn _println(args: fmt::Arguments<'_>) {
    let mut line = LineBuf::new();
    let _ = line.write_fmt(args);
    line.bytes().iter().copied().for_each(putc);
    putc(b'\n');
}

#[doc(hidden)]
pub fn _hprintln(args: fmt::Arguments<'_>) {
    let mut line = LineBuf::new();
    let _ = line.write_fmt(args);
    crate::hvc::console_write(line.bytes());
}

/// Prints a line on the VM's emulated PL011.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => { $crate::console::_println(format_args!($($arg)*)) };
}

/// Prints a line with the CONSOLE_WRITE hypercall.
#[macro_export]
macro_rules! hprintln {
    ($($arg:tt)*) => { $crate::console::_hprintln(format_args!($($arg)*)) };
}
