// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The compilation database (src/output/compiledb*.c): which execs are
 * compiles, their entries, wrappers and the processes they run, replacing,
 * and the JSON written and read back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "capture.h"
#include "compiledb.h"

/* ---- Building events ---- */

#define MAX_TEST_ARGS 32

struct exec_fixture {
	struct tracer_event ev;
	struct tracer_bytes argv[MAX_TEST_ARGS];
};

static struct tracer_bytes b(const char *s)
{
	return (struct tracer_bytes){ s, s ? strlen(s) : 0 };
}

/* An exec of file by pid (child of ppid) in cwd, with the NULL-terminated arguments. */
static const struct tracer_event *exec_ev(struct exec_fixture *f, uint32_t pid, uint32_t ppid,
					  const char *cwd, const char *file,
					  const char *const *args)
{
	uint32_t n = 0;

	memset(f, 0, sizeof(*f));
	while (args[n]) {
		f->argv[n] = b(args[n]);
		n++;
	}
	f->ev.sz = sizeof(f->ev);
	f->ev.type = TRACER_EVENT_EXEC;
	f->ev.exec.pid = pid;
	f->ev.exec.tid = pid;
	f->ev.exec.ppid = ppid;
	f->ev.exec.filename = b(file);
	f->ev.exec.argc = n;
	f->ev.exec.total_argc = n;
	f->ev.exec.argv = f->argv;
	f->ev.exec.cwd.path = b(cwd);
	f->ev.exec.exe.path = b(file);
	return &f->ev;
}

static void feed_exec(struct compiledb *db, uint32_t pid, uint32_t ppid, const char *cwd,
		      const char *file, const char *const *args)
{
	struct exec_fixture f;

	cr_assert_eq(compiledb_add_event(db, exec_ev(&f, pid, ppid, cwd, file, args)), 0);
}

static void feed_fork(struct compiledb *db, uint32_t pid, uint32_t ppid)
{
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_FORK };

	ev.fork.pid = pid;
	ev.fork.ppid = ppid;
	cr_assert_eq(compiledb_add_event(db, &ev), 0);
}

static void feed_exit(struct compiledb *db, uint32_t pid)
{
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_EXIT };

	ev.exit.pid = pid;
	cr_assert_eq(compiledb_add_event(db, &ev), 0);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The database as written, parsed back. */
static struct json_object *written(const struct compiledb *db)
{
	struct json_object *o;
	struct capture c;
	char *buf;

	cap_open(&c);
	cr_assert_eq(compiledb_write(db, c.f), 0);
	buf = cap_close(&c);
	o = json_tokener_parse(buf);
	cr_assert_not_null(o, "not JSON: %s", buf);
	cr_assert(json_object_is_type(o, json_type_array));
	free(buf);
	return o;
}

static size_t n_entries(const struct compiledb *db)
{
	struct json_object *o = written(db);
	size_t n = json_object_array_length(o);

	json_object_put(o);
	return n;
}

static const char *member(struct json_object *entry, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(entry, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* Entry i has this directory, file, output (NULL: none) and these arguments. */
static void assert_entry(struct json_object *all, size_t i, const char *dir, const char *file,
			 const char *output, const char *const *args)
{
	struct json_object *e = json_object_array_get_idx(all, i), *a;
	size_t n = 0;

	cr_assert_not_null(e, "no entry %zu", i);
	cr_assert_str_eq(member(e, "directory"), dir);
	cr_assert_str_eq(member(e, "file"), file);
	if (output)
		cr_assert_str_eq(member(e, "output"), output);
	else
		cr_assert_null(member(e, "output"));
	cr_assert(json_object_object_get_ex(e, "arguments", &a));
	while (args[n]) {
		cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(a, n)), args[n],
				 "argument %zu", n);
		n++;
	}
	cr_assert_eq(json_object_array_length(a), n);
}

/* ---- Names ---- */

static bool driver(const struct compiledb *db, const char *name)
{
	return compiledb_is_driver(db, name, strlen(name));
}

Test(compiledb, driver_names)
{
	static const char *const yes[] = { "cc",
					   "c++",
					   "gcc",
					   "g++",
					   "clang",
					   "clang++",
					   "gcc-12",
					   "g++-12",
					   "clang-14",
					   "clang++-14.0.6",
					   "x86_64-linux-gnu-gcc-12",
					   "x86_64-linux-gnu-g++",
					   "arm-none-eabi-gcc",
					   "musl-gcc" };
	static const char *const no[] = { "",	      "cc1",	      "cc1plus",
					  "collect2", "ld",	      "as",
					  "cpp",      "gcc-ar",	      "x86_64-linux-gnu-gcc-ar-12",
					  "gcc-nm",   "clang-format", "clang-tidy-14",
					  "c++filt",  "ccache",	      "gcc12",
					  "-12",      "gcc-",	      "lto-wrapper",
					  "xgcc",     "clang-cpp" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(driver(NULL, yes[i]), "%s is a driver", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect(!driver(NULL, no[i]), "'%s' is no driver", no[i]);
}

Test(compiledb, added_compiler_names)
{
	struct compiledb *db = compiledb_new();

	cr_assert_not_null(db);
	cr_expect(!driver(db, "mycc"));
	cr_assert_eq(compiledb_add_compiler(db, "mycc"), 0);
	cr_expect(driver(db, "mycc"));
	cr_expect(driver(db, "mycc-3"));
	cr_expect(driver(db, "arm-mycc"));
	cr_expect(!driver(db, "mycc.sh"));
	cr_expect(driver(db, "gcc"), "the built-in names stay");
	cr_expect_eq(compiledb_add_compiler(db, ""), -EINVAL);
	cr_expect_eq(compiledb_add_compiler(db, "bin/cc"), -EINVAL);
	compiledb_free(db);
}

Test(compiledb, wrapper_names)
{
	cr_expect(compiledb_is_wrapper("ccache", 6));
	cr_expect(compiledb_is_wrapper("distcc", 6));
	cr_expect(compiledb_is_wrapper("icecc", 5));
	cr_expect(compiledb_is_wrapper("sccache", 7));
	cr_expect(!compiledb_is_wrapper("gcc", 3));
	cr_expect(!compiledb_is_wrapper("ccache-swig", 11));
}

/* ---- Arguments ---- */

static void classify(const char *const *args, struct compiledb_call *call)
{
	static struct tracer_bytes argv[MAX_TEST_ARGS];
	uint32_t n = 0;

	while (args[n]) {
		argv[n] = b(args[n]);
		n++;
	}
	compiledb_classify(argv, n, 1, call);
}

static bool compiles(const char *const *args)
{
	static struct compiledb_call call;

	classify(args, &call);
	return call.compiles;
}

Test(compiledb, what_compiles)
{
	cr_expect(compiles(ARGS("gcc", "-c", "a.c")));
	cr_expect(compiles(ARGS("gcc", "a.c", "-o", "prog")), "compiled and linked");
	cr_expect(compiles(ARGS("gcc", "-S", "a.c")));
	cr_expect(compiles(ARGS("gcc", "-fsyntax-only", "a.c")));
	cr_expect(compiles(ARGS("gcc", "-c", "start.S")));
	cr_expect(compiles(ARGS("gcc", "-c", "x.s")));
	cr_expect(compiles(ARGS("g++", "-c", "a.cpp")));
	cr_expect(compiles(ARGS("g++", "-c", "a.cc")));
	cr_expect(compiles(ARGS("g++", "-c", "a.C")));
	cr_expect(compiles(ARGS("clang", "-c", "a.m")));
	cr_expect(compiles(ARGS("clang++", "-c", "k.cu")));
	cr_expect(compiles(ARGS("gcc", "-MD", "-MF", "a.d", "-c", "a.c")), "-MD compiles");
	cr_expect(compiles(ARGS("gcc", "-MMD", "-MP", "-c", "a.c")));
	cr_expect(compiles(ARGS("gcc", "-v", "-c", "a.c")), "-v with a source compiles");

	cr_expect(!compiles(ARGS("gcc", "-E", "a.c")), "-E");
	cr_expect(!compiles(ARGS("gcc", "-M", "a.c")), "-M");
	cr_expect(!compiles(ARGS("gcc", "-MM", "a.c")), "-MM");
	cr_expect(!compiles(ARGS("gcc", "-MM", "-c", "a.c")), "-MM implies -E");
	cr_expect(!compiles(ARGS("gcc", "a.o", "b.o", "-o", "prog")), "link only");
	cr_expect(!compiles(ARGS("gcc", "-shared", "a.o", "-lm", "-o", "libx.so")));
	cr_expect(!compiles(ARGS("gcc", "--version")));
	cr_expect(!compiles(ARGS("gcc", "-v")));
	cr_expect(!compiles(ARGS("gcc", "-dumpversion")));
	cr_expect(!compiles(ARGS("gcc", "-dumpmachine")));
	cr_expect(!compiles(ARGS("gcc", "-print-file-name=libc.a")));
	cr_expect(!compiles(ARGS("clang", "--print-resource-dir")));
	cr_expect(!compiles(ARGS("gcc", "-###", "-c", "a.c")));
	cr_expect(!compiles(ARGS("gcc", "-c", "x.h")), "a header only with -x");
	cr_expect(!compiles(ARGS("gcc", "-c", "-")), "standard input");
	cr_expect(!compiles(ARGS("gcc", "@args.rsp")), "response files are not read");
	cr_expect(!compiles(ARGS("clang", "-cc1", "-emit-obj", "a.c")), "clang's front end");
	cr_expect(!compiles(ARGS("gcc", "-c", ".c")));
	cr_expect(!compiles(ARGS("gcc")));
}

Test(compiledb, sources_and_output)
{
	struct compiledb_call call;

	classify(ARGS("gcc", "-I", "inc.c", "-D", "X=a.c", "-include", "pre.c", "-o", "out.c", "-c",
		      "real.c", "-MF", "dep.c", "-Xlinker", "lnk.c"),
		 &call);
	cr_assert(call.compiles);
	cr_assert_eq(call.n_sources, 1, "the option arguments are no sources");
	cr_assert_eq(call.sources[0], 10);
	cr_assert_eq(call.output.len, 5);
	cr_assert(!memcmp(call.output.ptr, "out.c", 5));

	classify(ARGS("gcc", "-c", "a.c", "b.cpp", "-oab.o"), &call);
	cr_assert_eq(call.n_sources, 2);
	cr_assert_eq(call.sources[0], 2);
	cr_assert_eq(call.sources[1], 3);
	cr_assert_eq(call.output.len, 4);
	cr_assert(!memcmp(call.output.ptr, "ab.o", 4));

	classify(ARGS("gcc", "-c", "--output=x.o", "a.c"), &call);
	cr_assert_eq(call.output.len, 3);

	classify(ARGS("gcc", "-c", "a.c"), &call);
	cr_assert_null(call.output.ptr);

	/* -x applies to what follows it, until -x none. */
	classify(ARGS("gcc", "-c", "before.inc", "-x", "c", "gen.inc", "-xc++", "t.tpl", "-x",
		      "none", "after.inc", "z.c"),
		 &call);
	cr_assert_eq(call.n_sources, 3);
	cr_assert_eq(call.sources[0], 5);
	cr_assert_eq(call.sources[1], 7);
	cr_assert_eq(call.sources[2], 11);

	classify(ARGS("gcc", "-x", "c-header", "-c", "x.h"), &call);
	cr_assert(call.compiles);
	classify(ARGS("gcc", "-c", "dir/", "/abs/k.c"), &call);
	cr_assert_eq(call.n_sources, 1);
	cr_assert_eq(call.sources[0], 3);
}

/* ---- Entries from events ---- */

Test(compiledb, one_compile)
{
	struct compiledb *db = compiledb_new();
	struct compiledb_stats st;
	struct json_object *o;

	feed_exec(db, 100, 1, "/src/p", "/usr/bin/gcc",
		  ARGS("gcc", "-O2", "-c", "lib/a.c", "-o", "obj/a.o", "-DNAME=\"x y\""));
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 1);
	assert_entry(o, 0, "/src/p", "/src/p/lib/a.c", "/src/p/obj/a.o",
		     ARGS("/usr/bin/gcc", "-O2", "-c", "lib/a.c", "-o", "obj/a.o",
			  "-DNAME=\"x y\""));
	json_object_put(o);
	compiledb_get_stats(db, &st);
	cr_assert_eq(st.entries, 1);
	cr_assert_eq(st.compiles, 1);
	compiledb_free(db);
}

Test(compiledb, driver_path_made_absolute_not_resolved)
{
	struct compiledb *db = compiledb_new();
	struct json_object *o;

	/* ./cc and a bare "cc" (execve of a relative name) are against the cwd. */
	feed_exec(db, 100, 1, "/w", "./tools/../cc", ARGS("cc", "-c", "./a.c"));
	feed_exec(db, 101, 1, "/w", "cc", ARGS("mycc", "-c", "b.c"));
	o = written(db);
	assert_entry(o, 0, "/w", "/w/a.c", NULL, ARGS("/w/tools/../cc", "-c", "./a.c"));
	assert_entry(o, 1, "/w", "/w/b.c", NULL, ARGS("/w/cc", "-c", "b.c"));
	json_object_put(o);
	compiledb_free(db);
}

Test(compiledb, several_sources)
{
	struct compiledb *db = compiledb_new();
	struct json_object *o;

	feed_exec(db, 100, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c", "/x/b.c"));
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 2);
	assert_entry(o, 0, "/w", "/w/a.c", NULL, ARGS("/usr/bin/gcc", "-c", "a.c", "/x/b.c"));
	assert_entry(o, 1, "/w", "/x/b.c", NULL, ARGS("/usr/bin/gcc", "-c", "a.c", "/x/b.c"));
	json_object_put(o);
	compiledb_free(db);
}

Test(compiledb, no_entry)
{
	struct compiledb *db = compiledb_new();
	struct exec_fixture f;
	struct compiledb_stats st;

	feed_exec(db, 100, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "-E", "a.c"));
	feed_exec(db, 101, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "-MM", "a.c"));
	feed_exec(db, 102, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "a.o", "-o", "prog"));
	feed_exec(db, 103, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "--version"));
	feed_exec(db, 104, 1, "/w", "/usr/bin/ld", ARGS("ld", "a.c"));
	feed_exec(db, 105, 1, "/w", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
		  ARGS("cc1", "-quiet", "a.c"));
	/* A failed exec (a PATH search) is no compile. */
	exec_ev(&f, 106, 1, "/w", "/usr/local/bin/gcc", ARGS("gcc", "-c", "a.c"));
	f.ev.exec.ret = -ENOENT;
	cr_assert_eq(compiledb_add_event(db, &f.ev), 0);
	cr_assert_eq(n_entries(db), 0);
	compiledb_get_stats(db, &st);
	cr_assert_eq(st.compiles, 0);
	compiledb_free(db);
}

Test(compiledb, incomplete_left_out_and_counted)
{
	struct compiledb *db = compiledb_new();
	struct compiledb_stats st;
	struct exec_fixture f;

	exec_ev(&f, 100, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c"));
	f.ev.exec.argv_truncated = true;
	cr_assert_eq(compiledb_add_event(db, &f.ev), 0);
	exec_ev(&f, 101, 1, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "b.c"));
	f.ev.exec.cwd.flags = TRACER_PATH_CUT;
	cr_assert_eq(compiledb_add_event(db, &f.ev), 0);
	exec_ev(&f, 102, 1, NULL, "/usr/bin/gcc", ARGS("gcc", "-c", "c.c"));
	cr_assert_eq(compiledb_add_event(db, &f.ev), 0);
	cr_assert_eq(n_entries(db), 0);
	compiledb_get_stats(db, &st);
	cr_assert_eq(st.compiles, 3);
	cr_assert_eq(st.cut, 1);
	cr_assert_eq(st.no_dir, 2);
	compiledb_free(db);
}

/* ccache on a miss: it runs the compiler (preprocessing, then compiling) in children. */
Test(compiledb, wrapper_miss_one_entry)
{
	struct compiledb *db = compiledb_new();
	struct json_object *o;

	feed_fork(db, 200, 10);
	feed_exec(db, 200, 10, "/w", "/usr/bin/ccache", ARGS("ccache", "gcc", "-c", "a.c"));
	feed_fork(db, 201, 200);
	feed_exec(db, 201, 200, "/w", "/usr/bin/gcc", ARGS("gcc", "-E", "a.c"));
	feed_exit(db, 201);
	feed_fork(db, 202, 200);
	feed_fork(db, 203, 202); /* an intermediate that does not exec */
	feed_exec(db, 203, 202, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c", "-o", "/tmp/x.o"));
	feed_exit(db, 203);
	feed_exit(db, 202);
	feed_exit(db, 200);
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 1);
	assert_entry(o, 0, "/w", "/w/a.c", NULL, ARGS("gcc", "-c", "a.c"));
	json_object_put(o);
	compiledb_free(db);
}

/* ccache on a hit runs nothing; the entry is the same. */
Test(compiledb, wrapper_hit_same_entry)
{
	struct compiledb *db = compiledb_new();
	struct json_object *o;

	feed_exec(db, 200, 10, "/w", "/usr/bin/ccache",
		  ARGS("ccache", "/opt/bin/../bin/gcc-12", "-c", "a.c", "-o", "a.o"));
	feed_exec(db, 300, 10, "/w", "/usr/bin/ccache",
		  ARGS("ccache", "distcc", "g++", "-c", "b.cpp"));
	feed_exec(db, 301, 10, "/w", "/usr/bin/ccache", ARGS("ccache", "-s"));
	feed_exec(db, 302, 10, "/w", "/usr/bin/ccache", ARGS("ccache", "ld", "a.c"));
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 2);
	assert_entry(o, 0, "/w", "/w/a.c", "/w/a.o",
		     ARGS("/opt/bin/../bin/gcc-12", "-c", "a.c", "-o", "a.o"));
	assert_entry(o, 1, "/w", "/w/b.cpp", NULL, ARGS("g++", "-c", "b.cpp"));
	json_object_put(o);
	compiledb_free(db);
}

/* /usr/lib/ccache/gcc -> ../../bin/ccache: the driver's name, then ccache runs gcc. */
Test(compiledb, wrapper_symlink_one_entry)
{
	struct compiledb *db = compiledb_new();
	struct exec_fixture f;
	struct json_object *o;

	exec_ev(&f, 200, 10, "/w", "/usr/lib/ccache/gcc", ARGS("gcc", "-c", "a.c"));
	f.ev.exec.exe.path = b("/usr/bin/ccache");
	cr_assert_eq(compiledb_add_event(db, &f.ev), 0);
	feed_fork(db, 201, 200);
	feed_exec(db, 201, 200, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c"));
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 1);
	assert_entry(o, 0, "/w", "/w/a.c", NULL, ARGS("/usr/lib/ccache/gcc", "-c", "a.c"));
	json_object_put(o);
	compiledb_free(db);
}

/* A script added with --compile-db-compiler that execs gcc in its own process. */
Test(compiledb, compile_execing_the_compiler)
{
	struct compiledb *db = compiledb_new();
	struct json_object *o;

	cr_assert_eq(compiledb_add_compiler(db, "mycc"), 0);
	feed_exec(db, 200, 10, "/w", "/opt/mycc", ARGS("/opt/mycc", "-c", "a.c"));
	feed_exec(db, 200, 10, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c", "-o", "a.o"));
	/* clang's driver running itself as the front end. */
	feed_exec(db, 300, 10, "/w", "/usr/bin/clang", ARGS("clang", "-c", "b.c"));
	feed_fork(db, 301, 300);
	feed_exec(db, 301, 300, "/w", "/usr/lib/llvm-14/bin/clang",
		  ARGS("/usr/lib/llvm-14/bin/clang", "-c", "b.c", "-fno-integrated-cc1"));
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 2);
	assert_entry(o, 0, "/w", "/w/a.c", NULL, ARGS("/opt/mycc", "-c", "a.c"));
	assert_entry(o, 1, "/w", "/w/b.c", NULL, ARGS("/usr/bin/clang", "-c", "b.c"));
	json_object_put(o);
	compiledb_free(db);
}

/* A compile that has exited shadows nothing: its pid reused, or its orphans. */
Test(compiledb, ended_compile_is_no_ancestor)
{
	struct compiledb *db = compiledb_new();

	feed_exec(db, 200, 10, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c"));
	feed_exit(db, 200);
	feed_fork(db, 200, 10); /* the pid again, another process */
	feed_fork(db, 201, 200);
	feed_exec(db, 201, 200, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "b.c"));
	cr_assert_eq(n_entries(db), 2);
	compiledb_free(db);
}

/* A wrapper's long-lived server (sccache): what it runs is its clients'. */
Test(compiledb, wrapper_server_children_ignored)
{
	struct compiledb *db = compiledb_new();

	feed_exec(db, 200, 10, "/w", "/usr/bin/sccache", ARGS("sccache", "gcc", "-c", "a.c"));
	feed_fork(db, 201, 200);
	feed_exec(db, 201, 200, "/w", "/usr/bin/sccache", ARGS("sccache"));
	feed_exit(db, 200);
	feed_fork(db, 202, 201);
	feed_exec(db, 202, 201, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c"));
	cr_assert_eq(n_entries(db), 1);
	compiledb_free(db);
}

Test(compiledb, same_key_replaced_order_kept)
{
	struct compiledb *db = compiledb_new();
	struct json_object *o;

	feed_exec(db, 1, 0, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c", "-o", "a.o"));
	feed_exec(db, 2, 0, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "b.c"));
	feed_exec(db, 3, 0, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c", "-o", "other.o"));
	feed_exec(db, 4, 0, "/w", "/usr/bin/gcc", ARGS("gcc", "-O2", "-c", "./a.c", "-o", "a.o"));
	feed_exec(db, 5, 0, "/v", "/usr/bin/gcc", ARGS("gcc", "-c", "/w/b.c"));
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 4);
	assert_entry(o, 0, "/w", "/w/b.c", NULL, ARGS("/usr/bin/gcc", "-c", "b.c"));
	assert_entry(o, 1, "/w", "/w/a.c", "/w/other.o",
		     ARGS("/usr/bin/gcc", "-c", "a.c", "-o", "other.o"));
	assert_entry(o, 2, "/w", "/w/a.c", "/w/a.o",
		     ARGS("/usr/bin/gcc", "-O2", "-c", "./a.c", "-o", "a.o"));
	assert_entry(o, 3, "/v", "/w/b.c", NULL, ARGS("/usr/bin/gcc", "-c", "/w/b.c"));
	json_object_put(o);
	compiledb_free(db);
}

/* ---- JSON ---- */

Test(compiledb, json_escaping)
{
	struct compiledb *db = compiledb_new();
	struct exec_fixture f;
	struct capture c;
	char *buf;

	exec_ev(&f, 1, 0, "/w \"q\"\n", "/usr/bin/gcc",
		ARGS("gcc", "-DS=\"a\\b\"", "-c", "t\tab.c", "-DX=\xff"));
	cr_assert_eq(compiledb_add_event(db, &f.ev), 0);
	cr_assert_eq(compiledb_write(db, cap_open(&c)), 0);
	buf = cap_close(&c);
	cr_assert(strstr(buf, "\"directory\": \"/w \\\"q\\\"\\n\""), "%s", buf);
	cr_assert(strstr(buf, "\"-DS=\\\"a\\\\b\\\"\""), "%s", buf);
	cr_assert(strstr(buf, "\"/w \\\"q\\\"\\n/t\\tab.c\""), "%s", buf);
	cr_assert(strstr(buf, "\"-DX=\\udcff\""), "invalid UTF-8 as Python's surrogateescape: %s",
		  buf);
	free(buf);
	compiledb_free(db);
}

Test(compiledb, empty_is_an_array)
{
	struct compiledb *db = compiledb_new();
	struct capture c;
	char *buf;

	cr_assert_eq(compiledb_write(db, cap_open(&c)), 0);
	buf = cap_close(&c);
	cr_assert_str_eq(buf, "[]\n");
	free(buf);
	compiledb_free(db);
}

static int load(struct compiledb *db, const char *text, char *err)
{
	return compiledb_load(db, text, strlen(text), err, 256);
}

Test(compiledb, load_malformed)
{
	static const char *const bad[] = {
		"{}",
		"[",
		"[{\"directory\": \"/a\", \"file\": \"x.c\"}] x",
		"[1]",
		"[{\"file\": \"x.c\"}]",
		"[{\"directory\": \"/a\"}]",
		"[{\"directory\": \"rel\", \"file\": \"x.c\"}]",
		"[{\"directory\": \"/a\", \"file\": \"x.c\", \"output\": 3}]",
		"[\n{\"directory\": \"/a\",, }]",
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct compiledb *db = compiledb_new();

		err[0] = '\0';
		cr_expect_eq(load(db, bad[i], err), -EINVAL, "%s", bad[i]);
		cr_expect(strstr(err, "not a JSON compilation database") && !strchr(err, '\n'),
			  "one line: %s", err);
		compiledb_free(db);
	}
	{
		struct compiledb *db = compiledb_new();

		load(db, "[\n{\"directory\": \"/a\",, }]", err);
		cr_expect(strstr(err, "line 2"), "%s", err);
		cr_expect_eq(load(db, " \n", err), 0, "whitespace is an empty database");
		cr_expect_eq(load(db, "[]", err), 0);
		compiledb_free(db);
	}
}

/* Merging into an existing database: CMake's entries (command, output) kept or replaced. */
Test(compiledb, load_and_merge)
{
	static const char old[] =
		"[\n"
		"{\n  \"directory\": \"/w/build\",\n  \"command\": \"/usr/bin/cc -o a.o -c /w/a.c\",\n"
		"  \"file\": \"/w/a.c\",\n  \"output\": \"a.o\"\n},\n"
		"{\n  \"directory\": \"/w/build\",\n  \"command\": \"/usr/bin/cc -o b.o -c /w/b.c\",\n"
		"  \"file\": \"../b.c\",\n  \"output\": \"b.o\",\n  \"extra\": {\"k\": [1, 2]}\n}\n"
		"]\n";
	struct compiledb *base = compiledb_new(), *run = compiledb_new();
	struct json_object *o, *e;
	char err[256];

	cr_assert_eq(load(base, old, err), 0, "%s", err);
	cr_assert_eq(n_entries(base), 2);
	/* The same directory, file (".." is not resolved: symlinks) and output. */
	feed_exec(run, 1, 0, "/w/build", "/usr/bin/gcc",
		  ARGS("gcc", "-O1", "-o", "a.o", "-c", "/w/a.c"));
	feed_exec(run, 2, 0, "/w/build", "/usr/bin/gcc", ARGS("gcc", "-c", "../b.c", "-o", "b.o"));
	cr_assert_eq(compiledb_merge(base, run), 0);
	cr_assert_eq(n_entries(run), 0);
	o = written(base);
	cr_assert_eq(json_object_array_length(o), 2);
	assert_entry(o, 0, "/w/build", "/w/a.c", "/w/build/a.o",
		     ARGS("/usr/bin/gcc", "-O1", "-o", "a.o", "-c", "/w/a.c"));
	assert_entry(o, 1, "/w/build", "/w/build/../b.c", "/w/build/b.o",
		     ARGS("/usr/bin/gcc", "-c", "../b.c", "-o", "b.o"));
	json_object_put(o);
	compiledb_free(base);
	compiledb_free(run);

	/* Not replaced: written back with every member, in order. */
	base = compiledb_new();
	run = compiledb_new();
	cr_assert_eq(load(base, old, err), 0, "%s", err);
	feed_exec(run, 1, 0, "/w/build", "/usr/bin/gcc", ARGS("gcc", "-c", "/w/c.c"));
	cr_assert_eq(compiledb_merge(base, run), 0);
	o = written(base);
	cr_assert_eq(json_object_array_length(o), 3);
	e = json_object_array_get_idx(o, 1);
	cr_assert_str_eq(member(e, "command"), "/usr/bin/cc -o b.o -c /w/b.c");
	cr_assert_str_eq(member(e, "file"), "../b.c");
	cr_assert_str_eq(member(e, "output"), "b.o");
	cr_assert(json_object_object_get_ex(e, "extra", NULL));
	assert_entry(o, 2, "/w/build", "/w/c.c", NULL, ARGS("/usr/bin/gcc", "-c", "/w/c.c"));
	json_object_put(o);

	/* What tracer wrote reads back into the same entries. */
	{
		struct compiledb *again = compiledb_new();
		struct capture c;
		char *buf;

		compiledb_write(base, cap_open(&c));
		buf = cap_close(&c);
		cr_assert_eq(compiledb_load(again, buf, c.size, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(n_entries(again), 3);
		free(buf);
		compiledb_free(again);
	}
	compiledb_free(base);
	compiledb_free(run);
}

/* "Exists" for the paths listed in arg (a NULL-terminated list), gone for the others. */
static bool listed(const char *path, void *arg)
{
	const char *const *p;

	for (p = arg; *p; p++)
		if (!strcmp(*p, path))
			return true;
	return false;
}

/* The entries whose source is gone at the end go, loaded or compiled in this run. */
Test(compiledb, sources_gone_dropped)
{
	static const char old[] =
		"[{\"directory\": \"/w\", \"file\": \"old.c\", \"arguments\": []},"
		" {\"directory\": \"/w\", \"file\": \"kept.c\", \"arguments\": []}]";
	const char *const present[] = { "/w/kept.c", "/w/a.c", NULL };
	struct compiledb *db = compiledb_new(), *run = compiledb_new();
	struct compiledb_stats st;
	struct json_object *o;
	char err[256];

	cr_assert_eq(load(db, old, err), 0, "%s", err);
	feed_exec(run, 1, 0, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "a.c"));
	feed_exec(run, 2, 0, "/w", "/usr/bin/gcc", ARGS("gcc", "-c", "conftest.c"));
	cr_assert_eq(compiledb_merge(db, run), 0);
	cr_assert_eq(compiledb_drop_missing(db, listed, (void *)present), 2);
	o = written(db);
	cr_assert_eq(json_object_array_length(o), 2, "%s", json_object_to_json_string(o));
	cr_assert_str_eq(member(json_object_array_get_idx(o, 0), "file"), "kept.c");
	assert_entry(o, 1, "/w", "/w/a.c", NULL, ARGS("/usr/bin/gcc", "-c", "a.c"));
	compiledb_get_stats(db, &st);
	cr_assert_eq(st.entries, 2);
	cr_assert_eq(st.dropped, 2);
	/* Dropped once: not counted again. */
	cr_assert_eq(compiledb_drop_missing(db, listed, (void *)present), 0);
	json_object_put(o);
	compiledb_free(db);
	compiledb_free(run);
}

/* A run that compiled nothing merged into a database: nothing lost (no table to clear). */
Test(compiledb, empty_run_merged)
{
	static const char old[] = "[{\"directory\": \"/w\", \"file\": \"a.c\", \"arguments\": []}]";
	struct compiledb *db = compiledb_new(), *run = compiledb_new();
	char err[256];

	cr_assert_eq(load(db, old, err), 0, "%s", err);
	cr_assert_eq(compiledb_merge(db, run), 0);
	cr_assert_eq(n_entries(db), 1);
	compiledb_free(db);
	compiledb_free(run);
}
