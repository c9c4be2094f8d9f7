/*
 * kernel/include/dev/ns16550.h -- 16550-compatible UARTs with 32-bit
 * register spacing (the OMAP4 UARTs, TI SWPU235 chapter 23).
 */
#ifndef DEV_NS16550_H
#define DEV_NS16550_H

#include <types.h>

void ns16550_init(volatile void *base, uint32_t clock_hz, uint32_t baud);
void ns16550_putc(volatile void *base, char c);
int ns16550_getc(volatile void *base);  /* -1 if nothing was received */

#endif
