/* manifest_decode.h - one YAML document to one model object (internal). */
#ifndef PODINIT_MANIFEST_DECODE_H
#define PODINIT_MANIFEST_DECODE_H

#include "manifest.h"
#include "manifest_schema.h"
#include "ytree.h"

/* Decodes root by the table of its kind; 0 or -EINVAL with errors in dl. */
int mf_decode(const struct yt_node *root, struct arena *a, struct diag_list *dl,
	      struct mf_object *out);

#endif
