//! Ad-hoc speed probe: runs a raw image at 0x40080000 for N instructions (not a benchmark of
//! record; see benches/).
use cpu::{Cpu, FirmwareCall, Functional, Memory, PhysAddr, Platform};
struct P(Memory);
impl Platform for P {
    fn memory(&mut self) -> &mut Memory {
        &mut self.0
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
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let data = std::fs::read(path).unwrap();
    let mut p = P(Memory::new(PhysAddr(0x4000_0000), 0x400_0000));
    p.0.write_bytes(PhysAddr(0x4008_0000), &data);
    let mut cpu = Cpu::new(0, 0);
    // The MMU stays off (SCTLR_EL2.M = 0): data accesses are Device-nGnRnE, so the image must
    // not make unaligned accesses (the firmware is built with strict-align).
    cpu.pc = 0x4008_0000;
    let t = std::time::Instant::now();
    let count = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(500_000_000);
    let exit = cpu.run(&mut p, &mut Functional, count);
    let dt = t.elapsed().as_secs_f64();
    println!(
        "{exit:?} {} insns in {dt:.3}s = {:.1} MIPS",
        cpu.counters.instructions,
        cpu.counters.instructions as f64 / dt / 1e6
    );
}
