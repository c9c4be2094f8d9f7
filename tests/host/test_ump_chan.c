/*
 * tests/host/test_ump_chan.c -- a UMP channel whose peer's core has
 * stopped (libsys/ump_chan.c, ump_chan_peer_gone; docs/multikernel.md,
 * section 7.1): both sides of a channel in one process over one frame,
 * and the peer_down word that the stopped core's kernel sets.  The peer's
 * last lines are still read before it counts as gone; a receiver's poll
 * reports a gone peer as it would a message, and wakes it; a sender whose ring is full stops retrying with LIB_ERR_UMP_PEER_DOWN;
 * a channel without a word (the raw channel of the tests) never is.
 *
 * sources: libsys/ump_chan.c libsys/ump_ring.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sys/ump_chan.h>

/* ---- stubs: the waitset and the thread library ------------------------- */

static struct waitset_chanstate *registered;
static volatile uint32_t down_word;
static int yields, stop_after_yields;

void waitset_chanstate_init(struct waitset_chanstate *cs)
{
    memset(cs, 0, sizeof(*cs));
}

errval_t waitset_chan_register_polled(struct waitset *ws, struct waitset_chanstate *cs,
                                      struct event_closure closure)
{
    (void)ws;
    (void)closure;
    registered = cs;
    return SYS_ERR_OK;
}

/* A sender's retry lets the other side run: here, after
 * stop_after_yields of them, the peer's core "stops". */
void thread_yield(void)
{
    if (++yields == stop_after_yields) {
        down_word = 1;
    }
}

/* ---- the channel --------------------------------------------------------- */

#define FRAME_BYTES 1024
static struct ump_line frame[FRAME_BYTES / UMP_LINE_BYTES];
static struct ump_chan a, b;            /* a: first side; b: the peer */

static int setup(void **state)
{
    (void)state;
    memset(frame, 0, sizeof(frame));
    down_word = 0;
    yields = stop_after_yields = 0;
    registered = NULL;
    assert_int_equal(ump_chan_init(&a, frame, sizeof(frame), true), SYS_ERR_OK);
    assert_int_equal(ump_chan_init(&b, frame, sizeof(frame), false), SYS_ERR_OK);
    a.peer_down = &down_word;
    return 0;
}

static void test_alive_peer_is_not_gone(void **state)
{
    (void)state;
    assert_false(ump_chan_peer_gone(&a));
    assert_true(ump_chan_prepare_sleep(&a));        /* may sleep: nothing came */
    ump_chan_awake(&a);
}

static void test_no_word_never_gone(void **state)
{
    (void)state;
    a.peer_down = NULL;
    down_word = 1;
    assert_false(ump_chan_peer_gone(&a));
    assert_true(ump_chan_prepare_sleep(&a));
}

static void test_last_lines_read_before_gone(void **state)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { 42 };
    unsigned len;
    (void)state;
    assert_int_equal(ump_chan_send(&b, w, 1), SYS_ERR_OK);   /* its last answer */
    down_word = 1;                                          /* then it died */
    assert_false(ump_chan_peer_gone(&a));
    assert_int_equal(ump_chan_recv(&a, w, &len), SYS_ERR_OK);
    assert_int_equal(w[0], 42);
    assert_true(ump_chan_peer_gone(&a));
    assert_int_equal(ump_chan_recv(&a, w, &len), LIB_ERR_UMP_EMPTY);
}

static void test_poll_reports_gone_and_no_sleep(void **state)
{
    (void)state;
    assert_int_equal(ump_chan_register_recv(&a, NULL, MKCLOSURE(NULL, NULL)), SYS_ERR_OK);
    assert_non_null(registered);
    assert_false(registered->poll(registered));
    assert_true(registered->prepare_sleep(registered));
    registered->awake(registered);
    assert_true(registered->prepare_sleep(registered));    /* asleep... */
    down_word = 1;                                  /* ...its core stops (and the SGI) */
    assert_true(registered->poll(registered));      /* the waiter wakes */
    assert_int_equal(a.mine->asleep, 0);            /* and is awake */
}

static void test_full_ring_sender_stops_retrying(void **state)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { 1 };
    errval_t err;
    unsigned sent = 0;
    (void)state;
    while ((err = ump_chan_send(&a, w, 1)) == SYS_ERR_OK) {
        sent++;                                     /* b never reads */
    }
    assert_int_equal(err, LIB_ERR_UMP_FULL);
    assert_true(sent > 0);
    stop_after_yields = 5;
    assert_int_equal(ump_chan_send_retry(&a, w, 1, 0), LIB_ERR_UMP_PEER_DOWN);
    assert_int_equal(yields, 5);                    /* right after the word */
    /* With a bound, a live peer's full ring is still LIB_ERR_UMP_FULL. */
    down_word = 0;
    yields = 0;
    stop_after_yields = 0;
    assert_int_equal(ump_chan_send_retry(&a, w, 1, 3), LIB_ERR_UMP_FULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_alive_peer_is_not_gone, setup),
        cmocka_unit_test_setup(test_no_word_never_gone, setup),
        cmocka_unit_test_setup(test_last_lines_read_before_gone, setup),
        cmocka_unit_test_setup(test_poll_reports_gone_and_no_sleep, setup),
        cmocka_unit_test_setup(test_full_ring_sender_stops_retrying, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
