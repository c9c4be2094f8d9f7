/*
 * kernel/plat/common.c -- the parts of plat.h that are the same on every
 * board, given the board's config.mk (RAM) and its device list
 * (plat_device_table in kernel/plat/<board>/platform.c).  docs/hardware.md.
 */
#include <kernel.h>
#include <plat.h>

paddr_t plat_ram_base(void) { return PLAT_RAM_BASE; }
size_t plat_ram_size(void)  { return PLAT_RAM_SIZE; }

const struct plat_device *plat_devices(size_t *count)
{
    *count = plat_device_count;
    return plat_device_table;
}
