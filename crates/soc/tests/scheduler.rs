//! The scheduler with hand-assembled programs: idle time is skipped (a machine whose cores all
//! wait for a timer far ahead reaches it at once), timer interrupts arrive exactly at their
//! deadline, PSCI CPU_ON errors and power states, SEV waking a core in WFE, the global monitor
//! keeping a many-core atomic counter exact, and the same run twice giving the same counts.

use cpu::{Platform, SysReg};
use devices::pl011::{RxSource, TxSink};
use soc::{CoreState, Model, RunLimits, Soc, SocOptions, StopCause};

const CODE: u64 = 0x4008_0000;
/// Results the programs store, 8 bytes each.
const DATA: u64 = 0x4010_0000;
const GICD: u64 = 0x0800_0000;
const GICC: u64 = 0x0801_0000;

/// PSCI function IDs (DEN 0022D).
const SYSTEM_OFF: u64 = 0x8400_0008;
const CPU_OFF: u64 = 0x8400_0002;
const CPU_ON: u64 = 0xc400_0003;
const AFFINITY_INFO: u64 = 0xc400_0004;

/// System registers as (op0, op1, CRn, CRm, op2).
const CNTPCT_EL0: [u32; 5] = [3, 3, 14, 0, 1];
const CNTHP_TVAL_EL2: [u32; 5] = [3, 4, 14, 2, 0];
const CNTHP_CVAL_EL2: [u32; 5] = [3, 4, 14, 2, 2];
const CNTHP_CTL_EL2: [u32; 5] = [3, 4, 14, 2, 1];
const VBAR_EL2: [u32; 5] = [3, 4, 12, 0, 0];
const CURRENT_EL: [u32; 5] = [3, 0, 4, 2, 2];

/// A tiny A64 assembler for the instructions these tests need.
struct Asm {
    base: u64,
    words: Vec<u32>,
}

impl Asm {
    fn at(base: u64) -> Asm {
        Asm { base, words: Vec::new() }
    }
    fn here(&self) -> u64 {
        self.base + 4 * self.words.len() as u64
    }
    fn w(&mut self, word: u32) -> &mut Self {
        self.words.push(word);
        self
    }
    fn offset(&self, target: u64) -> i64 {
        target as i64 - self.here() as i64
    }
    /// MOVZ/MOVK sequence loading a 64-bit constant into Xd.
    fn mov(&mut self, rd: u32, value: u64) -> &mut Self {
        self.w(0xd280_0000 | ((value & 0xffff) as u32) << 5 | rd);
        for hw in 1..4 {
            let part = ((value >> (16 * hw)) & 0xffff) as u32;
            if part != 0 {
                self.w(0xf280_0000 | hw << 21 | part << 5 | rd);
            }
        }
        self
    }
    fn sysreg(l: u32, reg: [u32; 5], rt: u32) -> u32 {
        let [op0, op1, crn, crm, op2] = reg;
        0xd500_0000 | l << 21 | op0 << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt
    }
    fn msr(&mut self, reg: [u32; 5], rt: u32) -> &mut Self {
        self.w(Self::sysreg(0, reg, rt))
    }
    fn mrs(&mut self, rt: u32, reg: [u32; 5]) -> &mut Self {
        self.w(Self::sysreg(1, reg, rt))
    }
    /// STR Wt, [Xn, #imm] / LDR Wt / STR Xt / LDR Xt.
    fn str_w(&mut self, rt: u32, rn: u32, imm: u32) -> &mut Self {
        self.w(0xb900_0000 | (imm / 4) << 10 | rn << 5 | rt)
    }
    fn str_x(&mut self, rt: u32, rn: u32, imm: u32) -> &mut Self {
        self.w(0xf900_0000 | (imm / 8) << 10 | rn << 5 | rt)
    }
    fn ldr_x(&mut self, rt: u32, rn: u32, imm: u32) -> &mut Self {
        self.w(0xf940_0000 | (imm / 8) << 10 | rn << 5 | rt)
    }
    fn add_x(&mut self, rd: u32, rn: u32, imm: u32) -> &mut Self {
        self.w(0x9100_0000 | imm << 10 | rn << 5 | rd)
    }
    /// CMP Xn, Xm.
    fn cmp_x(&mut self, rn: u32, rm: u32) -> &mut Self {
        self.w(0xeb00_001f | rm << 16 | rn << 5)
    }
    fn b(&mut self, target: u64) -> &mut Self {
        let off = (self.offset(target) / 4) as u32 & 0x3ff_ffff;
        self.w(0x1400_0000 | off)
    }
    fn b_cond(&mut self, cond: u32, target: u64) -> &mut Self {
        let off = (self.offset(target) / 4) as u32 & 0x7_ffff;
        self.w(0x5400_0000 | off << 5 | cond)
    }
    fn cbnz_w(&mut self, rt: u32, target: u64) -> &mut Self {
        let off = (self.offset(target) / 4) as u32 & 0x7_ffff;
        self.w(0x3500_0000 | off << 5 | rt)
    }
    /// CBNZ Xt to a label not placed yet: returns the index to [`Asm::patch_here`].
    fn cbnz_x_forward(&mut self, rt: u32) -> usize {
        self.w(0xb500_0000 | rt);
        self.words.len() - 1
    }
    /// Points the forward branch at `index` to the current position.
    fn patch_here(&mut self, index: usize) {
        let off = ((self.words.len() - index) as u32) & 0x7_ffff;
        self.words[index] |= off << 5;
    }
    fn cbz_x(&mut self, rt: u32, target: u64) -> &mut Self {
        let off = (self.offset(target) / 4) as u32 & 0x7_ffff;
        self.w(0xb400_0000 | off << 5 | rt)
    }
    /// LDXR Xt, [Xn] / STXR Ws, Xt, [Xn].
    fn ldxr(&mut self, rt: u32, rn: u32) -> &mut Self {
        self.w(0xc85f_7c00 | rn << 5 | rt)
    }
    fn stxr(&mut self, rs: u32, rt: u32, rn: u32) -> &mut Self {
        self.w(0xc800_7c00 | rs << 16 | rn << 5 | rt)
    }
    fn wfi(&mut self) -> &mut Self {
        self.w(0xd503_207f)
    }
    fn wfe(&mut self) -> &mut Self {
        self.w(0xd503_205f)
    }
    fn sev(&mut self) -> &mut Self {
        self.w(0xd503_209f)
    }
    fn daifclr_i(&mut self) -> &mut Self {
        self.w(0xd503_42ff)
    }
    /// x0..x3 = function and arguments; SMC #0; the result is in x0.
    fn psci(&mut self, function: u64, args: [u64; 3]) -> &mut Self {
        self.mov(0, function).mov(1, args[0]).mov(2, args[1]).mov(3, args[2]).w(0xd400_0003)
    }
    /// Stores x0 at DATA + 8 * slot (clobbers x9).
    fn save_x0(&mut self, slot: u32) -> &mut Self {
        self.mov(9, DATA).str_x(0, 9, 8 * slot)
    }
    /// Enables the GIC distributor and this core's CPU interface, and PPI/SGI `id`
    /// (clobbers x9, x10).
    fn gic_enable(&mut self, id: u32) -> &mut Self {
        self.mov(9, GICD).mov(10, 1).str_w(10, 9, 0); // GICD_CTLR.EnableGrp0
        self.mov(10, 1 << id).str_w(10, 9, 0x100); // GICD_ISENABLER0
        self.mov(9, GICC).mov(10, 0xff).str_w(10, 9, 4); // GICC_PMR
        self.mov(10, 1).str_w(10, 9, 0) // GICC_CTLR.EnableGrp0
    }
    fn load(&self, soc: &mut Soc) {
        let bytes: Vec<u8> = self.words.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert!(soc.bus.memory().write_bytes(cpu::PhysAddr(self.base), &bytes));
    }
}

fn machine(model: Model) -> Soc {
    let options = SocOptions { uart_tx: TxSink::Capture(Default::default()), uart_rx: RxSource::None };
    let mut soc = Soc::new(model, options).expect("SoC builds");
    soc.cores[0].pc = CODE;
    soc
}

/// The cockpit with a third cluster of two cores: eight in all.
fn eight_cores() -> Model {
    let text = soc::model::builtin_models().iter().find(|(n, _)| *n == "cockpit").unwrap().1;
    let text =
        text.replace("[gic]", "[[cluster]]\nname = \"extra\"\ncore = \"cortex-a53\"\ncount = 2\naff1 = 2\n\n[gic]");
    Model::parse_str(&text, std::path::Path::new("eight.toml")).expect("valid model")
}

fn read_u64(soc: &mut Soc, slot: u64) -> u64 {
    let mut b = [0u8; 8];
    assert!(soc.bus.memory().read_bytes(cpu::PhysAddr(DATA + 8 * slot), &mut b));
    u64::from_le_bytes(b)
}

#[test]
fn a_machine_waiting_ten_seconds_skips_the_wait() {
    let mut soc = machine(Model::load("virt").unwrap());
    let mut a = Asm::at(CODE);
    a.gic_enable(26);
    a.mrs(0, CNTPCT_EL0).save_x0(0);
    a.mov(1, 625_000_000).msr(CNTHP_TVAL_EL2, 1); // 10 s at 62.5 MHz
    a.mov(1, 1).msr(CNTHP_CTL_EL2, 1);
    a.wfi();
    a.mrs(0, CNTPCT_EL0).save_x0(1);
    a.psci(SYSTEM_OFF, [0; 3]);
    a.load(&mut soc);
    assert_eq!(soc.run(RunLimits::default()), StopCause::PowerOff);
    let (before, after) = (read_u64(&mut soc, 0), read_u64(&mut soc, 1));
    // The core woke at the deadline: the first count is read a few instructions before TVAL is
    // written, the second a few after the wake-up (16 cycles per tick).
    assert!((625_000_000..=625_000_001).contains(&(after - before)), "{before} {after}");
    let c = soc.cores[0].counters;
    assert!(c.instructions < 100, "{c:?}");
    assert!(c.cycles >= 10_000_000_000 && c.idle_cycles >= 9_999_999_000, "{c:?}");
}

/// Every core of an eight-core machine programs its EL2 timer one second ahead and waits for
/// it in WFI; when it wakes it adds 1 to a shared counter with LDXR/STXR and powers off. Core 0
/// then waits for the count of all eight.
fn all_cores_wait_for_a_timer(soc: &mut Soc) {
    let cores = soc.cores.len() as u64;
    let mut a = Asm::at(CODE);
    // Core 0: start the others at `secondary` (placed at CODE + 0x1000).
    let secondary = CODE + 0x1000;
    for core in soc.model.cores().iter().skip(1) {
        a.psci(CPU_ON, [core.affinity(), secondary, 0]);
    }
    a.b(secondary);
    a.load(soc);
    let mut s = Asm::at(secondary);
    s.gic_enable(26);
    s.mrs(1, CNTPCT_EL0).mov(2, 62_500_000);
    s.w(0x8b02_0021); // add x1, x1, x2
    s.msr(CNTHP_CVAL_EL2, 1).mov(1, 1).msr(CNTHP_CTL_EL2, 1);
    let sleep = s.here();
    s.wfi();
    s.mrs(3, CNTPCT_EL0).cmp_x(3, 1).b_cond(3, sleep); // b.lo: spurious wake-up, sleep again
    s.mov(4, DATA);
    let retry = s.here();
    s.ldxr(5, 4).add_x(5, 5, 1).stxr(6, 5, 4).cbnz_w(6, retry);
    // Core 0 (affinity 0) waits for all; the others power off.
    s.w(0xd538_00a7); // mrs x7, mpidr_el1
    s.mov(8, 0xff_00ff_ffff);
    s.w(0x8a08_00e7); // and x7, x7, x8
    let to_off = s.cbnz_x_forward(7);
    let wait = s.here();
    s.ldr_x(5, 4, 0).mov(8, cores).cmp_x(5, 8).b_cond(1, wait); // b.ne wait
    s.psci(SYSTEM_OFF, [0; 3]);
    s.patch_here(to_off);
    s.psci(CPU_OFF, [0; 3]);
    s.load(soc);
}

#[test]
fn eight_cores_waiting_for_their_timers_finish_at_once() {
    let mut soc = machine(eight_cores());
    all_cores_wait_for_a_timer(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(1_000_000), max_cycles: None }), StopCause::PowerOff);
    assert_eq!(read_u64(&mut soc, 0), 8);
    // One second of 1.8 GHz cycles passed, almost all of them skipped.
    let c = soc.cores[0].counters;
    assert!(c.cycles >= 1_800_000_000 && c.idle_cycles > 1_790_000_000, "{c:?}");
    assert!(soc.total_instructions() < 20_000, "{}", soc.total_instructions());
    for i in 1..8 {
        assert_eq!(soc.core_state(i), CoreState::Off);
    }
}

#[test]
fn the_same_run_twice_gives_the_same_counts() {
    let run = |quantum: u64| {
        let mut soc = machine(eight_cores());
        soc.set_quantum(quantum);
        all_cores_wait_for_a_timer(&mut soc);
        assert_eq!(soc.run(RunLimits::default()), StopCause::PowerOff);
        soc.cores.iter().map(|c| c.counters).collect::<Vec<_>>()
    };
    assert_eq!(run(10_000), run(10_000));
    // A different quantum changes the interleaving, never the outcome.
    let other = run(777);
    assert_eq!(other.len(), 8);
}

/// Six cores each add 1 to a shared counter 3000 times with LDXR/STXR; core 0 waits for the
/// total. The global monitor makes every interleaving of slices count exactly.
fn contended_counter(quantum: u64) -> (u64, Vec<cpu::Counters>) {
    let mut soc = machine(Model::load("cockpit").unwrap());
    soc.set_quantum(quantum);
    let mut a = Asm::at(CODE);
    let worker = CODE + 0x1000;
    for core in soc.model.cores().iter().skip(1) {
        a.psci(CPU_ON, [core.affinity(), worker, 1]);
    }
    a.mov(0, 0).b(worker);
    a.load(&mut soc);
    // worker(x0 = 1 on secondaries, 0 on core 0)
    let mut w = Asm::at(worker);
    w.mov(4, DATA).mov(11, 3000);
    let retry = w.here();
    w.ldxr(5, 4).add_x(5, 5, 1).stxr(6, 5, 4).cbnz_w(6, retry);
    w.w(0xf100_056b); // subs x11, x11, #1
    w.b_cond(1, retry); // b.ne retry
    let to_off = w.cbnz_x_forward(0);
    let wait = w.here();
    w.ldr_x(5, 4, 0).mov(8, 6 * 3000).cmp_x(5, 8).b_cond(1, wait);
    w.psci(SYSTEM_OFF, [0; 3]);
    w.patch_here(to_off);
    w.psci(CPU_OFF, [0; 3]);
    w.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(50_000_000), max_cycles: None }), StopCause::PowerOff);
    (read_u64(&mut soc, 0), soc.cores.iter().map(|c| c.counters).collect())
}

#[test]
fn exclusive_increments_from_six_cores_count_exactly() {
    for quantum in [10_000, 97, 13] {
        let (count, _) = contended_counter(quantum);
        assert_eq!(count, 18_000, "quantum {quantum}");
    }
    assert_eq!(contended_counter(97), contended_counter(97));
}

#[test]
fn cpu_on_errors_and_power_states() {
    let mut soc = machine(Model::load("cockpit").unwrap());
    let entry = CODE + 0x1000;
    let mut a = Asm::at(CODE);
    a.psci(CPU_ON, [0, entry, 0]).save_x0(0); // itself: ALREADY_ON
    a.psci(CPU_ON, [0x104, entry, 0]).save_x0(1); // no such core: INVALID_PARAMETERS
    a.psci(CPU_ON, [1, entry + 2, 0]).save_x0(2); // misaligned entry: INVALID_PARAMETERS
    a.psci(CPU_ON, [0x8000_0001, entry, 0]).save_x0(3); // not an affinity: INVALID_PARAMETERS
    a.psci(CPU_ON, [1, entry, 0x1234]).save_x0(4); // SUCCESS
    a.psci(CPU_ON, [1, entry, 0]).save_x0(5); // ON_PENDING: core 1 has not started yet
    a.psci(AFFINITY_INFO, [1, 0, 0]).save_x0(6); // 2: ON_PENDING
    a.psci(AFFINITY_INFO, [0x104, 0, 0]).save_x0(7); // INVALID_PARAMETERS
    a.psci(AFFINITY_INFO, [0x104, 1, 0]).save_x0(8); // levels above 0: ON
    a.mov(4, DATA + 8 * 16);
    let wait = a.here();
    a.ldr_x(5, 4, 0).cbz_x(5, wait);
    a.psci(AFFINITY_INFO, [1, 0, 0]).save_x0(9); // 1: OFF again
    a.psci(SYSTEM_OFF, [0; 3]);
    a.load(&mut soc);
    // Core 1: record x0 and CurrentEL, then CPU_OFF.
    let mut s = Asm::at(entry);
    s.mov(9, DATA + 8 * 17).str_x(0, 9, 0);
    s.mrs(0, CURRENT_EL).save_x0(18);
    s.mov(0, 1).save_x0(16);
    s.psci(CPU_OFF, [0; 3]);
    s.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(10_000_000), max_cycles: None }), StopCause::PowerOff);
    let results: Vec<i64> = (0..10).map(|slot| read_u64(&mut soc, slot) as i64).collect();
    assert_eq!(results, [-4, -2, -2, -2, 0, -5, 2, -2, 0, 1]);
    assert_eq!(read_u64(&mut soc, 17), 0x1234, "x0 = context_id");
    assert_eq!(read_u64(&mut soc, 18), 8, "started at EL2");
    assert_eq!(soc.core_state(1), CoreState::Off);
    assert_eq!(soc.cores[1].sysreg(SysReg::MPIDR_EL1), 0x8000_0001);
}

#[test]
fn sev_wakes_a_core_waiting_in_wfe() {
    let mut soc = machine(Model::load("cockpit").unwrap());
    let entry = CODE + 0x1000;
    let mut a = Asm::at(CODE);
    a.psci(CPU_ON, [1, entry, 0]);
    // Spin long enough for core 1 to go to sleep, then set the flag and SEV.
    a.mov(11, 50_000);
    let spin = a.here();
    a.w(0xf100_056b).b_cond(1, spin); // subs x11, x11, #1; b.ne spin
    a.mov(0, 1).save_x0(0).sev();
    a.mov(4, DATA + 8);
    let wait = a.here();
    a.ldr_x(5, 4, 0).cbz_x(5, wait);
    a.psci(SYSTEM_OFF, [0; 3]);
    a.load(&mut soc);
    let mut s = Asm::at(entry);
    s.mov(4, DATA);
    let sleep = s.here();
    s.wfe().ldr_x(5, 4, 0).cbz_x(5, sleep);
    s.mov(0, 1).save_x0(1);
    s.psci(CPU_OFF, [0; 3]);
    s.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(10_000_000), max_cycles: None }), StopCause::PowerOff);
    let c = soc.cores[1].counters;
    // Core 1 slept through core 0's spin instead of polling.
    assert!(c.instructions < 100 && c.idle_cycles > 90_000, "{c:?}");
}

#[test]
fn a_timer_interrupt_arrives_exactly_at_its_deadline() {
    let mut soc = machine(Model::load("virt").unwrap());
    let vectors = CODE + 0x800;
    let mut a = Asm::at(CODE);
    a.mov(1, vectors).msr(VBAR_EL2, 1);
    a.mov(1, 0x8000_0010).w(0xd51c_1101); // msr hcr_el2, x1: RW | IMO, IRQs taken to EL2
    a.gic_enable(26);
    a.mrs(1, CNTPCT_EL0).add_x(1, 1, 1000).msr(CNTHP_CVAL_EL2, 1).mov(2, 1).msr(CNTHP_CTL_EL2, 2);
    a.daifclr_i();
    let spin = a.here();
    a.add_x(12, 12, 1).b(spin);
    a.load(&mut soc);
    // IRQ from the current EL with SP_ELx: record the count and the deadline, power off.
    let mut v = Asm::at(vectors + 0x280);
    v.mrs(0, CNTPCT_EL0).save_x0(0).mrs(0, CNTHP_CVAL_EL2).save_x0(2);
    v.psci(SYSTEM_OFF, [0; 3]);
    v.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(1_000_000), max_cycles: None }), StopCause::PowerOff);
    let (taken_at, deadline) = (read_u64(&mut soc, 0), read_u64(&mut soc, 2));
    assert_eq!(taken_at, deadline, "the handler's first instruction reads the deadline count");
}

#[test]
fn cores_waiting_for_nothing_stop_the_run_as_idle() {
    let mut soc = machine(Model::load("cockpit").unwrap());
    let entry = CODE + 0x1000;
    let mut a = Asm::at(CODE);
    a.psci(CPU_ON, [0x100, entry, 0]);
    let sleep = a.here();
    a.wfi().b(sleep);
    a.load(&mut soc);
    let mut s = Asm::at(entry);
    let park = s.here();
    s.wfe().b(park);
    s.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(1_000_000), max_cycles: None }), StopCause::Idle);
    assert_eq!(soc.core_state(0), CoreState::WaitForInterrupt);
    assert_eq!(soc.core_state(2), CoreState::WaitForEvent);
    assert!(soc.total_instructions() < 100);
}

#[test]
fn cpu_suspend_waits_for_an_interrupt_like_wfi() {
    const CPU_SUSPEND: u64 = 0xc400_0001;
    let mut soc = machine(Model::load("virt").unwrap());
    let mut a = Asm::at(CODE);
    a.gic_enable(26);
    a.mov(1, 62_500).msr(CNTHP_TVAL_EL2, 1); // 1 ms
    a.mov(1, 1).msr(CNTHP_CTL_EL2, 1);
    a.psci(CPU_SUSPEND, [0, 0, 0]).save_x0(0);
    a.mrs(0, CNTHP_CTL_EL2).save_x0(1);
    a.psci(CPU_SUSPEND, [0x2_0000, 0, 0]).save_x0(2); // not a standby state
    a.psci(SYSTEM_OFF, [0; 3]);
    a.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(10_000), max_cycles: None }), StopCause::PowerOff);
    assert_eq!(read_u64(&mut soc, 0), 0, "SUCCESS");
    assert_eq!(read_u64(&mut soc, 1), 5, "woken by the timer: ENABLE | ISTATUS");
    assert_eq!(read_u64(&mut soc, 2) as i64, -2, "INVALID_PARAMETERS");
    assert!(soc.cores[0].counters.idle_cycles >= 999_000);
}

#[test]
fn a_core_woken_by_another_wakes_at_the_senders_time() {
    let mut soc = machine(Model::load("cockpit").unwrap());
    let entry = CODE + 0x1000;
    let mut a = Asm::at(CODE);
    a.gic_enable(1);
    a.psci(CPU_ON, [1, entry, 0]);
    a.mov(11, 50_000);
    let spin = a.here();
    a.w(0xf100_056b).b_cond(1, spin); // subs x11, x11, #1; b.ne spin
    a.mrs(0, CNTPCT_EL0).save_x0(0);
    a.mov(9, GICD).mov(10, (2 << 16) | 1).str_w(10, 9, 0xf00); // GICD_SGIR: SGI 1 to interface 1
    a.mov(4, DATA + 8);
    let wait = a.here();
    a.ldr_x(5, 4, 0).cbz_x(5, wait);
    a.psci(SYSTEM_OFF, [0; 3]);
    a.load(&mut soc);
    let mut s = Asm::at(entry);
    s.gic_enable(1);
    s.wfi();
    s.mrs(0, CNTPCT_EL0).save_x0(1);
    s.psci(CPU_OFF, [0; 3]);
    s.load(&mut soc);
    assert_eq!(soc.run(RunLimits { max_instructions: Some(1_000_000), max_cycles: None }), StopCause::PowerOff);
    let (sent, woke) = (read_u64(&mut soc, 0), read_u64(&mut soc, 1));
    // 28.8 cycles per tick: the wake-up is stamped with the time of the SGIR write, a few
    // instructions after core 0 read the count.
    assert!(woke >= sent && woke <= sent + 2, "sent at {sent}, woke at {woke}");
}
