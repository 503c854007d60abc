/* sandbox.c - the pod's shared parts.
 *
 * Namespaces are made by unsharing the supervisor itself for a moment and
 * switching back with setns: no helper process, no pause container; the
 * namespaces live as long as the fds. Volumes live in RUN/pods/NAME/
 * volumes/; a memory-backed emptyDir is a tmpfs there, unmounted on
 * destroy. ConfigMap and Secret volumes are written once as files. */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "beneath.h"
#include "names.h"
#include "state.h"
#include "mset.h"
#include "net_link.h"
#include "node.h"
#include "services.h"

static int why_fmt(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int why_fmt(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}
#define WHY(...) why_fmt(why, len, __VA_ARGS__)

static int write_file(const char *path, const char *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	int rc = 0;
	while (n) {
		ssize_t w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = -errno;
			break;
		}
		data += w;
		n -= (size_t)w;
	}
	if (!rc && fchmod(fd, mode) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int lo_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	rc = rc < 0 ? -errno : 0;
	close(s);
	return rc;
}

static const char *hostname_of(const struct pod *p)
{
	return p->spec->spec.hostname.set ? p->spec->spec.hostname.s : p->name;
}

/* New net/IPC/UTS namespaces for the pod, held by fd. */
static int make_namespaces(struct pod *p, char *why, size_t len)
{
	bool host_net = pod_host_network(p);
	int flags = CLONE_NEWIPC | (host_net ? 0 : CLONE_NEWNET | CLONE_NEWUTS);
	int self[3] = {-1, -1, -1}, rc = -1;
	static const char *const names[3] = {"/proc/self/ns/net", "/proc/self/ns/ipc",
					     "/proc/self/ns/uts"};
	static const int types[3] = {CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS};
	int *mine[3] = {&p->netns, &p->ipcns, &p->utsns};
	for (int i = 0; i < 3; i++)
		if ((self[i] = open(names[i], O_RDONLY | O_CLOEXEC)) < 0) {
			WHY("cannot open %s: %s", names[i], strerror(errno));
			goto out;
		}
	if (unshare(flags) < 0) {
		WHY("cannot create namespaces: %s", strerror(errno));
		goto out;
	}
	for (int i = 0; i < 3; i++)
		if ((flags & types[i]) && (*mine[i] = open(names[i], O_RDONLY | O_CLOEXEC)) < 0) {
			WHY("cannot open the pod's %s: %s", names[i], strerror(errno));
			goto back;
		}
	const char *hn = hostname_of(p);
	if (!host_net && sethostname(hn, strlen(hn)) < 0) {
		WHY("cannot set the hostname: %s", strerror(errno));
		goto back;
	}
	if (!host_net && lo_up() < 0) {
		WHY("cannot bring lo up: %s", strerror(errno));
		goto back;
	}
	rc = 0;
back:
	/* back into the supervisor's own namespaces; failing here would leave
	 * PID 1 in a pod's namespaces, so it is reported loudly */
	for (int i = 0; i < 3; i++)
		if ((flags & types[i]) && setns(self[i], types[i]) < 0) {
			events_add(&p->node->events, true, "podinit", "NamespaceLeak",
				   "cannot return to the supervisor's namespace: %s", strerror(errno));
			rc = -1;
		}
out:
	for (int i = 0; i < 3; i++)
		if (self[i] >= 0)
			close(self[i]);
	return rc;
}

/* /etc/hosts (the pod and the Services, services.c), hostname, and
 * resolv.conf: the board's DNS when it names one, else the device's own,
 * as dnsPolicy Default would give. */
static int write_etc(struct pod *p, char *why, size_t len)
{
	char path[PATH_MAX + 32], text[512];
	const char *hn = hostname_of(p);
	snprintf(path, sizeof path, "%s/etc", p->dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return WHY("cannot create %s: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/etc/hosts", p->dir);
	int rc = services_write_hosts(p->node, p);
	int n = snprintf(text, sizeof text, "%s\n", hn);
	if (!rc)
		snprintf(path, sizeof path, "%s/etc/hostname", p->dir);
	rc = rc ? rc : write_file(path, text, (size_t)n, 0644);
	char resolv[4096];
	ssize_t r = 0;
	const struct net *net = p->node->net;
	if (p->node->board.dns[0]) {
		r = snprintf(resolv, sizeof resolv, "nameserver %s\n", p->node->board.dns);
	} else if (net && net->up && net->dns) {
		char ip[16];
		net_fmt_ip(net->dns, ip); /* the uplink's, from DHCP */
		r = snprintf(resolv, sizeof resolv, "nameserver %s\n", ip);
	} else {
		int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			r = read(fd, resolv, sizeof resolv);
			close(fd);
		}
	}
	if (!rc)
		snprintf(path, sizeof path, "%s/etc/resolv.conf", p->dir);
	rc = rc ? rc : write_file(path, resolv, r > 0 ? (size_t)r : 0, 0644);
	if (rc)
		return WHY("cannot write %s: %s", path, strerror(-rc));
	return 0;
}

static int config_volume(struct pod *p, const struct mf_volume *v, const char *dir, char *why,
			 size_t len)
{
	bool secret = v->secret.node.set;
	const struct mf_config_vol *cv = secret ? &v->secret : &v->config_map;
	const struct mf_config *c = mset_config(p->set, secret ? MF_SECRET : MF_CONFIGMAP,
						p->spec->meta.namespace_.s, cv->name.s);
	if (!c) {
		if (cv->optional.set && cv->optional.i)
			return 0;
		return WHY("%s \"%s\" not found", secret ? "secret" : "configmap", cv->name.s);
	}
	/* as large as the largest value, not LIM_CONFIG_DATA every time */
	size_t vcap = 1;
	const struct mf_list *all[2] = {&c->data, &c->data2};
	for (int l = 0; l < 2; l++)
		for (uint32_t i = 0; i < all[l]->n; i++) {
			size_t n = strlen(((const struct mf_kv *)all[l]->v)[i].val.s) + 1;
			vcap = n > vcap ? n : vcap;
		}
	char *value = malloc(vcap);
	if (!value)
		return WHY("out of memory");
	int ret = 0;
	const struct mf_key_path *items = cv->items.v;
	const struct mf_list *lists[2] = {&c->data, &c->data2};
	for (int l = 0; l < 2; l++) {
		const struct mf_kv *kv = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			const char *key = kv[i].key.s, *rel = key;
			mode_t mode = (mode_t)cv->default_mode.i;
			if (cv->items.n) { /* only the listed keys, at their paths */
				uint32_t k = 0;
				while (k < cv->items.n && strcmp(items[k].key.s, key))
					k++;
				if (k == cv->items.n)
					continue;
				rel = items[k].path.s;
				if (items[k].mode.set)
					mode = (mode_t)items[k].mode.i;
			}
			size_t n;
			if (mset_config_value(c, secret, key, value, vcap, &n) < 0) {
				ret = WHY("cannot decode key %s of %s", key, cv->name.s);
				goto out;
			}
			char path[PATH_MAX];
			if (pathf(path, sizeof path, "%s/%s", dir, rel)) {
				ret = WHY("path too long: %s/%s", dir, rel);
				goto out;
			}
			char *slash = strrchr(path, '/');
			*slash = 0;
			int rc = state_mkdir_p(path, 0755);
			*slash = '/';
			if (rc || (rc = write_file(path, value, n, mode)) < 0) {
				ret = WHY("cannot write %s: %s", path, strerror(-rc));
				goto out;
			}
		}
	}
out:
	free(value);
	return ret;
}

static int host_path(const struct mf_host_path *h, char *why, size_t len)
{
	const char *t = h->type.set ? h->type.s : "";
	struct stat st;
	if (!strcmp(t, "DirectoryOrCreate")) {
		int rc = state_mkdir_p(h->path.s, 0755);
		return rc ? WHY("cannot create %s: %s", h->path.s, strerror(-rc)) : 0;
	}
	if (!strcmp(t, "FileOrCreate")) {
		int fd = open(h->path.s, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return WHY("cannot create %s: %s", h->path.s, strerror(errno));
		close(fd);
		return 0;
	}
	if (!*t)
		return 0;
	if (stat(h->path.s, &st) < 0)
		return WHY("hostPath %s: %s", h->path.s, strerror(errno));
	static const struct {
		const char *type;
		mode_t fmt;
	} kinds[] = {{"Directory", S_IFDIR}, {"File", S_IFREG}, {"Socket", S_IFSOCK},
		     {"CharDevice", S_IFCHR}, {"BlockDevice", S_IFBLK}};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(t, kinds[i].type) && (st.st_mode & S_IFMT) != kinds[i].fmt)
			return WHY("hostPath %s is not a %s", h->path.s, t);
	return 0;
}

/* A memory-backed emptyDir holds at most its sizeLimit and the pod's
 * memory limit (every container's limit together, when each has one), as
 * the kubelet sizes it; with neither, the board's TMPFS_DEFAULT. Its
 * pages are charged to the memory cgroup of the container that writes. */
static int64_t memory_volume_bytes(const struct pod *p, const struct mf_empty_dir *e)
{
	int64_t pod = 0;
	const struct mf_pod_spec *s = &p->spec->spec;
	const struct mf_list *lists[2] = {&s->init_containers, &s->containers};
	for (int l = 0; l < 2 && pod >= 0; l++) {
		const struct mf_container *c = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n && pod >= 0; i++)
			pod = c[i].resources.limits.memory.set ? pod + c[i].resources.limits.memory.i : -1;
	}
	int64_t n = pod > 0 ? pod : p->node->tmpfs_default;
	if (e->size_limit.set && e->size_limit.i < n)
		n = e->size_limit.i;
	return n > 4096 ? n : 4096;
}

static int volumes(struct pod *p, char *why, size_t len)
{
	const struct mf_volume *v = p->spec->spec.volumes.v;
	for (uint32_t i = 0; i < p->spec->spec.volumes.n; i++) {
		char dir[PATH_MAX];
		if (pathf(dir, sizeof dir, "%s/volumes/%s", p->dir, v[i].name.s))
			return WHY("path too long");
		if (v[i].host_path.node.set) {
			if (host_path(&v[i].host_path, why, len))
				return -1;
			continue;
		}
		int rc = state_mkdir_p(dir, 0777);
		if (rc)
			return WHY("cannot create %s: %s", dir, strerror(-rc));
		if (v[i].empty_dir.node.set && v[i].empty_dir.medium.set &&
		    !strcmp(v[i].empty_dir.medium.s, "Memory")) {
			char opts[64];
			snprintf(opts, sizeof opts, "mode=0777,size=%lld",
				 (long long)memory_volume_bytes(p, &v[i].empty_dir));
			if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
				return WHY("cannot mount tmpfs for %s: %s", v[i].name.s, strerror(errno));
			p->mem_tmpfs++;
		} else if (v[i].empty_dir.node.set) {
			chmod(dir, 0777); /* as the kubelet makes it: any user of the pod may write */
		} else if (config_volume(p, &v[i], dir, why, len)) {
			return -1;
		}
	}
	return 0;
}

/* shareProcessNamespace: a tiny init (podinit --pause) holds the pod's PID
 * namespace and reaps inside it; containers are cloned into it through
 * its pidfd. */
static int make_pid_namespace(struct pod *p, char *why, size_t len)
{
	if (!p->spec->spec.share_pid.set || !p->spec->spec.share_pid.i)
		return 0;
	int rc = spawn_pause("/proc/self/exe", &p->pause);
	if (rc)
		return WHY("cannot create the pod's PID namespace: %s", strerror(-rc));
	return 0;
}

static void rm_tree(int dfd)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			continue;
		int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0) {
			rm_tree(sub);
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		}
	}
	closedir(d);
}

/* ---- the steps ---------------------------------------------------------- */

static int make_dir(struct pod *p, char *why, size_t len)
{
	int rc = state_mkdir_p(p->dir, 0700);
	return rc ? WHY("cannot create %s: %s", p->dir, strerror(-rc)) : 0;
}

static void remove_dir(struct pod *p)
{
	int d = open(p->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d >= 0) {
		rm_tree(d);
		rmdir(p->dir);
	}
}

static void close_namespaces(struct pod *p)
{
	int *fds[3] = {&p->netns, &p->ipcns, &p->utsns};
	for (int i = 0; i < 3; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* "namespace/name": it fits IPAM_KEY (two DNS labels), so two pods never share one */
static void lease_key(const struct pod *p, char key[IPAM_KEY])
{
	snprintf(key, IPAM_KEY, "%s/%s", p->spec->meta.namespace_.s, p->name);
}

/* The pod's address and veth. Without the pod network (it could not be
 * set up: the event NetworkUnavailable said why) a pod runs with lo
 * alone; a hostNetwork pod uses the device's. */
static int attach_network(struct pod *p, char *why, size_t len)
{
	struct net *net = p->node->net;
	if (!net || !net->up || p->netns < 0 || pod_host_network(p))
		return 0;
	char key[IPAM_KEY], reason[240];
	lease_key(p, key);
	int rc = net_attach(net, key, p->netns, &p->net, reason, sizeof reason);
	return rc ? WHY("pod network: %s", reason) : 0;
}

static void detach_network(struct pod *p)
{
	char key[IPAM_KEY];
	lease_key(p, key);
	if (p->node->net)
		net_detach(p->node->net, key, &p->net);
}

static void unmount_volumes(struct pod *p)
{
	const struct mf_volume *v = p->spec->spec.volumes.v;
	for (uint32_t i = 0; p->mem_tmpfs && i < p->spec->spec.volumes.n; i++)
		if (v[i].empty_dir.medium.set && !strcmp(v[i].empty_dir.medium.s, "Memory")) {
			char dir[PATH_MAX];
			if (pathf(dir, sizeof dir, "%s/volumes/%s", p->dir, v[i].name.s) == 0 &&
			    umount2(dir, MNT_DETACH) == 0)
				p->mem_tmpfs--;
		}
}

static void stop_pause(struct pod *p)
{
	if (p->pause.pid > 0) {
		spawn_signal(&p->pause, SIGKILL); /* reaped by the supervisor's SIGCHLD loop */
		spawn_forget(&p->pause);
	}
}

/* the pod's processes together, a fork bomb included, as the kubelet's
 * podPidsLimit */
static int make_cgroup(struct pod *p, char *why, size_t len)
{
	if (!p->node->cg_ok)
		return 0;
	struct cg_limits lim = {-1, -1, -1, p->node->board.pod_pids_limit};
	int rc = cg_create(&p->node->cg, NULL, p->name, &lim, &p->cg);
	if (rc)
		return WHY("cannot create the pod cgroup: %s", strerror(-rc));
	p->cg_live = true;
	return 0;
}

/* a group still busy stays live: pod_free hands it to the leftovers */
static void remove_cgroup(struct pod *p)
{
	if (p->cg_live && cg_destroy(&p->cg) == 0)
		p->cg_live = false;
}

/* In order; undone in reverse, each undo safe to run when its make did
 * not (or did only part of its work). */
static const struct step {
	int (*make)(struct pod *p, char *why, size_t len);
	void (*undo)(struct pod *p);
} steps[] = {
	{make_dir, remove_dir},
	{make_namespaces, close_namespaces},
	{attach_network, detach_network}, /* before the files: /etc/hosts names the address */
	{write_etc, NULL},                /* in the pod directory */
	{volumes, unmount_volumes},
	{make_pid_namespace, stop_pause},
	{make_cgroup, remove_cgroup},
};
#define NSTEPS (sizeof steps / sizeof *steps)

int sandbox_create(struct pod *p, char *why, size_t len)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (steps[i].make(p, why, len)) {
			/* the failing step too: it may have done part of its work */
			for (size_t k = i + 1; k-- > 0;)
				if (steps[k].undo)
					steps[k].undo(p);
			return -1;
		}
	return 0;
}

void sandbox_destroy(struct pod *p)
{
	for (size_t i = NSTEPS; i-- > 0;)
		if (steps[i].undo)
			steps[i].undo(p);
}

static int open_beneath(const char *dir, const char *rel)
{
	int d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d < 0 || !rel || !*rel)
		return d;
	int fd = beneath_open(d, rel, O_PATH, 0);
	int err = errno;
	close(d);
	errno = err;
	return fd;
}

int sandbox_mounts(struct pod *p, const struct mf_container *c, struct spawn_mount *out,
		   char (*srcs)[4096], int *fds, unsigned max, char *why, size_t len)
{
	unsigned n = 0;
	const struct mf_mount *m = c->mounts.v;
	const struct mf_volume *vols = p->spec->spec.volumes.v;
	for (uint32_t i = 0; i < c->mounts.n; i++) {
		const struct mf_volume *v = NULL;
		for (uint32_t k = 0; k < p->spec->spec.volumes.n; k++)
			if (!strcmp(vols[k].name.s, m[i].name.s))
				v = &vols[k];
		if (!v || n >= max)
			return WHY("volume %s is not defined", m[i].name.s);
		char dir[PATH_MAX];
		if (v->host_path.node.set ? pathf(dir, sizeof dir, "%s", v->host_path.path.s)
					  : pathf(dir, sizeof dir, "%s/volumes/%s", p->dir, v->name.s))
			return WHY("volume %s: path too long", v->name.s);
		const char *sub = m[i].sub_path.set ? m[i].sub_path.s : NULL;
		int fd = open_beneath(dir, sub);
		if (fd < 0 && errno == ENOENT && sub && (v->empty_dir.node.set || v->host_path.node.set)) {
			/* Kubernetes creates a missing subPath as a directory: one
			 * component at a time beneath the volume, so that a symlink
			 * a container planted there resolves inside it */
			int vfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			fd = vfd < 0 ? -1 : beneath_mkpath(vfd, sub, false, 0755);
			int err = errno;
			if (vfd >= 0)
				close(vfd);
			errno = err;
		}
		if (fd < 0)
			return WHY("volume %s%s%s: %s", m[i].name.s, sub ? " subPath " : "", sub ? sub : "",
				   strerror(errno));
		struct stat st;
		bool file = fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode);
		close(fd);
		/* the child resolves src/sub again in its own mount namespace: a
		 * mount cannot be bound from another namespace's fd */
		if (pathf(srcs[n], 4096, "%s", dir))
			return WHY("volume %s: path too long", m[i].name.s);
		fds[n] = -1;
		bool ro = (m[i].read_only.set && m[i].read_only.i) || v->config_map.node.set ||
			  v->secret.node.set;
		out[n].src = srcs[n];
		out[n].sub = sub;
		out[n].dst = m[i].mount_path.s;
		out[n].flags = (ro ? SPM_RDONLY : 0) | (file ? SPM_FILE : 0);
		n++;
	}
	static const char *const etc[] = {"hosts", "hostname", "resolv.conf"};
	for (int i = 0; i < 3 && n < max; i++) {
		if (pathf(srcs[n], 4096, "%s/etc/%s", p->dir, etc[i]))
			return WHY("pod directory path too long");
		fds[n] = -1;
		out[n].src = srcs[n];
		out[n].sub = NULL;
		out[n].dst = i == 0 ? "/etc/hosts" : i == 1 ? "/etc/hostname" : "/etc/resolv.conf";
		out[n].flags = SPM_FILE;
		n++;
	}
	return (int)n;
}

int sandbox_socket(struct pod *p)
{
	int self = p->node->self_netns;
	if (p->netns >= 0 && (self < 0 || setns(p->netns, CLONE_NEWNET) < 0))
		return self < 0 ? -EBADF : -errno;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = fd < 0 ? -errno : 0;
	if (p->netns >= 0 && setns(self, CLONE_NEWNET) < 0)
		events_add(&p->node->events, true, "podinit", "NamespaceLeak",
			   "cannot return to the supervisor's network namespace: %s", strerror(errno));
	return fd < 0 ? err : fd;
}
