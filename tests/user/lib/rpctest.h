/*
 * tests/user/lib/rpctest.h -- what t_rpc and the "rpctest" service
 * (tests/user/t_rpcsrv) agree on beyond the interface: the PING values the
 * service treats specially, to test the fixed layout's odd cases
 * (docs/rpc.md, section 3).
 */
#ifndef SYSTEST_RPCTEST_H
#define SYSTEST_RPCTEST_H

#define RPCTEST_PING_UNCOUNTED 0x80000000u /* from here on not a stress call */
#define RPCTEST_PING_REFUSE 0xffff0001u    /* refused: LIB_ERR_NOT_IMPLEMENTED */
#define RPCTEST_PING_LATER  0xffff0002u    /* answered later, with the value + 1 */

/* rpc_get_ram_cap sent to "rpctest" (its RAM_CAP is init's HELLO there,
 * the first method after the shared ones): by its byte count, an answer
 * of RAM_CAP's shape with a capability (a copy of the channel's endpoint)
 * and 4096 bytes, or one of the wrong shape -- to test rpc_call_fixed_cap's
 * odd cases (docs/rpc.md, section 6). */
#define RPCTEST_RAM_OK      0xffff0010u    /* the right shape */
#define RPCTEST_RAM_NO_CAP  0xffff0011u    /* no capability */
#define RPCTEST_RAM_ERR_CAP 0xffff0012u    /* LIB_ERR_NOT_IMPLEMENTED, with one */
#define RPCTEST_RAM_TWO     0xffff0013u    /* two scalars */

#endif
