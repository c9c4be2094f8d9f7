/*
 * kernel/cap_kmem.c -- how the capability code reaches object memory in
 * the kernel: through the linear map of RAM (arch/vm.h; cap_phys_to_kptr
 * is inline in cap.h).  The host tests provide their own versions over an
 * arena.
 */
#include <cap.h>
#include <arch/vm.h>

bool cap_range_is_ram(paddr_t base, uint64_t bytes)
{
    return bytes <= PLAT_RAM_SIZE && phys_is_ram(base, (size_t)bytes);
}
