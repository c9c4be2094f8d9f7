/*
 * libsys/include/sys/debug.h -- printing errors.
 */
#ifndef LIBSYS_DEBUG_H
#define LIBSYS_DEBUG_H

#include <stdio.h>
#include <sprat/errors.h>
#include <sys/disp.h>

/* "domain: file:line: message: ERROR_NAME (sentence)" */
#define DEBUG_ERR(err, ...)                                                  \
    do {                                                                     \
        printf("%s: %s:%d: ", disp_name(), __FILE__, __LINE__);              \
        printf(__VA_ARGS__);                                                 \
        printf(": %s (%s)\n", err_getcode(err), err_getstring(err));         \
    } while (0)

#endif
