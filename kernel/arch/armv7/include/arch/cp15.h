/*
 * kernel/arch/armv7/include/arch/cp15.h -- access to CP15 system registers,
 * barriers and cache/TLB maintenance (ARM ARM B4).  One inline function per
 * register, named after the register.
 */
#ifndef ARCH_CP15_H
#define ARCH_CP15_H

#include <types.h>

/*
 * Under HOST_TEST every register access and every maintenance or barrier
 * instruction below is an ordinary function that tests/host/fake_cp15.c
 * implements: it records each operation in a log, so a host test can check
 * the order of cache maintenance, TLB maintenance and barriers the kernel's
 * C code performs (the way kernel/dev/ns16550.c is tested against a
 * simulated UART).
 */
#ifdef HOST_TEST
#define CP15_READ(name, op1, crn, crm, op2)  uint32_t cp15_read_##name(void);
#define CP15_WRITE(name, op1, crn, crm, op2) void cp15_write_##name(uint32_t v);
#define CP15_OP(name, insn) void name(void);
#define CP15_OP_ARG(name, insn) void name(uintptr_t v);
#else
#define CP15_READ(name, op1, crn, crm, op2)                                   \
    static inline uint32_t cp15_read_##name(void)                              \
    {                                                                          \
        uint32_t v;                                                            \
        __asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2    \
                         : "=r"(v));                                           \
        return v;                                                              \
    }
#define CP15_WRITE(name, op1, crn, crm, op2)                                  \
    static inline void cp15_write_##name(uint32_t v)                           \
    {                                                                          \
        __asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2    \
                         :: "r"(v) : "memory");                                \
    }
/* One instruction without an operand (a barrier, or an MCR whose register
 * is ignored: "SBZ", written as 0). */
#define CP15_OP(name, insn)                                                    \
    static inline void name(void) { __asm__ volatile(insn :: "r"(0) : "memory"); }
/* One MCR with an operand (an address, an ASID). */
#define CP15_OP_ARG(name, insn)                                                \
    static inline void name(uintptr_t v) { __asm__ volatile(insn :: "r"(v) : "memory"); }
#endif
#define CP15_RW(name, op1, crn, crm, op2) \
    CP15_READ(name, op1, crn, crm, op2) CP15_WRITE(name, op1, crn, crm, op2)

CP15_READ(midr,  0, c0, c0, 0)      /* Main ID */
CP15_READ(mpidr, 0, c0, c0, 5)      /* Multiprocessor affinity */
CP15_RW(sctlr,   0, c1, c0, 0)      /* System control */
CP15_RW(actlr,   0, c1, c0, 1)      /* Auxiliary control */
CP15_RW(ttbr0,   0, c2, c0, 0)
CP15_RW(ttbr1,   0, c2, c0, 1)
CP15_RW(ttbcr,   0, c2, c0, 2)
CP15_RW(dacr,    0, c3, c0, 0)
CP15_READ(dfsr,  0, c5, c0, 0)      /* Data fault status */
CP15_READ(ifsr,  0, c5, c0, 1)      /* Instruction fault status */
CP15_READ(dfar,  0, c6, c0, 0)      /* Data fault address */
CP15_READ(ifar,  0, c6, c0, 2)      /* Instruction fault address */
CP15_RW(vbar,    0, c12, c0, 0)     /* Vector base (Security Extensions) */
CP15_RW(contextidr, 0, c13, c0, 1)  /* ASID and process ID */
CP15_RW(tpidrurw, 0, c13, c0, 2)    /* User read/write thread ID */
CP15_RW(tpidruro, 0, c13, c0, 3)    /* User read-only thread ID */
CP15_RW(tpidrprw, 0, c13, c0, 4)    /* Privileged-only thread ID */

/* Performance monitors (ARM ARM C12): cycle counter and its controls. */
CP15_RW(pmcr,      0, c9, c12, 0)
CP15_RW(pmcntenset, 0, c9, c12, 1)
CP15_RW(pmovsr,    0, c9, c12, 3)
CP15_RW(pmccntr,   0, c9, c13, 0)
CP15_RW(pmuserenr, 0, c9, c14, 0)

CP15_READ(ctr,   0, c0, c0, 1)      /* Cache type: the minimum line sizes */

/* Barriers (ARM ARM A3.8.3).  The "r"(0) operand is unused by them. */
CP15_OP(dsb, "dsb")
CP15_OP(dmb, "dmb")
CP15_OP(isb, "isb")

/* The maintenance instructions, one each (ARM ARM B4.2.1, "Cache and
 * branch predictor maintenance operations", and B4.2.2, "TLB maintenance
 * operations"), named after the ARM ARM's mnemonics. */
CP15_OP_ARG(dccmvac, "mcr p15, 0, %0, c7, c10, 1")  /* clean D line to PoC */
CP15_OP_ARG(dccmvau, "mcr p15, 0, %0, c7, c11, 1")  /* clean D line to PoU */
CP15_OP(iciallu,     "mcr p15, 0, %0, c7, c5, 0")   /* invalidate all I-cache */
CP15_OP(bpiall,      "mcr p15, 0, %0, c7, c5, 6")   /* invalidate branch predictor */
CP15_OP(tlbiall,     "mcr p15, 0, %0, c8, c7, 0")   /* invalidate unified TLB */
CP15_OP_ARG(tlbiasid, "mcr p15, 0, %0, c8, c7, 2")  /* ... entries of one ASID */
CP15_OP_ARG(tlbimva,  "mcr p15, 0, %0, c8, c7, 1")  /* ... one page of one ASID */

/* Invalidate the whole unified TLB (TLBIALL). */
static inline void tlb_invalidate_all(void)
{
    tlbiall();
    dsb();
    isb();
}

/* Invalidate the TLB entries of one ASID (TLBIASID). */
static inline void tlb_invalidate_asid(uint32_t asid)
{
    tlbiasid(asid & 0xff);
    dsb();
    isb();
}

/* Invalidate one page's entry for every ASID (TLBIMVAA is an MP Extensions
 * op the A9 has; TLBIMVA with the ASID is the portable one). */
static inline void tlb_invalidate_page(vaddr_t va, uint32_t asid)
{
    tlbimva((va & ~0xfffu) | (asid & 0xff));
    dsb();
    isb();
}

/* Range operations built from these: <arch/cache.h>. */

#ifndef HOST_TEST
static inline void irq_enable(void)  { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void wfi(void)         { __asm__ volatile("wfi" ::: "memory"); }

static inline uint32_t read_cpsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}
#endif /* !HOST_TEST */

#endif
