//! `ivi`: the infotainment partition, low priority, two vCPUs. vCPU 0 starts vCPU 1 with PSCI
//! CPU_ON; both run a CPU-hungry workload and print progress (vCPU 0 on the emulated PL011,
//! vCPU 1 with the CONSOLE_WRITE hypercall). vCPU 0 keeps a pattern in V8..V15 across the run
//! to check that FP/SIMD state survives the context switches, then sends virtual SGIs 2..9 and
//! 1 to vCPU 1 (more than the four list registers hold: the hypervisor refills them on the
//! underflow maintenance interrupt), which reports them; vCPU 1 turns itself off and vCPU 0
//! stops the VM.

#![no_std]
#![no_main]

use guest::{gic, hprintln, hvc, println, Frame, Global};

guest::entry!(main);

/// Workload: chunks and iterations per chunk.
const CHUNKS: u64 = 8;
const ITERATIONS: u64 = 400_000;
/// The SGI vCPU 0 sends to vCPU 1.
const SGI: u32 = 1;

/// Sixteen 64-bit words on a 16-byte boundary.
#[repr(C, align(16))]
struct Aligned([u64; 16]);

static DONE: Global<u64> = Global::new(0);
static SGI_SEEN: Global<u64> = Global::new(0);
/// Bit n: SGI n arrived at vCPU 1.
static SGI_MASK: Global<u64> = Global::new(0);
/// SGIs 1..=9.
const ALL_SGIS: u64 = 0x3fe;
static UNEXPECTED: Global<u64> = Global::new(0);

fn main(vcpu: usize, context: u64) {
    guest::set_irq_handler(Some(irq));
    if vcpu == 0 {
        vcpu0();
    } else {
        vcpu1(context);
    }
}

fn vcpu0() {
    println!("ivi: infotainment, 2 vCPUs, CPU-hungry workload");
    let (id, _, count, name) = hvc::vm_info();
    let len = name.iter().position(|&c| c == 0).unwrap_or(16);
    println!(
        "ivi: hypervisor ABI {:#x}, VM {} \"{}\" with {} vCPUs",
        hvc::call(hvc::hyp::VERSION, 0, 0, 0),
        id,
        core::str::from_utf8(&name[..len]).unwrap_or("?"),
        count
    );
    println!(
        "ivi: psci version {:#x}, features: cpu_on {} cpu_off {} system_off {} system_reset2 {}",
        hvc::call(hvc::psci::VERSION, 0, 0, 0),
        hvc::code(hvc::call(hvc::psci::FEATURES, hvc::psci::CPU_ON_64, 0, 0)),
        hvc::code(hvc::call(hvc::psci::FEATURES, hvc::psci::CPU_OFF, 0, 0)),
        hvc::code(hvc::call(hvc::psci::FEATURES, hvc::psci::SYSTEM_OFF, 0, 0)),
        hvc::code(hvc::call(hvc::psci::FEATURES, 0x8400_0012, 0, 0)),
    );
    gic::init(true);
    extern "C" {
        fn _start();
    }
    let r = hvc::cpu_on(1, _start as *const () as u64, 0x1234);
    println!("ivi: vcpu0 started vcpu1: psci {}", hvc::code(r));
    let again = hvc::cpu_on(1, _start as *const () as u64, 0);
    println!("ivi: vcpu0 CPU_ON of a running vcpu: psci {}", hvc::code(again));
    // 16-byte aligned: with its stage 1 off the guest's memory is Device memory, where a Q
    // register access must be aligned to 16 bytes (DDI 0487F B2.5.2).
    let pattern = Aligned(core::array::from_fn(|i| 0x0123_4567_89ab_cdefu64.rotate_left(i as u32 * 4)));
    // SAFETY: loads V8..V15 from the pattern (FP/SIMD is enabled at EL1 by the boot code).
    unsafe {
        core::arch::asm!(".arch_extension fp", "ldp q8, q9, [{p}]", "ldp q10, q11, [{p}, #32]",
            "ldp q12, q13, [{p}, #64]", "ldp q14, q15, [{p}, #96]", p = in(reg) pattern.0.as_ptr())
    }
    let sum = workload(0, |chunk| println!("ivi: vcpu0 progress {}/{}", chunk, CHUNKS));
    let mut back = Aligned([0u64; 16]);
    // SAFETY: stores V8..V15 into `back`.
    unsafe {
        core::arch::asm!(".arch_extension fp", "stp q8, q9, [{p}]", "stp q10, q11, [{p}, #32]",
            "stp q12, q13, [{p}, #64]", "stp q14, q15, [{p}, #96]", p = in(reg) back.0.as_mut_ptr())
    }
    println!("ivi: vcpu0 workload checksum {:x}", sum);
    println!("ivi: vcpu0 fp/simd registers preserved: {}", if back.0 == pattern.0 { "yes" } else { "NO" });
    for sgi in 2..=9 {
        gic::send_sgi(1 << 1, sgi);
    }
    gic::send_sgi(1 << 1, SGI);
    while DONE.get() == 0 {
        // SAFETY: waits for an event (trapped: the vCPU yields).
        unsafe { core::arch::asm!("wfe") };
    }
    println!("ivi: vcpu1 reported done, unexpected interrupts {}", UNEXPECTED.get());
    while hvc::call(hvc::psci::AFFINITY_INFO, 1, 0, 0) != 1 {
        hvc::call(hvc::hyp::YIELD, 0, 0, 0);
    }
    println!("ivi: vcpu1 is off (PSCI AFFINITY_INFO), done");
}

fn vcpu1(context: u64) {
    hprintln!("ivi: vcpu1 up, context {:#x}", context);
    gic::init(false);
    for sgi in 1..=9 {
        gic::enable(sgi);
    }
    let sum = workload(1, |chunk| hprintln!("ivi: vcpu1 progress {}/{}", chunk, CHUNKS));
    hprintln!("ivi: vcpu1 workload checksum {:x}", sum);
    // Wait for vCPU 0's SGI with interrupts unmasked.
    while SGI_SEEN.get() == 0 || SGI_MASK.get() != ALL_SGIS {
        // SAFETY: PSTATE.I and WFI only.
        unsafe { core::arch::asm!("msr daifset, #2", "wfi", "msr daifclr, #2", "isb") };
    }
    // SAFETY: PSTATE.I only.
    unsafe { core::arch::asm!("msr daifset, #2") };
    hprintln!("ivi: vcpu1 received SGI {} from vcpu {}", SGI, SGI_SEEN.get() - 1);
    hprintln!("ivi: vcpu1 received SGIs 1..9: mask {:#x}", SGI_MASK.get());
    DONE.set(1);
    // SAFETY: wakes vCPU 0's WFE loop (harmless when it is trapped).
    unsafe { core::arch::asm!("sev") };
    hvc::call(hvc::psci::CPU_OFF, 0, 0, 0);
}

/// The CPU-hungry part: a xorshift stream folded into a checksum, with progress per chunk.
fn workload(seed: u64, progress: impl Fn(u64)) -> u64 {
    let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ seed;
    let mut sum = 0u64;
    for chunk in 1..=CHUNKS {
        for _ in 0..ITERATIONS {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            sum = sum.wrapping_add(x >> 3);
        }
        progress(chunk);
    }
    sum
}

fn irq(_frame: &mut Frame) -> bool {
    let (intid, iar) = gic::ack();
    if intid == 1023 {
        return true;
    }
    if intid < 16 && (1 << intid) & ALL_SGIS != 0 {
        SGI_MASK.set(SGI_MASK.get() | 1 << intid);
        if intid == SGI {
            SGI_SEEN.set(u64::from((iar >> 10) & 7) + 1);
        }
    } else {
        UNEXPECTED.set(UNEXPECTED.get() + 1);
    }
    gic::eoi(iar);
    true
}
