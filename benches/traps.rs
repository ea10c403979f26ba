//! Host cost of exception round trips, the operations a hypervisor lives on: an HVC from EL1
//! to an EL2 handler that returns at once, an EL1 system register write trapped to EL2 by
//! HCR_EL2.TVM whose handler skips it, and an SVC from EL0 to EL1. Each runs as a two-word loop
//! (the trapping instruction, then a branch back) on one `Cpu` in functional mode; criterion
//! reports round trips per host second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hypersoc::a64::Disasm;
use hypersoc::cpu::{Cpu, Exit, FirmwareCall, Functional, Memory, PhysAddr, Platform, Pstate, SysReg};

/// RAM base and size.
const RAM: u64 = 0x4000_0000;
const RAM_SIZE: u64 = 0x1_0000;
/// The loop under test.
const LOOP: u64 = RAM;
/// Vector tables (2 KiB aligned, D1.10.2); a lower-EL AArch64 synchronous exception enters at
/// offset 0x400.
const VECTORS: u64 = RAM + 0x800;
const LOWER_EL_SYNC: u64 = 0x400;
/// Round trips per criterion iteration.
const ROUND_TRIPS: u64 = 1000;

/// RAM only.
struct Ram(Memory);

impl Platform for Ram {
    fn memory(&mut self) -> &mut Memory {
        &mut self.0
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

/// One scenario: the loop's trapping instruction, the handler, where it runs and what to set.
struct Scenario {
    name: &'static str,
    /// (word, its disassembly): checked against HyperSoC's own disassembler at setup.
    trapping: (u32, &'static str),
    handler: &'static [(u32, &'static str)],
    /// The loop's Exception level (the handler runs at the level above).
    el: u8,
    hcr_el2: u64,
}

const HCR_RW: u64 = 1 << 31;
const HCR_TVM: u64 = 1 << 26;
const BRANCH_BACK: (u32, &str) = (0x17ff_ffff, "b 0x40000000");
const ERET: (u32, &str) = (0xd69f_03e0, "eret");
/// ELR_ELx += 4, then ERET: the handler of a trapped instruction that is emulated and skipped.
const SKIP_AT_EL2: &[(u32, &str)] =
    &[(0xd53c_4021, "mrs x1, elr_el2"), (0x9100_1021, "add x1, x1, #0x4"), (0xd51c_4021, "msr elr_el2, x1"), ERET];

const SCENARIOS: &[Scenario] = &[
    Scenario { name: "hvc_el1_to_el2", trapping: (0xd400_0002, "hvc #0x0"), handler: &[ERET], el: 1, hcr_el2: HCR_RW },
    Scenario {
        name: "tvm_msr_sctlr_el1_to_el2",
        trapping: (0xd518_1000, "msr sctlr_el1, x0"),
        handler: SKIP_AT_EL2,
        el: 1,
        hcr_el2: HCR_RW | HCR_TVM,
    },
    Scenario { name: "svc_el0_to_el1", trapping: (0xd400_0001, "svc #0x0"), handler: &[ERET], el: 0, hcr_el2: HCR_RW },
];

fn write_words(memory: &mut Memory, at: u64, words: &[(u32, &str)]) {
    for (i, &(word, text)) in words.iter().enumerate() {
        let pc = at + 4 * i as u64;
        assert_eq!(Disasm::new(word, pc).to_string(), text, "encoding of `{text}`");
        assert!(memory.write_bytes(PhysAddr(pc), &word.to_le_bytes()));
    }
}

/// A core at the start of the loop, with the handler installed.
fn setup(s: &Scenario) -> (Cpu, Ram) {
    let mut memory = Memory::new(PhysAddr(RAM), RAM_SIZE);
    write_words(&mut memory, LOOP, &[s.trapping, BRANCH_BACK]);
    write_words(&mut memory, VECTORS + LOWER_EL_SYNC, s.handler);
    let mut cpu = Cpu::new(0, 0x8000_0000);
    cpu.set_sysreg(SysReg::HCR_EL2, s.hcr_el2);
    cpu.set_sysreg(SysReg::VBAR_EL2, VECTORS);
    cpu.set_sysreg(SysReg::VBAR_EL1, VECTORS);
    // The SCTLR_EL1 value the trapped MSR writes is its reset value (the write never lands).
    cpu.x[0] = cpu.sysreg(SysReg::SCTLR_EL1);
    cpu.set_pstate(Pstate { nzcv: 0, daif: 0xf, el: s.el, sp_sel: s.el > 0, il: false, ss: false });
    cpu.pc = LOOP;
    (cpu, Ram(memory))
}

/// Instructions in one round trip: the trapping instruction, the handler, the branch back.
fn instructions_per_round_trip(s: &Scenario) -> u64 {
    2 + s.handler.len() as u64
}

fn traps(c: &mut Criterion) {
    let mut group = c.benchmark_group("exception_round_trip");
    group.throughput(Throughput::Elements(ROUND_TRIPS));
    for s in SCENARIOS {
        let per_trip = instructions_per_round_trip(s);
        // Check the loop does what it says before timing it: one exception per round trip,
        // back at the loop's start at its level.
        let (mut cpu, mut ram) = setup(s);
        assert_eq!(cpu.run(&mut ram, &mut Functional, per_trip * ROUND_TRIPS), Exit::Budget);
        assert_eq!(cpu.counters.exceptions, ROUND_TRIPS, "{}", s.name);
        assert_eq!((cpu.pc, cpu.pstate.el), (LOOP, s.el), "{}", s.name);

        let (mut cpu, mut ram) = setup(s);
        group.bench_function(s.name, |b| b.iter(|| cpu.run(&mut ram, &mut Functional, per_trip * ROUND_TRIPS)));
    }
    group.finish();
}

criterion_group!(benches, traps);
criterion_main!(benches);
