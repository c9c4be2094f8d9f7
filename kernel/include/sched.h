/*
 * kernel/include/sched.h -- the scheduler (kernel/sched.c): the run queue,
 * the time slice, and the choice of who runs after each kernel entry
 * (docs/dispatch.md).  The LMP fast path does part of a switch itself
 * (lmp_fastpath.S, blocks 9-11) and relies on the rule written at
 * sched_tick.
 */
#ifndef SPRAT_SCHED_H
#define SPRAT_SCHED_H

#include <dispatch.h>
#include <arch/cp15.h>

/*
 * The dispatcher whose registers are in the current trap frame (NULL while
 * the kernel idles): read with dcb_current(), set with dcb_set_current().
 * It lives in TPIDRPRW, the thread ID register only PL1 can read or write
 * (ARM ARM B4.1.150; user mode cannot see it, unlike TPIDRURW and
 * TPIDRURO), so the LMP fast path reads it with one mrc instead of a
 * literal and a load (lmp_fastpath.S, blocks 2 and 9).  Each core has its
 * own TPIDRPRW, as each has its own kernel state (docs/multikernel.md,
 * section 2); its value at reset is UNKNOWN, so kernel_main and
 * kernel_secondary_main set it first.  Nothing else uses the register.
 * Host tests have no CP15: a variable stands for it there.
 */
#ifdef HOST_TEST
extern struct dcb *host_dcb_current;
static inline struct dcb *dcb_current(void) { return host_dcb_current; }
static inline void dcb_set_current(struct dcb *d) { host_dcb_current = d; }
#else
static inline struct dcb *dcb_current(void)
{
    return (struct dcb *)cp15_read_tpidrprw();
}
static inline void dcb_set_current(struct dcb *d)
{
    cp15_write_tpidrprw((uint32_t)d);
}
#endif

void sched_make_runnable(struct dcb *d);
void sched_remove(struct dcb *d);
void sched_tick(void);                      /* from the timer interrupt */
/* Save the current dispatcher's registers from tf (enabled/disabled rule);
 * afterwards dcb_current() is NULL. */
void sched_save_current(struct trap_frame *tf);
/* Load the next dispatcher to run (d, or the round robin's choice if d is
 * NULL or not runnable) into tf, or the idle loop if none is runnable. */
void sched_dispatch(struct trap_frame *tf, struct dcb *d);
/* End of every kernel entry: keep running dcb_current() or pick another. */
void sched_exit(struct trap_frame *tf);
extern bool sched_need_resched;
/* Time slice in kernel ticks (KERNEL_TICK_HZ per second), and what is
 * left of the current one. */
#define TIME_SLICE_TICKS 1
extern unsigned sched_slice_left;

/* Idle loop (kernel/arch/armv7/idle.S): runs in SVC mode with IRQs on. */
void idle_loop(void);

#endif
