/*
 * user/sys/shell -- the shell: a small prompt on the serial console, a
 * program of its own that asks init for everything by RPC, as Barrelfish's
 * fish does (docs/rpc.md, section 8).
 *
 * It reads a line with the editing a serial console user expects --
 * backspace, Ctrl-U (erase the line), Ctrl-C (drop the line), up and down
 * (the last lines: line_edit.c) -- and runs it: help, ps, modules, run,
 * start, kill, free.  From init: PROCESS_RUN (a domain that gets the
 * terminal), PROCESS_SPAWN_ON, PROCESS_WAIT, PROCESS_KILL, PROCESS_PS,
 * PROCESS_MODULES, PROCESS_GET_NAME, MEM_INFO_ON (libsys/if/init.idl).
 * "-c CORE" runs a domain on another core, or shows its memory: init asks
 * that core's init (docs/multikernel.md, "Domains on core 1").
 *
 * Ctrl-C while a domain `run` started holds the terminal never reaches
 * us: init waits for it at the serial driver and stops that domain
 * (user/sys/init/terminal.c); our PROCESS_WAIT then ends, and the serial
 * driver has given the terminal back to us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/invoke.h>
#include <sprat/domain_id.h>
#include <if/init.h>
#include "line_edit.h"

#define MAX_ARGS        16

static const char prompt_text[] = "sprat> ";

/* ---- reading a line ---------------------------------------------------------- */

static struct line_history history;

static void echo_stdout(const char *s, size_t len, void *arg)
{
    (void)arg;
    fwrite(s, 1, len, stdout);
}

/* A line from the terminal into buf (LINE_EDIT_BYTES); false if we do
 * not hold the terminal.  Ctrl-C gives an empty line. */
static bool read_line(char *buf)
{
    struct line_edit e;
    enum line_edit_result r;
    line_edit_start(&e, &history, echo_stdout, NULL);
    do {
        fflush(stdout);
        int c = getchar();
        if (c == EOF) {
            return false;
        }
        r = line_edit_key(&e, c);
    } while (r == LINE_EDIT_MORE);
    memcpy(buf, e.buf, e.n + 1);
    return true;
}

/* ---- the commands ------------------------------------------------------------ */

static void cmd_help(void)
{
    printf("  ps                 list the running domains: core, state, memory\n"
           "  modules            list the boot modules you can start\n"
           "  run NAME ARGS...   start a boot module; it gets the terminal\n"
           "                     until it ends (Ctrl-C stops it)\n"
           "  start NAME ARGS... start a boot module in the background\n"
           "  run -c N ..., start -c N ...   the same on core N (its output\n"
           "                     goes to the console; run waits for its end)\n"
           "  kill ID            stop domain ID (of any core)\n"
           "  free [-c N]        show free memory (of core N)\n"
           "  keys: backspace, Ctrl-U erases the line, Ctrl-C drops it,\n"
           "        up/down bring back the last %u lines\n", LINE_EDIT_HISTORY);
}

/* init's table, "id state KiB name" a line, as columns. */
static void cmd_ps(void)
{
    char *table;
    errval_t err = rpc_process_ps(get_init_rpc(), &table);
    if (err_is_fail(err)) {
        printf("ps: %s\n", err_getstring(err));
        return;
    }
    printf("     ID CORE STATE      MEMORY NAME\n");
    char *save = NULL;
    for (char *l = strtok_r(table, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        unsigned id, kib;
        char state[16], name[40];
        if (sscanf(l, "%u %15s %u %39s", &id, state, &kib, name) == 4) {
            printf("%7u %4u %-8s %6u KiB %s\n", id, domain_id_core(id), state, kib, name);
        }
    }
    free(table);
}

/* "-c N" at argv[1]: N into *core, the words after it into *argc, *argv;
 * false (and the usage said) if N is not a number. */
static bool take_core(int *argc, char ***argv, uint32_t *core)
{
    *core = 0;
    if (*argc < 2 || strcmp((*argv)[1], "-c") != 0) {
        return true;
    }
    char *end;
    unsigned long n = *argc > 2 ? strtoul((*argv)[2], &end, 10) : 0;
    if (*argc < 3 || end == (*argv)[2] || *end != '\0' || n > UINT32_MAX) {
        printf("usage: %s -c CORE ...  (a core number: 0, 1, ...)\n", (*argv)[0]);
        return false;
    }
    *core = (uint32_t)n;
    (*argv)[2] = (*argv)[0];
    *argc -= 2;
    *argv += 2;
    return true;
}

static void cmd_free(int argc, char **argv)
{
    size_t mm_free, mm_total, init_free;
    uint32_t core;
    if (!take_core(&argc, &argv, &core)) {
        return;
    }
    errval_t err = rpc_mem_info_on(get_init_rpc(), core, &mm_free, &mm_total, &init_free);
    if (err == SPAWN_ERR_CORE_INVALID || err == SPAWN_ERR_CORE_NO_INIT ||
        err == SPAWN_ERR_CORE_DOWN) {
        printf("free: core %u: %s\n", (unsigned)core, err_getstring(err));
        return;
    } else if (err_is_fail(err)) {
        printf("no memory server\n");
        return;
    }
    if (core != 0) {
        printf("core %u: ", (unsigned)core);
    }
    printf("free memory: %u KiB (memory server: %u of %u KiB free; init: %u KiB)\n",
           (unsigned)((mm_free + init_free) >> 10), (unsigned)(mm_free >> 10),
           (unsigned)(mm_total >> 10), (unsigned)(init_free >> 10));
}

static void cmd_modules(void)
{
    char *list;
    errval_t err = rpc_process_modules(get_init_rpc(), &list);
    if (err_is_fail(err)) {
        printf("modules: %s\n", err_getstring(err));
        return;
    }
    char *save = NULL;
    for (char *l = strtok_r(list, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char name[40];
        unsigned bytes;
        if (sscanf(l, "%39s %u", name, &bytes) == 2) {
            printf("  %-16s %u bytes\n", name, bytes);
        }
    }
    free(list);
}

/* run / start [-c CORE] NAME ARGS...: "args" is the rest of the line. */
static void cmd_start(bool wait, int argc, char **argv)
{
    uint32_t core;
    if (!take_core(&argc, &argv, &core)) {
        return;
    }
    if (argc < 2) {
        printf("usage: %s NAME ARGS...  (see 'modules' for the names)\n", argv[0]);
        return;
    }
    char args[LINE_EDIT_BYTES] = "";
    for (int i = 2; i < argc; i++) {
        snprintf(args + strlen(args), sizeof(args) - strlen(args), "%s%s", i > 2 ? " " : "",
                 argv[i]);
    }
    uint32_t id;
    int status;
    errval_t err = wait ? rpc_process_run(get_init_rpc(), core, argv[1], args, &id)
                        : rpc_process_spawn_on(get_init_rpc(), core, argv[1], args, &id);
    if (err_is_fail(err)) {
        printf("cannot start %s: %s\n", argv[1], err_getstring(err));
    } else if (wait) {
        rpc_process_wait(get_init_rpc(), id, &status);     /* init says how it ended */
    } else {
        printf("started %s as domain %u\n", argv[1], (unsigned)id);
    }
}

static void cmd_kill(int argc, char **argv)
{
    char *end;
    unsigned long id = argc == 2 ? strtoul(argv[1], &end, 10) : 0;
    if (argc != 2 || end == argv[1] || *end != '\0') {
        printf("usage: kill ID  (see 'ps' for the IDs)\n");
        return;
    }
    char *name = NULL;
    errval_t err = rpc_process_kill(get_init_rpc(), (uint32_t)id);
    if (err == SPAWN_ERR_SYSTEM_DOMAIN &&
        err_is_ok(rpc_process_get_name(get_init_rpc(), (uint32_t)id, &name))) {
        printf("cannot kill %lu: %s cannot be killed (%s)\n", id, name, err_getstring(err));
    } else if (err_is_fail(err)) {
        printf("cannot kill %lu: %s\n", id, err_getstring(err));
    }
    free(name);
}

/* Blank-separated words of line into argv, at most max ('#' ends it). */
static int split(char *line, char **argv, int max)
{
    int argc = 0;
    for (char *save = NULL, *w = strtok_r(line, " \t", &save); w && argc < max && w[0] != '#';
         w = strtok_r(NULL, " \t", &save)) {
        argv[argc++] = w;
    }
    return argc;
}

static void run_line(char *line)
{
    char *argv[MAX_ARGS + 1];
    int argc = split(line, argv, MAX_ARGS);
    argv[argc] = NULL;
    if (argc == 0) {
        return;
    }
    if (strcmp(argv[0], "help") == 0) {
        cmd_help();
    } else if (strcmp(argv[0], "ps") == 0) {
        cmd_ps();
    } else if (strcmp(argv[0], "free") == 0) {
        cmd_free(argc, argv);
    } else if (strcmp(argv[0], "modules") == 0) {
        cmd_modules();
    } else if (strcmp(argv[0], "run") == 0 || strcmp(argv[0], "start") == 0) {
        cmd_start(argv[0][0] == 'r', argc, argv);
    } else if (strcmp(argv[0], "kill") == 0) {
        cmd_kill(argc, argv);
    } else {
        printf("unknown command '%s' (try 'help')\n", argv[0]);
    }
}

int main(void)
{
    char line[LINE_EDIT_BYTES];
    printf("shell: type 'help' for commands\n");
    for (;;) {
        printf("%s", prompt_text);
        while (!read_line(line)) {
            sys_yield(CPTR_NULL);   /* not given the terminal yet */
        }
        run_line(line);
    }
    return 0;
}
