/*
 * tests/host/test_rpc_wire.c -- the RPC wire format (libsys/rpc_wire.c):
 * messages of many lengths and contents go through the encoder and the
 * reassembler and must come out byte for byte; broken streams (foreign,
 * repeated, missing, reordered, cut-short fragments, wrong word counts)
 * must be refused, and the reassembler must recover for the next
 * message.  LeakSanitizer checks that dropped messages are freed.
 * The same at every narrower width (UMP's 7 words, docs/multikernel.md):
 * messages whose scalars spill into fragment 1, and a width-10 stream
 * made by the _w functions must be word for word the LMP one.
 *
 * sources: libsys/rpc_wire.c libsys/rpc_wire_w.c
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

/* The width the helpers below encode and decode at (the _w functions
 * unless it is LMP's). */
static uint32_t width = LMP_MSG_WORDS;

static errval_t decode_at(struct rpc_reasm *r, const uint32_t *w, uint32_t n, bool *done)
{
    return width == LMP_MSG_WORDS ? rpc_wire_decode(r, w, n, done)
                                  : rpc_wire_decode_w(r, w, n, width, done);
}

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
    s.n = width == LMP_MSG_WORDS ? rpc_wire_count(m) : rpc_wire_count_w(m, width);
    assert_true(s.n > 0);
    s.words = malloc(s.n * sizeof(*s.words));
    s.len = malloc(s.n * sizeof(*s.len));
    assert_non_null(s.words);
    assert_non_null(s.len);
    for (unsigned i = 0; i < s.n; i++) {
        memset(s.words[i], 0xa5, sizeof(s.words[i]));   /* junk under the words */
        s.len[i] = width == LMP_MSG_WORDS ? rpc_wire_encode(m, i, s.words[i])
                                          : rpc_wire_encode_w(m, i, s.words[i], width);
        assert_true(s.len[i] >= 1 && s.len[i] <= width);
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
        assert_int_equal(decode_at(r, s->words[i], s->len[i], &done), SYS_ERR_OK);
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
    /* The count from first principles: scalars and bytes as one stream. */
    uint32_t body = 4 * nscalar + len, first = 4 * (width - 2), frag = 4 * (width - 1);
    uint32_t want = body <= first ? 1 : 1 + (body - first + frag - 1) / frag;
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
        unsigned word = rnd() % width;
        s.words[at][word] ^= 1u << (rnd() % 32);
        if (rnd() % 4 == 0) {
            s.len[at] = rnd() % (width + 2);
        }
        for (unsigned i = 0; i < s.n; i++) {
            bool done = false;
            errval_t err = decode_at(&r, s.words[i], s.len[i], &done);
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

/* ---- narrower widths (UMP's lines) ------------------------------------------ */

/* Every scalar count and the lengths around each boundary, at width w. */
static void boundaries_at(uint32_t w)
{
    width = w;
    for (uint32_t ns = 0; ns <= RPC_MAX_SCALARS; ns++) {
        uint32_t first = 4 * (w - 2), frag = 4 * (w - 1);
        uint32_t sb = 4 * ns;
        const uint32_t bodies[] = {
            0, 1, 4, first - 1, first, first + 1, first + frag - 1, first + frag,
            first + frag + 1, first + 2 * frag, first + 16 * frag, first + 17 * frag + 3,
            4095, 4096, 4097,
        };
        for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
            roundtrip(bodies[i] > sb ? bodies[i] - sb : 0, ns);
        }
    }
    width = LMP_MSG_WORDS;
}

static void test_narrow_boundaries(void **state)
{
    for (uint32_t w = RPC_WIRE_MIN_WORDS; w <= RPC_WIRE_MAX_WORDS; w++) {
        boundaries_at(w);
    }
}

static void test_narrow_random(void **state)
{
    rng = 0x7777;
    for (int i = 0; i < 3000; i++) {
        width = RPC_WIRE_MIN_WORDS + rnd() % (RPC_WIRE_MAX_WORDS - RPC_WIRE_MIN_WORDS + 1);
        roundtrip(rnd() % 600, rnd() % (RPC_MAX_SCALARS + 1));
    }
    width = LMP_MSG_WORDS;
}

/* UMP's width: 8 scalars (a response's error and 7) do not fit a first
 * message of 7 words; 3 of them go in fragment 1, before any byte. */
static void test_ump_spill_layout(void **state)
{
    uint8_t bytes[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    struct rpc_msg m = { .method = 4, .kind = RPC_KIND_RESPONSE, .seq = 9, .nscalar = 8,
                         .scalar = { 10, 11, 12, 13, 14, 15, 16, 17 }, .bytes = bytes,
                         .len = 10 };
    uint32_t w[RPC_WIRE_MAX_WORDS];
    assert_int_equal(rpc_wire_count_w(&m, 7), 2);
    assert_int_equal(rpc_wire_encode_w(&m, 0, w, 7), 7);
    assert_int_equal(RPC_HDR_NSCALAR(w[0]), 8);
    assert_false(RPC_HDR_LAST(w[0]));
    assert_int_equal(w[1], 10);
    assert_int_equal(w[6], 14);
    assert_int_equal(rpc_wire_encode_w(&m, 1, w, 7), 1 + 3 + 3);
    assert_true(RPC_HDR_LAST(w[0]));
    assert_int_equal(w[1], 15);
    assert_int_equal(w[3], 17);
    assert_int_equal(w[4], 0x04030201u);
    assert_int_equal(w[6], 0x00000a09u);
    /* Scalars only: still two messages, the second without bytes. */
    m.len = 0;
    assert_int_equal(rpc_wire_count_w(&m, 7), 2);
    assert_int_equal(rpc_wire_encode_w(&m, 1, w, 7), 4);
    /* A frame-carried message must keep its scalars in its one message. */
    m.large = true;
    m.len = 100000;
    assert_int_equal(rpc_wire_check_w(&m, 7), LIB_ERR_RPC_TOO_LARGE);
    assert_int_equal(rpc_wire_check_w(&m, LMP_MSG_WORDS), SYS_ERR_OK);
}

/* A fragment of a spilled message that leaves out a scalar is refused. */
static void test_ump_spill_refused(void **state)
{
    struct rpc_msg m = { .kind = RPC_KIND_REQUEST, .nscalar = 7,
                         .scalar = { 1, 2, 3, 4, 5, 6, 7 } };
    uint32_t w0[RPC_WIRE_MAX_WORDS], w1[RPC_WIRE_MAX_WORDS];
    struct rpc_reasm r;
    bool done;
    rpc_reasm_init(&r, malloc, free);
    uint32_t n0 = rpc_wire_encode_w(&m, 0, w0, 7), n1 = rpc_wire_encode_w(&m, 1, w1, 7);
    assert_int_equal(n1, 3);
    assert_int_equal(rpc_wire_decode_w(&r, w0, n0, 7, &done), SYS_ERR_OK);
    assert_false(done);
    assert_int_equal(rpc_wire_decode_w(&r, w1, n1 - 1, 7, &done), LIB_ERR_RPC_BAD_MESSAGE);
    assert_false(r.active);
    /* An 8-word message at width 7 is refused outright. */
    assert_int_equal(rpc_wire_decode_w(&r, w0, 8, 7, &done), LIB_ERR_RPC_BAD_MESSAGE);
    /* And the whole message still goes through. */
    assert_int_equal(rpc_wire_decode_w(&r, w0, n0, 7, &done), SYS_ERR_OK);
    assert_int_equal(rpc_wire_decode_w(&r, w1, n1, 7, &done), SYS_ERR_OK);
    assert_true(done);
    assert_memory_equal(r.msg.scalar, m.scalar, sizeof(uint32_t) * 7);
}

/* At width 10 the _w functions make exactly the LMP words. */
static void test_width_ten_is_lmp(void **state)
{
    rng = 99;
    for (int i = 0; i < 500; i++) {
        uint8_t bytes[300];
        struct rpc_msg m = make_msg(rnd() % 300, rnd() % (RPC_MAX_SCALARS + 1), bytes);
        unsigned n = rpc_wire_count(&m);
        assert_int_equal(rpc_wire_count_w(&m, LMP_MSG_WORDS), n);
        for (unsigned k = 0; k < n; k++) {
            uint32_t a[RPC_WIRE_MAX_WORDS] = { 0 }, b[RPC_WIRE_MAX_WORDS] = { 0 };
            uint32_t na = rpc_wire_encode(&m, k, a);
            assert_int_equal(rpc_wire_encode_w(&m, k, b, LMP_MSG_WORDS), na);
            assert_memory_equal(a, b, na * sizeof(uint32_t));
        }
    }
}

static void test_narrow_fuzz(void **state)
{
    width = 7;
    test_fuzz(state);
    width = LMP_MSG_WORDS;
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
        cmocka_unit_test(test_narrow_boundaries),
        cmocka_unit_test(test_narrow_random),
        cmocka_unit_test(test_ump_spill_layout),
        cmocka_unit_test(test_ump_spill_refused),
        cmocka_unit_test(test_width_ten_is_lmp),
        cmocka_unit_test(test_narrow_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
