/*
 * kernel/main.c -- the kernel's C entry point, reached from boot.S with the
 * MMU on, stacks set up and .bss cleared.
 */
#include <kernel.h>
#include <dev/gicv2.h>
#include <plat.h>
#include <timer.h>
#include <arch/cp15.h>
#include <arch/cpu.h>
#include <arch/vm.h>
#include <sprat/syscall.h>
#include <startup.h>
#include <dispatch.h>
#include <sched.h>
#include <smp.h>
#ifdef CONFIG_TEST
#include <ktest.h>
#endif

void kernel_main(uint32_t r0, uint32_t r1, uint32_t r2);

/* What the boot loader's r2 points to: U-Boot's bootm passes a flattened
 * device tree (it starts with the magic 0xd00dfeed, stored big-endian) or
 * an ATAG list (its first tag, ATAG_CORE, has the tag 0x54410001 in its
 * second word).  Sprat uses neither; the banner names it so that a first
 * boot on new hardware shows the hand-over worked. */
#define FDT_MAGIC_BE    0xedfe0dd0u     /* 0xd00dfeed read little-endian */
#define ATAG_CORE       0x54410001u

static const char *boot_data_kind(uint32_t r2)
{
    if (!IS_ALIGNED(r2, 4) || !phys_is_ram(r2, 8)) {
        return "not in RAM";
    }
    const uint32_t *p = (const uint32_t *)phys_to_kva(r2);
    if (p[0] == FDT_MAGIC_BE) {
        return "device tree";
    }
    if (p[1] == ATAG_CORE) {
        return "ATAG list";
    }
    return "neither a device tree nor ATAGs";
}

static void print_banner(const struct boot_args *args)
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
    kprintf("time:  timestamps count %s at %u Hz\n",
            plat_timestamp_source() == TIMESTAMP_SRC_CYCLES
                ? "CPU cycles (PMCCNTR)" : "the board timer",
            (unsigned)plat_timestamp_hz());
    kprintf("boot:  r0 0x%x, r1 0x%x (machine type), r2 0x%x (%s)\n",
            (unsigned)args->r0, (unsigned)args->r1, (unsigned)args->r2,
            boot_data_kind(args->r2));
}

void kernel_main(uint32_t r0, uint32_t r1, uint32_t r2)
{
    struct boot_args args = { r0, r1, r2 };

    dcb_set_current(NULL);      /* TPIDRPRW is UNKNOWN at reset (sched.h) */
    plat_init(&args);
    timestamp_init();
    print_banner(&args);
    plat_irq_init();
    smp_init_core();
    /* The security state matters on hardware (docs/hardware.md,
     * "Security state"): the PandaBoard runs Sprat Non-secure. */
    kprintf("world: %s (as the GIC sees the kernel)\n", gic_world_name(gic_world()));
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
