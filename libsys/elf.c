/*
 * libsys/elf.c -- checking and listing the loadable segments of an ELF32
 * ARM executable.  Compiled into libsys (spawn), the kernel (init) and the
 * host tests, so it uses no library functions at all.
 *
 * Everything in the file is untrusted: every offset and size is checked
 * against the file and against overflow before it is used.
 */
#include <sprat/elf.h>
#include <sprat/vm_layout.h>

#define PAGE 4096u

static uint32_t page_down(uint32_t a) { return a & ~(PAGE - 1); }

/* [vaddr, vaddr + memsz) rounded out to pages; false on overflow. */
static int page_span(const struct elf_segment *s, uint64_t *lo, uint64_t *hi)
{
    *lo = page_down(s->vaddr);
    *hi = ((uint64_t)s->vaddr + s->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    return 1;
}

static errval_t check_header(const struct elf32_ehdr *eh, size_t bytes)
{
    if (bytes < sizeof(*eh)) {
        return LIB_ERR_ELF_TRUNCATED;
    }
    if (eh->e_ident[0] != ELFMAG0 || eh->e_ident[1] != 'E' ||
        eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F') {
        return LIB_ERR_ELF_MAGIC;
    }
    if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB) {
        return LIB_ERR_ELF_CLASS;
    }
    if (eh->e_machine != EM_ARM) {
        return LIB_ERR_ELF_MACHINE;
    }
    if (eh->e_type != ET_EXEC) {
        return LIB_ERR_ELF_TYPE;
    }
    if (eh->e_phentsize != sizeof(struct elf32_phdr) || eh->e_phnum == 0 ||
        eh->e_phoff % 4 != 0) {
        return LIB_ERR_ELF_PHDR;
    }
    uint64_t end = (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
    if (end > bytes) {
        return LIB_ERR_ELF_TRUNCATED;
    }
    return SYS_ERR_OK;
}

static errval_t check_segment(const struct elf32_phdr *ph, size_t bytes,
                              uint32_t limit)
{
    if (ph->p_filesz > ph->p_memsz ||
        (uint64_t)ph->p_offset + ph->p_filesz > bytes) {
        return LIB_ERR_ELF_SEGMENT;
    }
    uint64_t end = (uint64_t)ph->p_vaddr + ph->p_memsz;
    if (ph->p_vaddr < USER_NULL_GUARD || end > limit) {
        return LIB_ERR_ELF_SEGMENT_KERNEL;
    }
    return SYS_ERR_OK;
}

errval_t elf_parse(const void *image, size_t bytes, uint32_t limit,
                   struct elf_info *out)
{
    const struct elf32_ehdr *eh = image;
    errval_t err;

    if ((uintptr_t)image % 4 != 0) {
        return LIB_ERR_ELF_PHDR;
    }
    if ((err = check_header(eh, bytes)) != SYS_ERR_OK) {
        return err;
    }
    const struct elf32_phdr *ph =
        (const struct elf32_phdr *)((const char *)image + eh->e_phoff);
    out->entry = eh->e_entry;
    out->num_segments = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0) {
            continue;
        }
        if ((err = check_segment(&ph[i], bytes, limit)) != SYS_ERR_OK) {
            return err;
        }
        if (out->num_segments == ELF_MAX_SEGMENTS) {
            return LIB_ERR_ELF_PHDR;
        }
        struct elf_segment *s = &out->segments[out->num_segments];
        s->vaddr = ph[i].p_vaddr;
        s->memsz = ph[i].p_memsz;
        s->offset = ph[i].p_offset;
        s->filesz = ph[i].p_filesz;
        s->flags = ph[i].p_flags & (PF_R | PF_W | PF_X);
        /* Segments get pages of their own, mapped with their own rights:
         * two may not share a page. */
        uint64_t lo, hi;
        page_span(s, &lo, &hi);
        for (unsigned j = 0; j < out->num_segments; j++) {
            uint64_t lo2, hi2;
            page_span(&out->segments[j], &lo2, &hi2);
            if (lo < hi2 && lo2 < hi) {
                return LIB_ERR_ELF_OVERLAP;
            }
        }
        out->num_segments++;
    }
    if (out->num_segments == 0) {
        return LIB_ERR_ELF_SEGMENT;
    }
    return SYS_ERR_OK;
}
