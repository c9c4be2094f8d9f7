/*
 * kernel/dev/ns16550.c -- polled driver for 16550-compatible UARTs whose
 * registers are 4 bytes apart, as on the OMAP4 (TI SWPU235, 23.3).
 */
#include <kernel.h>
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

#define LCR_8N1     0x03
#define LCR_DLAB    0x80
#define FCR_ENABLE  0x01
#define FCR_CLEAR   0x06    /* clear both FIFOs */
#define MCR_DTR_RTS 0x03
#define LSR_DR      0x01    /* data ready */
#define LSR_THRE    0x20    /* transmit holding register empty */

static inline volatile uint32_t *reg(volatile void *base, unsigned idx)
{
    return (volatile uint32_t *)base + idx;
}

void ns16550_init(volatile void *base, uint32_t clock_hz, uint32_t baud)
{
    /* 16x oversampling: divisor = clock / (16 * baud), rounded. */
    uint32_t div = (clock_hz + 8 * baud) / (16 * baud);

    *reg(base, UART_IER) = 0;                   /* polled */
    *reg(base, UART_LCR) = LCR_DLAB;
    *reg(base, UART_DLL) = div & 0xff;
    *reg(base, UART_DLH) = (div >> 8) & 0xff;
    *reg(base, UART_LCR) = LCR_8N1;
    *reg(base, UART_FCR) = FCR_ENABLE | FCR_CLEAR;
    *reg(base, UART_MCR) = MCR_DTR_RTS;
}

void ns16550_putc(volatile void *base, char c)
{
    while ((*reg(base, UART_LSR) & LSR_THRE) == 0) {
    }
    *reg(base, UART_THR) = (uint8_t)c;
}

int ns16550_getc(volatile void *base)
{
    if ((*reg(base, UART_LSR) & LSR_DR) == 0) {
        return -1;
    }
    return (int)(*reg(base, UART_RHR) & 0xff);
}
