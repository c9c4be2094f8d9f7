/*
 * tests/host/test_rpc_wire.c -- the RPC wire format (libsys/rpc_wire.c):
 * messages of many lengths and contents go through the encoder and the
 * reassembler and must come out byte for byte; broken streams (foreign,
 * repeated, missing, reordered, cut-short fragments, wrong word counts)
 * must be refused, and the reassembler must recover for the next
 * message.  LeakSanitizer checks that dropped messages are freed.
 *
 * sources: libsys/rpc_wire.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/rpc_wire.h>

/* A whole RPC message as its LMP messages. */
struct stream {
    unsigned n;
    uint32_t (*words)[LMP_MSG_WORDS];
    uint32_t *len;
};

static uint64_t rng = 1;
static uint32_t rnd(void)                /* xorshift64* */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

static struct rpc_msg make_msg(uint32_t len, uint32_t nscalar, uint8_t *bytes)
{
    struct rpc_msg m = {
        .method = (uint8_t)rnd(), .kind = rnd() % 2 ? RPC_KIND_RESPONSE : RPC_KIND_REQUEST,
        .seq = (uint16_t)rnd(), .nscalar = nscalar, .bytes = bytes, .len = len,
    };
    for (uint32_t i = 0; i < nscalar; i++) {
        m.scalar[i] = rnd();
    }
    for (uint32_t i = 0; i < len; i++) {
        bytes[i] = (uint8_t)rnd();
    }
    return m;
}

static struct stream encode(const struct rpc_msg *m)
{
    struct stream s;
    s.n = rpc_wire_count(m);
    assert_true(s.n > 0);
    s.words = malloc(s.n * sizeof(*s.words));
    s.len = malloc(s.n * sizeof(*s.len));
    assert_non_null(s.words);
    assert_non_null(s.len);
    for (unsigned i = 0; i < s.n; i++) {
        memset(s.words[i], 0xa5, sizeof(s.words[i]));   /* junk under the words */
        s.len[i] = rpc_wire_encode(m, i, s.words[i]);
        assert_true(s.len[i] >= 1 && s.len[i] <= LMP_MSG_WORDS);
        /* LAST on exactly the final message. */
        assert_int_equal(RPC_HDR_LAST(s.words[i][0]), i + 1 == s.n);
    }
    return s;
}

static void stream_free(struct stream *s)
{
    free(s->words);
    free(s->len);
}

static void assert_same(const struct rpc_msg *a, const struct rpc_msg *b)
{
    assert_int_equal(a->method, b->method);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->large, b->large);
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->nscalar, b->nscalar);
    assert_memory_equal(a->scalar, b->scalar, a->nscalar * sizeof(uint32_t));
    assert_int_equal(a->len, b->len);
    if (!a->large && a->len > 0) {
        assert_memory_equal(a->bytes, b->bytes, a->len);
    }
}

/* Feed s[from, to); expect success, done only after the last. */
static void feed_ok(struct rpc_reasm *r, const struct stream *s, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++) {
        bool done = true;
        assert_int_equal(rpc_wire_decode(r, s->words[i], s->len[i], &done), SYS_ERR_OK);
        assert_int_equal(done, i + 1 == s->n);
    }
}

/* Encode, decode with malloc and into an exact buffer, compare. */
static void roundtrip(uint32_t len, uint32_t nscalar)
{
    uint8_t *bytes = malloc(len ? len : 1);
    assert_non_null(bytes);
    struct rpc_msg m = make_msg(len, nscalar, bytes);
    struct stream s = encode(&m);
    uint32_t first = 4 * (LMP_MSG_WORDS - 2 - nscalar);
    uint32_t want = len <= first ? 1 : 1 + (len - first + RPC_FRAG_BYTES - 1) / RPC_FRAG_BYTES;
    assert_int_equal(s.n, want);

    struct rpc_reasm r;
    rpc_reasm_init(&r, malloc, free);
    feed_ok(&r, &s, 0, s.n);
    assert_same(&m, &r.msg);
    if (len == 0) {
        assert_null(r.msg.bytes);                       /* nothing allocated */
    } else {
        assert_int_equal(r.msg.bytes[len], 0);          /* NUL-terminated */
    }
    free(r.msg.bytes);

    uint8_t *buf = malloc(len ? len : 1);               /* exact: ASan */
    assert_non_null(buf);
    rpc_reasm_init_buf(&r, buf, len);
    feed_ok(&r, &s, 0, s.n);
    assert_ptr_equal(r.msg.bytes, buf);
    assert_same(&m, &r.msg);
    free(buf);
    stream_free(&s);
    free(bytes);
}

/* ---- round trips -------------------------------------------------------------- */

static void test_lengths_at_boundaries(void **state)
{
    for (uint32_t ns = 0; ns <= RPC_MAX_SCALARS; ns++) {
        uint32_t first = 4 * (LMP_MSG_WORDS - 2 - ns);
        const uint32_t lens[] = {
            0, 1, 2, 3, 4, 5, first ? first - 1 : 0, first, first + 1,
            first + RPC_FRAG_BYTES - 1, first + RPC_FRAG_BYTES, first + RPC_FRAG_BYTES + 1,
            first + 16 * RPC_FRAG_BYTES,                /* the index wraps */
            first + 17 * RPC_FRAG_BYTES + 3, 4095, 4096, 4097,
        };
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            roundtrip(lens[i], ns);
        }
    }
}

static void test_random_lengths(void **state)
{
    rng = 0x1234567;
    for (int i = 0; i < 300; i++) {
        roundtrip(rnd() % (64 * 1024 + 1), rnd() % (RPC_MAX_SCALARS + 1));
    }
    for (int i = 0; i < 2000; i++) {
        roundtrip(rnd() % 400, rnd() % (RPC_MAX_SCALARS + 1));
    }
}

static void test_max_length(void **state)
{
    roundtrip(RPC_MAX_BYTES, 0);
}

/* The encoder pads the last word with zeroes, not stale memory. */
static void test_padding_is_zero(void **state)
{
    uint8_t bytes[5] = { 1, 2, 3, 4, 5 };
    struct rpc_msg m = { .kind = RPC_KIND_REQUEST, .bytes = bytes, .len = 5 };
    uint32_t w[LMP_MSG_WORDS];
    memset(w, 0xff, sizeof(w));
    assert_int_equal(rpc_wire_encode(&m, 0, w), 4);
    assert_int_equal(w[1], 5);
    assert_int_equal(w[2], 0x04030201u);
    assert_int_equal(w[3], 0x00000005u);
}

static void test_header_layout(void **state)
{
    uint8_t bytes[96] = { 0 };         /* 24 + 36 + 36: three messages */
    struct rpc_msg m = { .method = 0x5a, .kind = RPC_KIND_RESPONSE, .seq = 0xbeef,
                         .nscalar = 2, .bytes = bytes, .len = 96 };
    uint32_t w[LMP_MSG_WORDS];
    assert_int_equal(rpc_wire_encode(&m, 0, w), LMP_MSG_WORDS);
    assert_int_equal(w[0], 0xbeef0000u | 2u << 12 | RPC_KIND_RESPONSE << 8 | 0x5a);
    rpc_wire_encode(&m, 1, w);
    assert_int_equal(w[0], 0xbeef0000u | 1u << 12 | RPC_KIND_FRAG << 8 | 0x5a);
    rpc_wire_encode(&m, 2, w);
    assert_int_equal(w[0], 0xbeef0000u | 2u << 12 | RPC_HDR_LAST_BIT |
                           RPC_KIND_FRAG << 8 | 0x5a);
}

static void test_large(void **state)
{
    struct rpc_msg m = { .method = 7, .kind = RPC_KIND_REQUEST, .seq = 3, .large = true,
                         .nscalar = 1, .scalar = { 99 }, .len = 1000000 };
    assert_int_equal(rpc_wire_count(&m), 1);
    uint32_t w[LMP_MSG_WORDS];
    assert_int_equal(rpc_wire_encode(&m, 0, w), 3);
    assert_true(RPC_HDR_LARGE(w[0]) && RPC_HDR_LAST(w[0]));
    struct rpc_reasm r;
    bool done;
    rpc_reasm_init(&r, malloc, free);
    assert_int_equal(rpc_wire_decode(&r, w, 3, &done), SYS_ERR_OK);
    assert_true(done);
    assert_true(r.msg.large);
    assert_null(r.msg.bytes);
    assert_int_equal(r.msg.len, 1000000);
    assert_int_equal(r.msg.scalar[0], 99);
    /* A large first message with inline words is malformed. */
    w[3] = 0;
    assert_int_equal(rpc_wire_decode(&r, w, 4, &done), LIB_ERR_RPC_BAD_MESSAGE);
    /* ... as is one without LAST. */
    w[0] &= ~RPC_HDR_LAST_BIT;
    assert_int_equal(rpc_wire_decode(&r, w, 3, &done), LIB_ERR_RPC_BAD_MESSAGE);
}

static void test_check_refuses(void **state)
{
    uint8_t b[4];
    struct rpc_msg m = { .kind = RPC_KIND_REQUEST, .nscalar = RPC_MAX_SCALARS + 1 };
    assert_int_equal(rpc_wire_check(&m), LIB_ERR_RPC_TOO_LARGE);
    assert_int_equal(rpc_wire_count(&m), 0);
    m.nscalar = 0;
    m.len = RPC_MAX_BYTES + 1;
    m.bytes = b;
    assert_int_equal(rpc_wire_check(&m), LIB_ERR_RPC_TOO_LARGE);
    m.len = 4;
    m.kind = RPC_KIND_FRAG;
    assert_int_equal(rpc_wire_check(&m), LIB_ERR_RPC_BAD_MESSAGE);
    m.kind = RPC_KIND_REQUEST;
    m.bytes = NULL;
    assert_int_equal(rpc_wire_check(&m), LIB_ERR_RPC_BAD_MESSAGE);
    m.bytes = b;
    assert_int_equal(rpc_wire_check(&m), SYS_ERR_OK);
}

/* ---- broken streams ----------------------------------------------------------- */

/* A fixed three-fragment message and a fresh reassembler. */
struct fixture {
    uint8_t bytes[101];
    struct rpc_msg m;
    struct stream s;
    struct rpc_reasm r;
};

static struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->m = make_msg(sizeof(f->bytes), 1, f->bytes);
    f->s = encode(&f->m);
    assert_int_equal(f->s.n, 4);        /* 28 + 36 + 36 + 1 = 101 */
    rpc_reasm_init(&f->r, malloc, free);
    return f;
}

/* After an error the reassembler is idle and takes the next message. */
static void assert_recovers(struct fixture *f)
{
    assert_false(f->r.active);
    feed_ok(&f->r, &f->s, 0, f->s.n);
    assert_same(&f->m, &f->r.msg);
    free(f->r.msg.bytes);
    stream_free(&f->s);
    free(f);
}

static errval_t feed(struct fixture *f, const uint32_t *w, uint32_t n)
{
    bool done = true;
    errval_t err = rpc_wire_decode(&f->r, w, n, &done);
    assert_false(done && err != SYS_ERR_OK);
    return err;
}

static void test_fragment_without_first(void **state)
{
    struct fixture *f = fixture_new();
    assert_int_equal(feed(f, f->s.words[1], f->s.len[1]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

static void test_foreign_fragments(void **state)
{
    struct fixture *f = fixture_new();
    uint32_t w[LMP_MSG_WORDS];
    feed_ok(&f->r, &f->s, 0, 2);
    memcpy(w, f->s.words[2], sizeof(w));
    w[0] ^= 1u << 16;                                   /* another seq */
    assert_int_equal(feed(f, w, f->s.len[2]), LIB_ERR_RPC_BAD_MESSAGE);
    /* The message is gone: its own next fragment is now foreign too. */
    assert_int_equal(feed(f, f->s.words[2], f->s.len[2]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_false(f->r.active);

    feed_ok(&f->r, &f->s, 0, 2);
    memcpy(w, f->s.words[2], sizeof(w));
    w[0] ^= 1;                                          /* another method */
    assert_int_equal(feed(f, w, f->s.len[2]), LIB_ERR_RPC_BAD_MESSAGE);

    feed_ok(&f->r, &f->s, 0, 2);
    memcpy(w, f->s.words[2], sizeof(w));
    w[0] |= RPC_HDR_LARGE_BIT;                          /* LARGE on a fragment */
    assert_int_equal(feed(f, w, f->s.len[2]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

static void test_missing_fragment(void **state)
{
    struct fixture *f = fixture_new();
    feed_ok(&f->r, &f->s, 0, 2);
    assert_int_equal(feed(f, f->s.words[3], f->s.len[3]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

static void test_repeated_fragment(void **state)
{
    struct fixture *f = fixture_new();
    feed_ok(&f->r, &f->s, 0, 2);
    assert_int_equal(feed(f, f->s.words[1], f->s.len[1]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

static void test_swapped_fragments(void **state)
{
    struct fixture *f = fixture_new();
    feed_ok(&f->r, &f->s, 0, 1);
    assert_int_equal(feed(f, f->s.words[2], f->s.len[2]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

/* A first message while one is in progress: the old one was cut short.
 * The new one is not consumed; fed again, it goes through. */
static void test_cut_short(void **state)
{
    struct fixture *f = fixture_new();
    feed_ok(&f->r, &f->s, 0, 3);
    assert_int_equal(feed(f, f->s.words[0], f->s.len[0]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

/* Every message must carry exactly the words its bytes need. */
static void test_word_counts(void **state)
{
    struct fixture *f = fixture_new();
    feed_ok(&f->r, &f->s, 0, 2);
    assert_int_equal(feed(f, f->s.words[2], f->s.len[2] - 1), LIB_ERR_RPC_BAD_MESSAGE);
    feed_ok(&f->r, &f->s, 0, 3);
    assert_int_equal(feed(f, f->s.words[3], f->s.len[3] + 1), LIB_ERR_RPC_BAD_MESSAGE);
    assert_int_equal(feed(f, f->s.words[0], f->s.len[0] - 1), LIB_ERR_RPC_BAD_MESSAGE);
    assert_int_equal(feed(f, f->s.words[0], 0), LIB_ERR_RPC_BAD_MESSAGE);
    assert_int_equal(feed(f, f->s.words[0], LMP_MSG_WORDS + 1), LIB_ERR_RPC_BAD_MESSAGE);
    assert_int_equal(feed(f, f->s.words[0], 1), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

static void test_last_flag(void **state)
{
    struct fixture *f = fixture_new();
    uint32_t w[LMP_MSG_WORDS];
    feed_ok(&f->r, &f->s, 0, 3);
    memcpy(w, f->s.words[3], sizeof(w));
    w[0] &= ~RPC_HDR_LAST_BIT;                          /* missing on the last */
    assert_int_equal(feed(f, w, f->s.len[3]), LIB_ERR_RPC_BAD_MESSAGE);
    feed_ok(&f->r, &f->s, 0, 2);
    memcpy(w, f->s.words[2], sizeof(w));
    w[0] |= RPC_HDR_LAST_BIT;                           /* set too early */
    assert_int_equal(feed(f, w, f->s.len[2]), LIB_ERR_RPC_BAD_MESSAGE);
    memcpy(w, f->s.words[0], sizeof(w));
    w[0] |= RPC_HDR_LAST_BIT;                           /* on a first message */
    assert_int_equal(feed(f, w, f->s.len[0]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

static void test_bad_first_header(void **state)
{
    struct fixture *f = fixture_new();
    uint32_t w[LMP_MSG_WORDS];
    memcpy(w, f->s.words[0], sizeof(w));
    w[0] |= 0xfu << 12;                                 /* 15 scalars */
    assert_int_equal(feed(f, w, f->s.len[0]), LIB_ERR_RPC_BAD_MESSAGE);
    memcpy(w, f->s.words[0], sizeof(w));
    w[1] = 10;                                          /* fewer bytes than sent */
    assert_int_equal(feed(f, w, f->s.len[0]), LIB_ERR_RPC_BAD_MESSAGE);
    assert_recovers(f);
}

/* init's notice that the peer died: in any state, the wait ends with
 * LIB_ERR_RPC_PEER_DEAD, a message in progress is dropped (LeakSanitizer
 * checks its bytes are freed), and the reassembler takes the next one. */
static void test_peer_dead_notice(void **state)
{
    uint32_t w[LMP_MSG_WORDS];
    assert_int_equal(rpc_wire_encode_peer_dead(1234, w), 2);
    assert_int_equal(RPC_HDR_KIND(w[0]), RPC_KIND_PEER_DEAD);
    assert_true(RPC_HDR_LAST(w[0]));
    assert_int_equal(w[1], 1234);
    for (unsigned before = 0; before < 4; before++) {
        struct fixture *f = fixture_new();
        feed_ok(&f->r, &f->s, 0, before);           /* 0..3 of its 4 messages */
        assert_int_equal(feed(f, w, 2), LIB_ERR_RPC_PEER_DEAD);
        assert_false(f->r.active);
        assert_recovers(f);
    }
}

static void test_too_large(void **state)
{
    struct fixture *f = fixture_new();
    uint32_t w[LMP_MSG_WORDS];
    memcpy(w, f->s.words[0], sizeof(w));
    w[1] = RPC_MAX_BYTES + 1;
    assert_int_equal(feed(f, w, f->s.len[0]), LIB_ERR_RPC_TOO_LARGE);
    w[1] = UINT32_MAX;
    assert_int_equal(feed(f, w, f->s.len[0]), LIB_ERR_RPC_TOO_LARGE);
    /* Longer than the caller's buffer. */
    uint8_t small[99];
    rpc_reasm_init_buf(&f->r, small, sizeof(small));
    assert_int_equal(feed(f, f->s.words[0], f->s.len[0]), LIB_ERR_RPC_TOO_LARGE);
    assert_int_equal(feed(f, f->s.words[1], f->s.len[1]), LIB_ERR_RPC_BAD_MESSAGE);
    rpc_reasm_init(&f->r, malloc, free);
    assert_recovers(f);
}

/* Counts what the reassembler allocates: a refused message takes nothing. */
static unsigned allocations;
static void *counting_malloc(size_t n)
{
    allocations++;
    return malloc(n);
}

/* rpc_reasm_limit: a claimed length over a limit is refused before any
 * storage is taken, the refused message's header stays readable (so a
 * server can answer it), its fragments are refused, and the reassembler
 * then takes a message within the limits. */
static void test_limits(void **state)
{
    struct fixture *f = fixture_new();
    rpc_reasm_init(&f->r, counting_malloc, free);
    allocations = 0;
    rpc_reasm_limit(&f->r, 100, RPC_MAX_BYTES);         /* the message has 101 */
    assert_int_equal(feed(f, f->s.words[0], f->s.len[0]), LIB_ERR_RPC_TOO_LARGE);
    assert_int_equal(allocations, 0);
    assert_int_equal(f->r.msg.method, f->m.method);
    assert_int_equal(f->r.msg.seq, f->m.seq);
    assert_int_equal(f->r.msg.kind, f->m.kind);
    for (unsigned i = 1; i < f->s.n; i++) {
        assert_int_equal(feed(f, f->s.words[i], f->s.len[i]), LIB_ERR_RPC_BAD_MESSAGE);
    }
    /* The claim of the adversary in docs/reliability.md: 4 MiB inline. */
    uint32_t w[LMP_MSG_WORDS];
    memcpy(w, f->s.words[0], sizeof(w));
    w[1] = RPC_MAX_BYTES;
    assert_int_equal(feed(f, w, f->s.len[0]), LIB_ERR_RPC_TOO_LARGE);
    assert_int_equal(allocations, 0);
    /* max_bytes bounds inline messages too. */
    rpc_reasm_limit(&f->r, RPC_MAX_BYTES, 100);
    assert_int_equal(feed(f, f->s.words[0], f->s.len[0]), LIB_ERR_RPC_TOO_LARGE);
    /* A frame's length: only max_bytes counts. */
    struct rpc_msg big = { .method = 5, .kind = RPC_KIND_REQUEST, .large = true,
                           .seq = 9, .len = 200 };
    assert_int_equal(rpc_wire_encode(&big, 0, w), RPC_FIRST_WORDS);
    rpc_reasm_limit(&f->r, 100, 200);
    bool done = false;
    assert_int_equal(rpc_wire_decode(&f->r, w, RPC_FIRST_WORDS, &done), SYS_ERR_OK);
    assert_true(done);
    rpc_reasm_limit(&f->r, 100, 199);
    assert_int_equal(feed(f, w, RPC_FIRST_WORDS), LIB_ERR_RPC_TOO_LARGE);
    /* Exactly at the limit is fine. */
    rpc_reasm_limit(&f->r, 101, 101);
    assert_recovers(f);
}

static void *no_memory(size_t n) { return NULL; }

static void test_alloc_fails(void **state)
{
    struct fixture *f = fixture_new();
    rpc_reasm_init(&f->r, no_memory, free);
    assert_int_equal(feed(f, f->s.words[0], f->s.len[0]), LIB_ERR_MALLOC_FAIL);
    assert_int_equal(feed(f, f->s.words[1], f->s.len[1]), LIB_ERR_RPC_BAD_MESSAGE);
    rpc_reasm_init(&f->r, malloc, free);
    assert_recovers(f);
}

/* Random words, random streams with a random word changed: never a
 * crash, never an out-of-bounds write (ASan), never a leak (LSan), and
 * a message reported complete always has the length its header said. */
static void test_fuzz(void **state)
{
    rng = 77;
    uint8_t *buf = malloc(600);
    assert_non_null(buf);
    for (int round = 0; round < 20000; round++) {
        struct rpc_reasm r;
        if (round % 2) {
            rpc_reasm_init(&r, malloc, free);
        } else {
            rpc_reasm_init_buf(&r, buf, 600);
        }
        uint8_t bytes[600];
        struct rpc_msg m = make_msg(rnd() % 600, rnd() % (RPC_MAX_SCALARS + 1), bytes);
        struct stream s = encode(&m);
        unsigned at = rnd() % s.n;
        unsigned word = rnd() % LMP_MSG_WORDS;
        s.words[at][word] ^= 1u << (rnd() % 32);
        if (rnd() % 4 == 0) {
            s.len[at] = rnd() % (LMP_MSG_WORDS + 2);
        }
        for (unsigned i = 0; i < s.n; i++) {
            bool done = false;
            errval_t err = rpc_wire_decode(&r, s.words[i], s.len[i], &done);
            if (err == SYS_ERR_OK && done) {
                if (r.msg.large) {
                    assert_null(r.msg.bytes);
                } else if (round % 2) {
                    free(r.msg.bytes);
                }
            }
        }
        if (r.active && round % 2) {
            free(r.msg.bytes);                          /* left mid-message */
        }
        stream_free(&s);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_at_boundaries),
        cmocka_unit_test(test_random_lengths),
        cmocka_unit_test(test_max_length),
        cmocka_unit_test(test_padding_is_zero),
        cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_check_refuses),
        cmocka_unit_test(test_fragment_without_first),
        cmocka_unit_test(test_foreign_fragments),
        cmocka_unit_test(test_missing_fragment),
        cmocka_unit_test(test_repeated_fragment),
        cmocka_unit_test(test_swapped_fragments),
        cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_word_counts),
        cmocka_unit_test(test_last_flag),
        cmocka_unit_test(test_bad_first_header),
        cmocka_unit_test(test_peer_dead_notice),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_alloc_fails),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
