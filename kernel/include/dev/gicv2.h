/*
 * kernel/include/dev/gicv2.h -- the ARM Generic Interrupt Controller v2
 * (distributor + CPU interface), as in the Cortex-A9 MPCore, the OMAP4460
 * and QEMU's virt board.  Reference: ARM IHI 0048B, "GIC Architecture
 * Specification v2".
 */
#ifndef DEV_GICV2_H
#define DEV_GICV2_H

#include <types.h>

/* Interrupt ID ranges (IHI 0048B 2.2.1). */
#define GIC_SGI_BASE        0       /* 0-15: software-generated */
#define GIC_PPI_BASE        16      /* 16-31: private peripheral */
#define GIC_SPI_BASE        32      /* 32-1019: shared peripheral */
#define GIC_SPURIOUS        1023    /* "no pending interrupt" */

/* The security state the kernel runs in, as the GIC sees it (gic_init
 * finds out; docs/hardware.md, "Security state"). */
enum gic_world {
    GIC_WORLD_NO_EXTENSIONS,    /* a GIC without Security Extensions */
    GIC_WORLD_SECURE,
    GIC_WORLD_NON_SECURE,
};
enum gic_world gic_world(void);
const char *gic_world_name(enum gic_world w);

/* dist and cpu are the (already mapped) register bases. */
void gic_init(volatile void *dist, volatile void *cpu);
void gic_enable(unsigned irq);
void gic_disable(unsigned irq);
/* Acknowledge the highest-priority pending interrupt: returns its ID, or
 * GIC_SPURIOUS. */
unsigned gic_ack(void);
void gic_eoi(unsigned irq);
unsigned gic_num_irqs(void);
/* Raise software-generated interrupt sgi (0-15) on this CPU. */
void gic_raise_sgi(unsigned sgi);
/* A secondary core: its banked SGI/PPI registers and CPU interface only. */
void gic_init_secondary(volatile void *dist, volatile void *cpu);
/* Raise SGI sgi on another core (an inter-processor interrupt). */
void gic_send_sgi(unsigned core, unsigned sgi);
/* This core's CPU interface off: no interrupt reaches it any more. */
void gic_cpu_off(void);

#endif
