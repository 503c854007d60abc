/* ota_record.c - the OTA record's text form: one "key value" line each,
 * after a first line naming the format. Unknown keys are skipped (a newer
 * podinit's record on an older one); a record without the first line,
 * without any of the keys, or with a bad value is damaged, and the caller
 * starts afresh. */
#include "ota.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_LINE "podinit-ota 1\n"

static const char *const state_names[] = {"none", "committed", "trial", "rolled-back", "rejected"};

const char *ota_state_name(enum ota_state s)
{
	return state_names[s];
}

int ota_record_format(const struct ota_record *r, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 FORMAT_LINE "generation %u\nhash %016" PRIx64 "\nstate %s\ncommitted %u\n"
				     "committed-hash %016" PRIx64 "\nnumbered %u\nboots %u\nreason %s\n",
			 r->gen, r->hash, state_names[r->state], r->committed, r->committed_hash,
			 r->numbered, r->boots, r->reason);
	return n < 0 || (size_t)n >= len ? -E2BIG : n;
}

static bool uint_of(const char *v, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n > 1000000000UL)
		return false;
	*out = (unsigned)n;
	return true;
}

static bool hash_of(const char *v, uint64_t *out)
{
	char *end;
	if (strlen(v) != 16)
		return false;
	*out = strtoull(v, &end, 16);
	return !*end;
}

int ota_record_parse(const char *text, struct ota_record *r)
{
	memset(r, 0, sizeof *r);
	if (strncmp(text, FORMAT_LINE, strlen(FORMAT_LINE)))
		return -EINVAL;
	static const char *const keys[] = {"generation", "hash", "state", "committed", "committed-hash",
					   "numbered", "boots", "reason"};
	unsigned seen = 0;
	for (const char *l = text + strlen(FORMAT_LINE); *l;) {
		const char *nl = strchr(l, '\n');
		if (!nl)
			return -EINVAL; /* every line ends: a cut one is damage */
		char line[512];
		size_t n = (size_t)(nl - l);
		if (n >= sizeof line)
			return -EINVAL;
		memcpy(line, l, n);
		line[n] = 0;
		l = nl + 1;
		char *v = strchr(line, ' ');
		if (!v)
			return -EINVAL;
		*v++ = 0;
		bool ok = true;
		for (unsigned k = 0; k < sizeof keys / sizeof *keys; k++)
			if (!strcmp(line, keys[k]))
				seen |= 1u << k;
		if (!strcmp(line, "generation"))
			ok = uint_of(v, &r->gen);
		else if (!strcmp(line, "hash"))
			ok = hash_of(v, &r->hash);
		else if (!strcmp(line, "committed"))
			ok = uint_of(v, &r->committed);
		else if (!strcmp(line, "committed-hash"))
			ok = hash_of(v, &r->committed_hash);
		else if (!strcmp(line, "numbered"))
			ok = uint_of(v, &r->numbered);
		else if (!strcmp(line, "boots"))
			ok = uint_of(v, &r->boots);
		else if (!strcmp(line, "reason"))
			snprintf(r->reason, sizeof r->reason, "%s", v);
		else if (!strcmp(line, "state")) {
			ok = false;
			for (int s = OTA_COMMITTED; s <= OTA_REJECTED && !ok; s++)
				if (!strcmp(v, state_names[s])) {
					r->state = (enum ota_state)s;
					ok = true;
				}
		}
		if (!ok)
			return -EINVAL;
	}
	if (seen != (1u << (sizeof keys / sizeof *keys)) - 1 || r->committed > r->numbered ||
	    r->gen > r->numbered)
		return -EINVAL;
	return 0;
}
