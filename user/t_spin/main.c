/*
 * user/t_spin -- two domains that never yield must both make progress:
 * the timer preempts each and the round robin runs the other.
 *
 * The boot list starts "t_spin first" and "t_spin second".  The first
 * shares a page with the second (published through init's name service).
 * Each spins incrementing its own counter in the page and watching the
 * other's: between two of its own reads the other's counter can only
 * change if this domain was preempted and the other one ran.  Each needs
 * to see that happen SWITCHES times.  Under a scheduler that let a domain
 * run until it yields, the first would never see the second move.
 */
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/systest.h>

#define SWITCHES    5
#define MAX_SPINS   400000000u      /* ~4 s of virtual time: then give up */
#define SHARE_NAME  "t_spin.page"

struct shared {
    volatile uint32_t count[2];     /* each side's progress */
    volatile uint32_t done[2];      /* each side saw SWITCHES changes */
    volatile uint32_t finished;     /* the second will not touch the page again */
};

static struct shared *share_page(bool first, struct capref *frame)
{
    struct rpc_chan *init = get_init_rpc();
    uint32_t va;
    errval_t err;

    if (first) {
        if ((err = frame_alloc(frame, 4096)) ||
            (err = paging_map_frame(&va, *frame, 4096, VREGION_FLAGS_READ_WRITE)) ||
            (err = rpc_name_register(init, SHARE_NAME, *frame))) {
            return NULL;
        }
        return (struct shared *)va;
    }
    for (unsigned tries = 0; tries < 100000; tries++) {
        if (err_is_ok(rpc_name_lookup(init, SHARE_NAME, frame))) {
            return err_is_ok(paging_map_frame(&va, *frame, 4096, VREGION_FLAGS_READ_WRITE))
                   ? (struct shared *)va : NULL;
        }
        sys_yield(CPTR_NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    bool first = argc > 1 && strcmp(argv[1], "first") == 0;
    const char *tag = first ? "first" : "second";
    int me = first ? 0 : 1, other = 1 - me;
    struct capref frame;

    struct shared *sh = share_page(first, &frame);
    if (!test_report(sh != NULL, "%s: shares a page with the other spinner", tag)) {
        return 1;
    }
    uint32_t seen = sh->count[other], changes = 0, spins;
    for (spins = 0; spins < MAX_SPINS; spins++) {
        sh->count[me]++;
        uint32_t now = sh->count[other];
        if (now != seen) {
            seen = now;
            if (++changes >= SWITCHES) {
                sh->done[me] = 1;
            }
        }
        if (sh->done[me] && sh->done[other]) {
            break;
        }
    }
    bool ok = sh->done[me] && sh->done[other];
    if (first) {
        /* The page is ours: keep it until the second is done with it. */
        while (!sh->finished && spins++ < MAX_SPINS) {
        }
    } else {
        sh->finished = 1;
        paging_unmap((uint32_t)sh, 4096);
        cap_delete(frame);
        slot_free(frame);
    }
    return test_report(ok, "%s: both spinners made progress (%u switches seen)", tag,
                       (unsigned)changes) ? 0 : 1;
}
