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

#include <types.h>

#define A9_GIC_CPU_OFFSET       0x0100  /* GIC CPU interface */
#define A9_GIC_DIST_OFFSET      0x1000  /* GIC distributor */

/* Map the bytes of the private region at periphbase and start the global
 * timer at periphclk_hz; returns the region's kernel address (the board
 * may have more there, e.g. the PandaBoard's PL310 at +0x2000).  It then
 * provides plat_irq_init, plat_timer_* and plat_counter_* (plat.h). */
volatile uint8_t *a9_mpcore_init(paddr_t periphbase, size_t bytes,
                                 uint32_t periphclk_hz);
/* PERIPHCLK turned out to be hz (a board that measures it). */
void a9_mpcore_set_periphclk(uint32_t hz);

#endif
