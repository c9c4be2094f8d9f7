/*
 * kernel/arch/armv7/include/arch/pmu.h -- the cycle counter of the ARMv7
 * Performance Monitors (ARM ARM, ARM DDI 0406C.d, chapter C12).
 */
#ifndef ARCH_PMU_H
#define ARCH_PMU_H

#include <types.h>

/* Enable and reset PMCCNTR; true if it then really counts.  (QEMU's
 * Cortex-A9 model accepts the registers but its counter stands still.) */
bool pmu_cycle_counter_start(void);

/* The cycle count since pmu_cycle_counter_start(), widened to 64 bits.
 * The hardware counter has 32 bits; a wrap is seen in the overflow flag,
 * so this must be called at least once per 2^32 cycles (the kernel tick
 * does that). */
uint64_t pmu_cycle_counter_read(void);

#endif
