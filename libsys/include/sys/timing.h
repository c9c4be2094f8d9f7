/*
 * libsys/include/sys/timing.h -- timing for benchmarks (docs/lmp.md,
 * "Measuring").
 *
 * The clock is the kernel's timestamp counter (SYS_NOP/NOP_TIMESTAMP):
 * the CPU's cycle counter (PMCCNTR) where it works -- the kernel checks at
 * boot that it advances, owns it and widens it to 64 bits -- and the
 * board's fixed-frequency counter otherwise (on the Cortex-A9 the global
 * timer; QEMU's Cortex-A9 model has no working cycle counter).  Results
 * come in "cycles" from the first and in "ns" from the second; under
 * QEMU's `-icount shift=0` a nanosecond is exactly one guest instruction,
 * and on QEMU's `virt` board so is a cycle.
 *
 * A reading is a system call: measure many iterations between two
 * readings, or subtract the cost of one (timing_now() twice in a row).
 */
#ifndef LIBSYS_TIMING_H
#define LIBSYS_TIMING_H

#include <stdbool.h>
#include <stdint.h>

/* Ask the kernel which clock it has; true if it counts cycles. */
bool timing_init(void);
/* The clock's raw reading: cycles, or the board timer's ticks (10 ns
 * each on vexpress-a9) -- only for timing_mean_x10. */
uint64_t timing_now(void);
/* The clock in the benchmark unit, timing_unit(): cycles, or ticks turned
 * into nanoseconds.  Under QEMU's -icount shift=0 both are guest
 * instructions, the unit every benchmark result is in.  Use this one to
 * read time yourself. */
uint64_t timing_now_units(void);
/* "cycles" or "ns": the unit timing_mean_x10 reports in. */
const char *timing_unit(void);
/* The mean of (t1 - t0) over n, in tenths of timing_unit(). */
uint64_t timing_mean_x10(uint64_t t0, uint64_t t1, uint64_t n);
/* The same in 1/scale of timing_unit() (scale 1000: thousandths). */
uint64_t timing_mean_scaled(uint64_t t0, uint64_t t1, uint64_t n, uint32_t scale);

#endif
