/*
 * kernel/include/xcap.h -- the Kernel capability's invocations that move
 * a capability between cores (kernel/xcap.c; docs/multikernel.md,
 * "Capabilities crossing cores").  The derivation database's side is in
 * cap.h (cap_export, cap_import; kernel/cap_cross.c).
 */
#ifndef SPRAT_KERNEL_XCAP_H
#define SPRAT_KERNEL_XCAP_H

#include <invocation.h>

errval_t xcap_export(struct invocation *inv);       /* KernelCmd_CapExport */
errval_t xcap_import(struct invocation *inv);       /* KernelCmd_CapImport */

#endif
