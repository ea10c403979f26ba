//! Recording the exceptions a test provokes.
//!
//! [`install`] registers a handler for EL2 and EL1 that records what was taken ([`Taken`]) and
//! resumes as the current [`Resume`] policy says. A test provokes an exception, then
//! [`report`]s it: one line `<label> el<N> v<vector> esr=<ESR> elr=<ELR - at> spsr=<SPSR>
//! [far=<FAR>]`, where `at` is the address of the instruction that raised it, so the line does
//! not depend on where the program was linked.

use support::vectors::ec;
use support::{Global, TrapFrame, VectorKind};

use crate::println;

/// What one exception left in the syndrome registers.
#[derive(Clone, Copy, Debug)]
pub struct Taken {
    /// The EL it was taken to.
    pub el: u8,
    /// The vector, as its index in the table (offset / 0x80).
    pub vector: u8,
    /// ESR_ELx.
    pub esr: u64,
    /// ELR_ELx.
    pub elr: u64,
    /// SPSR_ELx.
    pub spsr: u64,
    /// FAR_ELx.
    pub far: u64,
    /// HPFAR_EL2 when taken to EL2 (meaningful for stage 2 aborts only), else 0.
    pub hpfar: u64,
}

/// Where the handler resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// After the instruction that raised the exception: ELR + 4, except for SVC and HVC, whose
    /// preferred return address already is the next instruction.
    Next,
    /// At the address in x30 of the interrupted code (for faults on a branch target).
    Link,
    /// At ELR with SPSR.IL cleared (for Illegal Execution state exceptions).
    ClearIllegal,
}

static LAST: Global<Option<Taken>> = Global::new(None);
static RESUME: Global<Resume> = Global::new(Resume::Next);

/// Registers the recording handler at EL2 and EL1, resuming at the next instruction.
pub fn install() {
    support::set_el2_handler(Some(record_el2));
    support::set_el1_handler(Some(record_el1));
    RESUME.set(Resume::Next);
}

/// Sets how the handler resumes; returns the previous policy.
pub fn set_resume(resume: Resume) -> Resume {
    RESUME.replace(resume)
}

fn record_el2(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    record(2, frame, kind)
}

fn record_el1(frame: &mut TrapFrame, kind: VectorKind) -> bool {
    record(1, frame, kind)
}

/// Records a synchronous exception taken to `el` and resumes as the policy says (for programs
/// with their own handlers, which pass the exceptions they do not handle here).
pub fn record_exception(el: u8, frame: &mut TrapFrame, kind: VectorKind) -> bool {
    record(el, frame, kind)
}

fn record(el: u8, frame: &mut TrapFrame, kind: VectorKind) -> bool {
    // Keep the first exception since the last `take`: the one the tested action raised, not
    // one a later instruction raised on the way back.
    if LAST.get().is_none() {
        LAST.set(Some(Taken {
            el,
            vector: kind as u8,
            esr: frame.esr,
            elr: frame.elr,
            spsr: frame.spsr,
            far: frame.far,
            hpfar: if el == 2 { support::read_sysreg!(hpfar_el2) } else { 0 },
        }));
    }
    if !kind.is_sync() {
        // An asynchronous exception: resume where it was taken, with its mask set in SPSR so
        // that the interrupt, still pending, is not taken again (D1.13 PSTATE.{A,I,F}).
        frame.spsr |= match kind as u8 % 4 {
            1 => 1 << 7, // IRQ: I
            2 => 1 << 6, // FIQ: F
            _ => 1 << 8, // SError: A
        };
        return true;
    }
    match RESUME.get() {
        Resume::Next => {
            if !matches!(frame.ec(), ec::SVC64 | ec::HVC64) {
                frame.skip();
            }
        }
        Resume::Link => frame.elr = frame.x[30],
        Resume::ClearIllegal => frame.spsr &= !(1 << 20),
    }
    true
}

/// The last exception recorded, clearing the record.
pub fn take() -> Option<Taken> {
    LAST.replace(None)
}

/// Prints the last exception (or `none`) relative to the address `at`; with `far` the FAR
/// (also relative to `at` when `far_relative`) is printed too.
pub fn report(label: &str, at: u64, far: Option<bool>) {
    match take() {
        None => println!("{} none", label),
        Some(t) => {
            crate::print!(
                "{} el{} v{} esr={:x} elr={:x} spsr={:x}",
                label,
                t.el,
                t.vector,
                t.esr,
                t.elr.wrapping_sub(at),
                t.spsr
            );
            match far {
                Some(true) => println!(" far={:x}", t.far.wrapping_sub(at)),
                Some(false) => println!(" far={:x}", t.far),
                None => println!(),
            }
        }
    }
}

/// Prints the last exception (or `none`) relative to the address `at`, with only the mode and
/// DAIF bits of SPSR (bits 9:0), for output that must not depend on the flags the compiled code
/// left in NZCV.
pub fn report_mode(label: &str, at: u64) {
    match take() {
        None => println!("{} none", label),
        Some(t) => println!(
            "{} el{} v{} esr={:x} elr={:x} spsr.m,daif={:x}",
            label,
            t.el,
            t.vector,
            t.esr,
            t.elr.wrapping_sub(at),
            t.spsr & 0x3ff
        ),
    }
}

/// Like [`report_mode`], with a second label (e.g. `set` / `clear`) after the first.
pub fn report_mode_labelled(label: &str, variant: &str, at: u64) {
    match take() {
        None => println!("{} {} none", label, variant),
        Some(t) => println!(
            "{} {} el{} v{} esr={:x} elr={:x} spsr.m,daif={:x}",
            label,
            variant,
            t.el,
            t.vector,
            t.esr,
            t.elr.wrapping_sub(at),
            t.spsr & 0x3ff
        ),
    }
}

/// Runs one load/store (assembly text using `{a}` as the address register and `{v}`/`{w}` as
/// data registers, with `{a}` = the address) and prints what happened: `ok` and the base
/// register relative to the address, or the syndrome (ESR, ELR relative to the instruction, FAR
/// relative to the address) and the base register.
#[macro_export]
macro_rules! probe {
    ($label:expr, $insn:literal, $addr:expr) => {{
        let addr: u64 = $addr;
        let at: u64;
        let base: u64;
        // SAFETY: the access either completes on memory the program owns or faults; the
        // recording handler resumes after it with every register restored.
        unsafe {
            core::arch::asm!(concat!("adr {at}, 2f\n2: ", $insn, "\n// operands: {a} {v} {w}"),
                at = out(reg) at, a = inout(reg) addr => base,
                v = inout(reg) 0x1122_3344_5566_7788u64 => _, w = inout(reg) 0x99u64 => _)
        }
        $crate::traps::report_access($label, at, addr, base);
    }};
}

/// Prints the outcome of one access (see [`probe!`]).
pub fn report_access(label: &str, at: u64, addr: u64, base: u64) {
    match take() {
        None => println!("{} ok base+{:x}", label, base.wrapping_sub(addr)),
        Some(t) => println!(
            "{} el{} v{} esr={:x} elr={:x} far=addr+{:x} base+{:x}",
            label,
            t.el,
            t.vector,
            t.esr,
            t.elr.wrapping_sub(at),
            t.far.wrapping_sub(addr),
            base.wrapping_sub(addr)
        ),
    }
}
