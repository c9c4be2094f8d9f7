/*
 * freestanding/include/freestanding/elf.h -- the parts of ELF32 Sprat
 * loads, and the checking parser shared by the kernel (init) and libsys
 * (spawn): freestanding/elf.c.  Not ABI: a file format and a library
 * function, so it lives with the code both sides link, not in
 * include/sprat/.
 */
#ifndef SPRAT_ELF_H
#define SPRAT_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

#define EI_NIDENT       16
#define EI_CLASS        4       /* e_ident[EI_CLASS]: ELFCLASS32/64 */
#define EI_DATA         5       /* e_ident[EI_DATA]: byte order */
#define EI_VERSION      6
#define ELFMAG0         0x7f    /* then 'E', 'L', 'F' */
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ELFDATA2MSB     2
#define EV_CURRENT      1
#define ET_EXEC         2
#define ET_DYN          3
#define EM_ARM          40
#define PT_NULL         0
#define PT_LOAD         1
#define PT_NOTE         4
#define PT_ARM_EXIDX    0x70000001u
#define PF_X            1
#define PF_W            2
#define PF_R            4

struct elf32_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf32_phdr {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
};

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
    uint32_t vaddr;
    uint32_t memsz;
    uint32_t offset;        /* in the file */
    uint32_t filesz;
    uint32_t flags;         /* PF_R | PF_W | PF_X */
};

struct elf_info {
    uint32_t entry;
    unsigned num_segments;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/*
 * Check an executable of `bytes` bytes at image (4-byte aligned) and list
 * its loadable segments (PT_LOAD with memsz > 0, in file order) and entry
 * point.  Every segment must lie in [USER_NULL_GUARD, limit); pass
 * USER_VADDR_LIMIT.  Nothing is read outside [image, image + bytes).
 * Errors, checked in this order (docs/libsys.md):
 *   LIB_ERR_ELF_TRUNCATED      shorter than the ELF header or the phdr table
 *   LIB_ERR_ELF_MAGIC          not "\x7fELF"
 *   LIB_ERR_ELF_CLASS          not 32-bit little-endian
 *   LIB_ERR_ELF_MACHINE        not EM_ARM
 *   LIB_ERR_ELF_TYPE           not ET_EXEC
 *   LIB_ERR_ELF_PHDR           bad phentsize/phnum/phoff, misaligned image,
 *                              more than ELF_MAX_SEGMENTS segments
 *   LIB_ERR_ELF_SEGMENT        filesz > memsz, file bytes outside the file,
 *                              vaddr + memsz past 4 GiB, no segment at all
 *   LIB_ERR_ELF_SEGMENT_KERNEL below USER_NULL_GUARD or reaching limit
 *   LIB_ERR_ELF_OVERLAP        two segments share a page
 * On failure *out is not meaningful.  The entry point is not checked: a
 * bad one only faults the new domain.
 */
errval_t elf_parse(const void *image, size_t bytes, uint32_t limit,
                   struct elf_info *out);

#endif
