//! Debugger tests: `gdb-multiarch --batch` against `hypersoc run --gdb`, debugging firmware
//! programs (ELF with symbols): `gdbtarget` (one core, the MMU off), `gdbtarget_mmu` (a guest
//! with both translation stages on) and `smp_sgi` (four cores of the six of `cockpit`). Each test
//! asserts exact lines of gdb's output. Without gdb-multiarch the tests print a `SKIP:` line, unless
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
            // Nothing has run: the TLB model is empty.
            "core 0 TLB: 256 sets x 4 ways (round-robin), 0 of 1024 entries valid",
            "stage 2 cache: 64 sets x 4 ways, 0 of 256 entries valid",
            "counters: 0 hits, 0 misses, 0 walks (0 descriptor reads: 0 stage 1, 0 stage 2), stage 2 cache 0 hits 0 \
             misses, 0 evictions, 0 faults, 0 invalidations (0 entries)",
            "host fast path: on (the accesses it answers do not reach the TLB model)",
            "unknown address space `bogus`: va, ipa or pa",
        ],
    );
}

#[test]
fn two_stage_translation_of_a_guest() {
    if !gdb_available() {
        return;
    }
    // gdbtarget_mmu: at `gdb_mmu_marker` the guest runs at EL1 with stage 1 mapping VA
    // 0x46001000 to IPA 0x80000000, which stage 2 maps to PA 0x46000000 (see the program).
    let s = session(
        "virt",
        "gdbtarget_mmu",
        &[],
        &[
            "set language c",
            "break gdb_mmu_marker",
            "continue",
            "info threads",
            "monitor translate 0x46001000",
            // The guest's view, the physical view of the same address, and of the PA it maps to.
            "x/2gx 0x46001000",
            "x/gx 0x46000000",
            "monitor space pa",
            "x/2gx 0x46001000",
            "x/2gx 0x46000000",
            "monitor space ipa",
            "x/gx 0x80000000",
            "monitor translate 0x80000008",
            "monitor space va",
            // A write through both stages reaches PA 0x46000008.
            "set *(unsigned long *)0x46001008 = 0xabcd",
            "monitor tlb",
            // A translation register written from gdb takes effect at once, like an MSR.
            "set $saved = $ttbr0_el1",
            "set $ttbr0_el1 = 0",
            "x/gx 0x46001000",
            "monitor translate 0x46001000",
            "set $ttbr0_el1 = $saved",
            "x/gx 0x46001000",
            "detach",
        ],
    );
    let thread = line_starting(&s.gdb, "* 1    Thread 1.1 ");
    assert!(thread.contains("(core 0 cortex-a57 EL1h VMID 1)"), "{thread}");
    assert_lines(
        &s.gdb,
        &[
            "VA 0x46001000 on core 0 at EL1",
            "  stage 1 (EL1&0): TTBR0_EL1 0x44007000, ASID 0, 4KB granule, 39-bit input, start level 1",
            "    stage 2 of IPA 0x44007008:",
            "      level 1 at PA 0x44000008 = 0x0000000044002003 table",
            "      level 2 at PA 0x44002100 = 0x00000000440007fd block",
            "    level 1 at IPA 0x44007008, PA 0x44007008 = 0x0000000044008003 table",
            "    stage 2 of IPA 0x44008180:",
            "      level 1 at PA 0x44000008 = 0x0000000044002003 table",
            "      level 2 at PA 0x44002100 = 0x00000000440007fd block",
            "    level 2 at IPA 0x44008180, PA 0x44008180 = 0x000000004400a003 table",
            "    stage 2 of IPA 0x4400a008:",
            "      level 1 at PA 0x44000008 = 0x0000000044002003 table",
            "      level 2 at PA 0x44002100 = 0x00000000440007fd block",
            "    level 3 at IPA 0x4400a008, PA 0x4400a008 = 0x0000000080000703 page",
            "    output IPA 0x80000000: 4KB page at level 3, EL1 rwx EL0 --x, Normal WB ISH",
            "  stage 2 (EL1&0): VTTBR_EL2 0x44000000, VMID 1, 4KB granule, 40-bit input, start level 1",
            "    level 1 at PA 0x44000010 = 0x0000000044005003 table",
            "    level 2 at PA 0x44005000 = 0x0000000044006003 table",
            "    level 3 at PA 0x44006000 = 0x00000000460007ff page",
            "    output PA 0x46000000: 4KB page at level 3, rwx, Normal WB ISH",
            "  => PA 0x46000000 (RAM)",
            // Through the MMU: the word the guest loaded and the one it stored after it.
            "0x46001000:\t0x1111222233334444\t0x1111222233334445",
            // Stage 1 maps only the alias page of that 2MB region: a translation fault.
            "0x46000000:\tCannot access memory at address 0x46000000",
            "address space: pa",
            "0x46001000:\t0x5555666677778888\t0x0000000000000000",
            "0x46000000:\t0x1111222233334444\t0x1111222233334445",
            "address space: ipa",
            "0x80000000:\t0x1111222233334444",
            "IPA 0x80000008 on core 0 at EL1",
            "  stage 2 (EL1&0): VTTBR_EL2 0x44000000, VMID 1, 4KB granule, 40-bit input, start level 1",
            "    level 1 at PA 0x44000010 = 0x0000000044005003 table",
            "    level 2 at PA 0x44005000 = 0x0000000044006003 table",
            "    level 3 at PA 0x44006000 = 0x00000000460007ff page",
            "    output PA 0x46000008: 4KB page at level 3, rwx, Normal WB ISH",
            "  => PA 0x46000008 (RAM)",
            "address space: va",
            // The guest's accesses filled the TLB model; gdb's did not.
            "  EL1&0 VMID 1 global: VA 0x46001000 -> IPA 0x80000000 -> PA 0x46000000, 4KB, EL1 rwx EL0 --x, Normal WB ISH",
            "  VMID 1: IPA 0x80000000 -> PA 0x46000000, 4KB, rwx, Normal WB ISH",
            "host fast path: on (the accesses it answers do not reach the TLB model)",
            "0x46001000:\tCannot access memory at address 0x46001000",
            "VA 0x46001000 on core 0 at EL1",
            "  stage 1 (EL1&0): TTBR0_EL1 0x0, ASID 0, 4KB granule, 39-bit input, start level 1",
            "    stage 2 of IPA 0x8:",
            "      level 1 at PA 0x44000000 = 0x0000000044003003 table",
            "      level 2 at PA 0x44003000 = 0x0000000000000000 invalid",
            "    fault: stage 2 translation fault at level 2 on the stage 1 walk, IPA 0x8 (FSC 0x06)",
            "  stage 2 (EL1&0): VTTBR_EL2 0x44000000, VMID 1, 4KB granule, 40-bit input, start level 1",
            "    not reached",
            "  => stage 2 translation fault at level 2 on the stage 1 walk, IPA 0x8 (FSC 0x06)",
            "0x46001000:\t0x1111222233334444",
            "[Inferior 1 (process 1) detached]",
        ],
    );
    line_starting(&s.gdb, "core 0 TLB: 256 sets x 4 ways (round-robin), ");
    let counters = line_starting(&s.gdb, "counters: ");
    assert!(counters.ends_with(" 0 faults, 1 invalidations (0 entries)"), "{counters}");
    // The guest's result, and the word gdb wrote through the alias.
    assert!(s.uart.contains("gdbtarget_mmu: guest 0x11112222333344bb, stored 0xabcd\n"), "{}", s.uart);
    assert_eq!(s.code, Some(0), "{}", s.log);
}

#[test]
fn threads_of_a_multicore_run() {
    if !gdb_available() {
        return;
    }
    // smp_sgi starts cores 1..3 of the cockpit's six with PSCI CPU_ON; each started core runs
    // `__support_secondary`. A breakpoint there stops every core (all-stop); a step of one core
    // leaves the others where they are.
    let s = session(
        "cockpit",
        "smp_sgi",
        &[],
        &[
            "set language c",
            "break __support_secondary",
            "continue",
            "info threads",
            "p $x0",
            "p/x $mpidr_el1",
            "thread 1",
            "p/x $mpidr_el1",
            "set $core0 = $pc",
            "thread 2",
            "set $bp = $pc",
            "stepi",
            "p $pc == $bp + 4",
            "thread 1",
            "p $pc == $core0",
            "monitor el",
            // An off core: a thread whose step does nothing.
            "thread 6",
            "stepi",
            "p/x $pc",
            "continue",
            "info threads",
            "thread 2",
            "p/x $mpidr_el1",
            "delete",
            "continue",
        ],
    );
    assert_lines(
        &s.gdb,
        &[
            "[Switching to Thread 1.2]",
            "  3    Thread 1.3 (core 2 cortex-a53 off)  0x0000000000000000 in ?? ()",
            "  6    Thread 1.6 (core 5 cortex-a53 off)  0x0000000000000000 in ?? ()",
            "$1 = 1",
            "$2 = 0x80000001",
            "[Switching to thread 1 (Thread 1.1)]",
            "$3 = 0x80000000",
            "[Switching to thread 2 (Thread 1.2)]",
            "$4 = 1",
            "[Switching to thread 1 (Thread 1.1)]",
            "$5 = 1",
            "* core 0 cortex-a57 EL2h  DAIF=DAIF  HCR_EL2=0x80000018",
            "  core 1 cortex-a57 EL2h  DAIF=DAIF  HCR_EL2=0x80000000",
            "  core 2 cortex-a53 off",
            "  core 5 cortex-a53 off",
            "[Switching to thread 6 (Thread 1.6)]",
            "$6 = 0x0",
            "[Switching to Thread 1.3]",
            "  4    Thread 1.4 (core 3 cortex-a53 off)      0x0000000000000000 in ?? ()",
            "[Switching to thread 2 (Thread 1.2)]",
            "$7 = 0x80000001",
            "[Inferior 1 (process 1) exited normally]",
        ],
    );
    let hit = line_starting(&s.gdb, "Thread 2 hit Breakpoint 1, ");
    assert!(hit.contains("__support_secondary (slot=1)"), "{hit}");
    let hit = line_starting(&s.gdb, "Thread 3 hit Breakpoint 1, ");
    assert!(hit.contains("__support_secondary (slot=2)"), "{hit}");
    // The two listings: the current thread first on core 1, then on core 2, with core 1 asleep
    // in WFI by then; the frames depend on the code, the thread names do not.
    for prefix in [
        "  1    Thread 1.1 (core 0 cortex-a57 EL2h) ",
        "* 2    Thread 1.2 (core 1 cortex-a57 EL2h) ",
        "  1    Thread 1.1 (core 0 cortex-a57 EL2h)     ",
        "  2    Thread 1.2 (core 1 cortex-a57 EL2h wfi) ",
        "* 3    Thread 1.3 (core 2 cortex-a53 EL2h)     ",
    ] {
        line_starting(&s.gdb, prefix);
    }
    // Debugging did not change what the program computed.
    assert!(s.uart.contains("ping-pong: pings pongs 32 32\n") && s.uart.contains("== end"), "{}", s.uart);
    assert_eq!(s.code, Some(0), "{}", s.log);
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
