/* tls_int.h - what tls.c and tls_creds.c share (see tls.h). */
#ifndef PODINIT_TLS_INT_H
#define PODINIT_TLS_INT_H

#include <mbedtls/ctr_drbg.h>
#include <stddef.h>

/* A CTR-DRBG seeded from getrandom() (blocking until the kernel's pool is
 * ready, as it must be for keys). 0 or -EPROTO. */
int api_rng_init(mbedtls_ctr_drbg_context *drbg, const char *who);
/* getrandom() in full, for the token. 0 or -errno. */
int api_random(void *buf, size_t len);
/* Installs the counting allocator before anything of mbedTLS runs. */

#endif
