/*
 * tests/user/t_devcap -- a service given a device through the general path
 * (`@service DEVICE NAME` in a boot list, user/sys/init/system.c;
 * docs/rpc.md, section 4, "Adding a service").
 *
 * Started as `@service console t_devcap`: init must have put the console
 * device's DevFrame in TASKCN_SLOTS_FREE, nothing in TASKCN_SLOTS_FREE + 1
 * (no ",irq" asked), and the device's name first among the arguments.  The
 * frame must map uncached; on a PL011 its identification registers read
 * what the PL011 TRM (ARM DDI 0183, section 3.3.14-3.3.15, UARTPeriphID0-3
 * and UARTPCellID0-3) gives: 0x11 0x10 at 0xFE0 and 0xFE4, the PrimeCell
 * id 0x0D 0xF0 0x05 0xB1 at 0xFF0-0xFFC.  Only identification registers
 * are read: reading the data register would take a byte of the console's
 * input from the serial driver, which owns the same device.
 */
#include <stdio.h>
#include <string.h>
#include <sys/cspace.h>
#include <sys/paging.h>
#include <systest.h>
#include <sprat/bootinfo.h>
#include <sprat/caps.h>

#define PL011_PERIPHID0 0xFE0u          /* PL011 TRM 3.3.14 */
#define PL011_PERIPHID1 0xFE4u
#define PL011_PCELLID0  0xFF0u          /* PL011 TRM 3.3.15 */
#define PL011_PCELLID3  0xFFCu

static uint32_t reg(uint32_t va, uint32_t offset)
{
    return *(volatile uint32_t *)(va + offset) & 0xFFu;
}

int main(int argc, char **argv)
{
    struct capability_info dev, irq;
    errval_t err = cap_identify(taskcn_cap(TASKCN_SLOTS_FREE), &dev);
    bool ok = test_report(err_is_ok(err) && dev.type == ObjType_DevFrame && dev.bytes >= 4096,
                          "t_devcap: TASKCN_SLOTS_FREE holds the device's DevFrame (%s)",
                          err_getcode(err));
    ok &= test_report(err_is_fail(cap_identify(taskcn_cap(TASKCN_SLOTS_FREE + 1), &irq)),
                      "t_devcap: no IRQ capability without ',irq'");
    ok &= test_report(argc >= 2 && argv[1][0] != '\0',
                      "t_devcap: the device's name is the first argument (%s)",
                      argc >= 2 ? argv[1] : "none");
    uint32_t va = 0;
    err = paging_map_frame(&va, taskcn_cap(TASKCN_SLOTS_FREE), 4096,
                           VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_NOCACHE);
    ok &= test_report(err_is_ok(err), "t_devcap: the DevFrame maps uncached (%s)",
                      err_getcode(err));
    if (err_is_ok(err) && argc >= 2 && strcmp(argv[1], "pl011") == 0) {
        ok &= test_report(reg(va, PL011_PERIPHID0) == 0x11 && reg(va, PL011_PERIPHID1) == 0x10 &&
                          reg(va, PL011_PCELLID0) == 0x0D && reg(va, PL011_PCELLID3) == 0xB1,
                          "t_devcap: the mapped registers are a PL011's (ids 0x%02x 0x%02x)",
                          (unsigned)reg(va, PL011_PERIPHID0), (unsigned)reg(va, PL011_PERIPHID1));
    }
    return ok ? 0 : 1;
}
