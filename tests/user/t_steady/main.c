/*
 * tests/user/t_steady -- a well-behaved domain beside the fuzzer and the fault
 * storm (docs/reliability.md, "The kernel under attack").
 *
 *   t_steady NAME      until a name NAME is registered with init (the
 *                      storm's "done" signal), keep calling every service
 *                      and check every answer and its own memory
 *
 * Each round: init echoes a string and answers a name lookup and the
 * memory figures, the memory server hands out a page of RAM (every tenth
 * round), the serial driver prints a line (every 1000th), the kernel
 * identifies our own capabilities, and a 64 KiB buffer still holds the
 * pattern written at the start.  Any wrong answer is a failure: the
 * hostile domains around it must not be able to disturb it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sprat/bootinfo.h>
#include <if/init.h>
#include <if/memserv.h>

#define BUF_WORDS   (64 * 1024 / 4)
#define MAX_ROUNDS  1000000u

static uint32_t pattern(uint32_t i)
{
    return i * 2654435761u ^ 0x5eadbeefu;
}

/* One round of calls; returns false (and says why) on a wrong answer. */
static bool round_ok(uint32_t r, const uint32_t *buf)
{
    char s[40], *back = NULL;
    struct capability_info info;
    struct capref cap;
    errval_t err;

    snprintf(s, sizeof(s), "steady round %u", (unsigned)r);
    err = rpc_test_echo_string(get_init_rpc(), s, &back);
    bool ok = err_is_ok(err) && back != NULL && strcmp(back, s) == 0;
    free(back);
    if (!ok) {
        DEBUG_ERR(err, "round %u: init's echo", (unsigned)r);
        return false;
    }
    size_t mfree, mtotal, ifree;
    if ((err = rpc_mem_info(get_init_rpc(), &mfree, &mtotal, &ifree)) || mfree > mtotal) {
        DEBUG_ERR(err, "round %u: memory figures", (unsigned)r);
        return false;
    }
    if (r % 10 == 0) {
        size_t bytes = 0;
        err = rpc_get_ram_cap(get_memserv_rpc(), 4096, 4096, &cap, &bytes);
        if (err_is_fail(err) || bytes != 4096 || err_is_fail(cap_identify(cap, &info)) ||
            info.type != ObjType_RAM || info.bytes != 4096) {
            DEBUG_ERR(err, "round %u: a page from the memory server", (unsigned)r);
            return false;
        }
        cap_destroy(cap);
    }
    if (r % 1000 == 0) {
        printf("t_steady: round %u\n", (unsigned)r);
    }
    err = cap_identify(taskcn_cap(TASKCN_SLOT_DISPATCHER), &info);
    if (err_is_fail(err) || info.type != ObjType_Dispatcher) {
        DEBUG_ERR(err, "round %u: our dispatcher capability", (unsigned)r);
        return false;
    }
    for (uint32_t i = 0; i < BUF_WORDS; i++) {
        if (buf[i] != pattern(i)) {
            printf("t_steady: round %u: word %u of our memory changed\n", (unsigned)r,
                   (unsigned)i);
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    const char *done_name = argc > 1 ? argv[1] : "storm-done";
    uint32_t *buf = malloc(BUF_WORDS * 4);
    struct capref done;
    uint32_t r = 0;
    bool ok = buf != NULL;

    for (uint32_t i = 0; ok && i < BUF_WORDS; i++) {
        buf[i] = pattern(i);
    }
    while (ok && r < MAX_ROUNDS &&
           err_is_fail(rpc_name_lookup(get_init_rpc(), done_name, &done))) {
        ok = round_ok(r++, buf);
    }
    test_report(ok, "t_steady: %u rounds beside the hostile domains, every answer right "
                "and its memory intact", (unsigned)r);
    return ok ? 0 : 1;
}
