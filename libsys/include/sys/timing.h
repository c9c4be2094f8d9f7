/*
 * libsys/include/sys/timing.h -- timing for benchmarks (docs/lmp.md,
 * "Measuring").
 *
 * The clock is the CPU's cycle counter (PMCCNTR) where it works: the
 * kernel starts it and lets user mode read it, so a reading is one
 * instruction.  timing_init() checks that it advances; where it does not
 * (QEMU's Cortex-A9 model reads 0) the clock is the board's timestamp
 * counter instead -- on the Cortex-A9 the global timer -- read through a
 * null system call, and results are given in nanoseconds.  Under QEMU's
 * `-icount shift=0` a nanosecond is exactly one guest instruction, so
 * there a "ns" figure is an instruction count.
 *
 * The cycle counter is 32 bits wide; timing_now() extends it to 64 with
 * the overflow flag, which is right as long as the counter is read at
 * least once per 2^32 cycles (4 s at 1 GHz) and only one domain at a time
 * does so.
 */
#ifndef LIBSYS_TIMING_H
#define LIBSYS_TIMING_H

#include <stdbool.h>
#include <stdint.h>

/* Pick the clock; returns true if it is the cycle counter. */
bool timing_init(void);
/* The clock's raw reading (cycles, or timestamp-counter ticks). */
uint64_t timing_now(void);
/* "cycles" or "ns": the unit timing_mean_x10 reports in. */
const char *timing_unit(void);
/* The mean of (t1 - t0) over n, in tenths of timing_unit(). */
uint64_t timing_mean_x10(uint64_t t0, uint64_t t1, uint64_t n);

#endif
