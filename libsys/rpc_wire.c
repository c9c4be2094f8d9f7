/*
 * libsys/rpc_wire.c -- RPC messages <-> LMP messages, or the messages of
 * another width (UMP's lines; sys/rpc_wire.h has the format).  No
 * allocation of its own: the reassembler uses the caller's allocator or
 * buffer.
 *
 * Every function that depends on the width takes it as a parameter w and
 * is always inlined into two entry points: the LMP one, where w is the
 * constant LMP_MSG_WORDS -- the compiler folds it, and the code for
 * scalars that spill into fragments (RPC_WIRE_SPILLS) vanishes -- and the
 * _w one for any width.
 *
 * The receiver checks every word count exactly against the length in the
 * first message: a sender that follows the format never trips a check,
 * so anything else is corruption, a foreign sender or a lost message.
 */
#include <string.h>
#include <sys/rpc_wire.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t words_for(uint32_t bytes) { return (bytes + 3) / 4; }

/* n words; a loop, because most copies here are of a word or two. */
static void copy_words(uint32_t *dst, const uint32_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

/* Copy n payload bytes from offset into words, zero-padding the last
 * word (no stale stack contents go out on the wire). */
static uint32_t put_bytes(const struct rpc_msg *m, uint32_t offset, uint32_t n,
                          uint32_t *words)
{
    uint32_t nw = words_for(n);
    if (nw > 0) {
        words[nw - 1] = 0;
        memcpy(words, m->bytes + offset, n);
    }
    return nw;
}

/* The scalars (from scalar number `from` on) that fill the start of a
 * fragment with room bytes, when they spill (narrow widths only);
 * returns their word count and takes their bytes off *room. */
static ALWAYS_INLINE uint32_t put_spilled(const struct rpc_msg *m, uint32_t from,
                                          uint32_t *room, uint32_t *words)
{
    if (from >= m->nscalar) {
        return 0;
    }
    uint32_t k = min_u32(m->nscalar - from, *room / 4);
    copy_words(words, &m->scalar[from], k);
    *room -= 4 * k;
    return k;
}

static ALWAYS_INLINE uint32_t encode(const struct rpc_msg *m, unsigned i,
                                     uint32_t *words, uint32_t w)
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
    } else {
        offset = rpc_wire_first_bytes_w(m, w) + (i - 1) * room;
    }
    uint32_t chunk = min_u32(m->len - offset, room);
    return n + put_bytes(m, offset, chunk, &words[n]);
}

uint32_t rpc_wire_encode(const struct rpc_msg *m, unsigned i,
                         uint32_t words[LMP_MSG_WORDS])
{
    return encode(m, i, words, LMP_MSG_WORDS);
}

uint32_t rpc_wire_encode_w(const struct rpc_msg *m, unsigned i,
                           uint32_t words[RPC_WIRE_MAX_WORDS], uint32_t w)
{
    return encode(m, i, words, w);
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

/* Drop the message in progress, if any; return err.  Only a message in
 * progress owns its bytes: a completed one's are the caller's. */
static errval_t fail(struct rpc_reasm *r, errval_t err)
{
    if (r->active && r->msg.bytes && r->alloc) {
        r->release(r->msg.bytes);
    }
    r->msg.bytes = NULL;
    r->active = false;
    return err;
}

/* Storage for a payload of len bytes. */
static errval_t get_storage(struct rpc_reasm *r, uint32_t len)
{
    if (r->alloc == NULL) {
        if (r->buf == NULL || len > r->buf_bytes) {
            return LIB_ERR_RPC_TOO_LARGE;
        }
        r->msg.bytes = r->buf;
        if (len < r->buf_bytes) {
            r->msg.bytes[len] = 0;
        }
        return SYS_ERR_OK;
    }
    if (len == 0) {
        /* Nothing to keep, and no allocation: the RPC layer receives the
         * memory server's answers from inside malloc (when sbrk refills
         * the heap), and malloc must not be entered twice. */
        r->msg.bytes = NULL;
        return SYS_ERR_OK;
    }
    r->msg.bytes = r->alloc((size_t)len + 1);       /* +1: room for a NUL */
    if (r->msg.bytes == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    r->msg.bytes[len] = 0;
    return SYS_ERR_OK;
}

/* Take the payload words of one message (capacity bytes at most): at a
 * narrow width first the scalars still missing, then exactly the words
 * the remaining length calls for, with LAST set exactly when they end
 * the message. */
static ALWAYS_INLINE errval_t take_bytes(struct rpc_reasm *r, uint32_t h, const uint32_t *words,
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
static ALWAYS_INLINE void take_header(struct rpc_reasm *r, const uint32_t *words, uint32_t w)
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

static ALWAYS_INLINE errval_t decode_first(struct rpc_reasm *r, const uint32_t *words,
                                           uint32_t n, uint32_t w)
{
    uint32_t h = words[0];
    uint32_t ns = RPC_HDR_NSCALAR(h);
    uint32_t first = rpc_wire_first_scalars_w(ns, w);
    if (RPC_HDR_KIND(h) > RPC_KIND_RESPONSE || ns > RPC_MAX_SCALARS ||
        n < RPC_FIRST_WORDS + first) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    /* The header first: a refused message can still be answered. */
    take_header(r, words, w);
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
    return take_bytes(r, h, &words[RPC_FIRST_WORDS + first], n - RPC_FIRST_WORDS - first,
                      rpc_wire_first_capacity_w(ns, w), w);
}

static ALWAYS_INLINE errval_t decode_frag(struct rpc_reasm *r, const uint32_t *words,
                                          uint32_t n, uint32_t w)
{
    uint32_t h = words[0];
    if (!r->active || RPC_HDR_SEQ(h) != r->msg.seq ||
        RPC_HDR_METHOD(h) != r->msg.method || RPC_HDR_LARGE(h) ||
        RPC_HDR_FRAGNO(h) != (r->next_frag & 0xf)) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    r->next_frag++;
    return take_bytes(r, h, &words[1], n - 1, RPC_FRAG_BYTES_W(w), w);
}

static ALWAYS_INLINE errval_t decode(struct rpc_reasm *r, const uint32_t *words,
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
        take_header(r, words, w);
        *done = true;
        return SYS_ERR_OK;
    }
    if (RPC_HDR_KIND(h) == RPC_KIND_FRAG) {
        err = decode_frag(r, words, n, w);
    } else if (r->active) {
        /* The message in progress was cut short (its sender gave up). */
        return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
    } else {
        err = decode_first(r, words, n, w);
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

errval_t rpc_wire_decode(struct rpc_reasm *r, const uint32_t *words,
                         uint32_t n, bool *done)
{
    return decode(r, words, n, LMP_MSG_WORDS, done);
}

errval_t rpc_wire_decode_w(struct rpc_reasm *r, const uint32_t *words,
                           uint32_t n, uint32_t w, bool *done)
{
    return decode(r, words, n, w, done);
}
