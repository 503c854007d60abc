/* quantity.h - Kubernetes quantities ("64Mi", "500m", "0.5", "1e3") and
 * Go-style durations ("10s", "1m30s", "250ms").
 *
 * Memory quantities become bytes and CPU quantities millicores, both
 * rounded up as Kubernetes rounds them. */
#ifndef PODINIT_QUANTITY_H
#define PODINIT_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value of s scaled by `unit` (1 for bytes, 1000 for millicores), rounded
 * up; false when s is not a quantity, is negative or overflows int64. */
bool qty_parse(const char *s, int64_t unit, int64_t *out);
/* Canonical text: bytes with the largest exact binary suffix, millicores
 * as whole cores when exact, else with "m". */
void qty_format_bytes(int64_t bytes, char *buf, size_t len);
/* Rounded to one decimal of the largest binary unit: 23.5Gi, for people. */
void qty_format_about(int64_t bytes, char *buf, size_t len);
void qty_format_millis(int64_t millis, char *buf, size_t len);

/* Nanoseconds; false when s is not a non-negative duration or overflows. */
bool dur_parse(const char *s, int64_t *ns);
void dur_format(int64_t ns, char *buf, size_t len);

#endif
