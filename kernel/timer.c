/*
 * kernel/timer.c -- the kernel tick: counts timer interrupts, ends time
 * slices, and retries interrupt messages that found a full buffer.
 */
#include <kernel.h>
#include <irq.h>
#include <plat.h>
#include <timer.h>
#include <dispatch.h>
#include <sched.h>
#include <irqcap.h>

volatile uint64_t kernel_ticks;

static void timer_irq(unsigned irq, void *arg)
{
    (void)irq;
    (void)arg;
    plat_timer_ack();
    kernel_ticks++;
    (void)plat_timestamp();     /* a 32-bit cycle counter must not wrap twice unseen */
    sched_tick();
    irqcap_retry();
    dispatch_retry_deaths();
}

void timer_start(uint32_t hz)
{
    irq_register(plat_timer_irq(), timer_irq, NULL);
    plat_timer_start(hz);
}

void timer_stop(void)
{
    plat_timer_stop();
    irq_unregister(plat_timer_irq());
}
