/*
 * tests/user/t_timestamp -- the kernel's timestamp counter through the system
 * call path (SYS_NOP methods NOP_TIMESTAMP and NOP_TIMESTAMP_SOURCE):
 * it advances, both methods report the same rate, and the source is one
 * the ABI defines; and libsys' timing_now_units in the benchmark unit.  The result names the source, so that each board's
 * test settings can say which one it must be (tests/qemu/usertest.cfg).
 */
#include <stdio.h>
#include <sys/invoke.h>
#include <systest.h>
#include <sys/timing.h>

int main(void)
{
    uint32_t hz = 0, source_hz = 0;
    uint64_t first = sys_timestamp(&hz);
    unsigned source = sys_timestamp_source(&source_hz);
    uint64_t later = sys_timestamp(NULL);

    test_report(later > first, "timestamp counter advances (%u counts)",
                (unsigned)(later - first));
    test_report(hz > 0 && hz == source_hz,
                "both timestamp calls report the same rate (%u Hz)", (unsigned)hz);
    test_report(source == TIMESTAMP_SRC_CYCLES || source == TIMESTAMP_SRC_TIMER,
                "timestamps count %s",
                source == TIMESTAMP_SRC_CYCLES ? "CPU cycles"
                : source == TIMESTAMP_SRC_TIMER ? "a board timer" : "something unknown");
    /* timing_now_units: the benchmark unit, which under -icount shift=0
     * is one instruction (raw timer ticks would be a tenth of it on
     * vexpress-a9): a loop of exactly 2 N instructions takes at least
     * 2 N units (more if we are preempted meanwhile). */
    uint32_t n = 100000, left = n;
    uint64_t t0 = timing_now_units();
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(left) : : "cc");
    uint64_t t1 = timing_now_units();
    test_report(t1 - t0 >= 2ull * n, "timing_now_units counts instructions under -icount: "
                "%u for %u (unit %s)", (unsigned)(t1 - t0), 2 * (unsigned)n, timing_unit());
    return 0;
}
