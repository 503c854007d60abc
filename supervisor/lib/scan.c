/* scan.c - see scan.h */
#include "scan.h"

#include <string.h>

bool scan_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*p, lit, n))
		return false;
	*p += n;
	return true;
}

bool scan_blanks(const char **p)
{
	*p += strspn(*p, " \t\n");
	return true;
}

bool scan_uint(const char **p, unsigned ndigits, unsigned long max, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0;
	unsigned n = 0;
	for (; n < ndigits && *s >= '0' && *s <= '9'; s++, n++) {
		unsigned d = (unsigned)(*s - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	if (!n || (*s >= '0' && *s <= '9'))
		return false; /* none, or more than ndigits */
	*v = x;
	*p = s;
	return true;
}

bool scan_until(const char **p, const char *stop, char *out, size_t cap)
{
	size_t n = strcspn(*p, stop);
	if (!n || n >= cap)
		return false;
	memcpy(out, *p, n);
	out[n] = 0;
	*p += n;
	return true;
}

bool scan_end(const char *p)
{
	return !*p;
}
