/*
 * libsys/disp.c -- the dispatcher runtime: the upcalls the kernel makes
 * into every domain, start-up, and exit (docs/dispatch.md).
 *
 * The kernel enters a domain only through these entry points, always
 * disabled and on the dispatcher stack inside the dispatcher frame:
 *   _start = run(udisp)       the ELF entry point doubles as run()
 *   disp_pagefault(...)       a data/prefetch abort while enabled
 *   disp_trap(...)            an undefined instruction while enabled
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <sys/cspace.h>
#include <sys/ram.h>
#include <sys/paging.h>
#include <sys/lmp_endpoint.h>
#include <sys/rpc.h>
#include <sprat/bootinfo.h>
#include <sprat/vm_layout.h>

void (*disp_poll_hook)(void);
static disp_trap_handler_t trap_handler;
static bool started;

int main(int argc, char **argv);
void _start(uint32_t udisp) __attribute__((noreturn, section(".text.start")));
void disp_pagefault(uint32_t udisp, uint32_t addr, uint32_t fsr, uint32_t pc)
    __attribute__((noreturn));
void disp_trap(uint32_t udisp, uint32_t kind, uint32_t pc) __attribute__((noreturn));
void libsys_stdio_init(void);
void libsys_stdio_flush(void);

const char *disp_name(void)
{
    return disp_shared()->name;
}

uint32_t disp_domain_id(void)
{
    return disp_shared()->domain_id;
}

void disp_poll_events(void)
{
    lmp_endpoints_poll();
    if (disp_poll_hook) {
        disp_poll_hook();
    }
}

void disp_set_trap_handler(disp_trap_handler_t fn)
{
    trap_handler = fn;
}

/* The main thread: argv from the arguments page, then main(). */
static int main_thread(void *arg)
{
    static char *argv[SPAWN_MAX_ARGS + 1];
    const struct spawn_args *a = disp_args();
    int argc = 0;

    (void)arg;
    if (a->magic == SPAWN_ARGS_MAGIC) {
        for (; argc < (int)a->argc && argc < SPAWN_MAX_ARGS; argc++) {
            argv[argc] = (char *)a->strings + a->argv_offset[argc];
        }
    }
    argv[argc] = NULL;
    exit(main(argc, argv));
}

/* Everything a domain needs before its first thread runs. */
static void libsys_init(void)
{
    struct dispatcher_shared *sh = disp_shared();

    sh->pagefault_entry = (uint32_t)disp_pagefault;
    sh->trap_entry = (uint32_t)disp_trap;
    slot_alloc_init();
    ram_init();
    paging_init();
    libsys_stdio_init();
    rpc_client_init();
    threads_init(main_thread);
}

static volatile uint32_t run_upcalls;

uint32_t disp_run_count(void)
{
    return run_upcalls;
}

void _start(uint32_t udisp)
{
    (void)udisp;
    run_upcalls++;
    if (!started) {
        started = true;
        libsys_init();
        thread_run_disabled(false);
    }
    thread_run_disabled(true);
}

/* A fault libsys cannot resolve: unregister the handler and let the
 * faulting instruction run again, so the kernel reports the fault with
 * its real cause and stops the domain. */
static void __attribute__((noreturn)) fault_to_kernel(void)
{
    struct dispatcher_shared *sh = disp_shared();
    sh->pagefault_entry = 0;
    sh->trap_entry = 0;
    thread_resume_enabled_area();
}

void disp_pagefault(uint32_t udisp, uint32_t addr, uint32_t fsr, uint32_t pc)
{
    (void)udisp;
    (void)fsr;
    (void)pc;
    if (err_is_ok(paging_handle_fault(addr))) {
        thread_resume_enabled_area();
    }
    fault_to_kernel();
}

void disp_trap(uint32_t udisp, uint32_t kind, uint32_t pc)
{
    (void)udisp;
    (void)kind;
    (void)pc;
    if (trap_handler && trap_handler(&disp_shared()->enabled_area)) {
        thread_resume_enabled_area();
    }
    fault_to_kernel();
}

void disp_exit(int status)
{
    libsys_stdio_flush();
    for (;;) {
        dispatcher_stop(TASKCN_CAP(TASKCN_SLOT_DISPATCHER), (uint32_t)status);
    }
}

/* picolibc's exit() ends here, after the atexit handlers. */
void _exit(int status);
void _exit(int status)
{
    disp_exit(status);
}
