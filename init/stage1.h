/* stage1.h - what podinit does as PID 1 before and after the supervisor:
 * the early mounts, the board's kernel modules, and the final reboot(2). */
#ifndef PODINIT_STAGE1_H
#define PODINIT_STAGE1_H

#include "stop.h"

/* Mounts the early filesystems from one checked table and loads every
 * kernel module in /lib/modules. Problems are printed to the console and
 * never stop the boot: a device that runs half-way is better than a panic. */
void stage1_boot(const char *console);


/* PID 1 must not die of a crash (the kernel would panic): on SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE or SIGABRT it re-executes itself as
 * `podinit --recover`, which stops what is left and starts again. */
void stage1_crash_guard(void);
/* For --recover: every process left from before is stopped. */
void stage1_recover(void);
/* The supervisor could not run: stay alive, reap, and obey the reboot
 * signals. Never returns. */
_Noreturn void stage1_safe_mode(void);

/* After every pod has stopped: kill what is left, sync, unmount, then
 * reboot(2). Never returns. */
_Noreturn void stage1_final(enum stop_how action);

#endif
