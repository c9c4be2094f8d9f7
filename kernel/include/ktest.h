/*
 * kernel/include/ktest.h -- in-kernel tests (test builds only).
 *
 * A test is a function declared with KTEST(name); the linker collects them
 * in the .ktests section and ktest_run_all() runs them in link order,
 * printing one TAP line per test ("ok 3 - name" / "not ok 3 - name").
 * Checks inside a test print a "# " diagnostic when they fail and mark the
 * test failed; the test goes on so that one run shows every failure.
 */
#ifndef SPRAT_KTEST_H
#define SPRAT_KTEST_H

#include <types.h>

#ifndef CONFIG_TEST
#error "ktest.h is for test builds only"
#endif

struct ktest {
    const char *name;
    void (*fn)(void);
};

#define KTEST(id)                                                            \
    static void ktest_fn_##id(void);                                         \
    static const struct ktest ktest_desc_##id                                \
        __attribute__((used, section(".ktests"))) = { #id, ktest_fn_##id };  \
    static void ktest_fn_##id(void)

bool ktest_check(bool ok, const char *what, const char *file, int line);
bool ktest_check_eq(uint32_t got, uint32_t want, const char *what,
                    const char *file, int line);

#define KT_EXPECT(cond) ktest_check((cond), #cond, __FILE__, __LINE__)
#define KT_EXPECT_EQ(got, want) \
    ktest_check_eq((uint32_t)(got), (uint32_t)(want), #got " == " #want, \
                   __FILE__, __LINE__)

/* Report one result line (numbered in order) and finish the run: print
 * the TAP plan and end QEMU with the overall status. */
void ktap_report(bool ok, const char *name);
NORETURN void ktap_finish(void);

void ktest_run_all(void);

#endif
