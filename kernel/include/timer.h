/*
 * kernel/include/timer.h -- the kernel's periodic tick.
 */
#ifndef SPRAT_TIMER_H
#define SPRAT_TIMER_H

#include <types.h>

/* Ticks per second of the kernel timer (the scheduler's time base). */
#define KERNEL_TICK_HZ  100

/* Start the tick at hz interrupts per second. */
void timer_start(uint32_t hz);
void timer_stop(void);

/* Number of timer interrupts since boot. */
extern volatile uint64_t kernel_ticks;

#endif
