//! Golden tests of the disassembler: expected text produced by GNU objdump 2.40.
