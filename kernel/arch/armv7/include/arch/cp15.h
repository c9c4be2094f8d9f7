/*
 * kernel/arch/armv7/include/arch/cp15.h -- access to CP15 system registers,
 * barriers and cache/TLB maintenance (ARM ARM B4).  One inline function per
 * register, named after the register.
 */
#ifndef ARCH_CP15_H
#define ARCH_CP15_H

#include <types.h>

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

static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void dmb(void) { __asm__ volatile("dmb" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }

/* Invalidate the whole unified TLB (TLBIALL). */
static inline void tlb_invalidate_all(void)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" :: "r"(0) : "memory");
    dsb();
    isb();
}

/* Invalidate the TLB entries of one ASID (TLBIASID). */
static inline void tlb_invalidate_asid(uint32_t asid)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 2" :: "r"(asid & 0xff) : "memory");
    dsb();
    isb();
}

/* Invalidate one page's entry for every ASID (TLBIMVAA is an MP Extensions
 * op the A9 has; TLBIMVA with the ASID is the portable one). */
static inline void tlb_invalidate_page(vaddr_t va, uint32_t asid)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 1"
                     :: "r"((va & ~0xfffu) | (asid & 0xff)) : "memory");
    dsb();
    isb();
}

/* Clean one data cache line to the point of coherency (DCCMVAC): needed
 * after writing a translation table entry on CPUs whose table walker does
 * not snoop L1 (the A9 walker reads through L1 only when TTBR says so). */
static inline void dcache_clean_line(lvaddr_t va)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c10, 1" :: "r"(va) : "memory");
}

static inline void icache_invalidate_all(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 0" :: "r"(0) : "memory"); /* ICIALLU */
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 6" :: "r"(0) : "memory"); /* BPIALL */
    dsb();
    isb();
}

static inline void irq_enable(void)  { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void wfi(void)         { __asm__ volatile("wfi" ::: "memory"); }

static inline uint32_t read_cpsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}

#endif
