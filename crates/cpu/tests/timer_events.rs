//! The core's side of time, interrupts and several cores, through a minimal platform: timer
//! outputs reported at the exact deadline, the interrupt taken before the next instruction,
//! WFE/SEV exits, the global exclusive monitor between two cores, and the CNTHCTL_EL2 traps.

use cpu::timer::{ctl, output};
use cpu::{line, Cpu, Exit, FirmwareCall, Functional, InterruptLines, Memory, PhysAddr, Platform, Pstate, SysReg};

const RAM: u64 = 0x4000_0000;
const CODE: u64 = RAM + 0x8_0000;
const VBAR_EL2: u64 = RAM + 0x1_0000;
const VBAR_EL1: u64 = RAM + 0x2_0000;
const DATA: u64 = RAM + 0x3_0000;

const B_SELF: u32 = 0x1400_0000;
const WFE: u32 = 0xd503_205f;
const SEV: u32 = 0xd503_209f;
const LDXR_X1_X0: u32 = 0xc85f_7c01;
const STXR_W2_X1_X0: u32 = 0xc802_7c01;
const STR_X3_X0: u32 = 0xf900_0003;
const MRS_X0_CNTPCT: u32 = 0xd53b_e020;
const ADD_X5_1: u32 = 0x9100_04a5;

/// A platform whose "interrupt controller" raises IRQ while the EL2 physical timer output is
/// high, and which records what the core told it.
struct Board {
    memory: Memory,
    time: u64,
    timer_reports: Vec<(u64, u8)>,
    lines: Option<InterruptLines>,
    events_sent: Vec<usize>,
}

impl Board {
    fn new() -> Board {
        let mut memory = Memory::new(PhysAddr(RAM), 0x10_0000);
        // Every vector entry branches to itself.
        for base in [VBAR_EL1, VBAR_EL2] {
            for entry in 0..16 {
                memory.write_bytes(PhysAddr(base + entry * 0x80), &B_SELF.to_le_bytes());
            }
        }
        Board { memory, time: 0, timer_reports: Vec::new(), lines: None, events_sent: Vec::new() }
    }

    fn code(&mut self, at: u64, words: &[u32]) {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert!(self.memory.write_bytes(PhysAddr(at), &bytes));
    }
}

impl Platform for Board {
    fn memory(&mut self) -> &mut Memory {
        &mut self.memory
    }
    fn mmio_read(&mut self, _: usize, _: PhysAddr, _: u8) -> Option<u64> {
        None
    }
    fn mmio_write(&mut self, _: usize, _: PhysAddr, _: u8, _: u64) -> bool {
        false
    }
    fn firmware_call(&mut self, _: usize, _: u64, _: [u64; 3]) -> FirmwareCall {
        FirmwareCall::NotHandled
    }
    fn set_time(&mut self, _: usize, cycles: u64) {
        self.time = cycles;
    }
    fn timer_outputs(&mut self, _: usize, levels: u8) {
        self.timer_reports.push((self.time, levels));
        let irq = if levels & output::EL2_PHYSICAL != 0 { line::IRQ } else { 0 };
        self.lines = Some(InterruptLines { physical: irq, virt: 0 });
    }
    fn interrupt_lines(&mut self, _: usize) -> Option<InterruptLines> {
        self.lines.take()
    }
    fn send_event(&mut self, cpu: usize) {
        self.events_sent.push(cpu);
    }
}

fn core_at(el: u8, id: usize) -> Cpu {
    let mut cpu = Cpu::new(id, 0x8000_0000 | id as u64);
    cpu.set_pstate(Pstate { nzcv: 0, daif: 0, el, sp_sel: true, il: false, ss: false });
    cpu.set_sysreg(SysReg::VBAR_EL2, VBAR_EL2);
    cpu.set_sysreg(SysReg::VBAR_EL1, VBAR_EL1);
    cpu.pc = CODE;
    cpu
}

#[test]
fn timer_interrupt_is_taken_at_the_deadline_boundary() {
    let mut board = Board::new();
    board.code(CODE, &[ADD_X5_1, 0x17ff_ffff]); // add x5, x5, #1; b .-4
    let mut cpu = core_at(2, 0);
    cpu.set_clock(1_000_000_000, 62_500_000); // 16 cycles per tick
    cpu.write_sysreg(SysReg::HCR_EL2, 1 << 31 | 1 << 4); // RW, IMO: IRQs go to EL2
    cpu.write_sysreg(SysReg::CNTHP_CVAL_EL2, 100); // deadline: cycle 1600
    cpu.write_sysreg(SysReg::CNTHP_CTL_EL2, ctl::ENABLE);
    assert_eq!(cpu.next_timer_event(), 1600);
    // Run in pieces that straddle the deadline: the result must not depend on them.
    assert_eq!(cpu.run_until(&mut board, &mut Functional, u64::MAX, 1000), Exit::Budget);
    assert_eq!(cpu.counters.cycles, 1000);
    assert_eq!(cpu.counters.exceptions, 0);
    assert_eq!(cpu.run_until(&mut board, &mut Functional, u64::MAX, 1601), Exit::Budget);
    assert_eq!(board.timer_reports, [(1600, output::EL2_PHYSICAL)]);
    // Taken before the instruction of cycle 1600: 1600 loop instructions, half of them adds.
    assert_eq!(cpu.counters.exceptions, 1);
    assert_eq!(cpu.x[5], 800);
    assert_eq!(cpu.pc, VBAR_EL2 + 0x280, "current EL with SP_ELx, IRQ");
    assert_eq!(cpu.sysreg(SysReg::ELR_EL2), CODE);
}

#[test]
fn wfe_waits_unless_an_event_is_pending_and_sev_reaches_the_platform() {
    let mut board = Board::new();
    board.code(CODE, &[WFE, SEV, WFE, WFE]);
    let mut cpu = core_at(2, 3);
    assert_eq!(cpu.run(&mut board, &mut Functional, 100), Exit::WaitForEvent);
    assert_eq!(cpu.pc, CODE + 4);
    // SEV sets this core's Event Register too: the next WFE completes, the one after waits.
    assert_eq!(cpu.run(&mut board, &mut Functional, 100), Exit::WaitForEvent);
    assert_eq!(cpu.pc, CODE + 16);
    assert_eq!(board.events_sent, [3]);
    // An event from elsewhere makes the core's next WFE complete.
    cpu.pc = CODE;
    cpu.signal_event();
    assert!(cpu.wfe_wakeup_pending());
    assert_eq!(cpu.run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cpu.pc, CODE + 4);
    assert!(!cpu.event_register());
}

#[test]
fn a_store_by_another_core_fails_the_store_exclusive() {
    let mut board = Board::new();
    // Core 0: ldxr x1, [x0]; then later stxr w2, x1, [x0]. Core 1: str x3, [x0].
    board.code(CODE, &[LDXR_X1_X0, STXR_W2_X1_X0]);
    board.code(CODE + 0x100, &[STR_X3_X0]);
    let mut cores = [core_at(2, 0), core_at(2, 1)];
    for (i, core) in cores.iter_mut().enumerate() {
        core.x[0] = DATA + if i == 0 { 0 } else { 8 }; // same 64-byte granule
        core.x[2] = 7;
        core.x[3] = 0x55;
    }
    cores[1].pc = CODE + 0x100;
    assert_eq!(cores[0].run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cores[1].run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(board.memory.take_monitor_events(), 0b01, "core 0's monitor was cleared");
    assert_eq!(cores[0].run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cores[0].x[2], 1, "store-exclusive failed");
    // Without the other store it succeeds; a store to another granule does not interfere.
    cores[0].pc = CODE;
    cores[1].pc = CODE + 0x100;
    cores[1].x[0] = DATA + 64;
    assert_eq!(cores[0].run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cores[1].run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cores[0].run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cores[0].x[2], 0, "store-exclusive succeeded");
}

#[test]
fn cnthctl_traps_el1_physical_counter_reads_to_el2() {
    let mut board = Board::new();
    board.code(CODE, &[MRS_X0_CNTPCT]);
    let mut cpu = core_at(1, 0);
    cpu.write_sysreg(SysReg::CNTHCTL_EL2, 0);
    assert_eq!(cpu.run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cpu.pstate.el, 2);
    assert_eq!(cpu.sysreg(SysReg::ESR_EL2) >> 26, 0x18);
    // ISS: op0 3, op2 1, op1 3, CRn 14, Rt 0, CRm 0, read.
    assert_eq!(cpu.sysreg(SysReg::ESR_EL2) & 0x1ff_ffff, (3 << 20) | (1 << 17) | (3 << 14) | (14 << 10) | 1);
    // Allowed: the count of the local time.
    let mut cpu = core_at(1, 0);
    cpu.counters.cycles = 16 * 1234;
    assert_eq!(cpu.run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cpu.x[0], 1234);
}

#[test]
fn virtual_irq_line_is_taken_at_el1_only_when_routed() {
    let mut board = Board::new();
    board.code(CODE, &[B_SELF]);
    let mut cpu = core_at(1, 0);
    cpu.set_virtual_interrupt_lines(line::IRQ);
    // IMO clear: virtual interrupts are disabled.
    assert_eq!(cpu.run(&mut board, &mut Functional, 2), Exit::Budget);
    assert_eq!(cpu.counters.exceptions, 0);
    assert!(!cpu.wakeup_pending());
    cpu.write_sysreg(SysReg::HCR_EL2, 1 << 31 | 1 << 4);
    assert!(cpu.wakeup_pending());
    assert_eq!(cpu.read_sysreg(SysReg::ISR_EL1), 1 << 7);
    assert_eq!(cpu.run(&mut board, &mut Functional, 1), Exit::Budget);
    assert_eq!(cpu.counters.exceptions, 1);
    assert_eq!((cpu.pstate.el, cpu.pc), (1, VBAR_EL1 + 0x280));
}

/// A timing model that charges three cycles per instruction.
struct Slow;

impl cpu::Timing for Slow {
    fn retire(&mut self, _insn: &a64::Insn, _pc: u64) -> u64 {
        3
    }
}

#[test]
fn with_more_than_one_cycle_per_instruction_limits_hold_at_block_boundaries() {
    let mut board = Board::new();
    board.code(CODE, &[ADD_X5_1, 0x17ff_ffff]); // add x5, x5, #1; b .-4: two-instruction blocks
    let mut cpu = core_at(2, 0);
    cpu.write_sysreg(SysReg::HCR_EL2, 1 << 31 | 1 << 4);
    cpu.write_sysreg(SysReg::CNTHP_CVAL_EL2, 100); // cycle 1600
    cpu.write_sysreg(SysReg::CNTHP_CTL_EL2, ctl::ENABLE);
    assert_eq!(cpu.run_until(&mut board, &mut Slow, u64::MAX, 1000), Exit::Budget);
    // The first block boundary at or after cycle 1000: at most one block (6 cycles) late.
    assert!((1000..1006).contains(&cpu.counters.cycles), "{}", cpu.counters.cycles);
    assert_eq!(cpu.run_until(&mut board, &mut Slow, u64::MAX, 2000), Exit::Budget);
    let (at, levels) = board.timer_reports[0];
    assert_eq!(levels, output::EL2_PHYSICAL);
    assert!((1600..1606).contains(&at), "reported at {at}");
    assert_eq!(cpu.counters.exceptions, 1);
}
