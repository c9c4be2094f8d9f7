/*
 * kernel/irq.c -- routing interrupts to their kernel handlers.
 */
#include <kernel.h>
#include <irq.h>
#include <dev/gicv2.h>

#define MAX_IRQS 1024

static struct {
    irq_handler_fn fn;
    void *arg;
} handlers[MAX_IRQS];

uint32_t irq_spurious_count;

void irq_register(unsigned irq, irq_handler_fn fn, void *arg)
{
    assert(irq < MAX_IRQS);
    handlers[irq].fn = fn;
    handlers[irq].arg = arg;
    gic_enable(irq);
}

void irq_unregister(unsigned irq)
{
    assert(irq < MAX_IRQS);
    gic_disable(irq);
    handlers[irq].fn = NULL;
    handlers[irq].arg = NULL;
}

void irq_handle(const struct trap_frame *tf)
{
    unsigned irq = gic_ack();

    if (irq == GIC_SPURIOUS) {
        irq_spurious_count++;
        return;         /* nothing to acknowledge (IHI 0048B 3.2.5) */
    }
    if (irq < MAX_IRQS && handlers[irq].fn != NULL) {
        handlers[irq].fn(irq, handlers[irq].arg);
    } else {
        /* Unexpected: mask it so it cannot storm, and say so once. */
        kprintf("unexpected IRQ %u: masked; interrupted context:\n", irq);
        trap_frame_dump(tf);
        gic_disable(irq);
        irq_spurious_count++;
    }
    gic_eoi(irq);
}
