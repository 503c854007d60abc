/* stage1.h - what podinit does as PID 1 before and after the supervisor:
 * the early mounts, the board's kernel modules, and the final reboot(2). */
#ifndef PODINIT_STAGE1_H
#define PODINIT_STAGE1_H

/* Mounts the early filesystems from one checked table and loads every
 * kernel module in /lib/modules. Problems are printed to the console and
 * never stop the boot: a device that runs half-way is better than a panic. */
void stage1_boot(const char *console);

enum stage1_action { STAGE1_POWEROFF, STAGE1_REBOOT, STAGE1_HALT };

/* After every pod has stopped: kill what is left, sync, unmount, then
 * reboot(2). Never returns. */
_Noreturn void stage1_final(enum stage1_action action);

#endif
