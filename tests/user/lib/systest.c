/*
 * tests/user/lib/systest.c -- test results through SYS_DEBUG_PRINT (tests/user/lib/systest.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <systest.h>
#include <sys/stdio_backend.h>

bool test_report(bool ok, const char *fmt, ...)
{
    char name[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    libsys_stdio_flush();           /* diagnostics before the result line */
    errval_t err = sys_raw(SYSW(SYS_DEBUG_PRINT, 0,
                                ok ? DEBUG_PRINT_TEST_OK : DEBUG_PRINT_TEST_FAIL),
                           (uint32_t)name, strlen(name), 0).err;
    if (err_is_fail(err)) {
        printf("%s: %s\n", ok ? "PASS" : "FAIL", name);
    }
    return ok;
}

bool test_expect_err(errval_t got, errval_t want, const char *expr,
                     const char *wantname)
{
    if (got != want) {
        printf("# %s: got %s, want %s\n", expr, err_getcode(got), wantname);
    }
    return test_report(got == want, "%s -> %s", expr, wantname);
}
