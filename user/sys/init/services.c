/*
 * user/sys/init/services.c -- init's service registry (docs/rpc.md): a
 * service registers its control channel (SERVICE_REGISTER); a client asks
 * for a channel to it (SERVICE_CONNECT), which the connector thread
 * obtains from the service, so that the event thread never waits for a
 * service that might be waiting for init; the client's endpoint is kept
 * as a watch, to tell it (PEER_DEAD) if the service dies; and every
 * service hears of every domain's end (DOMAIN_DIED).
 */
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/lmp_chan.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <sys/threads.h>
#include <sprat/lmp.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>
#include "init.h"

#define MAX_SERVICES    8
#define MAX_WATCHES     256
/* Services one domain may register (docs/reliability.md, "Resource
 * limits"); one more is refused with LIB_ERR_NAME_LIMIT. */
#define SERVICES_PER_DOMAIN 2
/* How often init retries telling a client that its service died, while
 * the client's buffer is full (it is not reading: give up eventually). */
#define PEER_DEAD_SEND_TRIES 100

/* A service (rpc_service.c): our end of its control channel. */
struct service {
    bool used;
    bool dead;
    unsigned busy;                  /* threads using ctl right now */
    char name[NAME_BYTES];
    uint32_t owner;                 /* its domain */
    struct rpc_chan ctl;
};

/* A client's endpoint of a channel to a service: told if the service dies. */
struct watch {
    bool used;
    uint32_t service;               /* the service's domain */
    uint32_t client;
    struct capref ep;
};

static struct service services[MAX_SERVICES];
static struct watch watches[MAX_WATCHES];
static struct thread_cond connect_wanted = THREAD_COND_INITIALIZER;

static struct service *service_find(const char *name)
{
    for (unsigned i = 0; i < MAX_SERVICES; i++) {
        if (services[i].used && !services[i].dead && strcmp(services[i].name, name) == 0) {
            return &services[i];
        }
    }
    return NULL;
}

static void watch_add(uint32_t service, uint32_t client, struct capref ep)
{
    for (unsigned i = 0; i < MAX_WATCHES; i++) {
        if (!watches[i].used) {
            watches[i] = (struct watch){ true, service, client, ep };
            return;
        }
    }
    cap_destroy(ep);                /* full: this client is not told */
}

/* ---- services ------------------------------------------------------------- */

/* The control channel of service `name`, kept usable until service_put
 * even if the service dies meanwhile. */
static struct service *service_get(const char *name)
{
    thread_mutex_lock(&lock);
    struct service *s = service_find(name);
    if (s) {
        s->busy++;
    }
    thread_mutex_unlock(&lock);
    return s;
}

static void service_free_locked(struct service *s)
{
    rpc_chan_destroy(&s->ctl);
    s->used = false;
}

static void service_put(struct service *s)
{
    thread_mutex_lock(&lock);
    if (--s->busy == 0 && s->dead) {
        service_free_locked(s);
    }
    thread_mutex_unlock(&lock);
}

bool service_exists(const char *name)
{
    thread_mutex_lock(&lock);
    bool found = service_find(name) != NULL;
    thread_mutex_unlock(&lock);
    return found;
}

/* Wait until a service has registered (start-up). */
void wait_for_service(const char *name)
{
    thread_mutex_lock(&lock);
    while (service_find(name) == NULL) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

/* Ask service `name` for a channel for client `client`, whose endpoint is
 * ep (ours to keep: it becomes the client's watch). */
errval_t connect_service(const char *name, uint32_t client, struct capref ep,
                                struct capref *service_ep)
{
    struct service *s = service_get(name);
    if (s == NULL) {
        cap_destroy(ep);
        return LIB_ERR_NAME_NOT_FOUND;
    }
    errval_t err = rpc_new_client(&s->ctl, client, ep, service_ep);
    thread_mutex_lock(&lock);
    bool client_alive = client == INIT_DOMAIN_ID || domain_by_id(client) != NULL ||
                        relay_client_across_locked(client);
    if (err_is_ok(err) && !s->dead && client_alive) {
        watch_add(s->owner, client, ep);
    } else {
        cap_destroy(ep);
    }
    thread_mutex_unlock(&lock);
    if (err_is_ok(err) && !client_alive) {
        rpc_domain_died(&s->ctl, client);   /* it died while we asked */
    }
    service_put(s);
    return err;
}

/* rpc_connect in init itself: straight to the service. */
errval_t connect_local(const char *name, struct capref endpoint,
                              struct capref *service_ep)
{
    struct capref mine;
    errval_t err = slot_alloc(&mine);
    if (err_is_ok(err) && err_is_fail(err = cap_copy(mine, endpoint))) {
        slot_free(mine);
    }
    return err_is_ok(err) ? connect_service(name, INIT_DOMAIN_ID, mine, service_ep) : err;
}

/* The memory server's numbers (control channel). */
errval_t memserv_stats(size_t *free_bytes, size_t *total, uint32_t *clients)
{
    struct service *s = service_get("memserv");
    if (s == NULL) {
        return LIB_ERR_NAME_NOT_FOUND;
    }
    errval_t err = rpc_mem_stats(&s->ctl, free_bytes, total, clients);
    service_put(s);
    return err;
}

void set_home(uint32_t id)
{
    struct service *s = service_get("serial");
    if (s) {
        errval_t err = rpc_serial_set_home(&s->ctl, id);
        if (err_is_fail(err)) {
            DEBUG_ERR(err, "giving domain %u the terminal for good", (unsigned)id);
        }
        service_put(s);
    }
}

void set_foreground(uint32_t id)
{
    struct service *s = service_get("serial");
    if (s) {
        errval_t err = rpc_serial_set_foreground(&s->ctl, id);
        if (err_is_fail(err)) {
            DEBUG_ERR(err, "giving domain %u the terminal", (unsigned)id);
        }
        service_put(s);
    }
}

static uint32_t service_owner(unsigned i)
{
    return services[i].used && !services[i].dead ? services[i].owner : 0;
}

/* A service gives us its control endpoint; we answer with ours. */
void h_service_register(struct rpc_chan *rc, struct rpc_payload *req,
                               struct rpc_payload *resp)
{
    struct rpc_service_register_req in;
    if ((resp->err = rpc_service_register_req_unpack(req, &in)) ||
        (resp->err = check_endpoint(in.control))) {
        return;
    }
    thread_mutex_lock(&lock);
    struct service *s = NULL;
    if (owned_by(rc->client_id, MAX_SERVICES, service_owner) >= SERVICES_PER_DOMAIN) {
        resp->err = LIB_ERR_NAME_LIMIT;
    } else if (service_find(in.name) || strlen(in.name) >= NAME_BYTES || !in.name[0]) {
        resp->err = LIB_ERR_NAME_IN_USE;
    } else {
        for (unsigned i = 0; i < MAX_SERVICES && s == NULL; i++) {
            s = services[i].used ? NULL : &services[i];
        }
        resp->err = s ? rpc_chan_init(&s->ctl, in.control) : LIB_ERR_NAME_NOT_FOUND;
    }
    if (err_is_ok(resp->err)) {
        req->cap = NULL_CAP;
        /* A service that stops taking our notices (DOMAIN_DIED) must
         * not stop us: our sends to it give up as a server's do. */
        s->ctl.send_tries = RPC_SERVE_SEND_TRIES;
        strcpy(s->name, in.name);
        s->owner = rc->client_id;
        s->dead = false;
        s->busy = 0;
        s->used = true;
        struct rpc_service_register_resp out = { s->ctl.lc.local_cap };
        resp->err = rpc_service_register_resp_pack(resp, &out);
        thread_cond_broadcast(&changed);
    }
    thread_mutex_unlock(&lock);
}

/* SERVICE_CONNECT waits in the client's domain entry for the connector
 * thread, which asks the service: the event thread never waits for a
 * service that might be waiting for us. */
void h_connect(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_service_connect_req in;
    struct domain *d = rc->st;
    if ((resp->err = rpc_service_connect_req_unpack(req, &in)) ||
        (resp->err = check_endpoint(in.endpoint))) {
        return;
    }
    thread_mutex_lock(&lock);
    if (d->connect.pending) {
        /* One at a time per domain: the first one's endpoint waits in
         * d->connect, and a flood of them would take the connector. */
        thread_mutex_unlock(&lock);
        resp->err = LIB_ERR_RPC_BUSY;
        return;
    }
    d->connect.pending = true;
    d->connect.seq = rc->cur_seq;
    d->connect.ep = in.endpoint;
    snprintf(d->connect.name, sizeof(d->connect.name), "%s", in.name);
    req->cap = NULL_CAP;
    thread_cond_signal(&connect_wanted);
    thread_mutex_unlock(&lock);
    resp->err = LIB_ERR_RPC_DEFERRED;
}

/* A channel for client to service `name`: straight to it; through relays
 * on this core (RELAY_PREFIX); or, if there is no such service here,
 * through relays to the other core's (relay.c). */
static errval_t connect_any(const char *name, uint32_t client, struct capref ep,
                            struct capref *service_ep)
{
    size_t n = strlen(RELAY_PREFIX);
    if (strncmp(name, RELAY_PREFIX, n) == 0) {
        return relay_connect_local(name + n, client, ep, service_ep);
    }
    if (!service_exists(name) && relay_remote_possible()) {
        return relay_connect_remote(name, client, ep, service_ep);
    }
    return connect_service(name, client, ep, service_ep);
}

int connector(void *arg)
{
    (void)arg;
    for (;;) {
        thread_mutex_lock(&lock);
        struct domain *d;
        while ((d = next_connect_locked()) == NULL) {
            thread_cond_wait(&connect_wanted, &lock);
        }
        uint32_t id = d->si.domain_id;
        uint16_t seq = d->connect.seq;
        char name[NAME_BYTES];
        strcpy(name, d->connect.name);
        struct capref ep = d->connect.ep;
        d->connect.pending = false;
        thread_mutex_unlock(&lock);

        struct rpc_service_connect_resp out = { NULL_CAP };
        errval_t err = connect_any(name, id, ep, &out.service_endpoint);
        thread_mutex_lock(&lock);
        if (domain_by_id(id) == d) {    /* the client still exists (not dying) */
            if (err_is_ok(err)) {
                rpc_service_connect_reply(&d->chan, seq, &out);
            } else {
                rpc_reply(&d->chan, RPC_SERVICE_CONNECT, seq, &(struct rpc_payload){ .err = err });
            }
        }
        thread_mutex_unlock(&lock);
        cap_destroy(out.service_endpoint);
    }
    return 0;
}

/* Tell a client that the service at the other end of its channel died:
 * a PEER_DEAD notice on its endpoint ends its wait (rpc_wire.h). */
void tell_peer_dead(struct capref ep, uint32_t service)
{
    struct lmp_chan to = { .endpoint = NULL };
    lmp_chan_set_remote(&to, ep);
    uint32_t words[LMP_MSG_WORDS];
    uint32_t n = rpc_wire_encode_peer_dead(service, words);
    for (unsigned i = 0; i < PEER_DEAD_SEND_TRIES; i++) {
        if (!lmp_err_is_transient(lmp_chan_send(&to, LMP_FLAG_NONBLOCK, NULL_CAP, n, words))) {
            return;
        }
        thread_yield();
        sys_yield(CPTR_NULL);
    }
}

/* Tell every service (one-way) that domain id is gone. */
void tell_services(uint32_t id)
{
    for (unsigned i = 0; i < MAX_SERVICES; i++) {
        thread_mutex_lock(&lock);
        struct service *s = &services[i];
        bool live = s->used && !s->dead;
        if (live) {
            s->busy++;
        }
        thread_mutex_unlock(&lock);
        if (live) {
            errval_t err = rpc_domain_died(&s->ctl, id);
            if (err_is_fail(err)) {
                printf("init: service %s was not told that domain %u died (%s), and "
                       "keeps what it gave that domain\n", s->name, (unsigned)id,
                       err_getcode(err));
            }
            service_put(s);
        }
    }
}

bool owns_service(uint32_t id)
{
    for (unsigned i = 0; i < MAX_SERVICES; i++) {
        if (services[i].used && !services[i].dead && services[i].owner == id) {
            return true;
        }
    }
    return false;
}

errval_t mem_numbers(struct mem_numbers *m)
{
    m->init_free = ram_free_bytes();
    return memserv_stats(&m->memserv_free, &m->memserv_total, NULL);
}

/* What the memory server has granted domain id. */
errval_t memserv_usage(uint32_t id, size_t *bytes)
{
    struct service *s = service_get("memserv");
    if (s == NULL) {
        return LIB_ERR_NAME_NOT_FOUND;
    }
    errval_t err = rpc_mem_usage(&s->ctl, id, bytes);
    service_put(s);
    return err;
}

void services_forget_locked(uint32_t id)
{
    for (unsigned i = 0; i < MAX_SERVICES; i++) {
        struct service *s = &services[i];
        if (s->used && !s->dead && s->owner == id) {
            s->dead = true;
            if (s->busy == 0) {
                service_free_locked(s);
            } else {
                /* A thread waits on the control channel: wake it. */
                tell_peer_dead(s->ctl.lc.local_cap, id);
            }
        }
    }
    for (unsigned i = 0; i < MAX_WATCHES; i++) {
        struct watch *w = &watches[i];
        if (w->used && (w->service == id || w->client == id)) {
            if (w->service == id) {
                tell_peer_dead(w->ep, id);
            }
            cap_destroy(w->ep);
            w->used = false;
        }
    }
}
