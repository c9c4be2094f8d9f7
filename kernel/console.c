/*
 * kernel/console.c -- the kernel console: kprintf() on the board's UART.
 *
 * Output is polled and synchronous, so it works in any context: during
 * boot, in exception handlers and in panic().  User domains print through
 * the debug-print system call or, once it runs, the serial-driver domain.
 *
 * Text a domain supplies (its dispatcher name, SYS_DEBUG_PRINT text) goes
 * out through console_put_user, escaped: a domain must not be able to
 * move the cursor, clear the terminal, or put words into the kernel's own
 * lines (docs/reliability.md, "The kernel under attack").
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

/*
 * Printable ASCII goes out as it is; every other byte as \xNN -- with
 * lines == true except newline and tab (a domain's own lines of text).
 * So a name printed inside a kernel line ("kernel: domain '...'") can
 * never end that line and start one of its own, e.g. a forged
 * "PANIC at ..." (test images tell a real panic by QEMU's exit status:
 * scripts/testrun.py).
 */
void console_put_user(const char *s, size_t len, bool lines)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 0x20 && c < 0x7f) || (lines && (c == '\n' || c == '\t'))) {
            console_putc((char)c);
        } else {
            console_puts("\\x");
            console_putc(hex[c >> 4]);
            console_putc(hex[c & 0xf]);
        }
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
