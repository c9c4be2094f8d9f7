/*
 * freestanding/elf.c -- checking and listing the loadable segments of an
 * ELF32 ARM executable (freestanding/include/freestanding/elf.h,
 * docs/libsys.md).  Linked into libsys (spawn), the kernel (init) and the
 * host tests, so it uses no library functions at all.
 *
 * Everything in the file is untrusted: every offset and size is checked
 * against the file and against overflow before it is used.  Sums of two
 * 32-bit file fields are computed in 64 bits, where they cannot wrap.
 */
#include <freestanding/elf.h>
#include <sprat/vm_layout.h>

#define PAGE 4096u

/* LAB 4 BEGIN */
/* The pages segment s touches: [*lo, *hi).  64-bit, so the end of a
 * segment that ends at 4 GiB still rounds up correctly. */
static void page_span(const struct elf_segment *s, uint64_t *lo, uint64_t *hi)
{
    *lo = s->vaddr & ~(uint64_t)(PAGE - 1);
    *hi = ((uint64_t)s->vaddr + s->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

static int is_elf_magic(const uint8_t *id)
{
    return id[0] == ELFMAG0 && id[1] == 'E' && id[2] == 'L' && id[3] == 'F';
}
/* LAB 4 END */

/* LAB 4 BEGIN */
/* The ELF header and the bounds of the program header table. */
static errval_t check_header(const struct elf32_ehdr *eh, size_t bytes)
{
    if (bytes < sizeof(*eh)) {
        return LIB_ERR_ELF_TRUNCATED;
    }
    if (!is_elf_magic(eh->e_ident)) {
        return LIB_ERR_ELF_MAGIC;
    }
    /* We read the fields as little-endian 32-bit structures directly, so
     * anything else must be refused before a field is believed. */
    if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        return LIB_ERR_ELF_CLASS;
    }
    if (eh->e_machine != EM_ARM) {
        return LIB_ERR_ELF_MACHINE;
    }
    if (eh->e_type != ET_EXEC) {
        return LIB_ERR_ELF_TYPE;        /* no relocation: ET_DYN is refused */
    }
    /* The table is read as an array of struct elf32_phdr: the entry size
     * must match and the entries must be naturally aligned. */
    if (eh->e_phentsize != sizeof(struct elf32_phdr) || eh->e_phnum == 0 ||
        eh->e_phoff % 4 != 0 || eh->e_phoff < sizeof(*eh)) {
        return LIB_ERR_ELF_PHDR;
    }
    uint64_t end = (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(struct elf32_phdr);
    if (end > bytes) {
        return LIB_ERR_ELF_TRUNCATED;
    }
    return SYS_ERR_OK;
}
/* LAB 4 END */

/* LAB 4 BEGIN */
/* One PT_LOAD entry on its own: sizes, file bounds, address range. */
static errval_t check_segment(const struct elf32_phdr *ph, size_t bytes,
                              uint32_t limit)
{
    if (ph->p_filesz > ph->p_memsz ||
        (uint64_t)ph->p_offset + ph->p_filesz > bytes) {
        return LIB_ERR_ELF_SEGMENT;
    }
    uint64_t end = (uint64_t)ph->p_vaddr + ph->p_memsz;
    /* Rounded up to a page, the end must still be a 32-bit address: a
     * loader computes it in 32 bits. */
    if (end + PAGE - 1 > UINT32_MAX) {
        return LIB_ERR_ELF_SEGMENT;
    }
    if (ph->p_vaddr < USER_NULL_GUARD || end > limit) {
        return LIB_ERR_ELF_SEGMENT_KERNEL;
    }
    return SYS_ERR_OK;
}
/* LAB 4 END */

/* LAB 4 BEGIN */
/* Segments are mapped with their own rights, page by page: two segments
 * may not share a page (or one would get the other's rights). */
static errval_t check_overlap(const struct elf_info *out, const struct elf_segment *s)
{
    uint64_t lo, hi;
    page_span(s, &lo, &hi);
    for (unsigned j = 0; j < out->num_segments; j++) {
        uint64_t lo2, hi2;
        page_span(&out->segments[j], &lo2, &hi2);
        if (lo < hi2 && lo2 < hi) {
            return LIB_ERR_ELF_OVERLAP;
        }
    }
    return SYS_ERR_OK;
}
/* LAB 4 END */

errval_t elf_parse(const void *image, size_t bytes, uint32_t limit,
                   struct elf_info *out)
{
    /* LAB 4 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    const struct elf32_ehdr *eh = image;
    errval_t err;

    out->entry = 0;
    out->num_segments = 0;
    /* Header fields are read in place: the image must be word-aligned. */
    if (image == NULL || (uintptr_t)image % 4 != 0) {
        return LIB_ERR_ELF_PHDR;
    }
    if ((err = check_header(eh, bytes)) != SYS_ERR_OK) {
        return err;
    }
    const struct elf32_phdr *ph =
        (const struct elf32_phdr *)((const char *)image + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD) {
            continue;
        }
        if ((err = check_segment(&ph[i], bytes, limit)) != SYS_ERR_OK) {
            return err;
        }
        if (ph[i].p_memsz == 0) {
            continue;                   /* occupies nothing */
        }
        if (out->num_segments == ELF_MAX_SEGMENTS) {
            return LIB_ERR_ELF_PHDR;
        }
        struct elf_segment s = {
            .vaddr = ph[i].p_vaddr, .memsz = ph[i].p_memsz,
            .offset = ph[i].p_offset, .filesz = ph[i].p_filesz,
            .flags = ph[i].p_flags & (PF_R | PF_W | PF_X),
        };
        if ((err = check_overlap(out, &s)) != SYS_ERR_OK) {
            return err;
        }
        out->segments[out->num_segments++] = s;
    }
    if (out->num_segments == 0) {
        return LIB_ERR_ELF_SEGMENT;     /* nothing to run */
    }
    out->entry = eh->e_entry;
    return SYS_ERR_OK;
    /* LAB 4 END */
}
