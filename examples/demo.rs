//! The main demo: boots the `hello` firmware on the default `cockpit` model through the library
//! API and prints what the guest printed plus the run statistics.
//!
//! `cargo run --release --example demo`

use hypersoc::soc::loader::ImageSpec;
use hypersoc::soc::machine::{RunLimits, Soc, SocOptions};
use hypersoc::soc::model::Model;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Model::load("cockpit")?;
    println!("model: {} ({})", model.name, model.description);
    let mut soc = Soc::new(model, SocOptions::default())?;
    let image = hypersoc::firmware_image("hello");
    soc.load(&[ImageSpec::parse(&image.to_string_lossy())?])?;
    let cause = soc.run(RunLimits { max_instructions: Some(100_000_000), max_cycles: None });
    let c = soc.cores[0].counters;
    println!(
        "stopped: {cause:?} after {} instructions, {} cycles, {} exceptions",
        c.instructions, c.cycles, c.exceptions
    );
    Ok(())
}
