/* ota.h - generations of the manifests directory: numbered, validated
 * whole, tried, then committed or rolled back (docs/ota.md).
 *
 * The supervisor reads the directory once it is quiet and offers the
 * part it read (ota_offer); ota decides which agent part runs: the
 * committed one, or a new generation on trial. A trial commits once the
 * node is healthy (node_all_healthy, the one predicate) for the settle
 * time, and rolls back at the deadline, on a crash loop or a failed pod
 * of the trial, or when the device booted during it more often than
 * allowed. The record and a copy of the committed files live under
 * DATA/ota and are replaced atomically (state.h), so after a power cut
 * at any moment the device boots into the old committed generation or
 * the new one, whole. */
#ifndef PODINIT_OTA_H
#define PODINIT_OTA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include "loop.h"
#include "mset.h"
#include "node.h"

enum ota_state { OTA_NONE, OTA_COMMITTED, OTA_TRIAL, OTA_ROLLED_BACK, OTA_REJECTED };

/* DATA/ota/record, as text lines (ota_record.c) */
struct ota_record {
	unsigned gen;            /* the latest generation seen in the directory */
	uint64_t hash;           /* its content hash */
	enum ota_state state;
	unsigned committed;      /* the last committed generation; 0: none */
	uint64_t committed_hash;
	unsigned numbered;       /* the highest number given so far */
	unsigned boots;          /* boots since the trial began */
	char reason[400];        /* why the last rejection or rollback */
};

struct ota {
	struct node *node;
	const char *manifests, *images, *data;
	int dirfd;               /* DATA/ota; -1: nothing survives a reboot */
	uint64_t settle, deadline; /* ns; deadline 0: every valid generation commits at once */
	unsigned max_boots;
	struct ota_record rec;
	struct mpart committed;  /* the committed generation's files */
	struct mpart trial;      /* the generation on trial (n = 0: none) */
	bool on_trial;
	bool held;               /* shutting down: no decisions (ota_hold) */
	uint64_t trial_start, healthy_since; /* monotonic ns */
	struct loop_timer settle_timer, deadline_timer;
	/* the part to run changed outside ota_offer (a rollback) */
	void (*changed)(struct ota *o);
};

/* Opens DATA/ota (made if missing), reads the record and the committed
 * copy, counts a boot during a trial. Problems are events; the device
 * runs without a record then. */
void ota_open(struct ota *o, struct node *node, const struct config *cfg);
void ota_close(struct ota *o);
/* The manifests directory as read now (with the problems met while
 * reading it in rep) and the operator's part: a new generation is
 * validated and committed or put on trial, a known one resumes. */
void ota_offer(struct ota *o, const struct mpart *agent, const struct mset_report *rep,
	       const struct mpart *op);
/* The agent part that runs now, and its generation number. */
const struct mpart *ota_running(const struct ota *o, unsigned *gen);
/* The device is shutting down: the trial neither commits nor rolls back
 * now; the next boot resumes it (and counts the boot). */
void ota_hold(struct ota *o);
/* Pods changed (the node's observer): a trial may commit or roll back. */
void ota_pods_changed(struct ota *o);
/* Everything a whole set must pass besides parsing: the rules across
 * files, every image in the store, the pods' memory requests within the
 * board's allocatable memory. Problems go to rep and ev; their number. */
unsigned ota_admit(const struct ota *o, const struct mset *s, struct events *ev,
		   struct mset_report *rep);
/* podctl apply --dry-run: what changes from `now` to `next`, in order,
 * with the memory requests before and after and admission's verdict. */
void ota_plan(const struct ota *o, const struct mset *now, const struct mset *next, FILE *out);
/* podctl ota status [-o json] */
void ota_status(const struct ota *o, FILE *out, bool json);
const char *ota_state_name(enum ota_state s);

/* The record's text form (ota_record.c): 0, or -EINVAL for a damaged one. */
int ota_record_parse(const char *text, struct ota_record *r);
int ota_record_format(const struct ota_record *r, char *buf, size_t len);

#endif
