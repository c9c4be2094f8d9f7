/*
 * kernel/dev/gicv2.c -- driver for the GICv2 distributor and CPU interface.
 *
 * Sprat runs on one core, so every shared interrupt targets CPU 0, all have
 * the same priority, and there is no preemption between interrupts (the
 * kernel masks IRQs while it runs anyway).
 */
#include <kernel.h>
#include <dev/gicv2.h>

/* Distributor registers (IHI 0048B table 4-1), byte offsets. */
#define GICD_CTLR           0x000   /* enable forwarding to CPU interfaces */
#define GICD_TYPER          0x004   /* ITLinesNumber: (lines / 32) - 1 */
#define GICD_ISENABLER      0x100   /* set-enable, 1 bit per interrupt */
#define GICD_ICENABLER      0x180   /* clear-enable */
#define GICD_ICPENDR        0x280   /* clear-pending */
#define GICD_IPRIORITYR     0x400   /* priority, 1 byte per interrupt */
#define GICD_ITARGETSR      0x800   /* CPU targets, 1 byte per interrupt */
#define GICD_ICFGR          0xc00   /* edge/level, 2 bits per interrupt */
#define GICD_SGIR           0xf00   /* software-generated interrupts */
#define GICD_SGIR_TO_SELF   (2u << 24)  /* TargetListFilter: the writing CPU */

/* CPU interface registers (IHI 0048B table 4-2). */
#define GICC_CTLR           0x00    /* enable signalling to the processor */
#define GICC_PMR            0x04    /* priority mask: lower value = higher */
#define GICC_BPR            0x08    /* binary point */
#define GICC_IAR            0x0c    /* interrupt acknowledge */
#define GICC_EOIR           0x10    /* end of interrupt */

/* All interrupts get this priority; the mask lets every priority through.
 * (Implementations may support as few as 16 priority levels, using only
 * the top 4 bits, so both values keep their low nibble clear.) */
#define GIC_DEFAULT_PRIORITY    0xa0
#define GIC_PRIORITY_MASK_ALL   0xf0
#define GIC_TARGET_CPU0         0x01
#define GIC_IAR_ID_MASK         0x3ff

static volatile uint8_t *gicd;
static volatile uint8_t *gicc;
static unsigned num_irqs;

static inline uint32_t rd(volatile uint8_t *base, unsigned off)
{
    return *(volatile uint32_t *)(base + off);
}

static inline void wr(volatile uint8_t *base, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

void gic_init(volatile void *dist, volatile void *cpu)
{
    gicd = dist;
    gicc = cpu;
    num_irqs = 32 * ((rd(gicd, GICD_TYPER) & 0x1f) + 1);
    if (num_irqs > 1020) {
        num_irqs = 1020;
    }

    wr(gicd, GICD_CTLR, 0);
    for (unsigned i = 0; i < num_irqs; i += 32) {
        wr(gicd, GICD_ICENABLER + i / 8, 0xffffffff);
        wr(gicd, GICD_ICPENDR + i / 8, 0xffffffff);
    }
    for (unsigned i = 0; i < num_irqs; i++) {
        gicd[GICD_IPRIORITYR + i] = GIC_DEFAULT_PRIORITY;
        /* ITARGETSR for SGIs and PPIs is read-only (banked per CPU). */
        if (i >= GIC_SPI_BASE) {
            gicd[GICD_ITARGETSR + i] = GIC_TARGET_CPU0;
        }
    }
    /* Shared peripheral interrupts level-sensitive (ICFGR = 0b00 per irq
     * for the UARTs and timers we use). */
    for (unsigned i = GIC_SPI_BASE; i < num_irqs; i += 16) {
        wr(gicd, GICD_ICFGR + i / 4, 0);
    }
    wr(gicd, GICD_CTLR, 1);

    wr(gicc, GICC_PMR, GIC_PRIORITY_MASK_ALL);
    wr(gicc, GICC_BPR, 0);
    wr(gicc, GICC_CTLR, 1);
}

void gic_enable(unsigned irq)
{
    wr(gicd, GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void gic_disable(unsigned irq)
{
    wr(gicd, GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

unsigned gic_ack(void)
{
    return rd(gicc, GICC_IAR) & GIC_IAR_ID_MASK;
}

void gic_eoi(unsigned irq)
{
    wr(gicc, GICC_EOIR, irq);
}

unsigned gic_num_irqs(void)
{
    return num_irqs;
}

void gic_raise_sgi(unsigned sgi)
{
    wr(gicd, GICD_SGIR, GICD_SGIR_TO_SELF | (sgi & 0xf));
}
