/*
 * user/init/init.h -- what init's files share.
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

/* "@spawntest MODULE": spawn errors are reported and leave nothing behind
 * (spawntest.c). */
void spawn_error_tests(const char *module);

#endif
