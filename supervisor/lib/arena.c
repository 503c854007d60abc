/* arena.c - chunked bump allocation; chunks are freed together. The first
 * chunk is small and each next one twice the last (up to CHUNK_MAX), so a
 * container's few arguments take 1 KiB and a large manifest few chunks. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_FIRST 1024
#define CHUNK_MAX (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, off;
	alignas(max_align_t) unsigned char mem[];
};

void arena_init(struct arena *a, size_t cap)
{
	a->head = NULL;
	a->used = 0;
	a->cap = cap;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	if (size > a->cap)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->off < size) {
		size_t next = c ? (c->size < CHUNK_MAX / 2 ? c->size * 2 : CHUNK_MAX) : CHUNK_FIRST;
		size_t want = size > next ? size : next;
		if (a->used + want + sizeof *c > a->cap)
			return NULL;
		c = malloc(sizeof *c + want);
		if (!c)
			return NULL;
		c->size = want;
		c->off = 0;
		c->next = a->head;
		a->head = c;
		a->used += want + sizeof *c;
	}
	void *p = c->mem + c->off;
	c->off += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = 0;
	}
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
	a->used = 0;
}
