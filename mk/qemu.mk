# mk/qemu.mk -- running in QEMU: make qemu, make debug, make gdb.
# (included by the top-level Makefile, which sets PLAT, BUILD and the
# tool variables; `make help` lists the targets).

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

