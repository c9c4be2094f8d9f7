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

#endif
