/* scan.h - reading text of a fixed shape through a cursor: what podinit
 * once asked sscanf for. scanf brings musl's float and wide-character
 * readers, and the soft-float long double they need, into a binary that
 * reads no floats: about 18 KB of the static arm64 build.
 *
 * Each function moves *p past what it read and returns true, or leaves
 * *p where it was and returns false. Unlike scanf, nothing skips blanks
 * unless asked, numbers have no sign, and a field too long for its buffer
 * is an error, not a cut. */
#ifndef PODINIT_SCAN_H
#define PODINIT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* lit, exactly */
bool scan_lit(const char **p, const char *lit);
/* spaces, tabs and newlines, none or more: always true */
bool scan_blanks(const char **p);
/* 1 to ndigits decimal digits whose value is at most max */
bool scan_uint(const char **p, unsigned ndigits, unsigned long max, unsigned long *v);
/* 1 or more bytes, none of them NUL or in stop, copied into out with a
 * NUL after them; false when there are none or they do not fit in cap */
bool scan_until(const char **p, const char *stop, char *out, size_t cap);
/* true at the end of the string */
bool scan_end(const char *p);

#endif
