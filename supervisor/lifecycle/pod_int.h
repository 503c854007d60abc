/* pod_int.h - between pod.c (the lifecycle) and pod_make.c (a pod's
 * making and unmaking) only: the callbacks a new pod is wired with, and
 * the first step. */
#ifndef PODINIT_POD_INT_H
#define PODINIT_POD_INT_H

#include "pod.h"

/* The pod's grace period ran out; a container's timer (back-off, or
 * SIGKILL after SIGTERM) fired; a probe's verdict changed. */
void pod_on_grace(struct loop *l, struct loop_timer *t);
void ctr_on_timer(struct loop *l, struct loop_timer *t);
void ctr_on_verdict(struct probe *p, bool healthy);
/* Walks the pod in declaration order and starts what is due. */
void pod_advance(struct pod *p);
void ctr_stop_probes(struct container *c, bool readiness_too);
/* Cancels c's postStart hook (post) and preStop hook (pre) if they run. */
void ctr_cancel_hooks(struct container *c, bool post, bool pre);

#endif
