/*
 * tests/kernel/test_cap_types.c -- the per-type tables agree: a type has
 * an invocation handler (kernel/cap_hooks.c) exactly when some method of
 * it needs a right (kernel/cap_types.c), and a type without handler
 * answers SYS_ERR_ILLEGAL_INVOCATION.  The checklist for adding a type is
 * docs/extending.md.
 */
#include <kernel.h>
#include <ktest.h>
#include <cap.h>
#include <invocation.h>

static bool has_methods(unsigned type)
{
    for (unsigned m = 0; m < 256; m++) {
        if (cap_invoke_rights(type, m) != 0) {
            return true;
        }
    }
    return false;
}

KTEST(cap_types_handler_iff_rights)
{
    for (unsigned t = 0; t < ObjType_Num; t++) {
        if (cap_type_invocable(t) != has_methods(t)) {
            kprintf("type %s: handler %d, methods %d\n", cap_type_name(t),
                    cap_type_invocable(t), has_methods(t));
        }
        KT_EXPECT(cap_type_invocable(t) == has_methods(t));
    }
    KT_EXPECT(!cap_type_invocable(ObjType_Num));
    KT_EXPECT(!cap_type_invocable(ObjType_EndPoint));  /* sent to: lmp_send */
}

KTEST(cap_types_no_handler_is_illegal)
{
    struct cte cte;
    memset(&cte, 0, sizeof(cte));
    struct invocation inv = { .cte = &cte, .method = 1 };
    static const unsigned none[] = { ObjType_Null, ObjType_RAM, ObjType_Frame,
                                     ObjType_EndPoint, ObjType_Num, 255 };
    for (unsigned i = 0; i < ARRAY_SIZE(none); i++) {
        cte.cap.type = (uint8_t)none[i];
        KT_EXPECT_EQ(cap_type_invoke(&inv), SYS_ERR_ILLEGAL_INVOCATION);
    }
}
