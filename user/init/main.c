/*
 * user/init -- the first domain: starts the domains named in the boot
 * list, reports how each one ends, and reclaims its memory.
 *
 * Boot list (the "bootlist" module; boot/<name>.bootlist):
 *   name arg...     spawn module `name` with argv = name arg...
 *   !name arg...    the same, but the domain is expected to fault
 *                   (a test of fault handling: faulting is its success)
 *   @wait           wait until every domain started so far has ended
 *   @test           test image: report each domain's end as a test
 *                   result and shut the machine down at the end
 *   @memtest N name arg...   start N copies of name, wait for them all,
 *                   and check (as a test) that every byte came back
 *   # ...           comment
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/lmp_endpoint.h>
#include <sys/ram.h>
#include <sys/spawn.h>
#include <sys/systest.h>
#include <sprat/lmp.h>

#define MAX_DOMAINS     64
#define MAX_ARGS        16

struct domain {
    struct spawninfo si;
    bool running;
    bool expect_fault;
};

static struct domain domains[MAX_DOMAINS];
static unsigned num_running;
static uint32_t next_domain_id = 2;     /* init is 1 */
static bool test_mode;
static unsigned failures;
static struct lmp_endpoint *death_ep;
static struct capref death_cap;

static const char *death_reason(uint32_t reason)
{
    switch (reason) {
    case DEATH_EXIT:    return "exited";
    case DEATH_FAULT:   return "faulted";
    case DEATH_DELETED: return "was deleted";
    default:            return "stopped";
    }
}

static void start_domain(int argc, char **argv, bool expect_fault)
{
    size_t bytes;
    const void *elf = spawn_find_module(argv[0], &bytes);
    if (elf == NULL) {
        printf("init: no module '%s' in the boot image\n", argv[0]);
        failures++;
        if (test_mode) {
            test_report(false, "start %s", argv[0]);
        }
        return;
    }
    struct domain *d = NULL;
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (!domains[i].running) {
            d = &domains[i];
            break;
        }
    }
    if (d == NULL) {
        printf("init: too many domains\n");
        return;
    }
    struct spawn_caps caps = { .death_ep = death_cap };
    errval_t err = spawn_load(elf, bytes, argc, (const char *const *)argv,
                              next_domain_id++, &caps, 0, &d->si);
    if (err_is_ok(err)) {
        err = spawn_run(&d->si);
    }
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "spawning %s", argv[0]);
        failures++;
        return;
    }
    d->running = true;
    d->expect_fault = expect_fault;
    num_running++;
}

/* Wait for one death message and deal with it. */
static void reap_one(void)
{
    struct lmp_recv_msg msg;

    lmp_endpoint_wait(death_ep);
    if (err_is_fail(lmp_endpoint_recv(death_ep, &msg, NULL)) ||
        msg.len < 5 || msg.words[0] != LMP_KMSG_DEATH) {
        return;
    }
    uint32_t id = msg.words[1], reason = msg.words[2], status = msg.words[3];
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = &domains[i];
        if (!d->running || d->si.domain_id != id) {
            continue;
        }
        if (reason == DEATH_EXIT) {
            printf("init: %s (domain %u) exited with status %d\n", d->si.name,
                   (unsigned)id, (int)status);
        } else {
            printf("init: %s (domain %u) %s (address 0x%08x, pc 0x%08x)\n",
                   d->si.name, (unsigned)id, death_reason(reason),
                   (unsigned)status, (unsigned)msg.words[4]);
        }
        bool ok = d->expect_fault ? reason == DEATH_FAULT
                                  : reason == DEATH_EXIT && status == 0;
        if (!ok) {
            failures++;
        }
        if (test_mode) {
            test_report(ok, "domain %s %s", d->si.name,
                        d->expect_fault ? "faulted and was removed" : "ended cleanly");
        }
        errval_t err = spawn_cleanup(&d->si);
        if (err_is_fail(err)) {
            DEBUG_ERR(err, "cleaning up %s", d->si.name);
        }
        d->running = false;
        num_running--;
        return;
    }
}

static void wait_all(void)
{
    while (num_running > 0) {
        reap_one();
    }
}

/* Start n copies of a program and check that their memory all comes back.
 * One copy runs first so that init's own one-time allocations (mapping the
 * module, slot space) are done before the measurement. */
static void memtest(int n, int argc, char **argv)
{
    wait_all();
    start_domain(argc, argv, false);
    wait_all();
    size_t before = ram_free_bytes();
    for (int i = 0; i < n; i++) {
        start_domain(argc, argv, false);
    }
    wait_all();
    size_t after = ram_free_bytes();
    if (after != before) {
        printf("init: memtest: %d KiB missing\n", (int)((before - after) >> 10));
    }
    test_report(after == before, "%d x %s: free memory back where it started", n, argv[0]);
}

/* Split line into words in place. */
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

static void run_bootlist(void)
{
    size_t bytes;
    const char *list = spawn_find_module("bootlist", &bytes);
    if (list == NULL) {
        printf("init: no boot list\n");
        return;
    }
    char *copy = malloc(bytes + 1);
    memcpy(copy, list, bytes);
    copy[bytes] = '\0';
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        char *argv[MAX_ARGS + 1];
        char linebuf[256];
        strncpy(linebuf, line, sizeof(linebuf) - 1);
        linebuf[sizeof(linebuf) - 1] = '\0';
        int argc = split(linebuf, argv, MAX_ARGS);
        if (argc == 0) {
            continue;
        }
        argv[argc] = NULL;
        if (strcmp(argv[0], "@test") == 0) {
            test_mode = true;
        } else if (strcmp(argv[0], "@wait") == 0) {
            wait_all();
        } else if (strcmp(argv[0], "@memtest") == 0 && argc >= 3) {
            memtest(atoi(argv[1]), argc - 2, argv + 2);
        } else if (argv[0][0] == '@') {
            /* settings for other parts of the system */
        } else if (argv[0][0] == '!') {
            argv[0]++;
            start_domain(argc, argv, true);
        } else {
            start_domain(argc, argv, false);
        }
    }
    free(copy);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("init: started, %u MiB of RAM to hand out\n",
           (unsigned)(ram_free_bytes() >> 20));
    errval_t err = lmp_endpoint_create(&death_ep, 64 * 6, &death_cap);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "creating the death endpoint");
        return 1;
    }
    run_bootlist();
    wait_all();
    printf("init: all boot-list domains have ended\n");
    if (test_mode) {
        cap_invoke(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), KernelCmd_Shutdown, 1,
                   failures);
    }
    for (;;) {
        reap_one();             /* domains started later, if any */
    }
}
