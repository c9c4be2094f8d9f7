/*
 * libsys/include/sys/rpc_marshal.h -- one RPC request or response as
 * handlers and callers see it, and the helpers the generated stubs
 * (scripts/rpcgen.py, docs/rpc.md) use to put typed parameters into it.
 * Pure code: tests/host/test_rpc_marshal.c runs it with random strings.
 *
 * Strings and buffers share the one byte payload of a message, one after
 * the other.  Every one but the last is followed by a NUL (so that a
 * received string can be used in place) and has its length in a scalar
 * word after the method's own scalars:
 *
 *   scalars: [ fixed scalars ... | len 0 | len 1 | ... | len n-2 ]
 *   bytes:   [ item 0 | NUL | item 1 | NUL | ... | item n-1 ]
 *
 * A single string or buffer travels alone: no length word, no NUL.
 */
#ifndef LIBSYS_RPC_MARSHAL_H
#define LIBSYS_RPC_MARSHAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/cspace.h>
#include <sys/rpc_wire.h>

struct rpc_payload {
    uint32_t nscalar;
    uint32_t scalar[RPC_MAX_SCALARS];
    uint8_t *bytes;             /* received: malloc'd, NUL-terminated */
    uint32_t len;
    struct capref cap;          /* NULL_CAP if none */
    errval_t err;               /* responses: the server's verdict */
};

/* A received RPC message as a payload, without its first skip scalars
 * (a response's first is the server's verdict): every field of p but err,
 * which the caller sets.  Its bytes and cap become p's.  (rpc.c for LMP,
 * rpc_ump.c for UMP.) */
static inline void rpc_msg_to_payload(const struct rpc_msg *msg, struct capref cap,
                                      uint32_t skip, struct rpc_payload *p)
{
    p->nscalar = msg->nscalar > skip ? msg->nscalar - skip : 0;
    for (uint32_t i = 0; i < p->nscalar; i++) {
        p->scalar[i] = msg->scalar[skip + i];
    }
    p->bytes = msg->bytes;
    p->len = msg->len;
    p->cap = cap;
}

/* strlen that takes NULL for "". */
size_t rpc_strlen(const char *s);

/*
 * Append n strings or buffers (ptr[i], len[i] bytes) to p: their lengths
 * (all but the last) as scalars after p's, their bytes as p's payload.
 * copy: the payload is always malloc'd (responses: the RPC layer frees
 * them); otherwise a single item is used in place and only several items
 * are joined in a malloc'd buffer -- free(p->bytes) after the call then.
 * LIB_ERR_RPC_TOO_LARGE if the lengths do not fit the scalar words,
 * LIB_ERR_MALLOC_FAIL.
 */
errval_t rpc_marshal_bytes(struct rpc_payload *p, unsigned n, const void *const *ptr,
                           const size_t *len, bool copy);

/*
 * The reverse: the n items of p's payload, whose lengths (all but the
 * last) are scalars first, first + 1, ...  ptr[i] points into p->bytes
 * (or at "" for an empty item) and is NUL-terminated.
 * LIB_ERR_RPC_BAD_MESSAGE unless the lengths add up exactly and every
 * separator is a NUL.
 */
errval_t rpc_unmarshal_bytes(const struct rpc_payload *p, unsigned first, unsigned n,
                             const uint8_t **ptr, size_t *len);

/* A malloc'd copy for the caller of a stub (nothing if dst is NULL). */
errval_t rpc_copy_out_str(char **dst, const char *src);
errval_t rpc_copy_out_buf(void **dst, size_t *dst_len, const void *src, size_t len);

#endif
