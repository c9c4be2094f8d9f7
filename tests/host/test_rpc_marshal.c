/*
 * tests/host/test_rpc_marshal.c -- typed parameters in and out of an RPC
 * payload (libsys/rpc_marshal.c), and the whole way a generated stub's
 * request travels: strings and buffers of random lengths and contents are
 * marshalled into a payload, the payload is cut into LMP messages
 * (libsys/rpc_wire.c), reassembled, and unmarshalled -- and must come out
 * byte for byte.  Malformed payloads (lengths past the end, a missing NUL,
 * too many items) must be refused with LIB_ERR_RPC_BAD_MESSAGE.
 *
 * sources: libsys/rpc_marshal.c libsys/rpc_wire.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/rpc_marshal.h>

static uint64_t rng = 7;
static uint32_t rnd(void)                /* xorshift64* */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

#define MAX_ITEMS 4

struct items {
    unsigned n;
    size_t len[MAX_ITEMS];
    uint8_t *data[MAX_ITEMS];
};

/* n items of random lengths (up to max) and contents; strings have no NUL
 * inside, buffers may. */
static struct items make_items(unsigned n, size_t max, bool strings)
{
    struct items it = { .n = n };
    for (unsigned i = 0; i < n; i++) {
        it.len[i] = max ? rnd() % (max + 1) : 0;
        it.data[i] = malloc(it.len[i] + 1);
        assert_non_null(it.data[i]);
        for (size_t j = 0; j < it.len[i]; j++) {
            it.data[i][j] = strings ? (uint8_t)(1 + rnd() % 255) : (uint8_t)rnd();
        }
        it.data[i][it.len[i]] = 0;
    }
    return it;
}

static void free_items(struct items *it)
{
    for (unsigned i = 0; i < it->n; i++) {
        free(it->data[i]);
    }
}

/* What the RPC layer does with a payload: to the wire and back. */
static struct rpc_payload through_the_wire(const struct rpc_payload *p)
{
    struct rpc_msg m = { .method = 7, .kind = RPC_KIND_REQUEST, .seq = (uint16_t)rnd(),
                         .nscalar = p->nscalar, .bytes = p->bytes, .len = p->len };
    memcpy(m.scalar, p->scalar, sizeof(m.scalar));
    unsigned count = rpc_wire_count(&m);
    assert_true(count > 0);
    struct rpc_reasm r;
    rpc_reasm_init(&r, malloc, free);
    bool done = false;
    for (unsigned i = 0; i < count; i++) {
        uint32_t words[LMP_MSG_WORDS];
        uint32_t n = rpc_wire_encode(&m, i, words);
        assert_int_equal(rpc_wire_decode(&r, words, n, &done), SYS_ERR_OK);
    }
    assert_true(done);
    struct rpc_payload out = { .nscalar = r.msg.nscalar, .bytes = r.msg.bytes,
                               .len = r.msg.len };
    memcpy(out.scalar, r.msg.scalar, sizeof(out.scalar));
    return out;
}

static void roundtrip(unsigned fixed, struct items *it, bool copy)
{
    struct rpc_payload p = { .nscalar = fixed };
    for (unsigned i = 0; i < fixed; i++) {
        p.scalar[i] = rnd();
    }
    assert_int_equal(rpc_marshal_bytes(&p, it->n, (const void *const *)it->data, it->len, copy),
                     SYS_ERR_OK);
    assert_int_equal(p.nscalar, fixed + (it->n ? it->n - 1 : 0));
    if (it->n == 1 && !copy) {
        assert_ptr_equal(p.bytes, it->data[0]);     /* sent from where it is */
    }
    struct rpc_payload got = through_the_wire(&p);
    const uint8_t *ptr[MAX_ITEMS];
    size_t len[MAX_ITEMS];
    assert_int_equal(rpc_unmarshal_bytes(&got, fixed, it->n, ptr, len), SYS_ERR_OK);
    for (unsigned i = 0; i < fixed; i++) {
        assert_int_equal(got.scalar[i], p.scalar[i]);
    }
    for (unsigned i = 0; i < it->n; i++) {
        assert_int_equal(len[i], it->len[i]);
        if (it->len[i] > 0) {
            assert_memory_equal(ptr[i], it->data[i], it->len[i]);
        }
        assert_int_equal(ptr[i][len[i]], 0);        /* usable as a C string */
    }
    if (it->n > 1 || copy) {
        free(p.bytes);
    }
    free(got.bytes);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_random_roundtrips(void **state)
{
    for (int k = 0; k < 3000; k++) {
        unsigned n = rnd() % (MAX_ITEMS + 1);
        unsigned fixed = rnd() % (RPC_MAX_SCALARS - (n ? n - 1 : 0) + 1);
        size_t max = k % 10 == 0 ? 5000 : 100;
        struct items it = make_items(n, max, rnd() % 2);
        roundtrip(fixed, &it, rnd() % 2);
        free_items(&it);
    }
}

/* Lengths at the edges of one LMP message (rpc_wire.h): 4 * (8 - nscalar)
 * bytes fit in the first message. */
static void test_edges(void **state)
{
    for (unsigned n = 1; n <= 2; n++) {
        for (unsigned fixed = 0; fixed + n - 1 <= RPC_MAX_SCALARS; fixed++) {
            size_t edge = 4 * (RPC_MAX_SCALARS - fixed - (n - 1));
            size_t sizes[] = { 0, 1, edge ? edge - 1 : 0, edge, edge + 1, edge + RPC_FRAG_BYTES,
                               edge + RPC_FRAG_BYTES + 1, 4096 };
            for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                struct items it = make_items(n, 0, true);
                for (unsigned j = 0; j < n; j++) {
                    free(it.data[j]);
                    it.len[j] = j + 1 == n ? sizes[i] : 3;
                    it.data[j] = calloc(1, it.len[j] + 1);
                    memset(it.data[j], 'a' + (int)j, it.len[j]);
                }
                roundtrip(fixed, &it, false);
                free_items(&it);
            }
        }
    }
}

static void test_empty_items(void **state)
{
    struct rpc_payload p = { 0 };
    const void *ptr[3] = { "", NULL, "" };
    size_t len[3] = { 0, 0, 0 };
    assert_int_equal(rpc_marshal_bytes(&p, 3, ptr, len, false), SYS_ERR_OK);
    assert_int_equal(p.nscalar, 2);
    assert_int_equal(p.len, 2);                 /* two NULs between three empties */
    const uint8_t *out[3];
    size_t olen[3];
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 3, out, olen), SYS_ERR_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(olen[i], 0);
        assert_string_equal((const char *)out[i], "");
    }
    free(p.bytes);
    /* No items: nothing is sent, and a payload with bytes is refused. */
    p = (struct rpc_payload){ 0 };
    assert_int_equal(rpc_marshal_bytes(&p, 0, NULL, NULL, true), SYS_ERR_OK);
    assert_null(p.bytes);
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 0, NULL, NULL), SYS_ERR_OK);
    p.bytes = (uint8_t *)"x";
    p.len = 1;
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 0, NULL, NULL), LIB_ERR_RPC_BAD_MESSAGE);
    /* One empty item as a response (copied): a real, empty string. */
    p = (struct rpc_payload){ 0 };
    assert_int_equal(rpc_marshal_bytes(&p, 1, ptr, len, true), SYS_ERR_OK);
    assert_non_null(p.bytes);
    assert_int_equal(p.len, 0);
    free(p.bytes);
    assert_int_equal(rpc_strlen(NULL), 0);
    assert_int_equal(rpc_strlen("abc"), 3);
}

static void test_too_many_scalars(void **state)
{
    const void *ptr[3] = { "a", "b", "c" };
    size_t len[3] = { 1, 1, 1 };
    struct rpc_payload p = { .nscalar = RPC_MAX_SCALARS - 1 };
    assert_int_equal(rpc_marshal_bytes(&p, 3, ptr, len, false), LIB_ERR_RPC_TOO_LARGE);
    p.nscalar = RPC_MAX_SCALARS - 2;
    assert_int_equal(rpc_marshal_bytes(&p, 3, ptr, len, false), SYS_ERR_OK);
    free(p.bytes);
    size_t huge[1] = { RPC_MAX_BYTES + 1 };
    p = (struct rpc_payload){ 0 };
    assert_int_equal(rpc_marshal_bytes(&p, 1, ptr, huge, false), LIB_ERR_RPC_TOO_LARGE);
}

/* Payloads that no stub made: every bad length is refused. */
static void test_malformed(void **state)
{
    uint8_t bytes[] = { 'a', 'b', 0, 'c', 'd' };
    const uint8_t *ptr[2];
    size_t len[2];
    struct rpc_payload p = { .nscalar = 1, .scalar = { 2 }, .bytes = bytes, .len = 5 };
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 2, ptr, len), SYS_ERR_OK);
    assert_string_equal((const char *)ptr[0], "ab");
    assert_int_equal(len[1], 2);
    uint32_t bad_lengths[] = { 1, 3, 4, 5, 6, 0xffffffffu, 0x80000000u };
    for (unsigned i = 0; i < sizeof(bad_lengths) / sizeof(bad_lengths[0]); i++) {
        p.scalar[0] = bad_lengths[i];       /* no NUL there, or past the end */
        assert_int_equal(rpc_unmarshal_bytes(&p, 0, 2, ptr, len), LIB_ERR_RPC_BAD_MESSAGE);
    }
    p.scalar[0] = 2;
    assert_int_equal(rpc_unmarshal_bytes(&p, 1, 2, ptr, len), LIB_ERR_RPC_BAD_MESSAGE);
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 3, ptr, len), LIB_ERR_RPC_BAD_MESSAGE);
    p.len = 0;
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 2, ptr, len), LIB_ERR_RPC_BAD_MESSAGE);
    p = (struct rpc_payload){ .nscalar = 1, .scalar = { 0 }, .bytes = NULL, .len = 3 };
    assert_int_equal(rpc_unmarshal_bytes(&p, 0, 2, ptr, len), LIB_ERR_RPC_BAD_MESSAGE);
}

static void test_copy_out(void **state)
{
    char *s = NULL;
    assert_int_equal(rpc_copy_out_str(&s, "hello"), SYS_ERR_OK);
    assert_string_equal(s, "hello");
    free(s);
    assert_int_equal(rpc_copy_out_str(&s, NULL), SYS_ERR_OK);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(rpc_copy_out_str(NULL, "ignored"), SYS_ERR_OK);
    void *b = NULL;
    size_t blen = 99;
    uint8_t data[3] = { 0, 1, 2 };
    assert_int_equal(rpc_copy_out_buf(&b, &blen, data, 3), SYS_ERR_OK);
    assert_int_equal(blen, 3);
    assert_memory_equal(b, data, 3);
    free(b);
    assert_int_equal(rpc_copy_out_buf(NULL, NULL, data, 3), SYS_ERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_roundtrips),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_empty_items),
        cmocka_unit_test(test_too_many_scalars),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_copy_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
