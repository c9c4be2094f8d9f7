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
#include <smp.h>

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

/* A secondary core: the UART runs; the generic timer is per core. */
void plat_init_secondary(void)
{
    uart = dev_map(VIRT_UART0_PA, 0x1000);
    generic_timer_init();
}

void plat_irq_init_secondary(void)
{
    gic_init_secondary(dev_map(VIRT_GIC_DIST_PA, VIRT_GIC_REGION_SIZE),
                       dev_map(VIRT_GIC_CPU_PA, VIRT_GIC_REGION_SIZE));
}

/* L2CTLR bits 25:24 = number of cores - 1 (Cortex-A15 TRM r4p0 4.3.55,
 * "L2 Control Register"; QEMU models it). */
unsigned plat_num_cores(void)
{
    uint32_t l2ctlr;
    __asm__ volatile("mrc p15, 1, %0, c9, c0, 2" : "=r"(l2ctlr));
    return ((l2ctlr >> 24) & 0x3) + 1;
}

/*
 * PSCI CPU_ON (ARM DEN 0022D, "Power State Coordination Interface", 5.1.4):
 * function 0x84000003, target MPIDR, entry point, context id; 0 = SUCCESS,
 * negative = refused (ALREADY_ON -4, INVALID_PARAMETERS -2, ...).  QEMU's
 * virt board implements PSCI itself and names the conduit in its device
 * tree: "hvc" when the guest has no EL2/EL3 of its own (this board
 * without virtualization=on).  The core starts at entry_pa in SVC mode,
 * MMU off.
 */
#define PSCI_CPU_ON_SMC32   0x84000003u

errval_t plat_start_core(unsigned core, paddr_t entry_pa)
{
    register uint32_t r0 __asm__("r0") = PSCI_CPU_ON_SMC32;
    register uint32_t r1 __asm__("r1") = core;      /* MPIDR.Aff0 */
    register uint32_t r2 __asm__("r2") = entry_pa;
    register uint32_t r3 __asm__("r3") = 0;         /* context id */
    __asm__ volatile(".arch_extension virt\n hvc #0"
                     : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3) : "memory");
    return r0 == 0 ? SYS_ERR_OK : SYS_ERR_CORE_START_FAILED;
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
