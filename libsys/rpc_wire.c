/*
 * libsys/rpc_wire.c -- RPC messages <-> LMP messages (sys/rpc_wire.h has
 * the format).  No allocation of its own: the reassembler uses the
 * caller's allocator or buffer.  Messages of other widths (UMP's lines):
 * libsys/rpc_wire_w.c, the general form of this file's code, which
 * stays apart so that LMP's code stays what make bench measures.
 *
 * The receiver checks every word count exactly against the length in the
 * first message: a sender that follows the format never trips a check,
 * so anything else is corruption, a foreign sender or a lost message.
 */
#include <string.h>
#include <sys/rpc_wire.h>
#include "rpc_wire_helpers.h"

uint32_t rpc_wire_encode(const struct rpc_msg *m, unsigned i,
                         uint32_t words[LMP_MSG_WORDS])
{
    unsigned count = rpc_wire_count_checked(m);    /* the caller checked m */
    uint32_t last = i + 1 == count ? RPC_HDR_LAST_BIT : 0;

    if (i == 0) {
        words[0] = RPC_HDR(m->method, m->kind, m->large, m->nscalar, m->seq) | last;
        words[1] = m->len;
        copy_words(&words[RPC_FIRST_WORDS], m->scalar, m->nscalar);
        uint32_t n = RPC_FIRST_WORDS + m->nscalar;
        return n + put_bytes(m, 0, rpc_wire_first_bytes(m), &words[n]);
    }
    uint32_t offset = rpc_wire_first_bytes(m) + (i - 1) * RPC_FRAG_BYTES;
    uint32_t chunk = min_u32(m->len - offset, RPC_FRAG_BYTES);
    words[0] = RPC_HDR(m->method, RPC_KIND_FRAG, 0, i & 0xf, m->seq) | last;
    return 1 + put_bytes(m, offset, chunk, &words[1]);
}

uint32_t rpc_wire_encode_peer_dead(uint32_t domain_id, uint32_t words[LMP_MSG_WORDS])
{
    words[0] = RPC_HDR(0, RPC_KIND_PEER_DEAD, 0, 0, 0) | RPC_HDR_LAST_BIT;
    words[1] = domain_id;
    return 2;
}

/* ---- reassembly ------------------------------------------------------------ */

void rpc_reasm_init(struct rpc_reasm *r, void *(*alloc)(size_t),
                    void (*release)(void *))
{
    memset(r, 0, sizeof(*r));
    r->alloc = alloc;
    r->release = release;
    r->max_inline = r->max_bytes = RPC_MAX_BYTES;
}

void rpc_reasm_init_buf(struct rpc_reasm *r, void *buf, size_t bytes)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->buf_bytes = bytes;
    r->max_inline = r->max_bytes = RPC_MAX_BYTES;
}

void rpc_reasm_limit(struct rpc_reasm *r, uint32_t max_inline, uint32_t max_bytes)
{
    r->max_inline = min_u32(max_inline, RPC_MAX_BYTES);
    r->max_bytes = min_u32(max_bytes, RPC_MAX_BYTES);
}

/* Take the payload words of one LMP message: exactly the words the
 * remaining length calls for, with LAST set exactly when they end it. */
static inline __attribute__((always_inline))
errval_t take_bytes(struct rpc_reasm *r, uint32_t h, const uint32_t *words,
                           uint32_t nwords, uint32_t capacity)
{
    uint32_t chunk = min_u32(r->msg.len - r->got, capacity);
    bool last = r->got + chunk == r->msg.len;
    if (nwords != words_for(chunk) || RPC_HDR_LAST(h) != last) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    if (chunk > 0) {
        memcpy(r->msg.bytes + r->got, words, chunk);
    }
    r->got += chunk;
    return SYS_ERR_OK;
}

/* What a first message says: method, kind, seq, scalars, length.  (The
 * bytes, if any, come later: none yet.) */
static inline void take_header(struct rpc_reasm *r, const uint32_t *words)
{
    uint32_t h = words[0];
    r->msg.method = RPC_HDR_METHOD(h);
    r->msg.kind = RPC_HDR_KIND(h);
    r->msg.large = RPC_HDR_LARGE(h);
    r->msg.seq = RPC_HDR_SEQ(h);
    r->msg.nscalar = RPC_HDR_NSCALAR(h);
    r->msg.bytes = NULL;
    r->msg.len = words[1];
    copy_words(r->msg.scalar, &words[RPC_FIRST_WORDS], r->msg.nscalar);
    r->got = 0;
}

static errval_t decode_first(struct rpc_reasm *r, const uint32_t *words, uint32_t n)
{
    uint32_t h = words[0];
    uint32_t ns = RPC_HDR_NSCALAR(h);
    if (RPC_HDR_KIND(h) > RPC_KIND_RESPONSE || ns > RPC_MAX_SCALARS ||
        n < RPC_FIRST_WORDS + ns) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    /* The header first: a refused message can still be answered. */
    take_header(r, words);
    uint32_t limit = r->msg.large ? r->max_bytes : min_u32(r->max_inline, r->max_bytes);
    if (words[1] > RPC_MAX_BYTES || words[1] > limit) {
        return LIB_ERR_RPC_TOO_LARGE;   /* before any storage is taken */
    }
    r->next_frag = 1;
    if (r->msg.large) {                 /* the bytes come in a frame */
        bool ok = n == RPC_FIRST_WORDS + ns && RPC_HDR_LAST(h);
        return ok ? SYS_ERR_OK : LIB_ERR_RPC_BAD_MESSAGE;
    }
    r->active = true;
    errval_t err = get_storage(r, r->msg.len);
    if (err != SYS_ERR_OK) {
        return err;
    }
    return take_bytes(r, h, &words[RPC_FIRST_WORDS + ns], n - RPC_FIRST_WORDS - ns,
                      rpc_wire_first_capacity(ns));
}

static errval_t decode_frag(struct rpc_reasm *r, const uint32_t *words, uint32_t n)
{
    uint32_t h = words[0];
    if (!r->active || RPC_HDR_SEQ(h) != r->msg.seq ||
        RPC_HDR_METHOD(h) != r->msg.method || RPC_HDR_LARGE(h) ||
        RPC_HDR_FRAGNO(h) != (r->next_frag & 0xf)) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    r->next_frag++;
    return take_bytes(r, h, &words[1], n - 1, RPC_FRAG_BYTES);
}

errval_t rpc_wire_decode(struct rpc_reasm *r, const uint32_t *words,
                         uint32_t n, bool *done)
{
    errval_t err;
    *done = false;
    if (n == 0 || n > LMP_MSG_WORDS) {
        return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
    }
    if (RPC_HDR_KIND(words[0]) == RPC_KIND_PEER_DEAD) {
        return fail(r, LIB_ERR_RPC_PEER_DEAD);
    }
    /* The common case first: a request or response of scalars only, whole
     * in this one LMP message, into allocated storage (libsys' way).  It
     * ends exactly as the general path below would end for it, without its
     * bookkeeping -- and every RPC comes here. */
    uint32_t h = words[0];
    uint32_t ns = RPC_HDR_NSCALAR(h);
    if (!r->active && r->alloc != NULL && ns <= RPC_MAX_SCALARS && n == RPC_FIRST_WORDS + ns &&
        words[1] == 0 &&
        (h & (RPC_KIND_FRAG << 8 | RPC_HDR_LARGE_BIT | RPC_HDR_LAST_BIT)) == RPC_HDR_LAST_BIT) {
        take_header(r, words);
        *done = true;
        return SYS_ERR_OK;
    }
    if (RPC_HDR_KIND(h) == RPC_KIND_FRAG) {
        err = decode_frag(r, words, n);
    } else if (r->active) {
        /* The message in progress was cut short (its sender gave up). */
        return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
    } else {
        err = decode_first(r, words, n);
    }
    if (err != SYS_ERR_OK) {
        return fail(r, err);
    }
    if (r->msg.large || r->got == r->msg.len) {
        r->active = false;
        *done = true;
    }
    return SYS_ERR_OK;
}
