/*
 * tests/kernel/test_sched.c -- the scheduler's choices (kernel/sched.c):
 * idle when nothing is runnable, round robin, directed switches, where a
 * newly runnable dispatcher joins the round, and the time slice.
 *
 * The tests run before init exists, so the run queue starts empty.  They
 * schedule three fake dispatchers whose frames are static structures:
 * each is "disabled", so dispatching one only copies its disabled save
 * area into the trap frame (no upcall), and each names the page table
 * that is live already, so the vspace switch changes nothing but the ASID
 * (the table gets one, given back at the end).  The trap frame is a local
 * variable: nothing is ever really entered.
 */
#include <kernel.h>
#include <ktest.h>
#include <dispatch.h>
#include <sched.h>
#include <sprat/lmp.h>
#include <arch/armv7.h>
#include <arch/asid.h>
#include <arch/cp15.h>

#define NFAKE 3

static struct dcb fake[NFAKE];
static struct dispatcher_shared fake_shared[NFAKE];
static uint32_t saved_ttbr0, saved_contextidr;

/* A pc that says which fake dispatcher a trap frame belongs to. */
static uint32_t fake_pc(unsigned i)
{
    return 0x10000u + 0x1000u * i;
}

static void fakes_create(void)
{
    saved_ttbr0 = cp15_read_ttbr0();
    saved_contextidr = cp15_read_contextidr();
    memset(fake, 0, sizeof(fake));
    memset(fake_shared, 0, sizeof(fake_shared));
    for (unsigned i = 0; i < NFAKE; i++) {
        fake_shared[i].disabled = 1;
        fake_shared[i].disabled_area.pc = fake_pc(i);
        fake_shared[i].disabled_area.cpsr = MODE_USR;
        fake[i].shared = &fake_shared[i];
        fake[i].ttbr0 = saved_ttbr0 & ~0x3fffu;
        fake[i].state = DCB_READY;
        fake[i].id = 1000 + i;
    }
}

/* Leave the scheduler as the tests found it: empty, nobody current. */
static void fakes_destroy(void)
{
    for (unsigned i = 0; i < NFAKE; i++) {
        sched_remove(&fake[i]);
    }
    dcb_set_current(NULL);
    sched_need_resched = false;
    sched_slice_left = TIME_SLICE_TICKS;
    asid_release(saved_ttbr0 & ~0x3fffu);
    vspace_load(saved_ttbr0, saved_contextidr & 0xff);
}

/* End the current dispatcher's turn and let the scheduler pick the next
 * (target: a directed switch); returns which fake runs, -1 for idle. */
static int switch_to(struct dcb *target)
{
    struct trap_frame tf;

    memset(&tf, 0, sizeof(tf));
    if (dcb_current() != NULL) {
        memcpy(&tf, &dcb_current()->shared->disabled_area, sizeof(tf));
    }
    sched_save_current(&tf);
    sched_dispatch(&tf, target);
    for (int i = 0; i < NFAKE; i++) {
        if (dcb_current() == &fake[i]) {
            KT_EXPECT_EQ(tf.pc, fake_pc(i));    /* its registers, no upcall */
            return i;
        }
    }
    KT_EXPECT(dcb_current() == NULL);
    return -1;
}

KTEST(sched_idles_when_nothing_is_runnable)
{
    extern char svc_stack_top[];
    struct trap_frame tf;

    memset(&tf, 0xa5, sizeof(tf));
    dcb_set_current(NULL);
    sched_dispatch(&tf, NULL);
    KT_EXPECT(dcb_current() == NULL);
    KT_EXPECT_EQ(tf.pc, (uint32_t)idle_loop);
    KT_EXPECT_EQ(tf.sp, (uint32_t)svc_stack_top);
    KT_EXPECT_EQ(tf.cpsr & MODE_MASK, MODE_SVC);
    KT_EXPECT((tf.cpsr & PSR_I) == 0);          /* wfi must wake on the tick */
}

KTEST(sched_round_robin)
{
    fakes_create();
    for (unsigned i = 0; i < NFAKE; i++) {
        sched_make_runnable(&fake[i]);
    }
    static const int want[] = { 0, 1, 2, 0, 1, 2, 0 };
    for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
        KT_EXPECT_EQ(switch_to(NULL), want[i]);
    }
    /* One leaves the run queue (it blocks): the others alternate. */
    sched_remove(&fake[1]);
    fake[1].state = DCB_BLOCKED;
    KT_EXPECT_EQ(switch_to(NULL), 2);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    KT_EXPECT_EQ(switch_to(NULL), 2);
    /* The current one stops: the next switch must not pick it again. */
    dispatch_stop(&fake[2], DEATH_EXIT, 0, 0);
    KT_EXPECT(fake[2].state == DCB_STOPPED);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    /* Nothing runnable: idle. */
    sched_remove(&fake[0]);
    fake[0].state = DCB_BLOCKED;
    KT_EXPECT_EQ(switch_to(NULL), -1);
    fakes_destroy();
}

KTEST(sched_directed_switch)
{
    fakes_create();
    for (unsigned i = 0; i < NFAKE; i++) {
        sched_make_runnable(&fake[i]);
    }
    KT_EXPECT_EQ(switch_to(NULL), 0);
    KT_EXPECT_EQ(switch_to(&fake[2]), 2);       /* jumps the queue */
    KT_EXPECT_EQ(switch_to(&fake[0]), 0);
    KT_EXPECT_EQ(switch_to(NULL), 1);           /* the round goes on */
    /* A target that is not runnable: the round robin chooses. */
    sched_remove(&fake[0]);
    fake[0].state = DCB_BLOCKED;
    KT_EXPECT_EQ(switch_to(&fake[0]), 2);
    fakes_destroy();
}

KTEST(sched_woken_dispatcher_runs_before_the_current_one_again)
{
    fakes_create();
    /* Alone: the one woken runs next, not the one running. */
    sched_make_runnable(&fake[0]);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    sched_make_runnable(&fake[1]);
    KT_EXPECT_EQ(switch_to(NULL), 1);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    /* 0 runs, 1 waits for its turn: a newcomer goes after 1, before 0. */
    sched_make_runnable(&fake[2]);
    KT_EXPECT_EQ(switch_to(NULL), 1);
    KT_EXPECT_EQ(switch_to(NULL), 2);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    /* Woken while the kernel idles: simply the end of the queue. */
    for (unsigned i = 0; i < NFAKE; i++) {
        sched_remove(&fake[i]);
        fake[i].state = DCB_BLOCKED;
    }
    KT_EXPECT_EQ(switch_to(NULL), -1);
    sched_make_runnable(&fake[2]);
    sched_make_runnable(&fake[0]);
    KT_EXPECT_EQ(switch_to(NULL), 2);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    fakes_destroy();
}

KTEST(sched_time_slice)
{
    fakes_create();
    sched_make_runnable(&fake[0]);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    KT_EXPECT(!sched_need_resched);
    for (unsigned i = 1; i < TIME_SLICE_TICKS; i++) {
        sched_tick();
    }
    KT_EXPECT(!sched_need_resched);
    sched_tick();                               /* the slice is used up */
    KT_EXPECT(sched_need_resched);
    KT_EXPECT_EQ(switch_to(NULL), 0);           /* a new slice begins */
    KT_EXPECT(!sched_need_resched);
    KT_EXPECT_EQ(sched_slice_left, TIME_SLICE_TICKS);
    fakes_destroy();
}

/* The end of a kernel entry (sched_exit), as every exception ends, with
 * tf the frame of whoever entered; then the rule the LMP fast path relies
 * on (lmp_fastpath.S, header comment; kernel/sched.c, sched_tick): no
 * dispatcher is left running with sched_need_resched set. */
static void exit_kernel(struct trap_frame *tf)
{
    sched_exit(tf);
    KT_EXPECT(dcb_current() == NULL || !sched_need_resched);
}

static void slice_runs_out(void)
{
    for (unsigned i = 0; i < TIME_SLICE_TICKS; i++) {
        sched_tick();
    }
    KT_EXPECT(sched_need_resched);
}

KTEST(sched_resched_never_survives_into_a_dispatcher)
{
    struct trap_frame tf;

    fakes_create();
    /* The only runnable dispatcher's slice runs out: it runs again, with
     * a new slice (it is not simply kept, flag and all). */
    sched_make_runnable(&fake[0]);
    KT_EXPECT_EQ(switch_to(NULL), 0);
    memcpy(&tf, &fake_shared[0].disabled_area, sizeof(tf));
    slice_runs_out();
    exit_kernel(&tf);
    KT_EXPECT(dcb_current() == &fake[0]);
    /* Two runnable: the other one runs. */
    sched_make_runnable(&fake[1]);
    memcpy(&tf, &fake_shared[0].disabled_area, sizeof(tf));
    slice_runs_out();
    exit_kernel(&tf);
    KT_EXPECT(dcb_current() == &fake[1]);
    /* The tick comes while the kernel idles, with nothing to run: the
     * flag may stay set in the idle loop ... */
    for (unsigned i = 0; i < 2; i++) {
        sched_remove(&fake[i]);
        fake[i].state = DCB_BLOCKED;
    }
    KT_EXPECT_EQ(switch_to(NULL), -1);
    memset(&tf, 0, sizeof(tf));
    tf.cpsr = MODE_SVC;                         /* the idle loop's frame */
    slice_runs_out();
    exit_kernel(&tf);
    KT_EXPECT(dcb_current() == NULL);
    /* ... but not into the dispatcher an interrupt wakes next. */
    sched_make_runnable(&fake[2]);
    sched_need_resched = true;
    exit_kernel(&tf);
    KT_EXPECT(dcb_current() == &fake[2]);
    fakes_destroy();
}
