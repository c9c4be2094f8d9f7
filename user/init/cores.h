/*
 * user/init/cores.h -- init starts the other cores' CPU drivers
 * (user/init/cores.c; docs/multikernel.md, "Booting a core").
 */
#ifndef INIT_CORES_H
#define INIT_CORES_H

/* Start every core the board has besides this one, and say so. */
void cores_start(void);

/* Test images: the Kernel capability's StartCore refuses what it must,
 * and UMP to the other core's init works (reported as test results). */
void cores_check(void);

/* main() of init on a core other than the boot core ("init core=N"):
 * serves the boot core's init over their UMP channel. */
int core_init_main(unsigned core);

#endif
