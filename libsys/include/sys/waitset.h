/*
 * libsys/include/sys/waitset.h -- waitsets and event dispatch, with the
 * semantics of Barrelfish TN-011 §4 (docs/messaging.md).
 *
 * A channel's event registration moves through four states:
 *
 *                register              trigger
 *   UNREGISTERED ---------> IDLE ------------------> PENDING
 *        ^      \---------> POLLED ---(poll finds)--->  |
 *        |        (polled channels)                    |
 *        +----------- delivered (get_next_event) ------+
 *        +----------- deregister (from any state) -----+
 *
 * Registrations are one-shot: a handler that wants the next event
 * registers again.  Threads that find no pending channel block on the
 * waitset; each trigger wakes one of them.  A dispatcher whose threads are
 * all blocked yields the CPU (threads.c), and an arriving message wakes it.
 *
 * Polled channels (UMP) are polled by a thread in get_next_event.  If
 * each of them can sleep (prepare_sleep: "wake me"), the thread blocks
 * instead of polling on; the peer's wake SGI or any LMP message brings
 * the dispatcher back, and the poll hook (disp_poll_hook) polls the
 * sleeping waitsets' channels before a thread is picked (waitset.c,
 * "Sleeping with polled channels"; docs/multikernel.md).
 */
#ifndef LIBSYS_WAITSET_H
#define LIBSYS_WAITSET_H

#include <stdbool.h>
#include <sprat/errors.h>
#include <sys/threads.h>

struct event_closure {
    void (*handler)(void *arg);
    void *arg;
};

#define MKCLOSURE(h, a) ((struct event_closure){ (h), (a) })

enum ws_chanstate {
    CHAN_UNREGISTERED,
    CHAN_IDLE,
    CHAN_POLLED,
    CHAN_PENDING,
};

struct waitset;

struct waitset_chanstate {
    enum ws_chanstate state;
    struct waitset *waitset;
    struct event_closure closure;
    /* Polled channels only: returns true if the event has occurred. */
    bool (*poll)(struct waitset_chanstate *cs);
    /* Polled channels that can sleep (else NULL): ask to be woken and
     * return true if nothing came meanwhile (false: poll again); awake
     * takes the request back. */
    bool (*prepare_sleep)(struct waitset_chanstate *cs);
    void (*awake)(struct waitset_chanstate *cs);
    struct waitset_chanstate *next, *prev;     /* in one of the queues */
};

struct waitset {
    struct waitset_chanstate *idle;     /* circular lists */
    struct waitset_chanstate *polled;
    struct waitset_chanstate *pending;
    struct thread_queue waiting;        /* threads in get_next_event */
    unsigned sleepers;                  /* of them, asleep with polled channels */
    struct waitset *sleeping_next;      /* in the list of such waitsets */
};

void waitset_init(struct waitset *ws);
/* LIB_ERR_WAITSET_IN_USE if channels are registered or threads wait. */
errval_t waitset_destroy(struct waitset *ws);
struct waitset *get_default_waitset(void);

void waitset_chanstate_init(struct waitset_chanstate *cs);
errval_t waitset_chan_register(struct waitset *ws, struct waitset_chanstate *cs,
                               struct event_closure closure);
errval_t waitset_chan_register_polled(struct waitset *ws,
                                      struct waitset_chanstate *cs,
                                      struct event_closure closure);
errval_t waitset_chan_deregister(struct waitset_chanstate *cs);
/* The event happened: IDLE/POLLED -> PENDING, wake one waiting thread.
 * A trigger on an unregistered channel is ignored (LIB_ERR_WAITSET_CHAN_NOT_REGISTERED). */
errval_t waitset_chan_trigger(struct waitset_chanstate *cs);

/* The next event's closure; blocks until there is one. */
errval_t get_next_event(struct waitset *ws, struct event_closure *ret);
/* The next event's closure if there is one now, else LIB_ERR_NO_EVENT. */
errval_t get_next_event_non_block(struct waitset *ws, struct event_closure *ret);
/* Wait for and run one event handler. */
errval_t event_dispatch(struct waitset *ws);
errval_t event_dispatch_non_block(struct waitset *ws);

#endif
