/* seccomp.h - the RuntimeDefault seccomp profile: containerd's default
 * (moby's default.json) compiled into a classic BPF filter for the
 * architecture podinit was built for.
 *
 * Syscalls outside the profile fail with EPERM (clone3 with ENOSYS, so
 * that C libraries fall back to clone), a syscall of another
 * architecture (x32, 32-bit compat) kills the process. What the profile
 * grants with a capability (mount and unshare with CAP_SYS_ADMIN, ptrace
 * helpers with CAP_SYS_PTRACE, ...) follows the container's own set. */
#ifndef PODINIT_SECCOMP_H
#define PODINIT_SECCOMP_H

#include <stdint.h>
#include <linux/filter.h>

#define SECCOMP_MAX_INSNS 1024 /* a filter always fits in this */

/* Writes the filter for a process that holds caps (bit n = capability
 * n) into out; returns its length. */
unsigned seccomp_build(uint64_t caps, struct sock_filter out[SECCOMP_MAX_INSNS]);

#endif
