/*
 * kernel/arch/armv7/include/arch/asm_offsets.h -- byte offsets into C
 * structures, for the LMP fast path (lmp_fastpath.S).  Every value is
 * checked against the C layout at compile time in asm_offsets.c, so a
 * change of a structure that is not mirrored here breaks the build.
 */
#ifndef ARCH_ASM_OFFSETS_H
#define ARCH_ASM_OFFSETS_H

/* struct capability, at the start of a struct cte */
#define CAP_TYPE            0       /* uint8_t */
#define CAP_RIGHTS          1       /* uint8_t */
#define CAP_BASE            4
#define CAP_BYTES           8
#define CAP_PARAM1          12
#define CAP_PARAM2          16
#define CTE_SIZE_SHIFT      6       /* 64-byte CTEs */

/* struct dcb */
#define DCB_CSPACE          0       /* struct cte */
#define DCB_STATE           260
#define DCB_SHARED          304
#define DCB_FRAME_KVA       308
#define DCB_TTBR0           312
#define DCB_ASID            316
#define DCB_TPIDRURW        320

/* struct dispatcher_shared */
#define DS_DISABLED         0
#define DS_RUN_ENTRY        12
#define DS_STACK_TOP        32
#define DS_THREAD_POINTER   36
#define DS_LMP_PENDING      40
#define DS_LMP_DELIVERED    44
#define DS_UDISP            8
#define DS_ENABLED_AREA     100
#define DS_DISABLED_AREA    168

/* struct lmp_endpoint_kern */
#define LEP_DELIVERED       0
#define LEP_CONSUMED        4
#define LEP_ID              12
#define LEP_BUF             16

/* Constants the C headers spell in ways the assembler does not take. */
#define ASM_KERNEL_VBASE    0x80000000
#define ASM_CAPRIGHTS_WRITE 2
#define ASM_TYPE_L2CNODE    6
#define ASM_TYPE_ENDPOINT   10
#define ASM_DCB_RUNNABLE    2
#define ASM_DCB_BLOCKED     3
#define ASM_L2_CNODE_BITS   8

#endif
