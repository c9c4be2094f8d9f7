/*
 * user/init -- the first domain (docs/messaging.md, docs/rpc.md).
 *
 * It starts the memory server and the serial driver, then the domains of
 * the boot list; serves every domain's channel to it (processes, names,
 * services); introduces clients to services; reports how each domain ends
 * and tells the services, so they take its memory and channels back; and,
 * outside test images, ends at a small interactive prompt (shell.c).
 *
 * Threads: the event thread serves every channel and the death endpoint;
 * the main thread runs the boot list and then the prompt; the connector
 * thread forwards SERVICE_CONNECT requests to the services, so that a slow
 * service never holds up the event thread; the prompt's interrupt thread
 * waits for Ctrl-C (shell.c).  `lock` guards the tables.
 *
 * Boot list (the "bootlist" module, boot/<name>.bootlist):
 *   name arg...     spawn module `name` with argv = name arg...
 *   !name arg...    the same, but the domain is expected to fault
 *   &name arg...    the same, and it gets the terminal (serial input)
 *   @wait [name]    wait until every domain started so far (or every one
 *                   called name) has ended
 *   @module name    only put module `name` into the boot image (to be
 *                   started from the prompt); init does nothing with it
 *   @test           test image: report each domain's end as a test result
 *                   and shut the machine down at the end
 *   @quota KiB      the memory server's quota per domain (default: see
 *                   docs/rpc.md, MEMSERV_DEFAULT_QUOTA_KIB)
 *   @memtest N [!]name arg...   start N copies at once (copy i gets the
 *                   extra arguments "i N"), wait, and check (as a test)
 *                   that every byte of memory came back
 *   @spawntest name spawn damaged copies of module name: each error is
 *                   reported and leaves nothing behind (spawntest.c)
 *   @cores          test the other cores: StartCore's refusals, UMP to
 *                   core 1's init, its fault (cores.c)
 *   NAME=value ...  words before the program name are its environment
 *   # ...           comment
 * A PROCESS_SPAWN of "?name" starts a domain that may end any way at all
 * (the fuzzer's hostile children): its end is no test result, and any
 * domain may stop it with PROCESS_KILL.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/lmp_chan.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <sys/spawn.h>
#include <sys/stdio_backend.h>
#include <sys/systest.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/lmp.h>
#include "init.h"
#include "bootcheck.h"
#include "cores.h"

#define MAX_DOMAINS     64
#define MAX_ARGS        16
#define MAX_NAMES       16
#define MAX_SERVICES    8
#define MAX_WATCHES     256
#define MAX_WAITERS     MAX_DOMAINS     /* PROCESS_WAIT: one per caller */
#define NAME_BYTES      32
#define INIT_RESERVE    (128u * 1024 * 1024)    /* RAM init keeps for spawning */
/* How often init retries telling a client that its service died, while
 * the client's buffer is full (it is not reading: give up eventually). */
#define PEER_DEAD_SEND_TRIES 100
/* What one domain may hold in our tables at a time (docs/reliability.md,
 * "Resource limits"); one more is refused with LIB_ERR_NAME_LIMIT. */
#define NAMES_PER_DOMAIN    4
#define SERVICES_PER_DOMAIN 2
/* Domains one domain may have running that it started (PROCESS_SPAWN);
 * one more: SPAWN_ERR_TOO_MANY_CHILDREN. */
#define CHILDREN_PER_DOMAIN 8

struct domain {
    bool running;
    bool expect_fault;
    bool any_end;                   /* a hostile child: no end is a failure */
    bool killed;
    bool dying;                     /* being reaped: no longer findable */
    bool system;                    /* memserv, serial: not to be killed */
    size_t ram;                     /* the RAM it was started with; 0 until
                                     * it runs (still being built) */
    struct spawninfo si;
    uint32_t parent;                /* who spawned it (PROCESS_SPAWN); 0: init */
    struct rpc_chan chan;           /* its channel to us */
    struct { struct rpc_chan *rc; uint16_t seq; } waiters[MAX_WAITERS];
    unsigned num_waiters;           /* PROCESS_WAIT calls */
    struct {                        /* its SERVICE_CONNECT, for the connector */
        bool pending;
        uint16_t seq;
        char name[NAME_BYTES];
        struct capref ep;
    } connect;
};

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

static struct domain domains[MAX_DOMAINS];
static struct { char name[NAME_BYTES]; struct capref ep; uint32_t owner; } names[MAX_NAMES];
static struct service services[MAX_SERVICES];
static struct watch watches[MAX_WATCHES];
static struct thread_mutex lock = THREAD_MUTEX_INITIALIZER;
static struct thread_cond changed = THREAD_COND_INITIALIZER;
static struct thread_cond connect_wanted = THREAD_COND_INITIALIZER;
static unsigned num_running;
static uint32_t next_domain_id = INIT_DOMAIN_ID + 1;
static bool test_mode;
static unsigned failures;
static const char *quota_kib;       /* @quota, or NULL: memserv's default */
static struct lmp_chan death_chan;
static struct waitset *ws;

/* ---- the tables (called with lock held) --------------------------------- */

static struct domain *domain_by_id(uint32_t id)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running && !domains[i].dying && domains[i].si.domain_id == id) {
            return &domains[i];
        }
    }
    return NULL;
}

static struct capref name_find(const char *name)
{
    for (unsigned i = 0; i < MAX_NAMES; i++) {
        if (names[i].name[0] && strcmp(names[i].name, name) == 0) {
            return names[i].ep;
        }
    }
    return NULL_CAP;
}

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

/* Wait until a service has registered (start-up). */
static void wait_for_service(const char *name)
{
    thread_mutex_lock(&lock);
    while (service_find(name) == NULL) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

/* Ask service `name` for a channel for client `client`, whose endpoint is
 * ep (ours to keep: it becomes the client's watch). */
static errval_t connect_service(const char *name, uint32_t client, struct capref ep,
                                struct capref *service_ep)
{
    struct service *s = service_get(name);
    if (s == NULL) {
        cap_destroy(ep);
        return LIB_ERR_NAME_NOT_FOUND;
    }
    errval_t err = rpc_new_client(&s->ctl, client, ep, service_ep);
    thread_mutex_lock(&lock);
    bool client_alive = client == INIT_DOMAIN_ID || domain_by_id(client) != NULL;
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
static errval_t connect_local(const char *name, struct capref endpoint,
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
static errval_t memserv_stats(size_t *free_bytes, size_t *total, uint32_t *clients)
{
    struct service *s = service_get("memserv");
    if (s == NULL) {
        return LIB_ERR_NAME_NOT_FOUND;
    }
    errval_t err = rpc_mem_stats(&s->ctl, free_bytes, total, clients);
    service_put(s);
    return err;
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

/* ---- handlers of the domains' channels to us ------------------------------ */

static const char *caller_name(struct rpc_chan *rc)
{
    struct domain *d = rc->st;
    return d ? d->si.name : "?";
}

/* A capability a client says is an endpoint, checked: anything else
 * would break our answers (HELLO) or be handed on to a service. */
static errval_t check_endpoint(struct capref cap)
{
    struct capability_info info;
    errval_t err = cap_identify(cap, &info);
    if (err_is_ok(err) && info.type != ObjType_EndPoint) {
        err = SYS_ERR_WRONG_CAP_TYPE;
    }
    return err;
}

/* How many of the n entries a table has are owned by domain id
 * (owner_at(i) is entry i's owner, or 0 for a free entry). */
static unsigned owned_by(uint32_t id, unsigned n, uint32_t (*owner_at)(unsigned))
{
    unsigned count = 0;
    for (unsigned i = 0; i < n; i++) {
        count += owner_at(i) == id;
    }
    return count;
}

static uint32_t name_owner(unsigned i) { return names[i].name[0] ? names[i].owner : 0; }
static uint32_t service_owner(unsigned i)
{
    return services[i].used && !services[i].dead ? services[i].owner : 0;
}

static void h_hello(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_hello_req in;
    if ((resp->err = rpc_hello_req_unpack(req, &in)) ||
        (resp->err = check_endpoint(in.endpoint))) {
        return;
    }
    cap_destroy(rc->lc.remote_cap);
    rc->lc.remote_cap = in.endpoint;    /* where our answers go from now on */
    req->cap = NULL_CAP;
}

static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_number_req in;
    if ((resp->err = rpc_number_req_unpack(req, &in)) == SYS_ERR_OK) {
        printf("init: %s sent the number %u\n", caller_name(rc), (unsigned)in.number);
    }
}

static void h_string(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_string_req in;
    if ((resp->err = rpc_string_req_unpack(req, &in)) == SYS_ERR_OK) {
        printf("init: %s sent a string of %u bytes: %.60s\n", caller_name(rc),
               (unsigned)strlen(in.string), in.string);
    }
}

/* PROCESS_SPAWN of "?name": a domain that may end any way at all (the
 * fuzzer's hostile children, docs/reliability.md); not a test result. */
#define START_ANY_END       8u
static errval_t start_domain(int argc, char **argv, unsigned flags,
                             const struct spawn_caps *extra, size_t ram, uint32_t *id_out);

/* "name" and "args" as one command line, split into argv. */
errval_t spawn_command(const char *name, const char *args, unsigned flags, uint32_t *id)
{
    char line[256];
    char *argv[MAX_ARGS + 1];
    snprintf(line, sizeof(line), "%s %s", name, args);
    int argc = split(line, argv, MAX_ARGS);
    if (argc == 0) {
        return LIB_ERR_SPAWN_ARGS;          /* no program name */
    }
    argv[argc] = NULL;
    return start_domain(argc, argv, flags, NULL, 0, id);
}

/* ---- exit statuses kept for parents (PROCESS_WAIT; lock held) --------------------- */

/*
 * As waitpid's zombies: the exit status of a domain spawned through
 * PROCESS_SPAWN is kept after it ended until its parent waits for it (or
 * the parent ends), so spawn-then-wait cannot miss it.  A wait already
 * waiting when the domain ends is answered then, and nothing is kept.
 * At most MAX_EXITED statuses: beyond, the oldest is forgotten.
 */
#define MAX_EXITED      MAX_DOMAINS
static struct { uint32_t id, parent; int status; } exited[MAX_EXITED];
static unsigned next_exited;

static void exited_keep(uint32_t id, uint32_t parent, int status)
{
    exited[next_exited] = (typeof(exited[0])){ id, parent, status };
    next_exited = (next_exited + 1) % MAX_EXITED;
}

/* parent's kept status of id, taken: it is answered once. */
static bool exited_take(uint32_t id, uint32_t parent, int *status)
{
    for (unsigned i = 0; i < MAX_EXITED; i++) {
        if (exited[i].id == id && id != 0 && exited[i].parent == parent) {
            *status = exited[i].status;
            exited[i].id = 0;
            return true;
        }
    }
    return false;
}

/* The domain id, even while it is being reaped (its waiters are answered
 * at the very end of that), or NULL. */
static struct domain *domain_to_wait_for(uint32_t id)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running && domains[i].si.domain_id == id && id != 0) {
            return &domains[i];
        }
    }
    return NULL;
}

/* d ended with status: keep it if its parent lives and was not among the
 * waiters; and what d itself had not collected of its children is dropped. */
static void exited_domain_ended(struct domain *d, uint32_t id, int status)
{
    bool told = false;
    for (unsigned i = 0; i < d->num_waiters; i++) {
        told |= d->waiters[i].rc->client_id == d->parent;
    }
    if (d->parent != 0 && !told && domain_to_wait_for(d->parent) != NULL) {
        exited_keep(id, d->parent, status);
    }
    for (unsigned i = 0; i < MAX_EXITED; i++) {
        if (exited[i].parent == id) {
            exited[i].id = 0;
        }
    }
}

static unsigned children_of_locked(uint32_t parent)
{
    unsigned n = 0;
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        n += domains[i].running && !domains[i].dying && domains[i].parent == parent;
    }
    return n;
}

static void h_spawn(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_spawn_req in;
    struct rpc_process_spawn_resp out = { 0 };
    if ((resp->err = rpc_process_spawn_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    unsigned children = children_of_locked(rc->client_id);
    thread_mutex_unlock(&lock);
    if (children >= CHILDREN_PER_DOMAIN) {
        resp->err = SPAWN_ERR_TOO_MANY_CHILDREN;
        return;
    }
    bool any = in.name[0] == '?';
    resp->err = spawn_command(in.name + any, in.args, any ? START_ANY_END : 0,
                              &out.domain_id);
    if (err_is_ok(resp->err)) {
        thread_mutex_lock(&lock);
        /* Deaths are reaped on this same thread: the child is still here. */
        struct domain *d = domain_to_wait_for(out.domain_id);
        if (d) {
            d->parent = rc->client_id;
        }
        thread_mutex_unlock(&lock);
        rpc_process_spawn_resp_pack(resp, &out);
    }
}

/* The name of domain id into name; false if there is no such domain. */
bool domain_name(uint32_t id, char *name, size_t size)
{
    thread_mutex_lock(&lock);
    struct domain *d = domain_by_id(id);
    bool found = id == INIT_DOMAIN_ID || d;
    if (found) {
        snprintf(name, size, "%s", d ? d->si.name : "init");
    }
    thread_mutex_unlock(&lock);
    return found;
}

static void h_get_name(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_process_get_name_req in;
    char name[NAME_BYTES];
    if ((resp->err = rpc_process_get_name_req_unpack(req, &in))) {
        return;
    }
    if (!domain_name(in.domain_id, name, sizeof(name))) {
        resp->err = SPAWN_ERR_DOMAIN_NOT_FOUND;
        return;
    }
    resp->err = rpc_process_get_name_resp_pack(resp,
                                               &(struct rpc_process_get_name_resp){ name });
}

/* "id name" per running domain, malloc'd. */
static char *process_list(void)
{
    size_t size = (NAME_BYTES + 16) * (MAX_DOMAINS + 1), n = 0;
    char *s = malloc(size);
    if (s == NULL) {
        return NULL;
    }
    n += snprintf(s + n, size - n, "%u init\n", (unsigned)INIT_DOMAIN_ID);
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running) {
            n += snprintf(s + n, size - n, "%u %s\n", (unsigned)domains[i].si.domain_id,
                          domains[i].si.name);
        }
    }
    thread_mutex_unlock(&lock);
    return s;
}

static void h_list(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_process_list_req in;
    if ((resp->err = rpc_process_list_req_unpack(req, &in))) {
        return;
    }
    char *list = process_list();
    resp->err = list ? rpc_process_list_resp_pack(resp, &(struct rpc_process_list_resp){ list })
                     : LIB_ERR_MALLOC_FAIL;
    free(list);
}

/* What the kernel says of a dispatcher (DispatcherCmd_Query). */
static uint32_t dispatcher_state(struct capref dispatcher)
{
    struct sysret r = cap_invoke(capref_addr(dispatcher), DispatcherCmd_Query, 0);
    return err_is_ok(r.err) ? r.v[0] : DispatcherState_Stopped;
}

/* init and the running domains, at most max of them, for ps (shell.c). */
unsigned domain_list(struct domain_info *out, unsigned max)
{
    unsigned n = 0;
    if (max > 0) {
        out[n] = (struct domain_info){ INIT_DOMAIN_ID, "init",
                                       dispatcher_state(taskcn_cap(TASKCN_SLOT_DISPATCHER)),
                                       ram_free_bytes() };
        n++;
    }
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < MAX_DOMAINS && n < max; i++) {
        struct domain *d = &domains[i];
        if (d->running && d->ram != 0) {
            /* A domain being reaped may have lost its dispatcher already. */
            uint32_t state = d->dying ? DispatcherState_Stopped
                                      : dispatcher_state(d->si.dispatcher);
            out[n] = (struct domain_info){ d->si.domain_id, "", state, d->ram };
            snprintf(out[n].name, sizeof(out[n].name), "%s", d->si.name);
            n++;
        }
    }
    thread_mutex_unlock(&lock);
    return n;
}

/* Does rc's domain wait for d already?  (One wait per caller and domain:
 * a raw client could otherwise send waits without end, or take every
 * entry and keep others from waiting.) */
static bool is_waiting_locked(const struct domain *d, const struct rpc_chan *rc)
{
    for (unsigned i = 0; i < d->num_waiters; i++) {
        if (d->waiters[i].rc == rc) {
            return true;
        }
    }
    return false;
}


/* PROCESS_KILL: only for domains started as "?name" (START_ANY_END); the
 * prompt's kill command is init's own. */
static void h_kill(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_kill_req in;
    (void)rc;
    if ((resp->err = rpc_process_kill_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    struct domain *d = domain_by_id(in.domain_id);
    bool any_end = d != NULL && d->any_end;
    thread_mutex_unlock(&lock);
    resp->err = d == NULL ? SPAWN_ERR_DOMAIN_NOT_FOUND
              : !any_end ? SPAWN_ERR_NOT_KILLABLE : kill_domain(in.domain_id);
}

static void h_wait(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_wait_req in;
    if ((resp->err = rpc_process_wait_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    struct domain *d = domain_to_wait_for(in.domain_id);
    int status;
    if (d == NULL && exited_take(in.domain_id, rc->client_id, &status)) {
        resp->err = rpc_process_wait_resp_pack(resp, &(struct rpc_process_wait_resp){ status });
    } else if (d == NULL) {
        resp->err = SPAWN_ERR_DOMAIN_NOT_FOUND;
    } else if (d->num_waiters == MAX_WAITERS || is_waiting_locked(d, rc)) {
        resp->err = LIB_ERR_RPC_BUSY;
    } else {
        d->waiters[d->num_waiters].rc = rc;
        d->waiters[d->num_waiters].seq = rc->cur_seq;
        d->num_waiters++;
        resp->err = LIB_ERR_RPC_DEFERRED;   /* answered when it ends */
    }
    thread_mutex_unlock(&lock);
}

static void h_register(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_name_register_req in;
    /* (Any capability: names publish frames too, e.g. user/t_spin.) */
    if ((resp->err = rpc_name_register_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    resp->err = LIB_ERR_NAME_IN_USE;
    if (owned_by(rc->client_id, MAX_NAMES, name_owner) >= NAMES_PER_DOMAIN) {
        resp->err = LIB_ERR_NAME_LIMIT;
    } else if (capref_is_null(name_find(in.name)) && strlen(in.name) < NAME_BYTES &&
               in.name[0]) {
        resp->err = LIB_ERR_NAME_NOT_FOUND;         /* no room */
        for (unsigned i = 0; i < MAX_NAMES; i++) {
            if (names[i].name[0] == '\0') {
                strcpy(names[i].name, in.name);
                names[i].ep = in.endpoint;
                names[i].owner = rc->client_id;
                req->cap = NULL_CAP;
                resp->err = SYS_ERR_OK;
                break;
            }
        }
    }
    thread_mutex_unlock(&lock);
}

static void h_lookup(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_name_lookup_req in;
    if ((resp->err = rpc_name_lookup_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    struct capref ep = name_find(in.name);
    thread_mutex_unlock(&lock);
    resp->err = capref_is_null(ep) ? LIB_ERR_NAME_NOT_FOUND
        : rpc_name_lookup_resp_pack(resp, &(struct rpc_name_lookup_resp){ ep });  /* a copy */
}

/* A service gives us its control endpoint; we answer with ours. */
static void h_service_register(struct rpc_chan *rc, struct rpc_payload *req,
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
static void h_connect(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
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

static struct domain *next_connect_locked(void)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running && !domains[i].dying && domains[i].connect.pending) {
            return &domains[i];
        }
    }
    return NULL;
}

static int connector(void *arg)
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
        errval_t err = connect_service(name, id, ep, &out.service_endpoint);
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

static void h_mem_info(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_mem_info_req in;
    struct rpc_mem_info_resp out = { .init_free = ram_free_bytes() };
    if ((resp->err = rpc_mem_info_req_unpack(req, &in)) ||
        (resp->err = memserv_stats(&out.memserv_free, &out.memserv_total, NULL))) {
        return;
    }
    resp->err = rpc_mem_info_resp_pack(resp, &out);
}

static void h_echo_string(struct rpc_chan *rc, struct rpc_payload *req,
                          struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_test_echo_string_req in;
    if ((resp->err = rpc_test_echo_string_req_unpack(req, &in)) == SYS_ERR_OK) {
        resp->err = rpc_test_echo_string_resp_pack(resp,
                        &(struct rpc_test_echo_string_resp){ in.s });
    }
}

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_HELLO] = h_hello,
    [RPC_NUMBER] = h_number,
    [RPC_STRING] = h_string,
    [RPC_PROCESS_SPAWN] = h_spawn,
    [RPC_PROCESS_GET_NAME] = h_get_name,
    [RPC_PROCESS_LIST] = h_list,
    [RPC_PROCESS_WAIT] = h_wait,
    [RPC_PROCESS_KILL] = h_kill,
    [RPC_NAME_REGISTER] = h_register,
    [RPC_NAME_LOOKUP] = h_lookup,
    [RPC_SERVICE_REGISTER] = h_service_register,
    [RPC_SERVICE_CONNECT] = h_connect,
    [RPC_MEM_INFO] = h_mem_info,
    [RPC_ECHO] = rpc_handle_echo,
    [RPC_TEST_ECHO_STRING] = h_echo_string,
};

/* ---- starting and reaping domains ------------------------------------------ */

/* Leading NAME=value words of a command line are the environment the
 * program gets; the rest is its argv.  Returns the new argc. */
static int take_environment(int argc, char ***argv, const char **envp, int max)
{
    int envc = 0;
    while (argc > 0 && envc < max && (*argv)[0][0] != '=' && strchr((*argv)[0], '=')) {
        envp[envc++] = (*argv)[0];
        (*argv)++;
        argc--;
    }
    envp[envc] = NULL;
    return argc;
}

/* Stop d's dispatcher (lock held); its death message does the rest. */
static errval_t stop_locked(struct domain *d)
{
    return cap_invoke(capref_addr(d->si.dispatcher), DispatcherCmd_Stop, 1, (uint32_t)-1).err;
}

static errval_t start_domain(int argc, char **argv, unsigned flags,
                             const struct spawn_caps *extra, size_t ram, uint32_t *id_out)
{
    const char *envp[MAX_ARGS + 1];
    argc = take_environment(argc, &argv, envp, MAX_ARGS);
    if (argc == 0) {
        return LIB_ERR_SPAWN_ARGS;
    }
    size_t bytes;
    const void *elf = spawn_find_module(argv[0], &bytes);
    if (elf == NULL) {
        return LIB_ERR_SPAWN_NO_MODULE;
    }
    thread_mutex_lock(&lock);
    struct domain *d = NULL;
    for (unsigned i = 0; i < MAX_DOMAINS && d == NULL; i++) {
        d = domains[i].running ? NULL : &domains[i];
    }
    if (d == NULL) {
        thread_mutex_unlock(&lock);
        return LIB_ERR_SPAWN_ARGS;
    }
    memset(d, 0, sizeof(*d));
    d->running = true;              /* reserve the entry; not yet findable */
    uint32_t id = next_domain_id++;
    thread_mutex_unlock(&lock);

    struct spawn_caps caps = { 0 };
    if (extra) {
        caps = *extra;
    }
    bool have_chan = false, built = false;
    errval_t err = rpc_chan_init(&d->chan, NULL_CAP);
    if (err_is_ok(err)) {
        have_chan = true;
        d->chan.st = d;
        d->chan.client_id = id;
        caps.init_ep = d->chan.lc.local_cap;
        caps.death_ep = death_chan.local_cap;
        err = spawn_load(elf, bytes, argc, (const char *const *)argv, envp, id, &caps,
                         ram, &d->si);
        built = err_is_ok(err);
    }
    if (err_is_ok(err)) {
        rpc_serve(&d->chan, handlers, ws);
        if (flags & START_FOREGROUND) {
            set_foreground(id);     /* before it can ask for a key */
        }
        err = spawn_run(&d->si);
    }
    if (err_is_fail(err)) {
        /* Reported, not fatal: undo everything this attempt made. */
        DEBUG_ERR(err, "spawning %s", argv[0]);
        if (built) {
            spawn_cleanup(&d->si);
        }
        if (have_chan) {
            rpc_chan_destroy(&d->chan);
        }
    }
    thread_mutex_lock(&lock);
    if (err_is_fail(err)) {
        d->running = false;
    } else {
        d->expect_fault = flags & START_EXPECT_FAULT;
        d->any_end = flags & START_ANY_END;
        d->system = flags & START_SYSTEM;
        d->ram = ram ? ram : SPAWN_DEFAULT_RAM;
        if (d->killed) {
            stop_locked(d);         /* killed while being built (kill_domain) */
        }
        num_running++;
        if (id_out) {
            *id_out = id;
        }
    }
    thread_mutex_unlock(&lock);
    return err;
}

static const char *death_reason(uint32_t reason)
{
    switch (reason) {
    case DEATH_EXIT:    return "exited";
    case DEATH_FAULT:   return "faulted";
    case DEATH_DELETED: return "was deleted";
    case DEATH_REVOKED: return "lost a capability it runs with";
    default:            return "stopped";
    }
}

/* Tell a client that the service at the other end of its channel died:
 * a PEER_DEAD notice on its endpoint ends its wait (rpc_wire.h). */
static void tell_peer_dead(struct capref ep, uint32_t service)
{
    struct lmp_chan to = { .remote_cap = ep };
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

/* Everything the rest of the system knew about domain id (lock held):
 * its names, its services (and their clients are told), its watches, and
 * PROCESS_WAIT calls it made. */
static void forget_domain_locked(struct domain *dead, uint32_t id)
{
    if (dead->connect.pending) {
        cap_destroy(dead->connect.ep);
        dead->connect.pending = false;
    }
    for (unsigned i = 0; i < MAX_NAMES; i++) {
        if (names[i].name[0] && names[i].owner == id) {
            names[i].name[0] = '\0';
            cap_destroy(names[i].ep);
        }
    }
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
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = &domains[i];
        for (unsigned j = 0; d->running && j < d->num_waiters;) {
            if (d->waiters[j].rc == &dead->chan) {
                d->waiters[j] = d->waiters[--d->num_waiters];
            } else {
                j++;
            }
        }
    }
}

/* Tell every service (one-way) that domain id is gone. */
static void tell_services(uint32_t id)
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

/* A server the system runs on died: say what that means (neither can be
 * restarted; docs/reliability.md, "If a system server dies"). */
static void system_server_died(const char *name)
{
    if (strcmp(name, "memserv") == 0) {
        printf("init: the memory server died: no domain can get more memory now (calls "
               "to it end with LIB_ERR_RPC_PEER_DEAD, new ones with "
               "LIB_ERR_NAME_NOT_FOUND); it cannot be restarted: the memory it "
               "handed out is still in use\n");
    } else {
        printf("init: the system server %s died: its clients' calls end with "
               "LIB_ERR_RPC_PEER_DEAD, new ones with LIB_ERR_NAME_NOT_FOUND; output "
               "goes to the kernel console; it is not restarted\n", name);
    }
}

static void reap(uint32_t id, uint32_t reason, uint32_t status, uint32_t pc)
{
    thread_mutex_lock(&lock);
    struct domain *d = domain_by_id(id);
    if (d == NULL) {
        thread_mutex_unlock(&lock);
        return;
    }
    if (d->killed) {
        printf("init: %s (domain %u) was killed\n", d->si.name, (unsigned)id);
    } else if (reason == DEATH_EXIT) {
        printf("init: %s (domain %u) exited with status %d\n", d->si.name,
               (unsigned)id, (int)status);
    } else {
        printf("init: %s (domain %u) %s (address 0x%08x, pc 0x%08x)\n", d->si.name,
               (unsigned)id, death_reason(reason), (unsigned)status, (unsigned)pc);
    }
    if (d->system) {
        system_server_died(d->si.name);
    }
    bool ok = d->expect_fault ? reason == DEATH_FAULT : reason == DEATH_EXIT && status == 0;
    ok = ok || d->any_end;
    failures += !ok;
    if (test_mode && !d->any_end) {
        test_report(ok, "domain %s %s", d->si.name,
                    d->expect_fault ? "faulted and was removed" : "ended cleanly");
    }
    forget_domain_locked(d, id);
    d->dying = true;
    thread_mutex_unlock(&lock);

    tell_services(id);
    rpc_chan_destroy(&d->chan);
    errval_t err = spawn_cleanup(&d->si);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "cleaning up %s", d->si.name);
    }
    /* Waiters hear of it once it is gone for good: everything it was
     * made of destroyed, its memory back. */
    struct rpc_process_wait_resp r = { reason == DEATH_EXIT && !d->killed ? (int)status : -1 };
    thread_mutex_lock(&lock);
    for (unsigned i = 0; i < d->num_waiters; i++) {
        rpc_process_wait_reply(d->waiters[i].rc, d->waiters[i].seq, &r);
    }
    exited_domain_ended(d, id, r.status);
    d->running = false;
    num_running--;
    thread_cond_broadcast(&changed);
    thread_mutex_unlock(&lock);
}

static void death_event(void *arg)
{
    (void)arg;
    struct lmp_recv_msg msg;
    while (err_is_ok(lmp_chan_recv(&death_chan, &msg, NULL))) {
        if (msg.len >= 5 && msg.words[0] == LMP_KMSG_DEATH) {
            reap(msg.words[1], msg.words[2], msg.words[3], msg.words[4]);
        }
    }
    lmp_chan_register_recv(&death_chan, ws, MKCLOSURE(death_event, NULL));
}

static int event_loop(void *arg)
{
    (void)arg;
    for (;;) {
        event_dispatch(ws);
    }
    return 0;
}

/* Stop a domain; its death message does the rest (reap: its memory and
 * channels come back). */
errval_t kill_domain(uint32_t id)
{
    thread_mutex_lock(&lock);
    struct domain *d = domain_by_id(id);
    errval_t err = SPAWN_ERR_DOMAIN_NOT_FOUND;
    if (id == INIT_DOMAIN_ID || (d && d->system)) {
        err = SPAWN_ERR_SYSTEM_DOMAIN;
    } else if (d) {
        /* Still being built (Ctrl-C just as `run` starts it): start_domain
         * stops it as soon as it runs; stopping it now would race with
         * start_domain undoing a failed start. */
        d->killed = true;
        err = d->ram != 0 ? stop_locked(d) : SYS_ERR_OK;
    }
    thread_mutex_unlock(&lock);
    return err;
}

static bool owns_service(uint32_t id)
{
    for (unsigned i = 0; i < MAX_SERVICES; i++) {
        if (services[i].used && !services[i].dead && services[i].owner == id) {
            return true;
        }
    }
    return false;
}

/* Domains still running, besides memserv and serial; only those called
 * name if it is not NULL; not those that serve others if but_servers. */
static unsigned running_count(const char *name, bool but_servers)
{
    unsigned n = 0;
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = &domains[i];
        n += d->running && !d->system && (name == NULL || strcmp(d->si.name, name) == 0) &&
             !(but_servers && owns_service(d->si.domain_id));
    }
    return n;
}

static void wait_running(const char *name, bool but_servers)
{
    thread_mutex_lock(&lock);
    while (running_count(name, but_servers) > 0) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

void wait_domain(uint32_t id)
{
    thread_mutex_lock(&lock);
    while (domain_by_id(id) != NULL) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

/* ---- system start-up ------------------------------------------------------------ */

static void start_services(void)
{
    char *mm_argv[] = { "memserv", (char *)quota_kib, NULL };
    size_t free_bytes = ram_free_bytes();
    size_t keep = free_bytes / 4 < INIT_RESERVE ? free_bytes / 4 : INIT_RESERVE;
    if (err_is_ok(start_domain(quota_kib ? 2 : 1, mm_argv, START_SYSTEM, NULL,
                               free_bytes - keep - SPAWN_DEFAULT_RAM, NULL))) {
        wait_for_service("memserv");
    }

    /* The serial driver gets the console UART and its interrupt. */
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    struct spawn_caps caps = { 0 };
    struct capref irq;
    const char *model = NULL;
    for (uint32_t i = 0; i < bi->num_regions; i++) {
        if (bi->regions[i].type == RegionType_Device) {
            caps.extra[0] = (struct capref){ CAPADDR_L1(bi->regions[i].cap),
                                             CAPADDR_L2(bi->regions[i].cap) };
            model = bi->regions[i].name;
            break;
        }
    }
    if (model && err_is_ok(slot_alloc(&irq)) &&
        err_is_ok(cap_invoke(TASKCN_CAP(TASKCN_SLOT_IRQTABLE), IRQTableCmd_Get, 4,
                             bi->irq_uart, CAPADDR(irq.cnode, 0), CAP_LEVEL_L1,
                             irq.slot).err)) {
        caps.extra[1] = irq;
        char *argv[] = { "serial", (char *)model, NULL };
        if (err_is_ok(start_domain(2, argv, START_SYSTEM, &caps, 0, NULL))) {
            wait_for_service("serial");
        }
    }
}

/* ---- the boot list --------------------------------------------------------------- */

int split(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;
    while (*p && argc < max) {
        while (*p && isspace((unsigned char)*p)) {
            p++;
        }
        if (!*p || *p == '#') {
            break;
        }
        argv[argc++] = p;
        while (*p && !isspace((unsigned char)*p)) {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
    }
    return argc;
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

static void memtest(int n, int argc, char **argv)
{
    unsigned flags = 0;
    if (argv[0][0] == '!') {
        argv[0]++;
        flags = START_EXPECT_FAULT;
    }
    wait_running(NULL, false);
    start_domain(argc, argv, flags, NULL, 0, NULL);     /* warm-up */
    wait_running(NULL, false);
    struct mem_numbers before, after;
    mem_numbers(&before);
    char index[12], count[12];
    char *args[MAX_ARGS + 3];
    memcpy(args, argv, argc * sizeof(char *));
    args[argc] = index;
    args[argc + 1] = count;
    args[argc + 2] = NULL;
    snprintf(count, sizeof(count), "%d", n);
    for (int i = 0; i < n; i++) {
        snprintf(index, sizeof(index), "%d", i);
        errval_t err = start_domain(argc + 2, args, flags, NULL, 0, NULL);
        test_report(err_is_ok(err), "memtest: copy %d of %s started: %s", i, argv[0],
                    err_getcode(err));
    }
    wait_running(NULL, false);
    mem_numbers(&after);
    long missing = (long)(before.memserv_free - after.memserv_free) +
                   (long)(before.init_free - after.init_free);
    if (missing != 0) {
        printf("init: memtest: %ld KiB missing (memory server %ld KiB, init %ld KiB)\n",
               missing >> 10, (long)(before.memserv_free - after.memserv_free) >> 10,
               (long)(before.init_free - after.init_free) >> 10);
    }
    test_report(after.memserv_free == before.memserv_free,
                "%d x %s: the memory server's free memory is back where it started "
                "(%u KiB)", n, argv[0], (unsigned)(after.memserv_free >> 10));
    test_report(missing == 0, "%d x %s: all free memory is back where it started", n, argv[0]);
}

/* Run each line of the boot list; settings (@...) first pass only if
 * first_pass, everything else on the second. */
static void run_bootlist(bool first_pass)
{
    size_t bytes;
    const char *list = spawn_find_module("bootlist", &bytes);
    if (list == NULL) {
        return;
    }
    char *copy = malloc(bytes + 1);
    memcpy(copy, list, bytes);
    copy[bytes] = '\0';
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *argv[MAX_ARGS + 1];
        int argc = split(line, argv, MAX_ARGS);
        if (argc == 0) {
            continue;
        }
        argv[argc] = NULL;
        if (first_pass) {
            if (strcmp(argv[0], "@test") == 0) {
                test_mode = true;
            } else if (strcmp(argv[0], "@quota") == 0 && argc > 1) {
                quota_kib = strdup(argv[1]);
            }
            continue;
        }
        unsigned flags = 0;
        if (strcmp(argv[0], "@wait") == 0) {
            wait_running(argv[1], false);
            continue;
        } else if (strcmp(argv[0], "@memtest") == 0 && argc >= 3) {
            memtest(atoi(argv[1]), argc - 2, argv + 2);
            continue;
        } else if (strcmp(argv[0], "@cores") == 0) {
            cores_check();          /* the other cores (cores.c) */
            continue;
        } else if (strcmp(argv[0], "@spawntest") == 0 && argc >= 2) {
            wait_running(NULL, false);
            spawn_error_tests(argv[1]);
            continue;
        } else if (argv[0][0] == '@') {
            continue;               /* a first-pass setting, or @module */
        } else if (argv[0][0] == '!') {
            flags = START_EXPECT_FAULT;
            argv[0]++;
        } else if (argv[0][0] == '&') {
            flags = START_FOREGROUND;
            argv[0]++;
        }
        errval_t err = start_domain(argc, argv, flags, NULL, 0, NULL);
        if (err_is_fail(err)) {
            printf("init: cannot start %s: %s\n", argv[0], err_getstring(err));
            failures++;
        }
    }
    free(copy);
}

int main(int argc, char *argv[])
{
    errval_t err;

    if (argc > 1 && strncmp(argv[1], "core=", 5) == 0) {
        return core_init_main((unsigned)atoi(argv[1] + 5));
    }

    ws = get_default_waitset();
    rpc_connect_hook = connect_local;
    printf("init: started, %u MiB of RAM to hand out\n",
           (unsigned)(ram_free_bytes() >> 20));
    cores_start();
    if ((err = lmp_chan_accept(&death_chan, 64 * 6, NULL_CAP)) ||
        (err = lmp_chan_register_recv(&death_chan, ws, MKCLOSURE(death_event, NULL)))) {
        DEBUG_ERR(err, "creating the death endpoint");
        return 1;
    }
    thread_create(event_loop, NULL);
    thread_create(connector, NULL);
    run_bootlist(true);
    if (test_mode) {
        bootcheck_run();
    }
    start_services();
    if (!test_mode) {
        shell_interrupts_start();       /* Ctrl-C from here on */
    }
    run_bootlist(false);
    /* A test image ends when every domain has; otherwise the prompt
     * comes when all have ended but those that serve others. */
    wait_running(NULL, !test_mode);
    if (test_mode) {
        printf("init: all boot-list domains have ended\n");
        cap_invoke(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), KernelCmd_Shutdown, 1, failures);
    }
    shell_run();
    return 0;
}
