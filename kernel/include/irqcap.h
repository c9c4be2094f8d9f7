/*
 * kernel/include/irqcap.h -- interrupts delivered to user space as LMP
 * messages (kernel/irqcap.c).
 */
#ifndef SPRAT_IRQCAP_H
#define SPRAT_IRQCAP_H

#include <types.h>

/* The last IRQ capability for irq was deleted: disconnect and mask it. */
void irqcap_destroy(unsigned irq);

/* Retry messages that found their endpoint's buffer full (timer tick). */
void irqcap_retry(void);

#endif
