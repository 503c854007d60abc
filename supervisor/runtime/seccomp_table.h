/* seccomp_table.h - the syscalls of containerd's RuntimeDefault profile
 * (contrib/seccomp/seccomp_default.go, which follows moby's default.json),
 * as numbers of the architecture being compiled for: a name this
 * architecture does not have is simply absent. Included by seccomp.c only.
 *   SC(CAP, NR): allowed when the container holds capability CAP
 *   (-1: always). personality, clone and clone3 have argument rules in
 *   seccomp.c; the ARM private calls (cacheflush, set_tls, breakpoint)
 *   are added there too. */

#ifdef __NR_accept
SC(-1, __NR_accept)
#endif
#ifdef __NR_accept4
SC(-1, __NR_accept4)
#endif
#ifdef __NR_access
SC(-1, __NR_access)
#endif
#ifdef __NR_adjtimex
SC(-1, __NR_adjtimex)
#endif
#ifdef __NR_alarm
SC(-1, __NR_alarm)
#endif
#ifdef __NR_bind
SC(-1, __NR_bind)
#endif
#ifdef __NR_brk
SC(-1, __NR_brk)
#endif
#ifdef __NR_capget
SC(-1, __NR_capget)
#endif
#ifdef __NR_capset
SC(-1, __NR_capset)
#endif
#ifdef __NR_chdir
SC(-1, __NR_chdir)
#endif
#ifdef __NR_chmod
SC(-1, __NR_chmod)
#endif
#ifdef __NR_chown
SC(-1, __NR_chown)
#endif
#ifdef __NR_chown32
SC(-1, __NR_chown32)
#endif
#ifdef __NR_clock_adjtime
SC(-1, __NR_clock_adjtime)
#endif
#ifdef __NR_clock_adjtime64
SC(-1, __NR_clock_adjtime64)
#endif
#ifdef __NR_clock_getres
SC(-1, __NR_clock_getres)
#endif
#ifdef __NR_clock_getres_time64
SC(-1, __NR_clock_getres_time64)
#endif
#ifdef __NR_clock_gettime
SC(-1, __NR_clock_gettime)
#endif
#ifdef __NR_clock_gettime64
SC(-1, __NR_clock_gettime64)
#endif
#ifdef __NR_clock_nanosleep
SC(-1, __NR_clock_nanosleep)
#endif
#ifdef __NR_clock_nanosleep_time64
SC(-1, __NR_clock_nanosleep_time64)
#endif
#ifdef __NR_close
SC(-1, __NR_close)
#endif
#ifdef __NR_close_range
SC(-1, __NR_close_range)
#endif
#ifdef __NR_connect
SC(-1, __NR_connect)
#endif
#ifdef __NR_copy_file_range
SC(-1, __NR_copy_file_range)
#endif
#ifdef __NR_creat
SC(-1, __NR_creat)
#endif
#ifdef __NR_dup
SC(-1, __NR_dup)
#endif
#ifdef __NR_dup2
SC(-1, __NR_dup2)
#endif
#ifdef __NR_dup3
SC(-1, __NR_dup3)
#endif
#ifdef __NR_epoll_create
SC(-1, __NR_epoll_create)
#endif
#ifdef __NR_epoll_create1
SC(-1, __NR_epoll_create1)
#endif
#ifdef __NR_epoll_ctl
SC(-1, __NR_epoll_ctl)
#endif
#ifdef __NR_epoll_ctl_old
SC(-1, __NR_epoll_ctl_old)
#endif
#ifdef __NR_epoll_pwait
SC(-1, __NR_epoll_pwait)
#endif
#ifdef __NR_epoll_pwait2
SC(-1, __NR_epoll_pwait2)
#endif
#ifdef __NR_epoll_wait
SC(-1, __NR_epoll_wait)
#endif
#ifdef __NR_epoll_wait_old
SC(-1, __NR_epoll_wait_old)
#endif
#ifdef __NR_eventfd
SC(-1, __NR_eventfd)
#endif
#ifdef __NR_eventfd2
SC(-1, __NR_eventfd2)
#endif
#ifdef __NR_execve
SC(-1, __NR_execve)
#endif
#ifdef __NR_execveat
SC(-1, __NR_execveat)
#endif
#ifdef __NR_exit
SC(-1, __NR_exit)
#endif
#ifdef __NR_exit_group
SC(-1, __NR_exit_group)
#endif
#ifdef __NR_faccessat
SC(-1, __NR_faccessat)
#endif
#ifdef __NR_faccessat2
SC(-1, __NR_faccessat2)
#endif
#ifdef __NR_fadvise64
SC(-1, __NR_fadvise64)
#endif
#ifdef __NR_fadvise64_64
SC(-1, __NR_fadvise64_64)
#endif
#ifdef __NR_fallocate
SC(-1, __NR_fallocate)
#endif
#ifdef __NR_fanotify_mark
SC(-1, __NR_fanotify_mark)
#endif
#ifdef __NR_fchdir
SC(-1, __NR_fchdir)
#endif
#ifdef __NR_fchmod
SC(-1, __NR_fchmod)
#endif
#ifdef __NR_fchmodat
SC(-1, __NR_fchmodat)
#endif
#ifdef __NR_fchown
SC(-1, __NR_fchown)
#endif
#ifdef __NR_fchown32
SC(-1, __NR_fchown32)
#endif
#ifdef __NR_fchownat
SC(-1, __NR_fchownat)
#endif
#ifdef __NR_fcntl
SC(-1, __NR_fcntl)
#endif
#ifdef __NR_fcntl64
SC(-1, __NR_fcntl64)
#endif
#ifdef __NR_fdatasync
SC(-1, __NR_fdatasync)
#endif
#ifdef __NR_fgetxattr
SC(-1, __NR_fgetxattr)
#endif
#ifdef __NR_flistxattr
SC(-1, __NR_flistxattr)
#endif
#ifdef __NR_flock
SC(-1, __NR_flock)
#endif
#ifdef __NR_fork
SC(-1, __NR_fork)
#endif
#ifdef __NR_fremovexattr
SC(-1, __NR_fremovexattr)
#endif
#ifdef __NR_fsetxattr
SC(-1, __NR_fsetxattr)
#endif
#ifdef __NR_fstat
SC(-1, __NR_fstat)
#endif
#ifdef __NR_fstat64
SC(-1, __NR_fstat64)
#endif
#ifdef __NR_fstatat64
SC(-1, __NR_fstatat64)
#endif
#ifdef __NR_fstatfs
SC(-1, __NR_fstatfs)
#endif
#ifdef __NR_fstatfs64
SC(-1, __NR_fstatfs64)
#endif
#ifdef __NR_fsync
SC(-1, __NR_fsync)
#endif
#ifdef __NR_ftruncate
SC(-1, __NR_ftruncate)
#endif
#ifdef __NR_ftruncate64
SC(-1, __NR_ftruncate64)
#endif
#ifdef __NR_futex
SC(-1, __NR_futex)
#endif
#ifdef __NR_futex_time64
SC(-1, __NR_futex_time64)
#endif
#ifdef __NR_futex_waitv
SC(-1, __NR_futex_waitv)
#endif
#ifdef __NR_futimesat
SC(-1, __NR_futimesat)
#endif
#ifdef __NR_getcpu
SC(-1, __NR_getcpu)
#endif
#ifdef __NR_getcwd
SC(-1, __NR_getcwd)
#endif
#ifdef __NR_getdents
SC(-1, __NR_getdents)
#endif
#ifdef __NR_getdents64
SC(-1, __NR_getdents64)
#endif
#ifdef __NR_getegid
SC(-1, __NR_getegid)
#endif
#ifdef __NR_getegid32
SC(-1, __NR_getegid32)
#endif
#ifdef __NR_geteuid
SC(-1, __NR_geteuid)
#endif
#ifdef __NR_geteuid32
SC(-1, __NR_geteuid32)
#endif
#ifdef __NR_getgid
SC(-1, __NR_getgid)
#endif
#ifdef __NR_getgid32
SC(-1, __NR_getgid32)
#endif
#ifdef __NR_getgroups
SC(-1, __NR_getgroups)
#endif
#ifdef __NR_getgroups32
SC(-1, __NR_getgroups32)
#endif
#ifdef __NR_getitimer
SC(-1, __NR_getitimer)
#endif
#ifdef __NR_getpeername
SC(-1, __NR_getpeername)
#endif
#ifdef __NR_getpgid
SC(-1, __NR_getpgid)
#endif
#ifdef __NR_getpgrp
SC(-1, __NR_getpgrp)
#endif
#ifdef __NR_getpid
SC(-1, __NR_getpid)
#endif
#ifdef __NR_getppid
SC(-1, __NR_getppid)
#endif
#ifdef __NR_getpriority
SC(-1, __NR_getpriority)
#endif
#ifdef __NR_getrandom
SC(-1, __NR_getrandom)
#endif
#ifdef __NR_getresgid
SC(-1, __NR_getresgid)
#endif
#ifdef __NR_getresgid32
SC(-1, __NR_getresgid32)
#endif
#ifdef __NR_getresuid
SC(-1, __NR_getresuid)
#endif
#ifdef __NR_getresuid32
SC(-1, __NR_getresuid32)
#endif
#ifdef __NR_getrlimit
SC(-1, __NR_getrlimit)
#endif
#ifdef __NR_get_robust_list
SC(-1, __NR_get_robust_list)
#endif
#ifdef __NR_getrusage
SC(-1, __NR_getrusage)
#endif
#ifdef __NR_getsid
SC(-1, __NR_getsid)
#endif
#ifdef __NR_getsockname
SC(-1, __NR_getsockname)
#endif
#ifdef __NR_getsockopt
SC(-1, __NR_getsockopt)
#endif
#ifdef __NR_get_thread_area
SC(-1, __NR_get_thread_area)
#endif
#ifdef __NR_gettid
SC(-1, __NR_gettid)
#endif
#ifdef __NR_gettimeofday
SC(-1, __NR_gettimeofday)
#endif
#ifdef __NR_getuid
SC(-1, __NR_getuid)
#endif
#ifdef __NR_getuid32
SC(-1, __NR_getuid32)
#endif
#ifdef __NR_getxattr
SC(-1, __NR_getxattr)
#endif
#ifdef __NR_inotify_add_watch
SC(-1, __NR_inotify_add_watch)
#endif
#ifdef __NR_inotify_init
SC(-1, __NR_inotify_init)
#endif
#ifdef __NR_inotify_init1
SC(-1, __NR_inotify_init1)
#endif
#ifdef __NR_inotify_rm_watch
SC(-1, __NR_inotify_rm_watch)
#endif
#ifdef __NR_io_cancel
SC(-1, __NR_io_cancel)
#endif
#ifdef __NR_ioctl
SC(-1, __NR_ioctl)
#endif
#ifdef __NR_io_destroy
SC(-1, __NR_io_destroy)
#endif
#ifdef __NR_io_getevents
SC(-1, __NR_io_getevents)
#endif
#ifdef __NR_io_pgetevents
SC(-1, __NR_io_pgetevents)
#endif
#ifdef __NR_io_pgetevents_time64
SC(-1, __NR_io_pgetevents_time64)
#endif
#ifdef __NR_ioprio_get
SC(-1, __NR_ioprio_get)
#endif
#ifdef __NR_ioprio_set
SC(-1, __NR_ioprio_set)
#endif
#ifdef __NR_io_setup
SC(-1, __NR_io_setup)
#endif
#ifdef __NR_io_submit
SC(-1, __NR_io_submit)
#endif
#ifdef __NR_io_uring_enter
SC(-1, __NR_io_uring_enter)
#endif
#ifdef __NR_io_uring_register
SC(-1, __NR_io_uring_register)
#endif
#ifdef __NR_io_uring_setup
SC(-1, __NR_io_uring_setup)
#endif
#ifdef __NR_ipc
SC(-1, __NR_ipc)
#endif
#ifdef __NR_kill
SC(-1, __NR_kill)
#endif
#ifdef __NR_landlock_add_rule
SC(-1, __NR_landlock_add_rule)
#endif
#ifdef __NR_landlock_create_ruleset
SC(-1, __NR_landlock_create_ruleset)
#endif
#ifdef __NR_landlock_restrict_self
SC(-1, __NR_landlock_restrict_self)
#endif
#ifdef __NR_lchown
SC(-1, __NR_lchown)
#endif
#ifdef __NR_lchown32
SC(-1, __NR_lchown32)
#endif
#ifdef __NR_lgetxattr
SC(-1, __NR_lgetxattr)
#endif
#ifdef __NR_link
SC(-1, __NR_link)
#endif
#ifdef __NR_linkat
SC(-1, __NR_linkat)
#endif
#ifdef __NR_listen
SC(-1, __NR_listen)
#endif
#ifdef __NR_listxattr
SC(-1, __NR_listxattr)
#endif
#ifdef __NR_llistxattr
SC(-1, __NR_llistxattr)
#endif
#ifdef __NR__llseek
SC(-1, __NR__llseek)
#endif
#ifdef __NR_lremovexattr
SC(-1, __NR_lremovexattr)
#endif
#ifdef __NR_lseek
SC(-1, __NR_lseek)
#endif
#ifdef __NR_lsetxattr
SC(-1, __NR_lsetxattr)
#endif
#ifdef __NR_lstat
SC(-1, __NR_lstat)
#endif
#ifdef __NR_lstat64
SC(-1, __NR_lstat64)
#endif
#ifdef __NR_madvise
SC(-1, __NR_madvise)
#endif
#ifdef __NR_membarrier
SC(-1, __NR_membarrier)
#endif
#ifdef __NR_memfd_create
SC(-1, __NR_memfd_create)
#endif
#ifdef __NR_memfd_secret
SC(-1, __NR_memfd_secret)
#endif
#ifdef __NR_mincore
SC(-1, __NR_mincore)
#endif
#ifdef __NR_mkdir
SC(-1, __NR_mkdir)
#endif
#ifdef __NR_mkdirat
SC(-1, __NR_mkdirat)
#endif
#ifdef __NR_mknod
SC(-1, __NR_mknod)
#endif
#ifdef __NR_mknodat
SC(-1, __NR_mknodat)
#endif
#ifdef __NR_mlock
SC(-1, __NR_mlock)
#endif
#ifdef __NR_mlock2
SC(-1, __NR_mlock2)
#endif
#ifdef __NR_mlockall
SC(-1, __NR_mlockall)
#endif
#ifdef __NR_mmap
SC(-1, __NR_mmap)
#endif
#ifdef __NR_mmap2
SC(-1, __NR_mmap2)
#endif
#ifdef __NR_mprotect
SC(-1, __NR_mprotect)
#endif
#ifdef __NR_mq_getsetattr
SC(-1, __NR_mq_getsetattr)
#endif
#ifdef __NR_mq_notify
SC(-1, __NR_mq_notify)
#endif
#ifdef __NR_mq_open
SC(-1, __NR_mq_open)
#endif
#ifdef __NR_mq_timedreceive
SC(-1, __NR_mq_timedreceive)
#endif
#ifdef __NR_mq_timedreceive_time64
SC(-1, __NR_mq_timedreceive_time64)
#endif
#ifdef __NR_mq_timedsend
SC(-1, __NR_mq_timedsend)
#endif
#ifdef __NR_mq_timedsend_time64
SC(-1, __NR_mq_timedsend_time64)
#endif
#ifdef __NR_mq_unlink
SC(-1, __NR_mq_unlink)
#endif
#ifdef __NR_mremap
SC(-1, __NR_mremap)
#endif
#ifdef __NR_msgctl
SC(-1, __NR_msgctl)
#endif
#ifdef __NR_msgget
SC(-1, __NR_msgget)
#endif
#ifdef __NR_msgrcv
SC(-1, __NR_msgrcv)
#endif
#ifdef __NR_msgsnd
SC(-1, __NR_msgsnd)
#endif
#ifdef __NR_msync
SC(-1, __NR_msync)
#endif
#ifdef __NR_munlock
SC(-1, __NR_munlock)
#endif
#ifdef __NR_munlockall
SC(-1, __NR_munlockall)
#endif
#ifdef __NR_munmap
SC(-1, __NR_munmap)
#endif
#ifdef __NR_nanosleep
SC(-1, __NR_nanosleep)
#endif
#ifdef __NR_newfstatat
SC(-1, __NR_newfstatat)
#endif
#ifdef __NR__newselect
SC(-1, __NR__newselect)
#endif
#ifdef __NR_open
SC(-1, __NR_open)
#endif
#ifdef __NR_openat
SC(-1, __NR_openat)
#endif
#ifdef __NR_openat2
SC(-1, __NR_openat2)
#endif
#ifdef __NR_pause
SC(-1, __NR_pause)
#endif
#ifdef __NR_pidfd_open
SC(-1, __NR_pidfd_open)
#endif
#ifdef __NR_pidfd_send_signal
SC(-1, __NR_pidfd_send_signal)
#endif
#ifdef __NR_pipe
SC(-1, __NR_pipe)
#endif
#ifdef __NR_pipe2
SC(-1, __NR_pipe2)
#endif
#ifdef __NR_poll
SC(-1, __NR_poll)
#endif
#ifdef __NR_ppoll
SC(-1, __NR_ppoll)
#endif
#ifdef __NR_ppoll_time64
SC(-1, __NR_ppoll_time64)
#endif
#ifdef __NR_prctl
SC(-1, __NR_prctl)
#endif
#ifdef __NR_pread64
SC(-1, __NR_pread64)
#endif
#ifdef __NR_preadv
SC(-1, __NR_preadv)
#endif
#ifdef __NR_preadv2
SC(-1, __NR_preadv2)
#endif
#ifdef __NR_prlimit64
SC(-1, __NR_prlimit64)
#endif
#ifdef __NR_process_mrelease
SC(-1, __NR_process_mrelease)
#endif
#ifdef __NR_pselect6
SC(-1, __NR_pselect6)
#endif
#ifdef __NR_pselect6_time64
SC(-1, __NR_pselect6_time64)
#endif
#ifdef __NR_pwrite64
SC(-1, __NR_pwrite64)
#endif
#ifdef __NR_pwritev
SC(-1, __NR_pwritev)
#endif
#ifdef __NR_pwritev2
SC(-1, __NR_pwritev2)
#endif
#ifdef __NR_read
SC(-1, __NR_read)
#endif
#ifdef __NR_readahead
SC(-1, __NR_readahead)
#endif
#ifdef __NR_readlink
SC(-1, __NR_readlink)
#endif
#ifdef __NR_readlinkat
SC(-1, __NR_readlinkat)
#endif
#ifdef __NR_readv
SC(-1, __NR_readv)
#endif
#ifdef __NR_recv
SC(-1, __NR_recv)
#endif
#ifdef __NR_recvfrom
SC(-1, __NR_recvfrom)
#endif
#ifdef __NR_recvmmsg
SC(-1, __NR_recvmmsg)
#endif
#ifdef __NR_recvmmsg_time64
SC(-1, __NR_recvmmsg_time64)
#endif
#ifdef __NR_recvmsg
SC(-1, __NR_recvmsg)
#endif
#ifdef __NR_remap_file_pages
SC(-1, __NR_remap_file_pages)
#endif
#ifdef __NR_removexattr
SC(-1, __NR_removexattr)
#endif
#ifdef __NR_rename
SC(-1, __NR_rename)
#endif
#ifdef __NR_renameat
SC(-1, __NR_renameat)
#endif
#ifdef __NR_renameat2
SC(-1, __NR_renameat2)
#endif
#ifdef __NR_restart_syscall
SC(-1, __NR_restart_syscall)
#endif
#ifdef __NR_rmdir
SC(-1, __NR_rmdir)
#endif
#ifdef __NR_rseq
SC(-1, __NR_rseq)
#endif
#ifdef __NR_rt_sigaction
SC(-1, __NR_rt_sigaction)
#endif
#ifdef __NR_rt_sigpending
SC(-1, __NR_rt_sigpending)
#endif
#ifdef __NR_rt_sigprocmask
SC(-1, __NR_rt_sigprocmask)
#endif
#ifdef __NR_rt_sigqueueinfo
SC(-1, __NR_rt_sigqueueinfo)
#endif
#ifdef __NR_rt_sigreturn
SC(-1, __NR_rt_sigreturn)
#endif
#ifdef __NR_rt_sigsuspend
SC(-1, __NR_rt_sigsuspend)
#endif
#ifdef __NR_rt_sigtimedwait
SC(-1, __NR_rt_sigtimedwait)
#endif
#ifdef __NR_rt_sigtimedwait_time64
SC(-1, __NR_rt_sigtimedwait_time64)
#endif
#ifdef __NR_rt_tgsigqueueinfo
SC(-1, __NR_rt_tgsigqueueinfo)
#endif
#ifdef __NR_sched_getaffinity
SC(-1, __NR_sched_getaffinity)
#endif
#ifdef __NR_sched_getattr
SC(-1, __NR_sched_getattr)
#endif
#ifdef __NR_sched_getparam
SC(-1, __NR_sched_getparam)
#endif
#ifdef __NR_sched_get_priority_max
SC(-1, __NR_sched_get_priority_max)
#endif
#ifdef __NR_sched_get_priority_min
SC(-1, __NR_sched_get_priority_min)
#endif
#ifdef __NR_sched_getscheduler
SC(-1, __NR_sched_getscheduler)
#endif
#ifdef __NR_sched_rr_get_interval
SC(-1, __NR_sched_rr_get_interval)
#endif
#ifdef __NR_sched_rr_get_interval_time64
SC(-1, __NR_sched_rr_get_interval_time64)
#endif
#ifdef __NR_sched_setaffinity
SC(-1, __NR_sched_setaffinity)
#endif
#ifdef __NR_sched_setattr
SC(-1, __NR_sched_setattr)
#endif
#ifdef __NR_sched_setparam
SC(-1, __NR_sched_setparam)
#endif
#ifdef __NR_sched_setscheduler
SC(-1, __NR_sched_setscheduler)
#endif
#ifdef __NR_sched_yield
SC(-1, __NR_sched_yield)
#endif
#ifdef __NR_seccomp
SC(-1, __NR_seccomp)
#endif
#ifdef __NR_select
SC(-1, __NR_select)
#endif
#ifdef __NR_semctl
SC(-1, __NR_semctl)
#endif
#ifdef __NR_semget
SC(-1, __NR_semget)
#endif
#ifdef __NR_semop
SC(-1, __NR_semop)
#endif
#ifdef __NR_semtimedop
SC(-1, __NR_semtimedop)
#endif
#ifdef __NR_semtimedop_time64
SC(-1, __NR_semtimedop_time64)
#endif
#ifdef __NR_send
SC(-1, __NR_send)
#endif
#ifdef __NR_sendfile
SC(-1, __NR_sendfile)
#endif
#ifdef __NR_sendfile64
SC(-1, __NR_sendfile64)
#endif
#ifdef __NR_sendmmsg
SC(-1, __NR_sendmmsg)
#endif
#ifdef __NR_sendmsg
SC(-1, __NR_sendmsg)
#endif
#ifdef __NR_sendto
SC(-1, __NR_sendto)
#endif
#ifdef __NR_setfsgid
SC(-1, __NR_setfsgid)
#endif
#ifdef __NR_setfsgid32
SC(-1, __NR_setfsgid32)
#endif
#ifdef __NR_setfsuid
SC(-1, __NR_setfsuid)
#endif
#ifdef __NR_setfsuid32
SC(-1, __NR_setfsuid32)
#endif
#ifdef __NR_setgid
SC(-1, __NR_setgid)
#endif
#ifdef __NR_setgid32
SC(-1, __NR_setgid32)
#endif
#ifdef __NR_setgroups
SC(-1, __NR_setgroups)
#endif
#ifdef __NR_setgroups32
SC(-1, __NR_setgroups32)
#endif
#ifdef __NR_setitimer
SC(-1, __NR_setitimer)
#endif
#ifdef __NR_setpgid
SC(-1, __NR_setpgid)
#endif
#ifdef __NR_setpriority
SC(-1, __NR_setpriority)
#endif
#ifdef __NR_setregid
SC(-1, __NR_setregid)
#endif
#ifdef __NR_setregid32
SC(-1, __NR_setregid32)
#endif
#ifdef __NR_setresgid
SC(-1, __NR_setresgid)
#endif
#ifdef __NR_setresgid32
SC(-1, __NR_setresgid32)
#endif
#ifdef __NR_setresuid
SC(-1, __NR_setresuid)
#endif
#ifdef __NR_setresuid32
SC(-1, __NR_setresuid32)
#endif
#ifdef __NR_setreuid
SC(-1, __NR_setreuid)
#endif
#ifdef __NR_setreuid32
SC(-1, __NR_setreuid32)
#endif
#ifdef __NR_setrlimit
SC(-1, __NR_setrlimit)
#endif
#ifdef __NR_set_robust_list
SC(-1, __NR_set_robust_list)
#endif
#ifdef __NR_setsid
SC(-1, __NR_setsid)
#endif
#ifdef __NR_setsockopt
SC(-1, __NR_setsockopt)
#endif
#ifdef __NR_set_thread_area
SC(-1, __NR_set_thread_area)
#endif
#ifdef __NR_set_tid_address
SC(-1, __NR_set_tid_address)
#endif
#ifdef __NR_setuid
SC(-1, __NR_setuid)
#endif
#ifdef __NR_setuid32
SC(-1, __NR_setuid32)
#endif
#ifdef __NR_setxattr
SC(-1, __NR_setxattr)
#endif
#ifdef __NR_shmat
SC(-1, __NR_shmat)
#endif
#ifdef __NR_shmctl
SC(-1, __NR_shmctl)
#endif
#ifdef __NR_shmdt
SC(-1, __NR_shmdt)
#endif
#ifdef __NR_shmget
SC(-1, __NR_shmget)
#endif
#ifdef __NR_shutdown
SC(-1, __NR_shutdown)
#endif
#ifdef __NR_sigaltstack
SC(-1, __NR_sigaltstack)
#endif
#ifdef __NR_signalfd
SC(-1, __NR_signalfd)
#endif
#ifdef __NR_signalfd4
SC(-1, __NR_signalfd4)
#endif
#ifdef __NR_sigprocmask
SC(-1, __NR_sigprocmask)
#endif
#ifdef __NR_sigreturn
SC(-1, __NR_sigreturn)
#endif
#ifdef __NR_socket
SC(-1, __NR_socket)
#endif
#ifdef __NR_socketcall
SC(-1, __NR_socketcall)
#endif
#ifdef __NR_socketpair
SC(-1, __NR_socketpair)
#endif
#ifdef __NR_splice
SC(-1, __NR_splice)
#endif
#ifdef __NR_stat
SC(-1, __NR_stat)
#endif
#ifdef __NR_stat64
SC(-1, __NR_stat64)
#endif
#ifdef __NR_statfs
SC(-1, __NR_statfs)
#endif
#ifdef __NR_statfs64
SC(-1, __NR_statfs64)
#endif
#ifdef __NR_statx
SC(-1, __NR_statx)
#endif
#ifdef __NR_symlink
SC(-1, __NR_symlink)
#endif
#ifdef __NR_symlinkat
SC(-1, __NR_symlinkat)
#endif
#ifdef __NR_sync
SC(-1, __NR_sync)
#endif
#ifdef __NR_sync_file_range
SC(-1, __NR_sync_file_range)
#endif
#ifdef __NR_syncfs
SC(-1, __NR_syncfs)
#endif
#ifdef __NR_sysinfo
SC(-1, __NR_sysinfo)
#endif
#ifdef __NR_tee
SC(-1, __NR_tee)
#endif
#ifdef __NR_tgkill
SC(-1, __NR_tgkill)
#endif
#ifdef __NR_time
SC(-1, __NR_time)
#endif
#ifdef __NR_timer_create
SC(-1, __NR_timer_create)
#endif
#ifdef __NR_timer_delete
SC(-1, __NR_timer_delete)
#endif
#ifdef __NR_timer_getoverrun
SC(-1, __NR_timer_getoverrun)
#endif
#ifdef __NR_timer_gettime
SC(-1, __NR_timer_gettime)
#endif
#ifdef __NR_timer_gettime64
SC(-1, __NR_timer_gettime64)
#endif
#ifdef __NR_timer_settime
SC(-1, __NR_timer_settime)
#endif
#ifdef __NR_timer_settime64
SC(-1, __NR_timer_settime64)
#endif
#ifdef __NR_timerfd_create
SC(-1, __NR_timerfd_create)
#endif
#ifdef __NR_timerfd_gettime
SC(-1, __NR_timerfd_gettime)
#endif
#ifdef __NR_timerfd_gettime64
SC(-1, __NR_timerfd_gettime64)
#endif
#ifdef __NR_timerfd_settime
SC(-1, __NR_timerfd_settime)
#endif
#ifdef __NR_timerfd_settime64
SC(-1, __NR_timerfd_settime64)
#endif
#ifdef __NR_times
SC(-1, __NR_times)
#endif
#ifdef __NR_tkill
SC(-1, __NR_tkill)
#endif
#ifdef __NR_truncate
SC(-1, __NR_truncate)
#endif
#ifdef __NR_truncate64
SC(-1, __NR_truncate64)
#endif
#ifdef __NR_ugetrlimit
SC(-1, __NR_ugetrlimit)
#endif
#ifdef __NR_umask
SC(-1, __NR_umask)
#endif
#ifdef __NR_uname
SC(-1, __NR_uname)
#endif
#ifdef __NR_unlink
SC(-1, __NR_unlink)
#endif
#ifdef __NR_unlinkat
SC(-1, __NR_unlinkat)
#endif
#ifdef __NR_utime
SC(-1, __NR_utime)
#endif
#ifdef __NR_utimensat
SC(-1, __NR_utimensat)
#endif
#ifdef __NR_utimensat_time64
SC(-1, __NR_utimensat_time64)
#endif
#ifdef __NR_utimes
SC(-1, __NR_utimes)
#endif
#ifdef __NR_vfork
SC(-1, __NR_vfork)
#endif
#ifdef __NR_vmsplice
SC(-1, __NR_vmsplice)
#endif
#ifdef __NR_wait4
SC(-1, __NR_wait4)
#endif
#ifdef __NR_waitid
SC(-1, __NR_waitid)
#endif
#ifdef __NR_waitpid
SC(-1, __NR_waitpid)
#endif
#ifdef __NR_write
SC(-1, __NR_write)
#endif
#ifdef __NR_writev
SC(-1, __NR_writev)
#endif
#ifdef __NR_ptrace
SC(-1, __NR_ptrace)
#endif
#ifdef __NR_arch_prctl
SC(-1, __NR_arch_prctl)
#endif
#ifdef __NR_modify_ldt
SC(-1, __NR_modify_ldt)
#endif
#ifdef __NR_arm_fadvise64_64
SC(-1, __NR_arm_fadvise64_64)
#endif
#ifdef __NR_arm_sync_file_range
SC(-1, __NR_arm_sync_file_range)
#endif
#ifdef __NR_sync_file_range2
SC(-1, __NR_sync_file_range2)
#endif
#ifdef __NR_open_by_handle_at
SC(CAP_DAC_READ_SEARCH, __NR_open_by_handle_at)
#endif
#ifdef __NR_bpf
SC(CAP_SYS_ADMIN, __NR_bpf)
#endif
#ifdef __NR_clone
SC(CAP_SYS_ADMIN, __NR_clone)
#endif
#ifdef __NR_clone3
SC(CAP_SYS_ADMIN, __NR_clone3)
#endif
#ifdef __NR_fanotify_init
SC(CAP_SYS_ADMIN, __NR_fanotify_init)
#endif
#ifdef __NR_fsconfig
SC(CAP_SYS_ADMIN, __NR_fsconfig)
#endif
#ifdef __NR_fsmount
SC(CAP_SYS_ADMIN, __NR_fsmount)
#endif
#ifdef __NR_fsopen
SC(CAP_SYS_ADMIN, __NR_fsopen)
#endif
#ifdef __NR_fspick
SC(CAP_SYS_ADMIN, __NR_fspick)
#endif
#ifdef __NR_lookup_dcookie
SC(CAP_SYS_ADMIN, __NR_lookup_dcookie)
#endif
#ifdef __NR_mount
SC(CAP_SYS_ADMIN, __NR_mount)
#endif
#ifdef __NR_mount_setattr
SC(CAP_SYS_ADMIN, __NR_mount_setattr)
#endif
#ifdef __NR_move_mount
SC(CAP_SYS_ADMIN, __NR_move_mount)
#endif
#ifdef __NR_name_to_handle_at
SC(CAP_SYS_ADMIN, __NR_name_to_handle_at)
#endif
#ifdef __NR_open_tree
SC(CAP_SYS_ADMIN, __NR_open_tree)
#endif
#ifdef __NR_perf_event_open
SC(CAP_SYS_ADMIN, __NR_perf_event_open)
#endif
#ifdef __NR_quotactl
SC(CAP_SYS_ADMIN, __NR_quotactl)
#endif
#ifdef __NR_quotactl_fd
SC(CAP_SYS_ADMIN, __NR_quotactl_fd)
#endif
#ifdef __NR_setdomainname
SC(CAP_SYS_ADMIN, __NR_setdomainname)
#endif
#ifdef __NR_sethostname
SC(CAP_SYS_ADMIN, __NR_sethostname)
#endif
#ifdef __NR_setns
SC(CAP_SYS_ADMIN, __NR_setns)
#endif
#ifdef __NR_syslog
SC(CAP_SYS_ADMIN, __NR_syslog)
#endif
#ifdef __NR_umount
SC(CAP_SYS_ADMIN, __NR_umount)
#endif
#ifdef __NR_umount2
SC(CAP_SYS_ADMIN, __NR_umount2)
#endif
#ifdef __NR_unshare
SC(CAP_SYS_ADMIN, __NR_unshare)
#endif
#ifdef __NR_reboot
SC(CAP_SYS_BOOT, __NR_reboot)
#endif
#ifdef __NR_chroot
SC(CAP_SYS_CHROOT, __NR_chroot)
#endif
#ifdef __NR_delete_module
SC(CAP_SYS_MODULE, __NR_delete_module)
#endif
#ifdef __NR_init_module
SC(CAP_SYS_MODULE, __NR_init_module)
#endif
#ifdef __NR_finit_module
SC(CAP_SYS_MODULE, __NR_finit_module)
#endif
#ifdef __NR_acct
SC(CAP_SYS_PACCT, __NR_acct)
#endif
#ifdef __NR_kcmp
SC(CAP_SYS_PTRACE, __NR_kcmp)
#endif
#ifdef __NR_pidfd_getfd
SC(CAP_SYS_PTRACE, __NR_pidfd_getfd)
#endif
#ifdef __NR_process_madvise
SC(CAP_SYS_PTRACE, __NR_process_madvise)
#endif
#ifdef __NR_process_vm_readv
SC(CAP_SYS_PTRACE, __NR_process_vm_readv)
#endif
#ifdef __NR_process_vm_writev
SC(CAP_SYS_PTRACE, __NR_process_vm_writev)
#endif
#ifdef __NR_iopl
SC(CAP_SYS_RAWIO, __NR_iopl)
#endif
#ifdef __NR_ioperm
SC(CAP_SYS_RAWIO, __NR_ioperm)
#endif
#ifdef __NR_settimeofday
SC(CAP_SYS_TIME, __NR_settimeofday)
#endif
#ifdef __NR_stime
SC(CAP_SYS_TIME, __NR_stime)
#endif
#ifdef __NR_clock_settime
SC(CAP_SYS_TIME, __NR_clock_settime)
#endif
#ifdef __NR_clock_settime64
SC(CAP_SYS_TIME, __NR_clock_settime64)
#endif
#ifdef __NR_vhangup
SC(CAP_SYS_TTY_CONFIG, __NR_vhangup)
#endif
#ifdef __NR_syslog
SC(CAP_SYSLOG, __NR_syslog)
#endif
#ifdef __NR_bpf
SC(CAP_BPF, __NR_bpf)
#endif
#ifdef __NR_perf_event_open
SC(CAP_PERFMON, __NR_perf_event_open)
#endif
