/* manifest_schema.h - field tables of the manifest kinds (internal to the
 * manifest module).
 *
 * One table per object type drives decoding, unknown-field errors, the
 * ignored-field warnings and normalised printing, so the four can never
 * disagree about which fields exist. */
#ifndef PODINIT_MANIFEST_SCHEMA_H
#define PODINIT_MANIFEST_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

enum mf_ftype {
	FT_STR,         /* struct mf_val .s */
	FT_INT,         /* .i within [min, max] */
	FT_BOOL,        /* .i 0 or 1 */
	FT_MEM,         /* quantity in bytes: .i, text in .s */
	FT_CPU,         /* quantity in millicores */
	FT_QTY,         /* any quantity, in thousandths (resourceFieldRef divisor) */
	FT_INTSTR,      /* port number (.i) or name (.s) */
	FT_ENUM,        /* .s one of enums[], .i its index */
	FT_OBJ,         /* embedded struct described by sub */
	FT_LIST,        /* struct mf_list of sub */
	FT_STRS,        /* struct mf_list of struct mf_val strings */
	FT_INTS,        /* struct mf_list of struct mf_val integers */
	FT_MAP,         /* struct mf_list of struct mf_kv */
	FT_IGNORED,     /* accepted with a warning, not kept */
	FT_UNSUPPORTED, /* a Kubernetes field podinit cannot honour: an error */
};

enum {
	FF_REQUIRED = 1,
	FF_OCTAL = 2, /* a leading 0 means octal, as in YAML 1.1: file modes */
};

struct mf_schema;

struct mf_field {
	const char *name;
	uint8_t type, flags;
	size_t off;
	const struct mf_schema *sub;
	const char *const *enums;                /* NULL-terminated */
	const char *(*check)(const char *);      /* strings, map keys: NULL or why not */
	const char *(*check_val)(const char *);  /* map values */
	int64_t min, max;
	const char *why; /* FT_IGNORED, FT_UNSUPPORTED */
};

struct mf_schema {
	const char *name;
	size_t size;
	const struct mf_field *fields; /* ends with a NULL name */
};

extern const struct mf_schema mf_schema_pod, mf_schema_service, mf_schema_configmap,
	mf_schema_secret, mf_schema_pod_spec;

#endif
