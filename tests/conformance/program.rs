//! The QEMU side: one static AArch64 Linux executable that runs many cases.
//!
//! Memory layout (one RWX PT_LOAD at [`BASE`]; the file part is also HyperSoC's RAM, so every
//! byte an instruction can read there is the same on both sides):
//!
//! ```text
//! BASE            ELF header and program header
//! BASE + 0x1000   prologue: signal handler, restorer, scratch copy, store stubs, writer, startup
//! CASES           case 0, case 1, ... (CASE_WORDS words each), then `b finish`
//! pristine        SCRATCH_SIZE bytes: the initial scratch contents
//! scratch         SCRATCH_SIZE bytes: the data area loads and stores use, restored per case
//! inputs          one InRecord per case
//! -- end of file part (page aligned): HyperSoC's RAM ends here --
//! guard page
//! ctl             resume address, output record address, sigaltstack/sigaction structures
//! outputs         one OutRecord per case
//! altstack        the signal stack
//! ```
//!
//! Each case: `b setup; back: b store_back; setup: ctl.resume = next case, ctl.record = its
//! output record; bl restore_scratch; clrex; load the state from its input record (X1..X30, SP, NZCV,
//! FPCR, FPSR, V0..V31, X0 last); A: the instruction under test; A + 4: a second instruction
//! (a store-exclusive after a load-exclusive) or a NOP; b store_fall; b store_taken`.
//! The store stubs save X0 in TPIDR_EL0 (the only register-free scratch at EL0), store every
//! register, NZCV, FPSR, the landing pad and the scratch area to the output record, and branch to
//! the resume address. Branch instructions under test target `A + 12` (taken, forward) or `back`
//! (taken, backward); anything else falls through the second slot.
//!
//! Faults: SIGILL, SIGTRAP, SIGBUS, SIGFPE and SIGSEGV have a handler on an alternate stack that
//! records `0x100 + signal` as the landing (and the faulting PC in the X0 slot) and resumes at
//! the next case. The harness gives QEMU the instructions that complete on HyperSoC and those
//! that raise an exception Linux turns into a known signal (`hypersoc::linux_signal`); any
//! other signal is a divergence.

use super::asm::{self, Asm, FPCR, FPSR, LE, NE, NZCV, TPIDR_EL0};
use super::state::{Outcome, State, IN_RECORD, OUT_RECORD, SCRATCH_SIZE};

/// Load address of the executable.
/// Above 4 GiB, so that no 32-bit value (and no small special value) a case puts in a base
/// register can reach the harness code: a store there would change QEMU's copy of a later
/// case's setup code, which HyperSoC never executes.
pub const BASE: u64 = 0x20_0000_0000;
/// Start of the prologue.
const PROLOGUE: u64 = BASE + 0x1000;
/// Start of the cases.
pub const CASES: u64 = BASE + 0x2000;
/// Words of code per case.
pub const CASE_WORDS: u64 = 57;
/// Word index of the instruction under test within a case.
const INSN_WORD: u64 = 53;
/// Word index of the backward landing pad within a case.
const BACK_WORD: u64 = 1;

/// Landing pads, as stored in the output record.
pub mod landing {
    /// Fell through to the next instruction.
    pub const FALL: u64 = 1;
    /// Branched forward to `A + 8`.
    pub const TAKEN: u64 = 2;
    /// Branched back to the case's back pad.
    pub const BACK: u64 = 3;
    /// `SIGNAL + n`: the instruction raised signal n.
    pub const SIGNAL: u64 = 0x100;
}

/// Where everything of a program with `cases` cases lives.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub cases: usize,
    pub pristine: u64,
    pub scratch: u64,
    pub inputs: u64,
    /// End of the file part (page aligned).
    pub file_end: u64,
    ctl: u64,
    outputs: u64,
    altstack: u64,
    mem_end: u64,
}

const ALTSTACK_SIZE: u64 = 0x1_0000;

fn align(value: u64, to: u64) -> u64 {
    value.div_ceil(to) * to
}

impl Layout {
    pub fn new(cases: usize) -> Self {
        let n = cases as u64;
        let code_end = CASES + 4 * (n * CASE_WORDS + 1);
        let pristine = align(code_end, 0x100);
        let scratch = pristine + SCRATCH_SIZE as u64;
        let inputs = scratch + SCRATCH_SIZE as u64;
        let file_end = align(inputs + n * IN_RECORD as u64, 0x1000);
        let ctl = file_end + 0x1000;
        let outputs = ctl + 0x1000;
        let altstack = align(outputs + n * OUT_RECORD as u64, 0x1000);
        Layout { cases, pristine, scratch, inputs, file_end, ctl, outputs, altstack, mem_end: altstack + ALTSTACK_SIZE }
    }

    /// Address of the instruction under test of case `i`.
    pub fn insn(&self, i: usize) -> u64 {
        CASES + 4 * (i as u64 * CASE_WORDS + INSN_WORD)
    }

    /// Address of the backward landing pad of case `i`.
    pub fn back(&self, i: usize) -> u64 {
        CASES + 4 * (i as u64 * CASE_WORDS + BACK_WORD)
    }

    /// The forward landing pad of case `i`.
    pub fn taken(&self, i: usize) -> u64 {
        self.insn(i) + 12
    }

    /// The landing pad of a PC reached by case `i`'s instruction(s) (`pair`: both slots hold an
    /// instruction), if it is one.
    pub fn landing_of(&self, i: usize, pc: u64, pair: bool) -> Option<u64> {
        let a = self.insn(i);
        let next = a.wrapping_add(if pair { 8 } else { 4 });
        match pc {
            _ if pc == next => Some(landing::FALL),
            _ if pc == self.taken(i) => Some(landing::TAKEN),
            _ if pc == self.back(i) => Some(landing::BACK),
            _ => None,
        }
    }

    /// Address of the input record of case `i`.
    pub fn input(&self, i: usize) -> u64 {
        self.inputs + (i * IN_RECORD) as u64
    }

    fn output(&self, i: usize) -> u64 {
        self.outputs + (i * OUT_RECORD) as u64
    }
}

/// ctl offsets.
mod ctl {
    pub const RESUME: u32 = 0;
    pub const RECORD: u32 = 8;
    pub const STACK_T: u32 = 32;
    pub const SIGACTION: u32 = 64;
}

/// Emits the state load from the record at X0 (X0 loaded last).
fn load_state(a: &mut Asm) {
    use super::state::rec_in as r;
    for (reg, off) in [(NZCV, r::NZCV), (FPCR, r::FPCR), (FPSR, r::FPSR)] {
        a.ldr_x(1, 0, off);
        a.msr(reg, 1);
    }
    a.ldr_x(1, 0, r::SP);
    a.add_imm(31, 1, 0); // mov sp, x1
    for q in (0..32).step_by(2) {
        a.ldp_q(q, q + 1, 0, (r::V + 16 * q) as i32);
    }
    for x in (1..31).step_by(2) {
        a.ldp_x(x, x + 1, 0, (8 * x) as i32);
    }
    a.ldr_x(0, 0, 0);
}

/// Emits a loop copying SCRATCH_SIZE bytes from X1 to X2 (clobbers X1..X5).
fn copy_scratch(a: &mut Asm) {
    a.mov_imm(3, (SCRATCH_SIZE / 16) as u64);
    let top = a.pc();
    a.ldp_x_post(4, 5, 1, 16);
    a.stp_x_post(4, 5, 2, 16);
    a.subs_imm(3, 3, 1);
    a.b_cond(NE, top);
}

/// Builds the executable for `words` (two slots per case: the instruction under test and a
/// second one or a NOP; a skipped case gets two NOPs) and `states`.
pub fn build(layout: &Layout, words: &[[u32; 2]], states: &[State], pristine: &[u8]) -> Vec<u8> {
    assert_eq!(words.len(), layout.cases);
    let mut a = Asm::new(PROLOGUE);

    // Signal handler (x0 = signal, x2 = ucontext): landing = 0x100 + signal, and resume at the
    // next case by setting uc_mcontext.pc (offset 440 in the arm64 ucontext).
    let handler = a.pc();
    a.addr(3, layout.ctl);
    a.ldr_x(4, 3, ctl::RECORD);
    a.add_imm(5, 0, landing::SIGNAL as u32);
    a.str_x(5, 4, super::state::rec_out::LANDING);
    a.ldr_x(6, 2, 440); // the faulting PC, reported in the record's X0 slot
    a.str_x(6, 4, 0);
    a.ldr_x(5, 3, ctl::RESUME);
    a.str_x(5, 2, 440);
    a.ret();
    let restorer = a.pc();
    a.mov_imm(8, 139); // rt_sigreturn
    a.svc0();

    // restore_scratch: pristine -> scratch.
    let restore_scratch = a.pc();
    a.addr(1, layout.pristine);
    a.addr(2, layout.scratch);
    copy_scratch(&mut a);
    a.ret();

    // Store stubs, then the common tail.
    let mut stubs = [0u64; 3];
    let mut tail_branches = Vec::new();
    for (k, land) in [landing::FALL, landing::TAKEN, landing::BACK].into_iter().enumerate() {
        stubs[k] = a.pc();
        a.msr(TPIDR_EL0, 0);
        a.addr(0, layout.ctl);
        a.ldr_x(0, 0, ctl::RECORD);
        for x in (1..31).step_by(2) {
            a.stp_x(x, x + 1, 0, (8 * x) as i32);
        }
        a.mov_imm(1, land);
        tail_branches.push(a.words.len());
        a.emit(0); // b tail, patched below
    }
    let tail = a.pc();
    for index in tail_branches {
        let offset = (tail - (PROLOGUE + 4 * index as u64)) / 4;
        a.words[index] = 0x1400_0000 | offset as u32;
    }
    {
        use super::state::rec_out as r;
        a.str_x(1, 0, r::LANDING);
        a.mrs(1, TPIDR_EL0);
        a.str_x(1, 0, 0);
        a.add_imm(1, 31, 0); // mov x1, sp
        a.str_x(1, 0, r::SP);
        a.mrs(1, NZCV);
        a.str_x(1, 0, r::NZCV);
        a.mrs(1, FPSR);
        a.str_x(1, 0, r::FPSR);
        for q in (0..32).step_by(2) {
            a.stp_q(q, q + 1, 0, (r::V + 16 * q) as i32);
        }
        a.addr(1, layout.scratch);
        a.add_imm(2, 0, r::SCRATCH);
        copy_scratch(&mut a);
        a.addr(1, layout.ctl);
        a.ldr_x(1, 1, ctl::RESUME);
        a.br(1);
    }

    // finish: write(1, outputs, size) until done, then exit_group(0).
    let finish = a.pc();
    a.addr(1, layout.outputs);
    a.mov_imm(2, (layout.cases * OUT_RECORD) as u64);
    let write_loop = a.pc();
    a.mov_imm(0, 1);
    a.mov_imm(8, 64);
    a.svc0();
    a.subs_imm(31, 0, 0); // cmp x0, #0
    let exit_branch = a.words.len();
    a.emit(0); // b.le exit, patched below
    a.add_reg(1, 1, 0);
    a.sub_reg(2, 2, 0);
    a.cbnz(2, write_loop);
    let exit = a.pc();
    let offset = (exit - (PROLOGUE + 4 * exit_branch as u64)) / 4;
    a.words[exit_branch] = 0x5400_0000 | ((offset as u32) << 5) | LE;
    a.mov_imm(0, 0);
    a.mov_imm(8, 94);
    a.svc0();

    // Startup: sigaltstack, then rt_sigaction for each signal; falls through to case 0.
    let entry = a.pc();
    a.addr(9, layout.ctl);
    a.addr(1, layout.altstack);
    a.str_x(1, 9, ctl::STACK_T); // ss_sp
    a.str_x(31, 9, ctl::STACK_T + 8); // ss_flags
    a.mov_imm(1, ALTSTACK_SIZE);
    a.str_x(1, 9, ctl::STACK_T + 16); // ss_size
    a.add_imm(0, 9, ctl::STACK_T);
    a.mov_imm(1, 0);
    a.mov_imm(8, 132); // sigaltstack
    a.svc0();
    a.adr(1, handler);
    a.str_x(1, 9, ctl::SIGACTION);
    // SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_NODEFER
    a.mov_imm(1, 0x4c00_0004);
    a.str_x(1, 9, ctl::SIGACTION + 8);
    a.adr(1, restorer);
    a.str_x(1, 9, ctl::SIGACTION + 16);
    a.str_x(31, 9, ctl::SIGACTION + 24);
    for signal in [4u64, 5, 7, 8, 11] {
        a.mov_imm(0, signal);
        a.add_imm(1, 9, ctl::SIGACTION);
        a.mov_imm(2, 0);
        a.mov_imm(3, 8);
        a.mov_imm(8, 134); // rt_sigaction
        a.svc0();
    }
    a.b(CASES);
    a.pad_to(CASES);

    for (i, &[word, second]) in words.iter().enumerate() {
        let start = a.pc();
        a.b(start + 8);
        a.b(stubs[2]);
        a.addr(0, layout.ctl);
        a.adr(1, start + 4 * CASE_WORDS);
        a.str_x(1, 0, ctl::RESUME);
        a.addr(1, layout.output(i));
        a.str_x(1, 0, ctl::RECORD);
        a.bl(restore_scratch);
        a.emit(0xd503_3f5f); // clrex: every case starts with the exclusive monitor open
        a.addr(0, layout.input(i));
        load_state(&mut a);
        assert_eq!(a.pc(), layout.insn(i));
        a.emit(word);
        a.emit(second);
        a.b(stubs[0]);
        a.b(stubs[1]);
        assert_eq!(a.pc(), start + 4 * CASE_WORDS);
    }
    a.b(finish);

    let mut image = vec![0u8; (layout.file_end - BASE) as usize];
    let code = a.bytes();
    let at = (PROLOGUE - BASE) as usize;
    image[at..at + code.len()].copy_from_slice(&code);
    let at = (layout.pristine - BASE) as usize;
    image[at..at + SCRATCH_SIZE].copy_from_slice(pristine);
    image[at + SCRATCH_SIZE..at + 2 * SCRATCH_SIZE].copy_from_slice(pristine);
    for (i, s) in states.iter().enumerate() {
        let at = (layout.input(i) - BASE) as usize;
        s.write_record(&mut image[at..at + IN_RECORD]);
    }
    asm::elf(image, BASE, layout.mem_end - BASE, entry)
}

/// Splits QEMU's stdout into the output records.
pub fn parse(layout: &Layout, stdout: &[u8]) -> Result<Vec<Outcome>, String> {
    if stdout.len() != layout.cases * OUT_RECORD {
        return Err(format!("QEMU wrote {} bytes, expected {}", stdout.len(), layout.cases * OUT_RECORD));
    }
    Ok(stdout.chunks_exact(OUT_RECORD).map(Outcome::from_record).collect())
}
