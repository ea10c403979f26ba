//! The `hypersoc` command line: run images on a model, list the built-in models.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hypersoc::gdb::{self, GdbOptions, Listen, Listener, OnDetach, SessionEnd};
use hypersoc::soc::loader::ImageSpec;
use hypersoc::soc::machine::{RunLimits, Soc, SocOptions, StopCause};
use hypersoc::soc::model::{self, Model};

/// Exit codes of `hypersoc run`.
mod code {
    /// The guest called PSCI SYSTEM_OFF.
    pub const POWER_OFF: u8 = 0;
    /// A host-side error (bad file, bad model, ...).
    pub const ERROR: u8 = 1;
    /// The guest called PSCI SYSTEM_RESET.
    pub const RESET: u8 = 2;
    /// --max-insns or --max-cycles was reached.
    pub const LIMIT: u8 = 3;
    /// Every core waits for an interrupt that nothing can raise.
    pub const IDLE: u8 = 4;
    /// A breakpoint stopped the run.
    pub const BREAKPOINT: u8 = 5;
    /// gdb killed the run, or detached with `--gdb-detach=exit`.
    pub const DEBUGGER: u8 = 6;
}

#[derive(Parser)]
#[command(
    name = "hypersoc",
    version,
    about = "Cycle-level AArch64 (ARMv8.0-A) SoC emulator with the virtualization extensions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--gdb-detach`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Detach {
    /// Run on to the end.
    Run,
    /// Stop the emulation.
    Exit,
}

/// The options of `run`.
struct RunArgs<'a> {
    model: &'a str,
    limits: RunLimits,
    dtb_out: Option<&'a Path>,
    stats: bool,
    gdb: Option<(&'a str, GdbOptions)>,
    images: &'a [String],
}

#[derive(Subcommand)]
enum Command {
    /// Run ELF or raw images. Exit code: 0 after PSCI SYSTEM_OFF, 2 after SYSTEM_RESET,
    /// 3 when a limit is reached, 4 when every core idles forever, 6 when gdb kills the run,
    /// 1 on errors.
    Run {
        /// Built-in model name (see `hypersoc models`) or path to a model .toml file.
        #[arg(long, default_value = "cockpit")]
        model: String,
        /// Stop after N instructions.
        #[arg(long, value_name = "N")]
        max_insns: Option<u64>,
        /// Stop after N cycles.
        #[arg(long, value_name = "N")]
        max_cycles: Option<u64>,
        /// Also write the generated device tree blob to FILE.
        #[arg(long, value_name = "FILE")]
        dtb_out: Option<PathBuf>,
        /// Print instruction, cycle and exception counts to stderr at the end.
        #[arg(long)]
        stats: bool,
        /// Serve gdb on PORT (127.0.0.1), HOST:PORT or unix:PATH; waits for gdb before the
        /// first instruction.
        #[arg(long, value_name = "PORT|HOST:PORT|unix:PATH")]
        gdb: Option<String>,
        /// With --gdb: wait for gdb before running (true), or run until gdb connects (false).
        #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
        gdb_wait: bool,
        /// With --gdb: when gdb detaches, run on to the end (run) or stop (exit).
        #[arg(long, value_enum, default_value_t = Detach::Run)]
        gdb_detach: Detach,
        /// Images: `FILE` (an AArch64 ELF) or `FILE@ADDR` (a raw image loaded at ADDR). The
        /// first one's entry point is where core 0 starts.
        #[arg(required = true, value_name = "IMAGE")]
        images: Vec<String>,
    },
    /// List the built-in models.
    Models,
    /// Pack a hypervisor VM configuration (`vms.toml`) and its guest images into the blob the
    /// hypervisor reads at 0x44000000 (load it with `BLOB@0x44000000`).
    PackVms {
        /// The configuration file.
        config: PathBuf,
        /// Where to write the blob.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Directory of the guest images (default: the configuration's directory).
        #[arg(long, value_name = "DIR")]
        images: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Models => {
            for (name, text) in model::builtin_models() {
                let description = Model::parse_str(text, Path::new(name)).map(|m| m.description).unwrap_or_default();
                println!("{name:10} {description}");
            }
            ExitCode::SUCCESS
        }
        Command::PackVms { config, output, images } => {
            match hypersoc::vmconfig::pack_file(&config, images.as_deref())
                .map_err(|e| e.to_string())
                .and_then(|blob| write_atomically(&output, &blob).map_err(|e| format!("{}: {e}", output.display())))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("hypersoc: error: {message}");
                    ExitCode::from(code::ERROR)
                }
            }
        }
        Command::Run { model, max_insns, max_cycles, dtb_out, stats, gdb, gdb_wait, gdb_detach, images } => {
            let limits = RunLimits { max_instructions: max_insns, max_cycles };
            let on_detach = match gdb_detach {
                Detach::Run => OnDetach::Run,
                Detach::Exit => OnDetach::Exit,
            };
            let args = RunArgs {
                model: &model,
                limits,
                dtb_out: dtb_out.as_deref(),
                stats,
                gdb: gdb.as_deref().map(|g| (g, GdbOptions { wait: gdb_wait, on_detach, limits })),
                images: &images,
            };
            match run(&args) {
                Ok(code) => ExitCode::from(code),
                Err(message) => {
                    eprintln!("hypersoc: error: {message}");
                    ExitCode::from(code::ERROR)
                }
            }
        }
    }
}

fn run(args: &RunArgs<'_>) -> Result<u8, String> {
    let model = Model::load(args.model).map_err(|e| e.to_string())?;
    let specs: Vec<ImageSpec> =
        args.images.iter().map(|a| ImageSpec::parse(a)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let listener = match &args.gdb {
        Some((address, _)) => {
            let listen: Listen = address.parse().map_err(|e: gdb::conn::BadListen| e.to_string())?;
            Some(Listener::bind(&listen).map_err(|e| format!("cannot listen for gdb on {address}: {e}"))?)
        }
        None => None,
    };
    let mut soc = Soc::new(model, SocOptions::default()).map_err(|e| e.to_string())?;
    soc.load(&specs).map_err(|e| e.to_string())?;
    if let Some(path) = args.dtb_out {
        write_atomically(path, &soc.dtb).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let cause = match (&listener, &args.gdb) {
        (Some(listener), Some((_, options))) => {
            let what = if options.wait { "waiting for gdb on" } else { "gdb can connect on" };
            eprintln!("hypersoc: {what} {}", listener.address());
            let end = gdb::serve(&mut soc, listener, options, &mut |m| eprintln!("hypersoc: {m}"))
                .map_err(|e| e.to_string())?;
            match end {
                SessionEnd::Finished(cause) => cause,
                SessionEnd::Detached | SessionEnd::Killed => return Ok(code::DEBUGGER),
            }
        }
        _ => soc.run(args.limits),
    };
    if args.stats {
        let sum = |f: fn(&cpu::Counters) -> u64| soc.cores.iter().map(|c| f(&c.counters)).sum::<u64>();
        eprintln!(
            "hypersoc: {cause:?}: {} instructions, {} cycles, {} exceptions",
            sum(|c| c.instructions),
            soc.cores[0].counters.cycles,
            sum(|c| c.exceptions)
        );
        if soc.cores.len() > 1 {
            for (i, core) in soc.cores.iter().enumerate() {
                let c = core.counters;
                eprintln!(
                    "hypersoc: core {i}: {} instructions, {} cycles ({} idle), {} exceptions",
                    c.instructions, c.cycles, c.idle_cycles, c.exceptions
                );
            }
        }
        let m = soc.cores[0].mmu_stats();
        eprintln!(
            "hypersoc: TLB model: {} hits, {} misses, {} walks, {} descriptor reads, {} faults, {} invalidations",
            m.tlb_hits,
            m.tlb_misses,
            m.walks,
            m.descriptor_reads(),
            m.faults,
            m.invalidations
        );
    }
    Ok(match cause {
        StopCause::PowerOff => code::POWER_OFF,
        StopCause::Reset => code::RESET,
        StopCause::InstructionLimit | StopCause::CycleLimit => {
            eprintln!(
                "hypersoc: stopped at the {} limit",
                if cause == StopCause::CycleLimit { "cycle" } else { "instruction" }
            );
            code::LIMIT
        }
        StopCause::Idle => {
            eprintln!("hypersoc: every core waits for an interrupt that nothing can raise");
            code::IDLE
        }
        StopCause::Breakpoint(_)
        | StopCause::Watchpoint(..)
        | StopCause::Exception(..)
        | StopCause::Stepped(_)
        | StopCause::Interrupted => code::BREAKPOINT,
    })
}

/// Writes `data` to a temporary file next to `path` and renames it into place, so a crash never
/// leaves a half-written file and an existing file is replaced only by a complete one.
fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| std::io::Error::other("not a file name"))?;
    let tmp = dir.join(format!(".{}.tmp{}", name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, data)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
