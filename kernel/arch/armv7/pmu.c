/*
 * kernel/arch/armv7/pmu.c -- PMCCNTR, the CPU cycle counter, as a 64-bit
 * timestamp (ARM ARM, ARM DDI 0406C.d, chapter C12 "The Performance
 * Monitors Extension", registers PMCR, PMCNTENSET, PMOVSR, PMCCNTR,
 * PMUSERENR).
 *
 * Only the cycle counter is used, counting every cycle (no divide-by-64),
 * in every mode; user mode cannot read it (PMUSERENR = 0).
 */
#include <kernel.h>
#include <arch/cp15.h>
#include <arch/pmu.h>

/* PMCR bits */
#define PMCR_E          (1u << 0)   /* enable all counters */
#define PMCR_C          (1u << 2)   /* reset the cycle counter to 0 */
#define PMCR_D          (1u << 3)   /* count every 64th cycle */
/* Bit 31 of PMCNTENSET and PMOVSR is the cycle counter. */
#define PMU_CYCLE_BIT   (1u << 31)

/* A few hundred instructions take at least as many cycles on any core. */
#define PROBE_LOOPS     256

static uint32_t wraps;      /* upper 32 bits of the 64-bit count */

bool pmu_cycle_counter_start(void)
{
    cp15_write_pmuserenr(0);
    cp15_write_pmcntenset(PMU_CYCLE_BIT);
    cp15_write_pmovsr(PMU_CYCLE_BIT);           /* write 1 to clear */
    cp15_write_pmcr((cp15_read_pmcr() | PMCR_E | PMCR_C) & ~PMCR_D);
    isb();
    wraps = 0;

    uint32_t before = cp15_read_pmccntr();
    for (volatile unsigned i = 0; i < PROBE_LOOPS; i++) {
    }
    return cp15_read_pmccntr() != before;
}

uint64_t pmu_cycle_counter_read(void)
{
    /* If the overflow flag is set, the counter wrapped since the last
     * call: account for it and re-read, so that a wrap between the first
     * read and the flag check cannot pair an old low word with the new
     * high word. */
    uint32_t low = cp15_read_pmccntr();
    if (cp15_read_pmovsr() & PMU_CYCLE_BIT) {
        cp15_write_pmovsr(PMU_CYCLE_BIT);
        wraps++;
        low = cp15_read_pmccntr();
    }
    return ((uint64_t)wraps << 32) | low;
}
