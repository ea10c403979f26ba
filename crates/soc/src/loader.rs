//! Image loading: AArch64 ELF executables (the `PT_LOAD` segments, parsed with goblin) and raw
//! binaries placed at an address given on the command line (`FILE@ADDR`).
//!
//! Every problem is a [`LoadError`] that names the file and says what is wrong with it; nothing
//! is written to guest memory until the whole image has been checked.

use std::path::{Path, PathBuf};

use goblin::elf::{header, program_header, Elf};

/// What to load: an ELF file, or a raw image at a physical address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSpec {
    /// An AArch64 ELF executable; its entry point is where the core starts if it comes first.
    Elf(PathBuf),
    /// A raw binary copied to `address`; its entry point is `address`.
    Raw {
        /// The file.
        path: PathBuf,
        /// Physical load address.
        address: u64,
    },
    /// A raw image already in memory (e.g. a packed VM configuration), copied to `address`;
    /// `name` stands for it in errors.
    RawBytes {
        /// What errors call the image.
        name: PathBuf,
        /// The bytes.
        data: Vec<u8>,
        /// Physical load address.
        address: u64,
    },
}

/// A contiguous range of RAM images may be loaded into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RamRange {
    /// Physical base address.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
}

impl RamRange {
    fn contains(&self, addr: u64, len: u64) -> bool {
        addr >= self.base && len <= self.size && addr - self.base <= self.size - len
    }
}

/// One piece of an image, ready to be copied to physical memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Physical load address.
    pub addr: u64,
    /// The bytes, including the zero-filled part of an ELF segment (`p_memsz > p_filesz`).
    pub data: Vec<u8>,
}

/// A checked image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedImage {
    /// The file it came from.
    pub path: PathBuf,
    /// Where execution starts.
    pub entry: u64,
    /// What to copy to memory.
    pub segments: Vec<Segment>,
    /// ELF symbols (name, value) of functions and objects, for tools and tests.
    pub symbols: Vec<(String, u64)>,
}

impl LoadedImage {
    /// The value of the symbol `name`, if the image has one.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.symbols.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }
}

/// Why an image cannot be loaded. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An image argument that is neither `FILE` nor `FILE@ADDR`.
    #[error("bad image argument `{arg}`: {reason}")]
    BadSpec {
        /// The argument.
        arg: String,
        /// What is wrong.
        reason: String,
    },
    /// The file is not an ELF file (and no load address was given for a raw image).
    #[error("{path}: not an ELF file (give a raw image as FILE@ADDR)")]
    NotElf {
        /// The file.
        path: PathBuf,
    },
    /// The ELF file is malformed or truncated.
    #[error("{path}: malformed ELF: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What goblin or the checks found.
        reason: String,
    },
    /// The ELF file is for another machine or class.
    #[error("{path}: ELF for {machine}, not a 64-bit little-endian AArch64 ELF")]
    WrongMachine {
        /// The file.
        path: PathBuf,
        /// The machine it is for, e.g. `x86-64`.
        machine: String,
    },
    /// The ELF file is not an executable (e.g. a relocatable object).
    #[error("{path}: ELF type {kind} is not an executable")]
    NotExecutable {
        /// The file.
        path: PathBuf,
        /// The ELF type.
        kind: String,
    },
    /// A segment falls outside RAM.
    #[error("{path}: segment [{start:#x}, {end:#x}) lies outside RAM [{ram_base:#x}, {ram_end:#x})")]
    OutsideRam {
        /// The file.
        path: PathBuf,
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
        /// RAM base.
        ram_base: u64,
        /// One past the end of RAM.
        ram_end: u64,
    },
    /// The ELF file has nothing to load.
    #[error("{path}: no loadable (PT_LOAD) segment")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl ImageSpec {
    /// Parses a command-line image argument: `FILE` (an ELF) or `FILE@ADDR` (a raw image at
    /// ADDR, decimal or `0x` hex).
    pub fn parse(arg: &str) -> Result<ImageSpec, LoadError> {
        let Some((file, addr)) = arg.rsplit_once('@') else {
            return Ok(ImageSpec::Elf(PathBuf::from(arg)));
        };
        let bad = |reason: &str| LoadError::BadSpec { arg: arg.to_string(), reason: reason.to_string() };
        if file.is_empty() {
            return Err(bad("no file before `@`"));
        }
        let digits = addr.replace('_', "");
        let address = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => digits.parse(),
        }
        .map_err(|_| bad("the load address after `@` is not a number"))?;
        Ok(ImageSpec::Raw { path: PathBuf::from(file), address })
    }

    /// The file of the image (for in-memory images, the name errors use).
    pub fn path(&self) -> &Path {
        match self {
            ImageSpec::Elf(path) | ImageSpec::Raw { path, .. } | ImageSpec::RawBytes { name: path, .. } => path,
        }
    }
}

/// Reads and checks an image against the RAM it must fit in.
pub fn load(spec: &ImageSpec, ram: &[RamRange]) -> Result<LoadedImage, LoadError> {
    let path = spec.path();
    let bytes = match spec {
        ImageSpec::RawBytes { data, .. } => data.clone(),
        _ => std::fs::read(path).map_err(|source| LoadError::Read { path: path.to_path_buf(), source })?,
    };
    let image = match *spec {
        ImageSpec::Elf(_) => parse_elf(path, &bytes)?,
        ImageSpec::Raw { address, .. } | ImageSpec::RawBytes { address, .. } => LoadedImage {
            path: path.to_path_buf(),
            entry: address,
            segments: vec![Segment { addr: address, data: bytes }],
            symbols: Vec::new(),
        },
    };
    for segment in &image.segments {
        let len = segment.data.len() as u64;
        if !ram.iter().any(|r| r.contains(segment.addr, len)) {
            let first = ram.first().copied().unwrap_or(RamRange { base: 0, size: 0 });
            return Err(LoadError::OutsideRam {
                path: path.to_path_buf(),
                start: segment.addr,
                end: segment.addr.saturating_add(len),
                ram_base: first.base,
                ram_end: first.base + first.size,
            });
        }
    }
    Ok(image)
}

/// The ELF magic number (ELF specification, e_ident[EI_MAG0..EI_MAG3]).
const ELF_MAGIC: &[u8; 4] = b"\x7fELF";

/// Parses an AArch64 executable into segments at their physical addresses.
pub fn parse_elf(path: &Path, bytes: &[u8]) -> Result<LoadedImage, LoadError> {
    if bytes.len() < 4 || &bytes[..4] != ELF_MAGIC {
        return Err(LoadError::NotElf { path: path.to_path_buf() });
    }
    let malformed = |reason: String| LoadError::Malformed { path: path.to_path_buf(), reason };
    // Check machine and class from the header first, so that a foreign ELF gets the clearer error
    // even when goblin would reject it for another reason.
    if let Ok(h) = Elf::parse_header(bytes) {
        if h.e_machine != header::EM_AARCH64 || h.e_ident[header::EI_CLASS] != header::ELFCLASS64 {
            let class = if h.e_ident[header::EI_CLASS] == header::ELFCLASS64 { "64-bit" } else { "32-bit" };
            return Err(LoadError::WrongMachine {
                path: path.to_path_buf(),
                machine: format!("{} ({class})", machine_name(h.e_machine)),
            });
        }
        if h.e_ident[header::EI_DATA] != header::ELFDATA2LSB {
            return Err(LoadError::WrongMachine { path: path.to_path_buf(), machine: "AArch64 big-endian".into() });
        }
        if h.e_type != header::ET_EXEC && h.e_type != header::ET_DYN {
            return Err(LoadError::NotExecutable {
                path: path.to_path_buf(),
                kind: header::et_to_str(h.e_type).into(),
            });
        }
    }
    let elf = Elf::parse(bytes).map_err(|e| malformed(e.to_string()))?;
    let mut segments = Vec::new();
    for ph in elf.program_headers.iter().filter(|ph| ph.p_type == program_header::PT_LOAD && ph.p_memsz > 0) {
        let file_end = ph.p_offset.checked_add(ph.p_filesz).filter(|&end| end <= bytes.len() as u64);
        let Some(file_end) = file_end else {
            return Err(malformed(format!(
                "segment at offset {:#x} with {:#x} bytes runs past the end of the {}-byte file (truncated?)",
                ph.p_offset,
                ph.p_filesz,
                bytes.len()
            )));
        };
        if ph.p_filesz > ph.p_memsz {
            return Err(malformed(format!("segment at {:#x} has p_filesz > p_memsz", ph.p_paddr)));
        }
        let memsz = usize::try_from(ph.p_memsz).map_err(|_| malformed("segment too large".into()))?;
        if ph.p_paddr.checked_add(ph.p_memsz).is_none() {
            return Err(malformed(format!("segment at {:#x} wraps the address space", ph.p_paddr)));
        }
        // A segment of more than 4 GiB cannot fit any model's RAM; refuse it before allocating.
        if memsz > (1 << 32) {
            return Err(malformed(format!("segment at {:#x} of {memsz:#x} bytes is too large", ph.p_paddr)));
        }
        let mut data = vec![0u8; memsz];
        data[..ph.p_filesz as usize].copy_from_slice(&bytes[ph.p_offset as usize..file_end as usize]);
        // With the MMU off at boot, addresses are physical: load at p_paddr (LMA).
        segments.push(Segment { addr: ph.p_paddr, data });
    }
    if segments.is_empty() {
        return Err(LoadError::Empty { path: path.to_path_buf() });
    }
    let symbols = elf
        .syms
        .iter()
        .filter(|s| s.st_value != 0 && !s.is_import())
        .filter_map(|s| elf.strtab.get_at(s.st_name).filter(|n| !n.is_empty()).map(|n| (n.to_string(), s.st_value)))
        .collect();
    Ok(LoadedImage { path: path.to_path_buf(), entry: elf.entry, segments, symbols })
}

fn machine_name(machine: u16) -> String {
    match machine {
        header::EM_X86_64 => "x86-64".into(),
        header::EM_386 => "x86".into(),
        header::EM_ARM => "32-bit Arm".into(),
        header::EM_AARCH64 => "AArch64".into(),
        header::EM_RISCV => "RISC-V".into(),
        other => format!("machine {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: &[RamRange] = &[RamRange { base: 0x4000_0000, size: 0x10_0000 }];

    /// A minimal 64-bit ELF header (64 bytes) followed by one program header (56 bytes) and
    /// `payload`, loaded at `paddr`.
    fn elf(machine: u16, paddr: u64, payload: &[u8], filesz: u64) -> Vec<u8> {
        let mut b = vec![0u8; 120];
        b[..4].copy_from_slice(ELF_MAGIC);
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // little-endian
        b[6] = 1; // EV_CURRENT
        b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        b[18..20].copy_from_slice(&machine.to_le_bytes());
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        b[24..32].copy_from_slice(&(paddr + 4).to_le_bytes()); // entry
        b[32..40].copy_from_slice(&64u64.to_le_bytes()); // phoff
        b[52..54].copy_from_slice(&64u16.to_le_bytes()); // ehsize
        b[54..56].copy_from_slice(&56u16.to_le_bytes()); // phentsize
        b[56..58].copy_from_slice(&1u16.to_le_bytes()); // phnum
        let ph = 64;
        b[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        b[ph + 8..ph + 16].copy_from_slice(&120u64.to_le_bytes()); // offset
        b[ph + 16..ph + 24].copy_from_slice(&paddr.to_le_bytes()); // vaddr
        b[ph + 24..ph + 32].copy_from_slice(&paddr.to_le_bytes()); // paddr
        b[ph + 32..ph + 40].copy_from_slice(&filesz.to_le_bytes());
        b[ph + 40..ph + 48].copy_from_slice(&(filesz + 8).to_le_bytes()); // memsz: 8 bytes of .bss
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn loads_segments_with_bss() {
        let bytes = elf(header::EM_AARCH64, 0x4000_1000, &[1, 2, 3, 4], 4);
        let image = parse_elf(Path::new("t.elf"), &bytes).unwrap();
        assert_eq!(image.entry, 0x4000_1004);
        assert_eq!(image.segments, [Segment { addr: 0x4000_1000, data: vec![1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0] }]);
    }

    #[test]
    fn rejects_foreign_and_broken_files() {
        let x86 = elf(header::EM_X86_64, 0x4000_1000, &[0; 4], 4);
        let err = parse_elf(Path::new("x.elf"), &x86).unwrap_err();
        assert_eq!(err.to_string(), "x.elf: ELF for x86-64 (64-bit), not a 64-bit little-endian AArch64 ELF");
        let err = parse_elf(Path::new("n.txt"), b"hello").unwrap_err();
        assert!(matches!(err, LoadError::NotElf { .. }), "{err}");
        let truncated = elf(header::EM_AARCH64, 0x4000_1000, &[0; 4], 0x100);
        let err = parse_elf(Path::new("t.elf"), &truncated).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        let cut = &elf(header::EM_AARCH64, 0x4000_1000, &[0; 4], 4)[..90];
        assert!(matches!(parse_elf(Path::new("c.elf"), cut).unwrap_err(), LoadError::Malformed { .. }));
    }

    #[test]
    fn segments_must_lie_in_ram() {
        let dir = std::env::temp_dir().join(format!("hypersoc-loader-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("high.elf");
        std::fs::write(&path, elf(header::EM_AARCH64, 0x4010_0000 - 4, &[0; 4], 4)).unwrap();
        let err = load(&ImageSpec::Elf(path.clone()), RAM).unwrap_err();
        assert!(matches!(err, LoadError::OutsideRam { start: 0x400f_fffc, end: 0x4010_0008, .. }), "{err}");
        let raw = dir.join("raw.bin");
        std::fs::write(&raw, [0xaa; 16]).unwrap();
        let image = load(&ImageSpec::parse(&format!("{}@0x4000_0000", raw.display())).unwrap(), RAM).unwrap();
        assert_eq!((image.entry, image.segments[0].data.len()), (0x4000_0000, 16));
        let err = load(&ImageSpec::Raw { path: raw, address: 0x1000 }, RAM).unwrap_err();
        assert!(matches!(err, LoadError::OutsideRam { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn in_memory_images_load_and_are_checked_like_files() {
        let spec = |address| ImageSpec::RawBytes { name: "vms.bin".into(), data: vec![0x5a; 8], address };
        let image = load(&spec(0x4000_1000), RAM).unwrap();
        assert_eq!(
            (image.entry, image.segments[0].addr, &image.segments[0].data[..]),
            (0x4000_1000, 0x4000_1000, &[0x5a; 8][..])
        );
        let err = load(&spec(0x1000), RAM).unwrap_err();
        assert!(matches!(err, LoadError::OutsideRam { start: 0x1000, end: 0x1008, .. }), "{err}");
        assert!(err.to_string().contains("vms.bin"), "{err}");
    }

    #[test]
    fn image_arguments() {
        assert_eq!(ImageSpec::parse("a.elf").unwrap(), ImageSpec::Elf("a.elf".into()));
        assert_eq!(
            ImageSpec::parse("a.bin@0x4008_0000").unwrap(),
            ImageSpec::Raw { path: "a.bin".into(), address: 0x4008_0000 }
        );
        assert_eq!(ImageSpec::parse("a.bin@4096").unwrap(), ImageSpec::Raw { path: "a.bin".into(), address: 4096 });
        assert!(matches!(ImageSpec::parse("a.bin@zz"), Err(LoadError::BadSpec { .. })));
        assert!(matches!(ImageSpec::parse("@0x10"), Err(LoadError::BadSpec { .. })));
    }
}
