/*
 * tests/user/t_aosrpc -- code written for the course's `aos_rpc` interface,
 * unchanged, and what such a client needs of the services (docs/rpc.md,
 * "Code written for the course").
 *
 *   t_aosrpc calls      every call of aos/aos_rpc.h, routed whichever
 *                       channel it is made on; printf and putchar in one
 *                       ordered stream (tests/qemu/msgtest.cfg reads it)
 *   t_aosrpc ram        RAM back to the memory server: allocate to the
 *                       quota, give all back, allocate to the quota again;
 *                       what was not granted to us is refused; alignments
 *   t_aosrpc wait       the exit status of a child that ended before the
 *                       wait is kept for it
 *   t_aosrpc child ID   (spawned by "calls") lives until domain ID ends
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <aos/aos_rpc.h>
#include <sys/disp.h>
#include <sys/ram.h>
#include <sprat/domain_id.h>
#include <systest.h>
#include <if/init.h>
#include <if/memserv.h>

#define PIECE       (64 * 1024)
#define MAX_PIECES  256

/* ---- calls ----------------------------------------------------------------- */

static void numbers_and_strings(void)
{
    struct aos_rpc mine;
    TEST_ERR(aos_rpc_init(&mine), SYS_ERR_OK);
    struct aos_rpc *init = aos_rpc_get_init_channel();
    test_report(init && aos_rpc_get_memory_channel() && aos_rpc_get_serial_channel() &&
                aos_rpc_get_process_channel(), "every aos_rpc channel exists");
    TEST_ERR(aos_rpc_send_number(init, 42), SYS_ERR_OK);
    TEST_ERR(aos_rpc_send_string(init, "written for the course"), SYS_ERR_OK);
    /* The handout's struct is one for everything: any channel works. */
    TEST_ERR(aos_rpc_send_number(&mine, 43), SYS_ERR_OK);
}

static void ram(void)
{
    struct capref cap;
    size_t bytes = 0;
    struct capability_info info = { 0 };
    TEST_ERR(aos_rpc_get_ram_cap(aos_rpc_get_memory_channel(), 16384, 4096, &cap, &bytes),
             SYS_ERR_OK);
    test_report(err_is_ok(cap_identify(cap, &info)) && info.type == ObjType_RAM &&
                info.bytes == 16384 && bytes == 16384, "aos_rpc_get_ram_cap: 16 KiB of RAM");
    TEST_ERR(rpc_free_ram_cap(get_memserv_rpc(), cap), SYS_ERR_OK);
    slot_free(cap);
    /* Asked of init, as in the handout's first milestone: still the
     * memory server's. */
    TEST_ERR(aos_rpc_get_ram_cap(aos_rpc_get_init_channel(), 4096, 0, &cap, NULL),
             SYS_ERR_OK);
    TEST_ERR(rpc_free_ram_cap(get_memserv_rpc(), cap), SYS_ERR_OK);
    slot_free(cap);
}

static void serial(void)
{
    struct aos_rpc *ser = aos_rpc_get_serial_channel();
    char c;
    TEST_ERR(aos_rpc_serial_getchar(ser, &c), SERIAL_ERR_NOT_FOREGROUND);
    /* One stream: putchar lands where printf left off, in order. */
    errval_t e1 = SYS_ERR_OK, e2;
    printf("t_aosrpc: one stream: partial-");
    e1 = aos_rpc_serial_putchar(ser, 'x');
    printf("-line\n");
    printf("t_aosrpc: ended by putchar");
    e2 = aos_rpc_serial_putchar(ser, '\n');
    TEST_ERR(e1, SYS_ERR_OK);
    TEST_ERR(e2, SYS_ERR_OK);
}

static bool has(const domainid_t *ids, size_t n, domainid_t id)
{
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == id) {
            return true;
        }
    }
    return false;
}

static void processes(void)
{
    struct aos_rpc *proc = aos_rpc_get_process_channel();
    char cmdline[32], *name = NULL;
    domainid_t pid = 0, *pids = NULL;
    size_t n = 0;
    snprintf(cmdline, sizeof(cmdline), "t_aosrpc child %u", (unsigned)disp_domain_id());
    TEST_ERR(aos_rpc_process_spawn(proc, cmdline, 0, &pid), SYS_ERR_OK);
    TEST_ERR(aos_rpc_process_get_name(proc, pid, &name), SYS_ERR_OK);
    test_report(name && strcmp(name, "t_aosrpc") == 0, "aos_rpc_process_get_name: %s",
                name ? name : "(none)");
    free(name);
    TEST_ERR(aos_rpc_process_get_all_pids(proc, &pids, &n), SYS_ERR_OK);
    test_report(n >= 3 && has(pids, n, 1) && has(pids, n, disp_domain_id()) && has(pids, n, pid),
                "aos_rpc_process_get_all_pids: init, us and the child among %u", (unsigned)n);
    free(pids);
    /* Core 1 (its init spawns there); no core 255. */
    TEST_ERR(aos_rpc_process_spawn(proc, "hello from core 1", 1, &pid), SYS_ERR_OK);
    test_report(domain_id_core(pid) == 1,
                "aos_rpc_process_spawn: domain %u is on core 1", (unsigned)pid);
    TEST_ERR(aos_rpc_process_spawn(proc, cmdline, 255, &pid), SPAWN_ERR_CORE_INVALID);
    TEST_ERR(aos_rpc_process_spawn(proc, "", 0, &pid), LIB_ERR_SPAWN_ARGS);
    TEST_ERR(aos_rpc_process_spawn(proc, "no-such-module", 0, &pid), LIB_ERR_SPAWN_NO_MODULE);
    TEST_ERR(aos_rpc_process_get_name(proc, 99999, &name), SPAWN_ERR_DOMAIN_NOT_FOUND);
}

/* ---- ram ------------------------------------------------------------------- */

static struct capref pieces[MAX_PIECES];

/* 64 KiB pieces until refused; returns how many, *err the refusal. */
static unsigned take_all(errval_t *err)
{
    unsigned n = 0;
    while (n < MAX_PIECES &&
           err_is_ok(*err = aos_rpc_get_ram_cap(aos_rpc_get_memory_channel(), PIECE, 0,
                                                &pieces[n], NULL))) {
        n++;
    }
    return n;
}

/* Every piece back; true if each was taken and its capability is gone. */
static bool give_all_back(unsigned n)
{
    struct capability_info info;
    bool ok = true;
    for (unsigned i = 0; i < n; i++) {
        ok &= err_is_ok(rpc_free_ram_cap(get_memserv_rpc(), pieces[i]));
        ok &= cap_identify(pieces[i], &info) == SYS_ERR_CAP_NOT_FOUND;    /* revoked */
        slot_free(pieces[i]);
    }
    return ok;
}

static void free_and_again(void)
{
    errval_t err1, err2;
    unsigned first = take_all(&err1);
    test_report(first > 0 && err1 == MM_ERR_QUOTA_EXCEEDED,
                "allocated to the quota: %u pieces, then %s", first, err_getcode(err1));
    test_report(give_all_back(first), "all %u given back, our copies revoked", first);
    unsigned again = take_all(&err2);
    test_report(again == first && err2 == MM_ERR_QUOTA_EXCEEDED,
                "the quota again after giving back: %u pieces, then %s", again,
                err_getcode(err2));
    give_all_back(again);
}

static void not_granted(void)
{
    struct capref own, frame;
    struct capability_info info;
    TEST_ERR(ram_alloc(&own, 4096), SYS_ERR_OK);        /* from our own RAM */
    TEST_ERR(rpc_free_ram_cap(get_memserv_rpc(), own), MM_ERR_NOT_GRANTED);
    test_report(err_is_ok(cap_identify(own, &info)), "a refused capability stays ours");
    TEST_ERR(frame_alloc(&frame, 4096), SYS_ERR_OK);
    TEST_ERR(rpc_free_ram_cap(get_memserv_rpc(), frame), MM_ERR_NOT_GRANTED);
    mem_free(own);
    mem_free(frame);
}

/* A grant of bytes at alignment: its physical base, or 1 if refused. */
static uint32_t aligned_base(size_t bytes, size_t alignment, errval_t want)
{
    struct capref cap;
    struct capability_info info = { .base = 1 };
    errval_t err = aos_rpc_get_ram_cap(aos_rpc_get_memory_channel(), bytes, alignment,
                                       &cap, NULL);
    if (err != want) {
        printf("# alignment %u: got %s, want %s\n", (unsigned)alignment, err_getcode(err),
               err_getcode(want));
        return 1;
    }
    if (err_is_ok(err)) {
        cap_identify(cap, &info);
        rpc_free_ram_cap(get_memserv_rpc(), cap);
        slot_free(cap);
    }
    return err_is_ok(err) ? info.base : 0;
}

static void alignments(void)
{
    struct capref skew;
    /* A page taken first: the next free page is then not 16 KiB aligned
     * by luck. */
    aos_rpc_get_ram_cap(aos_rpc_get_memory_channel(), 4096, 0, &skew, NULL);
    uint32_t b16 = aligned_base(16384, 16384, SYS_ERR_OK);
    uint32_t b1m = aligned_base(PIECE, 1024 * 1024, SYS_ERR_OK);
    uint32_t b0 = aligned_base(4096, 0, SYS_ERR_OK);
    test_report(b16 % 16384 == 0, "alignment 16 KiB: base 0x%08x", (unsigned)b16);
    test_report(b1m % (1024 * 1024) == 0, "alignment 1 MiB: base 0x%08x", (unsigned)b1m);
    test_report(b0 % 4096 == 0 && b0 != 1, "alignment 0 (none): base 0x%08x", (unsigned)b0);
    test_report(aligned_base(4096, 3, MM_ERR_BAD_REQUEST) == 0 &&
                aligned_base(4096, 3 * 16384, MM_ERR_BAD_REQUEST) == 0 &&
                aligned_base(4096, 1u << 31, MM_ERR_BAD_REQUEST) == 0,
                "alignments that are not powers of two, or beyond all memory, are refused");
    rpc_free_ram_cap(get_memserv_rpc(), skew);
    slot_free(skew);
}

/* ---- wait ------------------------------------------------------------------ */

static void wait_after_exit(void)
{
    struct aos_rpc *proc = aos_rpc_get_process_channel();
    domainid_t pid;
    char *name;
    int status = -2;
    unsigned polls = 0;
    TEST_ERR(aos_rpc_process_spawn(proc, "hello waited for after its end", 0, &pid),
             SYS_ERR_OK);
    /* Until it has ended (thread_yield lets it run; bounded). */
    while (err_is_ok(aos_rpc_process_get_name(proc, pid, &name)) && polls++ < 100000) {
        free(name);
        thread_yield();
    }
    TEST_ERR(rpc_process_wait(get_init_rpc(), pid, &status), SYS_ERR_OK);
    test_report(status == 0, "the status of a child that ended before the wait: %d", status);
    TEST_ERR(rpc_process_wait(get_init_rpc(), pid, &status), SPAWN_ERR_DOMAIN_NOT_FOUND);
    /* Spawn, then wait at once: the status either way. */
    status = -2;
    TEST_ERR(aos_rpc_process_spawn(proc, "hello waited for at once", 0, &pid), SYS_ERR_OK);
    TEST_ERR(rpc_process_wait(get_init_rpc(), pid, &status), SYS_ERR_OK);
    test_report(status == 0, "spawn then wait: status %d", status);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "calls";
    if (strcmp(mode, "child") == 0 && argc > 2) {
        int status;     /* (the parent may be gone already: not found) */
        errval_t err = rpc_process_wait(get_init_rpc(), (uint32_t)strtoul(argv[2], NULL, 10),
                                        &status);
        return err_is_ok(err) || err == SPAWN_ERR_DOMAIN_NOT_FOUND ? 0 : 1;
    } else if (strcmp(mode, "ram") == 0) {
        free_and_again();
        not_granted();
        alignments();
    } else if (strcmp(mode, "wait") == 0) {
        wait_after_exit();
    } else {
        numbers_and_strings();
        ram();
        serial();
        processes();
    }
    return 0;
}
