/*
 * libsys/err.c -- names and sentences for every error of
 * include/sprat/errors.def (one table, expanded twice).
 */
#include <sprat/errors.h>

static const char *const codes[] = {
#define ERR(name, text) #name,
#include <sprat/errors.def>
#undef ERR
};

static const char *const strings[] = {
#define ERR(name, text) text,
#include <sprat/errors.def>
#undef ERR
};

const char *err_getcode(errval_t e)
{
    return e < SPRAT_ERR_COUNT ? codes[e] : "unknown error";
}

const char *err_getstring(errval_t e)
{
    return e < SPRAT_ERR_COUNT ? strings[e] : "unknown error";
}
