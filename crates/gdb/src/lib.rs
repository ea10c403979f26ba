//! The gdb remote stub of HyperSoC: attach `gdb-multiarch` to the emulated cores.
//!
//! The emulator knows nothing of gdb: this crate drives the debugger interface of
//! [`soc::Soc`] (`step_core`, `run_until`, breakpoints, watchpoints, exception catches,
//! `read_mem`/`write_mem`, `translate`) from the `gdbstub` protocol machine, in the style of
//! gdbstub's `armv4t` example, one file per protocol extension:
//!
//! - [`arch`]: the register set and target description (core, fpu, EL1/EL2 system registers);
//! - [`target`]: threads (one per core), registers, memory, resume actions (all-stop, a step
//!   keeps the other cores still);
//! - [`breakpoints`]: `break`, `hbreak`, `watch`, `rwatch`, `awatch`;
//! - [`threads`]: thread names (`core 0 cortex-a57 EL2h`);
//! - [`monitor`]: `monitor el|space|translate|catch|tlb|stats|why`;
//! - [`event_loop`]: running the SoC until a stop or a Ctrl-C;
//! - [`conn`]: TCP and Unix-socket listeners.
//!
//! [`serve`] runs one session. Malformed or hostile input from gdb never panics the emulator:
//! gdbstub answers bad packets with errors, and a protocol error ends the session as a detach.

pub mod arch;
pub mod breakpoints;
pub mod conn;
pub mod event_loop;
pub mod monitor;
pub mod target;
pub mod threads;

use gdbstub::stub::{DisconnectReason, GdbStub};
use soc::{RunLimits, Soc, StopCause};

pub use conn::{Connection, Listen, Listener};
pub use target::SocTarget;

/// What the emulator does when gdb detaches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnDetach {
    /// Keep running to the end, without breakpoints.
    #[default]
    Run,
    /// Stop the emulation.
    Exit,
}

/// Options of a gdb session.
#[derive(Clone, Copy, Debug)]
pub struct GdbOptions {
    /// Wait for gdb before the first instruction; else run until gdb connects.
    pub wait: bool,
    /// What to do when gdb detaches.
    pub on_detach: OnDetach,
    /// Run limits (instructions, cycles), as without gdb.
    pub limits: RunLimits,
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// The emulation ended (power-off, reset, a limit, idle), with or without gdb attached.
    Finished(StopCause),
    /// gdb detached and [`OnDetach::Exit`] stopped the emulation.
    Detached,
    /// gdb killed the emulation.
    Killed,
}

/// Host-side errors of a session.
#[derive(Debug, thiserror::Error)]
pub enum GdbError {
    /// Accepting the connection failed.
    #[error("cannot accept a gdb connection on {address}: {source}")]
    Accept {
        /// The listening address.
        address: String,
        /// The reason.
        #[source]
        source: std::io::Error,
    },
}

/// Runs a gdb session on `soc`: waits for gdb on `listener` (or runs until it connects), serves
/// it until it detaches or kills the run or the emulation ends, and applies `on_detach`.
/// `log` receives one-line status messages (connection, disconnection).
pub fn serve(
    soc: &mut Soc,
    listener: &Listener,
    options: &GdbOptions,
    log: &mut dyn FnMut(&str),
) -> Result<SessionEnd, GdbError> {
    let accept_error = |source| GdbError::Accept { address: listener.address(), source };
    let connection = if options.wait {
        listener.accept().map_err(accept_error)?
    } else {
        let mut connection = None;
        let mut error = None;
        let cause = soc.run_until(options.limits, &mut || match listener.try_accept() {
            Ok(Some(c)) => {
                connection = Some(c);
                true
            }
            Ok(None) => false,
            Err(e) => {
                error = Some(e);
                true
            }
        });
        if let Some(e) = error {
            return Err(accept_error(e));
        }
        match connection {
            Some(c) => c,
            None => return Ok(SessionEnd::Finished(cause)),
        }
    };
    log("gdb connected");
    Ok(serve_connection(soc, connection, options, log))
}

/// Serves gdb on an established connection until it detaches or kills the run or the
/// emulation ends, then applies `on_detach`.
pub fn serve_connection(
    soc: &mut Soc,
    connection: Connection,
    options: &GdbOptions,
    log: &mut dyn FnMut(&str),
) -> SessionEnd {
    let mut target = SocTarget::new(soc, options.limits);
    let result = GdbStub::new(connection).run_blocking::<event_loop::SocEventLoop<'_>>(&mut target);
    let last = target.last_stop;
    target.clear_debug_state();
    match result {
        Ok(DisconnectReason::Disconnect) => log("gdb detached"),
        Ok(DisconnectReason::Kill) => {
            log("gdb killed the run");
            return SessionEnd::Killed;
        }
        Ok(DisconnectReason::TargetExited(_) | DisconnectReason::TargetTerminated(_)) => {
            return SessionEnd::Finished(last.unwrap_or(StopCause::PowerOff));
        }
        // A protocol or connection error (gdb died, garbage on the socket) ends the session
        // like a detach.
        Err(e) => log(&format!("gdb connection ended: {e}")),
    }
    match options.on_detach {
        OnDetach::Run => SessionEnd::Finished(soc.run(options.limits)),
        OnDetach::Exit => SessionEnd::Detached,
    }
}
