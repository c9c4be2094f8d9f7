/*
 * tests/host/test_waitset.c -- the waitset state machine of
 * libsys/waitset.c (TN-011 §4.1): every transition, the queues, and the
 * wake-ups it asks the thread library for.  The thread and dispatcher
 * calls are stubs that record what happened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sys/waitset.h>
#include <sys/disp.h>

/* ---- stubs ------------------------------------------------------------ */

static bool disabled;
static int wakes, blocks, polls_of_disp;
bool disp_disable(void) { bool was = disabled; disabled = true; return was; }
void disp_enable(void) { disabled = false; }
void disp_poll_events(void) { polls_of_disp++; }
bool thread_wake_one_disabled(struct thread_queue *q)
{
    assert_true(disabled);          /* state changes happen disabled */
    if (q->head == NULL) {
        return false;
    }
    wakes++;
    q->head = q->tail = NULL;
    return true;
}
void thread_block_disabled(struct thread_queue *q) { (void)q; blocks++; fail_msg("would block"); }
void thread_yield(void) {}

/* ---- helpers ------------------------------------------------------------- */

static int fired[4];
static void handler(void *arg) { fired[(intptr_t)arg]++; }

static struct waitset ws;
static struct waitset_chanstate cs[4];

static int setup(void **state)
{
    (void)state;
    waitset_init(&ws);
    for (int i = 0; i < 4; i++) {
        waitset_chanstate_init(&cs[i]);
        fired[i] = 0;
    }
    wakes = blocks = polls_of_disp = 0;
    disabled = false;
    return 0;
}

static char fake_thread_storage[64];

/* A thread waits on the waitset (as get_next_event would make it). */
static void add_waiter(void)
{
    ws.waiting.head = ws.waiting.tail = (struct thread *)fake_thread_storage;
}

/* ---- the transitions ------------------------------------------------------- */

static void test_register_trigger_deliver(void **state)
{
    (void)state;
    assert_int_equal(cs[0].state, CHAN_UNREGISTERED);
    assert_int_equal(waitset_chan_register(&ws, &cs[0], MKCLOSURE(handler, (void *)0)), SYS_ERR_OK);
    assert_int_equal(cs[0].state, CHAN_IDLE);
    assert_ptr_equal(ws.idle, &cs[0]);
    /* register twice: refused */
    assert_int_equal(waitset_chan_register(&ws, &cs[0], MKCLOSURE(handler, (void *)0)),
                     LIB_ERR_WAITSET_CHAN_REGISTERED);
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    add_waiter();
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_int_equal(cs[0].state, CHAN_PENDING);
    assert_int_equal(wakes, 1);             /* a waiting thread is woken */
    assert_null(ws.idle);
    assert_ptr_equal(ws.pending, &cs[0]);
    assert_false(disabled);                 /* enabled again afterwards */
    /* a second trigger on a pending channel changes nothing */
    assert_int_equal(waitset_chan_trigger(&cs[0]), SYS_ERR_OK);
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[0], 1);
    assert_int_equal(cs[0].state, CHAN_UNREGISTERED);   /* one-shot */
    assert_null(ws.pending);
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    assert_int_equal(waitset_chan_trigger(&cs[0]), LIB_ERR_WAITSET_CHAN_NOT_REGISTERED);
    assert_int_equal(waitset_destroy(&ws), SYS_ERR_OK);
}

static void test_deregister(void **state)
{
    (void)state;
    assert_int_equal(waitset_chan_deregister(&cs[0]), LIB_ERR_WAITSET_CHAN_NOT_REGISTERED);
    for (int s = 0; s < 3; s++) {       /* from idle, polled, pending */
        if (s == 1) {
            waitset_chan_register_polled(&ws, &cs[0], MKCLOSURE(handler, (void *)0));
            assert_int_equal(cs[0].state, CHAN_POLLED);
        } else {
            waitset_chan_register(&ws, &cs[0], MKCLOSURE(handler, (void *)0));
            if (s == 2) {
                waitset_chan_trigger(&cs[0]);
                assert_int_equal(cs[0].state, CHAN_PENDING);
            }
        }
        assert_int_equal(waitset_destroy(&ws), LIB_ERR_WAITSET_IN_USE);
        assert_int_equal(waitset_chan_deregister(&cs[0]), SYS_ERR_OK);
        assert_int_equal(cs[0].state, CHAN_UNREGISTERED);
        assert_true(ws.idle == NULL && ws.polled == NULL && ws.pending == NULL);
    }
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    assert_int_equal(fired[0], 0);
    assert_int_equal(waitset_destroy(&ws), SYS_ERR_OK);
    add_waiter();
    assert_int_equal(waitset_destroy(&ws), LIB_ERR_WAITSET_IN_USE);
}

static bool poll_result[4];
static bool poll_fn(struct waitset_chanstate *c)
{
    return poll_result[c - cs];
}

static void test_polled(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        cs[i].poll = poll_fn;
        poll_result[i] = false;
        waitset_chan_register_polled(&ws, &cs[i], MKCLOSURE(handler, (void *)(intptr_t)i));
    }
    assert_int_equal(event_dispatch_non_block(&ws), LIB_ERR_NO_EVENT);
    poll_result[1] = true;
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[1], 1);
    assert_int_equal(cs[1].state, CHAN_UNREGISTERED);
    assert_int_equal(cs[0].state, CHAN_POLLED);
    /* a polled channel can also be triggered directly */
    assert_int_equal(waitset_chan_trigger(&cs[2]), SYS_ERR_OK);
    assert_int_equal(event_dispatch_non_block(&ws), SYS_ERR_OK);
    assert_int_equal(fired[2], 1);
    assert_true(polls_of_disp >= 3);        /* messages are checked each time */
}

/* Pending channels are delivered in the order they became pending. */
static void test_fifo(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        waitset_chan_register(&ws, &cs[i], MKCLOSURE(handler, (void *)(intptr_t)i));
    }
    int order[] = { 2, 0, 3, 1 };
    for (int i = 0; i < 4; i++) {
        waitset_chan_trigger(&cs[order[i]]);
    }
    for (int i = 0; i < 4; i++) {
        struct event_closure c;
        assert_int_equal(get_next_event_non_block(&ws, &c), SYS_ERR_OK);
        assert_int_equal((intptr_t)c.arg, order[i]);
    }
    assert_int_equal(get_next_event_non_block(&ws, &(struct event_closure){ 0 }), LIB_ERR_NO_EVENT);
    /* get_next_event with a pending channel does not block */
    waitset_chan_register(&ws, &cs[0], MKCLOSURE(handler, (void *)0));
    waitset_chan_trigger(&cs[0]);
    assert_int_equal(event_dispatch(&ws), SYS_ERR_OK);
    assert_int_equal(blocks, 0);
    assert_int_equal(fired[0], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_register_trigger_deliver, setup),
        cmocka_unit_test_setup(test_deregister, setup),
        cmocka_unit_test_setup(test_polled, setup),
        cmocka_unit_test_setup(test_fifo, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
