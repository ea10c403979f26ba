//! User-level conformance: random instructions from the `isa/a64.isa` tables, from random
//! register state, executed on HyperSoC and on QEMU user mode (`qemu-aarch64 -cpu cortex-a57`,
//! the independent oracle), with every general-purpose and SIMD&FP register, SP, NZCV, FPSR,
//! where execution went, and a 1 KiB data area compared.
//!
//! # Design
//!
//! * **Generation** (`conformance/gen.rs`): proptest strategies, run from a fixed seed by a
//!   `TestRunner`, draw an encoding line uniformly, its fields weighted toward edge values
//!   (register 31 and 0, immediates 0, 1, all ones, top bit), and the state: X0..X30 with
//!   integer edges (0, ±1, INT_MIN/INT_MAX of every width), SP, NZCV, FPCR (rounding mode,
//!   FZ, DN, AHP), FPSR (QC and the cumulative flags), V0..V31 with lanes of floating-point
//!   specials (±0, ±inf, quiet and signalling NaNs with payloads, denormals, normal and
//!   integer-conversion edges) and integer saturation edges. Each draw is fitted to the
//!   harness: branches aim at the landing pads, load/store base registers into the data area,
//!   MRS/MSR mostly at NZCV/FPCR/FPSR, SYS mostly at the cache maintenance EL0 may use (DC ZVA,
//!   CVAC, CVAU, CIVAC, IC IVAU), should-be-one fields mostly all ones, and the operation fields
//!   of the FP, Advanced SIMD and Crypto lines mostly at allocated values (so that few of their
//!   cases are UNDEFINED).
//! * **HyperSoC** (`conformance/hypersoc.rs`): in process, a `Cpu` at EL0 with SCTLR_EL1 and
//!   MDSCR_EL1 as Linux sets them, RAM = the file part of the QEMU program at the same address, one instruction.
//!   Cases that raise UNDEFINED, a trapped system register access or a data Alignment fault
//!   are kept: Linux turns them into SIGILL and SIGBUS, and QEMU must raise that signal at the
//!   same instruction (so an encoding HyperSoC wrongly rejects is a divergence). Cases that
//!   take any other exception, stop the core (WFI/WFE/YIELD) or branch off the pads are
//!   skipped: QEMU does not run them.
//!   A skipped case keeps its slot in the program with a NOP, so the layout (and every
//!   PC-relative result) is the same in both runs.
//! * **QEMU** (`conformance/program.rs`): one static ELF written byte by byte (ELF header + one
//!   PT_LOAD), holding all cases; per case it restores the data area, loads the state, executes
//!   the word and stores the state to an output record, which it writes to stdout at the end.
//!   Signal handlers (on an alternate stack) turn SIGILL/SIGSEGV/SIGBUS/SIGTRAP/SIGFPE into a
//!   recorded "signal" landing and go on with the next case, so an instruction QEMU rejects
//!   shows up as a divergence instead of killing the run.
//!
//! # Exclusions
//!
//! * Lines never drawn (`gen::EXCLUDED_LINES`): SVC, HVC, SMC, BRK, HLT, ERET: always an
//!   exception at EL0 (SVC would be a real Linux system call under QEMU).
//! * CONSTRAINED UNPREDICTABLE operands (`gen::not_comparable`): load/store writeback with
//!   Rt == Rn, load pairs with Rt == Rt2, store-exclusive status register overlapping, where QEMU
//!   and HyperSoC may legitimately choose differently. MRS/MSR of TPIDR_EL0, which the harness
//!   uses to save X0.
//! * MRS of the ID register space at EL0: UNDEFINED on HyperSoC (ARMv8.0), emulated by Linux
//!   and QEMU's user mode. MRS/MSR of the generic timer: Linux opens the counter to EL0 and
//!   its value is time.
//! * A store-exclusive without a reservation to an unaligned address: the ARM ARM checks
//!   alignment first (an Alignment fault), QEMU the monitor (the store fails); `armarm` covers it.
//! * Translation and permission faults (QEMU's process maps more than HyperSoC's RAM) and SP
//!   alignment faults (QEMU does not check SP alignment) on HyperSoC at EL0: exception entry is
//!   covered by the firmware oracle tests instead. Each case starts with the exclusive monitor
//!   open (CLREX in QEMU, a fresh core in HyperSoC): a lone store-exclusive fails, and a third of
//!   the LDXR/LDXP cases are followed by the matching STXR/STXP (tallied as `LDXR+ST`), which
//!   succeeds.
//! * FPSR bits 31:28 (the AArch32 comparison flags) are neither set in the input nor compared:
//!   they are RES0 on HyperSoC, which has no AArch32, but QEMU's Cortex-A57 has AArch32 and keeps
//!   what an MSR writes there.
//! * Branch targets other than the pads (BR/BLR/RET to a random register value).
//! * The program sits above 4 GiB so that no 32-bit register value reaches it: a store into a
//!   later case's setup code would change what QEMU executes but not what HyperSoC does (it
//!   only runs the word under test). Stores elsewhere in the image are symmetric.
//!
//! # Running
//!
//! A fixed seed in CI; `HYPERSOC_CONFORMANCE_CASES=N` sets the number of cases (default below),
//! `HYPERSOC_CONFORMANCE_SEED` the seed, `HYPERSOC_CONFORMANCE_KEEP=path` keeps the QEMU program
//! (to debug with `qemu-aarch64 -strace -d in_asm`), `HYPERSOC_CONFORMANCE_ONLY=i` runs case `i`
//! alone (in the first slot). Without `qemu-aarch64` the test prints a `SKIP:` line
//! and passes, unless `HYPERSOC_REQUIRE_ORACLES=1`. `cargo test --test conformance --
//! --nocapture` prints the per-line tally.

#[path = "conformance/asm.rs"]
mod asm;
#[path = "conformance/gen.rs"]
mod gen;
#[path = "conformance/hypersoc.rs"]
mod hypersoc;
#[path = "conformance/program.rs"]
mod program;
#[path = "conformance/state.rs"]
mod state;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

use a64::{Disasm, ENCODINGS};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use gen::Case;
use hypersoc::Skip;
use program::Layout;
use state::{Outcome, SCRATCH_SIZE};

/// Cases per run unless `HYPERSOC_CONFORMANCE_CASES` says otherwise.
const DEFAULT_CASES: usize = 40_000;
const DEFAULT_SEED: u64 = 0x5eed_c0f0_a64a_64a6;
/// NOP (C6.2 HINT #0), put where a case is skipped and in an unused second slot.
pub const NOP: u32 = 0xd503_201f;

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

fn oracles_required() -> bool {
    std::env::var("HYPERSOC_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

/// The initial contents of the data area: a fixed byte pattern with FP specials in it.
fn pristine() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..SCRATCH_SIZE).map(|i| (i as u32).wrapping_mul(0x9e37_79b1).to_le_bytes()[3]).collect();
    let specials: [u64; 4] =
        [0x7ff0_0000_0000_0001, 0x8000_0000_0000_0000, 0x7fc0_0000_ff80_0000, 0x0000_0001_0000_0001];
    for (k, s) in specials.iter().enumerate() {
        let at = 512 + 8 * k;
        bytes[at..at + 8].copy_from_slice(&s.to_le_bytes());
    }
    bytes
}

/// Draws `count` cases from the strategies with a fixed seed.
fn draw_cases(count: usize, seed: u64, layout: &Layout) -> Vec<Case> {
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = gen::draw_strategy();
    (0..count)
        .map(|i| {
            let draw = strategy.new_tree(&mut runner).expect("strategy draws").current();
            gen::fit(&draw, layout, i)
        })
        .collect()
}

/// Per-line counts for the tally.
#[derive(Default)]
struct Tally {
    run: usize,
    agree: usize,
    /// Of `agree`, the cases where both raised the same signal.
    signals: usize,
    skipped: BTreeMap<String, usize>,
}

fn run_qemu(elf: &[u8]) -> Result<Vec<u8>, String> {
    let dir = std::env::temp_dir().join(format!("hypersoc-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("cases.elf");
    std::fs::File::create(&path).and_then(|mut f| f.write_all(elf)).map_err(|e| e.to_string())?;
    // qemu-aarch64 refuses (on stdout) to run a file without execute permission.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).map_err(|e| e.to_string())?;
    let out = Command::new("qemu-aarch64")
        .args(["-cpu", "cortex-a57"])
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    let out = out?;
    if !out.status.success() {
        let stdout = String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(400)]).into_owned();
        return Err(format!(
            "qemu-aarch64 exited with {}: {}{stdout}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

#[test]
fn agrees_with_qemu_user_mode() {
    if Command::new("qemu-aarch64").arg("--version").output().is_err() {
        assert!(!oracles_required(), "HYPERSOC_REQUIRE_ORACLES=1 but qemu-aarch64 is not installed");
        println!("SKIP: qemu-aarch64 not found; install qemu-user to run the conformance harness");
        return;
    }
    let count = env_number("HYPERSOC_CONFORMANCE_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let seed = env_number("HYPERSOC_CONFORMANCE_SEED").unwrap_or(DEFAULT_SEED);
    let pristine = pristine();
    let mut cases = draw_cases(count, seed, &Layout::new(count));
    // HYPERSOC_CONFORMANCE_ONLY=i keeps case i alone (it moves to the first slot, so only its
    // PC-relative results change), to debug one divergence.
    if let Some(only) = env_number("HYPERSOC_CONFORMANCE_ONLY") {
        let draws = draw_cases(count, seed, &Layout::new(count));
        cases = vec![draws[only as usize].clone()];
    }
    let count = cases.len();
    let layout = Layout::new(count);

    // Pass 1: which cases complete on HyperSoC (faults do not depend on memory contents).
    let mut words: Vec<[u32; 2]> = cases.iter().map(|c| c.words()).collect();
    let states: Vec<_> = cases.iter().map(|c| c.state.clone()).collect();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut skipped = vec![None; count];
    // Cases that take an exception on HyperSoC which Linux turns into a known signal: kept, and
    // QEMU must raise that signal at the same instruction.
    let mut expected_signal: Vec<Option<Outcome>> = vec![None; count];
    for (i, case) in cases.iter().enumerate() {
        if let Some(why) = gen::not_comparable(case) {
            skipped[i] = Some(why.to_string());
        }
    }
    let image = program::build(&layout, &words, &states, &pristine);
    let file_part = &image[..(layout.file_end - program::BASE) as usize];
    let mut platform = hypersoc::UserPlatform::new(file_part, &layout);
    for (i, slot) in skipped.iter_mut().enumerate() {
        if slot.is_some() {
            continue;
        }
        if let Err(skip) = hypersoc::run(&mut platform, &layout, i, cases[i].second.is_some()) {
            if let Skip::Exception { signal: Some(signal), elr, .. } = skip {
                if !lone_store_exclusive_alignment(&cases[i], signal) {
                    expected_signal[i] = Some(Outcome::signal(signal, elr));
                    continue;
                }
            }
            *slot = Some(match skip {
                Skip::Exception { signal: Some(_), .. } => {
                    "unaligned store-exclusive without a reservation".to_string()
                }
                Skip::Exception { ec, .. } => format!("exception EC {ec:#04x}"),
                Skip::Stopped => "stops the core".to_string(),
                Skip::Elsewhere => "branches off the pads".to_string(),
            });
        }
    }
    for (i, why) in skipped.iter().enumerate() {
        if why.is_some() {
            words[i] = [NOP, NOP];
        }
    }

    // Pass 2: the final image on both.
    let image = program::build(&layout, &words, &states, &pristine);
    let file_part = &image[..(layout.file_end - program::BASE) as usize];
    let mut platform = hypersoc::UserPlatform::new(file_part, &layout);
    let ours: Vec<Option<Outcome>> = (0..count)
        .map(|i| {
            if skipped[i].is_some() {
                return None;
            }
            match hypersoc::run(&mut platform, &layout, i, cases[i].second.is_some()) {
                Ok(outcome) => Some(outcome),
                Err(Skip::Exception { signal: Some(signal), elr, .. }) => {
                    let outcome = Outcome::signal(signal, elr);
                    // Pass 1 saw the same exception (faults do not depend on memory contents).
                    (expected_signal[i].as_ref() == Some(&outcome)).then_some(outcome)
                }
                Err(_) => None,
            }
        })
        .collect();
    if let Ok(path) = std::env::var("HYPERSOC_CONFORMANCE_KEEP") {
        std::fs::write(&path, &image).expect("write the kept ELF");
        println!("kept the QEMU program as {path}");
    }
    let stdout = match run_qemu(&image) {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    };
    let theirs = program::parse(&layout, &stdout).unwrap_or_else(|e| panic!("{e}"));

    let mut divergences = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = ENCODINGS[case.line].0;
        let key = if case.second.is_some() { format!("{name}+ST") } else { name.to_string() };
        let t = tally.entry(key).or_default();
        if let Some(why) = &skipped[i] {
            *t.skipped.entry(why.clone()).or_default() += 1;
            continue;
        }
        t.run += 1;
        let Some(ours) = &ours[i] else {
            divergences.push((i, vec![("completion".into(), "faulted in pass 2".into(), String::new())]));
            continue;
        };
        let diff = ours.diff(&theirs[i]);
        if diff.is_empty() {
            t.agree += 1;
            t.signals += usize::from(ours.landing > program::landing::SIGNAL);
        } else {
            divergences.push((i, diff));
        }
    }

    let (mut total_run, mut total_agree) = (0, 0);
    for (name, t) in &tally {
        total_run += t.run;
        total_agree += t.agree;
        let skips: Vec<String> = t.skipped.iter().map(|(why, n)| format!("{n} {why}")).collect();
        println!(
            "{name:>14}: {:>5}/{:<5} agree ({} as signals); skipped: {}",
            t.agree,
            t.run,
            t.signals,
            skips.join(", ")
        );
    }
    println!("\n{total_agree}/{total_run} cases agree ({} drawn, seed {seed:#x})", count);
    // The first few divergences of each line.
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, diff) in &divergences {
        let seen = shown.entry(ENCODINGS[cases[*i].line].0).or_default();
        *seen += 1;
        if *seen > 3 {
            continue;
        }
        let case = &cases[*i];
        let pc = layout.insn(*i);
        println!(
            "\nDIVERGENCE case {i}: {:#010x} `{}`{} ({}) fpcr={:#x} fpsr={:#x} nzcv={:#x}",
            case.word,
            Disasm::new(case.word, pc),
            case.second.map(|w| format!(" then {w:#010x} `{}`", Disasm::new(w, pc + 4))).unwrap_or_default(),
            ENCODINGS[case.line].0,
            case.state.fpcr,
            case.state.fpsr,
            case.state.nzcv
        );
        for (what, ours, theirs) in diff {
            println!("    {what:>12}: hypersoc {ours}  qemu {theirs}");
        }
        print_inputs(case);
    }
    assert!(divergences.is_empty(), "{} of {total_run} cases diverge from QEMU", divergences.len());
    // Coverage: every line of the table that is drawn ran on both sides at least once (a full
    // run; a run of a few cases cannot reach every line).
    if count >= DEFAULT_CASES {
        let uncovered: Vec<&str> = gen::drawn_lines()
            .into_iter()
            .map(|line| ENCODINGS[line].0)
            .filter(|name| tally.get(*name).is_none_or(|t| t.run == 0))
            .collect();
        assert!(uncovered.is_empty(), "table lines no case ran on both sides: {uncovered:?}");
    }
    assert!(total_run > count / 4, "too few cases ran ({total_run} of {count})");
}

/// A store-exclusive without a preceding load-exclusive whose address is unaligned: the ARM ARM
/// checks alignment before the monitor (`AArch64.ExclusiveMonitorsPass`: an Alignment fault),
/// QEMU fails the store on the monitor first and never faults. `armarm` checks the architected
/// outcome ("el2 stxr unaligned, no reservation").
fn lone_store_exclusive_alignment(case: &Case, signal: u64) -> bool {
    const SIGBUS: u64 = 7;
    signal == SIGBUS && case.second.is_none() && matches!(ENCODINGS[case.line].0, "STXR" | "STXP")
}

/// The input registers an instruction may read (those its register fields name).
fn print_inputs(case: &Case) {
    let mut seen = Vec::new();
    for &(name, lsb, _) in a64::FIELDS[case.line] {
        if matches!(name, "rn" | "rm" | "ra" | "rt" | "rt2" | "rs" | "rd") {
            let r = ((case.word >> lsb) & 31) as usize;
            if seen.contains(&r) {
                continue;
            }
            seen.push(r);
            let x = if r < 31 { case.state.x[r] } else { case.state.sp };
            println!("    in {name}={r}: x {x:#018x}  v {:#034x}", case.state.v[r]);
        }
    }
}
