/*
 * user/sys/shell/line_edit.h -- the prompt's line editor and history, pure
 * logic (no I/O of its own): keys in, echo out (docs/rpc.md, section 8).
 * shell.c feeds it the characters the serial driver delivers; the host
 * test tests/host/test_line_edit.c feeds it strings.
 */
#ifndef INIT_LINE_EDIT_H
#define INIT_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_EDIT_BYTES     128     /* a line: at most LINE_EDIT_BYTES - 1 */
#define LINE_EDIT_HISTORY   8       /* lines up/down can bring back */

#define KEY_CTRL_C          0x03
#define KEY_CTRL_H          0x08
#define KEY_CTRL_U          0x15
#define KEY_ESC             0x1b
#define KEY_DEL             0x7f    /* what terminals send for backspace */

struct line_history {
    char lines[LINE_EDIT_HISTORY][LINE_EDIT_BYTES];
    unsigned count;                 /* lines ever kept; the last HISTORY remain */
};

struct line_edit {
    char buf[LINE_EDIT_BYTES];      /* the line, NUL-terminated when done */
    size_t n;                       /* characters in buf */
    unsigned recall;                /* the history line shown; count: none */
    int esc;                        /* where in an escape sequence we are */
    struct line_history *history;
    /* What to show the user (the echo). */
    void (*echo)(const char *s, size_t len, void *arg);
    void *echo_arg;
};

enum line_edit_result {
    LINE_EDIT_MORE,                 /* the line goes on */
    LINE_EDIT_DONE,                 /* Enter: buf holds the line (kept in history) */
    LINE_EDIT_DROPPED,              /* Ctrl-C: buf holds "" */
};

/* A fresh line. */
void line_edit_start(struct line_edit *e, struct line_history *h,
                     void (*echo)(const char *s, size_t len, void *arg), void *echo_arg);
/* One key (a byte from the terminal; CR already turned into '\n'). */
enum line_edit_result line_edit_key(struct line_edit *e, int c);

#endif
