/* libFuzzer target: the whole manifest path (YAML, decode, check), the
 * diagnostics and the normalised printer in both formats, on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct diag_list dl;
	static FILE *sink;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	struct mf_file f;
	diag_init(&dl, "fuzz.yaml");
	if (mf_parse((const char *)data, size, &f, &dl) == 0) {
		for (unsigned i = 0; i < f.n; i++) {
			struct emit e;
			emit_init(&e, sink, i % 2 ? EMIT_JSON : EMIT_YAML);
			mf_emit(&e, &f.objs[i]);
			emit_finish(&e);
		}
	}
	diag_print(&dl, sink);
	mf_free(&f);
	return 0;
}
