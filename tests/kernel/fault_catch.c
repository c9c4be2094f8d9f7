/*
 * tests/kernel/fault_catch.c -- recovering from a fault a test provoked on
 * purpose (see fault_catch.h).
 */
#include <kernel.h>
#include <fault_catch.h>
#include <arch/armv7.h>
#include <arch/trap.h>

/* Callee-saved registers, sp and lr of the fault_catch() caller:
 * r4-r11, sp, lr (fault_catch_asm.S). */
struct fault_jmp {
    uint32_t regs[10];
};

int fault_catch_setjmp(struct fault_jmp *jb);
NORETURN void fault_catch_longjmp(struct fault_jmp *jb, int val);
void fault_catch_landing(void);

static struct fault_jmp catch_jmp;
static volatile bool catch_armed;
static struct fault_info caught;

bool fault_catch(struct fault_info *fi, void (*fn)(void *), void *arg)
{
    if (fault_catch_setjmp(&catch_jmp) != 0) {
        /* Back from the fault handler via fault_catch_landing. */
        catch_armed = false;
        *fi = caught;
        return true;
    }
    catch_armed = true;
    fn(arg);
    catch_armed = false;
    return false;
}

bool fault_catch_take(struct trap_frame *tf, const struct fault_info *fi)
{
    if (!catch_armed) {
        return false;
    }
    catch_armed = false;
    caught = *fi;
    kprintf("(fault expected by a test: recovering)\n");
    /* Resume in SVC mode, interrupts masked, at the landing pad, which
     * longjmps back into fault_catch(). */
    tf->pc = (uint32_t)fault_catch_landing;
    tf->r[0] = (uint32_t)&catch_jmp;
    tf->cpsr = MODE_SVC | PSR_I | PSR_F | PSR_A;
    return true;
}
