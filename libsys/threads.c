/*
 * libsys/threads.c -- user-level threads (scheduler activations in the
 * Barrelfish style; docs/dispatch.md).
 *
 * Every thread switch runs with the dispatcher disabled: context_save()
 * records the current thread in its control block, the next thread is
 * taken from the run queue, and disp_resume() enables the dispatcher and
 * jumps into it in one step.  A thread preempted while enabled reaches us
 * again through run(): its registers are then in the enabled save area.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/threads.h>
#include <sys/invoke.h>
#include <sys/disp.h>
#include <sprat/vm_layout.h>

enum thread_state { T_RUNNABLE, T_BLOCKED, T_EXITED };

struct thread {
    struct save_area regs;          /* valid while not running */
    struct thread *next;            /* in the run queue or one wait queue */
    enum thread_state state;
    thread_func_t fn;
    void *arg;
    int retval;
    bool detached;
    struct thread_queue joiners;
    void *stack;                    /* malloc'd; NULL for the main thread */
    void *tls;                      /* malloc'd TLS block */
    uint32_t tp;                    /* its thread pointer (TPIDRURO) */
    uint32_t id;
};

static struct thread *thread_current;
static struct thread_queue runq;
static struct thread_queue zombies;     /* exited detached threads */
static struct thread main_thread;
static uint32_t next_thread_id = 1;
/* The number of threads that exist (sys/threads.h: thread_count reads it
 * inline); written only here, disabled. */
unsigned threads_num;

/* ---- queues ----------------------------------------------------------------- */

static void enqueue(struct thread_queue *q, struct thread *t)
{
    t->next = NULL;
    if (q->tail) {
        q->tail->next = t;
    } else {
        q->head = t;
    }
    q->tail = t;
}

static struct thread *dequeue(struct thread_queue *q)
{
    struct thread *t = q->head;
    if (t) {
        q->head = t->next;
        if (q->head == NULL) {
            q->tail = NULL;
        }
        t->next = NULL;
    }
    return t;
}

/* ---- thread-local storage ------------------------------------------------ */

/* From linker/user.ld: the TLS template (.tdata then .tbss). */
extern char __data_start_tls[], __data_end_tls[], __tbss_start[], __tbss_end[];
extern char __tls_size[], __tls_align[];

/* ARM uses TLS "variant 1": the thread pointer points at an 8-byte thread
 * control block, and the TLS block follows it, aligned to the segment's
 * alignment.  The linker computed every TLS offset from that rule. */
static uint32_t tls_tcb_bytes(void)
{
    uint32_t align = (uint32_t)__tls_align < 8 ? 8 : (uint32_t)__tls_align;
    return (8 + align - 1) & ~(align - 1);
}

static size_t tls_alloc_bytes(void)
{
    return tls_tcb_bytes() + (size_t)__tls_size + (size_t)__tls_align + 8;
}

/* Fill a TLS block carved from mem; returns the thread pointer. */
static uint32_t tls_setup(void *mem)
{
    uint32_t align = (uint32_t)__tls_align < 8 ? 8 : (uint32_t)__tls_align;
    uint32_t tp = ((uint32_t)mem + align - 1) & ~(align - 1);
    char *block = (char *)tp + tls_tcb_bytes();
    size_t tdata = __data_end_tls - __data_start_tls;
    memcpy(block, __data_start_tls, tdata);
    memset(block + tdata, 0, (size_t)__tls_size - tdata);
    memset((void *)tp, 0, 8);
    return tp;
}

/* picolibc reads the thread pointer from TPIDRURO, which only the kernel
 * can write: publish it in the dispatcher frame and make a system call
 * through the kernel's C path, on whose way out the kernel loads it (only
 * when it changes).  Not the null call: that one returns at once, without
 * loading anything. */
static void set_thread_pointer(uint32_t tp)
{
    struct dispatcher_shared *sh = disp_shared();
    if (sh->thread_pointer != tp) {
        sh->thread_pointer = tp;
        sys_raw(SYSW(SYS_NOP, 0, NOP_C_PATH), 0, 0, 0);
    }
}

/* Jump into a saved context, enabling the dispatcher on the way.  A
 * context inside a Thumb IT block needs the kernel to restore its IT
 * state; everything else is resumed without a system call. */
static void __attribute__((noreturn)) resume_regs(struct save_area *regs)
{
    if (regs->cpsr & PSR_IT_MASK) {
        for (;;) {
            sys_raw(SYSW(SYS_RESUME, 0, 0), (uint32_t)regs, 0, 0);
        }
    }
    disp_resume(regs, &disp_shared()->disabled);
}

/* ---- switching ----------------------------------------------------------------- */

/* Nothing to run: give the CPU back until a message arrives.  The kernel
 * drops this context; we come back through run(). */
static void __attribute__((noreturn)) disp_sleep(void)
{
    thread_current = NULL;
    for (;;) {
        sys_yield(CPTR_NULL);
    }
}

/* Run the next runnable thread (called disabled; never returns here). */
static void __attribute__((noreturn)) schedule_disabled(void)
{
    disp_poll_events();             /* messages may wake threads */
    struct thread *t = dequeue(&runq);
    if (t == NULL) {
        disp_sleep();
    }
    thread_current = t;
    set_thread_pointer(t->tp);
    resume_regs(&t->regs);
}

/* Leave the current thread (whose state the caller set) for another;
 * returns, enabled, when the current thread is resumed. */
static void switch_away_disabled(void)
{
    if (context_save(&thread_current->regs) == 0) {
        schedule_disabled();
    }
}

/* The interrupted thread's registers, from the enabled save area: a Thumb
 * context's pc gets bit 0, as a branch to it needs (interworking). */
static void take_enabled_area(struct thread *t, const struct dispatcher_shared *sh)
{
    t->regs = sh->enabled_area;
    if (t->regs.cpsr & PSR_T) {
        t->regs.pc |= 1;
    }
}

void thread_run_disabled(bool preempted)
{
    struct dispatcher_shared *sh = disp_shared();
    struct thread *t = thread_current;

    if (preempted && t != NULL) {
        uint32_t pc = sh->enabled_area.pc;
        /* Preempted between enabling and loading the thread's registers:
         * its control block is intact, resume it from there again. */
        if (!(pc >= (uint32_t)resume_window_start && pc < (uint32_t)resume_window_end)) {
            take_enabled_area(t, sh);
        }
        enqueue(&runq, t);
    }
    thread_current = NULL;
    schedule_disabled();
}

void thread_resume_enabled_area(void)
{
    struct dispatcher_shared *sh = disp_shared();
    struct thread *t = thread_current;

    take_enabled_area(t, sh);
    resume_regs(&t->regs);
}

void thread_block_disabled(struct thread_queue *q)
{
    thread_current->state = T_BLOCKED;
    enqueue(q, thread_current);
    switch_away_disabled();
    disp_disable();
}

static void make_runnable_disabled(struct thread *t)
{
    t->state = T_RUNNABLE;
    enqueue(&runq, t);
}

bool thread_wake_one_disabled(struct thread_queue *q)
{
    struct thread *t = dequeue(q);
    if (t == NULL) {
        return false;
    }
    make_runnable_disabled(t);
    return true;
}

/* Another of our threads if one is runnable; else the CPU to another
 * dispatcher (as in Barrelfish): an enabled yield keeps this thread's
 * registers in the enabled area and the dispatcher runnable, so we come
 * back through run() as after a preemption.  A polling loop built on
 * thread_yield thus lets the domain it waits for run. */
void thread_yield(void)
{
    disp_disable();
    if (runq.head == NULL) {
        disp_poll_events();         /* a message may wake a waiting thread */
    }
    if (runq.head == NULL) {
        disp_enable();
        sys_yield(CPTR_NULL);
        return;
    }
    make_runnable_disabled(thread_current);
    switch_away_disabled();
}

/* ---- creation, exit, join ------------------------------------------------------ */

static void free_thread(struct thread *t)
{
    free(t->stack);
    free(t->tls);
    free(t);
}

static void reap_zombies(void)
{
    disp_disable();
    struct thread *z;
    while ((z = dequeue(&zombies)) != NULL) {
        disp_enable();
        free_thread(z);
        disp_disable();
    }
    disp_enable();
}

static void thread_entry(struct thread *t)
{
    thread_exit(t->fn(t->arg));
}

struct thread *thread_create_stack(thread_func_t fn, void *arg, size_t stack)
{
    reap_zombies();
    struct thread *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    t->stack = malloc(stack);
    t->tls = malloc(tls_alloc_bytes());
    if (t->stack == NULL || t->tls == NULL) {
        free_thread(t);
        return NULL;
    }
    /* Back the whole stack now: a thread may run libsys code disabled,
     * where a page fault cannot be served. */
    memset(t->stack, 0, stack);
    t->fn = fn;
    t->arg = arg;
    t->tp = tls_setup(t->tls);
    t->regs.r[0] = (uint32_t)t;
    t->regs.sp = ((uint32_t)t->stack + stack) & ~7u;   /* AAPCS alignment */
    t->regs.pc = (uint32_t)thread_entry;
    t->regs.cpsr = 0;

    disp_disable();
    t->id = next_thread_id++;
    threads_num++;
    make_runnable_disabled(t);
    disp_enable();
    return t;
}

struct thread *thread_create(thread_func_t fn, void *arg)
{
    return thread_create_stack(fn, arg, THREAD_DEFAULT_STACK);
}

void thread_exit(int retval)
{
    struct thread *t = thread_current;

    if (t == &main_thread) {
        exit(retval);               /* C: returning from main ends the domain */
    }
    disp_disable();
    t->retval = retval;
    t->state = T_EXITED;
    threads_num--;
    while (thread_wake_one_disabled(&t->joiners)) {
    }
    if (t->detached) {
        enqueue(&zombies, t);       /* freed later, off its own stack */
    }
    thread_current = NULL;
    schedule_disabled();
}

errval_t thread_join(struct thread *t, int *retval)
{
    if (t == NULL || t == thread_current || t == &main_thread || t->detached) {
        return LIB_ERR_THREAD_JOIN;
    }
    disp_disable();
    while (t->state != T_EXITED) {
        thread_block_disabled(&t->joiners);
    }
    disp_enable();
    if (retval) {
        *retval = t->retval;
    }
    free_thread(t);
    return SYS_ERR_OK;
}

void thread_detach(struct thread *t)
{
    disp_disable();
    t->detached = true;
    if (t->state == T_EXITED) {
        enqueue(&zombies, t);
    }
    disp_enable();
}

struct thread *thread_self(void)
{
    return thread_current;
}

uint32_t thread_id(struct thread *t)
{
    return t->id;
}

/* ---- mutexes and condition variables --------------------------------------------- */

void thread_mutex_init(struct thread_mutex *m)
{
    memset(m, 0, sizeof(*m));
}

void thread_mutex_lock(struct thread_mutex *m)
{
    if (thread_current == NULL) {
        return;                     /* before threads exist: single-threaded */
    }
    bool was = disp_disable();
    if (m->owner == NULL) {
        m->owner = thread_current;
        m->depth = 1;
    } else if (m->owner == thread_current) {
        m->depth++;
    } else {
        /* Ownership is handed to us by the unlock that wakes us. */
        thread_block_disabled(&m->waiters);
    }
    disp_restore(was);
}

bool thread_mutex_trylock(struct thread_mutex *m)
{
    bool ok = true;
    bool was = disp_disable();
    if (m->owner == NULL) {
        m->owner = thread_current;
        m->depth = 1;
    } else if (m->owner == thread_current) {
        m->depth++;
    } else {
        ok = false;
    }
    disp_restore(was);
    return ok;
}

/* Release completely or by one level; hand over to the first waiter. */
static void mutex_release_disabled(struct thread_mutex *m)
{
    if (--m->depth > 0) {
        return;
    }
    struct thread *t = dequeue(&m->waiters);
    m->owner = t;
    if (t) {
        m->depth = 1;
        make_runnable_disabled(t);
    }
}

void thread_mutex_unlock(struct thread_mutex *m)
{
    if (thread_current == NULL || m->owner != thread_current) {
        return;
    }
    bool was = disp_disable();
    mutex_release_disabled(m);
    disp_restore(was);
}

void thread_cond_init(struct thread_cond *c)
{
    memset(c, 0, sizeof(*c));
}

void thread_cond_wait(struct thread_cond *c, struct thread_mutex *m)
{
    disp_disable();
    unsigned depth = m->depth;
    m->depth = 1;
    mutex_release_disabled(m);      /* and sleep, in one disabled step */
    thread_block_disabled(&c->waiters);
    disp_enable();
    thread_mutex_lock(m);
    disp_disable();
    m->depth = depth;
    disp_enable();
}

void thread_cond_signal(struct thread_cond *c)
{
    bool was = disp_disable();
    thread_wake_one_disabled(&c->waiters);
    disp_restore(was);
}

void thread_cond_broadcast(struct thread_cond *c)
{
    bool was = disp_disable();
    while (thread_wake_one_disabled(&c->waiters)) {
    }
    disp_restore(was);
}

/* ---- libsys' lock and picolibc's locks --------------------------------------------- */

/*
 * libsys' own state (slots, RAM, page tables) is protected by disabling
 * the dispatcher, not by a mutex: the page-fault upcall, which runs
 * disabled on behalf of whatever thread faulted, must be able to allocate
 * memory without ever waiting for another thread.  The price: code under
 * this lock must not block and must not touch memory that is not mapped
 * yet (thread stacks and heap pages are backed before they are used).
 */
static unsigned libsys_depth;
static bool libsys_was_disabled;

void thread_lock_libsys(void)
{
    bool was = disp_disable();
    if (libsys_depth++ == 0) {
        libsys_was_disabled = was;
    }
}

void thread_unlock_libsys(void)
{
    if (--libsys_depth == 0 && !libsys_was_disabled) {
        disp_enable();
    }
}

/*
 * picolibc's retargetable locks (malloc, stdio): one recursive mutex for
 * the whole C library is enough for a teaching system and cannot deadlock
 * between two libc locks.  Defining every __retarget_lock_* symbol (and
 * the lock object libc names) keeps picolibc's do-nothing versions out.
 */
struct __lock { int unused; };
struct __lock __lock___libc_recursive_mutex;
static struct thread_mutex libc_mutex = THREAD_MUTEX_INITIALIZER;

typedef struct __lock *_LOCK_T;
void __retarget_lock_init(_LOCK_T *lock);
void __retarget_lock_init_recursive(_LOCK_T *lock);
void __retarget_lock_close(_LOCK_T lock);
void __retarget_lock_close_recursive(_LOCK_T lock);
void __retarget_lock_acquire(_LOCK_T lock);
void __retarget_lock_acquire_recursive(_LOCK_T lock);
int __retarget_lock_try_acquire(_LOCK_T lock);
int __retarget_lock_try_acquire_recursive(_LOCK_T lock);
void __retarget_lock_release(_LOCK_T lock);
void __retarget_lock_release_recursive(_LOCK_T lock);

void __retarget_lock_init(_LOCK_T *lock) { *lock = &__lock___libc_recursive_mutex; }
void __retarget_lock_init_recursive(_LOCK_T *lock) { *lock = &__lock___libc_recursive_mutex; }
void __retarget_lock_close(_LOCK_T lock) { (void)lock; }
void __retarget_lock_close_recursive(_LOCK_T lock) { (void)lock; }
void __retarget_lock_acquire(_LOCK_T lock) { (void)lock; thread_mutex_lock(&libc_mutex); }
void __retarget_lock_acquire_recursive(_LOCK_T lock) { (void)lock; thread_mutex_lock(&libc_mutex); }
int __retarget_lock_try_acquire(_LOCK_T lock) { (void)lock; return thread_mutex_trylock(&libc_mutex); }
int __retarget_lock_try_acquire_recursive(_LOCK_T lock) { (void)lock; return thread_mutex_trylock(&libc_mutex); }
void __retarget_lock_release(_LOCK_T lock) { (void)lock; thread_mutex_unlock(&libc_mutex); }
void __retarget_lock_release_recursive(_LOCK_T lock) { (void)lock; thread_mutex_unlock(&libc_mutex); }

/* ---- the main thread ------------------------------------------------------------------ */

static char main_tls[512] __attribute__((aligned(64)));

void threads_init(thread_func_t main_fn)
{
    struct thread *t = &main_thread;

    if (tls_alloc_bytes() > sizeof(main_tls)) {
        sys_debug_print("libsys: TLS too large\n", 23);
        disp_exit(1);
    }
    t->fn = main_fn;
    t->tp = tls_setup(main_tls);
    t->regs.r[0] = (uint32_t)t;
    t->regs.sp = USER_STACK_TOP;
    t->regs.pc = (uint32_t)thread_entry;
    t->id = next_thread_id++;
    threads_num = 1;
    make_runnable_disabled(t);
}
