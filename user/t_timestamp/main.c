/*
 * user/t_timestamp -- the kernel's timestamp counter through the system
 * call path (SYS_NOP methods NOP_TIMESTAMP and NOP_TIMESTAMP_SOURCE):
 * it advances, both methods report the same rate, and the source is one
 * the ABI defines.  The result names the source, so that each board's
 * test settings can say which one it must be (tests/qemu/usertest.cfg).
 */
#include <stdio.h>
#include <sys/invoke.h>
#include <sys/systest.h>

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
    return 0;
}
