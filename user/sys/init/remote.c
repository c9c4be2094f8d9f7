/*
 * user/sys/init/remote.c -- domains of another core (docs/multikernel.md,
 * "Domains on core 1"): the process methods of init.idl for a domain id or
 * a core that is not this init's own go to that core's init over cores_rpc
 * (core.idl), and this file serves those methods for the other init.
 *
 * A domain belongs to its core's init alone: that init spawns it from its
 * own RAM, serves its channel, reaps it and gives its memory back to its
 * own memory server.  The boot core's init only forwards -- spawn (with
 * the caller as the parent), kill, ps, a name, memory numbers -- and keeps
 * a record of each child it asked for (remote_children), so that a parent
 * on this core may wait for it (PROCESS_WAIT; the shell's `run -c 1`): the
 * other init tells us of the child's end (CORE_DIED), and we answer the
 * waiter or keep the status, as for a child of our own (procmgr.c).
 *
 * Calls on cores_rpc are made one at a time (rpc_ump_call holds the
 * channel's call lock for the whole call), never with `lock` held: the
 * other init may be calling us meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <if/core.h>
#include <if/init.h>
#include "cores.h"
#include "init.h"

/* Children this init started on other cores that a parent here may still
 * wait for; one more than this is refused (SPAWN_ERR_TOO_MANY_CHILDREN). */
#define MAX_REMOTE_CHILDREN     MAX_DOMAINS

/* An entry whose CORE_SPAWN is in flight: its id is not known yet. */
#define CHILD_IN_FLIGHT         0xffffffffu

static struct remote_child {
    uint32_t id;                    /* 0: a free entry */
    uint32_t parent;                /* the domain here that asked */
    bool ended;
    int status;                     /* once ended */
    uint32_t early_id;              /* in flight: it ended before we knew */
    unsigned num_waiters;
    struct { struct rpc_chan *rc; uint16_t seq; } waiters[MAX_WAITERS];
} children[MAX_REMOTE_CHILDREN];

/* A call on cores_rpc ended with LIB_ERR_RPC_PEER_DEAD: the other core's
 * init died while we waited (docs/multikernel.md, section 7.1). */
static errval_t core_call_end(errval_t err)
{
    return err == LIB_ERR_RPC_PEER_DEAD ? SPAWN_ERR_CORE_DOWN : err;
}

/* ---- the calling side ------------------------------------------------------ */

/* The channel to core's init (a core other than ours), or NULL if there
 * is none: the error then says why. */
static struct rpc_chan *core_chan(unsigned core, errval_t *err)
{
    *err = core == init_core ? SPAWN_ERR_CORE_INVALID : core_check(core);
    if (err_is_ok(*err) && (*err = cores_rpc_ready(core))) {
        return NULL;
    }
    return err_is_ok(*err) ? &cores_rpc : NULL;
}

/* A domain id's core, as a core to call: a bad id (no such core, or a
 * core that runs no init and so no domain) is no such domain. */
static struct rpc_chan *id_chan(uint32_t id, errval_t *err)
{
    struct rpc_chan *rc = core_chan(domain_id_core(id), err);
    if (*err == SPAWN_ERR_CORE_INVALID || *err == SPAWN_ERR_CORE_NO_INIT) {
        *err = SPAWN_ERR_DOMAIN_NOT_FOUND;  /* (a core that died says so) */
    }
    return rc;
}

/* A free entry (lock held), or NULL. */
static struct remote_child *free_child(void)
{
    for (unsigned i = 0; i < MAX_REMOTE_CHILDREN; i++) {
        if (children[i].id == 0) {
            return &children[i];
        }
    }
    return NULL;
}

static struct remote_child *child_of(uint32_t id)
{
    for (unsigned i = 0; i < MAX_REMOTE_CHILDREN; i++) {
        if (children[i].id == id && id != 0 && id != CHILD_IN_FLIGHT) {
            return &children[i];
        }
    }
    return NULL;
}

/* The entry of parent's CORE_SPAWN in flight (lock held), or NULL: the
 * other init may tell of the child's end before its answer is read here
 * (init.1 serves cores_rpc on another thread than the one that calls). */
static struct remote_child *in_flight_of(uint32_t parent)
{
    for (unsigned i = 0; i < MAX_REMOTE_CHILDREN; i++) {
        if (children[i].id == CHILD_IN_FLIGHT && children[i].parent == parent &&
            !children[i].ended) {
            return &children[i];
        }
    }
    return NULL;
}

errval_t remote_spawn(unsigned core, uint32_t parent, const char *name, const char *args,
                      unsigned flags, uint32_t *id)
{
    errval_t err;
    struct rpc_chan *rc = core_chan(core, &err);
    thread_mutex_lock(&lock);
    struct remote_child *c = rc ? free_child() : NULL;
    if (c) {
        *c = (struct remote_child){ .id = CHILD_IN_FLIGHT, .parent = parent };
    }
    thread_mutex_unlock(&lock);
    if (rc == NULL || c == NULL) {
        return rc == NULL ? err : SPAWN_ERR_TOO_MANY_CHILDREN;
    }
    err = core_call_end(rpc_core_spawn(rc, parent, flags & START_ANY_END, name, args, id));
    thread_mutex_lock(&lock);
    bool ended_early = err_is_ok(err) && c->ended && c->early_id == *id;
    bool parent_gone = domain_by_id(parent) == NULL;    /* it may have died meanwhile */
    if (err_is_fail(err) || parent_gone) {
        c->id = 0;
    } else if (ended_early) {
        c->id = *id;                /* its status is kept for the parent */
    } else {
        *c = (struct remote_child){ .id = *id, .parent = parent };
    }
    thread_mutex_unlock(&lock);
    return err;
}

errval_t remote_kill(uint32_t id, bool by_shell)
{
    errval_t err;
    struct rpc_chan *rc = id_chan(id, &err);
    if (rc != NULL) {
        err = core_call_end(rpc_core_kill(rc, id, by_shell));
    }
    return err;
}

errval_t remote_name(uint32_t id, char **name)
{
    errval_t err;
    struct rpc_chan *rc = id_chan(id, &err);
    if (rc != NULL) {
        err = core_call_end(rpc_core_name(rc, id, name));
    }
    return err;
}

errval_t remote_mem(unsigned core, struct mem_numbers *m)
{
    errval_t err;
    struct rpc_chan *rc = core_chan(core, &err);
    if (rc != NULL) {
        err = core_call_end(rpc_core_mem(rc, &m->memserv_free, &m->memserv_total, &m->init_free));
    }
    return err;
}

char *remote_ps_append(char *table)
{
    for (unsigned core = 0; table && core < DOMAIN_ID_MAX_CORES; core++) {
        errval_t err;
        struct rpc_chan *rc = core == init_core ? NULL : core_chan(core, &err);
        char *more = NULL;
        if (rc == NULL) {
            continue;
        }
        err = rpc_core_ps(rc, &more);
        char *both = err_is_ok(err) ? malloc(strlen(table) + strlen(more) + 1) : NULL;
        if (both) {
            strcpy(stpcpy(both, table), more);
            free(table);
            table = both;
        }
        free(more);
    }
    return table;
}

/* PROCESS_WAIT of a domain of another core (lock held): only its parent
 * may wait, as for a child of our own once it has ended. */
errval_t remote_wait_locked(struct rpc_chan *rc, uint32_t id, int *status)
{
    struct remote_child *c = child_of(id);
    if (core_check(domain_id_core(id)) == SPAWN_ERR_CORE_DOWN) {
        return SPAWN_ERR_CORE_DOWN;     /* (remote_core_down forgot it) */
    }
    if (c == NULL || (c->parent != rc->client_id && c->ended)) {
        return SPAWN_ERR_DOMAIN_NOT_FOUND;
    }
    if (c->ended) {
        *status = c->status;
        c->id = 0;                  /* answered once */
        return SYS_ERR_OK;
    }
    for (unsigned i = 0; i < c->num_waiters; i++) {
        if (c->waiters[i].rc == rc) {
            return LIB_ERR_RPC_BUSY;
        }
    }
    if (c->num_waiters == MAX_WAITERS) {
        return LIB_ERR_RPC_BUSY;
    }
    c->waiters[c->num_waiters].rc = rc;
    c->waiters[c->num_waiters].seq = rc->cur_seq;
    c->num_waiters++;
    return LIB_ERR_RPC_DEFERRED;
}

/* Domain dead of this core ended (lock held): its waits for children on
 * other cores go, and so do its children's kept statuses. */
void remote_forget_locked(const struct domain *dead)
{
    for (unsigned i = 0; i < MAX_REMOTE_CHILDREN; i++) {
        struct remote_child *c = &children[i];
        for (unsigned j = 0; c->id != 0 && j < c->num_waiters;) {
            if (c->waiters[j].rc == &dead->chan) {
                c->waiters[j] = c->waiters[--c->num_waiters];
            } else {
                j++;
            }
        }
        if (c->id != 0 && c->id != CHILD_IN_FLIGHT && c->parent == dead->si.domain_id) {
            c->id = 0;
        }
    }
}

/* CORE_DIED, from the other init: a child we asked for has ended. */
void h_core_died(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_died_req in;
    resp->err = LIB_ERR_RPC_DEFERRED;       /* one-way: no answer */
    if (err_is_fail(rpc_core_died_req_unpack(req, &in))) {
        return;
    }
    /* The services first, as reap does: the serial driver gives the
     * terminal back before the shell's PROCESS_WAIT ends. */
    tell_services(in.domain_id);
    thread_mutex_lock(&lock);
    struct remote_child *c = child_of(in.domain_id);
    struct remote_child *early = c ? NULL : in_flight_of(in.parent);
    if (early != NULL) {
        early->ended = true;
        early->status = in.status;
        early->early_id = in.domain_id;
    }
    if (c != NULL && !c->ended) {
        struct rpc_process_wait_resp r = { in.status };
        bool told_parent = false;
        for (unsigned i = 0; i < c->num_waiters; i++) {
            rpc_process_wait_reply(c->waiters[i].rc, c->waiters[i].seq, &r);
            told_parent |= c->waiters[i].rc->client_id == c->parent;
        }
        *c = (struct remote_child){ .id = told_parent ? 0 : c->id, .parent = c->parent,
                                    .ended = true, .status = in.status };
    }
    thread_mutex_unlock(&lock);
}

/* The other core's init has died (cores.c, core_went_down): its domains
 * will never end, nor be told of.  Our services forget them first (the
 * serial driver gives a `run -c 1`'s terminal back to the shell), then
 * every parent waiting for one hears SPAWN_ERR_CORE_DOWN (a later wait
 * too: remote_wait_locked) -- the order of a CORE_DIED.  A CORE_SPAWN
 * still in flight ends by itself (its call: LIB_ERR_RPC_PEER_DEAD). */
void remote_core_down(void)
{
    uint32_t gone[MAX_REMOTE_CHILDREN];
    unsigned n = 0;
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < MAX_REMOTE_CHILDREN; i++) {
        struct remote_child *c = &children[i];
        if (c->id != 0 && c->id != CHILD_IN_FLIGHT && !c->ended) {
            gone[n++] = c->id;
        }
    }
    thread_mutex_unlock(&lock);
    for (unsigned i = 0; i < n; i++) {
        printf("init: domain %u stopped with its core\n", (unsigned)gone[i]);
        tell_services(gone[i]);
    }
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < MAX_REMOTE_CHILDREN; i++) {
        struct remote_child *c = &children[i];
        if (c->id == 0 || c->id == CHILD_IN_FLIGHT) {
            continue;
        }
        for (unsigned j = 0; j < c->num_waiters; j++) {
            rpc_reply(c->waiters[j].rc, RPC_PROCESS_WAIT, c->waiters[j].seq,
                      &(struct rpc_payload){ .err = SPAWN_ERR_CORE_DOWN });
        }
        c->id = 0;
    }
    thread_mutex_unlock(&lock);
}

/* ---- the serving side: the other init asks about our domains ------------------- */

void h_core_spawn(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_spawn_req in;
    struct rpc_core_spawn_resp out = { 0 };
    if ((resp->err = rpc_core_spawn_req_unpack(req, &in)) ||
        (resp->err = spawn_for(in.parent, in.name, in.args, in.flags & START_ANY_END,
                               &out.domain_id))) {
        return;
    }
    resp->err = rpc_core_spawn_resp_pack(resp, &out);
}

void h_core_kill(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_kill_req in;
    if ((resp->err = rpc_core_kill_req_unpack(req, &in)) == SYS_ERR_OK &&
        (resp->err = kill_checked(in.domain_id, in.by_shell != 0)) == SYS_ERR_OK &&
        init_core != 0) {
        /* Answered once it is reaped: its "was killed" is on the console
         * before the caller goes on, as on core 0.  Core 1's init serves
         * cores_rpc on its main thread and reaps on its event thread; the
         * boot core's must not wait: its event thread, which reaps, may
         * be waiting in a call to init.1, whose answer may wait for this
         * one (docs/multikernel.md, section 7). */
        wait_reaped(in.domain_id);
    }
}

void h_core_ps(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_ps_req in;
    if ((resp->err = rpc_core_ps_req_unpack(req, &in))) {
        return;
    }
    char *table = process_table();
    resp->err = table ? rpc_core_ps_resp_pack(resp, &(struct rpc_core_ps_resp){ table })
                      : LIB_ERR_MALLOC_FAIL;
    free(table);
}

void h_core_mem(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_mem_req in;
    struct mem_numbers m;
    if ((resp->err = rpc_core_mem_req_unpack(req, &in)) || (resp->err = mem_numbers(&m))) {
        return;
    }
    resp->err = rpc_core_mem_resp_pack(resp, &(struct rpc_core_mem_resp){
                                           m.memserv_free, m.memserv_total, m.init_free });
}

void h_core_name(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_name_req in;
    char name[NAME_BYTES];
    if ((resp->err = rpc_core_name_req_unpack(req, &in))) {
        return;
    }
    resp->err = domain_name(in.domain_id, name, sizeof(name))
              ? rpc_core_name_resp_pack(resp, &(struct rpc_core_name_resp){ name })
              : SPAWN_ERR_DOMAIN_NOT_FOUND;
}

/* Domain d of ours, started for parent on another core, ended with
 * status: tell that core's init (one-way; reap, death.c). */
void remote_tell_death(const struct domain *d, uint32_t id, int status)
{
    errval_t err;
    if (d->parent == 0 || domain_id_core(d->parent) == init_core ||
        core_chan(domain_id_core(d->parent), &err) == NULL) {
        return;
    }
    /* (A notice needs no lock: libsys's rpc_ump_send keeps its lines
     * together, away from a call's.) */
    err = rpc_core_died(&cores_rpc, id, d->parent, status);
    if (err_is_fail(err) && err != LIB_ERR_RPC_PEER_DEAD) {    /* (its core stopped) */
        printf("%s: could not tell core %u that domain %u ended: %s\n", init_name,
               domain_id_core(d->parent), (unsigned)id, err_getstring(err));
    }
}
