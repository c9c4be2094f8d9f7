/*
 * kernel/smp.c -- starting another core's CPU driver (docs/multikernel.md,
 * "Booting a core").
 *
 * The boot core gives the new core a private copy of the per-core region
 * (.data, .bss, the page tables and the stacks: linker/kernel.ld.S): it
 * reserves the physical memory right after its own image (startup.c),
 * builds the new core's kernel_l1 there -- the boot core's table with the
 * per-core region's sections pointing at the copy -- and asks the board to
 * start the core at _start_secondary (boot.S).  The new core copies .data
 * from the image, clears .bss and enters kernel_secondary_main() with
 * nothing in common with the boot core's kernel but the code, the
 * read-only data and the .shared section.
 */
#include <kernel.h>
#include <smp.h>
#include <plat.h>
#include <timer.h>
#include <dispatch.h>
#include <sched.h>
#include <startup.h>
#include <irq.h>
#include <dev/gicv2.h>
#include <sprat/core_frame.h>
#include <arch/armv7.h>
#include <arch/cache.h>
#include <arch/cp15.h>
#include <arch/vm.h>

extern char __percore_start[], __percore_end[], __kernel_end[];
extern char _start_secondary[];
extern uint32_t kernel_l1[4096], boot_l1[4096];

struct smp_boot smp_boot SECTION(".shared");
unsigned my_core;
/* Cores the boot core has tried to start: once only, even if one did not
 * report in time and might still come up later. */
static bool start_tried[SMP_MAX_CORES];

/* How long the boot core waits for a started core to say it runs (it
 * needs some 10^5 instructions): 1/SMP_START_WAIT_FRACTION s. */
#define SMP_START_WAIT_FRACTION     10

static unsigned cores(void)
{
    return MIN(plat_num_cores(), (unsigned)SMP_MAX_CORES);
}

static size_t percore_bytes(void)
{
    return (size_t)(__percore_end - __percore_start);
}

/* Where core `core`'s copy of the per-core region lives: after the image,
 * in the memory startup.c keeps back (smp_reserved_bytes). */
static paddr_t percore_copy_pa(unsigned core)
{
    return kva_to_phys((lvaddr_t)__kernel_end) + (core - 1) * percore_bytes();
}

size_t smp_reserved_bytes(void)
{
    return (cores() - 1) * percore_bytes();
}

void smp_core_ram(unsigned core, struct smp_ram *ram)
{
    paddr_t ram_end = (paddr_t)PLAT_RAM_BASE + (paddr_t)PLAT_RAM_SIZE;
    paddr_t split = ram_end - (cores() - 1) * SMP_CORE_RAM_BYTES;

    ram->shared_frame = cores() > 1 ? split : 0;
    if (core == 0) {
        ram->base = ALIGN_UP(kva_to_phys((lvaddr_t)__kernel_end) + smp_reserved_bytes(),
                             BASE_PAGE_SIZE);
        ram->end = split;
    } else {
        ram->base = split + (core - 1) * SMP_CORE_RAM_BYTES;
        ram->end = ram->base + SMP_CORE_RAM_BYTES;
        if (core == 1) {
            ram->base += BASE_PAGE_SIZE;    /* after the shared frame */
        }
    }
}

/* The new core's kernel_l1: ours, with the per-core region's 1 MiB
 * sections mapping its copy instead of ours. */
static paddr_t build_kernel_l1(unsigned core)
{
    paddr_t copy = percore_copy_pa(core);
    uint32_t *l1 = (uint32_t *)phys_to_kva(copy + ((char *)kernel_l1 - __percore_start));

    memcpy(l1, kernel_l1, sizeof(kernel_l1));
    unsigned first = (lvaddr_t)__percore_start >> SECTION_SHIFT;
    for (size_t off = 0; off < percore_bytes(); off += SECTION_SIZE) {
        l1[first + off / SECTION_SIZE] = (copy + off) | L1_SECT_KERNEL_RAM;
    }
    /* The new core walks it with its caches off: clean to memory. */
    cache_clean_table(l1, sizeof(kernel_l1));
    return kva_to_phys((lvaddr_t)l1);
}

static errval_t check_core(uint32_t core)
{
    if (my_core != 0) {
        return SYS_ERR_CORE_NOT_BOOT;
    }
    if (core >= cores()) {
        return SYS_ERR_CORE_INVALID;
    }
    if (core == 0 || start_tried[core]) {
        return SYS_ERR_CORE_STARTED;
    }
    return SYS_ERR_OK;
}

/* Poll for the new core's report, with YIELD between polls: a hint that
 * costs nothing on the Cortex-A9, and that makes QEMU's round-robin vCPU
 * loop (the -icount runs) give the other core its turn at once. */
static bool wait_until_up(unsigned core)
{
    uint64_t deadline = plat_counter_read() + plat_counter_hz() / SMP_START_WAIT_FRACTION;

    while (!smp_boot.up[core]) {
        if (plat_counter_read() > deadline) {
            return false;
        }
        __asm__ volatile("yield" ::: "memory");
    }
    dmb();
    return true;
}

errval_t smp_start_core(uint32_t core)
{
    errval_t err = check_core(core);
    if (err_is_fail(err)) {
        return err;
    }
    start_tried[core] = true;
    smp_boot.ttbr0 = kva_to_phys((lvaddr_t)boot_l1);
    smp_boot.ttbr1 = build_kernel_l1(core);
    smp_boot.core = core;
    cache_clean_table(&smp_boot, sizeof(smp_boot));
    err = plat_start_core(core, kva_to_phys((lvaddr_t)_start_secondary));
    if (err_is_fail(err)) {
        return err;
    }
    return wait_until_up(core) ? SYS_ERR_OK : SYS_ERR_CORE_START_FAILED;
}

/* This core's wake target and a wake it has not yet taken (per core). */
static struct dcb *wake_target;
static bool wake_pending;

static void wake_irq(unsigned irq, void *arg)
{
    (void)irq;
    (void)arg;
    if (wake_target != NULL && wake_target->state == DCB_BLOCKED) {
        sched_make_runnable(wake_target);
    } else {
        wake_pending = true;
    }
}

/* (The boot core never sets its smp_boot.up: it is up before anyone can
 * ask.  Core 1's init wakes core 0's, docs/multikernel.md section 4.) */
errval_t smp_wake_core(uint32_t core)
{
    bool up = core == 0 || smp_boot.up[core];
    if (core >= cores() || core == my_core || !up) {
        return SYS_ERR_CORE_INVALID;
    }
    gic_send_sgi(core, SMP_SGI_WAKE);
    return SYS_ERR_OK;
}

void smp_set_wake_target(struct dcb *d)
{
    wake_target = d;
    wake_pending = false;
}

bool smp_take_wake(struct dcb *d)
{
    if (d != wake_target || !wake_pending) {
        return false;
    }
    wake_pending = false;
    return true;
}

void smp_forget_dcb(struct dcb *d)
{
    if (wake_target == d) {
        wake_target = NULL;
    }
}

/*
 * When a core's init dies (docs/multikernel.md, section 7.1).  Its death
 * notice has nobody to go to, and the other cores' inits may be waiting
 * for it (a call on cores_rpc, a relay): the kernel says it in the core
 * frame and wakes them.  The barriers (ARM ARM A3.8.3):
 *   - DMB before the word: every line init wrote before it died (the
 *     answer it was sending) is seen by another core before the word --
 *     a reader that sees the word, then DMB, reads the ring once more
 *     (ump_chan_peer_gone() in libsys/ump_chan.c) and gets them;
 *   - DSB before the SGI: the word has reached every observer before
 *     the interrupt that sends them to look (a DMB orders memory
 *     accesses only, and the SGI is a write to the GIC, not one they
 *     read).
 * Then a core other than the boot core stops for good: its domains had
 * nothing but their init to serve them, nobody can reap them, and a
 * domain left spinning there would take turns from the boot core under
 * QEMU.  The boot core goes on (its devices, the console).
 */
static struct dcb *init_dcb;            /* this core's init (per core) */

void smp_init_built(struct dcb *d)
{
    init_dcb = d;
}

static void mark_init_dead(void)
{
    struct smp_ram ram;
    smp_core_ram(my_core, &ram);
    if (ram.shared_frame == 0) {
        return;                         /* one core: nobody to tell */
    }
    volatile uint32_t *word = cap_phys_to_kptr(ram.shared_frame +
                                               CORE_FRAME_DOWN_WORD(my_core));
    dmb();
    *word = 1;
    dsb();
    for (unsigned core = 0; core < cores(); core++) {
        (void)smp_wake_core(core);      /* refuses ours, and one not up */
    }
}

/* This core stops: no interrupt reaches it any more -- its banked SGIs
 * and PPIs (the tick) disabled and its GIC CPU interface off (IHI 0048B
 * 4.4.1, GICC_CTLR) -- so WFI, which wakes on a pending IRQ even with
 * interrupts masked (ARM ARM, "Wait For Interrupt", B1.6.9 in DDI
 * 0406B), sleeps for good instead of spinning. */
static NORETURN void stop_core(void)
{
    kprintf("core %u: its init has died; the core stops\n", my_core);
    timer_stop();
    gic_cpu_off();
    halt();
}

void smp_dispatcher_stopped(struct dcb *d)
{
    if (d != init_dcb || d == NULL) {
        return;
    }
    mark_init_dead();
    if (my_core != 0) {
        stop_core();
    }
}

void smp_init_core(void)
{
    irq_register(SMP_SGI_WAKE, wake_irq, NULL);
}

void kernel_secondary_main(uint32_t core)
{
    dcb_set_current(NULL);      /* this core's TPIDRPRW: UNKNOWN at reset (sched.h) */
    my_core = core;
    plat_init_secondary();
    timestamp_init();           /* this core's cycle counter */
    plat_irq_init_secondary();
    smp_init_core();
    timer_start(KERNEL_TICK_HZ);
    kprintf("core %u: CPU driver up (MPIDR %08x), own kernel state at "
            "physical %p, ticking at %u Hz\n", (unsigned)core,
            (unsigned)cp15_read_mpidr(), (void *)percore_copy_pa(core),
            (unsigned)KERNEL_TICK_HZ);
    bool have_init = startup_init();
    dmb();
    smp_boot.up[core] = 1;
    if (!have_init) {
        kprintf("core %u: no init module; idling\n", (unsigned)core);
    }
    sched_start();
}
