/*
 * user/sys/init/procmgr.c -- init's process manager (docs/spawning.md,
 * docs/rpc.md): the table of domains; starting one (start_domain), stopping
 * one (kill_domain), waiting for one; the PROCESS_* methods; and the exit
 * statuses kept for parents, as waitpid's zombies.  How a domain's end is
 * handled is death.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <sys/spawn.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/caps.h>
#include <if/init.h>
#include "init.h"

/* Domains one domain may have running that it started (PROCESS_SPAWN);
 * one more: SPAWN_ERR_TOO_MANY_CHILDREN. */
#define CHILDREN_PER_DOMAIN 8

struct domain domains[MAX_DOMAINS];
unsigned num_running;
uint32_t shell_id;
static uint32_t next_number = DOMAIN_ID_INIT_NUMBER + 1;

struct domain *domain_by_id(uint32_t id)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running && !domains[i].dying && domains[i].si.domain_id == id) {
            return &domains[i];
        }
    }
    return NULL;
}

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
void exited_domain_ended(struct domain *d, uint32_t id, int status)
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

errval_t spawn_for(uint32_t parent, const char *name, const char *args, unsigned flags,
                   uint32_t *id)
{
    thread_mutex_lock(&lock);
    unsigned children = children_of_locked(parent);
    thread_mutex_unlock(&lock);
    if (children >= CHILDREN_PER_DOMAIN) {
        return SPAWN_ERR_TOO_MANY_CHILDREN;
    }
    errval_t err = spawn_command(name, args, flags, id);
    if (err_is_ok(err)) {
        thread_mutex_lock(&lock);
        /* Deaths are reaped on this same thread: the child is still here. */
        struct domain *d = domain_to_wait_for(*id);
        if (d) {
            d->parent = parent;
        }
        thread_mutex_unlock(&lock);
    }
    return err;
}

/* Start a child of rc's domain on core (PROCESS_SPAWN, PROCESS_SPAWN_ON,
 * PROCESS_RUN): ours, or the other core's init's (remote.c). */
static errval_t spawn_child(struct rpc_chan *rc, unsigned core, const char *name,
                            const char *args, unsigned flags, uint32_t *id)
{
    if (core != init_core) {
        return remote_spawn(core, rc->client_id, name, args, flags, id);
    }
    return spawn_for(rc->client_id, name, args, flags, id);
}

void h_spawn(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_spawn_req in;
    struct rpc_process_spawn_resp out = { 0 };
    if ((resp->err = rpc_process_spawn_req_unpack(req, &in)) == SYS_ERR_OK) {
        bool any = in.name[0] == '?';
        resp->err = spawn_child(rc, init_core, in.name + any, in.args,
                                any ? START_ANY_END : 0, &out.domain_id);
    }
    if (err_is_ok(resp->err)) {
        resp->err = rpc_process_spawn_resp_pack(resp, &out);
    }
}

void h_spawn_on(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_spawn_on_req in;
    struct rpc_process_spawn_on_resp out = { 0 };
    if ((resp->err = rpc_process_spawn_on_req_unpack(req, &in)) == SYS_ERR_OK) {
        bool any = in.name[0] == '?';
        resp->err = spawn_child(rc, in.core, in.name + any, in.args,
                                any ? START_ANY_END : 0, &out.domain_id);
    }
    if (err_is_ok(resp->err)) {
        resp->err = rpc_process_spawn_on_resp_pack(resp, &out);
    }
}

/* PROCESS_RUN: the shell's `run`; the child gets the terminal (the serial
 * driver gives it back to the shell when the child ends).  A child on
 * another core cannot read it (its output goes to the kernel console),
 * but Ctrl-C still stops it: the serial driver names it to our interrupt
 * thread (terminal.c), and kill_domain asks its core's init. */
void h_run(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_run_req in;
    struct rpc_process_run_resp out = { 0 };
    if ((resp->err = rpc_process_run_req_unpack(req, &in))) {
        return;
    }
    resp->err = rc->client_id != shell_id || shell_id == 0 ? SPAWN_ERR_NOT_SHELL
              : spawn_child(rc, in.core, in.name, in.args, START_FOREGROUND, &out.domain_id);
    if (err_is_ok(resp->err) && in.core != init_core) {
        set_foreground(out.domain_id);
    }
    if (err_is_ok(resp->err)) {
        resp->err = rpc_process_run_resp_pack(resp, &out);
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

void h_get_name(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_process_get_name_req in;
    char name[NAME_BYTES];
    if ((resp->err = rpc_process_get_name_req_unpack(req, &in))) {
        return;
    }
    if (domain_id_core(in.domain_id) != init_core) {
        char *remote = NULL;
        resp->err = remote_name(in.domain_id, &remote);
        if (err_is_ok(resp->err)) {
            resp->err = rpc_process_get_name_resp_pack(
                            resp, &(struct rpc_process_get_name_resp){ remote });
        }
        free(remote);
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

void h_list(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
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
    struct dispatcher_status st;
    return err_is_ok(dispatcher_query(capref_addr(dispatcher), &st)) ?
           st.state : DispatcherState_Stopped;
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


/* PROCESS_KILL: for domains started as "?name" (START_ANY_END); the shell
 * may stop any domain but the system's (its `kill`). */
void h_kill(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_kill_req in;
    if ((resp->err = rpc_process_kill_req_unpack(req, &in)) == SYS_ERR_OK) {
        /* the shell's `kill`, Ctrl-C: any domain */
        resp->err = kill_checked(in.domain_id, rc->client_id == shell_id && shell_id != 0);
    }
}

errval_t kill_checked(uint32_t id, bool by_shell)
{
    if (domain_id_core(id) != init_core) {
        return remote_kill(id, by_shell);
    } else if (by_shell) {
        return kill_domain(id);
    }
    thread_mutex_lock(&lock);
    struct domain *d = domain_by_id(id);
    bool any_end = d != NULL && d->any_end;
    thread_mutex_unlock(&lock);
    return d == NULL ? SPAWN_ERR_DOMAIN_NOT_FOUND
         : !any_end ? SPAWN_ERR_NOT_KILLABLE : kill_domain(id);
}

void h_wait(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_process_wait_req in;
    if ((resp->err = rpc_process_wait_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    struct domain *d = domain_to_wait_for(in.domain_id);
    int status;
    if (domain_id_core(in.domain_id) != init_core) {
        resp->err = remote_wait_locked(rc, in.domain_id, &status);
        if (err_is_ok(resp->err)) {
            resp->err = rpc_process_wait_resp_pack(resp, &(struct rpc_process_wait_resp){ status });
        }
    } else if (d == NULL && exited_take(in.domain_id, rc->client_id, &status)) {
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

struct domain *next_connect_locked(void)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running && !domains[i].dying && domains[i].connect.pending) {
            return &domains[i];
        }
    }
    return NULL;
}

/* ---- starting and reaping domains ------------------------------------------ */

/* A new id on this core (lock held): the next number (<sprat/domain_id.h>),
 * after the last one back to 2, skipping (once the numbers have wrapped)
 * any still in use: an id names one domain even after 65,534 spawns. */
static uint32_t new_domain_id_locked(void)
{
    static bool wrapped;
    for (;;) {
        uint32_t id = domain_id_make(init_core, next_number);
        wrapped |= next_number == DOMAIN_ID_NUMBER_MASK;
        next_number = next_number == DOMAIN_ID_NUMBER_MASK ? DOMAIN_ID_INIT_NUMBER + 1
                                                           : next_number + 1;
        if (!wrapped || domain_to_wait_for(id) == NULL) {
            return id;
        }
    }
}

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
    return dispatcher_stop(capref_addr(d->si.dispatcher), (uint32_t)-1);
}

errval_t start_domain(int argc, char **argv, unsigned flags,
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
    uint32_t id = new_domain_id_locked();
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
        rpc_serve(&d->chan, init_handlers, RPC_INIT_COUNT, ws);
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

/* Stop a domain; its death message does the rest (reap: its memory and
 * channels come back). */
errval_t kill_domain(uint32_t id)
{
    if (domain_id_core(id) != init_core) {
        return remote_kill(id, true);       /* Ctrl-C on `run -c N` */
    }
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

void wait_reaped(uint32_t id)
{
    thread_mutex_lock(&lock);
    while (domain_to_wait_for(id) != NULL) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

void wait_running(const char *name, bool but_servers)
{
    thread_mutex_lock(&lock);
    while (running_count(name, but_servers) > 0) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

void procmgr_forget_waits_locked(const struct domain *dead)
{
    remote_forget_locked(dead);
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

static const char *state_name(uint32_t state)
{
    switch (state) {
    case DispatcherState_New:       return "new";
    case DispatcherState_Ready:     return "ready";
    case DispatcherState_Runnable:  return "running";
    case DispatcherState_Blocked:   return "waiting";
    case DispatcherState_Stopped:   return "stopped";
    default:                        return "?";
    }
}

/* "id state KiB name" per domain, malloc'd: the RAM a domain was started
 * with and what the memory server has granted it since (init: the RAM it
 * holds for spawning). */
char *process_table(void)
{
    static struct domain_info d[MAX_DOMAINS + 1];
    size_t size = (NAME_BYTES + 40) * (MAX_DOMAINS + 1), n = 0;
    char *s = malloc(size);
    unsigned count = domain_list(d, MAX_DOMAINS + 1);
    for (unsigned i = 0; s && i < count; i++) {
        size_t granted = 0;
        if (d[i].id != INIT_DOMAIN_ID) {
            memserv_usage(d[i].id, &granted);       /* none if it fails */
        }
        n += snprintf(s + n, size - n, "%u %s %u %s\n", (unsigned)d[i].id,
                      state_name(d[i].state), (unsigned)((d[i].ram + granted) >> 10), d[i].name);
    }
    return s;
}

void h_ps(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_process_ps_req in;
    if ((resp->err = rpc_process_ps_req_unpack(req, &in))) {
        return;
    }
    char *table = remote_ps_append(process_table());
    resp->err = table ? rpc_process_ps_resp_pack(resp, &(struct rpc_process_ps_resp){ table })
                      : LIB_ERR_MALLOC_FAIL;
    free(table);
}

/* "name bytes" per boot module but the boot list, malloc'd. */
static char *module_list(void)
{
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    size_t size = (BOOTINFO_NAME_LEN + 16) * BOOTINFO_MAX_REGIONS, n = 0;
    char *s = malloc(size);
    for (uint32_t i = 0; s && i < bi->num_regions; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (r->type == RegionType_Module && strcmp(r->name, "bootlist") != 0) {
            n += snprintf(s + n, size - n, "%.*s %u\n", (int)sizeof(r->name), r->name,
                          (unsigned)r->bytes);
        }
    }
    if (s && n == 0) {
        s[0] = '\0';
    }
    return s;
}

void h_modules(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_process_modules_req in;
    if ((resp->err = rpc_process_modules_req_unpack(req, &in))) {
        return;
    }
    char *list = module_list();
    resp->err = list ? rpc_process_modules_resp_pack(resp,
                                                     &(struct rpc_process_modules_resp){ list })
                     : LIB_ERR_MALLOC_FAIL;
    free(list);
}
