//! Shared helpers of the integration tests: running firmware on HyperSoC and on QEMU.

#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hypersoc::devices::pl011::{RxSource, SharedBuffer, TxSink};
use hypersoc::soc::loader::ImageSpec;
use hypersoc::soc::machine::{RunLimits, Soc, SocOptions, StopCause};
use hypersoc::soc::model::Model;

/// Runs an image on the `virt` model until it powers off; returns the UART output.
pub fn run_on_hypersoc(image: &Path) -> (StopCause, Vec<u8>) {
    run_on_hypersoc_model(image, "virt")
}

/// Runs an image on a built-in model (e.g. `cockpit` for the programs that need several
/// cores) until it powers off; returns the UART output.
pub fn run_on_hypersoc_model(image: &Path, model: &str) -> (StopCause, Vec<u8>) {
    run_on_hypersoc_configured(image, model, |_| {})
}

/// [`run_on_hypersoc_model`] with `configure` applied to the SoC after loading.
pub fn run_on_hypersoc_configured(image: &Path, model: &str, configure: impl FnOnce(&mut Soc)) -> (StopCause, Vec<u8>) {
    let model = Model::load(model).expect("built-in model");
    let buffer = SharedBuffer::default();
    let options = SocOptions { uart_tx: TxSink::Capture(buffer.clone()), uart_rx: RxSource::None };
    let mut soc = Soc::new(model, options).expect("SoC builds");
    let spec = ImageSpec::parse(image.to_str().expect("UTF-8 path")).expect("image spec");
    soc.load(&[spec]).expect("image loads");
    configure(&mut soc);
    let cause = soc.run(RunLimits { max_instructions: Some(200_000_000), max_cycles: None });
    let out = buffer.lock().map(|b| b.clone()).unwrap_or_default();
    (cause, out)
}

/// Whether oracle tests must run (CI) rather than skip when the oracle is missing.
pub fn oracles_required() -> bool {
    std::env::var("HYPERSOC_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

/// Whether a program is on PATH.
pub fn have(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// The oldest QEMU the comparisons trust: 8.0 fixed the data-abort syndrome (ISV only for
/// stage 2 aborts) and 9.0 added the Device-memory alignment checks with the MMU off.
const MIN_QEMU: (u32, u32) = (9, 0);

/// The `major.minor` of `qemu-system-aarch64 --version`, if it runs.
fn qemu_version() -> Option<(u32, u32)> {
    let out = Command::new("qemu-system-aarch64").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().skip_while(|w| *w != "version").nth(1)?;
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}

/// Runs an image on `qemu-system-aarch64 -M virt,virtualization=on,gic-version=2 -cpu
/// cortex-a57`; returns its serial output, or `None` (after printing a skip line) when a recent
/// enough QEMU is not installed and oracles are optional.
pub fn run_on_qemu(image: &Path) -> Option<Vec<u8>> {
    run_on_qemu_with(image, "cortex-a57", 1)
}

/// [`run_on_qemu`] with `-smp cores`.
pub fn run_on_qemu_smp(image: &Path, cores: u32) -> Option<Vec<u8>> {
    run_on_qemu_with(image, "cortex-a57", cores)
}

/// [`run_on_qemu`] with another QEMU `-cpu` model.
pub fn run_on_qemu_cpu(image: &Path, cpu: &str) -> Option<Vec<u8>> {
    run_on_qemu_with(image, cpu, 1)
}

/// [`run_on_qemu`] with QEMU's `-cpu` model and `-smp` count.
pub fn run_on_qemu_with(image: &Path, cpu: &str, cores: u32) -> Option<Vec<u8>> {
    let skip = |why: String| {
        assert!(!oracles_required(), "HYPERSOC_REQUIRE_ORACLES=1 but {why}");
        println!(
            "SKIP: {why}; install qemu-system-arm >= {}.{} (see README) to run the oracle comparison",
            MIN_QEMU.0, MIN_QEMU.1
        );
        None
    };
    match qemu_version() {
        None => return skip("qemu-system-aarch64 not found".into()),
        Some(v) if v < MIN_QEMU => return skip(format!("qemu-system-aarch64 is version {}.{}", v.0, v.1)),
        Some(_) => {}
    }
    let mut child = Command::new("qemu-system-aarch64")
        .args(["-M", "virt,virtualization=on,gic-version=2", "-cpu", cpu, "-m", "128M"])
        .args(["-smp", &cores.to_string()])
        .args(["-nographic", "-nic", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot", "-kernel"])
        .arg(image)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qemu-system-aarch64 starts");
    // Drain the serial output while QEMU runs: a program that prints more than the pipe buffer
    // holds (64 KiB on Linux) would otherwise block QEMU until the deadline.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("wait for qemu").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("QEMU did not power off within 60 s running {}", image.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(reader.join().expect("output reader thread").expect("read qemu output"))
}
