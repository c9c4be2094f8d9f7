/*
 * tests/user/t_witness -- a well-behaved domain that keeps calling every
 * service while t_hostile attacks them (docs/reliability.md, "Servers
 * under attack").  It checks every answer and its own memory, and times
 * every call: no failure, and no call longer than the stated bound.
 *
 *   t_witness ROUNDS [BOUND_MS]
 *
 * Runs at least ROUNDS rounds, and on until no t_hostile domain is left
 * (init's process list), so it spans the whole attack however long that
 * is (`make fuzz` runs the attacks long).  A round: memory from the
 * memory server (4 KiB, checked by type and size, until WITNESS_RAM is
 * taken; then a request it must refuse), our own name from init, a
 * look-up of a name that does not exist, a write of nothing to the
 * serial driver, and our heap checked.  BOUND_MS defaults to
 * WITNESS_BOUND_MS; times come from the kernel's timestamp counter at the
 * rate it reports, which under the tests' -icount is virtual time (one
 * nanosecond per instruction): the bound is deterministic there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/disp.h>
#include <sys/invoke.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sys/timing.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>

#define WITNESS_BOUND_MS    50
#define WITNESS_RAM         (1024u * 1024)
#define CANARY_BYTES        (64u * 1024)

static uint64_t longest;            /* ticks */
static const char *longest_what = "-";
static unsigned failures;

/* Time one call; count it as failed unless ok. */
#define CALL(what, expr, ok_expr) do {                                      \
        uint64_t t0_ = timing_now();                                        \
        errval_t err_ = (expr);                                             \
        uint64_t dt_ = timing_now() - t0_;                                  \
        if (dt_ > longest) { longest = dt_; longest_what = (what); }        \
        if (!(ok_expr)) {                                                   \
            failures++;                                                     \
            printf("t_witness: %s: %s\n", (what), err_getcode(err_));       \
        }                                                                   \
    } while (0)

static uint8_t pattern(uint32_t i) { return (uint8_t)(i * 31 + 7); }

/* Our own memory: a buffer written once and checked every round, and a
 * fresh allocation written and checked. */
static bool memory_ok(const uint8_t *canary, uint32_t round)
{
    for (uint32_t i = 0; i < CANARY_BYTES; i += 61) {
        if (canary[i] != pattern(i)) {
            return false;
        }
    }
    size_t n = 100 + (round * 997) % 20000;
    uint8_t *p = malloc(n);
    if (p == NULL) {
        return false;
    }
    memset(p, (int)round, n);
    bool ok = p[0] == (uint8_t)round && p[n - 1] == (uint8_t)round;
    free(p);
    return ok;
}

static void one_round(uint32_t round, size_t *ram_taken)
{
    struct capref ram = NULL_CAP;
    size_t got = 0;
    if (*ram_taken < WITNESS_RAM) {
        struct capability_info info = { 0 };
        CALL("memserv RAM_CAP", rpc_get_ram_cap(get_memserv_rpc(), 4096, 4096, &ram, &got),
             err_is_ok(err_) && got == 4096 && err_is_ok(cap_identify(ram, &info)) &&
             info.type == ObjType_RAM && info.bytes == 4096);
        *ram_taken += 4096;
        cap_destroy(ram);               /* (counted against us until we end) */
    } else {
        CALL("memserv RAM_CAP refused", rpc_get_ram_cap(get_memserv_rpc(), 0, 4096, &ram, &got),
             err_ == MM_ERR_BAD_REQUEST);
    }
    char *name = NULL;
    CALL("init PROCESS_GET_NAME", rpc_process_get_name(get_init_rpc(), disp_domain_id(), &name),
         err_is_ok(err_) && name && strcmp(name, "t_witness") == 0);
    free(name);
    struct capref ep = NULL_CAP;
    CALL("init NAME_LOOKUP", rpc_name_lookup(get_init_rpc(), "no such name", &ep),
         err_ == LIB_ERR_NAME_NOT_FOUND && capref_is_null(ep));
    CALL("serial WRITE", rpc_serial_write(get_serial_rpc(), "", 0), err_is_ok(err_));
    (void)round;
}

/* Is a t_hostile domain still running? */
static bool hostile_running(void)
{
    char *list = NULL;
    bool running = false;
    CALL("init PROCESS_LIST", rpc_process_list(get_init_rpc(), &list),
         err_is_ok(err_) && list != NULL);
    running = list && strstr(list, " t_hostile\n") != NULL;
    free(list);
    return running;
}

int main(int argc, char **argv)
{
    uint32_t rounds = argc > 1 ? (uint32_t)atoi(argv[1]) : 100;
    uint32_t bound_ms = argc > 2 ? (uint32_t)atoi(argv[2]) : WITNESS_BOUND_MS;
    uint8_t *canary = malloc(CANARY_BYTES);
    size_t ram_taken = 0;
    uint32_t round = 0, bad_memory = 0;

    uint32_t hz = 0;
    sys_timestamp_source(&hz);
    uint64_t ticks_per_ms = hz >= 1000 ? hz / 1000 : 1000000;
    for (uint32_t i = 0; canary && i < CANARY_BYTES; i++) {
        canary[i] = pattern(i);
    }
    while (canary && (round < rounds || hostile_running())) {
        one_round(round, &ram_taken);
        bad_memory += !memory_ok(canary, round);
        if (++round % 1000 == 0) {
            printf("t_witness: %u rounds\n", (unsigned)round);
        }
    }
    test_report(canary && failures == 0 && bad_memory == 0, "witness: %u rounds beside the "
                "hostile clients, every answer right and our memory intact",
                (unsigned)round);
    unsigned us = (unsigned)(longest * 1000 / ticks_per_ms);
    printf("t_witness: longest call %u.%03u ms (%s)\n", us / 1000, us % 1000, longest_what);
    test_report(longest <= (uint64_t)bound_ms * ticks_per_ms,
                "witness: no call took longer than %u ms", (unsigned)bound_ms);
    return 0;
}
