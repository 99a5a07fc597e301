// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end, through the tracer binary: which file ran and where (exe_ino,
 * exe_dev, the namespaces that are not tracer's: issues 23.11, 27.6), what a
 * process used when it ended (utime_ns ... nivcsw: issue 26.1) in JSON, text
 * and --tree, and --cgroup (the scope narrowed to a cgroup v2 subtree).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char cg_root[64];
static char cg_group[128];

static void identity_teardown(void)
{
	if (cg_group[0])
		rmdir(cg_group);
	if (cg_root[0]) {
		umount2(cg_root, MNT_DETACH);
		rmdir(cg_root);
	}
	cg_group[0] = cg_root[0] = '\0';
	h_teardown();
}

TestSuite(identity, .init = h_setup, .fini = identity_teardown, .timeout = 180);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Whether exec record o's first argument is argv0 and its last marker. */
static bool args_are(json_object *o, const char *argv0, const char *marker)
{
	json_object *argv = h_json_get(o, "argv");
	size_t n = json_object_array_length(argv);

	return n && !strcmp(json_object_get_string(json_object_array_get_idx(argv, 0)), argv0) &&
	       !strcmp(json_object_get_string(json_object_array_get_idx(argv, n - 1)), marker);
}

/* The one exec record of argv0 whose last argument is marker. */
static json_object *one_exec(const struct h_json *ev, const char *argv0, const char *marker)
{
	json_object *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < ev->n; i++) {
		if (strcmp(h_json_str(ev->ev[i], "type"), "exec") ||
		    !args_are(ev->ev[i], argv0, marker))
			continue;
		found = ev->ev[i];
		n++;
	}
	cr_assert_eq(n, 1, "%zu execs of %s %s, want 1:\n%s", n, argv0, marker, ev->text);
	return found;
}

static bool has_key(json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

/* Runs tracer with args (launch mode) to its end; asserts it exited 0. */
static void run_tracer(const char *const *args, struct h_run *r)
{
	h_run_start(args, NULL, r);
	h_run_wait(r, 60 * h_slowdown());
	cr_assert_eq(r->status, 0, "tracer exited %d: %s", r->status, r->err);
}

/* A shell loop that burns about 0.3 s of CPU. */
#define BURN "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"

Test(identity, exec_identity_and_exit_usage_in_json)
{
	const char *out = h_path("events.json");
	const char *m = h_marker("ident");
	const char *script = h_str("/bin/true %s-plain; unshare --pid --fork /bin/true %s-pidns; "
				   "unshare --mount /bin/true %s-mntns; " BURN,
				   m, m, m);
	json_object *plain, *pidns, *mntns, *root, *exit;
	struct stat st;
	struct h_json ev;
	struct h_run r;
	int64_t cpu_ns;

	H_REQUIRE();
	cr_assert_eq(stat("/bin/true", &st), 0);
	run_tracer(ARGS("--json", "--events", "exec,exit", "-o", out, "--", "/bin/sh", "-c", script,
			h_str("%s-burn", m)),
		   &r);
	h_json_load(&ev, out);

	/* The file that ran, as stat(2) sees it; nothing else where all is tracer's own. */
	plain = one_exec(&ev, "/bin/true", h_str("%s-plain", m));
	cr_expect_eq(h_json_int(plain, "exe_ino"), (int64_t)st.st_ino, "%s", ev.text);
	cr_expect_eq(h_json_int(plain, "exe_dev"), (int64_t)st.st_dev, "%s", ev.text);
	cr_expect(!has_key(plain, "mntns") && !has_key(plain, "pidns") &&
			  !has_key(plain, "ns_pid") && !has_key(plain, "cgroup") &&
			  !has_key(plain, "container"),
		  "members of namespaces that are tracer's: %s", json_object_to_json_string(plain));

	/* In a pid namespace of its own: that namespace, and pid 1 there. */
	pidns = one_exec(&ev, "/bin/true", h_str("%s-pidns", m));
	cr_expect_gt(h_json_int(pidns, "pidns"), 0, "%s", json_object_to_json_string(pidns));
	cr_expect_eq(h_json_int(pidns, "ns_pid"), 1, "%s", json_object_to_json_string(pidns));
	cr_expect(!has_key(pidns, "mntns"), "%s", json_object_to_json_string(pidns));

	/* In a mount namespace of its own. */
	mntns = one_exec(&ev, "/bin/true", h_str("%s-mntns", m));
	cr_expect_gt(h_json_int(mntns, "mntns"), 0, "%s", json_object_to_json_string(mntns));
	cr_expect(!has_key(mntns, "pidns"), "%s", json_object_to_json_string(mntns));

	/* The shell that burnt CPU: its exit says so. */
	root = one_exec(&ev, "/bin/sh", h_str("%s-burn", m));
	exit = h_json_one(&ev, "exit", "pid", h_json_int(root, "pid"));
	cpu_ns = h_json_int(exit, "utime_ns") + h_json_int(exit, "stime_ns");
	cr_expect_gt(cpu_ns, 20 * 1000 * 1000, "%lld ns of CPU: %s", (long long)cpu_ns,
		     json_object_to_json_string(exit));
	cr_expect_gt(h_json_int(exit, "maxrss_kib"), 0, "%s", json_object_to_json_string(exit));
	/* The dynamic loader read the C library: bytes through read(2). */
	cr_expect_gt(h_json_int(exit, "rchar"), 0, "%s", json_object_to_json_string(exit));
	cr_expect_geq(h_json_int(exit, "wchar"), 0);
	cr_expect_geq(h_json_int(exit, "nvcsw") + h_json_int(exit, "nivcsw"), 1,
		      "it waited for three children: %s", json_object_to_json_string(exit));
	h_json_free(&ev);
	h_run_free(&r);
}

/* A cgroup2 hierarchy of the test's own (this machine's controllers are on cgroup v1) and a group. */
static const char *make_group(void)
{
	strcpy(cg_root, "/tmp/tracer-e2e-cg2-XXXXXX");
	cr_assert_not_null(mkdtemp(cg_root));
	if (mount("none", cg_root, "cgroup2", 0, NULL)) {
		int err = errno;

		rmdir(cg_root);
		cg_root[0] = '\0';
		identity_teardown();
		cr_skip_test("cannot mount a cgroup2 hierarchy: %s", strerror(err));
	}
	/* The hierarchy is the machine's one cgroup v2 tree: a name of the test's own. */
	snprintf(cg_group, sizeof(cg_group), "%s/tracer-e2e-%d", cg_root, (int)getpid());
	cr_assert_eq(mkdir(cg_group, 0755), 0, "mkdir %s: %s", cg_group, strerror(errno));
	return cg_group;
}

/*
 * --cgroup: a shell outside the group runs a command, then a shell that
 * moves itself into the group runs one: only the second's exec and exit,
 * and the exit of the shell that moved, are reported.
 */
Test(identity, cgroup_scope)
{
	const char *out = h_path("events.json");
	const char *m = h_marker("cgroup");
	const char *group = make_group();
	const char *inner = h_str("echo $$ > %s/cgroup.procs && /bin/true %s-in; exit 0", group, m);
	const char *script = h_str("/bin/true %s-out; /bin/sh -c '%s' %s-mover; /bin/true %s-out2",
				   m, inner, m, m);
	json_object *in;
	struct h_json ev;
	struct h_run r;
	size_t i;

	H_REQUIRE();
	run_tracer(ARGS("--cgroup", group, "--json", "--events", "exec,exit", "-o", out, "--",
			"/bin/sh", "-c", script, h_str("%s-outer", m)),
		   &r);
	h_json_load(&ev, out);
	in = one_exec(&ev, "/bin/true", h_str("%s-in", m));
	cr_expect_eq(h_json_count(&ev, "exit", "pid", h_json_int(in, "pid")), 1, "%s", ev.text);
	/* The mover's exec came before it moved; its exit, inside. */
	cr_expect_eq(h_json_count(&ev, "exec", NULL, 0), 1, "only the exec inside: %s", ev.text);
	cr_expect_eq(h_json_count(&ev, "exit", NULL, 0), 2, "%s", ev.text);
	for (i = 0; i < ev.n; i++)
		cr_expect(!strstr(json_object_to_json_string(ev.ev[i]), "-out"),
			  "an event from outside the group: %s",
			  json_object_to_json_string(ev.ev[i]));
	/* The group is not tracer's: the exec says which. */
	cr_expect_str_eq(h_json_str(in, "cgroup"), strrchr(group, '/'), "%s",
			 json_object_to_json_string(in));
	h_json_free(&ev);
	h_run_free(&r);
}

Test(identity, cgroup_that_is_not_one)
{
	struct h_run r;

	H_REQUIRE();
	h_run_start(ARGS("--cgroup", h_dir(), "--", "/bin/true"), NULL, &r);
	h_run_wait(&r, 30 * h_slowdown());
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "tracer: cannot narrow the scope to cgroup"), "%s", r.err);
	cr_expect_not_null(strstr(r.err, "not a cgroup v2 directory"), "%s", r.err);
	h_run_free(&r);
}

/* The number after key in s (a text exit line or a tree line), with its unit letter. */
static double figure_after(const char *s, const char *key, char *unit)
{
	const char *p = strstr(s, key);
	char *end;
	double v;

	cr_assert_not_null(p, "no %s in %s", key, s);
	v = strtod(p + strlen(key), &end);
	cr_assert_neq(end, p + strlen(key), "no number after %s in %s", key, s);
	*unit = *end;
	return v;
}

/* The line of s that holds needle, as a new string. */
static const char *line_with(const char *s, const char *needle)
{
	const char *p = strstr(s, needle), *start, *end;

	cr_assert_not_null(p, "no %s in:\n%s", needle, s);
	for (start = p; start > s && start[-1] != '\n'; start--)
		;
	end = strchrnul(p, '\n');
	return h_str("%.*s", (int)(end - start), start);
}

/* The args of the timeline's span ("ph":"X") of process pid. */
static json_object *span_args(json_object *doc, int64_t pid)
{
	json_object *events = h_json_get(doc, "traceEvents"), *found = NULL;
	size_t i;

	for (i = 0; i < json_object_array_length(events); i++) {
		json_object *e = json_object_array_get_idx(events, i);

		if (!strcmp(h_json_str(e, "ph"), "X") && h_json_int(e, "tid") == pid)
			found = h_json_get(e, "args");
	}
	cr_assert_not_null(found, "no span of %lld", (long long)pid);
	return found;
}

/* The pid at the start of the tree's node (its line). */
static int64_t node_pid(const char *node)
{
	node += strspn(node, "|-`  ");
	return strtoll(node, NULL, 10);
}

/*
 * Text, --tree and --timeline: the exit line and the tree's node say how
 * much CPU and memory the process used, the timeline's span all of it.
 * dd's 64 MiB buffer, read into, is its peak RSS; the shell loop's CPU is
 * the shell's.
 */
Test(identity, usage_in_text_tree_and_timeline)
{
	const char *out = h_path("events.txt");
	const char *timeline = h_path("timeline.json");
	json_object *doc, *args;
	const char *script =
		h_str("dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; " BURN);
	const char *exit_line, *node;
	struct h_run r;
	char unit;

	H_REQUIRE();
	run_tracer(ARGS("--events", "exit", "--tree", "--timeline", timeline, "-o", out, "--",
			"/bin/sh", "-c", script),
		   &r);
	exit_line = line_with(h_read_file(out, NULL), "comm=\"dd\"");
	cr_expect_geq(figure_after(exit_line, " rss=", &unit), 64, "%s", exit_line);
	cr_expect_eq(unit, 'M', "%s", exit_line);
	cr_expect_not_null(strstr(exit_line, " cpu="), "%s", exit_line);
	exit_line = line_with(h_read_file(out, NULL), "comm=\"sh\"");
	cr_expect_gt(figure_after(exit_line, " cpu=", &unit), 0.02, "%s", exit_line);
	cr_expect_eq(unit, 's', "%s", exit_line);

	doc = json_object_from_file(timeline);
	cr_assert_not_null(doc, "%s", h_read_file(timeline, NULL));
	node = line_with(r.err, " dd if=/dev/zero");
	cr_expect_geq(figure_after(node, ", rss ", &unit), 64, "%s", node);
	cr_expect_eq(unit, 'M', "%s", node);
	args = span_args(doc, node_pid(node));
	cr_expect_geq(h_json_int(args, "maxrss_kib"), 64 * 1024, "%s",
		      json_object_to_json_string(args));
	/* dd read 64 MiB from /dev/zero and wrote them to /dev/null. */
	cr_expect_geq(h_json_int(args, "rchar"), 64 << 20, "%s", json_object_to_json_string(args));
	cr_expect_geq(h_json_int(args, "wchar"), 64 << 20, "%s", json_object_to_json_string(args));
	node = line_with(r.err, "/bin/sh -c");
	cr_expect_gt(figure_after(node, ", cpu ", &unit), 0.02, "%s", node);
	cr_expect_eq(unit, 's', "%s", node);
	args = span_args(doc, node_pid(node));
	cr_expect_gt(h_json_int(args, "utime_ns") + h_json_int(args, "stime_ns"), 20000000, "%s",
		     json_object_to_json_string(args));
	json_object_put(doc);
	h_run_free(&r);
}
