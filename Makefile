# Sprat -- top-level Makefile.
#
#   make                 build the kernel and the test images for $(PLAT)
#   make qemu            build and boot in QEMU, console on this terminal
#                        (quit with Ctrl-A x)
#   make debug           build and boot QEMU halted, with a gdb stub
#   make gdb             gdb-multiarch with the kernel's symbols, connected
#                        to `make debug` (run it in a second terminal)
#   make test            host unit tests, the QEMU suite on every QEMU board,
#                        the U-Boot boot, boot-image checks, the README's
#                        commands on a fresh clone; ends "N passed, N failed"
#   make bench           system call, LMP and RPC costs in instructions
#   make fuzz            the system call fuzzer, the fault storm and
#                        malformed requests to every server, long:
#                        SEED=1 N=1000000 CHILDREN=20 STORM=300 GARBAGE=100
#                        (docs/reliability.md)
#   make uimage          U-Boot kernel image and boot script (U-Boot boards)
#   make sdcard          SD-card / disk image to boot from (U-Boot boards)
#   make qemu-uboot      PLAT=virt: boot through Debian's U-Boot for QEMU
#   make openocd         PLAT=pandaboard: JTAG server (OPENOCD_ADAPTER=...)
#   make jtag-gdb        gdb-multiarch attached to that server
#   make skel|grade|handin  the course labs: LAB=n (OUT=dir), labs/README.md
#   make deps            install the Debian packages Sprat needs
#   make clean           remove build/
#   make help            this text
#
# Variables:
#   PLAT=vexpress-a9     the board: vexpress-a9 (default) | virt | pandaboard
#   TESTS="a b"          make test: only these tests (QEMU image or host
#                        test names, check names)
#   TEST_PLATS="..."     make test: only these boards
#   GDB_PORT=1234        the TCP port of `make debug`'s gdb stub
#   MLO=... UBOOT_IMG=...  make sdcard: your own PandaBoard boot loader
#   OPENOCD_ADAPTER=...  make openocd: your JTAG adapter's OpenOCD file
#   V=1                  show the full commands
# See README.md and docs/hardware.md.
#
# Everything is built out of tree under build/<plat>/ (host tests under
# build/host/).  Every object has a -MMD dependency file, so editing a header
# rebuilds exactly what includes it.
#
# This file holds the settings; the rules are in mk/, one file a concern:
#   mk/kernel.mk   the kernel, its variants, freestanding/ for the kernel
#   mk/user.mk     libsys, the RPC stubs, the programs
#   mk/images.mk   boot images (kernel + boot list + programs)
#   mk/qemu.mk     make qemu / debug / gdb
#   mk/uboot.mk    U-Boot images, the SD card, JTAG
#   mk/tests.mk    make test (host tests, QEMU suite, checks), fuzz, bench

PLAT ?= vexpress-a9
V    ?= 0
# The port of the gdb stub `make debug` opens and `make gdb` connects to
# (QEMU's -s means 1234); another port lets two runs share a machine.
GDB_PORT ?= 1234
BUILD := build/$(PLAT)
HOSTBUILD := build/host

ifneq ($(wildcard kernel/plat/$(PLAT)/config.mk),)
include kernel/plat/$(PLAT)/config.mk
else
$(error unknown PLAT '$(PLAT)': no kernel/plat/$(PLAT)/config.mk)
endif

# Every object depends on the build's configuration too: a changed flag or
# board setting rebuilds what it affects (-MMD covers the headers).
BUILD_CONFIG := Makefile mk/kernel.mk mk/user.mk kernel/plat/$(PLAT)/config.mk

ifeq ($(V),1)
Q :=
else
Q := @
endif

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# ---------------------------------------------------------------------------
# Toolchains
# ---------------------------------------------------------------------------
CROSS   ?= arm-none-eabi-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
HOSTCC  ?= gcc
PYTHON  ?= python3

# Every target file is compiled for a Cortex-A9 in ARM state with software
# floating point: no VFP/NEON state has to be saved on a context switch.
ARCH_FLAGS := -marm -mcpu=cortex-a9 -mfloat-abi=soft
WARN_FLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wno-unused-parameter
GCC_INC    := $(shell $(CC) -print-file-name=include 2>/dev/null)

# ---------------------------------------------------------------------------
# Top-level targets
# ---------------------------------------------------------------------------
.PHONY: all kernel images qemu debug gdb test host-tests clean deps help bench fuzz \
        uimage sdcard qemu-uboot openocd jtag-gdb test-images test-args FORCE
.DEFAULT_GOAL := all

all: kernel images

# The header of this file, from its second line to the first line that is
# not a comment, without the comment marks.
help:
	@sed -n -e '2,/^[^#]/{/^#/!d;s/^# \{0,1\}//;p}' Makefile

deps:
	@scripts/deps.sh --quiet

# The image `make qemu` boots.  Defined here, before any rule names it:
# make expands a rule's prerequisites as it reads the rule, so a variable
# defined further down would be empty there (and `make qemu` on a clean
# clone would boot an image nothing built).
SPRAT_IMAGE := $(BUILD)/images/sprat.elf

kernel: $(BUILD)/kernel.elf $(SPRAT_IMAGE)

# ---------------------------------------------------------------------------
# The rules, by concern (the order matters: each file uses what the ones
# before it define, as it reads them)
# ---------------------------------------------------------------------------
include mk/kernel.mk
include mk/user.mk
include mk/images.mk
include mk/qemu.mk
include mk/uboot.mk
include mk/tests.mk

clean:
	rm -rf build

# A prerequisite that is never up to date: its target is always remade.
FORCE:

# The course labs: student trees, grading, hand-in (labs/README.md).
include mk/labs.mk

-include $(shell find build -name '*.d' 2>/dev/null)
