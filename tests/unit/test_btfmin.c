// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The minimal BTF's maker (src/lib/btfmin.h) on crafted input: the .BTF.ext
 * records parsed, the roots found by essential name and kind (flavours
 * too), kept whole with what they embed (anonymous members, bitfields,
 * arrays, typedefs and modifiers, enumerators of ENUM and ENUM64), pointers
 * to void, the rest left out; and bad input (truncated sections, ids out of
 * range, a loop of typedefs, a relocation kind not handled) an error, never
 * a crash. No kernel needed: the "kernel" BTF is a memory file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#include <criterion/criterion.h>

#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "btfmin.h"
#include "btfscan.h"

/* A .BTF.ext with one section of two CO-RE records (and no func or line info). */
static size_t crafted_ext(unsigned char *buf)
{
	uint32_t hdr[8] = { 0xeB9F | 1 << 16, 32, 0, 0, 0, 0, 0, 4 + 8 + 2 * 16 };
	uint32_t relos[] = {
		16, /* record size */
		7,  2, /* section name, records */
		8,  3, 5, BPF_CORE_FIELD_BYTE_OFFSET, 16, 4, 9, BPF_CORE_ENUMVAL_VALUE
	};

	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), relos, sizeof(relos));
	return sizeof(hdr) + sizeof(relos);
}

Test(btfmin, ext_parsed)
{
	unsigned char ext[256];
	size_t len = crafted_ext(ext), n;
	struct btfmin_relo *r;

	cr_assert_eq(btfmin_parse_ext(ext, len, &r, &n), 0);
	cr_assert_eq(n, 2);
	cr_expect_eq(r[0].insn_off, 8);
	cr_expect_eq(r[0].type_id, 3);
	cr_expect_eq(r[0].access_str_off, 5);
	cr_expect_eq(r[0].kind, BPF_CORE_FIELD_BYTE_OFFSET);
	cr_expect_eq(r[1].type_id, 4);
	cr_expect_eq(r[1].kind, BPF_CORE_ENUMVAL_VALUE);
	free(r);
}

Test(btfmin, ext_bad_input_refused)
{
	unsigned char ext[256], bad[256];
	size_t len = crafted_ext(ext), n, cut;
	struct btfmin_relo *r;
	uint32_t v;

	/* Every cut: the header or the records then reach past the end. */
	for (cut = 0; cut < len; cut++) {
		cr_expect_eq(btfmin_parse_ext(ext, cut, &r, &n), -EINVAL, "cut at %zu", cut);
		cr_expect_null(r);
	}
	memcpy(bad, ext, len);
	bad[0] ^= 1; /* magic */
	cr_expect_eq(btfmin_parse_ext(bad, len, &r, &n), -EINVAL);
	memcpy(bad, ext, len);
	v = 8; /* records smaller than struct bpf_core_relo */
	memcpy(bad + 32, &v, 4);
	cr_expect_eq(btfmin_parse_ext(bad, len, &r, &n), -EINVAL);
	memcpy(bad, ext, len);
	v = 0x40000000; /* more records than bytes */
	memcpy(bad + 40, &v, 4);
	cr_expect_eq(btfmin_parse_ext(bad, len, &r, &n), -EINVAL);
	memcpy(bad, ext, len);
	v = 0xfffffff0; /* the records' offset wraps */
	memcpy(bad + 24, &v, 4);
	cr_expect_eq(btfmin_parse_ext(bad, len, &r, &n), -EINVAL);
}

Test(btfmin, elf_sections_of_tracer_object)
{
	const void *btf, *ext;
	size_t obj_len, btf_len, ext_len, cut;
	const unsigned char *obj = tracer_bpf__elf_bytes(&obj_len);
	struct btfmin_relo *r;
	size_t n;

	cr_assert_eq(btfmin_elf_sections(obj, obj_len, &btf, &btf_len, &ext, &ext_len), 0);
	cr_expect_eq(memcmp(btf, "\x9f\xeb", 2), 0);
	cr_assert_eq(btfmin_parse_ext(ext, ext_len, &r, &n), 0);
	cr_expect_gt(n, 100, "tracer's object has hundreds of CO-RE relocations");
	free(r);
	/* The section headers sit at the end: a cut object has none readable. */
	for (cut = 0; cut < obj_len; cut += obj_len / 97 + 1)
		cr_expect_eq(btfmin_elf_sections(obj, cut, &btf, &btf_len, &ext, &ext_len), -EINVAL,
			     "cut at %zu", cut);
}

/* The "kernel": ids as noted. */
struct kernel_ids {
	int int_t, task, anon, inner, ptr, u32t, c_u32t, arr, task_old, unused, state, big;
};

static struct btf *crafted_kernel(struct kernel_ids *k)
{
	struct btf *b = btf__new_empty();

	cr_assert_not_null(b);
	k->int_t = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	k->unused = btf__add_struct(b, "unused", 4);
	btf__add_field(b, "z", k->int_t, 0, 0);
	k->inner = btf__add_struct(b, "inner", 4);
	btf__add_field(b, "x", k->int_t, 0, 0);
	k->anon = btf__add_union(b, NULL, 4);
	btf__add_field(b, "a", k->int_t, 0, 0);
	btf__add_field(b, "b", k->inner, 0, 0);
	k->u32t = btf__add_typedef(b, "u32t", k->int_t);
	k->c_u32t = btf__add_const(b, k->u32t);
	k->arr = btf__add_array(b, k->int_t, k->c_u32t, 4);
	k->ptr = btf__add_ptr(b, k->arr + 2); /* to task, next */
	k->task = btf__add_struct(b, "task", 48);
	cr_assert_eq(k->task, k->ptr + 1);
	btf__add_field(b, "pid", k->int_t, 0, 0);
	btf__add_field(b, NULL, k->anon, 32, 0);
	btf__add_field(b, "next", k->ptr, 64, 0);
	btf__add_field(b, "flags", k->int_t, 128, 3); /* a bitfield */
	btf__add_field(b, "arr", k->arr, 160, 0);
	k->task_old = btf__add_struct(b, "task___old", 4);
	btf__add_field(b, "pid", k->int_t, 0, 0);
	k->state = btf__add_enum(b, "state", 4);
	btf__add_enum_value(b, "RUNNING", 0);
	btf__add_enum_value(b, "STOPPED", 4);
	k->big = btf__add_enum64(b, "big", 8, false);
	btf__add_enum64_value(b, "HUGE", 1ull << 40);
	cr_assert_gt(k->big, 0);
	return b;
}

/* A memory file holding btf's raw bytes, patched by patch (may be NULL). */
static int kernel_file(const struct btf *b, void (*patch)(unsigned char *raw, uint32_t len))
{
	uint32_t len;
	const void *raw = btf__raw_data(b, &len);
	unsigned char *copy = malloc(len);
	int fd = memfd_create("kernel-btf", MFD_CLOEXEC);

	cr_assert(raw && copy && fd >= 0);
	memcpy(copy, raw, len);
	if (patch)
		patch(copy, len);
	cr_assert_eq(write(fd, copy, len), len);
	free(copy);
	return fd;
}

/* The object's side: a flavoured task and the enums; relocations against them. */
static struct btf *crafted_local(int *task, int *state, int *big)
{
	struct btf *b = btf__new_empty();
	int i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);

	*task = btf__add_struct(b, "task___v2", 4);
	btf__add_field(b, "pid", i, 0, 0);
	*state = btf__add_enum(b, "state", 4);
	btf__add_enum_value(b, "RUNNING", 0);
	*big = btf__add_enum64(b, "big___new", 8, false);
	btf__add_enum64_value(b, "HUGE", 0);
	return b;
}

static int make(const struct btf *local, const struct btfmin_relo *r, size_t n, int fd,
		struct btf **out)
{
	char why[160] = "";
	uint32_t len;
	void *data;
	int ret = btfmin_from_relos(local, r, n, fd, NULL, 0, &data, &len, why, sizeof(why));

	*out = NULL;
	if (ret) {
		cr_expect_neq(why[0], '\0', "an error without a reason");
		return ret;
	}
	*out = btf__new(data, len);
	free(data);
	cr_assert(!libbpf_get_error(*out), "the minimal BTF does not parse");
	return 0;
}

static const struct btf_type *named(const struct btf *b, const char *name, int kind)
{
	int id = btf__find_by_name_kind(b, name, kind);

	return id > 0 ? btf__type_by_id(b, id) : NULL;
}

Test(btfmin, roots_kept_whole_with_what_they_embed)
{
	struct kernel_ids k;
	struct btf *kb = crafted_kernel(&k), *local, *min;
	const struct btf_type *t, *m;
	const struct btf_member *mem;
	int task, state, big, fd;
	struct btfmin_relo r[3] = { { 0, 0, 0, BPF_CORE_FIELD_BYTE_OFFSET },
				    { 8, 0, 0, BPF_CORE_ENUMVAL_VALUE },
				    { 16, 0, 0, BPF_CORE_ENUMVAL_EXISTS } };

	local = crafted_local(&task, &state, &big);
	r[0].type_id = task;
	r[1].type_id = state;
	r[2].type_id = big;
	fd = kernel_file(kb, NULL);
	cr_assert_eq(make(local, r, 3, fd, &min), 0);
	/* Both flavours of task, whole; what nothing roots or embeds, left out. */
	t = named(min, "task", BTF_KIND_STRUCT);
	cr_assert_not_null(t);
	cr_expect_eq(btf_vlen(t), 5);
	cr_expect_eq(t->size, 48);
	cr_expect_not_null(named(min, "task___old", BTF_KIND_STRUCT));
	cr_expect_null(named(min, "unused", BTF_KIND_STRUCT));
	mem = btf_members(t);
	cr_expect_str_eq(btf__name_by_offset(min, mem[1].name_off), "");
	m = btf__type_by_id(min, mem[1].type);
	cr_expect(btf_is_union(m) && btf_vlen(m) == 2, "the anonymous union, whole");
	cr_expect_not_null(named(min, "inner", BTF_KIND_STRUCT), "embedded in the union");
	m = btf__type_by_id(min, mem[2].type);
	cr_expect(btf_is_ptr(m) && m->type == 0, "a pointer to void");
	cr_expect(btf_kflag(t) && btf_member_bitfield_size(t, 3) == 3 &&
			  btf_member_bit_offset(t, 3) == 128,
		  "the bitfield as it was");
	m = btf__type_by_id(min, mem[4].type);
	cr_assert(btf_is_array(m));
	m = btf__type_by_id(min, btf_array(m)->type);
	cr_expect(btf_is_const(m));
	m = btf__type_by_id(min, m->type);
	cr_expect(btf_is_typedef(m) && !strcmp(btf__name_by_offset(min, m->name_off), "u32t"));
	/* The enumerators, with their values. */
	t = named(min, "state", BTF_KIND_ENUM);
	cr_assert_not_null(t);
	cr_expect_eq(btf_vlen(t), 2);
	cr_expect_eq(btf_enum(t)[1].val, 4);
	t = named(min, "big", BTF_KIND_ENUM64);
	cr_assert_not_null(t);
	cr_expect_eq(btf_enum64_value(btf_enum64(t)), 1ull << 40);
	/* int, inner, union, typedef, const, array, ptr, task, task___old, state, big */
	cr_expect_eq(btf__type_cnt(min), 12);
	btf__free(min);
	btf__free(local);
	btf__free(kb);
	close(fd);
}

Test(btfmin, relocation_kinds_not_handled_refused)
{
	static const uint32_t kinds[] = { BPF_CORE_TYPE_ID_TARGET, BPF_CORE_TYPE_EXISTS,
					  BPF_CORE_TYPE_SIZE, 12 /* TYPE_MATCHES */, 99 };
	struct kernel_ids k;
	struct btf *kb = crafted_kernel(&k), *local, *min;
	struct btfmin_relo r = { 0 };
	int task, state, big, fd = kernel_file(kb, NULL);
	size_t i;

	local = crafted_local(&task, &state, &big);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		r.type_id = task;
		r.kind = kinds[i];
		cr_expect_eq(make(local, &r, 1, fd, &min), -EOPNOTSUPP, "kind %u", kinds[i]);
	}
	/* The object's own ids need no kernel type. */
	r.kind = BPF_CORE_TYPE_ID_LOCAL;
	cr_expect_eq(make(local, &r, 1, fd, &min), 0);
	cr_expect_eq(btf__type_cnt(min), 1);
	btf__free(min);
	/* A root out of the object's ids. */
	r.kind = BPF_CORE_FIELD_EXISTS;
	r.type_id = 999;
	cr_expect_eq(make(local, &r, 1, fd, &min), -EINVAL);
	btf__free(local);
	btf__free(kb);
	close(fd);
}

/* A kernel whose task has a member of type id 9999, or a loop of typedefs. */
static int bad_kernel(bool loop)
{
	struct btf *b = btf__new_empty();
	int i = btf__add_int(b, "int", 4, BTF_INT_SIGNED), a, fd;

	if (loop) {
		a = btf__add_typedef(b, "a_t", i + 2); /* b_t, next */
		cr_assert_eq(btf__add_typedef(b, "b_t", a), a + 1);
	} else {
		a = 9999;
	}
	btf__add_struct(b, "task", 4);
	btf__add_field(b, "pid", a, 0, 0);
	fd = kernel_file(b, NULL);
	btf__free(b);
	return fd;
}

Test(btfmin, bad_kernel_btf_refused)
{
	int task, state, big, fd;
	struct btf *local = crafted_local(&task, &state, &big), *min;
	struct btfmin_relo r = { 0, task, 0, BPF_CORE_FIELD_BYTE_OFFSET };
	struct kernel_ids k;
	struct btf *kb = crafted_kernel(&k);
	uint32_t len;
	const void *raw = btf__raw_data(kb, &len);
	uint32_t cut;

	fd = bad_kernel(false);
	cr_expect_eq(make(local, &r, 1, fd, &min), -EINVAL, "a member's type out of range");
	close(fd);
	fd = bad_kernel(true);
	cr_expect_eq(make(local, &r, 1, fd, &min), -ELOOP, "a loop of typedefs");
	close(fd);
	/* Every cut of a good one. */
	for (cut = 0; cut < len; cut++) {
		fd = memfd_create("cut", MFD_CLOEXEC);
		cr_assert_eq(write(fd, raw, cut), cut);
		cr_expect_lt(make(local, &r, 1, fd, &min), 0, "cut at %u", cut);
		close(fd);
	}
	btf__free(kb);
	btf__free(local);
}

/* The attach targets' ids come out of the same passes, as btfscan_find() finds them. */
Test(btfmin, wanted_ids_found_beside)
{
	struct kernel_ids k;
	struct btf *kb = crafted_kernel(&k), *local;
	struct btfscan_want want[] = { { "task", BTF_KIND_STRUCT, -1 },
				       { "state", BTF_KIND_ENUM, -1 },
				       { "task", BTF_KIND_UNION, -1 },
				       { "u32t", BTF_KIND_TYPEDEF, -1 },
				       { "nowhere", BTF_KIND_STRUCT, -1 } };
	struct btfscan_want again[5];
	struct btfmin_relo r = { 0, 0, 0, BPF_CORE_FIELD_BYTE_OFFSET };
	int task, state, big, fd = kernel_file(kb, NULL);
	char why[160];
	uint32_t len;
	void *data;
	size_t i;

	local = crafted_local(&task, &state, &big);
	r.type_id = task;
	memcpy(again, want, sizeof(want));
	cr_assert_eq(btfmin_from_relos(local, &r, 1, fd, want, 5, &data, &len, why, sizeof(why)), 0,
		     "%s", why);
	free(data);
	cr_expect_eq(want[0].id, k.task);
	cr_expect_eq(want[1].id, k.state);
	cr_expect_eq(want[2].id, 0, "a name of another kind");
	cr_expect_eq(want[3].id, k.u32t);
	cr_expect_eq(want[4].id, 0);
	cr_assert_eq(btfscan_find(fd, again, 5), 0);
	for (i = 0; i < 5; i++)
		cr_expect_eq(want[i].id, again[i].id, "%s", want[i].name);
	btf__free(local);
	btf__free(kb);
	close(fd);
}

Test(btfmin, essential_names)
{
	cr_expect_eq(btfmin_essential_len("task_struct___v2", 16), 11);
	cr_expect_eq(btfmin_essential_len("task_struct", 11), 11);
	cr_expect_eq(btfmin_essential_len("a___b___c", 9), 5);
	cr_expect_eq(btfmin_essential_len("___x", 4), 4);
	cr_expect_eq(btfmin_essential_len("x____y", 6), 6);
}
