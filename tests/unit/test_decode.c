// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of decode.c: records built in memory, every length checked. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "wire.h"
#include "decode.h"

#define LIT(s) (s), (sizeof(s) - 1)

/*
 * A record in a heap block of exactly its size, so that AddressSanitizer
 * catches any read past its end.
 */
struct rec {
	unsigned char *mem;
	size_t size;
};

static struct rec make_raw(const void *fixed, size_t fixed_len, const void *data, size_t data_len)
{
	struct rec r = { .size = fixed_len + data_len };

	r.mem = malloc(r.size ? r.size : 1);
	cr_assert_not_null(r.mem);
	if (fixed_len)
		memcpy(r.mem, fixed, fixed_len);
	cr_assert(data || !data_len);
	/* data tested too: at -O3 GCC follows a NULL data path into memcpy (-Wnonnull). */
	if (data && data_len)
		memcpy(r.mem + fixed_len, data, data_len);
	return r;
}

static void free_rec(struct rec *r)
{
	free(r->mem);
	r->mem = NULL;
}

/* A well-formed exec record with the usual test identity. */
static struct tracer_exec_rec exec_hdr(void)
{
	struct tracer_exec_rec h;

	memset(&h, 0, sizeof(h));
	h.hdr.type = TRACER_REC_EXEC;
	h.hdr.cpu = 3;
	h.hdr.ts = 123456789012ull;
	h.hdr.cpu_lost = 7;
	h.pid = 1234;
	h.tid = 1235;
	h.ppid = 1200;
	h.uid = 1000;
	h.gid = 1001;
	h.ret = 0;
	h.syscall_nr = TRACER_NR_EXECVE;
	memcpy(h.comm, "bash", 4);
	memcpy(h.tty, "pts9", 4);
	return h;
}

/*
 * Sets the length fields from the pieces (args_total = args_size unless
 * already set), then builds filename + arg0 (when HAS_ARG0) + args.
 */
static struct rec make_exec(struct tracer_exec_rec h, const char *fn, size_t fn_len,
			    const char *arg0, size_t arg0_len, const char *args, size_t args_len)
{
	char data[16384];
	size_t n = 0;

	h.filename_len = (__u32)fn_len;
	h.args_size = (__u32)args_len;
	if (!h.args_total)
		h.args_total = (__u32)args_len;
	if (h.flags & TRACER_EXEC_HAS_ARG0)
		h.arg0_len = (__u32)arg0_len;
	cr_assert(fn_len + arg0_len + args_len <= sizeof(data));
	if (fn_len)
		memcpy(data + n, fn, fn_len);
	n += fn_len;
	if ((h.flags & TRACER_EXEC_HAS_ARG0) && arg0_len) {
		memcpy(data + n, arg0, arg0_len);
		n += arg0_len;
	}
	if (args_len)
		memcpy(data + n, args, args_len);
	n += args_len;
	return make_raw(&h, sizeof(h), data, n);
}

static struct tracer_decode_limits lim64 = { .max_args = 64 };

static bool bytes_eq(struct tracer_bytes b, const char *s, size_t len)
{
	return b.len == len && (len == 0 || memcmp(b.ptr, s, len) == 0);
}

#define EXPECT_BYTES(b, lit)                                                                    \
	cr_expect(bytes_eq((b), LIT(lit)), "%s: got [%.*s] (%zu), want [%s]", #b, (int)(b).len, \
		  (b).ptr, (b).len, #lit)

/* The pointers of ev must point into the record or argv_buf. */
static void expect_inside(const struct rec *r, struct tracer_bytes b)
{
	const unsigned char *p = (const unsigned char *)b.ptr;

	cr_expect(p >= r->mem && p + b.len <= r->mem + r->size, "pointer outside the record");
}

Test(decode, normal_exec)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;
	uint32_t i;

	h.argc = 3;
	r = make_exec(h, LIT("/usr/bin/ls"), NULL, 0, LIT("ls\0-l\0a b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_expect_eq(ev.type, TRACER_EVENT_EXEC);
	cr_expect_eq(ev.ts_ns, 123456789012ull);
	cr_expect_eq(ev.cpu, 3);
	cr_expect_eq(ev.cpu_lost, 7);
	cr_expect_eq(ev.exec.pid, 1234);
	cr_expect_eq(ev.exec.tid, 1235);
	cr_expect_eq(ev.exec.ppid, 1200);
	cr_expect_eq(ev.exec.uid, 1000);
	cr_expect_eq(ev.exec.gid, 1001);
	cr_expect_eq(ev.exec.ret, 0);
	cr_expect_eq(ev.exec.syscall_nr, 59);
	EXPECT_BYTES(ev.exec.comm, "bash");
	EXPECT_BYTES(ev.exec.filename, "/usr/bin/ls");
	cr_assert_not_null(ev.exec.tty);
	cr_expect_str_eq(ev.exec.tty, "pts9");
	cr_assert_eq(ev.exec.argc, 3);
	cr_expect_eq(ev.exec.argv, argv);
	EXPECT_BYTES(ev.exec.argv[0], "ls");
	EXPECT_BYTES(ev.exec.argv[1], "-l");
	EXPECT_BYTES(ev.exec.argv[2], "a b");
	cr_expect_not(ev.exec.argv_truncated);
	cr_expect_not(ev.exec.argv_fault);
	expect_inside(&r, ev.exec.comm);
	expect_inside(&r, ev.exec.filename);
	for (i = 0; i < ev.exec.argc; i++)
		expect_inside(&r, ev.exec.argv[i]);
	free_rec(&r);
}

Test(decode, failed_exec_fields)
{
	struct tracer_bytes argv[4];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.ret = -ENOENT;
	h.syscall_nr = TRACER_NR_EXECVEAT;
	h.argc = 1;
	r = make_exec(h, LIT("nope"), NULL, 0, LIT("nope\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	cr_expect_eq(ev.exec.ret, -ENOENT);
	cr_expect_eq(ev.exec.syscall_nr, 322);
	cr_expect_eq(ev.exec.argc, 1);
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);
}

Test(decode, comm_and_tty_limits)
{
	struct tracer_bytes argv[4];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	/* comm filling all 16 bytes, tty filling all 32 (no NUL: not usable as a string) */
	memcpy(h.comm, "0123456789abcdef", 16);
	memset(h.tty, 'x', sizeof(h.tty));
	r = make_exec(h, LIT("f"), NULL, 0, LIT(""));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	EXPECT_BYTES(ev.exec.comm, "0123456789abcdef");
	cr_expect_null(ev.exec.tty);
	free_rec(&r);

	/* empty tty: none; a 31-byte tty is kept */
	h = exec_hdr();
	memset(h.tty, 0, sizeof(h.tty));
	memcpy(h.comm, "a\0bc", 4);
	r = make_exec(h, LIT("f"), NULL, 0, LIT(""));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	EXPECT_BYTES(ev.exec.comm, "a");
	cr_expect_null(ev.exec.tty);
	free_rec(&r);

	h = exec_hdr();
	memset(h.tty, 'y', sizeof(h.tty) - 1);
	r = make_exec(h, LIT("f"), NULL, 0, LIT(""));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	cr_assert_not_null(ev.exec.tty);
	cr_expect_eq(strlen(ev.exec.tty), 31);
	free_rec(&r);
}

Test(decode, script_skip_and_arg0)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	/* execve("./s.sh", ["./s.sh", "x", "y z"]) of a "#!/bin/sh -e" script */
	h.flags = TRACER_EXEC_HAS_ARG0 | TRACER_EXEC_ARGS_FROM_MM;
	h.skip = 3;
	h.argc = 3;
	r = make_exec(h, LIT("./s.sh"), LIT("./s.sh"), LIT("/bin/sh\0-e\0./s.sh\0x\0y z\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 3);
	EXPECT_BYTES(ev.exec.argv[0], "./s.sh");
	EXPECT_BYTES(ev.exec.argv[1], "x");
	EXPECT_BYTES(ev.exec.argv[2], "y z");
	cr_expect_not(ev.exec.argv_truncated);
	cr_expect_not(ev.exec.argv_fault);
	EXPECT_BYTES(ev.exec.filename, "./s.sh");
	free_rec(&r);
}

Test(decode, arg0_differs_from_filename)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.flags = TRACER_EXEC_HAS_ARG0;
	h.skip = 2;
	h.argc = 1;
	r = make_exec(h, LIT("/opt/tool"), LIT("-fancy name"),
		      LIT("/usr/bin/python3\0/opt/tool\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 1);
	EXPECT_BYTES(ev.exec.argv[0], "-fancy name");
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);
}

Test(decode, skip_beyond_strings)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.flags = TRACER_EXEC_HAS_ARG0;
	h.skip = 5;
	h.argc = 2;
	r = make_exec(h, LIT("/s"), LIT("s"), LIT("/bin/sh\0/s\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 1);
	EXPECT_BYTES(ev.exec.argv[0], "s");
	cr_expect(ev.exec.argv_truncated); /* argc says 2 */
	free_rec(&r);

	h.argc = 1;
	r = make_exec(h, LIT("/s"), LIT("s"), LIT("/bin/sh\0/s\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 1);
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);

	/* without arg0 either: nothing left */
	h = exec_hdr();
	h.skip = 9;
	r = make_exec(h, LIT("/s"), NULL, 0, LIT("a\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_expect_eq(ev.exec.argc, 0);
	cr_expect_not(ev.exec.argv_truncated); /* argc unknown */
	free_rec(&r);
}

Test(decode, cut_last_string)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.argc = 3;
	h.args_total = 100;
	h.flags = TRACER_EXEC_ARGS_CUT;
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0hello\0wor"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 3);
	EXPECT_BYTES(ev.exec.argv[0], "echo");
	EXPECT_BYTES(ev.exec.argv[1], "hello");
	EXPECT_BYTES(ev.exec.argv[2], "wor");
	cr_expect(ev.exec.argv_truncated);
	cr_expect_not(ev.exec.argv_fault);
	free_rec(&r);

	/* the missing NUL alone is enough */
	h = exec_hdr();
	h.argc = 2;
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0hel"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 2);
	EXPECT_BYTES(ev.exec.argv[1], "hel");
	cr_expect(ev.exec.argv_truncated);
	free_rec(&r);
}

Test(decode, args_size_below_total)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.args_total = 12; /* one byte more than sent */
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0hello\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_expect_eq(ev.exec.argc, 2);
	cr_expect(ev.exec.argv_truncated);
	free_rec(&r);
}

/* What the record's flags say of its arguments: cut, unreadable, or neither. */
static const struct {
	uint32_t flags;
	bool truncated, fault;
} arg_flags[] = {
	{ TRACER_EXEC_ARGS_CUT, true, false },
	{ TRACER_EXEC_ARGS_FAULT, true, true },
	/* flags about other things do not make the arguments truncated */
	{ TRACER_EXEC_ARGS_FROM_MM | TRACER_EXEC_NO_ENTRY | TRACER_EXEC_FILENAME_CUT, false,
	  false },
};

Test(decode, flags_cut_and_fault)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;
	size_t i;

	for (i = 0; i < sizeof(arg_flags) / sizeof(arg_flags[0]); i++) {
		h.flags = arg_flags[i].flags;
		r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0"));
		cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
		cr_expect_eq(ev.exec.argv_truncated, arg_flags[i].truncated, "flags %#x", h.flags);
		cr_expect_eq(ev.exec.argv_fault, arg_flags[i].fault, "flags %#x", h.flags);
		free_rec(&r);
	}
}

Test(decode, argc_mismatch)
{
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.argc = 4;
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0a\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_expect_eq(ev.exec.argc, 3);
	cr_expect(ev.exec.argv_truncated);
	free_rec(&r);

	h.argc = 0; /* unknown */
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0a\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 16, &ev), 0);
	cr_expect_eq(ev.exec.argc, 3);
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);
}

Test(decode, max_args)
{
	struct tracer_decode_limits lim3 = { .max_args = 3 };
	struct tracer_bytes argv[16];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	/* exceeded */
	h.argc = 5;
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0a\0b\0c\0d\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim3, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 3);
	EXPECT_BYTES(ev.exec.argv[0], "echo");
	EXPECT_BYTES(ev.exec.argv[2], "b");
	cr_expect(ev.exec.argv_truncated);
	free_rec(&r);

	/* exactly the limit: nothing was cut */
	h.argc = 3;
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0a\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim3, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 3);
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);

	/* arg0 counts as one of them */
	h.flags = TRACER_EXEC_HAS_ARG0;
	h.skip = 1;
	h.argc = 3;
	r = make_exec(h, LIT("/s"), LIT("s"), LIT("/bin/sh\0a\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim3, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 3);
	EXPECT_BYTES(ev.exec.argv[0], "s");
	EXPECT_BYTES(ev.exec.argv[2], "b");
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);

	h.argc = 4;
	r = make_exec(h, LIT("/s"), LIT("s"), LIT("/bin/sh\0a\0b\0c\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim3, argv, 16, &ev), 0);
	cr_assert_eq(ev.exec.argc, 3);
	cr_expect(ev.exec.argv_truncated);
	free_rec(&r);
}

Test(decode, argv_cap)
{
	struct tracer_bytes argv[2];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0a\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 2, &ev), 0);
	cr_assert_eq(ev.exec.argc, 2);
	cr_expect(ev.exec.argv_truncated);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	cr_expect_eq(ev.exec.argc, 0);
	cr_expect(ev.exec.argv_truncated);
	cr_assert_eq(tracer_decode(r.mem, r.size, NULL, argv, 2, &ev), 0);
	cr_expect_eq(ev.exec.argc, 2);
	free_rec(&r);
}

Test(decode, zero_args)
{
	struct tracer_bytes argv[4];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	r = make_exec(h, LIT("/bin/true"), NULL, 0, LIT(""));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	cr_expect_eq(ev.exec.argc, 0);
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);

	/* no filename either */
	h.flags = TRACER_EXEC_FILENAME_FAULT;
	r = make_exec(h, NULL, 0, NULL, 0, LIT(""));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	cr_expect_eq(ev.exec.filename.len, 0);
	cr_expect(ev.exec.filename_fault);
	cr_expect_not(ev.exec.filename_truncated);
	cr_expect_eq(ev.exec.argc, 0);
	free_rec(&r);

	/* a filename cut at the limit */
	h.flags = TRACER_EXEC_FILENAME_CUT;
	r = make_exec(h, LIT("/bin/tr"), NULL, 0, LIT(""));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 4, &ev), 0);
	cr_expect(ev.exec.filename_truncated);
	cr_expect_not(ev.exec.filename_fault);
	free_rec(&r);
}

Test(decode, empty_strings_and_nuls)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.flags = TRACER_EXEC_HAS_ARG0;
	h.argc = 4;
	r = make_exec(h, LIT("/bin/x\0junk"), LIT("ar\0g0"), LIT("a\0\0b\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	EXPECT_BYTES(ev.exec.filename, "/bin/x");
	cr_assert_eq(ev.exec.argc, 4);
	EXPECT_BYTES(ev.exec.argv[0], "ar");
	EXPECT_BYTES(ev.exec.argv[1], "a");
	EXPECT_BYTES(ev.exec.argv[2], "");
	EXPECT_BYTES(ev.exec.argv[3], "b");
	cr_expect_not(ev.exec.argv_truncated);
	free_rec(&r);
}

Test(decode, arg0_len_ignored_without_flag)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;

	h.arg0_len = 1000;
	r = make_exec(h, LIT("/bin/x"), NULL, 0, LIT("x\0"));
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	cr_assert_eq(ev.exec.argc, 1);
	EXPECT_BYTES(ev.exec.argv[0], "x");
	free_rec(&r);
}

Test(decode, length_mismatch)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	char data[64] = "/bin/xx\0y\0";
	struct rec r;

	/* one byte more and one byte less than the lengths say */
	h.filename_len = 6;
	h.args_size = 4;
	h.args_total = 4;
	r = make_raw(&h, sizeof(h), data, 11);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);
	r = make_raw(&h, sizeof(h), data, 9);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);
	r = make_raw(&h, sizeof(h), data, 10);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	free_rec(&r);

	/* arg0_len counts only with HAS_ARG0 */
	h.flags = TRACER_EXEC_HAS_ARG0;
	h.arg0_len = 1;
	r = make_raw(&h, sizeof(h), data, 10);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);
	r = make_raw(&h, sizeof(h), data, 11);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	free_rec(&r);
}

Test(decode, oversized_lengths)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	static char data[TRACER_FILENAME_MAX + 1];
	struct rec r;

	memset(data, 'f', sizeof(data));
	h.filename_len = 0xffffffffu;
	r = make_raw(&h, sizeof(h), data, 16);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);

	h.filename_len = 0;
	h.args_size = 0xffffffffu;
	r = make_raw(&h, sizeof(h), data, 16);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);

	/* lengths whose 32-bit sum wraps to the real data size */
	h.flags = TRACER_EXEC_HAS_ARG0;
	h.filename_len = 16;
	h.arg0_len = 0xfffffff0u;
	h.args_size = 16;
	r = make_raw(&h, sizeof(h), data, 16);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);

	/* filename longer than the limit, even when the sizes add up */
	h = exec_hdr();
	h.filename_len = TRACER_FILENAME_MAX + 1;
	r = make_raw(&h, sizeof(h), data, TRACER_FILENAME_MAX + 1);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);
	h.filename_len = TRACER_FILENAME_MAX;
	r = make_raw(&h, sizeof(h), data, TRACER_FILENAME_MAX);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	cr_expect_eq(ev.exec.filename.len, TRACER_FILENAME_MAX);
	free_rec(&r);

	/* a huge size claimed for a small buffer is never trusted either way */
	h.filename_len = 1;
	r = make_raw(&h, sizeof(h), data, 1);
	cr_expect_eq(tracer_decode(r.mem, SIZE_MAX, &lim64, argv, 8, &ev), -EINVAL);
	free_rec(&r);
}

Test(decode, short_records)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct tracer_exit_rec x;
	struct rec r;
	size_t n;

	for (n = 0; n < sizeof(h); n++) {
		r = make_raw(&h, n, NULL, 0);
		cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL,
			     "exec record of %zu bytes", n);
		free_rec(&r);
	}
	memset(&x, 0, sizeof(x));
	x.hdr.type = TRACER_REC_EXIT;
	for (n = 0; n < sizeof(x); n++) {
		r = make_raw(&x, n, NULL, 0);
		cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL,
			     "exit record of %zu bytes", n);
		free_rec(&r);
	}
	cr_expect_eq(tracer_decode(NULL, 0, &lim64, argv, 8, &ev), -EINVAL);
}

Test(decode, unknown_type)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	__u32 types[] = { 0, 5, 0xffffffffu };
	struct rec r;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		h.hdr.type = types[i];
		r = make_exec(h, LIT("/bin/x"), NULL, 0, LIT("x\0"));
		cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), -EINVAL, "type %u",
			     types[i]);
		free_rec(&r);
	}
}

Test(decode, exit_record)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exit_rec x;
	struct rec r;
	char more[8] = { 0 };

	memset(&x, 0, sizeof(x));
	x.hdr.type = TRACER_REC_EXIT;
	x.hdr.cpu = 1;
	x.hdr.ts = 99;
	x.hdr.cpu_lost = 5;
	x.pid = 77;
	x.ppid = 76;
	x.exit_code = (2 << 8);
	x.start_time = 1234;
	memcpy(x.comm, "sleep", 5);
	r = make_raw(&x, sizeof(x), NULL, 0);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	cr_expect_eq(ev.type, TRACER_EVENT_EXIT);
	cr_expect_eq(ev.ts_ns, 99);
	cr_expect_eq(ev.cpu, 1);
	cr_expect_eq(ev.cpu_lost, 5);
	cr_expect_eq(ev.exit.pid, 77);
	cr_expect_eq(ev.exit.ppid, 76);
	cr_expect_eq(ev.exit.exit_code, 2 << 8);
	EXPECT_BYTES(ev.exit.comm, "sleep");
	expect_inside(&r, ev.exit.comm);
	free_rec(&r);

	/* comm without NUL; trailing bytes after the record are allowed */
	memcpy(x.comm, "0123456789abcdef", 16);
	x.exit_code = 9;
	r = make_raw(&x, sizeof(x), more, sizeof(more));
	cr_assert_eq(tracer_decode(r.mem, r.size, NULL, NULL, 0, &ev), 0);
	EXPECT_BYTES(ev.exit.comm, "0123456789abcdef");
	cr_expect_eq(ev.exit.exit_code, 9);
	free_rec(&r);
}

/* A decoded exit record with these usage fields. */
static struct tracer_exit_event exit_with_usage(__u32 flags, __u64 utime, __u64 stime,
						__u64 runtime)
{
	struct tracer_event ev;
	struct tracer_exit_rec x;
	struct rec r;

	memset(&x, 0, sizeof(x));
	x.hdr.type = TRACER_REC_EXIT;
	x.flags = flags;
	x.utime = utime;
	x.stime = stime;
	x.runtime = runtime;
	x.maxrss_kib = 153600;
	x.rchar = 4 << 20;
	x.wchar = 8 << 20;
	x.nvcsw = 3;
	x.nivcsw = 40;
	r = make_raw(&x, sizeof(x), NULL, 0);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	free_rec(&r);
	return ev.exit;
}

Test(decode, exit_usage)
{
	struct tracer_exit_event e;

	/* The exact runtime, split in the ticks' proportion (3:1), as getrusage() splits it. */
	e = exit_with_usage(TRACER_EXIT_HAS_USAGE, 300, 100, 1000);
	cr_assert(e.usage_valid);
	cr_expect_eq(e.utime_ns, 750);
	cr_expect_eq(e.stime_ns, 250);
	cr_expect_eq(e.maxrss_kib, 153600);
	cr_expect_eq(e.rchar, 4 << 20);
	cr_expect_eq(e.wchar, 8 << 20);
	cr_expect_eq(e.nvcsw, 3);
	cr_expect_eq(e.nivcsw, 40);

	/* No tick fell in one mode (or in either): it all goes to the other (user first). */
	e = exit_with_usage(TRACER_EXIT_HAS_USAGE, 0, 4000000, 3999999);
	cr_expect_eq(e.utime_ns, 0);
	cr_expect_eq(e.stime_ns, 3999999);
	e = exit_with_usage(TRACER_EXIT_HAS_USAGE, 0, 0, 123456);
	cr_expect_eq(e.utime_ns, 123456);
	cr_expect_eq(e.stime_ns, 0);

	/* Hours of CPU: the product does not overflow 64 bits. */
	e = exit_with_usage(TRACER_EXIT_HAS_USAGE, 7200000000000ull, 3600000000000ull,
			    10800000000003ull);
	cr_expect_eq(e.stime_ns, 3600000000001ull);
	cr_expect_eq(e.utime_ns, 7200000000002ull);

	/* Not read: every figure is 0. */
	e = exit_with_usage(0, 300, 100, 1000);
	cr_expect_not(e.usage_valid);
	cr_expect_eq(
		e.utime_ns + e.stime_ns + e.maxrss_kib + e.rchar + e.wchar + e.nvcsw + e.nivcsw, 0);
}

/* An exit at ts 5000 of a process started at start_time, tracer started at 1000. */
static const struct {
	const char *why;
	uint64_t start_time;
	bool no_limits; /* decoded without limits: no epoch */
	uint64_t lifetime_ns;
	bool started_before;
} lifetimes[] = {
	{ "started after tracer: from its start", 1500, false, 3500, false },
	{ "started before tracer: from tracer's start", 200, false, 4000, true },
	{ "exactly at the epoch", 1000, false, 4000, false },
	{ "a start after the exit (clock trouble): a zero lifetime, not a wrap", 9000, false, 0,
	  false },
	{ "no limits: no epoch", 200, true, 4800, false },
};

Test(decode, exit_lifetime)
{
	struct tracer_decode_limits lim = { .max_args = 64, .epoch_ns = 1000 };
	struct tracer_event ev;
	struct tracer_exit_rec x;
	struct rec r;
	size_t i;

	memset(&x, 0, sizeof(x));
	x.hdr.type = TRACER_REC_EXIT;
	x.hdr.ts = 5000;
	for (i = 0; i < sizeof(lifetimes) / sizeof(lifetimes[0]); i++) {
		x.start_time = lifetimes[i].start_time;
		r = make_raw(&x, sizeof(x), NULL, 0);
		cr_assert_eq(tracer_decode(r.mem, r.size, lifetimes[i].no_limits ? NULL : &lim,
					   NULL, 0, &ev),
			     0, "%s", lifetimes[i].why);
		cr_expect_eq(ev.exit.start_ns, x.start_time, "%s", lifetimes[i].why);
		cr_expect_eq(ev.exit.lifetime_ns, lifetimes[i].lifetime_ns, "%s", lifetimes[i].why);
		cr_expect_eq(ev.exit.started_before, lifetimes[i].started_before, "%s",
			     lifetimes[i].why);
		free_rec(&r);
	}
}

Test(decode, fork_record)
{
	struct tracer_event ev;
	struct tracer_fork_rec f;
	struct rec r;
	char more[4] = { 0 };
	size_t n;

	memset(&f, 0, sizeof(f));
	f.hdr.type = TRACER_REC_FORK;
	f.hdr.cpu = 2;
	f.hdr.ts = 777;
	f.hdr.cpu_lost = 3;
	f.pid = 501;
	f.ppid = 500;
	f.parent_tid = 502;
	f.start_time = 770;
	memcpy(f.comm, "make", 4);
	r = make_raw(&f, sizeof(f), NULL, 0);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	cr_expect_eq(ev.type, TRACER_EVENT_FORK);
	cr_expect_eq(ev.ts_ns, 777);
	cr_expect_eq(ev.cpu, 2);
	cr_expect_eq(ev.cpu_lost, 3);
	cr_expect_eq(ev.fork.pid, 501);
	cr_expect_eq(ev.fork.ppid, 500);
	cr_expect_eq(ev.fork.parent_tid, 502);
	cr_expect_eq(ev.fork.start_ns, 770);
	EXPECT_BYTES(ev.fork.comm, "make");
	expect_inside(&r, ev.fork.comm);
	free_rec(&r);

	/* comm filling the field without a NUL stays inside it */
	memcpy(f.comm, "0123456789abcdef", 16);
	r = make_raw(&f, sizeof(f), more, sizeof(more));
	cr_assert_eq(tracer_decode(r.mem, r.size, NULL, NULL, 0, &ev), 0);
	EXPECT_BYTES(ev.fork.comm, "0123456789abcdef");
	free_rec(&r);

	for (n = 0; n < sizeof(f); n++) {
		r = make_raw(&f, n, NULL, 0);
		cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL,
			     "fork record of %zu bytes", n);
		free_rec(&r);
	}
}

Test(decode, signal_record)
{
	struct tracer_event ev;
	struct tracer_signal_rec g;
	struct rec r;
	size_t n;

	memset(&g, 0, sizeof(g));
	g.hdr.type = TRACER_REC_SIGNAL;
	g.hdr.ts = 4242;
	g.sig = 15;
	g.code = 0;
	g.result = TRACER_SIG_DELIVERED;
	g.flags = TRACER_SIG_GROUP | TRACER_SIG_TARGET_WATCHED | TRACER_SIG_SENDER_WATCHED;
	g.sender_pid = 10;
	g.sender_tid = 11;
	g.target_pid = 20;
	g.target_tid = 21;
	memcpy(g.sender_comm, "killer", 6);
	memcpy(g.target_comm, "victim", 6);
	r = make_raw(&g, sizeof(g), NULL, 0);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	cr_expect_eq(ev.type, TRACER_EVENT_SIGNAL);
	cr_expect_eq(ev.ts_ns, 4242);
	cr_expect_eq(ev.signal.sig, 15);
	cr_expect_eq(ev.signal.code, 0);
	cr_expect_eq(ev.signal.result, TRACER_SIG_DELIVERED);
	cr_expect(ev.signal.group);
	cr_expect_not(ev.signal.kernel);
	cr_expect_not(ev.signal.blocked);
	cr_expect(ev.signal.target_watched);
	cr_expect(ev.signal.sender_watched);
	cr_expect_eq(ev.signal.sender_pid, 10);
	cr_expect_eq(ev.signal.sender_tid, 11);
	cr_expect_eq(ev.signal.target_pid, 20);
	cr_expect_eq(ev.signal.target_tid, 21);
	EXPECT_BYTES(ev.signal.sender_comm, "killer");
	EXPECT_BYTES(ev.signal.target_comm, "victim");
	expect_inside(&r, ev.signal.sender_comm);
	expect_inside(&r, ev.signal.target_comm);
	free_rec(&r);

	/* the other flags; both names fill their fields without a NUL */
	g.sig = 11;
	g.code = 1;
	g.result = TRACER_SIG_ALREADY_PENDING;
	g.flags = TRACER_SIG_KERNEL | TRACER_SIG_BLOCKED;
	memcpy(g.sender_comm, "AAAAAAAAAAAAAAAA", 16);
	memcpy(g.target_comm, "BBBBBBBBBBBBBBBB", 16);
	r = make_raw(&g, sizeof(g), NULL, 0);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	cr_expect_not(ev.signal.group);
	cr_expect(ev.signal.kernel);
	cr_expect(ev.signal.blocked);
	cr_expect_not(ev.signal.target_watched);
	cr_expect_not(ev.signal.sender_watched);
	cr_expect_eq(ev.signal.result, TRACER_SIG_ALREADY_PENDING);
	EXPECT_BYTES(ev.signal.sender_comm, "AAAAAAAAAAAAAAAA");
	EXPECT_BYTES(ev.signal.target_comm, "BBBBBBBBBBBBBBBB");
	free_rec(&r);

	for (n = 0; n < sizeof(g); n++) {
		r = make_raw(&g, n, NULL, 0);
		cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL,
			     "signal record of %zu bytes", n);
		free_rec(&r);
	}
}

/* Fixed-size records of random bytes: decoded or refused, never read past their end. */
Test(decode, random_fixed_records)
{
	uint32_t seed = 99;
	unsigned char data[sizeof(struct tracer_signal_rec) + 8];
	__u32 types[] = { TRACER_REC_EXIT, TRACER_REC_FORK, TRACER_REC_SIGNAL };
	struct tracer_event ev;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		size_t len, i;
		struct rec r;
		int ret;

#define RND() (seed = seed * 1103515245u + 12345u, seed >> 8)
		len = RND() % sizeof(data);
		for (i = 0; i < len; i++)
			data[i] = (unsigned char)RND();
		if (len >= sizeof(__u32))
			memcpy(data, &types[RND() % 3], sizeof(__u32));
#undef RND
		r = make_raw(data, len, NULL, 0);
		ret = tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev);
		cr_assert(ret == 0 || ret == -EINVAL);
		if (ret == 0 && ev.type == TRACER_EVENT_FORK) {
			expect_inside(&r, ev.fork.comm);
		} else if (ret == 0 && ev.type == TRACER_EVENT_SIGNAL) {
			expect_inside(&r, ev.signal.sender_comm);
			expect_inside(&r, ev.signal.target_comm);
		} else if (ret == 0 && ev.type == TRACER_EVENT_EXIT) {
			expect_inside(&r, ev.exit.comm);
		}
		free_rec(&r);
	}
}

Test(decode, unaligned_record)
{
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct tracer_exec_rec h = exec_hdr();
	struct rec r;
	unsigned char *odd;

	h.argc = 2;
	r = make_exec(h, LIT("/bin/echo"), NULL, 0, LIT("echo\0hi\0"));
	odd = malloc(r.size + 1);
	cr_assert_not_null(odd);
	memcpy(odd + 1, r.mem, r.size);
	cr_assert_eq(tracer_decode(odd + 1, r.size, &lim64, argv, 8, &ev), 0);
	cr_expect_eq(ev.exec.pid, 1234);
	cr_assert_eq(ev.exec.argc, 2);
	EXPECT_BYTES(ev.exec.argv[1], "hi");
	cr_expect_not(ev.exec.argv_truncated);
	free(odd);
	free_rec(&r);
}

/* Random records: decode must never read out of bounds (run under ASan) nor crash. */
Test(decode, random_records)
{
	uint32_t seed = 4242;
	unsigned char data[256];
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		struct tracer_exec_rec h = exec_hdr();
		size_t dlen, i;
		struct rec r;
		int ret;

#define RND() (seed = seed * 1103515245u + 12345u, seed >> 8)
		dlen = RND() % sizeof(data);
		for (i = 0; i < dlen; i++)
			data[i] = (RND() % 3) ? (unsigned char)RND() : 0;
		h.hdr.type = RND() % 6;
		h.flags = RND() & 0x7f;
		h.argc = RND() % 10;
		h.skip = RND() % 5;
		if (RND() % 2) {
			/* lengths that add up */
			h.filename_len = (__u32)(RND() % (dlen + 1));
			h.arg0_len = (h.flags & TRACER_EXEC_HAS_ARG0) ?
					     (__u32)(RND() % (dlen - h.filename_len + 1)) :
					     (__u32)RND();
			h.args_size = (__u32)(dlen - h.filename_len -
					      ((h.flags & TRACER_EXEC_HAS_ARG0) ? h.arg0_len : 0));
		} else {
			h.filename_len = RND() % 300;
			h.arg0_len = RND() % 300;
			h.args_size = RND() % 300;
		}
		h.args_total = RND() % 300;
		if (RND() % 2)
			memset(h.tty, 'z', sizeof(h.tty));
#undef RND
		r = make_raw(&h, sizeof(h), data, dlen);
		ret = tracer_decode(r.mem, r.size, &lim64, argv, sizeof(argv) / sizeof(argv[0]),
				    &ev);
		cr_assert(ret == 0 || ret == -EINVAL);
		if (ret == 0 && ev.type == TRACER_EVENT_EXEC) {
			cr_assert(ev.exec.argc <= 8);
			for (i = 0; i < ev.exec.argc; i++) {
				expect_inside(&r, ev.exec.argv[i]);
				cr_assert_null(memchr(ev.exec.argv[i].ptr, 0, ev.exec.argv[i].len));
			}
			expect_inside(&r, ev.exec.filename);
			expect_inside(&r, ev.exec.comm);
			if (ev.exec.tty)
				cr_assert(strlen(ev.exec.tty) < TRACER_TTY_LEN);
		}
		free_rec(&r);
	}
}

/* ---- The exec's context (issue 11): totals, paths, stdio, environment ---- */

/* An exec record of the given fixed part followed by data (lengths already set). */
static struct rec make_ctx(struct tracer_exec_rec h, const char *data, size_t len)
{
	return make_raw(&h, sizeof(h), data, len);
}

Test(decode, context_paths_stdio_and_ids)
{
	static const char data[] = "/bin/ls"
				   "ls\0-l\0"
				   "/home/a b"
				   "/usr/bin/ls"
				   "/dev/pts/3"
				   "[eventfd]";
	struct tracer_exec_rec h = exec_hdr();
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct rec r;

	h.flags = TRACER_EXEC_TOTALS;
	h.filename_len = 7;
	h.args_size = 6;
	h.args_total = 6;
	h.argc = 2;
	h.euid = 0;
	h.egid = 5;
	h.cwd.len = 9;
	h.exe.len = 11;
	h.exe.flags = TRACER_PATHF_DELETED;
	h.stdio[0] = (struct tracer_fd_rec){ .kind = TRACER_FDK_PATH, .len = 10 };
	h.stdio[1] = (struct tracer_fd_rec){ .kind = TRACER_FDK_PIPE, .ino = 4242 };
	h.stdio[2] = (struct tracer_fd_rec){ .kind = TRACER_FDK_ANON, .len = 9 };
	r = make_ctx(h, data, sizeof(data) - 1);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	cr_assert(TRACER_EVENT_HAS(&ev, exec.total_env_bytes));
	cr_expect_eq(ev.exec.argc, 2);
	cr_expect_eq(ev.exec.total_argc, 2);
	cr_expect_eq(ev.exec.total_argv_bytes, 6);
	cr_expect_not(ev.exec.argv_truncated);
	cr_expect_eq(ev.exec.euid, 0);
	cr_expect_eq(ev.exec.egid, 5);
	EXPECT_BYTES(ev.exec.cwd.path, "/home/a b");
	cr_expect_eq(ev.exec.cwd.flags, 0);
	EXPECT_BYTES(ev.exec.exe.path, "/usr/bin/ls");
	cr_expect_eq(ev.exec.exe.flags, TRACER_PATH_DELETED);
	cr_expect_null(ev.exec.interpreter.path.ptr);
	cr_expect_eq(ev.exec.stdio[0].kind, TRACER_FD_PATH);
	EXPECT_BYTES(ev.exec.stdio[0].path.path, "/dev/pts/3");
	cr_expect_eq(ev.exec.stdio[1].kind, TRACER_FD_PIPE);
	cr_expect_eq(ev.exec.stdio[1].ino, 4242);
	cr_expect_null(ev.exec.stdio[1].path.path.ptr);
	cr_expect_eq(ev.exec.stdio[2].kind, TRACER_FD_ANON);
	EXPECT_BYTES(ev.exec.stdio[2].path.path, "[eventfd]");
	cr_expect_not(ev.exec.env_captured);
	free_rec(&r);
}

/* Which file ran and where: stat(2)'s device number, the cgroup's path after fds 0-2. */
Test(decode, identity_namespaces_and_cgroup)
{
	static const char data[] = "/usr/bin/passwd"
				   "p\0"
				   "/usr/bin/passwd"
				   "/dev/null"
				   "/system.slice/cron.service";
	struct tracer_exec_rec h = exec_hdr();
	struct tracer_event ev;
	struct rec r;

	h.filename_len = 15;
	h.args_size = 2;
	h.args_total = 2;
	h.exe.len = 15;
	h.stdio[0] = (struct tracer_fd_rec){ .kind = TRACER_FDK_PATH, .len = 9 };
	h.exe_ino = 1234567;
	h.exe_dev = TRACER_TTY_DEV(259, 3); /* the kernel's encoding: major << 20 | minor */
	h.ns_pid = 7;
	h.mntns = 4026532174u;
	h.pidns = 4026532175u;
	h.cgroup_id = 0x100000abcull;
	h.cgroup.len = 26;
	r = make_ctx(h, data, sizeof(data) - 1);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	cr_assert(TRACER_EVENT_HAS(&ev, exec.cgroup));
	cr_expect_eq(ev.exec.exe_ino, 1234567);
	/* glibc's makedev(259, 3): what stat(2) gives as st_dev. */
	cr_expect_eq(ev.exec.exe_dev, 0x10303, "exe_dev %#llx",
		     (unsigned long long)ev.exec.exe_dev);
	cr_expect_eq(ev.exec.ns_pid, 7);
	cr_expect_eq(ev.exec.mntns, 4026532174u);
	cr_expect_eq(ev.exec.pidns, 4026532175u);
	cr_expect_eq(ev.exec.cgroup_id, 0x100000abcull);
	EXPECT_BYTES(ev.exec.cgroup, "/system.slice/cron.service");
	expect_inside(&r, ev.exec.cgroup);
	EXPECT_BYTES(ev.exec.stdio[0].path.path, "/dev/null");
	free_rec(&r);

	/* No inode: no device either; no path: none. */
	h.exe_ino = 0;
	h.cgroup.len = 0;
	r = make_ctx(h, data, sizeof(data) - 1 - 26);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), 0);
	cr_expect_eq(ev.exec.exe_dev, 0);
	cr_expect_null(ev.exec.cgroup.ptr);
	cr_expect_eq(ev.exec.cgroup.len, 0);
	free_rec(&r);
}

Test(decode, totals_say_how_much_was_cut)
{
	static const char data[] = "/bin/x"
				   "x\0aaaa\0bb";
	struct tracer_exec_rec h = exec_hdr();
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	struct rec r;

	h.flags = TRACER_EXEC_TOTALS | TRACER_EXEC_ARGS_CUT;
	h.filename_len = 6;
	h.args_size = 9;
	h.args_total = 1000;
	h.argc = 7;
	r = make_ctx(h, data, sizeof(data) - 1);
	cr_assert_eq(tracer_decode(r.mem, r.size, &lim64, argv, 8, &ev), 0);
	cr_expect_eq(ev.exec.argc, 3);
	EXPECT_BYTES(ev.exec.argv[2], "bb");
	cr_expect(ev.exec.argv_truncated);
	cr_expect_eq(ev.exec.total_argc, 7);
	cr_expect_eq(ev.exec.total_argv_bytes, 1000);
	free_rec(&r);
}

Test(decode, paths_that_do_not_add_up_are_rejected)
{
	struct tracer_exec_rec h = exec_hdr();
	struct tracer_event ev;
	struct rec r;

	h.cwd.len = 5; /* no bytes follow */
	r = make_ctx(h, NULL, 0);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL);
	free_rec(&r);
	h = exec_hdr();
	h.env_size = 2; /* an environment without TRACER_EXEC_ENV */
	r = make_ctx(h, "a\0", 2);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL);
	free_rec(&r);
	h = exec_hdr();
	h.stdio[1].len = 0xffffffffu;
	r = make_ctx(h, NULL, 0);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL);
	free_rec(&r);
	h = exec_hdr();
	h.cgroup.len = 3; /* no bytes follow */
	r = make_ctx(h, NULL, 0);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL);
	free_rec(&r);
	h = exec_hdr();
	h.cgroup.len = 0xffffffffu;
	r = make_ctx(h, NULL, 0);
	cr_expect_eq(tracer_decode(r.mem, r.size, &lim64, NULL, 0, &ev), -EINVAL);
	free_rec(&r);
}

static void decode_env_rec(bool keep_secrets, struct tracer_event *ev, struct rec *r,
			   struct tracer_bytes *env, char *redact, size_t redact_cap)
{
	static const char data[] = "/bin/x"
				   "x\0"
				   "HOME=/root\0GITHUB_TOKEN=ghp_123\0Api_Key=k\0NOEQ\0X=a\nb";
	struct tracer_decode_limits lim = {
		.max_args = 64,
		.env_buf = env,
		.env_cap = 8,
		.redact_buf = redact,
		.redact_cap = redact_cap,
		.keep_secrets = keep_secrets,
	};
	struct tracer_exec_rec h = exec_hdr();
	static struct tracer_bytes argv[8];

	h.flags = TRACER_EXEC_TOTALS | TRACER_EXEC_ENV | TRACER_EXEC_ENV_CUT;
	h.filename_len = 6;
	h.args_size = 2;
	h.args_total = 2;
	h.argc = 1;
	h.env_size = 52;
	h.env_total = 60;
	h.envc = 6;
	*r = make_ctx(h, data, sizeof(data) - 1);
	cr_assert_eq(tracer_decode(r->mem, r->size, &lim, argv, 8, ev), 0);
}

Test(decode, env_secrets_redacted)
{
	struct tracer_bytes env[8];
	char redact[256];
	struct tracer_event ev;
	struct rec r;

	decode_env_rec(false, &ev, &r, env, redact, sizeof(redact));
	cr_assert(ev.exec.env_captured);
	cr_expect(ev.exec.env_truncated);
	cr_expect_not(ev.exec.env_fault);
	cr_assert_eq(ev.exec.envc, 5);
	cr_expect_eq(ev.exec.total_envc, 6);
	cr_expect_eq(ev.exec.total_env_bytes, 60);
	EXPECT_BYTES(ev.exec.env[0], "HOME=/root");
	EXPECT_BYTES(ev.exec.env[1], "GITHUB_TOKEN=<redacted>");
	EXPECT_BYTES(ev.exec.env[2], "Api_Key=<redacted>");
	EXPECT_BYTES(ev.exec.env[3], "NOEQ");
	EXPECT_BYTES(ev.exec.env[4], "X=a\nb");
	free_rec(&r);
}

Test(decode, env_kept_with_keep_secrets)
{
	struct tracer_bytes env[8];
	struct tracer_event ev;
	struct rec r;

	decode_env_rec(true, &ev, &r, env, NULL, 0);
	cr_assert_eq(ev.exec.envc, 5);
	EXPECT_BYTES(ev.exec.env[1], "GITHUB_TOKEN=ghp_123");
	EXPECT_BYTES(ev.exec.env[2], "Api_Key=k");
	free_rec(&r);
}

Test(decode, env_redacted_without_room_shows_the_marker_only)
{
	struct tracer_bytes env[8];
	char redact[4];
	struct tracer_event ev;
	struct rec r;

	decode_env_rec(false, &ev, &r, env, redact, sizeof(redact));
	EXPECT_BYTES(ev.exec.env[1], "<redacted>");
	EXPECT_BYTES(ev.exec.env[2], "<redacted>");
	free_rec(&r);
}
