//! The register state a case starts from, the outcome it ends in, and their record formats in
//! the QEMU program's memory.

/// Bytes of the scratch data area.
pub const SCRATCH_SIZE: usize = 1024;
/// Bytes of an input record.
pub const IN_RECORD: usize = 800;
/// Bytes of an output record.
pub const OUT_RECORD: usize = rec_out::SCRATCH as usize + SCRATCH_SIZE;

/// Input record offsets: X0..X30 at 8 * n.
pub mod rec_in {
    pub const SP: u32 = 248;
    pub const NZCV: u32 = 256;
    pub const FPCR: u32 = 264;
    pub const FPSR: u32 = 272;
    pub const V: u32 = 288;
}

/// Output record offsets: X0..X30 at 8 * n.
pub mod rec_out {
    pub const SP: u32 = 248;
    pub const NZCV: u32 = 256;
    pub const FPSR: u32 = 264;
    pub const LANDING: u32 = 272;
    pub const V: u32 = 288;
    pub const SCRATCH: u32 = 800;
}

/// Architectural state at EL0 before the instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub x: [u64; 31],
    pub sp: u64,
    /// NZCV in bits 31:28.
    pub nzcv: u64,
    pub fpcr: u64,
    pub fpsr: u64,
    pub v: [u128; 32],
}

fn put64(buf: &mut [u8], off: u32, value: u64) {
    buf[off as usize..off as usize + 8].copy_from_slice(&value.to_le_bytes());
}

fn get64(buf: &[u8], off: u32) -> u64 {
    u64::from_le_bytes(buf[off as usize..off as usize + 8].try_into().expect("8 bytes"))
}

impl State {
    pub fn write_record(&self, buf: &mut [u8]) {
        for (n, &x) in self.x.iter().enumerate() {
            put64(buf, 8 * n as u32, x);
        }
        put64(buf, rec_in::SP, self.sp);
        put64(buf, rec_in::NZCV, self.nzcv);
        put64(buf, rec_in::FPCR, self.fpcr);
        put64(buf, rec_in::FPSR, self.fpsr);
        for (n, &v) in self.v.iter().enumerate() {
            let off = rec_in::V as usize + 16 * n;
            buf[off..off + 16].copy_from_slice(&v.to_le_bytes());
        }
    }
}

impl State {
    /// Reads an input record (the inverse of [`State::write_record`]).
    pub fn from_record(buf: &[u8]) -> State {
        let mut x = [0u64; 31];
        for (n, slot) in x.iter_mut().enumerate() {
            *slot = get64(buf, 8 * n as u32);
        }
        let mut v = [0u128; 32];
        for (n, slot) in v.iter_mut().enumerate() {
            let off = rec_in::V as usize + 16 * n;
            *slot = u128::from_le_bytes(buf[off..off + 16].try_into().expect("16 bytes"));
        }
        State {
            x,
            sp: get64(buf, rec_in::SP),
            nzcv: get64(buf, rec_in::NZCV),
            fpcr: get64(buf, rec_in::FPCR),
            fpsr: get64(buf, rec_in::FPSR),
            v,
        }
    }
}

/// Architectural state after the instruction, and where it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub x: [u64; 31],
    pub sp: u64,
    pub nzcv: u64,
    pub fpsr: u64,
    /// A `program::landing` value.
    pub landing: u64,
    pub v: [u128; 32],
    pub scratch: Vec<u8>,
}

impl Outcome {
    /// The outcome of an instruction at `pc` that raises Linux signal `signal`: the QEMU program
    /// records only the landing and the faulting PC (in the X0 slot).
    pub fn signal(signal: u64, pc: u64) -> Outcome {
        let mut x = [0u64; 31];
        x[0] = pc;
        Outcome {
            x,
            sp: 0,
            nzcv: 0,
            fpsr: 0,
            landing: super::program::landing::SIGNAL + signal,
            v: [0; 32],
            scratch: vec![0; SCRATCH_SIZE],
        }
    }

    pub fn from_record(buf: &[u8]) -> Outcome {
        let mut x = [0u64; 31];
        for (n, slot) in x.iter_mut().enumerate() {
            *slot = get64(buf, 8 * n as u32);
        }
        let mut v = [0u128; 32];
        for (n, slot) in v.iter_mut().enumerate() {
            let off = rec_out::V as usize + 16 * n;
            *slot = u128::from_le_bytes(buf[off..off + 16].try_into().expect("16 bytes"));
        }
        Outcome {
            x,
            sp: get64(buf, rec_out::SP),
            nzcv: get64(buf, rec_out::NZCV),
            fpsr: get64(buf, rec_out::FPSR),
            landing: get64(buf, rec_out::LANDING),
            v,
            scratch: buf[rec_out::SCRATCH as usize..rec_out::SCRATCH as usize + SCRATCH_SIZE].to_vec(),
        }
    }

    /// The differences from `other` as `(what, ours, theirs)` lines.
    pub fn diff(&self, other: &Outcome) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        if self.landing != other.landing {
            // A signal leaves QEMU's record empty but for the faulting PC: the rest is noise.
            let mut theirs = landing_name(other.landing);
            if other.landing > super::program::landing::SIGNAL {
                theirs += &format!(" at pc {:#x}", other.x[0]);
            }
            out.push(("landing".into(), landing_name(self.landing), theirs));
            return out;
        }
        if self.landing > super::program::landing::SIGNAL {
            if self.x[0] != other.x[0] {
                out.push(("signal pc".into(), format!("{:#x}", self.x[0]), format!("{:#x}", other.x[0])));
            }
            return out;
        }
        for n in 0..31 {
            if self.x[n] != other.x[n] {
                out.push((format!("x{n}"), format!("{:#018x}", self.x[n]), format!("{:#018x}", other.x[n])));
            }
        }
        // FPSR bits 31:28 are the AArch32 comparison flags: RES0 on HyperSoC (AArch64 only),
        // storage on QEMU's Cortex-A57 (which has AArch32). Neither side uses them.
        let fpsr = |v: u64| v & !0xf000_0000;
        let scalars =
            [("sp", self.sp, other.sp), ("nzcv", self.nzcv, other.nzcv), ("fpsr", fpsr(self.fpsr), fpsr(other.fpsr))];
        for (name, a, b) in scalars {
            if a != b {
                out.push((name.into(), format!("{a:#x}"), format!("{b:#x}")));
            }
        }
        for n in 0..32 {
            if self.v[n] != other.v[n] {
                out.push((format!("v{n}"), format!("{:#034x}", self.v[n]), format!("{:#034x}", other.v[n])));
            }
        }
        for (chunk, (a, b)) in self.scratch.chunks(16).zip(other.scratch.chunks(16)).enumerate() {
            if a != b {
                out.push((format!("scratch+{:#x}", chunk * 16), hex(a), hex(b)));
            }
        }
        out
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn landing_name(landing: u64) -> String {
    use super::program::landing as l;
    match landing {
        l::FALL => "next instruction".into(),
        l::TAKEN => "branch forward (A+8)".into(),
        l::BACK => "branch backward".into(),
        s if s > l::SIGNAL => format!("signal {}", s - l::SIGNAL),
        other => format!("unknown ({other:#x})"),
    }
}
