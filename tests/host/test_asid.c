/*
 * tests/host/test_asid.c -- ASIDs and the address-space switch
 * (kernel/arch/armv7/asid.c) against the recording fake CP15
 * (fake_cp15.h): the switch writes CONTEXTIDR and TTBR0 in the safe
 * order of ARM ARM B3.10.4 with the DSB of Cortex-A9 erratum 754322;
 * tables share nothing, get their ASIDs back after a rollover, which
 * leaves every user table and invalidates the TLB first; no number of
 * tables exhausts the ASIDs; a destroyed table's ASID is invalidated
 * before it is reused.
 *
 * sources: kernel/arch/armv7/asid.c tests/host/fake_cp15.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "fake_cp15.h"
#include <types.h>
#include <arch/asid.h>

#define KERNEL_TTBR1 0x60004048u

struct cp15_event {
    enum fake_cp15_op op;
    uintptr_t value;
};

#define WALK 0x48u                      /* TTBR_WALK_WBWA */
static uint32_t table(unsigned i) { return 0x70000000u + i * 0x8000u; }
static uint32_t ttbr(unsigned i) { return table(i) | WALK; }

/* The log is exactly want[0..n-1]. */
static void expect_log(const struct cp15_event *want, unsigned n)
{
    if (fake_cp15_count != n) {
        fake_cp15_dump();
    }
    assert_int_equal(fake_cp15_count, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(fake_cp15_log[i].op, want[i].op);
        assert_int_equal(fake_cp15_log[i].arg, want[i].value);
    }
}

/* An empty log, TTBR1 = the kernel's table. */
static void reset(void)
{
    uint32_t ttbr0 = fake_cp15_ttbr0;
    fake_cp15_reset();
    fake_cp15_ttbr0 = ttbr0;
    fake_cp15_ttbr1 = KERNEL_TTBR1;
}

static void test_switch_order(void **state)
{
    reset();
    vspace_load(ttbr(1), 7);
    const struct cp15_event want[] = {
        { OP_WRITE_TTBR0, KERNEL_TTBR1 },       /* the kernel's table: no user entries */
        { OP_ISB, 0 },
        { OP_DSB, 0 },                     /* erratum 754322: right before ... */
        { OP_WRITE_CONTEXTIDR, 7 },            /* ... the ASID */
        { OP_ISB, 0 },
        { OP_WRITE_TTBR0, ttbr(1) },           /* the new table, with its ASID */
        { OP_ISB, 0 },
    };
    expect_log(want, 7);
    assert_int_equal(fake_cp15_ttbr0, ttbr(1));
    assert_int_equal(fake_cp15_contextidr, 7);
}

static void test_leave(void **state)
{
    reset();
    vspace_leave();
    const struct cp15_event want[] = {
        { OP_WRITE_TTBR0, KERNEL_TTBR1 }, { OP_ISB, 0 }, { OP_DSB, 0 }, { OP_WRITE_CONTEXTIDR, 0 }, { OP_ISB, 0 },
    };
    expect_log(want, 5);
}

/* 255 tables get 255 different ASIDs, none 0; a table keeps its own. */
static void test_distinct_and_stable(void **state)
{
    bool used[ASID_COUNT] = { false };
    for (unsigned i = 0; i < ASID_COUNT - 1; i++) {
        uint32_t a = asid_get(ttbr(i));
        assert_true(a >= 1 && a < ASID_COUNT);
        assert_false(used[a]);
        used[a] = true;
        assert_true(asid_valid(a, ttbr(i)));
    }
    for (unsigned i = 0; i < ASID_COUNT - 1; i++) {
        assert_int_equal(asid_get(ttbr(i)), asid_get(ttbr(i)));
    }
    assert_int_equal(asid_rollovers, 0);
    assert_int_equal(asid_owner[0], 0);  /* ASID 0 is nobody's */
    assert_false(asid_valid(0, ttbr(1)));
}

/* The 256th table: a rollover leaves every user table, flushes the TLB,
 * and only then hands out numbers again; the old holders lost theirs. */
static void test_rollover(void **state)
{
    uint32_t old = asid_get(ttbr(3));
    fake_cp15_ttbr0 = ttbr(3);               /* as if table 3 were live */
    reset();
    uint32_t a = asid_get(ttbr(1000));
    assert_int_equal(asid_rollovers, 1);
    assert_true(a >= 1 && a < ASID_COUNT);
    const struct cp15_event want[] = {
        { OP_WRITE_TTBR0, KERNEL_TTBR1 }, { OP_ISB, 0 }, { OP_DSB, 0 }, { OP_WRITE_CONTEXTIDR, 0 }, { OP_ISB, 0 },
        { OP_TLBIALL, 0 }, { OP_DSB, 0 }, { OP_ISB, 0 },
    };
    expect_log(want, 8);
    assert_false(asid_valid(old, ttbr(3)));
    assert_true(asid_valid(a, ttbr(1000)));
    /* Table 3 gets a new ASID, not table 1000's. */
    uint32_t again = asid_get(ttbr(3));
    assert_int_not_equal(again, a);
}

/* However many tables, asid_get always answers, no two current owners
 * share a number, and rollovers come only when all 255 are taken. */
static void test_never_exhausted(void **state)
{
    uint32_t before = asid_rollovers;
    for (unsigned round = 0; round < 4; round++) {
        for (unsigned i = 0; i < 300; i++) {
            uint32_t a = asid_get(ttbr(2000 + i));
            assert_true(a >= 1 && a < ASID_COUNT);
            for (unsigned b = 1; b < ASID_COUNT; b++) {
                if (b != a) {
                    assert_int_not_equal(asid_owner[b], ttbr(2000 + i));
                }
            }
        }
    }
    /* 1200 switches through 300 tables: each rollover serves 255. */
    assert_true(asid_rollovers - before >= 1200 / 255);
    assert_true(asid_rollovers - before <= 1200 / 255 + 1);
}

/* A destroyed table: left first if live, its ASID invalidated in the TLB
 * before anyone else can get it. */
static void test_release(void **state)
{
    uint32_t a = asid_get(ttbr(5000));
    fake_cp15_ttbr0 = ttbr(5000);
    reset();
    asid_release(table(5000));
    const struct cp15_event want[] = {
        { OP_WRITE_TTBR0, KERNEL_TTBR1 }, { OP_ISB, 0 }, { OP_DSB, 0 }, { OP_WRITE_CONTEXTIDR, 0 }, { OP_ISB, 0 },
        { OP_TLBIASID, a }, { OP_DSB, 0 }, { OP_ISB, 0 },
    };
    expect_log(want, 8);
    assert_false(asid_valid(a, ttbr(5000)));
    assert_int_equal(asid_owner[a], 0);

    /* Not live, and a table without an ASID: no CP15 operation at all. */
    reset();
    asid_release(table(6000));
    assert_int_equal(fake_cp15_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switch_order),
        cmocka_unit_test(test_leave),
        cmocka_unit_test(test_distinct_and_stable),
        cmocka_unit_test(test_rollover),
        cmocka_unit_test(test_never_exhausted),
        cmocka_unit_test(test_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
