/*
 * tests/user/t_storm -- the fault storm (docs/reliability.md, "The kernel under
 * attack").
 *
 *   t_storm SEED N NAME  start N children, one after another, each doing one
 *                        fatal thing the PRNG (seeded with SEED) picks;
 *                        check each ends the way it must; then register
 *                        NAME with init (t_steady, beside it, stops then)
 *   t_storm child KIND   do fatal thing KIND (below)
 *
 * A child that faults is stopped by the kernel and reaped by init; only
 * the spinning child ends by itself, after running for a while without a
 * single system call (the kernel must preempt it: everyone else goes on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/disp.h>
#include <sys/lmp_endpoint.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sprat/vm_layout.h>
#include <if/init.h>

/* Children alive at once.  Init answers PROCESS_WAIT only for a domain it
 * still knows, and our calls to init go one at a time: while we wait for
 * one child the others of a wave may end and be forgotten. */
#define WAVE        1
#define CHILD_YIELDS 1
#define SPIN_LOOPS  3000000u        /* ~10 ms of guest time, no system call */

enum kind {
    K_NULL_WRITE, K_KERNEL_READ, K_JUMP_NULL, K_JUMP_KERNEL, K_UNDEF, K_COPROC,
    K_HVC, K_BKPT, K_UNALIGNED_LDM, K_STACK_OVERFLOW, K_TEXT_WRITE, K_DISABLED,
    K_GARBAGE_SVC, K_SPIN, K_COUNT
};
static const char *const kind_names[K_COUNT] = {
    "null write", "kernel read", "jump to 0", "jump to the kernel", "undefined",
    "coprocessor (CP15) access", "hvc", "bkpt", "unaligned ldm", "stack overflow",
    "write to text", "fault while disabled", "garbage svc, then null read", "spin",
};

static volatile int depth_limit = 0x7fffffff;   /* never reached */

static int recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    return (depth < depth_limit ? recurse(depth + 1) : 0) + pad[0];
}

/* An address as a pointer the compiler cannot see through. */
static volatile uint32_t *at(uintptr_t a)
{
    volatile uint32_t *volatile p = (volatile uint32_t *)a;
    return p;
}

static int child(enum kind k)
{
    volatile uint32_t *p;
    switch (k) {
    case K_NULL_WRITE:    *at(0) = 1; break;
    case K_KERNEL_READ:   (void)*at(USER_VADDR_LIMIT); break;
    case K_JUMP_NULL:     ((void (*)(void))0)(); break;
    case K_JUMP_KERNEL:   ((void (*)(void))USER_VADDR_LIMIT)(); break;
    case K_UNDEF:         __asm__ volatile(".word 0xe7f000f0"); break;
    case K_COPROC:        __asm__ volatile("mrc p15, 0, r0, c1, c0, 0" ::: "r0"); break;
    case K_HVC:           __asm__ volatile(".word 0xe1400070"); break;    /* hvc #0 */
    case K_BKPT:          __asm__ volatile("bkpt #0"); break;
    case K_UNALIGNED_LDM: p = (volatile uint32_t *)((uintptr_t)&k | 1);
                          __asm__ volatile("ldm %0, {r2, r3}" :: "r"(p) : "r2", "r3", "memory");
                          break;
    case K_STACK_OVERFLOW: return recurse(0);
    case K_TEXT_WRITE:    *at(USER_IMAGE_BASE) = 0; break;
    case K_DISABLED:      disp_disable(); (void)*at(8); break;
    case K_GARBAGE_SVC: {
        struct sys_regs regs;
        for (int i = 0; i < 13; i++) {
            regs.r[i] = 0xdead0000u + i;
        }
        sys_call(&regs);
        (void)*at(4);
        break;
    }
    case K_SPIN:
        for (volatile uint32_t i = 0; i < SPIN_LOOPS; i++) {
        }
        return 0;
    default: break;
    }
    return 3;       /* it survived a fatal thing: its parent sees status 3 */
}

static uint32_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        /* Give the parent time to ask init about our end (init forgets a
         * domain once it has ended). */
        for (int i = 0; i < CHILD_YIELDS; i++) {
            sys_yield(CPTR_NULL);
        }
        return child((enum kind)strtoul(argv[2], NULL, 0));
    }
    uint32_t seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
    uint32_t n = argc > 2 ? strtoul(argv[2], NULL, 0) : 100;
    const char *done_name = argc > 3 ? argv[3] : "storm-done";
    uint32_t count[K_COUNT] = { 0 }, wrong = 0, early = 0, refused = 0;

    rng = seed * 2654435761u | 1;
    printf("t_storm: seed %u, %u children\n", (unsigned)seed, (unsigned)n);
    for (uint32_t started = 0; started < n;) {
        uint32_t ids[WAVE];
        enum kind kinds[WAVE];
        unsigned w = 0;
        for (; w < WAVE && started < n; w++, started++) {
            char args[24];
            kinds[w] = (enum kind)(rnd() % K_COUNT);
            snprintf(args, sizeof(args), "child %u", (unsigned)kinds[w]);
            if (err_is_fail(rpc_process_spawn(get_init_rpc(), "?t_storm", args, &ids[w]))) {
                ids[w] = 0;
                refused++;
            }
        }
        for (unsigned i = 0; i < w; i++) {
            int status = 0;
            if (ids[i] == 0) {
                continue;
            }
            count[kinds[i]]++;
            errval_t err = rpc_process_wait(get_init_rpc(), ids[i], &status);
            if (err_is_fail(err)) {
                early++;            /* ended before we asked: init forgot it */
            } else if (kinds[i] == K_SPIN ? status != 0 : status == 0 || status == 3) {
                wrong++;
                printf("t_storm: child %u (%s) ended with status %d\n", (unsigned)ids[i],
                       kind_names[kinds[i]], status);
            }
        }
    }
    printf("t_storm: seed %u: %u children (%u ended before their parent asked, %u not "
           "started); by kind:\n", (unsigned)seed, (unsigned)n, (unsigned)early,
           (unsigned)refused);
    for (int k = 0; k < K_COUNT; k++) {
        printf("t_storm:   %6u  %s\n", (unsigned)count[k], kind_names[k]);
    }
    test_report(wrong == 0 && refused == 0, "fault storm seed %u: %u children, each ended "
                "the way it must (%u did not)", (unsigned)seed, (unsigned)n, (unsigned)wrong);

    struct lmp_endpoint *ep;
    struct capref cap;
    errval_t err = lmp_endpoint_create(&ep, 16, &cap);
    if (err_is_ok(err)) {
        err = rpc_name_register(get_init_rpc(), done_name, cap);
    }
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "registering %s", done_name);
    }
    return wrong != 0 || refused != 0;
}
