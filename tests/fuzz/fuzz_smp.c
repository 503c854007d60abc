/* libFuzzer target: the strategic merge patch (smp.h), which the API
 * process applies to a client's PATCH body: any bytes, split at the first
 * NUL into the object and the patch (no NUL: the input is both). A merge
 * that succeeds must have written one JSON map that reads back. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "diag.h"
#include "lim.h"
#include "smp.h"
#include "ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nul = memchr(s, 0, size);
	size_t live_len = nul ? (size_t)(nul - s) : size;
	const char *patch = nul ? nul + 1 : s;
	size_t patch_len = nul ? size - live_len - 1 : size;
	char *out = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return 0;
	int rc = smp_apply(s, live_len, patch, patch_len, f, err, sizeof err);
	fclose(f);
	if (!rc) {
		static struct diag_list dl;
		struct arena a;
		struct yt_file yf;
		arena_init(&a, LIM_ARENA_BYTES);
		diag_init(&dl, "merged");
		if (yt_load(out, len, &a, &a, &dl, &yf) == -EINVAL || (yf.ndocs == 1 && yf.docs[0] && yf.docs[0]->kind != YT_MAP))
			__builtin_trap(); /* what was written is not one map */
		arena_free(&a);
	}
	free(out);
	return 0;
}
