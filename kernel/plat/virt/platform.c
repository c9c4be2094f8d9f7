/*
 * kernel/plat/virt/platform.c -- board support for QEMU's virt board with
 * a Cortex-A15: PL011 console, GICv2, and the ARM Generic Timer for the
 * tick and as the board counter.
 */
#include <kernel.h>
#include <plat.h>
#include <platform.h>
#include <arch/vm.h>
#include <dev/pl011.h>
#include <dev/gicv2.h>
#include <dev/generic_timer.h>

static volatile void *uart;

void plat_init(const struct boot_args *args)
{
    (void)args;
    uart = dev_map(VIRT_UART0_PA, 0x1000);
    pl011_init(uart, VIRT_UART_CLOCK_HZ, CONSOLE_BAUD);
    generic_timer_init();
}

void plat_irq_init(void)
{
    gic_init(dev_map(VIRT_GIC_DIST_PA, VIRT_GIC_REGION_SIZE),
             dev_map(VIRT_GIC_CPU_PA, VIRT_GIC_REGION_SIZE));
}

void plat_console_putc(char c) { pl011_putc(uart, c); }
int plat_console_getc(void)    { return pl011_getc(uart); }

const char *plat_board_name(void)
{
    return "virt (QEMU generic ARM board, Cortex-A15)";
}

const struct plat_device plat_device_table[] = {
    { "pl011", VIRT_UART0_PA, 0x1000, VIRT_UART0_IRQ },
};
const size_t plat_device_count = ARRAY_SIZE(plat_device_table);

void plat_timer_start(uint32_t hz) { generic_timer_start(hz); }
void plat_timer_stop(void)         { generic_timer_stop(); }
unsigned plat_timer_irq(void)      { return GENERIC_TIMER_VIRT_IRQ; }
void plat_timer_ack(void)          { generic_timer_ack(); }

uint64_t plat_counter_read(void)   { return generic_timer_count(); }
uint32_t plat_counter_hz(void)     { return generic_timer_hz(); }
