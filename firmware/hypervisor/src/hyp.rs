//! The hypervisor's shared state behind one lock: the platform, the VMs (stage 2, VMID,
//! CNTVOFF, emulated devices, statistics), every vCPU, and what each physical core runs; VM
//! creation from the validated configuration, VM stop with the summary at the end.

use crate::config::{Config, DeviceKind, FaultPolicy, VmConfig, MAX_VMS};
use crate::exit::{Class, CLASSES, CLASS_NAMES};
use crate::mm::Stage2;
use crate::platform::{Platform, MAX_CPUS};
use crate::sync::SpinLock;
use crate::vcpu::{State, Vcpu, MAX_TOTAL_VCPUS};
use crate::vgic::Vgicd;
use crate::vuart::Vuart;
use crate::{println, sysreg};

use core::sync::atomic::{AtomicU64, Ordering};

/// The emulated PL011 of each VM, behind its own lock: a guest printing is the most frequent
/// exit, and `trap.rs` serves it without the hypervisor lock (see `uart_fast_path`).
pub static VUARTS: [SpinLock<Vuart>; MAX_VMS] = [const { SpinLock::new(Vuart::new()) }; MAX_VMS];
/// IPA of each VM's `pl011` window (`u64::MAX`: none); fixed once the VMs are created.
pub static UART_IPA: [AtomicU64; MAX_VMS] = [const { AtomicU64::new(u64::MAX) }; MAX_VMS];
/// Accesses to each VM's emulated PL011.
pub static UART_TRAPS: [AtomicU64; MAX_VMS] = [const { AtomicU64::new(0) }; MAX_VMS];
/// Size of the PL011 register window.
pub const UART_WINDOW: u64 = 0x1000;

/// HCR_EL2 while a guest runs (DDI 0487F D13.2.46): VM (stage 2), SWIO, FMO/IMO/AMO (physical
/// interrupts to EL2, virtual ones to the guest), FB, BSU = inner shareable, TWI/TWE (WFI, WFE
/// trap), TSC (SMC traps), TIDCP (IMPLEMENTATION DEFINED registers trap), TACR (ACTLR_EL1
/// traps), RW (EL1 is AArch64).
pub const HCR_GUEST: u64 = 1
    | (1 << 1)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 9)
    | (1 << 10)
    | (1 << 13)
    | (1 << 14)
    | (1 << 19)
    | (1 << 20)
    | (1 << 21)
    | (1 << 31);
/// MDCR_EL2.TPM (bit 6) and TPMCR (bit 5): PMU accesses trap (VMs without the `pmu` device).
const MDCR_TPM: u64 = (1 << 6) | (1 << 5);

/// Per-VM statistics for the summary.
#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub traps: [u64; CLASSES],
    pub wfi_blocks: u64,
    pub refused: u64,
}

/// One VM.
pub struct Vm {
    pub config: VmConfig,
    pub vmid: u16,
    pub vttbr: u64,
    pub cntvoff: u64,
    pub hcr: u64,
    pub mdcr: u64,
    pub first_vcpu: usize,
    pub vcpus: usize,
    pub vgicd: Vgicd,
    pub stopped: bool,
    pub stats: Stats,
    /// Values the guest reported with the REPORT hypercall (key 1..=3).
    pub report: [Option<u64>; 4],
}

impl Vm {
    pub fn name(&self) -> &str {
        self.config.name()
    }

    /// Counts a trap of `class`.
    pub fn count(&mut self, class: Class) {
        self.stats.traps[class as usize] += 1;
    }

    /// Whether `ipa` lies in device `kind`'s window; returns the offset.
    pub fn device_offset(&self, kind: DeviceKind, ipa: u64) -> Option<u64> {
        let d = self.config.device(kind)?;
        let size = if kind == DeviceKind::Gic { 0x1_0000 } else { d.size };
        (ipa >= d.ipa && ipa - d.ipa < size).then(|| ipa - d.ipa)
    }

    /// Translates a guest buffer `[ipa, ipa + len)` inside its RAM to a physical address.
    pub fn ram_pa(&self, ipa: u64, len: u64) -> Option<u64> {
        let c = &self.config;
        let end = ipa.checked_add(len)?;
        (ipa >= c.ram_ipa && end <= c.ram_ipa + c.ram_size).then(|| c.ram_pa + (ipa - c.ram_ipa))
    }
}

/// What the hypervisor knows about one physical core.
#[derive(Clone, Copy)]
pub struct Pcpu {
    pub online: bool,
    /// GIC CPU interface mask (for SGIs).
    pub gic_mask: u8,
    /// The vCPU loaded on this core (its state is `Running(core)` while it runs).
    pub current: Option<usize>,
    /// Some other core changed what this core should run.
    pub need_resched: bool,
    /// End of the running vCPU's time slice (physical count).
    pub slice_end: Option<u64>,
    /// CNTHP must be reprogrammed (it fired, or a vCPU blocked here).
    pub timer_dirty: bool,
}

/// All hypervisor state.
pub struct Hyp {
    pub platform: Platform,
    pub vms: [Option<Vm>; MAX_VMS],
    pub vcpus: [Option<Vcpu>; MAX_TOTAL_VCPUS],
    pub pcpus: [Pcpu; MAX_CPUS],
    /// Round-robin sequence.
    pub seq: u64,
    /// List registers in use.
    pub lrs: usize,
    /// Time slice in physical counts.
    pub slice: u64,
    /// Counter frequency.
    pub freq: u64,
    /// Physical count when the VMs started.
    pub started_at: u64,
}

/// The one instance.
pub static HYP: SpinLock<Hyp> = SpinLock::new(Hyp {
    platform: Platform::DEFAULT,
    vms: [const { None }; MAX_VMS],
    vcpus: [const { None }; MAX_TOTAL_VCPUS],
    pcpus: [Pcpu {
        online: false,
        gic_mask: 0,
        current: None,
        need_resched: false,
        slice_end: None,
        timer_dirty: false,
    }; MAX_CPUS],
    seq: 1,
    lrs: 4,
    slice: 0,
    freq: 1,
    started_at: 0,
});

/// Why a VM was stopped.
#[derive(Clone, Copy)]
pub enum StopReason {
    SystemOff,
    SystemReset,
    AllVcpusOff,
    Fault { ipa: u64, esr: u64, pc: u64 },
    Unexpected { esr: u64, pc: u64 },
}

impl Hyp {
    /// Builds every VM of `config`: stage-2 table and VMID, RAM contents (its image copied from
    /// the blob at `blob`), devices, vCPUs (vCPU 0 runnable at the entry, the rest off).
    pub fn create_vms(&mut self, config: &Config, blob: u64) -> Result<(), &'static str> {
        let mut next_vcpu = 0;
        for (i, vm) in config.vms.iter().enumerate() {
            let Some(c) = vm else { continue };
            let mut s2 = Stage2::new().ok_or("out of page-table pages")?;
            s2.map(c.ram_ipa, c.ram_pa, c.ram_size, false).ok_or("out of page-table pages")?;
            if let Some(gic) = c.device(DeviceKind::Gic) {
                // The guest's GICC is the GICV (8 KiB, IHI 0048B 5.5) at the GIC IPA + 64 KiB.
                s2.map(gic.ipa + 0x1_0000, self.platform.gicv, 0x2000, true).ok_or("out of page-table pages")?;
            }
            // Copy the image into the partition; the rest of the partition is left as the
            // loader left it (zeroed RAM on both HyperSoC and QEMU).
            let dst = c.ram_pa + (c.image_ipa - c.ram_ipa);
            // SAFETY: the configuration was validated: the image lies inside the blob and the
            // destination inside the VM's partition, which is RAM outside the hypervisor.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    (blob + c.image_offset) as *const u8,
                    dst as *mut u8,
                    c.image_size as usize,
                );
            }
            crate::arch::clean_to_poc(dst, c.image_size);
            let vmid = i as u16 + 1;
            VUARTS[i].lock().reset(c.name());
            if let Some(uart) = c.device(DeviceKind::Pl011) {
                UART_IPA[i].store(uart.ipa, Ordering::Release);
            }
            let pmu = c.device(DeviceKind::Pmu).is_some();
            let hpmn = (sysreg!(pmcr_el0) >> 11) & 0x1f;
            self.vms[i] = Some(Vm {
                config: *c,
                vmid,
                vttbr: s2.vttbr(vmid),
                cntvoff: crate::arch::now(),
                hcr: HCR_GUEST,
                mdcr: hpmn | if pmu { 0 } else { MDCR_TPM },
                first_vcpu: next_vcpu,
                vcpus: c.vcpus,
                vgicd: Vgicd::new(),
                stopped: false,
                stats: Stats::default(),
                report: [None; 4],
            });
            for n in 0..c.vcpus {
                let mut v = Vcpu::new(i, n, (c.priority, c.vcpu_priority[n]), c.vcpu_affinity[n]);
                if n == 0 {
                    v.reset(next_vcpu, c.entry, 0);
                }
                self.vcpus[next_vcpu] = Some(v);
                if n == 0 {
                    // Runnable, and the cores it may run on are kicked out of their idle WFI.
                    self.make_runnable(next_vcpu, 0);
                }
                next_vcpu += 1;
            }
        }
        crate::arch::tlbi_all_el1();
        self.started_at = crate::arch::now();
        Ok(())
    }

    /// The VM and vCPU of global vCPU `id`.
    pub fn vm_of(&self, id: usize) -> Option<usize> {
        self.vcpus.get(id)?.as_ref().map(|v| v.vm)
    }

    /// Stops VM `vm`: its vCPUs never run again; other VMs keep running. When the last VM
    /// stops, prints the summary and powers the system off.
    pub fn stop_vm(&mut self, vm: usize, reason: StopReason, this_cpu: usize) {
        let Some(v) = self.vms.get_mut(vm).and_then(|v| v.as_mut()) else { return };
        if v.stopped {
            return;
        }
        v.stopped = true;
        VUARTS[vm].lock().flush();
        let name = v.config.name();
        match reason {
            StopReason::SystemOff => println!("[hyp] VM {name} powered off (PSCI SYSTEM_OFF)"),
            StopReason::SystemReset => {
                println!("[hyp] VM {name} asked for SYSTEM_RESET: not offered in this release, VM stopped")
            }
            StopReason::AllVcpusOff => println!("[hyp] VM {name} stopped: every vCPU is off"),
            StopReason::Fault { ipa, esr, pc } => println!(
                "[hyp] VM {name} stopped: stage-2 fault at IPA {ipa:#x} (ESR_EL2 {esr:#x}, PC {pc:#x}); other VMs keep running"
            ),
            StopReason::Unexpected { esr, pc } => {
                println!("[hyp] VM {name} stopped: unexpected exception ESR_EL2 {esr:#x} at PC {pc:#x}")
            }
        }
        let (first, count) = (v.first_vcpu, v.vcpus);
        let now = crate::arch::now();
        for id in first..first + count {
            if let Some(vc) = self.vcpus[id].as_mut().filter(|vc| matches!(vc.state, State::Running(_))) {
                // Account the time up to now (the switch-out that follows adds the rest).
                vc.run_ticks += now.wrapping_sub(vc.entered_at);
                vc.entered_at = now;
            }
            let running = self.vcpus[id].as_ref().and_then(|vc| match vc.state {
                State::Running(p) => Some(p),
                _ => None,
            });
            if let Some(p) = running.filter(|&p| p != this_cpu) {
                self.kick(p, this_cpu);
            }
            if let Some(vc) = self.vcpus[id].as_mut() {
                vc.state = State::Stopped;
            }
        }
        if self.vms.iter().flatten().all(|v| v.stopped) {
            self.summary();
            crate::power_off();
        }
    }

    /// Asks core `p` to reschedule: a flag for this core, an SGI for another.
    pub fn kick(&mut self, p: usize, this_cpu: usize) {
        self.pcpus[p].need_resched = true;
        if p != this_cpu && self.pcpus[p].online {
            crate::gic::send_sgi(self.pcpus[p].gic_mask, crate::gic::intid::SGI_KICK);
        }
    }

    /// Prints the per-VM summary.
    pub fn summary(&self) {
        let elapsed = crate::arch::now().wrapping_sub(self.started_at);
        println!("[hyp] summary: {} us of run time, timer {} Hz", ticks_to_us(elapsed, self.freq), self.freq);
        for (i, vm) in self.vms.iter().enumerate() {
            let Some(vm) = vm else { continue };
            let mut traps_by_class = vm.stats.traps;
            traps_by_class[Class::UartMmio as usize] += UART_TRAPS[i].load(Ordering::Relaxed);
            let ticks: u64 =
                self.vcpus[vm.first_vcpu..vm.first_vcpu + vm.vcpus].iter().flatten().map(|v| v.run_ticks).sum();
            let mut traps = heapless_line();
            for (n, &count) in traps_by_class.iter().enumerate() {
                if count > 0 {
                    traps.push_fmt(format_args!(" {}={}", CLASS_NAMES[n], count));
                }
            }
            println!(
                "[hyp] summary {}: vmid={} vcpus={} vcpu_time_us={} wfi_exits={} wfi_blocks={} refused={} traps:{}",
                vm.name(),
                vm.vmid,
                vm.vcpus,
                ticks_to_us(ticks, self.freq),
                vm.stats.traps[Class::Wfi as usize],
                vm.stats.wfi_blocks,
                vm.stats.refused,
                traps.as_str()
            );
            if let Some(lat) = vm.report[1] {
                println!(
                    "[hyp] summary {}: worst timer latency {} ticks, deadlines missed {}, jobs {}",
                    vm.name(),
                    lat,
                    vm.report[2].unwrap_or(0),
                    vm.report[3].unwrap_or(0)
                );
            }
        }
    }

    /// The fault policy of VM `vm`.
    pub fn policy(&self, vm: usize) -> FaultPolicy {
        self.vms[vm].as_ref().map_or(FaultPolicy::Stop, |v| v.config.on_fault)
    }
}

/// Microseconds in `ticks` of a `freq` Hz counter.
pub fn ticks_to_us(ticks: u64, freq: u64) -> u64 {
    (u128::from(ticks) * 1_000_000 / u128::from(freq.max(1))) as u64
}

/// A small fixed-capacity text buffer (no allocator at EL2).
pub struct Line {
    buf: [u8; 160],
    len: usize,
}

/// An empty [`Line`].
pub fn heapless_line() -> Line {
    Line { buf: [0; 160], len: 0 }
}

impl Line {
    pub fn push_fmt(&mut self, args: core::fmt::Arguments<'_>) {
        let _ = core::fmt::Write::write_fmt(self, args);
    }
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}
