/*
 * kernel/include/semihosting.h -- ARM semihosting, test builds only.
 *
 * Semihosting lets code running in QEMU ask the host to do things; Sprat
 * uses exactly one request, SYS_EXIT, to end a test run with a status.  It
 * is compiled only into QEMU test images (CONFIG_TEST): on real hardware
 * the trapping instruction would be an ordinary supervisor call.
 */
#ifndef SPRAT_SEMIHOSTING_H
#define SPRAT_SEMIHOSTING_H

#include <types.h>

#ifndef CONFIG_TEST
#error "semihosting is only available in test builds"
#endif

/* End QEMU: exit status 0 if passed, 1 otherwise. */
NORETURN void semihosting_exit(bool passed);

/*
 * QEMU's exit status after a kernel panic.  Only the kernel can choose it:
 * QEMU honours semihosting calls from privileged modes only (user-mode
 * semihosting is off unless -semihosting-config userspace=on), so no
 * domain can end QEMU with it, whatever it prints.  scripts/testrun.py
 * (PANIC_EXIT_STATUS) calls a run a kernel panic by this status.
 */
#define SEMIHOSTING_PANIC_STATUS    3

/* End QEMU with the given exit status (SYS_EXIT_EXTENDED). */
NORETURN void semihosting_exit_status(uint32_t status);

#endif
