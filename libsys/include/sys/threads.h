/*
 * libsys/include/sys/threads.h -- user-level threads, mutexes and
 * condition variables (docs/dispatch.md).
 *
 * Threads are scheduled by the domain itself, inside one dispatcher: the
 * kernel only ever sees the dispatcher.  A thread switch happens while the
 * dispatcher is *disabled* (the kernel will not upcall us in the middle of
 * it), so the thread library needs no atomic instructions: disabling is
 * the lock.  Preemption of an enabled thread comes back as a run() upcall,
 * which puts the preempted thread at the back of the run queue.
 */
#ifndef LIBSYS_THREADS_H
#define LIBSYS_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/dispatcher.h>
#include <sprat/vm_layout.h>
#include <sprat/errors.h>

struct thread;
typedef int (*thread_func_t)(void *arg);

struct thread_queue {
    struct thread *head;
    struct thread *tail;
};

struct thread_mutex {
    struct thread *owner;
    unsigned depth;                 /* recursive locking */
    struct thread_queue waiters;
};

struct thread_cond {
    struct thread_queue waiters;
};

#define THREAD_MUTEX_INITIALIZER { NULL, 0, { NULL, NULL } }
#define THREAD_COND_INITIALIZER  { { NULL, NULL } }

#define THREAD_DEFAULT_STACK    (64 * 1024)

struct thread *thread_create(thread_func_t fn, void *arg);
struct thread *thread_create_stack(thread_func_t fn, void *arg, size_t stack);
errval_t thread_join(struct thread *t, int *retval);
void thread_detach(struct thread *t);
void thread_exit(int retval) __attribute__((noreturn));
/* Run another runnable thread of ours; with none, give the CPU to another
 * dispatcher (an enabled SYS_YIELD), as Barrelfish does (docs/dispatch.md). */
void thread_yield(void);
struct thread *thread_self(void);
uint32_t thread_id(struct thread *t);

void thread_mutex_init(struct thread_mutex *m);
void thread_mutex_lock(struct thread_mutex *m);
bool thread_mutex_trylock(struct thread_mutex *m);
void thread_mutex_unlock(struct thread_mutex *m);

void thread_cond_init(struct thread_cond *c);
void thread_cond_wait(struct thread_cond *c, struct thread_mutex *m);
void thread_cond_signal(struct thread_cond *c);
void thread_cond_broadcast(struct thread_cond *c);

/* The lock around libsys' own state (slot allocator, RAM sources, paging). */
void thread_lock_libsys(void);
void thread_unlock_libsys(void);

/* ---- for the dispatcher runtime and the waitset layer ---------------- */

/* The dispatcher frame's shared part, and the disabled flag in it.
 * Disable returns whether the dispatcher already was disabled.  These are
 * inline: every lock, wait and wake uses them.  (The waitset host test
 * supplies its own versions.) */
#ifndef HOST_TEST
static inline struct dispatcher_shared *disp_shared(void)
{
    return (struct dispatcher_shared *)(DISPATCHER_VADDR + DISP_SHARED_OFFSET);
}

static inline bool disp_disable(void)
{
    struct dispatcher_shared *sh = disp_shared();
    bool was = sh->disabled != 0;
    sh->disabled = 1;
    __asm__ volatile("" ::: "memory");
    return was;
}

static inline void disp_enable(void)
{
    __asm__ volatile("" ::: "memory");
    disp_shared()->disabled = 0;
}

static inline bool disp_is_disabled(void)
{
    return disp_shared()->disabled != 0;
}
#else
bool disp_disable(void);
void disp_enable(void);
bool disp_is_disabled(void);
struct dispatcher_shared *disp_shared(void);
#endif

/* Undo a disp_disable(): enable again unless it was disabled before.
 *     bool was = disp_disable();  ...  disp_restore(was);             */
static inline void disp_restore(bool was)
{
    if (!was) {
        disp_enable();
    }
}

/* Block the current thread on q (called disabled; returns, still
 * disabled, once the thread is woken). */
void thread_block_disabled(struct thread_queue *q);
/* Make the first thread of q runnable (called disabled); false if empty. */
bool thread_wake_one_disabled(struct thread_queue *q);

/* The run() upcall's scheduler: resume a runnable thread or sleep. */
void thread_run_disabled(bool preempted) __attribute__((noreturn));
/* Set up the main thread at start-up; it will call main_fn. */
void threads_init(thread_func_t main_fn);
/* The enabled-area context belongs to the current thread (a fault that
 * libsys resolved): resume exactly there. */
void thread_resume_enabled_area(void) __attribute__((noreturn));

/* The number of threads that exist.  Inline, a load of the counter
 * threads.c keeps (threads_num; nobody else writes it): every RPC call
 * asks it (rpc_call_fixed: a domain of one thread takes no lock), and a
 * function call for that one load cost 3 instructions more a call
 * (docs/rpc.md, section 3). */
extern unsigned threads_num;
static inline unsigned thread_count(void)
{
    return threads_num;
}

#endif
