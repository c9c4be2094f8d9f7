/*
 * tests/user/lib/systest.h -- reporting results from test domains.
 *
 * In test images the kernel numbers every reported result in one TAP
 * stream ("ok N - name"), together with its own in-kernel tests.  In
 * release images the report call fails with SYS_ERR_ILLEGAL_SYSCALL and
 * the result is printed as plain text instead.
 */
#ifndef LIBSYS_SYSTEST_H
#define LIBSYS_SYSTEST_H

#include <stdbool.h>
#include <sprat/errors.h>

/* Report one result; returns ok. */
bool test_report(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Check that an expression gives the expected error, and report it. */
#define TEST_ERR(expr, want) \
    test_expect_err((expr), (want), #expr, #want)
bool test_expect_err(errval_t got, errval_t want, const char *expr, const char *wantname);

#endif
