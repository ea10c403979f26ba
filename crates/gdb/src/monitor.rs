//! `monitor` commands: the hypervisor-aware part of the stub.
//!
//! | command | what it does |
//! |---|---|
//! | `help` | lists the commands |
//! | `el` | every core's Exception level, DAIF and HCR_EL2; `*` marks the selected core |
//! | `space [va\|ipa\|pa]` | shows or sets the address space of gdb's memory accesses |
//! | `translate ADDR` | the selected core's translation of ADDR in the current space: every descriptor read of both stages, the output or the fault |
//! | `catch exception [CLASS...]` | stop a core when it takes an exception (of the classes) |
//! | `catch el2-entry [CLASS...]` | the same, for exceptions taken to EL2 only |
//! | `catch` / `catch clear` | shows / removes the catch |
//! | `tlb` | the selected core's TLB model: every valid entry, the stage 2 cache, the counters |
//! | `stats` | instructions, cycles and exceptions by class, per core |
//! | `why` | why the cores last stopped (which exception a catch stopped on, ...) |
//!
//! CLASS is a name of [`cpu::host_debug::EC_NAMES`] (`hvc`, `dabt-lower`, ...), `irq`, `fiq`,
//! `serror`, or an ESR_ELx.EC value (`0x16`). Each `catch` command replaces the previous one.

use std::fmt::Write as _;

use cpu::host_debug::{ec_name, EC_NAMES};
use cpu::{CatchFilter, SysReg};
use gdbstub::target::ext::monitor_cmd::{ConsoleOutput, MonitorCmd};
use soc::{AddrSpace, StopCause};

use crate::target::SocTarget;
use crate::threads::describe_core;

/// The text of `monitor help`.
const HELP: &str = "\
HyperSoC monitor commands:
  el                          Exception level, DAIF and HCR_EL2 of every core
  space [va|ipa|pa]           address space of gdb memory accesses
  translate ADDR              translation of ADDR on the selected core, stage by stage
  catch exception [CLASS...]  stop when a core takes an exception (of these classes)
  catch el2-entry [CLASS...]  the same, for exceptions taken to EL2 only
  catch [clear]               show or remove the exception catch
  tlb                         TLB model of the selected core: entries, counters
  stats                       instructions, cycles and exceptions by class per core
  why                         why the cores last stopped
CLASS: irq fiq serror, an EC value (0x16) or one of:";

/// Parses a number: `0x` hex or decimal.
fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16).ok(),
        None => text.parse().ok(),
    }
}

/// Parses the class list of a `catch` command into a filter (none: every exception).
pub fn parse_catch(classes: &[&str], el2_only: bool) -> Result<CatchFilter, String> {
    if classes.is_empty() {
        return Ok(CatchFilter { el2_only, ..CatchFilter::ALL });
    }
    let mut filter = CatchFilter { el2_only, ..CatchFilter::default() };
    for class in classes {
        match *class {
            "irq" => filter.irq = true,
            "fiq" => filter.fiq = true,
            "serror" => filter.serror = true,
            name => {
                let ec = match EC_NAMES.iter().find(|(_, n)| *n == name) {
                    Some((ec, _)) => u64::from(*ec),
                    None => parse_number(name.trim_start_matches("ec"))
                        .filter(|ec| *ec < 64)
                        .ok_or_else(|| format!("unknown exception class `{name}` (see `monitor help`)"))?,
                };
                filter.sync_classes |= 1 << ec;
            }
        }
    }
    Ok(filter)
}

/// A description of a catch filter, e.g. `catching hvc, smc taken to EL2`.
pub fn describe_catch(filter: &CatchFilter) -> String {
    if filter.is_empty() {
        return "no exception catch".to_string();
    }
    let to = if filter.el2_only { " taken to EL2" } else { "" };
    if filter.sync_classes == u64::MAX && filter.irq && filter.fiq && filter.serror {
        return format!("catching every exception{to}");
    }
    let mut names: Vec<String> = (0..64u8)
        .filter(|ec| filter.sync_classes & (1 << ec) != 0)
        .map(|ec| match ec_name(ec) {
            "other" => format!("{ec:#x}"),
            name => name.to_string(),
        })
        .collect();
    for (on, name) in [(filter.irq, "irq"), (filter.fiq, "fiq"), (filter.serror, "serror")] {
        if on {
            names.push(name.to_string());
        }
    }
    format!("catching {}{to}", names.join(", "))
}

impl SocTarget<'_> {
    /// Runs one monitor command line and returns its output (lines ending in `\n`).
    pub fn monitor(&mut self, line: &str) -> String {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] | ["help"] => {
                let names: Vec<&str> = EC_NAMES.iter().map(|(_, n)| *n).collect();
                format!("{HELP}\n  {}\n", names.join(" "))
            }
            ["el"] => self.monitor_el(),
            ["space"] => format!("address space: {}\n", self.space.name()),
            ["space", name] => {
                let space = match *name {
                    "va" => AddrSpace::Virt,
                    "ipa" => AddrSpace::Ipa,
                    "pa" => AddrSpace::Phys,
                    _ => return format!("unknown address space `{name}`: va, ipa or pa\n"),
                };
                self.space = space;
                format!("address space: {}\n", space.name())
            }
            ["translate", addr] => match parse_number(addr) {
                Some(addr) => self.soc.translate(self.selected, self.space, addr).to_string(),
                None => format!("not an address: `{addr}`\n"),
            },
            ["catch"] => format!("{}\n", describe_catch(&self.catch)),
            ["catch", "clear"] | ["catch", "none"] => self.set_catch(CatchFilter::default()),
            ["catch", "exception", classes @ ..] => match parse_catch(classes, false) {
                Ok(filter) => self.set_catch(filter),
                Err(e) => format!("{e}\n"),
            },
            ["catch", "el2-entry", classes @ ..] => match parse_catch(classes, true) {
                Ok(filter) => self.set_catch(filter),
                Err(e) => format!("{e}\n"),
            },
            ["tlb"] => self.soc.tlb_report(self.selected).map(|r| r.to_string()).unwrap_or_default(),
            ["stats"] => self.monitor_stats(),
            ["why"] => self.monitor_why(),
            _ => format!("unknown monitor command `{line}` (see `monitor help`)\n"),
        }
    }

    fn set_catch(&mut self, filter: CatchFilter) -> String {
        self.catch = filter;
        self.soc.set_catch(filter);
        format!("{}\n", describe_catch(&filter))
    }

    fn monitor_el(&self) -> String {
        let mut out = String::new();
        for (i, cpu) in self.soc.cores.iter().enumerate() {
            let mark = if i == self.selected { '*' } else { ' ' };
            let _ = write!(out, "{mark} {}", describe_core(self.soc, i));
            if self.soc.core_is_on(i) {
                let daif: String = ['D', 'A', 'I', 'F']
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| cpu.pstate.daif & (0x200 >> b) != 0)
                    .map(|(_, c)| *c)
                    .collect();
                let daif = if daif.is_empty() { "-".to_string() } else { daif };
                let _ = write!(out, "  DAIF={daif}  HCR_EL2={:#x}", cpu.sysreg(SysReg::HCR_EL2));
            }
            out.push('\n');
        }
        out
    }

    fn monitor_stats(&self) -> String {
        let mut out = String::new();
        for (i, cpu) in self.soc.cores.iter().enumerate() {
            let c = cpu.counters;
            let _ = write!(
                out,
                "core {i}: {} instructions, {} cycles, {} exceptions",
                c.instructions, c.cycles, c.exceptions
            );
            let stats = cpu.exception_stats();
            let mut by_class: Vec<String> = (0..64u8)
                .filter(|ec| stats.sync[usize::from(*ec)] != 0)
                .map(|ec| {
                    let n = stats.sync[usize::from(ec)];
                    match ec_name(ec) {
                        "other" => format!("{ec:#x} {n}"),
                        name => format!("{name} {n}"),
                    }
                })
                .collect();
            for (n, name) in [(stats.irq, "irq"), (stats.fiq, "fiq"), (stats.serror, "serror")] {
                if n != 0 {
                    by_class.push(format!("{name} {n}"));
                }
            }
            if !by_class.is_empty() {
                let _ = write!(out, " ({})", by_class.join(", "));
            }
            out.push('\n');
        }
        out
    }

    fn monitor_why(&self) -> String {
        let last = self.describe_stop(self.last_stop, true);
        match (self.last_stop, self.last_event) {
            (Some(StopCause::Stepped(_)), Some(event)) => {
                format!("{last}; before it: {}\n", self.describe_stop(Some(event), false))
            }
            _ => format!("{last}\n"),
        }
    }

    /// A stop in words; the PC is named only for the `current` stop (the core may have moved
    /// since an earlier one).
    fn describe_stop(&self, stop: Option<StopCause>, current: bool) -> String {
        let at = |c: usize| if current { format!(" at {:#x}", self.soc.cores[c].pc) } else { String::new() };
        match stop {
            None => "the cores have not run under gdb yet".to_string(),
            Some(StopCause::Breakpoint(c)) => format!("core {c}: breakpoint{}", at(c)),
            Some(StopCause::Watchpoint(c, hit)) => format!(
                "core {c}: {}-byte {} of VA {:#x}{} hit the {:?} watchpoint at {:#x} (+{})",
                hit.size,
                if hit.write { "store" } else { "load" },
                hit.va.0,
                at(c),
                hit.watchpoint.kind,
                hit.watchpoint.va.0,
                hit.watchpoint.len
            ),
            Some(StopCause::Exception(c, t)) => {
                let class = match t.kind {
                    cpu::ExceptionKind::Sync { ec } => format!("{} (EC {ec:#x})", t.kind.name()),
                    _ => t.kind.name().to_string(),
                };
                format!(
                    "core {c}: took {class} from EL{} to EL{}: ESR_EL{} = {:#x}, ELR_EL{} = {:#x}, vector {:#x}",
                    t.from_el, t.to_el, t.to_el, t.esr, t.to_el, t.return_address, t.vector
                )
            }
            Some(StopCause::Stepped(c)) => format!("core {c}: single step"),
            Some(StopCause::Interrupted) => "interrupted by gdb".to_string(),
            Some(StopCause::Idle) => "every core waits for an interrupt that nothing can raise".to_string(),
            Some(StopCause::InstructionLimit) => "the instruction limit was reached".to_string(),
            Some(StopCause::CycleLimit) => "the cycle limit was reached".to_string(),
            Some(StopCause::PowerOff) => "PSCI SYSTEM_OFF".to_string(),
            Some(StopCause::Reset) => "PSCI SYSTEM_RESET".to_string(),
        }
    }
}

impl MonitorCmd for SocTarget<'_> {
    fn handle_monitor_cmd(&mut self, cmd: &[u8], mut out: ConsoleOutput<'_>) -> Result<(), Self::Error> {
        let text = match std::str::from_utf8(cmd) {
            Ok(line) => self.monitor(line),
            Err(_) => "monitor commands are ASCII text\n".to_string(),
        };
        out.write_raw(text.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpu::exception::ec;

    #[test]
    fn catch_classes_parse_and_describe() {
        let f = parse_catch(&["hvc", "dabt-lower", "irq"], false).unwrap();
        assert_eq!(f.sync_classes, (1 << ec::HVC64) | (1 << ec::DABT_LOWER));
        assert!(f.irq && !f.fiq && !f.el2_only);
        assert_eq!(describe_catch(&f), "catching hvc, dabt-lower, irq");
        assert_eq!(describe_catch(&parse_catch(&[], true).unwrap()), "catching every exception taken to EL2");
        assert_eq!(describe_catch(&parse_catch(&["0x16", "ec0x3"], true).unwrap()), "catching 0x3, hvc taken to EL2");
        assert!(parse_catch(&["0x40"], false).is_err());
        assert!(parse_catch(&["bogus"], false).unwrap_err().contains("bogus"));
        assert_eq!(describe_catch(&CatchFilter::default()), "no exception catch");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x4008_0000"), Some(0x4008_0000));
        assert_eq!(parse_number("42"), Some(42));
        assert_eq!(parse_number("0xzz"), None);
        assert_eq!(parse_number("-1"), None);
    }
}
