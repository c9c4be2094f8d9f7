/*
 * kernel/arch/armv7/cachemaint.c -- cache maintenance by address range:
 * new code made visible to instruction fetch, and translation tables made
 * visible to the table walker (<arch/cache.h>; docs/hardware.md, "Caches").
 * The whole-cache set/way walk used at boot is in cache.S.
 *
 * Every operation goes through <arch/cp15.h>, so the host test
 * (tests/host/test_cachemaint.c) runs this file against a fake CP15 that
 * records the operations and checks their order.
 */
#include <arch/cache.h>
#include <arch/cp15.h>

/* The smallest D-cache line: CTR.DminLine (bits 19:16) is log2 of its
 * size in words (ARM ARM B4.1.42).  32 bytes on the Cortex-A9. */
static uint32_t dcache_line_bytes(void)
{
    return 4u << ((cp15_read_ctr() >> 16) & 0xf);
}

/*
 * ARM ARM B2.2.9, "Ordering of cache and branch predictor maintenance
 * operations", and its example of "Ensuring the visibility of updates to
 * instructions for a uniprocessor": clean the data line to the point of
 * unification, DSB so the clean completes before the invalidation,
 * invalidate the instruction cache and the branch predictor, DSB so they
 * complete, ISB so this CPU fetches anew.  (The return to user mode is a
 * context synchronization too; the ISB covers code the kernel runs.)
 */
void cache_sync_code(const void *first, size_t bytes)
{
    uintptr_t line = dcache_line_bytes();
    uintptr_t end = (uintptr_t)first + bytes;

    for (uintptr_t a = (uintptr_t)first & ~(line - 1); a < end; a += line) {
        dccmvau(a);
    }
    dsb();
    iciallu();
    bpiall();
    dsb();
    isb();
}

/*
 * ARM ARM B3.10.1, "General TLB maintenance requirements", and B3.3.1,
 * "Translation table walks": when the walk is not coherent with the data
 * cache (ID_MMFR3.CoherentWalk; on the A9 only with ACTLR.SMP set), an
 * entry must be cleaned from the data cache, and a DSB must complete the
 * clean, before the walker may read it.  Cleaning to the point of
 * coherency also covers a walk made with different cacheability.
 */
void cache_clean_table(const void *first, size_t bytes)
{
    uintptr_t line = dcache_line_bytes();
    uintptr_t end = (uintptr_t)first + bytes;

    for (uintptr_t a = (uintptr_t)first & ~(line - 1); a < end; a += line) {
        dccmvac(a);
    }
    dsb();
}
