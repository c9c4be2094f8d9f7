/*
 * kernel/arch/armv7/boot.S -- from the boot loader to kernel_main().
 *
 * We are entered at the physical address of _start with the MMU off (or in
 * whatever state a boot loader left it) and, following the Linux/U-Boot
 * convention, r0 = 0, r1 = machine type, r2 = ATAG list or device tree.
 * QEMU's ELF loader enters the same way.
 *
 * The steps (see docs/boot.md):
 *   1. SVC mode, IRQs and FIQs masked (leaving Hyp mode if we were
 *      started in it).
 *   2. MMU and caches off, with the data cache cleaned first if it was on,
 *      TLBs, I-cache and branch predictor invalidated.
 *   3. Build the boot translation tables with 1 MiB sections:
 *        kernel_l1 (TTBR1): RAM linearly at 0x80000000
 *        boot_l1   (TTBR0): RAM identity-mapped, so the instructions after
 *                           the MMU switch-on keep working
 *   4. MMU and caches on; jump to the linked (upper-half) address.
 *   5. A stack for each exception mode, clear .bss, VBAR, kernel_main().
 *
 * Until step 4 completes this code runs at physical addresses, so it must
 * be position independent: only PC-relative branches, and every link-time
 * address it uses is converted with PHYS_OFFSET below.
 */
#include <arch/armv7.h>
#include <arch/vm.h>

/* physical = virtual + PHYS_OFFSET for anything in the kernel image */
#define PHYS_OFFSET     (PLAT_RAM_BASE - KERNEL_VBASE)
#define RAM_SECTIONS    (PLAT_RAM_SIZE >> SECTION_SHIFT)

    .section .text.boot, "ax"
    .syntax unified
    .arm
    .arch_extension virt            @ eret, msr elr_hyp (Cortex-A15 and later)
    .global _start
/*
 * _start -- the kernel's entry point.
 *   in:  r0, r1, r2 from the boot loader (saved in r4-r6 for kernel_main)
 *   out: never returns
 */
_start:
    mov     r4, r0
    mov     r5, r1
    mov     r6, r2

    /* 1. SVC mode, interrupts masked.  A boot loader may start us in Hyp
     * mode on a CPU with the Virtualization Extensions (U-Boot does, where
     * it prepares for a hypervisor; so does QEMU's virt board with
     * virtualization=on).  A cps cannot leave Hyp mode -- only an
     * exception return can (ARM ARM, the Virtualization Extensions) -- so
     * return "from an exception" into SVC mode, interrupts masked, at
     * label 1.  Never taken on the Cortex-A9, which has no Hyp mode. */
    mrs     r0, cpsr
    and     r0, r0, #MODE_MASK
    cmp     r0, #MODE_HYP
    bne     1f
    mov     r0, #(MODE_SVC | PSR_A | PSR_I | PSR_F)
    msr     spsr_cxsf, r0               @ in Hyp mode, SPSR is SPSR_hyp
    adr     r0, 1f
    msr     elr_hyp, r0
    eret
1:  cpsid   aif, #MODE_SVC

    /* 2. Caches and MMU off.  If the data cache was on, dirty lines may
     * hold the boot loader's writes (our own image, even): clean them to
     * memory first.  If it was off, only invalidate: cleaning a cache that
     * was never enabled could write garbage from reset back to RAM. */
    mrc     p15, 0, r0, c1, c0, 0           @ SCTLR
    tst     r0, #SCTLR_C
    movne   r0, #1                          @ 1 = clean and invalidate
    moveq   r0, #0                          @ 0 = invalidate only
    bl      dcache_all_by_setway
    mrc     p15, 0, r0, c1, c0, 0
    bic     r0, r0, #(SCTLR_M | SCTLR_C | SCTLR_A)
    bic     r0, r0, #(SCTLR_I | SCTLR_Z | SCTLR_V)
    bic     r0, r0, #(SCTLR_TRE | SCTLR_AFE | SCTLR_TE)
    mcr     p15, 0, r0, c1, c0, 0
    isb
    mov     r0, #0
    mcr     p15, 0, r0, c8, c7, 0           @ TLBIALL
    mcr     p15, 0, r0, c7, c5, 0           @ ICIALLU
    mcr     p15, 0, r0, c7, c5, 6           @ BPIALL
    dsb
    isb

    /* 3. Boot translation tables.  r8 = physical address of kernel_l1,
     * r9 = physical address of boot_l1 (the two are adjacent 16 KiB
     * tables in .pgtables, see below). */
    ldr     r0, =kernel_l1
    ldr     r1, =PHYS_OFFSET
    add     r8, r0, r1
    add     r9, r8, #0x4000

    /* zero both tables (32 KiB) */
    mov     r0, r8
    add     r1, r8, #0x8000
    mov     r2, #0
    mov     r3, #0
1:  stmia   r0!, {r2, r3}
    cmp     r0, r1
    blo     1b

    /* kernel_l1[0x800 + i] = section(PLAT_RAM_BASE + i MiB), i < RAM_SECTIONS */
    ldr     r0, =(PLAT_RAM_BASE | L1_SECT_KERNEL_RAM)
    add     r1, r8, #((KERNEL_VBASE >> SECTION_SHIFT) * 4)
    ldr     r2, =RAM_SECTIONS
1:  str     r0, [r1], #4
    add     r0, r0, #SECTION_SIZE
    subs    r2, r2, #1
    bne     1b

#if PLAT_RAM_BASE < KERNEL_VBASE
    /* boot_l1[PLAT_RAM_BASE >> 20 + i] = the same sections (identity map).
     * Not needed when RAM itself starts at 0x80000000 (PandaBoard): there
     * the physical and the kernel addresses coincide. */
    ldr     r0, =(PLAT_RAM_BASE | L1_SECT_KERNEL_RAM)
    add     r1, r9, #((PLAT_RAM_BASE >> SECTION_SHIFT) * 4)
    ldr     r2, =RAM_SECTIONS
1:  str     r0, [r1], #4
    add     r0, r0, #SECTION_SIZE
    subs    r2, r2, #1
    bne     1b
#endif
    dsb

    /* 4. MMU on. */
    orr     r0, r9, #TTBR_WALK_WBWA
    mcr     p15, 0, r0, c2, c0, 0           @ TTBR0 = boot_l1
    orr     r0, r8, #TTBR_WALK_WBWA
    mcr     p15, 0, r0, c2, c0, 1           @ TTBR1 = kernel_l1
    mov     r0, #TTBCR_N_SPLIT_2G
    mcr     p15, 0, r0, c2, c0, 2           @ TTBCR
    ldr     r0, =DACR_ALL_CLIENT
    mcr     p15, 0, r0, c3, c0, 0           @ DACR
    mov     r0, #0
    mcr     p15, 0, r0, c13, c0, 1          @ CONTEXTIDR: ASID 0
    mcr     p15, 0, r0, c8, c7, 0           @ TLBIALL
    dsb
    isb
    mrc     p15, 0, r0, c1, c0, 0
    orr     r0, r0, #(SCTLR_M | SCTLR_C)
    orr     r0, r0, #(SCTLR_I | SCTLR_Z)
    mcr     p15, 0, r0, c1, c0, 0
    isb
    ldr     pc, =start_virtual              @ absolute jump to the upper half

start_virtual:
    /* 5. Stacks.  The exception entry code moves to the SVC stack at once
     * (kernel/arch/armv7/vectors.S), so the other modes only need room
     * for a few words; they are separate so that a fault on the SVC stack
     * itself is still reported. */
    cps     #MODE_IRQ
    ldr     sp, =irq_stack_top
    cps     #MODE_ABT
    ldr     sp, =abt_stack_top
    cps     #MODE_UND
    ldr     sp, =und_stack_top
    cps     #MODE_FIQ
    ldr     sp, =fiq_stack_top
    cps     #MODE_SVC
    ldr     sp, =svc_stack_top

    /* clear .bss */
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    /* exception vectors (VBAR needs 32-byte alignment) */
    ldr     r0, =exception_vectors
    mcr     p15, 0, r0, c12, c0, 0
    isb

    /* kernel_main(r0, r1, r2 of the boot loader) */
    mov     r0, r4
    mov     r1, r5
    mov     r2, r6
    bl      kernel_main
    b       halt

/*
 * The boot translation tables.  kernel_l1 stays the kernel's table for
 * good (TTBR1); boot_l1 is TTBR0 until the first user domain runs.
 */
    .section .pgtables, "aw", %nobits
    .align  14
    .global kernel_l1, boot_l1
kernel_l1:  .space 0x4000
boot_l1:    .space 0x4000

/* Stacks: 8 KiB for the kernel proper (SVC), 256 bytes per exception mode. */
#define SVC_STACK_SIZE  8192
#define EXC_STACK_SIZE  256
    .section .stacks, "aw", %nobits
    .align  3
    .global svc_stack_top
    .space  SVC_STACK_SIZE
svc_stack_top:
    .space  EXC_STACK_SIZE
irq_stack_top:
    .space  EXC_STACK_SIZE
abt_stack_top:
    .space  EXC_STACK_SIZE
und_stack_top:
    .space  EXC_STACK_SIZE
fiq_stack_top:
