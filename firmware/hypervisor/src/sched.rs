//! The vCPU scheduler, one decision per physical core, in the QNX manner:
//!
//! - every vCPU is a schedulable entity with a priority pair (VM priority, vCPU priority) and
//!   an affinity mask of physical cores;
//! - on each core the highest-priority runnable vCPU whose affinity includes the core runs; a
//!   vCPU that becomes runnable preempts the lowest-priority one it outranks (or takes an idle
//!   core) at once: the core is kicked with an SGI;
//! - equal priorities share a core round-robin: each switch-in opens a time slice, timed by the
//!   EL2 physical timer (CNTHP, DDI 0487F D11.2.3); at its end the vCPU goes behind its equals;
//! - WFI blocks a vCPU until its next virtual interrupt (its virtual timer deadline, which the
//!   core's CNTHP also watches, a virtual SGI, a PSCI event); WFE and the YIELD hypercall put it
//!   behind its equals.

use crate::gic;
use crate::hyp::Hyp;
use crate::vcpu::State;
use crate::{set_sysreg, sysreg};

/// CNTHP_CTL_EL2.ENABLE.
const CNTHP_ENABLE: u64 = 1;

impl Hyp {
    /// Scheduling key of vCPU `id`: higher runs first.
    fn key(&self, id: usize) -> (u32, u8) {
        self.vcpus[id].as_ref().map_or((0, 0), |v| v.priority)
    }

    /// The vCPU core `p` should run: the current one if still running here, or the best
    /// runnable one allowed on `p`; ties go to the one that ran least recently.
    pub fn pick(&self, p: usize) -> Option<usize> {
        let mut best: Option<(usize, (u32, u8), u64)> = None;
        for (id, v) in self.vcpus.iter().enumerate() {
            let Some(v) = v else { continue };
            let eligible = match v.state {
                State::Runnable => v.affinity & (1 << p) != 0,
                State::Running(q) => q == p,
                _ => false,
            };
            if !eligible {
                continue;
            }
            let better = match best {
                None => true,
                Some((_, key, last)) => v.priority > key || (v.priority == key && v.last_run < last),
            };
            if better {
                best = Some((id, v.priority, v.last_run));
            }
        }
        best.map(|(id, _, _)| id)
    }

    /// Makes `id` runnable and preempts where it outranks what runs (or takes an idle core).
    pub fn make_runnable(&mut self, id: usize, this_cpu: usize) {
        let Some(v) = self.vcpus[id].as_mut() else { return };
        if !matches!(v.state, State::Blocked | State::Off) {
            return;
        }
        v.state = State::Runnable;
        v.wake_at = None;
        let (key, affinity) = (v.priority, v.affinity);
        let mut victim: Option<(usize, (u32, u8))> = None;
        for p in 0..self.platform.cpus {
            if affinity & (1 << p) == 0 || !self.pcpus[p].online {
                continue;
            }
            match self.pcpus[p]
                .current
                .filter(|&c| matches!(self.vcpus[c].as_ref().map(|v| v.state), Some(State::Running(_))))
            {
                None => {
                    self.kick(p, this_cpu);
                    return;
                }
                Some(c) => {
                    let k = self.key(c);
                    if k < key && victim.is_none_or(|(_, vk)| k < vk) {
                        victim = Some((p, k));
                    }
                }
            }
        }
        if let Some((p, _)) = victim {
            self.kick(p, this_cpu);
        }
    }

    /// Puts the vCPU running on `p` behind its equals (slice end, WFE, YIELD).
    pub fn rotate(&mut self, p: usize) {
        if let Some(c) = self.pcpus[p].current {
            self.seq += 1;
            let seq = self.seq;
            if let Some(v) = self.vcpus[c].as_mut() {
                v.last_run = seq;
            }
            self.pcpus[p].need_resched = true;
        }
    }

    /// Decides what core `p` runs next and switches to it: saves the outgoing vCPU's state,
    /// loads the incoming one's. Returns the vCPU to enter, or `None` to idle.
    pub fn schedule(&mut self, p: usize) -> Option<usize> {
        self.pcpus[p].need_resched = false;
        let next = self.pick(p);
        let current = self.pcpus[p].current;
        let now = crate::arch::now();
        if current != next
            || current.is_some_and(|c| !matches!(self.vcpus[c].as_ref().map(|v| v.state), Some(State::Running(_))))
        {
            if let Some(c) = current {
                let lrs = self.lrs;
                if let Some(v) = self.vcpus[c].as_mut() {
                    v.save(lrs);
                    v.run_ticks += now.wrapping_sub(v.entered_at);
                    if v.state == State::Running(p) {
                        v.state = State::Runnable;
                    }
                }
                self.pcpus[p].current = None;
            }
            if let Some(n) = next {
                let lrs = self.lrs;
                let (vm, _) = (self.vcpus[n].as_ref()?.vm, 0);
                let (vttbr, cntvoff, hcr, mdcr) = {
                    let vm = self.vms[vm].as_ref()?;
                    (vm.vttbr, vm.cntvoff, vm.hcr, vm.mdcr)
                };
                self.seq += 1;
                let seq = self.seq;
                let v = self.vcpus[n].as_mut()?;
                v.load(vttbr, cntvoff, hcr, mdcr, lrs);
                v.state = State::Running(p);
                v.home = p;
                v.entered_at = now;
                if v.last_run == 0 {
                    v.last_run = seq;
                }
                self.pcpus[p].current = Some(n);
                self.pcpus[p].slice_end = Some(now + self.slice);
            }
        } else if let Some(c) = current {
            // Same vCPU again: a fresh slice once the old one is over.
            if self.pcpus[p].slice_end.is_none_or(|end| now >= end) {
                self.pcpus[p].slice_end = Some(now + self.slice);
            }
            let _ = c;
        }
        next
    }

    /// Blocked vCPUs whose virtual timer deadline has passed become runnable; a running vCPU
    /// whose slice is over goes behind its equals.
    pub fn timer_expired(&mut self, p: usize) {
        let now = crate::arch::now();
        for id in 0..self.vcpus.len() {
            let due = self.vcpus[id]
                .as_ref()
                .is_some_and(|v| v.state == State::Blocked && v.wake_at.is_some_and(|t| t <= now));
            if due {
                self.make_runnable(id, p);
            }
        }
        if self.pcpus[p].slice_end.is_some_and(|end| now >= end) {
            self.pcpus[p].slice_end = None;
            self.rotate(p);
        }
    }

    /// Programs this core's CNTHP for the earliest of its slice end and the wake-up deadlines
    /// of the vCPUs that blocked here; disables it when there is none.
    pub fn program_timer(&mut self, p: usize) {
        self.pcpus[p].timer_dirty = false;
        let mut next = self.pcpus[p].slice_end.filter(|_| self.pcpus[p].current.is_some());
        for v in self.vcpus.iter().flatten() {
            if v.state == State::Blocked && v.home == p {
                if let Some(t) = v.wake_at {
                    next = Some(next.map_or(t, |n: u64| n.min(t)));
                }
            }
        }
        match next {
            Some(t) => {
                set_sysreg!(cnthp_cval_el2, t);
                set_sysreg!(cnthp_ctl_el2, CNTHP_ENABLE);
            }
            None => set_sysreg!(cnthp_ctl_el2, 0),
        }
        crate::arch::isb();
    }

    /// Handles every pending physical interrupt of core `p` (IHI 0048B 3.2: acknowledge, act,
    /// priority drop, deactivate). The virtual timer is forwarded to the running vCPU and left
    /// active: the guest's deactivation of the virtual interrupt (HW list register) deactivates
    /// it.
    pub fn handle_irqs(&mut self, p: usize) {
        // Bounded: a level that stays asserted cannot keep this core at EL2 for ever (what is
        // left is taken again on the next exit).
        for _ in 0..32 {
            let (intid, source) = gic::acknowledge();
            let iar = intid | (source << 10);
            match intid {
                gic::intid::SPURIOUS => return,
                gic::intid::VTIMER => {
                    gic::priority_drop(iar);
                    match self.pcpus[p].current.and_then(|c| self.vcpus[c].as_mut()) {
                        Some(v) => v.pending |= 1 << gic::intid::VTIMER,
                        None => gic::deactivate(iar),
                    }
                }
                gic::intid::HYP_TIMER => {
                    gic::priority_drop(iar);
                    gic::deactivate(iar);
                    // The level stays asserted until CNTHP is reprogrammed.
                    set_sysreg!(cnthp_ctl_el2, 0);
                    self.pcpus[p].timer_dirty = true;
                    self.timer_expired(p);
                }
                gic::intid::MAINTENANCE => {
                    // Underflow (GICH_HCR.UIE): the level stays asserted while the condition
                    // holds, so UIE is cleared here; refilling the list registers on the way back
                    // into the guest sets it again if interrupts still wait (IHI 0048B 5.3.1).
                    gic::write_gich(gic::gich::HCR, gic::gich::HCR_EN);
                    if let Some(v) = self.pcpus[p].current.and_then(|c| self.vcpus[c].as_mut()) {
                        v.gich.hcr = gic::gich::HCR_EN;
                    }
                    gic::priority_drop(iar);
                    gic::deactivate(iar);
                }
                gic::intid::SGI_KICK => {
                    gic::priority_drop(iar);
                    gic::deactivate(iar);
                    self.pcpus[p].need_resched = true;
                }
                _ => {
                    // Nothing else is enabled; should an interrupt arrive anyway, it is disabled
                    // so that it cannot storm.
                    gic::priority_drop(iar);
                    gic::deactivate(iar);
                    gic::disable(intid);
                    crate::println!("[hyp] core {p}: unexpected interrupt {intid} disabled");
                }
            }
            if let Some(c) = self.pcpus[p].current {
                if let Some(vm) = self.vm_of(c).and_then(|vm| self.vms[vm].as_mut()) {
                    vm.count(crate::exit::Class::Irq);
                }
            }
        }
    }

    /// The virtual timer deadline of the running vCPU `id` (read from the hardware).
    pub fn loaded_timer_deadline(&self, id: usize) -> Option<u64> {
        let vm = self.vms[self.vm_of(id)?].as_ref()?;
        let ctl = sysreg!(cntv_ctl_el0);
        (ctl & 1 != 0 && ctl & 2 == 0).then(|| sysreg!(cntv_cval_el0).wrapping_add(vm.cntvoff))
    }
}
