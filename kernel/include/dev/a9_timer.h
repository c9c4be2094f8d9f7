/*
 * kernel/include/dev/a9_timer.h -- the Cortex-A9 MPCore private timer and
 * global timer (Cortex-A9 MPCore TRM, ARM DDI 0407, chapter 4).
 *
 * Both count at PERIPHCLK divided by (prescaler + 1).
 */
#ifndef DEV_A9_TIMER_H
#define DEV_A9_TIMER_H

#include <types.h>

/* Offsets of the two timers from the MPCore private memory base. */
#define A9_GLOBAL_TIMER_OFFSET   0x200
#define A9_PRIVATE_TIMER_OFFSET  0x600

/* Interrupt IDs (private peripheral interrupts, DDI 0407 3.3). */
#define A9_GLOBAL_TIMER_IRQ      27
#define A9_PRIVATE_TIMER_IRQ     29

void a9_timer_init(volatile void *global_base, volatile void *private_base,
                   uint32_t periphclk_hz);
/* A secondary core: its own private timer, the running global timer. */
void a9_timer_init_secondary(volatile void *global_base,
                             volatile void *private_base, uint32_t periphclk_hz);
void a9_private_timer_start(uint32_t hz);
void a9_private_timer_stop(void);
void a9_private_timer_ack(void);
uint64_t a9_global_timer_read(void);
uint32_t a9_global_timer_hz(void);

#endif
