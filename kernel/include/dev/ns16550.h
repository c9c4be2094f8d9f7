/*
 * kernel/include/dev/ns16550.h -- 16550-compatible UARTs with 32-bit
 * register spacing, such as the OMAP4 UARTs (OMAP4460 TRM, SWPU235,
 * chapter "UART/IrDA/CIR": "the UART is compatible with the industry
 * standard TL16C550").
 */
#ifndef DEV_NS16550_H
#define DEV_NS16550_H

#include <stdint.h>

/* The divisor for baud with 16x oversampling of a clock_hz reference,
 * rounded to the nearest integer (115200 baud at 48 MHz: 26). */
uint32_t ns16550_divisor(uint32_t clock_hz, uint32_t baud);

/* Set the UART up for 8N1 at baud, FIFOs on and emptied, interrupts off,
 * after letting the transmitter finish whatever the boot loader sent. */
void ns16550_init(volatile void *base, uint32_t clock_hz, uint32_t baud);
void ns16550_putc(volatile void *base, char c);
int ns16550_getc(volatile void *base);  /* -1 if nothing was received */

#endif
