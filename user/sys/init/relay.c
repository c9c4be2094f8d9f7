/*
 * user/sys/init/relay.c -- relays: init forwards a client's calls to a
 * service it cannot reach itself (docs/multikernel.md, "Binding across
 * cores").
 *
 *   client --- in (LMP, served here) ---> relay --- out (rpc_call) ---> server
 *          <-- the server's answer ------       <-- its answer ---------
 *
 * A relay does not read what it forwards: every method (rpc_serve_all),
 * its scalars, bytes and capability go out on `out` unchanged, and the
 * answer, whatever it is, comes back to the caller.  Each relay has a
 * thread and a waitset of its own, so a call waiting for its answer (a
 * getchar waiting for a key) holds up that binding only, never init's
 * event thread nor another binding.
 *
 * The name "relay:NAME" asks init for a channel to service NAME through a
 * relay on this core: the same path as a binding across cores, with LMP
 * on both sides -- the relay's test (tests/user/t_relay) and make bench's
 * relay row.  The relay connects to the service on the client's behalf,
 * vouching for the client's id (services.c), so the service's quotas and
 * per-client limits count the client, not init.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <sys/waitset.h>
#include "init.h"

/* Relays one client domain may have at a time (docs/reliability.md,
 * "Resource limits"): each costs init a thread and two endpoints.  One
 * more is refused with LIB_ERR_RPC_TOO_MANY_CHANNELS. */
#define RELAYS_PER_CLIENT   8
/* A relay's thread needs little: rpc_call and rpc_reply. */
#define RELAY_STACK         (16 * 1024)

struct relay {
    struct rpc_chan in;                 /* the client's channel: served here */
    struct rpc_chan out;                /* on to the server */
    struct waitset ws;                  /* in's, and stopper's */
    struct waitset_chanstate stopper;   /* relay_forget_locked's wake-up */
    uint32_t client;                    /* the client's domain id */
    bool stop;                          /* its client is gone */
    struct relay *next;
};

static struct relay *relays;            /* lock held */

/* ---- forwarding ------------------------------------------------------------ */

/*
 * Every method: the same call on out, and its answer back -- or, if out
 * failed (the server died, LIB_ERR_RPC_PEER_DEAD), that error.  Answered
 * here rather than by serve_one, so that the capability that came with
 * the answer (ours, a copy) is deleted once it has gone on.
 */
static void forward(struct rpc_chan *in, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct relay *r = in->st;
    unsigned m = in->cur_method;
    uint16_t seq = in->cur_seq;
    struct rpc_payload answer;

    answer.err = rpc_call(&r->out, m, req, &answer);
    rpc_reply(in, m, seq, &answer);
    if (!capref_is_null(answer.cap)) {
        cap_destroy(answer.cap);
    }
    resp->err = LIB_ERR_RPC_DEFERRED;   /* answered */
}

static const rpc_handler_fn forward_fn = forward;

static void stop_event(void *arg)
{
    (void)arg;                          /* r->stop says it */
}

/* The relay's own thread: serves in until its client is gone (or dropped
 * by rpc_reply: it does not take its answers), then frees the relay. */
static int relay_thread(void *arg)
{
    struct relay *r = arg;
    errval_t err = rpc_serve_all(&r->in, &forward_fn, &r->ws);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "serving a relay");
    }
    while (err_is_ok(err) && !r->stop && !r->in.dead) {
        event_dispatch(&r->ws);
    }
    thread_mutex_lock(&lock);
    for (struct relay **p = &relays; *p != NULL; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            break;
        }
    }
    thread_mutex_unlock(&lock);
    waitset_chan_deregister(&r->stopper);
    rpc_chan_destroy(&r->in);
    rpc_chan_destroy(&r->out);
    free(r);
    return 0;
}

/* ---- making one ------------------------------------------------------------ */

static unsigned relays_of_locked(uint32_t client)
{
    unsigned n = 0;
    for (struct relay *r = relays; r != NULL; r = r->next) {
        n += r->client == client && !r->stop;
    }
    return n;
}

/* A relay for client whose endpoint is ep (ours to keep), its `in` made:
 * NULL if the client has too many, or no memory (*err says which). */
static struct relay *relay_new(uint32_t client, struct capref ep, errval_t *err)
{
    thread_mutex_lock(&lock);
    unsigned n = relays_of_locked(client);
    thread_mutex_unlock(&lock);
    struct relay *r = n < RELAYS_PER_CLIENT ? calloc(1, sizeof(*r)) : NULL;
    *err = n >= RELAYS_PER_CLIENT ? LIB_ERR_RPC_TOO_MANY_CHANNELS
         : r == NULL ? LIB_ERR_MALLOC_FAIL : rpc_chan_init(&r->in, ep);
    if (err_is_fail(*err)) {
        cap_destroy(ep);
        free(r);
        return NULL;
    }
    r->client = client;
    r->in.client_id = client;
    r->in.st = r;
    waitset_init(&r->ws);
    waitset_chanstate_init(&r->stopper);
    return r;
}

/* out: a channel to local service `name` for r's client, made as the
 * client's own would be (services.c vouches for the client's id and
 * watches our end: should the service die, a call in flight ends). */
static errval_t relay_out_local(struct relay *r, const char *name)
{
    struct capref mine, service_ep;
    errval_t err = rpc_chan_init(&r->out, NULL_CAP);
    if (err_is_ok(err) && err_is_ok(err = slot_alloc(&mine)) &&
        err_is_fail(err = cap_copy(mine, r->out.lc.local_cap))) {
        slot_free(mine);
    }
    if (err_is_ok(err) && err_is_ok(err = connect_service(name, r->client, mine, &service_ep))) {
        r->out.lc.remote_cap = service_ep;
    }
    return err;
}

/* Start r (both channels made): its thread serves from now on; the
 * client gets *client_ep, a copy of in's endpoint (the caller's to
 * delete once sent). */
static errval_t relay_start(struct relay *r, struct capref *client_ep)
{
    errval_t err = slot_alloc(client_ep);
    if (err_is_ok(err) && err_is_fail(err = cap_copy(*client_ep, r->in.lc.local_cap))) {
        slot_free(*client_ep);
    }
    if (err_is_ok(err) &&
        err_is_ok(err = waitset_chan_register(&r->ws, &r->stopper,
                                              MKCLOSURE(stop_event, r)))) {
        struct thread *t = thread_create_stack(relay_thread, r, RELAY_STACK);
        if (t == NULL) {
            waitset_chan_deregister(&r->stopper);
            cap_destroy(*client_ep);
            return LIB_ERR_MALLOC_FAIL;
        }
        thread_detach(t);
        thread_mutex_lock(&lock);
        r->next = relays;
        relays = r;
        thread_mutex_unlock(&lock);
    }
    return err;
}

/* A relay's undoing before its thread ran. */
static void relay_abandon(struct relay *r)
{
    rpc_chan_destroy(&r->in);
    if (r->out.lc.endpoint != NULL) {   /* made */
        rpc_chan_destroy(&r->out);
    }
    free(r);
}

errval_t relay_connect_local(const char *name, uint32_t client, struct capref ep,
                             struct capref *service_ep)
{
    errval_t err;
    struct relay *r = relay_new(client, ep, &err);
    if (r == NULL) {
        return err;
    }
    if (err_is_fail(err = relay_out_local(r, name)) ||
        err_is_fail(err = relay_start(r, service_ep))) {
        relay_abandon(r);
    }
    return err;
}

/* ---- a client's end -------------------------------------------------------- */

/* Domain id is gone (lock held): its relays stop.  One waiting for its
 * answer is woken by a PEER_DEAD notice on out's endpoint (the service
 * drops the client's channels without answering); one waiting for a
 * request, by stopper. */
void relays_forget_locked(uint32_t id)
{
    for (struct relay *r = relays; r != NULL; r = r->next) {
        if (r->client == id && !r->stop) {
            r->stop = true;
            waitset_chan_trigger(&r->stopper);
            tell_peer_dead(r->out.lc.local_cap, id);
        }
    }
}
