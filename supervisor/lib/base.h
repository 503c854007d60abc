/* base.h - the few definitions every module may want, made once. */
#ifndef PODINIT_BASE_H
#define PODINIT_BASE_H

#include <stddef.h>
#include <stdint.h>

#define NS_PER_S 1000000000ULL
#define NS_PER_MS 1000000ULL

/* The struct that holds member `field` at ptr (callbacks get the member). */
#define container_of(ptr, type, field) ((type *)(void *)((char *)(ptr) - offsetof(type, field)))

/* FNV-1a: start with FNV_START, feed bytes; for change detection, not security. */
#define FNV_START 1469598103934665603ULL
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

#endif
