/*
 * include/sprat/syscall.h -- the system call ABI (see docs/syscalls.md).
 *
 * There is one entry point, "svc #0".  On entry:
 *
 *   r0       the system call word (layout below)
 *   r1       SYS_INVOKE: address of the invoked capability
 *            SYS_YIELD:  address of the target dispatcher cap, or CPTR_NULL
 *            SYS_DEBUG_PRINT: user pointer to the text
 *            SYS_RESUME: user pointer to a struct save_area
 *   r2-r12   arguments: up to 11 words (an LMP send puts the address of a
 *            capability to transfer in r2 and the payload in r3-r12)
 *
 * On return:
 *   r0       errval_t (SYS_ERR_OK = 0 on success)
 *   r1-r3    results of invocations that return values
 *   all other registers, sp and lr are preserved.  An LMP send preserves
 *   r1-r12 too (its payload registers), on the fast and the slow path.
 *
 * The system call word (r0):
 *
 *   31      24 23 22 21 20 19  16 15         8 7     4 3     0
 *  +----------+--+--+--+--+------+-------------+-------+-------+
 *  | reserved |GV|NB|SY|CP| len  |   method    | level |  sys  |
 *  +----------+--+--+--+--+------+-------------+-------+-------+
 *
 *   sys     SYS_* below
 *   level   address level of the invoked capability (r1): 2 names a slot
 *           in an L2 CNode (the usual case); 1 names a slot of the root
 *           L1 CNode (an L2CNode capability).  0 means 2.
 *   method  the invocation, numbered per capability type (<sprat/caps.h>);
 *           ignored when invoking an EndPoint (that is always a send)
 *   len     LMP: number of payload words in r3.. (0..LMP_MSG_WORDS)
 *   CP      LMP: r2 holds the address of a capability to transfer
 *   SY      LMP: sync -- yield directly to the receiver (directed yield)
 *   NB      LMP: non-blocking -- never yield, even if SY is set
 *   GV      LMP: give the capability away (move it) instead of copying
 *   reserved  must be zero, else SYS_ERR_INVARGS_SYSCALL
 */
#ifndef SPRAT_SYSCALL_H
#define SPRAT_SYSCALL_H

/* Constants here are also used by assembly (the kernel's fast path),
 * where an unsigned suffix is not allowed. */
#ifdef __ASSEMBLY__
#define SPRAT_U(x)  x
#else
#define SPRAT_U(x)  x##u
#endif

/* System call numbers (bits 3:0). */
#define SYS_NOP             0   /* returns SYS_ERR_OK at once (benchmarks);
                                   method NOP_TIMESTAMP: r1/r2 = the low and
                                   high word of the board's timestamp counter,
                                   r3 = its frequency in Hz */
#define NOP_TIMESTAMP       1
#define NOP_TIMESTAMP_SOURCE 2  /* r1 = what the timestamp counter counts
                                   (TIMESTAMP_SRC_*), r2 = its frequency */
#define TIMESTAMP_SRC_CYCLES 1  /* CPU cycles (PMCCNTR) */
#define TIMESTAMP_SRC_TIMER  2  /* a fixed-frequency board timer */
#define NOP_C_PATH          3   /* nothing, but through the kernel's C
                                   system call path, whose way out loads
                                   TPIDRURO from the dispatcher frame's
                                   thread_pointer (libsys switching threads;
                                   benchmarks); so does any other method.
                                   (The null call itself loads nothing.) */
#define SYS_INVOKE          1   /* invoke the capability in r1 */
#define SYS_YIELD           2   /* give up the CPU, optionally to r1 */
#define SYS_DEBUG_PRINT     3   /* print r2 bytes at user address r1 */
#define SYS_RESUME          4   /* enable, and load the struct save_area at r1 */
#define SYS_COUNT           5

/* The Thumb IT state in a saved CPSR (bits 26:25 and 15:10).  User code
 * cannot restore it itself, so a context that has it is resumed with
 * SYS_RESUME, the way a signal return works elsewhere. */
#define PSR_IT_MASK         SPRAT_U(0x0600fc00)
/* The Thumb bit of a saved CPSR (ARM ARM B1.3.3): the context runs Thumb
 * code, and its pc goes into a branch with bit 0 set (interworking). */
#define PSR_T               SPRAT_U(0x20)

#define SYSW_SYS_SHIFT      0
#define SYSW_SYS_MASK       SPRAT_U(0xf)
#define SYSW_LEVEL_SHIFT    4
#define SYSW_LEVEL_MASK     SPRAT_U(0xf)
#define SYSW_METHOD_SHIFT   8
#define SYSW_METHOD_MASK    SPRAT_U(0xff)
#define SYSW_LEN_SHIFT      16
#define SYSW_LEN_MASK       SPRAT_U(0xf)
#define SYSW_FLAG_CAP       (SPRAT_U(1) << 20)
#define SYSW_FLAG_SYNC      (SPRAT_U(1) << 21)
#define SYSW_FLAG_NONBLOCK  (SPRAT_U(1) << 22)
#define SYSW_FLAG_GIVEAWAY  (SPRAT_U(1) << 23)
#define SYSW_RESERVED_MASK  SPRAT_U(0xff000000)

/* Build a system call word. */
#define SYSW(sys, level, method) \
    (((sys) << SYSW_SYS_SHIFT) | ((level) << SYSW_LEVEL_SHIFT) | \
     ((method) << SYSW_METHOD_SHIFT))

/* Payload words of one LMP message: r3-r12. */
#define LMP_MSG_WORDS       10

/* LMP send flags as the user-level API spells them (same bits). */
#define LMP_FLAG_SYNC       SYSW_FLAG_SYNC
#define LMP_FLAG_NONBLOCK   SYSW_FLAG_NONBLOCK
#define LMP_FLAG_GIVEAWAY   SYSW_FLAG_GIVEAWAY
#define LMP_SEND_FLAGS_DEFAULT  LMP_FLAG_SYNC

/* The longest text SYS_DEBUG_PRINT accepts in one call. */
#define DEBUG_PRINT_MAX     1024

/*
 * SYS_DEBUG_PRINT methods (bits 15:8 of the system call word):
 *   DEBUG_PRINT_TEXT       print the text (bytes other than printable
 *                          ASCII, newline and tab as \xNN)
 *   DEBUG_PRINT_TEST_OK    test builds: the text is a test name; the kernel
 *   DEBUG_PRINT_TEST_FAIL  prints "ok N - name" / "not ok N - name",
 *                          numbering user and in-kernel tests in one TAP
 *                          stream.  (Release builds: SYS_ERR_ILLEGAL_SYSCALL.)
 */
#define DEBUG_PRINT_TEXT        0
#define DEBUG_PRINT_TEST_OK     1
#define DEBUG_PRINT_TEST_FAIL   2

#endif
