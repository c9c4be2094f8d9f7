# mk/images.mk -- boot images: a kernel variant, a boot list and the programs it names.
# (included by the top-level Makefile, which sets PLAT, BUILD and the
# tool variables; `make help` lists the targets).

# A boot image is one kernel variant plus a bootfs archive of modules (the
# boot list and the user programs it names), linked into one ELF file.
#   $(call image_rule,NAME,KERNEL_VARIANT,BOOTLIST[,EXTRA])
# BOOTLIST "-" makes a kernel-only image; EXTRA adds NAME=PATH modules.
# The modules are BOOT_MODULES and every program the boot list names.
# make does not read boot lists: scripts/mkbootfs.py does, and writes
# which programs an image needs into $(BUILD)/images/NAME.bootfs.deps,
# included below (remade, and make restarted, when the boot list changes).
# The release image (make qemu) boots the release init and the shell; every
# other image the test build of init (tests/user/init_test, mk/user.mk) as its "init".
BOOT_MODULES := memserv serial hello
RELEASE_IMAGES := sprat
boot_init = $(if $(filter $(1),$(RELEASE_IMAGES)),--module init --module shell,init=$(BUILD)/user/init_test.elf)
MKBOOTFS = $(PYTHON) scripts/mkbootfs.py -o $(BUILD)/images/$(1).bootfs --bootlist $(2) \
    --programs $(BUILD)/user $(addprefix --module ,$(BOOT_MODULES)) $(call boot_init,$(1))
# Goals that need no image: make reads no boot list for them.
NO_IMAGE_GOALS := clean help deps
need_images := $(filter-out $(NO_IMAGE_GOALS),$(or $(MAKECMDGOALS),all))

define image_rule
ifeq ($(3),-)
$(BUILD)/images/$(1).bootfs: scripts/mkbootfs.py mk/images.mk
	@mkdir -p $$(dir $$@)
	$(Q)$(PYTHON) scripts/mkbootfs.py -o $$@ --bootlist /dev/null $(4)
else
$(BUILD)/images/$(1).bootfs.deps: $(3) scripts/mkbootfs.py mk/images.mk
	@mkdir -p $$(dir $$@)
	$(Q)$(call MKBOOTFS,$(1),$(3)) --deps-only --depfile $$@
$(BUILD)/images/$(1).bootfs: $(BUILD)/images/$(1).bootfs.deps
	@echo "  BOOTFS  $$@"
	$(Q)$(call MKBOOTFS,$(1),$(3)) $(4)
ifneq ($(need_images),)
-include $(BUILD)/images/$(1).bootfs.deps
endif
endif
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
$(eval $(call image_rule,usertest,test,tests/qemu/usertest.bootlist))
$(eval $(call image_rule,msgtest,test,tests/qemu/msgtest.bootlist))
$(eval $(call image_rule,usertest-slow,testslow,tests/qemu/usertest.bootlist))
$(eval $(call image_rule,msgtest-slow,testslow,tests/qemu/msgtest.bootlist))
$(eval $(call image_rule,benchsmoke,test,tests/qemu/benchsmoke.bootlist))
$(eval $(call image_rule,hostile,test,tests/qemu/hostile.bootlist))
# Domains on the second core (boards with two: tests/qemu/cores.cfg).
$(eval $(call image_rule,cores,test,tests/qemu/cores.bootlist))
# Core 1's init dies; the shell goes on (tests/qemu/coredown.cfg), and a
# call through the relays ends (tests/qemu/relaydown.cfg).
$(eval $(call image_rule,coredown,test,tests/qemu/coredown.bootlist))
$(eval $(call image_rule,relaydown,test,tests/qemu/relaydown.bootlist))
# The kernel under attack: the system call fuzzer and the fault storm with
# fixed seeds (`make fuzz` runs them long: below).
$(eval $(call image_rule,fuzz,test,tests/qemu/fuzz.bootlist))
$(eval $(call image_rule,fuzz-slow,testslow,tests/qemu/fuzz.bootlist))
# Kernel-only, with an empty module "panic": the test kernel panics on
# purpose after its tests (the test of panic() itself).
$(eval $(call image_rule,panictest,test,-,panic=/dev/null))
QEMU_TESTS := sprat=$(SPRAT_IMAGE) ktest=$(BUILD)/images/ktest.elf \
              panictest=$(BUILD)/images/panictest.elf \
              usertest=$(BUILD)/images/usertest.elf msgtest=$(BUILD)/images/msgtest.elf \
              usertest-slow=$(BUILD)/images/usertest-slow.elf \
              msgtest-slow=$(BUILD)/images/msgtest-slow.elf \
              benchsmoke=$(BUILD)/images/benchsmoke.elf \
              hostile=$(BUILD)/images/hostile.elf cores=$(BUILD)/images/cores.elf \
              coredown=$(BUILD)/images/coredown.elf relaydown=$(BUILD)/images/relaydown.elf \
              fuzz=$(BUILD)/images/fuzz.elf fuzz-slow=$(BUILD)/images/fuzz-slow.elf

# make bench: the benchmark image with the fast path and without it.
$(eval $(call image_rule,bench,test,tests/qemu/bench.bootlist))
$(eval $(call image_rule,bench-slow,testslow,tests/qemu/bench.bootlist))
BENCH_IMAGES := $(BUILD)/images/bench.elf $(BUILD)/images/bench-slow.elf
TEST_IMAGES := $(foreach t,$(QEMU_TESTS),$(word 2,$(subst =, ,$(t))))

images: $(SPRAT_IMAGE) $(TEST_IMAGES)

