/*
 * libsys/include/sys/rpc_service.h -- a service: a domain that serves an
 * RPC interface to other domains, each on a private channel it makes when
 * init introduces the client (docs/rpc.md, "services").
 *
 *   client                      init                         service
 *   rpc_connect("name") --- SERVICE_CONNECT(name, ep) -->
 *                                 NEW_CLIENT(client id, ep) ---> new channel
 *                       <-- its endpoint --------------------- for that id
 *   rpc_get_ram_cap(...) --------- on the private channel --------->
 *
 * The service registers a *control* channel with init (SERVICE_REGISTER);
 * init never gives it to anyone, so whatever arrives on it comes from
 * init: NEW_CLIENT, DOMAIN_DIED, and the service's own control methods.
 * Therefore rc->client_id of a client channel is the client's true domain
 * id, which quotas and the terminal's foreground rely on.
 *
 * One rule keeps this deadlock-free: a service never blocks in a call to
 * init (or to any domain that might be waiting for it) while it handles a
 * request; init forwards SERVICE_CONNECT on a thread of its own.
 */
#ifndef LIBSYS_RPC_SERVICE_H
#define LIBSYS_RPC_SERVICE_H

#include <sys/rpc.h>
#include <sys/waitset.h>

struct rpc_service_client;

/* Channels one client domain may hold to one service at a time; one more
 * is refused with LIB_ERR_RPC_TOO_MANY_CHANNELS (docs/reliability.md,
 * "Resource limits").  Three: a domain's stdout and stdin take two to the
 * serial driver, and init holds a third there for Ctrl-C (its waiting
 * call occupies its channel).  A service has LMP_ENDPOINTS_MAX endpoints
 * in all. */
#define RPC_SERVICE_CHANNELS_PER_CLIENT 3

struct rpc_service {
    /* Filled in by the service before rpc_service_start: */
    const char *name;                   /* what clients rpc_connect to */
    const rpc_handler_fn *handlers;     /* the methods clients may call */
    unsigned num_handlers;              /* its length: RPC_<INTERFACE>_COUNT */
    /* Typed handlers of scalar-only methods, served before the table, or
     * NULL: a struct rpc_<INTERFACE>_fixed_handlers and the generated
     * rpc_<INTERFACE>_fixed_dispatch (rpc_serve_fixed, docs/rpc.md). */
    rpc_fixed_dispatch_fn *fixed_dispatch;
    const void *fixed_handlers;
    /* Methods only init may call, or NULL; NEW_CLIENT and DOMAIN_DIED are
     * libsys' own (a table of at least RPC_BASE_COUNT entries is made). */
    const rpc_handler_fn *control;
    unsigned num_control;
    void (*client_new)(struct rpc_chan *rc);   /* a client came: set rc->st */
    /* A client's domain died: free rc->st and forget every reference to
     * rc (deferred answers); the channel is destroyed right after. */
    void (*client_gone)(struct rpc_chan *rc);
    /* Any domain died (after its channels are gone), or NULL. */
    void (*domain_died)(uint32_t domain_id);
    /* The largest request payload a client may send, inline or in a
     * frame; 0: RPC_SERVE_MAX_INLINE inline, RPC_MAX_BYTES in a frame. */
    uint32_t max_request_bytes;

    /* libsys' own: */
    struct waitset *ws;
    struct rpc_chan ctl;                /* init's channel to us */
    rpc_handler_fn *ctl_table;          /* control, NEW_CLIENT, DOMAIN_DIED */
    unsigned num_ctl;
    struct rpc_service_client *clients;
    unsigned num_clients;
};

/* Register with init and serve on ws (run event_dispatch(ws) to serve). */
errval_t rpc_service_start(struct rpc_service *svc, struct waitset *ws);

#endif
