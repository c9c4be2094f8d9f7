/*
 * tests/user/t_core1 -- a domain on the second core (docs/multikernel.md,
 * "Domains on core 1"), started from a boot list as "@core 1 t_core1 ...":
 *   t_core1 report CORE   it runs on core CORE (its domain id says so), its
 *                         init and memory server are that core's (the
 *                         memory server's total is that core's RAM, not the
 *                         boot core's), and memory from it works
 *   t_core1 fault         faults; its init reports and removes it
 *   t_core1 back          on core 1: spawn on core 0 and wait, and kill
 *   t_core1 remote        on core 0: the process methods reach core 1
 *                         through the boot core's init (remote.c): spawn
 *                         there, wait, ps, kill, the memory back in core
 *                         1's memory server, and bad input named
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/disp.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>
#include <sprat/domain_id.h>
#include <systest.h>
#include <if/init.h>

/* A core other than the boot core has 32 MiB in all (kernel/smp.c,
 * SMP_CORE_RAM_BYTES): its memory server can have no more. */
#define CORE_RAM_KIB    (32u * 1024)

static int report(unsigned core)
{
    uint32_t id = disp_domain_id();
    printf("t_core1: running on core %u as domain %u\n", domain_id_core(id), (unsigned)id);
    test_report(domain_id_core(id) == core && domain_id_valid(id),
                "t_core1: its domain id %u names core %u", (unsigned)id, core);
    size_t mm_free = 0, mm_total = 0, init_free = 0;
    errval_t err = rpc_mem_info(get_init_rpc(), &mm_free, &mm_total, &init_free);
    bool small = mm_total > 0 && (mm_total >> 10) < CORE_RAM_KIB;
    test_report(err_is_ok(err) && small == (core != 0),
                "t_core1: core %u's memory server has %u KiB", core,
                (unsigned)(mm_total >> 10));
    /* More than a domain starts with: the rest comes from the memory server. */
    size_t bytes = 6u << 20;
    char *p = malloc(bytes);
    if (p != NULL) {
        memset(p, 0x5a, bytes);
    }
    test_report(p != NULL && p[bytes - 1] == 0x5a, "t_core1: 6 MiB from core %u's memory",
                core);
    free(p);
    return 0;
}

/* Core 1's free memory: its memory server's and its init's, once the
 * memory server has taken back every grant (it hears of a domain's end
 * one-way, after the domain's waiters: DOMAIN_DIED), or 0. */
static size_t core_free(unsigned core)
{
    for (unsigned i = 0; i < 1000; i++) {
        size_t mm_free = 0, mm_total = 0, init_free = 0;
        errval_t err = rpc_mem_info_on(get_init_rpc(), core, &mm_free, &mm_total, &init_free);
        if (err_is_ok(err) && mm_free == mm_total) {
            return mm_free + init_free;
        }
        ump_chan_relax();           /* YIELD: core 1 gets its turn in QEMU */
        thread_yield();
    }
    return 0;
}

/* ps's line of domain id ("id state KiB name"), or NULL; *kib its memory. */
static bool ps_line(uint32_t id, const char *name, unsigned *kib)
{
    char *table = NULL, want[48];
    bool found = false;
    if (err_is_ok(rpc_process_ps(get_init_rpc(), &table))) {
        snprintf(want, sizeof(want), "%u ", (unsigned)id);
        for (char *l = table; l && *l && !found; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
            char state[16], got[40];
            found = strncmp(l, want, strlen(want)) == 0 &&
                    sscanf(l + strlen(want), "%15s %u %39s", state, kib, got) == 3 &&
                    strcmp(got, name) == 0;
        }
    }
    free(table);
    return found;
}

/* How many domains core 1 runs besides its init and memory server. */
static unsigned core1_others(void)
{
    char *table = NULL;
    unsigned n = 0;
    if (err_is_ok(rpc_process_ps(get_init_rpc(), &table))) {
        for (char *l = table; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
            uint32_t id = (uint32_t)strtoul(l, NULL, 10);
            n += domain_id_core(id) == 1 && domain_id_number(id) > 2;
        }
    }
    free(table);
    return n;
}

/* Spawn on core 1, wait for it, see both cores in ps, take memory there
 * and kill it from here: core 1's free memory comes back. */
static void remote_domains(void)
{
    struct rpc_chan *init = get_init_rpc();
    uint32_t id = 0, eater = 0;
    int status = 1;
    unsigned kib = 0;
    TEST_ERR(rpc_process_spawn_on(init, 1, "t_core1", "report 1", &id), SYS_ERR_OK);
    test_report(domain_id_core(id) == 1, "spawn_on: domain %u runs on core 1", (unsigned)id);
    TEST_ERR(rpc_process_wait(init, id, &status), SYS_ERR_OK);
    test_report(status == 0, "wait: its exit status came from core 1 (%d)", status);
    /* The boot list's domains on core 1 may still run: until they end. */
    for (unsigned i = 0; i < 1000 && core1_others() > 0; i++) {
        ump_chan_relax();           /* YIELD: core 1 gets its turn in QEMU */
        thread_yield();
    }
    size_t before = core_free(1);
    TEST_ERR(rpc_process_spawn_on(init, 1, "?memeater", "4", &eater), SYS_ERR_OK);
    /* It holds its 4 MiB once ps counts them (its grants from core 1's
     * memory server). */
    for (unsigned i = 0; i < 1000 && !(ps_line(eater, "memeater", &kib) && kib > 4096); i++) {
        ump_chan_relax();           /* YIELD: core 1 gets its turn in QEMU */
        thread_yield();
    }
    test_report(kib > 4096 && ps_line(domain_id_init(1), "init", &kib) &&
                ps_line(disp_domain_id(), "t_core1", &kib) &&
                ps_line(domain_id_init(0), "init", &kib),
                "ps: both cores' inits, us on core 0, memeater on core 1 with its grants");
    size_t mm_free = 0, mm_total = 0, init_free = 0;
    rpc_mem_info_on(init, 1, &mm_free, &mm_total, &init_free);
    test_report(mm_free + init_free < before, "core 1's free memory went down");
    TEST_ERR(rpc_process_kill(init, eater), SYS_ERR_OK);
    TEST_ERR(rpc_process_wait(init, eater, &status), SYS_ERR_OK);
    test_report(status == -1, "wait: the killed domain on core 1 ended (%d)", status);
    size_t after = core_free(1);
    test_report(after == before && before != 0, "core 1's free memory came back (%u KiB, then %u KiB)",
                (unsigned)(before >> 10), (unsigned)(after >> 10));
    TEST_ERR(rpc_process_spawn_on(init, 1, "?t_core1", "fault", &id), SYS_ERR_OK);
    TEST_ERR(rpc_process_wait(init, id, &status), SYS_ERR_OK);
    test_report(status == -1, "wait: a domain that faulted on core 1 ended (%d)", status);
}

/* Bad input through the boot core's init, each answered with its error. */
static void remote_errors(void)
{
    struct rpc_chan *init = get_init_rpc();
    uint32_t id;
    int status;
    char *name = NULL;
    size_t a, b, c;
    TEST_ERR(rpc_process_spawn_on(init, 7, "hello", "", &id), SPAWN_ERR_CORE_INVALID);
    TEST_ERR(rpc_process_spawn_on(init, 0xffffffffu, "hello", "", &id),
             SPAWN_ERR_CORE_INVALID);
    TEST_ERR(rpc_process_spawn_on(init, 1, "no_such_module", "", &id),
             LIB_ERR_SPAWN_NO_MODULE);
    TEST_ERR(rpc_process_spawn_on(init, 1, "", "", &id), LIB_ERR_SPAWN_ARGS);
    TEST_ERR(rpc_mem_info_on(init, 7, &a, &b, &c), SPAWN_ERR_CORE_INVALID);
    TEST_ERR(rpc_process_kill(init, domain_id_make(1, 999)), SPAWN_ERR_DOMAIN_NOT_FOUND);
    TEST_ERR(rpc_process_kill(init, domain_id_make(9, 5)), SPAWN_ERR_DOMAIN_NOT_FOUND);
    TEST_ERR(rpc_process_kill(init, domain_id_make(1, 2)), SPAWN_ERR_NOT_KILLABLE);
    TEST_ERR(rpc_process_wait(init, domain_id_make(1, 999), &status),
             SPAWN_ERR_DOMAIN_NOT_FOUND);
    TEST_ERR(rpc_process_get_name(init, domain_id_make(1, 999), &name),
             SPAWN_ERR_DOMAIN_NOT_FOUND);
    TEST_ERR(rpc_process_get_name(init, domain_id_init(1), &name), SYS_ERR_OK);
    test_report(name && strcmp(name, "init") == 0, "get_name: core 1's init is \"%s\"",
                name ? name : "");
    free(name);
}

/* From core 1: a domain on core 0, through both inits. */
static void spawn_back(void)
{
    uint32_t id = 0;
    int status = 1;
    TEST_ERR(rpc_process_spawn_on(get_init_rpc(), 0, "hello", "from core 1's t_core1", &id),
             SYS_ERR_OK);
    test_report(domain_id_core(id) == 0 && id != 0, "spawn_on from core 1: domain %u on core 0",
                (unsigned)id);
    TEST_ERR(rpc_process_wait(get_init_rpc(), id, &status), SYS_ERR_OK);
    test_report(status == 0, "wait from core 1: its exit status came from core 0 (%d)", status);
    TEST_ERR(rpc_process_spawn_on(get_init_rpc(), 0, "?memeater", "1", &id), SYS_ERR_OK);
    TEST_ERR(rpc_process_kill(get_init_rpc(), id), SYS_ERR_OK);
    TEST_ERR(rpc_process_wait(get_init_rpc(), id, &status), SYS_ERR_OK);
    test_report(status == -1, "kill from core 1: the domain on core 0 ended (%d)", status);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "back") == 0) {
        spawn_back();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "remote") == 0) {
        remote_domains();
        remote_errors();
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "report") == 0) {
        return report((unsigned)atoi(argv[2]));
    }
    if (argc > 1 && strcmp(argv[1], "fault") == 0) {
        printf("t_core1: faulting on core %u\n", domain_id_core(disp_domain_id()));
        *(volatile int *)0 = 1;
        return 1;
    }
    printf("t_core1: usage: t_core1 report CORE | fault | back | remote\n");
    return 2;
}
