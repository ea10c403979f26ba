//! The HyperSoC side: a `Cpu` at EL0 with the Linux user-space view of the EL1 controls, and a
//! platform whose RAM is exactly the file part of the QEMU program (so PC-relative loads read
//! the same bytes, and an address outside it faults, which skips the case).

use hypersoc::cpu::{Cpu, Exit, FirmwareCall, Functional, Memory, PhysAddr, Platform, Pstate, SysReg};

use super::program::{Layout, BASE};
use super::state::{Outcome, State, IN_RECORD, SCRATCH_SIZE};

/// Flat RAM and nothing else: MMIO aborts, SMC is not served.
pub struct UserPlatform {
    pub memory: Memory,
}

impl Platform for UserPlatform {
    fn memory(&mut self) -> &mut Memory {
        &mut self.memory
    }
    fn mmio_read(&mut self, _cpu: usize, _pa: PhysAddr, _size: u8) -> Option<u64> {
        None
    }
    fn mmio_write(&mut self, _cpu: usize, _pa: PhysAddr, _size: u8, _value: u64) -> bool {
        false
    }
    fn firmware_call(&mut self, _cpu: usize, _function_id: u64, _args: [u64; 3]) -> FirmwareCall {
        FirmwareCall::NotHandled
    }
}

impl UserPlatform {
    /// RAM holding `image` (the executable's file part) at [`BASE`].
    pub fn new(image: &[u8], layout: &Layout) -> Self {
        let mut memory = Memory::new(PhysAddr(BASE), layout.file_end - BASE);
        assert!(memory.write_bytes(PhysAddr(BASE), image), "image fits RAM");
        UserPlatform { memory }
    }
}

/// SCTLR_EL1 as Linux sets it for user space (D13.2.113): M (so unaligned accesses to Normal
/// memory do not fault), SA0, DZE, UCT, nTWI, nTWE, UCI.
const SCTLR_EL1_LINUX: u64 = 1 | (1 << 4) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26);

/// Why HyperSoC did not complete a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// An exception, with its ESR_EL1.EC.
    Exception(u8),
    /// The run loop stopped (WFI, WFE, YIELD).
    Stopped,
    /// The PC is not a landing pad (a branch elsewhere).
    Elsewhere,
}

/// Runs case `i` (its word and input record are in RAM). Like the QEMU program, it takes the
/// state from the input record and the data area from the pristine copy in memory, which an
/// earlier case's store may have hit.
pub fn run(p: &mut UserPlatform, layout: &Layout, i: usize, pair: bool) -> Result<Outcome, Skip> {
    let mut record = vec![0u8; IN_RECORD];
    assert!(p.memory.read_bytes(PhysAddr(layout.input(i)), &mut record));
    let state = State::from_record(&record);
    let mut pristine = vec![0u8; SCRATCH_SIZE];
    assert!(p.memory.read_bytes(PhysAddr(layout.pristine), &mut pristine));
    assert!(p.memory.write_bytes(PhysAddr(layout.scratch), &pristine));
    let mut cpu = Cpu::new(0, 0x8000_0000);
    cpu.set_sysreg(SysReg::SCTLR_EL1, SCTLR_EL1_LINUX);
    cpu.set_sysreg(SysReg::CPACR_EL1, 3 << 20);
    // MDSCR_EL1.TDCC, as Linux sets it: no Debug Communications Channel at EL0.
    cpu.set_sysreg(SysReg::MDSCR_EL1, 1 << 12);
    cpu.set_sysreg(SysReg::FPCR, state.fpcr);
    cpu.set_sysreg(SysReg::FPSR, state.fpsr);
    cpu.x[..31].copy_from_slice(&state.x);
    cpu.v = state.v;
    cpu.sp_el[0] = state.sp;
    cpu.set_pstate(Pstate { nzcv: state.nzcv as u32, daif: 0, el: 0, sp_sel: false, il: false, ss: false });
    cpu.pc = layout.insn(i);
    let exit = cpu.run(p, &mut Functional, 1);
    // A pair runs its second instruction only if the first fell through to it.
    let exit = if pair && exit == Exit::Budget && cpu.counters.exceptions == 0 && cpu.pc == layout.insn(i) + 4 {
        cpu.run(p, &mut Functional, 1)
    } else {
        exit
    };
    if cpu.counters.exceptions > 0 {
        let esr = if cpu.pstate.el == 2 { SysReg::ESR_EL2 } else { SysReg::ESR_EL1 };
        return Err(Skip::Exception((cpu.sysreg(esr) >> 26) as u8));
    }
    if exit != Exit::Budget {
        return Err(Skip::Stopped);
    }
    let landing = layout.landing_of(i, cpu.pc, pair).ok_or(Skip::Elsewhere)?;
    let mut scratch = vec![0u8; SCRATCH_SIZE];
    assert!(p.memory.read_bytes(PhysAddr(layout.scratch), &mut scratch));
    let mut x = [0u64; 31];
    x.copy_from_slice(&cpu.x[..31]);
    Ok(Outcome {
        x,
        sp: cpu.sp_el[0],
        nzcv: u64::from(cpu.pstate.nzcv),
        fpsr: cpu.sysreg(SysReg::FPSR),
        landing,
        v: cpu.v,
        scratch,
    })
}
