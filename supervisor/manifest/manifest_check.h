/* manifest_check.h - rules across fields, and Kubernetes' defaults
 * (internal to the manifest module). */
#ifndef PODINIT_MANIFEST_CHECK_H
#define PODINIT_MANIFEST_CHECK_H

#include "manifest.h"

/* Validates one decoded object and fills in its defaults; errors to dl. */
int mf_check(struct mf_object *o, struct diag_list *dl);

#endif
