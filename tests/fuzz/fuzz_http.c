/* libFuzzer target: the API process's HTTP request reader, on any bytes
 * in any pieces (the port is anyone's): the first byte sets the piece
 * size; a whole request must have its body inside the buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t piece = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	struct http_req r;
	http_init(&r);
	for (size_t off = 0; off < size;) {
		size_t n = size - off < piece ? size - off : piece;
		int rc = http_feed(&r, (const char *)data + off, n);
		off += n;
		if (rc == HTTP_DONE) {
			if (r.body + r.content_length > r.buf + r.len)
				__builtin_trap();
			char v[32];
			http_query(&r, "watch", v, sizeof v);
			http_header(&r, "Authorization");
			http_reset(&r);
			rc = http_feed(&r, "", 0);
			if (rc == HTTP_DONE)
				http_reset(&r);
		}
		if (rc != HTTP_MORE && rc != HTTP_DONE)
			break;
	}
	http_free(&r);
	return 0;
}
