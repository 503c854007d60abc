/* ctr_start.h - turning a container spec into a running process: image,
 * argv, environment, user, capabilities, mounts, cgroup, log pipe. */
#ifndef PODINIT_CTR_START_H
#define PODINIT_CTR_START_H

#include "pod.h"

/* 0: spawned and released, its log watched; c->err_watch.fd is the spawn
 * report for the caller to watch. -1: not started, with the Kubernetes
 * waiting reason and message set on c (ErrImageNeverPull,
 * CreateContainerConfigError, CreateContainerError). The container's
 * state is the caller's (pod.c): nothing here changes it. */
int ctr_start(struct container *c);
/* The instance is gone: read what its log pipe still holds, then close it. */
void ctr_log_close(struct container *c);

#endif
