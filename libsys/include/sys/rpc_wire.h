/*
 * libsys/include/sys/rpc_wire.h -- how an RPC message travels as LMP
 * messages of LMP_MSG_WORDS words (docs/rpc.md).  Pure functions: the host
 * tests run them with random lengths and contents.
 *
 * First message of a request or response:
 *
 *   word 0   header: method[7:0] kind[9:8] LARGE[10] nscalar[15:12] seq[31:16]
 *   word 1   length of the byte payload
 *   word 2.. nscalar scalar arguments (at most RPC_MAX_SCALARS)
 *   rest     the first bytes of the payload (little-endian, packed)
 *
 * Then as many continuation messages as the bytes need:
 *
 *   word 0   header with kind = FRAG and the same seq
 *   word 1.. RPC_FRAG_BYTES of payload
 *
 * A LARGE message carries its bytes in a Frame capability sent with the
 * first message instead (the RPC layer decides, by size).
 */
#ifndef LIBSYS_RPC_WIRE_H
#define LIBSYS_RPC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>
#include <sprat/syscall.h>

#define RPC_KIND_REQUEST    0
#define RPC_KIND_RESPONSE   1
#define RPC_KIND_FRAG       2
#define RPC_MAX_SCALARS     8
#define RPC_FRAG_BYTES      (4 * (LMP_MSG_WORDS - 1))
#define RPC_MAX_BYTES       (4u * 1024 * 1024)

#define RPC_HDR(method, kind, large, nscalar, seq) \
    ((uint32_t)(method) | (uint32_t)(kind) << 8 | (uint32_t)(large) << 10 | \
     (uint32_t)(nscalar) << 12 | (uint32_t)(seq) << 16)
#define RPC_HDR_METHOD(h)   ((h) & 0xff)
#define RPC_HDR_KIND(h)     (((h) >> 8) & 3)
#define RPC_HDR_LARGE(h)    (((h) >> 10) & 1)
#define RPC_HDR_NSCALAR(h)  (((h) >> 12) & 0xf)
#define RPC_HDR_SEQ(h)      ((h) >> 16)

struct rpc_msg {
    uint8_t method;
    uint8_t kind;               /* RPC_KIND_REQUEST or _RESPONSE */
    bool large;                 /* bytes travel in a frame */
    uint16_t seq;
    uint32_t nscalar;
    uint32_t scalar[RPC_MAX_SCALARS];
    uint8_t *bytes;
    uint32_t len;
};

/* Number of LMP messages m takes. */
unsigned rpc_wire_count(const struct rpc_msg *m);
/* Message number i (0-based) of m into words; returns its word count. */
uint32_t rpc_wire_encode(const struct rpc_msg *m, unsigned i,
                         uint32_t words[LMP_MSG_WORDS]);

/* Reassembly of one incoming message from its LMP messages. */
struct rpc_reasm {
    bool active;                /* a first message came, more expected */
    struct rpc_msg msg;         /* bytes: allocated with the allocator */
    uint32_t got;               /* payload bytes received so far */
    void *(*alloc)(size_t);     /* malloc in libsys */
    void (*release)(void *);
};

void rpc_reasm_init(struct rpc_reasm *r, void *(*alloc)(size_t),
                    void (*release)(void *));
/*
 * Feed one LMP message.  *done is set when r->msg is complete (its bytes
 * then belong to the caller).  Errors (the partial message is dropped):
 * LIB_ERR_RPC_BAD_MESSAGE (malformed, out of order, foreign sequence),
 * LIB_ERR_RPC_TOO_LARGE, LIB_ERR_MALLOC_FAIL.
 */
errval_t rpc_wire_decode(struct rpc_reasm *r, const uint32_t *words,
                         uint32_t n, bool *done);

#endif
