//! Operand layouts of the Advanced SIMD encodings that both the disassembler and the executor
//! need (C4.1.4, C4.1.6): structure load/store shapes, single-lane indices and by-element
//! operands.

/// (repetitions, structure elements) of a load/store multiple structures opcode.
pub fn multi_shape(opcode: u8) -> (u8, u8) {
    match opcode {
        0 => (1, 4),
        2 => (4, 1),
        4 => (1, 3),
        6 => (3, 1),
        7 => (1, 1),
        8 => (1, 2),
        _ => (2, 1),
    }
}

/// (log2 of the element bytes, lane index) of a single-structure lane access with
/// opcode<2:1> = `kind` (C4.1.4).
pub fn single_lane(q: u8, kind: u8, s: u8, size: u8) -> (u8, u8) {
    match kind {
        0 => (0, (q << 3) | (s << 2) | size),
        1 => (1, (q << 2) | (s << 1) | (size >> 1)),
        _ if size & 1 == 0 => (2, (q << 1) | s),
        _ => (3, q),
    }
}

/// The (index, register) of a by-element operand (C4.1.6): halfwords take H:L:M and v0-v15,
/// words H:L and M:Rm, doublewords H and M:Rm.
pub fn element_operand(size: u8, l: u8, m: u8, rm: u8, h: u8) -> (u32, u8) {
    match size & 1 {
        1 if size == 1 => (u32::from((h << 2) | (l << 1) | m), rm),
        1 => (u32::from(h), (m << 4) | rm),
        _ => (u32::from((h << 1) | l), (m << 4) | rm),
    }
}

/// The three-different opcode of a long by-element opcode (S/UMLAL, SQDMLAL, S/UMLSL,
/// SQDMLSL, S/UMULL, SQDMULL).
pub fn long_by_element(opcode: u8) -> u8 {
    match opcode {
        2 => 8,
        3 => 9,
        6 => 10,
        7 => 11,
        10 => 12,
        _ => 13,
    }
}
