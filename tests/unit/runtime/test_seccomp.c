/* Unit tests: seccomp.c - the RuntimeDefault filter, run by a small
 * interpreter of the classic BPF it is made of, on seccomp_data as the
 * kernel would pass it. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include "seccomp.h"

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#define ARCH AUDIT_ARCH_ARM
#endif

#define CAPS_DEFAULT 0x00000000a80425fbULL /* containerd's default set */

/* Just what seccomp_build emits: LD W ABS, JEQ/JGE/JSET K, RET K. */
static uint32_t run(const struct sock_filter *f, unsigned n, const struct seccomp_data *d)
{
	uint32_t a = 0;
	for (unsigned pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k + 4 <= sizeof *d);
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			fail_msg("unexpected instruction %#x at %u", i->code, pc);
		}
	}
	fail_msg("the filter ran off its end");
	return 0;
}

static uint32_t verdict(uint64_t caps, int nr, uint64_t arg0, uint32_t arch)
{
	struct sock_filter f[SECCOMP_MAX_INSNS];
	unsigned n = seccomp_build(caps, f);
	assert_true(n > 300 && n < SECCOMP_MAX_INSNS);
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {arg0}};
	return run(f, n, &d);
}

#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_ (SECCOMP_RET_ERRNO | EPERM)

static void everyday_calls_allowed(void **state)
{
	(void)state;
	int nrs[] = {SYS_read, SYS_write, SYS_openat, SYS_close, SYS_execve, SYS_mmap, SYS_futex,
		     SYS_exit_group, SYS_socket, SYS_wait4, SYS_setresuid, SYS_capset, SYS_prctl};
	for (size_t i = 0; i < sizeof nrs / sizeof *nrs; i++)
		assert_int_equal(verdict(CAPS_DEFAULT, nrs[i], 0, ARCH), ALLOW);
}

static void escapes_refused(void **state)
{
	(void)state;
	/* outside the profile: keyctl, unshare and mount without CAP_SYS_ADMIN */
	int nrs[] = {SYS_keyctl, SYS_add_key, SYS_unshare, SYS_mount, SYS_setns, SYS_init_module,
		     SYS_reboot, SYS_bpf, SYS_kexec_load, SYS_open_by_handle_at, SYS_umount2};
	for (size_t i = 0; i < sizeof nrs / sizeof *nrs; i++)
		assert_int_equal(verdict(CAPS_DEFAULT, nrs[i], 0, ARCH), EPERM_);
	/* clone with a namespace flag, clone3 (ENOSYS so that libc falls back) */
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_clone, SIGCHLD, ARCH), ALLOW);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_clone, CLONE_NEWUSER | SIGCHLD, ARCH), EPERM_);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_clone, CLONE_NEWNS, ARCH), EPERM_);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_clone3, 0, ARCH), SECCOMP_RET_ERRNO | ENOSYS);
	/* another architecture's numbers: killed */
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_read, 0, ARCH ^ 1), SECCOMP_RET_KILL_PROCESS);
#ifdef __x86_64__
	assert_int_equal(verdict(CAPS_DEFAULT, 0x40000000 | SYS_read, 0, ARCH), EPERM_);
#endif
}

static void capabilities_widen_it(void **state)
{
	(void)state;
	uint64_t admin = CAPS_DEFAULT | 1ULL << CAP_SYS_ADMIN;
	assert_int_equal(verdict(admin, SYS_unshare, 0, ARCH), ALLOW);
	assert_int_equal(verdict(admin, SYS_mount, 0, ARCH), ALLOW);
	assert_int_equal(verdict(admin, SYS_clone, CLONE_NEWNS, ARCH), ALLOW);
	assert_int_equal(verdict(admin, SYS_clone3, 0, ARCH), ALLOW);
	assert_int_equal(verdict(admin, SYS_keyctl, 0, ARCH), EPERM_); /* never */
	assert_int_equal(verdict(CAPS_DEFAULT | 1ULL << CAP_SYS_TIME, SYS_settimeofday, 0, ARCH),
			 ALLOW);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_settimeofday, 0, ARCH), EPERM_);
	/* chroot comes with CAP_SYS_CHROOT, which the default set holds */
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_chroot, 0, ARCH), ALLOW);
	assert_int_equal(verdict(0, SYS_chroot, 0, ARCH), EPERM_);
}

static void personality_values(void **state)
{
	(void)state;
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_personality, 0, ARCH), ALLOW);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_personality, 0x0008, ARCH), ALLOW);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_personality, 0xffffffff, ARCH), ALLOW);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_personality, 0x0040000, ARCH), EPERM_);
	assert_int_equal(verdict(CAPS_DEFAULT, SYS_personality, 0x100000000ULL, ARCH), EPERM_);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everyday_calls_allowed),
		cmocka_unit_test(escapes_refused),
		cmocka_unit_test(capabilities_widen_it),
		cmocka_unit_test(personality_values),
	};
	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}
