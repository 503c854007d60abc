/* ota_int.h - what the OTA modules share among themselves. */
#ifndef PODINIT_OTA_INT_H
#define PODINIT_OTA_INT_H

#include "ota.h"

/* DATA/ota (ota_store.c). read: 0, 1 when there is no record yet, or
 * -errno (-EINVAL: damaged). The others: 0 or -errno; commit's -ESTALE
 * means a file changed since it was read. */
int ota_store_read(struct ota *o);
int ota_store_write(struct ota *o);
int ota_store_commit(struct ota *o, const struct mpart *part, unsigned gen);
int ota_store_load(struct ota *o, struct mpart *out);
/* Removes temporaries and every copy but the committed one. */
void ota_store_clean(struct ota *o);

#endif
