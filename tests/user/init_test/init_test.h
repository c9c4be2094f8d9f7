/*
 * tests/user/init_test/init_test.h -- what the test build of init's files
 * share (directives.c, spawntest.c, bootcheck.c, cores_check.c,
 * cores_bench.c, cores_xcap.c; docs/testing.md).
 */
#ifndef INIT_TEST_H
#define INIT_TEST_H

/* WAIT_FOR needs sys_timestamp, ump_chan_relax and thread_yield. */
#include <stdbool.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>

/* Report, as test results, whether what the kernel gave init matches
 * include/sprat/bootinfo.h (bootcheck.c). */
void bootcheck_run(void);

/* "@spawntest MODULE": spawn errors are reported and leave nothing behind
 * (spawntest.c). */
void spawn_error_tests(const char *module);

/* "@cores": capabilities crossing cores through the inits (cores_xcap.c;
 * core 1's side answers in init_test_core_msg, user/sys/init/init.h). */
void cores_xcap_check(void);

/* The cross-core tests and benchmarks (cores_check.c, cores_bench.c)
 * wait for core 1 (it answers within microseconds;
 * a lost wake would leave it asleep for good): 1/PATIENCE_FRACTION s. */
#define PATIENCE_FRACTION   20

/* Poll until cond holds (evaluated once per round: it may take a
 * message) or the patience runs out; true if it held. */
#define WAIT_FOR(cond) ({                                                   \
        uint32_t hz_;                                                       \
        uint64_t end_ = sys_timestamp(&hz_);                                \
        bool held_;                                                         \
        end_ += hz_ / PATIENCE_FRACTION;                                    \
        while (!(held_ = (cond)) && sys_timestamp(&hz_) < end_) {           \
            ump_chan_relax();                                               \
            thread_yield();                                                 \
        }                                                                   \
        held_; })

#endif
