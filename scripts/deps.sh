#!/bin/sh
# scripts/deps.sh -- make sure the tools Sprat needs are installed.
#
# Called by `make qemu`, `make test`, `make bench`, `make debug` and .ci/run.
# Every tool comes from Debian's archive (Debian 12 "bookworm"); nothing is
# downloaded from anywhere else.  When something is missing and we run as
# root, we install it with apt-get; otherwise we print the exact command.
#
# Usage: scripts/deps.sh [--quiet]
set -e

# Debian package -> a file or command that proves it is installed.
# (Checking a file is faster than asking dpkg and also works when a tool was
# installed some other way.)
PACKAGES="
gcc-arm-none-eabi:/usr/bin/arm-none-eabi-gcc
picolibc-arm-none-eabi:/usr/lib/picolibc/arm-none-eabi/picolibc.specs
qemu-system-arm:/usr/bin/qemu-system-arm
u-boot-tools:/usr/bin/mkimage
u-boot-qemu:/usr/lib/u-boot/qemu_arm/u-boot.bin
gdb-multiarch:/usr/bin/gdb-multiarch
python3:/usr/bin/python3
gcc:/usr/bin/gcc
make:/usr/bin/make
libcmocka-dev:/usr/include/cmocka.h
mtools:/usr/bin/mcopy
fdisk:/usr/sbin/sfdisk
dosfstools:/usr/sbin/mkfs.fat
openocd:/usr/bin/openocd
"

missing=""
for entry in $PACKAGES; do
    pkg=${entry%%:*}
    probe=${entry#*:}
    [ -e "$probe" ] || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
    [ "$1" = "--quiet" ] || echo "deps: all tools present"
    exit 0
fi

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have empty package lists; refresh them once.
    apt-get update -q || true
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
    echo "deps: installed:$missing"
else
    echo "deps: run this as root, then try again:"
    echo "    apt-get update && apt-get install -y --no-install-recommends$missing"
    exit 1
fi
