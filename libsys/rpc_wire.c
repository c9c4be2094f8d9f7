/*
 * libsys/rpc_wire.c -- RPC messages <-> LMP messages (sys/rpc_wire.h).
 */
#include <string.h>
#include <sys/rpc_wire.h>

static uint32_t first_capacity(const struct rpc_msg *m)
{
    return m->large ? 0 : 4 * (LMP_MSG_WORDS - 2 - m->nscalar);
}

unsigned rpc_wire_count(const struct rpc_msg *m)
{
    uint32_t first = first_capacity(m);
    if (m->large || m->len <= first) {
        return 1;
    }
    return 1 + (m->len - first + RPC_FRAG_BYTES - 1) / RPC_FRAG_BYTES;
}

/* Copy up to max bytes of the payload from offset into words. */
static uint32_t put_bytes(const struct rpc_msg *m, uint32_t offset, uint32_t max,
                          uint32_t *words)
{
    uint32_t n = m->len - offset < max ? m->len - offset : max;
    memset(words, 0, (max + 3) / 4 * 4);
    memcpy(words, m->bytes + offset, n);
    return (n + 3) / 4;
}

uint32_t rpc_wire_encode(const struct rpc_msg *m, unsigned i,
                         uint32_t words[LMP_MSG_WORDS])
{
    if (i == 0) {
        words[0] = RPC_HDR(m->method, m->kind, m->large, m->nscalar, m->seq);
        words[1] = m->len;
        for (uint32_t s = 0; s < m->nscalar; s++) {
            words[2 + s] = m->scalar[s];
        }
        uint32_t n = 2 + m->nscalar;
        if (!m->large && m->len > 0) {
            n += put_bytes(m, 0, first_capacity(m), &words[n]);
        }
        return n;
    }
    uint32_t offset = first_capacity(m) + (i - 1) * RPC_FRAG_BYTES;
    words[0] = RPC_HDR(m->method, RPC_KIND_FRAG, 0, 0, m->seq);
    return 1 + put_bytes(m, offset, RPC_FRAG_BYTES, &words[1]);
}

void rpc_reasm_init(struct rpc_reasm *r, void *(*alloc)(size_t),
                    void (*release)(void *))
{
    memset(r, 0, sizeof(*r));
    r->alloc = alloc;
    r->release = release;
}

static errval_t fail(struct rpc_reasm *r, errval_t err)
{
    if (r->msg.bytes) {
        r->release(r->msg.bytes);
        r->msg.bytes = NULL;
    }
    r->active = false;
    return err;
}

static void take_bytes(struct rpc_reasm *r, const uint32_t *words, uint32_t nwords)
{
    uint32_t room = r->msg.len - r->got;
    uint32_t n = 4 * nwords < room ? 4 * nwords : room;
    memcpy(r->msg.bytes + r->got, words, n);
    r->got += n;
}

errval_t rpc_wire_decode(struct rpc_reasm *r, const uint32_t *words,
                         uint32_t n, bool *done)
{
    *done = false;
    if (n == 0) {
        return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
    }
    uint32_t h = words[0];
    if (RPC_HDR_KIND(h) == RPC_KIND_FRAG) {
        if (!r->active || RPC_HDR_SEQ(h) != r->msg.seq ||
            RPC_HDR_METHOD(h) != r->msg.method) {
            return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
        }
        take_bytes(r, &words[1], n - 1);
    } else {
        if (r->active) {                /* the previous one was cut short */
            fail(r, LIB_ERR_RPC_BAD_MESSAGE);
            return LIB_ERR_RPC_BAD_MESSAGE;
        }
        uint32_t ns = RPC_HDR_NSCALAR(h);
        if (RPC_HDR_KIND(h) > RPC_KIND_RESPONSE || ns > RPC_MAX_SCALARS ||
            n < 2 + ns) {
            return fail(r, LIB_ERR_RPC_BAD_MESSAGE);
        }
        if (words[1] > RPC_MAX_BYTES) {
            return fail(r, LIB_ERR_RPC_TOO_LARGE);
        }
        memset(&r->msg, 0, sizeof(r->msg));
        r->msg.method = RPC_HDR_METHOD(h);
        r->msg.kind = RPC_HDR_KIND(h);
        r->msg.large = RPC_HDR_LARGE(h);
        r->msg.seq = RPC_HDR_SEQ(h);
        r->msg.nscalar = ns;
        r->msg.len = words[1];
        for (uint32_t s = 0; s < ns; s++) {
            r->msg.scalar[s] = words[2 + s];
        }
        r->got = 0;
        r->active = true;
        if (r->msg.large) {
            *done = true;               /* the bytes come in a frame */
            r->active = false;
            return SYS_ERR_OK;
        }
        r->msg.bytes = r->alloc(r->msg.len + 1);     /* +1: room for a NUL */
        if (r->msg.bytes == NULL) {
            return fail(r, LIB_ERR_MALLOC_FAIL);
        }
        r->msg.bytes[r->msg.len] = 0;
        take_bytes(r, &words[2 + ns], n - 2 - ns);
    }
    if (r->got == r->msg.len) {
        r->active = false;
        *done = true;
    }
    return SYS_ERR_OK;
}
