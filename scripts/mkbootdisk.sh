#!/bin/sh
# scripts/mkbootdisk.sh -- build a disk image for U-Boot to boot from:
# an MBR with one primary, bootable ("active") FAT32 partition holding the
# given files in its root directory.  This is the layout the OMAP4 boot ROM
# needs to find MLO on an SD card (OMAP4460 TRM, "Initialization", MMC/SD
# booting: "the booting file MLO ... in the root directory on an active
# primary partition of type FAT12/16 or FAT32"), and the layout U-Boot's
# boot script search looks in.
#
# No root rights, no loop devices, no mounts: sfdisk writes the partition
# table into the image file, mkfs.fat formats the partition in place
# (--offset; -h records the sectors before it, as a partition's boot
# sector should), and mtools copies the files in (-i image@@offset).
#
# Usage: mkbootdisk.sh OUTPUT SIZE_MIB NAME=FILE...
#   The files are copied in the order given (put MLO first: in a fresh
#   file system it then occupies the first, contiguous clusters).
set -e

if [ $# -lt 3 ]; then
    echo "usage: $0 OUTPUT SIZE_MIB NAME=FILE..." >&2
    exit 2
fi
out=$1
size_mib=$2
shift 2

# The partition starts at 1 MiB (sector 2048), the alignment every
# partitioning tool uses today, and runs to the end of the image.  FAT32
# needs at least 65525 clusters: with 512-byte clusters that is 32 MiB.
start_sector=2048
sector_bytes=512
part_sectors=$(( size_mib * 1024 * 1024 / sector_bytes - start_sector ))
offset=$(( start_sector * sector_bytes ))
if [ "$size_mib" -lt 40 ]; then
    echo "$0: a FAT32 partition needs an image of at least 40 MiB" >&2
    exit 2
fi

tmp="$out.tmp"
rm -f "$tmp"
truncate -s "${size_mib}M" "$tmp"

# Fixed disk identifier and volume serial number: the same inputs give the
# same image, byte for byte.  Type 0x0c is "W95 FAT32 (LBA)".
printf 'label: dos\nlabel-id: 0x53505241\nstart=%s, size=%s, type=c, bootable\n' \
    "$start_sector" "$part_sectors" | sfdisk --quiet "$tmp"
mkfs.fat -F 32 -S "$sector_bytes" -s 1 -h "$start_sector" -n SPRAT -i 53505241 \
    --offset "$start_sector" "$tmp" $(( part_sectors * sector_bytes / 1024 )) >/dev/null

for spec in "$@"; do
    name=${spec%%=*}
    file=${spec#*=}
    if [ ! -f "$file" ]; then
        echo "$0: $file (for $name) does not exist" >&2
        rm -f "$tmp"
        exit 1
    fi
    MTOOLS_SKIP_CHECK=1 mcopy -i "$tmp@@$offset" -m "$file" "::$name"
done
mv "$tmp" "$out"
