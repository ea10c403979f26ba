//! Oracle comparison: every firmware test program prints the same bytes on HyperSoC as on QEMU
//! (`-M virt,virtualization=on,gic-version=2 -cpu cortex-a57`).

mod common;

use hypersoc::soc::machine::StopCause;

fn compare(program: &str) {
    let image = hypersoc::firmware_image(program);
    let (cause, ours) = common::run_on_hypersoc(&image);
    assert_eq!(
        cause,
        StopCause::PowerOff,
        "{program} did not power off; output so far:\n{}",
        String::from_utf8_lossy(&ours)
    );
    assert!(!ours.is_empty(), "{program} printed nothing");
    let Some(theirs) = common::run_on_qemu(&image) else {
        return;
    };
    if ours != theirs {
        let ours = String::from_utf8_lossy(&ours);
        let theirs = String::from_utf8_lossy(&theirs);
        let first = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b);
        panic!(
            "{program}: output differs from QEMU (first differing line {:?})\n--- hypersoc\n{ours}\n--- qemu\n{theirs}",
            first.map(|l| l + 1)
        );
    }
}

macro_rules! oracle_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                compare(stringify!($name));
            }
        )*
    };
}

oracle_tests!(hello, arith, loadstore, exclusive, exceptions, alignment, levels, bench);
