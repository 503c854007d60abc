/* ctr_start.h - turning a container spec into a running process: image,
 * argv, environment, user, capabilities, mounts, cgroup, log pipe. */
#ifndef PODINIT_CTR_START_H
#define PODINIT_CTR_START_H

#include "pod.h"

/* 0: spawned (state STARTING); -1: not started, with the Kubernetes
 * waiting reason and message set on c (ErrImageNeverPull,
 * CreateContainerConfigError, CreateContainerError). */
int ctr_start(struct container *c);
/* The instance is gone: read what its log pipe still holds, then close it. */
void ctr_log_close(struct container *c);

#endif
