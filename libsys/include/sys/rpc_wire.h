/*
 * libsys/include/sys/rpc_wire.h -- how an RPC message travels as LMP
 * messages of LMP_MSG_WORDS (10) words (docs/libsys.md, docs/rpc.md), or
 * as the messages of any other width w: UMP lines carry
 * UMP_PAYLOAD_WORDS (7) (the _w functions; docs/multikernel.md, "RPC
 * over UMP").  Pure functions: the host tests run them with random
 * lengths, contents and widths (tests/host/test_rpc_wire.c).
 *
 * An RPC message is (method, kind, seq, up to RPC_MAX_SCALARS scalar
 * words, a byte payload of any length up to RPC_MAX_BYTES).  It becomes
 * one first LMP message and as many fragments as the bytes need:
 *
 *   first message                         fragment k (k = 1, 2, ...)
 *   +--------------------------------+    +--------------------------------+
 *  0| header (kind REQUEST/RESPONSE) |   0| header (kind FRAG, index k%16) |
 *  1| payload length in bytes        |   1| payload bytes                  |
 *  2| scalar 0                       |   .|   RPC_FRAG_BYTES (36) of them, |
 *  .| ... nscalar scalars            |   .|   fewer in the last fragment   |
 *  .| first payload bytes:           |   9|                                |
 *  9|   4 * (8 - nscalar) at most    |    +--------------------------------+
 *   +--------------------------------+
 *
 *   header word:
 *    31            16 15    12 11   10   9  8 7          0
 *   +----------------+--------+----+-----+----+------------+
 *   |      seq       | nscalar|LAST|LARGE|kind|   method   |
 *   |                |  / frag|    |     |    |            |
 *   |                |  index |    |     |    |            |
 *   +----------------+--------+----+-----+----+------------+
 *
 * - Bytes are packed little-endian (memcpy), the last word zero-padded;
 *   every message carries exactly the words its bytes need, no more.
 * - LAST is set on the final LMP message of an RPC message (on the first
 *   message when everything fits in it).
 * - Fragments repeat method and seq and count 1, 2, ... (mod 16) in bits
 *   15:12, so the receiver can tell a foreign, repeated or skipped
 *   fragment from the one it expects.
 * - LARGE: the bytes travel in a Frame capability sent with the first
 *   message (the channel layer decides by size, rpc.c); word 1 still gives
 *   their length and no fragments follow.
 * - PEER_DEAD: not an RPC message but a notice from init, two words
 *   [header, domain id of the dead peer]: the receiver's wait ends with
 *   LIB_ERR_RPC_PEER_DEAD instead of lasting forever.
 *
 * Narrower messages (width w < 10, the _w functions): the scalars and
 * the bytes are one stream of words -- the scalars first -- cut into
 * w - 2 words after the first message's header and length, and w - 1
 * after each fragment's header.  At LMP's width the scalars always fit in
 * the first message (8 = 10 - 2), so that is exactly the layout above;
 * at UMP's 7, a message with more than 5 scalars continues its scalars
 * in fragment 1 (RPC_WIRE_SPILLS).  A message whose bytes travel in a
 * frame (LARGE) must have its scalars in its first message.
 *
 * The LMP functions are the _w ones at w = 10, written apart: every LMP
 * RPC runs them, and make bench measures them to the instruction
 * (docs/lmp.md); test_width_ten_is_lmp checks that the two agree.
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
#define RPC_KIND_FRAG       2       /* wire only: a continuation */
#define RPC_KIND_PEER_DEAD  3       /* wire only: init says the other end of
                                     * this channel died (docs/rpc.md) */
#define RPC_MAX_SCALARS     8       /* words 2..9 of the first message */
#define RPC_FIRST_WORDS     2       /* header + length */
#define RPC_FRAG_BYTES      (4 * (LMP_MSG_WORDS - 1))
#define RPC_FRAG_BYTES_W(w) (4 * ((w) - 1))      /* payload bytes per fragment */
#define RPC_WIRE_MIN_WORDS  3       /* narrowest width: header, length, a word */
#define RPC_WIRE_MAX_WORDS  LMP_MSG_WORDS
/* Can the scalars of a message of width w continue past its first
 * message?  Not at LMP's width. */
#define RPC_WIRE_SPILLS(w)  ((w) - RPC_FIRST_WORDS < RPC_MAX_SCALARS)
#define RPC_MAX_BYTES       (4u * 1024 * 1024)

#define RPC_HDR_LARGE_BIT   (1u << 10)
#define RPC_HDR_LAST_BIT    (1u << 11)
#define RPC_HDR(method, kind, large, nscalar, seq) \
    ((uint32_t)(method) | (uint32_t)(kind) << 8 | (uint32_t)(large) << 10 | \
     ((uint32_t)(nscalar) & 0xf) << 12 | (uint32_t)(seq) << 16)
#define RPC_HDR_METHOD(h)   ((h) & 0xff)
#define RPC_HDR_KIND(h)     (((h) >> 8) & 3)
#define RPC_HDR_LARGE(h)    (((h) >> 10) & 1)
#define RPC_HDR_LAST(h)     (((h) >> 11) & 1)
#define RPC_HDR_NSCALAR(h)  (((h) >> 12) & 0xf)
#define RPC_HDR_FRAGNO(h)   (((h) >> 12) & 0xf)     /* fragments */
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

/* ---- sending ---------------------------------------------------------- */

/* (The small functions are inline: every RPC runs them.) */

/* Payload bytes that fit in a first message with nscalar scalars. */
static inline uint32_t rpc_wire_first_capacity(uint32_t nscalar)
{
    return 4 * (LMP_MSG_WORDS - RPC_FIRST_WORDS - nscalar);
}

/* Inline payload bytes the first message of m carries. */
static inline uint32_t rpc_wire_first_bytes(const struct rpc_msg *m)
{
    uint32_t cap = rpc_wire_first_capacity(m->nscalar);
    return m->large ? 0 : m->len < cap ? m->len : cap;
}

/* SYS_ERR_OK if m can be encoded: LIB_ERR_RPC_BAD_MESSAGE (kind, or no
 * bytes for a non-zero inline length), LIB_ERR_RPC_TOO_LARGE (nscalar >
 * RPC_MAX_SCALARS or len > RPC_MAX_BYTES). */
static inline errval_t rpc_wire_check(const struct rpc_msg *m)
{
    if (m->kind != RPC_KIND_REQUEST && m->kind != RPC_KIND_RESPONSE) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    if (m->nscalar > RPC_MAX_SCALARS || m->len > RPC_MAX_BYTES) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    if (!m->large && m->len > 0 && m->bytes == NULL) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    return SYS_ERR_OK;
}

/* Number of LMP messages of an m that passed rpc_wire_check. */
static inline unsigned rpc_wire_count_checked(const struct rpc_msg *m)
{
    uint32_t rest = m->large ? 0 : m->len - rpc_wire_first_bytes(m);
    return 1 + (rest + RPC_FRAG_BYTES - 1) / RPC_FRAG_BYTES;
}

/* Number of LMP messages m takes; 0 if rpc_wire_check refuses it. */
static inline unsigned rpc_wire_count(const struct rpc_msg *m)
{
    return rpc_wire_check(m) == SYS_ERR_OK ? rpc_wire_count_checked(m) : 0;
}
/* LMP message number i (0 <= i < rpc_wire_count(m)) of m into words;
 * returns its word count (what to send). */
uint32_t rpc_wire_encode(const struct rpc_msg *m, unsigned i,
                         uint32_t words[LMP_MSG_WORDS]);

/* The PEER_DEAD notice about domain_id; returns its word count. */
uint32_t rpc_wire_encode_peer_dead(uint32_t domain_id, uint32_t words[LMP_MSG_WORDS]);

/* ---- sending at another width (UMP) ------------------------------------ */

/* Scalars the first message of width w carries (all, unless they spill). */
static inline uint32_t rpc_wire_first_scalars_w(uint32_t nscalar, uint32_t w)
{
    uint32_t room = w - RPC_FIRST_WORDS;
    return RPC_WIRE_SPILLS(w) && nscalar > room ? room : nscalar;
}

/* Payload bytes that fit in a first message of width w with nscalar
 * scalars. */
static inline uint32_t rpc_wire_first_capacity_w(uint32_t nscalar, uint32_t w)
{
    uint32_t room = w - RPC_FIRST_WORDS;
    return RPC_WIRE_SPILLS(w) && nscalar >= room ? 0 : 4 * (room - nscalar);
}

/* Inline payload bytes the first message of m carries at width w. */
static inline uint32_t rpc_wire_first_bytes_w(const struct rpc_msg *m, uint32_t w)
{
    uint32_t cap = rpc_wire_first_capacity_w(m->nscalar, w);
    return m->large ? 0 : m->len < cap ? m->len : cap;
}

/* SYS_ERR_OK if m can be encoded at width w: LIB_ERR_RPC_BAD_MESSAGE
 * (kind, or no bytes for a non-zero inline length), LIB_ERR_RPC_TOO_LARGE
 * (nscalar > RPC_MAX_SCALARS, len > RPC_MAX_BYTES, or a LARGE message
 * whose scalars do not fit its first message). */
static inline errval_t rpc_wire_check_w(const struct rpc_msg *m, uint32_t w)
{
    if (m->kind != RPC_KIND_REQUEST && m->kind != RPC_KIND_RESPONSE) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    if (m->nscalar > RPC_MAX_SCALARS || m->len > RPC_MAX_BYTES) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    if (RPC_WIRE_SPILLS(w) && m->large && m->nscalar > w - RPC_FIRST_WORDS) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    if (!m->large && m->len > 0 && m->bytes == NULL) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    return SYS_ERR_OK;
}

/* Number of messages of width w of an m that passed rpc_wire_check_w. */
static inline unsigned rpc_wire_count_checked_w(const struct rpc_msg *m, uint32_t w)
{
    /* The stream of scalars and bytes, less what the first message holds. */
    uint32_t body = 4 * m->nscalar + (m->large ? 0 : m->len);
    uint32_t first = 4 * (w - RPC_FIRST_WORDS);
    uint32_t rest = body > first ? body - first : 0;
    return 1 + (rest + RPC_FRAG_BYTES_W(w) - 1) / RPC_FRAG_BYTES_W(w);
}

/* Number of messages of width w m takes; 0 if rpc_wire_check_w refuses it. */
static inline unsigned rpc_wire_count_w(const struct rpc_msg *m, uint32_t w)
{
    return rpc_wire_check_w(m, w) == SYS_ERR_OK ? rpc_wire_count_checked_w(m, w) : 0;
}

/* Message i of m at width w (RPC_WIRE_MIN_WORDS <= w <= RPC_WIRE_MAX_WORDS;
 * i < rpc_wire_count_w(m, w)): at most w words. */
uint32_t rpc_wire_encode_w(const struct rpc_msg *m, unsigned i,
                           uint32_t words[RPC_WIRE_MAX_WORDS], uint32_t w);

/* ---- receiving -------------------------------------------------------- */

/* Reassembly of one incoming message from its LMP messages. */
struct rpc_reasm {
    bool active;                /* a first message came, more expected */
    struct rpc_msg msg;         /* the message being assembled */
    uint32_t got;               /* payload bytes received so far */
    uint8_t next_frag;          /* index the next fragment must carry */
    void *(*alloc)(size_t);     /* malloc in libsys; NULL: use buf */
    void (*release)(void *);
    uint8_t *buf;               /* caller's buffer (when alloc is NULL) */
    size_t buf_bytes;
    /* What a sender may make us hold (rpc_reasm_limit): the payload of a
     * message whose bytes come inline -- storage held while its fragments
     * trickle in -- and of any message, frames included. */
    uint32_t max_inline;
    uint32_t max_bytes;
    uint32_t sgot;              /* scalars received so far (narrow widths:
                                 * RPC_WIRE_SPILLS; rpc_wire_decode_w) */
};

/* Payload bytes of each message are allocated with alloc(len + 1) and
 * NUL-terminated; a completed message's bytes belong to the caller.  An
 * empty payload allocates nothing: its bytes are NULL. */
void rpc_reasm_init(struct rpc_reasm *r, void *(*alloc)(size_t),
                    void (*release)(void *));
/* Payload bytes go into buf (no allocation): a message longer than
 * bytes is refused with LIB_ERR_RPC_TOO_LARGE; it is NUL-terminated if
 * there is room.  The next message overwrites it. */
void rpc_reasm_init_buf(struct rpc_reasm *r, void *buf, size_t bytes);
/* Refuse (LIB_ERR_RPC_TOO_LARGE) a first message announcing more than
 * max_inline payload bytes inline, or more than max_bytes in all.  Both
 * start at RPC_MAX_BYTES; servers lower them (docs/rpc.md, "Limits"). */
void rpc_reasm_limit(struct rpc_reasm *r, uint32_t max_inline, uint32_t max_bytes);

/*
 * Feed one LMP message of n words.  *done is set when r->msg is complete.
 * Errors (the partial message, if any, is dropped and r is idle again):
 *   LIB_ERR_RPC_BAD_MESSAGE  malformed header or word count, a fragment
 *                            with no message in progress, of another
 *                            method or seq, or out of order, LAST set
 *                            early or missing -- and a first message
 *                            arriving while one is in progress: that
 *                            one was cut short.  The new first message
 *                            is not consumed; feeding it again starts it.
 *   LIB_ERR_RPC_TOO_LARGE    length over RPC_MAX_BYTES, the buffer or
 *                            a limit (rpc_reasm_limit)
 *   LIB_ERR_MALLOC_FAIL
 * After these two, r->msg still holds the refused message's header
 * (method, kind, seq): a server can answer it with the error.
 *   LIB_ERR_RPC_PEER_DEAD    a PEER_DEAD notice (anything in progress
 *                            is dropped: its sender is gone)
 */
errval_t rpc_wire_decode(struct rpc_reasm *r, const uint32_t *words,
                         uint32_t n, bool *done);
/* The same for messages of width w (as rpc_wire_encode_w's): a message
 * of more than w words is malformed. */
errval_t rpc_wire_decode_w(struct rpc_reasm *r, const uint32_t *words,
                           uint32_t n, uint32_t w, bool *done);

#endif
