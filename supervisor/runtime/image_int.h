/* image_int.h - what the image_*.c files share (internal to image). */
#ifndef PODINIT_IMAGE_INT_H
#define PODINIT_IMAGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "image.h"

/* A User string "user[:group]"; each part is a name or a number. */
struct image_user_spec {
	const char *u, *g; /* not NUL-terminated: u ends at ':' */
	size_t ulen, glen;
	bool has_g, u_num, g_num;
	uint32_t uid, gid;
};

/* Splits s into sp (image_user.c); NULL, or a static reason why s is not
 * a valid User. Numbers above 2147483647 are refused, as runc does. */
const char *image_user_parse(const char *s, struct image_user_spec *sp);

/* image_config_parse on buf, which it may rewrite in place; len is checked
 * against IMAGE_CONFIG_BYTES (image_config.c). */
int image_config_decode(char *buf, size_t len, struct arena *a, struct diag_list *dl,
			struct image_config *out);

#endif
