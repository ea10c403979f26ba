//! `attacker`: a partition that tries every way out it can think of and reports, for each
//! attempt, whether it was refused (and how) or whether it escaped. Its VM is configured with
//! `on_fault = "abort"`, so stage-2 faults come back as synchronous external aborts it catches.

#![no_std]
#![no_main]

use guest::{gic, hvc, println, Frame, Global};

guest::entry!(main);

/// The last synchronous exception the handler caught: ESR_EL1.
static CAUGHT: Global<Option<u64>> = Global::new(None);
static ATTEMPTS: Global<u64> = Global::new(0);
static REFUSED: Global<u64> = Global::new(0);

fn main(_vcpu: usize, _context: u64) {
    println!("attacker: trying to escape its partition");
    guest::set_sync_handler(Some(catch));
    gic::init(true);
    let (id, _, count, _) = hvc::vm_info();
    println!("attacker: I am VM {} with {} vCPU", id, count);

    // Memory outside the partition.
    expect_abort("read IPA 0x41000000 (just past its RAM)", || read(0x4100_0000));
    expect_abort("read IPA 0x50000000 (ivi's physical RAM)", || read(0x5000_0000));
    expect_abort("write IPA 0x48000000 (rtos's physical RAM)", || write(0x4800_0000, 0xbad));
    expect_abort("write GICH at 0x08030000 (hypervisor's list registers)", || write(0x0803_0000, 1));
    expect_abort("read GICC at 0x08020000 (outside the GICV window)", || read(0x0802_0000));
    expect_abort("execute at IPA 0x80000000", || {
        // SAFETY: jumps to an unmapped IPA; the handler returns to the caller through x30.
        unsafe { core::arch::asm!("blr {t}", t = in(reg) 0x8000_0000u64, out("x30") _) }
    });

    // The GIC: interrupts the VM does not own.
    expect_ignored("enable SPIs 32..63 (GICD_ISENABLER1)", gic::GICD + 0x104, 0xffff_ffff);
    expect_ignored("route the UART SPI 33 (GICD_ITARGETSR8)", gic::GICD + 0x820, 0x0101_0101);
    expect_ignored("raise SPI 33's priority (GICD_IPRIORITYR8)", gic::GICD + 0x420, 0x1010_1010);
    attempt("send SGI 3 to vCPUs 1..7 (other VMs' cores)", || {
        gic::send_sgi(0xfe, 3);
        (true, "filtered by the hypervisor: only the VM's own vCPUs receive SGIs")
    });

    // EL2 state.
    expect_undefined("read HCR_EL2", || {
        // SAFETY: UNDEFINED at EL1; the handler skips it.
        unsafe { core::arch::asm!("mrs {t}, hcr_el2", t = out(reg) _) }
    });
    expect_undefined("write VTTBR_EL2", || {
        // SAFETY: as above.
        unsafe { core::arch::asm!("msr vttbr_el2, xzr") }
    });
    expect_undefined("write VBAR_EL2", || {
        // SAFETY: as above.
        unsafe { core::arch::asm!("msr vbar_el2, xzr") }
    });
    expect_undefined("use the EL1 physical timer (CNTP_CTL_EL0)", || {
        // SAFETY: trapped to EL2 by CNTHCTL_EL2.EL1PCEN = 0; the hypervisor injects UNDEFINED.
        unsafe { core::arch::asm!("msr cntp_ctl_el0, {t}", t = in(reg) 1u64) }
    });
    expect_undefined("read the PMU cycle counter (no pmu device)", || {
        // SAFETY: trapped by MDCR_EL2.TPM.
        unsafe { core::arch::asm!("mrs {t}, pmccntr_el0", t = out(reg) _) }
    });
    expect_undefined("read an IMPLEMENTATION DEFINED register (S3_1_C15_C2_0)", || {
        // SAFETY: trapped by HCR_EL2.TIDCP.
        unsafe { core::arch::asm!("mrs {t}, s3_1_c15_c2_0", t = out(reg) _) }
    });

    // Calls with bogus arguments.
    expect_error("SMC PSCI SYSTEM_OFF (power the machine off)", || smc(0x8400_0008));
    expect_error("SMC with function 0xdeadbeef", || smc(0xdead_beef));
    expect_error("HVC with function 0xdeadbeef", || hvc::call(0xdead_beef, 1, 2, 3));
    expect_error("HVC #1 (non-zero immediate)", || {
        let mut x0 = hvc::hyp::VERSION;
        // SAFETY: a hypervisor call with an unexpected immediate.
        unsafe { core::arch::asm!("hvc #1", inout("x0") x0, clobber_abi("C")) }
        x0
    });
    expect_error("CONSOLE_WRITE from IPA 0x50000000 (outside its RAM)", || {
        hvc::call(hvc::hyp::CONSOLE_WRITE, 0x5000_0000, 64, 0)
    });
    expect_error("CONSOLE_WRITE of 16 MiB", || hvc::call(hvc::hyp::CONSOLE_WRITE, 0x4000_0000, 1 << 24, 0));
    expect_error("PSCI CPU_ON of MPIDR 1 (a vCPU it does not have)", || hvc::cpu_on(1, 0x4000_0000, 0));
    expect_error("PSCI CPU_ON of MPIDR 0x100 (a little core)", || hvc::cpu_on(0x100, 0x4000_0000, 0));
    expect_error("REPORT with key 99", || hvc::report(99, 1));

    println!(
        "attacker: {} attempts, {} refused, {} escaped",
        ATTEMPTS.get(),
        REFUSED.get(),
        ATTEMPTS.get() - REFUSED.get()
    );
}

fn read(ipa: u64) {
    // SAFETY: a load the handler may abort and skip.
    unsafe { core::arch::asm!("ldr {t}, [{a}]", a = in(reg) ipa, t = out(reg) _) }
}

fn write(ipa: u64, value: u64) {
    // SAFETY: a store the handler may abort and skip.
    unsafe { core::arch::asm!("str {v}, [{a}]", a = in(reg) ipa, v = in(reg) value) }
}

fn smc(function: u64) -> u64 {
    let mut x0 = function;
    // SAFETY: trapped by HCR_EL2.TSC; the hypervisor answers.
    unsafe { core::arch::asm!("smc #0", inout("x0") x0, clobber_abi("C")) }
    x0
}

/// Records an attempt and prints the verdict.
fn attempt(what: &str, f: impl FnOnce() -> (bool, &'static str)) {
    CAUGHT.set(None);
    ATTEMPTS.set(ATTEMPTS.get() + 1);
    let (refused, how) = f();
    if refused {
        REFUSED.set(REFUSED.get() + 1);
        println!("attacker: {}: refused ({})", what, how);
    } else {
        println!("attacker: {}: ESCAPED ({})", what, how);
    }
}

fn expect_abort(what: &str, f: impl FnOnce()) {
    attempt(what, || {
        f();
        match CAUGHT.get() {
            Some(esr) if matches!(esr >> 26, 0x20 | 0x21 | 0x24 | 0x25) && esr & 0x3f == 0x10 => {
                (true, "synchronous external abort")
            }
            Some(_) => (true, "another exception"),
            None => (false, "the access completed"),
        }
    });
}

fn expect_undefined(what: &str, f: impl FnOnce()) {
    attempt(what, || {
        f();
        match CAUGHT.get() {
            Some(esr) if esr >> 26 == 0 => (true, "UNDEFINED"),
            Some(_) => (true, "another exception"),
            None => (false, "the instruction executed"),
        }
    });
}

fn expect_error(what: &str, f: impl FnOnce() -> u64) {
    attempt(what, || match hvc::code(f()) {
        -1 => (true, "NOT_SUPPORTED"),
        -2 => (true, "INVALID_PARAMETERS"),
        -9 => (true, "INVALID_ADDRESS"),
        _ => (false, "the call succeeded"),
    });
}

/// Writes `value` to a GICD register of interrupts the VM does not own and reads it back.
fn expect_ignored(what: &str, addr: usize, value: u32) {
    attempt(what, || {
        // SAFETY: an emulated GICD register.
        let back = unsafe {
            (addr as *mut u32).write_volatile(value);
            (addr as *const u32).read_volatile()
        };
        if back == 0 {
            (true, "write ignored, reads as zero")
        } else {
            (false, "the register changed")
        }
    });
}

/// Catches the exceptions the attempts cause and resumes after them.
fn catch(frame: &mut Frame) -> bool {
    CAUGHT.set(Some(frame.esr));
    let ec = frame.ec();
    if ec == 0x20 || ec == 0x21 {
        // Instruction abort: return to the caller of the jump.
        frame.elr = frame.x[30];
    } else {
        frame.elr += 4;
    }
    true
}
