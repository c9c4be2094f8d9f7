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
 *   5. A stack for each exception mode, .data from its load copy, clear
 *      .bss, VBAR, kernel_main().
 *
 * A secondary core (docs/multikernel.md, "Booting a core") that the board
 * starts at _start too (QEMU's vexpress-a9 starts every core at an ELF's
 * entry) goes to its board's holding pen, plat_secondary_pen; the boot
 * core's kernel later starts it at _start_secondary, which does steps 1,
 * 2, 4 and 5 with the translation tables the boot core built for it
 * (kernel/smp.c) and enters kernel_secondary_main().
 *
 * Until step 4 completes this code runs at physical addresses, so it must
 * be position independent: only PC-relative branches, and every link-time
 * address it uses is converted with PHYS_OFFSET below.
 */
#include <arch/armv7.h>
#include <arch/vm.h>
#include <smp.h>

/* physical = virtual + PHYS_OFFSET for anything in the kernel image */
#define PHYS_OFFSET     (PLAT_RAM_BASE - KERNEL_VBASE)
#define RAM_SECTIONS    (PLAT_RAM_SIZE >> SECTION_SHIFT)

/* Step 1: SVC mode, interrupts masked.  A boot loader may start us in Hyp
 * mode on a CPU with the Virtualization Extensions (U-Boot does, where it
 * prepares for a hypervisor; so does QEMU's virt board with
 * virtualization=on).  A cps cannot leave Hyp mode -- only an exception
 * return can (ARM ARM, the Virtualization Extensions) -- so return "from an
 * exception" into SVC mode, interrupts masked.  Never taken on the
 * Cortex-A9, which has no Hyp mode.  Clobbers r0. */
.macro enter_svc
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
.endm

/* ACTLR.SMP on (see ACTLR_SMP in <arch/armv7.h> for the TRM's rule), if
 * it is not on already: in the Non-secure world the bit is writable only
 * if the Secure side allowed it (NSACR.NS_SMP), and the PandaBoard's boot
 * loader and ROM set it for us.  Clobbers r0. */
.macro smp_bit_on
    mrc     p15, 0, r0, c1, c0, 1           @ ACTLR
    tst     r0, #ACTLR_SMP
    orreq   r0, r0, #ACTLR_SMP
    mcreq   p15, 0, r0, c1, c0, 1
    isb
.endm

/* Step 2's second half: MMU and caches off, TLBs, I-cache and branch
 * predictor invalidated (the data cache was dealt with).  Clobbers r0. */
.macro mmu_off
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
.endm

/* Step 4: MMU and caches on with TTBR0 = \ttbr0 (an identity map of RAM)
 * and TTBR1 = \ttbr1 (the kernel's table), physical addresses.  Then the
 * absolute jump to \virt in the upper half.  Clobbers r0. */
.macro mmu_on ttbr0, ttbr1, virt
    orr     r0, \ttbr0, #TTBR_WALK_WBWA
    mcr     p15, 0, r0, c2, c0, 0           @ TTBR0
    orr     r0, \ttbr1, #TTBR_WALK_WBWA
    mcr     p15, 0, r0, c2, c0, 1           @ TTBR1
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
    ldr     pc, =\virt                      @ absolute jump to the upper half
.endm

/* Step 5, on every core in its own per-core region: a stack per mode,
 * .data from its load copy (never another core's current values), .bss
 * cleared, VBAR.  The exception entry code moves to the SVC stack at
 * once (kernel/arch/armv7/vectors.S), so the other modes only need room
 * for a few words; they are separate so that a fault on the SVC stack
 * itself is still reported.  Clobbers r0-r3. */
.macro percore_init
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

    ldr     r0, =__data_start
    ldr     r1, =__data_end
    ldr     r2, =__data_load
1:  cmp     r0, r1
    ldrlo   r3, [r2], #4
    strlo   r3, [r0], #4
    blo     1b

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
.endm

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

    /* Only the boot core (MPIDR.Aff0 = 0) goes on; another core that the
     * board started here waits in the board's pen (r0 = its number). */
    mrc     p15, 0, r0, c0, c0, 5           @ MPIDR
    ands    r0, r0, #MPIDR_AFF0_MASK
    bne     plat_secondary_pen

    /* 1. SVC mode, interrupts masked. */
    enter_svc

    /* 2. Caches and MMU off.  If the data cache was on, dirty lines may
     * hold the boot loader's writes (our own image, even): clean them to
     * memory first.  If it was off, only invalidate: cleaning a cache that
     * was never enabled could write garbage from reset back to RAM. */
    mrc     p15, 0, r0, c1, c0, 0           @ SCTLR
    tst     r0, #SCTLR_C
    movne   r0, #1                          @ 1 = clean and invalidate
    moveq   r0, #0                          @ 0 = invalidate only
    bl      dcache_all_by_setway
    /* The boot loader's dirty lines are in memory now; from here on this
     * core takes part in coherency (before any further maintenance). */
    smp_bit_on
    mmu_off

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
    mmu_on  r9, r8, start_virtual

start_virtual:
    /* 5. Stacks, .data, .bss, vectors. */
    percore_init

    /* kernel_main(r0, r1, r2 of the boot loader) */
    mov     r0, r4
    mov     r1, r5
    mov     r2, r6
    bl      kernel_main
    b       halt

/*
 * _start_secondary -- where the boot core's kernel starts another core
 * (kernel/smp.c, smp_start_core; the board's plat_start_core).
 *   in:  MMU and caches off, any of SVC/Hyp mode; the .shared smp_boot
 *        block (cleaned to memory) holds this core's translation tables
 *   out: never returns
 */
    .global _start_secondary
_start_secondary:
    enter_svc
    smp_bit_on                              @ before any cache maintenance
    mov     r0, #0                          @ invalidate only: nothing of
    bl      dcache_all_by_setway            @ ours can be dirty in here
    mmu_off
    ldr     r0, =smp_boot
    ldr     r1, =PHYS_OFFSET
    add     r10, r0, r1
    ldr     r9, [r10, #SMP_BOOT_TTBR0]
    ldr     r8, [r10, #SMP_BOOT_TTBR1]
    ldr     r4, [r10, #SMP_BOOT_CORE]
    mmu_on  r9, r8, secondary_virtual

secondary_virtual:
    percore_init
    mov     r0, r4
    bl      kernel_secondary_main
    b       halt

/*
 * The boot translation tables.  kernel_l1 stays the kernel's table for
 * good (TTBR1); boot_l1 is TTBR0 until the first user domain runs.  Each
 * core has its own (the per-core region); a secondary core's boot_l1 stays
 * empty: it switches its MMU on with the boot core's identity map.
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
