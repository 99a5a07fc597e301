/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Numbers written without printf: a line per exec went through vfprintf
 * several times, two thirds of the formatting's cost. Each writes the same
 * bytes as the printf conversion it replaces.
 */
#ifndef TRACER_OUTPUT_NUM_H
#define TRACER_OUTPUT_NUM_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The longest decimal a num_*() writes: "-9223372036854775808". */
#define NUM_MAX 20

/* Copies a string literal to p: the end. */
#define NUM_LIT(p, s) ((char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

/* v in decimal (%llu) at p: the end. */
static inline char *num_u64(char *p, uint64_t v)
{
	char tmp[NUM_MAX];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* v in decimal (%lld) at p: the end. */
static inline char *num_i64(char *p, int64_t v)
{
	if (v >= 0)
		return num_u64(p, (uint64_t)v);
	*p++ = '-';
	return num_u64(p, -(uint64_t)v);
}

/*
 * ts as "%.6f" does at p, for 0 <= ts < 1e6: the end, or NULL when ts is
 * outside that range or too close to a tie to round without its exact
 * value (printf's job then). ts * 1e6 is below 2^40 there: the product is
 * off by at most 2^-13, far less than the margin kept around .5.
 */
static inline char *num_ts6(char *p, double ts)
{
	uint64_t whole, us;
	double x, frac;
	char *dot;
	int i;

	if (!(ts >= 0 && ts < 1e6) || signbit(ts))
		return NULL;
	/* x is positive and below 2^40: the conversion truncates, exactly. */
	x = ts * 1e6;
	whole = (uint64_t)x;
	frac = x - (double)whole;
	if (frac > 0.499 && frac < 0.501)
		return NULL;
	us = whole + (frac > 0.5);
	p = num_u64(p, us / 1000000);
	dot = p;
	*p++ = '.';
	us %= 1000000;
	for (i = 6; i > 0; i--) {
		dot[i] = (char)('0' + us % 10);
		us /= 10;
	}
	return p + 6;
}

/* ts as "%.6f" to out: 0, or -1 on a write error. */
static inline int num_put_ts(FILE *out, double ts)
{
	char buf[32], *end = num_ts6(buf, ts);

	if (!end)
		return fprintf(out, "%.6f", ts) < 0 ? -1 : 0;
	return fwrite(buf, 1, (size_t)(end - buf), out) == (size_t)(end - buf) ? 0 : -1;
}

/* [buf, end) to out: 0, or -1 on a write error. */
static inline int num_flush(FILE *out, const char *buf, const char *end)
{
	size_t n = (size_t)(end - buf);

	return fwrite(buf, 1, n, out) == n ? 0 : -1;
}

#endif
