//! The stub at the packet level, without gdb: Ctrl-C interrupts a continue, a step moves one
//! instruction, registers and memory read back, and a hostile byte stream (proptest) never
//! panics the emulator: the stub answers with errors or ends the session.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::Duration;

use cpu::{PhysAddr, Platform};
use gdb::{serve_connection, GdbOptions, OnDetach, SessionEnd};
use proptest::prelude::*;
use soc::{Model, RunLimits, Soc, SocOptions, StopCause};

const CODE: u64 = 0x4008_0000;

/// A `virt` SoC whose core 0 runs `program` at `CODE`.
fn soc_with(program: &[u32]) -> Soc {
    let mut soc = Soc::new(Model::load("virt").expect("built-in model"), SocOptions::default()).expect("SoC builds");
    let bytes: Vec<u8> = program.iter().flat_map(|w| w.to_le_bytes()).collect();
    assert!(soc.bus.memory().write_bytes(PhysAddr(CODE), &bytes));
    soc.cores[0].pc = CODE;
    soc
}

/// Runs a session on a thread over a socket pair; returns the client end and the outcome.
fn start(program: &'static [u32], limits: RunLimits) -> (UnixStream, mpsc::Receiver<SessionEnd>) {
    let (client, server) = UnixStream::pair().expect("socket pair");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut soc = soc_with(program);
        let options = GdbOptions { wait: true, on_detach: OnDetach::Exit, limits };
        let end = serve_connection(&mut soc, Box::new(server), &options, &mut |_| {});
        let _ = tx.send(end);
    });
    client.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    (client, rx)
}

/// A packet with its checksum.
fn packet(body: &[u8]) -> Vec<u8> {
    let sum = body.iter().fold(0u8, |a, b| a.wrapping_add(*b));
    let mut p = vec![b'$'];
    p.extend_from_slice(body);
    p.extend_from_slice(format!("#{sum:02x}").as_bytes());
    p
}

/// Sends a packet and returns the body of the reply (acks skipped).
fn ask(stream: &mut UnixStream, body: &str) -> String {
    stream.write_all(&packet(body.as_bytes())).expect("send");
    reply(stream)
}

/// Reads the next reply packet's body, acknowledging it.
fn reply(stream: &mut UnixStream) -> String {
    let mut byte = [0u8];
    loop {
        stream.read_exact(&mut byte).expect("reply");
        if byte[0] == b'$' {
            break;
        }
    }
    let mut body = Vec::new();
    loop {
        stream.read_exact(&mut byte).expect("reply");
        if byte[0] == b'#' {
            break;
        }
        body.push(byte[0]);
    }
    let mut sum = [0u8; 2];
    stream.read_exact(&mut sum).expect("checksum");
    let _ = stream.write_all(b"+"); // the stub may have closed after a W reply
                                    // Run-length encoding: `X*n` repeats X (n - 29) more times.
    let mut out = Vec::new();
    let mut bytes = body.into_iter();
    while let Some(b) = bytes.next() {
        if b == b'*' {
            let count = bytes.next().map_or(0, |n| n.saturating_sub(29));
            let last = *out.last().expect("a run follows a character");
            out.extend(std::iter::repeat_n(last, usize::from(count)));
        } else {
            out.push(b);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `b .`
const LOOP: &[u32] = &[0x1400_0000];
/// `add x0, x0, #1`, `b .-4`
const COUNT: &[u32] = &[0x9100_0400, 0x17ff_ffff];

#[test]
fn ctrl_c_interrupts_a_continue() {
    let (mut gdb, end) = start(LOOP, RunLimits::default());
    assert!(ask(&mut gdb, "?").starts_with("T05thread:"));
    gdb.write_all(&packet(b"vCont;c")).expect("continue");
    std::thread::sleep(Duration::from_millis(50));
    gdb.write_all(&[0x03]).expect("interrupt");
    let stop = reply(&mut gdb);
    assert!(stop.starts_with("T02thread:01;"), "{stop}");
    // The PC (register 32) is still in the loop.
    assert_eq!(ask(&mut gdb, "p20"), "0000084000000000");
    let why = ask(&mut gdb, "qRcmd,776879"); // monitor why
    assert!(why.starts_with('O') || why == "OK", "{why}");
    assert_eq!(ask(&mut gdb, "D"), "OK");
    assert_eq!(end.recv_timeout(Duration::from_secs(30)), Ok(SessionEnd::Detached));
}

#[test]
fn step_registers_and_memory() {
    let (mut gdb, end) = start(COUNT, RunLimits::default());
    assert!(ask(&mut gdb, "?").starts_with("T05"));
    for _ in 0..3 {
        let stop = ask(&mut gdb, "vCont;s:1");
        assert!(stop.starts_with("T05thread:01;"), "{stop}");
    }
    // add, b, add: X0 = 2, PC at the branch.
    assert_eq!(ask(&mut gdb, "p0"), "0200000000000000");
    assert_eq!(ask(&mut gdb, "p20"), "0400084000000000");
    // X1 written, then the whole register file is 68 registers of the g packet.
    assert_eq!(ask(&mut gdb, "P1=efbeadde00000000"), "OK");
    let g = ask(&mut gdb, "g");
    assert_eq!(g.len(), 2 * (33 * 8 + 4 + 32 * 16 + 8));
    assert_eq!(&g[16..32], "efbeadde00000000");
    // HCR_EL2 by its encoding (0xe088), read and written.
    assert_eq!(ask(&mut gdb, "pe088"), "0000008000000000");
    assert_eq!(ask(&mut gdb, "Pe088=0100008000000000"), "OK");
    assert_eq!(ask(&mut gdb, "pe088"), "0100008000000000");
    // A read-only register refuses writes; an unknown encoding is an error.
    assert!(ask(&mut gdb, "Pc000=0500000000000000").starts_with('E'));
    assert!(ask(&mut gdb, "pfff8").starts_with('E'));
    // Memory: the code, and an error outside RAM.
    assert_eq!(ask(&mut gdb, "m40080000,4"), "00040091");
    assert!(ask(&mut gdb, "m9000000,4").starts_with('E'));
    // A software breakpoint on the add stops the continue there.
    assert_eq!(ask(&mut gdb, "Z0,40080000,4"), "OK");
    let stop = ask(&mut gdb, "vCont;c");
    assert!(stop.starts_with("T05thread:01;swbreak:;"), "{stop}");
    gdb.write_all(&packet(b"k")).expect("kill"); // no reply

    assert_eq!(end.recv_timeout(Duration::from_secs(30)), Ok(SessionEnd::Killed));
}

#[test]
fn an_instruction_limit_stops_with_sigxcpu_and_power_off_exits() {
    let (mut gdb, end) = start(LOOP, RunLimits { max_instructions: Some(1000), max_cycles: None });
    assert!(ask(&mut gdb, "?").starts_with("T05"));
    assert!(ask(&mut gdb, "vCont;c").starts_with("T18thread:"));
    drop(gdb);
    assert_eq!(end.recv_timeout(Duration::from_secs(30)), Ok(SessionEnd::Detached));
    // PSCI SYSTEM_OFF through SMC: `movz w0, #0x8400, lsl #16`, `add w0, w0, #8`, `smc #0`.
    let (mut gdb, end) = start(&[0x52b0_8000, 0x1100_2000, 0xd400_0003], RunLimits::default());
    assert!(ask(&mut gdb, "?").starts_with("T05"));
    assert_eq!(ask(&mut gdb, "vCont;c"), "W00");
    assert_eq!(end.recv_timeout(Duration::from_secs(30)), Ok(SessionEnd::Finished(StopCause::PowerOff)));
}

#[test]
fn a_core_idle_forever_stops_with_sigstop() {
    // `wfi` with nothing that can raise an interrupt.
    let (mut gdb, end) = start(&[0xd503_207f, 0x17ff_ffff], RunLimits::default());
    assert!(ask(&mut gdb, "?").starts_with("T05"));
    assert!(ask(&mut gdb, "vCont;c").starts_with("T11thread:01;"));
    assert_eq!(ask(&mut gdb, "D"), "OK");
    assert_eq!(end.recv_timeout(Duration::from_secs(30)), Ok(SessionEnd::Detached));
}

/// A gdb command prefix with a random payload and a valid checksum.
fn command_packet() -> impl Strategy<Value = Vec<u8>> {
    let commands = prop::sample::select(vec![
        "?",
        "g",
        "G",
        "m",
        "M",
        "X",
        "p",
        "P",
        "Z0,",
        "z0,",
        "Z1,",
        "Z2,",
        "z2,",
        "Z3,",
        "Z4,",
        "vCont;",
        "vCont?",
        "vCont;s:",
        "vCont;c:",
        "Hg",
        "Hc",
        "T",
        "qfThreadInfo",
        "qsThreadInfo",
        "qThreadExtraInfo,",
        "qRcmd,",
        "qXfer:features:read:target.xml:",
        "qSupported:",
        "qAttached",
        "c",
        "s",
        "D",
        "k",
        "QStartNoAckMode",
    ]);
    let payload = prop::collection::vec(
        prop_oneof![prop::sample::select(b"0123456789abcdef,:;=.-p".to_vec()), any::<u8>()],
        0..40,
    );
    (commands, payload).prop_map(|(c, p)| {
        let mut body = c.as_bytes().to_vec();
        body.extend(p.into_iter().filter(|b| !matches!(b, b'$' | b'#' | b'}' | b'*')));
        packet(&body)
    })
}

/// Pieces of a hostile stream: command packets, raw bytes (bad checksums, stray `$`,
/// binary), Ctrl-C.
fn chunk() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![4 => command_packet(), 1 => prop::collection::vec(any::<u8>(), 0..64), 1 => Just(vec![0x03])]
}

/// Writes `chunks` to a fresh session, closes the connection, and checks that the session
/// ends (error, detach, kill or the end of the run) without a panic.
fn survive(chunks: &[Vec<u8>]) -> Result<(), TestCaseError> {
    let (gdb, end) = start(COUNT, RunLimits { max_instructions: Some(200_000), max_cycles: None });
    let mut writer = gdb.try_clone().expect("clone");
    // Drain replies so the stub never blocks on a full socket.
    let mut reader = gdb;
    let drainer = std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    });
    for c in chunks {
        if writer.write_all(c).is_err() {
            break; // the stub ended the session
        }
    }
    let _ = writer.shutdown(std::net::Shutdown::Write);
    let outcome = end.recv_timeout(Duration::from_secs(60));
    prop_assert!(outcome.is_ok(), "the session did not end: {:?}", outcome);
    drop(writer);
    let _ = drainer.join();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn hostile_streams_never_panic(chunks in prop::collection::vec(chunk(), 1..24)) {
        survive(&chunks)?;
    }

    #[test]
    fn random_commands_never_panic(chunks in prop::collection::vec(command_packet(), 1..40)) {
        survive(&chunks)?;
    }
}
