//! Differential test of the disassembler against GNU objdump (the oracle).
//!
//! For every line of `isa/a64.isa` it draws random words matching the line's fixed bits (biased
//! towards all-zero and all-one fields, where the aliases live), adds random words from the whole
//! encoding space and every word of the system-instruction space
//! (with Rt = 31 and one other register), disassembles them with `aarch64-linux-gnu-objdump -D -z
//! -b binary -m aarch64` and with [`a64::Disasm`], and compares the text after normalizing
//! objdump's layout (see [`normalize`]). Differences with a known cause (an extension after
//! ARMv8.0, which objdump decodes and we do not) are counted per cause; any other difference
//! fails the test.
//!
//! Without binutils the test prints a `SKIP:` line and passes, unless `HYPERSOC_REQUIRE_ORACLES=1`.
//! `cargo test -p a64 --test objdump_diff -- --nocapture` shows the tally.
//! `A64_DIFF_SAMPLES` (default 5000) sets the random words per table line, `A64_DIFF_SEED` the
//! seed, `A64_OBJDUMP` the objdump binary.

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

/// objdump's line text as we print it: the comment (`\t// #1`, `  // b.any`) and `<symbol>`
/// references dropped, the tab after the mnemonic turned into one space, trailing blanks trimmed
/// (objdump pads some immediates, e.g. `mov w0, #0x1                  \t// #1`).
fn normalize(text: &str) -> String {
    let text = text.split("//").next().unwrap_or("");
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
    let _ = std::fs::remove_dir_all(&dir);
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
    if theirs.starts_with(".inst") || theirs.starts_with("udf") {
        return None;
    }
    let same_mnemonic = ours.split(' ').next() == theirs.split(' ').next();
    match decode(word) {
        Insn::Undefined { .. } if (word >> 25) & 7 == 7 && later_simd(theirs) => {
            Some("Advanced SIMD of a later extension (RDM, FCMA, DotProd, I8MM, BF16, SHA3, SM3/SM4)")
        }
        Insn::Undefined { .. } if (word >> 25) & 7 == 7 && later_fp(theirs) => {
            Some("FP of a later extension (FP16 arithmetic, FJCVTZS, FRINT32/64, BFCVT)")
        }
        // objdump's generic `msr s0_...` is ours too: a difference there is no extension.
        Insn::Undefined { .. } if !theirs.contains(" s0_") => outside_the_table(word),
        // HINT space: PAC, BTI, ESB, PSB, TSB, CSDB, CLRBHB... (ARMv8.2+).
        Insn::Hint { .. } if ours.starts_with("hint #") => Some("HINT named by a later extension"),
        // System registers of later extensions, and of the trace unit (ETM), by name.
        Insn::Mrs { .. } | Insn::MsrReg { .. } if same_mnemonic && (ours.contains("s2_") || ours.contains("s3_")) => {
            Some("system register of a later extension or of the trace unit")
        }
        // DC/IC/AT/TLBI operations of later extensions (ARMv8.2 DC CVAP, ARMv8.4 TLBI ...OS and
        // range TLBIs, ARMv8.5 MTE DC ...G..., predication restriction CFP/DVP/CPP...).
        Insn::Sys { .. } if ours.starts_with("sys ") => Some("SYS operation of a later extension"),
        _ => None,
    }
}

/// Whether objdump's text names an Advanced SIMD instruction after ARMv8.0.
fn later_simd(theirs: &str) -> bool {
    const LATER: &[&str] = &[
        "sqrdmlah",
        "sqrdmlsh",
        "fcmla",
        "fcadd",
        "sdot",
        "udot",
        "usdot",
        "sudot",
        "bfdot",
        "bfmlalb",
        "bfmlalt",
        "bfmmla",
        "bfcvtn",
        "bfcvtn2",
        "smmla",
        "ummla",
        "usmmla",
        "eor3",
        "bcax",
        "rax1",
        "xar",
        "sha512h",
        "sha512h2",
        "sha512su0",
        "sha512su1",
        "sm3ss1",
        "sm3tt1a",
        "sm3tt1b",
        "sm3tt2a",
        "sm3tt2b",
        "sm3partw1",
        "sm3partw2",
        "sm4e",
        "sm4ekey",
    ];
    LATER.contains(&theirs.split(' ').next().unwrap_or(""))
}

/// Whether objdump's text for an FP word is an instruction after ARMv8.0: a half-precision
/// operand (`h3`, `v3.2h`, `v3.4h`, `v3.8h`) of an FP instruction other than FCVT (ARMv8.2 FP16,
/// FHM), or
/// FJCVTZS (8.3), FRINT32/64 (8.5), BFCVT (8.6).
fn later_fp(theirs: &str) -> bool {
    let mut tokens = theirs.split([' ', ',']).filter(|t| !t.is_empty());
    let mnemonic = tokens.next().unwrap_or("");
    // FP mnemonics all have an `f` (fadd, scvtf, ...); integer ones with `.8h` operands do not.
    let half = mnemonic.contains('f')
        && tokens.any(|t| {
            (t.len() > 1 && t.starts_with('h') && t[1..].bytes().all(|b| b.is_ascii_digit()))
                || t.ends_with(".2h")
                || t.ends_with(".4h")
                || t.ends_with(".8h")
        });
    (half && mnemonic != "fcvt")
        || mnemonic.starts_with("frint32")
        || mnemonic.starts_with("frint64")
        || matches!(mnemonic, "fjcvtzs" | "bfcvt")
}

/// Encoding classes (DDI 0487, C4.1) that objdump decodes and the table (ARMv8.0-A with CRC32
/// and the Crypto extension) does not: `(mask, value, what)`.
#[rustfmt::skip]
const OUTSIDE_THE_TABLE: &[(u32, u32, &str)] = &[
    (0x1e00_0000, 0x0400_0000, "SVE (op0 = x0010)"),
    (0x9e00_0000, 0x8000_0000, "SME (op0 = 1x0000)"),
    (0x3b20_0c00, 0x3820_0000, "atomic memory operations: LSE, RCPC LDAPR, LS64 (ARMv8.1+)"),
    (0x3fa0_0000, 0x08a0_0000, "CAS (ARMv8.1 LSE)"),
    (0xbfa0_0000, 0x0820_0000, "CASP (ARMv8.1 LSE)"),
    (0x3fa0_8000, 0x0880_0000, "LDLAR/STLLR (ARMv8.1 LOR)"),
    (0x3f20_0c00, 0x1900_0000, "LDAPUR/STLUR (ARMv8.4 RCPC2)"),
    (0x3b20_0c00, 0x1900_0400, "CPY/SET (ARMv8.8 MOPS)"),
    (0xff20_0000, 0xd920_0000, "tag loads and stores (ARMv8.5 MTE)"),
    (0xfe40_0000, 0x6800_0000, "STGP (ARMv8.5 MTE)"),
    (0xbfc0_0000, 0x9180_0000, "ADDG/SUBG (ARMv8.5 MTE)"),
    (0xff20_0400, 0xf820_0400, "LDRAA/LDRAB (ARMv8.3 PAuth)"),
    (0xfe1f_f800, 0xd61f_0800, "BRAA/BLRAA/RETAA/ERETAA... (ARMv8.3 PAuth)"),
    (0xff00_0010, 0x5400_0010, "BC.cond (ARMv8.8 HBC)"),
    (0xffe0_001f, 0xd460_0000, "TCANCEL (TME)"),
    (0x1fc0_0000, 0x11c0_0000, "min/max (immediate) (ARMv8.9 CSSC)"),
    (0x7fe0_0000, 0x5ac0_0000, "data-processing (1 source): PAuth, CSSC (ARMv8.3+)"),
    (0x5fe0_0000, 0x1ac0_0000, "data-processing (2 source): PACGA, MTE, CSSC (ARMv8.3+)"),
    (0x1fe0_0000, 0x1a00_0000, "RMIF/SETF8/SETF16 (ARMv8.4 FlagM)"),
    // The rest of op0 = 0b00 prints as a generic MSR/MRS, except what later extensions name:
    // CFINV, XAFLAG, MSR UAO/PAN/DIT/SSBS/TCO/ALLINT/SVCR..., SB, DSB nXS, WFET/WFIT, TME.
    (0xffd8_0000, 0xd500_0000, "system instruction or PSTATE field of a later extension"),
];

/// The later-extension class of a word our decoder rejects.
fn outside_the_table(word: u32) -> Option<&'static str> {
    OUTSIDE_THE_TABLE.iter().find(|&&(mask, value, _)| word & mask == value).map(|&(.., what)| what)
}

/// Whether oracle tests must run (CI) rather than skip when the oracle is missing.
fn oracles_required() -> bool {
    std::env::var("HYPERSOC_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

#[test]
fn agrees_with_objdump() {
    let tool = std::env::var("A64_OBJDUMP").unwrap_or_else(|_| "aarch64-linux-gnu-objdump".into());
    if Command::new(&tool).arg("--version").output().is_err() {
        assert!(!oracles_required(), "HYPERSOC_REQUIRE_ORACLES=1 but {tool} is not installed");
        println!("SKIP: {tool} not found; install binutils-aarch64-linux-gnu to compare with objdump");
        return;
    }
    let samples: usize = std::env::var("A64_DIFF_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(5000);
    let seed: u64 = std::env::var("A64_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_a64d);
    let mut rng = Rng(seed | 1);

    let mut sets: Vec<(String, Vec<u32>)> = ENCODINGS
        .iter()
        .map(|&(name, mask, value)| (name.to_string(), (0..samples).map(|_| (rng.word() & !mask) | value).collect()))
        .collect();
    // The whole encoding space: words objdump decodes and we call undefined show up here.
    let space = (0..samples * 8).map(|_| rng.word()).collect();
    sets.push(("(random words)".to_string(), space));
    // Every system instruction (L, op0, op1, CRn, CRm, op2 in bits 21..5), with Rt = 31 and Rt = 1
    // or 2: hints, barriers, PSTATE, SYS aliases and every system register name.
    let system = (0..1u32 << 18).map(|i| 0xd500_0000 | ((i >> 1) << 5) | if i & 1 == 1 { 31 } else { 1 + (i & 2) / 2 });
    sets.push(("(system space)".to_string(), system.collect()));

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
                let key = format!("{name} / {}", decode(word).encoding_name());
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
