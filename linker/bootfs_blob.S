/*
 * linker/bootfs_blob.S -- puts a bootfs archive (built by
 * scripts/mkbootfs.py) into the image's .bootfs section.  Assembled once per
 * boot image with -DBOOTFS_FILE="path/to/archive".
 */
    .section .bootfs, "a"
    .incbin BOOTFS_FILE
