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
 * as many LMP messages as needed; larger ones in a shared frame.
 */
#ifndef LIBSYS_RPC_H
#define LIBSYS_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/lmp_chan.h>
#include <sys/rpc_wire.h>
#include <sys/threads.h>

enum rpc_method {
#define RPC(name, server, text) RPC_##name,
#include <sprat/rpc_methods.def>
#undef RPC
    RPC_METHOD_COUNT
};

/* Measured in `make bench` (docs/lmp.md, rpc_string_*): sending a
 * stream of messages of one size, inline fragments cost less up to about
 * 500 bytes and a shared frame less above (at 1 KiB already half); a
 * frame that cannot be reused (the first large message after small ones)
 * costs about twice that.  Payloads of up to this many bytes go inline.
 * A variable so that the benchmark can measure both ways. */
#define RPC_FRAME_THRESHOLD_DEFAULT 512
extern uint32_t rpc_frame_threshold;

/* One request or response as handlers and callers see it. */
struct rpc_payload {
    uint32_t nscalar;
    uint32_t scalar[RPC_MAX_SCALARS];
    uint8_t *bytes;             /* received: malloc'd, NUL-terminated;
                                 * NULL when len is 0 */
    uint32_t len;
    struct capref cap;          /* NULL_CAP if none */
    errval_t err;               /* responses: the server's verdict */
};

struct rpc_chan;
typedef void (*rpc_handler_fn)(struct rpc_chan *rc, struct rpc_payload *req,
                               struct rpc_payload *resp);

struct rpc_chan {
    struct lmp_chan lc;
    struct thread_mutex call_lock;  /* one call in flight */
    uint16_t seq;
    struct rpc_reasm rx;
    struct capref rx_cap;           /* cap that came with the message */
    struct capref last_frame;       /* our large-payload frame (reused) */
    uint32_t last_frame_bytes;
    /* server side */
    const rpc_handler_fn *handlers; /* indexed by method */
    struct waitset *ws;
    uint16_t cur_seq;               /* the request being handled */
    uint8_t cur_method;
    uint32_t client_id;             /* domain id the client gave at BIND */
    void (*on_bind)(struct rpc_chan *rc);  /* listener: a client bound */
    void *st;                       /* the server's per-client state */
    bool dead;
};

/* Client and server both start from an accepted channel. */
errval_t rpc_chan_init(struct rpc_chan *rc, struct capref remote);

/*
 * Make a call: send req (scalars, bytes, cap) and wait for the response.
 * resp->bytes is malloc'd (free it), resp->cap is a fresh slot or NULL_CAP.
 * Returns a transport error, else the server's error (resp->err).
 */
errval_t rpc_call(struct rpc_chan *rc, enum rpc_method m,
                  const struct rpc_payload *req, struct rpc_payload *resp);

/* Server: handle calls on rc from the waitset with this handler table. */
errval_t rpc_serve(struct rpc_chan *rc, const rpc_handler_fn *handlers,
                   struct waitset *ws);
/* A handler that cannot answer yet sets resp->err = LIB_ERR_RPC_DEFERRED,
 * keeps rc->cur_method and rc->cur_seq, and answers later with this. */
errval_t rpc_reply(struct rpc_chan *rc, enum rpc_method m, uint16_t seq,
                   struct rpc_payload *resp);
/* The RPC_ECHO handler: answers with the request's scalars and bytes. */
void rpc_handle_echo(struct rpc_chan *rc, struct rpc_payload *req,
                     struct rpc_payload *resp);
/* The BIND handler of a listening (public) channel. */
void rpc_handle_bind(struct rpc_chan *listener, struct rpc_payload *req,
                     struct rpc_payload *resp);
/* Raw send of one message (client requests or server responses). */
errval_t rpc_send(struct rpc_chan *rc, enum rpc_method m, uint8_t kind,
                  uint16_t seq, const struct rpc_payload *p);
void rpc_payload_free(struct rpc_payload *p);

/* ---- the well-known channels of a domain (libsys/rpc_client.c) ------ */

struct rpc_chan *get_init_rpc(void);
struct rpc_chan *get_memserv_rpc(void);
struct rpc_chan *get_serial_rpc(void);
/* Start-up: RAM refills come from the memory server. */
void rpc_client_init(void);
/* Send stdout to the serial driver from now on (init, once it exists). */
void rpc_client_use_serial(void);
/* Connect to a server's public endpoint: BIND, returns a private channel. */
errval_t rpc_bind(struct capref server_ep, struct rpc_chan **ret);

/* The client API. */
errval_t rpc_send_number(struct rpc_chan *rc, uint32_t number);
errval_t rpc_send_string(struct rpc_chan *rc, const char *string);
errval_t rpc_get_ram_cap(struct rpc_chan *rc, size_t bytes, size_t alignment,
                         struct capref *ret, size_t *ret_bytes);
errval_t rpc_serial_putchar(struct rpc_chan *rc, char c);
errval_t rpc_serial_getchar(struct rpc_chan *rc, char *c);
errval_t rpc_serial_write(struct rpc_chan *rc, const char *buf, size_t len);
errval_t rpc_process_spawn(struct rpc_chan *rc, const char *cmdline,
                           uint32_t *domain_id);
errval_t rpc_process_get_name(struct rpc_chan *rc, uint32_t domain_id,
                              char **name);
errval_t rpc_process_list(struct rpc_chan *rc, char **list);
errval_t rpc_process_wait(struct rpc_chan *rc, uint32_t domain_id, int *status);
errval_t rpc_name_register(struct rpc_chan *rc, const char *name, struct capref ep);
errval_t rpc_name_lookup(struct rpc_chan *rc, const char *name, struct capref *ep);
errval_t rpc_echo(struct rpc_chan *rc, const struct rpc_payload *req,
                  struct rpc_payload *resp);

#endif
