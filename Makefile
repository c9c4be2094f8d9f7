# Sprat -- top-level Makefile.
#
#   make                 build the kernel and the test images for $(PLAT)
#   make qemu            build and boot in QEMU, console on this terminal
#   make debug           boot QEMU halted with a gdb stub; see README
#   make test            host unit tests + every QEMU test image, summary line
#   make clean
#
# Variables: PLAT=vexpress-a9 (default) | pandaboard, V=1 shows commands.
# Everything is built out of tree under build/<plat>/ (host tests under
# build/host/).  Every object has a -MMD dependency file, so editing a header
# rebuilds exactly what includes it.

PLAT ?= vexpress-a9
V    ?= 0
BUILD := build/$(PLAT)
HOSTBUILD := build/host

ifneq ($(wildcard kernel/plat/$(PLAT)/config.mk),)
include kernel/plat/$(PLAT)/config.mk
else
$(error unknown PLAT '$(PLAT)': no kernel/plat/$(PLAT)/config.mk)
endif

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
KVARIANT_release_DEFS :=
KVARIANT_test_DEFS    := -DCONFIG_TEST=1

KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c) \
               $(wildcard kernel/arch/armv7/*.c kernel/arch/armv7/*.S) \
               $(PLAT_SRCS)
KERNEL_TEST_SRCS := $(wildcard kernel/tests/*.c kernel/tests/*.S)

kobjs = $(patsubst %,$(BUILD)/$(1)/%.o,$(basename $(KERNEL_SRCS) \
          $(if $(filter test%,$(1)),$(KERNEL_TEST_SRCS))))

# ---------------------------------------------------------------------------
# Top-level targets
# ---------------------------------------------------------------------------
.PHONY: all kernel images qemu debug gdb test host-tests qemu-tests clean deps help
.DEFAULT_GOAL := all

all: kernel images

help:
	@sed -n '2,12p' Makefile

deps:
	@scripts/deps.sh --quiet

kernel: $(BUILD)/kernel.elf

# --- boot images ------------------------------------------------------------
# A boot image is one kernel variant linked into one ELF.  The default image
# is what `make qemu` boots; each QEMU test image is listed in QEMU_TESTS.
# Each QEMU test is NAME=IMAGE; tests/qemu/NAME.cfg holds its settings.
QEMU_TESTS := release=$(BUILD)/kernel.elf ktest=$(BUILD)/images/ktest.elf
TEST_IMAGES := $(foreach t,$(QEMU_TESTS),$(word 2,$(subst =, ,$(t))))

images: $(TEST_IMAGES)

$(BUILD)/kernel.elf: $(call kobjs,release) $(BUILD)/kernel.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) -T $(BUILD)/kernel.ld \
	    -o $@ $(call kobjs,release) -lgcc
	$(Q)$(OBJCOPY) -O binary $@ $(@:.elf=.bin)

$(BUILD)/images/ktest.elf: $(call kobjs,test) $(BUILD)/kernel.ld
	@echo "  LD      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) -T $(BUILD)/kernel.ld \
	    -o $@ $(call kobjs,test) -lgcc

$(BUILD)/kernel.ld: linker/kernel.ld.S Makefile kernel/plat/$(PLAT)/config.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DKERNEL_PA=$(PLAT_KERNEL_PA) -DKERNEL_VA=$(KERNEL_VA) $< -o $@

# --- compiling kernel objects, per variant -----------------------------------
define kernel_variant_rules
$(BUILD)/$(1)/%.o: %.c
	@echo "  CC      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(KVARIANT_$(1)_DEFS) -c $$< -o $$@
$(BUILD)/$(1)/%.o: %.S
	@echo "  AS      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(KERNEL_ASFLAGS) $(KVARIANT_$(1)_DEFS) -c $$< -o $$@
endef
$(foreach v,release test,$(eval $(call kernel_variant_rules,$(v))))

# --- running in QEMU ----------------------------------------------------------
# The flags that make a run deterministic: one guest instruction is one
# nanosecond of virtual time, and idle time is skipped instead of slept.
ICOUNT := -icount shift=0,sleep=off,align=off -rtc clock=vm
SEMIHOST := -semihosting-config enable=on,target=native

qemu: deps
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "Booting Sprat on $(PLAT). Quit QEMU with Ctrl-A then x."
	$(QEMU) $(QEMU_MACHINE) -nographic -kernel $(BUILD)/kernel.elf

debug: deps
	$(Q)$(MAKE) --no-print-directory kernel $(BUILD)/gdbinit
	@echo "QEMU is halted at reset with a gdb stub on tcp::1234."
	@echo "In another terminal run:  make gdb   (or gdb-multiarch -x $(BUILD)/gdbinit)"
	$(QEMU) $(QEMU_MACHINE) -nographic -kernel $(BUILD)/kernel.elf -s -S

gdb: $(BUILD)/gdbinit
	gdb-multiarch -x $(BUILD)/gdbinit

$(BUILD)/gdbinit: scripts/gdbinit.in Makefile
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@KERNEL@|$(abspath $(BUILD)/kernel.elf)|' \
	        -e 's|@PHYS_OFFSET@|$(shell printf '0x%x' $$(( ($(PLAT_RAM_BASE) - $(KERNEL_VBASE)) & 0xffffffff )))|' \
	        $< > $@

# --- tests --------------------------------------------------------------------
# Host unit tests: the same C files the kernel and libsys use, compiled for the
# build machine with AddressSanitizer and UBSan, driven by cmocka.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DHOST_TEST=1 -Itests/host -Iinclude -idirafter kernel/include -MMD -MP
HOST_LDLIBS := -lcmocka

# Each tests/host/test_<name>.c is one test program; its extra sources are
# listed in HOST_TEST_<name>_SRCS.
HOST_TEST_printf_SRCS := kernel/lib/printf.c

HOST_TESTS := $(patsubst tests/host/test_%.c,%,$(wildcard tests/host/test_*.c))
HOST_TEST_BINS := $(patsubst %,$(HOSTBUILD)/test_%,$(HOST_TESTS))

host_test_objs = $(patsubst %.c,$(HOSTBUILD)/obj/%.o,tests/host/test_$(1).c $(HOST_TEST_$(1)_SRCS))
define host_test_rule
$(HOSTBUILD)/test_$(1): $(call host_test_objs,$(1))
	@echo "  HOSTLD  $$@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $$@ $$^ $(HOST_LDLIBS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

$(HOSTBUILD)/obj/%.o: %.c
	@echo "  HOSTCC  $@"
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

host-tests: $(HOST_TEST_BINS)

test: deps
	$(Q)$(MAKE) --no-print-directory host-tests images
	$(Q)$(PYTHON) scripts/testrun.py --logdir $(BUILD)/test-logs \
	    $(foreach t,$(HOST_TEST_BINS),--host $(t)) \
	    $(foreach t,$(QEMU_TESTS),--qemu $(t)) \
	    --qemu-cmd "$(QEMU) $(QEMU_MACHINE) $(ICOUNT) $(SEMIHOST) -display none -monitor none -serial stdio -no-reboot -kernel"

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
