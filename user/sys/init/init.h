/*
 * user/sys/init/init.h -- what init's files share: main.c (domains, services,
 * the boot list), shell.c (the prompt, docs/rpc.md section 8) and
 * spawntest.c.
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

#define INIT_DOMAIN_ID  1

/* "@spawntest MODULE": spawn errors are reported and leave nothing behind
 * (spawntest.c). */
void spawn_error_tests(const char *module);

/* ---- main.c, for the prompt (what a shell outside init would ask init
 * for by RPC) ---------------------------------------------------------- */

#define START_EXPECT_FAULT  1u
#define START_FOREGROUND    2u      /* it gets the terminal */
#define START_SYSTEM        4u      /* memserv, serial: kill refuses */

/* Start boot module name with the blank-separated arguments args. */
errval_t spawn_command(const char *name, const char *args, unsigned flags, uint32_t *id);
/* Until domain id has ended and is gone (its memory back). */
void wait_domain(uint32_t id);
/* Stop domain id; it is reaped like any domain that ends: its memory and
 * channels come back.  SPAWN_ERR_SYSTEM_DOMAIN for init, memserv, serial. */
errval_t kill_domain(uint32_t id);
void set_foreground(uint32_t id);
bool domain_name(uint32_t id, char *name, size_t size);

struct domain_info {
    uint32_t id;
    char name[32];
    uint32_t state;                 /* enum dispatcher_state (sprat/caps.h) */
    size_t ram;                     /* started with (init: what it holds) */
};
unsigned domain_list(struct domain_info *out, unsigned max);

/* Free memory: the memory server's, and init's (for spawning). */
struct mem_numbers {
    size_t memserv_free, memserv_total, init_free;
};
errval_t mem_numbers(struct mem_numbers *m);
errval_t memserv_usage(uint32_t id, size_t *bytes);

/* Split line into at most max blank-separated words ('#' ends it). */
int split(char *line, char **argv, int max);

/* ---- shell.c ------------------------------------------------------------ */

/* The thread that waits for Ctrl-C at the serial driver. */
void shell_interrupts_start(void);
/* The prompt, for good. */
void shell_run(void);

#endif
