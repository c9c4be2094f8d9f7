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
static bool console_acquire(void);
static void console_release(bool held);

void console_put_user(const char *s, size_t len, bool lines)
{
    static const char hex[] = "0123456789abcdef";
    bool held = console_acquire();

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
    console_release(held);
}

static void kprintf_putc(char c, void *arg)
{
    (void)arg;
    console_putc(c);
}

/*
 * One kprintf at a time across the cores' CPU drivers, so their lines do
 * not interleave (docs/multikernel.md): the only lock the kernels share,
 * in the .shared section.  LDREX/STREX on Normal, Shareable memory reach
 * the global monitor (ARM ARM A3.4.5, "Exclusive access instructions and
 * Shareable memory regions").  The wait is bounded: a core that panicked
 * while holding the lock must not silence the other; after CONSOLE_SPINS
 * failed tries a line may interleave, it is never lost.
 */
#define CONSOLE_SPINS   (1u << 22)
static volatile uint32_t console_lock SECTION(".shared");

static bool console_acquire(void)
{
    for (uint32_t i = 0; i < CONSOLE_SPINS; i++) {
        uint32_t failed = 1, old;
        __asm__ volatile("ldrex %0, [%2]\n"
                         "cmp   %0, #0\n"
                         "strexeq %1, %3, [%2]\n"
                         : "=&r"(old), "+&r"(failed)
                         : "r"(&console_lock), "r"(1) : "cc", "memory");
        if (old == 0 && failed == 0) {
            __asm__ volatile("dmb" ::: "memory");
            return true;
        }
    }
    return false;
}

static void console_release(bool held)
{
    if (held) {
        __asm__ volatile("dmb" ::: "memory");
        console_lock = 0;
    }
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool held = console_acquire();
    int n = kvprintf(kprintf_putc, NULL, fmt, ap);
    console_release(held);
    va_end(ap);
    return n;
}
