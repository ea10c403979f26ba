//! HyperSoC
