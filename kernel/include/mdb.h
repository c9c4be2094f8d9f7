/*
 * kernel/include/mdb.h -- the derivation database's list operations
 * (kernel/mdb.c), used by kernel/cap.c.  The queries every caller needs
 * (mdb_has_copies, mdb_has_descendants, cap_is_copy) are in cap.h.
 */
#ifndef SPRAT_MDB_H
#define SPRAT_MDB_H

#include <cap.h>

struct cte *mdb_first(void);
struct cte *mdb_group_last(struct cte *c);
struct cte *mdb_first_descendant(struct cte *c);
struct cte *mdb_next_in_run(struct cte *d, uint32_t depth);
void mdb_insert_copy(struct cte *src, struct cte *n);
void mdb_insert_child(struct cte *src, struct cte *n);
void mdb_insert_root(struct cte *n);
void mdb_remove(struct cte *c);
void mdb_adopt_descendants(struct cte *c);
void mdb_relink(struct cte *dest, struct cte *src);
#ifdef HOST_TEST
void mdb_reset(void);
#endif

#endif
