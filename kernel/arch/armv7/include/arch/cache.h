/*
 * kernel/arch/armv7/include/arch/cache.h -- the two cache maintenance
 * sequences the kernel's C code needs (kernel/arch/armv7/cachemaint.c;
 * docs/hardware.md, "Caches").
 *
 * ARMv7's instruction and data caches are not coherent with each other, and
 * on a uniprocessor Cortex-A9 (ACTLR.SMP = 0) the translation table walker
 * does not look into the L1 data cache.  QEMU models neither, so a missing
 * maintenance operation only shows on hardware; tests/host/test_cachemaint.c
 * checks the order of these operations with a fake CP15.
 */
#ifndef ARCH_CACHE_H
#define ARCH_CACHE_H

#include <types.h>

/* Instructions were written to [first, first + bytes) through the data side
 * (a kernel pointer; the A9's L1 D-cache is PIPT, so any alias of the
 * memory will do): make instruction fetch from any alias see them.  Cleans
 * each D-cache line to the point of unification, then invalidates the whole
 * I-cache (it is VIPT: ICIALLU reaches every alias) and the branch
 * predictor, then DSB and ISB. */
void cache_sync_code(const void *first, size_t bytes);

/* Translation table entries in [first, first + bytes) were written: clean
 * them to memory, then DSB, so the table walker sees them.  Changing an
 * entry that may be cached in a TLB also needs TLB maintenance after this. */
void cache_clean_table(const void *first, size_t bytes);

#endif
