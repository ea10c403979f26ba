//! The hypervisor's VM configuration: a `vms.toml` next to the guest images, packed into the
//! binary blob that `firmware/hypervisor/src/config.rs` reads at [`CONFIG_BLOB_ADDR`] (the
//! layout is documented there; both sides must agree, and the tests check that they do).
//!
//! ```toml
//! [[vm]]
//! name = "rtos"                 # at most 15 bytes
//! image = "rtos"                # guest ELF, relative to the image directory
//! ram = { ipa = 0x4000_0000, pa = 0x4800_0000, size = 0x100_0000 }
//! vcpus = 1
//! priority = 10                 # VM priority: higher preempts lower
//! vcpu_priority = [0]           # per vCPU, default 0
//! affinity = [[0]]              # physical cores each vCPU may run on
//! on_fault = "stop"             # or "abort": inject an external abort
//! devices = [{ kind = "pl011", ipa = 0x0900_0000, size = 0x1000 }]
//! ```
//!
//! The packer checks only the syntax and the images; what the hypervisor will run (sizes,
//! overlaps, cores, device kinds) it decides itself and refuses with a message, so a blob built
//! from a bad configuration still reaches it.
//!
//! Load the blob with `hypersoc run hypervisor vms.bin@0x44000000` or, on QEMU,
//! `-device loader,file=vms.bin,addr=0x44000000,force-raw=on`.

use std::path::{Path, PathBuf};

use goblin::elf::{program_header, Elf};
use serde::Deserialize;

/// Where the host loads the blob (the hypervisor's `CONFIG_BLOB_ADDR`).
pub const CONFIG_BLOB_ADDR: u64 = 0x4400_0000;
/// Blob magic and version.
const MAGIC: &[u8; 8] = b"HSVMCFG1";
const VERSION: u32 = 1;
const HEADER: usize = 64;
const RECORD: usize = 256;
/// Array sizes of a record.
const MAX_VCPUS: usize = 4;
const MAX_DEVICES: usize = 4;

/// Why a configuration cannot be packed.
#[derive(Debug, thiserror::Error)]
pub enum VmConfigError {
    /// The TOML file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The TOML text is not a VM configuration.
    #[error("{path}: {source}")]
    Syntax {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    /// A field has a value the blob cannot carry.
    #[error("VM \"{vm}\": {what}")]
    Field { vm: String, what: String },
    /// A guest image cannot be used.
    #[error("VM \"{vm}\": image {path}: {what}")]
    Image { vm: String, path: PathBuf, what: String },
}

/// `vms.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    vm: Vec<VmToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VmToml {
    name: String,
    image: PathBuf,
    ram: Ram,
    vcpus: u32,
    #[serde(default)]
    priority: u32,
    #[serde(default)]
    vcpu_priority: Vec<u8>,
    #[serde(default)]
    affinity: Vec<Vec<u32>>,
    #[serde(default = "default_on_fault")]
    on_fault: String,
    #[serde(default)]
    devices: Vec<DeviceToml>,
}

fn default_on_fault() -> String {
    "stop".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ram {
    ipa: u64,
    pa: u64,
    size: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceToml {
    kind: String,
    #[serde(default)]
    ipa: u64,
    #[serde(default)]
    size: u64,
}

/// A guest image flattened to one range of IPAs.
struct Image {
    ipa: u64,
    entry: u64,
    bytes: Vec<u8>,
}

/// Packs the configuration file at `path`; images are looked up in `image_dir` (default: the
/// file's directory).
pub fn pack_file(path: &Path, image_dir: Option<&Path>) -> Result<Vec<u8>, VmConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| VmConfigError::Read { path: path.to_path_buf(), source })?;
    let dir = image_dir.map(Path::to_path_buf).unwrap_or_else(|| path.parent().unwrap_or(Path::new(".")).to_path_buf());
    pack_str(&text, path, &dir)
}

/// Packs configuration `text` (named `origin` in messages) with images from `image_dir`.
pub fn pack_str(text: &str, origin: &Path, image_dir: &Path) -> Result<Vec<u8>, VmConfigError> {
    let file: File =
        toml::from_str(text).map_err(|source| VmConfigError::Syntax { path: origin.to_path_buf(), source })?;
    let mut blob = vec![0u8; HEADER + file.vm.len() * RECORD];
    blob[..8].copy_from_slice(MAGIC);
    put32(&mut blob, 8, VERSION);
    put32(&mut blob, 12, file.vm.len() as u32);
    for (i, vm) in file.vm.iter().enumerate() {
        let field = |what: String| VmConfigError::Field { vm: vm.name.clone(), what };
        if vm.name.len() > 15 {
            return Err(field(format!("name is {} bytes long, at most 15", vm.name.len())));
        }
        let image = load_image(&vm.name, &image_dir.join(&vm.image))?;
        // Images start on a 16-byte boundary.
        while !blob.len().is_multiple_of(16) {
            blob.push(0);
        }
        let offset = blob.len() as u64;
        blob.extend_from_slice(&image.bytes);
        let on_fault = match vm.on_fault.as_str() {
            "stop" => 0,
            "abort" => 1,
            other => return Err(field(format!("on_fault = \"{other}\", expected \"stop\" or \"abort\""))),
        };
        let r = HEADER + i * RECORD;
        blob[r..r + vm.name.len()].copy_from_slice(vm.name.as_bytes());
        put64(&mut blob, r + 16, vm.ram.ipa);
        put64(&mut blob, r + 24, vm.ram.pa);
        put64(&mut blob, r + 32, vm.ram.size);
        put64(&mut blob, r + 40, image.entry);
        put64(&mut blob, r + 48, offset);
        put64(&mut blob, r + 56, image.bytes.len() as u64);
        put64(&mut blob, r + 64, image.ipa);
        put32(&mut blob, r + 72, vm.vcpus);
        put32(&mut blob, r + 76, vm.priority);
        put32(&mut blob, r + 80, on_fault);
        put32(&mut blob, r + 84, vm.devices.len() as u32);
        for (n, &p) in vm.vcpu_priority.iter().take(MAX_VCPUS).enumerate() {
            blob[r + 88 + n] = p;
        }
        for n in 0..MAX_VCPUS {
            // A vCPU without an affinity list may run on core 0.
            let mask = match vm.affinity.get(n) {
                Some(cores) => cores.iter().try_fold(0u32, |m, &c| (c < 32).then_some(m | (1 << c))),
                None => Some(1),
            };
            let mask = mask.ok_or_else(|| field(format!("affinity of vCPU {n} names a core above 31")))?;
            put32(&mut blob, r + 96 + 4 * n, mask);
        }
        for (n, d) in vm.devices.iter().take(MAX_DEVICES).enumerate() {
            let at = r + 128 + n * 32;
            if d.kind.len() > 15 {
                return Err(field(format!("device kind \"{}\" is longer than 15 bytes", d.kind)));
            }
            blob[at..at + d.kind.len()].copy_from_slice(d.kind.as_bytes());
            put64(&mut blob, at + 16, d.ipa);
            put64(&mut blob, at + 24, d.size);
        }
    }
    let total = blob.len() as u64;
    put64(&mut blob, 16, total);
    Ok(blob)
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Reads an AArch64 ELF and flattens its `PT_LOAD` file contents (gaps zero-filled).
fn load_image(vm: &str, path: &Path) -> Result<Image, VmConfigError> {
    let err = |what: String| VmConfigError::Image { vm: vm.into(), path: path.to_path_buf(), what };
    let data = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let elf = Elf::parse(&data).map_err(|e| err(format!("not an ELF file: {e}")))?;
    if elf.header.e_machine != goblin::elf::header::EM_AARCH64 {
        return Err(err("not an AArch64 ELF".into()));
    }
    let loads: Vec<_> =
        elf.program_headers.iter().filter(|h| h.p_type == program_header::PT_LOAD && h.p_filesz > 0).collect();
    let start = loads.iter().map(|h| h.p_paddr).min().ok_or_else(|| err("no loadable segment".into()))?;
    let end = loads.iter().map(|h| h.p_paddr + h.p_filesz).max().unwrap_or(start);
    if end - start > 64 << 20 {
        return Err(err(format!("loadable segments span {:#x} bytes", end - start)));
    }
    let mut bytes = vec![0u8; (end - start) as usize];
    for h in loads {
        let src = data
            .get(h.p_offset as usize..(h.p_offset + h.p_filesz) as usize)
            .ok_or_else(|| err("segment outside the file".into()))?;
        let at = (h.p_paddr - start) as usize;
        bytes[at..at + src.len()].copy_from_slice(src);
    }
    Ok(Image { ipa: start, entry: elf.entry, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_file() {
        let e = pack_str("[[vm]]\nname = 1\n", Path::new("x.toml"), Path::new(".")).unwrap_err();
        assert!(e.to_string().starts_with("x.toml:"), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = pack_str("[[vm]]\nnmae = \"a\"\n", Path::new("x.toml"), Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("nmae"), "{e}");
    }
}
