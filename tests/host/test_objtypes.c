/*
 * tests/host/test_objtypes.c -- the shared object-type table
 * (include/sprat/objtypes.h, docs/capabilities.md): every row is
 * consistent, and the helpers libsys plans by answer from it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sprat/objtypes.h>

static bool power_of_two(uint32_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* Every type has a name, a power-of-two alignment, and sizes that keep
 * the next object aligned too; at most one of fixed and minimum size. */
static void test_rows_consistent(void **state)
{
    for (unsigned t = 0; t < ObjType_Num; t++) {
        const struct objtype_info *i = objtype_info(t);
        assert_non_null(i);
        assert_true(strlen(i->name) > 0);
        assert_true(power_of_two(i->align));
        /* kernel/cap.c, retype_check, tests sizes with masks */
        assert_true(i->min_bytes == 0 || power_of_two(i->min_bytes));
        assert_false(i->fixed_bytes != 0 && i->min_bytes != 0);
        assert_int_equal(i->fixed_bytes % i->align, 0);
        assert_int_equal(i->min_bytes % i->align, 0);
        assert_int_equal(i->retype_to >> ObjType_Num, 0);
        assert_false(i->retype_to & OBJTYPE_BIT(ObjType_Null));
        for (unsigned u = t + 1; u < ObjType_Num; u++) {
            assert_string_not_equal(i->name, objtype_info(u)->name);
        }
    }
}

/* Nothing the kernel reads comes from memory a domain can map. */
static void test_kernel_objects_only_from_ram(void **state)
{
    const unsigned kernel_read[] = {
        ObjType_L1CNode, ObjType_L2CNode, ObjType_VNode_ARM_l1,
        ObjType_VNode_ARM_l2, ObjType_Dispatcher,
    };
    for (unsigned t = 0; t < ObjType_Num; t++) {
        for (unsigned k = 0; k < sizeof(kernel_read) / sizeof(kernel_read[0]); k++) {
            bool may = objtype_info(t)->retype_to & OBJTYPE_BIT(kernel_read[k]);
            assert_true(!may || t == ObjType_RAM);
        }
    }
}

/* The hardware's alignments (ARM ARM B4.1.154, B3.5.1) and the fixed
 * sizes of caps.h. */
static void test_hardware_rules(void **state)
{
    assert_int_equal(objtype_align(ObjType_VNode_ARM_l1), 16384);
    assert_int_equal(objtype_align(ObjType_VNode_ARM_l2), 1024);
    assert_int_equal(objtype_bytes(ObjType_VNode_ARM_l1, 0), OBJSIZE_VNODE_ARM_L1);
    assert_int_equal(objtype_bytes(ObjType_VNode_ARM_l2, 0), OBJSIZE_VNODE_ARM_L2);
    assert_int_equal(objtype_bytes(ObjType_L2CNode, 0), OBJSIZE_L2CNODE);
    assert_int_equal(objtype_bytes(ObjType_Dispatcher, 0), OBJSIZE_DISPATCHER);
}

/* The helpers: fixed sizes win over the caller's, variable sizes are the
 * caller's, and a number that is no type is no type. */
static void test_helpers(void **state)
{
    assert_true(objtype_fixed(ObjType_Dispatcher));
    assert_false(objtype_fixed(ObjType_Frame));
    assert_int_equal(objtype_bytes(ObjType_Dispatcher, 12345), OBJSIZE_DISPATCHER);
    assert_int_equal(objtype_bytes(ObjType_Frame, 8192), 8192);
    assert_null(objtype_info(ObjType_Num));
    assert_null(objtype_info(0xffffffffu));
    assert_false(objtype_fixed(ObjType_Num));
    assert_int_equal(objtype_align(ObjType_Num), 1);
    assert_int_equal(objtype_bytes(ObjType_Num, 77), 77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_consistent),
        cmocka_unit_test(test_kernel_objects_only_from_ram),
        cmocka_unit_test(test_hardware_rules),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
