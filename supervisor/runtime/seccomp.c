/* seccomp.c - RuntimeDefault as classic BPF (see seccomp.h).
 *
 * Layout: check the architecture, load the number, one "equal: allow"
 * pair per allowed syscall (the kernel caches the verdict of every
 * syscall whose outcome depends on nothing but its number, so the length
 * costs only the first call), then the rules that look at arguments,
 * then the default: EPERM. */
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <asm/unistd.h>

#if defined(__x86_64__)
#define SC_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SC_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define SC_ARCH AUDIT_ARCH_ARM
#else
#error "seccomp.c: no audit architecture for this target"
#endif

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
#define OFF_ARG0_LO offsetof(struct seccomp_data, args[0]) /* little-endian targets only */
#define OFF_ARG0_HI (OFF_ARG0_LO + 4)

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
		  CLONE_NEWNET | CLONE_NEWCGROUP)

struct entry {
	int cap; /* -1: always */
	int nr;
};

static const struct entry table[] = {
#define SC(cap, nr) {cap, nr},
#include "seccomp_table.h"
#undef SC
#ifdef __ARM_NR_breakpoint
	{-1, __ARM_NR_breakpoint},
#endif
#ifdef __ARM_NR_cacheflush
	{-1, __ARM_NR_cacheflush},
#endif
#ifdef __ARM_NR_set_tls
	{-1, __ARM_NR_set_tls},
#endif
};

struct bld {
	struct sock_filter *p;
	unsigned n;
};

static void op(struct bld *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (b->n < SECCOMP_MAX_INSNS)
		b->p[b->n++] = (struct sock_filter){code, jt, jf, k};
}

static void ld(struct bld *b, uint32_t off)
{
	op(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
}

static void ret(struct bld *b, uint32_t v)
{
	op(b, BPF_RET | BPF_K, 0, 0, v);
}

static bool holds(uint64_t caps, int cap)
{
	return cap < 0 || (cap < 64 && (caps >> cap & 1));
}

/* personality(2) only with the personas the profile names */
static void personality(struct bld *b)
{
	static const uint32_t ok[] = {0x0, 0x0008, 0x20000, 0x20008, 0xffffffff};
	const unsigned nv = sizeof ok / sizeof *ok;
	/* ld nr, jeq, ld hi, jeq 0, ld lo, nv x jeq, ret allow, ret eperm */
	const unsigned len = 5 + nv + 2;
	ld(b, OFF_NR);
	op(b, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(len - 2), __NR_personality);
	ld(b, OFF_ARG0_HI);
	op(b, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(nv + 2), 0);
	ld(b, OFF_ARG0_LO);
	for (unsigned i = 0; i < nv; i++) /* equal: to the allow; the last one else to the deny */
		op(b, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(nv - i - 1), i + 1 == nv ? 1 : 0, ok[i]);
	ret(b, RET_ALLOW);
	ret(b, RET_EPERM);
}

/* Without CAP_SYS_ADMIN: clone without namespace flags, clone3 ENOSYS. */
static void clone_rules(struct bld *b)
{
	ld(b, OFF_NR);
	op(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, __NR_clone);
	ld(b, OFF_ARG0_LO); /* the flags, on every architecture built for */
	op(b, BPF_JMP | BPF_JSET | BPF_K, 1, 0, NS_FLAGS);
	ret(b, RET_ALLOW);
	ret(b, RET_EPERM);
#ifdef __NR_clone3
	ld(b, OFF_NR);
	op(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, __NR_clone3);
	ret(b, RET_ENOSYS);
#endif
}

unsigned seccomp_build(uint64_t caps, struct sock_filter out[SECCOMP_MAX_INSNS])
{
	struct bld b = {out, 0};
	ld(&b, OFF_ARCH);
	op(&b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SC_ARCH);
	ret(&b, SECCOMP_RET_KILL_PROCESS);
	ld(&b, OFF_NR);
#ifdef __x86_64__
	/* x32 calls share the architecture, with this bit set */
	op(&b, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000);
	ret(&b, RET_EPERM);
#endif
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		if (!holds(caps, table[i].cap))
			continue;
		op(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)table[i].nr);
		ret(&b, RET_ALLOW);
	}
	personality(&b);
	if (!holds(caps, CAP_SYS_ADMIN))
		clone_rules(&b);
	ret(&b, RET_EPERM);
	return b.n;
}
