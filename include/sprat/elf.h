/*
 * include/sprat/elf.h -- the parts of ELF32 Sprat loads, and the checking
 * parser shared by the kernel (init) and libsys (spawn): libsys/elf.c.
 */
#ifndef SPRAT_ELF_H
#define SPRAT_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

#define EI_NIDENT       16
#define ELFMAG0         0x7f
#define ELFCLASS32      1
#define ELFDATA2LSB     1
#define ET_EXEC         2
#define EM_ARM          40
#define PT_LOAD         1
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
 * its loadable segments.  Every segment must lie in [USER_NULL_GUARD,
 * limit).  Errors: LIB_ERR_ELF_TRUNCATED, _MAGIC, _CLASS, _MACHINE, _TYPE,
 * _PHDR, _SEGMENT, _SEGMENT_KERNEL, _OVERLAP (at page granularity).
 */
errval_t elf_parse(const void *image, size_t bytes, uint32_t limit,
                   struct elf_info *out);

#endif
