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
    /// RAM holding `image` (the executable's file part) at [`BASE`], followed by the
    /// translation tables of an identity map of exactly that part (see [`build_tables`]).
    pub fn new(image: &[u8], layout: &Layout) -> Self {
        let mapped = layout.file_end - BASE;
        let l3_tables = mapped.div_ceil(TABLE_SPAN);
        let mut memory = Memory::new(PhysAddr(BASE), mapped + (2 + l3_tables) * PAGE);
        assert!(memory.write_bytes(PhysAddr(BASE), image), "image fits RAM");
        build_tables(&mut memory, layout.file_end);
        UserPlatform { memory }
    }
}

/// Bytes per page and per translation table (4 KiB granule).
const PAGE: u64 = 0x1000;
/// Bytes one level-3 table maps (512 pages).
const TABLE_SPAN: u64 = 512 * PAGE;
/// TCR_EL1.T0SZ: 39-bit virtual addresses (the walk starts at level 1); [`BASE`] is below 2^39.
const T0SZ: u64 = 25;

/// Writes, after the file part, an identity map of `[BASE, file_end)` in 4 KiB pages of Normal
/// write-back memory that EL0 may read, write and execute (D8.3, D8.4): the Linux view of a
/// user mapping, so that unaligned accesses behave as on QEMU user mode, while an address
/// outside the file part (the tables included) has no mapping and faults, which skips the case.
/// Returns the address of the level-1 table.
fn build_tables(memory: &mut Memory, file_end: u64) -> u64 {
    let l1 = file_end;
    let l2 = l1 + PAGE;
    let l3 = l2 + PAGE;
    let write = |memory: &mut Memory, table: u64, index: u64, descriptor: u64| {
        assert!(memory.write_bytes(PhysAddr(table + 8 * index), &descriptor.to_le_bytes()));
    };
    // Table descriptors: bits 1:0 = 0b11 (D8.3.1).
    write(memory, l1, (BASE >> 30) & 0x1ff, l2 | 0b11);
    let mut va = BASE;
    let mut table = l3;
    while va < file_end {
        if va.is_multiple_of(TABLE_SPAN) || va == BASE {
            write(memory, l2, (va >> 21) & 0x1ff, table | 0b11);
        }
        // Page descriptor: AttrIndx 0, AP = 0b01 (EL0 and EL1 read/write), SH = inner
        // shareable, AF; UXN and PXN clear.
        let page = va | (1 << 10) | (0b11 << 8) | (0b01 << 6) | 0b11;
        write(memory, table, (va >> 12) & 0x1ff, page);
        va += PAGE;
        if va.is_multiple_of(TABLE_SPAN) {
            table += PAGE;
        }
    }
    l1
}

/// SCTLR_EL1 as Linux sets it for user space (D13.2.113): M (so unaligned accesses to Normal
/// memory do not fault), SA0, DZE, UCT, nTWI, nTWE, UCI.
const SCTLR_EL1_LINUX: u64 = 1 | (1 << 4) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26);
/// MAIR_EL1 attribute 0: Normal, inner and outer write-back non-transient read/write-allocate.
const MAIR_EL1_NORMAL: u64 = 0xff;
/// TCR_EL1: T0SZ, TG0 = 4 KiB, IRGN0/ORGN0 write-back, SH0 inner shareable, EPD1 (no TTBR1
/// walks), IPS = 40 bits.
const TCR_EL1_USER: u64 = T0SZ | (0b01 << 8) | (0b01 << 10) | (0b11 << 12) | (1 << 23) | (0b010 << 32);

/// Why HyperSoC did not complete a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// An exception, with its ESR_EL1.EC, and the Linux signal it becomes where that does not
    /// depend on the address space (see [`linux_signal`]).
    Exception { ec: u8, signal: Option<u64>, elr: u64 },
    /// The run loop stopped (WFI, WFE, YIELD).
    Stopped,
    /// The PC is not a landing pad (a branch elsewhere).
    Elsewhere,
}

/// The signal Linux (and so QEMU user mode) delivers for an EL0 exception with syndrome `esr`,
/// where QEMU's answer cannot depend on what else is mapped: UNDEFINED (EC 0x00) and trapped
/// system register accesses (EC 0x18) are SIGILL, Alignment faults on data accesses (EC 0x24,
/// DFSC 0b100001) SIGBUS. Translation and permission faults are left out (QEMU's process maps
/// more than HyperSoC's RAM), and so are SP alignment faults (QEMU does not check SP alignment).
pub fn linux_signal(esr: u64) -> Option<u64> {
    const SIGILL: u64 = 4;
    const SIGBUS: u64 = 7;
    match (esr >> 26, esr & 0x3f) {
        (0x00 | 0x18, _) => Some(SIGILL),
        (0x24, 0x21) => Some(SIGBUS),
        _ => None,
    }
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
    cpu.set_sysreg(SysReg::MAIR_EL1, MAIR_EL1_NORMAL);
    cpu.set_sysreg(SysReg::TCR_EL1, TCR_EL1_USER);
    cpu.set_sysreg(SysReg::TTBR0_EL1, layout.file_end);
    cpu.set_sysreg(SysReg::SCTLR_EL1, SCTLR_EL1_LINUX);
    cpu.set_sysreg(SysReg::CPACR_EL1, 3 << 20);
    // MDSCR_EL1.TDCC, as Linux sets it: no Debug Communications Channel at EL0.
    cpu.set_sysreg(SysReg::MDSCR_EL1, 1 << 12);
    cpu.set_sysreg(SysReg::FPCR, state.fpcr);
    cpu.set_sysreg(SysReg::FPSR, state.fpsr);
    cpu.x[..31].copy_from_slice(&state.x);
    cpu.v = state.v;
    cpu.sp_el[0] = state.sp;
    // As the QEMU side's MSR NZCV: only bits 31:28 (an earlier case's store into this input
    // record may have set others).
    cpu.set_pstate(Pstate {
        nzcv: state.nzcv as u32 & 0xf000_0000,
        daif: 0,
        el: 0,
        sp_sel: false,
        il: false,
        ss: false,
    });
    cpu.pc = layout.insn(i);
    let exit = cpu.run(p, &mut Functional, 1);
    // A pair runs its second instruction only if the first fell through to it.
    let exit = if pair && exit == Exit::Budget && cpu.counters.exceptions == 0 && cpu.pc == layout.insn(i) + 4 {
        cpu.run(p, &mut Functional, 1)
    } else {
        exit
    };
    if cpu.counters.exceptions > 0 {
        let (esr, elr) =
            if cpu.pstate.el == 2 { (SysReg::ESR_EL2, SysReg::ELR_EL2) } else { (SysReg::ESR_EL1, SysReg::ELR_EL1) };
        let esr = cpu.sysreg(esr);
        return Err(Skip::Exception { ec: (esr >> 26) as u8, signal: linux_signal(esr), elr: cpu.sysreg(elr) });
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
