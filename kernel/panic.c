/*
 * kernel/panic.c -- stopping the kernel when it finds itself broken.
 */
#include <kernel.h>
#include <arch/cp15.h>
#ifdef CONFIG_TEST
#include <semihosting.h>
#endif

NORETURN void halt(void)
{
    irq_disable();
    for (;;) {
        wfi();
    }
}

static void panic_putc(char c, void *arg)
{
    (void)arg;
    console_putc(c);
}

NORETURN void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    irq_disable();
    kprintf("\nPANIC at %s:%d: ", file, line);
    va_start(ap, fmt);
    kvprintf(panic_putc, NULL, fmt, ap);
    va_end(ap);
    kprintf("\n");
#ifdef CONFIG_TEST
    /* A test image must not hang on a panic: end QEMU with the status
     * that only a panic gives (the harness trusts it, not the text). */
    semihosting_exit_status(SEMIHOSTING_PANIC_STATUS);
#endif
    halt();
}
