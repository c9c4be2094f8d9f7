/*
 * kernel/dev/generic_timer.c -- the ARM Generic Timer as the kernel tick
 * and as a fixed-frequency counter (ARM ARM, ARM DDI 0406C.d, chapter B8).
 *
 * We use the *virtual* timer and counter.  PL1 may always use them, while
 * the physical ones can be trapped to Hyp mode by CNTHCTL; with no
 * hypervisor the virtual offset CNTVOFF is 0 and both count the same.
 *
 * The timer is a comparator, not a down-counter with reload: it raises its
 * (level-sensitive) interrupt while CNTVCT >= CNTV_CVAL.  A periodic tick
 * is made by moving CVAL one period further at every interrupt, which keeps
 * the ticks on a fixed grid however late the handler runs.
 */
#include <kernel.h>
#include <dev/generic_timer.h>
#include <arch/cp15.h>

/* CNTV_CTL bits (ARM ARM chapter B8 and the CNTV_CTL description in B4). */
#define CNT_CTL_ENABLE      (1u << 0)
#define CNT_CTL_IMASK       (1u << 1)   /* interrupt masked */

static uint32_t counter_hz;
static uint64_t period;             /* counts per tick, 0 when stopped */
static uint64_t next_deadline;      /* the CVAL of the next tick */

/* CP15 encodings of the timer registers (ARM ARM chapter B8, "Generic
 * Timer registers summary"). */
static inline uint32_t read_cntfrq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
    return v;
}

static inline void write_cntkctl(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c1, 0" :: "r"(v));
    isb();
}

static inline void write_cntv_ctl(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1" :: "r"(v));
    isb();
}

static inline void write_cntv_cval(uint64_t v)
{
    __asm__ volatile("mcrr p15, 3, %Q0, %R0, c14" :: "r"(v));
    isb();
}

uint64_t generic_timer_count(void)
{
    uint64_t v;
    isb();      /* CNTVCT may be read early (out of order) otherwise */
    __asm__ volatile("mrrc p15, 1, %Q0, %R0, c14" : "=r"(v));
    return v;
}

uint32_t generic_timer_hz(void)
{
    return counter_hz;
}

void generic_timer_init(void)
{
    counter_hz = read_cntfrq();
    if (counter_hz == 0) {
        panic("generic timer: CNTFRQ is 0 (the boot firmware did not set it)");
    }
    /* No user access to the counters or timers (CNTKCTL = 0). */
    write_cntkctl(0);
    write_cntv_ctl(CNT_CTL_IMASK);
}

void generic_timer_start(uint32_t hz)
{
    period = counter_hz / hz;
    next_deadline = generic_timer_count() + period;
    write_cntv_cval(next_deadline);
    write_cntv_ctl(CNT_CTL_ENABLE);
}

void generic_timer_stop(void)
{
    write_cntv_ctl(CNT_CTL_IMASK);
    period = 0;
}

void generic_timer_ack(void)
{
    if (period == 0) {
        return;
    }
    /* The next tick on the grid that is still in the future: ticks missed
     * while interrupts were masked are dropped, not replayed in a burst
     * (the same as the Cortex-A9 private timer's auto-reload). */
    uint64_t now = generic_timer_count();
    next_deadline += period;
    if (next_deadline <= now) {
        next_deadline += ((now - next_deadline) / period + 1) * period;
    }
    write_cntv_cval(next_deadline);     /* also drops the interrupt line */
}
