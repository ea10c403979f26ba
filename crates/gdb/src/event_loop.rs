//! Running the SoC for gdb: the blocking event loop of gdbstub. A continue runs the SoC in
//! quanta and looks at the connection between them (a Ctrl-C byte stops the run); a step runs
//! one instruction on one core. Emulator stops become gdb stop replies.

use std::marker::PhantomData;

use gdbstub::common::Signal;
use gdbstub::conn::ConnectionExt as _;
use gdbstub::stub::run_blocking::{BlockingEventLoop, Event, WaitForStopReasonError};
use gdbstub::stub::MultiThreadStopReason;
use soc::StopCause;

use crate::breakpoints::gdb_watch_kind;
use crate::conn::Connection;
use crate::target::{tid_of, Resume, SocTarget};

/// The event loop over a [`SocTarget`] borrowing a SoC for `'a`.
pub struct SocEventLoop<'a>(PhantomData<&'a ()>);

/// The gdb stop reply for an emulator stop (not [`StopCause::Interrupted`], which is gdb's
/// own doing).
pub fn stop_reason(target: &SocTarget<'_>, cause: StopCause) -> MultiThreadStopReason<u64> {
    let signal = |core: usize, signal| MultiThreadStopReason::SignalWithThread { tid: tid_of(core), signal };
    match cause {
        StopCause::PowerOff => MultiThreadStopReason::Exited(0),
        StopCause::Reset => MultiThreadStopReason::Exited(2),
        StopCause::Breakpoint(core) => {
            let pc = target.soc.cores[core].pc;
            if target.hw_breakpoints.contains(&pc) && !target.sw_breakpoints.contains(&pc) {
                MultiThreadStopReason::HwBreak(tid_of(core))
            } else {
                MultiThreadStopReason::SwBreak(tid_of(core))
            }
        }
        StopCause::Watchpoint(core, hit) => MultiThreadStopReason::Watch {
            tid: tid_of(core),
            kind: gdb_watch_kind(hit.watchpoint.kind),
            addr: hit.va.0,
        },
        StopCause::Exception(core, _) | StopCause::Stepped(core) => signal(core, Signal::SIGTRAP),
        StopCause::Idle => signal(target.selected, Signal::SIGSTOP),
        StopCause::InstructionLimit | StopCause::CycleLimit => signal(target.selected, Signal::SIGXCPU),
        StopCause::Interrupted => signal(target.selected, Signal::SIGINT),
    }
}

impl<'a> BlockingEventLoop for SocEventLoop<'a> {
    type Target = SocTarget<'a>;
    type Connection = Connection;
    type StopReason = MultiThreadStopReason<u64>;

    fn wait_for_stop_reason(
        target: &mut SocTarget<'a>,
        conn: &mut Connection,
    ) -> Result<Event<Self::StopReason>, WaitForStopReasonError<&'static str, std::io::Error>> {
        let cause = match target.resume {
            Resume::Step(core) => target.soc.step_core(core),
            Resume::Continue => {
                let limits = target.limits;
                // Any byte from gdb (Ctrl-C, or a dropped connection) ends the quantum loop.
                target.soc.run_until(limits, &mut || conn.peek().map_or(true, |b| b.is_some()))
            }
        };
        if cause == StopCause::Interrupted {
            let byte = conn.read().map_err(WaitForStopReasonError::Connection)?;
            return Ok(Event::IncomingData(byte));
        }
        target.record_stop(cause);
        Ok(Event::TargetStopped(stop_reason(target, cause)))
    }

    fn on_interrupt(target: &mut SocTarget<'a>) -> Result<Option<Self::StopReason>, &'static str> {
        target.record_stop(StopCause::Interrupted);
        Ok(Some(stop_reason(target, StopCause::Interrupted)))
    }
}
