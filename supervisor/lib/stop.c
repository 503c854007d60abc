/* stop.c - the signals that stop the device (stop.h). */
#include "stop.h"

#include <signal.h>

bool stop_of_signal(int sig, enum stop_how *how)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		*how = STOP_REBOOT;
		return true;
	case SIGUSR1:
		*how = STOP_HALT;
		return true;
	case SIGUSR2:
	case SIGPWR:
		*how = STOP_POWEROFF;
		return true;
	}
	return false;
}
