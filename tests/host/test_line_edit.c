/*
 * tests/host/test_line_edit.c -- the prompt's line editor and history
 * (user/sys/shell/line_edit.c, compiled unchanged): keys in, the line and the
 * echo out, byte for byte.
 *
 * sources: user/sys/shell/line_edit.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../user/sys/shell/line_edit.h"

struct screen {
    char out[4096];                 /* everything echoed */
    size_t len;
};

static void record(const char *s, size_t len, void *arg)
{
    struct screen *sc = arg;
    assert_true(sc->len + len < sizeof(sc->out));
    memcpy(sc->out + sc->len, s, len);
    sc->len += len;
    sc->out[sc->len] = '\0';
}

/* Type keys (a string; NUL not included) into a fresh line: the result
 * of the last key. */
static enum line_edit_result type(struct line_edit *e, struct line_history *h,
                                  struct screen *sc, const char *keys)
{
    enum line_edit_result r = LINE_EDIT_MORE;
    memset(sc, 0, sizeof(*sc));
    line_edit_start(e, h, record, sc);
    for (const char *k = keys; *k; k++) {
        assert_int_equal(r, LINE_EDIT_MORE);        /* nothing after the end */
        r = line_edit_key(e, (unsigned char)*k);
    }
    return r;
}

static void test_plain_line(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    assert_int_equal(type(&e, &h, &sc, "ps\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "ps");
    assert_string_equal(sc.out, "ps\n");
    assert_int_equal(h.count, 1);
}

static void test_backspace(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    /* DEL and Ctrl-H both; one too many on an empty line does nothing. */
    assert_int_equal(type(&e, &h, &sc, "ab\x7f\x08\x7f" "c\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "c");
    assert_string_equal(sc.out, "ab\b \b\b \bc\n");
}

static void test_ctrl_u(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    assert_int_equal(type(&e, &h, &sc, "abc\x15xy\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "xy");
    assert_string_equal(sc.out, "abc\b \b\b \b\b \bxy\n");
}

static void test_ctrl_c_drops(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    assert_int_equal(type(&e, &h, &sc, "kill 3\x03"), LINE_EDIT_DROPPED);
    assert_string_equal(e.buf, "");
    assert_string_equal(sc.out, "kill 3^C\n");
    assert_int_equal(h.count, 0);               /* not kept */
}

static void test_control_bytes_ignored(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    assert_int_equal(type(&e, &h, &sc, "a\x01\x7e\x80\xff" "b\t\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "a~b");
}

static void test_long_line(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    char keys[LINE_EDIT_BYTES + 12];
    memset(keys, 'x', LINE_EDIT_BYTES + 10);
    keys[LINE_EDIT_BYTES + 10] = '\n';
    keys[LINE_EDIT_BYTES + 11] = '\0';
    assert_int_equal(type(&e, &h, &sc, keys), LINE_EDIT_DONE);
    assert_int_equal(strlen(e.buf), LINE_EDIT_BYTES - 1);
    assert_int_equal(sc.len, LINE_EDIT_BYTES);  /* the kept ones and the newline */
}

static void test_history_up_down(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    type(&e, &h, &sc, "one\n");
    type(&e, &h, &sc, "two\n");
    type(&e, &h, &sc, "two\n");                 /* the same again: kept once */
    type(&e, &h, &sc, "\n");                    /* empty: not kept */
    assert_int_equal(h.count, 2);
    assert_int_equal(type(&e, &h, &sc, "\x1b[A\x1b[A\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "one");
    assert_string_equal(sc.out, "two\b \b\b \b\b \bone\n");
    /* Up past the oldest stays there; down comes back; past the newest
     * is an empty line.  ESC O A is up too (application mode). */
    assert_int_equal(type(&e, &h, &sc, "\x1b[A\x1b[A\x1b[A\x1b[B\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "two");
    assert_int_equal(type(&e, &h, &sc, "\x1bOA\x1b[B\x1b[B\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "");
    /* A half-typed line is replaced by the recalled one. */
    assert_int_equal(type(&e, &h, &sc, "xy\x1b[A!\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "two!");         /* "two" was the last kept */
    assert_string_equal(sc.out, "xy\b \b\b \btwo!\n");
}

static void test_history_keeps_the_last(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    char line[16], keys[3 * (LINE_EDIT_HISTORY + 2) + 2] = "";
    for (int i = 0; i < LINE_EDIT_HISTORY + 3; i++) {
        snprintf(line, sizeof(line), "c%d\n", i);
        type(&e, &h, &sc, line);
    }
    for (int i = 0; i < LINE_EDIT_HISTORY + 2; i++) {
        strcat(keys, "\x1b[A");
    }
    strcat(keys, "\n");
    assert_int_equal(type(&e, &h, &sc, keys), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "c3");          /* the oldest of the last 8 */
}

static void test_other_escapes_ignored(void **state)
{
    struct line_history h = { 0 };
    struct line_edit e;
    struct screen sc;
    type(&e, &h, &sc, "old\n");
    /* Right, left, delete (ESC [ 3 ~), a lone ESC x: nothing happens. */
    assert_int_equal(type(&e, &h, &sc, "a\x1b[C\x1b[D\x1b[3~\x1bxb\n"), LINE_EDIT_DONE);
    assert_string_equal(e.buf, "ab");
    assert_string_equal(sc.out, "ab\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_line),
        cmocka_unit_test(test_backspace),
        cmocka_unit_test(test_ctrl_u),
        cmocka_unit_test(test_ctrl_c_drops),
        cmocka_unit_test(test_control_bytes_ignored),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_history_up_down),
        cmocka_unit_test(test_history_keeps_the_last),
        cmocka_unit_test(test_other_escapes_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
