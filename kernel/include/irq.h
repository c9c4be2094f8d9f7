/*
 * kernel/include/irq.h -- interrupt dispatch in the kernel.
 *
 * The kernel runs with interrupts masked; they are taken only from user
 * mode or from the idle loop.  irq_handle() acknowledges one interrupt at
 * the GIC, runs its handler and signals end-of-interrupt.
 */
#ifndef SPRAT_IRQ_H
#define SPRAT_IRQ_H

#include <types.h>

typedef void (*irq_handler_fn)(unsigned irq, void *arg);

/* Route interrupt irq to a kernel handler and unmask it at the GIC. */
void irq_register(unsigned irq, irq_handler_fn fn, void *arg);
void irq_unregister(unsigned irq);

void irq_handle(void);

/* Interrupts the GIC reported that nobody handles (counted, printed once). */
extern uint32_t irq_spurious_count;

#endif
