//! Self-hosted debug (ARM ARM D2): hardware breakpoints (DBGBCR<n>_EL1/DBGBVR<n>_EL1) and
//! watchpoints (DBGWCR<n>_EL1/DBGWVR<n>_EL1) with their privilege, context-ID and VMID
//! matching and linking, software step (MDSCR_EL1.SS with the PSTATE.SS state machine of
//! D2.11), the OS lock and OS double lock, MDSCR_EL1.KDE/MDE, and routing to EL2 by
//! MDCR_EL2.TDE / HCR_EL2.TGE (D2.3 "The debug exception enable controls").
//!
//! A Cortex-A57's counts (ID_AA64DFR0_EL1): six breakpoints, of which the last two (4 and 5) are
//! context-aware, and four watchpoints.
//!
//! Cost: the run loop checks nothing per instruction unless [`Cpu::debug_checks`] is set, which
//! happens only while MDSCR_EL1.SS is set or MDSCR_EL1.MDE is set with an enabled breakpoint or
//! watchpoint. The exact enable conditions (OS lock, KDE, PSTATE.D, EL) are evaluated on that
//! slow path.

use crate::exception::{ec, hcr, SyncException};
use crate::state::Cpu;
use crate::sysreg_table::SysReg;
use crate::traps::mdcr;

/// Number of breakpoints (ID_AA64DFR0_EL1.BRPs + 1).
pub const BREAKPOINTS: usize = 6;
/// Number of watchpoints (ID_AA64DFR0_EL1.WRPs + 1).
pub const WATCHPOINTS: usize = 4;
/// The first context-aware breakpoint (ID_AA64DFR0_EL1.CTX_CMPs + 1 = 2 of them, the highest
/// numbered).
const FIRST_CONTEXT_AWARE: usize = 4;

/// MDSCR_EL1 bits (D24.3 MDSCR_EL1).
mod mdscr {
    /// SS: software step enable.
    pub const SS: u64 = 1 << 0;
    /// KDE: local (kernel) debug enable.
    pub const KDE: u64 = 1 << 13;
    /// MDE: monitor debug events (breakpoints and watchpoints) enable.
    pub const MDE: u64 = 1 << 15;
}

/// The debug exception fault status code (D24.2 ESR_ELx, IFSC/DFSC 0b100010).
const DEBUG_FSC: u32 = 0x22;

/// Breakpoint types, DBGBCR<n>_EL1.BT (D24.3 DBGBCR<n>_EL1).
mod bt {
    pub const ADDRESS: u64 = 0b0000;
    pub const ADDRESS_LINKED: u64 = 0b0001;
    pub const CONTEXT: u64 = 0b0010;
    pub const CONTEXT_LINKED: u64 = 0b0011;
    pub const VMID: u64 = 0b1000;
    pub const VMID_LINKED: u64 = 0b1001;
    pub const VMID_CONTEXT: u64 = 0b1010;
    pub const VMID_CONTEXT_LINKED: u64 = 0b1011;
}

const BCR: [SysReg; BREAKPOINTS] = [
    SysReg::DBGBCR0_EL1,
    SysReg::DBGBCR1_EL1,
    SysReg::DBGBCR2_EL1,
    SysReg::DBGBCR3_EL1,
    SysReg::DBGBCR4_EL1,
    SysReg::DBGBCR5_EL1,
];
const BVR: [SysReg; BREAKPOINTS] = [
    SysReg::DBGBVR0_EL1,
    SysReg::DBGBVR1_EL1,
    SysReg::DBGBVR2_EL1,
    SysReg::DBGBVR3_EL1,
    SysReg::DBGBVR4_EL1,
    SysReg::DBGBVR5_EL1,
];
const WCR: [SysReg; WATCHPOINTS] = [SysReg::DBGWCR0_EL1, SysReg::DBGWCR1_EL1, SysReg::DBGWCR2_EL1, SysReg::DBGWCR3_EL1];
const WVR: [SysReg; WATCHPOINTS] = [SysReg::DBGWVR0_EL1, SysReg::DBGWVR1_EL1, SysReg::DBGWVR2_EL1, SysReg::DBGWVR3_EL1];

/// Whether a write to `reg` can change [`Cpu::debug_checks`] or the debug enables.
pub(crate) fn affects_debug(reg: SysReg) -> bool {
    matches!(
        reg,
        SysReg::MDSCR_EL1
            | SysReg::OSLAR_EL1
            | SysReg::OSDLR_EL1
            | SysReg::DBGPRCR_EL1
            | SysReg::MDCR_EL2
            | SysReg::HCR_EL2
            | SysReg::CONTEXTIDR_EL1
            | SysReg::VTTBR_EL2
    ) || BCR.contains(&reg)
        || BVR.contains(&reg)
        || WCR.contains(&reg)
        || WVR.contains(&reg)
}

/// The state-match fields of a DBGBCR/DBGWCR (SSC, HMC, PMC/PAC), checked against the
/// reserved combinations of CheckValidStateMatch for a PE with EL2, no EL3, no Secure state and
/// no AArch32 (reserved values make the comparator disabled, one of the permitted CONSTRAINED
/// UNPREDICTABLE choices). Returns whether EL0, EL1, EL2 match.
fn state_match(ctrl: u64, el: u8) -> bool {
    let pxc = (ctrl >> 1) & 3;
    let hmc = (ctrl >> 13) & 1;
    let ssc = (ctrl >> 14) & 3;
    let valid = matches!((hmc, ssc, pxc), (0, 0, 0b01..=0b11) | (1, 0, 0b01 | 0b11) | (1, 0b11, 0b00));
    if !valid {
        return false;
    }
    match el {
        0 => pxc & 0b10 != 0,
        1 => pxc & 0b01 != 0,
        _ => (hmc == 1 && (ssc << 2 | pxc) != 0b1000) || ssc == 0b11,
    }
}

impl Cpu {
    /// The EL that debug exceptions are taken to: EL2 when MDCR_EL2.TDE or HCR_EL2.TGE route
    /// them, else EL1 (D2.3.2 "Routing debug exceptions").
    pub(crate) fn debug_target_el(&self) -> u8 {
        let routed = self.sysreg(SysReg::MDCR_EL2) & mdcr::TDE != 0 || self.sysreg(SysReg::HCR_EL2) & hcr::TGE != 0;
        if routed {
            2
        } else {
            1
        }
    }

    /// AArch64.GenerateDebugExceptionsFrom(from_el, PSTATE.D): breakpoints, watchpoints and
    /// software step are generated only when the OS lock and OS double lock are clear, and from
    /// the debug target EL itself only with MDSCR_EL1.KDE set and PSTATE.D clear (D2.3.3).
    pub(crate) fn debug_exceptions_enabled_from(&self, from_el: u8, d_masked: bool) -> bool {
        let os_lock = self.sysreg(SysReg::OSLSR_EL1) & 2 != 0;
        // D2.5 DoubleLockStatus(): OSDLR_EL1.DLK set while DBGPRCR_EL1.CORENPDRQ is clear.
        let double_lock = self.sysreg(SysReg::OSDLR_EL1) & 1 != 0 && self.sysreg(SysReg::DBGPRCR_EL1) & 1 == 0;
        if os_lock || double_lock {
            return false;
        }
        let target = self.debug_target_el();
        if from_el == target {
            self.sysreg(SysReg::MDSCR_EL1) & mdscr::KDE != 0 && !d_masked
        } else {
            target > from_el
        }
    }

    /// Debug exceptions enabled from the current EL with the current PSTATE.D.
    fn debug_enabled_here(&self) -> bool {
        self.debug_exceptions_enabled_from(self.pstate.el, self.pstate.daif & 0x200 != 0)
    }

    /// Recomputes [`Cpu::debug_checks`] and [`Cpu::watch_checks`] after a write to a debug
    /// control (see [`affects_debug`]).
    pub(crate) fn update_debug_checks(&mut self) {
        let mdscr_value = self.sysreg(SysReg::MDSCR_EL1);
        let mde = mdscr_value & mdscr::MDE != 0;
        let breakpoint = BCR.iter().any(|&r| self.sysreg(r) & 1 != 0);
        let watchpoint = WCR.iter().any(|&r| self.sysreg(r) & 1 != 0);
        let watch_checks = mde && watchpoint;
        if watch_checks != self.watch_checks {
            self.watch_checks = watch_checks;
            self.refresh_fast_path();
        }
        self.debug_checks = mdscr_value & mdscr::SS != 0 || (mde && breakpoint);
    }

    /// Whether software step is active (D2.11.3): MDSCR_EL1.SS set and debug exceptions enabled
    /// from the current EL.
    pub(crate) fn software_step_active(&self) -> bool {
        self.sysreg(SysReg::MDSCR_EL1) & mdscr::SS != 0 && self.debug_enabled_here()
    }

    /// The debug checks made before executing the instruction at the PC, in the priority order
    /// of D1.4.5.6: a pending Software Step exception (active-pending state), then a Breakpoint
    /// exception. Returns the exception to take, if any.
    pub(crate) fn debug_before_instruction(&self) -> Option<SyncException> {
        if self.sysreg(SysReg::MDSCR_EL1) & mdscr::SS != 0 && !self.pstate.ss && self.debug_enabled_here() {
            // D24.2 ESR_ELx ISS for a Software Step exception: ISV = 1 when the exception
            // follows the execution of the stepped instruction (EX then says whether it was a
            // load-exclusive); ISV = 0 when active-pending was entered by an exception entry or
            // return.
            let valid = self.step_syndrome_valid;
            let iss = (u32::from(valid) << 24) | (u32::from(valid && self.stepped_exclusive) << 6) | DEBUG_FSC;
            return Some(self.debug_exception(ec::SOFTWARE_STEP_LOWER, iss, None));
        }
        if self.sysreg(SysReg::MDSCR_EL1) & mdscr::MDE != 0 && self.debug_enabled_here() && self.breakpoint_hit(self.pc)
        {
            return Some(self.debug_exception(ec::BREAKPOINT_LOWER, DEBUG_FSC, None));
        }
        None
    }

    /// A debug exception of class `lower_ec` (the "lower EL" class; the same-EL class is one
    /// more), routed to the debug target EL.
    fn debug_exception(&self, lower_ec: u8, iss: u32, far: Option<u64>) -> SyncException {
        let target = self.debug_target_el();
        let class = if self.pstate.el == target { lower_ec + 1 } else { lower_ec };
        SyncException { far, to_el2: target == 2, ..SyncException::new(class, iss) }
    }

    /// AArch64.BreakpointMatch for every implemented breakpoint: an enabled address
    /// breakpoint (unlinked, or linked to a context-aware one that matches) for `pc`, or an
    /// unlinked context-ID/VMID breakpoint that matches the current context.
    fn breakpoint_hit(&self, pc: u64) -> bool {
        (0..BREAKPOINTS).any(|n| {
            let ctrl = self.sysreg(BCR[n]);
            if ctrl & 1 == 0 || !state_match(ctrl, self.pstate.el) {
                return false;
            }
            match (ctrl >> 20) & 0xf {
                bt::ADDRESS => self.address_match(n, pc),
                bt::ADDRESS_LINKED => self.address_match(n, pc) && self.linked_context_match((ctrl >> 16) & 0xf),
                bt::CONTEXT | bt::VMID | bt::VMID_CONTEXT => self.context_match(n),
                _ => false,
            }
        })
    }

    /// DBGBVR<n>_EL1.VA[48:2] against the PC, with BAS = 0b1111 (the only value for A64).
    fn address_match(&self, n: usize, pc: u64) -> bool {
        let ctrl = self.sysreg(BCR[n]);
        let bas = (ctrl >> 5) & 0xf;
        let value = self.sysreg(BVR[n]);
        bas == 0xf && (value ^ pc) & 0x0001_ffff_ffff_fffc == 0
    }

    /// Whether context-aware breakpoint `n` (BT = context ID, VMID or both) matches the current
    /// CONTEXTIDR_EL1 / VTTBR_EL2.VMID (D2.8.x "Context matching breakpoints").
    fn context_match(&self, n: usize) -> bool {
        if n < FIRST_CONTEXT_AWARE {
            return false;
        }
        let value = self.sysreg(BVR[n]);
        let context = value & 0xffff_ffff == self.sysreg(SysReg::CONTEXTIDR_EL1) & 0xffff_ffff;
        // VMID matches apply at EL0/EL1 with EL2 enabled (the VMID of the current guest).
        let vmid = self.pstate.el < 2 && (value >> 32) & 0xff == (self.sysreg(SysReg::VTTBR_EL2) >> 48) & 0xff;
        match (self.sysreg(BCR[n]) >> 20) & 0xf {
            bt::CONTEXT | bt::CONTEXT_LINKED => context && self.pstate.el < 2,
            bt::VMID | bt::VMID_LINKED => vmid,
            bt::VMID_CONTEXT | bt::VMID_CONTEXT_LINKED => vmid && context,
            _ => false,
        }
    }

    /// The linked breakpoint `lbn` of an address breakpoint or watchpoint: it must be an
    /// enabled, context-aware breakpoint of a linked context type that matches.
    fn linked_context_match(&self, lbn: u64) -> bool {
        let n = lbn as usize;
        if !(FIRST_CONTEXT_AWARE..BREAKPOINTS).contains(&n) {
            return false;
        }
        let ctrl = self.sysreg(BCR[n]);
        let linked_type = matches!((ctrl >> 20) & 0xf, bt::CONTEXT_LINKED | bt::VMID_LINKED | bt::VMID_CONTEXT_LINKED);
        ctrl & 1 != 0 && linked_type && self.context_match(n)
    }

    /// AArch64.CheckWatchpoint for a data access of `size` bytes at `va`: a Watchpoint
    /// exception (EC 0x34/0x35, ISS WnR/CM and DFSC 0b100010, FAR = `va`) if an enabled
    /// watchpoint matches. Called only when [`Cpu::watch_checks`] is set.
    #[cold]
    pub(crate) fn check_watchpoint(
        &self,
        va: u64,
        size: u64,
        write: bool,
        cache_maintenance: bool,
    ) -> Result<(), SyncException> {
        if !self.debug_enabled_here() {
            return Ok(());
        }
        let el = self.pstate.el;
        let hit = (0..WATCHPOINTS).any(|n| {
            let ctrl = self.sysreg(WCR[n]);
            // LSC: 0b01 loads, 0b10 stores, 0b11 both (D24.3 DBGWCR<n>_EL1).
            let lsc = (ctrl >> 3) & 3;
            let kind_ok = if write { lsc & 0b10 != 0 } else { lsc & 0b01 != 0 };
            if ctrl & 1 == 0 || !kind_ok || !state_match(ctrl, el) {
                return false;
            }
            let linked = (ctrl >> 20) & 1 != 0;
            if linked && !self.linked_context_match((ctrl >> 16) & 0xf) {
                return false;
            }
            watch_range_hit(ctrl, self.sysreg(WVR[n]), va, size)
        });
        if hit {
            let iss = (u32::from(cache_maintenance) << 8) | (u32::from(write) << 6) | DEBUG_FSC;
            return Err(self.debug_exception(ec::WATCHPOINT_LOWER, iss, Some(va)));
        }
        Ok(())
    }
}

/// Whether the access `[va, va + size)` touches a byte the watchpoint watches: with MASK = 0
/// the BAS bytes of the doubleword at DBGWVR[48:3]; with MASK = 3..31 the naturally aligned
/// 2^MASK-byte region at DBGWVR (BAS must then be 0xff; MASK 1..2 is reserved: no match).
fn watch_range_hit(ctrl: u64, value: u64, va: u64, size: u64) -> bool {
    let mask = (ctrl >> 24) & 0x1f;
    let bas = (ctrl >> 5) & 0xff;
    let end = va.wrapping_add(size);
    if mask == 0 {
        let base = value & 0x0001_ffff_ffff_fff8;
        (0..8).any(|i| bas & (1 << i) != 0 && (va..end).contains(&(base + i)))
    } else if mask >= 3 {
        let region = 1u64 << mask;
        let base = value & 0x0001_ffff_ffff_ffff & !(region - 1);
        bas == 0xff && va < base.wrapping_add(region) && base < end
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Pstate;

    fn cpu_at(el: u8) -> Cpu {
        let mut cpu = Cpu::new(0, 0x8000_0000);
        cpu.set_pstate(Pstate { nzcv: 0, daif: 0, el, sp_sel: true, il: false, ss: false });
        // Unlock the OS lock, as software must before using debug.
        cpu.set_sysreg(SysReg::OSLSR_EL1, 0x8);
        cpu.set_sysreg(SysReg::MDSCR_EL1, mdscr::MDE);
        cpu
    }

    #[test]
    fn state_match_table() {
        // PMC = 0b01: EL1 only; 0b11: EL0 and EL1; HMC=1,PMC=0b11: all three.
        assert!(state_match(0b01 << 1, 1) && !state_match(0b01 << 1, 0) && !state_match(0b01 << 1, 2));
        assert!(state_match(0b11 << 1, 0) && state_match(0b11 << 1, 1));
        let all = (1 << 13) | (0b11 << 1);
        assert!(state_match(all, 2) && state_match(all, 1) && state_match(all, 0));
        // HMC=1, SSC=0b11, PMC=0: EL2 only.
        let el2_only = (1 << 13) | (0b11 << 14);
        assert!(state_match(el2_only, 2) && !state_match(el2_only, 1));
        // Reserved: HMC=1, PMC=0b00, SSC=0.
        assert!(!state_match(1 << 13, 2));
    }

    #[test]
    fn address_breakpoint_from_el0_goes_to_el1() {
        let mut cpu = cpu_at(0);
        cpu.set_sysreg(SysReg::DBGBVR1_EL1, 0x4000_1000);
        cpu.set_sysreg(SysReg::DBGBCR1_EL1, (0xf << 5) | (0b11 << 1) | 1);
        cpu.pc = 0x4000_1000;
        let exc = cpu.debug_before_instruction().expect("breakpoint");
        assert_eq!((exc.ec, exc.iss, exc.to_el2), (ec::BREAKPOINT_LOWER, 0x22, false));
        cpu.pc = 0x4000_1004;
        assert!(cpu.debug_before_instruction().is_none());
        // At EL1 itself, KDE is needed.
        cpu.pstate.el = 1;
        cpu.pc = 0x4000_1000;
        assert!(cpu.debug_before_instruction().is_none());
        cpu.set_sysreg(SysReg::MDSCR_EL1, mdscr::MDE | mdscr::KDE);
        assert_eq!(cpu.debug_before_instruction().map(|e| e.ec), Some(ec::BREAKPOINT_LOWER + 1));
        // The OS lock disables it.
        cpu.set_sysreg(SysReg::OSLSR_EL1, 0xa);
        assert!(cpu.debug_before_instruction().is_none());
    }

    #[test]
    fn tde_routes_to_el2() {
        let mut cpu = cpu_at(1);
        cpu.set_sysreg(SysReg::MDCR_EL2, mdcr::TDE | 6);
        cpu.set_sysreg(SysReg::DBGBVR0_EL1, 0x8000);
        cpu.set_sysreg(SysReg::DBGBCR0_EL1, (0xf << 5) | (0b11 << 1) | 1);
        cpu.pc = 0x8000;
        let exc = cpu.debug_before_instruction().expect("breakpoint");
        assert_eq!((exc.ec, exc.to_el2), (ec::BREAKPOINT_LOWER, true));
    }

    #[test]
    fn watchpoints_bas_mask_and_lsc() {
        let mut cpu = cpu_at(0);
        cpu.set_sysreg(SysReg::DBGWVR0_EL1, 0x4000_2000);
        // Bytes 4..8 of the doubleword, stores only.
        cpu.set_sysreg(SysReg::DBGWCR0_EL1, (0xf0 << 5) | (0b10 << 3) | (0b11 << 1) | 1);
        cpu.update_debug_checks();
        assert!(cpu.watch_checks);
        assert!(cpu.check_watchpoint(0x4000_2004, 4, false, false).is_ok());
        let exc = cpu.check_watchpoint(0x4000_2000, 8, true, false).unwrap_err();
        assert_eq!((exc.ec, exc.iss, exc.far), (ec::WATCHPOINT_LOWER, 0x62, Some(0x4000_2000)));
        assert!(cpu.check_watchpoint(0x4000_2000, 4, true, false).is_ok());
        // A 4 KiB masked region.
        cpu.set_sysreg(SysReg::DBGWCR0_EL1, (12 << 24) | (0xff << 5) | (0b01 << 3) | (0b11 << 1) | 1);
        assert!(cpu.check_watchpoint(0x4000_2ff8, 8, false, false).is_err());
        assert!(cpu.check_watchpoint(0x4000_3000, 8, false, false).is_ok());
    }

    #[test]
    fn context_breakpoint_and_linking() {
        let mut cpu = cpu_at(0);
        cpu.set_sysreg(SysReg::CONTEXTIDR_EL1, 0x42);
        // Breakpoint 5: linked context ID 0x42; breakpoint 0: address linked to 5.
        cpu.set_sysreg(SysReg::DBGBVR5_EL1, 0x42);
        cpu.set_sysreg(SysReg::DBGBCR5_EL1, (bt::CONTEXT_LINKED << 20) | (0b11 << 1) | 1);
        cpu.set_sysreg(SysReg::DBGBVR0_EL1, 0x9000);
        cpu.set_sysreg(SysReg::DBGBCR0_EL1, (bt::ADDRESS_LINKED << 20) | (5 << 16) | (0xf << 5) | (0b11 << 1) | 1);
        cpu.pc = 0x9000;
        assert!(cpu.debug_before_instruction().is_some());
        cpu.set_sysreg(SysReg::CONTEXTIDR_EL1, 0x43);
        assert!(cpu.debug_before_instruction().is_none());
    }
}
