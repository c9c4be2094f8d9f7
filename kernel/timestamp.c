/*
 * kernel/timestamp.c -- the kernel's timestamp counter, for benchmarks and
 * tests (and user space through SYS_NOP/NOP_TIMESTAMP).
 *
 * The best clock for measuring code is the CPU's own cycle counter,
 * PMCCNTR: it counts exactly what the code costs, and under QEMU's
 * `-icount shift=0` one cycle is one instruction.  Not every CPU model has
 * a working one (QEMU's Cortex-A9 does not), so at start-up we check
 * whether it advances and otherwise fall back to the board's
 * fixed-frequency counter.  Nothing tells us the CPU's clock rate, so when
 * the cycle counter is used its frequency is measured against the board
 * counter, whose rate is known.
 */
#include <kernel.h>
#include <plat.h>
#include <arch/pmu.h>
#include <sprat/syscall.h>

/* Measure the cycle counter over about 10 ms of board time and round the
 * result to whole MHz: clock rates are set by PLLs in MHz steps, and the
 * rounding hides the few cycles the measuring itself adds.  Each end of
 * the interval reads both counters back to back, so what matters is only
 * how far apart those two reads are, not when the interval starts. */
#define MEASURE_PER_SECOND  100
#define HZ_PER_MHZ          1000000u

static bool use_cycles;
static uint32_t cycles_hz;

static uint32_t measure_cycles_hz(void)
{
    uint64_t window = plat_counter_hz() / MEASURE_PER_SECOND;
    uint64_t r0 = plat_counter_read();
    uint64_t c0 = pmu_cycle_counter_read();
    while (plat_counter_read() - r0 < window) {
    }
    uint64_t r1 = plat_counter_read();
    uint64_t c1 = pmu_cycle_counter_read();
    uint64_t hz = (c1 - c0) * plat_counter_hz() / (r1 - r0);
    return (uint32_t)((hz + HZ_PER_MHZ / 2) / HZ_PER_MHZ * HZ_PER_MHZ);
}

void timestamp_init(void)
{
    use_cycles = false;
    if (pmu_cycle_counter_start()) {
        cycles_hz = measure_cycles_hz();
        use_cycles = cycles_hz != 0;
    }
}

uint64_t plat_timestamp(void)
{
    return use_cycles ? pmu_cycle_counter_read() : plat_counter_read();
}

uint32_t plat_timestamp_hz(void)
{
    return use_cycles ? cycles_hz : plat_counter_hz();
}

unsigned plat_timestamp_source(void)
{
    return use_cycles ? TIMESTAMP_SRC_CYCLES : TIMESTAMP_SRC_TIMER;
}
