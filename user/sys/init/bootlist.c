/*
 * user/sys/init/bootlist.c -- the boot-list interpreter (docs/boot.md).
 *
 * The boot list (the "bootlist" module, boot/<name>.bootlist or
 * tests/qemu/<name>.bootlist; scripts/mkbootfs.py reads the same lines):
 *   name arg...     spawn module `name` with argv = name arg...
 *   !name arg...    the same, but the domain is expected to fault
 *   &name arg...    the same, and it gets the terminal (serial input)
 *   @wait [name]    wait until every domain started so far (or every one
 *                   called name) has ended
 *   @module name    only put module `name` into the boot image (to be
 *                   started from the prompt); init does nothing with it
 *   @test           test image: report each domain's end as a test result
 *                   and shut the machine down at the end
 *   @quota KiB      the memory server's quota per domain (default: see
 *                   docs/rpc.md, MEMSERV_DEFAULT_QUOTA_KIB)
 *   @memtest N [!]name arg...   start N copies at once (copy i gets the
 *                   extra arguments "i N"), wait, and check (as a test)
 *                   that every byte of memory came back
 *   @spawntest name spawn damaged copies of module name: each error is
 *                   reported and leaves nothing behind (spawntest.c)
 *   NAME=value ...  words before the program name are its environment
 *   # ...           comment
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/spawn.h>
#include <systest.h>
#include "init.h"

bool test_mode;
unsigned failures;
const char *quota_kib;

int split(char *line, char **argv, int max)
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

/* Run each line of the boot list; settings (@...) first pass only if
 * first_pass, everything else on the second. */
void run_bootlist(bool first_pass)
{
    size_t bytes;
    const char *list = spawn_find_module("bootlist", &bytes);
    if (list == NULL) {
        return;
    }
    char *copy = malloc(bytes + 1);
    memcpy(copy, list, bytes);
    copy[bytes] = '\0';
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *argv[MAX_ARGS + 1];
        int argc = split(line, argv, MAX_ARGS);
        if (argc == 0) {
            continue;
        }
        argv[argc] = NULL;
        if (first_pass) {
            if (strcmp(argv[0], "@test") == 0) {
                test_mode = true;
            } else if (strcmp(argv[0], "@quota") == 0 && argc > 1) {
                quota_kib = strdup(argv[1]);
            }
            continue;
        }
        unsigned flags = 0;
        if (strcmp(argv[0], "@wait") == 0) {
            wait_running(argv[1], false);
            continue;
        } else if (strcmp(argv[0], "@memtest") == 0 && argc >= 3) {
            memtest(atoi(argv[1]), argc - 2, argv + 2);
            continue;
        } else if (strcmp(argv[0], "@spawntest") == 0 && argc >= 2) {
            wait_running(NULL, false);
            spawn_error_tests(argv[1]);
            continue;
        } else if (argv[0][0] == '@') {
            continue;               /* a first-pass setting, or @module */
        } else if (argv[0][0] == '!') {
            flags = START_EXPECT_FAULT;
            argv[0]++;
        } else if (argv[0][0] == '&') {
            flags = START_FOREGROUND;
            argv[0]++;
        }
        errval_t err = start_domain(argc, argv, flags, NULL, 0, NULL);
        if (err_is_fail(err)) {
            printf("init: cannot start %s: %s\n", argv[0], err_getstring(err));
            failures++;
        }
    }
    free(copy);
}
