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
#include <dev/gicv2.h>
#include <smp.h>

static volatile void *uart;
static volatile uint8_t *sysregs;

/* The board's own devices, mapped by every core's kernel: each has its own
 * kernel_l1 and its own copy of these pointers (docs/multikernel.md). */
static void map_devices(void)
{
    uart = dev_map(VEXPRESS_UART0_PA, 0x1000);
    sysregs = dev_map(VEXPRESS_SYSREGS_PA, 0x1000);
}

void plat_init(const struct boot_args *args)
{
    (void)args;     /* QEMU passes no memory description worth parsing */
    map_devices();
    pl011_init(uart, VEXPRESS_UART_CLOCK_HZ, CONSOLE_BAUD);
    a9_mpcore_init(A9_PERIPHBASE_PA, A9_PERIPH_SIZE, VEXPRESS_PERIPHCLK_HZ);
}

/* A core started later: the UART and the global timer run already. */
void plat_init_secondary(void)
{
    map_devices();
    a9_mpcore_init_secondary(A9_PERIPHBASE_PA, A9_PERIPH_SIZE, VEXPRESS_PERIPHCLK_HZ);
}

/* The boot monitor's protocol (platform.h): the entry in SYS_FLAGS, then
 * an SGI to wake the core from its WFI.  The DSB makes the flags write
 * reach the device before the SGI does (ARM ARM A3.8.3, "Memory
 * barriers": both are Device accesses, but to different peripherals). */
errval_t plat_start_core(unsigned core, paddr_t entry_pa)
{
    volatile uint32_t *clr = (volatile uint32_t *)(sysregs + VEXPRESS_SYS_FLAGSCLR);
    volatile uint32_t *set = (volatile uint32_t *)(sysregs + VEXPRESS_SYS_FLAGSSET);

    *clr = 0xffffffffu;
    *set = entry_pa;
    __asm__ volatile("dsb" ::: "memory");
    gic_send_sgi(core, SMP_SGI_WAKE);
    return SYS_ERR_OK;
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
