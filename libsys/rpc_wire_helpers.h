/*
 * libsys/rpc_wire_helpers.h -- the small helpers of the RPC wire format's
 * two files: rpc_wire.c (LMP's width) and rpc_wire_w.c (any width).
 * Private to them (docs/libsys.md, "The RPC wire format"); included, not
 * linked, so that each file's code is what the compiler makes of its own.
 */
#ifndef LIBSYS_RPC_WIRE_HELPERS_H
#define LIBSYS_RPC_WIRE_HELPERS_H

#include <string.h>
#include <sys/rpc_wire.h>

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

#endif
