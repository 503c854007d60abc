/* libFuzzer target: the OTA record's reader (DATA/ota/record), on any
 * bytes: a damaged disk gives anything. What it accepts must write back
 * and read again to the same record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	struct ota_record r, again;
	if (ota_record_parse(text, &r) == 0) {
		char buf[2048];
		if (ota_record_format(&r, buf, sizeof buf) < 0 || ota_record_parse(buf, &again) != 0 ||
		    again.gen != r.gen || again.hash != r.hash || again.state != r.state ||
		    again.committed != r.committed || again.committed_hash != r.committed_hash ||
		    again.numbered != r.numbered || again.boots != r.boots || strcmp(again.reason, r.reason))
			__builtin_trap();
	}
	free(text);
	return 0;
}
