/*
 * tests/user/t_threads -- user-level threads: a mutex-protected counter shared
 * by 8 threads, a bounded buffer with condition variables, join results,
 * and preemption between threads of one domain -- also while a thread
 * holds a mutex; and thread-local storage (__thread, errno) that stays
 * each thread's own across switches; and the slot allocator's shortcuts
 * (libsys/slot_alloc.c) shared by threads that are preempted while they
 * hold slots: no slot given to two, every slot back at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/cspace.h>
#include <sys/disp.h>
#include <sys/lmp_chan.h>
#include <sys/threads.h>
#include <systest.h>

#define NTHREADS    8
#define NINCS       2000

static struct thread_mutex lock = THREAD_MUTEX_INITIALIZER;
static volatile int counter;

static int incrementer(void *arg)
{
    for (int i = 0; i < NINCS; i++) {
        thread_mutex_lock(&lock);
        int v = counter;
        if (i % 64 == 0) {
            thread_yield();         /* invite a race the mutex must stop */
        }
        counter = v + 1;
        thread_mutex_unlock(&lock);
    }
    return (int)(intptr_t)arg;
}

/* Each thread writes its own value into a __thread variable and into
 * errno, then switches threads many times: both must still hold its own
 * values (TPIDRURO must follow every switch).  Returns the mismatches. */
static __thread int tls_value;

static int tls_keeper(void *arg)
{
    int me = (int)(intptr_t)arg, bad = 0;
    tls_value = me;
    errno = me;
    for (int i = 0; i < 200; i++) {
        thread_yield();
        bad += tls_value != me || errno != me;
        tls_value = me;
        errno = me;
    }
    return bad;
}

/* A thread waiting for a message on our own endpoint; thread_yield alone
 * must let it see the message (thread_yield polls for messages; with no
 * thread runnable it also yields the CPU, and run() polls again). */
static struct lmp_chan self_chan;
static volatile bool got_message;

static int message_waiter(void *arg)
{
    (void)arg;
    lmp_endpoint_wait(self_chan.endpoint);
    got_message = true;
    return 0;
}

#define SLOTS 4
static int buffer[SLOTS], head, tail, count;
static struct thread_mutex blk = THREAD_MUTEX_INITIALIZER;
static struct thread_cond not_full = THREAD_COND_INITIALIZER;
static struct thread_cond not_empty = THREAD_COND_INITIALIZER;

static int producer(void *arg)
{
    for (int i = 1; i <= 1000; i++) {
        thread_mutex_lock(&blk);
        while (count == SLOTS) {
            thread_cond_wait(&not_full, &blk);
        }
        buffer[tail] = i;
        tail = (tail + 1) % SLOTS;
        count++;
        thread_cond_signal(&not_empty);
        thread_mutex_unlock(&blk);
    }
    (void)arg;
    return 0;
}

static int consumer(void *arg)
{
    long sum = 0;
    for (int i = 0; i < 500; i++) {
        thread_mutex_lock(&blk);
        while (count == 0) {
            thread_cond_wait(&not_empty, &blk);
        }
        sum += buffer[head];
        head = (head + 1) % SLOTS;
        count--;
        thread_cond_signal(&not_full);
        thread_mutex_unlock(&blk);
    }
    *(long *)arg = sum;
    return 0;
}

static volatile int flag;

/* Spins without yielding: only preemption lets the setter run. */
static int spinner(void *arg)
{
    (void)arg;
    while (!flag) {
    }
    return 7;
}

static int setter(void *arg)
{
    (void)arg;
    flag = 1;
    return 0;
}

/*
 * 8 threads increment a counter under a mutex with no yield at all, with
 * a delay inside the critical section, until the timer has preempted a
 * thread holding the mutex PREEMPTED_INSIDE times (a run() upcall between
 * taking and releasing it).  The main thread sleeps on a condition
 * variable meanwhile.  The counter must equal the sum of what each
 * thread says it added.
 */
#define PREEMPTED_INSIDE    8
#define MAX_ROUNDS          400000      /* per thread: give up after this */

static struct thread_mutex plock = THREAD_MUTEX_INITIALIZER;
static struct thread_cond pdone = THREAD_COND_INITIALIZER;
static int pcounter;
static unsigned preempted_inside, gave_up;
static volatile bool pstop;

static int preempted_worker(void *arg)
{
    int mine = 0;
    (void)arg;
    while (!pstop) {
        thread_mutex_lock(&plock);
        uint32_t runs = disp_run_count();
        int v = pcounter;
        for (volatile int delay = 0; delay < 200; delay++) {
        }
        pcounter = v + 1;
        mine++;
        if (disp_run_count() != runs) {
            preempted_inside++;
        }
        if (preempted_inside >= PREEMPTED_INSIDE || (mine >= MAX_ROUNDS && ++gave_up)) {
            thread_cond_signal(&pdone);
        }
        thread_mutex_unlock(&plock);
        if (mine >= MAX_ROUNDS) {
            break;
        }
    }
    return mine;
}

static void preempted_mutex_test(void)
{
    struct thread *t[NTHREADS];
    int total = 0;

    for (int i = 0; i < NTHREADS; i++) {
        t[i] = thread_create(preempted_worker, NULL);
    }
    thread_mutex_lock(&plock);
    while (preempted_inside < PREEMPTED_INSIDE && gave_up == 0) {
        thread_cond_wait(&pdone, &plock);
    }
    thread_mutex_unlock(&plock);
    pstop = true;
    for (int i = 0; i < NTHREADS; i++) {
        int r = 0;
        if (t[i] != NULL && thread_join(t[i], &r) == SYS_ERR_OK) {
            total += r;
        }
    }
    test_report(preempted_inside >= PREEMPTED_INSIDE,
                "8 threads: preempted %u times while holding the mutex", preempted_inside);
    test_report(pcounter == total && total > 0,
                "8 threads, no yields: counter %d = the %d increments made", pcounter, total);
}

/* ---- slots from threads that are preempted while they hold them ---- */
#define SLOT_THREADS    4
#define SLOT_HELD       24          /* per round, per thread */
#define SLOT_PREEMPTED  4           /* until this often preempted holding them */
#define SLOT_ROUNDS     20000       /* per thread: give up after this */
#define SLOT_KEY(c)     ((c).cnode * L2_CNODE_SLOTS + (c).slot)
#define SLOT_KEYS       (64 * L2_CNODE_SLOTS)   /* pools in root slots < 64 */

static uint8_t slot_owner[SLOT_KEYS];   /* which thread holds it (0: none) */
static unsigned slot_twice, slot_odd, slot_preempted;

static int slot_worker(void *arg)
{
    uint8_t me = (uint8_t)(intptr_t)arg;
    struct capref held[SLOT_HELD];
    for (int r = 0; r < SLOT_ROUNDS && slot_preempted < SLOT_PREEMPTED; r++) {
        uint32_t runs = disp_run_count();
        for (int i = 0; i < SLOT_HELD; i++) {
            if (err_is_fail(slot_alloc(&held[i])) || SLOT_KEY(held[i]) >= SLOT_KEYS) {
                slot_odd++;
                return 1;
            }
            slot_twice += slot_owner[SLOT_KEY(held[i])] != 0;
            slot_owner[SLOT_KEY(held[i])] = me;
        }
        for (volatile int delay = 0; delay < 2000; delay++) {
        }
        for (int i = SLOT_HELD - 1; i >= 0; i -= 2) {     /* not in order */
            slot_twice += slot_owner[SLOT_KEY(held[i])] != me;
            slot_owner[SLOT_KEY(held[i])] = 0;
            slot_free(held[i]);
        }
        for (int i = SLOT_HELD - 2; i >= 0; i -= 2) {
            slot_twice += slot_owner[SLOT_KEY(held[i])] != me;
            slot_owner[SLOT_KEY(held[i])] = 0;
            slot_free(held[i]);
        }
        slot_preempted += disp_run_count() != runs;
    }
    return 0;
}

static void slot_threads_test(void)
{
    struct thread *t[SLOT_THREADS];
    uint32_t before = slot_alloc_free_count();
    for (int i = 0; i < SLOT_THREADS; i++) {
        t[i] = thread_create(slot_worker, (void *)(intptr_t)(i + 1));
    }
    for (int i = 0; i < SLOT_THREADS; i++) {
        if (t[i] != NULL) {
            thread_join(t[i], NULL);
        }
    }
    test_report(slot_twice == 0 && slot_odd == 0 && slot_preempted >= SLOT_PREEMPTED,
                "%d threads taking and freeing %d slots a round, preempted %u times "
                "holding them: none given twice (%u), none refused (%u)", SLOT_THREADS,
                SLOT_HELD, slot_preempted, slot_twice, slot_odd);
    test_report(slot_alloc_free_count() >= before,
                "every slot back after the threads (%u free, %u before)",
                (unsigned)slot_alloc_free_count(), (unsigned)before);
}

int main(void)
{
    struct thread *t[NTHREADS];
    int sum_ret = 0, ok = 1;

    for (int i = 0; i < NTHREADS; i++) {
        t[i] = thread_create(incrementer, (void *)(intptr_t)(i + 1));
        ok &= t[i] != NULL;
    }
    for (int i = 0; i < NTHREADS; i++) {
        int r = 0;
        ok &= thread_join(t[i], &r) == SYS_ERR_OK;
        sum_ret += r;
    }
    test_report(ok && counter == NTHREADS * NINCS,
                "8 threads x %d increments under a mutex: %d", NINCS, counter);
    test_report(sum_ret == NTHREADS * (NTHREADS + 1) / 2, "join returns each thread's result");

    struct thread *k[4];
    int tls_bad = 0;
    for (int i = 0; i < 4; i++) {
        k[i] = thread_create(tls_keeper, (void *)(intptr_t)(100 + i));
    }
    for (int i = 0; i < 4; i++) {
        int r = 1;
        thread_join(k[i], &r);
        tls_bad += r;
    }
    test_report(tls_bad == 0, "thread-local storage and errno stay each thread's own "
                "across switches (%d mismatches)", tls_bad);

    lmp_chan_accept(&self_chan, 16, NULL_CAP);
    lmp_chan_set_remote(&self_chan, self_chan.local_cap);
    struct thread *w = thread_create(message_waiter, NULL);
    thread_yield();                 /* it runs, and waits */
    uint32_t word = 7;
    lmp_chan_send(&self_chan, LMP_FLAG_NONBLOCK, NULL_CAP, 1, &word);
    int yields = 0;
    while (!got_message && yields < 1000) {
        thread_yield();
        yields++;
    }
    test_report(got_message && yields < 10, "thread_yield wakes a thread whose message "
                "came (after %d yields)", yields);
    thread_join(w, NULL);

    long s1 = 0, s2 = 0;
    struct thread *p = thread_create(producer, NULL);
    struct thread *c1 = thread_create(consumer, &s1);
    struct thread *c2 = thread_create(consumer, &s2);
    thread_join(p, NULL);
    thread_join(c1, NULL);
    thread_join(c2, NULL);
    test_report(s1 + s2 == 1000 * 1001 / 2, "condition variables: bounded buffer sum %ld",
                s1 + s2);

    struct thread *sp = thread_create(spinner, NULL);
    struct thread *st = thread_create(setter, NULL);
    int r = 0;
    thread_join(sp, &r);
    thread_join(st, NULL);
    test_report(r == 7 && flag, "a spinning thread is preempted so another can run");
    preempted_mutex_test();
    slot_threads_test();
    test_report(thread_count() == 1, "all threads gone after join");
    return 0;
}
