/*
 * kernel/main.c -- the kernel's C entry point, reached from boot.S with the
 * MMU on, stacks set up and .bss cleared.
 */
#include <kernel.h>
#include <plat.h>
#include <timer.h>
#include <arch/cp15.h>
#include <arch/cpu.h>
#include <startup.h>
#include <dispatch.h>
#ifdef CONFIG_TEST
#include <ktest.h>
#endif

void kernel_main(uint32_t r0, uint32_t r1, uint32_t r2);

static void print_banner(void)
{
    struct cpu_id id;

    cpu_identify(cp15_read_midr(), &id);
    kprintf("\nSprat %s -- a capability microkernel for ARMv7\n", SPRAT_VERSION);
    kprintf("board: %s\n", plat_board_name());
    kprintf("cpu:   %s %s r%up%u (MIDR %08x: implementer %02x, part %03x, "
            "variant %u, revision %u)\n",
            id.implementer_name, id.part_name, id.variant, id.revision,
            (unsigned)id.midr, id.implementer, id.part, id.variant, id.revision);
    kprintf("ram:   %u MiB at %p\n", (unsigned)(plat_ram_size() >> 20),
            (void *)plat_ram_base());
}

void kernel_main(uint32_t r0, uint32_t r1, uint32_t r2)
{
    struct boot_args args = { r0, r1, r2 };

    plat_init(&args);
    print_banner();
    plat_irq_init();
    timer_start(KERNEL_TICK_HZ);

#ifdef CONFIG_TEST
    ktest_run_all();
    if (bootfs_find("panic") != NULL) {
        panic("deliberate panic (module \"panic\" in a test image)");
    }
#endif
    bool have_init = startup_init();
#ifdef CONFIG_TEST
    if (!have_init) {
        ktap_finish();          /* a kernel-only test image: done */
    }
#endif
    if (!have_init) {
        kprintf("kernel: no init module in this image; idling\n");
    }
    sched_start();
}
