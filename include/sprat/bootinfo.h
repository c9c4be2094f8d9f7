/*
 * include/sprat/bootinfo.h -- the CSpace every domain starts with and the
 * description the kernel gives init (see docs/capabilities.md).
 *
 * Root (L1) CNode slots, each holding an L2 CNode:
 */
#ifndef SPRAT_BOOTINFO_H
#define SPRAT_BOOTINFO_H

#include <stdint.h>
#include <sprat/caps.h>

#define ROOTCN_SLOT_TASKCN      0   /* the well-known single capabilities */
#define ROOTCN_SLOT_PAGECN      1   /* page tables: slot 0 is the L1 table */
#define ROOTCN_SLOT_BASE_PAGE_CN 2  /* slot 0: the domain's own RAM (one cap,
                                       from spawn_load; init's is in SUPERCN) */
#define ROOTCN_SLOT_SLOT_ALLOC0 3   /* empty CNodes for the slot allocator */
#define ROOTCN_SLOT_SLOT_ALLOC1 4
#define ROOTCN_SLOT_SLOT_ALLOC2 5
#define ROOTCN_SLOT_SEGCN       6   /* frames of the program's ELF segments */
#define ROOTCN_SLOT_MODULECN    7   /* init: one Frame per boot module */
#define ROOTCN_SLOT_SUPERCN     8   /* init: RAM caps for all free memory */
#define ROOTCN_SLOT_DEVCN       9   /* init: DevFrame and PhysAddr caps for
                                       device regions (see below) */
#define ROOTCN_SLOTS_USER       10  /* first free root slot */

/* Slots of the task CNode. */
#define TASKCN_SLOT_TASKCN      0   /* the task CNode itself (an L2CNode cap) */
#define TASKCN_SLOT_DISPATCHER  1   /* this domain's dispatcher */
#define TASKCN_SLOT_ROOTCN      2   /* this domain's root L1 CNode */
#define TASKCN_SLOT_DISPFRAME   3   /* the dispatcher frame */
#define TASKCN_SLOT_ARGSPAGE    4   /* the arguments page */
#define TASKCN_SLOT_SELFEP      5   /* an endpoint to this dispatcher */
#define TASKCN_SLOT_INITEP      6   /* an endpoint to init (its channel);
                                     * every other service is reached
                                     * through it (docs/messaging.md) */
#define TASKCN_SLOT_COREFRAME   7   /* init only: the page the inits of the
                                     * cores share, their first UMP
                                     * channel (docs/multikernel.md) */
                                    /* 8: unused */
#define TASKCN_SLOT_KERNELCAP   9   /* init only: the Kernel capability */
#define TASKCN_SLOT_IRQTABLE    10  /* init only: the IRQ table */
#define TASKCN_SLOT_BOOTINFO    11  /* init only: the bootinfo frame */
#define TASKCN_SLOT_RECV0       12  /* receive slots for the first channel */
#define TASKCN_SLOTS_FREE       16  /* first free task CNode slot */

/* The address of a task CNode slot (level 2). */
#define TASKCN_CAP(slot)        CAPADDR(ROOTCN_SLOT_TASKCN, (slot))

/* The device CNode (init): slot i holds the DevFrame of device region i
 * (its mem_region names it), slot DEVCN_SLOT_PHYSADDR(i) the PhysAddr
 * capability of the same range that the DevFrame was retyped from. */
#define DEVCN_MAX_DEVICES       128
#define DEVCN_SLOT_PHYSADDR(i)  (DEVCN_MAX_DEVICES + (i))

/*
 * struct bootinfo: what the kernel tells init, mapped read-only at
 * BOOTINFO_VADDR (one page).  Every region of physical memory the kernel
 * handed out is listed with the slot of its capability.
 */
#define BOOTINFO_MAGIC          0x53707261u     /* "Spra" */
#define BOOTINFO_MAX_REGIONS    64
#define BOOTINFO_MAX_MODULES    32
#define BOOTINFO_NAME_LEN       32

enum region_type {
    RegionType_Empty = 0,   /* free RAM: a RAM cap in SUPERCN */
    RegionType_Module,      /* a boot module: a Frame cap in MODULECN */
    RegionType_Device,      /* device registers: a DevFrame cap in DEVCN */
    RegionType_InitUsed,    /* memory the kernel used to build init */
    RegionType_OtherCores,  /* RAM of the other cores' inits (no cap here;
                             * docs/multikernel.md, "Memory") */
};

struct mem_region {
    uint32_t base;          /* physical address */
    uint32_t bytes;
    uint32_t type;          /* enum region_type */
    capaddr_t cap;          /* level-2 address of its capability in init */
    char name[BOOTINFO_NAME_LEN];   /* module or device name */
};

struct bootinfo {
    uint32_t magic;
    uint32_t ram_bytes;             /* all RAM in the system */
    uint32_t kernel_tick_hz;
    uint32_t num_regions;
    struct mem_region regions[BOOTINFO_MAX_REGIONS];
    /* The boot list (a text file among the modules, see boot/): */
    uint32_t bootlist_module;       /* index into regions[] */
    uint32_t irq_uart;              /* the console UART's interrupt */
    uint32_t ram_base;              /* physical address of the first byte of RAM */
};

#endif
