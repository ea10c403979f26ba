//! What happens on every exit from a guest: `hyp_trap` (called by the vector code) decodes the
//! exception (`exit.rs`), emulates or refuses it, lets the scheduler decide what runs next and
//! returns the context to enter. The idle loop of a core with nothing to run lives here too.

use crate::config::{DeviceKind, FaultPolicy};
use crate::exit::{self, Class, Exit};
use crate::hyp::{Hyp, StopReason, HYP, UART_IPA, UART_TRAPS, UART_WINDOW, VUARTS};
use crate::hypercall::{psci, ret, Call};
use crate::vcpu::{self, State};
use crate::vectors::{enter_guest, GuestRegs, PerCpu};
use crate::vgic::Refusal;
use crate::{println, sysreg};

/// This core's number (from its [`PerCpu`] at TPIDR_EL2).
pub fn this_cpu() -> usize {
    let percpu = sysreg!(tpidr_el2) as *const PerCpu;
    // SAFETY: TPIDR_EL2 points at this core's PerCpu from boot on.
    unsafe { (*percpu).index as usize }
}

/// The VM of the vCPU this core runs (kept in its [`PerCpu`] for the lock-free fast path).
fn current_vm() -> usize {
    let percpu = sysreg!(tpidr_el2) as *const PerCpu;
    // SAFETY: as in `this_cpu`.
    unsafe { (*percpu).vm as usize }
}

fn set_current_vm(vm: usize) {
    let percpu = sysreg!(tpidr_el2) as *mut PerCpu;
    // SAFETY: only this core writes its own PerCpu.
    unsafe { (*percpu).vm = vm as u64 }
}

/// Called by `__guest_exit` with the saved context of the vCPU that ran and the vector index;
/// returns the context to enter.
#[no_mangle]
extern "C" fn hyp_trap(regs: *mut GuestRegs, vector: u64) -> *mut GuestRegs {
    let p = this_cpu();
    let exit = exit::decode(vector, sysreg!(esr_el2), sysreg!(far_el2), sysreg!(hpfar_el2));
    // SAFETY: `regs` is the context the vector code just saved for the vCPU of this core.
    if uart_fast_path(unsafe { &mut *regs }, exit) {
        return regs;
    }
    let mut h = HYP.lock();
    if let Some(id) = h.pcpus[p].current {
        h.handle_exit(p, id, exit);
    }
    next_or_idle(h, p)
}

/// An access to the VM's emulated PL011, served under that UART's lock only: the vCPU goes on
/// running (a pending kick or interrupt is taken as soon as it is back in the guest).
fn uart_fast_path(regs: &mut GuestRegs, exit: Exit) -> bool {
    let vm = current_vm();
    let Some(base) = UART_IPA.get(vm).map(|b| b.load(core::sync::atomic::Ordering::Acquire)) else {
        return false;
    };
    let in_window = |ipa: u64| ipa >= base && ipa - base < UART_WINDOW;
    match exit {
        Exit::MmioWrite { ipa, reg, .. } if in_window(ipa) => {
            let value = if reg == 31 { 0 } else { regs.x[reg as usize] };
            VUARTS[vm].lock().write((ipa - base) & !3, value as u32);
        }
        Exit::MmioRead { ipa, width, reg, sign_extend, sixty_four } if in_window(ipa) => {
            let value = VUARTS[vm].lock().read((ipa - base) & !3);
            if reg != 31 {
                regs.x[reg as usize] = extend(u64::from(value), width, sign_extend, sixty_four);
            }
        }
        _ => return false,
    }
    regs.elr += 4;
    UART_TRAPS[vm].fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    true
}

/// Schedules core `p` and enters the chosen vCPU, or idles.
fn next_or_idle(mut h: crate::sync::SpinGuard<'_, Hyp>, p: usize) -> *mut GuestRegs {
    // The common case: the vCPU goes on running and nothing asked this core to reschedule
    // (whatever could change the decision sets `need_resched`, see `sched.rs`).
    if let Some(id) = h.pcpus[p].current {
        let running = h.vcpus[id].as_ref().is_some_and(|v| v.state == State::Running(p));
        if running && !h.pcpus[p].need_resched {
            h.resume(p, id);
            return vcpu::regs_ptr(id);
        }
    }
    if let Some(id) = h.schedule(p) {
        h.prepare_entry(p, id);
        return vcpu::regs_ptr(id);
    }
    h.program_timer(p);
    drop(h);
    idle(p)
}

/// The idle loop: wait for an interrupt (masked at EL2, so WFI returns and the GIC is polled),
/// handle it, and enter a vCPU as soon as one may run here.
pub fn idle(p: usize) -> ! {
    loop {
        {
            let mut h = HYP.lock();
            h.handle_irqs(p);
            if let Some(id) = h.schedule(p) {
                h.prepare_entry(p, id);
                drop(h);
                // SAFETY: the vCPU's state is loaded and its registers stay valid.
                unsafe { enter_guest(vcpu::regs_ptr(id)) }
            }
            h.program_timer(p);
        }
        crate::arch::wfi();
    }
}

impl Hyp {
    /// Back into the vCPU that trapped: queued virtual interrupts into the list registers, and
    /// the core's timer if it needs reprogramming.
    fn resume(&mut self, p: usize, id: usize) {
        let lrs = self.lrs;
        let enabled = self.vm_of(id).and_then(|vm| self.vms[vm].as_ref()).is_some_and(|vm| vm.vgicd.enabled());
        if let Some(v) = self.vcpus[id].as_mut() {
            v.flush_pending(lrs, enabled);
        }
        if self.pcpus[p].timer_dirty {
            self.program_timer(p);
        }
    }

    /// Last steps before entering vCPU `id` on core `p`: queued virtual interrupts into the
    /// list registers, the core's timer.
    fn prepare_entry(&mut self, p: usize, id: usize) {
        let lrs = self.lrs;
        set_current_vm(self.vm_of(id).unwrap_or(usize::MAX));
        let enabled = self.vm_of(id).and_then(|vm| self.vms[vm].as_ref()).is_some_and(|vm| vm.vgicd.enabled());
        if let Some(v) = self.vcpus[id].as_mut() {
            v.flush_pending(lrs, enabled);
        }
        self.program_timer(p);
    }

    /// Acts on one exit of vCPU `id` running on core `p`.
    fn handle_exit(&mut self, p: usize, id: usize, exit: Exit) {
        let Some(vm) = self.vm_of(id) else { return };
        // SAFETY: `id` runs on this core and is in a trap: nobody else touches its registers.
        let regs = unsafe { vcpu::regs(id) };
        match exit {
            Exit::Irq | Exit::Fiq => self.handle_irqs(p),
            Exit::Hypercall { imm } => {
                let call = if imm == 0 { Call::decode(&regs.x) } else { Call::Unknown { function: regs.x[0] } };
                self.count(vm, if call.is_psci() { Class::Psci } else { Class::Hypercall });
                self.hypercall(p, id, vm, regs, call);
            }
            Exit::Smc { .. } => {
                self.count(vm, Class::Smc);
                self.refused(vm, format_args!("SMC with x0 = {:#x} refused (NOT_SUPPORTED)", regs.x[0]));
                regs.x[0] = ret::NOT_SUPPORTED;
                regs.elr += 4;
            }
            Exit::WfiWfe { wfe: true } => {
                self.count(vm, Class::Wfe);
                regs.elr += 4;
                self.rotate(p);
            }
            Exit::WfiWfe { wfe: false } => {
                self.count(vm, Class::Wfi);
                regs.elr += 4;
                self.wfi(p, id, vm);
            }
            Exit::MmioRead { ipa, width, reg, sign_extend, sixty_four } => {
                let Some(value) = self.mmio_read(id, vm, ipa, width) else {
                    return self.fault(p, id, vm, regs, ipa, sysreg!(esr_el2), false, false);
                };
                let value = extend(value, width, sign_extend, sixty_four);
                if reg != 31 {
                    regs.x[reg as usize] = value;
                }
                regs.elr += 4;
            }
            Exit::MmioWrite { ipa, width, reg } => {
                let value = if reg == 31 { 0 } else { regs.x[reg as usize] };
                if !self.mmio_write(p, id, vm, ipa, width, value) {
                    return self.fault(p, id, vm, regs, ipa, sysreg!(esr_el2), false, true);
                }
                regs.elr += 4;
            }
            Exit::StageTwoFault { ipa, esr, instruction, write } => {
                self.fault(p, id, vm, regs, ipa, esr, instruction, write)
            }
            Exit::SysRegAccess { op0, op1, crn, crm, op2, read, .. } => {
                self.count(vm, Class::SysReg);
                self.refused(
                    vm,
                    format_args!(
                        "{} of system register S{op0}_{op1}_C{crn}_C{crm}_{op2} refused (UNDEFINED injected)",
                        if read { "read" } else { "write" }
                    ),
                );
                vcpu::inject_sync(regs, vcpu::ESR_UNDEFINED, None);
            }
            Exit::SError { esr } | Exit::Other { esr } => {
                self.count(vm, Class::Other);
                self.stop_vm(vm, StopReason::Unexpected { esr, pc: regs.elr }, p);
            }
        }
    }

    fn count(&mut self, vm: usize, class: Class) {
        if let Some(v) = self.vms[vm].as_mut() {
            v.count(class);
        }
    }

    /// Reports a refused guest action.
    fn refused(&mut self, vm: usize, what: core::fmt::Arguments<'_>) {
        if let Some(v) = self.vms[vm].as_mut() {
            v.stats.refused += 1;
            println!("[hyp] VM {}: {}", v.name(), what);
        }
    }

    /// WFI: the vCPU blocks until its next virtual interrupt unless one is already pending or
    /// its virtual timer has fired.
    fn wfi(&mut self, p: usize, id: usize, vm: usize) {
        let lrs = self.lrs;
        let deadline = self.loaded_timer_deadline(id);
        let now = crate::arch::now();
        let Some(v) = self.vcpus[id].as_mut() else { return };
        if deadline.is_some_and(|d| d <= now) {
            // The timer condition holds, so its interrupt is pending for the vCPU (the timer
            // drives a level), whether or not the physical one has reached EL2 yet: queue it,
            // and the guest's deactivation of the hardware list register also deactivates the
            // physical interrupt, whatever state it was left in.
            v.pending |= 1 << crate::gic::intid::VTIMER;
            return;
        }
        if v.pending & v.enabled != 0 || vcpu::Vcpu::loaded_lr_pending(lrs) {
            return;
        }
        v.state = State::Blocked;
        v.wake_at = deadline;
        v.home = p;
        self.pcpus[p].timer_dirty = true;
        if let Some(vm) = self.vms[vm].as_mut() {
            vm.stats.wfi_blocks += 1;
        }
    }

    fn mmio_read(&mut self, id: usize, vm: usize, ipa: u64, width: u8) -> Option<u64> {
        let v = self.vms[vm].as_ref()?;
        if let Some(off) = v.device_offset(DeviceKind::Pl011, ipa) {
            let value = VUARTS[vm].lock().read(off & !3);
            self.count(vm, Class::UartMmio);
            return Some(u64::from(value));
        }
        if let Some(off) = v.device_offset(DeviceKind::Gic, ipa) {
            let (first, n) = (v.first_vcpu, v.vcpus);
            let me = self.vcpus[id].as_ref()?.index;
            let value = v.vgicd.read(&self.vcpus[first..first + n], me, off, width);
            self.count(vm, Class::GicdMmio);
            return Some(u64::from(value));
        }
        None
    }

    fn mmio_write(&mut self, p: usize, id: usize, vm: usize, ipa: u64, width: u8, value: u64) -> bool {
        let Some(v) = self.vms[vm].as_mut() else { return false };
        if let Some(off) = v.device_offset(DeviceKind::Pl011, ipa) {
            VUARTS[vm].lock().write(off & !3, value as u32);
            v.count(Class::UartMmio);
            return true;
        }
        let Some(off) = v.device_offset(DeviceKind::Gic, ipa) else { return false };
        v.count(Class::GicdMmio);
        let (first, n) = (v.first_vcpu, v.vcpus);
        let Some(me) = self.vcpus[id].as_ref().map(|v| v.index) else { return false };
        let fx = v.vgicd.write(&mut self.vcpus[first..first + n], me, off, width, value as u32);
        match fx.refused {
            Some(Refusal::NotOwned { offset, intid }) => self.refused(
                vm,
                format_args!("GICD write at offset {offset:#x} refused: INTID {intid} is not owned by the VM"),
            ),
            Some(Refusal::ForeignSgi { targets, sgi }) => {
                self.refused(vm, format_args!("SGI {sgi} to vCPU mask {targets:#x} refused: no such vCPU in the VM"))
            }
            None => {}
        }
        if let Some((mask, sgi)) = fx.sgi {
            for n in 0..n {
                if mask & (1 << n) == 0 {
                    continue;
                }
                let target = first + n;
                if let Some(t) = self.vcpus[target].as_mut() {
                    t.pending |= 1 << sgi;
                    t.sgi_source[sgi as usize] = me as u8;
                    match t.state {
                        State::Blocked => self.make_runnable(target, p),
                        State::Running(q) if q != p => self.kick(q, p),
                        _ => {}
                    }
                }
            }
        }
        true
    }

    /// A stage-2 fault (or an access to an IPA with nothing emulated there): reported with the
    /// VM name, IPA and ESR; the VM is stopped or receives a synchronous external abort, as its
    /// configuration says.
    #[allow(clippy::too_many_arguments)]
    fn fault(
        &mut self,
        p: usize,
        _id: usize,
        vm: usize,
        regs: &mut GuestRegs,
        ipa: u64,
        esr: u64,
        instruction: bool,
        write: bool,
    ) {
        self.count(vm, Class::Fault);
        match self.policy(vm) {
            FaultPolicy::Stop => self.stop_vm(vm, StopReason::Fault { ipa, esr, pc: regs.elr }, p),
            FaultPolicy::Abort => {
                self.refused(
                    vm,
                    format_args!(
                        "stage-2 fault at IPA {ipa:#x} (ESR_EL2 {esr:#x}, {}, PC {:#x}): external abort injected",
                        if instruction {
                            "fetch"
                        } else if write {
                            "write"
                        } else {
                            "read"
                        },
                        regs.elr
                    ),
                );
                let from_el1 = (regs.spsr >> 2) & 3 == 1;
                let far = sysreg!(far_el2);
                vcpu::inject_sync(regs, vcpu::esr_external_abort(from_el1, instruction, write), Some(far));
            }
        }
    }

    /// A guest call over HVC #0.
    fn hypercall(&mut self, p: usize, id: usize, vm: usize, regs: &mut GuestRegs, call: Call) {
        let Some(v) = self.vms[vm].as_ref() else { return };
        let (first, count) = (v.first_vcpu, v.vcpus);
        let index = self.vcpus[id].as_ref().map_or(0, |v| v.index);
        regs.x[0] = match call {
            Call::Version => crate::hypercall::hyp::ABI_VERSION,
            Call::ConsoleWrite { ipa, len } => {
                match v.ram_pa(ipa, len).filter(|_| len <= crate::hypercall::hyp::CONSOLE_MAX) {
                    Some(pa) => {
                        // SAFETY: `pa..pa + len` lies in the VM's RAM partition (checked above).
                        let text = unsafe { core::slice::from_raw_parts(pa as *const u8, len as usize) };
                        crate::uart::print_guest_line(VUARTS[vm].lock().prefix(), text);
                        len
                    }
                    None => {
                        self.refused(
                            vm,
                            format_args!(
                                "CONSOLE_WRITE of {len} bytes at IPA {ipa:#x} refused: not inside the VM's RAM"
                            ),
                        );
                        ret::INVALID_PARAMETERS
                    }
                }
            }
            Call::VmInfo => {
                let name = v.config.name;
                regs.x[1] = vm as u64;
                regs.x[2] = index as u64;
                regs.x[3] = count as u64;
                regs.x[4] = u64::from_le_bytes(name[..8].try_into().unwrap_or([0; 8]));
                regs.x[5] = u64::from_le_bytes(name[8..].try_into().unwrap_or([0; 8]));
                ret::SUCCESS
            }
            Call::Yield => {
                self.rotate(p);
                ret::SUCCESS
            }
            Call::Report { key, value } => match self.vms[vm].as_mut() {
                Some(v) if (1..=3).contains(&key) => {
                    v.report[key as usize] = Some(value);
                    ret::SUCCESS
                }
                _ => ret::INVALID_PARAMETERS,
            },
            Call::PsciVersion => psci::PSCI_VERSION,
            Call::PsciFeatures { function } => {
                if psci::IMPLEMENTED.contains(&function) {
                    ret::SUCCESS
                } else {
                    ret::NOT_SUPPORTED
                }
            }
            Call::MigrateInfoType => 2,
            Call::CpuOn { target, entry, context } => self.cpu_on(p, vm, target, entry, context),
            Call::AffinityInfo { target } => match self.vcpu_by_mpidr(vm, target) {
                Some(t) => u64::from(self.vcpus[t].as_ref().is_some_and(|v| v.state == State::Off)),
                None => ret::INVALID_PARAMETERS,
            },
            Call::CpuOff => {
                if let Some(v) = self.vcpus[id].as_mut() {
                    v.state = State::Off;
                }
                let all_off =
                    (first..first + count).all(|i| self.vcpus[i].as_ref().is_none_or(|v| v.state == State::Off));
                if all_off {
                    self.stop_vm(vm, StopReason::AllVcpusOff, p);
                }
                ret::SUCCESS
            }
            Call::SystemOff => {
                self.stop_vm(vm, StopReason::SystemOff, p);
                ret::SUCCESS
            }
            Call::SystemReset => {
                self.stop_vm(vm, StopReason::SystemReset, p);
                ret::SUCCESS
            }
            Call::Unknown { function } => {
                self.refused(vm, format_args!("HVC with function ID {function:#x} refused (NOT_SUPPORTED)"));
                ret::NOT_SUPPORTED
            }
        };
    }

    /// The global id of VM `vm`'s vCPU with virtual MPIDR `mpidr` (Aff0 = vCPU number).
    fn vcpu_by_mpidr(&self, vm: usize, mpidr: u64) -> Option<usize> {
        let v = self.vms[vm].as_ref()?;
        let n = mpidr & 0xff_00ff_ffff;
        (n < v.vcpus as u64).then(|| v.first_vcpu + n as usize)
    }

    /// PSCI CPU_ON for a vCPU of the caller's own VM (DEN 0022D 5.1.4).
    fn cpu_on(&mut self, p: usize, vm: usize, target: u64, entry: u64, context: u64) -> u64 {
        let Some(t) = self.vcpu_by_mpidr(vm, target) else {
            self.refused(vm, format_args!("PSCI CPU_ON of MPIDR {target:#x} refused: not a vCPU of this VM"));
            return ret::INVALID_PARAMETERS;
        };
        if self.vms[vm].as_ref().and_then(|v| v.ram_pa(entry, 4)).is_none() {
            return ret::INVALID_ADDRESS;
        }
        let Some(v) = self.vcpus[t].as_mut() else { return ret::INVALID_PARAMETERS };
        if v.state != State::Off {
            return ret::ALREADY_ON;
        }
        v.reset(t, entry, context);
        self.make_runnable(t, p);
        ret::SUCCESS
    }
}

/// A value read from a device, extended as the load instruction asks (ESR_EL2.SSE, SF).
fn extend(value: u64, width: u8, sign_extend: bool, sixty_four: bool) -> u64 {
    let bits = u32::from(width) * 8;
    let value = if bits >= 64 { value } else { value & ((1 << bits) - 1) };
    if !sign_extend || bits >= 64 {
        return value;
    }
    let shift = 64 - bits;
    let extended = (((value << shift) as i64) >> shift) as u64;
    if sixty_four {
        extended
    } else {
        extended & 0xffff_ffff
    }
}
