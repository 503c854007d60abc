/* base.h - the few definitions every module may want, made once. */
#ifndef PODINIT_BASE_H
#define PODINIT_BASE_H

#include <stddef.h>

#define NS_PER_S 1000000000ULL
#define NS_PER_MS 1000000ULL

/* The struct that holds member `field` at ptr (callbacks get the member). */
#define container_of(ptr, type, field) ((type *)(void *)((char *)(ptr) - offsetof(type, field)))

#endif
