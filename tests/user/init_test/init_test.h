/*
 * tests/user/init_test/init_test.h -- what the test build of init's files
 * share (directives.c, spawntest.c, bootcheck.c; docs/testing.md).
 */
#ifndef INIT_TEST_H
#define INIT_TEST_H

/* Report, as test results, whether what the kernel gave init matches
 * include/sprat/bootinfo.h (bootcheck.c). */
void bootcheck_run(void);

/* "@spawntest MODULE": spawn errors are reported and leave nothing behind
 * (spawntest.c). */
void spawn_error_tests(const char *module);

#endif
