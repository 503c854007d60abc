/* arena.h - a bump allocator with a hard cap, one per manifest generation.
 *
 * Everything decoded from one file lives in one arena and is freed at once,
 * so the supervisor never tracks individual parsed objects. */
#ifndef PODINIT_ARENA_H
#define PODINIT_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used, cap; /* bytes handed out (with chunk overhead) and the limit */
};

void arena_init(struct arena *a, size_t cap);
/* Zeroed memory aligned for any type, or NULL past the cap or on ENOMEM. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
void arena_free(struct arena *a);

#endif
