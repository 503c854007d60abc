/* tls.c - the non-blocking TLS server and mbedTLS's memory (see tls.h). */
#include "tls.h"
#include "tls_int.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/net_sockets.h> /* the MBEDTLS_ERR_NET_* codes only (no MBEDTLS_NET_C) */
#include <mbedtls/platform.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/pk.h>

/* ---- memory: a header before each block says its size */
#define MEM_HDR 16
static struct api_tls_mem mem;

static void *mem_calloc(size_t n, size_t size)
{
	if (size && n > (SIZE_MAX - MEM_HDR) / size)
		return NULL;
	size_t len = n * size + MEM_HDR;
	if (mem.limit && mem.in_use + len > mem.limit) {
		mem.failed++;
		return NULL;
	}
	unsigned char *p = calloc(1, len);
	if (!p)
		return NULL;
	memcpy(p, &len, sizeof len);
	mem.in_use += len;
	if (mem.in_use > mem.peak)
		mem.peak = mem.in_use;
	return p + MEM_HDR;
}

static void mem_free(void *q)
{
	if (!q)
		return;
	unsigned char *p = (unsigned char *)q - MEM_HDR;
	size_t len;
	memcpy(&len, p, sizeof len);
	mem.in_use -= len;
	free(p);
}

static void api_tls_mem_hook(void)
{
	static bool done;
	if (!done) {
		mbedtls_platform_set_calloc_free(mem_calloc, mem_free);
		done = true;
	}
}

void api_tls_mem(struct api_tls_mem *m) { *m = mem; }
void api_tls_mem_reset_peak(void) { mem.peak = mem.in_use; }
void api_tls_mem_set_limit(size_t bytes) { mem.limit = bytes; }

/* ---- randomness */
int api_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len) {
		ssize_t n = getrandom(p, len > 256 ? 256 : len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int entropy(void *unused, unsigned char *buf, size_t len)
{
	(void)unused;
	return api_random(buf, len) ? MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED : 0;
}

int api_rng_init(mbedtls_ctr_drbg_context *drbg, const char *who)
{
	api_tls_mem_hook();
	mbedtls_ctr_drbg_init(drbg);
	return mbedtls_ctr_drbg_seed(drbg, entropy, NULL, (const unsigned char *)who, strlen(who))
		       ? -EPROTO
		       : 0;
}

/* ---- the server */
struct api_tls {
	mbedtls_ssl_config conf;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
};

struct api_tls_conn {
	mbedtls_ssl_context ssl;
	int fd;
	int err;
};

int api_tls_open(struct api_tls **out, const char *dir)
{
	api_tls_mem_hook();
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	struct api_tls *t = mbedtls_calloc(1, sizeof *t);
	if (!t) {
		close(dirfd);
		return -ENOMEM;
	}
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->crt);
	mbedtls_pk_init(&t->key);
	unsigned char buf[8192];
	size_t len;
	int rc = api_rng_init(&t->drbg, "podinit api tls");
	if (!rc)
		rc = state_read(dirfd, "server.crt", buf, sizeof buf, &len);
	/* mbedTLS wants the NUL counted for PEM */
	if (!rc && mbedtls_x509_crt_parse(&t->crt, buf, len + 1))
		rc = -EPROTO;
	if (!rc)
		rc = state_read(dirfd, "server.key", buf, sizeof buf, &len);
	if (!rc && mbedtls_pk_parse_key(&t->key, buf, len + 1, NULL, 0))
		rc = -EPROTO;
	mbedtls_platform_zeroize(buf, sizeof buf);
	close(dirfd);
	if (!rc && (mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
						MBEDTLS_SSL_PRESET_DEFAULT) ||
		    mbedtls_ssl_conf_own_cert(&t->conf, &t->crt, &t->key)))
		rc = -EPROTO;
	if (rc) {
		api_tls_free(t);
		return rc;
	}
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	*out = t;
	return 0;
}

void api_tls_free(struct api_tls *t)
{
	if (!t)
		return;
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->crt);
	mbedtls_pk_free(&t->key);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_free(t);
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct api_tls_conn *c = ctx;
	for (;;) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
			return n > INT_MAX ? INT_MAX : (int)n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_WRITE;
		c->err = errno;
		return MBEDTLS_ERR_NET_SEND_FAILED;
	}
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct api_tls_conn *c = ctx;
	for (;;) {
		ssize_t n = recv(c->fd, buf, len, 0);
		if (n >= 0)
			return n > INT_MAX ? INT_MAX : (int)n; /* 0: EOF */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_READ;
		c->err = errno;
		return MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

int api_tls_conn_new(struct api_tls *t, int fd, struct api_tls_conn **out)
{
	struct api_tls_conn *c = mbedtls_calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->fd = fd;
	mbedtls_ssl_init(&c->ssl);
	if (mbedtls_ssl_setup(&c->ssl, &t->conf)) {
		mbedtls_ssl_free(&c->ssl);
		mbedtls_free(c);
		return -ENOMEM;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	*out = c;
	return 0;
}

void api_tls_conn_free(struct api_tls_conn *c)
{
	if (!c)
		return;
	mbedtls_ssl_free(&c->ssl);
	mbedtls_free(c);
}

int api_tls_last_error(const struct api_tls_conn *c) { return c->err; }

/* mbedTLS's result as tls.h says */
static int result(struct api_tls_conn *c, int r)
{
	if (r >= 0)
		return r;
	switch (r) {
	case MBEDTLS_ERR_SSL_WANT_READ:
		return API_TLS_WANT_READ;
	case MBEDTLS_ERR_SSL_WANT_WRITE:
		return API_TLS_WANT_WRITE;
	case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
		return 0;
	case MBEDTLS_ERR_SSL_ALLOC_FAILED:
		c->err = r;
		return -ENOMEM;
	case MBEDTLS_ERR_NET_SEND_FAILED:
	case MBEDTLS_ERR_NET_RECV_FAILED:
	case MBEDTLS_ERR_NET_CONN_RESET:
		return -ECONNRESET;
	default:
		c->err = r;
		return -EPROTO;
	}
}

int api_tls_handshake(struct api_tls_conn *c)
{
	int r = mbedtls_ssl_handshake(&c->ssl);
	if (r == MBEDTLS_ERR_SSL_CONN_EOF || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return -ECONNRESET;
	return result(c, r);
}

ssize_t api_tls_read(struct api_tls_conn *c, void *buf, size_t len)
{
	int r = mbedtls_ssl_read(&c->ssl, buf, len > INT_MAX ? INT_MAX : len);
	if (r == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0;
	return result(c, r);
}

ssize_t api_tls_write(struct api_tls_conn *c, const void *buf, size_t len)
{
	return result(c, mbedtls_ssl_write(&c->ssl, buf, len > INT_MAX ? INT_MAX : len));
}

int api_tls_shutdown(struct api_tls_conn *c)
{
	return result(c, mbedtls_ssl_close_notify(&c->ssl));
}
