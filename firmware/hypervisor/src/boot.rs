//! Entry points, in assembly: `_start` (core 0, from the loader, at EL2 with the MMU off and
//! x0 = device tree) and `__secondary_entry` (the other cores, from PSCI CPU_ON with x0 = the
//! context id = physical core number). Both mask interrupts, take this core's EL2 stack from the
//! `.stacks` section of `hyp.x` and call Rust (`boot_main` / `secondary_main` in main.rs).

/// Bytes of EL2 stack per physical core (`hyp.x` reserves 8 of them).
pub const STACK_SIZE: u64 = 0x8000;
/// `CurrentEL` at EL2 (EL in bits 3:2, DDI 0487F C5.2.1).
const CURRENT_EL_EL2: u64 = 2 << 2;

core::arch::global_asm!(
    r#"
.section .text.boot, "ax"
.global _start
_start:
    mrs     x9, CurrentEL                       // PSTATE.EL in bits 3:2
    cmp     x9, #{el2}                          // started at EL2?
    b.ne    9f                                  // no: this hypervisor cannot run, park
    msr     daifset, #0xf                       // mask Debug, SError, IRQ, FIQ for good
    msr     spsel, #1                           // SP is SP_EL2
    mov     x19, x0                             // keep the device tree address
    adrp    x1, __stacks_start                  // core 0's stack is the first slot
    add     x1, x1, :lo12:__stacks_start
    add     x1, x1, #{stack}                    // its top
    mov     sp, x1
    adrp    x1, __bss_start                     // x1 = start of .bss
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end                       // x2 = end of .bss (16-byte aligned)
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2                              // all zeroed?
    b.hs    2f
    stp     xzr, xzr, [x1], #16                 // zero 16 bytes, advance
    b       1b
2:  mov     x0, x19                             // boot_main(dtb)
    bl      boot_main                           // does not return
9:  wfe                                         // park
    b       9b

.global __secondary_entry
__secondary_entry:                              // x0 = physical core number (context id)
    msr     daifset, #0xf                       // mask every interrupt
    msr     spsel, #1                           // SP is SP_EL2
    adrp    x1, __stacks_start                  // base of the stack slots
    add     x1, x1, :lo12:__stacks_start
    add     x2, x0, #1                          // slot index + 1
    mov     x3, #{stack}                        // slot size
    madd    x1, x2, x3, x1                      // top of this core's slot
    mov     sp, x1
    bl      secondary_main                      // secondary_main(core), does not return
    b       9b                                  // park if it ever does
"#,
    el2 = const CURRENT_EL_EL2,
    stack = const STACK_SIZE,
);

extern "C" {
    /// PSCI CPU_ON entry point of the secondary cores.
    pub fn __secondary_entry();
    static __hyp_start: u8;
    static __hyp_end: u8;
    static __stacks_start: u8;
}

/// First byte of the hypervisor image.
pub fn hyp_start() -> u64 {
    core::ptr::addr_of!(__hyp_start) as u64
}

/// First byte above the hypervisor image (2 MiB aligned by `hyp.x`).
pub fn hyp_end() -> u64 {
    core::ptr::addr_of!(__hyp_end) as u64
}

/// Top of the EL2 stack of physical core `core`.
pub fn stack_top(core: usize) -> u64 {
    core::ptr::addr_of!(__stacks_start) as u64 + (core as u64 + 1) * STACK_SIZE
}
