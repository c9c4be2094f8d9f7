/*
 * kernel/dev/a9_timer.c -- the Cortex-A9 private timer (the kernel tick)
 * and global timer (a free-running 64-bit timestamp counter).
 * Register layout: Cortex-A9 MPCore TRM (ARM DDI 0407G) 4.1 and 4.3.
 */
#include <kernel.h>
#include <dev/a9_timer.h>

/* Private timer (DDI 0407G table 4-1). */
#define PT_LOAD         0x00
#define PT_COUNTER      0x04
#define PT_CONTROL      0x08
#define PT_INTSTAT      0x0c
#define PT_CTL_ENABLE       (1 << 0)
#define PT_CTL_AUTO_RELOAD  (1 << 1)
#define PT_CTL_IRQ_ENABLE   (1 << 2)

/* Global timer (DDI 0407G table 4-3). */
#define GT_COUNTER_LO   0x00
#define GT_COUNTER_HI   0x04
#define GT_CONTROL      0x08
#define GT_CTL_ENABLE   (1 << 0)

static volatile uint8_t *gt, *pt;
static uint32_t clock_hz;

static inline volatile uint32_t *reg(volatile uint8_t *base, unsigned off)
{
    return (volatile uint32_t *)(base + off);
}

/* This core's view: the private timer is banked per core, the global
 * timer's counter is one for all cores (Cortex-A9 MPCore TRM r4p1 4.1,
 * "About the private timer and watchdog blocks", and 4.3, "Global
 * timer"); a secondary core must not restart it. */
void a9_timer_init_secondary(volatile void *global_base,
                             volatile void *private_base, uint32_t periphclk_hz)
{
    gt = global_base;
    pt = private_base;
    clock_hz = periphclk_hz;
    *reg(pt, PT_CONTROL) = 0;
    *reg(pt, PT_INTSTAT) = 1;
}

void a9_timer_init(volatile void *global_base, volatile void *private_base,
                   uint32_t periphclk_hz)
{
    a9_timer_init_secondary(global_base, private_base, periphclk_hz);

    /* Global timer: prescaler 0, no comparator, just count. */
    *reg(gt, GT_CONTROL) = 0;
    *reg(gt, GT_COUNTER_LO) = 0;
    *reg(gt, GT_COUNTER_HI) = 0;
    *reg(gt, GT_CONTROL) = GT_CTL_ENABLE;
}

void a9_private_timer_start(uint32_t hz)
{
    /* The timer counts down from LOAD to 0, then raises the interrupt and
     * reloads: a period of LOAD + 1 ticks. */
    *reg(pt, PT_CONTROL) = 0;
    *reg(pt, PT_INTSTAT) = 1;
    *reg(pt, PT_LOAD) = clock_hz / hz - 1;
    *reg(pt, PT_CONTROL) = PT_CTL_ENABLE | PT_CTL_AUTO_RELOAD | PT_CTL_IRQ_ENABLE;
}

void a9_private_timer_stop(void)
{
    *reg(pt, PT_CONTROL) = 0;
    *reg(pt, PT_INTSTAT) = 1;
}

void a9_private_timer_ack(void)
{
    *reg(pt, PT_INTSTAT) = 1;       /* write 1 to clear the event flag */
}

uint64_t a9_global_timer_read(void)
{
    /* The counter is two 32-bit registers: re-read if the upper half
     * changed while we read the lower one (DDI 0407G 4.3.1). */
    uint32_t hi, lo, hi2;
    do {
        hi = *reg(gt, GT_COUNTER_HI);
        lo = *reg(gt, GT_COUNTER_LO);
        hi2 = *reg(gt, GT_COUNTER_HI);
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

uint32_t a9_global_timer_hz(void)
{
    return clock_hz;
}
