/*
 * tests/user/t_mem -- the memory server's promises.
 *
 *   t_mem QUOTA_KIB [I N]   ask for RAM in 64 KiB pieces until refused:
 *       the refusal must be the quota error and exactly QUOTA_KIB must
 *       have been granted.  Started N times at once by @memtest (copy I),
 *       the copies then check together that no two grants of any of them
 *       overlap: copy 0 serves "memcheck", the others send it the ranges
 *       they got (cap_identify), and all keep their memory until copy 0
 *       has compared every range with every other.
 *   t_mem die               takes memory from the memory server (and for
 *       its heap) and faults: @memtest checks that all of it comes back.
 *   t_mem malloc            mallocs more than the RAM it was spawned with:
 *       the rest must come from the memory server, and malloc must say
 *       NULL (not fault) beyond the quota.
 *   t_mem many N            N grants of 4 KiB, one by one: every one must be
 *       granted (the memory server's table grows past its first size), a
 *       RAM capability of 4 KiB, and no two may share memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/ram.h>
#include <sys/rpc_service.h>
#include <systest.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/t_mem.h>

#define PIECE       (64 * 1024)
#define MAX_PIECES  512
#define MAX_COPIES  32

struct range {
    uint32_t base, bytes;
};

static struct range got[MAX_PIECES];
static unsigned num_got;

/* ---- copy 0: collect everyone's ranges ------------------------------------- */

static struct range *all;
static unsigned num_all, reports, copies;
static struct { struct rpc_chan *rc; uint16_t seq; } waiting[MAX_COPIES];

static void add_ranges(const struct range *r, unsigned n)
{
    memcpy(all + num_all, r, n * sizeof(*r));
    num_all += n;
    reports++;
}

static void h_collect(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_test_collect_req in;
    if ((resp->err = rpc_test_collect_req_unpack(req, &in))) {
        return;
    }
    if (in.data_len % sizeof(struct range) || in.data_len / sizeof(struct range) > MAX_PIECES ||
        reports == copies) {
        resp->err = LIB_ERR_RPC_BAD_MESSAGE;
        return;
    }
    waiting[reports].rc = rc;
    waiting[reports].seq = rc->cur_seq;
    add_ranges(in.data, in.data_len / sizeof(struct range));
    resp->err = LIB_ERR_RPC_DEFERRED;       /* everyone waits for the verdict */
}

static const rpc_handler_fn collect_handlers[RPC_T_MEM_COUNT] = {
    [RPC_TEST_COLLECT] = h_collect,
};

static bool overlap(const struct range *a, const struct range *b)
{
    return a->base < b->base + b->bytes && b->base < a->base + a->bytes;
}

static void collect(unsigned n)
{
    static struct rpc_service svc = { .name = "memcheck", .handlers = collect_handlers,
                                      .num_handlers = RPC_T_MEM_COUNT };
    struct waitset *ws = get_default_waitset();
    copies = n;
    all = malloc(n * MAX_PIECES * sizeof(*all));
    add_ranges(got, num_got);               /* ours, and waiting[0] unused */
    errval_t err = rpc_service_start(&svc, ws);
    while (err_is_ok(err) && reports < copies) {
        event_dispatch(ws);
    }
    unsigned clashes = 0;
    for (unsigned i = 0; i < num_all; i++) {
        for (unsigned j = i + 1; j < num_all; j++) {
            clashes += overlap(&all[i], &all[j]);
        }
    }
    test_report(err_is_ok(err) && clashes == 0 && num_all > 0,
                "%u domains hold %u grants at once: no two overlap", copies, num_all);
    for (unsigned i = 1; i < reports; i++) {
        rpc_reply(waiting[i].rc, RPC_TEST_COLLECT, waiting[i].seq, &(struct rpc_payload){ 0 });
    }
}

/* Copies 1..N-1: send our ranges and wait until copy 0 has looked. */
static void report(void)
{
    struct rpc_chan *rc = NULL;
    errval_t err;
    while ((err = rpc_connect("memcheck", &rc)) == LIB_ERR_NAME_NOT_FOUND) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    if (err_is_ok(err)) {
        err = rpc_test_collect(rc, got, num_got * sizeof(got[0]));
    }
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "reporting to memcheck");
    }
}

/* ---- every copy ---------------------------------------------------------- */

static int take_quota(uint32_t quota)
{
    size_t total = 0;
    errval_t err = SYS_ERR_OK;
    while (num_got < MAX_PIECES) {
        struct capref ram;
        size_t bytes;
        struct capability_info info;
        err = rpc_get_ram_cap(get_memserv_rpc(), PIECE, 4096, &ram, &bytes);
        if (err_is_fail(err)) {
            break;
        }
        if (err_is_fail(cap_identify(ram, &info)) || info.type != ObjType_RAM) {
            test_report(false, "memserv handed out something that is not RAM");
            return 1;
        }
        got[num_got++] = (struct range){ info.base, info.bytes };
        total += bytes;
    }
    test_report(err == MM_ERR_QUOTA_EXCEEDED, "memserv refuses beyond the quota: %s",
                err_getcode(err));
    test_report(total == quota, "memserv granted exactly the quota: %u of %u KiB",
                (unsigned)(total >> 10), (unsigned)(quota >> 10));
    return 0;
}

static int die(void)
{
    struct capref ram;
    rpc_get_ram_cap(get_memserv_rpc(), 256 * 1024, 4096, &ram, NULL);
    /* More heap than the RAM we have left: the rest comes from the
     * memory server through libsys' refill. */
    size_t heap = ram_free_bytes() + 512 * 1024;
    volatile char *p = malloc(heap);
    for (size_t i = 0; p && i < heap; i += 4096) {
        p[i] = 1;
    }
    *(volatile int *)0 = 0;
    return 1;
}

static size_t memserv_free(void)
{
    size_t ms_free = 0, ms_total, init_free;
    rpc_mem_info(get_init_rpc(), &ms_free, &ms_total, &init_free);
    return ms_free;
}

static int heap(void)
{
    size_t before = memserv_free();
    size_t want = ram_free_bytes() + 1024 * 1024;
    char *p = malloc(want);
    bool ok = p != NULL;
    for (size_t i = 0; ok && i < want; i += 4096) {
        p[i] = (char)i;
    }
    for (size_t i = 0; ok && i < want; i += 4096) {
        ok = p[i] == (char)i;
    }
    size_t taken = before - memserv_free();
    test_report(ok && taken >= 1024 * 1024, "malloc of %u KiB, more than our own RAM: the "
                "memory server gave %u KiB of it", (unsigned)(want >> 10),
                (unsigned)(taken >> 10));
    free(p);
    test_report(malloc(64u * 1024 * 1024) == NULL,
                "malloc beyond the quota returns NULL instead of faulting");
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int many(unsigned n)
{
    uint32_t *base = malloc(n * sizeof(uint32_t));
    unsigned granted = 0, wrong = 0;
    errval_t err = SYS_ERR_OK;
    for (unsigned i = 0; base && i < n; i++) {
        struct capref ram;
        struct capability_info info;
        err = rpc_get_ram_cap(get_memserv_rpc(), 4096, 4096, &ram, NULL);
        if (err_is_fail(err)) {
            break;
        }
        wrong += err_is_fail(cap_identify(ram, &info)) || info.type != ObjType_RAM ||
                 info.bytes != 4096;
        base[granted++] = info.base;
        cap_destroy(ram);           /* ours; the memory server keeps its copy */
    }
    test_report(granted == n && wrong == 0, "%u grants of 4 KiB one by one: %u granted (%s), "
                "%u not a 4 KiB RAM capability", n, granted, err_getcode(err), wrong);
    unsigned shared = 0;
    if (base) {
        qsort(base, granted, sizeof(uint32_t), cmp_u32);
        for (unsigned i = 1; i < granted; i++) {
            shared += base[i] < base[i - 1] + 4096;
        }
    }
    test_report(base && shared == 0, "no two of the %u grants share memory", granted);
    free(base);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "many") == 0) {
        return many((unsigned)atoi(argv[2]));
    }
    if (argc > 1 && strcmp(argv[1], "die") == 0) {
        return die();
    }
    if (argc > 1 && strcmp(argv[1], "malloc") == 0) {
        return heap();
    }
    uint32_t quota = (argc > 1 ? (uint32_t)atoi(argv[1]) : 2048) * 1024;
    if (take_quota(quota)) {
        return 1;
    }
    if (argc > 3) {
        unsigned i = (unsigned)atoi(argv[2]), n = (unsigned)atoi(argv[3]);
        if (n > MAX_COPIES) {
            return 1;
        }
        if (i == 0) {
            collect(n);
        } else {
            report();
        }
    }
    return 0;
}
