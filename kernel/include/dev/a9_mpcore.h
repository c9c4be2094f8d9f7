/*
 * kernel/include/dev/a9_mpcore.h -- the Cortex-A9 MPCore's private memory
 * region as a board's interrupt controller, kernel tick and counter: the
 * plat.h glue that every Cortex-A9 board (vexpress-a9, pandaboard) shares
 * (kernel/dev/a9_mpcore.c; docs/hardware.md).
 *
 * The region's layout is the Cortex-A9 MPCore TRM's (ARM DDI 0407G,
 * table 1-3); only its base address (PERIPHBASE) and PERIPHCLK are the
 * board's.
 */
#ifndef DEV_A9_MPCORE_H
#define DEV_A9_MPCORE_H

#define A9_GIC_CPU_OFFSET       0x0100  /* GIC CPU interface */
#define A9_GIC_DIST_OFFSET      0x1000  /* GIC distributor */
/* The Snoop Control Unit's configuration register: bits 1:0 = number of
 * Cortex-A9 processors - 1 (Cortex-A9 MPCore TRM r4p1 2.2.2, "SCU
 * Configuration Register"). */
#define A9_SCU_CONFIG_OFFSET    0x0004
#define A9_SCU_CONFIG_CPUS_MASK 0x3
/* GIC CPU interface registers a parked core sets up before its WFI
 * (the boards' pen.S; GICv1/v2 architecture spec, 4.4). */
#define GICC_CTLR_OFFSET        0x00
#define GICC_PMR_OFFSET         0x04

#ifndef __ASSEMBLY__
#include <types.h>

/* Map the bytes of the private region at periphbase and start the global
 * timer at periphclk_hz; returns the region's kernel address (the board
 * may have more there, e.g. the PandaBoard's PL310 at +0x2000).  It then
 * provides plat_irq_init, plat_timer_* and plat_counter_* (plat.h). */
volatile uint8_t *a9_mpcore_init(paddr_t periphbase, size_t bytes,
                                 uint32_t periphclk_hz);
/* PERIPHCLK turned out to be hz (a board that measures it). */
void a9_mpcore_set_periphclk(uint32_t hz);
/* The same on a core started later (each core's kernel has its own copy
 * of this file's state, docs/multikernel.md): map the region again in
 * this core's kernel_l1, and start this core's private timer; the global
 * timer runs already.  It then provides plat_irq_init_secondary and
 * plat_num_cores too. */
volatile uint8_t *a9_mpcore_init_secondary(paddr_t periphbase, size_t bytes,
                                           uint32_t periphclk_hz);
#endif /* __ASSEMBLY__ */

#endif
