/*
 * user/sys/init/shell.c -- init's prompt: a small shell on the serial console
 * (docs/rpc.md, section 8).
 *
 * It reads a line with the editing a serial console user expects --
 * backspace, Ctrl-U (erase the line), Ctrl-C (drop the line), up and down
 * (the last lines: line_edit.c) -- and runs it: help, ps, modules, run,
 * start, kill, free.  What it needs of init proper is in init.h (a shell
 * outside init would ask the same by RPC).
 *
 * Ctrl-C while another domain holds the terminal never reaches this line
 * editor: the serial driver sees the byte in its interrupt handler and
 * answers our interrupt thread's SERIAL_INTERRUPT_WAIT call with the
 * foreground domain's id; the thread kills it the way `kill` does, so a
 * domain that spins or waits in an RPC stops all the same, and its memory
 * and channels come back.  `run` then gets the terminal back for us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/caps.h>
#include "init.h"
#include "line_edit.h"

#define MAX_ARGS        16
#define MAX_PS          64

static const char prompt_text[] = "sprat> ";

/* ---- Ctrl-C ------------------------------------------------------------- */

static int interrupts(void *arg)
{
    struct rpc_chan *serial = arg;
    for (;;) {
        uint32_t id;
        errval_t err = rpc_serial_interrupt_wait(serial, &id);
        if (err_is_fail(err)) {
            /* Only if the driver is gone (or refuses us): no terminal. */
            DEBUG_ERR(err, "waiting for Ctrl-C");
            return 1;
        }
        printf("^C\n");
        kill_domain(id);        /* it may have ended meanwhile: nothing to do */
    }
    return 0;
}

/* A channel of its own: its call waits until the next Ctrl-C. */
void shell_interrupts_start(void)
{
    struct rpc_chan *serial;
    errval_t err = rpc_connect("serial", &serial);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "connecting to the serial driver for Ctrl-C");
        return;
    }
    thread_create(interrupts, serial);
}

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
    printf("  ps                 list the running domains: state, memory\n"
           "  modules            list the boot modules you can start\n"
           "  run NAME ARGS...   start a boot module; it gets the terminal\n"
           "                     until it ends (Ctrl-C stops it)\n"
           "  start NAME ARGS... start a boot module in the background\n"
           "  kill ID            stop domain ID\n"
           "  free               show free memory\n"
           "  keys: backspace, Ctrl-U erases the line, Ctrl-C drops it,\n"
           "        up/down bring back the last %u lines\n", LINE_EDIT_HISTORY);
}

static const char *state_name(uint32_t state)
{
    switch (state) {
    case DispatcherState_New:       return "new";
    case DispatcherState_Ready:     return "ready";
    case DispatcherState_Runnable:  return "running";
    case DispatcherState_Blocked:   return "waiting";
    case DispatcherState_Stopped:   return "stopped";
    default:                        return "?";
    }
}

/* MEMORY: the RAM a domain was started with, and what the memory server
 * has granted it since (init: the RAM it holds for spawning). */
static void cmd_ps(void)
{
    static struct domain_info d[MAX_PS];
    unsigned n = domain_list(d, MAX_PS);
    printf("  ID STATE      MEMORY NAME\n");
    for (unsigned i = 0; i < n; i++) {
        size_t granted = 0;
        if (d[i].id != INIT_DOMAIN_ID) {
            memserv_usage(d[i].id, &granted);       /* none if it fails */
        }
        printf("%4u %-8s %6u KiB %s\n", (unsigned)d[i].id, state_name(d[i].state),
               (unsigned)((d[i].ram + granted) >> 10), d[i].name);
    }
}

static void cmd_free(void)
{
    struct mem_numbers m;
    if (err_is_fail(mem_numbers(&m))) {
        printf("no memory server\n");
        return;
    }
    printf("free memory: %u KiB (memory server: %u of %u KiB free; init: %u KiB)\n",
           (unsigned)((m.memserv_free + m.init_free) >> 10), (unsigned)(m.memserv_free >> 10),
           (unsigned)(m.memserv_total >> 10), (unsigned)(m.init_free >> 10));
}

static void cmd_modules(void)
{
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    for (uint32_t i = 0; i < bi->num_regions; i++) {
        if (bi->regions[i].type == RegionType_Module &&
            strcmp(bi->regions[i].name, "bootlist") != 0) {
            printf("  %-16s %u bytes\n", bi->regions[i].name, (unsigned)bi->regions[i].bytes);
        }
    }
}

/* run / start NAME ARGS...: "args" is the rest of the line. */
static void cmd_start(bool wait, int argc, char **argv)
{
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
    errval_t err = spawn_command(argv[1], args, wait ? START_FOREGROUND : 0, &id);
    if (err_is_fail(err)) {
        printf("cannot start %s: %s\n", argv[1], err_getstring(err));
    } else if (wait) {
        wait_domain(id);
        set_foreground(INIT_DOMAIN_ID);
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
    char name[32];
    errval_t err = kill_domain((uint32_t)id);
    if (err == SPAWN_ERR_SYSTEM_DOMAIN && domain_name((uint32_t)id, name, sizeof(name))) {
        printf("cannot kill %lu: %s cannot be killed (%s)\n", id, name, err_getstring(err));
    } else if (err_is_fail(err)) {
        printf("cannot kill %lu: %s\n", id, err_getstring(err));
    }
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
        cmd_free();
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

void shell_run(void)
{
    char line[LINE_EDIT_BYTES];
    printf("init: type 'help' for commands\n");
    for (;;) {
        printf("%s", prompt_text);
        if (!read_line(line)) {
            if (get_serial_rpc() == NULL) {
                static struct thread_mutex m = THREAD_MUTEX_INITIALIZER;
                static struct thread_cond never = THREAD_COND_INITIALIZER;
                printf("init: no serial driver, so no terminal: no prompt\n");
                thread_mutex_lock(&m);
                for (;;) {
                    thread_cond_wait(&never, &m);       /* for good */
                }
            }
            sys_yield(CPTR_NULL);   /* not the foreground domain right now */
            continue;
        }
        run_line(line);
    }
}
