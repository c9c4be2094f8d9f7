/*
 * tests/user/t_fault -- a domain that does something fatal (argv[1] says what),
 * for the test that the kernel reports and removes it while the rest of
 * the system goes on:
 *   null      write to address 0 (the unmapped guard below the image)
 *   undef     execute a permanently undefined instruction
 *   rotext    write to its own code: the first word of the image
 *   jump      call a function at address 0 (a prefetch abort)
 *   disabled  read address 0 while the dispatcher is disabled: no upcall
 *             can be made, the kernel stops it at once
 *   forge     try to make the test harness see a kernel panic that never
 *             happened: print "PANIC at ..." lines, ask QEMU (semihosting,
 *             from user mode) to exit with the kernel's panic status, then
 *             fault with a name that holds a newline and a panic line
 *             (docs/reliability.md, "The kernel under attack")
 * "trap" instead handles its own undefined instruction through the trap
 * upcall and exits normally.
 */
#include <stdio.h>
#include <string.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <systest.h>
#include <sprat/vm_layout.h>

/* QEMU's status after a kernel panic (kernel/include/semihosting.h). */
#define FORGED_PANIC_STATUS 3

static void forge_panic(void)
{
    static const uint32_t exit_block[2] = { 0x20026, FORGED_PANIC_STATUS };
    register uint32_t r0 __asm__("r0") = 0x20;    /* SYS_EXIT_EXTENDED */
    register uint32_t r1 __asm__("r1") = (uint32_t)exit_block;

    printf("\nPANIC at kernel/cap.c:1: forged by a domain's output\n");
    fflush(stdout);
    /* From user mode QEMU does not take this as semihosting: it is an
     * ordinary system call (word 0x20: a null call). */
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    printf("t_fault: semihosting from user mode did nothing (r0 = %u)\n", (unsigned)r0);
    memcpy(disp_shared()->name, "\nPANIC at kernel/cap.c:1: forged", DISP_NAME_LEN);
    *(volatile int *)0 = 1;
}

static int skip_instruction(struct save_area *ctx)
{
    ctx->pc += (ctx->cpsr & (1u << 5)) ? 2 : 4;
    return 1;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "null";

    printf("t_fault: about to %s\n", what);
    if (strcmp(what, "null") == 0) {
        *(volatile int *)0 = 1;
    } else if (strcmp(what, "undef") == 0) {
        __asm__ volatile(".word 0xe7f000f0");       /* permanently undefined */
    } else if (strcmp(what, "rotext") == 0) {
        *(volatile int *)USER_IMAGE_BASE = 0;
    } else if (strcmp(what, "jump") == 0) {
        void (*volatile nowhere)(void) = NULL;
        nowhere();
    } else if (strcmp(what, "disabled") == 0) {
        disp_disable();
        (void)*(volatile int *)0;
    } else if (strcmp(what, "forge") == 0) {
        forge_panic();
    } else if (strcmp(what, "trap") == 0) {
        disp_set_trap_handler(skip_instruction);
        __asm__ volatile(".word 0xe7f000f0");
        return test_report(true, "trap upcall: the domain handled its undefined instruction")
                   ? 0 : 1;
    }
    printf("t_fault: still alive?\n");
    return 1;
}
