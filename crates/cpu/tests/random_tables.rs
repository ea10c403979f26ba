//! No page-table content and no translation control value panics the host: random descriptor
//! words (fully random, or plausible table/block/page descriptors pointing into RAM), random
//! TCR/TTBR/MAIR/SCTLR/HCR/VTCR/VTTBR values, and a program of AT, loads, stores, pairs, LDTR,
//! exclusives, SIMD&FP loads, DC ZVA/CIVAC and TLBI run at EL2 and then at EL1 through them.
//! Every exception returns past the faulting instruction, so the whole program is tried.

use cpu::{Cpu, FirmwareCall, Functional, Memory, PhysAddr, Platform, Pstate, SysReg, VirtAddr};
use proptest::prelude::*;

const RAM_BASE: u64 = 0x4000_0000;
const RAM_SIZE: u64 = 0x10_0000;
/// Random descriptor words fill the first 256 KiB of RAM.
const TABLES: u64 = 0x4_0000;
const CODE: u64 = RAM_BASE + 0x8_0000;
const VBAR_EL2: u64 = RAM_BASE + 0x9_0000;
const VBAR_EL1: u64 = RAM_BASE + 0x9_1000;

/// The program (aarch64-linux-gnu-as): AT of every form, LDR, STR, LDP, LDTR, DC ZVA, DC CIVAC,
/// TLBI VMALLE1IS, TLBI IPAS2E1, LDXR, LDR Q, ERET.
const PROGRAM: [u32; 20] = [
    0xd508_7801,
    0xd508_7822,
    0xd508_7843,
    0xd508_7864,
    0xd50c_7885,
    0xd50c_78a6,
    0xd50c_78c7,
    0xd50c_78e8,
    0xd50c_7809,
    0xf940_016a,
    0xf900_01ac,
    0xa940_3e0e,
    0xf840_0a51,
    0xd50b_7433,
    0xd50b_7e34,
    0xd508_831f,
    0xd50c_8435,
    0xc85f_7ef6,
    0x3dc0_0300,
    0xd69f_03e0,
];

/// Exception stub: ELR_ELx += 4, ERET (`mrs x30, elr_el2; add x30, x30, #4; msr elr_el2, x30;
/// eret`, and the same for EL1).
const STUB_EL2: [u32; 4] = [0xd53c_403e, 0x9100_13de, 0xd51c_403e, 0xd69f_03e0];
const STUB_EL1: [u32; 4] = [0xd538_403e, 0x9100_13de, 0xd518_403e, 0xd69f_03e0];

struct TestPlatform {
    memory: Memory,
}

impl Platform for TestPlatform {
    fn memory(&mut self) -> &mut Memory {
        &mut self.memory
    }
    fn mmio_read(&mut self, _cpu: usize, pa: PhysAddr, _size: u8) -> Option<u64> {
        (0x0900_0000..0x0900_1000).contains(&pa.0).then_some(0)
    }
    fn mmio_write(&mut self, _cpu: usize, pa: PhysAddr, _size: u8, _value: u64) -> bool {
        (0x0900_0000..0x0900_1000).contains(&pa.0)
    }
    fn firmware_call(&mut self, _cpu: usize, _function_id: u64, _args: [u64; 3]) -> FirmwareCall {
        FirmwareCall::NotHandled
    }
}

fn words(code: &[u32]) -> Vec<u8> {
    code.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// xorshift64 (Marsaglia).
fn next(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// A descriptor word: random, or a table/block/page descriptor into RAM with random attributes.
fn descriptor(state: &mut u64) -> u64 {
    let r = next(state);
    match r % 4 {
        0 => next(state),
        1 => 0,
        _ => {
            let oa = (RAM_BASE + next(state) % RAM_SIZE) & !0xfff;
            let attrs = next(state) & 0x0070_0000_0000_0ffc;
            let kind = if r & 16 == 0 { 0b11 } else { 0b01 };
            oa | attrs | kind | if r & 32 == 0 { 1 << 10 } else { 0 }
        }
    }
}

/// A register value: random, or a table base in the descriptor area with random high bits.
fn base(state: &mut u64) -> u64 {
    let r = next(state);
    if r.is_multiple_of(5) {
        next(state)
    } else {
        (RAM_BASE + next(state) % TABLES) & !7 | (r & 0xffff) << 48
    }
}

/// A TCR/VTCR-shaped value: plausible size, granule, start level and output size fields.
fn tcr(state: &mut u64) -> u64 {
    let r = next(state);
    if r.is_multiple_of(6) {
        return next(state);
    }
    let t0sz = 16 + r % 25;
    let t1sz = 16 + (r >> 8) % 25;
    // Walk attributes, EPD0/EPD1, AS, TBI0/TBI1.
    let extra = next(state) & (0x3f << 8 | 1 << 7 | 0x3f << 24 | 1 << 23 | 1 << 36 | 3 << 37);
    t0sz | (r >> 16 & 3) << 6 | (r >> 20 & 3) << 14 | t1sz << 16 | (r >> 24 & 3) << 30 | (r >> 28 & 7) << 32 | extra
}

/// A VTCR_EL2 value: mostly a granule, SL0 and T0SZ that are consistent for a 40-bit PA
/// (D8.2.x, pseudocode `AArch64.S2InconsistentSL`), so that stage 2 walks happen.
fn vtcr(state: &mut u64) -> u64 {
    let r = next(state);
    // (TG0, SL0, smallest T0SZ, largest T0SZ)
    const SHAPES: [(u64, u64, u64, u64); 5] =
        [(0, 1, 24, 33), (0, 0, 30, 39), (1, 1, 24, 34), (1, 0, 31, 39), (2, 1, 24, 38)];
    if r.is_multiple_of(6) {
        return tcr(state);
    }
    let (tg0, sl0, lo, hi) = SHAPES[(r >> 8) as usize % SHAPES.len()];
    let t0sz = lo + (r >> 16) % (hi - lo + 1);
    t0sz | sl0 << 6 | tg0 << 14 | 2 << 16 | (r >> 24 & 0x3f) << 8
}

/// With the EL2 MMU on: a 4K, 39-bit EL2 regime whose level 1 entry 1 and level 2 entry 0 (in
/// the random words) are rewritten to map the first 2 MiB of RAM 1:1 (code, vectors, tables),
/// so that fetches work and data accesses elsewhere walk random descriptors.
fn el2_identity(p: &mut TestPlatform, cpu: &mut Cpu, state: &mut u64) {
    let root = RAM_BASE + (next(state) % (TABLES / 0x1000)) * 0x1000;
    let l2 = RAM_BASE + ((root - RAM_BASE) / 0x1000 + 1) % (TABLES / 0x1000) * 0x1000;
    assert!(p.memory.write_bytes(PhysAddr(root + 8), &(l2 | 0b11).to_le_bytes()));
    assert!(p.memory.write_bytes(PhysAddr(l2), &(RAM_BASE | 1 << 10 | 0b01).to_le_bytes()));
    cpu.set_sysreg(SysReg::TCR_EL2, 25 | 1 << 8 | 1 << 10 | 3 << 12 | 2 << 16 | (next(state) & 1 << 20));
    cpu.set_sysreg(SysReg::TTBR0_EL2, root);
    cpu.set_sysreg(SysReg::MAIR_EL2, next(state));
    cpu.set_sysreg(SysReg::SCTLR_EL2, cpu.sysreg(SysReg::SCTLR_EL2) | (next(state) & 0x0000_1086) | 1);
}

fn run_case(seed: u64, el2_mmu: bool, hcr_bits: u64, regs: &[u64]) {
    let mut p = TestPlatform { memory: Memory::new(PhysAddr(RAM_BASE), RAM_SIZE) };
    let mut state = seed | 1;
    let table: Vec<u8> = (0..TABLES / 8).flat_map(|_| descriptor(&mut state).to_le_bytes()).collect();
    assert!(p.memory.write_bytes(PhysAddr(RAM_BASE), &table));
    assert!(p.memory.write_bytes(PhysAddr(CODE), &words(&PROGRAM)));
    for (vbar, stub) in [(VBAR_EL2, &STUB_EL2), (VBAR_EL1, &STUB_EL1)] {
        for offset in [0, 0x200, 0x400] {
            assert!(p.memory.write_bytes(PhysAddr(vbar + offset), &words(stub)));
        }
    }
    let mut cpu = Cpu::new(0, 0x8000_0000);
    for (i, r) in regs.iter().enumerate().take(31) {
        cpu.x[i] = *r;
    }
    cpu.set_sysreg(SysReg::VBAR_EL2, VBAR_EL2);
    cpu.set_sysreg(SysReg::VBAR_EL1, VBAR_EL1);
    cpu.set_sysreg(SysReg::CPACR_EL1, 3 << 20);
    cpu.set_sysreg(SysReg::TCR_EL1, tcr(&mut state));
    cpu.set_sysreg(SysReg::TTBR0_EL1, base(&mut state));
    cpu.set_sysreg(SysReg::TTBR1_EL1, base(&mut state));
    cpu.set_sysreg(SysReg::MAIR_EL1, next(&mut state));
    cpu.set_sysreg(SysReg::SCTLR_EL1, next(&mut state) & 0x0208_108f);
    cpu.set_sysreg(SysReg::VTCR_EL2, vtcr(&mut state));
    cpu.set_sysreg(SysReg::VTTBR_EL2, base(&mut state));
    cpu.set_sysreg(SysReg::HCR_EL2, 1 << 31 | hcr_bits);
    if el2_mmu {
        el2_identity(&mut p, &mut cpu, &mut state);
    }
    // ERET at the end of the program enters EL1h at the program again.
    cpu.set_sysreg(SysReg::SPSR_EL2, 0x3c5);
    cpu.set_sysreg(SysReg::ELR_EL2, CODE);
    cpu.set_pstate(Pstate { nzcv: 0, daif: 0x3c0, el: 2, sp_sel: true, il: false, ss: false });
    cpu.pc = CODE;
    let _ = cpu.run(&mut p, &mut Functional, 400);
    for &va in regs.iter().take(8) {
        let _ = cpu.translate_for_debugger(&mut p, VirtAddr(va), va & 1 == 1);
    }
    let _ = cpu.mmu_stats();
}

fn address() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        (0..RAM_SIZE).prop_map(|o| RAM_BASE + o),
        (0..1u64 << 39).prop_map(|a| a & !7),
        (0..1u64 << 39).prop_map(|a| 0xffff_ff80_0000_0000 | a & !7),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn random_tables_never_panic(
        seed in any::<u64>(),
        el2_mmu in any::<bool>(),
        hcr_bits in prop_oneof![Just(0u64), Just(1), Just(1 | 1 << 2), Just(1 << 12), Just(1 << 27), any::<u64>()],
        regs in proptest::collection::vec(address(), 31),
    ) {
        // HCR_EL2 bits outside the translation controls (traps, routing) are masked out.
        run_case(seed, el2_mmu, hcr_bits & (1 | 1 << 2 | 1 << 9 | 1 << 12 | 1 << 27 | 3 << 32), &regs);
    }
}
