/* names.h - Kubernetes name and key syntax.
 *
 * Each predicate returns NULL when s is valid, else a short reason that the
 * caller puts after the field path. */
#ifndef PODINIT_NAMES_H
#define PODINIT_NAMES_H

#include <stddef.h>

const char *name_dns_label(const char *s);     /* RFC 1123 label: pods, containers, volumes */
const char *name_dns1035_label(const char *s); /* RFC 1035 label: Services */
const char *name_dns_subdomain(const char *s); /* RFC 1123 subdomain: ConfigMaps, Secrets */
const char *name_port(const char *s);          /* IANA service name: named ports */
const char *name_label_key(const char *s);     /* [prefix/]name of labels and annotations */
const char *name_label_value(const char *s);
const char *name_env(const char *s);           /* environment variable name */
const char *name_config_key(const char *s);    /* key of ConfigMap/Secret data */
const char *name_abs_path(const char *s);      /* mountPath, hostPath */
const char *name_rel_path(const char *s);      /* subPath, items[].path: no "..", not absolute */
const char *name_capability(const char *s);
const char *name_nonempty(const char *s);
/* The number of a valid capability name (not ALL), or -1. */
int names_capability_number(const char *s);    /* NET_ADMIN, with or without CAP_ */

/* snprintf for paths: -ENAMETOOLONG instead of a silently cut path. */
int pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
