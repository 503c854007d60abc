/* manifest.h - the validated model of Pod, Service, ConfigMap and Secret
 * manifests, and how to load and print them.
 *
 * Every scalar is a struct mf_val that remembers where it was written, so
 * any later check can report FILE:LINE:COL. Objects carry a struct mf_node
 * saying whether they were present. Everything of one file lives in that
 * file's arena; mf_free releases it at once. */
#ifndef PODINIT_MANIFEST_H
#define PODINIT_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "arena.h"
#include "diag.h"
#include "emit.h"

struct mf_val {
	const char *s;      /* strings, enum names, named ports; NULL if numeric */
	int64_t i;          /* integers, booleans, bytes, millicores, port numbers */
	uint32_t line, col; /* where it was written; 0 when filled in as a default */
	bool set;
};

struct mf_node {
	uint32_t line, col;
	bool set;
};

struct mf_list {
	void *v; /* n elements of the field's element type */
	uint32_t n;
	uint32_t line, col;
	bool set;
};

struct mf_kv {
	struct mf_val key, val;
};

struct mf_meta {
	struct mf_node node;
	struct mf_val name, namespace_;
	struct mf_list labels, annotations; /* of struct mf_kv */
};

struct mf_exec {
	struct mf_node node;
	struct mf_list command; /* of struct mf_val */
};

struct mf_http_header {
	struct mf_node node;
	struct mf_val name, value;
};

struct mf_http {
	struct mf_node node;
	struct mf_val path, port, host, scheme;
	struct mf_list headers; /* of struct mf_http_header */
};

struct mf_tcp {
	struct mf_node node;
	struct mf_val port, host;
};

struct mf_sleep {
	struct mf_node node;
	struct mf_val seconds;
};

struct mf_probe {
	struct mf_node node;
	struct mf_exec exec;
	struct mf_http http;
	struct mf_tcp tcp;
	struct mf_val initial_delay, period, timeout, success, failure, grace;
};

struct mf_handler {
	struct mf_node node;
	struct mf_exec exec;
	struct mf_http http;
	struct mf_sleep sleep;
};

struct mf_lifecycle {
	struct mf_node node;
	struct mf_handler post_start, pre_stop;
};

struct mf_res_list {
	struct mf_node node;
	struct mf_val cpu, memory, ephemeral; /* millicores, bytes, bytes */
};

struct mf_resources {
	struct mf_node node;
	struct mf_res_list limits, requests;
};

struct mf_port {
	struct mf_node node;
	struct mf_val name, container_port, host_port, protocol;
};

struct mf_mount {
	struct mf_node node;
	struct mf_val name, mount_path, read_only, sub_path;
};

struct mf_key_ref {
	struct mf_node node;
	struct mf_val name, key, optional;
};

struct mf_field_ref {
	struct mf_node node;
	struct mf_val api_version, field_path;
};

struct mf_res_ref {
	struct mf_node node;
	struct mf_val container, resource, divisor;
};

struct mf_env_source {
	struct mf_node node;
	struct mf_field_ref field;
	struct mf_key_ref config_map, secret;
	struct mf_res_ref resource;
};

struct mf_env {
	struct mf_node node;
	struct mf_val name, value;
	struct mf_env_source from;
};

struct mf_obj_ref {
	struct mf_node node;
	struct mf_val name, optional;
};

struct mf_env_from {
	struct mf_node node;
	struct mf_val prefix;
	struct mf_obj_ref config_map, secret;
};

struct mf_caps {
	struct mf_node node;
	struct mf_list add, drop; /* of struct mf_val */
};

struct mf_seccomp {
	struct mf_node node;
	struct mf_val type, localhost;
};

struct mf_ctr_security {
	struct mf_node node;
	struct mf_val run_as_user, run_as_group, run_as_non_root, read_only_root, privileged,
		allow_escalation;
	struct mf_caps caps;
	struct mf_seccomp seccomp;
};

struct mf_container {
	struct mf_node node;
	struct mf_val name, image, working_dir, restart_policy;
	struct mf_list command, args;     /* of struct mf_val */
	struct mf_list env;               /* of struct mf_env */
	struct mf_list env_from;          /* of struct mf_env_from */
	struct mf_list ports;             /* of struct mf_port */
	struct mf_list mounts;            /* of struct mf_mount */
	struct mf_resources resources;
	struct mf_probe startup, readiness, liveness;
	struct mf_lifecycle lifecycle;
	struct mf_ctr_security security;
};

struct mf_key_path {
	struct mf_node node;
	struct mf_val key, path, mode;
};

struct mf_empty_dir {
	struct mf_node node;
	struct mf_val medium, size_limit;
};

struct mf_host_path {
	struct mf_node node;
	struct mf_val path, type;
};

struct mf_config_vol { /* configMap and secret volumes */
	struct mf_node node;
	struct mf_val name; /* configMap.name or secret.secretName */
	struct mf_val default_mode, optional;
	struct mf_list items; /* of struct mf_key_path */
};

struct mf_volume {
	struct mf_node node;
	struct mf_val name;
	struct mf_empty_dir empty_dir;
	struct mf_host_path host_path;
	struct mf_config_vol config_map, secret;
};

struct mf_pod_security {
	struct mf_node node;
	struct mf_val run_as_user, run_as_group, run_as_non_root, fs_group;
	struct mf_list supplemental_groups; /* of struct mf_val */
	struct mf_seccomp seccomp;
};

struct mf_pod_spec {
	struct mf_node node;
	struct mf_list init_containers, containers; /* of struct mf_container */
	struct mf_list volumes;                     /* of struct mf_volume */
	struct mf_val restart_policy, grace, host_network, hostname, share_pid, priority;
	struct mf_pod_security security;
};

struct mf_pod {
	struct mf_node node;
	struct mf_val api_version, kind;
	struct mf_meta meta;
	struct mf_pod_spec spec;
};

struct mf_svc_port {
	struct mf_node node;
	struct mf_val name, protocol, port, target_port, node_port;
};

struct mf_svc_spec {
	struct mf_node node;
	struct mf_val type;
	struct mf_list selector; /* of struct mf_kv */
	struct mf_list ports;    /* of struct mf_svc_port */
};

struct mf_service {
	struct mf_node node;
	struct mf_val api_version, kind;
	struct mf_meta meta;
	struct mf_svc_spec spec;
};

struct mf_config { /* ConfigMap and Secret */
	struct mf_node node;
	struct mf_val api_version, kind;
	struct mf_meta meta;
	struct mf_list data;  /* of struct mf_kv; Secret: base64 */
	struct mf_list data2; /* ConfigMap binaryData (base64), Secret stringData */
	struct mf_val type, immutable;
};

enum mf_kind { MF_POD, MF_SERVICE, MF_CONFIGMAP, MF_SECRET };

struct mf_object {
	enum mf_kind kind;
	union {
		struct mf_pod *pod;
		struct mf_service *service;
		struct mf_config *config; /* ConfigMap or Secret */
		void *any;
	};
};

struct mf_file {
	struct arena arena;
	struct mf_object *objs;
	unsigned n;
};

/* Parses and validates one file's text. Every error and warning goes to
 * dl (whose file name labels them); returns 0 when the file is valid,
 * -EINVAL when it is not, -ENOMEM. Defaults are filled in. On error the
 * file is still released by mf_free. */
int mf_parse(const char *buf, size_t len, struct mf_file *out, struct diag_list *dl);
/* Reads the regular file path, at most LIM_MANIFEST_BYTES, into a new
 * buffer *text (the caller frees it). 0, or -EINVAL with the reason in dl. */
int mf_read(const char *path, char **text, size_t *len, struct diag_list *dl);
/* Reads path (bounded by LIM_MANIFEST_BYTES) and parses it. */
int mf_load(const char *path, struct mf_file *out, struct diag_list *dl);
void mf_free(struct mf_file *f);

/* Writes one object, normalised, as YAML or JSON. */
void mf_emit(struct emit *e, const struct mf_object *o);
/* Writes a Pod's spec alone (for status output), with spec.nodeName when given. */
void mf_emit_pod_spec(struct emit *e, const struct mf_pod *p, const char *node_name);

const char *mf_kind_name(enum mf_kind k);
/* "pod", "service", ... as kubectl prints kinds */
void mf_kind_word(enum mf_kind k, char *buf, size_t len);
/* An object's metadata and name, whatever its kind. */
const struct mf_meta *mf_meta_of(const struct mf_object *o);
const char *mf_object_name(const struct mf_object *o);
/* FNV-1a of the object as normalised JSON: equal for equal objects, so a
 * change of any field (defaults filled in) changes it. 0 without memory. */
uint64_t mf_object_hash(const struct mf_object *o);
/* A sidecar is an init container with restartPolicy Always. */
bool mf_is_sidecar(const struct mf_container *c);

#endif
