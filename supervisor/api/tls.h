/* tls.h - the api layer's TLS (mbedTLS 2.28, boards/mbedtls-config.h):
 * first-boot credentials and a non-blocking TLS server for an epoll loop.
 *
 * Credentials live in one directory (made 0700), each file written whole
 * through state_write (temporary, fsync, rename, directory fsync):
 *
 *   ca.key      0600  the device's CA, ECDSA P-256 (SEC1 PEM)
 *   ca.crt      0644  its self-signed certificate: what a kubeconfig's
 *                     certificate-authority-data holds
 *   server.key  0600  the API server's key, ECDSA P-256
 *   server.crt  0644  signed by ca.key; SANs: every address given (IP) and
 *                     DNS "localhost"; serverAuth
 *   server.sans 0644  those addresses, canonical, one a line: written last,
 *                     so a cert that does not match them is made again
 *   token       0600  the bearer token: 32 random bytes as 64 hex digits
 *
 * Validity never depends on the device's clock (a board without an RTC
 * boots in 1970 until the network sets the time): every certificate runs
 * from 1970-01-01 00:00:00 (UTCTime 700101000000Z) to 9999-12-31 23:59:59
 * (GeneralizedTime, RFC 5280's "no well-defined expiration"). Go's
 * crypto/x509 (kubectl) and OpenSSL accept both (tests/api/run.sh).
 *
 * The server: api_tls_open loads server.crt + server.key; each accepted
 * socket (non-blocking) gets an api_tls_conn. Every call returns at once:
 * API_TLS_WANT_READ / API_TLS_WANT_WRITE say what to wait for in epoll, and
 * the same call is made again when the fd is ready (for api_tls_write, with
 * the same buffer and length). Decrypted bytes can sit in the record buffer
 * with nothing left on the socket: read until WANT_READ before waiting.
 *
 * Memory: every allocation mbedTLS makes goes through a counter here
 * (api_tls_mem), with an optional limit on the total. A connection holds
 * its two record buffers (in: 16 KiB + overhead, out: 4 KiB + overhead, set
 * in boards/mbedtls-config.h) and, during the handshake only, the
 * handshake state. The figures are in docs/api-tls.md. */
#ifndef PODINIT_TLS_H
#define PODINIT_TLS_H

#include <stddef.h>
#include <sys/types.h>

/* beyond every errno: what a non-blocking call waits for */
#define API_TLS_WANT_READ (-20001)
#define API_TLS_WANT_WRITE (-20002)

/* what api_creds_ensure made (the rest was there and good) */
#define API_MADE_CA 1u
#define API_MADE_SERVER 2u
#define API_MADE_TOKEN 4u

#define API_TOKEN_HEX 64
#define API_MAX_ADDRS 16

/* Makes what is missing or stale under dir: the CA (when ca.key/ca.crt are
 * missing, unreadable or not a pair: the server cert is then made again
 * too), the server cert (when missing, not a pair, not signed by the CA, or
 * when the set of addrs differs from server.sans; the CA is kept), the
 * token. addrs: IPv4/IPv6 literals (inet_pton), any order, duplicates
 * folded. made (may be NULL): API_MADE_* bits. 0 or -errno (-EINVAL for a
 * bad address, -EPROTO for an mbedTLS failure). */
int api_creds_ensure(const char *dir, const char *const *addrs, size_t naddrs, unsigned *made);

/* Reads dir/token into out (64 hex digits and a NUL). 0 or -errno. */
int api_token_read(const char *dir, char out[API_TOKEN_HEX + 1]);

/* Compares a bearer token with the one read, in constant time. */
int api_token_equal(const char *want, const char *got, size_t got_len);

struct api_tls;
struct api_tls_conn;

/* Loads dir/server.crt and dir/server.key. 0 or -errno. */
int api_tls_open(struct api_tls **out, const char *dir);
void api_tls_free(struct api_tls *t);

/* A connection over a connected, non-blocking socket (not closed here). */
int api_tls_conn_new(struct api_tls *t, int fd, struct api_tls_conn **out);
void api_tls_conn_free(struct api_tls_conn *c);
/* 0 when established, API_TLS_WANT_*, or -errno (-EPROTO: a TLS error,
 * -ECONNRESET: the peer went away). */
int api_tls_handshake(struct api_tls_conn *c);
/* >0 bytes, 0 the peer closed (close_notify or EOF), API_TLS_WANT_*, -errno. */
ssize_t api_tls_read(struct api_tls_conn *c, void *buf, size_t len);
/* >0 bytes taken (maybe fewer than len), API_TLS_WANT_*, -errno. */
ssize_t api_tls_write(struct api_tls_conn *c, const void *buf, size_t len);
/* Sends close_notify: 0, API_TLS_WANT_WRITE, -errno. */
int api_tls_shutdown(struct api_tls_conn *c);
/* mbedTLS's last error code on this connection, for a log line. */
int api_tls_last_error(const struct api_tls_conn *c);

struct api_tls_mem {
	size_t in_use; /* bytes mbedTLS (and api_tls_conn) hold now, headers included */
	size_t peak;   /* the most since the last api_tls_mem_reset_peak */
	size_t limit;  /* 0: none; past it an allocation fails (mbedTLS reports it) */
	size_t failed; /* allocations refused */
};
void api_tls_mem(struct api_tls_mem *m);
void api_tls_mem_reset_peak(void);
void api_tls_mem_set_limit(size_t bytes);

#endif
