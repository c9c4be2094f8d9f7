/*
 * kernel/arch/armv7/include/arch/asid.h -- address space identifiers and
 * the address-space switch (kernel/arch/armv7/asid.c; docs/dispatch.md,
 * section 6).
 *
 * An L1 table holds an ASID only while asid_owner[asid] is its TTBR0
 * value.  The kernel hands them out when a table is switched to, and when
 * all 255 are taken it takes them all back at once (a rollover: TLBIALL),
 * so no domain can exhaust them.  A DCB caches its table's ASID; the cache
 * is good while asid_valid() says so (the LMP fast path makes the same
 * test in assembly, lmp_fastpath.S block 10).
 */
#ifndef ARCH_ASID_H
#define ARCH_ASID_H

#include <types.h>

#define ASID_COUNT      256     /* 8-bit ASIDs; 0 is reserved (never owned) */

/* TTBR0 value of the table holding each ASID; 0 = free.  asid_owner[0]
 * stays 0, which no TTBR0 value equals (the walk bits are set). */
extern uint32_t asid_owner[ASID_COUNT];
/* How many rollovers there were (for tests and reports). */
extern uint32_t asid_rollovers;

static inline bool asid_valid(uint32_t asid, uint32_t ttbr0)
{
    return asid < ASID_COUNT && asid_owner[asid] == ttbr0;
}

/* The ASID of the table ttbr0 names: the one it holds, or a new one --
 * after a rollover if none is free.  Only on the way to vspace_load(). */
uint32_t asid_get(uint32_t ttbr0);
/* The table at physical address table is destroyed: leave it if it is
 * live, and take back its ASID with the TLB entries tagged with it. */
void asid_release(paddr_t table);

/* Switch to the table ttbr0 with ASID asid, in a sequence the ARM ARM
 * allows (asid.c explains which). */
void vspace_load(uint32_t ttbr0, uint32_t asid);
/* Leave every user table: TTBR0 = the kernel's own table (no user
 * entries), ASID 0. */
void vspace_leave(void);

#endif
