/*
 * kernel/console.c -- the kernel console: kprintf() on the board's UART.
 *
 * Output is polled and synchronous, so it works in any context: during
 * boot, in exception handlers and in panic().  User domains print through
 * the debug-print system call or, once it runs, the serial-driver domain.
 */
#include <kernel.h>
#include <plat.h>

void console_putc(char c)
{
    if (c == '\n') {
        plat_console_putc('\r');    /* terminals want CR LF */
    }
    plat_console_putc(c);
}

void console_puts(const char *s)
{
    while (*s != '\0') {
        console_putc(*s++);
    }
}

static void kprintf_putc(char c, void *arg)
{
    (void)arg;
    console_putc(c);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(kprintf_putc, NULL, fmt, ap);
    va_end(ap);
    return n;
}
