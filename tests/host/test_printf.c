/*
 * tests/host/test_printf.c -- the kernel's formatter (kernel/lib/printf.c),
 * compiled for the host with ASan/UBSan and checked against expected
 * strings (and, where the behaviour is standard, against the host's
 * snprintf).
 *
 * sources: kernel/lib/printf.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../kernel/include/kprintf.h"

#define CHECK_FMT(want, ...)                                             \
    do {                                                                 \
        char buf_[128];                                                  \
        int n_ = ksnprintf(buf_, sizeof(buf_), __VA_ARGS__);             \
        assert_string_equal(buf_, want);                                 \
        assert_int_equal(n_, (int)strlen(want));                         \
    } while (0)

/* For formats the compiler would (rightly) warn about: no format checking
 * through this wrapper, so malformed input reaches the formatter. */
static int unchecked_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define CHECK_UNCHECKED(want, ...)                                       \
    do {                                                                 \
        char buf_[128];                                                  \
        int n_ = unchecked_snprintf(buf_, sizeof(buf_), __VA_ARGS__);    \
        assert_string_equal(buf_, want);                                 \
        assert_int_equal(n_, (int)strlen(want));                         \
    } while (0)

/* Same result as the C library for conversions both support. */
#define CHECK_LIBC(...)                                                  \
    do {                                                                 \
        char a_[128], b_[128];                                           \
        int na_ = ksnprintf(a_, sizeof(a_), __VA_ARGS__);                \
        int nb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);                 \
        assert_string_equal(a_, b_);                                     \
        assert_int_equal(na_, nb_);                                      \
    } while (0)

static void test_plain_text(void **state)
{
    (void)state;
    CHECK_UNCHECKED("", "");
    CHECK_FMT("hello, world", "hello, world");
    CHECK_FMT("100%", "100%%");
}

static void test_decimal(void **state)
{
    (void)state;
    CHECK_FMT("0", "%d", 0);
    CHECK_FMT("-1", "%d", -1);
    CHECK_FMT("2147483647", "%d", 2147483647);
    CHECK_FMT("-2147483648", "%d", (int)INT32_MIN);
    CHECK_FMT("4294967295", "%u", 4294967295u);
    CHECK_FMT("42", "%i", 42);
    CHECK_LIBC("%d %i %u", -17, 99, 12345u);
}

static void test_hex(void **state)
{
    (void)state;
    CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
    CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
    CHECK_FMT("0", "%x", 0u);
    CHECK_LIBC("%x %X %08x", 0xabcu, 0xabcu, 0x12u);
}

static void test_width_and_zero_padding(void **state)
{
    (void)state;
    CHECK_FMT("   42", "%5d", 42);
    CHECK_FMT("00042", "%05d", 42);
    CHECK_FMT("-0042", "%05d", -42);
    CHECK_FMT("42   |", "%-5d|", 42);
    CHECK_FMT("000000ff", "%08x", 0xffu);
    CHECK_FMT("  ab", "%*x", 4, 0xabu);
    CHECK_FMT("ab  |", "%*x|", -4, 0xabu);
    CHECK_FMT("123456", "%3d", 123456);     /* width is a minimum */
    CHECK_LIBC("[%6d] [%-6d] [%06d] [%06d]", 7, 7, 7, -7);
}

static void test_strings_and_chars(void **state)
{
    (void)state;
    CHECK_FMT("abc", "%s", "abc");
    CHECK_FMT("  abc", "%5s", "abc");
    CHECK_FMT("abc  |", "%-5s|", "abc");
    CHECK_UNCHECKED("(null)", "%s", (char *)NULL);
    CHECK_FMT("ab", "%.2s", "abcdef");
    CHECK_FMT("abc", "%.*s", 3, "abcdef");
    CHECK_FMT("x", "%c", 'x');
    CHECK_FMT("  x", "%3c", 'x');
    CHECK_LIBC("[%s] [%8s] [%-8s] [%c]", "sprat", "sprat", "sprat", 'q');
}

static void test_pointer(void **state)
{
    (void)state;
    /* %p always shows every hex digit of a pointer. */
    char want[64];
    snprintf(want, sizeof(want), "0x%0*lx", (int)(2 * sizeof(void *)), 0x1234ul);
    CHECK_FMT(want, "%p", (void *)0x1234);
    snprintf(want, sizeof(want), "0x%0*lx", (int)(2 * sizeof(void *)), 0ul);
    CHECK_FMT(want, "%p", (void *)0);
}

static void test_length_modifiers(void **state)
{
    (void)state;
    CHECK_FMT("18446744073709551615", "%llu", 18446744073709551615ull);
    CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK_FMT("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
    CHECK_FMT("4000000000", "%lu", 4000000000ul);
    CHECK_FMT("65535", "%hu", 0xffffu);
    CHECK_FMT("-1", "%hd", 0xffff);
    CHECK_FMT("77", "%zu", (size_t)77);
}

static void test_truncation(void **state)
{
    (void)state;
    char buf[6];
    int n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
    assert_string_equal(buf, "01234");
    assert_int_equal(n, 10);            /* the length it would have had */
    n = ksnprintf(buf, 1, "%d", 12345);
    assert_string_equal(buf, "");
    assert_int_equal(n, 5);
    buf[0] = 'z';
    n = ksnprintf(buf, 0, "abc");       /* size 0: nothing written */
    assert_int_equal(buf[0], 'z');
    assert_int_equal(n, 3);
}

static void test_malformed_formats(void **state)
{
    (void)state;
    CHECK_UNCHECKED("50%", "50%");            /* trailing lone % */
    CHECK_UNCHECKED("%q", "%q");              /* unknown conversion shown as is */
}

struct counting {
    int calls;
    char last;
};

static void count_putc(char c, void *arg)
{
    struct counting *cnt = arg;
    cnt->calls++;
    cnt->last = c;
}

static int call_kvprintf(struct counting *cnt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(count_putc, cnt, fmt, ap);
    va_end(ap);
    return n;
}

static void test_callback_sees_every_char(void **state)
{
    (void)state;
    struct counting cnt = { 0, 0 };
    int n = call_kvprintf(&cnt, "id=%04x%c", 0x2au, '!');
    assert_int_equal(n, 8);
    assert_int_equal(cnt.calls, 8);
    assert_int_equal(cnt.last, '!');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_width_and_zero_padding),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_malformed_formats),
        cmocka_unit_test(test_callback_sees_every_char),
    };
    return cmocka_run_group_tests_name("printf", tests, NULL, NULL);
}
