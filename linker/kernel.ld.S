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

    .data : ALIGN(4) {
        *(.data .data.*)
    }

    /* Boot modules (ELF files and the boot list) linked into test and
     * release images; page aligned so each can become a Frame capability. */
    .bootfs : ALIGN(4096) {
        __bootfs_start = .;
        KEEP(*(.bootfs))
        __bootfs_end = .;
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

    . = ALIGN(4096);
    __kernel_end = .;

    /DISCARD/ : {
        *(.ARM.exidx*) *(.ARM.extab*) *(.comment) *(.note*)
    }
}

_start_pa = _start - KERNEL_VA + KERNEL_PA;
