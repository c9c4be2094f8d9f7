/*
 * libsys/include/sys/invoke.h -- system calls and capability invocations
 * from C (the ABI: <sprat/syscall.h>, docs/syscalls.md).
 */
#ifndef LIBSYS_INVOKE_H
#define LIBSYS_INVOKE_H

#include <stdint.h>
#include <stddef.h>
#include <sprat/caps.h>
#include <sprat/errors.h>
#include <sprat/syscall.h>

/* The register block of one system call: r0-r12 in, r0-r3 out. */
struct sys_regs {
    uint32_t r[13];
};
void sys_call(struct sys_regs *regs);

/* Results of an invocation: the error and up to three values. */
struct sysret {
    errval_t err;
    uint32_t v[3];
};

/*
 * Invoke the capability at cap (address level 2) with method and n
 * arguments (r2, r3, ...).  cap_invoke_l() names a level explicitly.
 */
struct sysret cap_invoke_l(capaddr_t cap, unsigned level, unsigned method,
                           unsigned n, const uint32_t *args);
struct sysret cap_invoke(capaddr_t cap, unsigned method, unsigned n, ...);

errval_t sys_nop(void);
/* The board's timestamp counter and its frequency (benchmarks). */
uint64_t sys_timestamp(uint32_t *hz);
/* What that counter counts: TIMESTAMP_SRC_CYCLES (CPU cycles, PMCCNTR) or
 * TIMESTAMP_SRC_TIMER (a fixed-frequency board timer); *hz as above. */
unsigned sys_timestamp_source(uint32_t *hz);
errval_t sys_yield(capaddr_t target);           /* CPTR_NULL: anyone */
errval_t sys_debug_print(const char *text, size_t len);
/* Raw system call word, for the tests of bad input. */
struct sysret sys_raw(uint32_t word, uint32_t r1, uint32_t r2, uint32_t r3);

/* LMP send in registers: word = SYS_INVOKE | len | flags (lmp_chan.h);
 * words holds the len payload words. */
errval_t lmp_ep_send_raw(uint32_t word, capaddr_t ep, capaddr_t send_cap,
                         const uint32_t *words);

/* The Kernel capability (init's, TASKCN_SLOT_KERNELCAP; docs/multikernel.md):
 * how many cores the board has, and start the CPU driver on one of them
 * (SYS_ERR_CORE_INVALID, _STARTED, _NOT_BOOT, _START_FAILED). */
errval_t kernel_num_cores(capaddr_t kernel, unsigned *cores);
errval_t kernel_start_core(capaddr_t kernel, unsigned core);
/* Raise the wake SGI on core; make the caller this core's wake target. */
errval_t kernel_wake_core(capaddr_t kernel, unsigned core);
errval_t kernel_wake_target(capaddr_t kernel);

#endif
