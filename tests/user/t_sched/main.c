/*
 * tests/user/t_sched -- yield and directed yield, with a second dispatcher.
 *
 * The test makes a helper dispatcher of its own: the same CSpace and the
 * same address space (so the same ASID), a dispatcher frame of its own,
 * and helper_run() as its run() upcall.  The helper counts how often it
 * is entered and yields while disabled, which means "nothing to do": the
 * kernel blocks it until it is made runnable again.
 */
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <systest.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>

static volatile uint32_t helper_runs;

/* The helper's run() upcall: entered disabled, on the helper's own stack
 * (in its frame).  It must not use libsys' threads or the C library's
 * per-thread state: only a counter and the yield system call. */
static void helper_run(uint32_t udisp)
{
    (void)udisp;
    helper_runs++;
    for (;;) {
        sys_yield(CPTR_NULL);
    }
}

static struct capref disp, frame;
static uint32_t frame_va;

static errval_t helper_create(void)
{
    errval_t err;
    if ((err = mem_retype(ObjType_Dispatcher, 0, &disp)) ||
        (err = frame_alloc(&frame, DISPATCHER_FRAME_BYTES)) ||
        (err = paging_map_frame(&frame_va, frame, DISPATCHER_FRAME_BYTES,
                                VREGION_FLAGS_READ_WRITE))) {
        return err;
    }
    struct dispatcher_shared *sh = (void *)(frame_va + DISP_SHARED_OFFSET);
    sh->udisp = frame_va;
    sh->run_entry = (uint32_t)helper_run;
    sh->stack_top = frame_va + DISP_STACK_TOP;
    strcpy(sh->name, "t_sched helper");
    return SYS_ERR_OK;
}

static errval_t helper_setup(void)
{
    return dispatcher_setup(capref_addr(disp), TASKCN_CAP(TASKCN_SLOT_ROOTCN),
                            CAPADDR(ROOTCN_SLOT_PAGECN, 0), capref_addr(frame), CPTR_NULL, 0);
}

static errval_t helper_make_runnable(void)
{
    return dispatcher_run(capref_addr(disp));
}

int main(void)
{
    struct capref empty;

    if (!test_report(err_is_ok(helper_create()) && err_is_ok(slot_alloc(&empty)),
                     "a helper dispatcher's objects")) {
        return 1;
    }
    /* Bad targets. */
    TEST_ERR(sys_yield(capref_addr(empty)), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(sys_yield(capref_addr(frame)), SYS_ERR_WRONG_CAP_TYPE);
    TEST_ERR(sys_yield(capref_addr(disp)), SYS_ERR_YIELD_TARGET);   /* not set up */
    TEST_ERR(helper_setup(), SYS_ERR_OK);
    TEST_ERR(sys_yield(capref_addr(disp)), SYS_ERR_YIELD_TARGET);   /* not runnable */
    test_report(helper_runs == 0, "a dispatcher that was never made runnable never runs");

    /* Directed: the target runs before we continue, whoever else waits. */
    TEST_ERR(helper_make_runnable(), SYS_ERR_OK);
    TEST_ERR(sys_yield(capref_addr(disp)), SYS_ERR_OK);
    test_report(helper_runs == 1, "a directed yield runs the target at once (%u runs)",
                (unsigned)helper_runs);
    /* It yielded while disabled with nothing to do: blocked. */
    TEST_ERR(sys_yield(capref_addr(disp)), SYS_ERR_YIELD_TARGET);
    test_report(helper_runs == 1, "a blocked dispatcher stays blocked");

    /* Undirected: a yield gives the rest of the slice to the others, and
     * a dispatcher just woken is among them.  (The first yield makes sure
     * we were chosen by the round robin, not switched to directly.) */
    sys_yield(CPTR_NULL);
    TEST_ERR(helper_make_runnable(), SYS_ERR_OK);
    TEST_ERR(sys_yield(CPTR_NULL), SYS_ERR_OK);
    test_report(helper_runs == 2, "a yield lets a just-woken dispatcher run first (%u runs)",
                (unsigned)helper_runs);

    /* thread_yield with no other thread of ours to run gives the CPU to
     * another dispatcher: a loop polling with it lets the helper run
     * (without, it would spin to the end of its slice: bounded here). */
    TEST_ERR(helper_make_runnable(), SYS_ERR_OK);
    unsigned polls = 0;
    while (helper_runs == 2 && polls < 1000) {
        thread_yield();
        polls++;
    }
    test_report(helper_runs == 3 && polls < 10, "thread_yield alone lets another "
                "dispatcher run (%u polls)", polls);

    /* Stopped and deleted, it never runs again. */
    TEST_ERR(dispatcher_stop(capref_addr(disp), 0), SYS_ERR_OK);
    TEST_ERR(helper_make_runnable(), SYS_ERR_DISP_DEAD);
    TEST_ERR(sys_yield(capref_addr(disp)), SYS_ERR_YIELD_TARGET);
    TEST_ERR(mem_free(disp), SYS_ERR_OK);
    test_report(helper_runs == 3, "a stopped dispatcher never runs again");
    paging_unmap(frame_va, DISPATCHER_FRAME_BYTES);
    mem_free(frame);
    slot_free(empty);
    return 0;
}
