/*
 * kernel/plat/pandaboard/platform.c -- board support for the PandaBoard ES
 * (TI OMAP4460): UART3 console, PERIPHCLK measured for the A9 MPCore's
 * timers (whose glue, with the GIC's, is kernel/dev/a9_mpcore.c), and the
 * SoC state U-Boot hands over that the kernel must take in hand: the
 * watchdog, the L2 cache, the UART itself.
 *
 * Every address and bit is in platform.h with its source.  None of this
 * has run on a board yet; see docs/hardware.md for the first-boot
 * checklist.  Status lines are printed as each step completes, so that a
 * hang on real hardware shows where it happened.
 */
#include <smp.h>
#include <kernel.h>
#include <plat.h>
#include <platform.h>
#include <arch/vm.h>
#include <dev/ns16550.h>
#include <dev/a9_mpcore.h>
#include <dev/a9_timer.h>
#include <dev/gicv2.h>
#include <smp.h>

/* The ROM code's secure monitor (smc.S). */
uint32_t omap4_smc1(uint32_t service, uint32_t arg);
uint32_t omap4_smc2(uint32_t service, uint32_t arg0, uint32_t arg1);

/* The measured PERIPHCLK, for the other cores' timers (.shared: their
 * own variables start at zero). */
static uint32_t periphclk_hz SECTION(".shared");

static volatile uint8_t *uart, *periph, *l4_wkup;

/* Bound for waiting on hardware that should answer within microseconds
 * (posted writes, resets): generous at any MPU clock, and finite so that
 * a dead module is reported instead of hanging the boot silently. */
#define HW_WAIT_POLLS   10000000u

static inline uint32_t rd(volatile uint8_t *base, unsigned off)
{
    return *(volatile uint32_t *)(base + off);
}

static inline void wr(volatile uint8_t *base, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

/* Wait until (reg & mask) == want; false if it never happened. */
static bool wait_bits(volatile uint8_t *base, unsigned off, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < HW_WAIT_POLLS; i++) {
        if ((rd(base, off) & mask) == want) {
            return true;
        }
    }
    return false;
}

/* A register in the L4_WKUP window, by its physical address. */
static volatile uint8_t *wkup_reg(paddr_t pa)
{
    return l4_wkup + (pa - OMAP4_L4_WKUP_PA);
}

/* Is the module behind this CM_WKUP_*_CLKCTRL register clocked? */
static bool wkup_module_on(paddr_t clkctrl_pa)
{
    uint32_t v = rd(wkup_reg(clkctrl_pa), 0);
    return ((v >> CLKCTRL_IDLEST_SHIFT) & CLKCTRL_IDLEST_MASK) == CLKCTRL_IDLEST_FUNC;
}

/* ---- watchdog ------------------------------------------------------------- */

/* The boot ROM may leave WDT2 running, and U-Boot builds differ in whether
 * they stop it; Sprat does not feed it, so it must not run. */
static const char *watchdog_stop(void)
{
    if (!wkup_module_on(OMAP4_CM_WKUP_WDTIMER2_CLKCTRL_PA)) {
        return "WDT2 unclocked, so not counting";
    }
    volatile uint8_t *wdt = wkup_reg(OMAP4_WDT2_PA);
    wr(wdt, WDT_WSPR, WSPR_STOP_1);
    bool ok = wait_bits(wdt, WDT_WWPS, WWPS_W_PEND_WSPR, 0);
    wr(wdt, WDT_WSPR, WSPR_STOP_2);
    ok = wait_bits(wdt, WDT_WWPS, WWPS_W_PEND_WSPR, 0) && ok;
    return ok ? "WDT2 stopped" : "WDT2 did not confirm the stop sequence";
}

/* ---- the console UART ------------------------------------------------------- */

/* Write MDR1 the way erratum i202 of the OMAP3/OMAP4 UART asks ("MDR1
 * access can freeze UART module"): afterwards empty both FIFOs and wait
 * until they are, as Linux's omap_8250_mdr1_errataset() does. */
static void uart_set_mode(uint32_t mode)
{
    wr(uart, OMAP_UART_MDR1, mode);
    for (volatile unsigned i = 0; i < 1000; i++) {
        /* the erratum asks for 2 us; 1000 iterations take longer at any
         * clock the MPU runs at */
    }
    wr(uart, OMAP_UART_FCR, FCR_FIFO_EN_CLEAR);
    wait_bits(uart, OMAP_UART_LSR, LSR_TX_FIFO_E | LSR_RX_FIFO_E, LSR_TX_FIFO_E);
}

static void console_init(void)
{
    uart = dev_map(OMAP4_UART3_PA, 0x1000);
    /* Let U-Boot's last characters leave, then reset the module so that
     * nothing of its set-up survives; the module stays awake (no-idle)
     * whatever the clock domain does. */
    wait_bits(uart, OMAP_UART_LSR, LSR_TX_SR_E, LSR_TX_SR_E);
    wr(uart, OMAP_UART_SYSC, SYSC_SOFTRESET);
    wait_bits(uart, OMAP_UART_SYSS, SYSS_RESETDONE, SYSS_RESETDONE);
    wr(uart, OMAP_UART_SYSC, SYSC_IDLEMODE_NOIDLE);
    /* The divisor may only change while the UART is disabled (MDR1). */
    uart_set_mode(MDR1_MODE_DISABLE);
    ns16550_init(uart, OMAP4_UART_CLOCK_HZ, CONSOLE_BAUD);
    uart_set_mode(MDR1_MODE_UART16X);
}

/* ---- the L2 cache ----------------------------------------------------------- */

/*
 * U-Boot's bootm cleans the L2 cache and turns it off before it starts a
 * kernel (cleanup_before_linux()), and Sprat leaves it off: it runs with
 * the Cortex-A9's L1 caches only.  If we were started some other way with
 * the L2 on, clean and invalidate every way and turn it off through the
 * secure monitor -- late, but the best that can be done from here.
 */
static const char *l2_cache_off(void)
{
    volatile uint8_t *l2c = periph + (OMAP4_L2C_PA - A9_PERIPHBASE_PA);

    if ((rd(l2c, L2C_CTRL) & L2C_CTRL_ENABLE) == 0) {
        return "L2 cache (PL310) off, as bootm left it";
    }
    uint32_t ways = (rd(l2c, L2C_AUX_CTRL) & L2C_AUX_16WAY) ? 0xffff : 0xff;
    wr(l2c, L2C_CLEAN_INV_WAY, ways);
    wait_bits(l2c, L2C_CLEAN_INV_WAY, ways, 0);
    wr(l2c, L2C_CACHE_SYNC, 0);
    wait_bits(l2c, L2C_CACHE_SYNC, 1, 0);
    omap4_smc1(OMAP4_MON_L2X0_CTRL_INDEX, 0);
    return (rd(l2c, L2C_CTRL) & L2C_CTRL_ENABLE)
        ? "L2 cache was on and did not turn off"
        : "L2 cache was on (not started by bootm?): cleaned and turned off";
}

/* ---- PERIPHCLK --------------------------------------------------------------- */

/* Measure over 1/16 s of the 32 kHz sync timer; round to whole MHz. */
#define MEASURE_FRACTION    16
#define PERIPHCLK_MIN_HZ    100000000u
#define PERIPHCLK_MAX_HZ    1000000000u

/* PERIPHCLK in Hz from the global timer (which counts it) and the 32 kHz
 * sync timer; 0 if the sync timer is off or does not move. */
static uint32_t measure_periphclk(void)
{
    if (!wkup_module_on(OMAP4_CM_WKUP_SYNCTIMER_CLKCTRL_PA)) {
        return 0;
    }
    volatile uint32_t *sync = (volatile uint32_t *)wkup_reg(OMAP4_SYNCTIMER_CR_PA);
    const uint32_t window = OMAP4_SYNCTIMER_HZ / MEASURE_FRACTION;
    const uint64_t give_up = PERIPHCLK_MAX_HZ;      /* > 1 s of timer counts */

    uint32_t s0 = *sync, s;
    uint64_t g = a9_global_timer_read();
    while ((s = *sync) == s0) {                     /* start on an edge */
        if (a9_global_timer_read() - g > give_up) {
            return 0;
        }
    }
    uint64_t g0 = a9_global_timer_read();
    while (*sync - s < window) {
        if (a9_global_timer_read() - g0 > give_up) {
            return 0;
        }
    }
    uint64_t counts = (a9_global_timer_read() - g0) * MEASURE_FRACTION;
    return (uint32_t)((counts + 500000) / 1000000 * 1000000);
}

/* ---- plat.h ----------------------------------------------------------------- */

void plat_init(const struct boot_args *args)
{
    (void)args;
    l4_wkup = dev_map(OMAP4_L4_WKUP_PA, OMAP4_L4_WKUP_SIZE);
    const char *wdt = watchdog_stop();
    console_init();
    kprintf("pandaboard: %s\n", wdt);

    /* The nominal PERIPHCLK first: the measurement needs the global timer. */
    periph = a9_mpcore_init(A9_PERIPHBASE_PA, A9_PERIPH_SIZE, OMAP4_PERIPHCLK_NOMINAL_HZ);
    kprintf("pandaboard: %s\n", l2_cache_off());

    uint32_t hz = measure_periphclk();
    if (hz < PERIPHCLK_MIN_HZ || hz > PERIPHCLK_MAX_HZ) {
        kprintf("pandaboard: cannot measure PERIPHCLK (got %u Hz); assuming %u Hz\n",
                (unsigned)hz, (unsigned)OMAP4_PERIPHCLK_NOMINAL_HZ);
        hz = OMAP4_PERIPHCLK_NOMINAL_HZ;
    } else {
        kprintf("pandaboard: PERIPHCLK %u MHz (measured against the 32 kHz sync timer)\n",
                (unsigned)(hz / 1000000));
    }
    a9_mpcore_set_periphclk(hz);
    periphclk_hz = hz;     /* for the second core (plat_init_secondary) */
}

/* ---- the second core (docs/multikernel.md, "Booting a core") --------------- */

/* A secondary core maps its own devices (its own kernel_l1) and reuses
 * what the boot core measured and set up. */
void plat_init_secondary(void)
{
    uart = dev_map(OMAP4_UART3_PA, 0x1000);
    l4_wkup = dev_map(OMAP4_L4_WKUP_PA, OMAP4_L4_WKUP_SIZE);
    periph = a9_mpcore_init_secondary(A9_PERIPHBASE_PA, A9_PERIPH_SIZE, periphclk_hz);
}

/*
 * CPU1 waits in the OMAP4 ROM (WFE) until AUX_CORE_BOOT_0 says "go" and
 * AUX_CORE_BOOT_1 holds its entry (OMAP4460 TRM, "Wake-Up Generator"
 * registers of the MPU subsystem; [LINUX] arch/arm/mach-omap2/omap-smp.c,
 * omap4_boot_secondary and wakeup_secondary).  On the GP device these
 * registers are Secure: the Non-secure kernel writes them through the
 * ROM's monitor, service 0x105 (write AUX_CORE_BOOT_1) and 0x104 (modify
 * AUX_CORE_BOOT_0: set, clear masks; [LINUX] omap-smc.S,
 * omap_auxcoreboot_addr and omap_modify_auxcoreboot0).  Then SEV wakes the
 * core from WFE; the SGI covers a ROM waiting in WFI, as Linux sends one
 * too.  The core starts in the Non-secure SVC mode with the MMU off.
 */
errval_t plat_start_core(unsigned core, paddr_t entry_pa)
{
    if (core != 1) {
        return SYS_ERR_CORE_INVALID;
    }
    omap4_smc2(OMAP4_MON_AUXCORE_BOOT1_INDEX, entry_pa, 0);
    omap4_smc2(OMAP4_MON_AUXCORE_BOOT0_INDEX, AUX_CORE_BOOT0_GO, ~AUX_CORE_BOOT0_GO);
    __asm__ volatile("dsb\n sev" ::: "memory");
    gic_send_sgi(core, SMP_SGI_WAKE);
    return SYS_ERR_OK;
}

void plat_console_putc(char c) { ns16550_putc(uart, c); }
int plat_console_getc(void)    { return ns16550_getc(uart); }

const char *plat_board_name(void)
{
    return "pandaboard (PandaBoard ES, TI OMAP4460)";
}

const struct plat_device plat_device_table[] = {
    { "ns16550", OMAP4_UART3_PA, 0x1000, OMAP4_UART3_IRQ },
};
const size_t plat_device_count = ARRAY_SIZE(plat_device_table);
