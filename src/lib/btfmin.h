/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The minimal kernel BTF for a BPF object's CO-RE relocations, made in this
 * process (what `bpftool gen min_core_btf` made in a child that parsed the
 * kernel's 5.5 MB BTF twice, 19 MiB at its peak).
 *
 * Coarser than bpftool, the same relocations: every kernel type whose
 * essential name (without a `___flavour`) and kind match a relocation's root
 * type is kept, whole (all its members, enumerators), with every type it
 * embeds (members, array elements, typedefs and modifiers), recursively.
 * libbpf then finds the same candidates, walks the same members and reads
 * the same sizes, offsets, bitfields and enumerators as in the whole BTF.
 * Pointers are kept as pointers to void: a field relocation never looks
 * behind one (a dereference is a relocation of its own, with its own root).
 * Relocation kinds that would look behind pointers (type-based ones) or
 * need the kernel's own ids are refused: the caller then uses the whole BTF.
 *
 * The kernel's BTF is streamed through a 64 KiB window (btfscan.h): one pass
 * over its strings (which names match a root, where the attach targets'
 * names are), one over its types (an index of their offsets, 4 bytes a type,
 * the roots, the attach targets' ids), reads of the kept types only, and one
 * more pass for the kept names.
 */
#ifndef TRACER_BTFMIN_H
#define TRACER_BTFMIN_H

#include <stddef.h>
#include <stdint.h>

struct btf;
struct btfscan_want;

/* At most this many attach targets looked for beside (btfscan.h's rules). */
#define BTFMIN_WANT_MAX 16

/* One CO-RE relocation record of .BTF.ext (struct bpf_core_relo). */
struct btfmin_relo {
	uint32_t insn_off;
	uint32_t type_id; /* the root type, in the object's own BTF */
	uint32_t access_str_off;
	uint32_t kind; /* enum bpf_core_relo_kind */
};

/*
 * Makes the minimal BTF for the BPF object obj (its ELF bytes) from the raw
 * kernel BTF open on kernel_fd: *out (malloc'd, *out_len bytes). The same
 * passes fill in the ids of the n_want types of want, as btfscan_find()
 * would (the attach targets). Returns 0, or a negative errno with a reason
 * in why.
 */
int btfmin_make(const void *obj, size_t obj_len, int kernel_fd, struct btfscan_want *want,
		size_t n_want, void **out, uint32_t *out_len, char *why, size_t whylen);

/* The pieces, for the tests. */

/* The ELF sections .BTF and .BTF.ext of obj: 0 or -EINVAL. */
int btfmin_elf_sections(const void *obj, size_t obj_len, const void **btf, size_t *btf_len,
			const void **ext, size_t *ext_len);

/* The CO-RE relocations of a .BTF.ext section: *relos malloc'd (NULL when none). */
int btfmin_parse_ext(const void *ext, size_t len, struct btfmin_relo **relos, size_t *n);

/* The minimal BTF for these relocations of the object's BTF local. */
int btfmin_from_relos(const struct btf *local, const struct btfmin_relo *relos, size_t n,
		      int kernel_fd, struct btfscan_want *want, size_t n_want, void **out,
		      uint32_t *out_len, char *why, size_t whylen);

/* What btfmin_from_relos() looks for in the kernel's BTF (btfmin_kernel.c). */
struct btfmin_root {
	const char *name; /* essential name: name_len bytes, not NUL-terminated */
	size_t name_len;
	uint32_t kinds; /* 1 << BTF_KIND_* of the kinds that match */
};

int btfmin_kernel(int kernel_fd, struct btfscan_want *want, size_t n_want,
		  const struct btfmin_root *roots, size_t n_roots, void **out, uint32_t *out_len,
		  char *why, size_t whylen);

/* The length of name without its flavour (libbpf's bpf_core_essential_name_len()). */
size_t btfmin_essential_len(const char *name, size_t len);

#endif /* TRACER_BTFMIN_H */
