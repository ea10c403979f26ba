//! No guest behaviour panics the host: random 32-bit words executed at EL0, EL1 and EL2, with
//! random register state, always end in an architectural outcome (the next instruction, a
//! branch, or an exception at a vector with a known syndrome class).

use cpu::exception::ec;
use cpu::{Cpu, FirmwareCall, Functional, Memory, PhysAddr, Platform, Pstate, SysReg};
use proptest::prelude::*;

const RAM_BASE: u64 = 0x4000_0000;
const RAM_SIZE: u64 = 0x10_0000;
const CODE: u64 = RAM_BASE + 0x8_0000;
const VBAR_EL1: u64 = RAM_BASE + 0x1000;
const VBAR_EL2: u64 = RAM_BASE + 0x2000;

struct TestPlatform {
    memory: Memory,
}

impl Platform for TestPlatform {
    fn memory(&mut self) -> &mut Memory {
        &mut self.memory
    }
    fn mmio_read(&mut self, _cpu: usize, pa: PhysAddr, _size: u8) -> Option<u64> {
        // A device window that reads as zero, everything else aborts.
        (0x0900_0000..0x0900_1000).contains(&pa.0).then_some(0)
    }
    fn mmio_write(&mut self, _cpu: usize, pa: PhysAddr, _size: u8, _value: u64) -> bool {
        (0x0900_0000..0x0900_1000).contains(&pa.0)
    }
    fn firmware_call(&mut self, _cpu: usize, function_id: u64, _args: [u64; 3]) -> FirmwareCall {
        match function_id {
            0x8400_0000 => FirmwareCall::Return(0x1_0001),
            0x8400_0008 => FirmwareCall::SystemOff,
            _ => FirmwareCall::NotHandled,
        }
    }
}

const KNOWN_CLASSES: [u8; 15] = [
    ec::BRK,
    ec::WFX,
    ec::IABT_LOWER,
    ec::IABT_SAME,
    ec::ILLEGAL_STATE,
    ec::UNKNOWN,
    ec::FP_ACCESS,
    ec::SVC64,
    ec::HVC64,
    ec::SMC64,
    ec::SYSREG,
    ec::PC_ALIGN,
    ec::DABT_LOWER,
    ec::DABT_SAME,
    ec::SP_ALIGN,
];

fn interesting_value() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        (0..RAM_SIZE).prop_map(|o| RAM_BASE + o),
        (0..RAM_SIZE / 8).prop_map(|o| RAM_BASE + o * 8),
        Just(0x0900_0000u64),
        0..64u64,
    ]
}

fn run_word(word: u32, el: u8, sp_sel: bool, regs: &[u64], sctlr_bits: u64, hcr: u64) -> Result<(), TestCaseError> {
    let mut platform = TestPlatform { memory: Memory::new(PhysAddr(RAM_BASE), RAM_SIZE) };
    let mut program = Vec::new();
    for _ in 0..4 {
        program.extend_from_slice(&word.to_le_bytes());
    }
    assert!(platform.memory.write_bytes(PhysAddr(CODE), &program));
    let mut cpu = Cpu::new(0, 0x8000_0000);
    for (i, v) in regs.iter().enumerate().take(31) {
        cpu.x[i] = *v;
    }
    cpu.sp_el = [RAM_BASE + 0x4_0000, RAM_BASE + 0x5_0000 + (regs[31] & 0xf), RAM_BASE + 0x6_0000];
    cpu.set_sysreg(SysReg::VBAR_EL1, VBAR_EL1);
    cpu.set_sysreg(SysReg::VBAR_EL2, VBAR_EL2);
    cpu.set_sysreg(SysReg::HCR_EL2, hcr);
    cpu.set_sysreg(SysReg::SCTLR_EL1, sctlr_bits);
    cpu.set_sysreg(SysReg::SCTLR_EL2, sctlr_bits);
    cpu.set_sysreg(SysReg::CPACR_EL1, 3 << 20);
    cpu.set_pstate(Pstate {
        nzcv: (regs[0] as u32) & 0xf000_0000,
        daif: 0x3c0,
        el,
        sp_sel: sp_sel && el > 0,
        il: false,
        ss: false,
    });
    cpu.pc = CODE;
    let exit = cpu.run(&mut platform, &mut Functional, 1);
    prop_assert!(cpu.counters.instructions == 1 || exit != cpu::Exit::Budget);
    if cpu.counters.exceptions > 0 {
        let target = cpu.pstate.el;
        let (vbar, esr) =
            if target == 2 { (VBAR_EL2, cpu.sysreg(SysReg::ESR_EL2)) } else { (VBAR_EL1, cpu.sysreg(SysReg::ESR_EL1)) };
        prop_assert!(target >= el.max(1));
        let offset = cpu.pc.wrapping_sub(vbar);
        prop_assert!([0, 0x200, 0x400].contains(&offset), "pc {:#x} not at a vector of EL{}", cpu.pc, target);
        let class = (esr >> 26) as u8;
        prop_assert!(KNOWN_CLASSES.contains(&class), "unexpected EC {:#x} for {:#010x}", class, word);
        prop_assert_eq!((esr >> 25) & 1, 1, "IL must be 1 for A64");
    }
    // Whatever happened, the core can keep running.
    let _ = cpu.run(&mut platform, &mut Functional, 16);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn random_words_never_panic(
        word in any::<u32>(),
        el in 0u8..=2,
        sp_sel in any::<bool>(),
        regs in proptest::collection::vec(interesting_value(), 32),
        sctlr_bits in prop_oneof![Just(0u64), Just(0x2u64), Just(0x1au64), any::<u64>()],
        hcr in prop_oneof![Just(0x8000_0000u64), Just(0x8800_0000u64), Just(0x8008_0000u64)],
    ) {
        run_word(word, el, sp_sel, &regs, sctlr_bits, hcr)?;
    }

    /// The same over words drawn from the encoding table, so that every class is exercised
    /// well beyond the UNDEFINED space.
    #[test]
    fn table_words_never_panic(
        (index, noise) in (0..a64::ENCODINGS.len(), any::<u32>()),
        el in 0u8..=2,
        regs in proptest::collection::vec(interesting_value(), 32),
        sctlr_bits in prop_oneof![Just(0u64), Just(0x2u64), Just(0x1au64)],
    ) {
        let (_, mask, value) = a64::ENCODINGS[index];
        let word = (noise & !mask) | value;
        run_word(word, el, true, &regs, sctlr_bits, 0x8000_0000)?;
    }
}
