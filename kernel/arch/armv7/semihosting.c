/*
 * kernel/arch/armv7/semihosting.c -- ending QEMU with a status.
 *
 * The semihosting interface (ARM "Semihosting for AArch32 and AArch64",
 * version 2): r0 = operation, r1 = parameter, then "svc 0x123456" in ARM
 * state.  QEMU intercepts the call when started with
 * -semihosting-config enable=on,target=native.
 *
 * SYS_EXIT (0x18) takes a reason code; QEMU exits with status 0 for
 * ADP_Stopped_ApplicationExit and 1 for any other reason.
 * SYS_EXIT_EXTENDED (0x20, semihosting v2.0) takes a pointer to the pair
 * (reason, subcode); for ADP_Stopped_ApplicationExit QEMU exits with the
 * subcode as its status (QEMU >= 4.0; "Semihosting for AArch32 and
 * AArch64", 5.7 SYS_EXIT_EXTENDED).
 */
#ifdef CONFIG_TEST
#include <kernel.h>
#include <semihosting.h>

#define SEMIHOSTING_SYS_EXIT                0x18
#define SEMIHOSTING_SYS_EXIT_EXTENDED       0x20
#define ADP_STOPPED_APPLICATION_EXIT        0x20026
#define ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN  0x20023

static uint32_t semihosting_call(uint32_t op, uint32_t param)
{
    register uint32_t r0 __asm__("r0") = op;
    register uint32_t r1 __asm__("r1") = param;
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

NORETURN void semihosting_exit(bool passed)
{
    semihosting_call(SEMIHOSTING_SYS_EXIT,
                     passed ? ADP_STOPPED_APPLICATION_EXIT
                            : ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN);
    /* Only reached when QEMU runs without semihosting. */
    kprintf("semihosting is off: halting instead of exiting\n");
    halt();
}

NORETURN void semihosting_exit_status(uint32_t status)
{
    static uint32_t block[2];

    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = status;
    semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, (uint32_t)block);
    kprintf("semihosting is off: halting instead of exiting\n");
    halt();
}
#endif
