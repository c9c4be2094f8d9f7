# boot/pandaboard/boot.cmd -- the U-Boot script that starts Sprat.
#
# `make PLAT=pandaboard sdcard` compiles it into boot.scr (mkimage -T
# script) and puts it next to the kernel, sprat.uimg (a legacy uImage), on
# the SD card's FAT partition.  The kernel's file is deliberately not named
# "uImage": that name is what U-Boot SPL's Falcon mode boots directly,
# skipping U-Boot, when the card also holds a file named "args"
# (docs/hardware.md, "The SD card").
# U-Boot finds it without help: on the PandaBoard its default boot command
# ("envboot") loads boot.scr from the SD card and runs it; on QEMU's virt
# board, `make PLAT=virt qemu-uboot` runs this same script, found by
# U-Boot's "distro boot" scan of the disks -- that is how it is tested.
#
# The two set different variables: distro boot says where the script came
# from (devtype, devnum, distro_bootpart), envboot only names the SD card
# (mmcdev).  sprat.uimg is on the same partition as this script.
if test -z "${devtype}"; then
    setenv devtype mmc
    setenv devnum ${mmcdev}
    setenv distro_bootpart 1
fi
echo "Sprat: loading sprat.uimg from ${devtype} ${devnum}:${distro_bootpart}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} sprat.uimg
# bootm copies the kernel to its load address, cleans and turns off the
# caches (on the OMAP4 the L2 too) and the MMU, and jumps to it the Linux
# way: r0 = 0, r1 = machine type, r2 = a device tree -- U-Boot's own.
bootm ${kernel_addr_r} - ${fdtcontroladdr}
echo "Sprat: bootm returned; the uImage could not be started"
