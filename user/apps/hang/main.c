/*
 * user/apps/hang -- a domain that does not end by itself, to try Ctrl-C and
 * kill on at the prompt (docs/rpc.md, section 8):
 *
 *   run hang spin      loops for ever: never reads input, never yields
 *   run hang wait ID   waits in an RPC to init (PROCESS_WAIT) until
 *                      domain ID ends (try it on a service: start dice)
 *   start hang tick    prints a line every so often, for ever: background
 *                      output arriving while you type at the prompt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/rpc.h>
#include <if/init.h>

/* Busy work between two ticks: some tens of milliseconds of CPU.  Busy,
 * not a timer: under QEMU's -icount with sleep=off an idle machine's
 * clock jumps ahead, a busy one's does not. */
#define TICK_SPINS  20000000u

static void spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; i++) {
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "spin") == 0) {
        printf("hang: spinning (Ctrl-C stops me)\n");
        for (;;) {
            spin(UINT32_MAX);
        }
    } else if (strcmp(mode, "wait") == 0 && argc == 3) {
        uint32_t id = (uint32_t)strtoul(argv[2], NULL, 10);
        int status;
        printf("hang: waiting in an RPC for domain %u to end\n", (unsigned)id);
        errval_t err = rpc_process_wait(get_init_rpc(), id, &status);
        printf("hang: domain %u ended (%s), status %d\n", (unsigned)id, err_getstring(err),
               status);
        return err_is_ok(err) ? 0 : 1;
    } else if (strcmp(mode, "tick") == 0) {
        for (unsigned n = 1;; n++) {
            spin(TICK_SPINS);
            printf("hang: tick %u\n", n);
        }
    }
    printf("usage: hang spin | hang wait ID | hang tick\n");
    return 1;
}
