/*
 * user/sys/shell/line_edit.c -- the prompt's line editor and history (see
 * line_edit.h; docs/rpc.md, section 8).
 *
 * The cursor is always at the end of the line, so every edit is "rub out
 * characters at the end, then print new ones": "\b \b" per character,
 * which any terminal understands and which keeps the serial driver's copy
 * of the unfinished line (what it redraws after background output) equal
 * to what the screen shows.
 *
 * Escape sequences (VT100 cursor keys) come one byte at a time:
 *   ESC [ A / ESC O A   up        ESC [ B / ESC O B   down
 * anything else of the form ESC [ params final (left, right, delete:
 * "ESC [ 3 ~") is read to its final byte and ignored.
 */
#include <string.h>
#include "line_edit.h"

enum { ESC_NONE, ESC_SEEN, ESC_CSI };

static void echo(struct line_edit *e, const char *s, size_t len)
{
    e->echo(s, len, e->echo_arg);
}

static const char *history_at(const struct line_history *h, unsigned i)
{
    return h->lines[i % LINE_EDIT_HISTORY];
}

static unsigned history_oldest(const struct line_history *h)
{
    return h->count > LINE_EDIT_HISTORY ? h->count - LINE_EDIT_HISTORY : 0;
}

/* Not an empty line, nor the same line again. */
static void history_add(struct line_history *h, const char *line)
{
    if (line[0] && (h->count == 0 || strcmp(history_at(h, h->count - 1), line) != 0)) {
        strcpy(h->lines[h->count % LINE_EDIT_HISTORY], line);   /* both LINE_EDIT_BYTES */
        h->count++;
    }
}

void line_edit_start(struct line_edit *e, struct line_history *h,
                     void (*echo_fn)(const char *s, size_t len, void *arg), void *echo_arg)
{
    e->n = 0;
    e->buf[0] = '\0';
    e->esc = ESC_NONE;
    e->history = h;
    e->recall = h->count;
    e->echo = echo_fn;
    e->echo_arg = echo_arg;
}

static void rub_out(struct line_edit *e, size_t count)
{
    for (; count > 0 && e->n > 0; count--, e->n--) {
        echo(e, "\b \b", 3);
    }
}

static void replace(struct line_edit *e, const char *text)
{
    rub_out(e, e->n);
    e->n = strlen(text);            /* history lines fit: LINE_EDIT_BYTES - 1 */
    memcpy(e->buf, text, e->n);
    echo(e, e->buf, e->n);
}

/* Up (step -1) or down (+1) in the history; down past the newest line
 * gives an empty line. */
static void recall(struct line_edit *e, int step)
{
    struct line_history *h = e->history;
    if (step < 0 && e->recall > history_oldest(h)) {
        e->recall--;
    } else if (step > 0 && e->recall < h->count) {
        e->recall++;
    } else {
        return;
    }
    replace(e, e->recall < h->count ? history_at(h, e->recall) : "");
}

/* The bytes after ESC. */
static void escape_key(struct line_edit *e, int c)
{
    if (e->esc == ESC_SEEN && (c == '[' || c == 'O')) {
        e->esc = ESC_CSI;
        return;
    }
    if (e->esc == ESC_CSI && c >= '0' && c <= ';') {
        return;                     /* a parameter: "3" of "ESC [ 3 ~" */
    }
    e->esc = ESC_NONE;
    if (c == 'A' || c == 'B') {
        recall(e, c == 'A' ? -1 : 1);
    }
}

static enum line_edit_result finish(struct line_edit *e, enum line_edit_result r)
{
    e->buf[e->n] = '\0';
    if (r == LINE_EDIT_DONE) {
        history_add(e->history, e->buf);
    }
    return r;
}

enum line_edit_result line_edit_key(struct line_edit *e, int c)
{
    if (e->esc != ESC_NONE) {
        escape_key(e, c);
    } else if (c == KEY_ESC) {
        e->esc = ESC_SEEN;
    } else if (c == '\n') {
        echo(e, "\n", 1);
        return finish(e, LINE_EDIT_DONE);
    } else if (c == KEY_CTRL_C) {
        echo(e, "^C\n", 3);
        e->n = 0;
        return finish(e, LINE_EDIT_DROPPED);
    } else if (c == KEY_CTRL_U) {
        rub_out(e, e->n);
    } else if (c == KEY_DEL || c == KEY_CTRL_H) {
        rub_out(e, 1);
    } else if (c >= ' ' && c < KEY_DEL && e->n + 1 < LINE_EDIT_BYTES) {
        e->buf[e->n++] = (char)c;
        echo(e, &e->buf[e->n - 1], 1);
    }
    return LINE_EDIT_MORE;
}
