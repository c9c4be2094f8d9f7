/*
 * kernel/include/dev/generic_timer.h -- the ARM Generic Timer of ARMv7
 * processors with the Virtualization or Large Physical Address Extensions,
 * such as the Cortex-A15 (ARM ARM, ARM DDI 0406C.d, chapter B8).
 *
 * Its registers are CP15 registers, not memory-mapped ones, and each CPU
 * has its own timers; their interrupts are private peripheral interrupts.
 */
#ifndef DEV_GENERIC_TIMER_H
#define DEV_GENERIC_TIMER_H

#include <types.h>

/* The virtual timer's interrupt: PPI 11, interrupt ID 16 + 11 (ARM ARM
 * leaves the number to the system; QEMU's virt board and Linux's
 * "arm,armv7-timer" binding use these). */
#define GENERIC_TIMER_VIRT_IRQ  27

/* Read the counter frequency (CNTFRQ, set by firmware) and park the
 * timer.  Panics if the frequency was never set. */
void generic_timer_init(void);
void generic_timer_start(uint32_t hz);
void generic_timer_stop(void);
void generic_timer_ack(void);
/* The 64-bit virtual count (CNTVCT) and its frequency. */
uint64_t generic_timer_count(void);
uint32_t generic_timer_hz(void);

#endif
