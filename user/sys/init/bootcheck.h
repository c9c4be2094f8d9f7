/*
 * user/sys/init/bootcheck.h -- init's check of its boot-time capabilities and
 * bootinfo page (test images only).
 */
#ifndef INIT_BOOTCHECK_H
#define INIT_BOOTCHECK_H

/* Report, as test results, whether what the kernel gave init matches
 * include/sprat/bootinfo.h. */
void bootcheck_run(void);

#endif
