/*
 * user/t_serial -- terminal input.
 *   t_serial fg WORD   the foreground domain: reads a line, expects WORD
 *   t_serial bg        not foreground: must not get any character
 */
#include <stdio.h>
#include <string.h>
#include <sys/rpc.h>
#include <sys/invoke.h>
#include <sys/systest.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bg") == 0) {
        char c;
        errval_t err = rpc_serial_getchar(get_serial_rpc(), &c);
        return test_report(err == SERIAL_ERR_NOT_FOREGROUND,
                           "a background domain gets no input: %s", err_getcode(err)) ? 0 : 1;
    }
    char line[64];
    size_t n = 0;
    printf("t_serial: ready for input\n");
    for (;;) {
        char c;
        errval_t err = rpc_serial_getchar(get_serial_rpc(), &c);
        if (err == SERIAL_ERR_NOT_FOREGROUND) {
            sys_yield(CPTR_NULL);       /* init is about to hand us the terminal */
            continue;
        }
        if (err_is_fail(err) || c == '\n' || n + 1 == sizeof(line)) {
            break;
        }
        line[n++] = c;
    }
    line[n] = '\0';
    const char *want = argc > 2 ? argv[2] : "";
    return test_report(strcmp(line, want) == 0, "the foreground domain read '%s'", line) ? 0 : 1;
}
