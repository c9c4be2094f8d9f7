/*
 * kernel/dev/a9_mpcore.c -- plat.h's interrupt controller, tick and counter
 * on a Cortex-A9 board: the GIC, the private timer and the global timer of
 * the MPCore private memory region (dev/a9_mpcore.h; Cortex-A9 MPCore TRM,
 * ARM DDI 0407G, 1.5 and chapter 4).  Written once for every such board.
 */
#include <kernel.h>
#include <plat.h>
#include <arch/vm.h>
#include <dev/a9_mpcore.h>
#include <dev/a9_timer.h>
#include <dev/gicv2.h>
#include <smp.h>

static volatile uint8_t *periph;

volatile uint8_t *a9_mpcore_init(paddr_t periphbase, size_t bytes,
                                 uint32_t periphclk_hz)
{
    periph = dev_map(periphbase, bytes);
    a9_mpcore_set_periphclk(periphclk_hz);
    return periph;
}

void a9_mpcore_set_periphclk(uint32_t hz)
{
    a9_timer_init(periph + A9_GLOBAL_TIMER_OFFSET,
                  periph + A9_PRIVATE_TIMER_OFFSET, hz);
}

volatile uint8_t *a9_mpcore_init_secondary(paddr_t periphbase, size_t bytes,
                                           uint32_t periphclk_hz)
{
    periph = dev_map(periphbase, bytes);
    a9_timer_init_secondary(periph + A9_GLOBAL_TIMER_OFFSET,
                            periph + A9_PRIVATE_TIMER_OFFSET, periphclk_hz);
    return periph;
}

void plat_irq_init(void)
{
    gic_init(periph + A9_GIC_DIST_OFFSET, periph + A9_GIC_CPU_OFFSET);
}

void plat_irq_init_secondary(void)
{
    gic_init_secondary(periph + A9_GIC_DIST_OFFSET, periph + A9_GIC_CPU_OFFSET);
}

unsigned plat_num_cores(void)
{
    volatile uint32_t *scu = (volatile uint32_t *)(periph + A9_SCU_CONFIG_OFFSET);
    return (*scu & A9_SCU_CONFIG_CPUS_MASK) + 1;
}

void plat_timer_start(uint32_t hz) { a9_private_timer_start(hz); }
void plat_timer_stop(void)         { a9_private_timer_stop(); }
unsigned plat_timer_irq(void)      { return A9_PRIVATE_TIMER_IRQ; }
void plat_timer_ack(void)          { a9_private_timer_ack(); }

uint64_t plat_counter_read(void)   { return a9_global_timer_read(); }
uint32_t plat_counter_hz(void)     { return a9_global_timer_hz(); }
