//! `break`/`hbreak` (Z0/Z1) and `watch`/`rwatch`/`awatch` (Z2/Z3/Z4) on virtual addresses,
//! honoured by every core. Breakpoints are host-side: guest memory is never patched, so code
//! in ROM-like or later-remapped pages breaks alike, and software and hardware breakpoints
//! behave the same (gdb may set both at one address; the core keeps it until both are gone).

use cpu::{VirtAddr, WatchKind, Watchpoint};
use gdbstub::target::ext::breakpoints::{
    self, Breakpoints, HwBreakpoint, HwBreakpointOps, HwWatchpoint, HwWatchpointOps, SwBreakpoint, SwBreakpointOps,
};
use gdbstub::target::TargetResult;

use crate::target::SocTarget;

impl SocTarget<'_> {
    /// Sets the cores' breakpoint at `addr` to whether any gdb breakpoint is there.
    fn sync_breakpoint(&mut self, addr: u64) {
        let wanted = self.sw_breakpoints.contains(&addr) || self.hw_breakpoints.contains(&addr);
        self.soc.set_breakpoint(VirtAddr(addr), wanted);
    }
}

/// Adds `addr` to a list; false if it was there.
fn insert(list: &mut Vec<u64>, addr: u64) -> bool {
    if list.contains(&addr) {
        return false;
    }
    list.push(addr);
    true
}

/// Removes `addr` from a list; false if it was not there.
fn remove(list: &mut Vec<u64>, addr: u64) -> bool {
    let before = list.len();
    list.retain(|a| *a != addr);
    list.len() != before
}

/// The core's kind of a gdb watchpoint kind.
fn watch_kind(kind: breakpoints::WatchKind) -> WatchKind {
    match kind {
        breakpoints::WatchKind::Write => WatchKind::Write,
        breakpoints::WatchKind::Read => WatchKind::Read,
        breakpoints::WatchKind::ReadWrite => WatchKind::Access,
    }
}

/// The gdb kind of a core watchpoint kind.
pub(crate) fn gdb_watch_kind(kind: WatchKind) -> breakpoints::WatchKind {
    match kind {
        WatchKind::Write => breakpoints::WatchKind::Write,
        WatchKind::Read => breakpoints::WatchKind::Read,
        WatchKind::Access => breakpoints::WatchKind::ReadWrite,
    }
}

impl Breakpoints for SocTarget<'_> {
    #[inline(always)]
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_hw_breakpoint(&mut self) -> Option<HwBreakpointOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

impl SwBreakpoint for SocTarget<'_> {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        insert(&mut self.sw_breakpoints, addr);
        self.sync_breakpoint(addr);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        let removed = remove(&mut self.sw_breakpoints, addr);
        self.sync_breakpoint(addr);
        Ok(removed)
    }
}

impl HwBreakpoint for SocTarget<'_> {
    fn add_hw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        insert(&mut self.hw_breakpoints, addr);
        self.sync_breakpoint(addr);
        Ok(true)
    }

    fn remove_hw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        let removed = remove(&mut self.hw_breakpoints, addr);
        self.sync_breakpoint(addr);
        Ok(removed)
    }
}

impl HwWatchpoint for SocTarget<'_> {
    fn add_hw_watchpoint(&mut self, addr: u64, len: u64, kind: breakpoints::WatchKind) -> TargetResult<bool, Self> {
        if len == 0 {
            return Ok(false);
        }
        self.soc.add_watchpoint(Watchpoint { va: VirtAddr(addr), len, kind: watch_kind(kind) });
        Ok(true)
    }

    fn remove_hw_watchpoint(&mut self, addr: u64, len: u64, kind: breakpoints::WatchKind) -> TargetResult<bool, Self> {
        Ok(self.soc.remove_watchpoint(Watchpoint { va: VirtAddr(addr), len, kind: watch_kind(kind) }))
    }
}
