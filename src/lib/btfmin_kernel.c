// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The kernel's side of the minimal BTF (btfmin.h): the roots found by name
 * and kind, the types they embed, written out with new ids in the kernel's
 * order (libbpf meets the candidates in the same order) and only the names
 * they use. The kernel's BTF is read through btfscan's window and by the
 * type: besides the index of type offsets (4 bytes a type, ~0.5 MB), only
 * the kept types are held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include "btfmin.h"
#include "btfscan.h"

#define NAME_MAX_LEN 511 /* longest root name looked for */
#define CHAIN_MAX 32 /* typedefs, modifiers and arrays in a row (libbpf's resolve depth) */

struct kernel_btf {
	struct btfscan_reader *r;
	uint64_t types_at, strs_at; /* file offsets of the sections */
	uint32_t types_len, strs_len;
	struct btfscan_want *want; /* named types whose ids are wanted too (attach targets) */
	size_t n_want;
	uint32_t want_offs[BTFMIN_WANT_MAX]; /* where their names are (UINT32_MAX: nowhere) */
	uint32_t *offs; /* offs[id]: offset of type id in the type section */
	uint32_t n_ids; /* ids 0 (void) .. n_ids - 1 */
	unsigned char *kept; /* kept[id] */
};

/* A kept type, copied: the blob holds its bytes at `at`. */
struct kept_type {
	uint32_t id;
	uint32_t at;
	uint32_t len;
};

struct min_btf {
	struct kept_type *types;
	size_t n, cap;
	unsigned char *blob;
	size_t blob_len, blob_cap;
	uint32_t *stack; /* ids still to copy */
	size_t n_stack, stack_cap;
};

/* A string of the kernel's BTF whose essential name is root's. */
struct name_match {
	uint32_t str_off;
	uint32_t root;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t cap2 = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (cap2 < need)
		cap2 *= 2;
	q = realloc(*p, cap2 * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = cap2;
	return 0;
}

/* Records the string s (at off) when its essential name is a root's. */
static int match_one(const char *s, size_t len, uint32_t off, const struct btfmin_root *roots,
		     size_t n_roots, const unsigned char *root_lens, struct name_match **matches,
		     size_t *n, size_t *cap)
{
	size_t ess = len, i;

	/* An essential name is a prefix: most strings fail on their first byte. */
	if (!len || !root_lens[NAME_MAX_LEN + 1 + (unsigned char)s[0]])
		return 0;
	/* Few kernel names have a flavour: most are their own essential name. */
	for (i = 1; i + 3 < len; i++)
		if (s[i] == '_' && s[i + 1] == '_' && s[i + 2] == '_') {
			ess = btfmin_essential_len(s, len);
			break;
		}
	if (!root_lens[ess])
		return 0;
	for (i = 0; i < n_roots; i++) {
		if (roots[i].name_len != ess || memcmp(roots[i].name, s, ess))
			continue;
		if (grow((void **)matches, cap, *n + 1, sizeof(**matches)))
			return -ENOMEM;
		(*matches)[(*n)++] = (struct name_match){ off, i };
	}
	return 0;
}

/* Notes where the wanted names are: the first string of each (btfscan_find()'s rule). */
static void match_wanted(struct kernel_btf *k, const char *s, size_t len, uint32_t off)
{
	size_t i;

	for (i = 0; i < k->n_want; i++)
		if (k->want_offs[i] == UINT32_MAX && !strncmp(k->want[i].name, s, len) &&
		    !k->want[i].name[len])
			k->want_offs[i] = off;
}

/* The strings whose essential name is a root's, in the order of their offsets. */
static int match_names(struct kernel_btf *k, const struct btfmin_root *roots, size_t n_roots,
		       struct name_match **matches, size_t *n)
{
	/* The roots' lengths, then their first bytes. */
	unsigned char root_lens[NAME_MAX_LEN + 1 + 256] = { 0 };
	char cur[NAME_MAX_LEN + 1];
	size_t cur_len = 0, cap = 0, i, chunk, j, piece;
	uint32_t cur_off = 0, pos;
	const unsigned char *p, *nul;
	int ret;

	for (i = 0; i < n_roots; i++) {
		root_lens[roots[i].name_len] = 1;
		root_lens[NAME_MAX_LEN + 1 + (unsigned char)roots[i].name[0]] = 1;
	}
	for (pos = 0; pos < k->strs_len; pos += chunk) {
		chunk = k->strs_len - pos < BTFSCAN_WINDOW ? k->strs_len - pos : BTFSCAN_WINDOW;
		p = btfscan_window(k->r, k->strs_at + pos, chunk);
		if (!p)
			return -EINVAL;
		/* A string may start in one window and end in the next: cur holds it. */
		for (j = 0; j < chunk; j += piece + 1) {
			nul = memchr(p + j, '\0', chunk - j);
			piece = (nul ? (size_t)(nul - p) : chunk) - j;
			if (cur_len + piece <= NAME_MAX_LEN)
				memcpy(cur + cur_len, p + j, piece);
			cur_len += piece;
			if (!nul)
				break;
			if (cur_len <= NAME_MAX_LEN) {
				ret = match_one(cur, cur_len, cur_off, roots, n_roots, root_lens,
						matches, n, &cap);
				if (ret)
					return ret;
				match_wanted(k, cur, cur_len, cur_off);
			}
			cur_len = 0;
			cur_off = pos + j + piece + 1;
		}
	}
	return 0;
}

static const struct name_match *find_match(const struct name_match *m, size_t n, uint32_t off)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (m[mid].str_off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && m[lo].str_off == off ? &m[lo] : NULL;
}

static int push(struct kernel_btf *k, struct min_btf *mb, uint32_t id)
{
	if (id >= k->n_ids)
		return -EINVAL;
	if (!id || k->kept[id])
		return 0;
	if (grow((void **)&mb->stack, &mb->stack_cap, mb->n_stack + 1, sizeof(*mb->stack)))
		return -ENOMEM;
	k->kept[id] = 1;
	mb->stack[mb->n_stack++] = id;
	return 0;
}

/* One pass over the types: the index of their offsets, and the roots pushed. */
static int index_types(struct kernel_btf *k, struct min_btf *mb, const struct btfmin_root *roots,
		       const struct name_match *m, size_t n_m)
{
	const struct name_match *hit;
	const struct btf_type *t;
	size_t cap = 0, n = 1;
	uint64_t pos = 0;
	int64_t extra;
	size_t i;

	if (grow((void **)&k->offs, &cap, 1, sizeof(*k->offs)))
		return -ENOMEM;
	while (pos < k->types_len) {
		if (pos + sizeof(*t) > k->types_len ||
		    !(t = btfscan_window(k->r, k->types_at + pos, sizeof(*t))))
			return -EINVAL;
		extra = btfscan_type_extra(BTF_INFO_KIND(t->info), BTF_INFO_VLEN(t->info));
		if (extra < 0 || grow((void **)&k->offs, &cap, n + 1, sizeof(*k->offs)))
			return extra < 0 ? -EINVAL : -ENOMEM;
		k->offs[n] = pos;
		for (i = 0; i < k->n_want; i++)
			if (!k->want[i].id && k->want_offs[i] == t->name_off &&
			    k->want[i].kind == BTF_INFO_KIND(t->info))
				k->want[i].id = n;
		hit = t->name_off ? find_match(m, n_m, t->name_off) : NULL;
		for (; hit && hit < m + n_m && hit->str_off == t->name_off; hit++)
			if (roots[hit->root].kinds & (1u << BTF_INFO_KIND(t->info)))
				break;
		if (hit && hit < m + n_m && hit->str_off == t->name_off) {
			/* Marked once the index is whole: push() checks ids against it. */
			if (grow((void **)&mb->stack, &mb->stack_cap, mb->n_stack + 1,
				 sizeof(*mb->stack)))
				return -ENOMEM;
			mb->stack[mb->n_stack++] = n;
		}
		pos += sizeof(*t) + extra;
		n++;
	}
	if (pos != k->types_len)
		return -EINVAL;
	k->n_ids = n;
	k->kept = calloc(n, 1);
	if (!k->kept)
		return -ENOMEM;
	for (i = 0; i < mb->n_stack; i++)
		k->kept[mb->stack[i]] = 1;
	return 0;
}

/* The types that t refers to and the minimal BTF keeps (not behind pointers). */
static int push_refs(struct kernel_btf *k, struct min_btf *mb, const struct btf_type *t)
{
	const struct btf_member *mem = (const void *)(t + 1);
	const struct btf_param *par = (const void *)(t + 1);
	const struct btf_array *arr = (const void *)(t + 1);
	uint32_t i, vlen = BTF_INFO_VLEN(t->info);
	int ret = 0;

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_PTR: /* written as a pointer to void */
		return 0;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return push(k, mb, t->type);
	case BTF_KIND_ARRAY:
		ret = push(k, mb, arr->type);
		return ret ? ret : push(k, mb, arr->index_type);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen && !ret; i++)
			ret = push(k, mb, mem[i].type);
		return ret;
	case BTF_KIND_FUNC_PROTO:
		ret = push(k, mb, t->type);
		for (i = 0; i < vlen && !ret; i++)
			ret = push(k, mb, par[i].type);
		return ret;
	}
	return -EINVAL; /* functions, variables, sections, tags: never embedded */
}

/* Copies the types on the stack into the blob, with those they embed. */
static int copy_types(struct kernel_btf *k, struct min_btf *mb)
{
	const struct btf_type *t;
	struct btf_type head;
	uint32_t id;
	int64_t extra;
	size_t len;
	int ret;

	while (mb->n_stack) {
		id = mb->stack[--mb->n_stack];
		if (btfscan_read_at(k->r->fd, &head, sizeof(head), k->types_at + k->offs[id]))
			return -EIO;
		extra = btfscan_type_extra(BTF_INFO_KIND(head.info), BTF_INFO_VLEN(head.info));
		len = sizeof(head) + extra;
		if (extra < 0 || k->offs[id] + len > k->types_len)
			return -EINVAL;
		if (grow((void **)&mb->types, &mb->cap, mb->n + 1, sizeof(*mb->types)) ||
		    grow((void **)&mb->blob, &mb->blob_cap, mb->blob_len + len, 1))
			return -ENOMEM;
		if (btfscan_read_at(k->r->fd, mb->blob + mb->blob_len, len,
				    k->types_at + k->offs[id]))
			return -EIO;
		mb->types[mb->n++] = (struct kept_type){ id, mb->blob_len, len };
		t = (const void *)(mb->blob + mb->blob_len);
		mb->blob_len += len;
		ret = push_refs(k, mb, t);
		if (ret)
			return ret;
	}
	return 0;
}

static int cmp_kept(const void *a, const void *b)
{
	const struct kept_type *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The kept type of kernel id, or NULL. */
static struct kept_type *find_kept(const struct min_btf *mb, uint32_t id)
{
	struct kept_type key = { .id = id };

	if (!mb->n)
		return NULL;
	return bsearch(&key, mb->types, mb->n, sizeof(*mb->types), cmp_kept);
}

static struct btf_type *type_of(const struct min_btf *mb, const struct kept_type *kt)
{
	return (struct btf_type *)(mb->blob + kt->at);
}

/* Calls fn on each name offset of t (its own, its members', enumerators', parameters'). */
static int visit_names(struct btf_type *t, int (*fn)(uint32_t *off, void *ctx), void *ctx)
{
	uint32_t i, vlen = BTF_INFO_VLEN(t->info), kind = BTF_INFO_KIND(t->info);
	void *extra = t + 1;
	int ret = fn(&t->name_off, ctx);

	for (i = 0; i < vlen && !ret; i++) {
		if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)
			ret = fn(&((struct btf_member *)extra)[i].name_off, ctx);
		else if (kind == BTF_KIND_ENUM)
			ret = fn(&((struct btf_enum *)extra)[i].name_off, ctx);
		else if (kind == BTF_KIND_ENUM64)
			ret = fn(&((struct btf_enum64 *)extra)[i].name_off, ctx);
		else if (kind == BTF_KIND_FUNC_PROTO)
			ret = fn(&((struct btf_param *)extra)[i].name_off, ctx);
	}
	return ret;
}

/* Kernel id to the minimal BTF's (0 stays void). */
static int renumber(const struct min_btf *mb, uint32_t *id)
{
	struct kept_type *kt;

	if (!*id)
		return 0;
	kt = find_kept(mb, *id);
	if (!kt)
		return -EINVAL;
	*id = kt - mb->types + 1;
	return 0;
}

static int renumber_refs(const struct min_btf *mb, struct btf_type *t)
{
	struct btf_member *mem = (void *)(t + 1);
	struct btf_param *par = (void *)(t + 1);
	struct btf_array *arr = (void *)(t + 1);
	uint32_t i, vlen = BTF_INFO_VLEN(t->info);
	int ret = 0;

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_PTR:
		t->type = 0;
		return 0;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return renumber(mb, &t->type);
	case BTF_KIND_ARRAY:
		ret = renumber(mb, &arr->type);
		return ret ? ret : renumber(mb, &arr->index_type);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen && !ret; i++)
			ret = renumber(mb, &mem[i].type);
		return ret;
	case BTF_KIND_FUNC_PROTO:
		ret = renumber(mb, &t->type);
		for (i = 0; i < vlen && !ret; i++)
			ret = renumber(mb, &par[i].type);
		return ret;
	}
	return 0;
}

/*
 * Chains of typedefs, modifiers and arrays end within CHAIN_MAX steps:
 * libbpf follows some without a limit, a loop would hang it.
 */
static int check_chains(const struct min_btf *mb)
{
	const struct btf_type *t;
	struct kept_type *kt;
	size_t i, depth;

	for (i = 0; i < mb->n; i++) {
		kt = &mb->types[i];
		for (depth = 0; kt; depth++) {
			if (depth > CHAIN_MAX)
				return -ELOOP;
			t = type_of(mb, kt);
			switch (BTF_INFO_KIND(t->info)) {
			case BTF_KIND_TYPEDEF:
			case BTF_KIND_VOLATILE:
			case BTF_KIND_CONST:
			case BTF_KIND_RESTRICT:
			case BTF_KIND_TYPE_TAG:
				kt = t->type ? find_kept(mb, t->type) : NULL;
				break;
			case BTF_KIND_ARRAY:
				kt = find_kept(mb, ((const struct btf_array *)(t + 1))->type);
				break;
			default:
				kt = NULL;
			}
		}
	}
	return 0;
}

/* The names the kept types use: kernel offsets (sorted, unique) and their new ones. */
struct names {
	uint32_t *offs, *new_offs;
	size_t n, cap;
	char *tab;
	size_t tab_len, tab_cap;
};

static int collect_name(uint32_t *off, void *ctx)
{
	struct names *nm = ctx;

	if (grow((void **)&nm->offs, &nm->cap, nm->n + 1, sizeof(*nm->offs)))
		return -ENOMEM;
	nm->offs[nm->n++] = *off;
	return 0;
}

static int rename_one(uint32_t *off, void *ctx)
{
	struct names *nm = ctx;
	uint32_t *at = bsearch(off, nm->offs, nm->n, sizeof(*off), cmp_u32);

	if (!at)
		return -EINVAL;
	*off = nm->new_offs[at - nm->offs];
	return 0;
}

/* Reads the kept names, in the order of their offsets, into the new string table. */
static int read_names(struct kernel_btf *k, struct names *nm)
{
	size_t i, w = 1, cap = 0, len;
	const char *p, *end;

	if (nm->n)
		qsort(nm->offs, nm->n, sizeof(*nm->offs), cmp_u32);
	for (i = 1; i < nm->n; i++)
		if (nm->offs[i] != nm->offs[w - 1])
			nm->offs[w++] = nm->offs[i];
	nm->n = nm->n ? w : 0;
	nm->new_offs = calloc(nm->n ? nm->n : 1, sizeof(*nm->new_offs));
	if (!nm->new_offs || grow((void **)&nm->tab, &cap, 1, 1))
		return -ENOMEM;
	nm->tab[0] = '\0';
	nm->tab_len = 1;
	for (i = 0; i < nm->n; i++) {
		if (!nm->offs[i])
			continue; /* "": the table's first byte */
		if (nm->offs[i] >= k->strs_len)
			return -EINVAL;
		len = k->strs_len - nm->offs[i] < 1024 ? k->strs_len - nm->offs[i] : 1024;
		p = btfscan_window(k->r, k->strs_at + nm->offs[i], len);
		end = p ? memchr(p, '\0', len) : NULL;
		if (!end || grow((void **)&nm->tab, &cap, nm->tab_len + (end - p) + 1, 1))
			return end ? -ENOMEM : -EINVAL;
		nm->new_offs[i] = nm->tab_len;
		memcpy(nm->tab + nm->tab_len, p, end - p + 1);
		nm->tab_len += end - p + 1;
	}
	return 0;
}

/* The raw BTF of the kept types, renumbered, with their names. */
static int write_btf(struct kernel_btf *k, struct min_btf *mb, void **out, uint32_t *out_len)
{
	struct names nm = { 0 };
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h) };
	unsigned char *buf = NULL, *at;
	size_t i;
	int ret = 0;

	if (mb->n) /* none: no relocation needs the kernel's types */
		qsort(mb->types, mb->n, sizeof(*mb->types), cmp_kept);
	ret = check_chains(mb);
	for (i = 0; i < mb->n && !ret; i++)
		ret = visit_names(type_of(mb, &mb->types[i]), collect_name, &nm);
	if (!ret)
		ret = read_names(k, &nm);
	for (i = 0; i < mb->n && !ret; i++) {
		ret = visit_names(type_of(mb, &mb->types[i]), rename_one, &nm);
		if (!ret)
			ret = renumber_refs(mb, type_of(mb, &mb->types[i]));
	}
	if (ret)
		goto out;
	h.type_len = mb->blob_len;
	h.str_off = h.type_len;
	h.str_len = nm.tab_len;
	buf = malloc(sizeof(h) + h.type_len + h.str_len);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(buf, &h, sizeof(h));
	at = buf + sizeof(h);
	for (i = 0; i < mb->n; at += mb->types[i].len, i++)
		memcpy(at, mb->blob + mb->types[i].at, mb->types[i].len);
	memcpy(at, nm.tab, nm.tab_len);
	*out = buf;
	*out_len = sizeof(h) + h.type_len + h.str_len;
out:
	free(nm.offs);
	free(nm.new_offs);
	free(nm.tab);
	return ret;
}

int btfmin_kernel(int kernel_fd, struct btfscan_want *want, size_t n_want,
		  const struct btfmin_root *roots, size_t n_roots, void **out, uint32_t *out_len,
		  char *why, size_t whylen)
{
	struct kernel_btf k = { 0 };
	struct min_btf mb = { 0 };
	struct name_match *m = NULL;
	struct btf_header hdr;
	size_t n_m = 0, i;
	int ret;

	if (n_want > BTFMIN_WANT_MAX) {
		snprintf(why, whylen, "too many attach targets");
		return -EINVAL;
	}
	k.want = want;
	k.n_want = n_want;
	for (i = 0; i < n_want; i++) {
		want[i].id = 0;
		k.want_offs[i] = UINT32_MAX;
	}
	for (i = 0; i < n_roots; i++)
		if (roots[i].name_len > NAME_MAX_LEN) {
			snprintf(why, whylen, "a relocation's root type has too long a name");
			return -ENAMETOOLONG;
		}
	k.r = btfscan_open(kernel_fd, &hdr);
	if (!k.r) {
		snprintf(why, whylen, "the kernel's BTF: %s", strerror(errno));
		return -errno;
	}
	k.types_at = (uint64_t)hdr.hdr_len + hdr.type_off;
	k.types_len = hdr.type_len;
	k.strs_at = (uint64_t)hdr.hdr_len + hdr.str_off;
	k.strs_len = hdr.str_len;
	ret = match_names(&k, roots, n_roots, &m, &n_m);
	if (!ret)
		ret = index_types(&k, &mb, roots, m, n_m);
	if (!ret)
		ret = copy_types(&k, &mb);
	if (!ret)
		ret = write_btf(&k, &mb, out, out_len);
	if (ret)
		snprintf(why, whylen, "the kernel's BTF: %s",
			 ret == -EINVAL ? "not a BTF this reader knows" : strerror(-ret));
	free(m);
	free(k.r);
	free(k.offs);
	free(k.kept);
	free(mb.types);
	free(mb.blob);
	free(mb.stack);
	return ret;
}
