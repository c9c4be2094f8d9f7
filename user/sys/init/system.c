/*
 * user/sys/init/system.c -- the system's services, started before the boot
 * list: the memory server, then the serial driver with the console UART
 * and its interrupt (docs/boot.md).
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

void start_services(void)
{
    char *mm_argv[] = { "memserv", (char *)quota_kib, NULL };
    size_t free_bytes = ram_free_bytes();
    size_t keep = free_bytes / 4 < INIT_RESERVE ? free_bytes / 4 : INIT_RESERVE;
    if (err_is_ok(start_domain(quota_kib ? 2 : 1, mm_argv, START_SYSTEM, NULL,
                               free_bytes - keep - SPAWN_DEFAULT_RAM, NULL))) {
        wait_for_service("memserv");
    }

    /* The serial driver gets the console UART and its interrupt. */
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    struct spawn_caps caps = { 0 };
    struct capref irq;
    const char *model = NULL;
    for (uint32_t i = 0; i < bi->num_regions; i++) {
        if (bi->regions[i].type == RegionType_Device) {
            caps.extra[0] = (struct capref){ CAPADDR_L1(bi->regions[i].cap),
                                             CAPADDR_L2(bi->regions[i].cap) };
            model = bi->regions[i].name;
            break;
        }
    }
    if (model && err_is_ok(slot_alloc(&irq)) &&
        err_is_ok(cap_invoke(TASKCN_CAP(TASKCN_SLOT_IRQTABLE), IRQTableCmd_Get, 4,
                             bi->irq_uart, CAPADDR(irq.cnode, 0), CAP_LEVEL_L1,
                             irq.slot).err)) {
        caps.extra[1] = irq;
        char *argv[] = { "serial", (char *)model, NULL };
        if (err_is_ok(start_domain(2, argv, START_SYSTEM, &caps, 0, NULL))) {
            wait_for_service("serial");
        }
    }
}
