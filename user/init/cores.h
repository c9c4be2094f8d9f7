/*
 * user/init/cores.h -- init starts the other cores' CPU drivers
 * (user/init/cores.c; docs/multikernel.md, "Booting a core").
 */
#ifndef INIT_CORES_H
#define INIT_CORES_H

/* Start every core the board has besides this one, and say so. */
void cores_start(void);

/* Test images: the Kernel capability's StartCore refuses what it must
 * (reported as test results). */
void cores_check(void);

#endif
