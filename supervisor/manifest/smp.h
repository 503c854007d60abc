/* smp.h - a strategic merge patch, applied as the API server applies one
 * to the types podinit serves (Pod, Service, ConfigMap, Secret): the
 * three-way patch `kubectl apply` sends, on the object as podinit holds it.
 *
 * Maps merge key by key, a null deleting its key. The lists Kubernetes
 * gives a merge key merge element by element (containers, initContainers,
 * ephemeralContainers, volumes, env, imagePullSecrets by name; ports of a
 * container by containerPort, of a Service by port; volumeMounts by
 * mountPath; volumeDevices by devicePath; hostAliases by ip; ...); every
 * other list is replaced whole. Directives: $patch (replace, delete,
 * merge) in a map or a list element, $setElementOrder/FIELD,
 * $deleteFromPrimitiveList/FIELD, $retainKeys.
 *
 * Both texts are JSON or YAML (one document each), bounded as manifests
 * are (ytree.h); the result is written as JSON on one line. */
#ifndef PODINIT_SMP_H
#define PODINIT_SMP_H

#include <stddef.h>
#include <stdio.h>

/* 0, or -EINVAL / -ENOMEM / -E2BIG with one line in err. */
int smp_apply(const char *live, size_t live_len, const char *patch, size_t patch_len, FILE *out, char *err,
	      size_t errlen);

#endif
