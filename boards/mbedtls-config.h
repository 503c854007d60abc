/* boards/mbedtls-config.h - the mbedTLS 2.28 configuration podinit builds
 * (boards/deps.sh installs it as <mbedtls/config.h> in every prefix, host
 * included, so the library and its users always agree on it).
 *
 * Only what the api layer needs (supervisor/api/tls.h): a TLS 1.2 server,
 * ECDHE-ECDSA with AES-128-GCM (no ChaCha20-Poly1305: every client offers
 * AES-128-GCM, and the API's traffic is too small for ChaCha's speed on
 * cores without AES instructions, the Pi 4's, to matter against its 4 KB of
 * code; no AES-256-GCM: its suites need SHA-384; no RSA: the credentials are made here, ECDSA, and a
 * server certificate not signed by the device's CA is made again anyway),
 * P-256 keys, X.509 parse and write, CTR-DRBG (seeded from getrandom() by
 * the caller: no entropy module), SHA-256. What each part costs (size, memory) is in
 * docs/api-tls.md. */
#ifndef MBEDTLS_CONFIG_H
#define MBEDTLS_CONFIG_H

/* system */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME            /* ServerHello.random; no dates: see below */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY      /* tls.c counts and bounds every allocation */
#define MBEDTLS_NO_PLATFORM_ENTROPY  /* the DRBG is seeded from getrandom() by tls.c */
/* No MBEDTLS_HAVE_TIME_DATE: nothing compares a certificate's dates with the
 * clock (a board boots in 1970), and the server verifies no client cert. */

/* TLS 1.2 server only */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
/* Record buffers: what one connection holds. A peer may send records of up
 * to 16 KiB plaintext (TLS 1.2 has no way for a server to ask for less, and
 * Go's crypto/tls grows its records to 16 KiB on long uploads), so the input
 * side stays at the maximum; what the server sends it cuts to 4 KiB records. */
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

/* ciphers, hashes, DRBG */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_FEWER_TABLES     /* 8 KiB of tables instead of 16 */
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA1_C               /* the WebSocket handshake of kubectl exec only */
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_CTR_DRBG_C

/* public keys */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C

/* X.509: the server's chain, and first-boot credentials */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CRT_WRITE_C

#include "mbedtls/check_config.h"
#endif
