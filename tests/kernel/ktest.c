/*
 * tests/kernel/ktest.c -- the in-kernel test runner and TAP output.
 */
#include <kernel.h>
#include <ktest.h>
#include <semihosting.h>

extern const struct ktest __ktests_start[], __ktests_end[];

/* One count for every core's results (a domain on core 1 reports
 * through core 1's kernel): in .shared, added to atomically (LDREX/STREX
 * on Shareable memory, as the console lock, kernel/console.c). */
static unsigned tap_count SECTION(".shared");
static unsigned tap_failed SECTION(".shared");
static bool current_failed;

bool ktest_check(bool ok, const char *what, const char *file, int line)
{
    if (!ok) {
        kprintf("# check failed: %s (%s:%d)\n", what, file, line);
        current_failed = true;
    }
    return ok;
}

bool ktest_check_eq(uint32_t got, uint32_t want, const char *what,
                    const char *file, int line)
{
    if (got != want) {
        kprintf("# check failed: %s: got %u (0x%x), want %u (0x%x) (%s:%d)\n",
                what, (unsigned)got, (unsigned)got, (unsigned)want,
                (unsigned)want, file, line);
        current_failed = true;
    }
    return got == want;
}

void ktap_report(bool ok, const char *name)
{
    unsigned n = __atomic_add_fetch(&tap_count, 1, __ATOMIC_SEQ_CST);
    if (!ok) {
        __atomic_add_fetch(&tap_failed, 1, __ATOMIC_SEQ_CST);
    }
    kprintf("%sok %u - %s\n", ok ? "" : "not ", n, name);
}

NORETURN void ktap_finish(void)
{
    kprintf("1..%u\n", tap_count);
    kprintf("# %u passed, %u failed\n", tap_count - tap_failed, tap_failed);
    semihosting_exit(tap_failed == 0);
}

void ktest_run_all(void)
{
    kprintf("# kernel tests\n");
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        current_failed = false;
        t->fn();
        ktap_report(!current_failed, t->name);
    }
}
