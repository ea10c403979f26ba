//! `_start`: the ELF entry, run at EL2 with the MMU off; and `_secondary_start`, where cores
//! started by PSCI CPU_ON begin (see [`smp`](crate::smp)).
//!
//! `_start` parks the core if it did not start at EL2, masks interrupts, sets SP_EL2 to the top
//! of the 64 KiB stack from `link.x`, zeroes `.bss`, writes the system registers below to known
//! values and calls `__support_main`, which initialises the UART and calls the program's `main`.
//! The word at `_start + 8` is [`HYPERSOC_PARAM`](boot_param), a u64 the host may patch.
//!
//! `_secondary_start` takes the core's slot (0..[`MAX_CORES`](crate::smp::MAX_CORES)) in x0,
//! the CPU_ON context ID: it parks the core unless it is at EL2 with a valid slot, takes the
//! slot's 16 KiB stack, writes the same system registers, records the slot in TPIDR_EL2 and
//! TPIDRRO_EL0 (which [`core_index`](crate::smp::core_index) reads) and calls
//! `__support_secondary`, which runs the function the starter registered and then powers the
//! core off (PSCI CPU_OFF).

use crate::Global;

/// HCR_EL2 at boot: only RW (bit 31), so EL1 is AArch64 and nothing traps to EL2 (no VM, no
/// IMO/FMO/AMO, no TSC/TWI/TWE, no TGE). DDI 0487F D13.2 "HCR_EL2".
pub const HCR_EL2_BOOT: u64 = 1 << 31;

/// SCTLR_EL2 (HCR_EL2.E2H = 0) RES1 bits: 29, 28, 23, 22, 18, 16, 11, 5, 4.
/// DDI 0487F D13.2 "SCTLR_EL2".
pub const SCTLR_EL2_RES1: u64 = 0x30C5_0830;
/// SCTLR_EL2 at boot: RES1 | I (bit 12) | SA (bit 3). M = 0 (MMU off), A = 0 (no alignment
/// checking), C = 0, WXN = 0, EE = 0 (little-endian).
pub const SCTLR_EL2_BOOT: u64 = SCTLR_EL2_RES1 | (1 << 12) | (1 << 3);

/// SCTLR_EL1 RES1 bits in ARMv8.0: 29, 28, 23, 22, 20, 11. DDI 0487F D13.2 "SCTLR_EL1".
pub const SCTLR_EL1_RES1: u64 = 0x30D0_0800;
/// SCTLR_EL1 at boot: RES1 | nTWE (18) | nTWI (16) | I (12) | SA0 (4) | SA (3). M = 0, A = 0,
/// C = 0; EL0 may not use DAIF (UMA = 0), CTR_EL0 (UCT = 0) or DC ZVA (DZE = 0).
pub const SCTLR_EL1_BOOT: u64 = SCTLR_EL1_RES1 | (1 << 18) | (1 << 16) | (1 << 12) | (1 << 4) | (1 << 3);

/// CPTR_EL2 (E2H = 0) at boot: the RES1 bits 13:12 and 9:0 only, so TFP = 0 (FP/SIMD does not
/// trap to EL2), TTA = 0, TCPAC = 0. DDI 0487F D13.2 "CPTR_EL2".
pub const CPTR_EL2_BOOT: u64 = 0x33FF;

/// CPACR_EL1 at boot: FPEN = 0b11 (bits 21:20), FP/SIMD does not trap at EL1/EL0; TTA = 0.
/// DDI 0487F D13.2 "CPACR_EL1".
pub const CPACR_EL1_BOOT: u64 = 0b11 << 20;

/// CNTHCTL_EL2 at boot: EL1PCTEN | EL1PCEN (bits 0, 1), EL0/EL1 may use the physical counter
/// and timer; no event stream. DDI 0487 D24.10.2 "CNTHCTL_EL2".
pub const CNTHCTL_EL2_BOOT: u64 = 0b11;

/// Value of `CurrentEL` at EL2 (EL in bits 3:2).
const CURRENT_EL_EL2: u64 = 2 << 2;

/// Bytes of each secondary core's EL2 stack (`link.x`).
const CORE_STACK_SIZE_LOG2: u64 = 14;

core::arch::global_asm!(
    r#"
// MOV32 reg, value: load a 32-bit constant with MOVZ + MOVK.
.macro MOV32 reg, value
    movz \reg, #((\value) & 0xffff)               // low half, upper bits cleared
    movk \reg, #(((\value) >> 16) & 0xffff), lsl #16 // high half
.endm

// INIT_EL2: the EL2 and EL1 controls every core starts with (clobbers x1).
.macro INIT_EL2
    MOV32   x1, {hcr}                           // HCR_EL2: RW only
    msr     hcr_el2, x1
    MOV32   x1, {sctlr_el2}                     // SCTLR_EL2: MMU and alignment checks off
    msr     sctlr_el2, x1
    MOV32   x1, {sctlr_el1}                     // SCTLR_EL1: MMU off, EL0 traps as documented
    msr     sctlr_el1, x1
    MOV32   x1, {cptr}                          // CPTR_EL2: no FP/SIMD trap to EL2
    msr     cptr_el2, x1
    MOV32   x1, {cpacr}                         // CPACR_EL1: no FP/SIMD trap at EL1/EL0
    msr     cpacr_el1, x1
    msr     hstr_el2, xzr                       // no AArch32 CP15 traps
    mov     x1, #{cnthctl}                      // CNTHCTL_EL2: physical counter/timer at EL1
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr                    // virtual count = physical count
    adrp    x1, __el2_vectors                   // VBAR_EL2 = the EL2 vector table
    add     x1, x1, :lo12:__el2_vectors
    msr     vbar_el2, x1
    adrp    x1, __el1_vectors                   // VBAR_EL1 = the EL1 vector table
    add     x1, x1, :lo12:__el1_vectors
    msr     vbar_el1, x1
    isb                                         // the writes above take effect
.endm

.section .text.boot, "ax"
.global _start
.type _start, %function
_start:
    b       1f                                  // jump over the parameter slot
    .balign 8
.global HYPERSOC_PARAM
HYPERSOC_PARAM:                                 // _start + 8: u64 the host may patch
    .quad   0                                   // 0 = the program's default
1:  mrs     x1, CurrentEL                       // PSTATE.EL in bits 3:2
    cmp     x1, #{current_el2}                  // entered at EL2?
    b.ne    9f                                  // no: park this core
    msr     daifset, #0xf                       // mask Debug, SError, IRQ, FIQ
    msr     spsel, #1                           // SP is SP_EL2
    adrp    x1, __stack_el2_top                 // page of the EL2 stack top
    add     x1, x1, :lo12:__stack_el2_top       // plus the offset in the page
    mov     sp, x1                              // 16-byte aligned by link.x
    adrp    x1, __bss_start                     // x1 = start of .bss
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end                       // x2 = end of .bss (16-byte aligned)
    add     x2, x2, :lo12:__bss_end
2:  cmp     x1, x2                              // done?
    b.hs    3f
    str     xzr, [x1], #8                       // zero 8 bytes, advance
    b       2b
3:  INIT_EL2                                    // system registers
    msr     tpidr_el2, xzr                      // core slot 0
    msr     tpidrro_el0, xzr
    bl      __support_main                      // x0 = boot argument (DTB address on QEMU)
9:  wfe                                         // not at EL2, or main came back: park
    b       9b
.size _start, . - _start

.global _secondary_start
.type _secondary_start, %function
_secondary_start:                               // x0 = slot (the CPU_ON context ID)
    mrs     x1, CurrentEL                       // PSTATE.EL in bits 3:2
    cmp     x1, #{current_el2}                  // started at EL2?
    b.ne    9f                                  // no: park this core
    cmp     x0, #{max_cores}                    // a slot with a stack?
    b.hs    9f                                  // no: park
    msr     daifset, #0xf                       // mask Debug, SError, IRQ, FIQ
    msr     spsel, #1                           // SP is SP_EL2
    adrp    x1, __core_stacks                   // base of the slot stacks
    add     x1, x1, :lo12:__core_stacks
    add     x2, x0, #1                          // top of slot n = base + (n + 1) * size
    add     x1, x1, x2, lsl #{stack_log2}
    mov     sp, x1
    INIT_EL2                                    // system registers
    msr     tpidr_el2, x0                       // the slot, for core_index()
    msr     tpidrro_el0, x0
    bl      __support_secondary                 // x0 = slot; powers the core off
9:  wfe                                         // park
    b       9b
.size _secondary_start, . - _secondary_start
"#,
    current_el2 = const CURRENT_EL_EL2,
    hcr = const HCR_EL2_BOOT,
    sctlr_el2 = const SCTLR_EL2_BOOT,
    sctlr_el1 = const SCTLR_EL1_BOOT,
    cptr = const CPTR_EL2_BOOT,
    cpacr = const CPACR_EL1_BOOT,
    cnthctl = const CNTHCTL_EL2_BOOT,
    max_cores = const crate::smp::MAX_CORES,
    stack_log2 = const CORE_STACK_SIZE_LOG2,
);

/// x0 at entry (the device tree address, when the loader passes one).
static BOOT_ARG: Global<u64> = Global::new(0);

extern "C" {
    /// The program's entry, defined by [`entry!`](crate::entry).
    fn main();
    /// The parameter slot at `_start + 8` (see the module documentation).
    static HYPERSOC_PARAM: u64;
}

/// The u64 at `_start + 8` (symbol `HYPERSOC_PARAM`, address 0x4008_0008): 0 unless the host
/// patched it. The `bench` program reads its iteration count there.
pub fn boot_param() -> u64 {
    // SAFETY: the symbol is a u64 in the image, 8-byte aligned; volatile because the host may
    // have patched it after the image was built.
    unsafe { core::ptr::addr_of!(HYPERSOC_PARAM).read_volatile() }
}

/// x0 as the loader left it at `_start`.
pub fn boot_arg() -> u64 {
    BOOT_ARG.get()
}

/// Called by `_start` at EL2 with a stack and zeroed `.bss`.
#[no_mangle]
extern "C" fn __support_main(boot_arg: u64) -> ! {
    BOOT_ARG.set(boot_arg);
    crate::uart::init();
    // SAFETY: `main` is the program's `extern "C" fn()` declared by `entry!`.
    unsafe { main() };
    crate::power_off()
}
