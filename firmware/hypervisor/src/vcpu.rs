//! A vCPU: its saved EL1 state (system registers, FP/SIMD, virtual timer, GICH), its virtual
//! interrupt state, and the switch between the hardware and the saved copy.
//!
//! General-purpose registers live apart, in [`REGS`], because the vector code writes them
//! without taking the hypervisor lock (only the core running a vCPU touches its registers).

use core::cell::UnsafeCell;

use crate::gic::{self, gich, lr};
use crate::vectors::{FpRegs, GuestRegs};
use crate::{set_sysreg, sysreg};

/// Most vCPUs in the system (MAX_VMS x MAX_VCPUS).
pub const MAX_TOTAL_VCPUS: usize = crate::config::MAX_VMS * crate::config::MAX_VCPUS;

/// SPSR_EL2 for a vCPU's first entry: EL1h with D, A, I, F masked (DDI 0487F C5.2.18).
pub const SPSR_EL1H_MASKED: u64 = 0x3c5;
/// SCTLR_EL1 at vCPU reset: the RES1 bits only (MMU and caches off). D13.2 "SCTLR_EL1".
pub const SCTLR_EL1_RESET: u64 = 0x30d0_0800;
/// CNTV_CTL_EL0 bits (D11.2.4): ENABLE, IMASK, ISTATUS.
const CNTV_ENABLE: u64 = 1;
const CNTV_IMASK: u64 = 2;

/// General-purpose registers of every vCPU (index = global vCPU id).
pub struct RegsArea(UnsafeCell<[GuestRegs; MAX_TOTAL_VCPUS]>);

// SAFETY: a vCPU's registers are written by the vector code of the one core that runs it, and
// otherwise only under the hypervisor lock while the vCPU does not run.
unsafe impl Sync for RegsArea {}

pub static REGS: RegsArea =
    RegsArea(UnsafeCell::new([GuestRegs { x: [0; 31], sp_el0: 0, elr: 0, spsr: 0 }; MAX_TOTAL_VCPUS]));

/// Pointer to vCPU `id`'s registers.
pub fn regs_ptr(id: usize) -> *mut GuestRegs {
    // SAFETY: in bounds for every id the hypervisor creates (checked by the caller's index).
    unsafe { (*REGS.0.get()).as_mut_ptr().add(id % MAX_TOTAL_VCPUS) }
}

/// The registers of vCPU `id`, for a handler of its trap or for a vCPU that is not running.
///
/// # Safety
/// No other reference to the same registers may exist (see [`RegsArea`]).
pub unsafe fn regs(id: usize) -> &'static mut GuestRegs {
    // SAFETY: forwarded to the caller.
    unsafe { &mut *regs_ptr(id) }
}

/// Scheduling state of a vCPU.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    /// Not started (waits for PSCI CPU_ON) or turned off by CPU_OFF.
    Off,
    /// Ready to run.
    Runnable,
    /// Running on a physical core.
    Running(usize),
    /// Executed WFI: waits for a virtual interrupt.
    Blocked,
    /// Its VM was stopped.
    Stopped,
}

/// EL1 system registers saved on a switch (D13.2 for each).
#[derive(Clone, Copy, Default)]
pub struct El1Regs {
    sctlr: u64,
    ttbr0: u64,
    ttbr1: u64,
    tcr: u64,
    mair: u64,
    amair: u64,
    vbar: u64,
    contextidr: u64,
    tpidr_el1: u64,
    tpidr_el0: u64,
    tpidrro_el0: u64,
    sp_el1: u64,
    elr_el1: u64,
    spsr_el1: u64,
    esr_el1: u64,
    far_el1: u64,
    afsr0: u64,
    afsr1: u64,
    par: u64,
    cpacr: u64,
    cntkctl: u64,
    csselr: u64,
    mdscr: u64,
    pub cntv_ctl: u64,
    pub cntv_cval: u64,
}

/// GICH state of a vCPU (IHI 0048B 5.3).
#[derive(Clone, Copy, Default)]
pub struct GichState {
    pub hcr: u32,
    pub vmcr: u32,
    pub apr: u32,
    pub lr: [u32; 4],
}

/// One vCPU.
pub struct Vcpu {
    /// Index of its VM, and its number inside the VM (= virtual MPIDR Aff0).
    pub vm: usize,
    pub index: usize,
    pub state: State,
    /// VM priority and vCPU priority: higher runs first.
    pub priority: (u32, u8),
    /// Physical cores it may run on.
    pub affinity: u32,
    /// Round-robin order: the scheduler prefers the lowest among equals.
    pub last_run: u64,
    /// Physical count at which a blocked vCPU's virtual timer fires.
    pub wake_at: Option<u64>,
    /// Physical core it last ran on (whose timer wakes it).
    pub home: usize,
    pub el1: El1Regs,
    pub fp: FpRegs,
    pub gich: GichState,
    /// Virtual SGIs/PPIs waiting for a list register (bit = INTID 0..31), SGI sources.
    pub pending: u32,
    pub sgi_source: [u8; 16],
    /// GICD_ISENABLER0 of this vCPU (SGIs always enabled), GICD_IPRIORITYR0-7.
    pub enabled: u32,
    pub prio: [u8; 32],
    /// Time accounting: physical count when it was last entered, and the total in ticks.
    pub entered_at: u64,
    pub run_ticks: u64,
}

impl Vcpu {
    /// A vCPU of VM `vm`, number `index`, off.
    pub const fn new(vm: usize, index: usize, priority: (u32, u8), affinity: u32) -> Vcpu {
        Vcpu {
            vm,
            index,
            state: State::Off,
            priority,
            affinity,
            last_run: 0,
            wake_at: None,
            home: 0,
            el1: El1Regs {
                sctlr: SCTLR_EL1_RESET,
                ttbr0: 0,
                ttbr1: 0,
                tcr: 0,
                mair: 0,
                amair: 0,
                vbar: 0,
                contextidr: 0,
                tpidr_el1: 0,
                tpidr_el0: 0,
                tpidrro_el0: 0,
                sp_el1: 0,
                elr_el1: 0,
                spsr_el1: 0,
                esr_el1: 0,
                far_el1: 0,
                afsr0: 0,
                afsr1: 0,
                par: 0,
                cpacr: 0,
                cntkctl: 0,
                csselr: 0,
                mdscr: 0,
                cntv_ctl: 0,
                cntv_cval: 0,
            },
            fp: FpRegs { v: [0; 32], fpcr: 0, fpsr: 0 },
            gich: GichState { hcr: gich::HCR_EN, vmcr: 0, apr: 0, lr: [0; 4] },
            pending: 0,
            sgi_source: [0; 16],
            enabled: 0xffff,
            prio: [0xa0; 32],
            entered_at: 0,
            run_ticks: 0,
        }
    }

    /// Resets the architectural state for a (re)start at `entry` with x0 = `context`.
    pub fn reset(&mut self, id: usize, entry: u64, context: u64) {
        let priority = self.priority;
        let affinity = self.affinity;
        let (vm, index) = (self.vm, self.index);
        *self = Vcpu::new(vm, index, priority, affinity);
        // SAFETY: the vCPU is off, so nothing else touches its registers.
        let r = unsafe { regs(id) };
        *r = GuestRegs { x: [0; 31], sp_el0: 0, elr: entry, spsr: SPSR_EL1H_MASKED };
        r.x[0] = context;
    }

    /// Loads the saved state into the hardware (this core is about to run the vCPU).
    pub fn load(&mut self, vttbr: u64, cntvoff: u64, hcr: u64, mdcr: u64, lrs: usize) {
        let e = &self.el1;
        set_sysreg!(vttbr_el2, vttbr);
        set_sysreg!(hcr_el2, hcr);
        set_sysreg!(mdcr_el2, mdcr);
        set_sysreg!(vmpidr_el2, (1 << 31) | self.index as u64);
        set_sysreg!(cntvoff_el2, cntvoff);
        set_sysreg!(sctlr_el1, e.sctlr);
        set_sysreg!(ttbr0_el1, e.ttbr0);
        set_sysreg!(ttbr1_el1, e.ttbr1);
        set_sysreg!(tcr_el1, e.tcr);
        set_sysreg!(mair_el1, e.mair);
        set_sysreg!(amair_el1, e.amair);
        set_sysreg!(vbar_el1, e.vbar);
        set_sysreg!(contextidr_el1, e.contextidr);
        set_sysreg!(tpidr_el1, e.tpidr_el1);
        set_sysreg!(tpidr_el0, e.tpidr_el0);
        set_sysreg!(tpidrro_el0, e.tpidrro_el0);
        set_sysreg!(sp_el1, e.sp_el1);
        set_sysreg!(elr_el1, e.elr_el1);
        set_sysreg!(spsr_el1, e.spsr_el1);
        set_sysreg!(esr_el1, e.esr_el1);
        set_sysreg!(far_el1, e.far_el1);
        set_sysreg!(afsr0_el1, e.afsr0);
        set_sysreg!(afsr1_el1, e.afsr1);
        set_sysreg!(par_el1, e.par);
        set_sysreg!(cpacr_el1, e.cpacr);
        set_sysreg!(cntkctl_el1, e.cntkctl);
        set_sysreg!(csselr_el1, e.csselr);
        set_sysreg!(mdscr_el1, e.mdscr);
        set_sysreg!(cntv_cval_el0, e.cntv_cval);
        set_sysreg!(cntv_ctl_el0, e.cntv_ctl);
        crate::vectors::fp_restore(&self.fp);
        let g = &self.gich;
        gic::write_gich(gich::VMCR, g.vmcr);
        gic::write_gich(gich::APR, g.apr);
        let mut hw_timer = false;
        for (n, &l) in g.lr.iter().enumerate().take(lrs) {
            gic::write_lr(n, l);
            hw_timer |= l & lr::HW != 0 && lr::vintid(l) == gic::intid::VTIMER && !lr::is_free(l);
        }
        gic::write_gich(gich::HCR, g.hcr);
        // A forwarded timer interrupt still in a list register keeps the physical one active,
        // so the level the restored timer drives does not fire again (IHI 0048B 5.4.1).
        gic::set_ppi_active(gic::intid::VTIMER, hw_timer);
        crate::arch::isb();
    }

    /// Saves the hardware state into the vCPU and quiesces the virtual timer and GICH.
    pub fn save(&mut self, lrs: usize) {
        let e = &mut self.el1;
        e.sctlr = sysreg!(sctlr_el1);
        e.ttbr0 = sysreg!(ttbr0_el1);
        e.ttbr1 = sysreg!(ttbr1_el1);
        e.tcr = sysreg!(tcr_el1);
        e.mair = sysreg!(mair_el1);
        e.amair = sysreg!(amair_el1);
        e.vbar = sysreg!(vbar_el1);
        e.contextidr = sysreg!(contextidr_el1);
        e.tpidr_el1 = sysreg!(tpidr_el1);
        e.tpidr_el0 = sysreg!(tpidr_el0);
        e.tpidrro_el0 = sysreg!(tpidrro_el0);
        e.sp_el1 = sysreg!(sp_el1);
        e.elr_el1 = sysreg!(elr_el1);
        e.spsr_el1 = sysreg!(spsr_el1);
        e.esr_el1 = sysreg!(esr_el1);
        e.far_el1 = sysreg!(far_el1);
        e.afsr0 = sysreg!(afsr0_el1);
        e.afsr1 = sysreg!(afsr1_el1);
        e.par = sysreg!(par_el1);
        e.cpacr = sysreg!(cpacr_el1);
        e.cntkctl = sysreg!(cntkctl_el1);
        e.csselr = sysreg!(csselr_el1);
        e.mdscr = sysreg!(mdscr_el1);
        e.cntv_ctl = sysreg!(cntv_ctl_el0) & (CNTV_ENABLE | CNTV_IMASK);
        e.cntv_cval = sysreg!(cntv_cval_el0);
        // The next vCPU must not see this one's timer fire.
        set_sysreg!(cntv_ctl_el0, 0);
        crate::vectors::fp_save(&mut self.fp);
        let g = &mut self.gich;
        g.hcr = gic::read_gich(gich::HCR);
        g.vmcr = gic::read_gich(gich::VMCR);
        g.apr = gic::read_gich(gich::APR);
        for n in 0..lrs {
            g.lr[n] = gic::read_lr(n);
            gic::write_lr(n, 0);
        }
        gic::write_gich(gich::HCR, gich::HCR_EN);
        gic::set_ppi_active(gic::intid::VTIMER, false);
        crate::arch::isb();
    }

    /// Moves queued virtual interrupts into free list registers of the loaded vCPU, and asks
    /// for an underflow maintenance interrupt while some still wait (IHI 0048B 5.3.1 UIE).
    pub fn flush_pending(&mut self, lrs: usize, dist_enabled: bool) {
        let mut want = if dist_enabled { self.pending & self.enabled } else { 0 };
        // Nothing queued and no underflow interrupt requested: no GICH access at all (the
        // common case of a trap that injects nothing).
        if want == 0 && self.gich.hcr & gich::HCR_UIE == 0 {
            return;
        }
        let mut live = [0u32; 4];
        for (n, slot) in live.iter_mut().enumerate().take(lrs) {
            *slot = gic::read_lr(n);
        }
        while want != 0 {
            let irq = want.trailing_zeros();
            want &= want - 1;
            // Already in a list register: the same interrupt, pending once (IHI 0048B 1.4.2).
            if live[..lrs].iter().any(|&l| !lr::is_free(l) && lr::vintid(l) == irq) {
                self.pending &= !(1 << irq);
                continue;
            }
            let Some(free) = live[..lrs].iter().position(|&l| lr::is_free(l)) else { break };
            let physical = (irq == gic::intid::VTIMER).then_some(gic::intid::VTIMER);
            let value =
                lr::pending(irq, self.prio[irq as usize], physical, u32::from(self.sgi_source[(irq & 15) as usize]));
            gic::write_lr(free, value);
            live[free] = value;
            self.pending &= !(1 << irq);
        }
        let hcr = if self.pending & self.enabled != 0 { gich::HCR_EN | gich::HCR_UIE } else { gich::HCR_EN };
        gic::write_gich(gich::HCR, hcr);
        // Mirrors the hardware while the vCPU is loaded (`save` reads it back anyway).
        self.gich.hcr = hcr;
    }

    /// Whether the loaded vCPU has a pending virtual interrupt in a list register.
    pub fn loaded_lr_pending(lrs: usize) -> bool {
        (0..lrs).any(|n| gic::read_lr(n) & lr::STATE_PENDING != 0)
    }
}

/// Injects a synchronous exception into the loaded vCPU at EL1 (DDI 0487F D1.10.1): saves
/// PSTATE and the return address in SPSR_EL1/ELR_EL1, sets ESR_EL1 (and FAR_EL1), and
/// continues at the EL1 vector for the level the exception came from, with DAIF masked.
pub fn inject_sync(regs: &mut GuestRegs, esr: u64, far: Option<u64>) {
    let from_el = (regs.spsr >> 2) & 3;
    let sp_elx = regs.spsr & 1 == 1;
    let offset = match (from_el, sp_elx) {
        (1, false) => 0x000,
        (1, true) => 0x200,
        _ => 0x400,
    };
    set_sysreg!(elr_el1, regs.elr);
    set_sysreg!(spsr_el1, regs.spsr);
    set_sysreg!(esr_el1, esr);
    if let Some(far) = far {
        set_sysreg!(far_el1, far);
    }
    regs.elr = sysreg!(vbar_el1) + offset;
    regs.spsr = SPSR_EL1H_MASKED;
}

/// ESR for an injected UNDEFINED instruction: EC = 0, IL = 1.
pub const ESR_UNDEFINED: u64 = 1 << 25;

/// ESR for an injected synchronous external abort on a data access (EC 0x24 from EL0 / 0x25
/// from EL1, IL = 1, WnR, DFSC = 0b010000) or an instruction fetch (EC 0x20/0x21, IFSC 0x10).
pub fn esr_external_abort(from_el1: bool, instruction: bool, write: bool) -> u64 {
    let ec = match (instruction, from_el1) {
        (false, false) => 0x24,
        (false, true) => 0x25,
        (true, false) => 0x20,
        (true, true) => 0x21,
    };
    (ec << 26) | (1 << 25) | if write && !instruction { 1 << 6 } else { 0 } | 0x10
}
