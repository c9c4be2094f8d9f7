/*
 * libsys/invoke.c -- C wrappers around sys_call (arch/armv7/syscall.S):
 * the generic invocation, and one typed wrapper per VNode, Dispatcher,
 * Kernel, IRQTable and IRQ method (the CNode ones are libsys/cspace.c),
 * each writing its method's argument order once (docs/syscalls.md).
 */
#include <stdarg.h>
#include <string.h>
#include <sys/invoke.h>
#include <sprat/xcap.h>

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

/* ---- typed invocations: the argument order, once ------------------------ */

#define INVOKE(cap, method, ...) \
    cap_invoke_l((cap), CAP_LEVEL_L2, (method), \
                 sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t), \
                 (uint32_t[]){ __VA_ARGS__ })

errval_t vnode_map_table(capaddr_t l1, uint32_t entry, capaddr_t l2)
{
    return INVOKE(l1, VNodeCmd_Map, entry, l2, CAP_LEVEL_L2).err;
}

errval_t vnode_map(capaddr_t l2, uint32_t entry, capaddr_t frame,
                   uint32_t offset, uint32_t pages, uint32_t flags)
{
    return INVOKE(l2, VNodeCmd_Map, entry, frame, CAP_LEVEL_L2, offset, pages,
                  flags).err;
}

errval_t vnode_unmap(capaddr_t vnode, uint32_t entry, uint32_t pages)
{
    return INVOKE(vnode, VNodeCmd_Unmap, entry, pages).err;
}

errval_t dispatcher_setup(capaddr_t disp, capaddr_t cspace_root,
                          capaddr_t vspace_root, capaddr_t disp_frame,
                          capaddr_t death_ep, uint32_t death_badge)
{
    return INVOKE(disp, DispatcherCmd_Setup, cspace_root, vspace_root,
                  disp_frame, death_ep, death_badge).err;
}

errval_t dispatcher_run(capaddr_t disp)
{
    return cap_invoke_l(disp, CAP_LEVEL_L2, DispatcherCmd_Run, 0, NULL).err;
}

errval_t dispatcher_stop(capaddr_t disp, uint32_t status)
{
    return INVOKE(disp, DispatcherCmd_Stop, status).err;
}

errval_t dispatcher_query(capaddr_t disp, struct dispatcher_status *st)
{
    struct sysret r = cap_invoke_l(disp, CAP_LEVEL_L2, DispatcherCmd_Query, 0, NULL);
    if (err_is_ok(r.err) && st != NULL) {
        *st = (struct dispatcher_status){ r.v[0], r.v[1], r.v[2] };
    }
    return r.err;
}

errval_t kernel_shutdown(capaddr_t kernel, uint32_t status)
{
    return INVOKE(kernel, KernelCmd_Shutdown, status).err;
}

errval_t kernel_info(capaddr_t kernel, uint32_t *ram_bytes, uint32_t *ticks)
{
    struct sysret r = cap_invoke_l(kernel, CAP_LEVEL_L2, KernelCmd_Info, 0, NULL);
    if (err_is_ok(r.err)) {
        if (ram_bytes != NULL) {
            *ram_bytes = r.v[0];
        }
        if (ticks != NULL) {
            *ticks = r.v[1];
        }
    }
    return r.err;
}

errval_t irqtable_get(capaddr_t table, uint32_t irq, capaddr_t dest_cnode,
                      unsigned dest_level, uint32_t dest_slot)
{
    return INVOKE(table, IRQTableCmd_Get, irq, dest_cnode, dest_level, dest_slot).err;
}

errval_t irq_connect(capaddr_t irq, capaddr_t ep)
{
    return INVOKE(irq, IRQCmd_Connect, ep, CAP_LEVEL_L2).err;
}

errval_t irq_ack(capaddr_t irq)
{
    return cap_invoke_l(irq, CAP_LEVEL_L2, IRQCmd_Ack, 0, NULL).err;
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

errval_t kernel_cap_export(capaddr_t kernel, capaddr_t cap, unsigned level,
                           struct cap_desc *desc)
{
    struct sysret r = INVOKE(kernel, KernelCmd_CapExport, cap, level);
    if (err_is_ok(r.err)) {
        *desc = (struct cap_desc){ r.v[0] & 0xff, (r.v[0] >> 8) & 0xff, r.v[1], r.v[2] };
    }
    return r.err;
}

errval_t kernel_cap_import(capaddr_t kernel, const struct cap_desc *desc,
                           capaddr_t dest, unsigned dest_level)
{
    return INVOKE(kernel, KernelCmd_CapImport, desc->type, desc->rights, desc->base,
                  desc->bytes, dest, dest_level).err;
}
