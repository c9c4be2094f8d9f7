/*
 * tests/user/t_spin -- two domains that never yield must both make progress:
 * the timer preempts each and the round robin runs the other.
 *
 * The boot list starts "t_spin first" and "t_spin second".  The first
 * shares a page with the second (published through init's name service).
 * Each spins incrementing its own counter in the page and watching the
 * other's: between two of its own reads the other's counter can only
 * change if this domain was preempted and the other one ran.  Each needs
 * to see that happen SWITCHES times.  Under a scheduler that let a domain
 * run until it yields, the first would never see the second move.
 *
 * Before that, each measures how long it runs at a stretch: the longest
 * turn must be one time slice, TIME_SLICE_TICKS (1) kernel tick at
 * KERNEL_TICK_HZ (100 Hz), 10 ms (docs/dispatch.md, section 5), so that
 * changing either constant without the docs makes this test object.
 */
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sys/timing.h>
#include <if/init.h>

#define SWITCHES    5
#define MAX_SPINS   400000000u      /* ~4 s of virtual time: then give up */
#define SHARE_NAME  "t_spin.page"

#define SLICE_NS    10000000u       /* docs/dispatch.md: one tick at 100 Hz */
#define TURNS       10              /* turns measured */
#define AWAY_NS     100000u         /* a gap this long: another domain ran */
#define PROBE_NS    2000000000u     /* give up after 2 s of virtual time */

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

static uint64_t ns_between(uint64_t t0, uint64_t t1)
{
    /* ns on vexpress-a9, cycles on virt: under -icount shift=0 both are
     * instructions, 1 GHz. */
    return timing_mean_x10(t0, t1, 1) / 10;
}

/*
 * The longest time this domain ran without another domain running in
 * between, over TURNS turns.  Spinning on the clock, a gap of more than
 * AWAY_NS between two readings means we were switched out; a tick that
 * does not switch costs a few microseconds and is part of the turn.
 */
static uint64_t longest_turn_ns(void)
{
    uint64_t first = timing_now(), prev = first, start = first, longest = 0;
    for (int turns = 0; turns < TURNS && ns_between(first, prev) < PROBE_NS;) {
        uint64_t now = timing_now();
        if (ns_between(prev, now) > AWAY_NS) {
            if (start != first && ns_between(start, prev) > longest) {
                longest = ns_between(start, prev);  /* a whole turn */
            }
            start = now;
            turns++;
        }
        prev = now;
    }
    return longest;
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
    timing_init();
    uint64_t turn = longest_turn_ns();
    test_report(turn > SLICE_NS * 9 / 10 && turn <= SLICE_NS,
                "%s: the longest turn is one time slice, 10 ms (%u us)", tag,
                (unsigned)(turn / 1000));
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
