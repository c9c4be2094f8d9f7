/*
 * kernel/dev/pl011.c -- polled driver for the PL011 UART (ARM DDI 0183G).
 */
#include <kernel.h>
#include <dev/pl011.h>

#define UARTDR      0x00    /* data */
#define UARTFR      0x18    /* flags */
#define UARTIBRD    0x24    /* integer baud divisor */
#define UARTFBRD    0x28    /* fractional baud divisor */
#define UARTLCR_H   0x2c    /* line control */
#define UARTCR      0x30    /* control */
#define UARTIMSC    0x38    /* interrupt mask */
#define UARTICR     0x44    /* interrupt clear */

#define FR_RXFE     (1 << 4)    /* receive FIFO empty */
#define FR_TXFF     (1 << 5)    /* transmit FIFO full */
#define FR_BUSY     (1 << 3)
#define LCR_FEN     (1 << 4)    /* FIFOs on */
#define LCR_WLEN8   (3 << 5)    /* 8 data bits */
#define CR_UARTEN   (1 << 0)
#define CR_TXE      (1 << 8)
#define CR_RXE      (1 << 9)

static inline volatile uint32_t *reg(volatile void *base, unsigned off)
{
    return (volatile uint32_t *)((volatile uint8_t *)base + off);
}

void pl011_init(volatile void *base, uint32_t clock_hz, uint32_t baud)
{
    /* Baud divisor = clock / (16 * baud), as a 16.6 fixed-point number
     * (DDI 0183G 3.3.6); computed in 64ths and rounded. */
    uint32_t div64 = (uint32_t)(((uint64_t)clock_hz * 4 + baud / 2) / baud);

    while (*reg(base, UARTFR) & FR_BUSY) {
    }
    *reg(base, UARTCR) = 0;
    *reg(base, UARTIBRD) = div64 >> 6;
    *reg(base, UARTFBRD) = div64 & 0x3f;
    *reg(base, UARTLCR_H) = LCR_WLEN8 | LCR_FEN;   /* 8N1, FIFOs on */
    *reg(base, UARTIMSC) = 0;                      /* polled: no interrupts */
    *reg(base, UARTICR) = 0x7ff;
    *reg(base, UARTCR) = CR_UARTEN | CR_TXE | CR_RXE;
}

void pl011_putc(volatile void *base, char c)
{
    while (*reg(base, UARTFR) & FR_TXFF) {
    }
    *reg(base, UARTDR) = (uint8_t)c;
}

int pl011_getc(volatile void *base)
{
    if (*reg(base, UARTFR) & FR_RXFE) {
        return -1;
    }
    return (int)(*reg(base, UARTDR) & 0xff);
}
