/* cgroup_devices.c - the allow-list as v1 rules and as a v2 BPF program.
 *
 * The program reads struct bpf_cgroup_dev_ctx (access_type = access << 16
 * | type, major, minor) and returns 1 when a rule matches: same type,
 * major and minor equal or the rule's is a wildcard, and the access asked
 * for a subset of the rule's. Else 0: the kernel answers EPERM. */
#include "cgroup_devices.h"
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ANY UINT32_MAX

struct rule {
	char type;           /* 'c' or 'b' */
	uint32_t major, minor; /* ANY: every one */
};

/* runc's and containerd's default allowed devices, rwm each */
static const struct rule allowed[] = {
	{'c', 1, 3},   /* null */
	{'c', 1, 5},   /* zero */
	{'c', 1, 7},   /* full */
	{'c', 1, 8},   /* random */
	{'c', 1, 9},   /* urandom */
	{'c', 5, 0},   /* tty */
	{'c', 5, 1},   /* console */
	{'c', 5, 2},   /* ptmx */
	{'c', 136, ANY}, /* pts */
	{'c', 10, 229}, /* fuse */
	{'c', 10, 200}, /* net/tun */
};
#define NRULES (sizeof allowed / sizeof *allowed)

const char *cg_devices_v1_rule(unsigned i)
{
	static char buf[40];
	if (i >= NRULES)
		return NULL;
	const struct rule *r = &allowed[i];
	char mi[12];
	if (r->minor == ANY)
		strcpy(mi, "*");
	else
		snprintf(mi, sizeof mi, "%u", (unsigned)r->minor);
	snprintf(buf, sizeof buf, "%c %u:%s rwm", r->type, (unsigned)r->major, mi);
	return buf;
}

/* ---- the BPF program -------------------------------------------------- */

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define PROG_MAX (6 + 6 * NRULES + 2)

static unsigned build(struct bpf_insn *p)
{
	unsigned n = 0;
	/* r2 = access_type, r3 = type, r4 = access, r5 = major, r6 = minor */
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_3, 0, 0, 0xffff);
	p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_2, 0, 0, 16);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, 4, 0);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_6, BPF_REG_1, 8, 0);
	for (unsigned i = 0; i < NRULES; i++) {
		const struct rule *r = &allowed[i];
		/* the jumps skip what is left of this rule's block */
		unsigned len = 1 + (r->major != ANY) + (r->minor != ANY) + 3;
		unsigned k = 0;
		int type = r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_3, 0, (short)(len - ++k), type);
		if (r->major != ANY)
			p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, (short)(len - ++k),
				      (int)r->major);
		if (r->minor != ANY)
			p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_6, 0, (short)(len - ++k),
				      (int)r->minor);
		/* access asked for, minus rwm: anything left is not allowed */
		int rwm = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
		p[n++] = INSN(BPF_JMP | BPF_JSET | BPF_K, BPF_REG_2, 0, (short)(len - ++k), ~rwm);
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
		p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

int cg_devices_init(struct cg_devices *d, const struct cg_sys *s)
{
	d->prog_fd = -1;
	d->load_err = 0;
	if (s->mode != CG_V2)
		return 0;
	struct bpf_insn prog[PROG_MAX];
	unsigned n = build(prog);
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = n;
	a.license = (uint64_t)(uintptr_t)"Apache-2.0";
	long fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
	if (fd < 0) {
		d->load_err = -errno;
		return d->load_err;
	}
	/* the syscall gives no O_CLOEXEC: set it, no child may hold it */
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
		d->load_err = -errno;
		close((int)fd);
		return d->load_err;
	}
	d->prog_fd = (int)fd;
	return 0;
}

void cg_devices_fini(struct cg_devices *d)
{
	if (d->prog_fd >= 0)
		close(d->prog_fd);
	d->prog_fd = -1;
}

static int apply_v1(struct cg *g, bool privileged)
{
	int dfd = cg_fd_of(g, CG_DEVICES);
	if (dfd < 0)
		return -ENOTSUP;
	if (privileged)
		return cg_put(dfd, "devices.allow", "a *:* rwm");
	int err = cg_put(dfd, "devices.deny", "a *:* rwm");
	for (unsigned i = 0; !err && i < NRULES; i++)
		err = cg_put(dfd, "devices.allow", cg_devices_v1_rule(i));
	return err;
}

int cg_devices_apply(const struct cg_devices *d, struct cg *g, bool privileged)
{
	if (g->sys->mode == CG_V1)
		return apply_v1(g, privileged);
	if (privileged)
		return 0;
	if (d->prog_fd < 0)
		return -ENOTSUP;
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.target_fd = (uint32_t)cg_fd_v2(g);
	a.attach_bpf_fd = (uint32_t)d->prog_fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	/* several programs may run for one group, an ancestor's too: all of
	 * them must allow an access */
	a.attach_flags = BPF_F_ALLOW_MULTI;
	return syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof a) < 0 ? -errno : 0;
}
