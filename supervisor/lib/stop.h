/* stop.h - how the device stops, asked for by a signal, podctl or the
 * console; one enum for the supervisor and stage 1. */
#ifndef PODINIT_STOP_H
#define PODINIT_STOP_H

#include <stdbool.h>

enum stop_how { STOP_POWEROFF, STOP_REBOOT, STOP_HALT };

/* As BusyBox init reads signals: TERM and INT (Ctrl-Alt-Del) reboot, USR1
 * halts, USR2 and PWR power off. False for any other signal. */
bool stop_of_signal(int sig, enum stop_how *how);

#endif
