/*
 * kernel/include/syscall.h -- the system call entry (kernel/syscall.c);
 * the ABI itself is in <sprat/syscall.h> and docs/syscalls.md.
 */
#ifndef SPRAT_KERNEL_SYSCALL_H
#define SPRAT_KERNEL_SYSCALL_H

#include <arch/trap.h>
#include <sprat/syscall.h>
#include <sprat/errors.h>
#include <types.h>

/* Handle the svc the current dispatcher made; results go into tf. */
void syscall_handle(struct trap_frame *tf);

/* The delete shortcut, tried by exception_dispatch before everything else
 * for an svc: true if it did the whole system call (then nothing is left
 * for sched_exit to decide), false if it changed nothing. */
bool syscall_delete_fast(struct trap_frame *tf);

/* Check that [uaddr, uaddr + len) is user memory the current domain may
 * read (write if for_write), page by page through the MMU's own check.
 * Errors: SYS_ERR_KERNEL_ADDRESS, SYS_ERR_ADDRESS_RANGE,
 * SYS_ERR_BAD_USER_POINTER. */
errval_t user_access_ok(vaddr_t uaddr, size_t len, bool for_write);

#endif
