//! The trap decoder: ESR_EL2 (+ FAR_EL2, HPFAR_EL2) of an exception from a guest turned into a
//! typed [`Exit`]. It decides nothing and emulates nothing; `trap.rs` acts on the result.
//! Syndrome layouts: DDI 0487F D13.2.37 "ESR_EL2" (EC table and the ISS encodings per class).

/// Why the guest stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// A load from an unmapped IPA with a valid syndrome (ISV = 1): emulate a device read.
    MmioRead { ipa: u64, width: u8, reg: u8, sign_extend: bool, sixty_four: bool },
    /// A store to an unmapped IPA with a valid syndrome: emulate a device write of `reg`.
    MmioWrite { ipa: u64, width: u8, reg: u8 },
    /// Any other stage-2 abort (no ISV, permission, instruction fetch, external...).
    StageTwoFault { ipa: u64, esr: u64, instruction: bool, write: bool },
    /// A trapped MSR/MRS/System instruction (EC 0x18), with its encoding.
    SysRegAccess { op0: u8, op1: u8, crn: u8, crm: u8, op2: u8, reg: u8, read: bool },
    /// HVC #imm from EL1 (EC 0x16).
    Hypercall { imm: u16 },
    /// SMC #imm trapped by HCR_EL2.TSC (EC 0x17).
    Smc { imm: u16 },
    /// WFI or WFE trapped by HCR_EL2.TWI/TWE (EC 0x01).
    WfiWfe { wfe: bool },
    /// A physical IRQ while the guest ran (HCR_EL2.IMO).
    Irq,
    /// A physical FIQ (HCR_EL2.FMO; unused by this hypervisor).
    Fiq,
    /// An SError (HCR_EL2.AMO).
    SError { esr: u64 },
    /// A synchronous exception of any other class.
    Other { esr: u64 },
}

/// ESR_EL2.EC values (D13.2.37, table D13-6).
pub mod ec {
    pub const WFX: u64 = 0x01;
    pub const HVC64: u64 = 0x16;
    pub const SMC64: u64 = 0x17;
    pub const SYS64: u64 = 0x18;
    pub const IABT_LOW: u64 = 0x20;
    pub const DABT_LOW: u64 = 0x24;
}

/// The faulting IPA: HPFAR_EL2.FIPA (bits 39:4 = IPA[47:12]) with FAR_EL2's page offset.
/// D13.2.55 "HPFAR_EL2".
pub fn fault_ipa(hpfar: u64, far: u64) -> u64 {
    ((hpfar >> 4) & 0xff_ffff_ffff) << 12 | (far & 0xfff)
}

/// Decodes an exception taken from a guest through `vector` (offset / 0x80: 8 sync, 9 IRQ,
/// 10 FIQ, 11 SError).
pub fn decode(vector: u64, esr: u64, far: u64, hpfar: u64) -> Exit {
    match vector & 3 {
        1 => return Exit::Irq,
        2 => return Exit::Fiq,
        3 => return Exit::SError { esr },
        _ => {}
    }
    let iss = esr & 0x1ff_ffff;
    match (esr >> 26) & 0x3f {
        ec::WFX => Exit::WfiWfe { wfe: iss & 1 == 1 },
        ec::HVC64 => Exit::Hypercall { imm: iss as u16 },
        ec::SMC64 => Exit::Smc { imm: iss as u16 },
        ec::SYS64 => Exit::SysRegAccess {
            op0: ((iss >> 20) & 3) as u8,
            op2: ((iss >> 17) & 7) as u8,
            op1: ((iss >> 14) & 7) as u8,
            crn: ((iss >> 10) & 0xf) as u8,
            reg: ((iss >> 5) & 0x1f) as u8,
            crm: ((iss >> 1) & 0xf) as u8,
            read: iss & 1 == 1,
        },
        ec::DABT_LOW => {
            let ipa = fault_ipa(hpfar, far);
            let isv = iss & (1 << 24) != 0;
            let dfsc = iss & 0x3f;
            let translation = (0b000100..=0b000111).contains(&dfsc);
            let s1ptw = iss & (1 << 7) != 0;
            let write = iss & (1 << 6) != 0;
            if isv && translation && !s1ptw {
                let width = 1u8 << ((iss >> 22) & 3);
                let reg = ((iss >> 16) & 0x1f) as u8;
                if write {
                    Exit::MmioWrite { ipa, width, reg }
                } else {
                    Exit::MmioRead {
                        ipa,
                        width,
                        reg,
                        sign_extend: iss & (1 << 21) != 0,
                        sixty_four: iss & (1 << 15) != 0,
                    }
                }
            } else {
                Exit::StageTwoFault { ipa, esr, instruction: false, write }
            }
        }
        ec::IABT_LOW => Exit::StageTwoFault { ipa: fault_ipa(hpfar, far), esr, instruction: true, write: false },
        _ => Exit::Other { esr },
    }
}

/// The trap classes counted per VM in the summary.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Class {
    Hypercall,
    Psci,
    UartMmio,
    GicdMmio,
    SysReg,
    Smc,
    Wfi,
    Wfe,
    Irq,
    Fault,
    Other,
}

/// Number of [`Class`] values.
pub const CLASSES: usize = 11;
/// Short names for the summary, in [`Class`] order.
pub const CLASS_NAMES: [&str; CLASSES] =
    ["hvc", "psci", "uart", "gicd", "sysreg", "smc", "wfi", "wfe", "irq", "fault", "other"];
