/*
 * tests/host/test_err.c -- the error tables (libsys/err.c): every entry
 * of include/sprat/errors.def has its own name and sentence, and values
 * outside the table say so.
 *
 * sources: libsys/err.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sprat/errors.h>

/* Each name maps to its own enum value, text and spelling. */
static void test_table_matches_def(void **state)
{
#define ERR(name, text)                                     \
    assert_string_equal(err_getcode(name), #name);          \
    assert_string_equal(err_getstring(name), text);
#include <sprat/errors.def>
#undef ERR
}

static void test_distinct_and_nonempty(void **state)
{
    assert_int_equal(SYS_ERR_OK, 0);
    assert_true(SPRAT_ERR_COUNT > 1);
    for (errval_t a = 0; a < SPRAT_ERR_COUNT; a++) {
        assert_true(strlen(err_getcode(a)) > 0);
        assert_true(strlen(err_getstring(a)) > 0);
        assert_string_not_equal(err_getcode(a), "unknown error");
        for (errval_t b = a + 1; b < SPRAT_ERR_COUNT; b++) {
            assert_string_not_equal(err_getcode(a), err_getcode(b));
            assert_string_not_equal(err_getstring(a), err_getstring(b));
        }
    }
}

static void test_out_of_range(void **state)
{
    const errval_t bad[] = { SPRAT_ERR_COUNT, SPRAT_ERR_COUNT + 1, 0x10000, UINT32_MAX };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_string_equal(err_getcode(bad[i]), "unknown error");
        assert_string_equal(err_getstring(bad[i]), "unknown error");
    }
    assert_true(err_is_ok(SYS_ERR_OK));
    assert_true(err_is_fail(SPRAT_ERR_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_def),
        cmocka_unit_test(test_distinct_and_nonempty),
        cmocka_unit_test(test_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
