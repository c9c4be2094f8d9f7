/*
 * libsys/include/sys/rpc.h -- RPC over LMP channels (docs/rpc.md).
 *
 * An rpc_chan is an LMP channel plus the state of at most one call in
 * flight.  The policy: one call at a time per channel; a second thread
 * calling on the same channel waits (on a mutex) until the first call has
 * its response.  Requests and responses carry a sequence number, so a
 * stale response can never be taken for the current one.
 *
 * Payloads up to rpc_frame_threshold bytes travel inline, fragmented over
 * as many LMP messages as needed; larger ones in a shared frame
 * (sys/payload.h).
 *
 * An rpc_chan may instead run over a UMP channel to another core
 * (rpc_chan_init_ump; sys/rpc_ump.h): the same calls work on it.
 */
#ifndef LIBSYS_RPC_H
#define LIBSYS_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/lmp_chan.h>
#include <sys/payload.h>
#include <sys/rpc_marshal.h>
#include <sys/rpc_ump.h>
#include <sys/rpc_wire.h>
#include <sys/threads.h>

/* Measured in `make bench` (docs/lmp.md, rpc_string_*): sending a
 * stream of messages of one size, inline fragments cost less up to about
 * 500 bytes and a shared frame less above (at 1 KiB already half); a
 * frame that cannot be reused (the first large message after small ones)
 * costs about twice that.  Payloads of up to this many bytes go inline.
 * A variable so that the benchmark can measure both ways. */
#define RPC_FRAME_THRESHOLD_DEFAULT 512
extern uint32_t rpc_frame_threshold;

/* What a server grants each client channel (docs/reliability.md,
 * "Servers under attack"); rpc_serve sets them.  A send to a client is
 * tried RPC_SERVE_SEND_TRIES times (yielding between tries) while the
 * client's buffer or receive slot stays full; then the client is dropped
 * (rpc_chan_drop).  A request may bring at most RPC_SERVE_MAX_INLINE
 * bytes inline -- what a half-sent request can make the server hold --
 * unless the server lowers (or raises) it with rpc_reasm_limit. */
#define RPC_SERVE_SEND_TRIES    16
#define RPC_SERVE_MAX_INLINE    (64u * 1024)

struct rpc_chan;
typedef void (*rpc_handler_fn)(struct rpc_chan *rc, struct rpc_payload *req,
                               struct rpc_payload *resp);
/*
 * The generated server dispatch of an interface's scalar-only methods
 * (rpc_<NAME>_fixed_dispatch, scripts/rpcgen.py; docs/rpc.md, section 2):
 * in is one fixed-layout request (in[0] its header, its scalars from
 * in[RPC_FIRST_WORDS] on), read where it lies -- in the ring, as a rule;
 * it calls the typed handler in `handlers` (a struct
 * rpc_<NAME>_fixed_handlers) and leaves the server's error in
 * out[RPC_FIRST_WORDS], the response's scalars after it (in and out may
 * be the same words).  Returns the response's header but its sequence
 * number, RPC_FIXED_ANSWER(method, how many scalars) -- a constant in each
 * case of the generated switch, so that the server need not build it at
 * run time -- or -1, without calling anything: no typed handler for this
 * method -- the request then goes to the handler table.
 */
typedef int rpc_fixed_dispatch_fn(struct rpc_chan *rc, const void *handlers,
                                  const uint32_t *in, uint32_t out[LMP_MSG_WORDS]);
/* The header of a typed handler's answer of n scalars (after its error)
 * to method m, without the sequence number (bits 16-31; sys/rpc_wire.h):
 * what a rpc_fixed_dispatch_fn returns. */
#define RPC_FIXED_ANSWER(m, n) \
    (RPC_HDR((m), RPC_KIND_RESPONSE, 0, 1 + (n), 0) | RPC_HDR_LAST_BIT)

struct rpc_chan {
    struct lmp_chan lc;
    struct thread_mutex call_lock;  /* one call in flight */
    uint16_t seq;
    /* server side: the length of handlers (below); a method at or past it
     * is unknown.  (Here, in seq's padding: rpc_chan stays its size.) */
    uint16_t num_handlers;
    struct rpc_reasm rx;
    struct capref rx_cap;           /* cap that came with the message */
    struct payload_frame frame;     /* our large-payload frame (reused) */
    /* server side */
    const rpc_handler_fn *handlers; /* indexed by method, num_handlers long */
    struct waitset *ws;
    uint16_t cur_seq;               /* the request being handled */
    uint8_t cur_method;
    uint32_t client_id;             /* the client's domain id: vouched for
                                     * by init (rpc_service.c), or only
                                     * claimed (rpc_bind) */
    void (*on_bind)(struct rpc_chan *rc);  /* listener: a client bound */
    void *st;                       /* the server's per-client state */
    uint32_t send_tries;            /* per LMP message; 0: no limit */
    bool dead;                      /* peer gone, or dropped by the server */
    /* server side: typed handlers of scalar-only methods, or NULL
     * (rpc_serve_fixed) */
    rpc_fixed_dispatch_fn *fixed_dispatch;
    const void *fixed_handlers;
    bool all_methods;               /* server side: handlers[0] serves every
                                     * method (rpc_serve_all) */
    struct rpc_ump *ump;            /* NULL: over LMP (lc); else over UMP,
                                     * lc unused (libsys/rpc_ump.c) */
};

/* Client and server both start from an accepted channel. */
errval_t rpc_chan_init(struct rpc_chan *rc, struct capref remote);
/* An rpc_chan over a UMP channel in the mapped, zeroed shared memory
 * [buf, buf + bytes) (ump_chan_init's layout; first: the side that sends
 * in the lower half).  Client or server as an LMP one; sys/rpc_ump.h
 * says what differs. */
errval_t rpc_chan_init_ump(struct rpc_chan *rc, void *buf, size_t bytes, bool first);
/* Tear down a channel: its endpoint, the peer's capability, half-received
 * messages.  (rc itself is the caller's to free.) */
void rpc_chan_destroy(struct rpc_chan *rc);

/*
 * Make a call: send req (scalars, bytes, cap) and wait for the response.
 * resp->bytes is malloc'd (free it), resp->cap is a fresh slot or NULL_CAP.
 * Returns a transport error, else the server's error (resp->err).
 */
errval_t rpc_call(struct rpc_chan *rc, unsigned m,
                  const struct rpc_payload *req, struct rpc_payload *resp);

/* Server: handle calls on rc from the waitset with this handler table, of
 * num_handlers entries (RPC_<INTERFACE>_COUNT, or RPC_BASE_COUNT for one
 * that serves only the shared methods); a method at or past its end, or
 * without a handler, is answered LIB_ERR_RPC_UNKNOWN_METHOD.
 * Sets the server's limits on rc (RPC_SERVE_*, above).  A capability that
 * comes with a request and that the handler does not take (by setting
 * req->cap to NULL_CAP) is deleted once the request is answered. */
errval_t rpc_serve(struct rpc_chan *rc, const rpc_handler_fn *handlers,
                   unsigned num_handlers, struct waitset *ws);
/* Server: serve rc's scalar-only requests with typed handlers first --
 * handlers is a struct rpc_<NAME>_fixed_handlers, dispatch the generated
 * rpc_<NAME>_fixed_dispatch (docs/rpc.md, section 2); a method whose
 * handler there is NULL goes to the table of rpc_serve as before.  A
 * listener's channels made by rpc_handle_bind inherit it. */
void rpc_serve_fixed(struct rpc_chan *rc, rpc_fixed_dispatch_fn *dispatch,
                     const void *handlers);
/* Server: every method of rc, whatever its number, goes to *handler (a
 * relay that forwards calls it does not read: init's, user/sys/init/relay.c,
 * docs/multikernel.md).  handler points to storage that outlives rc. */
errval_t rpc_serve_all(struct rpc_chan *rc, const rpc_handler_fn *handler,
                       struct waitset *ws);
/* A handler that cannot answer yet sets resp->err = LIB_ERR_RPC_DEFERRED,
 * keeps rc->cur_method and rc->cur_seq, and answers later with this.
 * A client that does not take its answer (LIB_ERR_RPC_PEER_STUCK) is
 * dropped; to a dropped client nothing is sent (LIB_ERR_RPC_PEER_DEAD). */
errval_t rpc_reply(struct rpc_chan *rc, unsigned m, uint16_t seq,
                   struct rpc_payload *resp);
/* Server: stop serving rc (its client misbehaves); the channel stays
 * until whoever owns it destroys it (rpc_service.c: when the client's
 * domain dies). */
void rpc_chan_drop(struct rpc_chan *rc);
/* The RPC_ECHO handler: answers with the request's scalars and bytes. */
void rpc_handle_echo(struct rpc_chan *rc, struct rpc_payload *req,
                     struct rpc_payload *resp);
/* The typed PING handler (.ping of a struct rpc_<NAME>_fixed_handlers):
 * answers with the request's scalar. */
errval_t rpc_handle_ping(struct rpc_chan *rc, uint32_t value, uint32_t *echo);
/* The BIND handler of a listening (public) channel. */
void rpc_handle_bind(struct rpc_chan *listener, struct rpc_payload *req,
                     struct rpc_payload *resp);
/* Raw send of one message (client requests or server responses). */
errval_t rpc_send(struct rpc_chan *rc, unsigned m, uint8_t kind,
                  uint16_t seq, const struct rpc_payload *p);
void rpc_payload_free(struct rpc_payload *p);

/* ---- the fixed layout's call (generated stubs; docs/rpc.md, section 3) ---- */

/* rpc_call_fixed's ways out of line: a channel that is dead, has a
 * message half received, keeps a frame from a large message, or may have
 * other callers (the lock) -- _slow makes the whole call; a failed send,
 * or an answer not found in place -- _rest finishes the call rpc_call_fixed
 * began (send error err, sequence number seq). */
errval_t rpc_call_fixed_slow(struct rpc_chan *rc, unsigned m, uint32_t nreq, uint32_t nresp,
                             uint32_t *w);
errval_t rpc_call_fixed_rest(struct rpc_chan *rc, unsigned m, uint16_t seq, uint32_t nreq,
                             uint32_t nresp, errval_t err, uint32_t *w);

/* The three steps both inline calls below share (and their _slow forms
 * the second).  May the call stay inline: the channel alive, no message
 * half received, no frame kept, no other thread that could call too? */
static inline bool rpc_fixed_inline_ok(struct rpc_chan *rc)
{
    return rc != NULL && !rc->dead && !rc->rx.active && capref_is_null(rc->frame.cap) &&
           thread_count() <= 1;
}

/* The request: the next sequence number (*seq), the header, the length
 * word 0, the nreq scalars already in w[RPC_FIRST_WORDS] on; sent. */
static inline errval_t rpc_fixed_send(struct rpc_chan *rc, unsigned m, uint32_t nreq,
                                      uint32_t *w, uint16_t *seq)
{
    *seq = ++rc->seq;
    w[0] = RPC_HDR(m, RPC_KIND_REQUEST, 0, nreq, *seq) | RPC_HDR_LAST_BIT;
    w[1] = 0;
    return lmp_chan_send(&rc->lc, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, RPC_FIRST_WORDS + nreq, w);
}

/* Is the message in place exactly the answer expected: its LMP length,
 * the length word 0, the header (method, RESPONSE, 1 + nresp scalars,
 * seq, LAST, not LARGE)? */
static inline bool rpc_fixed_answer_is(const struct lmp_peek *in, unsigned m, uint32_t nresp,
                                       uint16_t seq)
{
    return in->len == RPC_FIRST_WORDS + 1 + nresp && in->words[1] == 0 &&
           in->words[0] == (RPC_HDR(m, RPC_KIND_RESPONSE, 0, 1 + nresp, seq) | RPC_HDR_LAST_BIT);
}

/*
 * The call of a generated stub whose method has scalars only both ways:
 * the request's nreq scalars are in w[RPC_FIRST_WORDS] on; the answer
 * leaves the server's error in w[RPC_FIRST_WORDS] and its nresp scalars
 * after it.  Returns a transport error, LIB_ERR_RPC_BAD_MESSAGE for an
 * answer that is not of the method's shape, else the server's error.
 *
 * The words are the LMP message itself: no struct rpc_payload, no
 * lmp_recv_msg.  The answer is read in place in our ring (lmp_chan_peek)
 * and recognised by comparing its words with exactly the ones expected --
 * the header (method, RESPONSE, scalar count, seq, LAST, not LARGE), the
 * length word 0, the LMP length.  Inline, so that in each stub m, nreq and
 * nresp are constants: the header is mostly a constant and the copies are
 * unrolled.  Everything else is out of line, above.
 */
static inline errval_t rpc_call_fixed(struct rpc_chan *rc, unsigned m, uint32_t nreq,
                                      uint32_t nresp, uint32_t w[LMP_MSG_WORDS])
{
    if (!rpc_fixed_inline_ok(rc)) {
        return rpc_call_fixed_slow(rc, m, nreq, nresp, w);
    }
    uint16_t seq;
    errval_t err = rpc_fixed_send(rc, m, nreq, w, &seq);
    struct lmp_peek in;
    if (err_is_fail(err) || !lmp_chan_peek(&rc->lc, &in) ||
        !rpc_fixed_answer_is(&in, m, nresp, seq)) {
        return rpc_call_fixed_rest(rc, m, seq, nreq, nresp, err, w);
    }
    for (uint32_t i = 0; i <= nresp; i++) {
        w[RPC_FIRST_WORDS + i] = in.words[RPC_FIRST_WORDS + i];
    }
    lmp_chan_consume(&in);
    return w[RPC_FIRST_WORDS];
}

/* ---- the fixed layout with one capability in the answer (docs/rpc.md, section 6) ---- */

/* Server: the answer of a typed handler whose answer has a capability
 * (the generated dispatch calls it): w[RPC_FIRST_WORDS] the error, n
 * scalars after it, sent now from w with a copy of cap (the server keeps
 * its own), to the request rc->cur_method, rc->cur_seq.  The dispatch
 * then returns with LIB_ERR_RPC_DEFERRED in w[RPC_FIRST_WORDS]: answered
 * already, so the scalar-only answers' path tests nothing more. */
void rpc_reply_fixed_cap(struct rpc_chan *rc, struct capref cap, uint32_t n, uint32_t *w);

/* rpc_call_fixed_cap's ways out of line, as rpc_call_fixed's above. */
errval_t rpc_call_fixed_cap_slow(struct rpc_chan *rc, unsigned m, uint32_t nreq,
                                 uint32_t nresp, uint32_t *w, struct capref *cap);
errval_t rpc_call_fixed_cap_rest(struct rpc_chan *rc, unsigned m, uint16_t seq,
                                 uint32_t nreq, uint32_t nresp, errval_t err, uint32_t *w,
                                 struct capref *cap);

/*
 * rpc_call_fixed for a method whose answer is its scalars and one
 * capability (rpcgen's is_fixed_cap): the same request, and the answer
 * read in place the same way -- its words the expected ones, and the
 * capability bit set (lmp_endpoint_peek_cap) -- the capability taken from
 * the receive slot into *cap.  Returns as rpc_call_fixed; *cap is the
 * capability that came (NULL_CAP if none: the caller must have one for
 * SYS_ERR_OK, and deletes one it does not want -- so does the stub).
 */
static inline errval_t rpc_call_fixed_cap(struct rpc_chan *rc, unsigned m, uint32_t nreq,
                                          uint32_t nresp, uint32_t w[LMP_MSG_WORDS],
                                          struct capref *cap)
{
    if (!rpc_fixed_inline_ok(rc)) {
        return rpc_call_fixed_cap_slow(rc, m, nreq, nresp, w, cap);
    }
    uint16_t seq;
    errval_t err = rpc_fixed_send(rc, m, nreq, w, &seq);
    struct lmp_peek in;
    if (err_is_fail(err) || !lmp_endpoint_peek_cap(rc->lc.endpoint, &in) ||
        !rpc_fixed_answer_is(&in, m, nresp, seq)) {
        return rpc_call_fixed_cap_rest(rc, m, seq, nreq, nresp, err, w, cap);
    }
    for (uint32_t i = 0; i <= nresp; i++) {
        w[RPC_FIRST_WORDS + i] = in.words[RPC_FIRST_WORDS + i];
    }
    *cap = lmp_endpoint_take_cap(rc->lc.endpoint);
    lmp_chan_consume(&in);
    return w[RPC_FIRST_WORDS];
}

/* ---- the well-known channels of a domain (libsys/rpc_client.c) ------ */

/* The channel to init every domain has (NULL in init itself). */
struct rpc_chan *get_init_rpc(void);
/* Private channels to the memory server and the serial driver, made on
 * first use (rpc_connect); NULL while the service does not exist. */
struct rpc_chan *get_memserv_rpc(void);
struct rpc_chan *get_serial_rpc(void);
/* The serial driver again, for reading only (stdin's): a thread waiting
 * in rpc_serial_getchar holds its channel and must not hold up output. */
struct rpc_chan *get_serial_input_rpc(void);
/* Start-up: RAM refills from the memory server, stdio through the serial
 * driver once it exists. */
void rpc_client_init(void);

/*
 * A private channel to the service registered as name (rpc_service.c),
 * made through init: init vouches for who we are, and if the service
 * dies, a call waiting on the channel ends with LIB_ERR_RPC_PEER_DEAD.
 * LIB_ERR_NAME_NOT_FOUND if there is no such service (yet).
 */
errval_t rpc_connect(const char *name, struct rpc_chan **ret);
/* init only: how rpc_connect reaches services in init itself. */
extern errval_t (*rpc_connect_hook)(const char *name, struct capref endpoint,
                                    struct capref *service_endpoint);

/* Connect to a published endpoint: BIND, returns a private channel.  The
 * server learns only the domain id we claim (see rpc_connect). */
errval_t rpc_bind(struct capref server_ep, struct rpc_chan **ret);

/* The methods every interface shares (BIND, ECHO, NEW_CLIENT, DOMAIN_DIED),
 * numbered from 0, their structs and stubs: generated from
 * libsys/if/base.idl.  Each service's own methods are numbered after them,
 * in its own interface file: include <if/init.h>, <if/memserv.h>, ... for
 * them (docs/rpc.md, section 2). */
#include <if/base.h>

/* By hand (rpc_client.c): */
/* One character to the terminal, in order with printf's output: it joins
 * the calling thread's stdout line, which goes out through rc now (as
 * SERIAL_WRITE_STREAM on stdout's stream).  Its error, if any; the
 * character is then not written. */
errval_t rpc_serial_putchar(struct rpc_chan *rc, char c);
/* The ids of all running domains (PROCESS_LIST without the names), in a
 * malloc'd array the caller frees. */
errval_t rpc_process_get_all_pids(struct rpc_chan *rc, uint32_t **pids, size_t *count);

#endif
