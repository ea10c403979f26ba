//! What sleeping cores cost: the `bench_smp` firmware runs the `bench` workload on core 0 while
//! every other core sits in WFI, on an eight-core machine (the `cockpit` model with a third
//! cluster of two cores) and on a one-core machine (the `cockpit` with one core). The
//! scheduler skips sleeping cores instead of simulating them, so the eight-core run must cost
//! less than 1.3x the one-core run in host time (issue 5); the ratio is printed at the end.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use hypersoc::devices::pl011::{RxSource, TxSink};
use hypersoc::soc::loader::ImageSpec;
use hypersoc::soc::machine::{RunLimits, Soc, SocOptions, StopCause};
use hypersoc::soc::model::{Cluster, Model};

/// The cockpit with `cores` cores: one big core, or the six of the model plus two more.
fn model(cores: usize) -> Model {
    let mut model = Model::load("cockpit").expect("built-in model");
    match cores {
        1 => model.clusters.truncate(1),
        _ => model.clusters.push(Cluster {
            name: "extra".into(),
            core: "cortex-a53".into(),
            count: 2,
            aff1: 2,
            tlb: None,
        }),
    }
    if cores == 1 {
        model.clusters[0].count = 1;
    }
    model.validate().expect("valid model");
    assert_eq!(model.core_count(), cores);
    model
}

fn booted(cores: usize) -> Soc {
    let options = SocOptions { uart_tx: TxSink::Capture(Default::default()), uart_rx: RxSource::None };
    let mut soc = Soc::new(model(cores), options).expect("SoC builds");
    let image = hypersoc::firmware_image("bench_smp");
    soc.load(&[ImageSpec::parse(image.to_str().expect("UTF-8 path")).expect("image spec")]).expect("loads");
    soc
}

fn run(mut soc: Soc) -> Soc {
    assert_eq!(soc.run(RunLimits::default()), StopCause::PowerOff);
    soc
}

/// The best of `n` host times of a whole run.
fn best_time(cores: usize, n: usize) -> Duration {
    (0..n)
        .map(|_| {
            let soc = booted(cores);
            let start = Instant::now();
            let _ = run(soc);
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn smp_idle(c: &mut Criterion) {
    let reference = run(booted(8));
    let instructions = reference.cores[0].counters.instructions;
    assert!(reference.cores[1..].iter().all(|core| core.counters.instructions < 1000));

    let mut group = c.benchmark_group("smp_idle");
    group.throughput(Throughput::Elements(instructions));
    group.sample_size(10);
    for cores in [1, 8] {
        let name = if cores == 1 { "bench_1_core" } else { "bench_8_cores_7_in_wfi" };
        group.bench_function(name, |b| b.iter_batched(|| booted(cores), run, BatchSize::LargeInput));
    }
    group.finish();

    let (one, eight) = (best_time(1, 5), best_time(8, 5));
    eprintln!(
        "smp_idle: 1 core {:.3} s, 8 cores (7 in WFI) {:.3} s, ratio {:.3} (must be < 1.3)",
        one.as_secs_f64(),
        eight.as_secs_f64(),
        eight.as_secs_f64() / one.as_secs_f64()
    );
}

criterion_group!(benches, smp_idle);
criterion_main!(benches);
