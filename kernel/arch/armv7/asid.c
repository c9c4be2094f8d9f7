/*
 * kernel/arch/armv7/asid.c -- address space identifiers (ASIDs) and the
 * switch from one address space to another (docs/dispatch.md, section 6).
 *
 * Every user mapping is non-global, so the TLB tags it with the ASID in
 * CONTEXTIDR.  There are 255 of them for user tables (ASID 0 is reserved:
 * no user table ever runs with it) and a domain can make as many L1 tables
 * as its memory allows, so ASIDs are not owned for good: a table holds one
 * while asid_owner[] says so.  When a table is switched to and none is
 * free, the kernel takes every ASID back at once -- a *rollover*: it
 * leaves all user tables, invalidates the whole TLB and starts again.
 * Tables that lost their ASID get a new one the next time they run.  So
 * no domain can exhaust the ASIDs: the worst it can do is cause
 * rollovers, which cost TLB refills, not service.
 *
 * The LMP fast path (lmp_fastpath.S, block 10) mirrors asid_valid() and
 * vspace_load() in assembly and calls dispatch_asid() when the test fails.
 */
#include <types.h>
#include <arch/asid.h>
#include <arch/cp15.h>

uint32_t asid_owner[ASID_COUNT];
uint32_t asid_rollovers;
static uint32_t asid_next = 1;          /* where the search for a free one starts */

#define TTBR_BASE(v)    ((v) & ~0x3fffu)    /* 16 KiB aligned L1 tables */

/*
 * The switch.  Writing CONTEXTIDR and TTBR0 one after the other is not
 * atomic: between the two writes the CPU may walk -- speculatively, too --
 * the old table with the new ASID (or the new table with the old one) and
 * keep the result in the TLB under the wrong ASID.  ARM ARM (ARM DDI
 * 0406C) B3.10.4, "Synchronization of changes of ASID and TTBR", gives
 * two safe sequences; we use the one through a table with only global
 * mappings (Linux does the same, cpu_set_reserved_ttbr0 then
 * cpu_v7_switch_mm):
 *
 *   1. TTBR0 = a table without any user entry, ISB: from here on no walk
 *      can load a non-global entry, whatever CONTEXTIDR says.  We use the
 *      kernel's own table (TTBR1): with TTBCR.N = 1 a TTBR0 walk reads only
 *      its lower half, which boot.S zeroed and nothing ever fills;
 *   2. DSB, CONTEXTIDR = the new ASID, ISB.  The DSB right before the
 *      write is the workaround for Cortex-A9 erratum 754322 ("possible
 *      faulty MMU translations following an ASID switch", r2 and r3);
 *   3. TTBR0 = the new table, ISB.
 *
 * No branch sits between a write and its ISB (B3.10.4 warns that the
 * branch predictor could associate a prediction with the wrong ASID).
 * This code and its data are reached through TTBR1's global mappings.
 */
static void reserved_table_then_asid(uint32_t asid)
{
    cp15_write_ttbr0(cp15_read_ttbr1());
    isb();
    dsb();
    cp15_write_contextidr(asid);
    isb();
}

/* Mirrored in lmp_fastpath.S, block 10 (which takes the kernel's table from
 * the DCB's kernel_ttbr, TTBR1's value saved by dispatch_setup). */
void vspace_load(uint32_t ttbr0, uint32_t asid)
{
    reserved_table_then_asid(asid);
    cp15_write_ttbr0(ttbr0);
    isb();
}

void vspace_leave(void)
{
    reserved_table_then_asid(0);
}

/* Every ASID back: nothing of the old round may stay live in CONTEXTIDR
 * or in the TLB when its numbers are handed out again. */
static void asid_rollover(void)
{
    vspace_leave();
    tlb_invalidate_all();               /* TLBIALL, DSB, ISB */
    for (unsigned a = 0; a < ASID_COUNT; a++) {
        asid_owner[a] = 0;
    }
    asid_next = 1;
    asid_rollovers++;
}

/* A free ASID, searching on from the last one handed out; 0 if none. */
static uint32_t asid_take_free(void)
{
    for (unsigned n = 1; n < ASID_COUNT; n++) {
        uint32_t a = asid_next;
        asid_next = a == ASID_COUNT - 1 ? 1 : a + 1;
        if (asid_owner[a] == 0) {
            return a;
        }
    }
    return 0;
}

uint32_t asid_get(uint32_t ttbr0)
{
    /* Dispatchers sharing a table share its ASID. */
    for (uint32_t a = 1; a < ASID_COUNT; a++) {
        if (asid_owner[a] == ttbr0) {
            return a;
        }
    }
    uint32_t a = asid_take_free();
    if (a == 0) {
        asid_rollover();
        a = asid_take_free();
    }
    asid_owner[a] = ttbr0;
    return a;
}

void asid_release(paddr_t table)
{
    if (TTBR_BASE(cp15_read_ttbr0()) == table) {
        vspace_leave();                 /* it is live: leave it first */
    }
    for (uint32_t a = 1; a < ASID_COUNT; a++) {
        if (asid_owner[a] != 0 && TTBR_BASE(asid_owner[a]) == table) {
            /* Only when no TLB entry is tagged with it may the number
             * serve another table. */
            tlb_invalidate_asid(a);     /* TLBIASID, DSB, ISB */
            asid_owner[a] = 0;
        }
    }
}
