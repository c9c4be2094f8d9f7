/*
 * tests/user/t_switch -- the user-visible CPU state that belongs to a domain
 * does not cross a switch (docs/dispatch.md, section 4): the exclusive
 * monitor, TPIDRURW, and TEEHBR (closed to user mode).
 *
 * Started as "t_switch", it spawns itself as "t_switch child" and waits
 * for it.  Both are the same program, so a static variable has the same
 * virtual address in both -- just what an ldrex in one domain and a strex
 * in another need to pair up if the kernel does not clear the exclusive
 * monitor on a switch (QEMU models the monitor by address and value; an
 * exception return alone does not clear it).
 *
 *   parent: TPIDRURW = its secret; an ldrex/yield/strex pair must fail;
 *           ldrex on `pairing` and spawn the child; afterwards its
 *           TPIDRURW must still be its own;
 *   child:  TPIDRURW must read 0 (a new dispatcher's), not the parent's
 *           secret; a strex on `pairing` with no ldrex of its own must
 *           fail; its own TPIDRURW must survive many switches; TEEHBR,
 *           which the parent tried to write, must be closed (a trap).
 */
#include <stdio.h>
#include <string.h>
#include <sys/disp.h>
#include <sys/invoke.h>
#include <sys/rpc.h>
#include <systest.h>
#include <if/init.h>

#define PARENT_SECRET   0x5ec7e7a1u
#define CHILD_VALUE     0xc41d0b0bu

static volatile uint32_t own;       /* the parent's own ldrex/strex pair */
static volatile uint32_t pairing;   /* ldrex in the parent, strex in the child */

static inline uint32_t ldrex(volatile uint32_t *p)
{
    uint32_t v;
    __asm__ volatile("ldrex %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

/* 0: stored; 1: the monitor said no. */
static inline uint32_t strex(volatile uint32_t *p, uint32_t v)
{
    uint32_t failed;
    __asm__ volatile("strex %0, %2, [%1]" : "=&r"(failed) : "r"(p), "r"(v) : "memory");
    return failed;
}

static inline uint32_t tpidrurw_read(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 2" : "=r"(v));
    return v;
}

static inline void tpidrurw_write(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c13, c0, 2" :: "r"(v));
}

/* The trap upcall's handler: an instruction user mode may not execute
 * (a TEEHBR access after the kernel closed it) is counted and skipped. */
static volatile unsigned traps;

static int skip_instruction(struct save_area *ctx)
{
    traps++;
    ctx->pc += 4;
    return 1;
}

static inline uint32_t teehbr_read(void)
{
    uint32_t v = 0;
    __asm__ volatile("mrc p14, 6, %0, c1, c0, 0" : "+r"(v));
    return v;
}

static inline void teehbr_write(uint32_t v)
{
    __asm__ volatile("mcr p14, 6, %0, c1, c0, 0" :: "r"(v));
}

/* A VFP instruction: only possible if the kernel granted CP10/CP11. */
static inline void vfp_touch(void)
{
    uint32_t v = 0;
    __asm__ volatile(".fpu vfpv3\n\tvmrs %0, fpscr" : "+r"(v));
}

static int child(void)
{
    uint32_t first = tpidrurw_read();
    test_report(first == 0, "t_switch child: TPIDRURW starts at 0, not another "
                "domain's value (%#lx)", (unsigned long)first);

    /* The parent's last exclusive access was an ldrex of `pairing`. */
    uint32_t failed = strex(&pairing, 0x1234);
    test_report(failed == 1, "t_switch child: a strex without an ldrex of its own "
                "fails after a switch (it must not pair with the parent's)");

    /* TEEHBR (ThumbEE): closed to user mode, so nothing crosses in it. */
    disp_set_trap_handler(skip_instruction);
    uint32_t tee = teehbr_read();
    test_report(traps == 1 && tee != PARENT_SECRET, "t_switch child: TEEHBR is closed to "
                "user mode (%u traps; it read %#lx)", traps, (unsigned long)tee);
    /* VFP is never granted, so its registers need no switching. */
    vfp_touch();
    test_report(traps == 2, "t_switch child: VFP is closed to user mode (%u traps)", traps);
    disp_set_trap_handler(NULL);

    tpidrurw_write(CHILD_VALUE);
    for (int i = 0; i < 20; i++) {
        sys_yield(CPTR_NULL);
    }
    test_report(tpidrurw_read() == CHILD_VALUE,
                "t_switch child: its TPIDRURW survives 20 yields (%#lx)",
                (unsigned long)tpidrurw_read());
    return 0;
}

static int parent(void)
{
    struct rpc_chan *init = get_init_rpc();

    tpidrurw_write(PARENT_SECRET);
    disp_set_trap_handler(skip_instruction);
    teehbr_write(PARENT_SECRET);        /* trapped and skipped, if closed */
    disp_set_trap_handler(NULL);

    /* The test can see a pair succeed: without a switch it does. */
    ldrex(&own);
    test_report(strex(&own, 1) == 0, "t_switch: ldrex/strex without a switch succeeds");
    ldrex(&own);
    sys_yield(CPTR_NULL);
    test_report(strex(&own, 2) == 1, "t_switch: an ldrex/strex pair broken by a "
                "switch fails");

    uint32_t id = 0;
    int status = -1;
    ldrex(&pairing);
    errval_t err = rpc_process_spawn(init, "t_switch", "child", &id);
    ldrex(&pairing);
    if (err_is_ok(err)) {
        err = rpc_process_wait(init, id, &status);
    }
    test_report(err_is_ok(err) && status == 0, "t_switch: the child ran (%s, status %d)",
                err_getcode(err), status);
    test_report(tpidrurw_read() == PARENT_SECRET,
                "t_switch: TPIDRURW is still this domain's after the child wrote its own "
                "(%#lx)", (unsigned long)tpidrurw_read());
    return 0;
}

int main(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "child") == 0 ? child() : parent();
}
