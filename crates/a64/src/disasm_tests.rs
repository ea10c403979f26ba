//! Golden tests of the disassembler. Every expected string is what GNU objdump 2.40
//! (`aarch64-linux-gnu-objdump -D -b binary -m aarch64`, with `--adjust-vma=<pc>` for
//! [`check_at`]) prints for the word, normalized as the module docs of `disasm.rs` describe: one
//! space after the mnemonic, no `// ...` comment, no `<symbol>`.
//!
//! Cases are grouped by the line of `isa/a64.isa` their word decodes to (`UNDEFINED` for words the
//! decoder rejects); a test checks that every line has at least one, so coverage cannot silently
//! regress. `crates/a64/scripts/objdump_golden.py WORD[@PC]...` prints new cases from objdump, and
//! `--check crates/a64/src/disasm_tests.rs` verifies the expected strings of this file against it
//! (and `--check crates/a64/src/disasm_tests_simd.rs` those of the FP, SIMD and Crypto lines,
//! kept in that sibling file).

use crate::{decode, Disasm, ENCODINGS};

#[path = "disasm_tests_simd.rs"]
mod simd;

/// One golden case: a word, the address it is fetched from and objdump's text for it.
struct Case {
    word: u32,
    pc: u64,
    text: &'static str,
}

/// `word` at address 0 disassembles to `text`.
const fn check(word: u32, text: &'static str) -> Case {
    Case { word, pc: 0, text }
}

/// `word` at address `pc` disassembles to `text` (branches, ADR/ADRP, literal loads).
const fn check_at(word: u32, pc: u64, text: &'static str) -> Case {
    Case { word, pc, text }
}

/// The cases, by the table line (`Insn::encoding_name`) their word decodes to.
const GOLDEN: &[(&str, &[Case])] = &[
    (
        "ADR",
        &[
            check_at(0x10000080, 0x1000, "adr x0, 0x1010"),
            check_at(0x10fffffe, 0x1000, "adr x30, 0xffc"),
            check_at(0x707fffe1, 0xffff000008000000, "adr x1, 0xffff0000080fffff"),
            check_at(0x1000001f, 0x1000, "adr xzr, 0x1000"),
            check_at(0x90000001, 0x1234, "adrp x1, 0x1000"),
            check_at(0xb0000022, 0x1234, "adrp x2, 0x6000"),
            check_at(0xf0ffffe3, 0x1234, "adrp x3, 0x0"),
            check_at(0x90800004, 0xffff000008000abc, "adrp x4, 0xfffeffff08000000"),
        ],
    ),
    (
        "ADDSUB_imm",
        &[
            check(0x91004020, "add x0, x1, #0x10"),
            check(0x11400420, "add w0, w1, #0x1, lsl #12"),
            check(0xb13ffc62, "adds x2, x3, #0xfff"),
            check(0x510004a4, "sub w4, w5, #0x1"),
            check(0xf14400e6, "subs x6, x7, #0x100, lsl #12"),
            check(0x91000020, "add x0, x1, #0x0"),
            check(0x9100001f, "mov sp, x0"),
            check(0x910003e0, "mov x0, sp"),
            check(0x1100003f, "mov wsp, w1"),
            check(0x110003e1, "mov w1, wsp"),
            check(0x910003ff, "mov sp, sp"),
            check(0x910043e0, "add x0, sp, #0x10"),
            check(0xd10083ff, "sub sp, sp, #0x20"),
            check(0xf10007e0, "subs x0, sp, #0x1"),
            check(0xf100143f, "cmp x1, #0x5"),
            check(0x717ffc5f, "cmp w2, #0xfff, lsl #12"),
            check(0x3100405f, "cmn w2, #0x10"),
            check(0xb10007ff, "cmn sp, #0x1"),
            check(0x710003ff, "cmp wsp, #0x0"),
        ],
    ),
    (
        "LOGIC_imm",
        &[
            check(0x92401c20, "and x0, x1, #0xff"),
            check(0x12000020, "and w0, w1, #0x1"),
            check(0x3200f020, "orr w0, w1, #0x55555555"),
            check(0xd2410083, "eor x3, x4, #0x8000000000000000"),
            check(0x521f7883, "eor w3, w4, #0xfffffffe"),
            check(0x721c0c20, "ands w0, w1, #0xf0"),
            check(0xf27ff420, "ands x0, x1, #0x7ffffffffffffffe"),
            check(0xf240043f, "tst x1, #0x3"),
            check(0x7201003f, "tst w1, #0x80000000"),
            check(0xb200f3e0, "mov x0, #0x5555555555555555"),
            check(0x321f77e0, "mov w0, #0x7ffffffe"),
            check(0xb2403fe0, "orr x0, xzr, #0xffff"),
            check(0x32103fe0, "orr w0, wzr, #0xffff0000"),
            check(0xb270bfe0, "orr x0, xzr, #0xffffffffffff0000"),
            check(0xb24003ff, "mov sp, #0x1"),
            check(0x32001fff, "mov wsp, #0xff"),
            check(0x92400c1f, "and sp, x0, #0xf"),
            check(0x5200043f, "eor wsp, w1, #0x3"),
        ],
    ),
    (
        "MOVWIDE",
        &[
            check(0xd2824680, "mov x0, #0x1234"),
            check(0x52a00020, "mov w0, #0x10000"),
            check(0xd2ffffe0, "mov x0, #0xffff000000000000"),
            check(0xd2a00000, "movz x0, #0x0, lsl #16"),
            check(0x52800000, "mov w0, #0x0"),
            check(0x92800000, "mov x0, #0xffffffffffffffff"),
            check(0x12800000, "mov w0, #0xffffffff"),
            check(0x92c24680, "mov x0, #0xffffedcbffffffff"),
            check(0x129fffe0, "movn w0, #0xffff"),
            check(0x12bfffe0, "movn w0, #0xffff, lsl #16"),
            check(0x92a00000, "movn x0, #0x0, lsl #16"),
            check(0x92bfffe0, "mov x0, #0xffffffff0000ffff"),
            check(0xf2a24680, "movk x0, #0x1234, lsl #16"),
            check(0x729fffe0, "movk w0, #0xffff"),
            check(0xf2e0003f, "movk xzr, #0x1, lsl #48"),
            check(0x52a0003f, "mov wzr, #0x10000"),
        ],
    ),
    (
        "BITFIELD",
        &[
            check(0x9343fc20, "asr x0, x1, #3"),
            check(0x131f7c20, "asr w0, w1, #31"),
            check(0x531f7c20, "lsr w0, w1, #31"),
            check(0xd341fc20, "lsr x0, x1, #1"),
            check(0xd37cec20, "lsl x0, x1, #4"),
            check(0x53010020, "lsl w0, w1, #31"),
            check(0xd3410020, "lsl x0, x1, #63"),
            check(0xd3442c20, "ubfx x0, x1, #4, #8"),
            check(0x53000020, "ubfx w0, w1, #0, #1"),
            check(0x13021820, "sbfx w0, w1, #2, #5"),
            check(0x93400020, "sbfx x0, x1, #0, #1"),
            check(0xb3783c20, "bfi x0, x1, #8, #16"),
            check(0x33010020, "bfi w0, w1, #31, #1"),
            check(0x33001c20, "bfxil w0, w1, #0, #8"),
            check(0xb37cfc20, "bfxil x0, x1, #60, #4"),
            // BFM with Rn = ZR: the ARMv8.2 alias BFC, which objdump prints for ARMv8.0 code too.
            check(0xb34b2be0, "bfc x0, #53, #11"),
            check(0x13001c20, "sxtb w0, w1"),
            check(0x93401c20, "sxtb x0, w1"),
            check(0x93403c20, "sxth x0, w1"),
            check(0x93407c20, "sxtw x0, w1"),
            check(0x53001c20, "uxtb w0, w1"),
            check(0x53003c20, "uxth w0, w1"),
            // UXTB is only the W form.
            check(0xd3401c20, "ubfx x0, x1, #0, #8"),
            check(0xd37d1020, "ubfiz x0, x1, #3, #5"),
            check(0x131e0820, "sbfiz w0, w1, #2, #3"),
            check(0x93410020, "sbfiz x0, x1, #63, #1"),
            check(0x13000000, "sbfx w0, w0, #0, #1"),
            check(0x937f0000, "sbfiz x0, x0, #1, #1"),
        ],
    ),
    (
        "EXTR",
        &[
            check(0x93c22020, "extr x0, x1, x2, #8"),
            check(0x13827c20, "extr w0, w1, w2, #31"),
            check(0x93c20020, "extr x0, x1, x2, #0"),
            check(0x93c1fc20, "ror x0, x1, #63"),
            check(0x13830463, "ror w3, w3, #1"),
            check(0x139f03ff, "ror wzr, wzr, #0"),
        ],
    ),
    (
        "B_imm",
        &[
            check_at(0x14000040, 0x8000, "b 0x8100"),
            check_at(0x97ffffff, 0x8000, "bl 0x7ffc"),
            check_at(0x14000000, 0x8000, "b 0x8000"),
            check_at(0x15ffffff, 0x0, "b 0x7fffffc"),
            check_at(0x96000000, 0x10000000, "bl 0x8000000"),
            check_at(0x14000400, 0xffff000008000000, "b 0xffff000008001000"),
            check_at(0x17ffffff, 0x0, "b 0xfffffffffffffffc"),
            check_at(0x94000002, 0xfffffffffffffffc, "bl 0x4"),
        ],
    ),
    (
        "CBZ",
        &[
            check_at(0xb4000040, 0x1000, "cbz x0, 0x1008"),
            check_at(0x35800001, 0x1000, "cbnz w1, 0xfffffffffff01000"),
            check_at(0x347fffff, 0x1000, "cbz wzr, 0x100ffc"),
            check_at(0xb5ffffff, 0xffff000008000000, "cbnz xzr, 0xffff000007fffffc"),
        ],
    ),
    (
        "TBZ",
        &[
            check_at(0x36180100, 0x1000, "tbz w0, #3, 0x1020"),
            check_at(0xb7ffffe1, 0x1000, "tbnz x1, #63, 0xffc"),
            check_at(0xb603ffe2, 0x1000, "tbz x2, #32, 0x8ffc"),
            check_at(0x3704001f, 0x1000, "tbnz wzr, #0, 0xffffffffffff9000"),
        ],
    ),
    (
        "B_cond",
        &[
            check_at(0x54000040, 0x1000, "b.eq 0x1008"),
            check_at(0x54ffffc1, 0x1000, "b.ne 0xff8"),
            check_at(0x54000802, 0x1000, "b.cs 0x1100"),
            check_at(0x54000003, 0x1000, "b.cc 0x1000"),
            check_at(0x54000024, 0x1000, "b.mi 0x1004"),
            check_at(0x54000025, 0x1000, "b.pl 0x1004"),
            check_at(0x54000026, 0x1000, "b.vs 0x1004"),
            check_at(0x54000027, 0x1000, "b.vc 0x1004"),
            check_at(0x54000028, 0x1000, "b.hi 0x1004"),
            check_at(0x54000029, 0x1000, "b.ls 0x1004"),
            check_at(0x5400002a, 0x1000, "b.ge 0x1004"),
            check_at(0x5400002b, 0x1000, "b.lt 0x1004"),
            check_at(0x5400002c, 0x1000, "b.gt 0x1004"),
            check_at(0x5480000d, 0x1000, "b.le 0xfffffffffff01000"),
            check_at(0x547fffee, 0x1000, "b.al 0x100ffc"),
            // Condition NV.
            check_at(0x5400000f, 0x1000, "b.nv 0x1000"),
        ],
    ),
    ("SVC", &[check(0xd4000001, "svc #0x0"), check(0xd41fffe1, "svc #0xffff")]),
    ("HVC", &[check(0xd4000002, "hvc #0x0"), check(0xd4024682, "hvc #0x1234")]),
    ("SMC", &[check(0xd4000003, "smc #0x0"), check(0xd41fffe3, "smc #0xffff")]),
    ("BRK", &[check(0xd4200000, "brk #0x0"), check(0xd4207d00, "brk #0x3e8")]),
    ("HLT", &[check(0xd4400000, "hlt #0x0"), check(0xd45e0000, "hlt #0xf000")]),
    (
        "HINT",
        &[
            check(0xd503201f, "nop"),
            check(0xd503203f, "yield"),
            check(0xd503205f, "wfe"),
            check(0xd503207f, "wfi"),
            check(0xd503209f, "sev"),
            check(0xd50320bf, "sevl"),
            check(0xd50320df, "hint #0x6"),
            check(0xd50325ff, "hint #0x2f"),
            check(0xd5032fff, "hint #0x7f"),
        ],
    ),
    ("CLREX", &[check(0xd5033f5f, "clrex"), check(0xd503355f, "clrex #0x5"), check(0xd503305f, "clrex #0x0")]),
    (
        "DSB",
        &[
            check(0xd5033f9f, "dsb sy"),
            check(0xd5033b9f, "dsb ish"),
            check(0xd503399f, "dsb ishld"),
            check(0xd5033a9f, "dsb ishst"),
            check(0xd503379f, "dsb nsh"),
            check(0xd503339f, "dsb osh"),
            check(0xd503319f, "dsb oshld"),
            check(0xd5033d9f, "dsb ld"),
            check(0xd5033e9f, "dsb st"),
            check(0xd503389f, "dsb #0x08"),
            check(0xd5033c9f, "dsb #0x0c"),
            check(0xd503309f, "ssbb"),
            check(0xd503349f, "pssbb"),
        ],
    ),
    (
        "DMB",
        &[
            check(0xd5033bbf, "dmb ish"),
            check(0xd5033abf, "dmb ishst"),
            check(0xd50339bf, "dmb ishld"),
            check(0xd50331bf, "dmb oshld"),
            check(0xd50332bf, "dmb oshst"),
            check(0xd50333bf, "dmb osh"),
            check(0xd50335bf, "dmb nshld"),
            check(0xd50336bf, "dmb nshst"),
            check(0xd50337bf, "dmb nsh"),
            check(0xd5033dbf, "dmb ld"),
            check(0xd5033ebf, "dmb st"),
            check(0xd5033fbf, "dmb sy"),
            check(0xd50330bf, "dmb #0x00"),
            check(0xd50334bf, "dmb #0x04"),
            check(0xd50338bf, "dmb #0x08"),
            check(0xd5033cbf, "dmb #0x0c"),
        ],
    ),
    ("ISB", &[check(0xd5033fdf, "isb"), check(0xd50333df, "isb #0x3")]),
    (
        "MSR_imm",
        &[
            check(0xd50041bf, "msr spsel, #0x1"),
            check(0xd50040bf, "msr spsel, #0x0"),
            check(0xd5034fdf, "msr daifset, #0xf"),
            check(0xd50342ff, "msr daifclr, #0x2"),
            check(0xd50340df, "msr daifset, #0x0"),
            // SPSel takes a 1-bit immediate in binutils; the decoder (like QEMU) uses CRm<0>.
            check(0xd50043bf, "msr s0_0_c4_c3_5, xzr"),
            check(0xd5004fbf, "msr s0_0_c4_c15_5, xzr"),
        ],
    ),
    (
        "SYS",
        &[
            check(0xd50b7e20, "dc civac, x0"),
            check(0xd50b7421, "dc zva, x1"),
            check(0xd50b7a22, "dc cvac, x2"),
            check(0xd50b7b23, "dc cvau, x3"),
            check(0xd5087624, "dc ivac, x4"),
            check(0xd5087645, "dc isw, x5"),
            check(0xd5087a46, "dc csw, x6"),
            check(0xd5087e47, "dc cisw, x7"),
            // A register-taking alias keeps XZR.
            check(0xd50b743f, "dc zva, xzr"),
            check(0xd50b7528, "ic ivau, x8"),
            check(0xd508751f, "ic iallu"),
            check(0xd508711f, "ic ialluis"),
            // An alias without a register drops Rt.
            check(0xd5087505, "ic iallu"),
            check(0xd5087800, "at s1e1r, x0"),
            check(0xd5087821, "at s1e1w, x1"),
            check(0xd5087842, "at s1e0r, x2"),
            check(0xd5087863, "at s1e0w, x3"),
            check(0xd50c7804, "at s1e2r, x4"),
            check(0xd50c7825, "at s1e2w, x5"),
            check(0xd50c7886, "at s12e1r, x6"),
            check(0xd50c78a7, "at s12e1w, x7"),
            check(0xd50c78c8, "at s12e0r, x8"),
            check(0xd50c78e9, "at s12e0w, x9"),
            check(0xd50e780a, "at s1e3r, x10"),
            check(0xd50e782b, "at s1e3w, x11"),
            check(0xd508831f, "tlbi vmalle1is"),
            check(0xd508871f, "tlbi vmalle1"),
            check(0xd5088720, "tlbi vae1, x0"),
            check(0xd5088320, "tlbi vae1is, x0"),
            check(0xd5088741, "tlbi aside1, x1"),
            check(0xd5088341, "tlbi aside1is, x1"),
            check(0xd5088762, "tlbi vaae1, x2"),
            check(0xd5088362, "tlbi vaae1is, x2"),
            check(0xd50887a3, "tlbi vale1, x3"),
            check(0xd50883a3, "tlbi vale1is, x3"),
            check(0xd50887e4, "tlbi vaale1, x4"),
            check(0xd50883e4, "tlbi vaale1is, x4"),
            check(0xd50c8425, "tlbi ipas2e1, x5"),
            check(0xd50c8025, "tlbi ipas2e1is, x5"),
            check(0xd50c84a6, "tlbi ipas2le1, x6"),
            check(0xd50c80a6, "tlbi ipas2le1is, x6"),
            check(0xd50c871f, "tlbi alle2"),
            check(0xd50c831f, "tlbi alle2is"),
            check(0xd50c8727, "tlbi vae2, x7"),
            check(0xd50c8327, "tlbi vae2is, x7"),
            check(0xd50c87a8, "tlbi vale2, x8"),
            check(0xd50c83a8, "tlbi vale2is, x8"),
            check(0xd50c879f, "tlbi alle1"),
            check(0xd50c839f, "tlbi alle1is"),
            check(0xd50c87df, "tlbi vmalls12e1"),
            check(0xd50c83df, "tlbi vmalls12e1is"),
            check(0xd50e871f, "tlbi alle3"),
            check(0xd50e831f, "tlbi alle3is"),
            check(0xd50e8729, "tlbi vae3, x9"),
            check(0xd50e8329, "tlbi vae3is, x9"),
            check(0xd50e87aa, "tlbi vale3, x10"),
            check(0xd50e83aa, "tlbi vale3is, x10"),
            check(0xd5088705, "tlbi vmalle1"),
            check(0xd508873f, "tlbi vae1, xzr"),
            check(0xd50f1264, "sys #7, C1, C2, #3, x4"),
            check(0xd508001f, "sys #0, C0, C0, #0"),
            check(0xd50bffff, "sys #3, C15, C15, #7"),
        ],
    ),
    ("SYSL", &[check(0xd5281260, "sysl x0, #0, C1, C2, #3"), check(0xd52fffff, "sysl xzr, #7, C15, C15, #7")]),
    (
        "MSR_reg",
        &[
            check(0xd5181000, "msr sctlr_el1, x0"),
            check(0xd51c1001, "msr sctlr_el2, x1"),
            check(0xd51e1002, "msr sctlr_el3, x2"),
            check(0xd51cc001, "msr vbar_el2, x1"),
            check(0xd51c1103, "msr hcr_el2, x3"),
            check(0xd51c2104, "msr vttbr_el2, x4"),
            check(0xd51c2145, "msr vtcr_el2, x5"),
            check(0xd5182006, "msr ttbr0_el1, x6"),
            check(0xd5182027, "msr ttbr1_el1, x7"),
            check(0xd5182048, "msr tcr_el1, x8"),
            check(0xd518a209, "msr mair_el1, x9"),
            check(0xd51bd04a, "msr tpidr_el0, x10"),
            check(0xd51cd04b, "msr tpidr_el2, x11"),
            check(0xd51b420c, "msr nzcv, x12"),
            check(0xd51b422d, "msr daif, x13"),
            check(0xd518420e, "msr spsel, x14"),
            check(0xd518410f, "msr sp_el0, x15"),
            check(0xd51c4110, "msr sp_el1, x16"),
            check(0xd51c4011, "msr spsr_el2, x17"),
            check(0xd51c4032, "msr elr_el2, x18"),
            check(0xd51be333, "msr cntv_ctl_el0, x19"),
            check(0xd51be354, "msr cntv_cval_el0, x20"),
            check(0xd51ce115, "msr cnthctl_el2, x21"),
            check(0xd51ce076, "msr cntvoff_el2, x22"),
            check(0xd5101097, "msr oslar_el1, x23"),
            check(0xd5101398, "msr osdlr_el1, x24"),
            check(0xd5100259, "msr mdscr_el1, x25"),
            check(0xd510059a, "msr dbgbvr5_el1, x26"),
            check(0xd5100ffb, "msr dbgwcr15_el1, x27"),
            check(0xd51befdc, "msr pmevtyper30_el0, x28"),
            check(0xd51be81d, "msr pmevcntr0_el0, x29"),
            check(0xd51b9c1e, "msr pmcr_el0, x30"),
            check(0xd51b9c9f, "msr pmswinc_el0, xzr"),
            check(0xd518cba0, "msr icc_sgi1r_el1, x0"),
            check(0xd518cc21, "msr icc_eoir1_el1, x1"),
            check(0xd5184602, "msr icc_pmr_el1, x2"),
            check(0xd51cc9a3, "msr icc_sre_el2, x3"),
            check(0xd51ccde4, "msr ich_lr15_el2, x4"),
            check(0xd51cc965, "msr ich_ap1r3_el2, x5"),
            check(0xd518c8c6, "msr icc_ap0r2_el1, x6"),
            check(0xd5130507, "msr dbgdtrtx_el0, x7"),
            check(0xd51b4408, "msr fpcr, x8"),
            check(0xd51b4429, "msr fpsr, x9"),
            check(0xd518104a, "msr cpacr_el1, x10"),
            check(0xd51c114b, "msr cptr_el2, x11"),
            check(0xd518000c, "msr midr_el1, x12"),
            check(0xd518f20d, "msr s3_0_c15_c2_0, x13"),
            check(0xd51ff00e, "msr s3_7_c15_c0_0, x14"),
            check(0xd510f00f, "msr s2_0_c15_c0_0, x15"),
            check(0xd518b010, "msr s3_0_c11_c0_0, x16"),
        ],
    ),
    (
        "MRS",
        &[
            check(0xd5380000, "mrs x0, midr_el1"),
            check(0xd53800a1, "mrs x1, mpidr_el1"),
            check(0xd5384242, "mrs x2, currentel"),
            check(0xd53b0023, "mrs x3, ctr_el0"),
            check(0xd53b00e4, "mrs x4, dczid_el0"),
            check(0xd53be045, "mrs x5, cntvct_el0"),
            check(0xd53be026, "mrs x6, cntpct_el0"),
            check(0xd53be007, "mrs x7, cntfrq_el0"),
            check(0xd5380708, "mrs x8, id_aa64mmfr0_el1"),
            check(0xd5380409, "mrs x9, id_aa64pfr0_el1"),
            check(0xd538060a, "mrs x10, id_aa64isar0_el1"),
            check(0xd533050b, "mrs x11, dbgdtrrx_el0"),
            check(0xd538cc0c, "mrs x12, icc_iar1_el1"),
            check(0xd53c520d, "mrs x13, esr_el2"),
            check(0xd53c600e, "mrs x14, far_el2"),
            check(0xd53c608f, "mrs x15, hpfar_el2"),
            check(0xd5384010, "mrs x16, spsr_el1"),
            check(0xd5384031, "mrs x17, elr_el1"),
            check(0xd5384112, "mrs x18, sp_el0"),
            check(0xd53b4213, "mrs x19, nzcv"),
            check(0xd53b4234, "mrs x20, daif"),
            check(0xd5390035, "mrs x21, clidr_el1"),
            check(0xd5390016, "mrs x22, ccsidr_el1"),
            check(0xd5301197, "mrs x23, oslsr_el1"),
            check(0xd5301018, "mrs x24, mdrar_el1"),
            check(0xd538c119, "mrs x25, isr_el1"),
            check(0xd53ec03a, "mrs x26, rvbar_el3"),
            check(0xd53ccb3b, "mrs x27, ich_vtr_el2"),
            check(0xd53b9cfc, "mrs x28, pmceid1_el0"),
            check(0xd5307edd, "mrs x29, dbgauthstatus_el1"),
            check(0xd53bd07e, "mrs x30, tpidrro_el0"),
            check(0xd538741f, "mrs xzr, par_el1"),
            check(0xd5301080, "mrs x0, oslar_el1"),
            check(0xd53bf001, "mrs x1, s3_3_c15_c0_0"),
            check(0xd538f202, "mrs x2, s3_0_c15_c2_0"),
            check(0xd530f003, "mrs x3, s2_0_c15_c0_0"),
            check(0xd539b044, "mrs x4, s3_1_c11_c0_2"),
        ],
    ),
    (
        "BR",
        &[
            check(0xd61f0000, "br x0"),
            check(0xd61f03e0, "br xzr"),
            check(0xd63f0020, "blr x1"),
            check(0xd63f03c0, "blr x30"),
            check(0xd65f03c0, "ret"),
            check(0xd65f0040, "ret x2"),
            check(0xd65f03e0, "ret xzr"),
        ],
    ),
    ("ERET", &[check(0xd69f03e0, "eret")]),
    (
        "STXR",
        &[
            check(0xc8007c41, "stxr w0, x1, [x2]"),
            check(0x88037fe4, "stxr w3, w4, [sp]"),
            check(0x08037fe4, "stxrb w3, w4, [sp]"),
            check(0x48057ce6, "stxrh w5, w6, [x7]"),
            check(0xc800fc41, "stlxr w0, x1, [x2]"),
            check(0x881ffc5f, "stlxr wzr, wzr, [x2]"),
            check(0x0808fd49, "stlxrb w8, w9, [x10]"),
            check(0x480bfdac, "stlxrh w11, w12, [x13]"),
            // Rt2 is should-be-one; objdump ignores it for STXR/LDXR.
            check(0xc8000041, "stxr w0, x1, [x2]"),
        ],
    ),
    (
        "LDXR",
        &[
            check(0xc85f7c20, "ldxr x0, [x1]"),
            check(0x885f7fe0, "ldxr w0, [sp]"),
            check(0x085f7c20, "ldxrb w0, [x1]"),
            check(0x485f7c62, "ldxrh w2, [x3]"),
            check(0x885fffe0, "ldaxr w0, [sp]"),
            check(0xc85fffbe, "ldaxr x30, [x29]"),
            check(0x085ffca4, "ldaxrb w4, [x5]"),
            check(0x485ffce6, "ldaxrh w6, [x7]"),
            check(0xc8408020, "ldaxr x0, [x1]"),
        ],
    ),
    (
        "STXP",
        &[
            check(0xc8200861, "stxp w0, x1, x2, [x3]"),
            check(0x88241be5, "stxp w4, w5, w6, [sp]"),
            check(0x88208be1, "stlxp w0, w1, w2, [sp]"),
            check(0xc827a548, "stlxp w7, x8, x9, [x10]"),
        ],
    ),
    (
        "LDXP",
        &[
            check(0xc87f0440, "ldxp x0, x1, [x2]"),
            check(0x887f13e3, "ldxp w3, w4, [sp]"),
            check(0x887f8460, "ldaxp w0, w1, [x3]"),
            check(0xc87f98e5, "ldaxp x5, x6, [x7]"),
        ],
    ),
    (
        "STLR",
        &[
            check(0xc89ffc20, "stlr x0, [x1]"),
            check(0x889ffc62, "stlr w2, [x3]"),
            check(0x089fffe0, "stlrb w0, [sp]"),
            check(0x489ffc20, "stlrh w0, [x1]"),
        ],
    ),
    (
        "LDAR",
        &[
            check(0xc8dffc20, "ldar x0, [x1]"),
            check(0x88dfffe2, "ldar w2, [sp]"),
            check(0x08dffc83, "ldarb w3, [x4]"),
            check(0x48dffcc5, "ldarh w5, [x6]"),
            // LDAR's should-be-one Rs/Rt2: binutils accepts Rs = 01111 (not for LDARH) and 11111.
            check(0xc8cffc20, "ldar x0, [x1]"),
            // Otherwise CONSTRAINED UNPREDICTABLE: objdump says undefined, the decoder accepts it.
            check(0xc8c0fc20, ".inst 0xc8c0fc20 ; undefined"),
            check(0x48cffc20, ".inst 0x48cffc20 ; undefined"),
            check(0x88dfc020, ".inst 0x88dfc020 ; undefined"),
        ],
    ),
    (
        "LDR_lit",
        &[
            check_at(0x58000040, 0x1000, "ldr x0, 0x1008"),
            check_at(0x18ffffe1, 0x1000, "ldr w1, 0xffc"),
            check_at(0x98000802, 0x1000, "ldrsw x2, 0x1100"),
            check_at(0xd8000080, 0x1000, "prfm pldl1keep, 0x1010"),
            check_at(0xd8000015, 0x1000, "prfm pstl3strm, 0x1000"),
            // An unnamed prefetch operation.
            check_at(0xd800001f, 0x1000, "prfm #0x1f, 0x1000"),
            check_at(0xd8000006, 0x1000, "prfm #0x06, 0x1000"),
            check_at(0x58800003, 0xffff000008000000, "ldr x3, 0xffff000007f00000"),
        ],
    ),
    (
        "LDR_lit_fp",
        &[
            check_at(0x1c000040, 0x1000, "ldr s0, 0x1008"),
            check_at(0x5cffffc1, 0x1000, "ldr d1, 0xff8"),
            check_at(0x9c7fffe2, 0x1000, "ldr q2, 0x100ffc"),
        ],
    ),
    (
        "LDSTP",
        &[
            check(0xa9bf7bfd, "stp x29, x30, [sp, #-16]!"),
            check(0xa8c17bfd, "ldp x29, x30, [sp], #16"),
            check(0x29010440, "stp w0, w1, [x2, #8]"),
            check(0xa9400440, "ldp x0, x1, [x2]"),
            check(0x29600440, "ldp w0, w1, [x2, #-256]"),
            check(0xa91f8440, "stp x0, x1, [x2, #504]"),
            check(0xa9c010a3, "ldp x3, x4, [x5, #0]!"),
            check(0x28801d06, "stp w6, w7, [x8], #0"),
            check(0x69410440, "ldpsw x0, x1, [x2, #8]"),
            check(0x69ff07e0, "ldpsw x0, x1, [sp, #-8]!"),
            check(0x68df8c82, "ldpsw x2, x3, [x4], #252"),
            check(0xa83f8440, "stnp x0, x1, [x2, #-8]"),
            check(0x284007e0, "ldnp w0, w1, [sp]"),
            check(0xa8410440, "ldnp x0, x1, [x2, #16]"),
            // LDPSW with Rt == Rt2 or writeback to a loaded base: objdump says undefined (only for LDPSW).
            check(0x69400021, "ldpsw x1, x0, [x1]"),
            check(0x69c00420, ".inst 0x69c00420 ; undefined"),
            check(0x68c00441, ".inst 0x68c00441 ; undefined"),
            check(0xa9c00421, "ldp x1, x1, [x1, #0]!"),
        ],
    ),
    (
        "LDSTP_fp",
        &[
            check(0x6dbf07e0, "stp d0, d1, [sp, #-16]!"),
            check(0xad410400, "ldp q0, q1, [x0, #32]"),
            check(0x2c400400, "ldnp s0, s1, [x0]"),
            check(0xac200c22, "stnp q2, q3, [x1, #-1024]"),
            check(0x2cc10c22, "ldp s2, s3, [x1], #8"),
            check(0x2d1f9444, "stp s4, s5, [x2, #252]"),
            check(0x6ce01c66, "ldp d6, d7, [x3], #-512"),
        ],
    ),
    (
        "LDST_imm9",
        &[
            check(0xf85f8020, "ldur x0, [x1, #-8]"),
            check(0xb80ff020, "stur w0, [x1, #255]"),
            check(0x38001020, "sturb w0, [x1, #1]"),
            check(0x78100020, "sturh w0, [x1, #-256]"),
            check(0x384003e0, "ldurb w0, [sp]"),
            check(0x78403020, "ldurh w0, [x1, #3]"),
            check(0x389ff020, "ldursb x0, [x1, #-1]"),
            check(0x38c00020, "ldursb w0, [x1]"),
            check(0x78c00020, "ldursh w0, [x1]"),
            check(0x78802020, "ldursh x0, [x1, #2]"),
            check(0xb8804020, "ldursw x0, [x1, #4]"),
            check(0xf89ff002, "prfum pldl2keep, [x0, #-1]"),
            check(0xf88003e9, "prfum plil1strm, [sp]"),
            check(0xf89ff01f, "prfum #0x1f, [x0, #-1]"),
            check(0xf8408420, "ldr x0, [x1], #8"),
            check(0xf8400420, "ldr x0, [x1], #0"),
            check(0xb81fcc20, "str w0, [x1, #-4]!"),
            check(0xf81f0fe0, "str x0, [sp, #-16]!"),
            check(0x38500420, "ldrb w0, [x1], #-256"),
            check(0x78002c20, "strh w0, [x1, #2]!"),
            check(0x38c01420, "ldrsb w0, [x1], #1"),
            check(0x789fec20, "ldrsh x0, [x1, #-2]!"),
            check(0xb8804420, "ldrsw x0, [x1], #4"),
            check(0x78402fe0, "ldrh w0, [sp, #2]!"),
            check(0xf8408820, "ldtr x0, [x1, #8]"),
            check(0xb8400820, "ldtr w0, [x1]"),
            check(0xf8100be0, "sttr x0, [sp, #-256]"),
            check(0x38000820, "sttrb w0, [x1]"),
            check(0x780ff820, "sttrh w0, [x1, #255]"),
            check(0x38400820, "ldtrb w0, [x1]"),
            check(0x78400820, "ldtrh w0, [x1]"),
            check(0x38900820, "ldtrsb x0, [x1, #-256]"),
            check(0x38c00820, "ldtrsb w0, [x1]"),
            check(0x78c00820, "ldtrsh w0, [x1]"),
            check(0xb8800820, "ldtrsw x0, [x1]"),
        ],
    ),
    (
        "LDST_imm9_fp",
        &[
            check(0x3cdf0020, "ldur q0, [x1, #-16]"),
            check(0x3c000000, "stur b0, [x0]"),
            check(0x7c401041, "ldur h1, [x2, #1]"),
            check(0xbc1fc062, "stur s2, [x3, #-4]"),
            check(0xfc4ff3e3, "ldur d3, [sp, #255]"),
            check(0xfc408420, "ldr d0, [x1], #8"),
            check(0x3c9f0420, "str q0, [x1], #-16"),
            check(0xbc1fcfe0, "str s0, [sp, #-4]!"),
            check(0x3c401c00, "ldr b0, [x0, #1]!"),
            check(0x7c402400, "ldr h0, [x0], #2"),
        ],
    ),
    (
        "LDST_reg",
        &[
            check(0xf8626820, "ldr x0, [x1, x2]"),
            check(0xf8627820, "ldr x0, [x1, x2, lsl #3]"),
            check(0xb8624820, "ldr w0, [x1, w2, uxtw]"),
            check(0xb862d820, "ldr w0, [x1, w2, sxtw #2]"),
            check(0xf862ebe0, "ldr x0, [sp, x2, sxtx]"),
            check(0xf83f6820, "str x0, [x1, xzr]"),
            check(0xb8225820, "str w0, [x1, w2, uxtw #2]"),
            check(0x38627820, "ldrb w0, [x1, x2, lsl #0]"),
            check(0x38626820, "ldrb w0, [x1, x2]"),
            check(0x3862c820, "ldrb w0, [x1, w2, sxtw]"),
            check(0x38225820, "strb w0, [x1, w2, uxtw #0]"),
            check(0x78627820, "ldrh w0, [x1, x2, lsl #1]"),
            check(0x7822f820, "strh w0, [x1, x2, sxtx #1]"),
            check(0x38a2c820, "ldrsb x0, [x1, w2, sxtw]"),
            check(0x38e26820, "ldrsb w0, [x1, x2]"),
            check(0x78e27820, "ldrsh w0, [x1, x2, lsl #1]"),
            check(0x78a24820, "ldrsh x0, [x1, w2, uxtw]"),
            check(0xb8a2e820, "ldrsw x0, [x1, x2, sxtx]"),
            check(0xb8a25820, "ldrsw x0, [x1, w2, uxtw #2]"),
            check(0xf8a16801, "prfm pldl1strm, [x0, x1]"),
            check(0xf8a1d812, "prfm pstl2keep, [x0, w1, sxtw #3]"),
            check(0xf8a16819, "prfm #0x19, [x0, x1]"),
        ],
    ),
    (
        "LDST_reg_fp",
        &[
            check(0x3ce27820, "ldr q0, [x1, x2, lsl #4]"),
            check(0x3ca26820, "str q0, [x1, x2]"),
            check(0x3c226820, "str b0, [x1, x2]"),
            check(0x3c627820, "ldr b0, [x1, x2, lsl #0]"),
            check(0x7c625820, "ldr h0, [x1, w2, uxtw #1]"),
            check(0xfc62e820, "ldr d0, [x1, x2, sxtx]"),
            check(0xbc22d820, "str s0, [x1, w2, sxtw #2]"),
            check(0xfc227be0, "str d0, [sp, x2, lsl #3]"),
        ],
    ),
    (
        "LDST_uimm",
        &[
            check(0xf9400420, "ldr x0, [x1, #8]"),
            check(0xf94003e0, "ldr x0, [sp]"),
            check(0xf97ffc20, "ldr x0, [x1, #32760]"),
            check(0xb90ffc20, "str w0, [x1, #4092]"),
            check(0xf9000be0, "str x0, [sp, #16]"),
            check(0x397ffc20, "ldrb w0, [x1, #4095]"),
            check(0x39000020, "strb w0, [x1]"),
            check(0x79400420, "ldrh w0, [x1, #2]"),
            check(0x793ffc20, "strh w0, [x1, #8190]"),
            check(0x39c00420, "ldrsb w0, [x1, #1]"),
            check(0x39800020, "ldrsb x0, [x1]"),
            check(0x79800420, "ldrsh x0, [x1, #2]"),
            check(0x79c00020, "ldrsh w0, [x1]"),
            check(0xb9800420, "ldrsw x0, [x1, #4]"),
            check(0xf9800000, "prfm pldl1keep, [x0]"),
            check(0xf9bffc15, "prfm pstl3strm, [x0, #32760]"),
            check(0xf98007eb, "prfm plil2strm, [sp, #8]"),
            check(0xf980001a, "prfm #0x1a, [x0]"),
        ],
    ),
    (
        "LDST_uimm_fp",
        &[
            check(0x3dc00400, "ldr q0, [x0, #16]"),
            check(0x3dbfffe1, "str q1, [sp, #65520]"),
            check(0xfd0007e0, "str d0, [sp, #8]"),
            check(0xfd400022, "ldr d2, [x1]"),
            check(0x3d400400, "ldr b0, [x0, #1]"),
            check(0x3d3ffc03, "str b3, [x0, #4095]"),
            check(0x7d000400, "str h0, [x0, #2]"),
            check(0xbd400400, "ldr s0, [x0, #4]"),
        ],
    ),
    (
        "LOGIC_reg",
        &[
            check(0x8a020020, "and x0, x1, x2"),
            check(0x0a027c20, "and w0, w1, w2, lsl #31"),
            check(0x0a220c20, "bic w0, w1, w2, lsl #3"),
            check(0xaac22020, "orr x0, x1, x2, ror #8"),
            check(0xaa62fc20, "orn x0, x1, x2, lsr #63"),
            check(0x4a827c20, "eor w0, w1, w2, asr #31"),
            check(0xca220020, "eon x0, x1, x2"),
            check(0xeac20420, "ands x0, x1, x2, ror #1"),
            check(0x6a220020, "bics w0, w1, w2"),
            check(0xaa0103e0, "mov x0, x1"),
            check(0x2a0103e0, "mov w0, w1"),
            check(0xaa1f03ff, "mov xzr, xzr"),
            check(0xaa0107e0, "orr x0, xzr, x1, lsl #1"),
            check(0xaa2103e0, "mvn x0, x1"),
            check(0x2a210be0, "mvn w0, w1, lsl #2"),
            check(0xaa3f0020, "orn x0, x1, xzr"),
            check(0xea01001f, "tst x0, x1"),
            check(0x6a41101f, "tst w0, w1, lsr #4"),
            check(0xea21001f, "bics xzr, x0, x1"),
        ],
    ),
    (
        "ADDSUB_reg",
        &[
            check(0x8b020020, "add x0, x1, x2"),
            check(0x0b021420, "add w0, w1, w2, lsl #5"),
            check(0x8b42fc20, "add x0, x1, x2, lsr #63"),
            check(0xab820420, "adds x0, x1, x2, asr #1"),
            check(0xcb82fc20, "sub x0, x1, x2, asr #63"),
            check(0x6b020020, "subs w0, w1, w2"),
            check(0xcb0103e0, "neg x0, x1"),
            check(0x4b410be0, "neg w0, w1, lsr #2"),
            check(0xeb0103e0, "negs x0, x1"),
            check(0x6b817fe0, "negs w0, w1, asr #31"),
            check(0xeb01001f, "cmp x0, x1"),
            check(0x6b81041f, "cmp w0, w1, asr #1"),
            check(0xab01001f, "cmn x0, x1"),
            check(0x2b017c1f, "cmn w0, w1, lsl #31"),
            // SUBS XZR, XZR, Xm is CMP, not NEGS.
            check(0xeb0103ff, "cmp xzr, x1"),
            check(0x8b0103e0, "add x0, xzr, x1"),
        ],
    ),
    (
        "ADDSUB_ext",
        &[
            check(0x8b220020, "add x0, x1, w2, uxtb"),
            check(0x8b222420, "add x0, x1, w2, uxth #1"),
            check(0x8b224820, "add x0, x1, w2, uxtw #2"),
            check(0x8b226020, "add x0, x1, x2, uxtx"),
            check(0x8b228c20, "add x0, x1, w2, sxtb #3"),
            check(0x8b22b020, "add x0, x1, w2, sxth #4"),
            check(0x8b22c020, "add x0, x1, w2, sxtw"),
            check(0x8b22e420, "add x0, x1, x2, sxtx #1"),
            check(0x0b224020, "add w0, w1, w2, uxtw"),
            check(0x0b226020, "add w0, w1, w2, uxtx"),
            check(0x8b2163e0, "add x0, sp, x1"),
            check(0x8b21601f, "add sp, x0, x1"),
            check(0x8b216be0, "add x0, sp, x1, lsl #2"),
            check(0x8b2143ff, "add sp, sp, w1, uxtw"),
            // UXTW with WSP is LSL.
            check(0x4b214fe0, "sub w0, wsp, w1, lsl #3"),
            check(0x4b21401f, "sub wsp, w0, w1"),
            check(0xab22a820, "adds x0, x1, w2, sxth #2"),
            check(0xab2163e0, "adds x0, sp, x1"),
            check(0xeb22f020, "subs x0, x1, x2, sxtx #4"),
            check(0xeb2163ff, "cmp sp, x1"),
            check(0xeb22403f, "cmp x1, w2, uxtw"),
            check(0x2b21801f, "cmn w0, w1, sxtb"),
            check(0xab2153ff, "cmn sp, w1, uxtw #4"),
        ],
    ),
    (
        "ADDSUB_carry",
        &[
            check(0x9a020020, "adc x0, x1, x2"),
            check(0x3a020020, "adcs w0, w1, w2"),
            check(0xda020020, "sbc x0, x1, x2"),
            check(0x7a020020, "sbcs w0, w1, w2"),
            check(0xda0103e0, "ngc x0, x1"),
            check(0x7a0103e0, "ngcs w0, w1"),
            check(0x9a1f03ff, "adc xzr, xzr, xzr"),
        ],
    ),
    (
        "CCMP_reg",
        &[
            check(0xfa410000, "ccmp x0, x1, #0x0, eq"),
            check(0x3a41100f, "ccmn w0, w1, #0xf, ne"),
            check(0x7a41e008, "ccmp w0, w1, #0x8, al"),
            check(0xba5ff3c4, "ccmn x30, xzr, #0x4, nv"),
        ],
    ),
    (
        "CCMP_imm",
        &[
            check(0xfa5f8804, "ccmp x0, #0x1f, #0x4, hi"),
            check(0x3a40b800, "ccmn w0, #0x0, #0x0, lt"),
            check(0x7a4f282f, "ccmp w1, #0xf, #0xf, cs"),
            check(0xba419be2, "ccmn xzr, #0x1, #0x2, ls"),
        ],
    ),
    (
        "CSEL",
        &[
            check(0x9a820020, "csel x0, x1, x2, eq"),
            check(0x1a811020, "csel w0, w1, w1, ne"),
            check(0x1a821420, "csinc w0, w1, w2, ne"),
            check(0xda828020, "csinv x0, x1, x2, hi"),
            check(0x5a82b420, "csneg w0, w1, w2, lt"),
            check(0x1a9f17e0, "cset w0, eq"),
            check(0x9a9f37e0, "cset x0, cs"),
            check(0x1a9fc7e0, "cset w0, le"),
            check(0xda9fa3e0, "csetm x0, lt"),
            check(0x5a9f03e0, "csetm w0, ne"),
            check(0x9a81d420, "cinc x0, x1, gt"),
            check(0x1a9f0420, "csinc w0, w1, wzr, eq"),
            check(0x5a81c020, "cinv w0, w1, le"),
            check(0xda9f43e0, "csetm x0, pl"),
            check(0xda815420, "cneg x0, x1, mi"),
            check(0x5a9f77e0, "cneg w0, wzr, vs"),
            check(0x9a81e420, "csinc x0, x1, x1, al"),
            check(0x1a9ff7e0, "csinc w0, wzr, wzr, nv"),
            check(0xda9fe3e0, "csinv x0, xzr, xzr, al"),
            check(0xda82f420, "csneg x0, x1, x2, nv"),
        ],
    ),
    (
        "MADD",
        &[
            check(0x9b020c20, "madd x0, x1, x2, x3"),
            check(0x1b020c20, "madd w0, w1, w2, w3"),
            check(0x1b028c20, "msub w0, w1, w2, w3"),
            check(0x9b02f820, "msub x0, x1, x2, x30"),
            check(0x9b027c20, "mul x0, x1, x2"),
            check(0x1b027c20, "mul w0, w1, w2"),
            check(0x1b02fc20, "mneg w0, w1, w2"),
            check(0x9b02fc20, "mneg x0, x1, x2"),
        ],
    ),
    (
        "MADDL",
        &[
            check(0x9b220c20, "smaddl x0, w1, w2, x3"),
            check(0x9b228c20, "smsubl x0, w1, w2, x3"),
            check(0x9ba20c20, "umaddl x0, w1, w2, x3"),
            check(0x9ba28c20, "umsubl x0, w1, w2, x3"),
            check(0x9b227c20, "smull x0, w1, w2"),
            check(0x9ba27c20, "umull x0, w1, w2"),
            check(0x9b22fc20, "smnegl x0, w1, w2"),
            check(0x9ba2fc20, "umnegl x0, w1, w2"),
        ],
    ),
    (
        "MULH",
        &[
            check(0x9b427c20, "smulh x0, x1, x2"),
            check(0x9bc27c20, "umulh x0, x1, x2"),
            // Ra is should-be-one in SMULH/UMULH and ignored.
            check(0x9b420c20, "smulh x0, x1, x2"),
        ],
    ),
    (
        "DIV",
        &[
            check(0x1ac20820, "udiv w0, w1, w2"),
            check(0x9ac20820, "udiv x0, x1, x2"),
            check(0x9ac20c20, "sdiv x0, x1, x2"),
            check(0x1ac20c20, "sdiv w0, w1, w2"),
        ],
    ),
    (
        "SHIFTV",
        &[
            check(0x9ac22020, "lsl x0, x1, x2"),
            check(0x1ac22020, "lsl w0, w1, w2"),
            check(0x1ac22420, "lsr w0, w1, w2"),
            check(0x9ac22420, "lsr x0, x1, x2"),
            check(0x9ac22820, "asr x0, x1, x2"),
            check(0x1ac22820, "asr w0, w1, w2"),
            check(0x1ac22c20, "ror w0, w1, w2"),
            check(0x9ac22c20, "ror x0, x1, x2"),
        ],
    ),
    (
        "CRC32",
        &[
            check(0x1ac24020, "crc32b w0, w1, w2"),
            check(0x1ac24420, "crc32h w0, w1, w2"),
            check(0x1ac24820, "crc32w w0, w1, w2"),
            check(0x9ac24c20, "crc32x w0, w1, x2"),
            check(0x1ac25020, "crc32cb w0, w1, w2"),
            check(0x1ac25420, "crc32ch w0, w1, w2"),
            check(0x1ac25820, "crc32cw w0, w1, w2"),
            check(0x9ac25c20, "crc32cx w0, w1, x2"),
        ],
    ),
    ("RBIT", &[check(0x5ac00020, "rbit w0, w1"), check(0xdac00020, "rbit x0, x1")]),
    (
        "REV",
        &[
            check(0x5ac00420, "rev16 w0, w1"),
            check(0x5ac00820, "rev w0, w1"),
            check(0xdac00420, "rev16 x0, x1"),
            check(0xdac00820, "rev32 x0, x1"),
            check(0xdac00c20, "rev x0, x1"),
        ],
    ),
    (
        "CLZ",
        &[
            check(0xdac01020, "clz x0, x1"),
            check(0x5ac01020, "clz w0, w1"),
            check(0x5ac01420, "cls w0, w1"),
            check(0xdac01420, "cls x0, x1"),
        ],
    ),
    (
        "UNDEFINED",
        &[
            // Permanently undefined (UDF).
            check(0x00000000, "udf #0"),
            check(0x0000ffff, "udf #65535"),
            check(0x00000142, "udf #322"),
            check(0x00010000, ".inst 0x00010000 ; undefined"),
            // Binutils reserves bits<30:21> = 0b0000000001.
            check(0x00200000, ".inst 0x00200000 ; NYI"),
            check(0x80200000, ".inst 0x80200000 ; NYI"),
            check(0xffffffff, ".inst 0xffffffff ; undefined"),
            // DCPS1-3 and DRPS: ARMv8.0, UNDEFINED outside Debug state.
            check(0xd4a00001, "dcps1"),
            check(0xd4a00022, "dcps2 #0x1"),
            check(0xd4a1ffe3, "dcps3 #0xfff"),
            check(0xd6bf03e0, "drps"),
            // The rest of the op0 = 0b00 system space: a generic MSR/MRS.
            check(0xd5000000, "msr s0_0_c0_c0_0, x0"),
            check(0xd5200000, "mrs x0, s0_0_c0_c0_0"),
            check(0xd5012385, "msr s0_1_c2_c3_4, x5"),
            check(0xd50045ff, "msr s0_0_c4_c5_7, xzr"),
            // MOVN/MOVZ/MOVK with opc = 01.
            check(0x32800000, ".inst 0x32800000 ; undefined"),
            check(0x52c00000, ".inst 0x52c00000 ; undefined"),
            check(0xf3400000, ".inst 0xf3400000 ; undefined"),
            check(0x33400000, ".inst 0x33400000 ; undefined"),
            check(0x1ac24c20, ".inst 0x1ac24c20 ; undefined"),
            check(0x9ac24420, ".inst 0x9ac24420 ; undefined"),
            check(0xb8600820, ".inst 0xb8600820 ; undefined"),
            check(0xdc000000, ".inst 0xdc000000 ; undefined"),
            check(0x7c800000, ".inst 0x7c800000 ; undefined"),
            check(0x3ce00800, ".inst 0x3ce00800 ; undefined"),
            check(0x38a00c20, ".inst 0x38a00c20 ; undefined"),
            check(0xf8800400, ".inst 0xf8800400 ; undefined"),
            check(0xb8c00400, ".inst 0xb8c00400 ; undefined"),
            check(0xd65f0001, ".inst 0xd65f0001 ; undefined"),
            check(0xd67f03c0, ".inst 0xd67f03c0 ; undefined"),
            check(0x0b600020, ".inst 0x0b600020 ; undefined"),
            check(0x0b209420, ".inst 0x0b209420 ; undefined"),
            check(0x0b00fc20, ".inst 0x0b00fc20 ; undefined"),
            check(0x1a000420, ".inst 0x1a000420 ; undefined"),
            check(0xba400400, ".inst 0xba400400 ; undefined"),
            check(0x1ac00400, ".inst 0x1ac00400 ; undefined"),
            check(0x5ac00c20, ".inst 0x5ac00c20 ; undefined"),
            check(0xe9400000, ".inst 0xe9400000 ; undefined"),
            check(0x68000000, ".inst 0x68000000 ; undefined"),
            // Advanced SIMD: UMOV X from S, permute opcode 000, EXT op2 != 0, FMOV (vector,
            // double) with Q = 0, DUP of a D element to a 64-bit vector.
            check(0x4e0c3c20, ".inst 0x4e0c3c20 ; undefined"),
            check(0x0e020820, ".inst 0x0e020820 ; undefined"),
            check(0x2e420020, ".inst 0x2e420020 ; undefined"),
            check(0x2f04f500, ".inst 0x2f04f500 ; undefined"),
            check(0x0e180420, ".inst 0x0e180420 ; undefined"),
            // Three same: MUL on 64-bit lanes, ADD .1d, FDIV .1d (sz = 1, Q = 0), U=1 opcode 10111.
            check(0x4ee29c20, ".inst 0x4ee29c20 ; undefined"),
            check(0x0ee28420, ".inst 0x0ee28420 ; undefined"),
            check(0x2e62fc20, ".inst 0x2e62fc20 ; undefined"),
            check(0x6ea2bc20, ".inst 0x6ea2bc20 ; undefined"),
            // Two-register misc: FRINTA with size<1> set (frinti is opcode 11001), CNT on
            // halfwords, ABS .1d; across lanes: ADDV .2s, FMAXV .2s.
            check(0x6ee18820, ".inst 0x6ee18820 ; undefined"),
            check(0x0e605820, ".inst 0x0e605820 ; undefined"),
            check(0x0ee0b820, ".inst 0x0ee0b820 ; undefined"),
            check(0x0eb1b820, ".inst 0x0eb1b820 ; undefined"),
            check(0x2e30f820, ".inst 0x2e30f820 ; undefined"),
            // Structures: LD2 .1d, multiple opcode 0001, Rm without post-index, LD1 (single,
            // H) with size<0> set, ST1R.
            check(0x0c408c00, ".inst 0x0c408c00 ; undefined"),
            check(0x4c401000, ".inst 0x4c401000 ; undefined"),
            check(0x4c427000, ".inst 0x4c427000 ; undefined"),
            check(0x0d404400, ".inst 0x0d404400 ; undefined"),
            check(0x0d00c000, ".inst 0x0d00c000 ; undefined"),
            // Shift by immediate: SSHR .1d (immh 1xxx, Q = 0), SHRN from 128-bit elements,
            // U=0 opcode 01000.
            check(0x0f400420, ".inst 0x0f400420 ; undefined"),
            check(0x0f408420, ".inst 0x0f408420 ; undefined"),
            check(0x4f084420, ".inst 0x4f084420 ; undefined"),
            // Crypto: AES with size 01, SHA three-register opcode 111, SHA1H with size 01.
            check(0x4e684820, ".inst 0x4e684820 ; undefined"),
            check(0x5e027020, ".inst 0x5e027020 ; undefined"),
            check(0x5e680820, ".inst 0x5e680820 ; undefined"),
            // Three different: SADDL from 64-bit elements, PMULL on halfwords, UMULL with
            // doubling opcode 1101 (U = 1).
            check(0x0ee20020, ".inst 0x0ee20020 ; undefined"),
            check(0x0e62e020, ".inst 0x0e62e020 ; undefined"),
            check(0x2e62d020, ".inst 0x2e62d020 ; undefined"),
            // By element: MUL on bytes, FMLA .2d with L set.
            check(0x4f028020, ".inst 0x4f028020 ; undefined"),
            check(0x4fe21020, ".inst 0x4fe21020 ; undefined"),
            // Scalar: ADD on bytes, ABS on words, DUP (general) form, SSHR of a byte.
            check(0x5e228420, ".inst 0x5e228420 ; undefined"),
            check(0x5ea0b820, ".inst 0x5ea0b820 ; undefined"),
            check(0x5e010c20, ".inst 0x5e010c20 ; undefined"),
            check(0x5f0f0420, ".inst 0x5f0f0420 ; undefined"),
            // Scalar FP: ftype 10, FCVT to its own type, 32-bit fixed point with scale < 32.
            // (FP16 arithmetic, FRINT32Z and FJCVTZS, which objdump names, are in
            // `objdump_diff.rs`'s later-extension list.)
            check(0x1ea22820, ".inst 0x1ea22820 ; undefined"),
            check(0x1e224020, ".inst 0x1e224020 ; undefined"),
            check(0x1e180020, ".inst 0x1e180020 ; undefined"),
        ],
    ),
];

/// The golden cases of this file and of `disasm_tests_simd.rs` (scalar FP, Advanced SIMD,
/// Crypto).
fn all() -> impl Iterator<Item = &'static (&'static str, &'static [Case])> {
    GOLDEN.iter().chain(simd::GOLDEN_FP_SIMD)
}

#[test]
fn golden_text_is_objdumps() {
    let mut wrong = Vec::new();
    for &(_, cases) in all() {
        for c in cases {
            let ours = Disasm::new(c.word, c.pc).to_string();
            if ours != c.text {
                wrong.push(format!("{:#010x} @ {:#x}: expected `{}`, got `{ours}`", c.word, c.pc, c.text));
            }
            if c.pc == 0 {
                // `Display for Insn` is the same text at address 0.
                assert_eq!(decode(c.word).to_string(), ours, "{:#010x}", c.word);
            }
        }
    }
    assert!(wrong.is_empty(), "{} golden cases differ:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn golden_cases_decode_to_their_table_line() {
    for &(line, cases) in all() {
        for c in cases {
            assert_eq!(decode(c.word).encoding_name(), line, "{:#010x} (`{}`)", c.word, c.text);
        }
    }
}

#[test]
fn golden_cases_cover_every_table_line() {
    let decoded: std::collections::BTreeSet<&str> =
        all().flat_map(|&(_, cases)| cases).map(|c| decode(c.word).encoding_name()).collect();
    let missing: Vec<&str> = ENCODINGS.iter().map(|&(name, ..)| name).filter(|name| !decoded.contains(name)).collect();
    assert!(missing.is_empty(), "table lines without a golden case: {missing:?}");
    assert!(decoded.contains("UNDEFINED"), "no golden case of an undefined word");
}

#[test]
fn golden_words_are_distinct() {
    let mut seen = std::collections::HashSet::new();
    for &(_, cases) in all() {
        for c in cases {
            assert!(seen.insert((c.word, c.pc)), "{:#010x} @ {:#x} appears twice", c.word, c.pc);
        }
    }
}

#[test]
fn the_example_of_the_issue() {
    assert_eq!(decode(0x8b020020).to_string(), "add x0, x1, x2");
    assert_eq!(Disasm::new(0x1400_0400, 0x8000).to_string(), "b 0x9000");
}

/// Display never panics, even for words the table matches but `allocated.rs` rejects (which
/// only `decode_raw` yields): 300,000 random words drawn from the table lines.
#[test]
fn display_of_raw_decodes_never_panics() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..300_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (_, mask, value) = ENCODINGS[(x >> 40) as usize % ENCODINGS.len()];
        let word = (x as u32 & !mask) | value;
        let _ = crate::decode_raw(word).to_string();
        let _ = decode(word).to_string();
    }
}

#[test]
fn width_and_alignment_pad_the_text() {
    assert_eq!(format!("{:<8}|", Disasm::new(0xd503201f, 0)), "nop     |");
    assert_eq!(format!("{:>8}|", decode(0xd65f03c0)), "     ret|");
}
