/* emit.h - writes nested maps, lists and scalars as YAML or JSON.
 *
 * One walk over a structure produces either format, so `podinit -n`, the
 * JSON status and `-o yaml` never disagree. Keys and scalars are written
 * as they come; the emitter only tracks nesting, so its state is a fixed
 * stack. Errors of the underlying FILE are left for the caller's ferror. */
#ifndef PODINIT_EMIT_H
#define PODINIT_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum emit_format { EMIT_YAML, EMIT_JSON, EMIT_JSON_LINE };

#define EMIT_DEPTH 64

struct emit {
	FILE *f;
	enum emit_format fmt;
	unsigned depth;
	bool after_key;         /* a key was written; its value comes next */
	bool midline;           /* YAML: the current line has text */
	struct {
		bool map;       /* else a list */
		bool inl;       /* YAML: opened as a list item, right after "- " */
		unsigned items; /* entries written so far */
	} st[EMIT_DEPTH];
};

void emit_init(struct emit *e, FILE *f, enum emit_format fmt);
void emit_map(struct emit *e);
void emit_list(struct emit *e);
void emit_end(struct emit *e); /* closes the innermost map or list */
void emit_key(struct emit *e, const char *key);
void emit_str(struct emit *e, const char *s);
void emit_int(struct emit *e, int64_t v);
/* a number as written (a float read from YAML or JSON) */
void emit_number(struct emit *e, const char *text);
void emit_bool(struct emit *e, bool v);
void emit_null(struct emit *e);
/* Ends the document: a newline after JSON, "---" between YAML documents is
 * the caller's. */
void emit_finish(struct emit *e);

/* A FILE whose bytes go into an FNV-1a hash (*h, set to FNV_START here;
 * whole once the FILE is closed): the hash of what an emitter writes,
 * without keeping the text. NULL without memory. */
FILE *emit_hash_file(uint64_t *h);

#endif
