/*
 * kernel/arch/armv7/mmu.c -- the kernel's own translation table.
 *
 * boot.S leaves the MMU on with kernel_l1 (TTBR1) mapping all RAM at
 * KERNEL_VBASE.  Here we add the device windows: each device region is
 * mapped uncached (shareable device memory, never executable) in whole
 * 1 MiB sections from DEVICE_VBASE upwards.
 */
#include <kernel.h>
#include <arch/armv7.h>
#include <arch/cache.h>
#include <arch/cp15.h>
#include <arch/vm.h>

extern uint32_t kernel_l1[4096];

/* Sections mapped so far; devices sharing a MiB share its section. */
#define MAX_DEVICE_SECTIONS 32
static struct {
    paddr_t pa;
    lvaddr_t va;
} dev_sections[MAX_DEVICE_SECTIONS];
static unsigned num_dev_sections;
static lvaddr_t next_dev_va = DEVICE_VBASE;

static lvaddr_t map_device_section(paddr_t section_pa)
{
    for (unsigned i = 0; i < num_dev_sections; i++) {
        if (dev_sections[i].pa == section_pa) {
            return dev_sections[i].va;
        }
    }
    if (num_dev_sections == MAX_DEVICE_SECTIONS || next_dev_va >= DEVICE_VLIMIT) {
        panic("out of device mapping space");
    }
    lvaddr_t va = next_dev_va;
    next_dev_va += SECTION_SIZE;

    uint32_t *entry = &kernel_l1[va >> SECTION_SHIFT];
    *entry = section_pa | L1_SECT_KERNEL_DEV;
    cache_clean_table(entry, sizeof(*entry));   /* the table walker reads RAM */
    tlb_invalidate_all();

    dev_sections[num_dev_sections].pa = section_pa;
    dev_sections[num_dev_sections].va = va;
    num_dev_sections++;
    return va;
}

volatile void *dev_map(paddr_t pa, size_t size)
{
    paddr_t first = ALIGN_DOWN(pa, SECTION_SIZE);
    paddr_t last = ALIGN_DOWN(pa + size - 1, SECTION_SIZE);
    lvaddr_t base = map_device_section(first);

    /* A region spanning several MiB needs consecutive virtual sections. */
    for (paddr_t s = first + SECTION_SIZE; s <= last && s != 0; s += SECTION_SIZE) {
        lvaddr_t va = map_device_section(s);
        if (va != base + (s - first)) {
            panic("device region %p+%zu not contiguous", (void *)pa, size);
        }
    }
    return (volatile void *)(base + (pa - first));
}
