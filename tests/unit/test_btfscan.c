// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * btfscan_find(): the ids it finds in a raw BTF written by libbpf are the
 * ones libbpf's own lookup gives, across the reader's 64 KiB windows; a file
 * that is not a whole BTF is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/btf.h>
#include <linux/btf.h>

#include <criterion/criterion.h>

#include "btfscan.h"

/* A memory file holding len bytes of data. */
static int file_of(const void *data, size_t len)
{
	int fd = memfd_create("btfscan", MFD_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	return fd;
}

/*
 * A BTF with every kind btfscan steps over, `filler` structs of many
 * members first (so that the wanted types and names sit past several
 * windows), then what a kernel has: btf_trace_* typedefs, bpf_iter_*
 * functions, a struct and a typedef of the same name.
 */
static struct btf *sample_btf(int filler)
{
	struct btf *btf = btf__new_empty();
	char name[64];
	int i, j, id_int, id_ptr, id_proto;

	cr_assert_not_null(btf);
	id_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	for (i = 0; i < filler; i++) {
		snprintf(name, sizeof(name), "filler_struct_with_a_long_name_%d", i);
		cr_assert_gt(btf__add_struct(btf, name, 4 * 100), 0);
		for (j = 0; j < 100; j++) {
			snprintf(name, sizeof(name), "member_%d_%d", i, j);
			cr_assert_eq(btf__add_field(btf, name, id_int, j * 32, 0), 0);
		}
	}
	id_ptr = btf__add_ptr(btf, id_int);
	btf__add_array(btf, id_int, id_int, 4);
	btf__add_enum(btf, "an_enum", 4);
	btf__add_enum_value(btf, "AN_ENUM_ONE", 1);
	btf__add_enum64(btf, "an_enum64", 8, false);
	btf__add_enum64_value(btf, "AN_ENUM64_ONE", 1);
	btf__add_fwd(btf, "a_forward", BTF_FWD_STRUCT);
	btf__add_volatile(btf, id_int);
	btf__add_const(btf, id_int);
	btf__add_restrict(btf, id_ptr);
	btf__add_float(btf, "float", 4);
	btf__add_type_tag(btf, "a_tag", id_int);
	id_proto = btf__add_func_proto(btf, id_int);
	btf__add_func_param(btf, "ctx", id_ptr);
	btf__add_func(btf, "some_func", BTF_FUNC_GLOBAL, id_proto);
	btf__add_decl_tag(btf, "a_decl_tag", id_int + 0, -1);
	btf__add_var(btf, "a_var", BTF_VAR_GLOBAL_ALLOCATED, id_int);
	btf__add_datasec(btf, ".data", 4);
	btf__add_datasec_var_info(btf, btf__type_cnt(btf) - 1, 0, 4);
	btf__add_typedef(btf, "btf_trace_sched_process_fork", btf__add_ptr(btf, id_proto));
	btf__add_func(btf, "bpf_iter_task", BTF_FUNC_GLOBAL, id_proto);
	btf__add_struct(btf, "task_struct", 8);
	btf__add_typedef(btf, "task_struct", id_int);
	btf__add_typedef(btf, "bpf_iter_task_file", id_int); /* a typedef, not the function */
	return btf;
}

static int scan_of(struct btf *btf, struct btfscan_want *want, size_t n)
{
	const void *raw;
	__u32 len;
	int fd, ret;

	raw = btf__raw_data(btf, &len);
	cr_assert_not_null(raw);
	fd = file_of(raw, len);
	ret = btfscan_find(fd, want, n);
	close(fd);
	return ret;
}

static void expect_libbpf_ids(int filler)
{
	struct btf *btf = sample_btf(filler);
	struct btfscan_want want[] = {
		{ .name = "btf_trace_sched_process_fork", .kind = BTF_KIND_TYPEDEF },
		{ .name = "bpf_iter_task", .kind = BTF_KIND_FUNC },
		{ .name = "task_struct", .kind = BTF_KIND_STRUCT },
		{ .name = "task_struct", .kind = BTF_KIND_TYPEDEF },
		{ .name = "bpf_iter_task_file", .kind = BTF_KIND_FUNC },
		{ .name = "AN_ENUM_ONE", .kind = BTF_KIND_ENUM },
		{ .name = "not_there", .kind = BTF_KIND_STRUCT },
		{ .name = "int", .kind = BTF_KIND_INT },
	};
	size_t i;
	int id;

	cr_assert_eq(scan_of(btf, want, sizeof(want) / sizeof(want[0])), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		id = btf__find_by_name_kind(btf, want[i].name, want[i].kind);
		cr_expect_eq(want[i].id, id < 0 ? 0 : id, "%s (kind %u): scan %d, libbpf %d",
			     want[i].name, want[i].kind, want[i].id, id);
	}
	cr_expect_gt(want[0].id, 0);
	cr_expect_neq(want[2].id, want[3].id);
	btf__free(btf);
}

Test(btfscan, small_file)
{
	expect_libbpf_ids(0);
}

/* 200 structs of 100 members: 240 KB of types, 700 KB of names. */
Test(btfscan, across_windows)
{
	expect_libbpf_ids(200);
}

Test(btfscan, not_btf)
{
	struct btfscan_want want[] = { { .name = "int", .kind = BTF_KIND_INT } };
	char junk[4096];
	int fd;

	memset(junk, 0x5a, sizeof(junk));
	fd = file_of(junk, sizeof(junk));
	cr_expect_eq(btfscan_find(fd, want, 1), -EINVAL);
	close(fd);
	fd = file_of(junk, 3); /* shorter than a header */
	cr_expect_eq(btfscan_find(fd, want, 1), -EINVAL);
	close(fd);
}

/* A file cut short, or a type of a kind it does not know: refused, not misread. */
Test(btfscan, cut_or_unknown_kind)
{
	struct btf *btf = sample_btf(3);
	struct btfscan_want want[] = { { .name = "task_struct", .kind = BTF_KIND_STRUCT } };
	const struct btf_header *hdr;
	struct btf_type *t;
	unsigned char *copy;
	const void *raw;
	__u32 len;
	int fd;

	raw = btf__raw_data(btf, &len);
	copy = malloc(len);
	memcpy(copy, raw, len);
	fd = file_of(copy, len - 10);
	cr_expect_eq(btfscan_find(fd, want, 1), -EINVAL);
	close(fd);

	hdr = (const struct btf_header *)copy;
	t = (struct btf_type *)(copy + hdr->hdr_len + hdr->type_off);
	t->info = (t->info & ~(0x1fu << 24)) | (30u << 24); /* kind 30: none yet */
	fd = file_of(copy, len);
	cr_expect_eq(btfscan_find(fd, want, 1), -EINVAL);
	close(fd);
	free(copy);
	btf__free(btf);
}

Test(btfscan, name_too_long)
{
	struct btf *btf = sample_btf(0);
	char name[BTFSCAN_NAME_MAX + 2];
	struct btfscan_want want[1];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	want[0].name = name;
	want[0].kind = BTF_KIND_STRUCT;
	cr_expect_eq(scan_of(btf, want, 1), -EINVAL);
	btf__free(btf);
}
