//! Running the hypervisor (`firmware/hypervisor`) with a VM configuration on a HyperSoC model:
//! what the demo example and the hypervisor tests share.

use std::path::PathBuf;

use crate::devices::pl011::{RxSource, SharedBuffer, TxSink};
use crate::soc::loader::ImageSpec;
use crate::soc::machine::{RunLimits, Soc, SocOptions, StopCause};
use crate::soc::model::Model;
use crate::vmconfig::{self, VmConfigError, CONFIG_BLOB_ADDR};

/// The demo configuration: `firmware/guests/vms.toml` (rtos, ivi, attacker).
pub fn demo_config() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("firmware/guests/vms.toml")
}

/// The demo configuration packed with the guest images the build script produced.
pub fn demo_blob() -> Result<Vec<u8>, VmConfigError> {
    vmconfig::pack_file(&demo_config(), Some(&crate::firmware_image("")))
}

/// Packs configuration text with the built guest images.
pub fn pack(text: &str) -> Result<Vec<u8>, VmConfigError> {
    vmconfig::pack_str(text, std::path::Path::new("vms.toml"), &crate::firmware_image(""))
}

/// The outcome of a run.
pub struct HypervisorRun {
    /// Why the run stopped.
    pub cause: StopCause,
    /// What UART0 printed.
    pub output: String,
    /// Instructions and cycles per core.
    pub instructions: Vec<u64>,
    pub cycles: Vec<u64>,
}

/// Where UART0 goes.
pub enum Console {
    /// Captured into [`HypervisorRun::output`].
    Capture,
    /// The host's stdout (the output field stays empty).
    Stdout,
}

/// Boots the hypervisor on `model` with `blob` loaded at [`CONFIG_BLOB_ADDR`] and runs until
/// power-off or `max_instructions`.
pub fn run(model: &str, blob: &[u8], max_instructions: u64, console: Console) -> Result<HypervisorRun, String> {
    let model = Model::load(model).map_err(|e| e.to_string())?;
    let buffer = SharedBuffer::default();
    let uart_tx = match console {
        Console::Capture => TxSink::Capture(buffer.clone()),
        Console::Stdout => TxSink::Stdout,
    };
    let mut soc = Soc::new(model, SocOptions { uart_tx, uart_rx: RxSource::None }).map_err(|e| e.to_string())?;
    // The loader takes raw images from files.
    let path = temp_path();
    std::fs::write(&path, blob).map_err(|e| format!("{}: {e}", path.display()))?;
    let hypervisor = crate::firmware_image("hypervisor");
    let specs = [ImageSpec::Elf(hypervisor), ImageSpec::Raw { path: path.clone(), address: CONFIG_BLOB_ADDR }];
    let loaded = soc.load(&specs).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    loaded?;
    let cause = soc.run(RunLimits { max_instructions: Some(max_instructions), max_cycles: None });
    let output = buffer.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    Ok(HypervisorRun {
        cause,
        output,
        instructions: soc.cores.iter().map(|c| c.counters.instructions).collect(),
        cycles: soc.cores.iter().map(|c| c.counters.cycles).collect(),
    })
}

fn temp_path() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("hypersoc-vms-{}-{n}.bin", std::process::id()))
}
