//! Debugger tests: `gdb-multiarch --batch` against `hypersoc run --gdb`, debugging the
//! `gdbtarget` firmware program (ELF with symbols). Each test asserts exact lines of gdb's
//! output. Without gdb-multiarch the tests print a `SKIP:` line, unless
//! HYPERSOC_REQUIRE_ORACLES=1 makes them fail.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a session printed.
struct Session {
    /// gdb's stdout and stderr, interleaved as gdb wrote them.
    gdb: String,
    /// The emulator's stdout (the UART).
    uart: String,
    /// The emulator's stderr.
    log: String,
    /// The emulator's exit code.
    code: Option<i32>,
}

/// Whether gdb-multiarch runs; prints the skip line when it does not and it is optional.
fn gdb_available() -> bool {
    if common::have("gdb-multiarch") {
        return true;
    }
    assert!(!common::oracles_required(), "HYPERSOC_REQUIRE_ORACLES=1 but gdb-multiarch is not installed");
    println!("SKIP: gdb-multiarch not found; install it (see README) to run the gdb tests");
    false
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hypersoc-gdb-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Reads a child's pipe to the end on a thread.
fn drain(pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(pipe).read_to_string(&mut text);
        text
    })
}

/// Waits for a child with a deadline, killing it after.
fn wait_for(child: &mut Child, limit: Duration, what: &str) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `hypersoc run --gdb unix:SOCKET` (or with the `--gdb` of `extra`) and the `extra`
/// arguments on `program`, waits until it listens, runs gdb with `commands` against the
/// address it reports, and collects everything.
fn session(model: &str, program: &str, extra: &[&str], commands: &[&str]) -> Session {
    let image = hypersoc::firmware_image(program);
    session_with(model, &image.display().to_string(), Some(&image), extra, commands)
}

/// [`session`] with an image argument (`FILE` or `FILE@ADDR`) and the ELF gdb reads symbols
/// from, if any.
fn session_with(model: &str, image: &str, symbols: Option<&Path>, extra: &[&str], commands: &[&str]) -> Session {
    static SESSIONS: AtomicUsize = AtomicUsize::new(0);
    let dir = scratch(&format!("{}", SESSIONS.fetch_add(1, Ordering::Relaxed)));
    let socket = dir.join("gdb.sock");
    let gdb_address =
        if extra.iter().any(|a| a.starts_with("--gdb")) { None } else { Some(format!("unix:{}", socket.display())) };
    let mut emulator = Command::new(env!("CARGO_BIN_EXE_hypersoc"));
    emulator.args(["run", "--model", model]);
    if let Some(address) = &gdb_address {
        emulator.args(["--gdb", address]);
    }
    let mut emulator = emulator
        .args(extra)
        .arg(image)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hypersoc starts");
    let uart = drain(emulator.stdout.take().expect("stdout"));
    // The first stderr line says where gdb connects; the rest is kept for the report.
    let (tx, rx) = mpsc::channel();
    let stderr = emulator.stderr.take().expect("stderr");
    let log = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let first = rx.recv_timeout(Duration::from_secs(30)).expect("hypersoc says where gdb connects");
    let target = first.rsplit(' ').next().expect("an address").to_string();
    // One pipe for both streams keeps gdb's order of errors and output. The command is
    // dropped at once so that only gdb holds the write end.
    let (reader, writer) = std::io::pipe().expect("pipe");
    let mut gdb = {
        let mut gdb = Command::new("gdb-multiarch");
        gdb.args(["--batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off", "-ex", "set width 0"]);
        if let Some(elf) = symbols {
            gdb.arg("-ex").arg(format!("file {}", elf.display()));
        }
        gdb.arg("-ex").arg(format!("target remote {target}"));
        for c in commands {
            gdb.args(["-ex", c]);
        }
        gdb.stdin(Stdio::null())
            .stdout(writer.try_clone().expect("pipe"))
            .stderr(writer)
            .spawn()
            .expect("gdb-multiarch starts")
    };
    let output = drain(reader);
    wait_for(&mut gdb, Duration::from_secs(120), "gdb");
    drop(gdb);
    let code = wait_for(&mut emulator, Duration::from_secs(120), "hypersoc");
    let _ = std::fs::remove_dir_all(&dir);
    Session {
        gdb: output.join().expect("gdb output"),
        uart: uart.join().expect("uart output"),
        log: log.join().expect("hypersoc log"),
        code,
    }
}

/// Asserts that `expected` lines appear in `output`, whole and in this order.
fn assert_lines(output: &str, expected: &[&str]) {
    let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    let mut at = 0;
    for want in expected {
        match lines[at..].iter().position(|l| l == want) {
            Some(i) => at += i + 1,
            None => panic!("line {want:?} not found (in order) in gdb output:\n{output}"),
        }
    }
}

/// The first line of `output` that starts with `prefix`.
fn line_starting<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?} in:\n{output}"))
}

#[test]
fn break_step_and_registers() {
    if !gdb_available() {
        return;
    }
    let s = session(
        "virt",
        "gdbtarget",
        &[],
        &[
            "set language c",
            "break *gdb_marker",
            "continue",
            "p/x $x0",
            "set $x0 = 0x100",
            "p/x $x0",
            "p/x $hcr_el2",
            "p/x $sctlr_el2",
            "set $vbar_el1 = 0x1800",
            "p/x $vbar_el1",
            "p/x $mpidr_el1",
            "p/x $cpsr & 0x3cf",
            "stepi",
            "p $pc == (unsigned long)gdb_marker + 4",
            "monitor el",
            "detach",
        ],
    );
    let breakpoint = line_starting(&s.gdb, "Breakpoint 1, ");
    assert!(breakpoint.contains("gdb_marker"), "{breakpoint}");
    assert_lines(
        &s.gdb,
        &[
            "$1 = 0x1234",
            "$2 = 0x100",
            "$3 = 0x80000000",
            "$4 = 0x30c51838",
            "$5 = 0x1800",
            "$6 = 0x80000000",
            "$7 = 0x3c9",
            "$8 = 1",
            "* core 0 cortex-a57 EL2h  DAIF=DAIF  HCR_EL2=0x80000000",
            "[Inferior 1 (process 1) detached]",
        ],
    );
    // The X0 written from gdb reached the program: 0x100 * 2 + 1.
    assert!(s.uart.contains("gdbtarget: marker 0x201\n"), "{}", s.uart);
    assert_eq!(s.code, Some(0), "{}", s.log);
    assert!(s.log.contains("hypersoc: gdb detached"), "{}", s.log);
}

#[test]
fn watchpoints_stop_on_the_counter() {
    if !gdb_available() {
        return;
    }
    let s = session(
        "virt",
        "gdbtarget",
        &[],
        &[
            "set language c",
            "watch *(unsigned long *)&GDB_COUNTER",
            "continue",
            "continue",
            "delete",
            "rwatch *(unsigned long *)&GDB_COUNTER",
            "continue",
            "monitor why",
        ],
    );
    assert_lines(
        &s.gdb,
        &[
            "Hardware watchpoint 1: *(unsigned long *)&GDB_COUNTER",
            "Hardware watchpoint 1: *(unsigned long *)&GDB_COUNTER",
            "Old value = 0",
            "New value = 17",
            "Hardware watchpoint 1: *(unsigned long *)&GDB_COUNTER",
            "Old value = 17",
            "New value = 34",
            "Hardware read watchpoint 2: *(unsigned long *)&GDB_COUNTER",
            "Hardware read watchpoint 2: *(unsigned long *)&GDB_COUNTER",
            "Value = 51",
        ],
    );
    // gdb steps over the load after the hit; `monitor why` names both stops.
    let why = line_starting(&s.gdb, "core 0: single step; before it: core 0: 8-byte load of VA ");
    assert!(why.contains("hit the Read watchpoint"), "{why}");
    // gdb detaches at the end of the batch; the emulator runs to the end.
    assert!(s.uart.contains("gdbtarget: counter 0x33\n"), "{}", s.uart);
    assert_eq!(s.code, Some(0), "{}", s.log);
}

#[test]
fn catch_the_hvc_trap_into_el2() {
    if !gdb_available() {
        return;
    }
    let s = session(
        "virt",
        "gdbtarget",
        &[],
        &[
            "set language c",
            "monitor catch exception hvc",
            "continue",
            "monitor why",
            "p/x $esr_el2",
            "p $pc == (unsigned long)&__el2_vectors + 0x400",
            "p/x $cpsr & 0x3cf",
            "p/x $spsr_el2",
            "monitor catch",
            "monitor catch clear",
            "monitor stats",
        ],
    );
    assert_lines(&s.gdb, &["catching hvc", "Program received signal SIGTRAP, Trace/breakpoint trap."]);
    let why = line_starting(&s.gdb, "core 0: took hvc (EC 0x16) from EL1 to EL2: ESR_EL2 = 0x5a00fff0, ELR_EL2 = ");
    assert!(why.contains(", vector 0x"), "{why}");
    assert_lines(
        &s.gdb,
        &["$1 = 0x5a00fff0", "$2 = 1", "$3 = 0x3c9", "$4 = 0x3c5", "catching hvc", "no exception catch"],
    );
    let stats = s.gdb.lines().find(|l| l.contains(" instructions, ")).expect("monitor stats output");
    assert!(stats.ends_with(" cycles, 1 exceptions (hvc 1)"), "{stats}");
    assert!(s.uart.contains("gdbtarget: el1 42\n"), "{}", s.uart);
    assert_eq!(s.code, Some(0), "{}", s.log);
}

#[test]
fn hardware_breakpoint_at_el1_then_el2_entry() {
    if !gdb_available() {
        return;
    }
    let s = session(
        "virt",
        "gdbtarget",
        &[],
        &[
            "hbreak gdb_at_el1",
            "continue",
            "info threads",
            "p $cpsr",
            "delete",
            "monitor catch el2-entry",
            "continue",
            "monitor why",
        ],
    );
    let breakpoint = line_starting(&s.gdb, "Breakpoint 1, ");
    assert!(breakpoint.contains("gdb_at_el1 (arg=41)"), "{breakpoint}");
    let thread = line_starting(&s.gdb, "* 1    Thread 1.1 ");
    assert!(thread.contains("(core 0 cortex-a57 EL1h)"), "{thread}");
    assert_lines(
        &s.gdb,
        &[
            "$1 = [ SP EL=1 F I A D ]",
            "catching every exception taken to EL2",
            "Program received signal SIGTRAP, Trace/breakpoint trap.",
        ],
    );
    line_starting(&s.gdb, "core 0: took hvc (EC 0x16) from EL1 to EL2: ESR_EL2 = 0x5a00fff0");
    assert_eq!(s.code, Some(0), "{}", s.log);
}

#[test]
fn threads_are_cores() {
    if !gdb_available() {
        return;
    }
    // The cockpit has six cores; before SMP (PSCI CPU_ON) only core 0 runs.
    let s = session(
        "cockpit",
        "gdbtarget",
        &[],
        &["info threads", "thread 6", "p/x $mpidr_el1", "stepi", "monitor el", "thread 1", "p/x $mpidr_el1", "kill"],
    );
    let threads = line_starting(&s.gdb, "* 1    Thread 1.1 ");
    assert!(threads.contains("(core 0 cortex-a57 EL2h)"), "{threads}");
    for (line, core) in
        [("  2    Thread 1.2 ", "(core 1 cortex-a57 off)"), ("  6    Thread 1.6 ", "(core 5 cortex-a53 off)")]
    {
        let l = line_starting(&s.gdb, line);
        assert!(l.contains(core), "{l}");
    }
    assert_lines(
        &s.gdb,
        &[
            "[Switching to thread 6 (Thread 1.6)]",
            "$1 = 0x80000103",
            "  core 0 cortex-a57 EL2h  DAIF=DAIF  HCR_EL2=0x80000000",
            "  core 1 cortex-a57 off",
            "* core 5 cortex-a53 off",
            "[Switching to thread 1 (Thread 1.1)]",
            "$2 = 0x80000000",
        ],
    );
    // `kill` ends the emulation with the debugger exit code.
    assert_eq!(s.code, Some(6), "{}", s.log);
    assert!(s.log.contains("hypersoc: gdb killed the run"), "{}", s.log);
}

#[test]
fn address_spaces_and_translation() {
    if !gdb_available() {
        return;
    }
    let s = session(
        "virt",
        "gdbtarget",
        &[],
        &[
            "monitor translate 0x40080000",
            "monitor space pa",
            "x/1xw 0x40080000",
            "monitor translate 0x40080000",
            "monitor space ipa",
            "monitor translate 0x1000",
            "monitor space va",
            "x/1xw 0x09000000",
            "monitor tlb",
            "monitor space bogus",
        ],
    );
    assert_lines(
        &s.gdb,
        &[
            "VA 0x40080000 on core 0 at EL2",
            "  stage 1 (EL2): MMU off (SCTLR_EL2.M = 0), flat mapping",
            "  => PA 0x40080000 (RAM)",
            "address space: pa",
            "0x40080000 <_start>:\t0x14000004",
            "PA 0x40080000 on core 0 at EL2",
            "  no translation (physical address)",
            "  => PA 0x40080000 (RAM)",
            "address space: ipa",
            "IPA 0x1000 on core 0 at EL2",
            "  stage 2 (EL1&0): MMU off (HCR_EL2.VM = 0), flat mapping",
            "  => PA 0x1000 (nothing mapped)",
            "address space: va",
            // Device registers are not read by the debugger.
            "0x9000000:\tCannot access memory at address 0x9000000",
            "core 0: no TLB model yet (translation is the flat mapping until the MMU lands)",
            "unknown address space `bogus`: va, ipa or pa",
        ],
    );
}

#[test]
fn attach_to_a_running_emulator_over_tcp() {
    if !gdb_available() {
        return;
    }
    // A raw image that spins (`b .`) runs until gdb connects on a free TCP port (port 0) and
    // stops it wherever it is; `kill` ends the emulator.
    let dir = scratch("spin");
    let spin = dir.join("spin.bin");
    std::fs::write(&spin, 0x1400_0000u32.to_le_bytes()).expect("write the image");
    let image = format!("{}@0x40080000", spin.display());
    let s = session_with(
        "virt",
        &image,
        None,
        &["--gdb", "0", "--gdb-wait=false"],
        &["monitor why", "p/x $pc", "monitor stats", "kill"],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_lines(&s.gdb, &["the cores have not run under gdb yet", "$1 = 0x40080000"]);
    let stats = line_starting(&s.gdb, "core 0: ");
    assert!(!stats.starts_with("core 0: 0 instructions"), "{stats}");
    assert!(s.log.starts_with("hypersoc: gdb can connect on 127.0.0.1:"), "{}", s.log);
    assert_eq!(s.code, Some(6), "{}", s.log);
}

#[test]
fn without_gdb_the_program_runs_to_the_end() {
    // No gdb needed: with --gdb-wait=false and nobody connecting, the run is the plain one.
    let image = hypersoc::firmware_image("gdbtarget");
    let out = Command::new(env!("CARGO_BIN_EXE_hypersoc"))
        .args(["run", "--model", "virt", "--gdb", "0", "--gdb-wait=false"])
        .arg(Path::new(&image))
        .output()
        .expect("hypersoc runs");
    assert_eq!(out.status.code(), Some(0));
    let uart = String::from_utf8_lossy(&out.stdout);
    assert!(uart.contains("gdbtarget: el1 42"), "{uart}");
}

#[test]
fn bad_gdb_address_is_one_error_line() {
    let image = hypersoc::firmware_image("gdbtarget");
    let out = Command::new(env!("CARGO_BIN_EXE_hypersoc"))
        .args(["run", "--gdb", "nowhere"])
        .arg(Path::new(&image))
        .output()
        .expect("hypersoc runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err, "hypersoc: error: `nowhere` is not a gdb address: use PORT, HOST:PORT or unix:PATH\n");
}
