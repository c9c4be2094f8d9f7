/*
 * libsys/timing.c -- the benchmark clock (sys/timing.h).
 */
#include <sys/timing.h>
#include <sys/invoke.h>

#define PMOVSR_CYCLES   (1u << 31)      /* the cycle counter wrapped */

static bool use_cycles;
static uint32_t timestamp_hz;           /* the fallback clock's rate */
static uint32_t cycles_high;            /* the cycle counter's bits 63:32 */

static inline uint32_t read_pmccntr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c9, c13, 0" : "=r"(v));
    return v;
}

static inline uint32_t read_pmovsr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c9, c12, 3" : "=r"(v));
    return v;
}

static inline void clear_pmovsr_cycles(void)
{
    __asm__ volatile("mcr p15, 0, %0, c9, c12, 3" :: "r"(PMOVSR_CYCLES));
}

bool timing_init(void)
{
    sys_timestamp(&timestamp_hz);
    /* Does the cycle counter count?  A few hundred instructions between
     * two readings are plenty to tell. */
    uint32_t a = read_pmccntr();
    for (volatile int i = 0; i < 100; i++) {
    }
    uint32_t b = read_pmccntr();
    use_cycles = b != a;
    cycles_high = 0;
    if (use_cycles) {
        clear_pmovsr_cycles();
    }
    return use_cycles;
}

uint64_t timing_now(void)
{
    if (!use_cycles) {
        return sys_timestamp(NULL);
    }
    uint32_t lo = read_pmccntr();
    if (read_pmovsr() & PMOVSR_CYCLES) {
        /* It wrapped since the last reading (perhaps just now): count the
         * wrap, and read again so that lo belongs to the new high half. */
        clear_pmovsr_cycles();
        cycles_high++;
        lo = read_pmccntr();
    }
    return (uint64_t)cycles_high << 32 | lo;
}

const char *timing_unit(void)
{
    return use_cycles ? "cycles" : "ns";
}

uint64_t timing_mean_x10(uint64_t t0, uint64_t t1, uint64_t n)
{
    uint64_t d = t1 - t0;
    if (n == 0) {
        return 0;
    }
    if (use_cycles) {
        return d * 10 / n;
    }
    /* ticks -> tenths of a nanosecond, without overflowing 64 bits for
     * any measurement shorter than about half an hour */
    return d * 10000000000ull / timestamp_hz / n;
}
