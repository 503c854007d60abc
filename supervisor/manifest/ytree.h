/* ytree.h - YAML text to a bounded tree of nodes with their positions.
 *
 * libyaml's event parser feeds a node stack; the tree keeps line and column
 * of every node so that later checks can say file:line:col. Aliases point
 * at the anchored node (no copy), so a tree is a DAG; whoever walks it
 * counts visits against LIM_YAML_VISITS, which defeats alias bombs. */
#ifndef PODINIT_YTREE_H
#define PODINIT_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "diag.h"

enum yt_kind { YT_SCALAR, YT_MAP, YT_SEQ };

/* What a scalar resolves to under the YAML 1.2 core schema. */
enum yt_type { YS_NULL, YS_BOOL, YS_INT, YS_FLOAT, YS_STR };

struct yt_node {
	uint8_t kind;       /* enum yt_kind */
	uint8_t type;       /* enum yt_type, for scalars */
	uint32_t line, col; /* 1-based */
	uint32_t n;         /* scalar length, or number of kids (a map has key, value pairs) */
	union {
		const char *s;          /* scalar text, NUL-terminated */
		struct yt_node **kids;
	};
};

struct yt_file {
	struct yt_node **docs; /* roots; NULL for an empty document */
	unsigned ndocs;
};

/* Parses buf (len bytes) into out. The nodes go to arena a, the scalars'
 * text to arena text (which may be a): a caller that keeps only what it
 * decoded frees a once done and keeps text. Every problem is added to dl;
 * returns 0 or -EINVAL (syntax error or a limit exceeded) or -ENOMEM. */
int yt_load(const char *buf, size_t len, struct arena *a, struct arena *text, struct diag_list *dl,
	    struct yt_file *out);

/* Resolution helpers for scalars. */
enum yt_type yt_resolve(const char *plain);
bool yt_bool(const struct yt_node *n);
/* Parses an integer scalar (decimal, 0x, 0o); false on overflow. */
bool yt_int(const struct yt_node *n, int64_t *out);
const char *yt_type_name(const struct yt_node *n);

#endif
