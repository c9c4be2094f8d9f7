/*
 * libsys/environ.c -- C's environ for Sprat domains.
 *
 * Whoever builds a domain writes its environment into the arguments page
 * as a ready-made, NULL-terminated array of pointers in the domain's own
 * addresses (struct spawn_args.envp, <sprat/args.h>).  So environ can
 * point there from the first instruction on: no start-up code has to
 * build it.  picolibc's getenv() reads it; setenv() copies it to the heap
 * before changing it.  Defining environ here keeps picolibc's own (empty)
 * definition out of the link.
 */
#include <stddef.h>
#include <sprat/args.h>
#include <sprat/vm_layout.h>

char **environ = (char **)(ARGS_VADDR + offsetof(struct spawn_args, envp));
