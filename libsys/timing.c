/*
 * libsys/timing.c -- the benchmark clock (sys/timing.h).
 */
#include <sys/timing.h>
#include <sys/invoke.h>

static bool cycles;         /* the kernel's timestamps count CPU cycles */
static uint32_t hz;         /* ... at this rate */

bool timing_init(void)
{
    cycles = sys_timestamp_source(&hz) == TIMESTAMP_SRC_CYCLES;
    return cycles;
}

uint64_t timing_now(void)
{
    return sys_timestamp(NULL);
}

uint64_t timing_now_units(void)
{
    if (hz == 0) {
        timing_init();
    }
    uint64_t t = sys_timestamp(NULL);
    if (cycles || hz == 0) {
        return t;
    }
    /* ticks -> ns, in two parts so that no product overflows */
    return t / hz * 1000000000ull + t % hz * 1000000000ull / hz;
}

const char *timing_unit(void)
{
    return cycles ? "cycles" : "ns";
}

uint64_t timing_mean_scaled(uint64_t t0, uint64_t t1, uint64_t n, uint32_t scale)
{
    uint64_t d = t1 - t0;
    if (n == 0 || hz == 0) {
        return 0;
    }
    if (cycles) {
        return d * scale / n;
    }
    /* ticks -> nanoseconds x scale; with scale 10, no 64-bit overflow for
     * any measurement shorter than about half an hour at 100 MHz (scale
     * 1000: about 18 seconds) */
    return d * scale * 1000000000ull / hz / n;
}

uint64_t timing_mean_x10(uint64_t t0, uint64_t t1, uint64_t n)
{
    return timing_mean_scaled(t0, t1, n, 10);
}
