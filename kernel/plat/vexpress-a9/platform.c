/*
 * kernel/plat/vexpress-a9/platform.c -- board support for the Versatile
 * Express A9 (QEMU -M vexpress-a9): PL011 console, the A9 MPCore GIC and
 * its private/global timers.
 */
#include <kernel.h>
#include <plat.h>
#include <platform.h>
#include <arch/vm.h>
#include <dev/pl011.h>
#include <dev/gicv2.h>
#include <dev/a9_timer.h>

static volatile void *uart;
static volatile uint8_t *periph;

void plat_init(const struct boot_args *args)
{
    (void)args;     /* QEMU passes no memory description worth parsing */
    uart = dev_map(VEXPRESS_UART0_PA, 0x1000);
    pl011_init(uart, VEXPRESS_UART_CLOCK_HZ, CONSOLE_BAUD);
    periph = dev_map(A9_PERIPHBASE_PA, A9_PERIPH_SIZE);
    a9_timer_init(periph + A9_GLOBAL_TIMER_OFFSET,
                  periph + A9_PRIVATE_TIMER_OFFSET, VEXPRESS_PERIPHCLK_HZ);
}

void plat_irq_init(void)
{
    gic_init(periph + A9_GIC_DIST_OFFSET, periph + A9_GIC_CPU_OFFSET);
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

static const struct plat_device devices[] = {
    { "pl011", VEXPRESS_UART0_PA, 0x1000, VEXPRESS_UART0_IRQ },
};

const struct plat_device *plat_devices(size_t *count)
{
    *count = ARRAY_SIZE(devices);
    return devices;
}

paddr_t plat_ram_base(void) { return PLAT_RAM_BASE; }
size_t plat_ram_size(void) { return PLAT_RAM_SIZE; }

void plat_timer_start(uint32_t hz) { a9_private_timer_start(hz); }
void plat_timer_stop(void)         { a9_private_timer_stop(); }
unsigned plat_timer_irq(void)      { return A9_PRIVATE_TIMER_IRQ; }
void plat_timer_ack(void)          { a9_private_timer_ack(); }

uint64_t plat_counter_read(void)   { return a9_global_timer_read(); }
uint32_t plat_counter_hz(void)     { return a9_global_timer_hz(); }
