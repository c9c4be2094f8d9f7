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
#include <arch/trap.h>

typedef void (*irq_handler_fn)(unsigned irq, void *arg);

/* Route interrupt irq to a kernel handler and unmask it at the GIC. */
void irq_register(unsigned irq, irq_handler_fn fn, void *arg);
void irq_unregister(unsigned irq);

/* Handle one interrupt; tf is the interrupted context (for the register
 * dump of an unexpected one). */
void irq_handle(const struct trap_frame *tf);

/* Interrupts the GIC reported that nobody handles: spurious ones, and
 * lines without a handler (reported with a register dump and masked). */
extern uint32_t irq_spurious_count;

#endif
