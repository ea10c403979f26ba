//! Access descriptors and permissions (ARM ARM D8.4): what an access asks for ([`Access`]), what a
//! translation grants ([`Permissions`]), and the stage 1 and stage 2 Direct permission rules
//! (pseudocode `AArch64.S1DirectBasePermissions`, `AArch64.S2DirectBasePermissions`).

use crate::regime::Regime;

/// The kind of an access, as far as translation is concerned (pseudocode `AccessType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// A data read (loads, and AT ...R).
    Read,
    /// A data write (stores, DC ZVA, and AT ...W).
    Write,
    /// An instruction fetch.
    Fetch,
    /// A data cache maintenance by VA. `invalidate` (DC IVAC) needs write permission at any EL;
    /// cleans (DC CVAC, CVAU, CIVAC) need read permission at EL0 and nothing at EL1/EL2
    /// (pseudocode `AArch64.S1CheckPermissions`, AccessType_DC). Also used for IC IVAU at EL0,
    /// where the read check is IMPLEMENTATION DEFINED (we check).
    CacheMaintenance {
        /// DC IVAC (invalidate without clean).
        invalidate: bool,
    },
}

/// An access descriptor: what is accessed, at which privilege, under which regime (pseudocode
/// `AccessDescriptor`, reduced to what ARMv8.0 translation uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    /// Read, write, fetch or cache maintenance.
    pub kind: AccessKind,
    /// The translation regime.
    pub regime: Regime,
    /// Permissions are checked as for EL0 (an access from EL0, LDTR/STTR at EL1, AT S1E0x/S12E0x).
    /// Ignored in the EL2 regime, which has no unprivileged permissions.
    pub unprivileged: bool,
    /// The access is naturally aligned to its size. An unaligned access to any Device memory is
    /// an Alignment fault (B2.5.2, pseudocode `AArch64.S1HasAlignmentFaultDueToMemType`); pass
    /// `false` for DC ZVA, which faults on Device memory even when aligned. Alignment checks that
    /// do not depend on the memory type (SCTLR_ELx.A, exclusives, acquire/release) are the
    /// CPU's, before translation.
    pub aligned: bool,
}

impl Access {
    /// An access of `kind` from Exception level `el` (0, 1 or 2), aligned.
    #[inline(always)]
    pub const fn new(kind: AccessKind, el: u8) -> Access {
        Access { kind, regime: Regime::for_el(el), unprivileged: el == 0, aligned: true }
    }

    /// A data read from `el`.
    #[inline(always)]
    pub const fn read(el: u8) -> Access {
        Access::new(AccessKind::Read, el)
    }

    /// A data write from `el`.
    #[inline(always)]
    pub const fn write(el: u8) -> Access {
        Access::new(AccessKind::Write, el)
    }

    /// An instruction fetch from `el`.
    #[inline(always)]
    pub const fn fetch(el: u8) -> Access {
        Access::new(AccessKind::Fetch, el)
    }

    /// The same access checked with EL0 permissions (LDTR/STTR at EL1). No effect in the EL2
    /// regime, where LDTR/STTR behave as LDR/STR.
    #[inline(always)]
    pub const fn as_unprivileged(self) -> Access {
        Access { unprivileged: !matches!(self.regime, Regime::El2), ..self }
    }

    /// The same access, not aligned to its size.
    #[inline(always)]
    pub const fn unaligned(self) -> Access {
        Access { aligned: false, ..self }
    }

    /// The access is checked with EL0 permissions.
    #[inline(always)]
    pub(crate) const fn el0(self) -> bool {
        self.unprivileged && matches!(self.regime, Regime::El10)
    }

    /// The permission bits this access needs (a mask of [`Permissions`] bits; may be empty).
    #[inline(always)]
    pub(crate) const fn needed(self) -> u8 {
        let el0 = self.el0();
        let shift = if el0 { 3 } else { 0 };
        match self.kind {
            AccessKind::Read => Permissions::PR << shift,
            AccessKind::Write => Permissions::PW << shift,
            AccessKind::Fetch => Permissions::PX << shift,
            AccessKind::CacheMaintenance { invalidate: true } => Permissions::PW << shift,
            AccessKind::CacheMaintenance { invalidate: false } => {
                if el0 {
                    Permissions::UR
                } else {
                    0
                }
            }
        }
    }

    /// The access writes (ESR_ELx.WnR for data aborts; cache maintenance reports 1 regardless).
    #[inline(always)]
    pub const fn is_write(self) -> bool {
        matches!(self.kind, AccessKind::Write)
    }
}

/// Effective permissions of a translation: privileged (PR/PW/PX, EL1 or EL2) and unprivileged
/// (UR/UW/UX, EL0) read, write and execute, after hierarchical controls, WXN and the stage 2
/// permissions have been applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Permissions(pub u8);

impl Permissions {
    /// Privileged read.
    pub const PR: u8 = 1 << 0;
    /// Privileged write.
    pub const PW: u8 = 1 << 1;
    /// Privileged execute.
    pub const PX: u8 = 1 << 2;
    /// Unprivileged (EL0) read.
    pub const UR: u8 = 1 << 3;
    /// Unprivileged write.
    pub const UW: u8 = 1 << 4;
    /// Unprivileged execute.
    pub const UX: u8 = 1 << 5;
    /// Everything permitted (a disabled stage, D8.4.1 "RVBBBJ").
    pub const ALL: Permissions = Permissions(0x3f);

    /// Data reads are permitted (at EL0 when `el0`, else at the privileged EL).
    #[inline(always)]
    pub const fn read(self, el0: bool) -> bool {
        self.0 & if el0 { Self::UR } else { Self::PR } != 0
    }

    /// Data writes are permitted.
    #[inline(always)]
    pub const fn write(self, el0: bool) -> bool {
        self.0 & if el0 { Self::UW } else { Self::PW } != 0
    }

    /// Instruction execution is permitted.
    #[inline(always)]
    pub const fn execute(self, el0: bool) -> bool {
        self.0 & if el0 { Self::UX } else { Self::PX } != 0
    }

    /// Both sets of permissions (stage 1 and stage 2 combined).
    #[inline(always)]
    pub const fn and(self, other: Permissions) -> Permissions {
        Permissions(self.0 & other.0)
    }

    /// All of `needed` are granted.
    #[inline(always)]
    pub(crate) const fn grants(self, needed: u8) -> bool {
        self.0 & needed == needed
    }

    /// These permissions allow `acc` (for a host-side cache of [`crate::Translation`]s: reuse a
    /// cached translation for another access kind only when this is true, and otherwise call
    /// [`crate::Mmu::translate`], which reports the exact fault). Alignment on Device memory is
    /// not covered: check `Translation::attrs` for that.
    #[inline(always)]
    pub const fn allows(self, acc: Access) -> bool {
        self.grants(acc.needed())
    }
}

/// Hierarchical controls accumulated from stage 1 table descriptors (D8.4.1.2, Table D8-64):
/// APTable\[1:0\] (bits 62:61), UXNTable/XNTable (bit 60), PXNTable (bit 59), ORed over the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct TableControls {
    pub ap_table: u8,
    pub uxn_table: bool,
    pub pxn_table: bool,
}

impl TableControls {
    /// Adds the controls of a stage 1 table descriptor (pseudocode `AArch64.S1ApplyTablePerms`).
    /// In a one-EL regime APTable\[0\] and PXNTable are RES0 and XNTable is bit 60.
    #[inline]
    pub fn apply(&mut self, desc: u64, two_els: bool) {
        let ap = ((desc >> 61) & 3) as u8;
        self.ap_table |= if two_els { ap } else { ap & 2 };
        self.uxn_table |= desc >> 60 & 1 != 0;
        if two_els {
            self.pxn_table |= desc >> 59 & 1 != 0;
        }
    }
}

/// Stage 1 Direct permissions of a leaf descriptor (pseudocode `AArch64.S1DirectBasePermissions`
/// and the WXN step of `AArch64.S1ComputePermissions`).
///
/// Two-EL regime (EL1&0): AP\[2:1\] (Table D8-63), APTable, UXN (bit 54) / PXN (bit 53) with their
/// table controls; PrivExecute is removed where UnprivWrite is present (D8.4.1.2.3 "RVWLLR");
/// with SCTLR_ELx.WXN, execute is removed where write is present, per privilege level. One-EL
/// regime (EL2): AP\[2\] only (AP\[1\] RES1), XN at bit 54, APTable\[1\], XNTable; the unprivileged bits
/// are returned clear.
pub(crate) fn s1_permissions(desc: u64, table: TableControls, two_els: bool, wxn: bool) -> Permissions {
    let ap2 = desc >> 7 & 1 != 0;
    let ap1 = desc >> 6 & 1 != 0;
    let xn54 = desc >> 54 & 1 != 0;
    if two_els {
        let (pr, mut pw, mut ur, mut uw) = (true, !ap2, ap1, ap1 && !ap2);
        if table.ap_table & 1 != 0 {
            ur = false;
            uw = false;
        }
        if table.ap_table & 2 != 0 {
            pw = false;
            uw = false;
        }
        let pxn = desc >> 53 & 1 != 0;
        let mut px = !(pxn || table.pxn_table || uw);
        let mut ux = !(xn54 || table.uxn_table);
        if wxn {
            px &= !pw;
            ux &= !uw;
        }
        Permissions(
            u8::from(pr)
                | u8::from(pw) << 1
                | u8::from(px) << 2
                | u8::from(ur) << 3
                | u8::from(uw) << 4
                | u8::from(ux) << 5,
        )
    } else {
        let pw = !ap2 && table.ap_table & 2 == 0;
        let mut px = !(xn54 || table.uxn_table);
        if wxn {
            px &= !pw;
        }
        Permissions(Permissions::PR | u8::from(pw) << 1 | u8::from(px) << 2)
    }
}

/// Stage 2 permissions of a leaf descriptor (pseudocode `AArch64.S2DirectBasePermissions`):
/// S2AP\[0\] (bit 6) read, S2AP\[1\] (bit 7) write, XN (bit 54) for both ELs (FEAT_XNX is not
/// implemented, so bit 53 is RES0). The same bits are set for privileged and unprivileged.
pub(crate) fn s2_permissions(desc: u64) -> Permissions {
    let r = desc >> 6 & 1 != 0;
    let w = desc >> 7 & 1 != 0;
    let x = desc >> 54 & 1 == 0;
    let one = u8::from(r) | u8::from(w) << 1 | u8::from(x) << 2;
    Permissions(one | one << 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AF: u64 = 1 << 10;
    fn ap(v: u64) -> u64 {
        v << 6 | AF
    }
    const PXN: u64 = 1 << 53;
    const UXN: u64 = 1 << 54;

    /// Table D8-63 x {EL0, EL1} x {read, write, execute}, no table controls, no WXN.
    #[test]
    fn ap_matrix_two_els() {
        // (AP[2:1], PR PW PX UR UW UX)
        let cases = [
            (0b00, "rwx--x"), // privileged RW; EL0 may still execute (execute-only at EL0)
            (0b01, "rw-rwx"), // EL0 writable -> PXN implied
            (0b10, "r-x--x"),
            (0b11, "r-xr-x"),
        ];
        for (a, expect) in cases {
            let p = s1_permissions(ap(a), TableControls::default(), true, false);
            assert_eq!(render(p), expect, "AP {a:#04b}");
        }
    }

    fn render(p: Permissions) -> String {
        let f = |b: u8, c: char| if p.0 & b != 0 { c } else { '-' };
        [
            f(Permissions::PR, 'r'),
            f(Permissions::PW, 'w'),
            f(Permissions::PX, 'x'),
            f(Permissions::UR, 'r'),
            f(Permissions::UW, 'w'),
            f(Permissions::UX, 'x'),
        ]
        .iter()
        .collect()
    }

    #[test]
    fn execute_never_bits_and_wxn() {
        let t = TableControls::default();
        assert_eq!(render(s1_permissions(ap(0b11) | PXN, t, true, false)), "r--r-x");
        assert_eq!(render(s1_permissions(ap(0b11) | UXN, t, true, false)), "r-xr--");
        // WXN removes execute where write is present, per privilege level.
        assert_eq!(render(s1_permissions(ap(0b00), t, true, true)), "rw---x");
        assert_eq!(render(s1_permissions(ap(0b01), t, true, true)), "rw-rw-");
        assert_eq!(render(s1_permissions(ap(0b11), t, true, true)), "r-xr-x");
        // One-EL regime: AP[1] is RES1 and ignored, XN is bit 54, PXN (53) is RES0.
        assert_eq!(render(s1_permissions(ap(0b00) | PXN, t, false, false)), "rwx---");
        assert_eq!(render(s1_permissions(ap(0b10), t, false, false)), "r-x---");
        assert_eq!(render(s1_permissions(ap(0b00) | UXN, t, false, false)), "rw----");
        assert_eq!(render(s1_permissions(ap(0b00), t, false, true)), "rw----");
        assert_eq!(render(s1_permissions(ap(0b10), t, false, true)), "r-x---");
    }

    #[test]
    fn hierarchical_controls() {
        let mut t = TableControls::default();
        t.apply(1 << 61, true); // APTable = 01: no EL0 data access, so no implied PXN either
        assert_eq!(render(s1_permissions(ap(0b01), t, true, false)), "rwx--x");
        let mut t = TableControls::default();
        t.apply(2 << 61, true); // APTable = 10: read-only
        assert_eq!(render(s1_permissions(ap(0b01), t, true, false)), "r-xr-x");
        let mut t = TableControls::default();
        t.apply(3 << 61, true);
        assert_eq!(render(s1_permissions(ap(0b01), t, true, false)), "r-x--x");
        let mut t = TableControls::default();
        t.apply(1 << 60, true); // UXNTable
        t.apply(0, true);
        assert_eq!(render(s1_permissions(ap(0b11), t, true, false)), "r-xr--");
        let mut t = TableControls::default();
        t.apply(1 << 59, true); // PXNTable
        assert_eq!(render(s1_permissions(ap(0b11), t, true, false)), "r--r-x");
        // One EL: APTable[0] and PXNTable are RES0, XNTable is bit 60.
        let mut t = TableControls::default();
        t.apply(1 << 61 | 1 << 59, false);
        assert_eq!(render(s1_permissions(ap(0b00), t, false, false)), "rwx---");
        t.apply(1 << 62 | 1 << 60, false);
        assert_eq!(render(s1_permissions(ap(0b00), t, false, false)), "r-----");
    }

    #[test]
    fn stage2_permissions() {
        assert_eq!(render(s2_permissions(0)), "--x--x");
        assert_eq!(render(s2_permissions(1 << 6)), "r-xr-x");
        assert_eq!(render(s2_permissions(2 << 6)), "-wx-wx");
        assert_eq!(render(s2_permissions(3 << 6 | UXN)), "rw-rw-");
    }

    #[test]
    fn needed_bits() {
        assert_eq!(Access::read(1).needed(), Permissions::PR);
        assert_eq!(Access::read(0).needed(), Permissions::UR);
        assert_eq!(Access::write(1).as_unprivileged().needed(), Permissions::UW);
        assert_eq!(Access::write(2).as_unprivileged().needed(), Permissions::PW);
        assert_eq!(Access::fetch(0).needed(), Permissions::UX);
        assert_eq!(Access::new(AccessKind::CacheMaintenance { invalidate: false }, 1).needed(), 0);
        assert_eq!(Access::new(AccessKind::CacheMaintenance { invalidate: false }, 0).needed(), Permissions::UR);
        assert_eq!(Access::new(AccessKind::CacheMaintenance { invalidate: true }, 1).needed(), Permissions::PW);
        assert!(Permissions::ALL.grants(0));
        let ro = Permissions(Permissions::PR | Permissions::PX | Permissions::UR);
        assert!(ro.allows(Access::read(0)) && ro.allows(Access::fetch(1)) && ro.allows(Access::read(2)));
        assert!(!ro.allows(Access::write(1)) && !ro.allows(Access::fetch(0)));
        assert!(Permissions(0).grants(0));
        assert!(!Permissions(Permissions::PR).grants(Permissions::PW));
        let p = Permissions(Permissions::PR | Permissions::UX);
        assert!(p.read(false) && !p.read(true) && p.execute(true) && !p.write(false));
    }
}
