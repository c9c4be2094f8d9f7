/*
 * user/sys/init/system.c -- starting services, and the device capabilities
 * they get (docs/rpc.md, section 4, "Adding a service").
 *
 * The system's services start before the boot list: the memory server
 * first (its RAM is what init does not keep, its quota the boot list's
 * @quota), then every entry of system_services[], each waited for until
 * it has registered.  A service description names the device whose
 * registers (DevFrame) and interrupt (IRQ capability) the service gets;
 * the boot list's `@service DEVICE[,irq] NAME ARGS...` starts any module
 * the same way (bootlist.c).  The capabilities land in the new domain's
 * TASKCN_SLOTS_FREE (the DevFrame) and TASKCN_SLOTS_FREE + 1 (the IRQ),
 * and the device's name comes first among its arguments, so a driver
 * knows which model it drives (user/sys/serial).
 *
 * The devices are the bootinfo page's RegionType_Device regions, named as
 * the kernel's board file names them (kernel/plat/<board>/platform.c);
 * DEVICE_CONSOLE is the first, the console UART, and the only one whose
 * interrupt the bootinfo page gives (bi->irq_uart).
 */
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/ram.h>
#include <sys/spawn.h>
#include <sprat/bootinfo.h>
#include "init.h"

/* RAM init keeps for spawning; the rest goes to the memory server. */
#define INIT_RESERVE    (128u * 1024 * 1024)

/* Started after the memory server, in this order.  A new service that
 * needs a device: one line here (or `@service` in a boot list). */
static const struct service_desc system_services[] = {
    { "serial", DEVICE_CONSOLE, true },     /* the console UART */
};

/* The device region called name (DEVICE_CONSOLE: the first), or NULL. */
static const struct mem_region *device_region(const char *name, bool *console)
{
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    bool first = true;
    for (uint32_t i = 0; i < bi->num_regions; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (r->type == RegionType_Device) {
            if (strcmp(name, DEVICE_CONSOLE) == 0 ? first
                                                  : strncmp(r->name, name, sizeof(r->name)) == 0) {
                *console = first;
                return r;
            }
            first = false;
        }
    }
    return NULL;
}

/* The console UART's interrupt, into a new slot of ours. */
static errval_t console_irq(struct capref *irq)
{
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    errval_t err = slot_alloc(irq);
    if (err_is_ok(err)) {
        err = irqtable_get(TASKCN_CAP(TASKCN_SLOT_IRQTABLE), bi->irq_uart,
                           CAPADDR(irq->cnode, 0), CAP_LEVEL_L1, irq->slot);
        if (err_is_fail(err)) {
            slot_free(*irq);
        }
    }
    return err;
}

/* The capabilities s->device gives (none if it names none), and the
 * device's name into *model. */
static errval_t device_caps(const struct service_desc *s, struct spawn_caps *caps,
                            const char **model)
{
    bool console = false;
    const struct mem_region *r = s->device ? device_region(s->device, &console) : NULL;
    if (s->device == NULL) {
        return SYS_ERR_OK;
    } else if (r == NULL) {
        return SPAWN_ERR_NO_DEVICE;
    } else if (s->irq && !console) {
        return SPAWN_ERR_DEVICE_IRQ;
    }
    caps->extra[0] = (struct capref){ CAPADDR_L1(r->cap), CAPADDR_L2(r->cap) };
    *model = r->name;
    return s->irq ? console_irq(&caps->extra[1]) : SYS_ERR_OK;
}

errval_t start_service(const struct service_desc *s, int argc, char **argv,
                       unsigned flags, uint32_t *id)
{
    struct spawn_caps caps = { 0 };
    const char *model = NULL;
    char *args[MAX_ARGS + 2];
    errval_t err = device_caps(s, &caps, &model);
    if (err_is_fail(err) || argc > MAX_ARGS) {
        return err_is_fail(err) ? err : LIB_ERR_SPAWN_ARGS;
    }
    int n = 0;
    args[n++] = (char *)s->name;
    if (model) {
        args[n++] = (char *)model;
    }
    for (int i = 1; i < argc; i++) {
        args[n++] = argv[i];
    }
    args[n] = NULL;
    err = start_domain(n, args, flags, &caps, 0, id);
    if (err_is_fail(err) && !capref_is_null(caps.extra[1])) {
        cap_destroy(caps.extra[1]);     /* the IRQ capability we made */
    }
    return err;
}

/* One memory server per core, from that core's own RAM (docs/multikernel.md,
 * section 3).  The boot core's init keeps a quarter for spawning (at most
 * INIT_RESERVE); another core's, with its 32 MiB, keeps half: a domain
 * starts with SPAWN_DEFAULT_RAM of init's. */
static void start_memserv(void)
{
    char *mm_argv[] = { "memserv", (char *)quota_kib, NULL };
    size_t free_bytes = ram_free_bytes();
    size_t share = init_core == 0 ? free_bytes / 4 : free_bytes / 2;
    size_t keep = share < INIT_RESERVE ? share : INIT_RESERVE;
    if (err_is_ok(start_domain(quota_kib ? 2 : 1, mm_argv, START_SYSTEM, NULL,
                               free_bytes - keep - SPAWN_DEFAULT_RAM, NULL))) {
        wait_for_service("memserv");
    }
}

void start_services(void)
{
    start_memserv();
    /* The devices are the boot core's (kernel/startup.c gives them). */
    for (size_t i = 0; init_core == 0 && i < sizeof(system_services) / sizeof(system_services[0]); i++) {
        const struct service_desc *s = &system_services[i];
        char *argv[] = { (char *)s->name, NULL };
        errval_t err = start_service(s, 1, argv, START_SYSTEM, NULL);
        if (err_is_ok(err)) {
            wait_for_service(s->name);
        } else {
            printf("init: cannot start the service %s: %s\n", s->name, err_getstring(err));
        }
    }
}
