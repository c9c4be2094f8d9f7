# mk/tests.mk -- make test (host unit tests, the QEMU suite, the checks), make
# fuzz, make bench.
# (included by the top-level Makefile, which sets PLAT, BUILD and the
# tool variables; `make help` lists the targets).

# --- tests --------------------------------------------------------------------
# Host unit tests: the same C files the kernel and libsys use, compiled for the
# build machine with AddressSanitizer and UBSan, driven by cmocka.
# kernel/include comes after the C library's headers (-idirafter: its
# syscall.h must not hide the C library's), which makes it a "system"
# directory -- so -MD, not -MMD: -MMD would leave out every kernel header,
# and everything they include, and a changed header would not rebuild.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DHOST_TEST=1 -Itests/host -Iinclude -Ifreestanding/include -Ilibsys/include -idirafter kernel/include \
    -idirafter kernel/arch/armv7/include -MD -MP
HOST_LDLIBS := -lcmocka

# Every tests/host/test_<name>.c is one test program, host/test_<name>;
# the files it tests are named on a line of its header comment,
#    * sources: kernel/cap.c kernel/cnode.c
# and linked with it.  (The fake CP15, tests/host/fake_cp15.c, records
# cache/TLB maintenance for the tests that name it.)
HOST_TESTS := $(patsubst tests/host/test_%.c,%,$(wildcard tests/host/test_*.c))
HOST_TEST_BINS := $(patsubst %,$(HOSTBUILD)/test_%,$(HOST_TESTS))
host_test_srcs = $(shell sed -n 's/^ \* sources: //p' tests/host/test_$(1).c)
# vnode.c's <arch/vm.h> needs a RAM base; the host's is only a number.
$(HOSTBUILD)/obj/kernel/vnode.o: HOST_CFLAGS += -DPLAT_RAM_BASE=0x80000000u \
    -DPLAT_RAM_SIZE=0x10000000u

host_test_objs = $(patsubst %.c,$(HOSTBUILD)/obj/%.o,tests/host/test_$(1).c $(call host_test_srcs,$(1)))
define host_test_rule
$(HOSTBUILD)/test_$(1): $(call host_test_objs,$(1))
	@echo "  HOSTLD  $$@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $$@ $$^ $(HOST_LDLIBS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

$(HOSTBUILD)/obj/%.o: %.c Makefile mk/tests.mk
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
    --image $(BUILD)/images/usertest.elf --init $(BUILD)/user/init_test.elf \
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

