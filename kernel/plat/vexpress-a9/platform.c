/*
 * kernel/plat/vexpress-a9/platform.c -- board support for the Versatile
 * Express A9 (QEMU -M vexpress-a9): PL011 console; the A9 MPCore GIC and
 * its private/global timers are kernel/dev/a9_mpcore.c.
 */
#include <kernel.h>
#include <plat.h>
#include <platform.h>
#include <arch/vm.h>
#include <dev/pl011.h>
#include <dev/a9_mpcore.h>

static volatile void *uart;

void plat_init(const struct boot_args *args)
{
    (void)args;     /* QEMU passes no memory description worth parsing */
    uart = dev_map(VEXPRESS_UART0_PA, 0x1000);
    pl011_init(uart, VEXPRESS_UART_CLOCK_HZ, CONSOLE_BAUD);
    a9_mpcore_init(A9_PERIPHBASE_PA, A9_PERIPH_SIZE, VEXPRESS_PERIPHCLK_HZ);
}

void plat_console_putc(char c)
{
    pl011_putc(uart, c);
}

int plat_console_getc(void)
{
    return pl011_getc(uart);
}

const char *plat_board_name(void)
{
    return "vexpress-a9 (ARM Versatile Express, CoreTile A9x4)";
}

const struct plat_device plat_device_table[] = {
    { "pl011", VEXPRESS_UART0_PA, 0x1000, VEXPRESS_UART0_IRQ },
};
const size_t plat_device_count = ARRAY_SIZE(plat_device_table);
