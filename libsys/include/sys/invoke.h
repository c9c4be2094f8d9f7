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
 * Code calls the typed wrappers below (and the CNode ones of
 * sys/cspace.h) instead; only the tests of malformed invocations use
 * these directly.
 */
struct sysret cap_invoke_l(capaddr_t cap, unsigned level, unsigned method,
                           unsigned n, const uint32_t *args);
struct sysret cap_invoke(capaddr_t cap, unsigned method, unsigned n, ...);

/*
 * Typed invocations, one per method of include/sprat/caps.h: the argument
 * order is written here once, in libsys/invoke.c, matching the kernel's
 * decoder (kernel/vnode.c, kernel/dispatch.c, kernel/syscall.c,
 * kernel/irqcap.c).  Capabilities named as arguments are level-2
 * addresses unless a level is given.
 */
/* VNode: l2 table into entry of an L1 table (one MiB of address space). */
errval_t vnode_map_table(capaddr_t l1, uint32_t entry, capaddr_t l2);
/* VNode: pages pages of frame, from byte offset (page aligned) on, into
 * entries [entry, entry + pages) of one L2 table; flags VREGION_FLAGS_*. */
errval_t vnode_map(capaddr_t l2, uint32_t entry, capaddr_t frame,
                   uint32_t offset, uint32_t pages, uint32_t flags);
/* VNode: clear entries [entry, entry + pages) (an L1 table: one entry). */
errval_t vnode_unmap(capaddr_t vnode, uint32_t entry, uint32_t pages);

/* Dispatcher: give it its CSpace, address space and frame (the first
 * invocation); death_ep (CPTR_NULL: none) hears with death_badge when
 * it dies. */
errval_t dispatcher_setup(capaddr_t disp, capaddr_t cspace_root,
                          capaddr_t vspace_root, capaddr_t disp_frame,
                          capaddr_t death_ep, uint32_t death_badge);
errval_t dispatcher_run(capaddr_t disp);
errval_t dispatcher_stop(capaddr_t disp, uint32_t status);
struct dispatcher_status {
    uint32_t state;             /* enum dispatcher_state */
    uint32_t faults;
    uint32_t exit_status;
};
errval_t dispatcher_query(capaddr_t disp, struct dispatcher_status *st);

/* Kernel: end a test run (test builds); RAM size and tick count. */
errval_t kernel_shutdown(capaddr_t kernel, uint32_t status);
errval_t kernel_info(capaddr_t kernel, uint32_t *ram_bytes, uint32_t *ticks);

/* IRQTable: an IRQ capability for line irq into slot dest_slot of the
 * CNode at dest_cnode (address level dest_level). */
errval_t irqtable_get(capaddr_t table, uint32_t irq, capaddr_t dest_cnode,
                      unsigned dest_level, uint32_t dest_slot);
/* IRQ: deliver the interrupt as an LMP message to ep; unmask it again. */
errval_t irq_connect(capaddr_t irq, capaddr_t ep);
errval_t irq_ack(capaddr_t irq);

/*
 * cap_invoke for an invocation of two arguments whose result is only the
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

/* The Kernel capability (init's, TASKCN_SLOT_KERNELCAP; docs/multikernel.md):
 * how many cores the board has, and start the CPU driver on one of them
 * (SYS_ERR_CORE_INVALID, _STARTED, _NOT_BOOT, _START_FAILED). */
errval_t kernel_num_cores(capaddr_t kernel, unsigned *cores);
errval_t kernel_start_core(capaddr_t kernel, unsigned core);
/* Raise the wake SGI on core; make the caller this core's wake target. */
errval_t kernel_wake_core(capaddr_t kernel, unsigned core);
errval_t kernel_wake_target(capaddr_t kernel);
/* Capabilities crossing cores (docs/multikernel.md): the description of
 * the RAM or Frame capability at (cap, level), now marked lent; and the
 * capability a description names, re-created (marked borrowed) in the
 * empty slot at (dest, dest_level).  Errors: SYS_ERR_CAP_CROSS_* and
 * the lookup ones. */
struct cap_desc;
errval_t kernel_cap_export(capaddr_t kernel, capaddr_t cap, unsigned level,
                           struct cap_desc *desc);
errval_t kernel_cap_import(capaddr_t kernel, const struct cap_desc *desc,
                           capaddr_t dest, unsigned dest_level);

#endif
