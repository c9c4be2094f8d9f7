# mk/uboot.mk -- U-Boot boards: uImage, boot script, SD card, QEMU's U-Boot, JTAG.
# (included by the top-level Makefile, which sets PLAT, BUILD and the
# tool variables; `make help` lists the targets).

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

