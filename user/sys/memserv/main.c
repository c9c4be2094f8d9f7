/*
 * user/sys/memserv -- the memory server (docs/rpc.md, "The memory server").
 *
 * It hands out RAM capabilities to every domain: disjoint ones only, at
 * most a quota per domain, and takes a domain's memory back when init
 * reports that the domain died.
 *
 * The memory to hand out is the RAM init gave us at spawn time; libsys'
 * RAM allocator already tracks it (and the kernel's derivation database
 * would refuse two overlapping retypes anyway), so a request is just
 * ram_alloc() here.  We keep our own copy of every capability we hand
 * out: revoking that copy destroys the client's copy and everything the
 * client made from it.
 *
 * Clients reach us through init (rpc_connect, sys/rpc_service.h), so the
 * domain id of a channel is the client's true one: quotas cannot be
 * dodged by claiming to be someone else.
 *
 * argv[1]: the quota per domain in KiB (boot list: @quota); default
 * MEMSERV_DEFAULT_QUOTA_KIB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/ram.h>
#include <sys/rpc_service.h>
#include <sys/waitset.h>
#include <if/memserv.h>

#define MEMSERV_DEFAULT_QUOTA_KIB   (32u * 1024)
#define MAX_CLIENTS     64
#define MEMSERV_MAX_REQUEST_BYTES   256
/* Every capability we handed out (our copy of it), in a table that grows
 * as it fills; the free entries are chained by index, so a request finds
 * one at once however many grants there are. */
struct grant {
    bool used;
    struct capref cap;          /* our copy */
    uint32_t bytes;
    uint32_t base;              /* physical: how RAM_FREE recognises it */
    uint32_t domain;
    uint32_t next_free;         /* free entries: the next free one */
};
#define NO_GRANT        UINT32_MAX
#define GRANTS_FIRST    1024    /* the table's first size; it doubles (what it
                                 * grows to stays memserv's own memory) */

/* What one domain has been given (all its channels together). */
struct client {
    bool active;
    uint32_t domain;
    uint32_t used;              /* bytes */
};

/*
 * Ready pages: most requests are for one page (every domain's heap grows a
 * page at a time), and a retype and an identify per request were a third
 * of rpc_get_ram_cap's instructions (docs/rpc.md, "The memory server").
 * So one-page RAM capabilities are made READY_BATCH at a time -- one
 * retype into side-by-side slots (ram_alloc_pages) -- and a request takes
 * the next: its slot and physical base are known without a system call.
 * They are our memory until granted; MEM_STATS counts them free, and a
 * request that finds no memory empties them first (ready_drain).
 */
#define READY_BATCH     32      /* slot_alloc_run gives at most 32 */
static struct {
    struct capref first;        /* page i: slot first.slot + i */
    uint32_t base;              /* page i: physical base + i * 4 KiB */
    uint32_t left;              /* pages 0 .. left-1 are still ready */
} ready;

static struct grant *grants;
static uint32_t num_grants, first_free = NO_GRANT;
static struct client clients[MAX_CLIENTS];
static uint32_t quota = MEMSERV_DEFAULT_QUOTA_KIB * 1024;
static size_t total_bytes;

/* The client entry of domain, or NULL if it has none. */
static struct client *client_find(uint32_t domain)
{
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].active && clients[i].domain == domain) {
            return &clients[i];
        }
    }
    return NULL;
}

/* The client entry of domain, made if it has none (NULL if full). */
/* LAB 7 UNUSED */
static struct client *client_of(uint32_t domain)
{
    struct client *c = client_find(domain);
    if (c != NULL) {
        return c;
    }
    struct client *free_slot = NULL;
    for (unsigned i = 0; i < MAX_CLIENTS && free_slot == NULL; i++) {
        if (!clients[i].active) {
            free_slot = &clients[i];
        }
    }
    if (free_slot) {
        *free_slot = (struct client){ true, domain, 0 };
    }
    return free_slot;
}

/* A free entry (not yet taken: take_grant does that), or NULL if the
 * table cannot grow. */
/* LAB 7 UNUSED */
static struct grant *free_grant(void)
{
    if (first_free == NO_GRANT) {
        uint32_t n = num_grants ? 2 * num_grants : GRANTS_FIRST;
        struct grant *more = realloc(grants, n * sizeof(*grants));
        if (more == NULL) {
            return NULL;
        }
        for (uint32_t i = num_grants; i < n; i++) {
            more[i] = (struct grant){ .used = false, .next_free = i + 1 < n ? i + 1 : NO_GRANT };
        }
        grants = more;
        first_free = num_grants;
        num_grants = n;
    }
    return &grants[first_free];
}

/* g (from free_grant) now holds cap: off the free chain. */
/* LAB 7 UNUSED */
static void take_grant(struct grant *g, struct capref cap, uint32_t bytes, uint32_t domain)
{
    first_free = g->next_free;
    *g = (struct grant){ .used = true, .cap = cap, .bytes = bytes, .domain = domain };
}

static void release_grant(struct grant *g)
{
    g->used = false;
    g->next_free = first_free;
    first_free = (uint32_t)(g - grants);
}

/* Our copy revoked -- every copy the client holds and all it made from
 * them go with it -- the memory ours again, the entry free. */
static void reclaim_grant(struct grant *g)
{
    cap_revoke(g->cap);
    mem_free(g->cap);
    release_grant(g);
}

/* RAM_CAP's alignment: 0 (no constraint) or a power of two no larger
 * than all the memory we serve (more could never be met).  Up to a page
 * any capability meets it; above, the physical base is a multiple of it. */
/* LAB 7 UNUSED */
static bool alignment_ok(size_t alignment)
{
    return (alignment & (alignment - 1)) == 0 && alignment <= total_bytes;
}

/* A new grant's physical base (for grant_of). */
/* LAB 7 UNUSED */
static uint32_t grant_base(struct capref cap)
{
    struct capability_info info = { 0 };
    cap_identify(cap, &info);
    return info.base;
}

/* READY_BATCH more ready pages; false if there is no memory (or no run of
 * slots) for a whole batch. */
static bool ready_refill(void)
{
    if (err_is_fail(slot_alloc_run(READY_BATCH, &ready.first))) {
        return false;
    }
    if (err_is_fail(ram_alloc_pages(ready.first, READY_BATCH, &ready.base))) {
        for (uint32_t i = 0; i < READY_BATCH; i++) {
            slot_free((struct capref){ ready.first.cnode, ready.first.slot + i });
        }
        return false;
    }
    ready.left = READY_BATCH;
    return true;
}

/* A ready page into g: its capability and base (no system call but, one
 * request in READY_BATCH, the batch's retype). */
static bool ready_take(struct grant *g)
{
    if (ready.left == 0 && !ready_refill()) {
        return false;
    }
    ready.left--;
    g->cap = (struct capref){ ready.first.cnode, ready.first.slot + ready.left };
    g->base = ready.base + ready.left * BASE_PAGE_SIZE;
    return true;
}

/* Memory is short: the ready pages go back to the allocator, where a
 * request for more than a page can have them. */
static bool ready_drain(void)
{
    bool had = ready.left > 0;
    while (ready.left > 0) {
        ready.left--;
        mem_free((struct capref){ ready.first.cnode, ready.first.slot + ready.left });
    }
    return had;
}

/* A new grant's capability and base in g: a ready page when one page will
 * do, else from the allocator (emptying the ready pages if it runs short). */
/* LAB 7 UNUSED */
static bool grant_memory(struct grant *g, size_t bytes, size_t alignment)
{
    if (bytes == BASE_PAGE_SIZE && alignment <= BASE_PAGE_SIZE && ready_take(g)) {
        return true;
    }
    errval_t err = ram_alloc_aligned(&g->cap, bytes, alignment);
    if (err_is_fail(err) && ready_drain()) {
        err = ram_alloc_aligned(&g->cap, bytes, alignment);
    }
    if (err_is_fail(err)) {
        return false;
    }
    g->base = grant_base(g->cap);
    return true;
}

/* RAM_CAP: a grant of at least `bytes`, its base a multiple of
 * `alignment`, within the client's quota -- *ram our copy of it (the
 * answer sends a copy: we keep ours), *ret_bytes its size.  The typed
 * handler (the common case: rpc_call_fixed_cap's request, read in the ring,
 * docs/rpc.md section 6); h_ram_cap serves one that came otherwise. */
static errval_t grant_ram_cap(struct rpc_chan *rc, size_t req_bytes, size_t alignment,
                          struct capref *ram, size_t *ret_bytes)
{
    /* LAB 7 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    /* Whole pages, aligned to a page: what a RAM capability can be. */
    size_t bytes = (req_bytes + BASE_PAGE_SIZE - 1) & ~(size_t)(BASE_PAGE_SIZE - 1);
    struct client *c = client_of(rc->client_id);
    struct grant *g = free_grant();
    if (bytes == 0 || bytes < req_bytes || !alignment_ok(alignment)) {
        return MM_ERR_BAD_REQUEST;
    }
    if (c && bytes > quota - c->used) {
        return MM_ERR_QUOTA_EXCEEDED;
    }
    if (c == NULL || g == NULL || !grant_memory(g, bytes, alignment)) {
        return MM_ERR_OUT_OF_MEMORY;
    }
    uint32_t base = g->base;
    take_grant(g, g->cap, bytes, rc->client_id);
    g->base = base;
    c->used += bytes;
    *ram = g->cap;
    *ret_bytes = bytes;
    return SYS_ERR_OK;
    /* LAB 7 END */
}

static void h_ram_cap(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_ram_cap_req in;
    struct rpc_ram_cap_resp out;
    if ((resp->err = rpc_ram_cap_req_unpack(req, &in))) {
        return;
    }
    if ((resp->err = grant_ram_cap(rc, in.bytes, in.alignment, &out.ram, &out.ret_bytes))) {
        return;
    }
    resp->err = rpc_ram_cap_resp_pack(resp, &out);
}

/* The grant of domain's whose memory is exactly info's, or NULL.  Grants
 * never overlap, so a RAM capability with the very range of one of the
 * client's grants is a copy of it (or a descendant as big): the client's. */
static struct grant *grant_of(uint32_t domain, const struct capability_info *info)
{
    for (uint32_t i = 0; i < num_grants; i++) {
        struct grant *g = &grants[i];
        if (g->used && g->domain == domain && g->bytes == info->bytes &&
            g->base == info->base) {
            return g;
        }
    }
    return NULL;
}

/* RAM_FREE: a client gives a grant back.  Revoking our copy destroys
 * every copy of it (the one just sent too) and all the client made from
 * it; then the memory is ours again and the quota credited. */
static void h_ram_free(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_ram_free_req in;
    struct capability_info info;
    struct grant *g = NULL;
    if ((resp->err = rpc_ram_free_req_unpack(req, &in))) {
        return;
    }
    if (err_is_ok(cap_identify(in.ram, &info)) && info.type == ObjType_RAM) {
        g = grant_of(rc->client_id, &info);
    }
    if (g == NULL) {
        resp->err = MM_ERR_NOT_GRANTED;     /* serve_one deletes what came */
        return;
    }
    client_find(rc->client_id)->used -= g->bytes;  /* it has a grant */
    reclaim_grant(g);
    slot_free(in.ram);                  /* emptied by the revoke */
    req->cap = NULL_CAP;                /* so serve_one leaves the slot be */
}

/* init says a domain died: revoke what it had, then free it. */
static void domain_died(uint32_t domain)
{
    for (uint32_t i = 0; i < num_grants; i++) {
        struct grant *g = &grants[i];
        if (g->used && g->domain == domain) {
            reclaim_grant(g);
        }
    }
    struct client *c = client_find(domain);
    if (c != NULL) {
        c->active = false;
    }
}

static void h_stats(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_mem_stats_req in;
    struct rpc_mem_stats_resp out = { ram_free_bytes() + ready.left * BASE_PAGE_SIZE,
                                      total_bytes, 0 };
    if ((resp->err = rpc_mem_stats_req_unpack(req, &in))) {
        return;
    }
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        out.clients += clients[i].active;
    }
    resp->err = rpc_mem_stats_resp_pack(resp, &out);
}

/* MEM_USAGE(id), from init (ps): what that domain has been given. */
static void h_usage(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_mem_usage_req in;
    struct rpc_mem_usage_resp out = { 0 };
    if ((resp->err = rpc_mem_usage_req_unpack(req, &in))) {
        return;
    }
    struct client *c = client_find(in.domain_id);
    out.bytes = c ? c->used : 0;
    resp->err = rpc_mem_usage_resp_pack(resp, &out);
}

static const rpc_handler_fn handlers[RPC_MEMSERV_COUNT] = {
    [RPC_RAM_CAP] = h_ram_cap,
    [RPC_RAM_FREE] = h_ram_free,
};

static const struct rpc_memserv_fixed_handlers typed = {
    .ram_cap = grant_ram_cap,
};

static const rpc_handler_fn control[RPC_MEMSERV_COUNT] = {
    [RPC_MEM_STATS] = h_stats,
    [RPC_MEM_USAGE] = h_usage,
};

int main(int argc, char **argv)
{
    static struct rpc_service svc = {
        .name = "memserv", .handlers = handlers, .num_handlers = RPC_MEMSERV_COUNT,
        .fixed_dispatch = rpc_memserv_fixed_dispatch, .fixed_handlers = &typed,
        .control = control, .num_control = RPC_MEMSERV_COUNT,
        .domain_died = domain_died,
        /* Our requests are scalars: a request with bytes is refused
         * before it costs us memory (docs/reliability.md). */
        .max_request_bytes = MEMSERV_MAX_REQUEST_BYTES,
    };
    struct waitset *ws = get_default_waitset();
    errval_t err;

    /* Our own heap comes from the memory we serve: never ask ourselves. */
    ram_refill_hook = NULL;
    if (argc > 1) {
        quota = (uint32_t)strtoul(argv[1], NULL, 0) * 1024;
    }
    /* Our heap grows now, once, to what the most clients we track need
     * (three channels each, rpc_service.c), backed and touched, and not
     * while we serve them: a page (or page table) taken then would look
     * like memory lost -- msgtest's memtest checks that our free memory
     * comes back exactly, and whether the heap had room to spare depended
     * on the size of struct rpc_chan to the word. */
    size_t warm = MAX_CLIENTS * 3 * (sizeof(struct rpc_chan) + 16);
    void *heap = malloc(warm);
    if (heap != NULL) {
        memset(heap, 0, warm);
        free(heap);
    }
    total_bytes = ram_free_bytes();
    if ((err = rpc_service_start(&svc, ws))) {
        DEBUG_ERR(err, "memserv start-up");
        return 1;
    }
    printf("memserv: serving %u MiB, %u KiB per domain\n",
           (unsigned)(total_bytes >> 20), (unsigned)(quota >> 10));
    for (;;) {
        event_dispatch(ws);
    }
}
