/*
 * kernel/dev/ns16550.c -- polled driver for 16550-compatible UARTs whose
 * registers are 4 bytes apart, as on the OMAP4 (OMAP4460 TRM, SWPU235,
 * chapter "UART/IrDA/CIR"; the register set is the TL16C550's).
 *
 * Register access goes through ns16550_read()/ns16550_write() so that the
 * host unit test (tests/host/test_ns16550.c) can run this very file
 * against a simulated UART.
 */
#include <stdint.h>
#include <dev/ns16550.h>

/* Register indices (each register is at base + 4 * index). */
#define UART_RHR    0   /* receive holding (read) */
#define UART_THR    0   /* transmit holding (write) */
#define UART_DLL    0   /* divisor latch low (when LCR.DLAB = 1) */
#define UART_IER    1   /* interrupt enable */
#define UART_DLH    1   /* divisor latch high (when LCR.DLAB = 1) */
#define UART_FCR    2   /* FIFO control (write) */
#define UART_LCR    3   /* line control */
#define UART_MCR    4   /* modem control */
#define UART_LSR    5   /* line status */

#define LCR_8N1         0x03    /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB        0x80    /* indices 0 and 1 reach the divisor */
#define FCR_FIFO_EN     0x01
#define FCR_RX_CLEAR    0x02
#define FCR_TX_CLEAR    0x04
#define MCR_DTR_RTS     0x03
#define LSR_DR          0x01    /* data ready: the receive FIFO has a byte */
#define LSR_THRE        0x20    /* transmit holding register (FIFO) empty */
#define LSR_TEMT        0x40    /* transmitter empty: FIFO and shifter */

#define OVERSAMPLING    16

/* How long to wait for the boot loader's last characters to leave: at
 * 115200 baud a full 64-byte FIFO takes 5.6 ms, far less than this many
 * status reads.  A UART that never drains is reprogrammed anyway. */
#define DRAIN_POLLS     1000000

#ifdef HOST_TEST
uint32_t ns16550_read(volatile void *base, unsigned idx);
void ns16550_write(volatile void *base, unsigned idx, uint32_t value);
#else
static inline uint32_t ns16550_read(volatile void *base, unsigned idx)
{
    return ((volatile uint32_t *)base)[idx];
}

static inline void ns16550_write(volatile void *base, unsigned idx, uint32_t value)
{
    ((volatile uint32_t *)base)[idx] = value;
}
#endif

uint32_t ns16550_divisor(uint32_t clock_hz, uint32_t baud)
{
    /* LAB 9 BEGIN: return 0; */
    uint64_t unit = (uint64_t)OVERSAMPLING * baud;
    return (uint32_t)((clock_hz + unit / 2) / unit);
    /* LAB 9 END */
}

void ns16550_init(volatile void *base, uint32_t clock_hz, uint32_t baud)
{
    /* LAB 9 BEGIN: return; */
    uint32_t div = ns16550_divisor(clock_hz, baud);

    for (unsigned i = 0; i < DRAIN_POLLS; i++) {
        if (ns16550_read(base, UART_LSR) & LSR_TEMT) {
            break;
        }
    }
    ns16550_write(base, UART_IER, 0);                   /* polled */

    /* FIFOs on and emptied.  The OMAP UART takes a change of FCR.FIFO_EN
     * only while the baud clock is stopped, i.e. the divisor is 0 (TRM
     * register FCR, bit FIFO_EN); a plain 16550 does not mind. */
    ns16550_write(base, UART_LCR, LCR_DLAB);
    ns16550_write(base, UART_DLL, 0);
    ns16550_write(base, UART_DLH, 0);
    ns16550_write(base, UART_LCR, LCR_8N1);
    ns16550_write(base, UART_FCR, FCR_FIFO_EN | FCR_RX_CLEAR | FCR_TX_CLEAR);

    ns16550_write(base, UART_LCR, LCR_DLAB);
    ns16550_write(base, UART_DLL, div & 0xff);
    ns16550_write(base, UART_DLH, (div >> 8) & 0xff);
    ns16550_write(base, UART_LCR, LCR_8N1);
    ns16550_write(base, UART_MCR, MCR_DTR_RTS);
    /* LAB 9 END */
}

void ns16550_putc(volatile void *base, char c)
{
    /* LAB 9 BEGIN: return; */
    while ((ns16550_read(base, UART_LSR) & LSR_THRE) == 0) {
    }
    ns16550_write(base, UART_THR, (uint8_t)c);
    /* LAB 9 END */
}

int ns16550_getc(volatile void *base)
{
    /* LAB 9 BEGIN: return -1; */
    if ((ns16550_read(base, UART_LSR) & LSR_DR) == 0) {
        return -1;
    }
    return (int)(ns16550_read(base, UART_RHR) & 0xff);
    /* LAB 9 END */
}
