//! Host debug controls of the run loop: breakpoints stop before the instruction and are
//! stepped over exactly once on resume (also inside a loop that comes back to them in the same
//! run), watchpoints stop before the access with the instruction not executed, and catches stop
//! at the vector of the exception they select.

use cpu::exception::ec;
use cpu::{
    CatchFilter, Cpu, ExceptionKind, Exit, FirmwareCall, Functional, Memory, PhysAddr, Platform, Pstate, SysReg,
    VirtAddr, WatchKind, Watchpoint,
};

const RAM_BASE: u64 = 0x4000_0000;
const CODE: u64 = RAM_BASE + 0x1_0000;
const DATA: u64 = RAM_BASE + 0x100;
const VBAR_EL2: u64 = RAM_BASE + 0x2000;

/// `add x0, x0, #1`
const ADD_X0_1: u32 = 0x9100_0400;
/// `str x0, [x1]`
const STR_X0_X1: u32 = 0xf900_0020;
/// `ldr x2, [x1]`
const LDR_X2_X1: u32 = 0xf940_0022;
/// `hvc #0`
const HVC_0: u32 = 0xd400_0002;
/// `svc #0`
const SVC_0: u32 = 0xd400_0001;
/// `nop`
const NOP: u32 = 0xd503_201f;

/// `b` by `words` instructions (negative: backwards).
fn b(words: i32) -> u32 {
    0x1400_0000 | (words as u32 & 0x03ff_ffff)
}

struct TestPlatform {
    memory: Memory,
}

impl Platform for TestPlatform {
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

/// A core at EL2 at `CODE` running `program`, with x1 = `DATA`.
fn setup(program: &[u32]) -> (Cpu, TestPlatform) {
    let mut p = TestPlatform { memory: Memory::new(PhysAddr(RAM_BASE), 0x2_0000) };
    let bytes: Vec<u8> = program.iter().flat_map(|w| w.to_le_bytes()).collect();
    assert!(p.memory.write_bytes(PhysAddr(CODE), &bytes));
    let mut cpu = Cpu::new(0, 0x8000_0000);
    cpu.pc = CODE;
    cpu.x[1] = DATA;
    cpu.set_sysreg(SysReg::VBAR_EL2, VBAR_EL2);
    (cpu, p)
}

fn read_data(p: &TestPlatform) -> u64 {
    let mut b = [0u8; 8];
    assert!(p.memory.read_bytes(PhysAddr(DATA), &mut b));
    u64::from_le_bytes(b)
}

#[test]
fn breakpoint_in_a_loop_stops_on_every_iteration() {
    let (mut cpu, mut p) = setup(&[ADD_X0_1, b(-1)]);
    cpu.set_breakpoint(CODE, true);
    for iteration in 0..5 {
        assert_eq!(cpu.run(&mut p, &mut Functional, 1000), Exit::Breakpoint);
        assert_eq!((cpu.pc, cpu.x[0]), (CODE, iteration));
        assert_eq!(cpu.counters.instructions, 2 * iteration);
    }
    cpu.set_breakpoint(CODE, false);
    assert_eq!(cpu.run(&mut p, &mut Functional, 10), Exit::Budget);
    assert_eq!(cpu.x[0], 9);
}

#[test]
fn single_steps_from_a_breakpoint_and_back_onto_it() {
    let (mut cpu, mut p) = setup(&[ADD_X0_1, b(-1)]);
    cpu.set_breakpoint(CODE, true);
    assert_eq!(cpu.run(&mut p, &mut Functional, 1000), Exit::Breakpoint);
    // Stepping from the breakpoint executes the instruction under it.
    assert_eq!(cpu.run(&mut p, &mut Functional, 1), Exit::Budget);
    assert_eq!((cpu.pc, cpu.x[0]), (CODE + 4, 1));
    assert_eq!(cpu.run(&mut p, &mut Functional, 1), Exit::Budget);
    assert_eq!(cpu.pc, CODE);
    // Arriving on the breakpoint by a step, the next step stops there without executing.
    assert_eq!(cpu.run(&mut p, &mut Functional, 1), Exit::Breakpoint);
    assert_eq!((cpu.pc, cpu.x[0], cpu.counters.instructions), (CODE, 1, 2));
    assert_eq!(cpu.run(&mut p, &mut Functional, 1), Exit::Budget);
    assert_eq!(cpu.x[0], 2);
}

#[test]
fn a_moved_pc_does_not_skip_the_breakpoint() {
    let (mut cpu, mut p) = setup(&[ADD_X0_1, b(-1)]);
    cpu.set_breakpoint(CODE, true);
    assert_eq!(cpu.run(&mut p, &mut Functional, 1000), Exit::Breakpoint);
    // A debugger moves the PC away; coming back to the breakpoint stops again.
    cpu.pc = CODE + 4;
    assert_eq!(cpu.run(&mut p, &mut Functional, 1000), Exit::Breakpoint);
    assert_eq!((cpu.pc, cpu.x[0], cpu.counters.instructions), (CODE, 0, 1));
}

#[test]
fn write_watchpoint_stops_before_the_store() {
    let (mut cpu, mut p) = setup(&[ADD_X0_1, STR_X0_X1, LDR_X2_X1, b(-3)]);
    let w = Watchpoint { va: VirtAddr(DATA + 4), len: 4, kind: WatchKind::Write };
    cpu.add_watchpoint(w);
    let Exit::Watchpoint(hit) = cpu.run(&mut p, &mut Functional, 1000) else { panic!("no watchpoint hit") };
    assert_eq!((hit.va, hit.size, hit.write, hit.watchpoint), (VirtAddr(DATA + 4), 8, true, w));
    // The store has not happened and does not count.
    assert_eq!((cpu.pc, read_data(&p), cpu.counters.instructions), (CODE + 4, 0, 1));
    // Resuming performs it, then stops at the next iteration's store.
    assert!(matches!(cpu.run(&mut p, &mut Functional, 1000), Exit::Watchpoint(_)));
    assert_eq!((cpu.pc, read_data(&p), cpu.x[2], cpu.x[0]), (CODE + 4, 1, 1, 2));
    assert_eq!(cpu.counters.instructions, 5);
    assert!(cpu.remove_watchpoint(w));
    assert!(!cpu.remove_watchpoint(w));
    assert_eq!(cpu.run(&mut p, &mut Functional, 8), Exit::Budget);
    assert_eq!((read_data(&p), cpu.x[0]), (3, 4));
}

#[test]
fn read_and_access_watchpoints() {
    let (mut cpu, mut p) = setup(&[ADD_X0_1, STR_X0_X1, LDR_X2_X1, b(-3)]);
    let read = Watchpoint { va: VirtAddr(DATA), len: 8, kind: WatchKind::Read };
    cpu.add_watchpoint(read);
    let Exit::Watchpoint(hit) = cpu.run(&mut p, &mut Functional, 1000) else { panic!("no read hit") };
    assert!(!hit.write);
    assert_eq!((cpu.pc, cpu.x[2]), (CODE + 8, 0));
    // A single step from a watchpoint stop executes the load.
    assert_eq!(cpu.run(&mut p, &mut Functional, 1), Exit::Budget);
    assert_eq!((cpu.pc, cpu.x[2]), (CODE + 12, 1));
    cpu.remove_watchpoint(read);
    cpu.add_watchpoint(Watchpoint { kind: WatchKind::Access, ..read });
    let mut stops = Vec::new();
    for _ in 0..3 {
        assert!(matches!(cpu.run(&mut p, &mut Functional, 1000), Exit::Watchpoint(_)));
        stops.push(cpu.pc - CODE);
    }
    assert_eq!(stops, [4, 8, 4]);
}

#[test]
fn breakpoint_then_watchpoint_on_the_same_instruction() {
    let (mut cpu, mut p) = setup(&[STR_X0_X1, b(-1)]);
    cpu.set_breakpoint(CODE, true);
    cpu.add_watchpoint(Watchpoint { va: VirtAddr(DATA), len: 8, kind: WatchKind::Write });
    assert_eq!(cpu.run(&mut p, &mut Functional, 1000), Exit::Breakpoint);
    // Stepping over the breakpoint still honours the watchpoint of the same instruction.
    assert!(matches!(cpu.run(&mut p, &mut Functional, 1000), Exit::Watchpoint(_)));
    assert_eq!(cpu.pc, CODE);
    assert_eq!(cpu.run(&mut p, &mut Functional, 1000), Exit::Breakpoint);
    assert_eq!(cpu.counters.instructions, 2);
}

#[test]
fn catch_stops_at_the_vector_of_the_selected_classes() {
    let (mut cpu, mut p) = setup(&[SVC_0, HVC_0, NOP, NOP]);
    cpu.set_pstate(Pstate { nzcv: 0, daif: 0x3c0, el: 1, sp_sel: true, il: false, ss: false });
    cpu.set_sysreg(SysReg::HCR_EL2, 1 << 31);
    cpu.set_sysreg(SysReg::VBAR_EL1, VBAR_EL2 - 0x1000);
    // The EL1 SVC handler returns with an ERET: SPSR_EL1/ELR_EL1 hold EL1h and the HVC.
    let eret = 0xd69f_03e0u32.to_le_bytes();
    assert!(p.memory.write_bytes(PhysAddr(VBAR_EL2 - 0x1000 + 0x200), &eret));
    cpu.set_catch(CatchFilter { sync_classes: 1 << ec::HVC64, el2_only: true, ..CatchFilter::default() });
    let Exit::Exception(taken) = cpu.run(&mut p, &mut Functional, 1000) else { panic!("HVC not caught") };
    assert_eq!(taken.kind, ExceptionKind::Sync { ec: ec::HVC64 });
    assert_eq!((taken.from_el, taken.to_el), (1, 2));
    assert_eq!((taken.vector, taken.return_address), (VBAR_EL2 + 0x400, CODE + 8));
    assert_eq!(taken.esr, 0x5a00_0000);
    assert_eq!((cpu.pc, cpu.pstate.el), (VBAR_EL2 + 0x400, 2));
    // SVC, ERET, HVC: three instructions; the SVC to EL1 was not caught but is counted.
    assert_eq!(cpu.counters.instructions, 3);
    assert_eq!(cpu.exception_stats().sync[usize::from(ec::SVC64)], 1);
    assert_eq!(cpu.exception_stats().sync[usize::from(ec::HVC64)], 1);
}

#[test]
fn a_single_step_that_takes_a_caught_exception_reports_it() {
    let (mut cpu, mut p) = setup(&[HVC_0]);
    cpu.set_catch(CatchFilter::ALL);
    assert!(matches!(cpu.run(&mut p, &mut Functional, 1), Exit::Exception(_)));
    assert_eq!(cpu.pc, VBAR_EL2 + 0x200);
    cpu.set_catch(CatchFilter::default());
    assert_eq!(cpu.catch_filter(), CatchFilter::default());
}
