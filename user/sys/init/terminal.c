/*
 * user/sys/init/terminal.c -- the terminal: init starts the shell
 * (user/sys/shell) and makes it the terminal's home, and stops the
 * foreground domain on Ctrl-C (docs/rpc.md, section 8).
 *
 * Ctrl-C while another domain holds the terminal never reaches the
 * shell's line editor: the serial driver sees the byte in its interrupt
 * handler and answers our interrupt thread's SERIAL_INTERRUPT_WAIT call
 * with the foreground domain's id.  init, not the shell, waits for it:
 * the shell may itself be stuck (in PROCESS_WAIT for the very domain to
 * stop), and only init may ask the serial driver (SERIAL_ERR_NOT_INIT).
 * The thread kills the domain the way the shell's `kill` does, so a
 * domain that spins or waits in an RPC stops all the same, and its memory
 * and channels come back; the serial driver gives the terminal back to
 * the shell when the domain is gone.
 */
#include <stdio.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <if/serial.h>
#include "init.h"

static int interrupts(void *arg)
{
    struct rpc_chan *serial = arg;
    for (;;) {
        uint32_t id;
        errval_t err = rpc_serial_interrupt_wait(serial, &id);
        if (err_is_fail(err)) {
            /* Only if the driver is gone (or refuses us): no terminal. */
            DEBUG_ERR(err, "waiting for Ctrl-C");
            return 1;
        }
        printf("^C\n");
        kill_domain(id);        /* it may have ended meanwhile: nothing to do */
    }
    return 0;
}

/* A channel of its own: its call waits until the next Ctrl-C. */
void terminal_interrupts_start(void)
{
    struct rpc_chan *serial;
    errval_t err = rpc_connect("serial", &serial);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "connecting to the serial driver for Ctrl-C");
        return;
    }
    thread_create(interrupts, serial);
}

void terminal_start_shell(void)
{
    if (get_serial_rpc() == NULL) {
        printf("init: no serial driver, so no terminal: no shell\n");
        return;
    }
    char *argv[] = { "shell", NULL };
    uint32_t id;
    errval_t err = start_domain(1, argv, START_SYSTEM, NULL, 0, &id);
    if (err_is_fail(err)) {
        printf("init: cannot start the shell: %s\n", err_getstring(err));
        return;
    }
    thread_mutex_lock(&lock);
    shell_id = id;
    thread_mutex_unlock(&lock);
    set_home(id);
}
