/*
 * libsys/include/sys/disp.h -- the dispatcher runtime: start-up, the
 * upcalls, exit (docs/dispatch.md).
 */
#ifndef LIBSYS_DISP_H
#define LIBSYS_DISP_H

#include <stdint.h>
#include <sprat/args.h>
#include <sprat/dispatcher.h>
#include <sprat/vm_layout.h>
#include <sprat/errors.h>
#include <sys/invoke.h>

/* The arguments page this domain was started with. */
static inline const struct spawn_args *disp_args(void)
{
    return (const struct spawn_args *)ARGS_VADDR;
}
const char *disp_name(void);
uint32_t disp_domain_id(void);

/* How many times the kernel entered run() (for tests). */
uint32_t disp_run_count(void);

/* End the domain with status (its creator is told). */
void disp_exit(int status) __attribute__((noreturn));

/* Check for events (LMP messages) and wake the threads waiting for them;
 * called disabled by the thread scheduler before it picks a thread. */
void disp_poll_events(void);
/* The waitset layer installs its poll function here. */
extern void (*disp_poll_hook)(void);

/* An undefined-instruction handler (called in the trap upcall, disabled,
 * with the thread's context in the enabled save area, which it may edit).
 * Return true to resume the thread, false to let the kernel report it. */
typedef int (*disp_trap_handler_t)(struct save_area *ctx);
void disp_set_trap_handler(disp_trap_handler_t fn);

/* Context switch primitives (arch/armv7/resume.S). */
int context_save(struct save_area *sa);
void disp_resume(struct save_area *sa, volatile uint32_t *disabled)
    __attribute__((noreturn));
extern char resume_window_start[], resume_window_end[];

#endif
