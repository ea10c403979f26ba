//! The readable reports of the debugger interface: a translation stage by stage with every
//! descriptor read ([`Translation`], `monitor translate`), and a core's TLB model
//! ([`TlbReport`], `monitor tlb`).
//!
//! A translation of a VA of the EL1&0 regime with both stages on reads, in walk order:
//!
//! ```text
//! VA 0x46001000 on core 0 at EL1
//!   stage 1 (EL1&0): TTBR0_EL1 0x44000000, ASID 0, 4KB granule, 39-bit input, start level 1
//!     stage 2 of IPA 0x44000008:
//!       level 1 at PA 0x44001008 = 0x0000000044003003 table
//!       level 2 at PA 0x44003100 = 0x0040000044000401 block
//!     level 1 at IPA 0x44000008, PA 0x44000008 = 0x0000000044004003 table
//!     ...
//!     output IPA 0x80000000: 4KB page at level 3, EL1 rw- EL0 ---, Normal WB ISH
//!   stage 2 (EL1&0): VTTBR_EL2 0x44001000, VMID 1, 4KB granule, 40-bit input, start level 1
//!     level 1 at PA 0x44001010 = 0x0000000044005003 table
//!     ...
//!     output PA 0x46000000: 4KB page at level 3, rwx, Normal WB ISH
//!   => PA 0x46000000 (RAM)
//! ```
//!
//! A fault ends its stage with `fault: ...` and the report with `=> stage N ... fault ...`.

use std::fmt;

use cpu::mmu::{size_name, DescriptorRead, DescriptorType, Fault, FaultKind, Granule, Permissions, Regime, Stage};
use cpu::mmu::{Inspection, MmuStats, Replacement, S2CacheEntry, StageOutput, TlbConfig, TlbEntry};
use cpu::PhysAddr;

use crate::bus::BusTarget;
use crate::debug::AddrSpace;

/// A fault of a debugger translation: the MMU fault a data access would take on the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TranslationFault(pub Fault);

impl fmt::Display for TranslationFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fault = &self.0;
        let stage = if fault.is_stage2() { 2 } else { 1 };
        let kind = match fault.kind {
            FaultKind::AddressSize => "address size",
            FaultKind::Translation => "translation",
            FaultKind::AccessFlag => "access flag",
            FaultKind::Permission => "permission",
            FaultKind::ExternalAbortOnWalk => "external abort on the walk",
            FaultKind::Alignment => "alignment",
        };
        write!(f, "stage {stage} {kind} fault at level {}", fault.level)?;
        if fault.s1ptw {
            f.write_str(" on the stage 1 walk")?;
        }
        if let (true, Some(ipa)) = (fault.is_stage2(), fault.ipa) {
            write!(f, ", IPA {:#x}", ipa.0)?;
        }
        write!(f, " (FSC {:#04x})", fault.fsc())
    }
}

impl std::error::Error for TranslationFault {}

/// How one stage of a translation is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageSetup {
    /// Disabled by a control bit: the flat mapping.
    Off {
        /// The control, e.g. `SCTLR_EL2.M = 0`.
        control: &'static str,
    },
    /// Enabled: the walk starts at `table`.
    On {
        /// The base register, e.g. `TTBR0_EL1`.
        register: &'static str,
        /// The initial table's address (an IPA for stage 1 of EL1&0 under stage 2).
        table: u64,
        /// `ASID n` or `VMID n`, when the stage has one.
        tag: Option<String>,
        /// The granule.
        granule: Granule,
        /// The input address size in bits.
        input_bits: u8,
        /// The initial lookup level.
        start_level: u8,
    },
}

/// One stage of a [`Translation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageReport {
    /// Which stage.
    pub stage: Stage,
    /// Its name, e.g. `stage 1 (EL2)`.
    pub name: &'static str,
    /// How it is set up.
    pub setup: StageSetup,
}

/// The translation of a debugger address on one core, stage by stage, with every descriptor
/// read ([`crate::Soc::translate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The core whose translation regime applies.
    pub core: usize,
    /// Its Exception level.
    pub el: u8,
    /// The regime of a VA (that of the EL), or EL1&0 for an IPA.
    pub regime: Regime,
    /// The address space of `input`.
    pub space: AddrSpace,
    /// The address translated.
    pub input: u64,
    /// The stages, in order (none for a PA).
    pub stages: Vec<StageReport>,
    /// The walk (`None` for a PA).
    pub walk: Option<Inspection>,
    /// The physical address, or the fault.
    pub result: Result<PhysAddr, TranslationFault>,
    /// What the physical address reaches.
    pub target: Option<BusTarget>,
}

/// `EL1 rw- EL0 ---` (stage 1 of EL1&0), `EL2 rwx` (EL2), `rwx` (stage 2).
fn perms_text(perms: Permissions, stage: Stage, regime: Regime) -> String {
    let rwx = |r: bool, w: bool, x: bool| {
        format!("{}{}{}", if r { 'r' } else { '-' }, if w { 'w' } else { '-' }, if x { 'x' } else { '-' })
    };
    let privileged = rwx(perms.read(false), perms.write(false), perms.execute(false));
    match (stage, regime) {
        (Stage::Two, _) => privileged,
        (Stage::One, Regime::El2) => format!("EL2 {privileged}"),
        (Stage::One, Regime::El10) => {
            format!("EL1 {privileged} EL0 {}", rwx(perms.read(true), perms.write(true), perms.execute(true)))
        }
    }
}

/// The descriptor read as one line (without indentation).
fn read_text(r: &DescriptorRead, ipa_too: bool) -> String {
    let at = if ipa_too {
        format!("level {} at IPA {:#x}, PA {:#x}", r.level, r.address, r.pa.0)
    } else {
        format!("level {} at PA {:#x}", r.level, r.pa.0)
    };
    match (r.value, r.kind()) {
        (Ok(value), Some(kind)) => {
            let kind = match kind {
                DescriptorType::Table => "table",
                DescriptorType::Leaf if r.level == 3 => "page",
                DescriptorType::Leaf => "block",
                DescriptorType::Invalid => "invalid",
            };
            format!("{at} = {value:#018x} {kind}")
        }
        _ => format!("{at}: external abort (not RAM)"),
    }
}

/// The stage 2 walk of a stage 1 table address, if there was one.
fn write_nested(f: &mut fmt::Formatter<'_>, reads: &[&DescriptorRead], ipa: u64) -> fmt::Result {
    if reads.is_empty() {
        return Ok(());
    }
    writeln!(f, "    stage 2 of IPA {ipa:#x}:")?;
    for r in reads {
        writeln!(f, "      {}", read_text(r, false))?;
    }
    Ok(())
}

impl Translation {
    /// Stage 2 translates the output of stage 1 (or the IPA).
    fn stage2_on(&self) -> bool {
        self.stages.iter().any(|s| s.stage == Stage::Two && matches!(s.setup, StageSetup::On { .. }))
    }

    fn write_setup(&self, f: &mut fmt::Formatter<'_>, s: &StageReport) -> fmt::Result {
        match &s.setup {
            StageSetup::Off { control } => writeln!(f, "  {}: MMU off ({control}), flat mapping", s.name),
            StageSetup::On { register, table, tag, granule, input_bits, start_level } => {
                let tag = tag.as_ref().map(|t| format!(", {t}")).unwrap_or_default();
                writeln!(
                    f,
                    "  {}: {register} {table:#x}{tag}, {} granule, {input_bits}-bit input, start level {start_level}",
                    s.name,
                    size_name(granule.bits())
                )
            }
        }
    }

    fn write_outcome(
        &self,
        f: &mut fmt::Formatter<'_>,
        stage: Stage,
        outcome: &Result<StageOutput, Fault>,
    ) -> fmt::Result {
        let out = match outcome {
            Ok(out) => out,
            Err(fault) => return writeln!(f, "    fault: {}", TranslationFault(*fault)),
        };
        let what = if stage == Stage::One && self.stage2_on() { "IPA" } else { "PA" };
        match out.level {
            None => writeln!(f, "    output {what} {:#x}", out.output),
            Some(level) => {
                let kind = if level == 3 { "page" } else { "block" };
                writeln!(
                    f,
                    "    output {what} {:#x}: {} {kind} at level {level}, {}, {}",
                    out.output,
                    size_name(out.size_bits),
                    perms_text(out.perms, stage, self.regime),
                    out.attrs
                )
            }
        }
    }
}

impl fmt::Display for Translation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {:#x} on core {} at EL{}", self.space.name().to_uppercase(), self.input, self.core, self.el)?;
        if self.space == AddrSpace::Phys {
            writeln!(f, "  no translation (physical address)")?;
        }
        if let Some(walk) = &self.walk {
            // The reads of the stage 1 section (stage 1 reads, each after the stage 2 walk of its
            // table address) end with the last stage 1 read when stage 2 translates the output;
            // the rest are the output's stage 2 walk.
            let reads = &walk.reads;
            let split = match (walk.stage1.is_some(), walk.stage2.is_some()) {
                (true, true) => reads.iter().rposition(|r| r.stage == Stage::One).map_or(0, |i| i + 1),
                (true, false) => reads.len(),
                (false, _) => 0,
            };
            for s in &self.stages {
                self.write_setup(f, s)?;
                let (outcome, section) = match s.stage {
                    Stage::One => (walk.stage1, &reads[..split]),
                    Stage::Two => (walk.stage2, &reads[split..]),
                };
                let mut pending: Vec<&DescriptorRead> = Vec::new();
                for r in section {
                    if s.stage == Stage::One && r.stage == Stage::Two {
                        pending.push(r);
                        continue;
                    }
                    write_nested(f, &pending, r.address)?;
                    pending.clear();
                    writeln!(f, "    {}", read_text(r, s.stage == Stage::One && self.stage2_on()))?;
                }
                // Stage 2 reads after the last stage 1 read: stage 2 faulted on the stage 1 walk.
                if let Some(Err(Fault { ipa: Some(ipa), .. })) = outcome {
                    write_nested(f, &pending, ipa.0)?;
                }
                match (&s.setup, outcome) {
                    (StageSetup::On { .. }, Some(o)) => self.write_outcome(f, s.stage, &o)?,
                    (StageSetup::Off { .. }, Some(Err(fault))) => {
                        writeln!(f, "    fault: {}", TranslationFault(fault))?
                    }
                    (StageSetup::On { .. }, None) => writeln!(f, "    not reached")?,
                    _ => {}
                }
            }
        }
        match (self.result, self.target) {
            (Ok(pa), Some(target)) => {
                let what = match target {
                    BusTarget::Ram => "RAM",
                    BusTarget::Device => "device",
                    BusTarget::Nothing => "nothing mapped",
                };
                writeln!(f, "  => PA {:#x} ({what})", pa.0)
            }
            (Ok(pa), None) => writeln!(f, "  => PA {:#x}", pa.0),
            (Err(fault), _) => writeln!(f, "  => {fault}"),
        }
    }
}

/// A core's TLB model as debuggers list it ([`crate::Soc::tlb_report`], `monitor tlb`): the
/// geometry, every valid entry (regime, VMID, ASID or global, VA -> IPA -> PA, size, permissions,
/// attributes; sorted by regime, VMID, VA and ASID), the stage 2 cache, and the counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlbReport {
    /// The core.
    pub core: usize,
    /// Geometry and replacement policy.
    pub config: TlbConfig,
    /// The valid main TLB entries.
    pub entries: Vec<TlbEntry>,
    /// The valid stage 2 cache entries.
    pub s2_entries: Vec<S2CacheEntry>,
    /// The counters.
    pub stats: MmuStats,
    /// Whether the host fast path is on (accesses it answers do not reach the TLB model).
    pub fast_path: bool,
}

impl TlbReport {
    /// The report of `cpu`'s TLB model.
    pub fn of(core: usize, cpu: &cpu::Cpu) -> TlbReport {
        let mmu = cpu.mmu();
        let mut entries: Vec<TlbEntry> = mmu.tlb_entries().collect();
        entries.sort_by_key(|e| (e.regime as u8, e.vmid, e.va, e.asid));
        let mut s2_entries: Vec<S2CacheEntry> = mmu.s2_cache_entries().collect();
        s2_entries.sort_by_key(|e| (e.vmid, e.ipa));
        TlbReport {
            core,
            config: mmu.config(),
            entries,
            s2_entries,
            stats: *mmu.stats(),
            fast_path: cpu.host_fast_path_enabled(),
        }
    }
}

impl fmt::Display for TlbReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let policy = match c.replacement {
            Replacement::RoundRobin => "round-robin",
            Replacement::Lru => "LRU",
        };
        writeln!(
            f,
            "core {} TLB: {} sets x {} ways ({policy}), {} of {} entries valid",
            self.core,
            c.sets,
            c.ways,
            self.entries.len(),
            c.sets * c.ways
        )?;
        // Entries larger than a set-index class are held once per region used (crate::mmu
        // tlb docs): identical lines are shown once, with their count.
        let mut lines: Vec<(String, usize)> = Vec::new();
        for e in &self.entries {
            let (who, path) = match e.regime {
                Regime::El2 => ("EL2".to_string(), format!("VA {:#x} -> PA {:#x}", e.va, e.pa)),
                Regime::El10 => {
                    let asid = e.asid.map_or("global".to_string(), |a| format!("ASID {a}"));
                    let who = format!("EL1&0 VMID {} {asid}", e.vmid.unwrap_or(0));
                    let path = match e.s2_level {
                        Some(_) => format!("VA {:#x} -> IPA {:#x} -> PA {:#x}", e.va, e.ipa, e.pa),
                        None => format!("VA {:#x} -> PA {:#x}", e.va, e.pa),
                    };
                    (who, path)
                }
            };
            let off = if e.s1_level.is_none() { " (stage 1 off)" } else { "" };
            let line = format!(
                "  {who}: {path}, {}{off}, {}, {}",
                size_name(u32::from(e.size_bits)),
                perms_text(e.perms, Stage::One, e.regime),
                e.attrs
            );
            match lines.last_mut() {
                Some((last, n)) if *last == line => *n += 1,
                _ => lines.push((line, 1)),
            }
        }
        for (line, n) in lines {
            if n > 1 {
                writeln!(f, "{line} ({n} copies)")?;
            } else {
                writeln!(f, "{line}")?;
            }
        }
        if c.s2_sets > 0 {
            writeln!(
                f,
                "stage 2 cache: {} sets x {} ways, {} of {} entries valid",
                c.s2_sets,
                c.s2_ways,
                self.s2_entries.len(),
                c.s2_sets * c.s2_ways
            )?;
            for e in &self.s2_entries {
                writeln!(
                    f,
                    "  VMID {}: IPA {:#x} -> PA {:#x}, {}, {}, {}",
                    e.vmid,
                    e.ipa,
                    e.pa,
                    size_name(e.size_bits),
                    perms_text(e.perms, Stage::Two, Regime::El10),
                    e.attrs
                )?;
            }
        }
        let s = &self.stats;
        writeln!(
            f,
            "counters: {} hits, {} misses, {} walks ({} descriptor reads: {} stage 1, {} stage 2), stage 2 cache {} \
             hits {} misses, {} evictions, {} faults, {} invalidations ({} entries)",
            s.tlb_hits,
            s.tlb_misses,
            s.walks,
            s.descriptor_reads(),
            s.s1_descriptor_reads,
            s.s2_descriptor_reads,
            s.s2_cache_hits,
            s.s2_cache_misses,
            s.evictions,
            s.faults,
            s.invalidations,
            s.entries_invalidated
        )?;
        if self.fast_path {
            writeln!(f, "host fast path: on (the accesses it answers do not reach the TLB model)")
        } else {
            writeln!(f, "host fast path: off")
        }
    }
}
