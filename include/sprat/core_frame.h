/*
 * include/sprat/core_frame.h -- the one part of the core frame (the page
 * the inits of all cores share, TASKCN_SLOT_COREFRAME) that a kernel
 * writes: each core's "init died" word (docs/multikernel.md, section 4,
 * the frame's drawing, and section 7.1, "When a core's init dies").
 *
 * The rest of the page is the inits' (their channels:
 * user/sys/init/cores.c).  A core's init is the only domain there that
 * nobody watches -- its death notice has no endpoint to go to -- so its
 * kernel says it here, where the other cores' inits look whenever they
 * would wait for it: it sets the word of its own core (after a DMB, so
 * that init's last messages come first), raises the wake SGI on the
 * other cores, and, on a core other than the boot core, stops
 * (smp_dispatcher_stopped() in kernel/smp.c).  The word is never cleared: a
 * core's init is started once.
 */
#ifndef SPRAT_CORE_FRAME_H
#define SPRAT_CORE_FRAME_H

/* One cache line per core from here, its first word nonzero once that
 * core's init has died (0xe00: past the inits' channels, which end at
 * 0xdff). */
#define CORE_FRAME_DOWN_OFFSET  0xe00u
#define CORE_FRAME_DOWN_STRIDE  32u
#define CORE_FRAME_DOWN_WORD(core) \
    (CORE_FRAME_DOWN_OFFSET + (unsigned)(core) * CORE_FRAME_DOWN_STRIDE)

#endif
