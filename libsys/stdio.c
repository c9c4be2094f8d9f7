/*
 * libsys/stdio.c -- picolibc's stdin/stdout/stderr for Sprat domains.
 *
 * Output is collected per line and written with one system call per line
 * (SYS_DEBUG_PRINT, or the serial driver once a domain has bound to it:
 * see stdio_set_backend), so lines from different domains never mix.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sys/stdio_backend.h>

#define LINE_MAX_BYTES 256

static char line[LINE_MAX_BYTES];
static size_t line_len;
static const struct stdio_backend *backend;

static void kernel_write(const char *buf, size_t len)
{
    sys_debug_print(buf, len);
}

static int no_getc(void)
{
    return -1;
}

static const struct stdio_backend kernel_backend = { kernel_write, no_getc };

void stdio_set_backend(const struct stdio_backend *b)
{
    backend = b ? b : &kernel_backend;
}

static void flush_line(void)
{
    if (line_len > 0) {
        backend->write(line, line_len);
        line_len = 0;
    }
}

/* One line at a time, whole: the line buffer has a lock of its own (the
 * backend may be an RPC, which must not run disabled). */
static struct thread_mutex line_lock = THREAD_MUTEX_INITIALIZER;

static int sys_putc(char c, FILE *f)
{
    (void)f;
    thread_mutex_lock(&line_lock);
    line[line_len++] = c;
    if (c == '\n' || line_len == LINE_MAX_BYTES) {
        flush_line();
    }
    thread_mutex_unlock(&line_lock);
    return (unsigned char)c;
}

static int sys_getc(FILE *f)
{
    (void)f;
    libsys_stdio_flush();           /* a prompt appears before we wait */
    int c = backend->read_char();
    return c < 0 ? _FDEV_EOF : c;
}

static int sys_flush(FILE *f)
{
    (void)f;
    libsys_stdio_flush();
    return 0;
}

static FILE stdio_stream = FDEV_SETUP_STREAM(sys_putc, sys_getc, sys_flush,
                                             _FDEV_SETUP_RW);
FILE *const stdin = &stdio_stream;
FILE *const stdout = &stdio_stream;
FILE *const stderr = &stdio_stream;

void libsys_stdio_init(void)
{
    backend = &kernel_backend;
}

void libsys_stdio_flush(void)
{
    thread_mutex_lock(&line_lock);
    flush_line();
    thread_mutex_unlock(&line_lock);
}

bool stdio_read_line(char *buf, size_t size)
{
    size_t n = 0;
    for (;;) {
        int c = getchar();
        if (c == EOF) {
            return false;
        }
        if (c == '\n') {
            putchar('\n');
            break;
        }
        if ((c == 127 || c == '\b') && n > 0) {
            n--;
            printf("\b \b");          /* rub the character out */
        } else if (isprint(c) && n + 1 < size) {
            buf[n++] = (char)c;
            putchar(c);
        }
        fflush(stdout);
    }
    buf[n] = '\0';
    return true;
}
