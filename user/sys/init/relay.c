/*
 * user/sys/init/relay.c -- relays: init forwards a client's calls to a
 * service it cannot reach itself (docs/multikernel.md, "Binding across
 * cores").  A binding across cores is two relays, one in each init:
 *
 *   client --LMP--> near relay --UMP--> far relay --LMP--> server
 *                   (init.1)            (init.0)
 *          <-------- the server's answer, back the same way --------
 *
 * A relay does not read what it forwards: every method (rpc_serve_all),
 * its scalars, bytes and capability go on unchanged, and the answer,
 * whatever it is, comes back to the caller.  Each relay has a thread and
 * a waitset of its own, so a call waiting for its answer (a getchar
 * waiting for a key) holds up that binding only, never init's event
 * thread nor another binding.
 *
 * The far relay connects to the service on its own thread, as the client
 * would: services.c vouches for the client's id, so the service's quotas
 * and per-client limits count the client, not init.  The near relay's
 * first call, RPC_BIND, asks how that went (the handshake), so that the
 * client hears LIB_ERR_NAME_NOT_FOUND from rpc_connect, not from its first
 * call.
 *
 * The name "relay:NAME" makes both relays in this init, with LMP between
 * them: a binding across cores but for the channel between the inits --
 * the relays' test (tests/user/t_relay) and make bench's
 * rpc_roundtrip_relay row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <sys/waitset.h>
#include <sys/vregion.h>
#include <if/core.h>
#include "cores.h"
#include "init.h"
#include "xcap.h"

/* Bindings through relays one client domain may have at a time (near
 * relays: a far one is there for a near one), and relays of all domains
 * together (docs/reliability.md, "Resource limits"): each costs init a
 * thread and an LMP endpoint or two, of the LMP_ENDPOINTS_MAX (32) a
 * domain has -- and init needs one for every domain's channel to it.  A
 * binding across cores takes one relay in each init; one through
 * "relay:", two in this one.  One more is refused with
 * LIB_ERR_RPC_TOO_MANY_CHANNELS. */
#define RELAYS_PER_CLIENT   4
#define RELAYS_MAX          12
/* A binding's UMP channel between the inits: one page, its two rings of
 * 32 lines in the lower half (ump_chan_init); RELAYS_MAX of them in the
 * near side's pool (lent_take). */
#define RELAY_FRAME_BYTES   4096
/* A relay's thread needs little: rpc_call and rpc_reply. */
#define RELAY_STACK         (16 * 1024)

struct relay {
    struct rpc_chan in;                 /* from the client (or near relay): served */
    struct rpc_chan out;                /* on to the server (or far relay) */
    struct waitset ws;                  /* in's, and stopper's */
    struct waitset_chanstate stopper;   /* relays_forget_locked's wake-up */
    uint32_t client;                    /* the client's domain id */
    bool stop;                          /* its client is gone */
    /* A far relay: the service it connects to on its thread, and how
     * that went -- the answer to the handshake, its first request. */
    bool far;
    bool across;                        /* its peer relay is on the other core */
    /* across: the UMP channel's frame, and where it is mapped.  The near
     * side allocated it and keeps it (lent: the other core maps it);
     * the far side unmaps it and deletes its copy at the end. */
    struct capref frame;
    uint32_t frame_va;
    uint32_t frame_base;                /* its physical address: its name on both cores */
    char service[NAME_BYTES];
    errval_t connected;
    bool greeted;
    struct relay *next;
    struct relay *ready_next;           /* waiting for a thread */
};

static struct relay *relays;            /* lock held */
/* Their memory: a fixed pool, so that relays never grow init's heap (it
 * does not shrink; see relay threads below). */
static struct relay pool[RELAYS_MAX];
static bool pool_used[RELAYS_MAX];      /* lock held */

/* ---- forwarding ------------------------------------------------------------ */

/*
 * Every method: the same call on out, and its answer back -- or, if out
 * failed (the server died: LIB_ERR_RPC_PEER_DEAD), that error.  Answered
 * here rather than by serve_one, so that the capability that came with
 * the answer (ours, a copy) is deleted once it has gone on.
 */
static void forward(struct rpc_chan *in, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct relay *r = in->st;
    unsigned m = in->cur_method;
    uint16_t seq = in->cur_seq;
    struct rpc_payload answer;

    if (!r->greeted) {                  /* a far relay's handshake */
        r->greeted = true;
        resp->err = m == RPC_BIND ? r->connected : LIB_ERR_RPC_BAD_MESSAGE;
        r->stop |= err_is_fail(resp->err);  /* (its client may be gone already) */
        return;
    }
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
        lmp_chan_set_remote(&r->out.lc, service_ep);
    }
    return err;
}

/* ---- the frames of bindings across cores ----------------------------------- */

/*
 * The near side allocates a binding's frame and lends it (xcap); it may
 * reuse the memory only once neither relay uses it -- the far one may
 * still write an answer into it after the near one has gone.  So a lent
 * frame is free again when both are done: the near relay's end, and the
 * far one's CORE_FRAME_DONE, in either order.  The frames are a pool of
 * RELAYS_MAX, made (and mapped) together for the first binding and kept:
 * memory a binding took would otherwise come back only after its
 * client's end has been answered (t_core1 remote checks core 1's memory
 * comes back exactly after a kill).
 */
static struct lent {
    bool busy, near_done, far_done;
    uint32_t base, va;
    struct capref cap;
} lent[RELAYS_MAX];                     /* lock held */
static unsigned lent_made;

/* Make the pool's frames (lock held). */
static void lent_make_locked(void)
{
    while (lent_made < RELAYS_MAX) {
        struct lent *l = &lent[lent_made];
        struct capability_info info;
        if (err_is_fail(frame_alloc(&l->cap, RELAY_FRAME_BYTES))) {
            return;
        }
        if (err_is_fail(paging_map_frame(&l->va, l->cap, RELAY_FRAME_BYTES,
                                         VREGION_FLAGS_READ_WRITE)) ||
            err_is_fail(cap_identify(l->cap, &info))) {
            mem_free(l->cap);
            return;
        }
        l->base = info.base;
        lent_made++;
    }
}

/* A free frame of the pool, zeroed, for r (near) -- or an error. */
static errval_t lent_take(struct relay *r)
{
    struct lent *l = NULL;
    thread_mutex_lock(&lock);
    lent_make_locked();
    for (unsigned i = 0; i < lent_made && l == NULL; i++) {
        l = lent[i].busy ? NULL : &lent[i];
    }
    if (l != NULL) {
        l->busy = true;
        l->near_done = l->far_done = false;
    }
    thread_mutex_unlock(&lock);
    if (l == NULL) {
        return LIB_ERR_RPC_TOO_MANY_CHANNELS;
    }
    memset((void *)l->va, 0, RELAY_FRAME_BYTES);
    r->frame = l->cap;
    r->frame_va = l->va;
    r->frame_base = l->base;
    return SYS_ERR_OK;
}

/* One side is done with the frame at base; after both, it is free. */
static void lent_done(uint32_t base, bool near)
{
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < lent_made; i++) {
        struct lent *l = &lent[i];
        if (l->busy && l->base == base) {
            l->near_done |= near;
            l->far_done |= !near;
            l->busy = !(l->near_done && l->far_done);
            break;
        }
    }
    thread_mutex_unlock(&lock);
}

/* The far side: the other init may reuse the frame at base now. */
static void frame_done_tell(uint32_t base)
{
    /* (A notice needs no lock: rpc_ump_send keeps its lines together.) */
    errval_t err = rpc_core_frame_done(&cores_rpc, base);
    if (err_is_fail(err) && err != LIB_ERR_RPC_PEER_DEAD) {    /* (its core stopped) */
        DEBUG_ERR(err, "giving a relay's frame back");
    }
}

/* A relay's channels and memory (its thread has ended, or never ran). */
static void relay_free(struct relay *r)
{
    thread_mutex_lock(&lock);
    for (struct relay **p = &relays; *p != NULL; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            break;
        }
    }
    thread_mutex_unlock(&lock);
    if (r->stopper.state != CHAN_UNREGISTERED) {
        waitset_chan_deregister(&r->stopper);
    }
    if (r->in.lc.endpoint != NULL || r->in.ump != NULL) {       /* made */
        rpc_chan_destroy(&r->in);
    }
    if (r->out.lc.endpoint != NULL || r->out.ump != NULL) {
        rpc_chan_destroy(&r->out);
    }
    if (r->far && r->across && r->frame_va != 0) {
        paging_unmap(r->frame_va, RELAY_FRAME_BYTES);
        cap_destroy(r->frame);
        frame_done_tell(r->frame_base);
    } else if (r->across && r->frame_va != 0) {
        lent_done(r->frame_base, true);
    }
    thread_mutex_lock(&lock);
    pool_used[r - pool] = false;
    thread_mutex_unlock(&lock);
}

/* The relay's thread: (a far relay: connects to its service, then)
 * serves in until its client is gone -- or stops taking its answers
 * (rpc_reply drops it) -- and frees the relay.  A far relay answers its
 * handshake even if its client went first: the near side waits for it. */
static void relay_run(struct relay *r)
{
    if (!r->greeted) {                  /* a far relay */
        r->connected = relay_out_local(r, r->service);
    }
    errval_t err = rpc_serve_all(&r->in, &forward_fn, &r->ws);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "serving a relay");
    }
    while (err_is_ok(err) && (!r->stop || !r->greeted) && !r->in.dead) {
        event_dispatch(&r->ws);
    }
    relay_free(r);
}

/*
 * Relay threads: RELAYS_MAX of them, made together for the first relay
 * and kept, each taking the next relay when its own ends.  A thread's
 * stack is 16 KiB of init's heap, which does not shrink: threads made as
 * bindings come would make init's free memory fall by a stack whenever
 * more bindings than ever before are open at once (t_core1 remote checks
 * core 1's memory comes back exactly after a kill).
 */
static struct relay *ready;             /* relays waiting for a thread (lock held) */
static struct thread_cond relay_wanted = THREAD_COND_INITIALIZER;
static unsigned relay_threads;

static int relay_worker(void *arg)
{
    (void)arg;
    for (;;) {
        thread_mutex_lock(&lock);
        while (ready == NULL) {
            thread_cond_wait(&relay_wanted, &lock);
        }
        struct relay *r = ready;
        ready = r->ready_next;
        thread_mutex_unlock(&lock);
        relay_run(r);
    }
    return 0;
}

/* Make the threads, if not yet made (lock held). */
static void relay_threads_make_locked(void)
{
    while (relay_threads < RELAYS_MAX) {
        struct thread *t = thread_create_stack(relay_worker, NULL, RELAY_STACK);
        if (t == NULL) {
            break;
        }
        thread_detach(t);
        relay_threads++;
    }
}

/* Hand r to a relay thread (making them the first time). */
static errval_t relay_hand_over(struct relay *r)
{
    thread_mutex_lock(&lock);
    relay_threads_make_locked();
    if (relay_threads > 0) {
        r->ready_next = ready;
        ready = r;
        thread_cond_signal(&relay_wanted);
    }
    thread_mutex_unlock(&lock);
    return relay_threads > 0 ? SYS_ERR_OK : LIB_ERR_MALLOC_FAIL;
}

/* ---- making them ----------------------------------------------------------- */

/* Is there room for one more relay for client (lock held)? */
static bool room_for_locked(uint32_t client)
{
    unsigned all = 0, mine = 0;
    for (struct relay *r = relays; r != NULL; r = r->next) {
        all++;                          /* (a stopping one still holds its channels) */
        mine += r->client == client && !r->stop && !r->far;
    }
    return all < RELAYS_MAX && mine < RELAYS_PER_CLIENT;
}

/* A relay for client, whose `in` comes from endpoint ep (ours to keep;
 * NULL_CAP: the caller makes in): NULL if the client has too many, or no
 * memory (*err says which).  It is on the list from here on, so that its
 * client's end stops it. */
static struct relay *relay_new(uint32_t client, struct capref ep, errval_t *err)
{
    struct relay *r = NULL;
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < RELAYS_MAX && r == NULL && room_for_locked(client); i++) {
        if (!pool_used[i]) {
            pool_used[i] = true;
            r = &pool[i];
        }
    }
    thread_mutex_unlock(&lock);
    if (r != NULL) {
        memset(r, 0, sizeof(*r));
    }
    *err = r == NULL ? LIB_ERR_RPC_TOO_MANY_CHANNELS
         : capref_is_null(ep) ? SYS_ERR_OK : rpc_chan_init(&r->in, ep);
    if (err_is_fail(*err)) {
        cap_destroy(ep);
        if (r != NULL) {
            thread_mutex_lock(&lock);
            pool_used[r - pool] = false;
            thread_mutex_unlock(&lock);
        }
        return NULL;
    }
    r->client = r->in.client_id = client;
    r->in.st = r;
    r->greeted = true;                  /* (but a far relay's first request) */
    waitset_init(&r->ws);
    waitset_chanstate_init(&r->stopper);
    thread_mutex_lock(&lock);
    r->next = relays;
    relays = r;
    thread_mutex_unlock(&lock);
    return r;
}

/* A copy of endpoint ep in a new slot. */
static errval_t endpoint_copy(struct capref ep, struct capref *copy)
{
    errval_t err = slot_alloc(copy);
    if (err_is_ok(err) && err_is_fail(err = cap_copy(*copy, ep))) {
        slot_free(*copy);
    }
    return err;
}

/* Start r's thread (its channels made); *in_ep: a copy of in's endpoint
 * for the other side (the caller's to delete once sent; NULL for a far
 * relay across cores, whose in is UMP).  On failure r is the caller's to
 * free. */
static errval_t relay_start(struct relay *r, struct capref *in_ep)
{
    errval_t err = in_ep ? endpoint_copy(r->in.lc.local_cap, in_ep) : SYS_ERR_OK;
    if (err_is_ok(err) &&
        err_is_ok(err = waitset_chan_register(&r->ws, &r->stopper,
                                              MKCLOSURE(stop_event, r)))) {
        if (err_is_fail(err = relay_hand_over(r)) && in_ep) {
            cap_destroy(*in_ep);
        }
    }
    return err;
}

/* A far relay for client to local service name, its `in` an LMP channel
 * to the near relay's endpoint near_ep (ours to keep); *far_ep: its own. */
static errval_t relay_far_start(const char *name, uint32_t client, struct capref near_ep,
                                struct capref *far_ep)
{
    errval_t err;
    struct relay *r = relay_new(client, near_ep, &err);
    if (r == NULL) {
        return err;
    }
    r->greeted = false;
    r->far = true;
    if (strlen(name) < sizeof(r->service)) {
        strcpy(r->service, name);       /* (read by its thread once it runs) */
        err = relay_start(r, far_ep);
    } else {
        err = LIB_ERR_NAME_NOT_FOUND;   /* no service has such a name */
    }
    if (err_is_fail(err)) {
        relay_free(r);
    }
    return err;
}

/*
 * The handshake: how the far relay's connection to its service went.
 * Then, if near's client ended while the binding was being made: its end
 * stopped the relays it found, but perhaps not the far one, made after
 * -- stopped now, here, or by telling the other init again (its
 * CORE_CLIENT_GONE may have come before our CORE_CONNECT; one more is
 * harmless).  Else the far relay would wait for good for calls that never
 * come, a relay and a channel to the service lost.
 */
static errval_t relay_handshake(struct relay *near)
{
    struct rpc_payload req = { 0 }, resp;
    errval_t err = rpc_call(&near->out, RPC_BIND, &req, &resp);
    rpc_payload_free(&resp);
    cap_destroy(resp.cap);
    thread_mutex_lock(&lock);
    bool gone = near->stop;
    if (gone && !near->across) {
        relays_forget_locked(near->client);
    }
    thread_mutex_unlock(&lock);
    if (gone && near->across) {
        relays_tell_other_core(near->client);
    }
    return err;
}

errval_t relay_connect_local(const char *name, uint32_t client, struct capref ep,
                             struct capref *service_ep)
{
    errval_t err;
    struct capref near_ep, far_ep;
    struct relay *near = relay_new(client, ep, &err);
    if (near == NULL) {
        return err;
    }
    if (err_is_ok(err = rpc_chan_init(&near->out, NULL_CAP)) &&
        err_is_ok(err = endpoint_copy(near->out.lc.local_cap, &near_ep)) &&
        err_is_ok(err = relay_far_start(name, client, near_ep, &far_ep))) {
        lmp_chan_set_remote(&near->out.lc, far_ep);
        if (err_is_ok(err = relay_handshake(near))) {
            err = relay_start(near, service_ep);
        }
    }
    if (err_is_fail(err)) {
        relay_free(near);               /* (a far one stops by itself) */
    }
    return err;
}

/* ---- across cores ---------------------------------------------------------- */

/* A UMP rpc_chan to the other core's init in the mapped frame at va:
 * woken by the SGI, capabilities crossing through xcap. */
static errval_t ump_to_other_core(struct rpc_chan *rc, uint32_t va, bool first)
{
    errval_t err = rpc_chan_init_ump(rc, (void *)va, RELAY_FRAME_BYTES, first);
    if (err_is_ok(err)) {
        cores_set_wake(&rc->ump->uc);
        rpc_chan_set_cap_hooks(rc, xcap_export, xcap_import);
    }
    return err;
}

/* The near relay's out: a frame of the pool, its channel's "first" side. */
static errval_t relay_out_frame(struct relay *r)
{
    errval_t err = lent_take(r);
    if (err_is_ok(err) && err_is_fail(err = ump_to_other_core(&r->out, r->frame_va, true))) {
        lent_done(r->frame_base, true);
        lent_done(r->frame_base, false);        /* (nobody else has it) */
        r->frame_va = 0;
    }
    return err;
}

/*
 * The pools, made now rather than at the first binding: on a core whose
 * domains all bind across cores (their stdout goes to the boot core's
 * serial driver), the first domain would otherwise make them, and their
 * 12 stacks would take the heap's free room left by init's passing
 * buffers (a `ps` table, 4.6 KiB): the next such buffer would grow the
 * heap by a page, and the heap does not shrink -- a page short after
 * the first domain's end.  Made at start, they are part of init's own
 * size from the first `free` on.
 */
void relays_prepare(void)
{
    thread_mutex_lock(&lock);
    relay_threads_make_locked();
    lent_make_locked();
    thread_mutex_unlock(&lock);
}

bool relay_remote_possible(void)
{
    return cores_rpc_opened();
}

/*
 * The near relay of a binding across cores: its out is a UMP channel in a
 * frame of ours, which CORE_CONNECT hands (crossed) to the other core's
 * init for the far relay; the handshake then says whether the service is
 * there.  The frame goes back when both relays are done (lent_done).
 */
errval_t relay_connect_remote(const char *name, uint32_t client, struct capref ep,
                              struct capref *service_ep)
{
    errval_t err;
    struct relay *near = relay_new(client, ep, &err);
    if (near == NULL) {
        return err;
    }
    near->across = true;
    if (err_is_fail(err = relay_out_frame(near))) {
        relay_free(near);
        return err;
    }
    if (err_is_fail(err = rpc_core_connect(&cores_rpc, client, name, near->frame))) {
        /* No far relay maps it (a name the other core does not serve, the
         * common case: clients ask until a service is there): free again. */
        lent_done(near->frame_base, false);
        relay_free(near);
        return err;
    }
    if (err_is_ok(err = relay_handshake(near))) {
        err = relay_start(near, service_ep);
    }
    if (err_is_fail(err)) {
        relay_free(near);               /* (the far one stops by itself) */
    }
    return err;
}

/* CORE_CONNECT, from the other core's init: a far relay on the frame it
 * sent, which connects to our service `name` on its own thread.  Answered
 * at once (the handshake says how connecting went): an init's handler
 * must not wait. */
void h_core_connect(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_connect_req in;
    struct capability_info info;
    if ((resp->err = rpc_core_connect_req_unpack(req, &in)) ||
        (resp->err = cap_identify(in.frame, &info))) {
        return;
    }
    if (info.type != ObjType_Frame || info.bytes < RELAY_FRAME_BYTES) {
        resp->err = SYS_ERR_WRONG_CAP_TYPE;
        return;
    }
    if (strlen(in.name) >= NAME_BYTES || !service_exists(in.name)) {
        resp->err = LIB_ERR_NAME_NOT_FOUND;  /* (the frame goes back at once) */
        return;
    }
    struct relay *r = relay_new(in.client, NULL_CAP, &resp->err);
    if (r == NULL) {
        return;
    }
    r->far = r->across = true;
    r->greeted = false;
    r->frame = in.frame;
    r->frame_base = info.base;
    req->cap = NULL_CAP;                /* the relay's now */
    strcpy(r->service, in.name);
    resp->err = paging_map_frame(&r->frame_va, r->frame, RELAY_FRAME_BYTES,
                                 VREGION_FLAGS_READ_WRITE);
    if (err_is_fail(resp->err)) {
        r->frame_va = 0;
        cap_destroy(r->frame);
    } else if (err_is_ok(resp->err = ump_to_other_core(&r->in, r->frame_va, false))) {
        r->in.client_id = in.client;
        r->in.st = r;
        resp->err = relay_start(r, NULL);
    }
    if (err_is_fail(resp->err)) {
        relay_free(r);
    }
}

/* CORE_CLIENT_GONE: a client on the other core has ended; its relays here
 * stop and our services hear of it, as of a domain of ours. */
void h_core_client_gone(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_client_gone_req in;
    resp->err = LIB_ERR_RPC_DEFERRED;   /* a notification: no answer */
    if (err_is_fail(rpc_core_client_gone_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    bool ours = relay_client_across_locked(in.domain_id);
    if (ours) {                         /* (and no domain of this core) */
        relays_forget_locked(in.domain_id);
    }
    thread_mutex_unlock(&lock);
    if (ours) {
        tell_services(in.domain_id);
    }
}

/* Does r serve, still, a client on the other core (a far relay whose
 * near relay is across)?  Both lookups below ask it (lock held). */
static bool serves_client_across(const struct relay *r)
{
    return r->far && r->across && !r->stop;
}

bool relay_client_across_locked(uint32_t id)
{
    for (struct relay *r = relays; r != NULL; r = r->next) {
        if (r->client == id && serves_client_across(r)) {
            return true;
        }
    }
    return false;
}

/* The other core's init has died (cores.c): every client of a far relay
 * here has gone with its core -- as at its CORE_CLIENT_GONE.  (Their UMP
 * channels are dead already: sys/ump_chan.h's peer_down.) */
void relays_core_down(void)
{
    for (;;) {
        uint32_t id = 0;
        thread_mutex_lock(&lock);
        for (struct relay *r = relays; r != NULL && id == 0; r = r->next) {
            id = serves_client_across(r) ? r->client : 0;
        }
        if (id != 0) {
            relays_forget_locked(id);
        }
        thread_mutex_unlock(&lock);
        if (id == 0) {
            return;
        }
        tell_services(id);
    }
}

/* CORE_FRAME_DONE: the far relay on a frame we lent has ended. */
void h_core_frame_done(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_frame_done_req in;
    resp->err = LIB_ERR_RPC_DEFERRED;   /* a notification: no answer */
    if (err_is_ok(rpc_core_frame_done_req_unpack(req, &in))) {
        lent_done(in.base, false);      /* (a base we never lent: nothing) */
    }
}

/* A domain of ours with relays across cores ended (after
 * relays_forget_locked said so): the other init is told. */
void relays_tell_other_core(uint32_t id)
{
    /* (A notice needs no lock: rpc_ump_send keeps its lines together.) */
    errval_t err = rpc_core_client_gone(&cores_rpc, id);
    if (err_is_fail(err) && err != LIB_ERR_RPC_PEER_DEAD) {    /* (its core stopped) */
        DEBUG_ERR(err, "telling the other core that domain %u ended", (unsigned)id);
    }
}

/* ---- a client's end -------------------------------------------------------- */

/* Domain id is gone (lock held): its relays stop.  One waiting for its
 * answer is woken by a PEER_DEAD notice on out's endpoint (the service
 * drops the client's channels without answering) -- or, across cores, by
 * the far relay's answer once CORE_CLIENT_GONE has stopped it; one
 * waiting for a request, by stopper.  True if the other core's init must
 * be told (relays_tell_other_core). */
bool relays_forget_locked(uint32_t id)
{
    bool across = false;
    for (struct relay *r = relays; r != NULL; r = r->next) {
        if (r->client == id && !r->stop) {
            r->stop = true;
            across |= r->across && !r->far;
            waitset_chan_trigger(&r->stopper);
            if (r->out.ump == NULL && !capref_is_null(r->out.lc.local_cap)) {
                tell_peer_dead(r->out.lc.local_cap, id);
            }
        }
    }
    return across;
}
