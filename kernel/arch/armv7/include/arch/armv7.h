/*
 * kernel/arch/armv7/include/arch/armv7.h -- ARMv7-A architectural constants
 * shared by C and assembly: processor modes, PSR bits, SCTLR bits and the
 * short-descriptor translation table format (ARM ARM B3.5).
 */
#ifndef ARCH_ARMV7_H
#define ARCH_ARMV7_H

/* CPSR/SPSR mode field (ARM ARM B1.3.1) */
#define MODE_USR        0x10
#define MODE_FIQ        0x11
#define MODE_IRQ        0x12
#define MODE_SVC        0x13
#define MODE_ABT        0x17
#define MODE_HYP        0x1a
#define MODE_UND        0x1b
#define MODE_SYS        0x1f
#define MODE_MASK       0x1f

#define PSR_F           (1 << 6)    /* FIQ masked */
#define PSR_I           (1 << 7)    /* IRQ masked */
#define PSR_A           (1 << 8)    /* asynchronous abort masked */
#define PSR_E           (1 << 9)    /* big-endian data */
/* The Thumb bit PSR_T (bit 5) and the Thumb IT state, IT[1:0] in bits
 * 26:25 and IT[7:2] in bits 15:10 (PSR_IT_MASK), are shared with user
 * space in <sprat/syscall.h>. */
#include <sprat/syscall.h>

/* The CPSR bits a dispatcher may set in its save area: the condition
 * flags NZCVQ (31:27), GE (19:16), the Thumb IT state and T.  Nothing else
 * survives a resume from a save area -- no mode, no interrupt masks, no
 * endianness (ARM ARM B1.3.3).  The IT bits must survive: a thread
 * preempted inside a Thumb-2 IT block resumes with the rest of the block
 * still conditional.  Used by dispatch_sanitize_cpsr (dispatch.c) and by
 * the fast path (lmp_fastpath.S, block 11a); no unsigned suffixes: the
 * assembler reads this too. */
#define PSR_USER_BITS   (0xf8000000 | 0x000f0000 | PSR_IT_MASK | PSR_T)

/* SCTLR, System Control Register (ARM ARM B4.1.130) */
#define SCTLR_M         (1 << 0)    /* MMU enable */
#define SCTLR_A         (1 << 1)    /* alignment checking */
#define SCTLR_C         (1 << 2)    /* data and unified caches */
#define SCTLR_Z         (1 << 11)   /* branch prediction */
#define SCTLR_I         (1 << 12)   /* instruction cache */
#define SCTLR_V         (1 << 13)   /* high vectors at 0xffff0000 */
#define SCTLR_TRE       (1 << 28)   /* TEX remap */
#define SCTLR_AFE       (1 << 29)   /* access flag enable */
#define SCTLR_TE        (1 << 30)   /* exceptions taken in Thumb state */

/* ACTLR.SMP (Cortex-A9 TRM r4p1 4.3.10, "Auxiliary Control Register";
 * the Cortex-A15's is at the same bit): the core takes part in the
 * SCU's coherency and in broadcast cache and TLB maintenance.  "You must
 * ensure this bit is set to 1 before the caches and MMU are enabled, or
 * any cache and TLB maintenance operations are performed." */
#define ACTLR_SMP       (1 << 6)

/* MPIDR.Aff0 (ARM ARM B4.1.106): the core's number in its cluster. */
#define MPIDR_AFF0_MASK 0xff

/*
 * Short-descriptor first-level entries (ARM ARM B3.5.1).
 * A first-level table has 4096 entries, one per MiB of virtual space.
 */
#define L1_TYPE_FAULT       0x0
#define L1_TYPE_PAGETABLE   0x1     /* points to a 1 KiB second-level table */
#define L1_TYPE_SECTION     0x2     /* maps 1 MiB directly */
#define L1_TYPE_MASK        0x3

#define L1_SECT_B           (1 << 2)
#define L1_SECT_C           (1 << 3)
#define L1_SECT_XN          (1 << 4)
#define L1_SECT_AP0         (1 << 10)   /* AP[1:0] at bits 11:10 */
#define L1_SECT_AP1         (1 << 11)
#define L1_SECT_TEX0        (1 << 12)   /* TEX[2:0] at bits 14:12 */
#define L1_SECT_AP2         (1 << 15)
#define L1_SECT_S           (1 << 16)
#define L1_SECT_NG          (1 << 17)
#define L1_SECT_BASE_MASK   0xfff00000u
#define L1_PT_BASE_MASK     0xfffffc00u

/*
 * Memory types used by Sprat (no TEX remap):
 *  - normal memory, outer and inner write-back write-allocate:
 *        TEX=001 C=1 B=1 (ARM ARM table B3-10)
 *  - shareable device memory: TEX=000 C=0 B=1
 * The kernel's RAM is Shareable: the cores' CPU drivers share the
 * .shared section (its console lock needs the global exclusive monitor),
 * and the Cortex-A9's SCU keeps only Shareable memory coherent between
 * cores (Cortex-A9 MPCore TRM r4p1 2.1, "About the SCU").
 * AP[2:0] = 001 is "privileged read/write, no user access".
 */
#define L1_SECT_KERNEL_RAM  (L1_TYPE_SECTION | L1_SECT_TEX0 | L1_SECT_C | \
                             L1_SECT_B | L1_SECT_AP0 | L1_SECT_S)
#define L1_SECT_KERNEL_DEV  (L1_TYPE_SECTION | L1_SECT_B | L1_SECT_XN | \
                             L1_SECT_AP0)

/* Second-level small-page entries (ARM ARM B3.5.1): 256 per 1 KiB table. */
#define L2_TYPE_FAULT       0x0
#define L2_TYPE_SMALL       0x2     /* 4 KiB page; bit 0 is XN */
#define L2_SMALL_XN         (1 << 0)
#define L2_SMALL_B          (1 << 2)
#define L2_SMALL_C          (1 << 3)
#define L2_SMALL_AP0        (1 << 4)    /* AP[1:0] at bits 5:4 */
#define L2_SMALL_AP1        (1 << 5)
#define L2_SMALL_TEX0       (1 << 6)    /* TEX[2:0] at bits 8:6 */
#define L2_SMALL_AP2        (1 << 9)
#define L2_SMALL_S          (1 << 10)
#define L2_SMALL_NG         (1 << 11)
#define L2_SMALL_BASE_MASK  0xfffff000u

/*
 * TTBR0/TTBR1 table-walk attributes (ARM ARM B4.1.154, with the
 * Multiprocessing Extensions' split IRGN field): inner write-back
 * write-allocate (IRGN = 0b01: bit 6 set, bit 0 clear), outer write-back
 * write-allocate (RGN = 0b01 at bits 4:3), non-shareable.
 */
#define TTBR_WALK_WBWA      ((1 << 6) | (1 << 3))

/* TTBCR.N = 1: TTBR0 translates 0x00000000-0x7fffffff (user space, an
 * 8 KiB table is enough), TTBR1 the upper half (the kernel). */
#define TTBCR_N_SPLIT_2G    1

/* DACR: every domain "client", i.e. permissions come from the AP bits. */
#define DACR_ALL_CLIENT     0x55555555

#define SECTION_SIZE        0x100000
#define SECTION_SHIFT       20
#define PAGE_SIZE           4096
#define PAGE_SHIFT          12

#endif
