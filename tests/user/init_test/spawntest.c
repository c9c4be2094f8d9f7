/*
 * tests/user/init_test/spawntest.c -- "@spawntest MODULE" in a test boot list: spawn
 * errors are reported, never fatal, and leave nothing behind.
 *
 * Each case hands spawn_load() a damaged copy of a real boot module (or
 * impossible arguments) and checks the named error it must return.  At the
 * end init's free memory, free capability slots and free virtual address
 * space must be exactly what they were before: a failed spawn may not
 * leak any of them, even one that fails late, after the new domain's
 * CNodes, page tables and segments were already made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/spawn.h>
#include <systest.h>
#include <sprat/args.h>
#include <freestanding/elf.h>
#include <sprat/vm_layout.h>
#include "init.h"
#include "init_test.h"

struct image {
    uint8_t *bytes;             /* a private, writable copy */
    size_t len;
};

static const struct elf32_phdr *first_load(const struct image *im)
{
    const struct elf32_ehdr *eh = (const void *)im->bytes;
    const struct elf32_phdr *ph = (const void *)(im->bytes + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz > 0) {
            return &ph[i];
        }
    }
    return NULL;
}

static bool reporting;          /* the second round reports */

static void check(errval_t got, errval_t want, const char *what)
{
    if (!reporting) {
        return;
    }
    if (got != want) {
        printf("# spawning %s: got %s\n", what, err_getcode(got));
    }
    test_report(got == want, "spawn of %s fails with %s", what, err_getcode(want));
}

/* Spawn from the image and check the error; a spawn that unexpectedly
 * works is cleaned up again. */
static void try_spawn(const struct image *im, const char *what, int argc,
                      const char *const *argv, const char *const *envp, size_t ram,
                      const struct spawn_caps *caps, errval_t want)
{
    static const char *const name[] = { "spawntest", NULL };
    static const struct spawn_caps no_caps;
    struct spawninfo si;
    errval_t err = spawn_load(im->bytes, im->len, argv ? argc : 1, argv ? argv : name,
                              envp, 0, caps ? caps : &no_caps, ram, &si);
    if (err_is_ok(err)) {
        spawn_cleanup(&si);
    }
    check(err, want, what);
}

static void run_cases(const void *elf, struct image *im, char *longenv)
{
    struct elf32_ehdr *eh = (void *)im->bytes;
    struct elf32_phdr *ph;

    memcpy(im->bytes, elf, im->len);
    im->bytes[1] = 'X';
    try_spawn(im, "a file without the ELF magic", 0, NULL, NULL, 0, NULL, LIB_ERR_ELF_MAGIC);

    memcpy(im->bytes, elf, im->len);
    eh->e_machine = 3;                  /* EM_386 */
    try_spawn(im, "an x86 executable", 0, NULL, NULL, 0, NULL, LIB_ERR_ELF_MACHINE);

    memcpy(im->bytes, elf, im->len);
    ph = (struct elf32_phdr *)first_load(im);
    ph->p_vaddr = USER_VADDR_LIMIT;
    try_spawn(im, "a segment in the kernel's half", 0, NULL, NULL, 0, NULL,
              LIB_ERR_ELF_SEGMENT_KERNEL);

    memcpy(im->bytes, elf, im->len);
    ph = (struct elf32_phdr *)first_load(im);
    ph->p_vaddr = DISPATCHER_VADDR;
    try_spawn(im, "a segment over the dispatcher frame", 0, NULL, NULL, 0, NULL,
              LIB_ERR_SPAWN_LAYOUT);

    memcpy(im->bytes, elf, im->len);
    struct image cut = { im->bytes, sizeof(struct elf32_ehdr) - 1 };
    try_spawn(&cut, "a truncated file", 0, NULL, NULL, 0, NULL, LIB_ERR_ELF_TRUNCATED);

    /* A valid image from here on. */
    try_spawn(im, "a domain wanting 1 GiB of RAM", 0, NULL, NULL, 1u << 30, NULL,
              LIB_ERR_RAM_ALLOC);
    struct capref empty;
    if (err_is_ok(slot_alloc(&empty))) {
        /* Everything is built when the last capability cannot be given. */
        struct spawn_caps caps = { .extra = { empty } };
        try_spawn(im, "a domain given an empty slot", 0, NULL, NULL, 0, &caps,
                  SYS_ERR_CAP_NOT_FOUND);
        slot_free(empty);
    }
    static const char *many[SPAWN_MAX_ARGS + 2];
    for (int i = 0; i <= SPAWN_MAX_ARGS; i++) {
        many[i] = "x";
    }
    try_spawn(im, "33 arguments", SPAWN_MAX_ARGS + 1, many, NULL, 0, NULL,
              LIB_ERR_SPAWN_ARGS);
    const char *envp[] = { longenv, NULL };
    try_spawn(im, "a 1 KiB environment string", 0, NULL, envp, 0, NULL, LIB_ERR_SPAWN_ARGS);
    const char *none[] = { NULL };
    try_spawn(im, "no program name", 0, none, NULL, 0, NULL, LIB_ERR_SPAWN_ARGS);
}

void spawn_error_tests(const char *module)
{
    size_t len;
    const void *elf = spawn_find_module(module, &len);
    struct image im = { malloc(len), len };
    char *longenv = malloc(SPAWN_ARGS_STRINGS + 1);
    if (elf == NULL || im.bytes == NULL || longenv == NULL) {
        test_report(false, "spawntest: cannot copy module '%s'", module);
        return;
    }
    memset(longenv, 'y', SPAWN_ARGS_STRINGS);
    memcpy(longenv, "LONG=", 5);
    longenv[SPAWN_ARGS_STRINGS] = '\0';

    /* A first round warms up what init allocates once and keeps (its
     * channel to the memory server, heap chunks); the second is measured. */
    run_cases(elf, &im, longenv);
    size_t free_before = ram_free_bytes();
    uint32_t slots_before = slot_alloc_free_count();
    uint64_t vspace_before = paging_free_vspace_bytes();
    reporting = true;
    run_cases(elf, &im, longenv);
    reporting = false;
    size_t free_after = ram_free_bytes();
    uint32_t slots_after = slot_alloc_free_count();
    uint64_t vspace_after = paging_free_vspace_bytes();
    if (free_after != free_before || slots_after != slots_before ||
        vspace_after != vspace_before) {
        printf("# free RAM %zu -> %zu, slots %u -> %u, address space %llu -> %llu\n",
               free_before, free_after, (unsigned)slots_before, (unsigned)slots_after,
               (unsigned long long)vspace_before, (unsigned long long)vspace_after);
    }
    test_report(free_after == free_before && slots_after == slots_before &&
                vspace_after == vspace_before,
                "failed spawns leave init's memory, slots and address space as they were");
    free(longenv);
    free(im.bytes);
}
