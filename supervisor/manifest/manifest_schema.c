/* manifest_schema.c - which fields each manifest object has, in the order
 * Kubernetes documents them (which is also the normalised print order). */
#include "manifest_schema.h"

#include <stdint.h>
#include "manifest.h"
#include "names.h"

#define F(n, t, T, m, ...) {.name = n, .type = t, .off = offsetof(T, m), __VA_ARGS__}
#define IGN(n) {.name = n, .type = FT_IGNORED}
#define UNSUP(n, reason) {.name = n, .type = FT_UNSUPPORTED, .why = reason}
#define END {.name = NULL}
#define RANGE(lo, hi) .min = (lo), .max = (hi)
#define SCHEMA(var, label, T, tab) \
	static const struct mf_schema var = {label, sizeof(T), tab}

#define I32MAX INT32_MAX
#define PORT RANGE(1, 65535)
#define ID RANGE(0, I32MAX)

static const char *const restart_policies[] = {"Always", "OnFailure", "Never", NULL};
static const char *const protocols[] = {"TCP", "UDP", "SCTP", NULL};
static const char *const schemes[] = {"HTTP", "HTTPS", NULL};
static const char *const svc_types[] = {"ClusterIP", "NodePort", "LoadBalancer", NULL};
static const char *const media[] = {"", "Memory", NULL};
static const char *const host_path_types[] = {"",     "DirectoryOrCreate", "Directory",
					      "FileOrCreate", "File", "Socket",
					      "CharDevice",   "BlockDevice", NULL};
static const char *const seccomp_types[] = {"RuntimeDefault", "Unconfined", "Localhost", NULL};

/* metadata */
static const struct mf_field meta_f[] = {
	F("name", FT_STR, struct mf_meta, name, .flags = FF_REQUIRED),
	F("namespace", FT_STR, struct mf_meta, namespace_, .check = name_dns_label),
	F("labels", FT_MAP, struct mf_meta, labels, .check = name_label_key,
	  .check_val = name_label_value),
	F("annotations", FT_MAP, struct mf_meta, annotations, .check = name_label_key),
	IGN("uid"), IGN("resourceVersion"), IGN("generation"), IGN("creationTimestamp"),
	IGN("deletionTimestamp"), IGN("deletionGracePeriodSeconds"), IGN("ownerReferences"),
	IGN("finalizers"), IGN("managedFields"), IGN("generateName"), IGN("selfLink"),
	END};
SCHEMA(meta_s, "metadata", struct mf_meta, meta_f);

/* handlers: exec, httpGet, tcpSocket, sleep */
static const struct mf_field exec_f[] = {
	F("command", FT_STRS, struct mf_exec, command), END};
SCHEMA(exec_s, "exec", struct mf_exec, exec_f);

static const struct mf_field header_f[] = {
	F("name", FT_STR, struct mf_http_header, name, .flags = FF_REQUIRED),
	F("value", FT_STR, struct mf_http_header, value, .flags = FF_REQUIRED), END};
SCHEMA(header_s, "httpHeaders", struct mf_http_header, header_f);

static const struct mf_field http_f[] = {
	F("path", FT_STR, struct mf_http, path),
	F("port", FT_INTSTR, struct mf_http, port, .flags = FF_REQUIRED, PORT,
	  .check = name_port),
	F("host", FT_STR, struct mf_http, host),
	F("scheme", FT_ENUM, struct mf_http, scheme, .enums = schemes),
	F("httpHeaders", FT_LIST, struct mf_http, headers, .sub = &header_s), END};
SCHEMA(http_s, "httpGet", struct mf_http, http_f);

static const struct mf_field tcp_f[] = {
	F("port", FT_INTSTR, struct mf_tcp, port, .flags = FF_REQUIRED, PORT, .check = name_port),
	F("host", FT_STR, struct mf_tcp, host), END};
SCHEMA(tcp_s, "tcpSocket", struct mf_tcp, tcp_f);

static const struct mf_field sleep_f[] = {
	F("seconds", FT_INT, struct mf_sleep, seconds, .flags = FF_REQUIRED, RANGE(0, I32MAX)),
	END};
SCHEMA(sleep_s, "sleep", struct mf_sleep, sleep_f);

static const struct mf_field probe_f[] = {
	F("exec", FT_OBJ, struct mf_probe, exec, .sub = &exec_s),
	F("httpGet", FT_OBJ, struct mf_probe, http, .sub = &http_s),
	F("tcpSocket", FT_OBJ, struct mf_probe, tcp, .sub = &tcp_s),
	UNSUP("grpc", "gRPC probes are not supported by podinit; use exec, httpGet or tcpSocket"),
	F("initialDelaySeconds", FT_INT, struct mf_probe, initial_delay, RANGE(0, I32MAX)),
	F("timeoutSeconds", FT_INT, struct mf_probe, timeout, RANGE(1, I32MAX)),
	F("periodSeconds", FT_INT, struct mf_probe, period, RANGE(1, I32MAX)),
	F("successThreshold", FT_INT, struct mf_probe, success, RANGE(1, I32MAX)),
	F("failureThreshold", FT_INT, struct mf_probe, failure, RANGE(1, I32MAX)),
	F("terminationGracePeriodSeconds", FT_INT, struct mf_probe, grace, RANGE(1, I32MAX)),
	END};
SCHEMA(probe_s, "probe", struct mf_probe, probe_f);

static const struct mf_field handler_f[] = {
	F("exec", FT_OBJ, struct mf_handler, exec, .sub = &exec_s),
	F("httpGet", FT_OBJ, struct mf_handler, http, .sub = &http_s),
	F("sleep", FT_OBJ, struct mf_handler, sleep, .sub = &sleep_s),
	UNSUP("tcpSocket", "tcpSocket is not a valid lifecycle hook; use exec, httpGet or sleep"),
	END};
SCHEMA(handler_s, "handler", struct mf_handler, handler_f);

static const struct mf_field lifecycle_f[] = {
	F("postStart", FT_OBJ, struct mf_lifecycle, post_start, .sub = &handler_s),
	F("preStop", FT_OBJ, struct mf_lifecycle, pre_stop, .sub = &handler_s),
	UNSUP("stopSignal", "lifecycle.stopSignal is not supported by podinit"), END};
SCHEMA(lifecycle_s, "lifecycle", struct mf_lifecycle, lifecycle_f);

/* resources */
static const struct mf_field res_list_f[] = {
	F("cpu", FT_CPU, struct mf_res_list, cpu),
	F("memory", FT_MEM, struct mf_res_list, memory),
	F("ephemeral-storage", FT_MEM, struct mf_res_list, ephemeral), END};
SCHEMA(res_list_s, "resources", struct mf_res_list, res_list_f);

static const struct mf_field resources_f[] = {
	F("limits", FT_OBJ, struct mf_resources, limits, .sub = &res_list_s),
	F("requests", FT_OBJ, struct mf_resources, requests, .sub = &res_list_s),
	UNSUP("claims", "resources.claims (dynamic resource allocation) is not supported"), END};
SCHEMA(resources_s, "resources", struct mf_resources, resources_f);

/* ports, mounts, env */
static const struct mf_field port_f[] = {
	F("name", FT_STR, struct mf_port, name, .check = name_port),
	F("containerPort", FT_INT, struct mf_port, container_port, .flags = FF_REQUIRED, PORT),
	F("hostPort", FT_INT, struct mf_port, host_port, RANGE(0, 65535)),
	F("protocol", FT_ENUM, struct mf_port, protocol, .enums = protocols),
	IGN("hostIP"), END};
SCHEMA(port_s, "port", struct mf_port, port_f);

static const struct mf_field mount_f[] = {
	F("name", FT_STR, struct mf_mount, name, .flags = FF_REQUIRED),
	F("mountPath", FT_STR, struct mf_mount, mount_path, .flags = FF_REQUIRED,
	  .check = name_abs_path),
	F("readOnly", FT_BOOL, struct mf_mount, read_only),
	F("subPath", FT_STR, struct mf_mount, sub_path, .check = name_rel_path),
	IGN("mountPropagation"),
	UNSUP("subPathExpr", "subPathExpr is not supported by podinit; use subPath"),
	UNSUP("recursiveReadOnly", "recursiveReadOnly is not supported by podinit"), END};
SCHEMA(mount_s, "volumeMount", struct mf_mount, mount_f);

static const struct mf_field key_ref_f[] = {
	F("name", FT_STR, struct mf_key_ref, name, .flags = FF_REQUIRED,
	  .check = name_dns_subdomain),
	F("key", FT_STR, struct mf_key_ref, key, .flags = FF_REQUIRED, .check = name_config_key),
	F("optional", FT_BOOL, struct mf_key_ref, optional), END};
SCHEMA(key_ref_s, "keyRef", struct mf_key_ref, key_ref_f);

static const struct mf_field field_ref_f[] = {
	F("apiVersion", FT_STR, struct mf_field_ref, api_version),
	F("fieldPath", FT_STR, struct mf_field_ref, field_path, .flags = FF_REQUIRED), END};
SCHEMA(field_ref_s, "fieldRef", struct mf_field_ref, field_ref_f);

static const struct mf_field res_ref_f[] = {
	F("containerName", FT_STR, struct mf_res_ref, container),
	F("resource", FT_STR, struct mf_res_ref, resource, .flags = FF_REQUIRED),
	F("divisor", FT_QTY, struct mf_res_ref, divisor), END};
SCHEMA(res_ref_s, "resourceFieldRef", struct mf_res_ref, res_ref_f);

static const struct mf_field env_source_f[] = {
	F("fieldRef", FT_OBJ, struct mf_env_source, field, .sub = &field_ref_s),
	F("resourceFieldRef", FT_OBJ, struct mf_env_source, resource, .sub = &res_ref_s),
	F("configMapKeyRef", FT_OBJ, struct mf_env_source, config_map, .sub = &key_ref_s),
	F("secretKeyRef", FT_OBJ, struct mf_env_source, secret, .sub = &key_ref_s),
	UNSUP("fileKeyRef", "fileKeyRef is not supported by podinit"), END};
SCHEMA(env_source_s, "valueFrom", struct mf_env_source, env_source_f);

static const struct mf_field env_f[] = {
	F("name", FT_STR, struct mf_env, name, .flags = FF_REQUIRED, .check = name_env),
	F("value", FT_STR, struct mf_env, value),
	F("valueFrom", FT_OBJ, struct mf_env, from, .sub = &env_source_s), END};
SCHEMA(env_s, "env", struct mf_env, env_f);

static const struct mf_field obj_ref_f[] = {
	F("name", FT_STR, struct mf_obj_ref, name, .flags = FF_REQUIRED,
	  .check = name_dns_subdomain),
	F("optional", FT_BOOL, struct mf_obj_ref, optional), END};
SCHEMA(obj_ref_s, "ref", struct mf_obj_ref, obj_ref_f);

static const struct mf_field env_from_f[] = {
	F("prefix", FT_STR, struct mf_env_from, prefix),
	F("configMapRef", FT_OBJ, struct mf_env_from, config_map, .sub = &obj_ref_s),
	F("secretRef", FT_OBJ, struct mf_env_from, secret, .sub = &obj_ref_s), END};
SCHEMA(env_from_s, "envFrom", struct mf_env_from, env_from_f);

/* security contexts */
static const struct mf_field caps_f[] = {
	F("add", FT_STRS, struct mf_caps, add, .check = name_capability),
	F("drop", FT_STRS, struct mf_caps, drop, .check = name_capability), END};
SCHEMA(caps_s, "capabilities", struct mf_caps, caps_f);

static const struct mf_field seccomp_f[] = {
	F("type", FT_ENUM, struct mf_seccomp, type, .flags = FF_REQUIRED, .enums = seccomp_types),
	F("localhostProfile", FT_STR, struct mf_seccomp, localhost, .check = name_rel_path), END};
SCHEMA(seccomp_s, "seccompProfile", struct mf_seccomp, seccomp_f);

static const struct mf_field ctr_sec_f[] = {
	F("runAsUser", FT_INT, struct mf_ctr_security, run_as_user, ID),
	F("runAsGroup", FT_INT, struct mf_ctr_security, run_as_group, ID),
	F("runAsNonRoot", FT_BOOL, struct mf_ctr_security, run_as_non_root),
	F("readOnlyRootFilesystem", FT_BOOL, struct mf_ctr_security, read_only_root),
	F("privileged", FT_BOOL, struct mf_ctr_security, privileged),
	F("allowPrivilegeEscalation", FT_BOOL, struct mf_ctr_security, allow_escalation),
	F("capabilities", FT_OBJ, struct mf_ctr_security, caps, .sub = &caps_s),
	F("seccompProfile", FT_OBJ, struct mf_ctr_security, seccomp, .sub = &seccomp_s),
	IGN("seLinuxOptions"), IGN("windowsOptions"), IGN("appArmorProfile"), IGN("procMount"),
	END};
SCHEMA(ctr_sec_s, "securityContext", struct mf_ctr_security, ctr_sec_f);

static const struct mf_field pod_sec_f[] = {
	F("runAsUser", FT_INT, struct mf_pod_security, run_as_user, ID),
	F("runAsGroup", FT_INT, struct mf_pod_security, run_as_group, ID),
	F("runAsNonRoot", FT_BOOL, struct mf_pod_security, run_as_non_root),
	F("fsGroup", FT_INT, struct mf_pod_security, fs_group, ID),
	F("supplementalGroups", FT_INTS, struct mf_pod_security, supplemental_groups, ID),
	F("seccompProfile", FT_OBJ, struct mf_pod_security, seccomp, .sub = &seccomp_s),
	IGN("seLinuxOptions"), IGN("windowsOptions"), IGN("appArmorProfile"),
	IGN("fsGroupChangePolicy"), IGN("supplementalGroupsPolicy"), IGN("seLinuxChangePolicy"),
	UNSUP("sysctls", "sysctls are not supported by podinit"), END};
SCHEMA(pod_sec_s, "securityContext", struct mf_pod_security, pod_sec_f);

/* containers */
static const struct mf_field container_f[] = {
	F("name", FT_STR, struct mf_container, name, .flags = FF_REQUIRED,
	  .check = name_dns_label),
	F("image", FT_STR, struct mf_container, image, .flags = FF_REQUIRED,
	  .check = name_nonempty),
	F("command", FT_STRS, struct mf_container, command),
	F("args", FT_STRS, struct mf_container, args),
	F("workingDir", FT_STR, struct mf_container, working_dir, .check = name_abs_path),
	F("ports", FT_LIST, struct mf_container, ports, .sub = &port_s),
	F("envFrom", FT_LIST, struct mf_container, env_from, .sub = &env_from_s),
	F("env", FT_LIST, struct mf_container, env, .sub = &env_s),
	F("resources", FT_OBJ, struct mf_container, resources, .sub = &resources_s),
	F("restartPolicy", FT_ENUM, struct mf_container, restart_policy,
	  .enums = restart_policies),
	F("volumeMounts", FT_LIST, struct mf_container, mounts, .sub = &mount_s),
	F("livenessProbe", FT_OBJ, struct mf_container, liveness, .sub = &probe_s),
	F("readinessProbe", FT_OBJ, struct mf_container, readiness, .sub = &probe_s),
	F("startupProbe", FT_OBJ, struct mf_container, startup, .sub = &probe_s),
	F("lifecycle", FT_OBJ, struct mf_container, lifecycle, .sub = &lifecycle_s),
	F("securityContext", FT_OBJ, struct mf_container, security, .sub = &ctr_sec_s),
	IGN("imagePullPolicy"), IGN("terminationMessagePath"), IGN("terminationMessagePolicy"),
	IGN("stdin"), IGN("stdinOnce"), IGN("tty"), IGN("resizePolicy"),
	UNSUP("restartPolicyRules", "restartPolicyRules (Kubernetes 1.35) are not supported"),
	UNSUP("volumeDevices", "volumeDevices are not supported by podinit"), END};
SCHEMA(container_s, "container", struct mf_container, container_f);

/* volumes */
static const struct mf_field key_path_f[] = {
	F("key", FT_STR, struct mf_key_path, key, .flags = FF_REQUIRED, .check = name_config_key),
	F("path", FT_STR, struct mf_key_path, path, .flags = FF_REQUIRED, .check = name_rel_path),
	F("mode", FT_INT, struct mf_key_path, mode, .flags = FF_OCTAL, RANGE(0, 0777)), END};
SCHEMA(key_path_s, "items", struct mf_key_path, key_path_f);

static const struct mf_field empty_dir_f[] = {
	F("medium", FT_ENUM, struct mf_empty_dir, medium, .enums = media),
	F("sizeLimit", FT_MEM, struct mf_empty_dir, size_limit), END};
SCHEMA(empty_dir_s, "emptyDir", struct mf_empty_dir, empty_dir_f);

static const struct mf_field host_path_f[] = {
	F("path", FT_STR, struct mf_host_path, path, .flags = FF_REQUIRED, .check = name_abs_path),
	F("type", FT_ENUM, struct mf_host_path, type, .enums = host_path_types), END};
SCHEMA(host_path_s, "hostPath", struct mf_host_path, host_path_f);

static const struct mf_field cm_vol_f[] = {
	F("name", FT_STR, struct mf_config_vol, name, .flags = FF_REQUIRED,
	  .check = name_dns_subdomain),
	F("items", FT_LIST, struct mf_config_vol, items, .sub = &key_path_s),
	F("defaultMode", FT_INT, struct mf_config_vol, default_mode, .flags = FF_OCTAL, RANGE(0, 0777)),
	F("optional", FT_BOOL, struct mf_config_vol, optional), END};
SCHEMA(cm_vol_s, "configMap", struct mf_config_vol, cm_vol_f);

static const struct mf_field secret_vol_f[] = {
	F("secretName", FT_STR, struct mf_config_vol, name, .flags = FF_REQUIRED,
	  .check = name_dns_subdomain),
	F("items", FT_LIST, struct mf_config_vol, items, .sub = &key_path_s),
	F("defaultMode", FT_INT, struct mf_config_vol, default_mode, .flags = FF_OCTAL, RANGE(0, 0777)),
	F("optional", FT_BOOL, struct mf_config_vol, optional), END};
SCHEMA(secret_vol_s, "secret", struct mf_config_vol, secret_vol_f);

#define UNSUP_VOL(n) UNSUP(n, "volume type " n " is not supported by podinit; use emptyDir, hostPath, configMap or secret")
static const struct mf_field volume_f[] = {
	F("name", FT_STR, struct mf_volume, name, .flags = FF_REQUIRED, .check = name_dns_label),
	F("emptyDir", FT_OBJ, struct mf_volume, empty_dir, .sub = &empty_dir_s),
	F("hostPath", FT_OBJ, struct mf_volume, host_path, .sub = &host_path_s),
	F("configMap", FT_OBJ, struct mf_volume, config_map, .sub = &cm_vol_s),
	F("secret", FT_OBJ, struct mf_volume, secret, .sub = &secret_vol_s),
	UNSUP_VOL("persistentVolumeClaim"), UNSUP_VOL("projected"), UNSUP_VOL("downwardAPI"),
	UNSUP_VOL("nfs"), UNSUP_VOL("csi"), UNSUP_VOL("ephemeral"), UNSUP_VOL("image"),
	UNSUP_VOL("iscsi"), UNSUP_VOL("gitRepo"), END};
SCHEMA(volume_s, "volume", struct mf_volume, volume_f);

/* Pod */
static const struct mf_field pod_spec_f[] = {
	F("volumes", FT_LIST, struct mf_pod_spec, volumes, .sub = &volume_s),
	F("initContainers", FT_LIST, struct mf_pod_spec, init_containers, .sub = &container_s),
	F("containers", FT_LIST, struct mf_pod_spec, containers, .sub = &container_s),
	F("restartPolicy", FT_ENUM, struct mf_pod_spec, restart_policy, .enums = restart_policies),
	F("terminationGracePeriodSeconds", FT_INT, struct mf_pod_spec, grace, RANGE(0, I32MAX)),
	F("hostNetwork", FT_BOOL, struct mf_pod_spec, host_network),
	F("shareProcessNamespace", FT_BOOL, struct mf_pod_spec, share_pid),
	F("securityContext", FT_OBJ, struct mf_pod_spec, security, .sub = &pod_sec_s),
	F("hostname", FT_STR, struct mf_pod_spec, hostname, .check = name_dns_label),
	F("priority", FT_INT, struct mf_pod_spec, priority, RANGE(INT32_MIN, 1000000000)),
	IGN("nodeSelector"), IGN("nodeName"), IGN("affinity"), IGN("tolerations"),
	IGN("schedulerName"), IGN("priorityClassName"), IGN("preemptionPolicy"),
	IGN("topologySpreadConstraints"), IGN("serviceAccountName"), IGN("serviceAccount"),
	IGN("automountServiceAccountToken"), IGN("imagePullSecrets"), IGN("dnsPolicy"),
	IGN("dnsConfig"), IGN("enableServiceLinks"), IGN("runtimeClassName"), IGN("overhead"),
	IGN("readinessGates"), IGN("subdomain"), IGN("setHostnameAsFQDN"), IGN("schedulingGates"),
	IGN("resourceClaims"), IGN("os"),
	UNSUP("hostPID", "hostPID is not supported by podinit"),
	UNSUP("hostIPC", "hostIPC is not supported by podinit"),
	UNSUP("hostUsers", "hostUsers (user namespaces) is not supported by podinit"),
	UNSUP("hostAliases", "hostAliases is not supported by podinit"),
	UNSUP("activeDeadlineSeconds", "activeDeadlineSeconds is not supported by podinit"),
	UNSUP("ephemeralContainers", "ephemeralContainers are not supported by podinit"),
	UNSUP("resources", "pod-level resources are not supported by podinit; set them per container"),
	END};
const struct mf_schema mf_schema_pod_spec = {"spec", sizeof(struct mf_pod_spec), pod_spec_f};

static const struct mf_field pod_f[] = {
	F("apiVersion", FT_STR, struct mf_pod, api_version, .flags = FF_REQUIRED),
	F("kind", FT_STR, struct mf_pod, kind, .flags = FF_REQUIRED),
	F("metadata", FT_OBJ, struct mf_pod, meta, .flags = FF_REQUIRED, .sub = &meta_s),
	F("spec", FT_OBJ, struct mf_pod, spec, .flags = FF_REQUIRED, .sub = &mf_schema_pod_spec),
	IGN("status"), END};
const struct mf_schema mf_schema_pod = {"Pod", sizeof(struct mf_pod), pod_f};

/* Service */
static const struct mf_field svc_port_f[] = {
	F("name", FT_STR, struct mf_svc_port, name, .check = name_port),
	F("protocol", FT_ENUM, struct mf_svc_port, protocol, .enums = protocols),
	F("port", FT_INT, struct mf_svc_port, port, .flags = FF_REQUIRED, PORT),
	F("targetPort", FT_INTSTR, struct mf_svc_port, target_port, PORT, .check = name_port),
	F("nodePort", FT_INT, struct mf_svc_port, node_port, RANGE(0, 65535)),
	IGN("appProtocol"), END};
SCHEMA(svc_port_s, "port", struct mf_svc_port, svc_port_f);

static const struct mf_field svc_spec_f[] = {
	F("ports", FT_LIST, struct mf_svc_spec, ports, .sub = &svc_port_s),
	F("selector", FT_MAP, struct mf_svc_spec, selector, .check = name_label_key,
	  .check_val = name_label_value),
	F("type", FT_ENUM, struct mf_svc_spec, type, .enums = svc_types),
	IGN("clusterIP"), IGN("clusterIPs"), IGN("ipFamilies"), IGN("ipFamilyPolicy"),
	IGN("sessionAffinity"), IGN("sessionAffinityConfig"), IGN("externalTrafficPolicy"),
	IGN("internalTrafficPolicy"), IGN("loadBalancerIP"), IGN("loadBalancerClass"),
	IGN("loadBalancerSourceRanges"), IGN("allocateLoadBalancerNodePorts"),
	IGN("healthCheckNodePort"), IGN("publishNotReadyAddresses"), IGN("trafficDistribution"),
	UNSUP("externalName", "Services of type ExternalName are not supported by podinit"),
	UNSUP("externalIPs", "externalIPs are not supported by podinit"), END};
SCHEMA(svc_spec_s, "spec", struct mf_svc_spec, svc_spec_f);

static const struct mf_field service_f[] = {
	F("apiVersion", FT_STR, struct mf_service, api_version, .flags = FF_REQUIRED),
	F("kind", FT_STR, struct mf_service, kind, .flags = FF_REQUIRED),
	F("metadata", FT_OBJ, struct mf_service, meta, .flags = FF_REQUIRED, .sub = &meta_s),
	F("spec", FT_OBJ, struct mf_service, spec, .flags = FF_REQUIRED, .sub = &svc_spec_s),
	IGN("status"), END};
const struct mf_schema mf_schema_service = {"Service", sizeof(struct mf_service), service_f};

/* ConfigMap and Secret */
static const struct mf_field configmap_f[] = {
	F("apiVersion", FT_STR, struct mf_config, api_version, .flags = FF_REQUIRED),
	F("kind", FT_STR, struct mf_config, kind, .flags = FF_REQUIRED),
	F("metadata", FT_OBJ, struct mf_config, meta, .flags = FF_REQUIRED, .sub = &meta_s),
	F("immutable", FT_BOOL, struct mf_config, immutable),
	F("data", FT_MAP, struct mf_config, data, .check = name_config_key),
	F("binaryData", FT_MAP, struct mf_config, data2, .check = name_config_key), END};
const struct mf_schema mf_schema_configmap = {"ConfigMap", sizeof(struct mf_config),
					      configmap_f};

static const struct mf_field secret_f[] = {
	F("apiVersion", FT_STR, struct mf_config, api_version, .flags = FF_REQUIRED),
	F("kind", FT_STR, struct mf_config, kind, .flags = FF_REQUIRED),
	F("metadata", FT_OBJ, struct mf_config, meta, .flags = FF_REQUIRED, .sub = &meta_s),
	F("type", FT_STR, struct mf_config, type),
	F("immutable", FT_BOOL, struct mf_config, immutable),
	F("data", FT_MAP, struct mf_config, data, .check = name_config_key),
	F("stringData", FT_MAP, struct mf_config, data2, .check = name_config_key), END};
const struct mf_schema mf_schema_secret = {"Secret", sizeof(struct mf_config), secret_f};
