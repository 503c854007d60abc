/* logfile.h - optional on-disk copies of container output under
 * DATA/logs/, rotated by size: NAME.log, NAME.log.1 ... NAME.log.COUNT-1.
 *
 * Off unless --log-files is given. Bounded: at most COUNT files of SIZE
 * bytes per container. A write error (full disk) drops the bytes, counts
 * them and never stops the supervisor. */
#ifndef PODINIT_LOGFILE_H
#define PODINIT_LOGFILE_H

#include <stddef.h>
#include <stdint.h>

struct logfile {
	int fd;
	uint64_t size, dropped;
	char *path; /* malloc'd by logfile_open, NULL when closed */
};

void logfile_init(struct logfile *lf);
/* Opens DATA/logs/POD_CONTAINER.log for appending; 0 or -errno. */
int logfile_open(struct logfile *lf, const char *data, const char *pod, const char *ctr);
void logfile_write(struct logfile *lf, const char *buf, size_t len, uint64_t max_size,
		   unsigned count);
void logfile_close(struct logfile *lf);

#endif
