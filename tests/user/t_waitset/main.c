/*
 * tests/user/t_waitset -- waitsets with real threads and real messages.
 *
 *   t_waitset threads   three threads wait on one waitset; messages on two
 *                       channels wake exactly two of them, one each; the
 *                       third sleeps on until there is an event for it
 *   t_waitset sleep     waits for a message that t_waitset wake sends only
 *                       after a long computation: while all our threads are
 *                       blocked the dispatcher must sleep (the kernel enters
 *                       it again only for the message), not spin
 *   t_waitset wake      the other half of "sleep"
 */
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/disp.h>
#include <sys/invoke.h>
#include <sys/lmp_chan.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sys/threads.h>
#include <sys/waitset.h>
#include <if/init.h>

/* ---- threads ------------------------------------------------------------- */

#define NTHREADS 3

static struct waitset ws;
static struct lmp_chan chans[2];
static int handled_by[2][NTHREADS];     /* [channel][thread]: events run */
static int events;
static struct thread *dispatchers[NTHREADS];

/* Which of our threads runs this.  (Not thread-local storage: libsys
 * sets the thread pointer with the null system call, which the kernel's
 * shortcut returns from without loading it -- see the report of the
 * messaging work.) */
static int my_index(void)
{
    for (int i = 0; i < NTHREADS; i++) {
        if (dispatchers[i] == thread_self()) {
            return i;
        }
    }
    return 0;
}
/* Handlers wait here until released: a thread busy with one event cannot
 * take another, so every event handled meanwhile woke a thread of its own. */
static struct thread_mutex gate_lock = THREAD_MUTEX_INITIALIZER;
static struct thread_cond gate = THREAD_COND_INITIALIZER;
static bool released;

static void on_message(void *arg)
{
    struct lmp_chan *lc = arg;
    struct lmp_recv_msg msg;
    while (err_is_ok(lmp_chan_recv(lc, &msg, NULL))) {
    }
    handled_by[lc - chans][my_index()]++;
    events++;
    thread_mutex_lock(&gate_lock);
    while (!released) {
        thread_cond_wait(&gate, &gate_lock);
    }
    thread_mutex_unlock(&gate_lock);
}

static int dispatcher_thread(void *arg)
{
    (void)arg;
    for (;;) {
        event_dispatch(&ws);
    }
    return 0;
}

/* Let every other thread run until it blocks, and other domains too:
 * thread_yield switches to another runnable thread of ours if there is
 * one, and the system-call yield gives the CPU away even then. */
static void settle(void)
{
    for (int i = 0; i < 20; i++) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
}

static void send_to(struct lmp_chan *lc, uint32_t word)
{
    lmp_chan_register_recv(lc, &ws, MKCLOSURE(on_message, lc));
    TEST_ERR(lmp_chan_send(lc, LMP_FLAG_NONBLOCK, NULL_CAP, 1, &word), SYS_ERR_OK);
}

static int threads(void)
{
    waitset_init(&ws);
    for (int i = 0; i < 2; i++) {
        lmp_chan_accept(&chans[i], 64, NULL_CAP);
        lmp_chan_set_remote(&chans[i], chans[i].local_cap);   /* we send to ourselves */
    }
    for (int i = 0; i < NTHREADS; i++) {
        dispatchers[i] = thread_create(dispatcher_thread, NULL);
    }
    settle();
    test_report(events == 0, "three threads wait on an empty waitset");
    TEST_ERR(waitset_destroy(&ws), LIB_ERR_WAITSET_IN_USE);

    send_to(&chans[0], 1);
    send_to(&chans[1], 2);
    settle();
    int threads_used = 0;
    for (int t = 0; t < NTHREADS; t++) {
        threads_used += handled_by[0][t] + handled_by[1][t] > 0;
    }
    test_report(events == 2 && threads_used == 2,
                "two pending channels woke two threads, one event each (%d events, %d threads)",
                events, threads_used);
    thread_mutex_lock(&gate_lock);
    released = true;
    thread_cond_broadcast(&gate);
    thread_mutex_unlock(&gate_lock);
    settle();

    /* The threads wait in a queue: the one that has waited longest, the
     * third, gets the next event. */
    int third = -1;
    for (int t = 0; t < NTHREADS; t++) {
        if (handled_by[0][t] + handled_by[1][t] == 0) {
            third = t;
        }
    }
    send_to(&chans[0], 3);
    settle();
    test_report(events == 3 && third >= 0 && handled_by[0][third] == 1,
                "the next event goes to the thread that waited longest");
    return 0;
}

/* ---- sleeping ------------------------------------------------------------ */

#define WAKE_SPINS  40000000u       /* ~40 ms of virtual time: many time slices */

static struct lmp_chan wake_chan;
static bool woken;

static void on_wake(void *arg)
{
    struct lmp_recv_msg msg;
    (void)arg;
    woken = err_is_ok(lmp_chan_recv(&wake_chan, &msg, NULL));
}

static int sleeper(void)
{
    struct waitset *dws = get_default_waitset();
    lmp_chan_accept(&wake_chan, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "t_waitset", wake_chan.local_cap);
    uint32_t runs = disp_run_count();
    lmp_chan_register_recv(&wake_chan, dws, MKCLOSURE(on_wake, NULL));
    while (!woken) {
        event_dispatch(dws);
    }
    uint32_t entered = disp_run_count() - runs;
    return test_report(entered <= 3, "a domain whose threads all wait sleeps: entered %u "
                       "times while another domain computed", (unsigned)entered) ? 0 : 1;
}

static int waker(void)
{
    struct capref ep;
    while (err_is_fail(rpc_name_lookup(get_init_rpc(), "t_waitset", &ep))) {
        sys_yield(CPTR_NULL);
    }
    for (volatile uint32_t i = 0; i < WAKE_SPINS; i++) {
    }
    struct lmp_chan to = { .endpoint = NULL };
    lmp_chan_set_remote(&to, ep);
    uint32_t word = 1;
    return err_is_ok(lmp_chan_send_retry(&to, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, &word))
               ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "threads";
    if (strcmp(mode, "sleep") == 0) {
        return sleeper();
    }
    if (strcmp(mode, "wake") == 0) {
        return waker();
    }
    return threads();
}
