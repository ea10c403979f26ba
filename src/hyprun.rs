//! Running the hypervisor (`firmware/hypervisor`) with a VM configuration on a HyperSoC model:
//! what the demo example and the hypervisor tests share.

use std::path::PathBuf;

use crate::devices::pl011::{RxSource, SharedBuffer, TxSink};
use crate::soc::loader::ImageSpec;
use crate::soc::machine::{RunLimits, Soc, SocError, SocOptions, StopCause};
use crate::soc::model::{Model, ModelError};
use crate::vmconfig::{self, VmConfigError, CONFIG_BLOB_ADDR};

/// Why a hypervisor run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The model could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The SoC could not be built or the images loaded.
    #[error(transparent)]
    Soc(#[from] SocError),
}

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
pub fn run(model: &str, blob: &[u8], max_instructions: u64, console: Console) -> Result<HypervisorRun, RunError> {
    let model = Model::load(model)?;
    let buffer = SharedBuffer::default();
    let uart_tx = match console {
        Console::Capture => TxSink::Capture(buffer.clone()),
        Console::Stdout => TxSink::Stdout,
    };
    let mut soc = Soc::new(model, SocOptions { uart_tx, uart_rx: RxSource::None })?;
    let hypervisor = crate::firmware_image("hypervisor");
    let config = ImageSpec::RawBytes { name: "vms.bin".into(), data: blob.to_vec(), address: CONFIG_BLOB_ADDR };
    soc.load(&[ImageSpec::Elf(hypervisor), config])?;
    let cause = soc.run(RunLimits { max_instructions: Some(max_instructions), max_cycles: None });
    let output = buffer.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    Ok(HypervisorRun {
        cause,
        output,
        instructions: soc.cores.iter().map(|c| c.counters.instructions).collect(),
        cycles: soc.cores.iter().map(|c| c.counters.cycles).collect(),
    })
}
