/*
 * user/sys/init/core_msg.h -- the messages the inits of two cores exchange
 * over their UMP channel (user/sys/init/cores.c; docs/multikernel.md).  Word
 * 0 of every message is one of these.
 */
#ifndef INIT_CORE_MSG_H
#define INIT_CORE_MSG_H

enum core_msg {
    CORE_MSG_ECHO = 1,      /* seq -> the same back */
    CORE_MSG_COUNT,         /* seq: one of a stream, read slowly, no reply */
    CORE_MSG_COUNT_END,     /* -> COUNT_END, messages seen, out of order */
    CORE_MSG_SINK,          /* seq: one of a stream, read at once, no reply
                               (make bench: tests/user/init_test/cores_bench.c) */
    CORE_MSG_SPIN,          /* 1: poll without sleeping, 0: sleep again -> SPIN */
    CORE_MSG_FAULT,         /* -> FAULT, then the other init faults */
    /* Capabilities crossing cores (tests/user/init_test/cores_xcap.c): */
    CORE_MSG_XCAP_FRAME,    /* -> XCAP_FRAME, error, description: a frame of
                               core 1's RAM holding a pattern, exported */
    CORE_MSG_XCAP_SEEN,     /* -> XCAP_SEEN, answer seen (0/1), its revoke's
                               error, importing it back's error */
    CORE_MSG_XCAP_RAM,      /* description of core 0's RAM -> XCAP_RAM, the
                               import's, retype's, map's errors, pattern
                               read back (0/1), the revoke's error */
    CORE_MSG_DONE,          /* -> DONE, 1 once the other core's boot-list
                               lines ("@core N") have run and their domains
                               ended, else 0 (a test image's end) */
    CORE_MSG_RPC_BACK,      /* -> RPC_BACK, failed calls, the core the boot
                               core's init says it runs on: the other init
                               calls this one over cores_rpc (tests) */
    CORE_MSG_WAKES,         /* -> WAKES, wake SGIs raised since the last WAKES */
};

#endif
