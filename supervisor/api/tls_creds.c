/* tls_creds.c - first-boot credentials: the CA, the server cert, the token
 * (see tls.h). */
#include "tls.h"
#include "tls_int.h"
#include "state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

/* Not the device's clock: see tls.h. */
#define NOT_BEFORE "19700101000000"
#define NOT_AFTER "99991231235959"
#define CA_NAME "CN=podinit-ca,O=podinit"
#define SERVER_NAME "CN=podinit-apiserver,O=podinit"

struct addr {
	int family;
	unsigned char b[16];
};

static size_t addr_len(const struct addr *a) { return a->family == AF_INET ? 4 : 16; }

static int addr_cmp(const void *x, const void *y)
{
	const struct addr *a = x, *b = y;
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->b, b->b, addr_len(a));
}

/* the addresses parsed, sorted, without duplicates, and as text one a line */
static int canon_addrs(const char *const *in, size_t n, struct addr *out, size_t *nout, char *text,
		       size_t size)
{
	if (n > API_MAX_ADDRS)
		return -E2BIG;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct addr a = {0};
		if (inet_pton(AF_INET, in[i], a.b) == 1)
			a.family = AF_INET;
		else if (inet_pton(AF_INET6, in[i], a.b) == 1)
			a.family = AF_INET6;
		else
			return -EINVAL;
		out[k++] = a;
	}
	qsort(out, k, sizeof *out, addr_cmp);
	size_t m = 0, used = 0;
	for (size_t i = 0; i < k; i++) {
		if (m && !addr_cmp(&out[m - 1], &out[i]))
			continue;
		out[m++] = out[i];
		char s[INET6_ADDRSTRLEN];
		inet_ntop(out[i].family, out[i].b, s, sizeof s);
		int w = snprintf(text + used, size - used, "%s\n", s);
		if (w < 0 || (size_t)w >= size - used)
			return -E2BIG;
		used += (size_t)w;
	}
	*nout = m;
	return 0;
}

/* ---- files */
static int load_key(int dirfd, const char *name, mbedtls_pk_context *pk)
{
	unsigned char buf[4096];
	size_t n;
	int rc = state_read(dirfd, name, buf, sizeof buf, &n);
	if (!rc && mbedtls_pk_parse_key(pk, buf, n + 1, NULL, 0))
		rc = -EPROTO;
	mbedtls_platform_zeroize(buf, sizeof buf);
	return rc;
}

static int load_crt(int dirfd, const char *name, mbedtls_x509_crt *crt)
{
	unsigned char buf[8192];
	size_t n;
	int rc = state_read(dirfd, name, buf, sizeof buf, &n);
	if (!rc && mbedtls_x509_crt_parse(crt, buf, n + 1))
		rc = -EPROTO;
	return rc;
}

static int make_key(mbedtls_pk_context *pk, mbedtls_ctr_drbg_context *drbg)
{
	if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) ||
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk), mbedtls_ctr_drbg_random, drbg))
		return -EPROTO;
	return 0;
}

static int save_key(int dirfd, const char *name, mbedtls_pk_context *pk)
{
	unsigned char buf[1024];
	if (mbedtls_pk_write_key_pem(pk, buf, sizeof buf))
		return -EPROTO;
	int rc = state_write(dirfd, name, buf, strlen((char *)buf), 0600);
	mbedtls_platform_zeroize(buf, sizeof buf);
	return rc;
}

/* ---- certificates */

/* subjectAltName: [7] IP for each address, [2] dNSName "localhost" */
static int san_der(const struct addr *a, size_t n, unsigned char *buf, size_t size, unsigned char **start)
{
	unsigned char *p = buf + size;
	size_t len = 0;
	int r;
#define CHK(x)                          \
	do {                            \
		if ((r = (x)) < 0)      \
			return -EPROTO; \
		len += (size_t)r;       \
	} while (0)
	CHK(mbedtls_asn1_write_raw_buffer(&p, buf, (const unsigned char *)"localhost", 9));
	CHK(mbedtls_asn1_write_len(&p, buf, 9));
	CHK(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2));
	for (size_t i = n; i-- > 0;) {
		CHK(mbedtls_asn1_write_raw_buffer(&p, buf, a[i].b, addr_len(&a[i])));
		CHK(mbedtls_asn1_write_len(&p, buf, addr_len(&a[i])));
		CHK(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7));
	}
	CHK(mbedtls_asn1_write_len(&p, buf, len));
	CHK(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
#undef CHK
	*start = p;
	return (int)len;
}

/* extKeyUsage: serverAuth */
static const unsigned char EKU_SERVER[] = {0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01,
					   0x05, 0x05, 0x07, 0x03, 0x01};

/* Writes a certificate for subject_key, signed by issuer_key: the CA's own
 * (addrs NULL) or the server's. */
static int make_crt(int dirfd, const char *name, mbedtls_pk_context *subject_key, mbedtls_pk_context *issuer_key,
		    const struct addr *addrs, size_t naddrs, mbedtls_ctr_drbg_context *drbg)
{
	bool ca = addrs == NULL;
	mbedtls_x509write_cert w;
	mbedtls_mpi serial;
	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	unsigned char rnd[16], pem[4096], san[API_MAX_ADDRS * 18 + 32], *sanp = NULL;
	int rc = -EPROTO;
	if (mbedtls_ctr_drbg_random(drbg, rnd, sizeof rnd))
		goto out;
	rnd[0] &= 0x7f; /* positive, at most 16 bytes (RFC 5280: 20) */
	rnd[0] |= 0x40;
	if (mbedtls_mpi_read_binary(&serial, rnd, sizeof rnd))
		goto out;
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, subject_key);
	mbedtls_x509write_crt_set_issuer_key(&w, issuer_key);
	if (mbedtls_x509write_crt_set_serial(&w, &serial) ||
	    mbedtls_x509write_crt_set_validity(&w, NOT_BEFORE, NOT_AFTER) ||
	    mbedtls_x509write_crt_set_issuer_name(&w, CA_NAME) ||
	    mbedtls_x509write_crt_set_subject_name(&w, ca ? CA_NAME : SERVER_NAME) ||
	    mbedtls_x509write_crt_set_basic_constraints(&w, ca, ca ? 0 : -1))
		goto out;
	if (ca) {
		if (mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN))
			goto out;
	} else {
		int n = san_der(addrs, naddrs, san, sizeof san, &sanp);
		if (n < 0 || mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) ||
		    mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
							MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, sanp,
							(size_t)n) ||
		    mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
							MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0,
							EKU_SERVER, sizeof EKU_SERVER))
			goto out;
	}
	if (mbedtls_x509write_crt_pem(&w, pem, sizeof pem, mbedtls_ctr_drbg_random, drbg))
		goto out;
	rc = state_write(dirfd, name, pem, strlen((char *)pem), 0644);
out:
	mbedtls_x509write_crt_free(&w);
	mbedtls_mpi_free(&serial);
	return rc;
}

/* the CA as it is on disk, if whole: key and cert a pair */
static bool ca_good(int dirfd, mbedtls_pk_context *key, mbedtls_x509_crt *crt)
{
	return !load_key(dirfd, "ca.key", key) && !load_crt(dirfd, "ca.crt", crt) &&
	       crt->ca_istrue && !mbedtls_pk_check_pair(&crt->pk, key);
}

static bool server_good(int dirfd, mbedtls_x509_crt *ca, const char *sans)
{
	mbedtls_pk_context key;
	mbedtls_x509_crt crt;
	mbedtls_pk_init(&key);
	mbedtls_x509_crt_init(&crt);
	unsigned char have[API_MAX_ADDRS * (INET6_ADDRSTRLEN + 1) + 1];
	size_t n;
	uint32_t flags = 0;
	bool ok = !state_read(dirfd, "server.sans", have, sizeof have, &n) && !strcmp((char *)have, sans) &&
		  !load_key(dirfd, "server.key", &key) && !load_crt(dirfd, "server.crt", &crt) &&
		  !mbedtls_pk_check_pair(&crt.pk, &key) &&
		  !mbedtls_x509_crt_verify(&crt, ca, NULL, NULL, &flags, NULL, NULL);
	mbedtls_pk_free(&key);
	mbedtls_x509_crt_free(&crt);
	return ok;
}

static bool token_ok(const unsigned char *t, size_t n)
{
	if (n != API_TOKEN_HEX && !(n == API_TOKEN_HEX + 1 && t[API_TOKEN_HEX] == '\n'))
		return false;
	for (size_t i = 0; i < API_TOKEN_HEX; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return false;
	return true;
}

static int ensure_token(int dirfd, unsigned *made)
{
	unsigned char buf[API_TOKEN_HEX + 8];
	size_t n;
	if (!state_read(dirfd, "token", buf, sizeof buf, &n) && token_ok(buf, n))
		return 0;
	unsigned char raw[32];
	int rc = api_random(raw, sizeof raw);
	if (rc)
		return rc;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof raw; i++) {
		buf[2 * i] = (unsigned char)hex[raw[i] >> 4];
		buf[2 * i + 1] = (unsigned char)hex[raw[i] & 15];
	}
	buf[API_TOKEN_HEX] = '\n';
	rc = state_write(dirfd, "token", buf, API_TOKEN_HEX + 1, 0600);
	mbedtls_platform_zeroize(raw, sizeof raw);
	mbedtls_platform_zeroize(buf, sizeof buf);
	if (!rc)
		*made |= API_MADE_TOKEN;
	return rc;
}

int api_creds_ensure(const char *dir, const char *const *addrs, size_t naddrs, unsigned *made_out)
{
	struct addr a[API_MAX_ADDRS];
	char sans[API_MAX_ADDRS * (INET6_ADDRSTRLEN + 1) + 1];
	size_t na;
	unsigned made = 0;
	int rc = canon_addrs(addrs, naddrs, a, &na, sans, sizeof sans);
	if (rc)
		return rc;
	rc = state_mkdir_p(dir, 0700);
	if (rc)
		return rc;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	if (fchmod(dirfd, 0700) < 0) {
		rc = -errno;
		close(dirfd);
		return rc;
	}
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context ca_key, srv_key;
	mbedtls_x509_crt ca;
	mbedtls_pk_init(&ca_key);
	mbedtls_pk_init(&srv_key);
	mbedtls_x509_crt_init(&ca);
	rc = api_rng_init(&drbg, "podinit api creds");
	if (rc)
		goto out;
	if (!ca_good(dirfd, &ca_key, &ca)) {
		mbedtls_pk_free(&ca_key);
		mbedtls_x509_crt_free(&ca);
		mbedtls_pk_init(&ca_key);
		mbedtls_x509_crt_init(&ca);
		/* the old server cert goes first: a crash below leaves no pair that
		 * looks good with a CA that is not its issuer */
		unlinkat(dirfd, "server.sans", 0);
		if ((rc = make_key(&ca_key, &drbg)) || (rc = save_key(dirfd, "ca.key", &ca_key)) ||
		    (rc = make_crt(dirfd, "ca.crt", &ca_key, &ca_key, NULL, 0, &drbg)) ||
		    (rc = load_crt(dirfd, "ca.crt", &ca)))
			goto out;
		made |= API_MADE_CA;
	}
	if (!server_good(dirfd, &ca, sans)) {
		/* key, cert, then the addresses they are for: a crash between leaves
		 * server.sans stale or missing, and the next start makes them again */
		unlinkat(dirfd, "server.sans", 0);
		if ((rc = make_key(&srv_key, &drbg)) || (rc = save_key(dirfd, "server.key", &srv_key)) ||
		    (rc = make_crt(dirfd, "server.crt", &srv_key, &ca_key, a, na, &drbg)) ||
		    (rc = state_write(dirfd, "server.sans", sans, strlen(sans), 0644)))
			goto out;
		made |= API_MADE_SERVER;
	}
	rc = ensure_token(dirfd, &made);
out:
	mbedtls_pk_free(&ca_key);
	mbedtls_pk_free(&srv_key);
	mbedtls_x509_crt_free(&ca);
	mbedtls_ctr_drbg_free(&drbg);
	close(dirfd);
	if (made_out)
		*made_out = made;
	return rc;
}

int api_token_read(const char *dir, char out[API_TOKEN_HEX + 1])
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	unsigned char buf[API_TOKEN_HEX + 8];
	size_t n;
	int rc = state_read(dirfd, "token", buf, sizeof buf, &n);
	close(dirfd);
	if (rc)
		return rc;
	if (!token_ok(buf, n))
		return -EINVAL;
	memcpy(out, buf, API_TOKEN_HEX);
	out[API_TOKEN_HEX] = 0;
	mbedtls_platform_zeroize(buf, sizeof buf);
	return 0;
}

int api_token_equal(const char *want, const char *got, size_t got_len)
{
	if (got_len != API_TOKEN_HEX)
		return 0;
	unsigned char d = 0;
	for (size_t i = 0; i < API_TOKEN_HEX; i++)
		d |= (unsigned char)(want[i] ^ got[i]);
	return d == 0;
}
