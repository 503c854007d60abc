/* status.h - a pod as Kubernetes prints it: the Pod object with metadata,
 * spec and a core/v1 PodStatus, as JSON or YAML. */
#ifndef PODINIT_STATUS_H
#define PODINIT_STATUS_H

#include <time.h>
#include "emit.h"
#include "pod.h"

void status_emit_pod(struct emit *e, const struct pod *p);
/* A List as kubectl prints several objects: head, the items, end. */
/* A list's head: kind List (podctl, kubectl's printing) or PodList (the API). */
void status_emit_list_head(struct emit *e, const char *kind, unsigned long long rv /* 0: "" */);
void status_emit_list_end(struct emit *e);
/* RFC 3339 UTC */
void status_time(const struct timespec *t, char *buf, size_t len);
/* kubectl's AGE: 5s, 3m, 2h, 4d */
void status_age(const struct timespec *since, char *buf, size_t len);

#endif
