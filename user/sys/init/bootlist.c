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
 *   @service DEVICE[,irq] name arg...   start module name with the
 *                   capabilities of device DEVICE (a bootinfo device
 *                   region, or "console"), and its interrupt if ",irq"
 *                   (system.c; docs/rpc.md, section 4)
 *   @quota KiB      the memory server's quota per domain (default: see
 *                   docs/rpc.md, MEMSERV_DEFAULT_QUOTA_KIB)
 *   @memtest N [!]name arg...   start N copies at once (copy i gets the
 *                   extra arguments "i N"), wait, and check (as a test)
 *                   that every byte of memory came back
 *   @spawntest name spawn damaged copies of module name: each error is
 *                   reported and leaves nothing behind
 * @test, @memtest and @spawntest are the test build's (tests/user/init_test,
 * init_test_directive); the release init names them and runs nothing.
 *   @waitcores      wait until the other cores' "@core N" lines have run
 *                   and their domains ended (a test image's; cores.c)
 *   @core N line    the line is core N's: core N's init runs it (it reads
 *                   the same boot list; docs/multikernel.md), the others
 *                   skip it; the boot core's init says if there is no
 *                   such core or it runs no init (a failure)
 *   NAME=value ...  words before the program name are its environment
 *   # ...           comment
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/spawn.h>
#include "cores.h"
#include "init.h"

bool test_mode;
unsigned failures;
const char *quota_kib;
unsigned other_core_lines;

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

/* @service DEVICE[,irq] NAME ARGS...: NAME gets DEVICE's capabilities
 * (system.c); a suffix other than ",irq" names no device. */
static void service_line(int argc, char **argv)
{
    char *comma = strchr(argv[1], ',');
    struct service_desc s = { argv[2], argv[1], comma && strcmp(comma, ",irq") == 0 };
    if (s.irq) {
        *comma = '\0';
    }
    errval_t err = start_service(&s, argc - 2, argv + 2, 0, NULL);
    if (err_is_fail(err)) {
        printf("init: cannot start %s: %s\n", s.name, err_getstring(err));
        failures++;
    }
}

/* A directive of the test build (@test, @memtest, @spawntest) in the
 * release init: said, and counted as a failure, never silently skipped. */
static void test_directive_refused(const char *directive)
{
    if (strcmp(directive, "@quota") != 0 && strcmp(directive, "@module") != 0) {
        printf("init: %s is a test directive: this init is the release build, "
               "which does not run it (tests/user/init_test is the test build)\n",
               directive);
        failures++;
    }
}

/* "@core N line": the words of line if it is this core's (argv, argc
 * moved past "@core N"), else false.  Lines without "@core" are core
 * 0's. */
static bool this_cores_line(int *argc, char ***argv, bool first_pass)
{
    if (strcmp((*argv)[0], "@core") != 0) {
        return init_core == 0 || first_pass;    /* settings: every init's */
    }
    char *end;
    unsigned long core = *argc >= 3 ? strtoul((*argv)[1], &end, 10) : 0;
    if (*argc < 3 || end == (*argv)[1] || *end != '\0') {
        printf("%s: a boot-list line \"@core\" without a core and a line\n", init_name);
        failures += !first_pass && init_core == 0;
        return false;
    }
    errval_t err = core > DOMAIN_ID_MAX_CORES ? SPAWN_ERR_CORE_INVALID
                                              : core_check((unsigned)core);
    if (init_core == 0 && !first_pass && err_is_fail(err)) {
        printf("init: cannot start %s on core %lu: %s\n", (*argv)[2], core,
               err_getstring(err));
        failures++;
    }
    other_core_lines += core != init_core && !first_pass && err_is_ok(err);
    *argc -= 2;
    *argv += 2;
    return core == init_core && !first_pass;
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
        char *words[MAX_ARGS + 1], **argv = words;
        int argc = split(line, argv, MAX_ARGS);
        if (argc == 0) {
            continue;
        }
        argv[argc] = NULL;
        if (!this_cores_line(&argc, &argv, first_pass)) {
            continue;
        }
        if (argv[0][0] == '@' && init_test_directive &&
            init_test_directive(argc, argv, first_pass)) {
            continue;               /* the test build's (@test, ...) */
        }
        if (first_pass) {
            if (strcmp(argv[0], "@quota") == 0 && argc > 1) {
                quota_kib = strdup(argv[1]);
            }
            continue;
        }
        unsigned flags = 0;
        if (strcmp(argv[0], "@wait") == 0) {
            wait_running(argv[1], false);
            continue;
        } else if (strcmp(argv[0], "@waitcores") == 0) {
            cores_wait_boot_lists();
            continue;
        } else if (strcmp(argv[0], "@service") == 0 && argc >= 3) {
            service_line(argc, argv);
            continue;
        } else if (argv[0][0] == '@') {
            test_directive_refused(argv[0]);
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
