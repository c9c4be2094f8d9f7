/*
 * kernel/include/kprintf.h -- the kernel's freestanding formatter.
 *
 * Supported: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field width
 * (digits or '*'), a precision for %s ('.N' or '.*'), and the length
 * modifiers l, ll, z and h.  No floating point.  The same file is compiled
 * into the host unit tests (tests/host/test_printf.c).
 */
#ifndef SPRAT_KPRINTF_H
#define SPRAT_KPRINTF_H

#include <stddef.h>
#include <stdarg.h>

/* Output callback: called once per character. */
typedef void (*kputc_fn)(char c, void *arg);

/* Format into the callback; returns the number of characters produced. */
int kvprintf(kputc_fn out, void *arg, const char *fmt, va_list ap);

/* Format into buf (always NUL-terminated when size > 0); returns the length
 * the full result would have had, like C99 snprintf. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
