//! The physical console: PL011 UART0 (ARM DDI 0183 "PrimeCell UART (PL011) TRM"), transmit only.
//! Every line goes out under one lock so lines of different cores never interleave.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::sync::SpinLock;

/// UARTDR, data register (PL011 TRM 3.3.1).
const UARTDR: usize = 0x000;
/// UARTFR, flag register (PL011 TRM 3.3.3).
const UARTFR: usize = 0x018;
/// UARTCR, control register (PL011 TRM 3.3.8).
const UARTCR: usize = 0x030;
/// UARTFR.TXFF: transmit FIFO full.
const FR_TXFF: u32 = 1 << 5;
/// UARTCR.UARTEN | TXE | RXE.
const CR_ENABLE: u32 = (1 << 0) | (1 << 8) | (1 << 9);

/// Base of the console UART (from the platform; 0x0900_0000 until discovery).
static BASE: AtomicUsize = AtomicUsize::new(0x0900_0000);
/// Serialises whole lines.
static LOCK: SpinLock<()> = SpinLock::new(());

fn reg(offset: usize) -> *mut u32 {
    (BASE.load(Ordering::Relaxed) + offset) as *mut u32
}

/// Uses the PL011 at `base` and enables it.
pub fn init(base: usize) {
    BASE.store(base, Ordering::Relaxed);
    // SAFETY: UARTCR of the platform's PL011; a 32-bit MMIO write.
    unsafe { reg(UARTCR).write_volatile(CR_ENABLE) }
}

/// Sends one byte, waiting while the transmit FIFO is full.
fn putc(byte: u8) {
    // SAFETY: UARTFR and UARTDR of the PL011; 32-bit MMIO accesses.
    unsafe {
        while reg(UARTFR).read_volatile() & FR_TXFF != 0 {}
        reg(UARTDR).write_volatile(u32::from(byte));
    }
}

/// The raw sink, used with the lock held.
struct Raw;

impl Write for Raw {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(putc);
        Ok(())
    }
}

/// Prints `args` followed by a newline as one unit.
pub fn print_line(args: fmt::Arguments<'_>) {
    let _guard = LOCK.lock();
    let _ = Raw.write_fmt(args);
    putc(b'\n');
}

/// Prints `prefix` then `bytes` (non-printable bytes as `.`) then a newline, as one unit: the
/// line a guest wrote to its emulated UART.
pub fn print_guest_line(prefix: &str, bytes: &[u8]) {
    let _guard = LOCK.lock();
    let _ = Raw.write_str(prefix);
    for &b in bytes {
        putc(if b == b'\t' || (0x20..0x7f).contains(&b) { b } else { b'.' });
    }
    putc(b'\n');
}

/// Prints a line on the physical console, like `std::println!`.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => { $crate::uart::print_line(format_args!($($arg)*)) };
}
