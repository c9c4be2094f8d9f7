/*
 * include/sprat/bootfs.h -- the boot image's module archive.
 *
 * Made by scripts/mkbootfs.py and linked into the kernel image's .bootfs
 * section (page aligned).  It holds the user programs (ELF files) and the
 * boot list, each starting on a page boundary so that each can be handed
 * to init as a Frame capability.
 *
 *   struct bootfs_header
 *   struct bootfs_entry[count]
 *   ... padding to a page ...
 *   file data, each file page aligned
 */
#ifndef SPRAT_BOOTFS_H
#define SPRAT_BOOTFS_H

#include <stdint.h>

#define BOOTFS_MAGIC        0x53465442u     /* "BTFS" little-endian */
#define BOOTFS_NAME_LEN     32
#define BOOTFS_BOOTLIST     "bootlist"      /* name of the boot list entry */

struct bootfs_header {
    uint32_t magic;
    uint32_t count;         /* number of entries */
    uint32_t total_bytes;   /* size of the whole archive */
    uint32_t reserved;
};

struct bootfs_entry {
    char name[BOOTFS_NAME_LEN];   /* NUL-terminated */
    uint32_t offset;        /* from the start of the archive, page aligned */
    uint32_t bytes;
};

#endif
