/*
 * tests/host/test_ump_ring.c -- the rings of a UMP channel
 * (libsys/ump_ring.c; docs/multikernel.md, "UMP"): both sides of a channel
 * in one process over one frame.  A 10,000-message ping-pong with
 * sequence numbers (none lost, duplicated or reordered), a sender faster
 * than its reader (never overwrites an unread line, resumes once acks
 * come), both sides full at once (no deadlock), random interleavings,
 * and bad input (frames, lengths, a peer's corrupt control word).
 *
 * sources: libsys/ump_ring.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sys/ump_ring.h>

#define FRAME_BYTES 4096
static struct ump_line frame[FRAME_BYTES / UMP_LINE_BYTES];
static struct ump_ring a, b;

static void setup_pair(void)
{
    memset(frame, 0, sizeof(frame));
    assert_int_equal(ump_ring_init(&a, frame, sizeof(frame), true), SYS_ERR_OK);
    assert_int_equal(ump_ring_init(&b, frame, sizeof(frame), false), SYS_ERR_OK);
}

static errval_t send1(struct ump_ring *r, uint32_t v)
{
    uint32_t w[UMP_PAYLOAD_WORDS];
    for (unsigned i = 0; i < UMP_PAYLOAD_WORDS; i++) {
        w[i] = v * 7 + i;
    }
    return ump_ring_send(r, w, UMP_PAYLOAD_WORDS);
}

/* Receive one message and check it is number want, whole. */
static void expect1(struct ump_ring *r, uint32_t want)
{
    uint32_t w[UMP_PAYLOAD_WORDS];
    unsigned len = 99;
    assert_int_equal(ump_ring_recv(r, w, &len), SYS_ERR_OK);
    assert_int_equal(len, UMP_PAYLOAD_WORDS);
    for (unsigned i = 0; i < UMP_PAYLOAD_WORDS; i++) {
        assert_int_equal(w[i], want * 7 + i);
    }
}

static void test_bad_frames(void **state)
{
    struct ump_ring r;
    (void)state;
    assert_int_equal(ump_ring_init(&r, NULL, 4096, true), LIB_ERR_UMP_BAD_FRAME);
    assert_int_equal(ump_ring_init(&r, (char *)frame + 4, 4096 - 32, true), LIB_ERR_UMP_BAD_FRAME);
    assert_int_equal(ump_ring_init(&r, frame, 3 * 2 * UMP_LINE_BYTES, true), LIB_ERR_UMP_BAD_FRAME);
    assert_int_equal(ump_ring_init(&r, frame, 6 * 2 * UMP_LINE_BYTES, true), LIB_ERR_UMP_BAD_FRAME);
    assert_int_equal(ump_ring_init(&r, frame, 4 * 2 * UMP_LINE_BYTES, true), SYS_ERR_OK);
}

static void test_bad_lengths_and_empty(void **state)
{
    uint32_t w[UMP_PAYLOAD_WORDS + 1] = { 0 };
    unsigned len;
    (void)state;
    setup_pair();
    assert_int_equal(ump_ring_send(&a, w, UMP_PAYLOAD_WORDS + 1), LIB_ERR_UMP_BAD_LENGTH);
    assert_int_equal(ump_ring_recv(&b, w, &len), LIB_ERR_UMP_EMPTY);
    assert_false(ump_ring_can_recv(&b));
    assert_int_equal(ump_ring_send(&a, w, 0), SYS_ERR_OK);     /* empty is a message */
    assert_true(ump_ring_can_recv(&b));
    assert_int_equal(ump_ring_recv(&b, w, &len), SYS_ERR_OK);
    assert_int_equal(len, 0);
}

/* 10,000 requests and replies, each checked by its sequence number. */
static void test_ping_pong_10000(void **state)
{
    (void)state;
    setup_pair();
    for (uint32_t i = 0; i < 10000; i++) {
        assert_int_equal(send1(&a, i), SYS_ERR_OK);
        expect1(&b, i);
        assert_false(ump_ring_can_recv(&b));
        assert_int_equal(send1(&b, i + 1000000), SYS_ERR_OK);
        expect1(&a, i + 1000000);
    }
    assert_false(ump_ring_can_recv(&a));
}

/* A sender faster than its reader: stops at a full ring, never
 * overwrites, and goes on once the reader has acknowledged. */
static void test_ring_filled_faster_than_read(void **state)
{
    (void)state;
    setup_pair();
    uint32_t sent = 0, got = 0;
    while (send1(&a, sent) == SYS_ERR_OK) {
        sent++;
    }
    assert_int_equal(send1(&a, sent), LIB_ERR_UMP_FULL);
    assert_int_equal(sent, a.lines - 1);            /* one kept for an ack */
    for (int round = 0; round < 50; round++) {
        /* read half a ring: the reader then acknowledges */
        for (uint32_t i = 0; i < a.lines / 2; i++) {
            expect1(&b, got++);
        }
        while (send1(&a, sent) == SYS_ERR_OK) {
            sent++;
        }
        assert_true(sent - got <= a.lines - 1);
    }
    while (got < sent) {
        expect1(&b, got++);
    }
    assert_false(ump_ring_can_recv(&b));
}

/* Both sides fill their rings before either reads: nothing deadlocks,
 * and both streams arrive whole. */
static void test_both_full(void **state)
{
    (void)state;
    setup_pair();
    uint32_t sa = 0, sb = 0, ga = 0, gb = 0;
    while (send1(&a, sa) == SYS_ERR_OK) sa++;
    while (send1(&b, 500000 + sb) == SYS_ERR_OK) sb++;
    for (int round = 0; round < 100; round++) {
        while (ump_ring_can_recv(&b)) expect1(&b, ga++);
        while (ump_ring_can_recv(&a)) expect1(&a, 500000 + gb++);
        while (send1(&a, sa) == SYS_ERR_OK) sa++;
        while (send1(&b, 500000 + sb) == SYS_ERR_OK) sb++;
    }
    assert_true(sa > 100 * (a.lines / 4));     /* A learns of room a round late */
    assert_true(sb > 100 * (a.lines / 4));
}

/* Random bursts on both sides: every message arrives once, in order. */
static void test_random_interleaving(void **state)
{
    uint64_t rng = 88172645463325252ull;
    uint32_t sent[2] = { 0, 0 }, got[2] = { 0, 0 };
    struct ump_ring *side[2] = { &a, &b };
    (void)state;
    setup_pair();
    for (int step = 0; step < 200000; step++) {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
        unsigned who = rng & 1, op = (rng >> 1) & 3;
        if (op == 0) {
            if (ump_ring_can_recv(side[!who])) {
                expect1(side[!who], who * 1000000 + got[who]++);
            }
        } else if (send1(side[who], who * 1000000 + sent[who]) == SYS_ERR_OK) {
            sent[who]++;
        }
    }
    assert_true(got[0] > 1000 && got[1] > 1000);
}

/* A peer that writes a length beyond a line is clamped, not followed. */
static void test_corrupt_length(void **state)
{
    uint32_t w[UMP_PAYLOAD_WORDS];
    unsigned len;
    (void)state;
    setup_pair();
    assert_int_equal(send1(&a, 1), SYS_ERR_OK);
    frame[0].ctrl |= (UMP_CTRL_LEN_MASK << UMP_CTRL_LEN_SHIFT);
    assert_int_equal(ump_ring_recv(&b, w, &len), SYS_ERR_OK);
    assert_int_equal(len, UMP_PAYLOAD_WORDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_frames),
        cmocka_unit_test(test_bad_lengths_and_empty),
        cmocka_unit_test(test_ping_pong_10000),
        cmocka_unit_test(test_ring_filled_faster_than_read),
        cmocka_unit_test(test_both_full),
        cmocka_unit_test(test_random_interleaving),
        cmocka_unit_test(test_corrupt_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
