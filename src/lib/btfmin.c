// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The object's side of the minimal BTF: its ELF sections, the CO-RE
 * relocations of .BTF.ext, and their root types' names and kinds. Every
 * length and offset is checked against the bytes given: the object is
 * tracer's own, but a bad one must give an error, not a crash.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include "btfmin.h"

#define BTF_EXT_MAGIC 0xeB9F
#define RELO_RECORD_MAX 1024

/* The start of .BTF.ext (libbpf's struct btf_ext_header, not public). */
struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off; /* present when hdr_len covers them */
	uint32_t core_relo_len;
};

static int section_bytes(const void *obj, size_t obj_len, const Elf64_Shdr *sh, const void **data,
			 size_t *len)
{
	if (sh->sh_type == SHT_NOBITS || sh->sh_offset > obj_len ||
	    sh->sh_size > obj_len - sh->sh_offset)
		return -EINVAL;
	*data = (const char *)obj + sh->sh_offset;
	*len = sh->sh_size;
	return 0;
}

int btfmin_elf_sections(const void *obj, size_t obj_len, const void **btf, size_t *btf_len,
			const void **ext, size_t *ext_len)
{
	const Elf64_Ehdr *eh = obj;
	const Elf64_Shdr *sh, *names;
	const char *strtab;
	size_t i, strtab_len;
	int found = 0;

	if (obj_len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > obj_len || eh->e_shnum > (obj_len - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum || eh->e_shoff % _Alignof(Elf64_Shdr))
		return -EINVAL;
	sh = (const Elf64_Shdr *)((const char *)obj + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	if (section_bytes(obj, obj_len, names, (const void **)&strtab, &strtab_len))
		return -EINVAL;
	for (i = 0; i < eh->e_shnum; i++) {
		const char *name = strtab + sh[i].sh_name;

		if (sh[i].sh_name >= strtab_len || !memchr(name, '\0', strtab_len - sh[i].sh_name))
			return -EINVAL;
		if (!strcmp(name, ".BTF") && !section_bytes(obj, obj_len, &sh[i], btf, btf_len))
			found |= 1;
		else if (!strcmp(name, ".BTF.ext") &&
			 !section_bytes(obj, obj_len, &sh[i], ext, ext_len))
			found |= 2;
	}
	return found == 3 ? 0 : -EINVAL;
}

/* Appends one section's records (at p, len bytes left): the bytes used, or -EINVAL. */
static long parse_relo_section(const unsigned char *p, size_t len, uint32_t rec_size,
			       struct btfmin_relo **relos, size_t *n)
{
	struct btfmin_relo *grown;
	uint32_t head[2], i; /* the section's name, its number of records */

	if (len < sizeof(head))
		return -EINVAL;
	memcpy(head, p, sizeof(head));
	if (!head[1] || head[1] > (len - sizeof(head)) / rec_size)
		return -EINVAL;
	grown = realloc(*relos, (*n + head[1]) * sizeof(**relos));
	if (!grown)
		return -ENOMEM;
	*relos = grown;
	for (i = 0; i < head[1]; i++)
		memcpy(&grown[(*n)++], p + sizeof(head) + (size_t)i * rec_size, sizeof(**relos));
	return sizeof(head) + (size_t)head[1] * rec_size;
}

int btfmin_parse_ext(const void *ext, size_t len, struct btfmin_relo **relos, size_t *n)
{
	struct ext_header h = { 0 };
	const unsigned char *p;
	uint32_t rec_size;
	size_t left;
	long used;

	*relos = NULL;
	*n = 0;
	if (len < offsetof(struct ext_header, core_relo_off))
		return -EINVAL;
	memcpy(&h, ext, len < sizeof(h) ? len : sizeof(h));
	if (h.magic != BTF_EXT_MAGIC || h.version != 1 ||
	    h.hdr_len < offsetof(struct ext_header, core_relo_off) || h.hdr_len > len)
		return -EINVAL;
	if (h.hdr_len < sizeof(h) || !h.core_relo_len)
		return 0; /* no CO-RE relocations */
	if (h.core_relo_off > len - h.hdr_len ||
	    h.core_relo_len > len - h.hdr_len - h.core_relo_off ||
	    h.core_relo_len < sizeof(rec_size))
		return -EINVAL;
	p = (const unsigned char *)ext + h.hdr_len + h.core_relo_off;
	memcpy(&rec_size, p, sizeof(rec_size));
	if (rec_size < sizeof(**relos) || rec_size > RELO_RECORD_MAX || rec_size % 4)
		return -EINVAL;
	p += sizeof(rec_size);
	for (left = h.core_relo_len - sizeof(rec_size); left; left -= used, p += used) {
		used = parse_relo_section(p, left, rec_size, relos, n);
		if (used < 0) {
			free(*relos);
			*relos = NULL;
			*n = 0;
			return used;
		}
	}
	return 0;
}

static bool is_flavour_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_';
}

size_t btfmin_essential_len(const char *name, size_t len)
{
	long i;

	for (i = (long)len - 5; i >= 0; i--)
		if (is_flavour_sep(name + i))
			return i + 1;
	return len;
}

/* The kinds libbpf takes as candidates for a root of this kind (btf_kind_core_compat()). */
static uint32_t candidate_kinds(uint32_t kind)
{
	if (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64)
		return 1u << BTF_KIND_ENUM | 1u << BTF_KIND_ENUM64;
	return 1u << kind;
}

static bool kind_handled(uint32_t kind)
{
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
	case BPF_CORE_FIELD_BYTE_SIZE:
	case BPF_CORE_FIELD_EXISTS:
	case BPF_CORE_FIELD_SIGNED:
	case BPF_CORE_FIELD_LSHIFT_U64:
	case BPF_CORE_FIELD_RSHIFT_U64:
	case BPF_CORE_ENUMVAL_EXISTS:
	case BPF_CORE_ENUMVAL_VALUE:
		return true;
	}
	return false;
}

/* Adds the root of one relocation to roots (one entry per essential name). */
static int add_root(const struct btf *local, const struct btfmin_relo *relo,
		    struct btfmin_root *roots, size_t *n, char *why, size_t whylen)
{
	const struct btf_type *t = btf__type_by_id(local, relo->type_id);
	const char *name = t ? btf__name_by_offset(local, t->name_off) : NULL;
	size_t len, i;

	if (!name || !*name) {
		snprintf(why, whylen, "a relocation's root type %u is not a named type",
			 relo->type_id);
		return -EINVAL;
	}
	len = btfmin_essential_len(name, strlen(name));
	for (i = 0; i < *n; i++)
		if (roots[i].name_len == len && !memcmp(roots[i].name, name, len))
			break;
	if (i == *n) {
		roots[i].name = name;
		roots[i].name_len = len;
		roots[i].kinds = 0;
		(*n)++;
	}
	roots[i].kinds |= candidate_kinds(btf_kind(t));
	return 0;
}

int btfmin_from_relos(const struct btf *local, const struct btfmin_relo *relos, size_t n,
		      int kernel_fd, struct btfscan_want *want, size_t n_want, void **out,
		      uint32_t *out_len, char *why, size_t whylen)
{
	struct btfmin_root *roots = calloc(n ? n : 1, sizeof(*roots));
	size_t i, n_roots = 0;
	int ret = 0;

	if (!roots)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		if (relos[i].kind == BPF_CORE_TYPE_ID_LOCAL)
			continue; /* the object's own id: no kernel type */
		if (!kind_handled(relos[i].kind)) {
			snprintf(why, whylen, "CO-RE relocation kind %u not handled",
				 relos[i].kind);
			ret = -EOPNOTSUPP;
			break;
		}
		ret = add_root(local, &relos[i], roots, &n_roots, why, whylen);
	}
	if (!ret)
		ret = btfmin_kernel(kernel_fd, want, n_want, roots, n_roots, out, out_len, why,
				    whylen);
	free(roots);
	return ret;
}

int btfmin_make(const void *obj, size_t obj_len, int kernel_fd, struct btfscan_want *want,
		size_t n_want, void **out, uint32_t *out_len, char *why, size_t whylen)
{
	const void *btf_data, *ext;
	size_t btf_len, ext_len, n;
	struct btfmin_relo *relos;
	struct btf *local;
	int ret;

	if (btfmin_elf_sections(obj, obj_len, &btf_data, &btf_len, &ext, &ext_len)) {
		snprintf(why, whylen, "the BPF object has no readable .BTF and .BTF.ext");
		return -EINVAL;
	}
	ret = btfmin_parse_ext(ext, ext_len, &relos, &n);
	if (ret) {
		snprintf(why, whylen, "the BPF object's .BTF.ext does not parse");
		return ret;
	}
	local = btf__new(btf_data, btf_len);
	if (libbpf_get_error(local)) {
		snprintf(why, whylen, "the BPF object's .BTF does not parse");
		free(relos);
		return -EINVAL;
	}
	ret = btfmin_from_relos(local, relos, n, kernel_fd, want, n_want, out, out_len, why,
				whylen);
	btf__free(local);
	free(relos);
	return ret;
}
