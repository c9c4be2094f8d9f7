/*
 * kernel/include/plat.h -- what every board (kernel/plat/<board>/) provides.
 *
 * The rest of the kernel is the same on every board; only the code behind
 * these functions and the board's config.mk differ.
 */
#ifndef SPRAT_PLAT_H
#define SPRAT_PLAT_H

#include <types.h>

/* Map the board's devices and bring up the console.  Called first thing
 * in kernel_main(), before anything is printed. */
void plat_init(const struct boot_args *args);

/* Bring up the interrupt controller (after the banner). */
void plat_irq_init(void);

/* Polled console I/O on the kernel's UART. */
void plat_console_putc(char c);
int plat_console_getc(void);            /* -1 if no character is waiting */

/* A human-readable board name for the banner. */
const char *plat_board_name(void);

/* RAM: [base, base + size).  (From the board's config.) */
paddr_t plat_ram_base(void);
size_t plat_ram_size(void);

/*
 * The periodic kernel tick: start it at hz interrupts per second on the
 * interrupt plat_timer_irq(); plat_timer_ack() clears the interrupt.
 */
void plat_timer_start(uint32_t hz);
void plat_timer_stop(void);
unsigned plat_timer_irq(void);
void plat_timer_ack(void);

/*
 * Devices user domains may drive: init receives a DevFrame capability for
 * each region and can make IRQ capabilities for the listed interrupt.
 * irq is 0 when the device has none.  The console UART is listed first.
 */
struct plat_device {
    const char *name;
    paddr_t base;
    size_t bytes;
    unsigned irq;
};
const struct plat_device *plat_devices(size_t *count);
/* What plat_devices returns (kernel/plat/common.c): each board's list, in
 * its platform.c. */
extern const struct plat_device plat_device_table[];
extern const size_t plat_device_count;

/* The board's free-running 64-bit counter at a fixed frequency (the
 * Cortex-A9 global timer, the generic timer's counter), and that
 * frequency in Hz. */
uint64_t plat_counter_read(void);
uint32_t plat_counter_hz(void);

/*
 * The timestamp counter for benchmarks and tests (SYS_NOP/NOP_TIMESTAMP).
 * Not board code: kernel/timestamp.c uses the CPU's cycle counter where it
 * works and plat_counter_read() otherwise; plat_timestamp_source() says
 * which (TIMESTAMP_SRC_CYCLES or TIMESTAMP_SRC_TIMER, <sprat/syscall.h>).
 */
void timestamp_init(void);
uint64_t plat_timestamp(void);
uint32_t plat_timestamp_hz(void);
unsigned plat_timestamp_source(void);

#endif
