//! The main demo: the hypervisor (`firmware/hypervisor`) with three partitions on the default
//! `cockpit` model — `rtos` (high priority, periodic EL0 tasks on its virtual timer), `ivi` (two
//! vCPUs, CPU-hungry) and `attacker` (tries every escape) — configured by
//! `firmware/guests/vms.toml`. Prints their interleaved output, the hypervisor's per-VM summary
//! and the run statistics per core.
//!
//! `cargo run --release --example demo`

use hypersoc::hyprun::{self, Console};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("config: {}", hyprun::demo_config().display());
    let blob = hyprun::demo_blob()?;
    let run = hyprun::run("cockpit", &blob, 3_000_000_000, Console::Stdout)?;
    println!("stopped: {:?}", run.cause);
    for (core, (insns, cycles)) in run.instructions.iter().zip(&run.cycles).enumerate() {
        println!("core {core}: {insns} instructions, {cycles} cycles");
    }
    Ok(())
}
