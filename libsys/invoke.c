/*
 * libsys/invoke.c -- C wrappers around sys_call (arch/armv7/syscall.S).
 */
#include <stdarg.h>
#include <string.h>
#include <sys/invoke.h>

struct sysret cap_invoke_l(capaddr_t cap, unsigned level, unsigned method,
                           unsigned n, const uint32_t *args)
{
    struct sys_regs regs = { { 0 } };

    regs.r[0] = SYSW(SYS_INVOKE, level, method);
    regs.r[1] = cap;
    for (unsigned i = 0; i < n && i < 11; i++) {
        regs.r[2 + i] = args[i];
    }
    sys_call(&regs);
    struct sysret ret = { regs.r[0], { regs.r[1], regs.r[2], regs.r[3] } };
    return ret;
}

struct sysret cap_invoke(capaddr_t cap, unsigned method, unsigned n, ...)
{
    uint32_t args[11] = { 0 };
    va_list ap;

    va_start(ap, n);
    for (unsigned i = 0; i < n && i < 11; i++) {
        args[i] = va_arg(ap, uint32_t);
    }
    va_end(ap);
    return cap_invoke_l(cap, CAP_LEVEL_L2, method, n, args);
}

struct sysret sys_raw(uint32_t word, uint32_t r1, uint32_t r2, uint32_t r3)
{
    struct sys_regs regs = { { word, r1, r2, r3 } };
    sys_call(&regs);
    struct sysret ret = { regs.r[0], { regs.r[1], regs.r[2], regs.r[3] } };
    return ret;
}

errval_t sys_nop(void)
{
    register uint32_t r0 __asm__("r0") = SYSW(SYS_NOP, 0, 0);
    __asm__ volatile("svc #0" : "+r"(r0) :: "memory");
    return r0;
}

errval_t sys_yield(capaddr_t target)
{
    return sys_raw(SYSW(SYS_YIELD, 0, 0), target, 0, 0).err;
}

errval_t sys_debug_print(const char *text, size_t len)
{
    return sys_raw(SYSW(SYS_DEBUG_PRINT, 0, DEBUG_PRINT_TEXT),
                   (uint32_t)text, len, 0).err;
}

uint64_t sys_timestamp(uint32_t *hz)
{
    struct sysret r = sys_raw(SYSW(SYS_NOP, 0, NOP_TIMESTAMP), 0, 0, 0);
    if (hz) {
        *hz = r.v[2];
    }
    return (uint64_t)r.v[1] << 32 | r.v[0];
}

unsigned sys_timestamp_source(uint32_t *hz)
{
    struct sysret r = sys_raw(SYSW(SYS_NOP, 0, NOP_TIMESTAMP_SOURCE), 0, 0, 0);
    if (hz) {
        *hz = r.v[1];
    }
    return r.v[0];
}

errval_t kernel_num_cores(capaddr_t kernel, unsigned *cores)
{
    struct sysret r = cap_invoke(kernel, KernelCmd_Info, 0);
    *cores = err_is_ok(r.err) ? r.v[2] : 1;
    return r.err;
}

errval_t kernel_start_core(capaddr_t kernel, unsigned core)
{
    return cap_invoke(kernel, KernelCmd_StartCore, 1, (uint32_t)core).err;
}

errval_t kernel_wake_core(capaddr_t kernel, unsigned core)
{
    return cap_invoke(kernel, KernelCmd_WakeCore, 1, (uint32_t)core).err;
}

errval_t kernel_wake_target(capaddr_t kernel)
{
    return cap_invoke(kernel, KernelCmd_WakeTarget, 0).err;
}
