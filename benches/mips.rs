//! Emulation speed in functional mode: guest instructions per host second on the compute-bound
//! `bench` firmware (software CRC-32, sorting, matrix multiply, linked-list walk; no I/O in the
//! loop), with the MMU off (`bench`) and on (`bench_mmu`: identity map, 4 KiB pages, through the
//! TLB model and the host fast path). Criterion reports the throughput in elements (= guest
//! instructions) per second.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use hypersoc::devices::pl011::{RxSource, TxSink};
use hypersoc::soc::loader::ImageSpec;
use hypersoc::soc::machine::{RunLimits, Soc, SocOptions, StopCause};
use hypersoc::soc::model::Model;

fn booted_soc(program: &str) -> Soc {
    let model = Model::load("virt").expect("built-in model");
    let options = SocOptions { uart_tx: TxSink::Capture(Default::default()), uart_rx: RxSource::None };
    let mut soc = Soc::new(model, options).expect("SoC builds");
    let image = ImageSpec::parse(hypersoc::firmware_image(program).to_str().expect("UTF-8 path")).expect("image spec");
    soc.load(&[image]).expect("bench firmware loads");
    soc
}

fn run_program(c: &mut Criterion, program: &str, name: &str) {
    // One reference run to learn the instruction count of the workload.
    let mut reference = booted_soc(program);
    assert_eq!(reference.run(RunLimits::default()), StopCause::PowerOff);
    let instructions = reference.cores[0].counters.instructions;

    let mut group = c.benchmark_group("emulation");
    group.throughput(Throughput::Elements(instructions));
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter_batched(
            || booted_soc(program),
            |mut soc| {
                let cause = soc.run(RunLimits::default());
                assert_eq!(cause, StopCause::PowerOff);
                soc
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn mips(c: &mut Criterion) {
    run_program(c, "bench", "bench_firmware_functional");
    run_program(c, "bench_mmu", "bench_firmware_functional_mmu_on");
}

criterion_group!(benches, mips);
criterion_main!(benches);
