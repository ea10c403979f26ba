//! Host debug controls of a core: breakpoints, watchpoints and exception catches, for debuggers
//! (the gdb stub) and tools. They are invisible to the guest: no debug exception is raised, the
//! run loop returns an [`Exit`](crate::Exit) instead.
//!
//! Cost: the run loop checks breakpoints and pending stops only in its debug instantiation,
//! chosen per call when any control is set; data accesses test one flag ([`Cpu`]'s `watching`)
//! and go to the watchpoint list only when it is set; exception entry tests one flag for
//! catches. With nothing set, the hot path is the one of a core without a debugger.
//!
//! Semantics follow hardware debug (ARM ARM D2): a breakpoint stops before the instruction at
//! its address executes; a watchpoint stops before the access (and its instruction) completes,
//! with the PC at that instruction; a catch stops after the exception is taken, with the PC at
//! the vector. Resuming after a breakpoint or watchpoint stop executes the instruction at the
//! stop PC once without stopping there again.

use crate::exception::{ec, AsyncKind};
use crate::state::Cpu;
use crate::sysreg_table::{SysReg, SYSREGS};
use crate::VirtAddr;

/// The pseudo exception class of a host watchpoint hit travelling the synchronous-exception
/// path from the access to the dispatcher (ESR_ELx.EC is 6 bits, so no architectural class
/// has this value). It is never taken.
pub(crate) const HOST_WATCHPOINT: u8 = 0xff;

/// What kind of data access a watchpoint watches (gdb's `watch`, `rwatch`, `awatch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WatchKind {
    /// Loads.
    Read,
    /// Stores.
    Write,
    /// Loads and stores.
    Access,
}

impl WatchKind {
    /// Whether an access that writes (or not) matches.
    fn matches(self, write: bool) -> bool {
        match self {
            WatchKind::Read => !write,
            WatchKind::Write => write,
            WatchKind::Access => true,
        }
    }
}

/// A watched range of virtual addresses, checked on every data access of the core at any EL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Watchpoint {
    /// First watched byte.
    pub va: VirtAddr,
    /// Number of watched bytes (at least 1).
    pub len: u64,
    /// Which accesses trigger it.
    pub kind: WatchKind,
}

impl Watchpoint {
    /// Whether the access of `size` bytes at `va` touches this range with a matching kind.
    fn hit_by(&self, va: u64, size: u64, write: bool) -> bool {
        // In u128 so that ranges ending at the top of the address space are exact.
        let start = u128::from(self.va.0);
        let end = start + u128::from(self.len.max(1));
        let access = u128::from(va);
        access < end && start < access + u128::from(size) && self.kind.matches(write)
    }
}

/// A watchpoint hit: the access did not happen and the PC is at the accessing instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchHit {
    /// The first accessed byte inside the watched range.
    pub va: VirtAddr,
    /// Size of the access in bytes.
    pub size: u8,
    /// A store (else a load).
    pub write: bool,
    /// The watchpoint that matched.
    pub watchpoint: Watchpoint,
}

/// Which exceptions stop a core when taken (`monitor catch exception ...`). Empty by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CatchFilter {
    /// Synchronous exceptions whose ESR_ELx.EC bit is set here (bit `ec`).
    pub sync_classes: u64,
    /// IRQ or virtual IRQ.
    pub irq: bool,
    /// FIQ or virtual FIQ.
    pub fiq: bool,
    /// SError or virtual SError.
    pub serror: bool,
    /// Only exceptions taken to EL2 (the hypervisor's entries).
    pub el2_only: bool,
}

impl CatchFilter {
    /// Every exception, to any EL.
    pub const ALL: CatchFilter =
        CatchFilter { sync_classes: u64::MAX, irq: true, fiq: true, serror: true, el2_only: false };

    /// Whether nothing is caught.
    pub fn is_empty(&self) -> bool {
        self.sync_classes == 0 && !self.irq && !self.fiq && !self.serror
    }

    /// Whether an exception of `kind` taken to `to_el` is caught.
    pub fn catches(&self, kind: ExceptionKind, to_el: u8) -> bool {
        if self.el2_only && to_el != 2 {
            return false;
        }
        match kind {
            ExceptionKind::Sync { ec } => self.sync_classes & (1u64 << (ec & 63)) != 0,
            ExceptionKind::Irq => self.irq,
            ExceptionKind::Fiq => self.fiq,
            ExceptionKind::SError => self.serror,
        }
    }
}

/// The kind of an exception taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionKind {
    /// A synchronous exception with its ESR_ELx.EC.
    Sync {
        /// The exception class.
        ec: u8,
    },
    /// IRQ or virtual IRQ.
    Irq,
    /// FIQ or virtual FIQ.
    Fiq,
    /// SError or virtual SError.
    SError,
}

impl ExceptionKind {
    /// A short name: the class mnemonic of [`ec_name`] or `irq`/`fiq`/`serror`.
    pub fn name(self) -> &'static str {
        match self {
            ExceptionKind::Sync { ec } => ec_name(ec),
            ExceptionKind::Irq => "irq",
            ExceptionKind::Fiq => "fiq",
            ExceptionKind::SError => "serror",
        }
    }
}

impl From<AsyncKind> for ExceptionKind {
    fn from(kind: AsyncKind) -> Self {
        match kind {
            AsyncKind::Irq => ExceptionKind::Irq,
            AsyncKind::Fiq => ExceptionKind::Fiq,
            AsyncKind::SError => ExceptionKind::SError,
        }
    }
}

/// An exception that a catch stopped on; the core is at the vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionTaken {
    /// What was taken.
    pub kind: ExceptionKind,
    /// The Exception level it was taken from.
    pub from_el: u8,
    /// The Exception level it was taken to.
    pub to_el: u8,
    /// ESR_ELx of the target EL after entry (stale for IRQ and FIQ, which do not write it).
    pub esr: u64,
    /// ELR_ELx: the preferred return address.
    pub return_address: u64,
    /// The vector address, where the PC now is.
    pub vector: u64,
}

/// Mnemonics of the exception classes HyperSoC raises (ESR_ELx.EC, ARM ARM D13.2.37), as the
/// gdb stub's `monitor catch exception` accepts them; other classes print as `ec0xNN`.
pub const EC_NAMES: &[(u8, &str)] = &[
    (ec::UNKNOWN, "unknown"),
    (ec::WFX, "wfx"),
    (ec::FP_ACCESS, "fp"),
    (ec::ILLEGAL_STATE, "illegal"),
    (ec::SVC64, "svc"),
    (ec::HVC64, "hvc"),
    (ec::SMC64, "smc"),
    (ec::SYSREG, "sysreg"),
    (ec::IABT_LOWER, "iabt-lower"),
    (ec::IABT_SAME, "iabt-same"),
    (ec::PC_ALIGN, "pc-align"),
    (ec::DABT_LOWER, "dabt-lower"),
    (ec::DABT_SAME, "dabt-same"),
    (ec::SP_ALIGN, "sp-align"),
    (ec::SERROR, "serror"),
    (ec::BRK, "brk"),
];

/// The mnemonic of an exception class from [`EC_NAMES`], or `"other"`.
pub fn ec_name(class: u8) -> &'static str {
    EC_NAMES.iter().find(|(c, _)| *c == class).map_or("other", |(_, n)| n)
}

/// Exceptions taken by a core, by kind (for `monitor stats`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionStats {
    /// Synchronous exceptions by ESR_ELx.EC.
    pub sync: [u64; 64],
    /// IRQs (physical and virtual).
    pub irq: u64,
    /// FIQs (physical and virtual).
    pub fiq: u64,
    /// SErrors (physical and virtual).
    pub serror: u64,
}

impl Default for ExceptionStats {
    fn default() -> Self {
        ExceptionStats { sync: [0; 64], irq: 0, fiq: 0, serror: 0 }
    }
}

impl ExceptionStats {
    fn count(&mut self, kind: ExceptionKind) {
        match kind {
            ExceptionKind::Sync { ec } => self.sync[usize::from(ec & 63)] += 1,
            ExceptionKind::Irq => self.irq += 1,
            ExceptionKind::Fiq => self.fiq += 1,
            ExceptionKind::SError => self.serror += 1,
        }
    }
}

/// The stop just reported, stepped over on the next run if the PC has not moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ResumeOver {
    /// The PC of the stop.
    pub pc: u64,
    /// The stop was a watchpoint: also ignore watchpoints for that one instruction.
    pub watch: bool,
}

/// The debug state of a core (kept out of the hot fields of [`Cpu`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct DebugState {
    /// Breakpoint addresses.
    pub breakpoints: Vec<u64>,
    /// Watched ranges; `Cpu::watching` says whether it is non-empty.
    pub watchpoints: Vec<Watchpoint>,
    /// Exception catches; `Cpu::catching` says whether any is set.
    pub catch: CatchFilter,
    /// The breakpoint or watchpoint stop just reported.
    pub resume_over: Option<ResumeOver>,
    /// A watchpoint hit on its way from the access to the run loop.
    pub watch_hit: Option<WatchHit>,
    /// A caught exception on its way from exception entry to the run loop.
    pub caught: Option<ExceptionTaken>,
    /// Exceptions taken, by kind.
    pub stats: ExceptionStats,
}

impl Cpu {
    /// Sets or clears a host breakpoint at virtual address `pc`.
    pub fn set_breakpoint(&mut self, pc: u64, enabled: bool) {
        self.debug.breakpoints.retain(|&b| b != pc);
        if enabled {
            self.debug.breakpoints.push(pc);
        }
    }

    /// The host breakpoints.
    pub fn breakpoints(&self) -> &[u64] {
        &self.debug.breakpoints
    }

    /// Adds a watchpoint (a duplicate of an existing one is not added twice).
    pub fn add_watchpoint(&mut self, watchpoint: Watchpoint) {
        if !self.debug.watchpoints.contains(&watchpoint) {
            self.debug.watchpoints.push(watchpoint);
        }
        self.watching = true;
        // Watched accesses must reach the slow path's checks.
        self.refresh_fast_path();
    }

    /// Removes a watchpoint; returns whether it was set.
    pub fn remove_watchpoint(&mut self, watchpoint: Watchpoint) -> bool {
        let before = self.debug.watchpoints.len();
        self.debug.watchpoints.retain(|w| *w != watchpoint);
        self.watching = !self.debug.watchpoints.is_empty();
        self.refresh_fast_path();
        self.debug.watchpoints.len() != before
    }

    /// The watchpoints.
    pub fn watchpoints(&self) -> &[Watchpoint] {
        &self.debug.watchpoints
    }

    /// Sets which exceptions stop the core when taken.
    pub fn set_catch(&mut self, filter: CatchFilter) {
        self.debug.catch = filter;
        self.catching = !filter.is_empty();
    }

    /// The exception catch filter.
    pub fn catch_filter(&self) -> CatchFilter {
        self.debug.catch
    }

    /// Exceptions taken so far, by kind.
    pub fn exception_stats(&self) -> &ExceptionStats {
        &self.debug.stats
    }

    /// A debugger's read of a system register: the register itself rather than the view of
    /// the current EL (MIDR_EL1 and MPIDR_EL1 at EL1 read VPIDR_EL2/VMPIDR_EL2, D13.2), and
    /// the computed registers (PSTATE views, counters, TVALs) as MRS reads them.
    pub fn debug_read_sysreg(&self, reg: SysReg) -> u64 {
        match reg {
            SysReg::MIDR_EL1 | SysReg::MPIDR_EL1 => self.sysreg(reg),
            _ => self.read_sysreg(reg),
        }
    }

    /// A debugger's write of a system register, as MSR at EL2 writes it (RES0/RES1 applied,
    /// PSTATE views and TVALs to their state). Returns false, writing nothing, for registers
    /// software cannot write (identification, counters).
    ///
    /// Translation state changed here must also invalidate host-side translation caches
    /// (DESIGN.md): this is the one entry point debuggers use.
    pub fn debug_write_sysreg(&mut self, reg: SysReg, value: u64) -> bool {
        if SYSREGS[reg as usize].write_el == u8::MAX {
            return false;
        }
        self.write_sysreg(reg, value);
        true
    }

    /// Whether the run loop needs its debug instantiation.
    #[inline(always)]
    pub(crate) fn debug_active(&self) -> bool {
        !self.debug.breakpoints.is_empty() || self.watching || self.catching || self.debug.caught.is_some()
    }

    /// The watchpoint check of a data access of `size` bytes at `va`, called only while
    /// `watching` is set. A hit is recorded and travels as a [`HOST_WATCHPOINT`] exception.
    #[cold]
    #[inline(never)]
    pub(crate) fn check_watchpoints(
        &mut self,
        va: u64,
        size: u8,
        write: bool,
    ) -> Result<(), crate::exception::SyncException> {
        let Some(w) = self.debug.watchpoints.iter().find(|w| w.hit_by(va, u64::from(size), write)) else {
            return Ok(());
        };
        self.debug.watch_hit = Some(WatchHit { va: VirtAddr(va.max(w.va.0)), size, write, watchpoint: *w });
        Err(crate::exception::SyncException::new(HOST_WATCHPOINT, 0))
    }

    /// Exception entry hook: counts the exception and records a catch. `from_el` is the EL
    /// before entry; the core is at the vector.
    #[inline(always)]
    pub(crate) fn exception_taken(&mut self, kind: ExceptionKind, from_el: u8, esr: u64) {
        self.debug.stats.count(kind);
        if self.catching && self.debug.catch.catches(kind, self.pstate.el) {
            self.record_catch(kind, from_el, esr);
        }
    }

    #[cold]
    fn record_catch(&mut self, kind: ExceptionKind, from_el: u8, esr: u64) {
        let to_el = self.pstate.el;
        let elr = if to_el == 2 { SysReg::ELR_EL2 } else { SysReg::ELR_EL1 };
        self.debug.caught =
            Some(ExceptionTaken { kind, from_el, to_el, esr, return_address: self.sysreg(elr), vector: self.pc });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_ranges_overlap_by_kind() {
        let w = Watchpoint { va: VirtAddr(0x1000), len: 8, kind: WatchKind::Write };
        assert!(w.hit_by(0x1000, 8, true));
        assert!(w.hit_by(0x0ffc, 8, true));
        assert!(w.hit_by(0x1007, 1, true));
        assert!(!w.hit_by(0x1008, 8, true));
        assert!(!w.hit_by(0x0ff8, 8, true));
        assert!(!w.hit_by(0x1000, 8, false));
        let r = Watchpoint { kind: WatchKind::Read, ..w };
        assert!(r.hit_by(0x1000, 4, false) && !r.hit_by(0x1000, 4, true));
        let a = Watchpoint { kind: WatchKind::Access, ..w };
        assert!(a.hit_by(0x1004, 4, false) && a.hit_by(0x1004, 4, true));
        // A range at the top of the address space does not wrap.
        let top = Watchpoint { va: VirtAddr(u64::MAX - 3), len: 8, kind: WatchKind::Access };
        assert!(top.hit_by(u64::MAX, 1, false) && !top.hit_by(0, 1, false));
    }

    #[test]
    fn catch_filter_by_class_and_level() {
        let hvc = CatchFilter { sync_classes: 1 << ec::HVC64, ..CatchFilter::default() };
        assert!(hvc.catches(ExceptionKind::Sync { ec: ec::HVC64 }, 2));
        assert!(!hvc.catches(ExceptionKind::Sync { ec: ec::SVC64 }, 1));
        assert!(!hvc.catches(ExceptionKind::Irq, 2));
        let el2 = CatchFilter { el2_only: true, ..CatchFilter::ALL };
        assert!(el2.catches(ExceptionKind::Irq, 2) && !el2.catches(ExceptionKind::Irq, 1));
        assert!(CatchFilter::default().is_empty() && !CatchFilter::ALL.is_empty());
        assert_eq!(ExceptionKind::Sync { ec: ec::DABT_LOWER }.name(), "dabt-lower");
        assert_eq!(ec_name(0x3f), "other");
    }
}
