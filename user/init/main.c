/*
 * user/init -- the first domain (docs/init.md).
 *
 * It starts the memory server and the serial driver, then the domains of
 * the boot list; serves every domain's channel to it (processes, names,
 * printing); reports how each domain ends and reclaims its memory; and,
 * outside test images, ends at a small interactive prompt.
 *
 * Boot list (the "bootlist" module, boot/<name>.bootlist):
 *   name arg...     spawn module `name` with argv = name arg...
 *   !name arg...    the same, but the domain is expected to fault
 *   &name arg...    the same, and it gets the terminal (serial input)
 *   @wait           wait until every domain started so far has ended
 *   @test           test image: report each domain's end as a test result
 *                   and shut the machine down at the end
 *   @quota KiB      the memory server's default quota per domain
 *   @memtest N name arg...   start N copies, wait, and check (as a test)
 *                   that every byte of memory came back (!name: copies
 *                   that are expected to fault)
 *   @spawntest name spawn damaged copies of module name: each error is
 *                   reported and leaves nothing behind (spawntest.c)
 *   NAME=value ...  words before the program name are its environment
 *   # ...           comment
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
#include <sys/spawn.h>
#include <sys/systest.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/lmp.h>
#include "init.h"
#include "bootcheck.h"

#define MAX_DOMAINS     64
#define MAX_ARGS        16
#define MAX_NAMES       16
#define MAX_WAITERS     4
#define INIT_RESERVE    (128u * 1024 * 1024)    /* RAM init keeps for spawning */

struct domain {
    bool running;
    bool expect_fault;
    struct spawninfo si;
    struct rpc_chan chan;           /* its channel to us */
    struct { struct rpc_chan *rc; uint16_t seq; } waiters[MAX_WAITERS];
    unsigned num_waiters;           /* PROCESS_WAIT calls */
};

static struct domain domains[MAX_DOMAINS];
static struct { char name[32]; struct capref ep; } names[MAX_NAMES];
static struct thread_mutex lock = THREAD_MUTEX_INITIALIZER;
static struct thread_cond changed = THREAD_COND_INITIALIZER;
static unsigned num_running;
static uint32_t next_domain_id = 2;
static bool test_mode;
static unsigned failures;
static uint32_t quota_kib;
static struct lmp_chan death_chan;
static struct waitset *ws;
static int last_status;

/* ---- names ------------------------------------------------------------ */

static struct capref name_find(const char *name)
{
    for (unsigned i = 0; i < MAX_NAMES; i++) {
        if (names[i].name[0] && strcmp(names[i].name, name) == 0) {
            return names[i].ep;
        }
    }
    return NULL_CAP;
}

static struct capref wait_for_name(const char *name)
{
    thread_mutex_lock(&lock);
    struct capref ep;
    while (capref_is_null(ep = name_find(name))) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
    return ep;
}

/* ---- handlers of the domains' channels to us ------------------------------ */

static struct domain *domain_by_id(uint32_t id)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running && domains[i].si.domain_id == id) {
            return &domains[i];
        }
    }
    return NULL;
}

static const char *caller_name(struct rpc_chan *rc)
{
    struct domain *d = rc->st;
    return d ? d->si.name : "?";
}

static void h_hello(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    if (capref_is_null(req->cap)) {
        resp->err = LIB_ERR_LMP_CHAN_INIT;
        return;
    }
    rc->lc.remote_cap = req->cap;   /* where our answers go from now on */
    req->cap = NULL_CAP;
}

static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)resp;
    printf("init: %s sent the number %u\n", caller_name(rc),
           (unsigned)(req->nscalar ? req->scalar[0] : 0));
}

static void h_string(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)resp;
    printf("init: %s sent a string of %u bytes: %.60s\n", caller_name(rc),
           (unsigned)req->len, req->bytes ? (char *)req->bytes : "");
}

static errval_t start_domain(int argc, char **argv, bool expect_fault,
                             const struct spawn_caps *extra, size_t ram,
                             uint32_t *id_out);
static int split(char *line, char **argv, int max);

static void h_spawn(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    char *argv[MAX_ARGS + 1];
    int argc = req->bytes ? split((char *)req->bytes, argv, MAX_ARGS) : 0;
    uint32_t id = 0;
    if (argc == 0) {
        resp->err = LIB_ERR_SPAWN_NO_MODULE;
        return;
    }
    argv[argc] = NULL;
    resp->err = start_domain(argc, argv, false, NULL, 0, &id);
    resp->nscalar = 1;
    resp->scalar[0] = id;
}

static void h_get_name(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    uint32_t id = req->nscalar ? req->scalar[0] : 0;
    struct domain *d = domain_by_id(id);
    const char *name = id == 1 ? "init" : d ? d->si.name : NULL;
    if (name == NULL) {
        resp->err = SPAWN_ERR_DOMAIN_NOT_FOUND;
        return;
    }
    resp->bytes = (uint8_t *)strdup(name);
    resp->len = strlen(name);
}

static void h_list(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    size_t cap = 64 * (MAX_DOMAINS + 1), n = 0;
    char *s = malloc(cap);
    n += snprintf(s + n, cap - n, "%u init\n", 1u);
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].running) {
            n += snprintf(s + n, cap - n, "%u %s\n", (unsigned)domains[i].si.domain_id,
                          domains[i].si.name);
        }
    }
    resp->bytes = (uint8_t *)s;
    resp->len = n;
}

static void h_wait(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct domain *d = domain_by_id(req->nscalar ? req->scalar[0] : 0);
    if (d == NULL) {
        resp->err = SPAWN_ERR_DOMAIN_NOT_FOUND;
        return;
    }
    if (d->num_waiters == MAX_WAITERS) {
        resp->err = LIB_ERR_RPC_BUSY;
        return;
    }
    d->waiters[d->num_waiters].rc = rc;
    d->waiters[d->num_waiters].seq = rc->cur_seq;
    d->num_waiters++;
    resp->err = LIB_ERR_RPC_DEFERRED;       /* answered when it ends */
}

static void h_register(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    if (req->bytes == NULL || capref_is_null(req->cap)) {
        resp->err = LIB_ERR_RPC_BAD_MESSAGE;
        return;
    }
    thread_mutex_lock(&lock);
    resp->err = LIB_ERR_NAME_NOT_FOUND;
    for (unsigned i = 0; i < MAX_NAMES; i++) {
        if (names[i].name[0] == '\0') {
            snprintf(names[i].name, sizeof(names[i].name), "%s", (char *)req->bytes);
            names[i].ep = req->cap;
            req->cap = NULL_CAP;
            resp->err = SYS_ERR_OK;
            break;
        }
    }
    thread_cond_broadcast(&changed);
    thread_mutex_unlock(&lock);
}

static void h_lookup(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct capref ep = req->bytes ? name_find((char *)req->bytes) : NULL_CAP;
    if (capref_is_null(ep)) {
        resp->err = LIB_ERR_NAME_NOT_FOUND;
        return;
    }
    resp->cap = ep;                 /* sent as a copy */
}

static void h_mem_info(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_chan *mm = get_memserv_rpc();
    struct rpc_payload r = { 0 };
    resp->err = mm ? rpc_call(mm, RPC_MEM_STATS, req, &r) : LIB_ERR_RPC_PEER_DEAD;
    if (err_is_ok(resp->err)) {
        resp->nscalar = r.nscalar;
        memcpy(resp->scalar, r.scalar, sizeof(r.scalar));
        resp->scalar[0] += ram_free_bytes();    /* init's own reserve too */
    }
    rpc_payload_free(&r);
}

static void h_echo(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    resp->nscalar = req->nscalar;
    memcpy(resp->scalar, req->scalar, sizeof(req->scalar));
    resp->bytes = req->bytes;
    resp->len = req->len;
    req->bytes = NULL;              /* now the response's */
}

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_HELLO] = h_hello,
    [RPC_NUMBER] = h_number,
    [RPC_STRING] = h_string,
    [RPC_PROCESS_SPAWN] = h_spawn,
    [RPC_PROCESS_GET_NAME] = h_get_name,
    [RPC_PROCESS_LIST] = h_list,
    [RPC_PROCESS_WAIT] = h_wait,
    [RPC_NAME_REGISTER] = h_register,
    [RPC_NAME_LOOKUP] = h_lookup,
    [RPC_MEM_INFO] = h_mem_info,
    [RPC_ECHO] = h_echo,
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

static errval_t start_domain(int argc, char **argv, bool expect_fault,
                             const struct spawn_caps *extra, size_t ram,
                             uint32_t *id_out)
{
    const char *envp[MAX_ARGS + 1];
    argc = take_environment(argc, &argv, envp, MAX_ARGS);
    if (argc == 0) {
        return LIB_ERR_SPAWN_ARGS;
    }
    size_t bytes;
    const void *elf = spawn_find_module(argv[0], &bytes);
    if (elf == NULL) {
        printf("init: no module '%s' in the boot image\n", argv[0]);
        return LIB_ERR_SPAWN_NO_MODULE;
    }
    thread_mutex_lock(&lock);
    struct domain *d = NULL;
    for (unsigned i = 0; i < MAX_DOMAINS && d == NULL; i++) {
        if (!domains[i].running) {
            d = &domains[i];
        }
    }
    if (d == NULL) {
        thread_mutex_unlock(&lock);
        return LIB_ERR_SPAWN_ARGS;
    }
    memset(d, 0, sizeof(*d));
    d->running = true;              /* reserve the entry */
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
        caps.memserv_ep = name_find("memserv");
        caps.serial_ep = name_find("serial");
        err = spawn_load(elf, bytes, argc, (const char *const *)argv, envp, id, &caps,
                         ram, &d->si);
        built = err_is_ok(err);
    }
    if (err_is_ok(err)) {
        rpc_serve(&d->chan, handlers, ws);
        if (quota_kib && !capref_is_null(caps.memserv_ep) && get_memserv_rpc()) {
            struct rpc_payload q = { .nscalar = 2, .scalar = { id, quota_kib * 1024 } }, r;
            rpc_call(get_memserv_rpc(), RPC_MEM_SET_QUOTA, &q, &r);
            rpc_payload_free(&r);
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
            lmp_chan_destroy(&d->chan.lc);
        }
    }
    thread_mutex_lock(&lock);
    if (err_is_fail(err)) {
        d->running = false;
    } else {
        d->expect_fault = expect_fault;
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

static void reap(uint32_t id, uint32_t reason, uint32_t status, uint32_t pc)
{
    struct domain *d = domain_by_id(id);
    if (d == NULL) {
        return;
    }
    if (reason == DEATH_EXIT) {
        printf("init: %s (domain %u) exited with status %d\n", d->si.name,
               (unsigned)id, (int)status);
    } else {
        printf("init: %s (domain %u) %s (address 0x%08x, pc 0x%08x)\n", d->si.name,
               (unsigned)id, death_reason(reason), (unsigned)status, (unsigned)pc);
    }
    bool ok = d->expect_fault ? reason == DEATH_FAULT : reason == DEATH_EXIT && status == 0;
    failures += !ok;
    if (test_mode) {
        test_report(ok, "domain %s %s", d->si.name,
                    d->expect_fault ? "faulted and was removed" : "ended cleanly");
    }
    if (get_memserv_rpc() && strcmp(d->si.name, "memserv") != 0) {
        struct rpc_payload q = { .nscalar = 1, .scalar = { id } }, r;
        rpc_call(get_memserv_rpc(), RPC_MEM_DOMAIN_DIED, &q, &r);
        rpc_payload_free(&r);
    }
    lmp_chan_destroy(&d->chan.lc);
    errval_t err = spawn_cleanup(&d->si);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "cleaning up %s", d->si.name);
    }
    /* Waiters hear of it once it is gone for good: everything it was
     * made of destroyed, its memory back. */
    for (unsigned i = 0; i < d->num_waiters; i++) {
        struct rpc_payload r = { .nscalar = 1,
                                 .scalar = { reason == DEATH_EXIT ? status : (uint32_t)-1 } };
        rpc_reply(d->waiters[i].rc, RPC_PROCESS_WAIT, d->waiters[i].seq, &r);
    }
    thread_mutex_lock(&lock);
    last_status = reason == DEATH_EXIT ? (int)status : -1;
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

/* Wait until at most `left` domains (besides the services) still run. */
static void wait_running(unsigned left)
{
    thread_mutex_lock(&lock);
    while (num_running > left) {
        thread_cond_wait(&changed, &lock);
    }
    thread_mutex_unlock(&lock);
}

/* ---- system start-up ------------------------------------------------------------ */

static unsigned num_services;

static void start_services(void)
{
    char quota[16];
    snprintf(quota, sizeof(quota), "%u", (unsigned)(quota_kib ? quota_kib : 32 * 1024));
    char *mm_argv[] = { "memserv", quota, NULL };
    size_t free = ram_free_bytes();
    size_t keep = free / 4 < INIT_RESERVE ? free / 4 : INIT_RESERVE;
    if (err_is_ok(start_domain(2, mm_argv, false, NULL, free - keep - 8 * 1024 * 1024, NULL))) {
        num_services++;
        cap_copy(taskcn_cap(TASKCN_SLOT_MEMSERV_EP), wait_for_name("memserv"));
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
        if (err_is_ok(start_domain(2, argv, false, &caps, 0, NULL))) {
            num_services++;
            cap_copy(taskcn_cap(TASKCN_SLOT_SERIAL_EP), wait_for_name("serial"));
            rpc_client_use_serial();
        }
    }
}

/* ---- the boot list --------------------------------------------------------------- */

static int split(char *line, char **argv, int max)
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

/* Free memory in the whole system: the memory server's and ours. */
static size_t system_free(void)
{
    struct rpc_payload q = { 0 }, r = { 0 };
    size_t n = ram_free_bytes();
    if (get_memserv_rpc() && err_is_ok(rpc_call(get_memserv_rpc(), RPC_MEM_STATS, &q, &r))) {
        n += r.scalar[0];
    }
    rpc_payload_free(&r);
    return n;
}

static void memtest(int n, int argc, char **argv)
{
    bool faults = argv[0][0] == '!';    /* domains expected to fault */
    if (faults) {
        argv[0]++;
    }
    wait_running(num_services);
    start_domain(argc, argv, faults, NULL, 0, NULL);    /* warm-up */
    wait_running(num_services);
    size_t before = system_free();
    for (int i = 0; i < n; i++) {
        start_domain(argc, argv, faults, NULL, 0, NULL);
    }
    wait_running(num_services);
    size_t after = system_free();
    if (after != before) {
        printf("init: memtest: %d KiB missing\n", (int)((before - after) >> 10));
    }
    test_report(after == before, "%d x %s: free memory back where it started", n, argv[0]);
}

static void set_foreground(uint32_t id)
{
    struct rpc_chan *s = get_serial_rpc();
    if (s) {
        struct rpc_payload q = { .nscalar = 1, .scalar = { id } }, r;
        rpc_call(s, RPC_SERIAL_SET_FOREGROUND, &q, &r);
        rpc_payload_free(&r);
    }
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
                quota_kib = strtoul(argv[1], NULL, 0);
            }
            continue;
        }
        if (strcmp(argv[0], "@wait") == 0) {
            wait_running(num_services);
        } else if (strcmp(argv[0], "@memtest") == 0 && argc >= 3) {
            memtest(atoi(argv[1]), argc - 2, argv + 2);
        } else if (strcmp(argv[0], "@spawntest") == 0 && argc >= 2) {
            wait_running(num_services);
            spawn_error_tests(argv[1]);
        } else if (argv[0][0] == '@') {
            /* a first-pass setting */
        } else if (argv[0][0] == '!') {
            argv[0]++;
            failures += err_is_fail(start_domain(argc, argv, true, NULL, 0, NULL));
        } else if (argv[0][0] == '&') {
            uint32_t id;
            argv[0]++;
            errval_t err = start_domain(argc, argv, false, NULL, 0, &id);
            failures += err_is_fail(err);
            if (err_is_ok(err)) {
                set_foreground(id);
            }
        } else {
            failures += err_is_fail(start_domain(argc, argv, false, NULL, 0, NULL));
        }
    }
    free(copy);
}

/* ---- the prompt -------------------------------------------------------------------- */

static bool read_line(char *buf, size_t size)
{
    size_t n = 0;
    for (;;) {
        int c = getchar();
        if (c == EOF) {
            return false;
        }
        if (c == '\n') {
            putchar('\n');
            break;
        }
        if ((c == 127 || c == '\b') && n > 0) {
            n--;
            printf("\b \b");
        } else if (isprint(c) && n + 1 < size) {
            buf[n++] = (char)c;
            putchar(c);
        }
        fflush(stdout);
    }
    buf[n] = '\0';
    return true;
}

static void prompt(void)
{
    char line[128];
    printf("init: type 'help' for commands\n");
    for (;;) {
        printf("sprat> ");
        fflush(stdout);
        if (!read_line(line, sizeof(line))) {
            thread_yield();
            continue;
        }
        char *argv[MAX_ARGS + 1];
        int argc = split(line, argv, MAX_ARGS);
        argv[argc] = NULL;
        if (argc == 0) {
            continue;
        }
        if (strcmp(argv[0], "help") == 0) {
            printf("  ps                 list domains\n"
                   "  run NAME ARGS...   start a boot module and wait for it\n"
                   "  start NAME ARGS... start a boot module in the background\n"
                   "  free               show free memory\n"
                   "  modules            list the boot modules\n");
        } else if (strcmp(argv[0], "ps") == 0) {
            struct rpc_payload q = { 0 }, r;
            h_list(NULL, &q, &r);
            printf("%s", (char *)r.bytes);
            free(r.bytes);
        } else if (strcmp(argv[0], "free") == 0) {
            printf("free memory: %u KiB\n", (unsigned)(system_free() >> 10));
        } else if (strcmp(argv[0], "modules") == 0) {
            const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
            for (uint32_t i = 0; i < bi->num_regions; i++) {
                if (bi->regions[i].type == RegionType_Module) {
                    printf("  %-16s %u bytes\n", bi->regions[i].name,
                           (unsigned)bi->regions[i].bytes);
                }
            }
        } else if ((strcmp(argv[0], "run") == 0 || strcmp(argv[0], "start") == 0) &&
                   argc > 1) {
            uint32_t id;
            errval_t err = start_domain(argc - 1, argv + 1, false, NULL, 0, &id);
            if (err_is_fail(err)) {
                printf("cannot start %s: %s\n", argv[1], err_getstring(err));
            } else if (argv[0][0] == 'r') {
                set_foreground(id);
                thread_mutex_lock(&lock);
                while (domain_by_id(id) != NULL) {
                    thread_cond_wait(&changed, &lock);
                }
                thread_mutex_unlock(&lock);
                set_foreground(1);
            } else {
                printf("started %s as domain %u\n", argv[1], (unsigned)id);
            }
        } else {
            printf("unknown command '%s' (try 'help')\n", argv[0]);
        }
    }
}

int main(void)
{
    errval_t err;

    ws = get_default_waitset();
    printf("init: started, %u MiB of RAM to hand out\n",
           (unsigned)(ram_free_bytes() >> 20));
    if ((err = lmp_chan_accept(&death_chan, 64 * 6, NULL_CAP)) ||
        (err = lmp_chan_register_recv(&death_chan, ws, MKCLOSURE(death_event, NULL)))) {
        DEBUG_ERR(err, "creating the death endpoint");
        return 1;
    }
    thread_create(event_loop, NULL);
    run_bootlist(true);
    if (test_mode) {
        bootcheck_run();
    }
    start_services();
    run_bootlist(false);
    wait_running(num_services);
    if (test_mode) {
        printf("init: all boot-list domains have ended\n");
        cap_invoke(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), KernelCmd_Shutdown, 1, failures);
    }
    prompt();
    return 0;
}
