/*
 * include/sprat/domain_id.h -- a domain's id names one domain in the whole
 * system: its core is a bit field above the number its core's init gave it
 * (docs/multikernel.md, "Domains on core 1").
 *
 * Each core's init numbers its own domains (init itself is number 1); the
 * core in bits 16..19 keeps two cores' numbers apart, so core 0's ids are
 * the small numbers they always were (init 1, memserv 2, ...) and core 1's
 * start at 65537 (its init).  Ids are printed and typed as plain decimal
 * numbers everywhere (init's messages, ps, the shell's kill); whoever
 * needs the core or the number takes them apart with the functions below,
 * never with its own shifts.
 */
#ifndef SPRAT_DOMAIN_ID_H
#define SPRAT_DOMAIN_ID_H

#include <stdbool.h>
#include <stdint.h>

#define DOMAIN_ID_CORE_SHIFT    16
#define DOMAIN_ID_NUMBER_MASK   0xffffu     /* a core's own numbers */
#define DOMAIN_ID_MAX_CORES     16          /* the core field: bits 16..19 */
#define DOMAIN_ID_INIT_NUMBER   1u          /* every core's init */

/* The id of number on core (a constant expression for constant arguments). */
#define DOMAIN_ID(core, number) \
    (((uint32_t)(core) << DOMAIN_ID_CORE_SHIFT) | ((uint32_t)(number) & DOMAIN_ID_NUMBER_MASK))

static inline uint32_t domain_id_make(unsigned core, uint32_t number)
{
    return DOMAIN_ID(core, number);
}

static inline unsigned domain_id_core(uint32_t id)
{
    return (unsigned)(id >> DOMAIN_ID_CORE_SHIFT);
}

static inline uint32_t domain_id_number(uint32_t id)
{
    return id & DOMAIN_ID_NUMBER_MASK;
}

/* Is id a well-formed id (a core the field can hold, a number not 0)? */
static inline bool domain_id_valid(uint32_t id)
{
    return domain_id_core(id) < DOMAIN_ID_MAX_CORES && domain_id_number(id) != 0;
}

/* The id of core's init. */
static inline uint32_t domain_id_init(unsigned core)
{
    return domain_id_make(core, DOMAIN_ID_INIT_NUMBER);
}

#endif
