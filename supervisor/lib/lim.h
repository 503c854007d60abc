/* lim.h - every bound podinit places on input, in one place.
 *
 * PID 1 must never exhaust memory because of what it reads, so each parser
 * and table is sized from these numbers and refuses input beyond them with
 * a clear error instead of growing. */
#ifndef PODINIT_LIMITS_H
#define PODINIT_LIMITS_H

/* Manifests */
#define LIM_MANIFEST_BYTES   (1024 * 1024) /* one manifest file */
#define LIM_YAML_NODES       40000         /* nodes in one file, before aliases */
#define LIM_YAML_DEPTH       48            /* nesting of maps and sequences */
#define LIM_YAML_SCALAR      (256 * 1024)  /* one scalar (ConfigMap values) */
#define LIM_YAML_ANCHORS     256           /* anchors in one document */
#define LIM_YAML_VISITS      60000         /* nodes decoded from one document, aliases expanded */
#define LIM_DOCUMENTS        256           /* documents in one file */
#define LIM_ARENA_BYTES      (16 * 1024 * 1024) /* decoded objects of one file */
#define LIM_DIAGS            100           /* errors and warnings kept per check */
#define LIM_DIAG_TEXT        480           /* one diagnostic line */
#define LIM_PATH_TEXT        256           /* a field path such as spec.containers[0].image */

/* Supervisor */
#define LIM_MANIFEST_FILES   128           /* *.yaml files in the manifests directory */
#define LIM_PODS             128           /* pods running at once (the board's MAX_PODS may say fewer) */
#define LIM_CONTAINERS       64            /* containers of one pod, init and app together */
#define LIM_NET_LEASES       512           /* remembered pod addresses, ClusterIPs, NodePorts (each) */
#define LIM_SVC_ENTRIES      512           /* Service ports and hostPorts in the table */
#define LIM_SVC_ENDPOINTS    2048          /* endpoints over all of them */
#define LIM_CG_LEFTOVER      32            /* cgroups waiting for their last processes to go */
#define LIM_TIMERS           2048          /* armed deadlines at once */
#define LIM_CTL_CLIENTS      16            /* control connections at once */
#define LIM_CTL_FOLLOWERS    12            /* of those, following logs or events (-f, wait): the
					    * rest stay free for new requests, poweroff included */
#define LIM_PEER_GROUPS      256           /* supplementary groups of a control client looked at */
#define LIM_CTL_REQUEST      (LIM_MANIFEST_BYTES + 4096) /* one request, apply included */
#define LIM_CTL_OUTPUT       (512 * 1024)  /* output queued for a follower (logs -f) */
#define LIM_CTL_RESPONSE     (2 * LIM_ARENA_BYTES) /* one answer, e.g. the largest valid pod as JSON */
#define LIM_LOG_BYTES        (64 * 1024)   /* default log ring per container instance */
#define LIM_ARGS             1024          /* argv or env entries of one container */
#define LIM_CTR_MOUNTS       64            /* mounts of one container (volumes, /etc files) */
#define LIM_SUPP_GROUPS      64            /* supplementalGroups of a pod, fsGroup besides */

/* Kubernetes' own bounds */
#define LIM_DNS_LABEL        63
#define LIM_DNS_SUBDOMAIN    253
#define LIM_ANNOTATIONS      (256 * 1024)  /* total size of a pod's annotations */
#define LIM_CONFIG_DATA      (1024 * 1024) /* a ConfigMap's or Secret's data */

#define LIM_STR_(x) #x
#define LIM_STR(x) LIM_STR_(x) /* a limit as text, for messages */

#endif
