/* quantity.c - exact parsing of Kubernetes quantities and durations.
 *
 * A quantity is digits with an optional fraction and a suffix: binary
 * (Ki..Ei), decimal (n u m "" k M G T P E) or an exponent (e3, E-2). The
 * value is kept as an exact integer mantissa with a power of ten and a
 * power of 1024 until the final rounding, so "0.1Gi" comes out exact. */
#include "quantity.h"

#include <stdio.h>
#include <string.h>

static bool mul(int64_t *v, int64_t by)
{
	return !__builtin_mul_overflow(*v, by, v);
}

bool qty_parse(const char *s, int64_t unit, int64_t *out)
{
	if (*s == '+')
		s++;
	if (*s == '-')
		return false; /* resources are never negative */
	int64_t mant = 0;
	int exp10 = 0, digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (!mul(&mant, 10) || __builtin_add_overflow(mant, *s - '0', &mant))
			return false;
	}
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			/* more than 18 significant digits: refused, not rounded */
			if (!mul(&mant, 10) || __builtin_add_overflow(mant, *s - '0', &mant))
				return false;
			exp10--;
		}
	}
	if (!digits)
		return false;
	int exp1024 = 0;
	static const struct {
		const char *sfx;
		int e10, e1024;
	} sfx[] = {{"Ki", 0, 1}, {"Mi", 0, 2}, {"Gi", 0, 3}, {"Ti", 0, 4}, {"Pi", 0, 5},
		   {"Ei", 0, 6}, {"n", -9, 0}, {"u", -6, 0}, {"m", -3, 0}, {"k", 3, 0},
		   {"M", 6, 0},  {"G", 9, 0},  {"T", 12, 0}, {"P", 15, 0}, {"E", 18, 0},
		   {"", 0, 0}};
	if (*s == 'e' || *s == 'E') {
		const char *p = s + 1;
		int sign = 1, e = 0;
		if (*p == '+' || *p == '-')
			sign = *p++ == '-' ? -1 : 1;
		if (!*p)
			goto suffix; /* "1E" is exa */
		for (; *p >= '0' && *p <= '9'; p++)
			if ((e = e * 10 + (*p - '0')) > 40)
				return false;
		if (*p)
			return false;
		exp10 += sign * e;
		goto scale;
	}
suffix:
	for (size_t i = 0;; i++) {
		if (!strcmp(s, sfx[i].sfx)) {
			exp10 += sfx[i].e10;
			exp1024 = sfx[i].e1024;
			break;
		}
		if (!*sfx[i].sfx)
			return false;
	}
scale:
	/* value = mant * 10^exp10 * 1024^exp1024 * unit, rounded up */
	if (!mul(&mant, unit))
		return false;
	for (; exp1024 > 0; exp1024--)
		if (!mul(&mant, 1024))
			return false;
	for (; exp10 > 0; exp10--)
		if (!mul(&mant, 10))
			return false;
	for (; exp10 < 0; exp10++)
		mant = mant / 10 + (mant % 10 != 0);
	*out = mant;
	return true;
}

void qty_format_bytes(int64_t v, char *buf, size_t len)
{
	static const char *const sfx[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
	int i = 0;
	while (v && v % 1024 == 0 && i < 6) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%lld%s", (long long)v, sfx[i]);
}

void qty_format_about(int64_t v, char *buf, size_t len)
{
	static const char *const sfx[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
	int i = 0;
	double d = (double)v;
	while (d >= 1024 && i < 6) {
		d /= 1024;
		i++;
	}
	if (d == (double)(int64_t)d)
		snprintf(buf, len, "%lld%s", (long long)d, sfx[i]);
	else
		snprintf(buf, len, "%.1f%s", d, sfx[i]);
}

void qty_format_millis(int64_t v, char *buf, size_t len)
{
	if (v % 1000 == 0)
		snprintf(buf, len, "%lld", (long long)(v / 1000));
	else
		snprintf(buf, len, "%lldm", (long long)v);
}

bool dur_parse(const char *s, int64_t *ns)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = {{"ns", 1},		 {"us", 1000},		{"µs", 1000},
		     {"ms", 1000000},	 {"s", 1000000000LL},	{"m", 60000000000LL},
		     {"h", 3600000000000LL}};
	int64_t total = 0;
	if (!strcmp(s, "0")) {
		*ns = 0;
		return true;
	}
	if (!*s)
		return false;
	while (*s) {
		int64_t whole = 0, frac = 0, fscale = 1;
		const char *start = s;
		for (; *s >= '0' && *s <= '9'; s++)
			if (!mul(&whole, 10) || __builtin_add_overflow(whole, *s - '0', &whole))
				return false;
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++)
				if (fscale < 1000000000000000LL) {
					frac = frac * 10 + (*s - '0');
					fscale *= 10;
				}
		if (s == start)
			return false;
		size_t best = 0;
		int64_t mult = 0;
		for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
			size_t l = strlen(units[i].unit);
			if (l > best && !strncmp(s, units[i].unit, l)) {
				best = l;
				mult = units[i].ns;
			}
		}
		if (!best) /* the longest unit wins: "ms" is not "m" then "s" */
			return false;
		s += best;
		int64_t part;
		if (!mul(&whole, mult))
			return false;
		part = whole + (int64_t)((double)frac * (double)mult / (double)fscale);
		if (__builtin_add_overflow(total, part, &total))
			return false;
	}
	*ns = total;
	return true;
}

void dur_format(int64_t ns, char *buf, size_t len)
{
	if (ns % 1000000000LL == 0)
		snprintf(buf, len, "%llds", (long long)(ns / 1000000000LL));
	else if (ns % 1000000LL == 0)
		snprintf(buf, len, "%lldms", (long long)(ns / 1000000LL));
	else
		snprintf(buf, len, "%lldns", (long long)ns);
}
