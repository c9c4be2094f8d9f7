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

#endif
