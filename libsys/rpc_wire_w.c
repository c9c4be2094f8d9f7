/*
 * libsys/rpc_wire_w.c -- RPC messages <-> messages of any width w
 * (RPC_WIRE_MIN_WORDS..RPC_WIRE_MAX_WORDS words): UMP's lines of 7
 * (libsys/rpc_ump.c; sys/rpc_wire.h has the format, docs/multikernel.md
 * section 4.1).  The general form of rpc_wire.c, which keeps LMP's
 * width (10) apart; at 10 both make the same words
 * (tests/host/test_rpc_wire.c, test_width_ten_is_lmp).  What only a
 * narrow width needs -- scalars that spill into fragment 1 -- is under
 * RPC_WIRE_SPILLS(w).
 */
#include <string.h>
#include <sys/rpc_wire.h>
#include "rpc_wire_helpers.h"

/* The scalars (from scalar number `from` on) that fill the start of a
 * fragment with room bytes, when they spill (narrow widths only);
 * returns their word count and takes their bytes off *room. */
static uint32_t put_spilled(const struct rpc_msg *m, uint32_t from, uint32_t *room,
                            uint32_t *words)
{
    if (from >= m->nscalar) {
        return 0;
    }
    uint32_t k = min_u32(m->nscalar - from, *room / 4);
    copy_words(words, &m->scalar[from], k);
    *room -= 4 * k;
    return k;
}

uint32_t rpc_wire_encode_w(const struct rpc_msg *m, unsigned i,
                           uint32_t words[RPC_WIRE_MAX_WORDS], uint32_t w)
{
    unsigned count = rpc_wire_count_checked_w(m, w);   /* the caller checked m */
    uint32_t last = i + 1 == count ? RPC_HDR_LAST_BIT : 0;

    if (i == 0) {
        words[0] = RPC_HDR(m->method, m->kind, m->large, m->nscalar, m->seq) | last;
        words[1] = m->len;
        uint32_t ns = rpc_wire_first_scalars_w(m->nscalar, w);
        copy_words(&words[RPC_FIRST_WORDS], m->scalar, ns);
        uint32_t n = RPC_FIRST_WORDS + ns;
        return n + put_bytes(m, 0, rpc_wire_first_bytes_w(m, w), &words[n]);
    }
    uint32_t room = RPC_FRAG_BYTES_W(w);
    uint32_t n = 1, offset;
    words[0] = RPC_HDR(m->method, RPC_KIND_FRAG, 0, i & 0xf, m->seq) | last;
    if (RPC_WIRE_SPILLS(w)) {
        /* Where this fragment starts in the stream of scalars and bytes. */
        uint32_t at = 4 * (w - RPC_FIRST_WORDS) + (i - 1) * room;
        n += put_spilled(m, at / 4, &room, &words[1]);
        offset = at + 4 * (n - 1) - 4 * m->nscalar;
    } else {                        /* as rpc_wire_encode */
        offset = rpc_wire_first_bytes_w(m, w) + (i - 1) * room;
    }
    uint32_t chunk = min_u32(m->len - offset, room);
    return n + put_bytes(m, offset, chunk, &words[n]);
}

/* Take the payload words of one message (capacity bytes at most): at a
 * narrow width first the scalars still missing, then exactly the words
 * the remaining length calls for, with LAST set exactly when they end
 * the message. */
static errval_t take_bytes_w(struct rpc_reasm *r, uint32_t h, const uint32_t *words,
                             uint32_t nwords, uint32_t capacity, uint32_t w)
{
    bool scalars_done = true;
    if (RPC_WIRE_SPILLS(w)) {
        uint32_t k = min_u32(r->msg.nscalar - r->sgot, capacity / 4);
        if (nwords < k) {
            return LIB_ERR_RPC_BAD_MESSAGE;
        }
        copy_words(&r->msg.scalar[r->sgot], words, k);
        r->sgot += k;
        words += k;
        nwords -= k;
        capacity -= 4 * k;
        scalars_done = r->sgot == r->msg.nscalar;
    }
    uint32_t chunk = min_u32(r->msg.len - r->got, capacity);
    bool last = scalars_done && r->got + chunk == r->msg.len;
    if (nwords != words_for(chunk) || RPC_HDR_LAST(h) != last) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    if (chunk > 0) {
        memcpy(r->msg.bytes + r->got, words, chunk);
    }
    r->got += chunk;
    return SYS_ERR_OK;
}

/* What a first message says: method, kind, seq, scalars (those in it),
 * length.  (The bytes, if any, come later: none yet.) */
static void take_header_w(struct rpc_reasm *r, const uint32_t *words, uint32_t w)
{
    uint32_t h = words[0];
    r->msg.method = RPC_HDR_METHOD(h);
    r->msg.kind = RPC_HDR_KIND(h);
    r->msg.large = RPC_HDR_LARGE(h);
    r->msg.seq = RPC_HDR_SEQ(h);
    r->msg.nscalar = RPC_HDR_NSCALAR(h);
    r->msg.bytes = NULL;
    r->msg.len = words[1];
    uint32_t ns = rpc_wire_first_scalars_w(r->msg.nscalar, w);
    copy_words(r->msg.scalar, &words[RPC_FIRST_WORDS], ns);
    if (RPC_WIRE_SPILLS(w)) {
        r->sgot = ns;
    }
    r->got = 0;
}

static errval_t decode_first_w(struct rpc_reasm *r, const uint32_t *words, uint32_t n,
                               uint32_t w)
{
    uint32_t h = words[0];
    uint32_t ns = RPC_HDR_NSCALAR(h);
    uint32_t first = rpc_wire_first_scalars_w(ns, w);
    if (RPC_HDR_KIND(h) > RPC_KIND_RESPONSE || ns > RPC_MAX_SCALARS ||
        n < RPC_FIRST_WORDS + first) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    /* The header first: a refused message can still be answered. */
    take_header_w(r, words, w);
    uint32_t limit = r->msg.large ? r->max_bytes : min_u32(r->max_inline, r->max_bytes);
    if (words[1] > RPC_MAX_BYTES || words[1] > limit) {
        return LIB_ERR_RPC_TOO_LARGE;   /* before any storage is taken */
    }
    r->next_frag = 1;
    if (r->msg.large) {                 /* the bytes come in a frame */
        bool ok = n == RPC_FIRST_WORDS + ns && first == ns && RPC_HDR_LAST(h);
        return ok ? SYS_ERR_OK : LIB_ERR_RPC_BAD_MESSAGE;
    }
    r->active = true;
    errval_t err = get_storage(r, r->msg.len);
    if (err != SYS_ERR_OK) {
        return err;
    }
    return take_bytes_w(r, h, &words[RPC_FIRST_WORDS + first], n - RPC_FIRST_WORDS - first,
                        rpc_wire_first_capacity_w(ns, w), w);
}

static errval_t decode_frag_w(struct rpc_reasm *r, const uint32_t *words, uint32_t n,
                              uint32_t w)
{
    uint32_t h = words[0];
    if (!r->active || RPC_HDR_SEQ(h) != r->msg.seq ||
        RPC_HDR_METHOD(h) != r->msg.method || RPC_HDR_LARGE(h) ||
        RPC_HDR_FRAGNO(h) != (r->next_frag & 0xf)) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    r->next_frag++;
    return take_bytes_w(r, h, &words[1], n - 1, RPC_FRAG_BYTES_W(w), w);
}

errval_t rpc_wire_decode_w(struct rpc_reasm *r, const uint32_t *words,
                           uint32_t n, uint32_t w, bool *done)
{
    errval_t err;
    *done = false;
    if (n == 0 || n > w) {
        return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
    }
    if (RPC_HDR_KIND(words[0]) == RPC_KIND_PEER_DEAD) {
        return fail(r, LIB_ERR_RPC_PEER_DEAD);
    }
    /* The common case first: a request or response of scalars only, whole
     * in this one message, into allocated storage (libsys' way).  It
     * ends exactly as the general path below would end for it, without its
     * bookkeeping -- and every RPC comes here.  (n <= w: its scalars all
     * fit, none spill.) */
    uint32_t h = words[0];
    uint32_t ns = RPC_HDR_NSCALAR(h);
    if (!r->active && r->alloc != NULL && ns <= RPC_MAX_SCALARS && n == RPC_FIRST_WORDS + ns &&
        words[1] == 0 &&
        (h & (RPC_KIND_FRAG << 8 | RPC_HDR_LARGE_BIT | RPC_HDR_LAST_BIT)) == RPC_HDR_LAST_BIT) {
        take_header_w(r, words, w);
        *done = true;
        return SYS_ERR_OK;
    }
    if (RPC_HDR_KIND(h) == RPC_KIND_FRAG) {
        err = decode_frag_w(r, words, n, w);
    } else if (r->active) {
        /* The message in progress was cut short (its sender gave up). */
        return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
    } else {
        err = decode_first_w(r, words, n, w);
    }
    if (err != SYS_ERR_OK) {
        return fail(r, err);
    }
    if (r->msg.large ||
        (r->got == r->msg.len && (!RPC_WIRE_SPILLS(w) || r->sgot == r->msg.nscalar))) {
        r->active = false;
        *done = true;
    }
    return SYS_ERR_OK;
}

