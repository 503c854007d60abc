/* api_ws.c - WebSocket framing (api_ws.h). */
#include "api_ws.h"

#include <errno.h>
#include <mbedtls/base64.h>
#include <mbedtls/sha1.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "api_stream.h"

int api_ws_accept(const char *key, char out[32])
{
	char in[128];
	unsigned char sha[20];
	size_t n;
	int len = snprintf(in, sizeof in, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
	if (len < 0 || (size_t)len >= sizeof in || mbedtls_sha1_ret((unsigned char *)in, (size_t)len, sha) ||
	    mbedtls_base64_encode((unsigned char *)out, 32, &n, sha, sizeof sha))
		return -EINVAL;
	return 0;
}

int api_ws_send(struct api_stream *s, int opcode, int ch, const void *data, size_t len)
{
	unsigned char h[11];
	size_t hl = 2, total = len + (ch >= 0);
	h[0] = (unsigned char)(0x80 | opcode);
	if (total < 126) {
		h[1] = (unsigned char)total;
	} else if (total < 65536) {
		h[1] = 126;
		h[2] = (unsigned char)(total >> 8);
		h[3] = (unsigned char)total;
		hl = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)total >> (56 - 8 * i));
		hl = 10;
	}
	if (ch >= 0)
		h[hl++] = (unsigned char)ch;
	int rc = api_stream_write(s, h, hl);
	return rc || !len ? rc : api_stream_write(s, data, len);
}

ssize_t api_ws_frame(unsigned char *buf, size_t len, size_t max, int *op, bool *fin, unsigned char **payload,
		     size_t *plen)
{
	if (len < 2)
		return 0;
	uint64_t n = buf[1] & 0x7f;
	size_t hl = 2;
	if (n == 126) {
		if (len < 4)
			return 0;
		n = (uint64_t)buf[2] << 8 | buf[3];
		hl = 4;
	} else if (n == 127) {
		if (len < 10)
			return 0;
		n = 0;
		for (int i = 0; i < 8; i++)
			n = n << 8 | buf[2 + i];
		hl = 10;
	}
	if (!(buf[1] & 0x80))
		return -EPROTO;
	if (n > max)
		return -EMSGSIZE;
	if (len < hl + 4 + n)
		return 0;
	unsigned char *mask = buf + hl, *p = buf + hl + 4;
	for (uint64_t i = 0; i < n; i++)
		p[i] ^= mask[i & 3];
	*op = buf[0] & 0x0f;
	*fin = buf[0] & 0x80;
	*payload = p;
	*plen = (size_t)n;
	return (ssize_t)(hl + 4 + n);
}
