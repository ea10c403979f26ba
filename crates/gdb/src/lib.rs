//! The gdb remote stub of HyperSoC (work in progress on the `gdb` branch).
