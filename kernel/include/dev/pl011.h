/*
 * kernel/include/dev/pl011.h -- the ARM PrimeCell PL011 UART (ARM DDI 0183).
 */
#ifndef DEV_PL011_H
#define DEV_PL011_H

#include <types.h>

/* Set up the UART at base for 8N1 at baud, given its reference clock. */
void pl011_init(volatile void *base, uint32_t clock_hz, uint32_t baud);
void pl011_putc(volatile void *base, char c);
int pl011_getc(volatile void *base);    /* -1 if the receive FIFO is empty */

#endif
