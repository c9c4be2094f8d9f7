/*
 * tests/user/t_print -- prints 40 lines of 60 copies of one letter (argv[1]),
 * handing the CPU to the others after every line, so that four of these
 * run at once; their lines must never mix.  argv[2] says how each line
 * goes out:
 *   lines    printf: one whole line per SERIAL_WRITE
 *   halves   two halves, the first flushed on its own (an unfinished line)
 *   chars    rpc_serial_putchar, one character per call, yielding inside
 */
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <sys/rpc.h>

#define LINES   40
#define WIDTH   60

int main(int argc, char **argv)
{
    char c = argc > 1 ? argv[1][0] : 'X';
    const char *how = argc > 2 ? argv[2] : "lines";
    char line[WIDTH + 1];
    memset(line, c, WIDTH);
    line[WIDTH] = '\0';
    for (int i = 0; i < LINES; i++) {
        if (strcmp(how, "chars") == 0) {
            for (int j = 0; j < WIDTH; j++) {
                rpc_serial_putchar(get_serial_rpc(), c);
                if (j % 16 == 0) {
                    sys_yield(CPTR_NULL);
                }
            }
            rpc_serial_putchar(get_serial_rpc(), '\n');
        } else if (strcmp(how, "halves") == 0) {
            printf("%.*s", WIDTH / 2, line);
            fflush(stdout);
            sys_yield(CPTR_NULL);
            printf("%s\n", line + WIDTH / 2);
        } else {
            printf("%s\n", line);
        }
        sys_yield(CPTR_NULL);
    }
    return 0;
}
