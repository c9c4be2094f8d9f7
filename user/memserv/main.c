/*
 * user/memserv -- the memory server: hands out RAM capabilities to every
 * domain, disjoint, under a per-domain quota, and takes a domain's memory
 * back when init reports that it died (docs/memserv.md).
 *
 * The memory to hand out is the RAM init gave us at spawn time; libsys'
 * RAM allocator already tracks it, so a request is just ram_alloc() here.
 * We keep our own copy of every capability we hand out: revoking that copy
 * destroys the client's copy and everything the client made from it.
 *
 * argv[1]: the default quota per domain in KiB (boot list: @quota).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_clients.h>
#include <sys/waitset.h>

#define DEFAULT_QUOTA   (32u * 1024 * 1024)
#define MAX_CLIENTS     64
#define MAX_GRANTS      1024

struct grant {
    struct capref cap;          /* our copy */
    uint32_t bytes;
    uint32_t domain;
    bool used;
};

struct client {
    uint32_t domain;
    uint32_t used;
    uint32_t quota;
    bool active;
};

/* The private channels clients bound, to close when their domain dies. */
static struct rpc_clients channels;

static void on_bind(struct rpc_chan *rc)
{
    rpc_clients_add(&channels, rc);
}

static struct grant grants[MAX_GRANTS];
static struct client clients[MAX_CLIENTS];
static uint32_t default_quota = DEFAULT_QUOTA;
static size_t total_bytes;

static struct client *client_of(uint32_t domain)
{
    struct client *free_slot = NULL;
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].active && clients[i].domain == domain) {
            return &clients[i];
        }
        if (!clients[i].active && free_slot == NULL) {
            free_slot = &clients[i];
        }
    }
    if (free_slot) {
        *free_slot = (struct client){ domain, 0, default_quota, true };
    }
    return free_slot;
}

static void handle_ram_cap(struct rpc_chan *rc, struct rpc_payload *req,
                           struct rpc_payload *resp)
{
    uint32_t bytes = req->nscalar > 0 ? req->scalar[0] : 0;
    uint32_t align = req->nscalar > 1 ? req->scalar[1] : 4096;
    struct client *c = client_of(rc->client_id);

    bytes = (bytes + 4095) & ~4095u;
    if (bytes == 0 || align == 0 || (align & (align - 1)) || align > 4096 || c == NULL) {
        resp->err = MM_ERR_BAD_REQUEST;
        return;
    }
    if (bytes > c->quota - c->used) {
        resp->err = MM_ERR_QUOTA_EXCEEDED;
        return;
    }
    struct grant *g = NULL;
    for (unsigned i = 0; i < MAX_GRANTS && g == NULL; i++) {
        if (!grants[i].used) {
            g = &grants[i];
        }
    }
    if (g == NULL || err_is_fail(ram_alloc(&g->cap, bytes))) {
        resp->err = MM_ERR_OUT_OF_MEMORY;
        return;
    }
    g->used = true;
    g->bytes = bytes;
    g->domain = rc->client_id;
    c->used += bytes;
    resp->cap = g->cap;             /* sent as a copy: we keep ours */
    resp->nscalar = 1;
    resp->scalar[0] = bytes;
}

/* A channel of the domain that died (but not the one init asks on). */
struct died {
    uint32_t domain;
    struct rpc_chan *asking;
};

static bool is_channel_of(struct rpc_chan *rc, void *arg)
{
    const struct died *d = arg;
    return rc->client_id == d->domain && rc != d->asking;
}

/* Take back everything a domain got: revoke our copy, then free it. */
static void handle_domain_died(struct rpc_chan *rc, struct rpc_payload *req,
                               struct rpc_payload *resp)
{
    (void)rc;
    uint32_t domain = req->nscalar > 0 ? req->scalar[0] : 0;
    for (unsigned i = 0; i < MAX_GRANTS; i++) {
        struct grant *g = &grants[i];
        if (g->used && g->domain == domain) {
            cap_revoke(g->cap);
            mem_free(g->cap);
            g->used = false;
        }
    }
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].active && clients[i].domain == domain) {
            clients[i].active = false;
        }
    }
    struct died died = { domain, rc };
    rpc_clients_close_if(&channels, is_channel_of, &died);
    resp->err = SYS_ERR_OK;
}

static void handle_set_quota(struct rpc_chan *rc, struct rpc_payload *req,
                             struct rpc_payload *resp)
{
    (void)rc;
    struct client *c = client_of(req->nscalar > 0 ? req->scalar[0] : 0);
    if (c == NULL || req->nscalar < 2) {
        resp->err = MM_ERR_BAD_REQUEST;
        return;
    }
    c->quota = req->scalar[1];
}

static void handle_stats(struct rpc_chan *rc, struct rpc_payload *req,
                         struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    unsigned n = 0;
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        n += clients[i].active;
    }
    resp->nscalar = 3;
    resp->scalar[0] = ram_free_bytes();
    resp->scalar[1] = total_bytes;
    resp->scalar[2] = n;
}

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_BIND] = rpc_handle_bind,
    [RPC_RAM_CAP] = handle_ram_cap,
    [RPC_MEM_DOMAIN_DIED] = handle_domain_died,
    [RPC_MEM_SET_QUOTA] = handle_set_quota,
    [RPC_MEM_STATS] = handle_stats,
};

int main(int argc, char **argv)
{
    struct rpc_chan listener;
    struct waitset *ws = get_default_waitset();
    errval_t err;

    if (argc > 1) {
        default_quota = (uint32_t)strtoul(argv[1], NULL, 0) * 1024;
    }
    total_bytes = ram_free_bytes();
    /* The public endpoint clients BIND on; init publishes it. */
    if ((err = rpc_chan_init(&listener, NULL_CAP)) ||
        (listener.on_bind = on_bind, false) ||
        (err = rpc_serve(&listener, handlers, ws)) ||
        (err = rpc_name_register(get_init_rpc(), "memserv", listener.lc.local_cap))) {
        DEBUG_ERR(err, "memserv start-up");
        return 1;
    }
    printf("memserv: serving %u MiB, %u KiB per domain\n",
           (unsigned)(total_bytes >> 20), (unsigned)(default_quota >> 10));
    for (;;) {
        event_dispatch(ws);
    }
}
