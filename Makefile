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
#   testslow  the same with the LMP fast path turned off (the whole QEMU
#             suite runs both ways: the two paths must behave the same)
KVARIANT_release_DEFS  :=
KVARIANT_test_DEFS     := -DCONFIG_TEST=1
KVARIANT_testslow_DEFS := -DCONFIG_TEST=1 -DCONFIG_NO_LMP_FASTPATH=1

KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c) \
               $(wildcard kernel/arch/armv7/*.c kernel/arch/armv7/*.S) \
               $(PLAT_SRCS) libsys/elf.c
KERNEL_TEST_SRCS := $(wildcard kernel/tests/*.c kernel/tests/*.S)

kobjs = $(patsubst %,$(BUILD)/$(1)/%.o,$(basename $(KERNEL_SRCS) \
          $(if $(filter test%,$(1)),$(KERNEL_TEST_SRCS))))

# ---------------------------------------------------------------------------
# Top-level targets
# ---------------------------------------------------------------------------
.PHONY: all kernel images qemu debug gdb test host-tests qemu-tests clean deps help bench
.DEFAULT_GOAL := all

all: kernel images

help:
	@sed -n '2,12p' Makefile

deps:
	@scripts/deps.sh --quiet

kernel: $(BUILD)/kernel.elf $(SPRAT_IMAGE)

# --- boot images ------------------------------------------------------------
# A boot image is one kernel variant plus a bootfs archive of modules (the
# boot list and the user programs it names), linked into one ELF file.
#   $(call image_rule,NAME,KERNEL_VARIANT,BOOTLIST)
# BOOTLIST "-" makes a kernel-only image.  Modules are "init" plus the first
# word of every boot-list line that is not a comment or an "@" setting (a
# leading "!" or "&" is how the line is run), the program of @memtest, and
# the modules named by @module.
bootlist_modules = $(sort init memserv serial hello $(shell sed -e 's/\#.*//' -e '/^[[:space:]]*@/d' -e 's/^[[:space:]]*[!&]//' $(1) | awk 'NF {print $$1}') \
    $(shell sed -n 's/^[[:space:]]*@memtest[[:space:]]*[0-9]*[[:space:]]*!\{0,1\}\([^[:space:]]*\).*/\1/p' $(1)) \
    $(shell sed -n 's/^[[:space:]]*@module[[:space:]]*\([^[:space:]]*\).*/\1/p' $(1)))

define image_rule
$(1)_MODULES := $(if $(filter -,$(3)),,$(call bootlist_modules,$(3)))
$(BUILD)/images/$(1).bootfs: $(filter-out -,$(3)) $$(patsubst %,$(BUILD)/user/%.elf,$$($(1)_MODULES)) scripts/mkbootfs.py Makefile
	@mkdir -p $$(dir $$@)
	$(Q)$(PYTHON) scripts/mkbootfs.py -o $$@ --bootlist $(if $(filter -,$(3)),/dev/null,$(3)) \
	    $$(foreach m,$$($(1)_MODULES),$$(m)=$(BUILD)/user/$$(m).elf)
$(BUILD)/images/$(1).bootfs.o: $(BUILD)/images/$(1).bootfs linker/bootfs_blob.S
	$(Q)$(CC) $(KERNEL_ASFLAGS) -DBOOTFS_FILE='"$$<"' -c linker/bootfs_blob.S -o $$@
$(BUILD)/images/$(1).elf: $(call kobjs,$(2)) $(BUILD)/images/$(1).bootfs.o $(BUILD)/kernel.ld
	@echo "  LD      $$@"
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) -T $(BUILD)/kernel.ld -o $$@ \
	    $(call kobjs,$(2)) $(BUILD)/images/$(1).bootfs.o -lgcc
endef

# The image `make qemu` boots.
SPRAT_IMAGE := $(BUILD)/images/sprat.elf
$(eval $(call image_rule,sprat,release,boot/default.bootlist))

# QEMU test images: NAME=IMAGE; tests/qemu/NAME.cfg holds each one's settings.
$(eval $(call image_rule,ktest,test,-))
$(eval $(call image_rule,usertest,test,boot/tests/usertest.bootlist))
$(eval $(call image_rule,msgtest,test,boot/tests/msgtest.bootlist))
$(eval $(call image_rule,usertest-slow,testslow,boot/tests/usertest.bootlist))
$(eval $(call image_rule,msgtest-slow,testslow,boot/tests/msgtest.bootlist))
$(eval $(call image_rule,benchsmoke,test,boot/tests/benchsmoke.bootlist))
QEMU_TESTS := sprat=$(SPRAT_IMAGE) ktest=$(BUILD)/images/ktest.elf \
              usertest=$(BUILD)/images/usertest.elf msgtest=$(BUILD)/images/msgtest.elf \
              usertest-slow=$(BUILD)/images/usertest-slow.elf \
              msgtest-slow=$(BUILD)/images/msgtest-slow.elf \
              benchsmoke=$(BUILD)/images/benchsmoke.elf

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
GEN := $(BUILD)/gen
USER_CFLAGS := $(ARCH_FLAGS) -std=gnu11 -O2 -g $(WARN_FLAGS) --specs=$(PICOLIBC_SPECS) \
    -fno-common -ffunction-sections -fdata-sections -Iinclude -Ilibsys/include -I$(GEN) -MMD -MP
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

$(BUILD)/libsys/%.o: libsys/%.c | $(RPC_GEN)
	@echo "  CC      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/libsys/%.o: libsys/%.S
	@echo "  AS      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@
$(BUILD)/user/%.o: user/%.c | $(RPC_GEN)
	@echo "  CC      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/user/%.o: user/%.S
	@echo "  AS      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@

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
$(foreach v,release test testslow,$(eval $(call kernel_variant_rules,$(v))))

# --- running in QEMU ----------------------------------------------------------
# The flags that make a run deterministic: one guest instruction is one
# nanosecond of virtual time, and idle time is skipped instead of slept.
ICOUNT := -icount shift=0,sleep=off,align=off -rtc clock=vm
SEMIHOST := -semihosting-config enable=on,target=native

qemu: deps
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "Booting Sprat on $(PLAT). Quit QEMU with Ctrl-A then x."
	$(QEMU) $(QEMU_MACHINE) -nographic -kernel $(SPRAT_IMAGE)

debug: deps
	$(Q)$(MAKE) --no-print-directory kernel $(BUILD)/gdbinit
	@echo "QEMU is halted at reset with a gdb stub on tcp::1234."
	@echo "In another terminal run:  make gdb   (or gdb-multiarch -x $(BUILD)/gdbinit)"
	$(QEMU) $(QEMU_MACHINE) -nographic -kernel $(SPRAT_IMAGE) -s -S

gdb: $(BUILD)/gdbinit
	gdb-multiarch -x $(BUILD)/gdbinit

$(BUILD)/gdbinit: scripts/gdbinit.in Makefile
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@KERNEL@|$(abspath $(SPRAT_IMAGE))|' \
	        -e 's|@PHYS_OFFSET@|$(shell printf '0x%x' $$(( ($(PLAT_RAM_BASE) - $(KERNEL_VBASE)) & 0xffffffff )))|' \
	        $< > $@

# --- tests --------------------------------------------------------------------
# Host unit tests: the same C files the kernel and libsys use, compiled for the
# build machine with AddressSanitizer and UBSan, driven by cmocka.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DHOST_TEST=1 -Itests/host -Iinclude -Ilibsys/include -idirafter kernel/include -MMD -MP
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
HOST_TEST_rpc_marshal_SRCS := libsys/rpc_marshal.c libsys/rpc_wire.c

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

# TESTS=... runs only the named tests, e.g. `make test TESTS="msgtest caps"`
# (QEMU image names and host test names, without the test_ prefix).
TESTS ?=
run_host_tests = $(if $(TESTS),$(filter $(patsubst %,$(HOSTBUILD)/test_%,$(TESTS)),$(HOST_TEST_BINS)),$(HOST_TEST_BINS))
run_qemu_tests = $(if $(TESTS),$(filter $(addsuffix =%,$(TESTS)),$(QEMU_TESTS)),$(QEMU_TESTS))

test: deps
	$(Q)$(MAKE) --no-print-directory host-tests images
	$(Q)$(PYTHON) scripts/testrun.py --logdir $(BUILD)/test-logs \
	    $(foreach t,$(run_host_tests),--host $(t)) \
	    $(foreach t,$(run_qemu_tests),--qemu $(t)) \
	    --qemu-cmd "$(QEMU) $(QEMU_MACHINE) $(ICOUNT) $(SEMIHOST) -display none -monitor none -serial stdio -no-reboot -kernel"

bench: deps
	$(Q)$(MAKE) --no-print-directory $(BENCH_IMAGES)
	$(Q)$(PYTHON) scripts/bench.py --qemu-cmd "$(QEMU) $(QEMU_MACHINE) $(ICOUNT) $(SEMIHOST) -display none -monitor none -serial stdio -no-reboot -kernel" \
	    fast=$(BUILD)/images/bench.elf slow=$(BUILD)/images/bench-slow.elf

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
