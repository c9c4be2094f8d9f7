/*
 * linker/kernel.ld.S -- the kernel's link map (run through the C
 * preprocessor with KERNEL_PA and KERNEL_VA from the board's config.mk).
 *
 * The kernel is linked at its virtual address in the upper half of the
 * address space (KERNEL_VA, inside the linear map of RAM at 0x80000000) but
 * loaded at its physical address (KERNEL_PA).  The boot code in
 * kernel/arch/armv7/boot.S runs at KERNEL_PA with the MMU off, builds the
 * first page tables, turns the MMU on and jumps to the linked addresses.
 *
 * The ELF entry point is the *physical* address of _start so that QEMU (and
 * any ELF loader that jumps to e_entry with the MMU off) starts us correctly.
 */
OUTPUT_FORMAT("elf32-littlearm")
OUTPUT_ARCH(arm)
ENTRY(_start_pa)

SECTIONS
{
    . = KERNEL_VA;
    __kernel_start = .;

    .text : AT(KERNEL_PA) {
        KEEP(*(.text.boot))          /* _start must be first: it is the entry */
        *(.text .text.*)
    }

    .rodata : ALIGN(4) {
        *(.rodata .rodata.*)
        . = ALIGN(4);
        __ktests_start = .;          /* in-kernel test table (test builds) */
        KEEP(*(.ktests))
        __ktests_end = .;
    }

    /* Boot modules (ELF files and the boot list) linked into test and
     * release images; page aligned so each can become a Frame capability. */
    .bootfs : ALIGN(4096) {
        __bootfs_start = .;
        KEEP(*(.bootfs))
        __bootfs_end = .;
    }

    /* The little state the cores' CPU drivers share (kernel/include/smp.h):
     * the boot hand-over and the console lock.  Zeroed by the loader. */
    .shared : ALIGN(64) {
        *(.shared)
        . = ALIGN(64);
    }
    __data_load = .;                 /* .data's initial values, see below */

    /*
     * The per-core region: every core's CPU driver has its own copy of
     * .data, .bss, the page tables and the stacks, mapped at these same
     * addresses by its own kernel_l1 in whole 1 MiB sections
     * (docs/multikernel.md, "Per-core state").  .data is loaded after
     * .shared (AT) and copied into place by boot.S on every core, so a
     * core starts from the initial values, never from another core's
     * current ones.
     */
    . = __data_load + SIZEOF(.data);
    . = ALIGN(0x100000);
    __percore_start = .;
    .data : AT(__data_load - KERNEL_VA + KERNEL_PA) ALIGN(4) {
        __data_start = .;
        *(.data .data.*)
        . = ALIGN(4);
        __data_end = .;
    }

    .bss (NOLOAD) : ALIGN(4) {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4);
        __bss_end = .;
    }

    /* Page tables and stacks are zeroed or filled by boot.S itself, before
     * .bss is cleared, so they live outside .bss. */
    .pgtables (NOLOAD) : ALIGN(16384) {
        *(.pgtables)
    }

    .stacks (NOLOAD) : ALIGN(8) {
        *(.stacks)
    }

    . = ALIGN(0x100000);
    __percore_end = .;
    __kernel_end = .;

    /DISCARD/ : {
        *(.ARM.exidx*) *(.ARM.extab*) *(.comment) *(.note*)
    }
}

_start_pa = _start - KERNEL_VA + KERNEL_PA;
ASSERT(__percore_start % 0x100000 == 0 && __percore_end % 0x100000 == 0,
       "the per-core region is mapped in whole 1 MiB sections")
