/*
 * libsys/waitset.c -- waitsets (sys/waitset.h, TN-011 §4.1).
 *
 * Every state change happens with the dispatcher disabled, which is the
 * thread library's lock (sys/threads.h): a trigger from the message poll
 * in run() and a thread in get_next_event never interleave.
 */
#include <stddef.h>
#include <sys/waitset.h>
#include <sys/disp.h>

/* ---- circular doubly linked queues --------------------------------- */

static void q_add(struct waitset_chanstate **q, struct waitset_chanstate *cs)
{
    if (*q == NULL) {
        cs->next = cs->prev = cs;
        *q = cs;
    } else {
        cs->next = *q;
        cs->prev = (*q)->prev;
        (*q)->prev->next = cs;
        (*q)->prev = cs;
    }
}

static void q_remove(struct waitset_chanstate **q, struct waitset_chanstate *cs)
{
    if (cs->next == cs) {
        *q = NULL;
    } else {
        cs->prev->next = cs->next;
        cs->next->prev = cs->prev;
        if (*q == cs) {
            *q = cs->next;
        }
    }
    cs->next = cs->prev = NULL;
}

static struct waitset_chanstate **queue_of(struct waitset *ws, enum ws_chanstate s)
{
    switch (s) {
    case CHAN_IDLE:    return &ws->idle;
    case CHAN_POLLED:  return &ws->polled;
    case CHAN_PENDING: return &ws->pending;
    default:           return NULL;
    }
}

/* ---- waitsets ------------------------------------------------------------- */

void waitset_init(struct waitset *ws)
{
    ws->idle = ws->polled = ws->pending = NULL;
    ws->waiting.head = ws->waiting.tail = NULL;
    ws->sleepers = 0;
    ws->sleeping_next = NULL;
}

errval_t waitset_destroy(struct waitset *ws)
{
    bool was = disp_disable();
    bool busy = ws->idle || ws->polled || ws->pending || ws->waiting.head;
    disp_restore(was);
    return busy ? LIB_ERR_WAITSET_IN_USE : SYS_ERR_OK;
}

struct waitset *get_default_waitset(void)
{
    static struct waitset ws;
    static bool initialised;
    if (!initialised) {
        waitset_init(&ws);
        initialised = true;
    }
    return &ws;
}

void waitset_chanstate_init(struct waitset_chanstate *cs)
{
    cs->state = CHAN_UNREGISTERED;
    cs->waitset = NULL;
    cs->closure = MKCLOSURE(NULL, NULL);
    cs->poll = NULL;
    cs->prepare_sleep = NULL;
    cs->awake = NULL;
    cs->next = cs->prev = NULL;
}

static errval_t do_register(struct waitset *ws, struct waitset_chanstate *cs,
                            struct event_closure closure, enum ws_chanstate s)
{
    bool was = disp_disable();
    errval_t err = SYS_ERR_OK;
    if (cs->state != CHAN_UNREGISTERED) {
        err = LIB_ERR_WAITSET_CHAN_REGISTERED;
    } else {
        cs->waitset = ws;
        cs->closure = closure;
        cs->state = s;
        q_add(queue_of(ws, s), cs);
        if (s == CHAN_POLLED) {
            thread_wake_one_disabled(&ws->waiting);     /* someone must poll */
        }
    }
    disp_restore(was);
    return err;
}

errval_t waitset_chan_register(struct waitset *ws, struct waitset_chanstate *cs,
                               struct event_closure closure)
{
    return do_register(ws, cs, closure, CHAN_IDLE);
}

errval_t waitset_chan_register_polled(struct waitset *ws,
                                      struct waitset_chanstate *cs,
                                      struct event_closure closure)
{
    return do_register(ws, cs, closure, CHAN_POLLED);
}

errval_t waitset_chan_deregister(struct waitset_chanstate *cs)
{
    bool was = disp_disable();
    errval_t err = SYS_ERR_OK;
    if (cs->state == CHAN_UNREGISTERED) {
        err = LIB_ERR_WAITSET_CHAN_NOT_REGISTERED;
    } else {
        q_remove(queue_of(cs->waitset, cs->state), cs);
        cs->state = CHAN_UNREGISTERED;
        cs->waitset = NULL;
    }
    disp_restore(was);
    return err;
}

/* Called disabled. */
static void make_pending(struct waitset_chanstate *cs)
{
    /* LAB 5 BEGIN: return; */
    struct waitset *ws = cs->waitset;
    q_remove(queue_of(ws, cs->state), cs);
    cs->state = CHAN_PENDING;
    q_add(&ws->pending, cs);
    thread_wake_one_disabled(&ws->waiting);
    /* LAB 5 END */
}

errval_t waitset_chan_trigger(struct waitset_chanstate *cs)
{
    bool was = disp_disable();
    errval_t err = SYS_ERR_OK;
    if (cs->state == CHAN_IDLE || cs->state == CHAN_POLLED) {
        make_pending(cs);
    } else if (cs->state == CHAN_UNREGISTERED) {
        err = LIB_ERR_WAITSET_CHAN_NOT_REGISTERED;
    }
    disp_restore(was);
    return err;
}

/* Called disabled: take the first pending channel's closure, if any. */
static bool take_pending(struct waitset *ws, struct event_closure *ret)
{
    /* LAB 5 BEGIN: return false; */
    struct waitset_chanstate *cs = ws->pending;
    if (cs == NULL) {
        return false;
    }
    q_remove(&ws->pending, cs);
    cs->state = CHAN_UNREGISTERED;
    cs->waitset = NULL;
    *ret = cs->closure;
    return true;
    /* LAB 5 END */
}

/* Called disabled: poll each polled channel once. */
static void poll_channels(struct waitset *ws)
{
    /* LAB 5 BEGIN: return; */
    unsigned n = 0;
    struct waitset_chanstate *cs = ws->polled;
    if (cs == NULL) {
        return;
    }
    do {
        n++;
        cs = cs->next;
    } while (cs != ws->polled);
    cs = ws->polled;
    while (n-- > 0) {
        struct waitset_chanstate *next = cs->next;
        if (cs->poll == NULL || cs->poll(cs)) {
            make_pending(cs);
        }
        cs = next;
    }
    /* LAB 5 END */
}

/* ---- sleeping with polled channels ----------------------------------------- */

/*
 * A thread with only polled channels to wait for sleeps rather than polls
 * on, when each of them can (a UMP channel: its "asleep" flag, then one
 * more look at the ring; sys/ump_chan.h).  The waitset goes on the
 * sleeping list, whose channels poll_sleeping polls each time the thread
 * scheduler looks for events -- after the peer's wake SGI made the
 * dispatcher runnable (KernelCmd_WakeTarget), after an LMP message, or
 * when another of our threads switches.  So a domain that waits on UMP
 * costs nothing while nothing comes: no busy polling.
 */
static struct waitset *sleeping;
static void (*next_poll_hook)(void);

static void poll_sleeping(void)
{
    for (struct waitset *ws = sleeping; ws != NULL; ws = ws->sleeping_next) {
        poll_channels(ws);
    }
    if (next_poll_hook != NULL) {
        next_poll_hook();
    }
}

static void sleeping_add(struct waitset *ws)
{
    static bool hooked;
    if (!hooked) {
        next_poll_hook = disp_poll_hook;
        disp_poll_hook = poll_sleeping;
        hooked = true;
    }
    ws->sleeping_next = sleeping;
    sleeping = ws;
}

static void sleeping_remove(struct waitset *ws)
{
    struct waitset **p = &sleeping;
    while (*p != NULL && *p != ws) {
        p = &(*p)->sleeping_next;
    }
    if (*p == ws) {
        *p = ws->sleeping_next;
    }
    ws->sleeping_next = NULL;
}

/* awake on the polled channels from the first up to (not including) end
 * (NULL: all of them). */
static void awake_polled(struct waitset *ws, struct waitset_chanstate *end)
{
    struct waitset_chanstate *cs = ws->polled;
    if (cs == NULL) {
        return;
    }
    do {
        if (cs == end) {
            return;
        }
        cs->awake(cs);
        cs = cs->next;
    } while (cs != ws->polled);
}

/* Called disabled, with polled channels and nothing pending: false if
 * some polled channel cannot sleep (the caller polls on); else true,
 * after sleeping until an event or finding that one came meanwhile. */
/* LAB 5 UNUSED */
static bool sleep_polled_disabled(struct waitset *ws)
{
    struct waitset_chanstate *cs = ws->polled;
    do {
        if (cs->prepare_sleep == NULL || cs->awake == NULL) {
            return false;
        }
        cs = cs->next;
    } while (cs != ws->polled);
    /* The peers of polled channels run on other cores: before asking to
     * be woken, one YIELD (ARM ARM A8.8.426, a hint; under QEMU's
     * round-robin the other core gets its turn at once), and an answer
     * that comes meanwhile needs no SGI. */
#ifdef __arm__
    __asm__ volatile("yield" ::: "memory");
#endif
    do {
        if (!cs->prepare_sleep(cs)) {
            awake_polled(ws, cs);       /* a message came: poll again */
            return true;
        }
        cs = cs->next;
    } while (cs != ws->polled);
    if (ws->sleepers++ == 0) {
        sleeping_add(ws);
    }
    thread_block_disabled(&ws->waiting);
    if (--ws->sleepers == 0) {
        sleeping_remove(ws);
        awake_polled(ws, NULL);
    }
    return true;
}

errval_t get_next_event_non_block(struct waitset *ws, struct event_closure *ret)
{
    bool was = disp_disable();
    disp_poll_events();             /* messages that arrived meanwhile */
    poll_channels(ws);
    bool got = take_pending(ws, ret);
    disp_restore(was);
    return got ? SYS_ERR_OK : LIB_ERR_NO_EVENT;
}

errval_t get_next_event(struct waitset *ws, struct event_closure *ret)
{
    /* LAB 5 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    disp_disable();
    for (;;) {
        disp_poll_events();
        poll_channels(ws);
        if (take_pending(ws, ret)) {
            break;
        }
        if (ws->polled && sleep_polled_disabled(ws)) {
            continue;                   /* slept, or something came */
        }
        if (ws->polled) {
            /* Keep polling, but let other threads run between rounds. */
            disp_enable();
            thread_yield();
            disp_disable();
            continue;
        }
        thread_block_disabled(&ws->waiting);
    }
    disp_enable();
    return SYS_ERR_OK;
    /* LAB 5 END */
}

errval_t event_dispatch(struct waitset *ws)
{
    struct event_closure c;
    errval_t err = get_next_event(ws, &c);
    if (err_is_ok(err) && c.handler) {
        c.handler(c.arg);
    }
    return err;
}

errval_t event_dispatch_non_block(struct waitset *ws)
{
    struct event_closure c;
    errval_t err = get_next_event_non_block(ws, &c);
    if (err_is_ok(err) && c.handler) {
        c.handler(c.arg);
    }
    return err;
}
