/*
 * kernel/mdb.c -- the derivation database (docs/capabilities.md).
 *
 * One doubly linked list through every non-empty CTE, in derivation order
 * (a depth-first walk of the derivation tree), each entry with its depth:
 *
 *     RAM(0)  Frame(1)  Frame(1)* RAM(1)  Dispatcher(2)  EndPoint(3) ...
 *
 *   - the copies of a capability form a *copy group*: adjacent entries of
 *     equal depth, each after the first marked copy_of_prev (* above);
 *   - an entry's descendants are the run of entries after its copy group
 *     that are deeper than it.
 * So every question the capability operations ask looks at neighbours or
 * walks only the descendants in question, never the whole list.
 *
 * Copy groups are marked rather than recognised by equal fields because two
 * separately derived capabilities may be equal (two endpoints minted with
 * the same buffer) without being copies: each must keep its own derivation.
 */
#include <cap.h>
#include <mdb.h>

static struct cte *mdb_head;

bool cap_is_copy(const struct capability *a, const struct capability *b)
{
    return a->type == b->type && a->base == b->base && a->bytes == b->bytes &&
           a->param1 == b->param1 && a->param2 == b->param2;
}

/* Is n (the entry after some c) in c's copy group? */
static bool continues_group(const struct cte *n)
{
    return n != NULL && n->mdb.copy_of_prev;
}

struct cte *mdb_group_last(struct cte *c)
{
    while (continues_group(c->mdb.next)) {
        c = c->mdb.next;
    }
    return c;
}

/* Mirrored in lmp_fastpath.S, block 4d (the delete of a copy). */
bool mdb_has_copies(const struct cte *c)
{
    return c->mdb.copy_of_prev || continues_group(c->mdb.next);
}

/* The first descendant of c's object, or NULL. */
struct cte *mdb_first_descendant(struct cte *c)
{
    struct cte *n = mdb_group_last(c)->mdb.next;
    return (n != NULL && n->mdb.depth > c->mdb.depth) ? n : NULL;
}

/* The entry after d within the descendant run of an entry at depth, or NULL. */
struct cte *mdb_next_in_run(struct cte *d, uint32_t depth)
{
    struct cte *n = d->mdb.next;
    return (n != NULL && n->mdb.depth > depth) ? n : NULL;
}

bool mdb_has_descendants(const struct cte *c)
{
    return mdb_first_descendant((struct cte *)c) != NULL;
}

static void link_after(struct cte *pos, struct cte *n)
{
    n->mdb.prev = pos;
    n->mdb.next = pos->mdb.next;
    if (pos->mdb.next) {
        pos->mdb.next->mdb.prev = n;
    }
    pos->mdb.next = n;
}

/* Mirrored in lmp_fastpath.S, block 5c (the copy an LMP send makes). */
void mdb_insert_copy(struct cte *src, struct cte *n)
{
    n->mdb.depth = src->mdb.depth;
    n->mdb.copy_of_prev = true;
    link_after(src, n);         /* src's next, if a copy, is now n's copy */
}

/* Children go at the end of the source's copy group, before its existing
 * descendants: the run after the group stays "everything deeper".  A new
 * child starts a group of its own. */
void mdb_insert_child(struct cte *src, struct cte *n)
{
    n->mdb.depth = src->mdb.depth + 1;
    n->mdb.copy_of_prev = false;
    link_after(mdb_group_last(src), n);
}

void mdb_insert_root(struct cte *n)
{
    n->mdb.depth = 0;
    n->mdb.copy_of_prev = false;
    n->mdb.prev = NULL;
    n->mdb.next = mdb_head;
    if (mdb_head) {
        mdb_head->mdb.prev = n;
    }
    mdb_head = n;
}

/* Mirrored in lmp_fastpath.S, block 5d, for an entry with a prev and
 * another copy (block 4d sends the list's first entry here). */
void mdb_remove(struct cte *c)
{
    /* If c heads its group, the next copy (if any) heads it now. */
    if (!c->mdb.copy_of_prev && continues_group(c->mdb.next)) {
        c->mdb.next->mdb.copy_of_prev = false;
    }
    if (c->mdb.prev) {
        c->mdb.prev->mdb.next = c->mdb.next;
    } else if (mdb_head == c) {
        mdb_head = c->mdb.next;
    }
    if (c->mdb.next) {
        c->mdb.next->mdb.prev = c->mdb.prev;
    }
    c->mdb.prev = c->mdb.next = NULL;
    c->mdb.copy_of_prev = false;
}

/* The last copy of c's object is going: its descendants move up one level,
 * becoming descendants of c's parent (the list order already says so). */
void mdb_adopt_descendants(struct cte *c)
{
    uint32_t depth = c->mdb.depth;
    for (struct cte *d = mdb_first_descendant(c); d != NULL;
         d = mdb_next_in_run(d, depth)) {
        d->mdb.depth--;
    }
}

/* A moved CTE: its neighbours must point at the new place. */
void mdb_relink(struct cte *dest, struct cte *src)
{
    if (dest->mdb.prev) {
        dest->mdb.prev->mdb.next = dest;
    } else if (mdb_head == src) {
        mdb_head = dest;
    }
    if (dest->mdb.next) {
        dest->mdb.next->mdb.prev = dest;
    }
}

bool mdb_check_invariants(void)
{
    const struct cte *prev = NULL;
    for (const struct cte *c = mdb_head; c != NULL; c = c->mdb.next) {
        if (c->mdb.prev != prev || c->cap.type == ObjType_Null ||
            c->cap.fast != cap_fast_bits(&c->cap) || c->cap.kva != cap_kva(&c->cap)) {
            return false;
        }
        /* Depth rises by at most one step: a child follows its parent's
         * group or a sibling's subtree. */
        uint32_t prev_depth = prev ? prev->mdb.depth : 0;
        if (c->mdb.depth > prev_depth + 1 || (prev == NULL && c->mdb.depth != 0)) {
            return false;
        }
        /* A copy sits at its group's depth and names the same object. */
        if (c->mdb.copy_of_prev &&
            (prev == NULL || c->mdb.depth != prev_depth || !cap_is_copy(&c->cap, &prev->cap))) {
            return false;
        }
        prev = c;
    }
    return true;
}

struct cte *mdb_first(void)
{
    return mdb_head;
}

#ifdef HOST_TEST
void mdb_reset(void)
{
    mdb_head = NULL;
}
#endif
