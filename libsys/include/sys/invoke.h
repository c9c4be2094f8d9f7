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

/*
 * The same for an invocation of two arguments whose result is only the
 * error -- a delete, on the path of every received capability the
 * receiver does not keep: the svc inline, instead of cap_invoke's
 * variadic copy into a zeroed block of 13 registers (about 120
 * instructions fewer, docs/lmp.md).  The kernel reads no argument register
 * beyond the method's; it changes r0-r3 only (results), like sys_nop.
 */
static inline errval_t cap_invoke2(capaddr_t cap, unsigned method, uint32_t a0, uint32_t a1)
{
    register uint32_t r0 __asm__("r0") = SYSW(SYS_INVOKE, CAP_LEVEL_L2, method);
    register uint32_t r1 __asm__("r1") = cap;
    register uint32_t r2 __asm__("r2") = a0;
    register uint32_t r3 __asm__("r3") = a1;
    __asm__ volatile("svc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) :: "r12", "memory");
    return r0;
}

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

#endif
