/*
 * kernel/sched.c -- the scheduler: a round robin over runnable dispatchers
 * with a timer-driven time slice, directed yield, and an idle loop.
 *
 * The kernel has one stack and never keeps a kernel context across a
 * switch (docs/architecture.md): "switching" means saving the trap frame
 * at the top of the stack into the current dispatcher's frame, loading the
 * next dispatcher's registers into it, and leaving through
 * exception_return.  When nothing is runnable, the frame is loaded with the
 * idle loop's context instead (SVC mode, interrupts on).
 */
#include <kernel.h>
#include <dispatch.h>
#include <sched.h>
#include <timer.h>
#include <startup.h>
#include <arch/armv7.h>
#include <arch/asid.h>
#include <arch/cp15.h>
#include <arch/cpu.h>

bool sched_need_resched;

static struct dcb *rq_head;     /* the next dispatcher the round robin picks */

unsigned sched_slice_left = TIME_SLICE_TICKS;

/* LAB 3 BEGIN */
/* Link d into the ring just before pos. */
static void rq_insert_before(struct dcb *d, struct dcb *pos)
{
    d->rq_next = pos;
    d->rq_prev = pos->rq_prev;
    pos->rq_prev->rq_next = d;
    pos->rq_prev = d;
}
/* LAB 3 END */

/*
 * A dispatcher that becomes runnable joins the end of the current round:
 * after every dispatcher still waiting for its turn, but before the one
 * running now.  The running one already had its turn this round -- it sits
 * just before rq_head -- so queueing the newcomer behind it would make the
 * newcomer wait a whole extra slice, and a yield right after waking
 * someone would hand the CPU straight back to the yielder.
 */
void sched_make_runnable(struct dcb *d)
{
    /* LAB 3 BEGIN: panic("LAB 3: sched_make_runnable is not implemented"); */
    if (d->state == DCB_RUNNABLE || d->state == DCB_STOPPED) {
        return;
    }
    d->state = DCB_RUNNABLE;
    struct dcb *cur = dcb_current();
    if (rq_head == NULL) {
        d->rq_next = d->rq_prev = d;
        rq_head = d;
    } else if (cur != NULL && cur->state == DCB_RUNNABLE && cur->rq_next == rq_head) {
        rq_insert_before(d, cur);
        if (rq_head == cur) {
            rq_head = d;                /* cur was alone: d goes next */
        }
    } else {
        rq_insert_before(d, rq_head);   /* the end of the round */
    }
    /* LAB 3 END */
}

/* Take d off the run queue (it blocks or stops); the caller sets state. */
void sched_remove(struct dcb *d)
{
    /* LAB 3 BEGIN: panic("LAB 3: sched_remove is not implemented"); */
    if (d->state != DCB_RUNNABLE) {
        return;
    }
    if (d->rq_next == d) {
        rq_head = NULL;
    } else {
        d->rq_prev->rq_next = d->rq_next;
        d->rq_next->rq_prev = d->rq_prev;
        if (rq_head == d) {
            rq_head = d->rq_next;
        }
    }
    d->rq_next = d->rq_prev = NULL;
    d->state = DCB_READY;
    /* LAB 3 END */
}

/*
 * The rule the LMP fast path relies on (lmp_fastpath.S, header comment):
 * sched_need_resched is never set while a dispatcher runs.  Only this
 * tick sets it, always inside the kernel, and every kernel entry ends in
 * sched_exit, whose sched_choose either switches (sched_dispatch clears
 * the flag) or keeps the current dispatcher only if the flag is clear.
 * (The idle loop may run with it set: it is no dispatcher.)  Tested by
 * tests/kernel/test_sched.c, sched_resched_never_survives_into_a_dispatcher.
 */
void sched_tick(void)
{
    if (--sched_slice_left == 0) {
        sched_need_resched = true;
    }
}

/* Mirrored in lmp_fastpath.S, block 9 (the sender's registers to the save
 * area of its mode; dcb_current() becomes the receiver at once). */
void sched_save_current(struct trap_frame *tf)
{
    struct dcb *d = dcb_current();

    if (d == NULL) {
        return;
    }
    struct dispatcher_shared *sh = d->shared;
    if (d->state != DCB_STOPPED) {      /* a stopped one's are not kept */
        trap_frame_copy(save_area_frame(sh->disabled ? &sh->disabled_area
                                                     : &sh->enabled_area), tf);
        dispatch_save_cpu_state(d);
    }
    dcb_set_current(NULL);
}

static void load_idle(struct trap_frame *tf)
{
    extern char svc_stack_top[];

    memset(tf, 0, sizeof(*tf));
    tf->pc = (uint32_t)idle_loop;
    tf->sp = (uint32_t)svc_stack_top;  /* exception_return leaves sp here */
    tf->cpsr = MODE_SVC | PSR_A | PSR_F; /* IRQs on: wfi wakes to handle one */
}

void sched_dispatch(struct trap_frame *tf, struct dcb *d)
{
    if (d == NULL || d->state != DCB_RUNNABLE) {
        d = rq_head;
        if (d != NULL) {
            rq_head = d->rq_next;       /* round robin */
        }
    }
    sched_slice_left = TIME_SLICE_TICKS;
    sched_need_resched = false;
    if (d == NULL) {
        load_idle(tf);
        return;
    }
    dcb_set_current(d);
    dispatch_resume(d, tf);
}

/* Decide who runs after this kernel entry; tf is rewritten on a switch. */
static void sched_choose(struct trap_frame *tf)
{
    struct dcb *d = dcb_current();
    if (d != NULL && d->state == DCB_RUNNABLE && !sched_need_resched) {
        return;                         /* keep running it */
    }
    if (d == NULL && (tf->cpsr & MODE_MASK) != MODE_USR && rq_head == NULL) {
        return;                         /* idle, and still nothing to do */
    }
    /* Even the only runnable dispatcher goes through save and resume at the
     * end of its slice: an enabled one gets its run() upcall, which is how
     * its user-level threads are time-sliced. */
    sched_save_current(tf);
    sched_dispatch(tf, NULL);
}

void sched_exit(struct trap_frame *tf)
{
    dispatch_reap();
    sched_choose(tf);
    struct dcb *d = dcb_current();
    if (d != NULL) {                /* lmp_fastpath.S, block 10 mirrors this */
        cp15_write_tpidruro(d->shared->thread_pointer);
    }
}

/* Called by sched_start (idle.S) with the trap frame it placed at the top
 * of the SVC stack: fill it with the first dispatcher to run. */
void sched_dispatch_first(struct trap_frame *tf);
void sched_dispatch_first(struct trap_frame *tf)
{
    /* Until now TTBR0 held boot.S's identity map (boot_l1), global
     * sections at what are user addresses from here on.  A change of ASID
     * does not hide global TLB entries, so leave that table and flush them
     * before any domain runs (QEMU, whose TLB has no ASIDs, flushes on
     * every TTBR0 write and never shows the difference).  And close the
     * user-accessible registers no domain may share (cpu.c). */
    vspace_leave();
    tlb_invalidate_all();
    cpu_close_user_registers();
    dcb_set_current(NULL);
    sched_dispatch(tf, NULL);
}
