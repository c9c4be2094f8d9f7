/*
 * tests/host/test_domain_id.c -- domain ids that carry their core
 * (include/sprat/domain_id.h; docs/multikernel.md, "Domains on core 1"):
 * core 0's ids stay the small numbers, core 1's start at 65537, the core
 * and the number come back out of every id, the number never spills into
 * the core, and the ids init, ps and the shell take apart are well formed.
 * (The header is all it tests, so it names no other source file.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sprat/domain_id.h>

/* A constant expression: the serial driver's initialisers use it. */
static const uint32_t boot_init = DOMAIN_ID(0, DOMAIN_ID_INIT_NUMBER);

static void test_core0_ids_unchanged(void **state)
{
    (void)state;
    assert_int_equal(boot_init, 1);
    assert_int_equal(domain_id_init(0), 1);
    assert_int_equal(domain_id_make(0, 5), 5);
    assert_int_equal(domain_id_core(23), 0);
    assert_int_equal(domain_id_number(23), 23);
}

static void test_core1_ids(void **state)
{
    (void)state;
    assert_int_equal(domain_id_init(1), 65537);
    assert_int_equal(domain_id_make(1, 2), 65538);
    assert_int_equal(domain_id_core(65540), 1);
    assert_int_equal(domain_id_number(65540), 4);
}

static void test_round_trip_every_core(void **state)
{
    (void)state;
    for (unsigned core = 0; core < DOMAIN_ID_MAX_CORES; core++) {
        for (uint32_t n = 1; n <= DOMAIN_ID_NUMBER_MASK; n += 4093) {
            uint32_t id = domain_id_make(core, n);
            assert_int_equal(domain_id_core(id), core);
            assert_int_equal(domain_id_number(id), n);
            assert_true(domain_id_valid(id));
        }
    }
}

/* A number past the field is cut to it, never carried into the core. */
static void test_number_never_spills(void **state)
{
    (void)state;
    assert_int_equal(domain_id_core(domain_id_make(0, DOMAIN_ID_NUMBER_MASK + 1)), 0);
    assert_int_equal(domain_id_make(1, 0x12345), domain_id_make(1, 0x2345));
}

/* Bad ids (a kill or wait typed by hand): number 0, a core past the field. */
static void test_invalid_ids(void **state)
{
    (void)state;
    assert_false(domain_id_valid(0));
    assert_false(domain_id_valid(domain_id_make(1, 0)));
    assert_false(domain_id_valid((uint32_t)DOMAIN_ID_MAX_CORES << DOMAIN_ID_CORE_SHIFT | 3));
    assert_false(domain_id_valid(0xffffffffu));
    assert_true(domain_id_valid(65999));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core0_ids_unchanged),
        cmocka_unit_test(test_core1_ids),
        cmocka_unit_test(test_round_trip_every_core),
        cmocka_unit_test(test_number_never_spills),
        cmocka_unit_test(test_invalid_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
