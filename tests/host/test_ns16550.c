/*
 * tests/host/test_ns16550.c -- the kernel's 16550 UART driver
 * (kernel/dev/ns16550.c, compiled unchanged) against a simulated UART.
 *
 * The simulation models what the driver depends on: the divisor latch
 * behind LCR.DLAB, receive and transmit FIFOs with the LSR bits that
 * describe them (DR, THRE, TEMT), FCR's FIFO-clear bits, and the OMAP
 * rule that FCR.FIFO_EN changes only while the divisor is 0.  Anything the
 * driver does that real hardware would punish -- writing THR while it is
 * full, reprogramming the line while the boot loader's last characters are
 * still going out -- is recorded as a violation.
 *
 * sources: kernel/dev/ns16550.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "../../kernel/include/dev/ns16550.h"

#define FIFO_BYTES  64      /* the OMAP UART's FIFO depth */

struct sim_uart {
    uint8_t dll, dlh, ier, lcr, mcr;
    bool fifo_enabled;
    uint8_t rx[FIFO_BYTES];
    unsigned rx_head, rx_count;
    char wire[256];         /* bytes that went out on the line */
    unsigned wire_count;
    unsigned tx_busy;       /* status reads until the transmitter is empty */
    unsigned tx_cost;       /* status reads each byte keeps it busy */
    unsigned lsr_reads;
    int violations;
};

/* The register file, as the driver sees it through its access hooks. */
uint32_t ns16550_read(volatile void *base, unsigned idx);
void ns16550_write(volatile void *base, unsigned idx, uint32_t value);

#define LSR_DR      0x01
#define LSR_THRE    0x20
#define LSR_TEMT    0x40
#define DLAB        0x80

uint32_t ns16550_read(volatile void *base, unsigned idx)
{
    struct sim_uart *u = (struct sim_uart *)base;
    bool dlab = u->lcr & DLAB;

    switch (idx) {
    case 0:
        if (dlab) {
            return u->dll;
        }
        if (u->rx_count == 0) {
            return 0;                   /* stale: nothing was received */
        }
        {
            uint8_t c = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % FIFO_BYTES;
            u->rx_count--;
            return c;
        }
    case 1:
        return dlab ? u->dlh : u->ier;
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5: {
        uint32_t lsr = (u->rx_count ? LSR_DR : 0) |
                       (u->tx_busy == 0 ? LSR_THRE | LSR_TEMT : 0);
        u->lsr_reads++;
        if (u->tx_busy > 0) {
            u->tx_busy--;               /* time passes between polls */
        }
        return lsr;
    }
    default:
        return 0;
    }
}

void ns16550_write(volatile void *base, unsigned idx, uint32_t value)
{
    struct sim_uart *u = (struct sim_uart *)base;
    bool dlab = u->lcr & DLAB;

    /* Changing the line set-up under a byte in flight garbles it. */
    if (idx != 0 || dlab) {
        if (u->tx_busy > 0) {
            u->violations++;
        }
    }
    switch (idx) {
    case 0:
        if (dlab) {
            u->dll = (uint8_t)value;
        } else if (u->tx_busy > 0) {
            u->violations++;            /* THR written while full */
        } else {
            u->wire[u->wire_count++ % sizeof(u->wire)] = (char)value;
            u->tx_busy = u->tx_cost;
        }
        break;
    case 1:
        if (dlab) {
            u->dlh = (uint8_t)value;
        } else {
            u->ier = (uint8_t)value;
        }
        break;
    case 2:                             /* FCR */
        if ((value & 1) != u->fifo_enabled && (u->dll == 0 && u->dlh == 0)) {
            u->fifo_enabled = value & 1;
        }
        if (value & 2) {
            u->rx_count = 0;
        }
        if (value & 4) {
            u->tx_busy = 0;             /* pending output is dropped */
        }
        break;
    case 3:
        u->lcr = (uint8_t)value;
        break;
    case 4:
        u->mcr = (uint8_t)value;
        break;
    default:
        break;
    }
}

static void receive(struct sim_uart *u, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        u->rx[(u->rx_head + u->rx_count) % FIFO_BYTES] = (uint8_t)s[i];
        u->rx_count++;
    }
}

/* ---- the baud divisor -------------------------------------------------- */

static void test_divisor_115200_at_48mhz(void **state)
{
    (void)state;
    /* 48 MHz / (16 * 115200) = 26.04: 26, giving 115385 baud (+0.16%). */
    assert_int_equal(ns16550_divisor(48000000, 115200), 26);
}

static void test_divisor_rounds_to_nearest(void **state)
{
    (void)state;
    assert_int_equal(ns16550_divisor(48000000, 9600), 313);    /* 312.5 */
    assert_int_equal(ns16550_divisor(48000000, 57600), 52);    /* 52.08 */
    assert_int_equal(ns16550_divisor(48000000, 921600), 3);    /* 3.26 */
    assert_int_equal(ns16550_divisor(48000000, 3000000), 1);
    assert_int_equal(ns16550_divisor(1843200, 115200), 1);     /* the PC's */
}

/* ---- set-up -------------------------------------------------------------- */

static void test_init_programs_115200_8n1(void **state)
{
    (void)state;
    struct sim_uart u = { .ier = 0x0f, .lcr = 0x1b };

    ns16550_init(&u, 48000000, 115200);
    assert_int_equal(u.dll, 26);
    assert_int_equal(u.dlh, 0);
    assert_int_equal(u.lcr, 0x03);          /* 8N1, divisor latch closed */
    assert_int_equal(u.ier, 0);             /* polled: no interrupts */
    assert_true(u.fifo_enabled);
    assert_int_equal(u.mcr, 0x03);          /* DTR and RTS */
    assert_int_equal(u.wire_count, 0);      /* nothing sent by set-up */
    assert_int_equal(u.violations, 0);
}

static void test_init_divisor_high_byte(void **state)
{
    (void)state;
    struct sim_uart u = { 0 };

    ns16550_init(&u, 48000000, 9600);       /* 313 = 0x139 */
    assert_int_equal(u.dll, 0x39);
    assert_int_equal(u.dlh, 0x01);
}

/* U-Boot leaves the UART running at 115200: the FIFOs must still come on,
 * although the OMAP UART ignores FIFO_EN while the baud clock runs. */
static void test_init_enables_fifo_after_boot_loader(void **state)
{
    (void)state;
    struct sim_uart u = { .dll = 26, .lcr = 0x03 };

    ns16550_init(&u, 48000000, 115200);
    assert_true(u.fifo_enabled);
    assert_int_equal(u.dll, 26);
}

static void test_init_lets_boot_loader_output_finish(void **state)
{
    (void)state;
    struct sim_uart u = { .dll = 26, .lcr = 0x03, .tx_busy = 40 };

    ns16550_init(&u, 48000000, 115200);
    assert_int_equal(u.violations, 0);
    assert_true(u.lsr_reads >= 40);
}

static void test_init_discards_stale_input(void **state)
{
    (void)state;
    struct sim_uart u = { 0 };

    receive(&u, "noise", 5);
    ns16550_init(&u, 48000000, 115200);
    assert_int_equal(ns16550_getc(&u), -1);
}

/* ---- transmit and receive ------------------------------------------------ */

static void test_putc_waits_for_room(void **state)
{
    (void)state;
    struct sim_uart u = { 0 };

    ns16550_init(&u, 48000000, 115200);
    u.tx_cost = 7;
    ns16550_putc(&u, 'o');
    ns16550_putc(&u, 'k');
    assert_int_equal(u.wire_count, 2);
    assert_memory_equal(u.wire, "ok", 2);
    assert_int_equal(u.violations, 0);
    assert_int_equal(u.dll, 26);            /* data went to THR, not DLL */
}

static void test_getc_empty(void **state)
{
    (void)state;
    struct sim_uart u = { 0 };

    ns16550_init(&u, 48000000, 115200);
    assert_int_equal(ns16550_getc(&u), -1);
    assert_int_equal(ns16550_getc(&u), -1);
}

static void test_getc_in_fifo_order(void **state)
{
    (void)state;
    struct sim_uart u = { 0 };

    ns16550_init(&u, 48000000, 115200);
    receive(&u, "abc", 3);
    assert_int_equal(ns16550_getc(&u), 'a');
    assert_int_equal(ns16550_getc(&u), 'b');
    assert_int_equal(ns16550_getc(&u), 'c');
    assert_int_equal(ns16550_getc(&u), -1);
}

static void test_getc_full_fifo_and_8bit_data(void **state)
{
    (void)state;
    struct sim_uart u = { 0 };
    char all[FIFO_BYTES];

    ns16550_init(&u, 48000000, 115200);
    for (int i = 0; i < FIFO_BYTES; i++) {
        all[i] = (char)(0xff - i);          /* bytes >= 0x80 are not -1 */
    }
    receive(&u, all, FIFO_BYTES);
    for (int i = 0; i < FIFO_BYTES; i++) {
        assert_int_equal(ns16550_getc(&u), 0xff - i);
    }
    assert_int_equal(ns16550_getc(&u), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_divisor_115200_at_48mhz),
        cmocka_unit_test(test_divisor_rounds_to_nearest),
        cmocka_unit_test(test_init_programs_115200_8n1),
        cmocka_unit_test(test_init_divisor_high_byte),
        cmocka_unit_test(test_init_enables_fifo_after_boot_loader),
        cmocka_unit_test(test_init_lets_boot_loader_output_finish),
        cmocka_unit_test(test_init_discards_stale_input),
        cmocka_unit_test(test_putc_waits_for_room),
        cmocka_unit_test(test_getc_empty),
        cmocka_unit_test(test_getc_in_fifo_order),
        cmocka_unit_test(test_getc_full_fifo_and_8bit_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
