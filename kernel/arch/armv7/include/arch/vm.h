/*
 * kernel/arch/armv7/include/arch/vm.h -- Sprat's virtual memory layout.
 *
 *   0x00000000 - 0x7fffffff   user space: the running domain's own L1 table
 *                             (TTBR0, TTBCR.N = 1)
 *   0x80000000 - ...          all of RAM, mapped linearly (kernel only):
 *                             kernel VA = PA - PLAT_RAM_BASE + 0x80000000
 *   0xf0000000 - 0xffefffff   device windows, mapped 1 MiB at a time by
 *                             dev_map() at boot
 *
 * The kernel image itself lives in the linear map (linker/kernel.ld.S), so
 * the kernel reaches any physical RAM -- page tables, CNodes, dispatcher
 * frames -- without creating mappings.
 */
#ifndef ARCH_VM_H
#define ARCH_VM_H

#define KERNEL_VBASE        0x80000000u
#define DEVICE_VBASE        0xf0000000u
#define DEVICE_VLIMIT       0xfff00000u

/* The kernel's window onto RAM ends where the device windows begin. */
#define KERNEL_RAM_WINDOW   (DEVICE_VBASE - KERNEL_VBASE)

#define USER_VLIMIT         0x80000000u

#ifndef __ASSEMBLY__
#include <types.h>

static inline lvaddr_t phys_to_kva(paddr_t pa)
{
    return pa - PLAT_RAM_BASE + KERNEL_VBASE;
}

static inline paddr_t kva_to_phys(lvaddr_t va)
{
    return va - KERNEL_VBASE + PLAT_RAM_BASE;
}

/* Is [pa, pa+size) inside RAM (and so inside the kernel's linear map)? */
static inline bool phys_is_ram(paddr_t pa, size_t size)
{
    return pa >= PLAT_RAM_BASE && size <= PLAT_RAM_SIZE &&
           pa - PLAT_RAM_BASE <= PLAT_RAM_SIZE - size;
}

/* Map a device's registers uncached into the device window; returns the
 * kernel virtual address of pa.  Boot time only. */
volatile void *dev_map(paddr_t pa, size_t size);

void mmu_init(void);
#endif

#endif
