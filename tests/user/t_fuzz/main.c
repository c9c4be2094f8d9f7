/*
 * tests/user/t_fuzz -- the system call fuzzer (docs/reliability.md, "The kernel
 * under attack" and "Running the fuzzer").
 *
 *   t_fuzz SEED N [CHILDREN]   make N system calls chosen by a PRNG seeded
 *                              with SEED, and start CHILDREN hostile
 *                              children along the way
 *   t_fuzz child SEED N        a hostile child: N calls with no care for
 *                              its own capabilities or its dispatcher
 *                              page, then it dies (started by the parent
 *                              with SEED = its seed * 1000 + its number;
 *                              it sends to the parent's inbox, below)
 *
 * The parent's calls are biased towards valid-looking values: slots it
 * owns, real types, boundary sizes (0, ~0, off by one, misaligned), kernel
 * addresses, LMP sends of every length and flag with and without
 * capabilities, mappings at random entries, raw system calls with garbage
 * in every register.  Its capabilities live in one L2 CNode of its own
 * (the pool, 256 slots) of which it keeps a model: what each slot holds
 * (type, rights, base, bytes) and how the objects derive from each other.
 * After every operation it asks the kernel (identify) about the slots the
 * operation touched, and about all of them every SWEEP_EVERY operations:
 * any difference is a failure, reported with the seed and the operation
 * that reproduce it.  Calls that could damage the parent itself (delete
 * in its own CNodes, resume at a valid address, unmap its own memory) are
 * left to the children, which do anything and die.
 *
 * The parent prints the number of calls and how many ended with each
 * result, and reports one test result.  Children that still run when it
 * is done (asleep for good, or looping) are stopped (PROCESS_KILL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/disp.h>
#include <sys/invoke.h>
#include <sys/lmp_chan.h>
#include <sys/lmp_endpoint.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sys/threads.h>
#include <sprat/dispatcher.h>
#include <sprat/lmp.h>
#include <sprat/vm_layout.h>
#include <if/init.h>

#define POOL            256             /* slots in the pool CNode */
#define MAX_OBJS        4096            /* objects in the model before a reset */
#define RESET_EVERY     4000            /* operations between pool resets */
#define SWEEP_EVERY     512             /* operations between full checks */
#define POOL_RAM_BYTES  (512u * 1024)   /* the RAM every reset starts from */
#define MAX_CHILDREN    64
#define NO_OBJ          (-1)
/* L1 entries (1 MiB each) the parent may map its own tables into: between
 * the heap's end (USER_HEAP_LIMIT) and the stack (USER_STACK_TOP). */
#define L1_WINDOW_FIRST (USER_HEAP_LIMIT >> 20)
#define L1_WINDOW_COUNT 0xf0u
#define L1_VNODE        CAPADDR(ROOTCN_SLOT_PAGECN, 0)
#define ROOTCN          TASKCN_CAP(TASKCN_SLOT_ROOTCN)

/* ---- the PRNG (xorshift64*): one seed, one sequence of calls ------------- */

static uint64_t rng_state;

static void rng_seed(uint32_t seed)
{
    rng_state = 0x9e3779b97f4a7c15ull * (seed + 1) ^ 0xd1b54a32d192ed03ull;
}

static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

static bool one_in(uint32_t n)
{
    return below(n) == 0;
}

/* A value from the edges: where off-by-one and overflow bugs live. */
static uint32_t edgy(void)
{
    static const uint32_t edges[] = {
        0, 1, 2, 3, 4, 0xffffffffu, 0xfffffffcu, 0x7fffffffu, 0x80000000u,
        0x7ffff000u, 4095, 4096, 4097, 0x10000, 0x400, 0x3ff, 1024, 2048,
        16384, 32768, 0xfff, 0x1000000, 255, 256, 11, 10,
    };
    switch (below(5)) {
    case 0:  return edges[below(sizeof(edges) / sizeof(edges[0]))];
    case 1:  return below(16);
    case 2:  return 0x80000000u | rnd();                /* a kernel address */
    case 3:  return 4096 * below(64) + (one_in(2) ? 0 : 1 + below(4095));
    default: return rnd();
    }
}

/* ---- what happened: calls and their results ------------------------------- */

#define MAX_RESULTS 96
static struct { errval_t err; uint32_t count; } results[MAX_RESULTS];
static uint32_t calls;          /* every system call, checks included */
static uint32_t checks;         /* identify calls that check the model */

static errval_t note(errval_t err)
{
    calls++;
    for (unsigned i = 0; i < MAX_RESULTS; i++) {
        if (results[i].count == 0 || results[i].err == err) {
            results[i].err = err;
            results[i].count++;
            break;
        }
    }
    return err;
}

static struct sysret invoke(capaddr_t cap, unsigned level, unsigned method,
                            unsigned n, const uint32_t *args)
{
    struct sysret r = cap_invoke_l(cap, level, method, n, args);
    note(r.err);
    return r;
}

/* ---- the model of the pool ------------------------------------------------ */

struct obj {
    int parent;                 /* the object it was made from, or NO_OBJ */
    unsigned type;
    uint32_t base, bytes;       /* as identify first reported them */
};

static struct obj objs[MAX_OBJS];
static int nobjs;
static int slot_obj[POOL];      /* NO_OBJ: the slot is empty */
static uint8_t slot_rights[POOL];
static uint32_t pool_l1;        /* the pool CNode's root slot */
static struct capref ram_root;  /* where each reset's RAM comes from */
static bool hostile;            /* a child: anything goes, no model */
static uint32_t op_index;
static uint32_t seed_arg, n_arg;
static bool failed;

static capaddr_t pool_addr(unsigned s)
{
    return CAPADDR(pool_l1, s);
}

static struct capref pool_ref(unsigned s)
{
    return (struct capref){ pool_l1, s };
}

static bool descends(int o, int ancestor)
{
    for (o = objs[o].parent; o != NO_OBJ; o = objs[o].parent) {
        if (o == ancestor) {
            return true;
        }
    }
    return false;
}

static void fail(const char *what, unsigned s, const char *detail)
{
    if (!failed) {
        printf("t_fuzz: FAILED at operation %u (%s), pool slot %u: %s\n"
               "t_fuzz: reproduce with: make fuzz SEED=%u N=%u\n",
               (unsigned)op_index, what, s, detail, (unsigned)seed_arg, (unsigned)n_arg);
    }
    failed = true;
}

/* Does the kernel agree with the model about slot s? */
static void check_slot(unsigned s, const char *what)
{
    struct capability_info info;
    char buf[160];
    errval_t err = cap_identify(pool_ref(s), &info);
    int o = slot_obj[s];

    calls++;
    checks++;

    if (o == NO_OBJ) {
        if (err != SYS_ERR_CAP_NOT_FOUND) {
            snprintf(buf, sizeof(buf), "should be empty, identify says %s type %u",
                     err_getcode(err), info.type);
            fail(what, s, buf);
        }
        return;
    }
    if (err_is_fail(err) || info.type != objs[o].type || info.rights != slot_rights[s] ||
        info.base != objs[o].base || info.bytes != objs[o].bytes) {
        snprintf(buf, sizeof(buf), "model: type %u rights %u base 0x%x bytes 0x%x; "
                 "identify: %s type %u rights %u base 0x%x bytes 0x%x",
                 objs[o].type, slot_rights[s], (unsigned)objs[o].base,
                 (unsigned)objs[o].bytes, err_getcode(err), info.type, info.rights,
                 (unsigned)info.base, (unsigned)info.bytes);
        fail(what, s, buf);
    }
}

/* Slot s now holds a new object made from `parent`: learn what it is. */
static void record_new(unsigned s, int parent, unsigned type)
{
    struct capability_info info = { 0 };

    if (nobjs == MAX_OBJS) {
        fail("model", s, "object table full");
        return;
    }
    calls++;
    checks++;
    cap_identify(pool_ref(s), &info);
    objs[nobjs] = (struct obj){ parent, type, info.base, info.bytes };
    slot_obj[s] = nobjs++;
    slot_rights[s] = info.rights;
}

/* Mint's parameters of an object: an endpoint's buffer, else (0, 0). */
static bool same_params(int o, uint32_t p1, uint32_t p2)
{
    bool ep = objs[o].type == ObjType_EndPoint;
    return p1 == (ep ? objs[o].base : 0) && p2 == (ep ? objs[o].bytes : 0);
}

/* ---- choosing arguments ----------------------------------------------------- */

static unsigned any_slot(void)
{
    return below(POOL);
}

/* The first slot from a random one on that is full (or empty); one time
 * in eight any slot.  (A child has no model: any slot.) */
static unsigned pick_slot(bool full)
{
    unsigned start = any_slot();
    bool any = hostile || one_in(8);
    for (unsigned i = 0; i < POOL && !any; i++) {
        unsigned s = (start + i) % POOL;
        if ((slot_obj[s] != NO_OBJ) == full) {
            return s;
        }
    }
    return start;
}

static unsigned full_slot(void)
{
    return pick_slot(true);
}

static unsigned empty_slot(void)
{
    return pick_slot(false);
}

/* A capability address: mostly the pool, sometimes nothing valid at all.
 * A child also names its own CSpace's vital slots -- CPTR_NULL among
 * them: address 0 is slot 0 of the task CNode, the task CNode's own
 * capability, and revoking it cuts the domain off its CSpace. */
static capaddr_t some_addr(bool want_full)
{
    if (hostile && one_in(12)) {
        return one_in(2) ? CAPADDR(below(16), below(20)) : edgy();
    }
    return one_in(12) ? CAPADDR(1024 + below(4096), below(256))    /* no such L1 slot */
                      : pool_addr(want_full ? full_slot() : empty_slot());
}

/* An address level: 2 (or 0, which means 2), sometimes one that does not
 * exist.  Only a child uses level 1 at random: on a pool address it names
 * the pool CNode's own capability, and a revoke of a copy of that would
 * take the parent's pool away. */
static unsigned some_level(void)
{
    if (!one_in(16)) {
        return one_in(4) ? 0 : CAP_LEVEL_L2;
    }
    unsigned level = below(16);
    return level == CAP_LEVEL_L1 && !hostile ? CAP_LEVEL_L2 + 1 : level;
}

/* The pool slot (addr, level) names as a capability, or -1. */
static int pool_slot_of(capaddr_t addr, unsigned level)
{
    bool l2 = level == 0 || level == CAP_LEVEL_L2;
    return l2 && CAPADDR_L1(addr) == pool_l1 ? (int)CAPADDR_L2(addr) : -1;
}

/* Does (addr, level), as a destination CNode, name the pool CNode? */
static bool names_pool(capaddr_t addr, unsigned level)
{
    return level == CAP_LEVEL_L1 && CAPADDR_L1(addr) == pool_l1;
}

/* A method to invoke slot s with: in the parent never a CNode operation
 * on a CNode object of the pool (its arguments would name the parent's
 * own CSpace: random deletes there are for children). */
static unsigned safe_method(unsigned s, unsigned method)
{
    int o = slot_obj[s];
    bool cnode = o != NO_OBJ && (objs[o].type == ObjType_L1CNode ||
                                 objs[o].type == ObjType_L2CNode);
    return !hostile && cnode && method > 0 && method < 8 ? CNodeCmd_Identify : method;
}

static unsigned some_type(void)
{
    static const unsigned useful[] = {
        ObjType_RAM, ObjType_Frame, ObjType_L2CNode, ObjType_VNode_ARM_l2,
        ObjType_Dispatcher, ObjType_EndPoint, ObjType_Frame, ObjType_RAM,
        ObjType_VNode_ARM_l1, ObjType_L1CNode,
    };
    return one_in(8) ? edgy() % 32 : useful[below(sizeof(useful) / sizeof(useful[0]))];
}

static uint32_t some_size(void)
{
    return one_in(3) ? edgy() : (one_in(3) ? 0 : 4096u << below(6));
}

static unsigned some_rights(void)
{
    return one_in(8) ? edgy() : (one_in(2) ? CAPRIGHTS_ALLRIGHTS : below(8));
}

/* ---- operations on the pool ----------------------------------------------- */

static void op_retype(void)
{
    unsigned src = full_slot(), dest = empty_slot();
    unsigned type = some_type(), count = one_in(4) ? edgy() : 1 + below(4);
    uint32_t size = some_size(), offset = one_in(2) ? 0 : some_size();
    capaddr_t src_addr = one_in(10) ? some_addr(true) : pool_addr(src);
    uint32_t a[9] = { src_addr, some_level(), offset, type, size, count,
                      CAPADDR(pool_l1, 0), CAP_LEVEL_L1, dest };

    if (one_in(10)) {
        a[6] = some_addr(false);
        a[7] = some_level();
    }
    if (hostile) {
        invoke(ROOTCN, CAP_LEVEL_L2, CNodeCmd_Retype, 9, a);
        return;
    }
    /* The pool CNode is named as a root slot (level 1); a retype into
     * another CNode (a pool L2CNode) changes no pool slot. */
    if (err_is_ok(invoke(ROOTCN, CAP_LEVEL_L2, CNodeCmd_Retype, 9, a).err)) {
        int from = pool_slot_of(a[0], a[1]);
        if (from < 0) {
            fail("retype", dest, "a retype from outside the pool worked");
            return;
        }
        src = from;
        for (unsigned i = 0; names_pool(a[6], a[7]) && i < count && dest + i < POOL; i++) {
            record_new(dest + i, slot_obj[src], type);
        }
    }
    for (unsigned i = 0; i < 4 && dest + i < POOL; i++) {
        check_slot(dest + i, "retype");
    }
    check_slot(src, "retype");
}

static void op_copy_or_mint(bool mint)
{
    unsigned src = full_slot(), dest = empty_slot(), rights = some_rights();
    capaddr_t src_addr = one_in(10) ? some_addr(true) : pool_addr(src);
    capaddr_t dest_cn = one_in(12) ? some_addr(false) : CAPADDR(pool_l1, 0);
    unsigned dest_level = dest_cn == CAPADDR(pool_l1, 0) ? CAP_LEVEL_L1 : some_level();
    uint32_t p1 = 0, p2 = 0;
    int o = slot_obj[src];

    if (mint && one_in(2)) {
        /* An endpoint buffer: valid-looking offset, any length. */
        p1 = DISP_LMP_AREA_OFFSET + 4 * below(0x3000) + (one_in(8) ? edgy() : 0);
        p2 = one_in(2) ? LMP_ENDPOINT_BYTES(16u << below(4)) : edgy() & 0xfffc;
    } else if (mint && o != NO_OBJ) {
        p1 = objs[o].type == ObjType_EndPoint ? objs[o].base : 0;
        p2 = objs[o].type == ObjType_EndPoint ? objs[o].bytes : 0;
    }
    uint32_t a[8] = { dest_cn, dest_level, dest, src_addr, CAP_LEVEL_L2, rights, p1, p2 };
    errval_t err = invoke(ROOTCN, CAP_LEVEL_L2, mint ? CNodeCmd_Mint : CNodeCmd_Copy,
                          mint ? 8 : 6, a).err;
    if (hostile) {
        return;
    }
    int from = pool_slot_of(src_addr, CAP_LEVEL_L2);
    if (err_is_ok(err) && from >= 0 && from != (int)src) {
        src = from;
        o = slot_obj[src];
        if (mint && o != NO_OBJ && !same_params(o, p1, p2) &&
            objs[o].type != ObjType_EndPoint) {
            fail("mint", dest, "new parameters for a type without any");
        }
    }
    if (err_is_ok(err) && !names_pool(dest_cn, dest_level)) {
        check_slot(src, mint ? "mint" : "copy");
        return;                         /* into a pool L2CNode object */
    }
    if (err_is_ok(err)) {
        if (from < 0 || o == NO_OBJ) {
            fail(mint ? "mint" : "copy", dest, "a copy from outside the pool worked");
            return;
        }
        bool new_ep = mint && !same_params(o, p1, p2);
        if (new_ep) {
            record_new(dest, o, ObjType_EndPoint);
        } else {
            slot_obj[dest] = o;
        }
        slot_rights[dest] = rights;
    }
    check_slot(dest, mint ? "mint" : "copy");
    check_slot(src, mint ? "mint" : "copy");
}

static void op_delete_or_revoke(bool revoke)
{
    unsigned s = full_slot();
    capaddr_t addr = one_in(10) ? some_addr(true) : pool_addr(s);
    uint32_t a[2] = { addr, CAP_LEVEL_L2 };

    if (hostile && one_in(2)) {
        a[0] = edgy() % 0x1000;
        a[1] = some_level();
    }
    errval_t err = invoke(ROOTCN, CAP_LEVEL_L2, revoke ? CNodeCmd_Revoke : CNodeCmd_Delete,
                          2, a).err;
    if (hostile || err_is_fail(err)) {
        if (!hostile) {
            check_slot(s, revoke ? "revoke" : "delete");
        }
        return;
    }
    if (pool_slot_of(addr, CAP_LEVEL_L2) < 0) {
        fail(revoke ? "revoke" : "delete", s, "worked on a slot outside the pool");
        return;
    }
    s = pool_slot_of(addr, CAP_LEVEL_L2);
    int o = slot_obj[s];
    if (!revoke) {
        slot_obj[s] = NO_OBJ;
        check_slot(s, "delete");
        return;
    }
    /* Every other copy and every descendant goes; s stays.  The slots
     * that were full are checked (an empty one cannot fill: the sweeps
     * check that). */
    for (unsigned t = 0; t < POOL; t++) {
        int p = slot_obj[t];
        if (p == NO_OBJ) {
            continue;
        }
        if (t != s && (p == o || descends(p, o))) {
            slot_obj[t] = NO_OBJ;
        }
        check_slot(t, "revoke");
    }
}

/* DispatcherCmd_Setup arguments the parent may give: its own CSpace or a
 * pool one, and never a frame or death endpoint of its own (a dispatcher
 * that ran on our dispatcher frame would run our code on our stack). */
static void sanitize_setup(uint32_t *a)
{
    a[0] = one_in(2) ? ROOTCN : pool_addr(full_slot());
    a[1] = one_in(2) ? L1_VNODE : pool_addr(full_slot());
    a[2] = pool_addr(full_slot());
    a[3] = one_in(2) ? CPTR_NULL : pool_addr(full_slot());
}

/* Invocations of whatever a pool slot holds, with random methods and
 * arguments (no capability transfer: a pool dispatcher may run in our
 * CSpace).  None of them may change a pool slot. */
static void op_invoke_pool(void)
{
    unsigned s = full_slot();
    uint32_t a[11];
    for (int i = 0; i < 11; i++) {
        a[i] = one_in(2) ? edgy() : some_addr(true);
    }
    unsigned method = one_in(4) ? edgy() % 256 : 1 + below(6);
    if (!hostile && method == DispatcherCmd_Setup) {
        sanitize_setup(a);
    }
    if (slot_obj[s] != NO_OBJ && objs[slot_obj[s]].type == ObjType_Dispatcher && !hostile &&
        method == DispatcherCmd_Run && !one_in(64)) {
        method = DispatcherCmd_Query;       /* rarely: each run is a fault report */
    }
    invoke(hostile && one_in(2) ? some_addr(true) : pool_addr(s), some_level(),
           safe_method(s, method), 11, a);
    if (!hostile) {
        check_slot(s, "invoke");
    }
}

/* Map and unmap: pool tables and frames, our own L1 only in a window no
 * one else uses (or at entries that do not exist). */
static void op_vnode(void)
{
    uint32_t a[6];
    bool l1 = one_in(3);
    capaddr_t table = l1 ? L1_VNODE : pool_addr(full_slot());
    unsigned method = one_in(2) ? VNodeCmd_Map : VNodeCmd_Unmap;

    if (one_in(20)) {
        method = edgy() % 8;
    }
    if (l1) {
        a[0] = one_in(4) ? 2048 + below(4096) : L1_WINDOW_FIRST + below(L1_WINDOW_COUNT);
        a[1] = pool_addr(full_slot());
        a[2] = some_level();
        if (hostile && one_in(64)) {
            a[0] = edgy() % 4096;       /* its own text, stack, ...: rarely */
        }
    } else {
        a[0] = one_in(4) ? edgy() : below(256);
        a[1] = one_in(8) ? some_addr(true) : pool_addr(full_slot());
        a[2] = some_level();
        a[3] = one_in(2) ? 0 : some_size();
        a[4] = one_in(4) ? edgy() : 1 + below(16);
        a[5] = one_in(4) ? edgy() : VREGION_FLAGS_READ_WRITE;
        if (method == VNodeCmd_Unmap) {
            a[1] = a[4];
        }
    }
    invoke(table, CAP_LEVEL_L2, method, 6, a);
}

/* ---- LMP: sends of every shape to an endpoint of our own ------------------- */

static struct lmp_endpoint *ep;
static struct capref ep_cap;

static void drain(void)
{
    ep->kern->consumed = ep->kern->delivered;
}

/*
 * The inbox: an endpoint of the parent's that its children send to, from
 * another domain -- the kernel's fast path (lmp_fastpath.S) when the
 * message carries no capability, with a directed switch for the sync
 * flag.  Its ring is 16 words, so the messages wrap all the time.  A
 * child's message is tagged: w[0] = INBOX_TAG | random, w[i] = w[0] *
 * (i + 1) ^ INBOX_MIX; the parent reads every message and checks it.
 */
#define INBOX_TAG       0xf0220000u
#define INBOX_MIX       0x5a5a5a5au
#define INBOX_NAME_FMT  "fuzz-inbox-%u"
static struct lmp_endpoint *inbox;
static struct capref inbox_cap;
static uint32_t inbox_msgs;

static void inbox_words(uint32_t *w)
{
    w[0] = INBOX_TAG | (rnd() & 0xffff);
    for (unsigned i = 1; i < LMP_MSG_WORDS; i++) {
        w[i] = w[0] * (i + 1) ^ INBOX_MIX;
    }
}

/* A child: a few messages to its parent's inbox, any length and flags. */
static void inbox_burst(void)
{
    uint32_t w[LMP_MSG_WORDS];
    for (unsigned n = 1 + below(4); n > 0 && !capref_is_null(inbox_cap); n--) {
        unsigned len = below(LMP_MSG_WORDS + 1);
        uint32_t flags = (one_in(2) ? LMP_FLAG_SYNC : 0) | (one_in(2) ? LMP_FLAG_NONBLOCK : 0);
        inbox_words(w);
        note(lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0) | flags | len << SYSW_LEN_SHIFT,
                             capref_addr(inbox_cap), 0, w));
    }
}

static void inbox_check(void)
{
    struct lmp_endpoint_kern *k = inbox->kern;
    uint32_t mask = inbox->ring_mask;

    while (k->delivered != k->consumed && !failed) {
        uint32_t c = k->consumed, hdr = k->buf[c & mask];
        bool ok = hdr <= LMP_MSG_WORDS && k->delivered - c >= hdr + 1 &&
                  k->delivered - c <= mask + 1;
        uint32_t w0 = k->buf[(c + 1) & mask];
        for (uint32_t i = 1; ok && hdr > 0 && (w0 & 0xffff0000u) == INBOX_TAG && i < hdr; i++) {
            ok = k->buf[(c + 1 + i) & mask] == (w0 * (i + 1) ^ INBOX_MIX);
        }
        if (!ok) {
            fail("inbox", 0, "a child's message arrived changed");
            return;
        }
        k->consumed = c + 1 + hdr;
        inbox_msgs++;
    }
}

static void op_send(void)
{
    uint32_t w[LMP_MSG_WORDS];
    unsigned len = one_in(8) ? below(16) : below(LMP_MSG_WORDS + 1);
    uint32_t flags = 0;
    for (unsigned i = 0; i < LMP_MSG_WORDS; i++) {
        w[i] = rnd();
    }
    if (one_in(2)) {
        flags |= LMP_FLAG_SYNC;
    }
    if (one_in(2)) {
        flags |= LMP_FLAG_NONBLOCK;
    }
    if (one_in(3)) {
        flags |= LMP_FLAG_GIVEAWAY;
    }
    bool with_cap = one_in(3);
    unsigned src = full_slot(), recv = empty_slot();
    uint32_t word = SYSW(SYS_INVOKE, 0, 0) | flags | len << SYSW_LEN_SHIFT |
                    (with_cap ? SYSW_FLAG_CAP : 0);
    if (one_in(32)) {
        word |= one_in(2) ? 1u << (24 + below(8)) : (uint32_t)below(16) << SYSW_LEVEL_SHIFT;
    }
    capaddr_t target = one_in(16) ? some_addr(true) : capref_addr(ep_cap);
    capaddr_t send_cap = one_in(10) ? some_addr(true) : pool_addr(src);
    uint32_t before = ep->kern->delivered;
    ep->kern->recv_slot = one_in(10) ? (one_in(2) ? CPTR_NULL : some_addr(false))
                                     : pool_addr(recv);
    if (hostile) {
        if (!capref_is_null(inbox_cap) && one_in(3)) {
            target = capref_addr(inbox_cap);
            inbox_words(w);
        }
        note(lmp_ep_send_raw(word, target, send_cap, w));
        drain();
        return;
    }
    errval_t err = note(lmp_ep_send_raw(word, target, send_cap, w));
    if (err_is_fail(err) || target != capref_addr(ep_cap)) {
        if (ep->kern->delivered != before && target == capref_addr(ep_cap)) {
            fail("send", recv, "a failed send changed the ring");
        }
        drain();
        check_slot(src, "send");
        check_slot(recv, "send");
        return;
    }
    /* The ring, read here (libsys would allocate a new receive slot for
     * every capability): one header, the words, across any wrap. */
    struct lmp_endpoint_kern *k = ep->kern;
    uint32_t c = k->consumed, mask = ep->ring_mask;
    bool same = k->delivered - c == len + 1 && k->buf[c & mask] == LMP_HDR(len, with_cap);
    for (unsigned i = 0; i < len && same; i++) {
        same = k->buf[(c + 1 + i) & mask] == w[i];
    }
    if (!same) {
        fail("send", recv, "the message that arrived is not the one sent");
    }
    if (with_cap) {
        int from = pool_slot_of(send_cap, CAP_LEVEL_L2);
        int to = pool_slot_of(k->recv_slot, CAP_LEVEL_L2);
        if (from < 0 || to < 0) {
            fail("send", recv, "a capability from or into outside the pool moved");
        } else {
            src = from;
            recv = to;
            slot_obj[recv] = slot_obj[src];
            slot_rights[recv] = slot_rights[src];
            if (flags & LMP_FLAG_GIVEAWAY) {
                slot_obj[src] = NO_OBJ;
            }
        }
    }
    drain();
    check_slot(src, "send");
    check_slot(recv, "send");
}

/* ---- raw system calls with garbage in every register ---------------------- */

static void op_raw(void)
{
    struct sys_regs regs;
    for (int i = 0; i < 13; i++) {
        regs.r[i] = one_in(2) ? edgy() : rnd();
    }
    unsigned sys = one_in(4) ? below(16) : SYS_NOP + below(SYS_COUNT);
    regs.r[0] = (regs.r[0] & ~SYSW_SYS_MASK) | sys;
    if (one_in(2)) {
        regs.r[0] &= ~SYSW_RESERVED_MASK;
    }
    if (!hostile) {
        /* Nothing that resumes us somewhere, prints a page of our memory,
         * or invokes our own capabilities. */
        if (sys == SYS_RESUME) {
            regs.r[1] = one_in(2) ? 0x80000000u | rnd() : (rnd() & 0xfffc) | (below(4) ? 0 : 2);
        } else if (sys == SYS_DEBUG_PRINT) {
            regs.r[2] = DEBUG_PRINT_MAX + 1 + below(0x10000);
            if (one_in(2)) {
                regs.r[1] = 0x80000000u | rnd();
                regs.r[2] = below(64);
            }
        } else if (sys == SYS_INVOKE) {
            unsigned s = any_slot();
            regs.r[1] = pool_addr(s);
            regs.r[0] &= ~(SYSW_FLAG_CAP | SYSW_LEVEL_MASK << SYSW_LEVEL_SHIFT |
                           SYSW_METHOD_MASK << SYSW_METHOD_SHIFT);
            unsigned method = safe_method(s, rnd() & SYSW_METHOD_MASK);
            regs.r[0] |= method << SYSW_METHOD_SHIFT;
            if (method == DispatcherCmd_Setup || method == DispatcherCmd_Run) {
                sanitize_setup(&regs.r[2]);
                regs.r[0] &= ~(SYSW_METHOD_MASK << SYSW_METHOD_SHIFT);
                regs.r[0] |= DispatcherCmd_Setup << SYSW_METHOD_SHIFT;
            }
        }
    } else if (sys == SYS_DEBUG_PRINT) {
        regs.r[2] &= 0x1f;                  /* short: escaped junk, not pages */
        /* Not the test-report methods: a child that reports "not ok"
         * fails the run by the rules (found by seed 2026). */
        regs.r[0] &= ~(SYSW_METHOD_MASK << SYSW_METHOD_SHIFT);
    }
    sys_call(&regs);
    note(regs.r[0]);
    if (!hostile) {
        check_slot(any_slot(), "raw");
    }
}

/* ---- a child's extra mischief: its own dispatcher page --------------------- */

static void corrupt_dispatcher_page(void)
{
    struct dispatcher_shared *sh = disp_shared();
    uint32_t *words = (uint32_t *)sh;
    unsigned n = sizeof(*sh) / 4;

    for (unsigned i = below(4) + 1; i > 0; i--) {
        words[below(n)] = one_in(2) ? edgy() : rnd();
    }
    sh->name[below(DISP_NAME_LEN)] = (char)below(32);   /* control characters */
    sys_yield(CPTR_NULL);
}

/* ---- the pool: set up and reset ------------------------------------------- */

static uint32_t resets;

static void pool_reset(void)
{
    resets++;
    uint32_t a[2] = { 0, CAP_LEVEL_L2 };
    for (unsigned s = 0; s < POOL; s++) {
        a[0] = pool_addr(s);
        cap_invoke_l(ROOTCN, CAP_LEVEL_L2, CNodeCmd_Delete, 2, a);
        calls++;
        slot_obj[s] = NO_OBJ;
    }
    /* (ram_root is twice the pool RAM: a RAM child as large as its parent
     * would be a copy.)  Descendants of ram_root outside the pool (in dispatchers that were
     * set up with pool caps, say) go with a revoke. */
    note(cap_revoke(ram_root));
    nobjs = 0;
    objs[nobjs++] = (struct obj){ NO_OBJ, ObjType_RAM, 0, 0 };   /* ram_root */
    /* Four pieces: the pool runs out of RAM less often (then it resets). */
    if (err_is_fail(note(cap_retype(pool_ref(0), ram_root, 0, ObjType_RAM,
                                    POOL_RAM_BYTES / 4, 4)))) {
        fail("reset", 0, "no RAM for the pool");
        return;
    }
    for (unsigned s = 0; s < 4; s++) {
        record_new(s, 0, ObjType_RAM);
    }
    for (unsigned s = 0; s < POOL; s++) {
        check_slot(s, "reset");
    }
}

static errval_t pool_init(void)
{
    struct capref cn;
    errval_t err;

    if ((err = root_slot_alloc(&pool_l1)) ||
        (err = ram_alloc(&ram_root, 2 * POOL_RAM_BYTES)) ||
        (err = slot_alloc(&cn))) {
        return err;
    }
    /* The pool CNode: 16 KiB of RAM retyped into the free root slot. */
    struct capref ram;
    if ((err = ram_alloc(&ram, OBJSIZE_L2CNODE)) ||
        (err = cap_retype((struct capref){ ROOT_CNODE, pool_l1 }, ram, 0,
                          ObjType_L2CNode, 0, 1))) {
        return err;
    }
    for (unsigned s = 0; s < POOL; s++) {
        slot_obj[s] = NO_OBJ;
    }
    return lmp_endpoint_create(&ep, 64, &ep_cap);
}

/* ---- the runs ---------------------------------------------------------------- */

/* Is there RAM left in the pool to make things from? */
static bool pool_has_ram(void)
{
    for (unsigned s = 0; s < POOL; s++) {
        if (slot_obj[s] != NO_OBJ && objs[slot_obj[s]].type == ObjType_RAM) {
            return true;
        }
    }
    return false;
}

static void one_operation(void)
{
    /* Weights: more that makes than that destroys, so the pool stays
     * full of things to work on. */
    switch (below(hostile ? 17 : 16)) {
    case 0: case 1: case 2: op_retype(); break;
    case 3: case 4: op_copy_or_mint(false); break;
    case 5: case 6: op_copy_or_mint(true); break;
    case 7:  op_delete_or_revoke(one_in(4)); break;
    case 8: case 9: op_invoke_pool(); break;
    case 10: case 11: op_vnode(); break;
    case 12: case 13: op_send(); break;
    case 14: case 15: op_raw(); break;
    default: if (one_in(50)) {
                 corrupt_dispatcher_page();
             }
             op_raw();
             break;
    }
}

static void print_results(void)
{
    printf("t_fuzz: seed %u: %u system calls in %u operations (%u calls identify checks "
           "of the model, %u pool resets); results of the others:\n", (unsigned)seed_arg,
           (unsigned)calls, (unsigned)op_index, (unsigned)checks, (unsigned)resets);
    for (unsigned i = 0; i < MAX_RESULTS && results[i].count; i++) {
        printf("t_fuzz:   %9u  %s\n", (unsigned)results[i].count,
               err_is_ok(results[i].err) ? "SYS_ERR_OK" : err_getcode(results[i].err));
    }
}

/* A child: chaos, then a death the kernel cannot miss. */
static int child(void)
{
    char name[32];
    hostile = true;
    if (err_is_fail(pool_init())) {
        return 0;                       /* a child may be short of memory */
    }
    snprintf(name, sizeof(name), INBOX_NAME_FMT, (unsigned)(seed_arg / 1000));
    if (err_is_fail(rpc_name_lookup(get_init_rpc(), name, &inbox_cap))) {
        inbox_cap = NULL_CAP;
    }
    pool_reset();
    while (calls < n_arg) {
        op_index++;
        one_operation();
        if (one_in(2)) {
            inbox_burst();
        }
    }
    disp_disable();
    if (one_in(2)) {
        (void)*(volatile uint32_t *)0;  /* a fault while disabled: stopped */
    }
    __asm__ volatile(".word 0xe7f000f0");
    return 0;
}

static uint32_t start_child(uint32_t k)
{
    char args[48];
    uint32_t id = 0;
    snprintf(args, sizeof(args), "child %u %u", (unsigned)(seed_arg * 1000 + k),
             (unsigned)(n_arg / 100 + 1000));
    errval_t err = rpc_process_spawn(get_init_rpc(), "?t_fuzz", args, &id);
    return err_is_ok(err) ? id : 0;
}

static int parent(uint32_t nchildren)
{
    uint32_t ids[MAX_CHILDREN] = { 0 };
    errval_t err = pool_init();
    char name[32];

    snprintf(name, sizeof(name), INBOX_NAME_FMT, (unsigned)seed_arg);
    if (err_is_ok(err)) {
        err = lmp_endpoint_create(&inbox, 16, &inbox_cap);
    }
    if (err_is_ok(err)) {
        inbox->kern->recv_slot = CPTR_NULL;     /* no capabilities, thanks */
        err = rpc_name_register(get_init_rpc(), name, inbox_cap);
    }
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "setting up the pool and the inbox");
        return 1;
    }
    if (nchildren > MAX_CHILDREN) {
        nchildren = MAX_CHILDREN;
    }
    uint32_t next_child = 0, child_every = n_arg / (nchildren + 1) + 1;
    pool_reset();
    while (calls < n_arg && !failed) {
        if (++op_index % RESET_EVERY == 0 || nobjs > MAX_OBJS - 16 || !pool_has_ram()) {
            pool_reset();
        }
        one_operation();
        inbox_check();
        if (op_index % SWEEP_EVERY == 0) {
            for (unsigned s = 0; s < POOL; s++) {
                check_slot(s, "sweep");
            }
        }
        if (next_child < nchildren && calls >= child_every * (next_child + 1)) {
            ids[next_child] = start_child(next_child);
            next_child++;
        }
    }
    /* A child may still be at work, or asleep for good (it yielded while
     * disabled with no work: only a message wakes it), or looping in
     * code it resumed at random: it is stopped, then waited for. */
    unsigned ended = 0, killed = 0;
    for (uint32_t k = 0; k < next_child; k++) {
        int status;
        if (ids[k] != 0) {
            killed += err_is_ok(rpc_process_kill(get_init_rpc(), ids[k]));
            rpc_process_wait(get_init_rpc(), ids[k], &status);
            ended++;            /* (an error: it had ended, init forgot it) */
        }
    }
    printf("t_fuzz: %u children ended by themselves, %u were still running and were "
           "stopped\n", ended - killed, killed);
    TEST_ERR(rpc_process_kill(get_init_rpc(), disp_domain_id()), SPAWN_ERR_NOT_KILLABLE);
    inbox_check();
    print_results();
    printf("t_fuzz: %u messages from the children, every one intact\n",
           (unsigned)inbox_msgs);
    test_report(!failed, "fuzz seed %u: %u calls, every pool slot as the model says; "
                "%u of %u children started and ended", (unsigned)seed_arg,
                (unsigned)calls, ended, (unsigned)nchildren);
    failed |= ended != nchildren;
    return failed;
}

int main(int argc, char **argv)
{
    bool is_child = argc > 1 && strcmp(argv[1], "child") == 0;
    int base = is_child ? 2 : 1;

    seed_arg = argc > base ? strtoul(argv[base], NULL, 0) : 1;
    n_arg = argc > base + 1 ? strtoul(argv[base + 1], NULL, 0) : 10000;
    rng_seed(seed_arg);
    if (is_child) {
        return child();
    }
    return parent(argc > 3 ? strtoul(argv[3], NULL, 0) : 0);
}
