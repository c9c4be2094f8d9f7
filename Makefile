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
BUILD_CONFIG := Makefile kernel/plat/$(PLAT)/config.mk

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

# The kernel: freestanding, no C library (only the compiler's own
# stdint/stddef/stdarg/stdbool headers), no floating point, no unwind tables.
KERNEL_CFLAGS := $(ARCH_FLAGS) -std=gnu11 -O2 -g $(WARN_FLAGS) \
    -ffreestanding -fno-builtin -fno-common -fno-pic -fno-stack-protector \
    -fno-unwind-tables -fno-asynchronous-unwind-tables -fno-strict-aliasing \
    -nostdinc -isystem $(GCC_INC) \
    -Ikernel/include -Ikernel/arch/armv7/include -Ikernel/plat/$(PLAT) -Iinclude \
    -DPLAT_RAM_BASE=$(PLAT_RAM_BASE) -DPLAT_RAM_SIZE=$(PLAT_RAM_SIZE) \
    -DPLAT_KERNEL_PA=$(PLAT_KERNEL_PA) -DPLAT_NAME='"$(PLAT)"' \
    -DSPRAT_VERSION='"$(VERSION)"' -MMD -MP
KERNEL_ASFLAGS := $(KERNEL_CFLAGS) -D__ASSEMBLY__
KERNEL_LDFLAGS := -nostdlib -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
    -Wl,--no-warn-rwx-segments

# The kernel's virtual base: all of RAM is mapped linearly from 0x80000000.
KERNEL_VBASE := 0x80000000
KERNEL_VA := $(shell printf '0x%x' $$(( $(PLAT_KERNEL_PA) - $(PLAT_RAM_BASE) + $(KERNEL_VBASE) )))

# Kernel variants, each built into its own object tree:
#   release   what `make qemu` and real hardware boot
#   test      + ARM semihosting (to end QEMU with a status) + in-kernel tests
#   testslow  the same with the LMP fast path turned off (the whole QEMU
#             suite runs both ways: the two paths must behave the same)
KVARIANT_release_DEFS  :=
KVARIANT_test_DEFS     := -DCONFIG_TEST=1
KVARIANT_testslow_DEFS := -DCONFIG_TEST=1 -DCONFIG_NO_LMP_FASTPATH=1

KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c) \
               $(wildcard kernel/arch/armv7/*.c kernel/arch/armv7/*.S) \
               $(PLAT_SRCS) libsys/elf.c libsys/arch/armv7/string.S
KERNEL_TEST_SRCS := $(wildcard kernel/tests/*.c kernel/tests/*.S)

kobjs = $(patsubst %,$(BUILD)/$(1)/%.o,$(basename $(KERNEL_SRCS) \
          $(if $(filter test%,$(1)),$(KERNEL_TEST_SRCS))))

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

# --- boot images ------------------------------------------------------------
# A boot image is one kernel variant plus a bootfs archive of modules (the
# boot list and the user programs it names), linked into one ELF file.
#   $(call image_rule,NAME,KERNEL_VARIANT,BOOTLIST[,EXTRA])
# BOOTLIST "-" makes a kernel-only image; EXTRA adds NAME=PATH modules.
# Modules are "init" plus the
# program of every boot-list line that is not a comment or an "@" setting:
# its first word that is not a NAME=value environment setting (a leading
# "!" or "&" is a marker, see user/init), the programs of @memtest and
# @spawntest, and the modules named by @module.
bootlist_modules = $(sort init memserv serial hello \
    $(shell sed -e 's/\#.*//' -e '/^[[:space:]]*@/d' -e 's/^[[:space:]]*[!&]//' $(1) | \
            awk '{ for (i = 1; i <= NF; i++) if ($$i !~ /=/) { print $$i; break } }') \
    $(shell sed -n -e 's/^[[:space:]]*@memtest[[:space:]]*[0-9]*[[:space:]]*!\{0,1\}\([^[:space:]]*\).*/\1/p' \
                   -e 's/^[[:space:]]*@spawntest[[:space:]]*\([^[:space:]]*\).*/\1/p' \
                   -e 's/^[[:space:]]*@module[[:space:]]*\([^[:space:]]*\).*/\1/p' $(1)))

define image_rule
$(1)_MODULES := $(if $(filter -,$(3)),,$(call bootlist_modules,$(3)))
$(BUILD)/images/$(1).bootfs: $(filter-out -,$(3)) $$(patsubst %,$(BUILD)/user/%.elf,$$($(1)_MODULES)) scripts/mkbootfs.py Makefile
	@mkdir -p $$(dir $$@)
	$(Q)$(PYTHON) scripts/mkbootfs.py -o $$@ --bootlist $(if $(filter -,$(3)),/dev/null,$(3)) \
	    $$(foreach m,$$($(1)_MODULES),$$(m)=$(BUILD)/user/$$(m).elf) $(4)
$(BUILD)/images/$(1).bootfs.o: $(BUILD)/images/$(1).bootfs linker/bootfs_blob.S
	$(Q)$(CC) $(KERNEL_ASFLAGS) -DBOOTFS_FILE='"$$<"' -c linker/bootfs_blob.S -o $$@
$(BUILD)/images/$(1).elf: $(call kobjs,$(2)) $(BUILD)/images/$(1).bootfs.o $(BUILD)/kernel.ld
	@echo "  LD      $$@"
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) -T $(BUILD)/kernel.ld -o $$@ \
	    $(call kobjs,$(2)) $(BUILD)/images/$(1).bootfs.o -lgcc
endef

# The image `make qemu` boots (SPRAT_IMAGE, defined above).
$(eval $(call image_rule,sprat,release,boot/default.bootlist))

# QEMU test images: NAME=IMAGE; tests/qemu/NAME.cfg holds each one's settings.
$(eval $(call image_rule,ktest,test,-))
$(eval $(call image_rule,usertest,test,boot/tests/usertest.bootlist))
$(eval $(call image_rule,msgtest,test,boot/tests/msgtest.bootlist))
$(eval $(call image_rule,usertest-slow,testslow,boot/tests/usertest.bootlist))
$(eval $(call image_rule,msgtest-slow,testslow,boot/tests/msgtest.bootlist))
$(eval $(call image_rule,benchsmoke,test,boot/tests/benchsmoke.bootlist))
$(eval $(call image_rule,hostile,test,boot/tests/hostile.bootlist))
# The kernel under attack: the system call fuzzer and the fault storm with
# fixed seeds (`make fuzz` runs them long: below).
$(eval $(call image_rule,fuzz,test,boot/tests/fuzz.bootlist))
$(eval $(call image_rule,fuzz-slow,testslow,boot/tests/fuzz.bootlist))
# Kernel-only, with an empty module "panic": the test kernel panics on
# purpose after its tests (the test of panic() itself).
$(eval $(call image_rule,panictest,test,-,panic=/dev/null))
QEMU_TESTS := sprat=$(SPRAT_IMAGE) ktest=$(BUILD)/images/ktest.elf \
              panictest=$(BUILD)/images/panictest.elf \
              usertest=$(BUILD)/images/usertest.elf msgtest=$(BUILD)/images/msgtest.elf \
              usertest-slow=$(BUILD)/images/usertest-slow.elf \
              msgtest-slow=$(BUILD)/images/msgtest-slow.elf \
              benchsmoke=$(BUILD)/images/benchsmoke.elf \
              hostile=$(BUILD)/images/hostile.elf \
              fuzz=$(BUILD)/images/fuzz.elf fuzz-slow=$(BUILD)/images/fuzz-slow.elf

# make bench: the benchmark image with the fast path and without it.
$(eval $(call image_rule,bench,test,boot/bench/bench.bootlist))
$(eval $(call image_rule,bench-slow,testslow,boot/bench/bench.bootlist))
BENCH_IMAGES := $(BUILD)/images/bench.elf $(BUILD)/images/bench-slow.elf
TEST_IMAGES := $(foreach t,$(QEMU_TESTS),$(word 2,$(subst =, ,$(t))))

images: $(SPRAT_IMAGE) $(TEST_IMAGES)

# The kernel alone (no modules), e.g. for size checks.
$(BUILD)/kernel.elf: $(call kobjs,release) $(BUILD)/kernel.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) -T $(BUILD)/kernel.ld \
	    -o $@ $(call kobjs,release) -lgcc

$(BUILD)/kernel.ld: linker/kernel.ld.S Makefile kernel/plat/$(PLAT)/config.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DKERNEL_PA=$(PLAT_KERNEL_PA) -DKERNEL_VA=$(KERNEL_VA) $< -o $@

# --- user space ---------------------------------------------------------------
# User programs are ordinary C programs linked with libsys (the Sprat
# runtime, which provides the entry point) and picolibc (Debian's
# picolibc-arm-none-eabi) as the C library.
PICOLIBC_SPECS := /usr/lib/picolibc/arm-none-eabi/picolibc.specs
# (-fno-tree-loop-distribute-patterns: GCC would turn the message paths'
# loops of one or two words into memcpy calls, several times their cost;
# code that copies a lot calls memcpy itself.)
GEN := $(BUILD)/gen
USER_CFLAGS := $(ARCH_FLAGS) -std=gnu11 -O2 -g $(WARN_FLAGS) --specs=$(PICOLIBC_SPECS) \
    -fno-common -ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns \
    -Iinclude -Ilibsys/include -I$(GEN) -MMD -MP
USER_ASFLAGS := $(USER_CFLAGS) -D__ASSEMBLY__
USER_LDFLAGS := $(ARCH_FLAGS) --specs=$(PICOLIBC_SPECS) -nostartfiles -T linker/user.ld \
    -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
    -Wl,--no-warn-rwx-segments

LIBSYS_SRCS := $(wildcard libsys/*.c libsys/*.S libsys/arch/armv7/*.c libsys/arch/armv7/*.S)
LIBSYS_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(LIBSYS_SRCS))) $(GEN)/rpc_stubs.o

# Every RPC comes from one table, libsys/rpc.idl: scripts/rpcgen.py makes
# the method numbers, the request/response structs and the client stubs
# (docs/rpc.md).  Everything compiled for user space may include them.
RPC_GEN := $(GEN)/sys/rpc_methods.h $(GEN)/sys/rpc_stubs.h $(GEN)/rpc_stubs.c
$(RPC_GEN) &: libsys/rpc.idl scripts/rpcgen.py
	@echo "  RPCGEN  $(GEN)"
	$(Q)$(PYTHON) scripts/rpcgen.py libsys/rpc.idl $(GEN)
$(GEN)/rpc_stubs.o: $(GEN)/rpc_stubs.c
	@echo "  CC      $@"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
LIBSYS := $(BUILD)/libsys/libsys.a

$(LIBSYS): $(LIBSYS_OBJS)
	@echo "  AR      $@"
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

# Every folder under user/ with C files is one program, named after it.
USER_PROGS := $(sort $(patsubst user/%/,%,$(dir $(wildcard user/*/*.c))))
define user_prog_rule
$(1)_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(wildcard user/$(1)/*.c user/$(1)/*.S)))
$(BUILD)/user/$(1).elf: $$($(1)_OBJS) $(LIBSYS) linker/user.ld
	@echo "  LD      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(USER_LDFLAGS) -o $$@ $$($(1)_OBJS) -Wl,--whole-archive $(LIBSYS) \
	    -Wl,--no-whole-archive -lc -lgcc
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_prog_rule,$(p))))

$(BUILD)/libsys/%.o: libsys/%.c $(BUILD_CONFIG) | $(RPC_GEN)
	@echo "  CC      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/libsys/%.o: libsys/%.S $(BUILD_CONFIG)
	@echo "  AS      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@
$(BUILD)/user/%.o: user/%.c $(BUILD_CONFIG) | $(RPC_GEN)
	@echo "  CC      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/user/%.o: user/%.S $(BUILD_CONFIG)
	@echo "  AS      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@

# --- compiling kernel objects, per variant -----------------------------------
define kernel_variant_rules
$(BUILD)/$(1)/%.o: %.c $(BUILD_CONFIG)
	@echo "  CC      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(KVARIANT_$(1)_DEFS) -c $$< -o $$@
$(BUILD)/$(1)/%.o: %.S $(BUILD_CONFIG)
	@echo "  AS      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(KERNEL_ASFLAGS) $(KVARIANT_$(1)_DEFS) -c $$< -o $$@
endef
$(foreach v,release test testslow,$(eval $(call kernel_variant_rules,$(v))))

# --- running in QEMU ----------------------------------------------------------
# The flags that make a run deterministic: one guest instruction is one
# nanosecond of virtual time, and idle time is skipped instead of slept.
ICOUNT := -icount shift=0,sleep=off,align=off -rtc clock=vm
# The boot shim that starts the kernel Non-secure (QEMU_MACHINE_NS boards).
NS_SHIM := $(BUILD)/ns_shim.elf
SEMIHOST := -semihosting-config enable=on,target=native
# How tests and benchmarks run an image on machine $(1): deterministic, the
# console on stdout, semihosting to end QEMU; the image path goes last.
QEMU_TEST_FLAGS := -display none -monitor none -serial stdio -no-reboot
qemu_test_cmd = $(QEMU) $(1) $(ICOUNT) $(SEMIHOST) $(QEMU_TEST_FLAGS) -kernel

define need_qemu_board
	@if [ -z "$(QEMU_MACHINE)" ]; then \
	    echo "PLAT=$(PLAT) has no QEMU model; see README.md for how it boots"; exit 1; fi
endef

qemu: deps
	$(need_qemu_board)
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "Booting Sprat on $(PLAT). Quit QEMU with Ctrl-A then x."
	$(QEMU) $(QEMU_MACHINE) -nographic -kernel $(SPRAT_IMAGE)

debug: deps
	$(need_qemu_board)
	$(Q)$(MAKE) --no-print-directory kernel $(BUILD)/gdbinit
	@echo "QEMU is halted at reset with a gdb stub on tcp::$(GDB_PORT)."
	@echo "In another terminal run:  make gdb   (or gdb-multiarch -x $(BUILD)/gdbinit)"
	$(QEMU) $(QEMU_MACHINE) -nographic -kernel $(SPRAT_IMAGE) -gdb tcp::$(GDB_PORT) -S

gdb: $(BUILD)/gdbinit
	gdb-multiarch -x $(BUILD)/gdbinit

# gdb command files: for QEMU's gdb stub, and for OpenOCD's gdb server.
#   $(call gdbinit_rule,FILE,TARGET_COMMAND)
# (Remade every time: it is tiny, and GDB_PORT may differ from the last run.)
define gdbinit_rule
$(1): scripts/gdbinit.in Makefile FORCE
	@mkdir -p $$(dir $$@)
	$(Q)sed -e 's|@KERNEL@|$(abspath $(SPRAT_IMAGE))|' \
	        -e 's|@PHYS_OFFSET@|$(shell printf '0x%x' $$(( ($(PLAT_RAM_BASE) - $(KERNEL_VBASE)) & 0xffffffff )))|' \
	        -e 's|@TARGET@|$(2)|' \
	        $$< > $$@
endef
$(eval $(call gdbinit_rule,$(BUILD)/gdbinit,target remote localhost:$(GDB_PORT)))
$(eval $(call gdbinit_rule,$(BUILD)/gdbinit-jtag,target extended-remote localhost:3333))

# --- U-Boot: uImage, boot script, boot disk ---------------------------------
# On U-Boot boards (UBOOT_BOARD in config.mk) U-Boot starts Sprat from a
# legacy "uImage": the release image's loadable bytes, from PLAT_KERNEL_PA
# on (_start is the first instruction), behind a 64-byte header naming the
# load and entry address.  OS type "linux" makes bootm hand over the Linux
# way: caches and MMU cleaned and off, r0 = 0, r1 = machine type, r2 = the
# device tree.  The boot script boot.cmd, compiled to boot.scr, loads and
# starts it; the disk image holds both on a FAT32 partition, after the
# board's own boot loader files (BOOTLOADER_FILES).  docs/hardware.md.
UIMAGE   := $(BUILD)/uImage
# Its name on the card: anything but "uImage", the file U-Boot SPL's Falcon
# mode would boot without U-Boot if the card also held a file "args"
# (docs/hardware.md, "The SD card"); boot.cmd loads this name.
UIMAGE_CARD_NAME := sprat.uimg
BOOT_SCR := $(BUILD)/boot.scr
SDCARD   := $(BUILD)/sdcard.img
SDCARD_MIB := 64
# The PandaBoard's script; virt runs the very same one.
UBOOT_SCRIPT ?= boot/pandaboard/boot.cmd
BOOTLOADER_PATHS := $(foreach f,$(BOOTLOADER_FILES),$(lastword $(subst =, ,$(f))))
# mkimage stamps its headers with SOURCE_DATE_EPOCH: the commit's time
# makes the images reproducible.
UBOOT_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

$(BUILD)/sprat.bin: $(SPRAT_IMAGE)
	@echo "  BIN     $@"
	$(Q)$(OBJCOPY) -O binary $< $@

$(UIMAGE): $(BUILD)/sprat.bin
	@echo "  UIMAGE  $@"
	$(Q)SOURCE_DATE_EPOCH=$(UBOOT_EPOCH) mkimage -A arm -O linux -T kernel -C none \
	    -a $(PLAT_KERNEL_PA) -e $(PLAT_KERNEL_PA) -n "Sprat $(PLAT)" -d $< $@ >/dev/null

$(BOOT_SCR): $(UBOOT_SCRIPT)
	@echo "  SCRIPT  $@"
	@mkdir -p $(dir $@)
	$(Q)SOURCE_DATE_EPOCH=$(UBOOT_EPOCH) mkimage -A arm -O linux -T script -C none \
	    -n "Sprat boot script" -d $< $@ >/dev/null

$(SDCARD): $(UIMAGE) $(BOOT_SCR) $(BOOTLOADER_PATHS) scripts/mkbootdisk.sh
	@echo "  DISK    $@"
	$(Q)scripts/mkbootdisk.sh $@ $(SDCARD_MIB) $(BOOTLOADER_FILES) \
	    boot.scr=$(BOOT_SCR) $(UIMAGE_CARD_NAME)=$(UIMAGE)

$(BOOTLOADER_PATHS):
	@echo "Missing $@ (the board's boot loader)."
	@echo "Install Debian's copy with scripts/deps.sh, or name your own, e.g."
	@echo "    make PLAT=$(PLAT) sdcard MLO=path/to/MLO UBOOT_IMG=path/to/u-boot.img"
	@exit 1

define need_uboot_board
	@if [ -z "$(UBOOT_BOARD)" ]; then \
	    echo "PLAT=$(PLAT) does not boot through U-Boot; try PLAT=pandaboard or PLAT=virt"; \
	    exit 1; fi
endef

uimage: deps
	$(need_uboot_board)
	$(Q)$(MAKE) --no-print-directory $(UIMAGE) $(BOOT_SCR)
	@mkimage -l $(UIMAGE)

sdcard: deps
	$(need_uboot_board)
	$(Q)$(MAKE) --no-print-directory $(SDCARD)
	@echo "$(SDCARD) is ready: see README.md, \"Booting a PandaBoard\", to write it."

# Debian's U-Boot for QEMU as the firmware (-bios), the disk image on a
# virtio block device; U-Boot's own boot flow finds boot.scr on it.
QEMU_UBOOT_CMD := $(QEMU) $(QEMU_MACHINE) -bios $(UBOOT_QEMU_BIOS) \
    -drive if=none,format=raw,readonly=on,id=bootdisk,file={image} \
    -device virtio-blk-device,drive=bootdisk

qemu-uboot: deps
	@if [ -z "$(UBOOT_QEMU_BIOS)" ]; then \
	    echo "PLAT=$(PLAT) has no U-Boot in QEMU; use PLAT=virt"; exit 1; fi
	$(Q)$(MAKE) --no-print-directory $(SDCARD)
	@echo "Booting U-Boot, then Sprat from $(SDCARD). Quit QEMU with Ctrl-A then x."
	$(subst {image},$(SDCARD),$(QEMU_UBOOT_CMD)) -nographic

# --- JTAG ---------------------------------------------------------------------
# OpenOCD with its own board file (OPENOCD_BOARD in config.mk) and the
# adapter you have; the default is TI's XDS100v2, whose 14-pin connector
# fits the PandaBoard's JTAG header.  jtag-gdb connects gdb-multiarch to it
# with the symbols of the kernel on the SD card.
OPENOCD_ADAPTER ?= interface/ftdi/xds100v2.cfg

openocd: deps
	@if [ -z "$(OPENOCD_BOARD)" ]; then \
	    echo "PLAT=$(PLAT) has no JTAG set-up; try PLAT=pandaboard"; exit 1; fi
	openocd -f $(OPENOCD_ADAPTER) -f $(OPENOCD_BOARD)

jtag-gdb: deps
	$(Q)$(MAKE) --no-print-directory $(SPRAT_IMAGE) $(BUILD)/gdbinit-jtag
	gdb-multiarch -x $(BUILD)/gdbinit-jtag

# --- tests --------------------------------------------------------------------
# Host unit tests: the same C files the kernel and libsys use, compiled for the
# build machine with AddressSanitizer and UBSan, driven by cmocka.
# kernel/include comes after the C library's headers (-idirafter: its
# syscall.h must not hide the C library's), which makes it a "system"
# directory -- so -MD, not -MMD: -MMD would leave out every kernel header,
# and everything they include, and a changed header would not rebuild.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DHOST_TEST=1 -Itests/host -Iinclude -Ilibsys/include -idirafter kernel/include \
    -idirafter kernel/arch/armv7/include -MD -MP
HOST_LDLIBS := -lcmocka

# Each tests/host/test_<name>.c is one test program; its extra sources are
# listed in HOST_TEST_<name>_SRCS.
HOST_TEST_printf_SRCS := kernel/lib/printf.c
HOST_TEST_caps_SRCS := kernel/cap_types.c kernel/mdb.c kernel/cap.c kernel/cnode.c
HOST_TEST_elf_SRCS := libsys/elf.c
HOST_TEST_vregion_SRCS := libsys/vregion.c
HOST_TEST_err_SRCS := libsys/err.c
HOST_TEST_waitset_SRCS := libsys/waitset.c
HOST_TEST_rpc_wire_SRCS := libsys/rpc_wire.c
HOST_TEST_ump_ring_SRCS := libsys/ump_ring.c
HOST_TEST_ns16550_SRCS := kernel/dev/ns16550.c
HOST_TEST_rpc_marshal_SRCS := libsys/rpc_marshal.c libsys/rpc_wire.c
HOST_TEST_line_edit_SRCS := user/init/line_edit.c
# The fake CP15 (tests/host/fake_cp15.h) records cache/TLB maintenance.
HOST_TEST_cachemaint_SRCS := kernel/arch/armv7/cachemaint.c kernel/vnode.c \
    kernel/arch/armv7/asid.c tests/host/fake_cp15.c
HOST_TEST_timestamp_SRCS := kernel/timestamp.c
HOST_TEST_asid_SRCS := kernel/arch/armv7/asid.c tests/host/fake_cp15.c
# vnode.c's <arch/vm.h> needs a RAM base; the host's is only a number.
$(HOSTBUILD)/obj/kernel/vnode.o: HOST_CFLAGS += -DPLAT_RAM_BASE=0x80000000u \
    -DPLAT_RAM_SIZE=0x10000000u

HOST_TESTS := $(patsubst tests/host/test_%.c,%,$(wildcard tests/host/test_*.c))
HOST_TEST_BINS := $(patsubst %,$(HOSTBUILD)/test_%,$(HOST_TESTS))

host_test_objs = $(patsubst %.c,$(HOSTBUILD)/obj/%.o,tests/host/test_$(1).c $(HOST_TEST_$(1)_SRCS))
define host_test_rule
$(HOSTBUILD)/test_$(1): $(call host_test_objs,$(1))
	@echo "  HOSTLD  $$@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $$@ $$^ $(HOST_LDLIBS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

$(HOSTBUILD)/obj/%.o: %.c Makefile
	@echo "  HOSTCC  $@"
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

host-tests: $(HOST_TEST_BINS)

# TESTS=... runs only the named tests, e.g. `make test TESTS="msgtest caps"`
# (QEMU image names and host test names, without the test_ prefix).
TESTS ?=
run_host_tests = $(if $(TESTS),$(filter $(patsubst %,$(HOSTBUILD)/test_%,$(TESTS)),$(HOST_TEST_BINS)),$(HOST_TEST_BINS))
run_qemu_tests = $(if $(TESTS),$(filter $(addsuffix =%,$(TESTS)),$(QEMU_TESTS)),$(QEMU_TESTS))

# `make test` covers every board: the host tests once, then what each board
# in TEST_PLATS can test here -- its QEMU suite (QEMU boards), a boot
# through U-Boot (virt), the structure of its U-Boot images (U-Boot
# boards).  Each board builds its part with `test-images` and prints its
# harness arguments with `test-args`; the harness runs everything and
# prints one summary line.
TEST_PLATS ?= vexpress-a9 virt pandaboard
selected = $(if $(TESTS),$(filter $(1),$(TESTS)),$(1))

test: deps
	$(Q)$(MAKE) --no-print-directory host-tests
	$(Q)for p in $(TEST_PLATS); do \
	    $(MAKE) --no-print-directory PLAT=$$p test-images || exit 1; done
	$(Q)for p in $(TEST_PLATS); do \
	    $(MAKE) -s --no-print-directory PLAT=$$p test-args || exit 1; done > build/test-args
	$(Q)$(PYTHON) scripts/testrun.py --logdir build/test-logs \
	    $(foreach t,$(run_host_tests),--host $(t)) $(DOC_CHECKS) @build/test-args

# Checks of the docs, run once: everything they name exists, and the
# tutorial of docs/rpc.md, followed literally, works (docs/testing.md).
DOC_CHECKS = $(if $(call selected,docs),--check 'docs=$(PYTHON) scripts/check_docs.py') \
    $(if $(and $(QEMU_MACHINE),$(call selected,tutorial)),--check 'tutorial=$(PYTHON) \
        scripts/check_tutorial.py --plat $(PLAT) --qemu-cmd "$(QEMU_RUN_CMD)"')

test-images: $(if $(QEMU_MACHINE),$(TEST_IMAGES)) $(if $(UBOOT_BOARD),$(SDCARD)) \
    $(if $(QEMU_MACHINE_NS),$(NS_SHIM))

$(NS_SHIM): tests/qemu/ns_shim/ns_shim.S $(BUILD_CONFIG)
	@echo "  AS+LD   $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ARCH_FLAGS) -nostdlib -Wl,-Ttext=$(NS_SHIM_LOAD) -Wl,--build-id=none \
	    -o $@ $<

# This board's harness arguments: its QEMU suite, ktest started in Hyp
# mode, the boot through U-Boot, the check of its U-Boot images -- each
# where the board has it and TESTS selects it.
QEMU_RUN_CMD := $(call qemu_test_cmd,$(QEMU_MACHINE))
QEMU_HYP_CMD := $(call qemu_test_cmd,$(QEMU_MACHINE_HYP))
# Non-secure: QEMU's generic loader puts the image and the shim in memory
# and starts the shim, which enters the kernel Non-secure.
QEMU_NS_CMD := $(QEMU) $(QEMU_MACHINE_NS) $(ICOUNT) $(SEMIHOST) $(QEMU_TEST_FLAGS) \
    -device loader,file={image} -device loader,file=$(NS_SHIM),cpu-num=0
QEMU_UBOOT_TEST_CMD := $(QEMU_UBOOT_CMD) $(QEMU_TEST_FLAGS)
TEST_ARGS = \
    $(if $(QEMU_MACHINE),--board '$(PLAT)=$(QEMU_RUN_CMD)' \
        $(foreach t,$(run_qemu_tests),--qemu '$(PLAT)/$(t)')) \
    $(if $(and $(QEMU_MACHINE_HYP),$(call selected,ktest)),--board '$(PLAT)-hyp=$(QEMU_HYP_CMD)' \
        --qemu '$(PLAT)-hyp/ktest=$(BUILD)/images/ktest.elf') \
    $(if $(QEMU_MACHINE_NS),--board '$(PLAT)-ns=$(QEMU_NS_CMD)' \
        $(foreach t,$(filter ktest=% usertest=%,$(run_qemu_tests)),--qemu '$(PLAT)-ns/$(t)')) \
    $(if $(and $(UBOOT_QEMU_BIOS),$(call selected,uboot)),--board '$(PLAT)-uboot=$(QEMU_UBOOT_TEST_CMD)' \
        --qemu '$(PLAT)-uboot/uboot=$(SDCARD)') \
    $(if $(and $(UBOOT_BOARD),$(call selected,bootimages)),--check '$(PLAT)/bootimages=$(BOOTIMAGES_CHECK)') \
    $(if $(call selected,disasm),--check '$(PLAT)/disasm=$(DISASM_CHECK)') \
    $(if $(and $(filter vexpress-a9,$(PLAT)),$(call selected,icache)),--check '$(PLAT)/icache=$(ICACHE_CHECK)') \
    $(if $(and $(filter vexpress-a9,$(PLAT)),$(call selected,fresh)),--check '$(PLAT)/fresh=$(FRESH_CHECK)')

# The README's `make qemu` and `make debug` + `make gdb`, typed in a fresh
# clone with an empty build/ (the default board only: it is what a
# newcomer runs first).
FRESH_CHECK = $(PYTHON) scripts/check_fresh.py --logdir build/test-logs/fresh

# The I-cache maintenance between the last write into a code page and the
# first fetch from it, for init and spawned domains, seen through QEMU's
# gdb stub (scripts/icache_order.py; docs/hardware.md, "Caches").  On the
# Cortex-A9 board only: the maintenance code is the same on virt.
ICACHE_CHECK = $(PYTHON) scripts/icache_order.py --qemu-cmd "$(QEMU_RUN_CMD)" \
    --image $(BUILD)/images/usertest.elf --init $(BUILD)/user/init.elf \
    --ram-base $(PLAT_RAM_BASE)

test-args:
	@$(if $(strip $(TEST_ARGS)),printf '%s\n' $(TEST_ARGS),true)

# The address-space switch and the clrex on every return to user mode,
# checked in the machine code of each kernel variant this board builds
# (scripts/check_disasm.py; docs/dispatch.md, section 6).
DISASM_IMAGES = $(SPRAT_IMAGE) \
    $(if $(QEMU_MACHINE),$(BUILD)/images/usertest.elf $(BUILD)/images/usertest-slow.elf)
DISASM_CHECK = $(PYTHON) scripts/check_disasm.py --objdump $(OBJDUMP) $(DISASM_IMAGES)

# The structure of a U-Boot board's images, checked without the board.
BOOTIMAGES_CHECK = $(PYTHON) scripts/check_bootimages.py \
    --elf $(SPRAT_IMAGE) --uimage $(UIMAGE) --load-address $(PLAT_KERNEL_PA) \
    --script $(UBOOT_SCRIPT) --boot-scr $(BOOT_SCR) --disk $(SDCARD) \
    $(foreach f,$(BOOTLOADER_FILES) boot.scr=$(BOOT_SCR) $(UIMAGE_CARD_NAME)=$(UIMAGE),--file $(f)) \
    $(if $(OPENOCD_BOARD),--openocd-board $(OPENOCD_BOARD))

# make fuzz: the fuzzer, the fault storm and the well-behaved domain of
# the fuzz image, long and with your seed: SEED (the fuzzer's and the
# storm's), N system calls, CHILDREN hostile children of the fuzzer, STORM
# faulting children, then GARBAGE rounds of malformed requests (12 each)
# to each of memserv, init and serial beside a well-behaved client
# (t_hostile garbage, t_witness).  The boot list is made in $(BUILD) from these (only
# when they change), and run with tests/qemu/fuzzrun.cfg's timeout.  A
# failure prints the SEED and N that reproduce it (docs/reliability.md).
SEED ?= 1
N ?= 1000000
CHILDREN ?= 20
STORM ?= 300
GARBAGE ?= 100
FUZZ_BOOTLIST := $(BUILD)/fuzzrun.bootlist
ifneq ($(filter fuzz,$(MAKECMDGOALS)),)
$(shell mkdir -p $(BUILD) && \
    printf '@test\nt_fuzz %s %s %s\nt_storm %s %s storm-done\nt_steady storm-done\n@wait\nt_hostile garbage %s\nt_witness 20\n@wait\n' \
        '$(SEED)' '$(N)' '$(CHILDREN)' '$(SEED)' '$(STORM)' '$(GARBAGE)' > $(FUZZ_BOOTLIST).new && \
    (cmp -s $(FUZZ_BOOTLIST).new $(FUZZ_BOOTLIST) || cp $(FUZZ_BOOTLIST).new $(FUZZ_BOOTLIST)))
$(eval $(call image_rule,fuzzrun,test,$(FUZZ_BOOTLIST)))
endif

fuzz: deps
	$(need_qemu_board)
	$(Q)$(MAKE) --no-print-directory $(BUILD)/images/fuzzrun.elf SEED=$(SEED) N=$(N) \
	    CHILDREN=$(CHILDREN) STORM=$(STORM) GARBAGE=$(GARBAGE) MAKECMDGOALS=fuzz
	@echo "fuzz: SEED=$(SEED) N=$(N) CHILDREN=$(CHILDREN) STORM=$(STORM) GARBAGE=$(GARBAGE) on $(PLAT)"
	$(Q)$(PYTHON) scripts/testrun.py --logdir build/test-logs \
	    --board '$(PLAT)=$(QEMU_RUN_CMD)' --qemu '$(PLAT)/fuzzrun=$(BUILD)/images/fuzzrun.elf' || \
	    { echo "fuzz: FAILED; reproduce with: make fuzz SEED=$(SEED) N=$(N) CHILDREN=$(CHILDREN) STORM=$(STORM) GARBAGE=$(GARBAGE)"; exit 1; }

bench: deps
	$(Q)$(MAKE) --no-print-directory $(BENCH_IMAGES)
	$(Q)$(PYTHON) scripts/bench.py --repeat --qemu-cmd "$(call qemu_test_cmd,$(QEMU_MACHINE))" \
	    fast=$(BUILD)/images/bench.elf slow=$(BUILD)/images/bench-slow.elf

clean:
	rm -rf build

# A prerequisite that is never up to date: its target is always remade.
FORCE:

-include $(shell find build -name '*.d' 2>/dev/null)
