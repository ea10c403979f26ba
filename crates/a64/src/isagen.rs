//! Parser, checker and code generator for the declarative encoding tables in `isa/*.isa`.
//!
//! The build script of this crate includes this file (`#[path]`) to generate the decoder; the
//! crate compiles it again under `cfg(test)` so the generator has tests of its own.
//!
//! Table syntax (see `isa/a64.isa`): one encoding per line, `NAME token...`, where tokens spell
//! the word from bit 31 down: fixed bits `0`/`1`, don't-care bits `x`/`-`, or a field
//! `name:width`. `{` and `}` on their own lines delimit a group of deliberately overlapping
//! encodings in priority order. `#` starts a comment.

use std::fmt::{self, Write as _};

/// A named bit field of an encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub lsb: u32,
    pub width: u32,
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub name: String,
    /// Bits that are fixed by the pattern.
    pub mask: u32,
    /// Values of the fixed bits.
    pub value: u32,
    pub fields: Vec<Field>,
    /// Index of the `{ }` group the line belongs to, if any.
    pub group: Option<usize>,
    /// 1-based source line, for error messages and generated docs.
    pub line: usize,
    /// The pattern as written, for generated docs.
    pub pattern: String,
}

/// Errors in an encoding table; each names the offending source line(s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IsaError {
    Syntax { line: usize, msg: String },
    Overlap { first: String, first_line: usize, second: String, second_line: usize },
    Unreachable { name: String, line: usize, by: String },
}

impl fmt::Display for IsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IsaError::Syntax { line, msg } => write!(f, "line {line}: {msg}"),
            IsaError::Overlap { first, first_line, second, second_line } => {
                write!(f, "line {second_line}: {second} overlaps {first} (line {first_line}) outside a group")
            }
            IsaError::Unreachable { name, line, by } => {
                write!(f, "line {line}: {name} is unreachable, every word it matches is taken by {by}")
            }
        }
    }
}

/// Parses a table. Checks syntax only; see [`check`] for overlaps.
pub fn parse(src: &str) -> Result<Vec<Encoding>, IsaError> {
    let mut out = Vec::new();
    let mut group: Option<usize> = None;
    let mut groups = 0;
    for (idx, raw) in src.lines().enumerate() {
        let line = idx + 1;
        let text = raw.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        let syntax = |msg: String| IsaError::Syntax { line, msg };
        if text == "{" {
            if group.is_some() {
                return Err(syntax("nested groups are not supported".into()));
            }
            group = Some(groups);
            groups += 1;
            continue;
        }
        if text == "}" {
            if group.take().is_none() {
                return Err(syntax("`}` without `{`".into()));
            }
            continue;
        }
        let mut tokens = text.split_whitespace();
        let name = tokens.next().unwrap_or_default().to_string();
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || !name.starts_with(|c: char| c.is_ascii_uppercase())
        {
            return Err(syntax(format!("bad encoding name `{name}`")));
        }
        if out.iter().any(|e: &Encoding| e.name == name) {
            return Err(syntax(format!("duplicate encoding name `{name}`")));
        }
        let mut pos: i64 = 32;
        let (mut mask, mut value) = (0u32, 0u32);
        let mut fields: Vec<Field> = Vec::new();
        let pattern: Vec<&str> = tokens.collect();
        for tok in &pattern {
            if let Some((fname, width)) = tok.split_once(':') {
                let width: u32 = width
                    .parse()
                    .ok()
                    .filter(|w| (1..=32).contains(w))
                    .ok_or_else(|| syntax(format!("bad field width in `{tok}`")))?;
                if !fname.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    || fname.is_empty()
                    || fname == "raw"
                {
                    return Err(syntax(format!("bad field name in `{tok}`")));
                }
                if fields.iter().any(|f| f.name == fname) {
                    return Err(syntax(format!("field `{fname}` appears twice")));
                }
                pos -= i64::from(width);
                if pos < 0 {
                    return Err(syntax("pattern is longer than 32 bits".into()));
                }
                fields.push(Field { name: fname.to_string(), lsb: pos as u32, width });
            } else {
                for c in tok.chars() {
                    pos -= 1;
                    if pos < 0 {
                        return Err(syntax("pattern is longer than 32 bits".into()));
                    }
                    match c {
                        '0' => mask |= 1 << pos,
                        '1' => {
                            mask |= 1 << pos;
                            value |= 1 << pos;
                        }
                        'x' | '-' => {}
                        _ => return Err(syntax(format!("bad character `{c}` in `{tok}`"))),
                    }
                }
            }
        }
        if pos != 0 {
            return Err(syntax(format!("pattern spells {} bits, not 32", 32 - pos)));
        }
        out.push(Encoding { name, mask, value, fields, group, line, pattern: pattern.join(" ") });
    }
    if group.is_some() {
        return Err(IsaError::Syntax { line: src.lines().count(), msg: "unclosed group".into() });
    }
    Ok(out)
}

/// Rejects overlapping encodings outside a group, and group members shadowed by an earlier one.
pub fn check(table: &[Encoding]) -> Result<(), IsaError> {
    for (i, a) in table.iter().enumerate() {
        for b in &table[i + 1..] {
            let overlap = (a.value ^ b.value) & a.mask & b.mask == 0;
            if !overlap {
                continue;
            }
            if a.group.is_none() || a.group != b.group {
                return Err(IsaError::Overlap {
                    first: a.name.clone(),
                    first_line: a.line,
                    second: b.name.clone(),
                    second_line: b.line,
                });
            }
            // `a` wins; `b` is dead when `a` fixes no bit that `b` leaves free.
            if a.mask & !b.mask == 0 {
                return Err(IsaError::Unreachable { name: b.name.clone(), line: b.line, by: a.name.clone() });
            }
        }
    }
    Ok(())
}

/// `LDST_imm9_fp` -> `LdstImm9Fp`.
pub fn variant_name(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let lower = part.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn field_type(width: u32) -> &'static str {
    match width {
        0..=8 => "u8",
        9..=16 => "u16",
        _ => "u32",
    }
}

fn field_mask(width: u32) -> u32 {
    if width == 32 {
        u32::MAX
    } else {
        (1 << width) - 1
    }
}

/// Generates the Rust source of the decoder module: the `Insn` enum, `decode_raw`, `Insn::encode`,
/// `Insn::encoding_name` and the `ENCODINGS` and `FIELDS` tables.
pub fn generate(table: &[Encoding], source_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "// @generated by crates/a64/src/isagen.rs from {source_name}. Do not edit.\n");
    let _ = writeln!(s, "/// A decoded A64 instruction: one variant per line of `{source_name}`, with its fields.");
    let _ = writeln!(s, "#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub enum Insn {{");
    for e in table {
        let _ = writeln!(s, "    /// `{}` ({source_name} line {}): `{}`", e.name, e.line, e.pattern);
        let _ = write!(s, "    {} {{", variant_name(&e.name));
        for (i, f) in e.fields.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            let _ = write!(s, "{sep}{}: {}", f.name, field_type(f.width));
        }
        let _ = writeln!(s, " }},");
    }
    let _ = writeln!(s, "    /// An unallocated (or, in this architecture version, unimplemented) encoding.");
    let _ = writeln!(s, "    Undefined {{ raw: u32 }},\n}}\n");

    // The static description of every encoding, for test strategies and tooling.
    let _ = writeln!(s, "/// Every encoding of the table: (name, fixed-bit mask, fixed-bit value).");
    let _ = writeln!(s, "pub const ENCODINGS: &[(&str, u32, u32)] = &[");
    for e in table {
        let _ = writeln!(s, "    ({:?}, {:#010x}, {:#010x}),", e.name, e.mask, e.value);
    }
    let _ = writeln!(s, "];\n");
    let _ = writeln!(s, "/// The named fields of every encoding, parallel to [`ENCODINGS`]: (name, lsb, width).");
    let _ = writeln!(s, "pub const FIELDS: &[&[(&str, u32, u32)]] = &[");
    for e in table {
        let fields: Vec<String> = e.fields.iter().map(|f| format!("({:?}, {}, {})", f.name, f.lsb, f.width)).collect();
        let _ = writeln!(s, "    &[{}],", fields.join(", "));
    }
    let _ = writeln!(s, "];\n");

    // Decoder.
    let _ = writeln!(s, "/// Decodes by the table alone, before the constraints of `allocated.rs`.");
    let _ = writeln!(s, "#[allow(clippy::all, unused_parens)]\npub fn decode_raw(w: u32) -> Insn {{");
    let all: Vec<usize> = (0..table.len()).collect();
    gen_node(table, &all, 0, &mut s, 1);
    let _ = writeln!(s, "}}\n");

    // Encoder and names.
    let _ = writeln!(s, "impl Insn {{");
    let _ = writeln!(s, "    /// Re-encodes the instruction; don't-care bits come out as zero.");
    let _ = writeln!(s, "    #[allow(clippy::all)]\n    pub fn encode(&self) -> u32 {{\n        match *self {{");
    for e in table {
        let names: Vec<&str> = e.fields.iter().map(|f| f.name.as_str()).collect();
        let _ =
            write!(s, "            Insn::{} {{ {} }} => {:#010x}", variant_name(&e.name), names.join(", "), e.value);
        for f in &e.fields {
            let _ = write!(s, " | ((u32::from({}) & {:#x}) << {})", f.name, field_mask(f.width), f.lsb);
        }
        let _ = writeln!(s, ",");
    }
    let _ = writeln!(s, "            Insn::Undefined {{ raw }} => raw,\n        }}\n    }}\n");
    let _ = writeln!(s, "    /// The name of the table line this instruction was decoded by.");
    let _ = writeln!(s, "    pub fn encoding_name(&self) -> &'static str {{\n        match self {{");
    for e in table {
        let _ = writeln!(s, "            Insn::{} {{ .. }} => {:?},", variant_name(&e.name), e.name);
    }
    let _ = writeln!(s, "            Insn::Undefined {{ .. }} => \"UNDEFINED\",\n        }}\n    }}\n}}");
    s
}

fn indent(s: &mut String, depth: usize) {
    for _ in 0..depth {
        s.push_str("    ");
    }
}

/// Emits a decision-tree expression for the encodings `set` (in table order). Leaves always test
/// the full pattern, so the tree only has to route every word to a superset of its candidates.
fn gen_node(table: &[Encoding], set: &[usize], used: u32, s: &mut String, depth: usize) {
    let common = set.iter().fold(u32::MAX, |m, &i| m & table[i].mask) & !used;
    if set.len() > 3 && common != 0 {
        let (lsb, width) = widest_run(common, 8);
        let field = field_mask(width) << lsb;
        let mut keys: Vec<u32> = set.iter().map(|&i| (table[i].value & field) >> lsb).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() == 1 {
            gen_node(table, set, used | field, s, depth);
            return;
        }
        indent(s, depth);
        let _ = writeln!(s, "match (w >> {lsb}) & {:#x} {{", field_mask(width));
        for key in keys {
            let subset: Vec<usize> = set.iter().copied().filter(|&i| (table[i].value & field) >> lsb == key).collect();
            indent(s, depth + 1);
            let _ = writeln!(s, "{key:#x} => {{");
            gen_node(table, &subset, used | field, s, depth + 2);
            indent(s, depth + 1);
            let _ = writeln!(s, "}}");
        }
        indent(s, depth + 1);
        let _ = writeln!(s, "_ => Insn::Undefined {{ raw: w }},");
        indent(s, depth);
        let _ = writeln!(s, "}}");
        return;
    }
    if set.len() > 3 {
        // No bit is fixed by all candidates: split on the bit fixed by the most of them, sending
        // don't-care candidates down both sides.
        let best = (0..32)
            .filter(|b| used & (1 << b) == 0)
            .max_by_key(|b| set.iter().filter(|&&i| table[i].mask & (1 << b) != 0).count());
        if let Some(bit) = best {
            let side = |one: bool| -> Vec<usize> {
                set.iter()
                    .copied()
                    .filter(|&i| {
                        let e = &table[i];
                        e.mask & (1 << bit) == 0 || ((e.value >> bit) & 1 == 1) == one
                    })
                    .collect()
            };
            let (zero, one) = (side(false), side(true));
            if zero.len() < set.len() || one.len() < set.len() {
                indent(s, depth);
                let _ = writeln!(s, "if (w >> {bit}) & 1 == 0 {{");
                gen_node(table, &zero, used | (1 << bit), s, depth + 1);
                indent(s, depth);
                let _ = writeln!(s, "}} else {{");
                gen_node(table, &one, used | (1 << bit), s, depth + 1);
                indent(s, depth);
                let _ = writeln!(s, "}}");
                return;
            }
        }
    }
    // Leaf: test the candidates in priority order.
    for &i in set {
        let e = &table[i];
        indent(s, depth);
        let _ = write!(s, "if w & {:#010x} == {:#010x} {{ Insn::{} {{", e.mask, e.value, variant_name(&e.name));
        for (k, f) in e.fields.iter().enumerate() {
            let sep = if k == 0 { " " } else { ", " };
            let _ = write!(
                s,
                "{sep}{}: ((w >> {}) & {:#x}) as {}",
                f.name,
                f.lsb,
                field_mask(f.width),
                field_type(f.width)
            );
        }
        let _ = writeln!(s, " }} }} else");
    }
    indent(s, depth);
    let _ = writeln!(s, "{{ Insn::Undefined {{ raw: w }} }}");
}

/// The widest run of set bits in `bits` (the highest on ties), at most `max` bits wide.
fn widest_run(bits: u32, max: u32) -> (u32, u32) {
    let mut best = (0, 0);
    let mut b = 0;
    while b < 32 {
        if bits & (1 << b) != 0 {
            let start = b;
            while b < 32 && bits & (1 << b) != 0 {
                b += 1;
            }
            let len = b - start;
            if len >= best.1 {
                best = (start, len);
            }
        } else {
            b += 1;
        }
    }
    let (lsb, len) = best;
    if len > max {
        (lsb + len - max, max)
    } else {
        (lsb, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_fixed_bits() {
        let t = parse("ADD  sf:1 0011 x 1010101010101010101010 rd:4\n").unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].fields[0], Field { name: "sf".into(), lsb: 31, width: 1 });
        assert_eq!(t[0].fields[1], Field { name: "rd".into(), lsb: 0, width: 4 });
        assert_eq!(t[0].mask, 0x7bff_fff0);
        assert_eq!(t[0].value & (0xf << 27), 0b0011 << 27);
    }

    #[test]
    fn rejects_wrong_length_and_bad_tokens() {
        assert!(matches!(parse("A 0101\n"), Err(IsaError::Syntax { line: 1, .. })));
        assert!(matches!(parse("\nA imm:33\n"), Err(IsaError::Syntax { line: 2, .. })));
        assert!(matches!(parse("A 2 x:31\n"), Err(IsaError::Syntax { .. })));
        assert!(matches!(parse("A a:16 a:16\n"), Err(IsaError::Syntax { .. })));
        assert!(matches!(parse("{\nA a:32\n"), Err(IsaError::Syntax { .. })));
    }

    #[test]
    fn rejects_overlap_outside_group() {
        let t = parse("A 1 x:31\nB x:1 1 y:30\n").unwrap();
        let err = check(&t).unwrap_err();
        assert!(matches!(err, IsaError::Overlap { ref first, ref second, .. } if first == "A" && second == "B"));
        assert!(err.to_string().contains("line 2"));
    }

    #[test]
    fn accepts_overlap_inside_group_and_rejects_shadowed_member() {
        let ok = parse("{\nA 11 x:30\nB 1 y:31\n}\n").unwrap();
        check(&ok).unwrap();
        let dead = parse("{\nA 1 x:31\nB 11 y:30\n}\n").unwrap();
        assert!(matches!(check(&dead), Err(IsaError::Unreachable { .. })));
    }

    #[test]
    fn disjoint_patterns_pass() {
        let t = parse("A 0 x:31\nB 1 y:31\n").unwrap();
        check(&t).unwrap();
    }

    #[test]
    fn names_become_camel_case() {
        assert_eq!(variant_name("LDST_imm9_fp"), "LdstImm9Fp");
        assert_eq!(variant_name("ADR"), "Adr");
    }

    #[test]
    fn widest_run_prefers_longest_then_highest() {
        assert_eq!(widest_run(0b1111_0011, 8), (4, 4));
        assert_eq!(widest_run(0xffff_0000, 8), (24, 8));
    }

    #[test]
    fn generated_code_mentions_every_encoding() {
        let t = parse("A 0 x:31\n{\nB 11 y:30\nC 1 z:31\n}\n").unwrap();
        let code = generate(&t, "t.isa");
        for v in ["Insn::A {", "Insn::B {", "Insn::C {", "pub fn decode_raw"] {
            assert!(code.contains(v), "{v} missing");
        }
        // B must be tested before C (group priority).
        assert!(code.find("Insn::B { y").unwrap() < code.find("Insn::C { z").unwrap());
    }

    #[test]
    fn the_a64_table_is_consistent() {
        let src = include_str!("../../../isa/a64.isa");
        let t = parse(src).unwrap();
        check(&t).unwrap();
        assert!(t.len() > 50);
    }
}
