//! The A64 instruction set of ARMv8.0-A as data: a decoder generated at build time from the
//! encoding table in `isa/a64.isa`, the decoded instruction type [`Insn`], the constraints the
//! table cannot express ([`allocated`]), and a disassembler (`Display` for [`Disasm`]).

#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/decoder.rs"));
}

pub mod allocated;
pub mod disasm;

/// Encoding helpers shared by the disassembler and the executor.
pub mod disasm_support {
    pub use crate::disasm::simd_shapes::{element_operand, long_by_element, multi_shape, single_lane};
}
#[cfg(test)]
mod isagen;

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
