//! PL011 UART output (ARM DDI 0183 "PrimeCell UART (PL011) Technical Reference Manual").
//! Only transmission; QEMU `virt` and HyperSoC both put UART0 at 0x0900_0000.

use core::fmt;

/// UART0 base address (`virt` memory map).
const BASE: usize = 0x0900_0000;
/// UARTDR, data register (PL011 TRM 3.3.1).
const UARTDR: usize = 0x000;
/// UARTFR, flag register (PL011 TRM 3.3.3).
const UARTFR: usize = 0x018;
/// UARTCR, control register (PL011 TRM 3.3.8).
const UARTCR: usize = 0x030;
/// UARTFR.TXFF: transmit FIFO full.
const FR_TXFF: u32 = 1 << 5;
/// UARTCR.UARTEN | UARTCR.TXE | UARTCR.RXE.
const CR_ENABLE: u32 = (1 << 0) | (1 << 8) | (1 << 9);

fn reg(offset: usize) -> *mut u32 {
    (BASE + offset) as *mut u32
}

/// Enables the UART, transmitter and receiver. `_start` calls it before `main`.
pub fn init() {
    // SAFETY: UARTCR of the PL011 in the platform memory map; a 32-bit MMIO write.
    unsafe { reg(UARTCR).write_volatile(CR_ENABLE) }
}

/// Sends one byte, waiting while the transmit FIFO is full.
pub fn putc(byte: u8) {
    // SAFETY: UARTFR and UARTDR of the PL011; 32-bit MMIO accesses.
    unsafe {
        while reg(UARTFR).read_volatile() & FR_TXFF != 0 {}
        reg(UARTDR).write_volatile(u32::from(byte));
    }
}

/// `core::fmt` sink writing to the UART. Newlines are sent as a bare `\n`.
pub struct Uart;

impl fmt::Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(putc);
        Ok(())
    }
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments<'_>) {
    // The UART never fails.
    let _ = fmt::Write::write_fmt(&mut Uart, args);
}

/// Prints to the UART, like `std::print!`.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::uart::_print(format_args!($($arg)*)) };
}

/// Prints a line to the UART, like `std::println!`.
#[macro_export]
macro_rules! println {
    () => { $crate::uart::putc(b'\n') };
    ($($arg:tt)*) => {{ $crate::uart::_print(format_args!($($arg)*)); $crate::uart::putc(b'\n') }};
}
