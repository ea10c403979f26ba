//! The A64 instruction set of ARMv8.0-A as data: a decoder generated at build time from the
//! encoding table in `isa/a64.isa`, the decoded instruction type [`Insn`], the constraints the
//! table cannot express ([`allocated`]), the Advanced SIMD operand layouts ([`simd_operands`])
//! and a disassembler (`Display` for [`Disasm`]).

#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/decoder.rs"));
}

pub mod allocated;
pub mod disasm;

#[cfg(test)]
mod isagen;
pub mod simd_operands;

pub use disasm::Disasm;
pub use generated::{decode_raw, Insn, ENCODINGS, FIELDS};

/// Decodes one instruction word. Unallocated encodings become [`Insn::Undefined`].
#[inline]
pub fn decode(word: u32) -> Insn {
    let insn = decode_raw(word);
    if allocated::is_allocated(&insn) {
        insn
    } else {
        Insn::Undefined { raw: word }
    }
}
