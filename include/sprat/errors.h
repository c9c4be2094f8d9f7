/*
 * include/sprat/errors.h -- error values (shared by kernel and user code).
 *
 * errval_t is a plain number: 0 is success, every other value names one
 * entry of errors.def.  The system call path returns it in r0.
 */
#ifndef SPRAT_ERRORS_H
#define SPRAT_ERRORS_H

#include <stdint.h>
#include <stdbool.h>

typedef uint32_t errval_t;

enum sprat_err {
#define ERR(name, text) name,
#include <sprat/errors.def>
#undef ERR
    SPRAT_ERR_COUNT
};

static inline bool err_is_ok(errval_t e)   { return e == SYS_ERR_OK; }
static inline bool err_is_fail(errval_t e) { return e != SYS_ERR_OK; }

/* The enum name ("SYS_ERR_CAP_NOT_FOUND") and the sentence for an error;
 * both return "unknown error" for values outside the table.
 * (libsys/err.c; the kernel only returns codes and has no copy of the
 * strings.) */
const char *err_getcode(errval_t e);
const char *err_getstring(errval_t e);

#endif
