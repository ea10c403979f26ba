//! Differential test of the disassembler against GNU objdump (the oracle).
//!
//! For every line of `isa/a64.isa` it draws random words matching the line's fixed bits (biased
//! towards all-zero and all-one fields, where the aliases live), plus random words from the
//! whole non-SIMD encoding space, disassembles them with `aarch64-linux-gnu-objdump -D -z -b binary
//! -m aarch64` and with [`a64::Disasm`], and compares the text after normalizing objdump's layout
//! (see [`normalize`]). Differences with a known cause (an extension after ARMv8.0, which objdump
//! decodes and we do not) are counted per cause; any other difference fails the test.
//!
//! Ignored by default because it needs binutils: run it with
//! `cargo test -p a64 --test objdump_diff -- --ignored --nocapture`.
//! `A64_DIFF_SAMPLES` (default 3000) sets the words per table line, `A64_DIFF_SEED` the seed,
//! `A64_OBJDUMP` the objdump binary.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::Command;

use a64::{decode, Disasm, Insn, ENCODINGS};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A random word, sometimes sparse or dense so that 0 and 31 register fields and zero
    /// immediates are common.
    fn word(&mut self) -> u32 {
        let r = self.next() as u32;
        match self.next() % 4 {
            0 => r & self.next() as u32 & self.next() as u32,
            1 => r | self.next() as u32 | self.next() as u32,
            _ => r,
        }
    }
}

/// objdump's line text as we print it: the comment (`\t// ...`) and `<symbol>` references
/// dropped, the tab after the mnemonic turned into one space, trailing blanks trimmed (objdump
/// pads some immediates, e.g. `mov w0, #0x1                  \t// #1`).
fn normalize(text: &str) -> String {
    let text = text.split("\t//").next().unwrap_or("");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" <") {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.replace('\t', " ").trim_end().to_string()
}

/// Runs objdump over `words` placed at `base` and returns its normalized text per word.
fn objdump(objdump: &str, words: &[u32], base: u64) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("a64-objdump-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join("words.bin");
    let mut f = std::fs::File::create(&path).expect("create words.bin");
    for w in words {
        f.write_all(&w.to_le_bytes()).expect("write words.bin");
    }
    drop(f);
    let out = Command::new(objdump)
        .args(["-D", "-z", "-b", "binary", "-m", "aarch64", &format!("--adjust-vma={base:#x}")])
        .arg(&path)
        .output()
        .expect("run objdump");
    assert!(out.status.success(), "objdump failed: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).expect("objdump prints UTF-8");
    let mut texts = vec![String::new(); words.len()];
    for line in stdout.lines() {
        let Some((addr, rest)) = line.split_once(":\t") else {
            continue;
        };
        let Ok(addr) = u64::from_str_radix(addr.trim(), 16) else {
            continue;
        };
        let Some((_, text)) = rest.split_once(" \t") else {
            continue;
        };
        let i = (addr.wrapping_sub(base) / 4) as usize;
        if i < texts.len() {
            texts[i] = normalize(text);
        }
    }
    texts
}

/// The cause of a difference that is expected: objdump decodes encodings from extensions after
/// ARMv8.0-A, which our decoder calls undefined or prints in their ARMv8.0 form.
fn known_difference(word: u32, ours: &str, theirs: &str) -> Option<&'static str> {
    let insn = decode(word);
    let undefined = matches!(insn, Insn::Undefined { .. });
    if theirs.starts_with(".inst") {
        return None;
    }
    if undefined {
        return post_v80_encoding(word);
    }
    match insn {
        // HINT space: PAC, BTI, ESB, PSB, TSB, CSDB, DGH, CLRBHB... (ARMv8.2+).
        Insn::Hint { .. } if ours.starts_with("hint #") => Some("hint named by a later extension"),
        // System registers and SYS operations of later extensions.
        Insn::Mrs { .. } | Insn::MsrReg { .. } if ours.contains(" s2_") || ours.contains(" s3_") => {
            Some("system register of a later extension (or trace unit)")
        }
        Insn::Mrs { .. } | Insn::MsrReg { .. } if ours.ends_with(", s3_") || ours.contains(", s2_") => {
            Some("system register of a later extension (or trace unit)")
        }
        Insn::Sys { .. } if ours.starts_with("sys ") => Some("SYS operation of a later extension"),
        _ => None,
    }
}

/// Later-extension encodings objdump knows and our ARMv8.0-A decoder rejects.
fn post_v80_encoding(word: u32) -> Option<&'static str> {
    let _ = word;
    None
}

#[test]
#[ignore = "needs aarch64-linux-gnu-objdump; run with --ignored"]
fn agrees_with_objdump() {
    let tool = std::env::var("A64_OBJDUMP").unwrap_or_else(|_| "aarch64-linux-gnu-objdump".into());
    if Command::new(&tool).arg("--version").output().is_err() {
        eprintln!("skipping: {tool} not found");
        return;
    }
    let samples: usize = std::env::var("A64_DIFF_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(3000);
    let seed: u64 = std::env::var("A64_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_a64d);
    let mut rng = Rng(seed | 1);

    let mut sets: Vec<(String, Vec<u32>)> = ENCODINGS
        .iter()
        .map(|&(name, mask, value)| (name.to_string(), (0..samples).map(|_| (rng.word() & !mask) | value).collect()))
        .collect();
    // The whole encoding space outside SIMD&FP data processing (op0<28:25> = x111): words
    // objdump decodes and we call undefined show up here.
    let space = (0..samples * 8).map(|_| rng.word()).filter(|w| (w >> 25) & 7 != 7).collect();
    sets.push(("(random non-SIMD words)".to_string(), space));

    let (mut total, mut agree) = (0usize, 0usize);
    let mut known: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (n, (name, words)) in sets.iter().enumerate() {
        let base = if n % 2 == 0 { 0x1000 } else { 0xffff_0000_0800_0000 };
        let theirs = objdump(&tool, words, base);
        let mut line_agree = 0;
        for (i, (&word, theirs)) in words.iter().zip(&theirs).enumerate() {
            let pc = base + 4 * i as u64;
            let ours = Disasm::new(word, pc).to_string();
            total += 1;
            if ours == *theirs {
                agree += 1;
                line_agree += 1;
            } else if let Some(cause) = known_difference(word, &ours, theirs) {
                *known.entry(cause).or_default() += 1;
            } else {
                let key = format!("{name} / {:?}", std::mem::discriminant(&decode(word)));
                let v = unexplained.entry(key).or_default();
                if v.len() < 6 {
                    v.push(format!("{word:#010x} @ {pc:#x}: ours `{ours}`, objdump `{theirs}`"));
                }
            }
        }
        println!("{name:>24}: {line_agree}/{} identical", words.len());
    }
    println!("\nidentical: {agree}/{total} ({:.3}%)", 100.0 * agree as f64 / total as f64);
    for (cause, count) in &known {
        println!("known difference: {count:>6}  {cause}");
    }
    for (key, examples) in &unexplained {
        println!("UNEXPLAINED {key}");
        for e in examples {
            println!("    {e}");
        }
    }
    assert!(unexplained.is_empty(), "{} kinds of unexplained differences", unexplained.len());
}
