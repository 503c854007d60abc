/* arena.c - chunked bump allocation; chunks are freed together. The first
 * chunk is small and each next one twice the last (up to CHUNK_MAX), so a
 * container's few arguments take 1 KiB and a large manifest few chunks;
 * a large request gets a chunk of its own size. */
#include "arena.h"

#include <stdalign.h>
#include <stdbool.h>
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

static struct arena_chunk *new_chunk(struct arena *a, size_t want)
{
	if (a->used + want + sizeof(struct arena_chunk) > a->cap)
		return NULL;
	struct arena_chunk *c = malloc(sizeof *c + want);
	if (!c)
		return NULL;
	c->size = want;
	c->off = 0;
	a->used += want + sizeof *c;
	return c;
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
		/* As large as half the next chunk: a chunk of its own, behind
		 * the head, whose free space stays in use. A new head for each
		 * such request (a pod's list of containers, 2.9 KB each) left
		 * 10 of a 2-container pod's 21 KB empty. */
		bool own = c && size >= next / 2;
		struct arena_chunk *n = new_chunk(a, own || size > next ? size : next);
		if (!n)
			return NULL;
		struct arena_chunk **after = own ? &c->next : &a->head;
		n->next = *after;
		*after = n;
		c = n;
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
