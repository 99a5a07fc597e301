// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Container ids from cgroup paths (container.h lists the patterns). */
#include <stdbool.h>
#include <string.h>
#include "container.h"

#define HEX_ID_LEN 64

/* A component of the path: [p, p + len). */
struct part {
	const char *p;
	size_t len;
};

static bool is_hex_id(const char *p, size_t len)
{
	size_t i;

	if (len != HEX_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static bool starts_with(struct part c, const char *s)
{
	size_t n = strlen(s);

	return c.len >= n && !memcmp(c.p, s, n);
}

static bool equals(struct part c, const char *s)
{
	return c.len == strlen(s) && !memcmp(c.p, s, c.len);
}

/* What lies between prefix and suffix in c, when c has both; else len 0. */
static struct part between(struct part c, const char *prefix, const char *suffix)
{
	size_t np = strlen(prefix), ns = strlen(suffix);
	struct part mid = { NULL, 0 };

	if (c.len > np + ns && starts_with(c, prefix) && !memcmp(c.p + c.len - ns, suffix, ns)) {
		mid.p = c.p + np;
		mid.len = c.len - np - ns;
	}
	return mid;
}

/* A hexadecimal id wrapped as prefix-ID.scope (or prefix-ID with suffix ""). */
static struct part wrapped_id(struct part c, const char *prefix, const char *suffix)
{
	struct part id = between(c, prefix, suffix);

	if (!is_hex_id(id.p, id.len))
		id.len = 0;
	return id;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* systemd's escaping undone (\xHH), into buf; the length. */
static size_t unescape(struct part name, char *buf, size_t size)
{
	size_t i = 0, n = 0;
	int hi, lo;

	while (i < name.len && n + 1 < size) {
		if (name.p[i] == '\\' && i + 3 < name.len && name.p[i + 1] == 'x' &&
		    (hi = hex_digit(name.p[i + 2])) >= 0 && (lo = hex_digit(name.p[i + 3])) >= 0) {
			buf[n++] = (char)(hi * 16 + lo);
			i += 4;
			continue;
		}
		buf[n++] = name.p[i++];
	}
	buf[n] = '\0';
	return n;
}

/* The id or name component c names (its parent: parent), with *name set for a machine's. */
static struct part match(struct part parent, struct part c, bool *name)
{
	static const char *const scoped[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	struct part id = { NULL, 0 };
	size_t i;

	*name = false;
	for (i = 0; i < sizeof(scoped) / sizeof(scoped[0]) && !id.len; i++)
		id = wrapped_id(c, scoped[i], ".scope");
	if (!id.len)
		id = wrapped_id(c, "libpod-", "");
	if (!id.len && is_hex_id(c.p, c.len) &&
	    (equals(parent, "docker") || starts_with(parent, "pod")))
		id = c;
	if (id.len)
		return id;
	*name = true;
	id = between(c, "systemd-nspawn@", ".service");
	if (!id.len) {
		id = between(c, "machine-", ".scope");
		if (starts_with(id, "qemu\\x2d"))
			id.len = 0;
	}
	return id;
}

size_t container_id(const char *path, size_t len, char *buf, size_t size)
{
	struct part parent = { "", 0 }, c, id, found = { NULL, 0 };
	const char *end = path + len, *slash;
	bool name, found_name = false;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (c.p = path; path && c.p < end; c.p += c.len + 1) {
		slash = memchr(c.p, '/', (size_t)(end - c.p));
		c.len = slash ? (size_t)(slash - c.p) : (size_t)(end - c.p);
		if (c.len) {
			id = match(parent, c, &name);
			if (id.len) {
				found = id;
				found_name = name;
			}
			parent = c;
		}
		if (!slash)
			break;
	}
	if (!found.len)
		return 0;
	if (found_name)
		return unescape(found, buf, size);
	if (found.len >= size)
		found.len = size - 1;
	memcpy(buf, found.p, found.len);
	buf[found.len] = '\0';
	return found.len;
}
