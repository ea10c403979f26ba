//! Thread names (`qThreadExtraInfo`, shown by `info threads`): the core index and type, its
//! Exception level and stack pointer selection (`EL2h`, `EL1t`, ...), `off` for a core that is
//! powered down (not started by PSCI CPU_ON yet, or after CPU_OFF), the VM it runs when the
//! hypervisor has enabled stage 2 (`VMID n`, from VTTBR_EL2.VMID), and `wfi`/`wfe` for a core
//! asleep.

use cpu::SysReg;
use gdbstub::common::Tid;
use gdbstub::target::ext::thread_extra_info::ThreadExtraInfo;
use soc::{CoreState, Soc};

use crate::target::SocTarget;

/// The description of a core, e.g. `core 0 cortex-a57 EL1h VMID 1`.
pub fn describe_core(soc: &Soc, core: usize) -> String {
    let cores = soc.model.cores();
    let kind = cores.get(core).map_or("core", |c| c.core);
    let cpu = &soc.cores[core];
    if !soc.core_is_on(core) {
        return format!("core {core} {kind} off");
    }
    let el = cpu.pstate.el;
    let sp = if cpu.pstate.sp_sel { 'h' } else { 't' };
    let mut text = format!("core {core} {kind} EL{el}{sp}");
    if el < 2 && cpu.sysreg(SysReg::HCR_EL2) & 1 != 0 {
        text.push_str(&format!(" VMID {}", (cpu.sysreg(SysReg::VTTBR_EL2) >> 48) & 0xff));
    }
    match soc.core_state(core) {
        CoreState::WaitForInterrupt => text.push_str(" wfi"),
        CoreState::WaitForEvent => text.push_str(" wfe"),
        CoreState::Off | CoreState::Running => {}
    }
    text
}

impl ThreadExtraInfo for SocTarget<'_> {
    fn thread_extra_info(&self, tid: Tid, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let core = tid.get() - 1;
        if core >= self.soc.cores.len() {
            return Ok(0);
        }
        let text = describe_core(self.soc, core);
        let n = text.len().min(buf.len());
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        Ok(n)
    }
}
