/*
 * kernel/lib/printf.c -- a small freestanding printf.
 *
 * One formatting engine, kvprintf(), emits characters through a callback;
 * the console printer and ksnprintf() are thin wrappers.  It has no state
 * and allocates nothing, so it is safe to call from a panic or an exception
 * handler.  The host unit tests compile this very file.
 */
#include <kprintf.h>
#include <stdint.h>
#include <stdbool.h>

struct spec {
    bool left;          /* '-': pad on the right */
    bool zero;          /* '0': pad numbers with zeros */
    int width;          /* minimum field width */
    int precision;      /* maximum characters for %s, -1 if none */
    int length;         /* 0 = int, 1 = long, 2 = long long, -1 = short */
};

struct sink {
    kputc_fn out;
    void *arg;
    int count;
};

static void emit(struct sink *s, char c)
{
    s->out(c, s->arg);
    s->count++;
}

static void pad(struct sink *s, char c, int n)
{
    while (n-- > 0) {
        emit(s, c);
    }
}

/* Emit a string body with the field's padding around it. */
static void emit_field(struct sink *s, const struct spec *sp, const char *body,
                       int len)
{
    if (!sp->left) {
        pad(s, ' ', sp->width - len);
    }
    for (int i = 0; i < len; i++) {
        emit(s, body[i]);
    }
    if (sp->left) {
        pad(s, ' ', sp->width - len);
    }
}

/* Emit an unsigned number in the given base with an optional sign/prefix.
 * Zero padding goes between the prefix and the digits ("-0042", "0x00ff"). */
static void emit_number(struct sink *s, const struct spec *sp,
                        unsigned long long v, unsigned base, bool upper,
                        const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];               /* 2^64 has 20 decimal digits */
    int n = 0;

    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v != 0);

    int plen = 0;
    while (prefix[plen] != '\0') {
        plen++;
    }
    int total = n + plen;

    if (!sp->left && !sp->zero) {
        pad(s, ' ', sp->width - total);
    }
    for (int i = 0; i < plen; i++) {
        emit(s, prefix[i]);
    }
    if (!sp->left && sp->zero) {
        pad(s, '0', sp->width - total);
    }
    while (n > 0) {
        emit(s, buf[--n]);
    }
    if (sp->left) {
        pad(s, ' ', sp->width - total);
    }
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 2:  return va_arg(*ap, unsigned long long);
    case 1:  return va_arg(*ap, unsigned long);
    case -1: return (unsigned short)va_arg(*ap, unsigned int);
    default: return va_arg(*ap, unsigned int);
    }
}

static long long arg_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 2:  return va_arg(*ap, long long);
    case 1:  return va_arg(*ap, long);
    case -1: return (short)va_arg(*ap, int);
    default: return va_arg(*ap, int);
    }
}

/* Parse flags, width, precision and length after a '%'; returns the
 * position of the conversion character. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .precision = -1 };
    for (;; f++) {
        if (*f == '-') {
            sp->left = true;
        } else if (*f == '0') {
            sp->zero = true;
        } else {
            break;
        }
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9') {
            sp->width = sp->width * 10 + (*f++ - '0');
        }
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9') {
                sp->precision = sp->precision * 10 + (*f++ - '0');
            }
        }
    }
    if (*f == 'l') {
        sp->length = 1;
        if (*++f == 'l') {
            sp->length = 2;
            f++;
        }
    } else if (*f == 'z') {
        sp->length = sizeof(size_t) == sizeof(long long) ? 2 : 1;
        f++;
    } else if (*f == 'h') {
        sp->length = -1;
        f++;
    }
    return f;
}

int kvprintf(kputc_fn out, void *arg, const char *fmt, va_list ap_in)
{
    struct sink s = { out, arg, 0 };
    struct spec sp;
    va_list ap;

    va_copy(ap, ap_in);
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            emit(&s, *f);
            continue;
        }
        f = parse_spec(f + 1, &sp, &ap);
        switch (*f) {
        case 'd':
        case 'i': {
            long long v = arg_signed(&sp, &ap);
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
                                           : (unsigned long long)v;
            emit_number(&s, &sp, mag, 10, false, v < 0 ? "-" : "");
            break;
        }
        case 'u':
            emit_number(&s, &sp, arg_unsigned(&sp, &ap), 10, false, "");
            break;
        case 'x':
        case 'X':
            emit_number(&s, &sp, arg_unsigned(&sp, &ap), 16, *f == 'X', "");
            break;
        case 'p': {
            /* Pointers always print as 0x and the full 8 hex digits of a
             * 32-bit address, so dumps line up. */
            struct spec ps = sp;
            uintptr_t p = (uintptr_t)va_arg(ap, void *);
            ps.zero = true;
            if (ps.width < (int)(2 + 2 * sizeof(void *))) {
                ps.width = 2 + 2 * sizeof(void *);
            }
            emit_number(&s, &ps, p, 16, false, "0x");
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL) {
                str = "(null)";
            }
            int len = 0;
            while (str[len] != '\0' && (sp.precision < 0 || len < sp.precision)) {
                len++;
            }
            emit_field(&s, &sp, str, len);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            emit_field(&s, &sp, &c, 1);
            break;
        }
        case '%':
            emit(&s, '%');
            break;
        case '\0':
            /* A lone '%' at the end: print it and stop. */
            emit(&s, '%');
            va_end(ap);
            return s.count;
        default:
            /* Unknown conversion: print it verbatim so the mistake shows. */
            emit(&s, '%');
            emit(&s, *f);
            break;
        }
    }
    va_end(ap);
    return s.count;
}

struct bufsink {
    char *buf;
    size_t size;
    size_t pos;
};

static void buf_putc(char c, void *arg)
{
    struct bufsink *b = arg;
    if (b->pos + 1 < b->size) {
        b->buf[b->pos] = c;
    }
    b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bufsink b = { buf, size, 0 };
    int n = kvprintf(buf_putc, &b, fmt, ap);
    if (size > 0) {
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    }
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
