// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * One pass over the strings (where do the wanted names sit), one over the
 * types (which type has that name and kind), each through a 64 KiB window:
 * the file is never held whole. The kernel's BTF is deduplicated, each name
 * is stored once; a name found twice is looked up at its first offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/btf.h>
#include "btfscan.h"

#define WINDOW BTFSCAN_WINDOW

const void *btfscan_window(struct btfscan_reader *r, uint64_t off, size_t len)
{
	ssize_t got;

	if (len > WINDOW)
		return NULL;
	if (off >= r->at && off + len <= r->at + r->len)
		return r->buf + (off - r->at);
	r->at = off;
	r->len = 0;
	while (r->len < len) {
		got = pread(r->fd, r->buf + r->len, WINDOW - r->len, off + r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return NULL;
		r->len += got;
	}
	return r->buf;
}

int64_t btfscan_type_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (int64_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (int64_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (int64_t)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (int64_t)vlen * sizeof(struct btf_enum64);
	}
	return -1;
}

/* The offset of each wanted name in the string section (UINT32_MAX: absent). */
static int find_names(struct btfscan_reader *r, uint64_t start, uint32_t len,
		      struct btfscan_want *want, size_t n, uint32_t *offs)
{
	char cur[BTFSCAN_NAME_MAX + 1];
	size_t cur_len = 0, i, k, chunk;
	uint32_t cur_off = 0, pos = 0;
	const unsigned char *p;

	for (i = 0; i < n; i++)
		offs[i] = UINT32_MAX;
	while (pos < len) {
		chunk = len - pos < WINDOW ? len - pos : WINDOW;
		p = btfscan_window(r, start + pos, chunk);
		if (!p)
			return -EINVAL;
		for (k = 0; k < chunk; k++, pos++) {
			if (p[k]) {
				/* Longer than any wanted name: kept long, never matches. */
				if (cur_len <= BTFSCAN_NAME_MAX)
					cur[cur_len] = p[k];
				cur_len++;
				continue;
			}
			for (i = 0; cur_len <= BTFSCAN_NAME_MAX && i < n; i++)
				if (offs[i] == UINT32_MAX && strlen(want[i].name) == cur_len &&
				    !memcmp(want[i].name, cur, cur_len))
					offs[i] = cur_off;
			cur_len = 0;
			cur_off = pos + 1;
		}
	}
	return 0;
}

static int find_types(struct btfscan_reader *r, uint64_t start, uint32_t len,
		      struct btfscan_want *want, size_t n, const uint32_t *offs)
{
	const struct btf_type *t;
	uint64_t pos = 0;
	int64_t extra;
	int32_t id;
	size_t i;

	for (id = 1; pos < len; id++) {
		if (pos + sizeof(*t) > len || !(t = btfscan_window(r, start + pos, sizeof(*t))))
			return -EINVAL;
		extra = btfscan_type_extra(BTF_INFO_KIND(t->info), BTF_INFO_VLEN(t->info));
		if (extra < 0)
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (!want[i].id && offs[i] == t->name_off &&
			    BTF_INFO_KIND(t->info) == want[i].kind)
				want[i].id = id;
		pos += sizeof(*t) + extra;
	}
	return pos == len ? 0 : -EINVAL;
}

struct btfscan_reader *btfscan_open(int fd, struct btf_header *hdr)
{
	struct btfscan_reader *r;
	const void *p;
	struct stat st;

	if (fstat(fd, &st))
		return NULL;
	r = malloc(sizeof(*r)); /* 64 KiB: not on the stack */
	if (!r)
		return NULL;
	r->fd = fd;
	r->size = st.st_size;
	r->at = 0;
	r->len = 0;
	p = btfscan_window(r, 0, sizeof(*hdr));
	if (!p)
		goto out_free;
	memcpy(hdr, p, sizeof(*hdr));
	if (hdr->magic != BTF_MAGIC || hdr->version != BTF_VERSION || hdr->hdr_len < sizeof(*hdr) ||
	    (uint64_t)hdr->hdr_len + hdr->type_off + hdr->type_len > r->size ||
	    (uint64_t)hdr->hdr_len + hdr->str_off + hdr->str_len > r->size)
		goto out_free;
	return r;
out_free:
	free(r);
	errno = EINVAL;
	return NULL;
}

int btfscan_find(int fd, struct btfscan_want *want, size_t n)
{
	uint32_t offs[16];
	struct btfscan_reader *r;
	struct btf_header hdr;
	size_t i;
	int ret;

	if (n > sizeof(offs) / sizeof(offs[0]))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		want[i].id = 0;
		if (strlen(want[i].name) > BTFSCAN_NAME_MAX)
			return -EINVAL;
	}
	r = btfscan_open(fd, &hdr);
	if (!r)
		return -errno;
	ret = find_names(r, (uint64_t)hdr.hdr_len + hdr.str_off, hdr.str_len, want, n, offs);
	if (!ret)
		ret = find_types(r, (uint64_t)hdr.hdr_len + hdr.type_off, hdr.type_len, want, n,
				 offs);
	free(r);
	return ret;
}

int btfscan_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = pread(fd, (char *)buf + got, len - got, off + got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		got += r;
	}
	return 0;
}
