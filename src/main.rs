//! The `hypersoc` command line: run images on a model, list the built-in models.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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

#[derive(Subcommand)]
enum Command {
    /// Run ELF or raw images. Exit code: 0 after PSCI SYSTEM_OFF, 2 after SYSTEM_RESET,
    /// 3 when a limit is reached, 4 when every core idles forever, 1 on errors.
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
        /// Images: `FILE` (an AArch64 ELF) or `FILE@ADDR` (a raw image loaded at ADDR). The
        /// first one's entry point is where core 0 starts.
        #[arg(required = true, value_name = "IMAGE")]
        images: Vec<String>,
    },
    /// List the built-in models.
    Models,
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
        Command::Run { model, max_insns, max_cycles, dtb_out, stats, images } => {
            match run(&model, max_insns, max_cycles, dtb_out.as_deref(), stats, &images) {
                Ok(code) => ExitCode::from(code),
                Err(message) => {
                    eprintln!("hypersoc: error: {message}");
                    ExitCode::from(code::ERROR)
                }
            }
        }
    }
}

fn run(
    model_name: &str,
    max_insns: Option<u64>,
    max_cycles: Option<u64>,
    dtb_out: Option<&Path>,
    stats: bool,
    images: &[String],
) -> Result<u8, String> {
    let model = Model::load(model_name).map_err(|e| e.to_string())?;
    let specs: Vec<ImageSpec> =
        images.iter().map(|a| ImageSpec::parse(a)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let mut soc = Soc::new(model, SocOptions::default()).map_err(|e| e.to_string())?;
    soc.load(&specs).map_err(|e| e.to_string())?;
    if let Some(path) = dtb_out {
        write_atomically(path, &soc.dtb).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let cause = soc.run(RunLimits { max_instructions: max_insns, max_cycles });
    if stats {
        let c = soc.cores[0].counters;
        eprintln!(
            "hypersoc: {cause:?}: {} instructions, {} cycles, {} exceptions",
            c.instructions, c.cycles, c.exceptions
        );
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
        StopCause::Breakpoint(_) => code::BREAKPOINT,
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
