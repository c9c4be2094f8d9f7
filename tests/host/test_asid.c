/*
 * tests/host/test_asid.c -- ASIDs and the address-space switch
 * (kernel/arch/armv7/asid.c) against a recording CP15 stand-in
 * (switch_cp15.h): the switch writes CONTEXTIDR and TTBR0 in the safe
 * order of ARM ARM B3.10.4 with the DSB of Cortex-A9 erratum 754322;
 * tables share nothing, get their ASIDs back after a rollover, which
 * leaves every user table and invalidates the TLB first; no number of
 * tables exhausts the ASIDs; a destroyed table's ASID is invalidated
 * before it is reused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "switch_cp15.h"
#include "../../kernel/arch/armv7/include/arch/asid.h"

struct cp15_event cp15_log[CP15_LOG_MAX];
unsigned cp15_count;
uint32_t fake_ttbr0, fake_ttbr1 = 0x60004048u, fake_contextidr;

static void record(enum cp15_op op, uint32_t value)
{
    assert_true(cp15_count < CP15_LOG_MAX);
    cp15_log[cp15_count].op = op;
    cp15_log[cp15_count].value = value;
    cp15_count++;
}

uint32_t cp15_read_ttbr0(void) { return fake_ttbr0; }
uint32_t cp15_read_ttbr1(void) { return fake_ttbr1; }
void cp15_write_ttbr0(uint32_t v) { fake_ttbr0 = v; record(W_TTBR0, v); }
void cp15_write_contextidr(uint32_t v) { fake_contextidr = v; record(W_CONTEXTIDR, v); }
void isb(void) { record(ISB, 0); }
void dsb(void) { record(DSB, 0); }
void tlb_invalidate_all(void) { record(TLBIALL, 0); record(DSB, 0); record(ISB, 0); }
void tlb_invalidate_asid(uint32_t a) { record(TLBIASID, a); record(DSB, 0); record(ISB, 0); }

#define WALK 0x48u                      /* TTBR_WALK_WBWA */
static uint32_t table(unsigned i) { return 0x70000000u + i * 0x8000u; }
static uint32_t ttbr(unsigned i) { return table(i) | WALK; }

/* The log from `from` on is exactly want[0..n-1]. */
static void expect_log(unsigned from, const struct cp15_event *want, unsigned n)
{
    assert_int_equal(cp15_count - from, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(cp15_log[from + i].op, want[i].op);
        assert_int_equal(cp15_log[from + i].value, want[i].value);
    }
}

static void test_switch_order(void **state)
{
    cp15_count = 0;
    vspace_load(ttbr(1), 7);
    const struct cp15_event want[] = {
        { W_TTBR0, 0x60004048u },       /* the kernel's table: no user entries */
        { ISB, 0 },
        { DSB, 0 },                     /* erratum 754322: right before ... */
        { W_CONTEXTIDR, 7 },            /* ... the ASID */
        { ISB, 0 },
        { W_TTBR0, ttbr(1) },           /* the new table, with its ASID */
        { ISB, 0 },
    };
    expect_log(0, want, 7);
    assert_int_equal(fake_ttbr0, ttbr(1));
    assert_int_equal(fake_contextidr, 7);
}

static void test_leave(void **state)
{
    cp15_count = 0;
    vspace_leave();
    const struct cp15_event want[] = {
        { W_TTBR0, 0x60004048u }, { ISB, 0 }, { DSB, 0 }, { W_CONTEXTIDR, 0 }, { ISB, 0 },
    };
    expect_log(0, want, 5);
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
    fake_ttbr0 = ttbr(3);               /* as if table 3 were live */
    cp15_count = 0;
    uint32_t a = asid_get(ttbr(1000));
    assert_int_equal(asid_rollovers, 1);
    assert_true(a >= 1 && a < ASID_COUNT);
    const struct cp15_event want[] = {
        { W_TTBR0, 0x60004048u }, { ISB, 0 }, { DSB, 0 }, { W_CONTEXTIDR, 0 }, { ISB, 0 },
        { TLBIALL, 0 }, { DSB, 0 }, { ISB, 0 },
    };
    expect_log(0, want, 8);
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
    fake_ttbr0 = ttbr(5000);
    cp15_count = 0;
    asid_release(table(5000));
    const struct cp15_event want[] = {
        { W_TTBR0, 0x60004048u }, { ISB, 0 }, { DSB, 0 }, { W_CONTEXTIDR, 0 }, { ISB, 0 },
        { TLBIASID, a }, { DSB, 0 }, { ISB, 0 },
    };
    expect_log(0, want, 8);
    assert_false(asid_valid(a, ttbr(5000)));
    assert_int_equal(asid_owner[a], 0);

    /* Not live, and a table without an ASID: no CP15 operation at all. */
    cp15_count = 0;
    asid_release(table(6000));
    assert_int_equal(cp15_count, 0);
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
