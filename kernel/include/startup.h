/*
 * kernel/include/startup.h -- building init and entering user space.
 */
#ifndef SPRAT_STARTUP_H
#define SPRAT_STARTUP_H

#include <types.h>
#include <sprat/bootfs.h>

/* Build init from the boot image's "init" module and make it runnable;
 * false if the image has no init (a kernel-only image). */
bool startup_init(void);

/* A module of the boot image by name, or NULL. */
const struct bootfs_entry *bootfs_find(const char *name);

/* Leave kernel_main for good: run the first dispatcher (or idle). */
NORETURN void sched_start(void);

#endif
