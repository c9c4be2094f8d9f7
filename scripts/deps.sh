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

# The PandaBoard's first boot-loader stages (MLO, u-boot.img for
# omap4_panda) come from Debian's u-boot-omap, which is built only for
# armhf: installing it on another machine needs that architecture enabled
# in dpkg (multiarch).  The files are ARM code for the board, not programs
# for this machine.
FOREIGN_ARCH=armhf
FOREIGN_PACKAGES="
u-boot-omap:/usr/lib/u-boot/omap4_panda/MLO
"

# The packages of a "package:probe" list whose probe is missing, each
# followed by $2 (an architecture qualifier, or nothing).
missing_from() {
    for entry in $1; do
        [ -e "${entry#*:}" ] || printf ' %s%s' "${entry%%:*}" "$2"
    done
}
foreign=$(missing_from "$FOREIGN_PACKAGES" ":$FOREIGN_ARCH")
missing="$(missing_from "$PACKAGES" "")$foreign"

if [ -z "$missing" ]; then
    [ "$1" = "--quiet" ] || echo "deps: all tools present"
    exit 0
fi

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    if [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$FOREIGN_ARCH"; then
        dpkg --add-architecture "$FOREIGN_ARCH"
    fi
    # A fresh machine may have empty package lists; refresh them once.
    apt-get update -q || true
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
    echo "deps: installed:$missing"
else
    echo "deps: run this as root, then try again:"
    if [ -n "$foreign" ]; then
        echo "    dpkg --add-architecture $FOREIGN_ARCH"
    fi
    echo "    apt-get update && apt-get install -y --no-install-recommends$missing"
    exit 1
fi
