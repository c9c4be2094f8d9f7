/*
 * tests/host/test_waitset.c -- the waitset state machine of
 * libsys/waitset.c against Barrelfish TN-011 §4.1, one test per rule:
 *
 *   states       unregistered, idle, polled, pending
 *   register     unregistered -> idle | polled (refused in any other state)
 *   deregister   idle | polled | pending -> unregistered (refused when
 *                unregistered)
 *   trigger      idle | polled -> pending, waking one waiting thread
 *                (pending: nothing changes; unregistered: refused)
 *   delivery     pending -> unregistered, the closure handed to exactly one
 *                caller of get_next_event / event_dispatch (one-shot), in
 *                the order the channels became pending
 *   polling      a polled channel whose poll function says "happened"
 *                becomes pending at the next get_next_event
 *   blocking     get_next_event with nothing pending blocks the thread on
 *                the waitset; the non-blocking variants return
 *                LIB_ERR_NO_EVENT instead
 *   destroy      refused while any channel is registered or any thread waits
 *   sleeping     with only polled channels that can sleep, the thread asks
 *                each to wake it and blocks; the poll hook polls them while
 *                it sleeps; awake, it takes the requests back; a channel
 *                that says a message came meanwhile means "poll again"
 *
 * The thread library and the dispatcher are stubs that record what the
 * waitset asked for: which thread was woken, who blocked, whether every
 * change happened with the dispatcher disabled (the thread library's lock).
 *
 * sources: libsys/waitset.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sys/waitset.h>
#include <sys/disp.h>

/* ---- stubs of the thread library and the dispatcher -------------------- */

/* The waitset only links threads through their queue; a test thread is
 * just a name. */
struct thread {
    struct thread *next;
    int id;
};

static bool disabled;
static int polls_of_disp, yields;
static int woken[16], num_woken;
static int blocked_on_ws;
static void (*on_block)(void);          /* what "happens" while a thread sleeps */
static void (*on_yield)(void);

void (*disp_poll_hook)(void);

bool disp_disable(void)
{
    bool was = disabled;
    disabled = true;
    return was;
}
void disp_enable(void) { disabled = false; }
void disp_poll_events(void)
{
    assert_true(disabled);
    polls_of_disp++;
}

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

bool thread_wake_one_disabled(struct thread_queue *q)
{
    assert_true(disabled);          /* state changes happen disabled */
    struct thread *t = q->head;
    if (t == NULL) {
        return false;
    }
    q->head = t->next;
    if (q->head == NULL) {
        q->tail = NULL;
    }
    woken[num_woken++] = t->id;
    return true;
}

static struct waitset ws;
static struct thread current = { NULL, 99 };

/* The calling thread blocks: it must be on the waitset's queue, disabled.
 * The test's on_block plays the world (a trigger) and must wake it. */
void thread_block_disabled(struct thread_queue *q)
{
    assert_true(disabled);
    assert_ptr_equal(q, &ws.waiting);
    blocked_on_ws++;
    enqueue(q, &current);
    if (on_block == NULL || blocked_on_ws > 5) {
        fail_msg("get_next_event blocked and nothing woke it");
    }
    on_block();
    assert_true(q->head != &current);   /* someone woke us */
}

void thread_yield(void)
{
    assert_false(disabled);         /* never yield holding the lock */
    yields++;
    if (on_yield) {
        on_yield();
    }
    if (yields > 10) {
        fail_msg("polling never ended");
    }
}

/* ---- helpers --------------------------------------------------------------- */

#define NCHAN 4
static struct waitset_chanstate cs[NCHAN];
static int fired[NCHAN];
static bool poll_result[NCHAN];

static void handler(void *arg) { fired[(intptr_t)arg]++; }
static struct event_closure closure(int i) { return MKCLOSURE(handler, (void *)(intptr_t)i); }
static bool poll_fn(struct waitset_chanstate *c) { return poll_result[c - cs]; }

static int setup(void **state)
{
    (void)state;
    waitset_init(&ws);
    for (int i = 0; i < NCHAN; i++) {
        waitset_chanstate_init(&cs[i]);
        cs[i].poll = poll_fn;
        fired[i] = 0;
        poll_result[i] = false;
    }
    polls_of_disp = yields = num_woken = blocked_on_ws = 0;
    on_block = on_yield = NULL;
    disabled = false;
    return 0;
}

static struct thread sleepers[8];

/* n threads wait on the waitset (as get_next_event would leave them). */
static void add_waiters(int n)
{
    for (int i = 0; i < n; i++) {
        sleepers[i].id = i + 1;
        enqueue(&ws.waiting, &sleepers[i]);
    }
}

static int queue_len(struct waitset_chanstate *q)
{
    int n = 0;
    struct waitset_chanstate *c = q;
    if (c) {
        do {
            n++;
            c = c->next;
        } while (c != q);
    }
    return n;
}

static bool in_queue(struct waitset_chanstate *q, struct waitset_chanstate *x)
{
    struct waitset_chanstate *c = q;
    if (c) {
        do {
            if (c == x) {
                return true;
            }
            c = c->next;
        } while (c != q);
    }
    return false;
}

/* The channel is in state s and in exactly the matching queue. */
static void assert_state(int i, enum ws_chanstate s)
{
    assert_int_equal(cs[i].state, s);
    assert_int_equal(in_queue(ws.idle, &cs[i]), s == CHAN_IDLE);
    assert_int_equal(in_queue(ws.polled, &cs[i]), s == CHAN_POLLED);
    assert_int_equal(in_queue(ws.pending, &cs[i]), s == CHAN_PENDING);
    assert_ptr_equal(cs[i].waitset, s == CHAN_UNREGISTERED ? NULL : &ws);
    assert_false(disabled);         /* every call enables again */
}

/* Put channel i into state s from unregistered. */
static void bring_to(int i, enum ws_chanstate s)
{
    switch (s) {
    case CHAN_UNREGISTERED:
        break;
    case CHAN_IDLE:
        assert_int_equal(waitset_chan_register(&ws, &cs[i], closure(i)), SYS_ERR_OK);
        break;
    case CHAN_POLLED:
        assert_int_equal(waitset_chan_register_polled(&ws, &cs[i], closure(i)), SYS_ERR_OK);
        break;
    case CHAN_PENDING:
        assert_int_equal(waitset_chan_register(&ws, &cs[i], closure(i)), SYS_ERR_OK);
        assert_int_equal(waitset_chan_trigger(&cs[i]), SYS_ERR_OK);
        break;
    }
    assert_state(i, s);
}

/* ---- the state machine ---------------------------------------------------- */

static void test_init(void **state)
{
    (void)state;
    assert_state(0, CHAN_UNREGISTERED);
    assert_null(ws.idle);
    assert_null(ws.polled);
    assert_null(ws.pending);
    assert_null(ws.waiting.head);
    assert_int_equal(waitset_destroy(&ws), SYS_ERR_OK);
    /* The default waitset: one per dispatcher, ready to use. */
    struct waitset *d = get_default_waitset();
    assert_non_null(d);
    assert_ptr_equal(get_default_waitset(), d);
    assert_null(d->idle);
    assert_null(d->pending);
    assert_int_equal(waitset_destroy(d), SYS_ERR_OK);
}

static void test_register(void **state)
{
    (void)state;
    bring_to(0, CHAN_IDLE);
    assert_ptr_equal(cs[0].closure.arg, (void *)0);
    bring_to(1, CHAN_POLLED);
    assert_int_equal(num_woken, 0);         /* no thread was waiting */
}

/* Registering again is refused in every registered state, and the
 * channel stays exactly where it was. */
static void test_register_twice_refused(void **state)
{
    (void)state;
    enum ws_chanstate states[] = { CHAN_IDLE, CHAN_POLLED, CHAN_PENDING };
    for (int i = 0; i < 3; i++) {
        bring_to(i, states[i]);
        assert_int_equal(waitset_chan_register(&ws, &cs[i], closure(3)),
                         LIB_ERR_WAITSET_CHAN_REGISTERED);
        assert_int_equal(waitset_chan_register_polled(&ws, &cs[i], closure(3)),
                         LIB_ERR_WAITSET_CHAN_REGISTERED);
        assert_state(i, states[i]);
        assert_ptr_equal(cs[i].closure.arg, (void *)(intptr_t)i);
    }
}

static void test_deregister_from_each_state(void **state)
{
    (void)state;
    enum ws_chanstate states[] = { CHAN_IDLE, CHAN_POLLED, CHAN_PENDING };
    for (int i = 0; i < 3; i++) {
        bring_to(i, states[i]);
    }
    for (int i = 0; i < 3; i++) {
        assert_int_equal(waitset_chan_deregister(&cs[i]), SYS_ERR_OK);
        assert_state(i, CHAN_UNREGISTERED);
        for (int j = i + 1; j < 3; j++) {
            assert_state(j, states[j]);     /* the others are untouched */
        }
    }
    /* A deregistered pending channel is never delivered. */
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    assert_int_equal(fired[2], 0);
    /* Deregistering an unregistered channel is refused. */
    assert_int_equal(waitset_chan_deregister(&cs[0]), LIB_ERR_WAITSET_CHAN_NOT_REGISTERED);
    assert_state(0, CHAN_UNREGISTERED);
    /* ... and it can be registered again, also on another state. */
    bring_to(0, CHAN_POLLED);
}

/* Removing the middle of a queue keeps the others in order. */
static void test_deregister_middle_of_queue(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        bring_to(i, CHAN_PENDING);
    }
    assert_int_equal(queue_len(ws.pending), 3);
    assert_int_equal(waitset_chan_deregister(&cs[1]), SYS_ERR_OK);
    assert_int_equal(queue_len(ws.pending), 2);
    struct event_closure c;
    assert_int_equal(get_next_event_non_block(&ws, &c), SYS_ERR_OK);
    assert_ptr_equal(c.arg, (void *)0);
    assert_int_equal(get_next_event_non_block(&ws, &c), SYS_ERR_OK);
    assert_ptr_equal(c.arg, (void *)2);
    assert_int_equal(get_next_event_non_block(&ws, &c), LIB_ERR_NO_EVENT);
}

static void test_trigger(void **state)
{
    (void)state;
    bring_to(0, CHAN_IDLE);
    bring_to(1, CHAN_POLLED);
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_state(0, CHAN_PENDING);
    assert_int_equal(waitset_chan_trigger(&cs[1]), SYS_ERR_OK);    /* polled, too */
    assert_state(1, CHAN_PENDING);
    /* A second trigger of a pending channel changes nothing: still one
     * event, still one place in the queue. */
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_state(0, CHAN_PENDING);
    assert_int_equal(queue_len(ws.pending), 2);
    /* Unregistered: refused, and nothing becomes pending. */
    assert_int_equal(waitset_chan_trigger(&cs[2]), LIB_ERR_WAITSET_CHAN_NOT_REGISTERED);
    assert_state(2, CHAN_UNREGISTERED);
}

/* Each trigger wakes exactly one waiting thread, in the order they came;
 * a trigger of an already pending channel wakes nobody. */
static void test_one_thread_per_pending_channel(void **state)
{
    (void)state;
    add_waiters(4);
    for (int i = 0; i < 3; i++) {
        bring_to(i, CHAN_IDLE);
    }
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_int_equal(num_woken, 1);
    assert_int_equal(woken[0], 1);
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);   /* already pending */
    assert_int_equal(num_woken, 1);
    assert_int_equal(waitset_chan_trigger(&cs[1]), SYS_ERR_OK);
    assert_int_equal(waitset_chan_trigger(&cs[2]), SYS_ERR_OK);
    assert_int_equal(num_woken, 3);
    assert_int_equal(woken[1], 2);
    assert_int_equal(woken[2], 3);
    assert_ptr_equal(ws.waiting.head, &sleepers[3]);    /* the fourth sleeps on */
    assert_int_equal(queue_len(ws.pending), 3);
}

/* A new polled channel wakes one waiting thread: someone has to poll. */
static void test_register_polled_wakes_a_poller(void **state)
{
    (void)state;
    add_waiters(2);
    bring_to(0, CHAN_IDLE);
    assert_int_equal(num_woken, 0);
    bring_to(1, CHAN_POLLED);
    assert_int_equal(num_woken, 1);
}

/* Delivery: pending -> unregistered, the closure to one caller only. */
static void test_delivery_is_one_shot(void **state)
{
    (void)state;
    bring_to(0, CHAN_PENDING);
    struct event_closure c = { 0 };
    assert_int_equal(get_next_event_non_block(&ws, &c), SYS_ERR_OK);
    assert_ptr_equal(c.handler, handler);
    assert_ptr_equal(c.arg, (void *)0);
    assert_int_equal(fired[0], 0);          /* get_next_event does not run it */
    assert_state(0, CHAN_UNREGISTERED);
    assert_int_equal(get_next_event_non_block(&ws, &c), LIB_ERR_NO_EVENT);
    /* event_dispatch runs the handler, once. */
    bring_to(0, CHAN_PENDING);
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[0], 1);
    assert_state(0, CHAN_UNREGISTERED);
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    assert_int_equal(fired[0], 1);
    /* A handler that wants the next event registers again. */
    bring_to(0, CHAN_IDLE);
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[0], 2);
}

/* Pending channels are delivered in the order they became pending. */
static void test_fifo(void **state)
{
    (void)state;
    for (int i = 0; i < NCHAN; i++) {
        bring_to(i, CHAN_IDLE);
    }
    int order[] = { 2, 0, 3, 1 };
    for (int i = 0; i < NCHAN; i++) {
        waitset_chan_trigger(&cs[order[i]]);
    }
    for (int i = 0; i < NCHAN; i++) {
        struct event_closure c;
        assert_int_equal(get_next_event_non_block(&ws, &c), SYS_ERR_OK);
        assert_int_equal((intptr_t)c.arg, order[i]);
    }
    assert_int_equal(get_next_event_non_block(&ws, &(struct event_closure){ 0 }),
                     LIB_ERR_NO_EVENT);
}

/* Polled channels become pending when their poll function says so; the
 * others stay polled. */
static void test_polled(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        bring_to(i, CHAN_POLLED);
    }
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    for (int i = 0; i < 3; i++) {
        assert_state(i, CHAN_POLLED);
    }
    poll_result[1] = true;
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[1], 1);
    assert_state(1, CHAN_UNREGISTERED);
    assert_state(0, CHAN_POLLED);
    assert_state(2, CHAN_POLLED);
    /* Without a poll function a polled channel is ready at once. */
    cs[3].poll = NULL;
    bring_to(3, CHAN_POLLED);
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[3], 1);
    /* Every look at the waitset first looks for new messages. */
    assert_true(polls_of_disp >= 3);
}

/* ---- blocking ------------------------------------------------------------ */

static void trigger_chan2(void) { waitset_chan_trigger(&cs[2]); }

/* Nothing pending: the thread blocks on the waitset until a trigger
 * wakes it, then gets that channel's event. */
static void test_get_next_event_blocks_until_trigger(void **state)
{
    (void)state;
    bring_to(2, CHAN_IDLE);
    on_block = trigger_chan2;
    struct event_closure c = { 0 };
    assert_int_equal(get_next_event(&ws, &c), SYS_ERR_OK);
    assert_int_equal(blocked_on_ws, 1);
    assert_ptr_equal(c.arg, (void *)2);
    assert_state(2, CHAN_UNREGISTERED);
    assert_null(ws.waiting.head);
    assert_false(disabled);
    /* event_dispatch: the same, and it runs the handler. */
    bring_to(2, CHAN_IDLE);
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(blocked_on_ws, 2);
    assert_int_equal(fired[2], 1);
}

/* A pending channel is delivered without blocking. */
static void test_get_next_event_pending_does_not_block(void **state)
{
    (void)state;
    bring_to(0, CHAN_PENDING);
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(blocked_on_ws, 0);
    assert_int_equal(fired[0], 1);
}

/* With polled channels the thread does not sleep: it polls, letting other
 * threads run between rounds, until one is ready. */
static void make_poll_ready(void)
{
    if (yields == 3) {
        poll_result[0] = true;
    }
}

static void test_get_next_event_polls(void **state)
{
    (void)state;
    bring_to(0, CHAN_POLLED);
    on_yield = make_poll_ready;
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(fired[0], 1);
    assert_int_equal(yields, 3);
    assert_int_equal(blocked_on_ws, 0);
}

/* ---- sleeping with polled channels ------------------------------------------ */

static int prepared[NCHAN], awoken[NCHAN];
static bool refuse_sleep[NCHAN];

/* A refusal: the channel's message came just now (its poll sees it). */
static bool prepare_fn(struct waitset_chanstate *c)
{
    int i = c - cs;
    prepared[i]++;
    if (refuse_sleep[i]) {
        refuse_sleep[i] = false;
        poll_result[i] = true;
        return false;
    }
    return true;
}
static void awake_fn(struct waitset_chanstate *c) { awoken[c - cs]++; }

static void sleepable(int i)
{
    cs[i].prepare_sleep = prepare_fn;
    cs[i].awake = awake_fn;
    prepared[i] = awoken[i] = 0;
    refuse_sleep[i] = false;
}

/* While the thread sleeps, a message comes on channel 1; the dispatcher
 * wakes (an SGI) and the poll hook, which the sleep installed, finds it. */
static void message_on_1(void)
{
    assert_int_equal(prepared[0], 1);
    assert_int_equal(prepared[1], 1);
    assert_int_equal(awoken[0] + awoken[1], 0);
    poll_result[1] = true;
    assert_non_null(disp_poll_hook);
    disp_poll_hook();                   /* what run() does before picking */
}

static void test_sleeps_with_polled_channels(void **state)
{
    (void)state;
    sleepable(0);
    sleepable(1);
    bring_to(0, CHAN_POLLED);
    bring_to(1, CHAN_POLLED);
    on_block = message_on_1;
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(fired[1], 1);
    assert_int_equal(blocked_on_ws, 1);
    assert_int_equal(yields, 0);        /* slept: no polling loop */
    assert_int_equal(awoken[0], 1);     /* still polled: the request taken back */
    assert_int_equal(ws.sleepers, 0);
    /* The hook stays, but polls no waitset once nobody sleeps. */
    poll_result[0] = true;
    disabled = true;
    disp_poll_hook();
    disabled = false;
    assert_int_equal(cs[0].state, CHAN_POLLED);
}

/* A message that came between the poll and the request to be woken
 * (prepare_sleep says so): the thread does not sleep, it takes back the
 * requests already made and polls again. */
static void test_message_before_sleep(void **state)
{
    (void)state;
    sleepable(0);
    sleepable(1);
    bring_to(0, CHAN_POLLED);
    bring_to(1, CHAN_POLLED);
    refuse_sleep[1] = true;             /* its message comes as it is asked */
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(fired[1], 1);
    assert_int_equal(blocked_on_ws, 0);
    assert_int_equal(prepared[0], 1);
    assert_int_equal(awoken[0], 1);
    assert_int_equal(yields, 0);
}

/* A polled channel that cannot sleep keeps the old way: poll, yield. */
static void test_unsleepable_channel_polls(void **state)
{
    (void)state;
    sleepable(0);
    bring_to(0, CHAN_POLLED);
    bring_to(1, CHAN_POLLED);           /* no prepare_sleep */
    on_yield = make_poll_ready;
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(fired[0], 1);
    assert_int_equal(yields, 3);
    assert_int_equal(blocked_on_ws, 0);
    assert_int_equal(prepared[0], 0);   /* never asked to wake us */
}

/* The non-blocking variants never block, also with nothing registered. */
static void test_non_block_never_blocks(void **state)
{
    (void)state;
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    bring_to(0, CHAN_IDLE);
    bring_to(1, CHAN_POLLED);
    struct event_closure c;
    assert_int_equal(get_next_event_non_block(&ws, &c), LIB_ERR_NO_EVENT);
    assert_int_equal(blocked_on_ws, 0);
    assert_int_equal(yields, 0);
}

/* Called with the dispatcher already disabled, the waitset leaves it so. */
static void test_keeps_caller_disabled(void **state)
{
    (void)state;
    disabled = true;
    assert_int_equal(waitset_chan_register(&ws, &cs[0], closure(0)), SYS_ERR_OK);
    assert_true(disabled);
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_true(disabled);
    struct event_closure c;
    assert_int_equal(get_next_event_non_block(&ws, &c), SYS_ERR_OK);
    assert_true(disabled);
    assert_int_equal(waitset_chan_register(&ws, &cs[0], closure(0)), SYS_ERR_OK);
    assert_int_equal(waitset_chan_deregister(&cs[0]), SYS_ERR_OK);
    assert_true(disabled);
    assert_int_equal(waitset_destroy(&ws), SYS_ERR_OK);
    assert_true(disabled);
}

/* ---- destroy ---------------------------------------------------------------- */

static void test_destroy_refused_while_in_use(void **state)
{
    (void)state;
    enum ws_chanstate states[] = { CHAN_IDLE, CHAN_POLLED, CHAN_PENDING };
    for (int i = 0; i < 3; i++) {
        bring_to(0, states[i]);
        assert_int_equal(waitset_destroy(&ws), LIB_ERR_WAITSET_IN_USE);
        assert_state(0, states[i]);         /* nothing was torn down */
        assert_int_equal(waitset_chan_deregister(&cs[0]), SYS_ERR_OK);
        assert_int_equal(waitset_destroy(&ws), SYS_ERR_OK);
    }
    add_waiters(1);                         /* a thread still waits */
    assert_int_equal(waitset_destroy(&ws), LIB_ERR_WAITSET_IN_USE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_register, setup),
        cmocka_unit_test_setup(test_register_twice_refused, setup),
        cmocka_unit_test_setup(test_deregister_from_each_state, setup),
        cmocka_unit_test_setup(test_deregister_middle_of_queue, setup),
        cmocka_unit_test_setup(test_trigger, setup),
        cmocka_unit_test_setup(test_one_thread_per_pending_channel, setup),
        cmocka_unit_test_setup(test_register_polled_wakes_a_poller, setup),
        cmocka_unit_test_setup(test_delivery_is_one_shot, setup),
        cmocka_unit_test_setup(test_fifo, setup),
        cmocka_unit_test_setup(test_polled, setup),
        cmocka_unit_test_setup(test_get_next_event_blocks_until_trigger, setup),
        cmocka_unit_test_setup(test_get_next_event_pending_does_not_block, setup),
        cmocka_unit_test_setup(test_get_next_event_polls, setup),
        cmocka_unit_test_setup(test_non_block_never_blocks, setup),
        cmocka_unit_test_setup(test_sleeps_with_polled_channels, setup),
        cmocka_unit_test_setup(test_message_before_sleep, setup),
        cmocka_unit_test_setup(test_unsleepable_channel_polls, setup),
        cmocka_unit_test_setup(test_keeps_caller_disabled, setup),
        cmocka_unit_test_setup(test_destroy_refused_while_in_use, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
