/*
 * libsys/stdio.c -- picolibc's stdin/stdout/stderr for Sprat domains.
 *
 * Output is collected per line (per thread) and written a line at a time
 * (SYS_DEBUG_PRINT, or the serial driver once there is one: see
 * stdio_set_backend), so lines from different domains never mix.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sys/stdio_backend.h>

#define LINE_MAX_BYTES 256
#define LINE_BUFFERS   8

/* Each thread collects its own line: two threads printing at once do not
 * mix inside a line either.  A buffer belongs to a thread only while it
 * holds part of a line; the thread's id goes with what it writes, so that
 * the serial driver keeps an unfinished line (a prompt) apart too. */
struct line_buf {
    struct thread *owner;
    size_t len;
    char text[LINE_MAX_BYTES];
};

static struct line_buf lines[LINE_BUFFERS];
static const struct stdio_backend *backend;

static void kernel_write(uint32_t stream, const char *buf, size_t len)
{
    (void)stream;
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

/* The stream number of l's text: its thread's. */
static uint32_t stream_of(const struct line_buf *l)
{
    return l->owner ? thread_id(l->owner) : 0;
}

static void flush_line(struct line_buf *l)
{
    if (l->len > 0) {
        backend->write(stream_of(l), l->text, l->len);
        l->len = 0;
    }
}

/* The calling thread's line (lock held); when all are taken, the first
 * is flushed early and handed over. */
static struct line_buf *my_line(void)
{
    struct thread *me = thread_self();
    struct line_buf *free_buf = NULL;
    for (unsigned i = 0; i < LINE_BUFFERS; i++) {
        if (lines[i].len > 0 && lines[i].owner == me) {
            return &lines[i];
        }
        if (lines[i].len == 0 && free_buf == NULL) {
            free_buf = &lines[i];
        }
    }
    if (free_buf == NULL) {
        free_buf = &lines[0];
        flush_line(free_buf);
    }
    free_buf->owner = me;
    return free_buf;
}

/* One line at a time, whole: the line buffers have a lock of their own
 * (the backend may be an RPC, which must not run disabled). */
static struct thread_mutex line_lock = THREAD_MUTEX_INITIALIZER;

static int sys_putc(char c, FILE *f)
{
    (void)f;
    thread_mutex_lock(&line_lock);
    struct line_buf *l = my_line();
    l->text[l->len++] = c;
    if (c == '\n' || l->len == LINE_MAX_BYTES) {
        flush_line(l);
    }
    thread_mutex_unlock(&line_lock);
    return (unsigned char)c;
}

errval_t stdio_put_through(char c, stdio_write_fn out, void *arg)
{
    thread_mutex_lock(&line_lock);
    struct line_buf *l = my_line();
    if (l->len == LINE_MAX_BYTES) {
        flush_line(l);
    }
    l->text[l->len++] = c;
    errval_t err = out(arg, stream_of(l), l->text, l->len);
    if (err_is_ok(err)) {
        l->len = 0;
    } else {
        l->len--;                   /* c is not written; the rest stays */
    }
    thread_mutex_unlock(&line_lock);
    return err;
}

/* fflush(stdout): the calling thread's line; at exit (libsys_stdio_flush
 * from disp_exit), everyone's. */
static void flush(bool all)
{
    thread_mutex_lock(&line_lock);
    for (unsigned i = 0; i < LINE_BUFFERS; i++) {
        if (all || lines[i].owner == thread_self()) {
            flush_line(&lines[i]);
        }
    }
    thread_mutex_unlock(&line_lock);
}

static int sys_getc(FILE *f)
{
    (void)f;
    flush(false);                   /* a prompt appears before we wait */
    int c = backend->read_char();
    return c < 0 ? _FDEV_EOF : c;
}

static int sys_flush(FILE *f)
{
    (void)f;
    flush(false);
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
    flush(true);
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
