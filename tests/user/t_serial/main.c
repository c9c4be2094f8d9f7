/*
 * tests/user/t_serial -- terminal input goes to the foreground domain only,
 * every character exactly once.
 *
 *   t_serial fg WORD LEN   the foreground domain: reads a line that must be
 *                          WORD, then -- after waiting long enough for the
 *                          typed input to pile up far beyond the serial
 *                          driver's ring and the UART's FIFO -- a line that
 *                          must be the digits 0123456789... LEN long
 *   t_serial bg            a background domain: asks for characters all the
 *                          while the foreground domain reads, and must get
 *                          none of them
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/disp.h>
#include <sys/invoke.h>
#include <sys/rpc.h>
#include <systest.h>
#include <if/init.h>
#include <if/serial.h>

#define PILE_UP_SPINS   20000000u   /* ~20 ms of virtual time under icount */

static bool read_line(char *buf, size_t size, size_t *len)
{
    *len = 0;
    for (;;) {
        char c;
        errval_t err = rpc_serial_getchar(get_serial_rpc(), &c);
        if (err_is_fail(err)) {
            printf("t_serial: getchar: %s\n", err_getcode(err));
            return false;
        }
        if (c == '\n') {
            buf[*len] = '\0';
            return true;
        }
        if (*len + 1 < size) {
            buf[(*len)++] = c;
        }
    }
}

static int foreground(const char *word, size_t len)
{
    char *line = malloc(len + 64);
    size_t n;
    printf("t_serial: ready for input\n");
    bool ok = read_line(line, len + 64, &n);
    test_report(ok && strcmp(line, word) == 0, "the foreground domain read '%s'", line);
    for (volatile uint32_t i = 0; i < PILE_UP_SPINS; i++) {
    }
    ok = read_line(line, len + 64, &n) && n == len;
    for (size_t i = 0; ok && i < len; i++) {
        ok = line[i] == '0' + (char)(i % 10);
    }
    return test_report(ok, "%u typed characters, piled up while nobody read, all arrived "
                       "in order, once (got %u)", (unsigned)len, (unsigned)n) ? 0 : 1;
}

/* The other t_serial domain, once it runs. */
static uint32_t find_foreground(void)
{
    for (;;) {
        char *list = NULL;
        if (err_is_ok(rpc_process_list(get_init_rpc(), &list))) {
            for (char *l = strtok(list, "\n"); l; l = strtok(NULL, "\n")) {
                uint32_t id = (uint32_t)strtoul(l, NULL, 10);
                if (strstr(l, " t_serial") && id != disp_domain_id()) {
                    free(list);
                    return id;
                }
            }
        }
        free(list);
        sys_yield(CPTR_NULL);
    }
}

static int background(void)
{
    uint32_t fg = find_foreground();
    unsigned asked = 0, got = 0;
    char *name = NULL;
    while (err_is_ok(rpc_process_get_name(get_init_rpc(), fg, &name))) {
        free(name);
        char c;
        errval_t err = rpc_serial_getchar(get_serial_rpc(), &c);
        asked++;
        got += err_is_ok(err);
        if (err_is_fail(err) && err != SERIAL_ERR_NOT_FOREGROUND) {
            got += 1000;
        }
        sys_yield(CPTR_NULL);
    }
    return test_report(asked > 0 && got == 0, "a background domain asked %u times while the "
                       "foreground one read, and got no character", asked) ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bg") == 0) {
        return background();
    }
    return foreground(argc > 2 ? argv[2] : "", argc > 3 ? (size_t)atoi(argv[3]) : 0);
}
