/*
 * user/sys/init/death.c -- what init does when a domain ends (docs/messaging.md,
 * docs/reliability.md): the kernel sends a death message on init's death
 * endpoint; reap says how it ended, has the other files forget it (names,
 * services, waits), tells every service, destroys the domain and answers
 * those waiting for it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/lmp_chan.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <sys/spawn.h>
#include <sys/threads.h>
#include <sprat/lmp.h>
#include <if/init.h>
#include "init.h"

struct lmp_chan death_chan;

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

/* Everything the rest of the system knew about domain id (lock held):
 * its pending SERVICE_CONNECT, its names, its services (and their clients
 * are told), its watches, and PROCESS_WAIT calls it made. */
static void forget_domain_locked(struct domain *dead, uint32_t id)
{
    if (dead->connect.pending) {
        cap_destroy(dead->connect.ep);
        dead->connect.pending = false;
    }
    names_forget_locked(id);
    services_forget_locked(id);
    procmgr_forget_waits_locked(dead);
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
        printf("%s: %s (domain %u) was killed\n", init_name, d->si.name, (unsigned)id);
    } else if (reason == DEATH_EXIT) {
        printf("%s: %s (domain %u) exited with status %d\n", init_name, d->si.name,
               (unsigned)id, (int)status);
    } else {
        printf("%s: %s (domain %u) %s (address 0x%08x, pc 0x%08x)\n", init_name, d->si.name,
               (unsigned)id, death_reason(reason), (unsigned)status, (unsigned)pc);
    }
    if (d->system) {
        system_server_died(d->si.name);
    }
    bool ok = d->expect_fault ? reason == DEATH_FAULT : reason == DEATH_EXIT && status == 0;
    ok = ok || d->any_end;
    failures += !ok;
    if (init_test_domain_ended) {
        init_test_domain_ended(d, ok);
    }
    forget_domain_locked(d, id);
    bool relays_across = relays_forget_locked(id);
    d->dying = true;
    thread_mutex_unlock(&lock);

    if (relays_across) {
        relays_tell_other_core(id);     /* its far relays, the services there */
    }

    tell_services(id);
    rpc_chan_destroy(&d->chan);
    errval_t err = spawn_cleanup(&d->si);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "cleaning up %s", d->si.name);
    }
    /* Waiters hear of it once it is gone for good: everything it was
     * made of destroyed, its memory back. */
    struct rpc_process_wait_resp r = { reason == DEATH_EXIT && !d->killed ? (int)status : -1 };
    remote_tell_death(d, id, r.status);
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

void death_event(void *arg)
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
