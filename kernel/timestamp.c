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

/*
 * The board counter may stand still: the Cortex-A9 global timer reads as
 * zero from the Non-secure world unless the Secure side opened it (SCU
 * Non-secure Access Control Register, Cortex-A9 MPCore TRM 2.2.9), which
 * the PandaBoard's ROM decides, not Sprat.  So the wait for it is bounded:
 * 2^28 cycles is 0.2 s at 1.2 GHz and 25 times the window at any clock
 * below 2.6 GHz.  Without a board counter the cycle counter still counts
 * exactly; only its rate is unknown, and FALLBACK_CYCLES_HZ is assumed
 * (and printed) so that durations stay finite.
 */
#define MEASURE_MAX_CYCLES  (1ull << 28)
#define FALLBACK_CYCLES_HZ  1000000000u
/* Reads in which a working board counter must change (it ticks at tens of
 * MHz or more; one read takes a bus access). */
#define COUNTER_PROBE_READS 100000

static bool use_cycles;
static uint32_t cycles_hz;

static bool board_counter_advances(void)
{
    uint64_t first = plat_counter_read();
    for (unsigned i = 0; i < COUNTER_PROBE_READS; i++) {
        if (plat_counter_read() != first) {
            return true;
        }
    }
    return false;
}

/* The cycle counter's rate in Hz; 0 if the board counter did not advance
 * through the window within MEASURE_MAX_CYCLES. */
static uint32_t measure_cycles_hz(void)
{
    uint64_t window = plat_counter_hz() / MEASURE_PER_SECOND;
    uint64_t r0 = plat_counter_read();
    uint64_t c0 = pmu_cycle_counter_read();
    while (plat_counter_read() - r0 < window) {
        if (pmu_cycle_counter_read() - c0 > MEASURE_MAX_CYCLES) {
            return 0;
        }
    }
    uint64_t r1 = plat_counter_read();
    uint64_t c1 = pmu_cycle_counter_read();
    uint64_t hz = (c1 - c0) * plat_counter_hz() / (r1 - r0);
    return (uint32_t)((hz + HZ_PER_MHZ / 2) / HZ_PER_MHZ * HZ_PER_MHZ);
}

void timestamp_init(void)
{
    bool board_ok = board_counter_advances();
    bool pmu_ok = pmu_cycle_counter_start();

    use_cycles = false;
    if (pmu_ok && board_ok) {
        cycles_hz = measure_cycles_hz();
        use_cycles = cycles_hz != 0;
        board_ok = use_cycles;
    }
    if (board_ok) {
        return;
    }
    kprintf("time:  the board counter does not advance (it reads %u; the A9 "
            "global timer reads as zero in the Non-secure world unless the "
            "Secure side allows it)\n", (unsigned)plat_counter_read());
    if (pmu_ok) {
        use_cycles = true;
        cycles_hz = FALLBACK_CYCLES_HZ;
        kprintf("time:  timestamps count CPU cycles at an ASSUMED %u MHz\n",
                (unsigned)(FALLBACK_CYCLES_HZ / HZ_PER_MHZ));
    } else {
        kprintf("time:  no cycle counter either: timestamps stand still\n");
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
