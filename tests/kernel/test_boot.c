/*
 * tests/kernel/test_boot.c -- tests of the foundation: exception vectors
 * and fault reporting, the kernel's mappings, the timers, CPU decoding.
 */
#include <kernel.h>
#include <ktest.h>
#include <fault_catch.h>
#include <plat.h>
#include <timer.h>
#include <irq.h>
#include <dev/gicv2.h>
#include <arch/armv7.h>
#include <arch/cp15.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <arch/vm.h>

extern char exception_vectors[];
extern char __kernel_start[], __kernel_end[];
void ktest_undefined_insn(void);

/* An address in the kernel half that nothing maps: above the RAM window
 * and below the device windows. */
#define UNMAPPED_KERNEL_VA  0xe0000000u

KTEST(vector_base_installed)
{
    KT_EXPECT_EQ(cp15_read_vbar(), (uint32_t)exception_vectors);
    KT_EXPECT(((uint32_t)exception_vectors & 31) == 0);
}

KTEST(mmu_and_caches_on)
{
    uint32_t sctlr = cp15_read_sctlr();
    KT_EXPECT(sctlr & SCTLR_M);
    KT_EXPECT(sctlr & SCTLR_C);
    KT_EXPECT(sctlr & SCTLR_I);
    KT_EXPECT_EQ(cp15_read_ttbcr() & 7, TTBCR_N_SPLIT_2G);
}

static void do_undefined(void *arg)
{
    (void)arg;
    ktest_undefined_insn();
}

KTEST(undefined_instruction_reported)
{
    struct fault_info fi;
    bool caught = fault_catch(&fi, do_undefined, NULL);
    if (KT_EXPECT(caught)) {
        KT_EXPECT_EQ(fi.type, EXC_UNDEF);
        KT_EXPECT_EQ(fi.address, (uint32_t)ktest_undefined_insn);
        KT_EXPECT_EQ(fi.pc, (uint32_t)ktest_undefined_insn);
        KT_EXPECT(strcmp(fi.cause, "undefined instruction") == 0);
    }
}

static void do_null_read(void *arg)
{
    volatile uint32_t *p = (volatile uint32_t *)arg;
    (void)*p;
}

KTEST(data_abort_null_read_reported)
{
    struct fault_info fi;
    bool caught = fault_catch(&fi, do_null_read, (void *)0x10);
    if (KT_EXPECT(caught)) {
        KT_EXPECT_EQ(fi.type, EXC_DABT);
        KT_EXPECT_EQ(fi.address, 0x10);
        KT_EXPECT(!fi.is_write);
        KT_EXPECT(strcmp(fi.cause, "translation fault (section)") == 0);
    }
}

static void do_write(void *arg)
{
    *(volatile uint32_t *)arg = 0xdeadbeef;
}

KTEST(data_abort_unmapped_write_reported)
{
    struct fault_info fi;
    bool caught = fault_catch(&fi, do_write, (void *)(UNMAPPED_KERNEL_VA + 0x124));
    if (KT_EXPECT(caught)) {
        KT_EXPECT_EQ(fi.type, EXC_DABT);
        KT_EXPECT_EQ(fi.address, UNMAPPED_KERNEL_VA + 0x124);
        KT_EXPECT(fi.is_write);
        KT_EXPECT(strcmp(fi.cause, "translation fault (section)") == 0);
    }
}

static void do_jump(void *arg)
{
    ((void (*)(void))arg)();
}

KTEST(prefetch_abort_reported)
{
    struct fault_info fi;
    bool caught = fault_catch(&fi, do_jump, (void *)(UNMAPPED_KERNEL_VA + 0x40));
    if (KT_EXPECT(caught)) {
        KT_EXPECT_EQ(fi.type, EXC_PABT);
        KT_EXPECT_EQ(fi.address, UNMAPPED_KERNEL_VA + 0x40);
        KT_EXPECT_EQ(fi.pc, UNMAPPED_KERNEL_VA + 0x40);
        KT_EXPECT(strcmp(fi.cause, "translation fault (section)") == 0);
    }
}

KTEST(no_catch_without_fault)
{
    struct fault_info fi;
    uint32_t word = 7;
    KT_EXPECT(!fault_catch(&fi, do_null_read, &word));
}

/*
 * The kernel reaches RAM through its linear map; boot.S also maps RAM at its
 * physical address (TTBR0) until the first domain runs.  Both views must
 * show the same bytes, in both directions.
 */
KTEST(high_mapping_matches_physical_alias)
{
    const uint8_t *high = (const uint8_t *)__kernel_start;
    const uint8_t *phys = (const uint8_t *)kva_to_phys((lvaddr_t)__kernel_start);
    size_t len = (size_t)(__kernel_end - __kernel_start);

    KT_EXPECT_EQ(kva_to_phys((lvaddr_t)__kernel_start), PLAT_KERNEL_PA);
    KT_EXPECT(memcmp(high, phys, len) == 0);

    static volatile uint32_t probe;
    volatile uint32_t *probe_phys =
        (volatile uint32_t *)kva_to_phys((lvaddr_t)&probe);
    probe = 0x5a5a1234;
    KT_EXPECT_EQ(*probe_phys, 0x5a5a1234);
    *probe_phys = 0x0badcafe;
    KT_EXPECT_EQ(probe, 0x0badcafe);
}

KTEST(global_timer_advances)
{
    uint64_t a = plat_timestamp();
    for (volatile int i = 0; i < 1000; i++) {
    }
    uint64_t b = plat_timestamp();
    KT_EXPECT(b > a);
    KT_EXPECT(plat_timestamp_hz() > 0);
}

/*
 * The tick must deliver exactly the expected number of interrupts over an
 * interval of the free-running timestamp counter; under -icount both count
 * virtual time exactly.  We busy-wait rather than sleep: with
 * "-icount sleep=off" QEMU 7.2 wakes a CPU that waits in wfi only at the
 * next clock warp, so while idle the tick seems to run at half its rate
 * (see docs/boot.md).  A 10 kHz tick over 10 ms keeps the run short.
 */
KTEST(timer_ticks_match_virtual_time)
{
    const uint32_t hz = 10000;
    const unsigned expected = 100;
    uint64_t window = (uint64_t)plat_timestamp_hz() * expected / hz;

    timer_stop();
    timer_start(hz);
    irq_enable();
    uint64_t t0 = kernel_ticks;
    while (kernel_ticks == t0) {
        /* start on a tick boundary so that the count is exact */
    }
    uint64_t start_ticks = kernel_ticks;
    uint64_t start = plat_timestamp();
    while (plat_timestamp() - start < window) {
    }
    irq_disable();
    uint64_t got = kernel_ticks - start_ticks;
    timer_stop();
    timer_start(KERNEL_TICK_HZ);

    kprintf("# %u ticks at %u Hz in %u timestamp cycles\n", (unsigned)got,
            (unsigned)hz, (unsigned)window);
    /* The last tick may land on either side of the window's end. */
    KT_EXPECT(got == expected || got == expected + 1);
}

/* The idle path sleeps in wfi; the tick must wake it. */
KTEST(wfi_wakes_on_tick)
{
    uint64_t t0 = kernel_ticks;
    uint64_t start = plat_timestamp();
    irq_enable();
    while (kernel_ticks == t0) {
        wfi();
    }
    irq_disable();
    uint64_t waited = plat_timestamp() - start;
    /* At most two tick periods (one deferred wake, see above). */
    KT_EXPECT(waited <= 2 * (uint64_t)plat_timestamp_hz() / KERNEL_TICK_HZ + 1000);
}

/* An interrupt nobody handles is reported (with the interrupted context)
 * and counted, and the kernel goes on.  SGI 15 is one nothing uses. */
KTEST(unexpected_irq_reported)
{
    const unsigned sgi = 15;
    uint32_t before = irq_spurious_count;

    gic_enable(sgi);
    gic_raise_sgi(sgi);
    irq_enable();
    for (volatile int i = 0; i < 10000 && irq_spurious_count == before; i++) {
    }
    irq_disable();
    KT_EXPECT_EQ(irq_spurious_count, before + 1);
}

KTEST(midr_decoding)
{
    struct cpu_id id;

    cpu_identify(0x410fc090, &id);      /* Cortex-A9 r0p0, QEMU */
    KT_EXPECT(strcmp(id.implementer_name, "ARM") == 0);
    KT_EXPECT(strcmp(id.part_name, "Cortex-A9") == 0);
    KT_EXPECT_EQ(id.variant, 0);
    KT_EXPECT_EQ(id.revision, 0);

    cpu_identify(0x413fc090, &id);      /* Cortex-A9 r3p0, OMAP4460 */
    KT_EXPECT_EQ(id.variant, 3);
    KT_EXPECT_EQ(id.part, 0xc09);

    cpu_identify(0x412fc0f1, &id);      /* Cortex-A15 r2p1 */
    KT_EXPECT(strcmp(id.part_name, "Cortex-A15") == 0);
    KT_EXPECT_EQ(id.variant, 2);
    KT_EXPECT_EQ(id.revision, 1);

    cpu_identify(0x510f06f0, &id);      /* not an ARM part */
    KT_EXPECT(strcmp(id.implementer_name, "Qualcomm") == 0);
    KT_EXPECT(strcmp(id.part_name, "unknown part") == 0);
}

KTEST(fault_status_decoding)
{
    KT_EXPECT(strcmp(fault_status_name(0x005), "translation fault (section)") == 0);
    KT_EXPECT(strcmp(fault_status_name(0x807), "translation fault (page)") == 0);
    KT_EXPECT(strcmp(fault_status_name(0x00f), "permission fault (page)") == 0);
    KT_EXPECT(strcmp(fault_status_name(0x001), "alignment fault") == 0);
    KT_EXPECT(strcmp(fault_status_name(0x406), "asynchronous external abort") == 0);
}

