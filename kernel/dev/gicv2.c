/*
 * kernel/dev/gicv2.c -- driver for the GICv2 distributor and CPU interface.
 *
 * Devices belong to the boot core's CPU driver, so every shared interrupt
 * targets CPU 0; a secondary core sets up only its banked SGIs/PPIs and its
 * CPU interface (gic_init_secondary; docs/multikernel.md).  All have
 * the same priority, and there is no preemption between interrupts (the
 * kernel masks IRQs while it runs anyway).
 *
 * The same code runs in either security state (docs/hardware.md,
 * "Security state"): QEMU's boards start the kernel Secure (or on a GIC
 * without Security Extensions), the PandaBoard's U-Boot leaves it
 * Non-secure.  gic_init() finds out which and says so; the priorities are
 * chosen to work in both views.
 */
#include <kernel.h>
#include <dev/gicv2.h>

/* Distributor registers (IHI 0048B table 4-1), byte offsets. */
#define GICD_CTLR           0x000   /* enable forwarding to CPU interfaces */
#define GICD_TYPER          0x004   /* ITLinesNumber: (lines / 32) - 1 */
#define   GICD_TYPER_SECURITY_EXTN (1u << 10)
#define GICD_IGROUPR        0x080   /* interrupt group, 1 bit per interrupt */
#define GICD_ISENABLER      0x100   /* set-enable, 1 bit per interrupt */
#define GICD_ICENABLER      0x180   /* clear-enable */
#define GICD_ICPENDR        0x280   /* clear-pending */
#define GICD_IPRIORITYR     0x400   /* priority, 1 byte per interrupt */
#define GICD_ITARGETSR      0x800   /* CPU targets, 1 byte per interrupt */
#define GICD_ICFGR          0xc00   /* edge/level, 2 bits per interrupt */
#define GICD_SGIR           0xf00   /* software-generated interrupts */
#define GICD_SGIR_TO_SELF   (2u << 24)  /* TargetListFilter: the writing CPU */
#define GICD_SGIR_TARGETS_SHIFT 16      /* CPUTargetList, bits 23:16 */

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

/* In the Non-secure world a priority (and the mask) written as v is held
 * as (v >> 1) | 0x80 (IHI 0048B 3.6.1, "Software views of interrupt
 * priority in a GIC that includes the Security Extensions"): interrupts
 * must still get through the mask in that view. */
#define GIC_NS_VIEW(v) ((((v) >> 1) | 0x80) & 0xff)
STATIC_ASSERT(GIC_DEFAULT_PRIORITY < GIC_PRIORITY_MASK_ALL &&
              GIC_NS_VIEW(GIC_DEFAULT_PRIORITY) < GIC_NS_VIEW(GIC_PRIORITY_MASK_ALL),
              "interrupts pass the priority mask in both security views");
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

/*
 * Which security state the kernel's accesses are in (IHI 0048B 4.3.4,
 * "Interrupt Group Registers, GICD_IGROUPRn", and 1.4.2, "Security
 * Extensions support"): GICD_IGROUPRn are RAZ/WI to Non-secure
 * accesses and writable by Secure ones, so write ones into IGROUPR0 and
 * read them back.  In the Secure world every interrupt is then put in
 * Group 0, which GICD_CTLR/GICC_CTLR bit 0 enable and which is signalled as
 * IRQ while GICC_CTLR.FIQEn is 0.  In the Non-secure world only Group 1
 * interrupts exist for the kernel: the Secure firmware decides which (the
 * OMAP4 ROM gives every peripheral to the Non-secure side); the rest
 * read as zero and cannot be enabled from here.
 */
static enum gic_world probe_world(void)
{
    if (!(rd(gicd, GICD_TYPER) & GICD_TYPER_SECURITY_EXTN)) {
        return GIC_WORLD_NO_EXTENSIONS;
    }
    wr(gicd, GICD_IGROUPR, 0xffffffff);
    if (rd(gicd, GICD_IGROUPR) == 0) {
        return GIC_WORLD_NON_SECURE;
    }
    for (unsigned i = 0; i < num_irqs; i += 32) {
        wr(gicd, GICD_IGROUPR + i / 8, 0);      /* all Group 0 */
    }
    return GIC_WORLD_SECURE;
}

static enum gic_world world;
static void gic_init_cpu_interface(void);

enum gic_world gic_world(void)
{
    return world;
}

const char *gic_world_name(enum gic_world w)
{
    switch (w) {
    case GIC_WORLD_SECURE:     return "Secure";
    case GIC_WORLD_NON_SECURE: return "Non-secure";
    default:                   return "no Security Extensions";
    }
}

/* The registers of this kernel's view: every core has its own copy of
 * these variables (docs/multikernel.md, "Per-core state"). */
static void gic_find(volatile void *dist, volatile void *cpu)
{
    gicd = dist;
    gicc = cpu;
    num_irqs = 32 * ((rd(gicd, GICD_TYPER) & 0x1f) + 1);
    if (num_irqs > 1020) {
        num_irqs = 1020;
    }
}

void gic_init(volatile void *dist, volatile void *cpu)
{
    gic_find(dist, cpu);
    wr(gicd, GICD_CTLR, 0);
    world = probe_world();
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
    gic_init_cpu_interface();
}

/*
 * This core's banked part of the GIC: the group, enable, pending and
 * priority registers of its SGIs and PPIs (interrupts 0-31 are banked per
 * CPU: IHI 0048B 3.3, "Interrupt handling ... banked"), and its CPU
 * interface.  A secondary core leaves the shared distributor as the boot
 * core set it up.
 */
void gic_init_secondary(volatile void *dist, volatile void *cpu)
{
    gic_find(dist, cpu);
    world = probe_world();
    wr(gicd, GICD_ICENABLER, 0xffffffff);
    wr(gicd, GICD_ICPENDR, 0xffffffff);
    for (unsigned i = 0; i < GIC_SPI_BASE; i++) {
        gicd[GICD_IPRIORITYR + i] = GIC_DEFAULT_PRIORITY;
    }
    gic_init_cpu_interface();
}

static void gic_init_cpu_interface(void)
{
    wr(gicc, GICC_PMR, GIC_PRIORITY_MASK_ALL);
    /* A Non-secure write to GICC_PMR is ignored while the mask is in the
     * Secure range (below 0x80 in the Secure view; IHI 0048B 3.6.1): the
     * firmware must have opened it, or no interrupt will ever arrive. */
    if (rd(gicc, GICC_PMR) != GIC_PRIORITY_MASK_ALL) {
        kprintf("gic:   GICC_PMR stays 0x%02x: the Secure side keeps the "
                "priority mask; interrupts cannot arrive\n",
                (unsigned)rd(gicc, GICC_PMR));
    }
    wr(gicc, GICC_BPR, 0);
    wr(gicc, GICC_CTLR, 1);
}

/* This core takes no interrupt any more (a stopped core, kernel/smp.c):
 * its banked SGIs and PPIs disabled and cleared (IHI 0048B 3.3), and its
 * CPU interface signals nothing (GICC_CTLR 0: IHI 0048B 4.4.1). */
void gic_cpu_off(void)
{
    wr(gicd, GICD_ICENABLER, 0xffffffff);
    wr(gicd, GICD_ICPENDR, 0xffffffff);
    wr(gicc, GICC_CTLR, 0);
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

/* An SGI to another core: TargetListFilter 0 (the listed CPUs), its bit
 * in CPUTargetList (IHI 0048B 4.3.15, "Software Generated Interrupt
 * Register"). */
void gic_send_sgi(unsigned core, unsigned sgi)
{
    wr(gicd, GICD_SGIR, (1u << (GICD_SGIR_TARGETS_SHIFT + core)) | (sgi & 0xf));
}
