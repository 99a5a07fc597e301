// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Numbers, ids and one-line values (see parse.h). */
#include <errno.h>
#include <string.h>
#include <tracer/tracer.h>

#include "parse.h"

int parse_dec(const char *s, size_t len, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;

	if (!s || len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*val = v;
	return 0;
}

int parse_pid(const char *s, uint32_t *pid)
{
	uint64_t v;

	if (!s || parse_dec(s, strlen(s), TRACER_PID_MAX, &v) || v == 0)
		return -EINVAL;
	*pid = (uint32_t)v;
	return 0;
}

int parse_size(const char *s, uint64_t *val)
{
	unsigned int shift = 0;
	uint64_t v;
	size_t len;
	int ret;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	if (len > 0) {
		switch (s[len - 1]) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		}
		if (shift)
			len--;
	}
	ret = parse_dec(s, len, UINT64_MAX >> shift, &v);
	if (ret)
		return ret;
	*val = v << shift;
	return 0;
}

int parse_id(const char *s, uint32_t *id)
{
	uint64_t v;

	if (!s || parse_dec(s, strlen(s), UINT32_MAX - 1, &v))
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}

const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}
