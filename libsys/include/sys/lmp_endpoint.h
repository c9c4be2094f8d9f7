/*
 * libsys/include/sys/lmp_endpoint.h -- the receiving end of LMP: a ring
 * buffer in this dispatcher's frame that the kernel writes (docs/lmp.md).
 */
#ifndef LIBSYS_LMP_ENDPOINT_H
#define LIBSYS_LMP_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/lmp.h>
#include <sys/cspace.h>
#include <sys/lmp_call_layout.h>
#include <sys/threads.h>

#define LMP_ENDPOINTS_MAX       32      /* one lmp_pending bit each */
#define LMP_DEFAULT_BUF_WORDS   ((LMP_MSG_WORDS + 1) * 8)

struct lmp_recv_msg {
    uint32_t len;                       /* payload words */
    uint32_t words[LMP_MSG_WORDS];
    bool has_cap;                       /* a capability came with it */
};

struct lmp_endpoint {
    struct lmp_endpoint_kern *kern;     /* the buffer in the frame */
    uint32_t buf_offset;                /* ... as an offset in the frame */
    uint32_t buf_bytes;
    uint32_t ring_mask;                 /* ring words - 1 (a power of two) */
    uint32_t id;                        /* its lmp_pending bit */
    struct capref recv_slot;            /* where an incoming cap lands */
    struct thread_queue waiters;        /* threads in lmp_endpoint_wait */
    void (*notify)(struct lmp_endpoint *ep, void *arg);  /* waitset hook */
    void *notify_arg;
    bool in_use;
};

/*
 * A new endpoint with room for buf_words words (header words included) and
 * a minted EndPoint capability to it in *ep_cap (a fresh slot), which may
 * be given to senders.
 */
errval_t lmp_endpoint_create(struct lmp_endpoint **ret, uint32_t buf_words,
                             struct capref *ep_cap);
void lmp_endpoint_destroy(struct lmp_endpoint *ep);

/* Take the next message, if any (LIB_ERR_LMP_NO_MESSAGE).  *cap is the
 * capability that came with it (the old receive slot, now the caller's; a
 * new empty receive slot is set up) or NULL_CAP.  With cap == NULL, a
 * capability that came is deleted.  (The general case; the inline
 * lmp_endpoint_recv below takes the common one itself.) */
errval_t lmp_endpoint_recv_any(struct lmp_endpoint *ep, struct lmp_recv_msg *msg,
                               struct capref *cap);

/*
 * lmp_words_copy -- n words from the ring to a message: a switch that
 * falls through, one load and one store a word after one computed jump,
 * where a loop pays a compare and a branch for every word (docs/lmp.md,
 * section 5).  n must be at most LMP_MSG_WORDS -- the callers have tested
 * it -- so the jump needs no test of its own.
 */
static inline void lmp_words_copy(uint32_t *to, const uint32_t *from, uint32_t n)
{
    switch (n) {
    case 10: to[9] = from[9];   /* fall through */
    case 9:  to[8] = from[8];   /* fall through */
    case 8:  to[7] = from[7];   /* fall through */
    case 7:  to[6] = from[6];   /* fall through */
    case 6:  to[5] = from[5];   /* fall through */
    case 5:  to[4] = from[4];   /* fall through */
    case 4:  to[3] = from[3];   /* fall through */
    case 3:  to[2] = from[2];   /* fall through */
    case 2:  to[1] = from[1];   /* fall through */
    case 1:  to[0] = from[0];   /* fall through */
    case 0:  break;
    default: __builtin_unreachable();
    }
}

/*
 * lmp_endpoint_recv -- the same, with the common case inline: a message
 * without a capability that does not wrap past the end of the ring is
 * copied here, without a call; everything else goes to
 * lmp_endpoint_recv_any, which does the same for it.  `consumed` is
 * advanced after the words are copied (the barrier keeps the compiler
 * from moving it earlier): until then the kernel will not reuse them.
 * Mirrored in libsys/arch/armv7/lmp_call.S (lmp_ep_call's receive, which
 * tests the same and sends the same cases to lmp_endpoint_recv_any).
 */
static inline errval_t lmp_endpoint_recv(struct lmp_endpoint *ep,
                                         struct lmp_recv_msg *msg,
                                         struct capref *cap)
{
    struct lmp_endpoint_kern *k = ep->kern;
    uint32_t c = k->consumed;
    if (k->delivered == c) {
        return LIB_ERR_LMP_NO_MESSAGE;
    }
    uint32_t at = c & ep->ring_mask;
    const uint32_t *h = &k->buf[at];
    uint32_t len = h[0];                /* the header: no cap bit, <= 10 */
    if (__builtin_expect(len > LMP_MSG_WORDS || at + len > ep->ring_mask, 0)) {
        return lmp_endpoint_recv_any(ep, msg, cap);
    }
    msg->len = len;
    msg->has_cap = false;
    lmp_words_copy(msg->words, h + 1, len);
    __asm__ volatile("" ::: "memory");
    k->consumed = c + 1 + len;
    if (cap) {
        *cap = NULL_CAP;
    }
    return SYS_ERR_OK;
}

/*
 * Reading in place, for the RPC layer's fixed layout (docs/rpc.md,
 * section 3): lmp_endpoint_peek says where the next message's words lie in
 * the ring (p->words) and how many there are (p->len), without copying
 * them -- if there is one and it is of the common kind (no capability,
 * not wrapping past the end of the ring); else false, and
 * lmp_endpoint_recv takes whatever there is.  The words stay valid until
 * lmp_endpoint_consume(p) hands their space back to the kernel (after the
 * caller has read them: the barrier keeps the compiler from moving the
 * store earlier).
 *
 * p also keeps the ring and the value its consumed counter takes then
 * (p->kern, p->next): the counter is volatile and the barrier makes the
 * compiler forget ep->kern, so consuming by a length would load both
 * again (traced: 1 instruction more at a client, 3 at a server, which
 * calls its handler in between; docs/lmp.md, section 3).  p is the
 * caller's local and stays in registers.
 */
struct lmp_peek {
    const uint32_t *words;
    uint32_t len;
    struct lmp_endpoint_kern *kern;
    uint32_t next;                      /* consumed, once it is taken */
};

/* Both peeks: hdr_cap is the header's capability bit the message must
 * have (0 or LMP_HDR_CAP; a constant in each caller). */
static inline bool lmp_endpoint_peek_kind(struct lmp_endpoint *ep, struct lmp_peek *p,
                                          uint32_t hdr_cap)
{
    struct lmp_endpoint_kern *k = ep->kern;
    uint32_t c = k->consumed;
    if (k->delivered == c) {
        return false;
    }
    uint32_t at = c & ep->ring_mask;
    uint32_t n = k->buf[at] - hdr_cap;  /* the header less the bit: <= 10 */
    if (n > LMP_MSG_WORDS || at + n > ep->ring_mask) {
        return false;
    }
    p->words = &k->buf[at + 1];
    p->len = n;
    p->kern = k;
    p->next = c + 1 + n;
    return true;
}

static inline bool lmp_endpoint_peek(struct lmp_endpoint *ep, struct lmp_peek *p)
{
    return lmp_endpoint_peek_kind(ep, p, 0);
}

/*
 * The same for a message that brought a capability (the RPC layer's
 * answers with one, docs/rpc.md, section 6): true if the next message has
 * the capability bit and does not wrap.  The capability is in the receive
 * slot: lmp_endpoint_take_cap takes it (before lmp_endpoint_consume gives
 * the words' space back).
 */
static inline bool lmp_endpoint_peek_cap(struct lmp_endpoint *ep, struct lmp_peek *p)
{
    return lmp_endpoint_peek_kind(ep, p, LMP_HDR_CAP);
}

/* The capability of the message just peeked (the receive slot, now the
 * caller's); a new empty receive slot is set up, as lmp_endpoint_recv
 * does. */
struct capref lmp_endpoint_take_cap(struct lmp_endpoint *ep);

static inline void lmp_endpoint_consume(const struct lmp_peek *p)
{
    __asm__ volatile("" ::: "memory");
    p->kern->consumed = p->next;
}

/*
 * A call (docs/lmp.md, section 3, "A call"): a sync send, and then, when
 * the kernel hands the CPU back, the receive of the answer -- in one
 * assembly routine, lmp_ep_call (libsys/arch/armv7/lmp_call.S), which
 * keeps what it needs across the system call instead of returning to C in
 * between.  The message goes both ways in msg: msg.len words of
 * msg.words are sent (with the capability at cap if word has
 * SYSW_FLAG_CAP), and the answer is received into msg with exactly
 * lmp_endpoint_recv(reply, &msg, NULL)'s contract -- so a capability
 * that comes with the answer is deleted.  A server uses the same routine
 * as its reply-and-receive: the answer in msg goes out, the next request
 * comes into msg.
 *
 * Returns the send's error if the send fails (nothing received), else
 * what lmp_endpoint_recv returns (LIB_ERR_LMP_NO_MESSAGE if no answer is
 * there yet).  A msg.len above LMP_MSG_WORDS is sent as a word the
 * kernel refuses (lmp_call_word, below).  One thread at a time per
 * struct lmp_call.
 */
struct lmp_call {
    struct lmp_endpoint_kern *kern;     /* reply->kern, */
    uint32_t ring_mask;                 /* ... reply->ring_mask, */
    const uint32_t *last;               /* ... &kern->buf[ring_mask]: one ldmdb */
    uint32_t word;                      /* SYS_INVOKE | flags (| CAP), len 0 */
    capaddr_t ep;                       /* the endpoint capability's address */
    capaddr_t cap;                      /* the capability to send, or 0 */
    struct lmp_recv_msg msg;            /* right after them (lmp_call.S) */
    struct lmp_endpoint *reply;         /* where the answer comes */
};

/* The offsets lmp_call.S uses (sys/lmp_call_layout.h), checked. */
_Static_assert(offsetof(struct lmp_call, msg.len) == LMP_CALL_MSG_LEN, "lmp_call.S");
_Static_assert(offsetof(struct lmp_call, msg.words) == LMP_CALL_MSG_WORDS, "lmp_call.S");
_Static_assert(offsetof(struct lmp_call, msg.has_cap) == LMP_CALL_MSG_HAS_CAP, "lmp_call.S");
_Static_assert(offsetof(struct lmp_call, word) == LMP_CALL_WORD &&
               offsetof(struct lmp_call, ep) == LMP_CALL_WORD + 4 &&
               offsetof(struct lmp_call, cap) == LMP_CALL_WORD + 8, "lmp_call.S");
_Static_assert(offsetof(struct lmp_call, kern) == LMP_CALL_KERN &&
               offsetof(struct lmp_call, ring_mask) == LMP_CALL_KERN + 4 &&
               offsetof(struct lmp_call, last) == LMP_CALL_KERN + 8 &&
               LMP_CALL_KERN + 12 == LMP_CALL_WORD, "lmp_call.S");
_Static_assert(offsetof(struct lmp_call, reply) == LMP_CALL_REPLY, "lmp_call.S");
_Static_assert(offsetof(struct lmp_endpoint_kern, consumed) == LMP_KERN_CONSUMED &&
               offsetof(struct lmp_endpoint_kern, buf) == LMP_KERN_BUF, "lmp_call.S");

/*
 * The word a call sends: c->word with msg.len in its length field -- or,
 * for a length above LMP_MSG_WORDS, a word the kernel refuses, so that
 * no other message goes out in its place: 11 to 2^31 - 1 become 15
 * (SYS_ERR_LMP_PAYLOAD_TOO_LONG), 2^31 and above -16, which sets the
 * word's reserved bits too (SYS_ERR_INVARGS_SYSCALL).  A signed
 * saturation, one ssat in lmp_call.S (which points here), where an
 * unsigned clamp takes a compare and a move.
 */
static inline uint32_t lmp_call_word(uint32_t word, uint32_t len)
{
    const int32_t hi = (1 << (LMP_CALL_LEN_SAT - 1)) - 1, lo = -hi - 1;
    int32_t n = (int32_t)len;
    n = n > hi ? hi : n < lo ? lo : n;
    return word | (uint32_t)n << SYSW_LEN_SHIFT;
}
_Static_assert((1u << (LMP_CALL_LEN_SAT - 1)) - 1 == SYSW_LEN_MASK &&
               ((uint32_t)-(1 << (LMP_CALL_LEN_SAT - 1)) << SYSW_LEN_SHIFT &
                SYSW_RESERVED_MASK) == SYSW_RESERVED_MASK, "lmp_call_word");

/* word: lmp_send_word(flags, 0, cap, &cap_addr) (sys/lmp_chan.h), the
 * length left 0 -- each call puts msg.len's in (lmp_call_word). */
static inline void lmp_call_init(struct lmp_call *c, uint32_t word, capaddr_t ep,
                                 capaddr_t cap, struct lmp_endpoint *reply)
{
    c->word = word & ~(SYSW_LEN_MASK << SYSW_LEN_SHIFT);
    c->ep = ep;
    c->cap = cap;
    c->kern = reply->kern;
    c->ring_mask = reply->ring_mask;
    c->last = &reply->kern->buf[reply->ring_mask];
    c->reply = reply;
}

errval_t lmp_ep_call(struct lmp_call *c);

bool lmp_endpoint_has_message(struct lmp_endpoint *ep);
/* Block the calling thread until a message is waiting. */
void lmp_endpoint_wait(struct lmp_endpoint *ep);

/* Give the endpoint a slot for the next incoming capability. */
errval_t lmp_endpoint_alloc_recv_slot(struct lmp_endpoint *ep);

/* Called by disp_poll_events (disabled): wake waiters of endpoints with
 * news. */
void lmp_endpoints_poll(void);

#endif
