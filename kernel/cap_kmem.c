/*
 * kernel/cap_kmem.c -- how the capability code reaches object memory in
 * the kernel: through the linear map of RAM (arch/vm.h).  The host tests
 * provide their own version over an arena.
 */
#include <cap.h>
#include <arch/vm.h>

void *cap_phys_to_kptr(paddr_t pa)
{
    return (void *)phys_to_kva(pa);
}

bool cap_range_is_ram(paddr_t base, uint64_t bytes)
{
    return bytes <= PLAT_RAM_SIZE && phys_is_ram(base, (size_t)bytes);
}
