# mk/kernel.mk -- the kernel: flags, variants, objects, kernel.elf.
# (included by the top-level Makefile, which sets PLAT, BUILD and the
# tool variables; `make help` lists the targets).

# The kernel: freestanding, no C library (only the compiler's own
# stdint/stddef/stdarg/stdbool headers), no floating point, no unwind tables.
KERNEL_CFLAGS := $(ARCH_FLAGS) -std=gnu11 -O2 -g $(WARN_FLAGS) \
    -ffreestanding -fno-builtin -fno-common -fno-pic -fno-stack-protector \
    -fno-unwind-tables -fno-asynchronous-unwind-tables -fno-strict-aliasing \
    -nostdinc -isystem $(GCC_INC) \
    -Ikernel/include -Ikernel/arch/armv7/include -Ikernel/plat/$(PLAT) -Iinclude \
    -Ifreestanding/include \
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

# freestanding/: code with no operating system under it, linked by the
# kernel and by libsys alike (each compiles it with its own flags).
FREESTANDING_SRCS := $(wildcard freestanding/*.c freestanding/arch/armv7/*.S)

KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c) \
               $(filter-out kernel/arch/armv7/asm_offsets.c,$(wildcard kernel/arch/armv7/*.c kernel/arch/armv7/*.S)) \
               $(PLAT_SRCS) $(FREESTANDING_SRCS)
KERNEL_TEST_SRCS := $(wildcard tests/kernel/*.c tests/kernel/*.S)

kobjs = $(patsubst %,$(BUILD)/$(1)/%.o,$(basename $(KERNEL_SRCS) \
          $(if $(filter test%,$(1)),$(KERNEL_TEST_SRCS))))

# --- compiling kernel objects, per variant -----------------------------------
# arch/asm_offsets.h, the structure offsets and C constants the LMP fast
# path reads, generated per variant from C (the Linux/Barrelfish
# asm-offsets technique; kernel/arch/armv7/asm_offsets.c, which is therefore
# not in KERNEL_SRCS): compiled with -S, each "@@ASM_OFFSET NAME #value"
# line of the output becomes "#define NAME value" (unsigned: GCC prints
# 0x80000000 as a negative number).  Every kernel object of the variant
# waits for it (order-only; -MMD then records who really includes it).
ASM_OFFSETS_SRC := kernel/arch/armv7/asm_offsets.c
ASM_OFFSETS_AWK := $$1 == "@@ASM_OFFSET" { v = $$3; sub(/^\#/, "", v); v += 0; \
    if (v < 0) v += 4294967296; printf "\#define %-20s %.0f\n", $$2, v }
asm_offsets_h = $(BUILD)/$(1)/gen/arch/asm_offsets.h
define asm_offsets_rule
KVARIANT_$(1)_DEFS += -I$(BUILD)/$(1)/gen
$(call asm_offsets_h,$(1)): $(ASM_OFFSETS_SRC) $(BUILD_CONFIG)
	@echo "  GEN     $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(KVARIANT_$(1)_DEFS) -MT $$@ -MF $$@.d -S $$< -o $$@.s
	$(Q){ echo '/* Generated from $(ASM_OFFSETS_SRC) by the Makefile: do not edit. */'; \
	      awk '$$(ASM_OFFSETS_AWK)' $$@.s; } > $$@.tmp && mv $$@.tmp $$@
$(call kobjs,$(1)): | $(call asm_offsets_h,$(1))
endef
$(foreach v,release test testslow,$(eval $(call asm_offsets_rule,$(v))))

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

# The kernel alone (no modules), e.g. for size checks.
$(BUILD)/kernel.elf: $(call kobjs,release) $(BUILD)/kernel.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) -T $(BUILD)/kernel.ld \
	    -o $@ $(call kobjs,release) -lgcc

$(BUILD)/kernel.ld: linker/kernel.ld.S Makefile mk/kernel.mk kernel/plat/$(PLAT)/config.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DKERNEL_PA=$(PLAT_KERNEL_PA) -DKERNEL_VA=$(KERNEL_VA) $< -o $@

