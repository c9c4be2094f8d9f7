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
#include <smp.h>

static volatile void *uart;
static volatile uint8_t *periph;
static volatile uint8_t *sysregs;

/* The devices of this core's kernel (each core maps its own: per-core
 * kernel_l1, per-core pointers). */
static void map_devices(void)
{
    uart = dev_map(VEXPRESS_UART0_PA, 0x1000);
    periph = dev_map(A9_PERIPHBASE_PA, A9_PERIPH_SIZE);
    sysregs = dev_map(VEXPRESS_SYSREGS_PA, 0x1000);
}

void plat_init(const struct boot_args *args)
{
    (void)args;     /* QEMU passes no memory description worth parsing */
    map_devices();
    pl011_init(uart, VEXPRESS_UART_CLOCK_HZ, CONSOLE_BAUD);
    a9_timer_init(periph + A9_GLOBAL_TIMER_OFFSET,
                  periph + A9_PRIVATE_TIMER_OFFSET, VEXPRESS_PERIPHCLK_HZ);
}

void plat_init_secondary(void)
{
    map_devices();  /* the UART and the global timer run already */
    a9_timer_init_secondary(periph + A9_GLOBAL_TIMER_OFFSET,
                            periph + A9_PRIVATE_TIMER_OFFSET, VEXPRESS_PERIPHCLK_HZ);
}

void plat_irq_init(void)
{
    gic_init(periph + A9_GIC_DIST_OFFSET, periph + A9_GIC_CPU_OFFSET);
}

void plat_irq_init_secondary(void)
{
    gic_init_secondary(periph + A9_GIC_DIST_OFFSET, periph + A9_GIC_CPU_OFFSET);
}

unsigned plat_num_cores(void)
{
    volatile uint32_t *scu = (volatile uint32_t *)(periph + A9_SCU_CONFIG_OFFSET);
    return (*scu & A9_SCU_CONFIG_CPUS_MASK) + 1;
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
