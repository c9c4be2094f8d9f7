/*
 * include/sprat/vm_layout.h -- where things are in every user domain's
 * address space (the lower 2 GiB; the kernel owns the upper half).
 */
#ifndef SPRAT_VM_LAYOUT_H
#define SPRAT_VM_LAYOUT_H

#define USER_VADDR_LIMIT    0x80000000u /* first kernel address */
#define USER_NULL_GUARD     0x00010000u /* nothing mapped below this */
#define USER_IMAGE_BASE     0x00010000u /* programs are linked here */
#define USER_IMAGE_LIMIT    0x0ffff000u /* ...and their segments end below */
#define DISP_GUARD_VADDR    0x0ffff000u /* never mapped: upcall stack guard */
#define DISPATCHER_VADDR    0x10000000u /* the dispatcher frame */
#define ARGS_VADDR          0x10100000u /* arguments page (struct spawn_args) */
#define BOOTINFO_VADDR      0x10200000u /* init only: struct bootinfo */
#define USER_HEAP_BASE      0x20000000u /* paging library's free region */
#define USER_HEAP_LIMIT     0x70000000u
#define USER_STACK_TOP      0x7ff00000u /* main thread's stack grows down */
#define USER_STACK_BYTES    0x00100000u /* 1 MiB reserved, backed lazily */

#endif
