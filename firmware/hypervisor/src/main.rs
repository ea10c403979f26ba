//! HyperSoC's type-1 hypervisor: boots at EL2 on core 0, discovers the platform, brings up the
//! other cores with PSCI CPU_ON, validates the VM configuration blob the host loaded, builds one
//! stage-2 partition per VM and schedules their vCPUs on the physical cores.
//!
//! Modules: boot and vector assembly (`boot`, `vectors`), platform discovery (`fdt`,
//! `platform`), memory (`mm`), the configuration (`config`), the trap decoder (`exit`), the
//! state (`hyp`, `vcpu`), the scheduler (`sched`), exit handling (`trap`), devices (`vgic`,
//! `vuart`, `gic`), the hypercall ABI (`hypercall`). See `firmware/hypervisor/README.md`.

#![no_std]
#![no_main]

mod arch;
mod boot;
mod config;
mod exit;
mod fdt;
mod gic;
mod hyp;
mod hypercall;
mod mm;
mod platform;
mod sched;
mod sync;
mod trap;
mod uart;
mod vcpu;
mod vectors;
mod vgic;
mod vuart;

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use platform::{Platform, Source, MAX_CPUS};
use vectors::PerCpu;

/// Hypervisor version printed in the banner.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// PSCI function IDs the hypervisor calls on the platform (DEN 0022D).
const PSCI_CPU_ON_64: u64 = 0xc400_0003;
const PSCI_SYSTEM_OFF: u64 = 0x8400_0008;
/// PSCI CPU_ON success.
const PSCI_SUCCESS: u64 = 0;
/// CPTR_EL2 (E2H = 0): RES1 bits only: FP/SIMD does not trap. D13.2.31.
const CPTR_EL2: u64 = 0x33ff;
/// CNTHCTL_EL2: EL1PCTEN = 1 (the physical count is readable at EL1/EL0), EL1PCEN = 0 (the EL1
/// physical timer traps: it is not partitioned). D13.8.x "CNTHCTL_EL2".
const CNTHCTL_EL2: u64 = 1;
/// What the hypervisor prints when the MMU probe fails.
pub const NO_TRANSLATION: &str =
    "hypervisor: refusing to start VMs: address translation has no effect on this platform (EL2 MMU probe), so stage 2 cannot isolate them";
/// Time slice: 1/500 s (2 ms).
const SLICES_PER_SECOND: u64 = 500;

/// Per-core data at TPIDR_EL2.
struct PerCpus(UnsafeCell<[PerCpu; MAX_CPUS]>);
// SAFETY: each core touches only its own entry (and the vector code only through TPIDR_EL2).
unsafe impl Sync for PerCpus {}
static PERCPU: PerCpus = PerCpus(UnsafeCell::new(
    [const { PerCpu { regs: core::ptr::null_mut(), stack_top: 0, index: 0, vm: u64::MAX } }; MAX_CPUS],
));

/// TTBR0_EL2 of the EL2 map, shared with the secondaries.
static EL2_TTBR: AtomicU64 = AtomicU64::new(0);
/// Cores that finished their bring-up.
static ONLINE: AtomicUsize = AtomicUsize::new(0);

/// Per-core EL2 setup common to every core: vectors, TPIDR_EL2, trap and timer controls, GIC
/// CPU interface.
fn init_core(core: usize) -> u8 {
    // SAFETY: only this core writes its entry, before anything reads it.
    let percpu = unsafe { &mut (*PERCPU.0.get())[core] };
    percpu.index = core as u64;
    percpu.stack_top = boot::stack_top(core);
    set_sysreg!(tpidr_el2, percpu as *mut PerCpu as u64);
    set_sysreg!(vbar_el2, vectors::vector_base());
    set_sysreg!(hcr_el2, 1 << 31);
    set_sysreg!(cptr_el2, CPTR_EL2);
    set_sysreg!(cnthctl_el2, CNTHCTL_EL2);
    set_sysreg!(cnthp_ctl_el2, 0);
    set_sysreg!(cntv_ctl_el0, 0);
    set_sysreg!(vtcr_el2, mm::VTCR_EL2);
    set_sysreg!(vpidr_el2, sysreg!(midr_el1));
    set_sysreg!(hstr_el2, 0);
    arch::isb();
    gic::init_cpu_interface()
}

/// Core 0, from `_start`: MMU off, x0 as the loader left it.
#[no_mangle]
extern "C" fn boot_main(x0: u64) -> ! {
    let mut platform = Platform::discover(x0);
    let Some(ttbr) = mm::build_el2_map(platform.ram_base, platform.ram_size) else { power_off() };
    mm::enable_el2_mmu(ttbr);
    EL2_TTBR.store(ttbr, Ordering::Release);
    // The secondaries read the TTBR with their MMU off: push it to the point of coherency.
    arch::clean_to_poc(EL2_TTBR.as_ptr() as u64, 8);
    uart::init(platform.uart as usize);
    println!("HyperSoC hypervisor {VERSION} (EL2, AArch64)");
    gic::init_distributor(platform.gicd, platform.gicc, platform.gich);
    let mask = init_core(0);
    let lrs = gic::list_registers();
    bring_up_cores(&mut platform);
    banner(&platform, lrs);
    {
        let mut h = hyp::HYP.lock();
        h.platform = platform;
        h.lrs = lrs;
        h.freq = sysreg!(cntfrq_el0).max(1);
        h.slice = h.freq / SLICES_PER_SECOND;
        h.pcpus[0].online = true;
        h.pcpus[0].gic_mask = mask;
    }
    start_vms(&platform);
    trap::idle(0)
}

/// Prints the platform the hypervisor found.
fn banner(p: &Platform, lrs: usize) {
    match p.source {
        Source::DeviceTree(at) => println!("platform: {} (device tree at {at:#x})", p.model()),
        Source::Defaults => println!("platform: no device tree, using the built-in defaults (QEMU virt map)"),
    }
    let mut cores = hyp::heapless_line();
    for (i, m) in p.mpidr[..p.cpus].iter().enumerate() {
        cores.push_fmt(format_args!("{}{m:#x}", if i == 0 { "" } else { " " }));
    }
    println!("cores: {} online (MPIDR {})", p.cpus, cores.as_str());
    println!("ram: {:#x}..{:#x} ({} MiB)", p.ram_base, p.ram_base + p.ram_size, p.ram_size >> 20);
    println!(
        "gic: GICv2 GICD {:#x} GICC {:#x} GICH {:#x} GICV {:#x}, {} list registers",
        p.gicd, p.gicc, p.gich, p.gicv, lrs
    );
    println!(
        "hypervisor: {:#x}..{:#x}, timer {} Hz, console PL011 at {:#x}",
        boot::hyp_start(),
        boot::hyp_end(),
        sysreg!(cntfrq_el0),
        p.uart
    );
}

/// Starts every other core with PSCI CPU_ON (DEN 0022D 5.1.4) at `__secondary_entry` with the
/// core number as context id, and waits until each is up. Without a device tree, MPIDRs with
/// Aff0 = 1, 2, ... are tried until the platform refuses one.
fn bring_up_cores(p: &mut Platform) {
    let entry = boot::__secondary_entry as *const () as u64;
    let mut started = 1;
    if p.source == Source::Defaults {
        p.cpus = 1;
        for aff0 in 1..MAX_CPUS as u64 {
            if arch::smc(PSCI_CPU_ON_64, aff0, entry, aff0) != PSCI_SUCCESS {
                break;
            }
            p.mpidr[p.cpus] = aff0;
            p.cpus += 1;
            started += 1;
        }
    } else {
        let mut cpus = 1;
        for core in 1..p.cpus {
            if arch::smc(PSCI_CPU_ON_64, p.mpidr[core], entry, core as u64) == PSCI_SUCCESS {
                p.mpidr[cpus] = p.mpidr[core];
                cpus += 1;
                started += 1;
            } else {
                println!("core {core} (MPIDR {:#x}) did not start", p.mpidr[core]);
            }
        }
        p.cpus = cpus;
    }
    while ONLINE.load(Ordering::Acquire) + 1 < started {
        core::hint::spin_loop();
    }
}

/// The other cores, from `__secondary_entry`: MMU off, on their own stack.
#[no_mangle]
extern "C" fn secondary_main(core: u64) -> ! {
    let core = core as usize % MAX_CPUS;
    mm::enable_el2_mmu(EL2_TTBR.load(Ordering::Acquire));
    let mask = init_core(core);
    {
        let mut h = hyp::HYP.lock();
        h.pcpus[core].online = true;
        h.pcpus[core].gic_mask = mask;
    }
    ONLINE.fetch_add(1, Ordering::AcqRel);
    trap::idle(core)
}

/// Validates the configuration blob and creates the VMs, or refuses and powers off.
fn start_vms(p: &Platform) {
    let blob = config::CONFIG_BLOB_ADDR;
    if blob + config::MAX_BLOB > p.ram_base + p.ram_size {
        println!("hypervisor: refusing to start: RAM ends below the configuration blob window at {blob:#x}");
        power_off();
    }
    // SAFETY: the blob window lies in RAM (checked above), identity-mapped.
    let config = match unsafe { config::parse(blob, p, boot::hyp_end()) } {
        Ok(c) => c,
        Err(e) => {
            println!("hypervisor: refusing the VM configuration: {e}");
            power_off();
        }
    };
    for vm in config.vms.iter().flatten() {
        let mut cores = hyp::heapless_line();
        for (n, mask) in vm.vcpu_affinity[..vm.vcpus].iter().enumerate() {
            cores.push_fmt(format_args!(" vcpu{n}:{mask:#x}/p{}", vm.vcpu_priority[n]));
        }
        println!(
            "vm {}: ram ipa {:#x} -> pa {:#x} ({} MiB), entry {:#x}, {} vcpu(s), priority {}, on_fault {}, affinity{}",
            vm.name(),
            vm.ram_ipa,
            vm.ram_pa,
            vm.ram_size >> 20,
            vm.entry,
            vm.vcpus,
            vm.priority,
            if vm.on_fault == config::FaultPolicy::Stop { "stop" } else { "abort" },
            cores.as_str()
        );
    }
    if !mm::probe() {
        println!("{NO_TRANSLATION}");
        power_off();
    }
    let mut h = hyp::HYP.lock();
    if let Err(e) = h.create_vms(&config, blob) {
        println!("hypervisor: refusing the VM configuration: {e}");
        power_off();
    }
    println!("starting {} VMs", config.count);
}

/// Powers the system off (PSCI SYSTEM_OFF over SMC: the platform serves PSCI when there is no
/// EL3, as QEMU `virt,virtualization=on` and HyperSoC do).
pub fn power_off() -> ! {
    arch::smc(PSCI_SYSTEM_OFF, 0, 0, 0);
    loop {
        arch::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    println!("hypervisor: panic: {}", info);
    power_off()
}
