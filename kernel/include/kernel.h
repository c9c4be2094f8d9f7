/*
 * kernel/include/kernel.h -- what almost every kernel file needs: printing,
 * panics, assertions and the basic string routines of kernel/lib/string.c.
 */
#ifndef SPRAT_KERNEL_H
#define SPRAT_KERNEL_H

#include <types.h>
#include <kprintf.h>
#include <freestanding/string.h>

/* Print to the kernel console (the board's UART, polled). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_putc(char c);
void console_puts(const char *s);
/* User-supplied text, control characters escaped (lines: keep \n, \t). */
void console_put_user(const char *s, size_t len, bool lines);

/* Stop the kernel: print file, line and message, then halt (test images end
 * QEMU with a failure status instead). */
NORETURN void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define assert(cond) \
    do { if (!(cond)) panic("assertion failed: %s", #cond); } while (0)

/* Halt this CPU for good (interrupts off, wfi loop). */
NORETURN void halt(void);

/* memset, memcpy, memmove, strlen: freestanding/arch/armv7/string.S
 * (<freestanding/string.h>); the rest: kernel/lib/string.c. */
int memcmp(const void *a, const void *b, size_t n);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strlcpy_k(char *dst, const char *src, size_t size);

/* Set by boot.S from the boot loader's registers. */
struct boot_args {
    uint32_t r0, r1, r2;
};

#endif
