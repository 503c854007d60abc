/* api_ws.h - WebSocket (RFC 6455), as kubectl exec's stream needs it:
 * the handshake's accept key, the server's frames (unmasked, whole), and
 * the client's frames read out of a buffer (masked, as clients must). */
#ifndef PODINIT_API_WS_H
#define PODINIT_API_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct api_stream;

enum { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };

/* Sec-WebSocket-Accept for the client's key (base64 of SHA-1 of key and
 * the RFC's GUID): 0, or -EINVAL for a key too long. */
int api_ws_accept(const char *key, char out[32]);

/* One frame: opcode, then a channel byte (ch < 0: none) and data. 0 or
 * -errno (the client went away). */
int api_ws_send(struct api_stream *s, int opcode, int ch, const void *data, size_t len);

/* The client's frame at buf (len bytes held): 0 when it is not all there
 * yet; its size when it is, with its opcode, FIN bit and payload
 * (unmasked in place); -EMSGSIZE for a payload over max, -EPROTO for an
 * unmasked frame (close with 1009 or 1002). */
ssize_t api_ws_frame(unsigned char *buf, size_t len, size_t max, int *op, bool *fin, unsigned char **payload,
		     size_t *plen);

#endif
