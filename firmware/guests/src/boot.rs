//! `_start`: the entry of every vCPU at EL1h (the hypervisor starts vCPU 0 there, and PSCI
//! CPU_ON the others with their context id in x0). Masks interrupts, takes the vCPU's stack
//! (MPIDR_EL1.Aff0 picks the slot), lets vCPU 0 zero `.bss`, enables FP/SIMD at EL1/EL0
//! (CPACR_EL1.FPEN, DDI 0487F D13.2.30), installs the EL1 vectors and calls `guest_main`.

/// EL1 stack per vCPU.
pub const STACK_SIZE: u64 = 0x4000;

core::arch::global_asm!(
    r#"
.section .text.boot, "ax"
.global _start
_start:
    msr     daifset, #0xf                       // interrupts masked until the guest unmasks
    mov     x20, x0                             // context id (PSCI CPU_ON), 0 for vCPU 0
    mrs     x19, mpidr_el1                      // vCPU number = Aff0
    and     x19, x19, #0xff
    and     x9, x19, #3                         // stack slot (4 slots)
    adrp    x10, __stacks_start                 // base of the stack slots
    add     x10, x10, :lo12:__stacks_start
    add     x9, x9, #1                          // slot + 1
    mov     x11, #{stack}                       // slot size
    madd    x10, x9, x11, x10                   // top of this vCPU's slot
    mov     sp, x10                             // SP_EL1
    cbnz    x19, 2f                             // only vCPU 0 zeroes .bss
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2                              // done?
    b.hs    2f
    str     xzr, [x1], #8                       // zero 8 bytes
    b       1b
2:  mov     x9, #(3 << 20)                      // CPACR_EL1.FPEN = 0b11: no FP/SIMD traps
    msr     cpacr_el1, x9
    adrp    x9, __guest_vectors                 // VBAR_EL1
    add     x9, x9, :lo12:__guest_vectors
    msr     vbar_el1, x9
    isb                                         // the writes above take effect
    mov     x0, x19                             // guest_main(vcpu, context)
    mov     x1, x20
    bl      guest_main
    bl      {off}                               // main returned: stop the VM
3:  b       3b
"#,
    stack = const STACK_SIZE,
    off = sym crate::power_off,
);
