/*
 * tests/user/init_test/directives.c -- the test build of init (docs/testing.md):
 * the test images boot init's files (user/sys/init) plus this folder,
 * which defines the hooks init.h declares weak: the boot list's test
 * directives, the boot-time checks, and each domain's end as a test
 * result.  The release init (make qemu) links none of it.
 *
 *   @test           report each domain's end as a test result, and shut
 *                   the machine down at the end (main.c)
 *   @memtest N [!]name arg...   start N copies at once (copy i gets the
 *                   extra arguments "i N"), wait, and check that every
 *                   byte of memory came back
 *   @spawntest name spawn damaged copies of module name (spawntest.c)
 *   @cores          test the other cores: StartCore's refusals, UMP to
 *                   core 1's init, its fault (cores_check.c)
 *   @umpbench N     make bench's UMP rows against core 1's init, N
 *                   iterations each (cores_bench.c)
 *   @dieatreap NAME this init faults on purpose while it reaps a domain
 *                   named NAME: "@core 1 @dieatreap hang" makes core 1's
 *                   init die (docs/multikernel.md, section 7.1;
 *                   tests/qemu/coredown.cfg)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systest.h>
#include "init.h"
#include "init_test.h"
#include "cores.h"

static void memtest(int n, int argc, char **argv)
{
    unsigned flags = 0;
    if (argv[0][0] == '!') {
        argv[0]++;
        flags = START_EXPECT_FAULT;
    }
    wait_running(NULL, false);
    start_domain(argc, argv, flags, NULL, 0, NULL);     /* warm-up */
    wait_running(NULL, false);
    struct mem_numbers before, after;
    mem_numbers(&before);
    char index[12], count[12];
    char *args[MAX_ARGS + 3];
    memcpy(args, argv, argc * sizeof(char *));
    args[argc] = index;
    args[argc + 1] = count;
    args[argc + 2] = NULL;
    snprintf(count, sizeof(count), "%d", n);
    for (int i = 0; i < n; i++) {
        snprintf(index, sizeof(index), "%d", i);
        errval_t err = start_domain(argc + 2, args, flags, NULL, 0, NULL);
        test_report(err_is_ok(err), "memtest: copy %d of %s started: %s", i, argv[0],
                    err_getcode(err));
    }
    wait_running(NULL, false);
    mem_numbers(&after);
    long missing = (long)(before.memserv_free - after.memserv_free) +
                   (long)(before.init_free - after.init_free);
    if (missing != 0) {
        printf("init: memtest: %ld KiB missing (memory server %ld KiB, init %ld KiB)\n",
               missing >> 10, (long)(before.memserv_free - after.memserv_free) >> 10,
               (long)(before.init_free - after.init_free) >> 10);
    }
    test_report(after.memserv_free == before.memserv_free,
                "%d x %s: the memory server's free memory is back where it started "
                "(%u KiB)", n, argv[0], (unsigned)(after.memserv_free >> 10));
    test_report(missing == 0, "%d x %s: all free memory is back where it started", n, argv[0]);
}

/* @dieatreap's NAME ("": none). */
static char die_at_reap[NAME_BYTES];

bool init_test_directive(int argc, char **argv, bool first_pass)
{
    if (strcmp(argv[0], "@dieatreap") == 0 && argc >= 2) {
        snprintf(die_at_reap, sizeof(die_at_reap), "%s", argv[1]);
        return true;
    }
    if (strcmp(argv[0], "@test") == 0) {
        test_mode |= first_pass;
        return true;
    }
    if (strcmp(argv[0], "@memtest") == 0 && argc >= 3) {
        if (!first_pass) {
            memtest(atoi(argv[1]), argc - 2, argv + 2);
        }
        return true;
    }
    if (strcmp(argv[0], "@cores") == 0) {
        if (!first_pass) {
            cores_check();          /* the other cores (cores_check.c) */
        }
        return true;
    }
    if (strcmp(argv[0], "@umpbench") == 0 && argc >= 2) {
        if (!first_pass) {
            cores_bench((unsigned)atoi(argv[1]));
        }
        return true;
    }
    if (strcmp(argv[0], "@spawntest") == 0 && argc >= 2) {
        if (!first_pass) {
            wait_running(NULL, false);
            spawn_error_tests(argv[1]);
        }
        return true;
    }
    return false;
}

void init_test_boot_checks(void)
{
    bootcheck_run();
}

/* Every domain's end (reap, lock held). */
void init_test_domain_ended(const struct domain *d, bool ok)
{
    if (die_at_reap[0] != '\0' && strcmp(d->si.name, die_at_reap) == 0) {
        printf("%s: dying on purpose while reaping %s\n", init_name, d->si.name);
        *(volatile uint32_t *)0 = 1;
    }
    if (test_mode && !d->any_end) {
        test_report(ok, "domain %s %s", d->si.name,
                    d->expect_fault ? "faulted and was removed" : "ended cleanly");
    }
}
