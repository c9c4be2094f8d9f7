/*
 * tests/host/test_elf.c -- the ELF checker (freestanding/elf.c) against images
 * built in memory: good ones with one to three segments, and one broken
 * image for every error it must report.  Then, if the build has made
 * some, the real user programs in build/<plat>/user/.
 *
 * sources: freestanding/elf.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <cmocka.h>
#include <freestanding/elf.h>
#include <sprat/vm_layout.h>

#define PAGE        4096u
#define IMG_BYTES   (4 * PAGE)
#define PHOFF       ((uint32_t)sizeof(struct elf32_ehdr))

/* An image under construction: word-aligned, as elf_parse wants. */
static union {
    uint32_t align;
    uint8_t bytes[IMG_BYTES];
} img;

static struct elf32_ehdr *eh(void) { return (struct elf32_ehdr *)img.bytes; }
static struct elf32_phdr *ph(unsigned i)
{
    return (struct elf32_phdr *)(img.bytes + PHOFF) + i;
}

/* An ARM executable with phnum program headers, all PT_NULL. */
static void make_image(unsigned phnum)
{
    memset(&img, 0, sizeof(img));
    memcpy(eh()->e_ident, "\x7f" "ELF", 4);
    eh()->e_ident[EI_CLASS] = ELFCLASS32;
    eh()->e_ident[EI_DATA] = ELFDATA2LSB;
    eh()->e_ident[EI_VERSION] = EV_CURRENT;
    eh()->e_type = ET_EXEC;
    eh()->e_machine = EM_ARM;
    eh()->e_version = EV_CURRENT;
    eh()->e_entry = USER_IMAGE_BASE;
    eh()->e_phoff = PHOFF;
    eh()->e_ehsize = sizeof(struct elf32_ehdr);
    eh()->e_phentsize = sizeof(struct elf32_phdr);
    eh()->e_phnum = phnum;
}

static void set_load(unsigned i, uint32_t vaddr, uint32_t memsz, uint32_t offset,
                     uint32_t filesz, uint32_t flags)
{
    *ph(i) = (struct elf32_phdr){
        .p_type = PT_LOAD, .p_offset = offset, .p_vaddr = vaddr, .p_paddr = vaddr,
        .p_filesz = filesz, .p_memsz = memsz, .p_flags = flags, .p_align = PAGE,
    };
}

/* Text at 0x10000 from file offset 0x1000 (one page), data + bss after. */
static void make_two_segments(void)
{
    make_image(2);
    set_load(0, 0x10000, 0x800, 0x1000, 0x800, PF_R | PF_X);
    set_load(1, 0x11000, 0x3000, 0x2000, 0x100, PF_R | PF_W);
}

static errval_t parse(size_t bytes, struct elf_info *info)
{
    return elf_parse(img.bytes, bytes, USER_VADDR_LIMIT, info);
}

static errval_t parse_full(void)
{
    struct elf_info info;
    return parse(IMG_BYTES, &info);
}

/* ---- good images --------------------------------------------------------- */

static void test_one_segment(void **state)
{
    struct elf_info info;
    make_image(1);
    set_load(0, 0x10000, 0x1234, 0x1000, 0x1234, PF_R | PF_X);
    eh()->e_entry = 0x10040;
    assert_int_equal(parse(IMG_BYTES, &info), SYS_ERR_OK);
    assert_int_equal(info.entry, 0x10040);
    assert_int_equal(info.num_segments, 1);
    assert_int_equal(info.segments[0].vaddr, 0x10000);
    assert_int_equal(info.segments[0].memsz, 0x1234);
    assert_int_equal(info.segments[0].offset, 0x1000);
    assert_int_equal(info.segments[0].filesz, 0x1234);
    assert_int_equal(info.segments[0].flags, PF_R | PF_X);
}

static void test_two_segments(void **state)
{
    struct elf_info info;
    make_two_segments();
    assert_int_equal(parse(IMG_BYTES, &info), SYS_ERR_OK);
    assert_int_equal(info.num_segments, 2);
    assert_int_equal(info.segments[1].vaddr, 0x11000);
    assert_int_equal(info.segments[1].memsz, 0x3000);
    assert_int_equal(info.segments[1].filesz, 0x100);
    assert_int_equal(info.segments[1].flags, PF_R | PF_W);
}

/* Three segments among headers the loader ignores (EXIDX, NOTE, NULL),
 * flag bits beyond R/W/X dropped, a zero-size PT_LOAD skipped. */
static void test_three_segments_and_others(void **state)
{
    struct elf_info info;
    make_image(7);
    ph(0)->p_type = PT_ARM_EXIDX;
    ph(0)->p_vaddr = 0x10100;
    ph(0)->p_memsz = 8;
    set_load(1, 0x10000, 0x1000, 0x1000, 0x1000, PF_R | PF_X | 0xf0000000u);
    ph(2)->p_type = PT_NOTE;
    set_load(3, 0x11000, 0x100, 0x2000, 0x100, PF_R);
    set_load(4, 0x40000, 0, 0, 0, PF_R);                  /* empty */
    set_load(5, 0x12000, 0x100000, 0x3000, 0x10, PF_R | PF_W);
    ph(6)->p_type = PT_NULL;
    assert_int_equal(parse(IMG_BYTES, &info), SYS_ERR_OK);
    assert_int_equal(info.num_segments, 3);
    assert_int_equal(info.segments[0].flags, PF_R | PF_X);
    assert_int_equal(info.segments[1].vaddr, 0x11000);
    assert_int_equal(info.segments[2].vaddr, 0x12000);
    assert_int_equal(info.segments[2].memsz, 0x100000);
}

/* A segment may end exactly at the limit, and start exactly at the guard;
 * filesz 0 (all bss) is fine; two segments may touch at a page boundary. */
static void test_edges_accepted(void **state)
{
    struct elf_info info;
    make_image(3);
    set_load(0, USER_NULL_GUARD, PAGE, 0x1000, PAGE, PF_R | PF_X);
    set_load(1, USER_NULL_GUARD + PAGE, PAGE, 0x2000, 0, PF_R | PF_W);
    set_load(2, USER_VADDR_LIMIT - PAGE, PAGE, IMG_BYTES, 0, PF_R | PF_W);
    assert_int_equal(parse(IMG_BYTES, &info), SYS_ERR_OK);
    assert_int_equal(info.num_segments, 3);
    /* ... and a file that ends exactly where the last file bytes end. */
    make_image(1);
    set_load(0, 0x10000, 0x100, 0x1000, 0x100, PF_R);
    assert_int_equal(parse(0x1100, &info), SYS_ERR_OK);
    assert_int_equal(parse(0x10ff, &info), LIB_ERR_ELF_SEGMENT);
}

static void test_max_segments(void **state)
{
    struct elf_info info;
    make_image(ELF_MAX_SEGMENTS + 1);
    for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++) {
        set_load(i, 0x10000 + i * PAGE, 0x10, 0x1000, 0x10, PF_R);
    }
    assert_int_equal(parse(IMG_BYTES, &info), SYS_ERR_OK);
    assert_int_equal(info.num_segments, ELF_MAX_SEGMENTS);
    set_load(ELF_MAX_SEGMENTS, 0x10000 + ELF_MAX_SEGMENTS * PAGE, 0x10, 0x1000, 0x10, PF_R);
    assert_int_equal(parse(IMG_BYTES, &info), LIB_ERR_ELF_PHDR);
}

/* ---- broken images: one error each ------------------------------------------ */

static void test_truncated_header(void **state)
{
    struct elf_info info;
    make_two_segments();
    assert_int_equal(parse(0, &info), LIB_ERR_ELF_TRUNCATED);
    assert_int_equal(parse(4, &info), LIB_ERR_ELF_TRUNCATED);
    assert_int_equal(parse(sizeof(struct elf32_ehdr) - 1, &info), LIB_ERR_ELF_TRUNCATED);
}

static void test_truncated_phdrs(void **state)
{
    struct elf_info info;
    make_two_segments();
    size_t table_end = PHOFF + 2 * sizeof(struct elf32_phdr);
    assert_int_equal(parse(table_end - 1, &info), LIB_ERR_ELF_TRUNCATED);
    assert_int_equal(parse(sizeof(struct elf32_ehdr), &info), LIB_ERR_ELF_TRUNCATED);
    /* A table offset far outside the file, and one where offset + size
     * would wrap in 32 bits. */
    eh()->e_phoff = 0xfffffff0u;
    assert_int_equal(parse_full(), LIB_ERR_ELF_TRUNCATED);
    make_two_segments();
    eh()->e_phnum = 0xffff;
    assert_int_equal(parse_full(), LIB_ERR_ELF_TRUNCATED);
}

static void test_bad_magic(void **state)
{
    for (int i = 0; i < 4; i++) {
        make_two_segments();
        eh()->e_ident[i] ^= 0x20;
        assert_int_equal(parse_full(), LIB_ERR_ELF_MAGIC);
    }
    /* Not an ELF file at all, shorter than a header: truncated wins. */
    make_image(0);
    memcpy(img.bytes, "#!/bin/sh\n", 10);
    struct elf_info info;
    assert_int_equal(parse(10, &info), LIB_ERR_ELF_TRUNCATED);
}

static void test_class_and_data(void **state)
{
    make_two_segments();
    eh()->e_ident[EI_CLASS] = ELFCLASS64;
    assert_int_equal(parse_full(), LIB_ERR_ELF_CLASS);
    make_two_segments();
    eh()->e_ident[EI_CLASS] = 0;
    assert_int_equal(parse_full(), LIB_ERR_ELF_CLASS);
    make_two_segments();
    eh()->e_ident[EI_DATA] = ELFDATA2MSB;
    assert_int_equal(parse_full(), LIB_ERR_ELF_CLASS);
}

static void test_machine_and_type(void **state)
{
    make_two_segments();
    eh()->e_machine = 3;                /* EM_386 */
    assert_int_equal(parse_full(), LIB_ERR_ELF_MACHINE);
    make_two_segments();
    eh()->e_machine = 183;              /* EM_AARCH64 */
    assert_int_equal(parse_full(), LIB_ERR_ELF_MACHINE);
    make_two_segments();
    eh()->e_type = ET_DYN;
    assert_int_equal(parse_full(), LIB_ERR_ELF_TYPE);
    make_two_segments();
    eh()->e_type = 1;                   /* ET_REL */
    assert_int_equal(parse_full(), LIB_ERR_ELF_TYPE);
}

static void test_bad_phdr_table(void **state)
{
    make_two_segments();
    eh()->e_phentsize = 40;
    assert_int_equal(parse_full(), LIB_ERR_ELF_PHDR);
    make_two_segments();
    eh()->e_phentsize = 0;
    assert_int_equal(parse_full(), LIB_ERR_ELF_PHDR);
    make_two_segments();
    eh()->e_phnum = 0;
    assert_int_equal(parse_full(), LIB_ERR_ELF_PHDR);
    make_two_segments();
    eh()->e_phoff = PHOFF + 2;          /* misaligned */
    assert_int_equal(parse_full(), LIB_ERR_ELF_PHDR);
    make_two_segments();
    eh()->e_phoff = 0;                  /* on top of the ELF header */
    assert_int_equal(parse_full(), LIB_ERR_ELF_PHDR);
    /* A misaligned image. */
    make_two_segments();
    memmove(img.bytes + 1, img.bytes, IMG_BYTES - 1);
    struct elf_info info;
    assert_int_equal(elf_parse(img.bytes + 1, IMG_BYTES - 1, USER_VADDR_LIMIT, &info),
                     LIB_ERR_ELF_PHDR);
}

static void test_no_segments(void **state)
{
    make_image(2);
    ph(0)->p_type = PT_NOTE;
    set_load(1, 0x10000, 0, 0, 0, PF_R);
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
}

static void test_bad_sizes(void **state)
{
    make_two_segments();
    ph(1)->p_filesz = ph(1)->p_memsz + 1;            /* filesz > memsz */
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
    make_two_segments();
    ph(1)->p_memsz = 0;                              /* ... even if memsz is 0 */
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
    make_two_segments();
    ph(0)->p_offset = IMG_BYTES;                     /* bytes beyond the file */
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
    make_two_segments();
    ph(0)->p_offset = IMG_BYTES + 0x1000;            /* offset beyond the file */
    ph(0)->p_filesz = 0;
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
    make_two_segments();
    ph(0)->p_offset = 0xfffff000u;                   /* offset + filesz wraps */
    ph(0)->p_filesz = 0x1000;
    ph(0)->p_memsz = 0x1000;
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
}

static void test_address_overflow(void **state)
{
    struct elf_info info;
    make_two_segments();
    ph(1)->p_memsz = 0xffffffffu;                    /* vaddr + memsz wraps */
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT);
    make_two_segments();
    ph(1)->p_vaddr = 0xfffff800u;                    /* rounded up, wraps */
    ph(1)->p_memsz = 0x800;
    assert_int_equal(elf_parse(img.bytes, IMG_BYTES, 0xffffffffu, &info),
                     LIB_ERR_ELF_SEGMENT);
}

static void test_kernel_half_and_null(void **state)
{
    make_two_segments();
    ph(1)->p_vaddr = USER_VADDR_LIMIT;               /* in the kernel */
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT_KERNEL);
    make_two_segments();
    ph(1)->p_vaddr = USER_VADDR_LIMIT - 0x1000;      /* reaches into it */
    ph(1)->p_memsz = 0x1001;
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT_KERNEL);
    make_two_segments();
    ph(0)->p_vaddr = 0;                              /* the null page */
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT_KERNEL);
    make_two_segments();
    ph(0)->p_vaddr = USER_NULL_GUARD - 4;
    assert_int_equal(parse_full(), LIB_ERR_ELF_SEGMENT_KERNEL);
    /* The limit is the caller's: a smaller one is honoured. */
    struct elf_info info;
    make_two_segments();
    assert_int_equal(elf_parse(img.bytes, IMG_BYTES, 0x12000, &info),
                     LIB_ERR_ELF_SEGMENT_KERNEL);
    assert_int_equal(elf_parse(img.bytes, IMG_BYTES, 0x14000, &info), SYS_ERR_OK);
}

static void test_overlap(void **state)
{
    make_two_segments();
    ph(1)->p_vaddr = 0x10400;                        /* inside the first */
    assert_int_equal(parse_full(), LIB_ERR_ELF_OVERLAP);
    make_two_segments();
    ph(1)->p_vaddr = 0x10800;                        /* disjoint, same page */
    assert_int_equal(parse_full(), LIB_ERR_ELF_OVERLAP);
    make_two_segments();
    ph(0)->p_vaddr = 0x12000;                        /* ends in the other's */
    ph(1)->p_vaddr = 0x11000;                        /* first page */
    ph(1)->p_memsz = 0x1001;
    assert_int_equal(parse_full(), LIB_ERR_ELF_OVERLAP);
    make_two_segments();                             /* covers the first */
    ph(1)->p_vaddr = 0x10000;
    ph(1)->p_memsz = 0x10000;
    assert_int_equal(parse_full(), LIB_ERR_ELF_OVERLAP);
}

/* Whatever the bytes say, elf_parse reads only inside the image (ASan
 * watches): random mutations of a good image, cut to random lengths. */
static void test_random_mutations(void **state)
{
    srand(1234);
    for (int round = 0; round < 20000; round++) {
        make_two_segments();
        int flips = 1 + rand() % 4;
        for (int f = 0; f < flips; f++) {
            size_t at = (size_t)rand() % (PHOFF + 2 * sizeof(struct elf32_phdr));
            img.bytes[at] = (uint8_t)rand();
        }
        size_t bytes = (size_t)rand() % (IMG_BYTES + 1);
        uint8_t *copy = malloc(bytes ? bytes : 1);  /* exactly sized: ASan */
        assert_non_null(copy);
        memcpy(copy, img.bytes, bytes);
        struct elf_info info;
        errval_t err = elf_parse(copy, bytes, USER_VADDR_LIMIT, &info);
        if (err == SYS_ERR_OK) {
            for (unsigned i = 0; i < info.num_segments; i++) {
                const struct elf_segment *s = &info.segments[i];
                assert_true(s->filesz <= s->memsz);
                assert_true((uint64_t)s->offset + s->filesz <= bytes);
                assert_true(s->vaddr >= USER_NULL_GUARD);
                assert_true((uint64_t)s->vaddr + s->memsz <= USER_VADDR_LIMIT);
            }
        }
        free(copy);
    }
}

/* ---- real programs ------------------------------------------------------------ */

static void check_real_program(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint32_t *buf = malloc((size_t)size + 4);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);

    struct elf_info info;
    errval_t err = elf_parse(buf, (size_t)size, USER_VADDR_LIMIT, &info);
    if (err != SYS_ERR_OK) {
        print_error("%s: error %u\n", path, (unsigned)err);
    }
    assert_int_equal(err, SYS_ERR_OK);
    assert_true(info.num_segments >= 1);
    /* The entry point is in an executable segment. */
    bool entry_ok = false;
    for (unsigned i = 0; i < info.num_segments; i++) {
        const struct elf_segment *s = &info.segments[i];
        if ((s->flags & PF_X) && info.entry - s->vaddr < s->memsz) {
            entry_ok = true;
        }
    }
    assert_true(entry_ok);
    /* Cut anywhere inside its headers, the file is refused, not misread. */
    const struct elf32_ehdr *h = (const void *)buf;
    for (size_t cut = 0; cut < h->e_phoff + (size_t)h->e_phnum * h->e_phentsize; cut++) {
        assert_int_not_equal(elf_parse(buf, cut, USER_VADDR_LIMIT, &info), SYS_ERR_OK);
    }
    free(buf);
}

static void test_real_programs(void **state)
{
    glob_t g;
    if (glob("build/*/user/*.elf", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        /* Not cmocka's skip(): its TAP output reads "not ok ... # SKIP",
         * which scripts/testrun.py counts as a failure. */
        print_message("no build/*/user/*.elf here (run from the repository "
                      "root after a build): nothing to check\n");
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        check_real_program(g.gl_pathv[i]);
    }
    print_message("checked %zu real programs\n", g.gl_pathc);
    globfree(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_segment),
        cmocka_unit_test(test_two_segments),
        cmocka_unit_test(test_three_segments_and_others),
        cmocka_unit_test(test_edges_accepted),
        cmocka_unit_test(test_max_segments),
        cmocka_unit_test(test_truncated_header),
        cmocka_unit_test(test_truncated_phdrs),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_class_and_data),
        cmocka_unit_test(test_machine_and_type),
        cmocka_unit_test(test_bad_phdr_table),
        cmocka_unit_test(test_no_segments),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_address_overflow),
        cmocka_unit_test(test_kernel_half_and_null),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_random_mutations),
        cmocka_unit_test(test_real_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
