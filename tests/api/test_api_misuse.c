// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * libtracer misused: NULL arguments, bad options, calls in the wrong state.
 * Each gives an error, never a crash. Nothing here loads BPF programs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>
#include "print_check.h"

static struct tracer *created(void)
{
	struct tracer_options o;
	struct tracer *t = NULL;

	tracer_options_init(&o);
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_not_null(t);
	return t;
}

static int create_with(struct tracer_options *o)
{
	struct tracer *t = (struct tracer *)o; /* not NULL: must be reset on error */
	int ret = tracer_create(o, &t);

	if (ret)
		cr_assert_null(t, "*out is not NULL after an error");
	tracer_destroy(t);
	return ret;
}

Test(api_misuse, null_arguments)
{
	struct tracer_options o;
	struct tracer *t = NULL;
	struct tracer_stats st;

	tracer_options_init(NULL);
	tracer_options_init(&o);
	cr_assert_eq(tracer_create(NULL, &t), -EINVAL);
	cr_assert_null(t);
	cr_assert_eq(tracer_create(&o, NULL), -EINVAL);
	cr_assert_eq(tracer_start(NULL), -EINVAL);
	cr_assert_eq(tracer_poll(NULL, 0), -EINVAL);
	cr_assert_eq(tracer_fd(NULL), -EINVAL);
	cr_assert_eq(tracer_consume(NULL), -EINVAL);
	cr_assert_eq(tracer_watch_pid(NULL, 1), -EINVAL);
	cr_assert_eq(tracer_unwatch_pid(NULL, 1), -EINVAL);
	cr_assert_eq(tracer_stop(NULL), -EINVAL);
	cr_assert_eq(tracer_get_stats(NULL, &st), -EINVAL);
	cr_assert_eq(tracer_watched_now(NULL), 0);
	cr_assert_str_eq(tracer_last_error(NULL), "out is NULL"); /* tracer_create()'s reason */
	tracer_destroy(NULL);

	t = created();
	cr_assert_eq(tracer_get_stats(t, NULL), -EINVAL);
	tracer_destroy(t);
}

Test(api_misuse, defaults)
{
	struct tracer_options o;

	memset(&o, 0xff, sizeof(o));
	tracer_options_init(&o);
	cr_assert_null(o.pids);
	cr_assert_eq(o.n_pids, 0);
	cr_assert_null(o.ttys);
	cr_assert(o.watch_children);
	cr_assert_not(o.system_wide);
	cr_assert_eq(o.events, TRACER_EVENT_BIT(TRACER_EVENT_EXEC));
	cr_assert_eq(o.max_args, 0); /* no count limit */
	cr_assert_eq(o.max_arg_bytes, 256u << 10);
	cr_assert_not(o.capture_env);
	cr_assert_not(o.keep_secrets);
	cr_assert_eq(o.ringbuf_bytes, 1u << 20);
	cr_assert_null(o.on_event);
}

Test(api_misuse, bad_options)
{
	static const uint32_t self = 1;
	struct tracer_options o;

	tracer_options_init(&o);
	o.system_wide = true;
	o.pids = &self;
	o.n_pids = 1; /* every process and a scope */
	cr_assert_eq(create_with(&o), -EINVAL);
	o.n_pids = 0;
	cr_assert_eq(create_with(&o), 0); /* every process alone is fine */

	tracer_options_init(&o);
	o.n_pids = 1; /* pids NULL */
	cr_assert_eq(create_with(&o), -EINVAL);
	tracer_options_init(&o);
	o.n_ttys = 1; /* ttys NULL */
	cr_assert_eq(create_with(&o), -EINVAL);
	tracer_options_init(&o);
	o.events = 1u << 20;
	cr_assert_eq(create_with(&o), -EINVAL);
	tracer_options_init(&o);
	o.max_args = 1048577;
	cr_assert_eq(create_with(&o), -EINVAL);
	tracer_options_init(&o);
	o.max_arg_bytes = 0;
	cr_assert_eq(create_with(&o), -EINVAL);
	o.max_arg_bytes = (2u << 20) + 1;
	cr_assert_eq(create_with(&o), -EINVAL);
	tracer_options_init(&o);
	o.ringbuf_bytes = 3 << 20; /* not a power of two */
	cr_assert_eq(create_with(&o), -EINVAL);
	o.ringbuf_bytes = 2048; /* below a page */
	cr_assert_eq(create_with(&o), -EINVAL);
	o.ringbuf_bytes = 0;
	cr_assert_eq(create_with(&o), -EINVAL);
	tracer_options_init(&o);
	o.max_procs = 1ull << 40;
	cr_assert_eq(create_with(&o), -EINVAL);

	/* Exclusions: arrays given with their counts, no empty entry, a bounded number of files. */
	static const char *const files[] = { "/bin/true" }, *const empty[] = { "" };
	static const char *many[TRACER_EXCLUDE_FILES_MAX + 1];
	size_t i;

	tracer_options_init(&o);
	o.n_exclude_callers = 1; /* exclude_callers NULL */
	cr_assert_eq(create_with(&o), -EINVAL);
	o.exclude_callers = empty;
	cr_assert_eq(create_with(&o), -EINVAL);
	o.exclude_callers = files;
	cr_assert_eq(create_with(&o), 0);
	for (i = 0; i < TRACER_EXCLUDE_FILES_MAX + 1; i++)
		many[i] = "/bin/true";
	o.exclude_paths = many;
	o.n_exclude_paths = TRACER_EXCLUDE_FILES_MAX; /* with the caller: one too many */
	cr_assert_eq(create_with(&o), -E2BIG);
	o.n_exclude_callers = 0;
	cr_assert_eq(create_with(&o), 0);

	/* The limits themselves are accepted. */
	tracer_options_init(&o);
	o.max_args = 1048576;
	o.max_arg_bytes = 2u << 20;
	o.ringbuf_bytes = 4096;
	o.events = TRACER_EVENTS_ALL;
	cr_assert_eq(create_with(&o), 0);
}

Test(api_misuse, before_start)
{
	struct tracer *t = created();
	struct tracer_stats st;

	cr_assert_eq(tracer_poll(t, 0), -EINVAL);
	cr_assert_str_eq(tracer_last_error(t), "not started");
	cr_assert_eq(tracer_fd(t), -EINVAL);
	cr_assert_eq(tracer_consume(t), -EINVAL);
	cr_assert_eq(tracer_watch_pid(t, 1), -EINVAL);
	cr_assert_eq(tracer_unwatch_pid(t, 1), -EINVAL);
	cr_assert_eq(tracer_stop(t), -EINVAL);
	memset(&st, 0xff, sizeof(st));
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.events + st.lost + st.watched_now + st.watched_total + st.proc_capacity, 0);
	cr_assert_eq(tracer_watched_now(t), 0);
	/* Destroyed without ever being started. */
	tracer_destroy(t);
}

/* The scope is resolved first at start: these fail before anything is loaded. */
Test(api_misuse, scope_that_does_not_exist)
{
	static const char *const no_tty[] = { "pts/4000000" };
	static const char *const not_tty[] = { "/dev/null" };
	uint32_t no_pid = 99999999;
	struct tracer_options o;
	struct tracer *t;

	tracer_options_init(&o);
	o.pids = &no_pid;
	o.n_pids = 1;
	cr_assert_eq(tracer_create(&o, &t), 0);
	no_pid = 1; /* the options were copied */
	cr_assert_eq(tracer_start(t), -ESRCH);
	cr_assert_str_eq(tracer_last_error(t), "no such process: 99999999");
	tracer_destroy(t);

	tracer_options_init(&o);
	o.ttys = no_tty;
	o.n_ttys = 1;
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_eq(tracer_start(t), -ENOENT);
	cr_assert_str_eq(tracer_last_error(t), "no such terminal: pts/4000000");
	tracer_destroy(t);

	o.ttys = not_tty;
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_eq(tracer_start(t), -ENOTTY);
	tracer_destroy(t);
}

Test(api_misuse, strerror)
{
	cr_assert_str_eq(tracer_strerror(0), "success");
	cr_assert_str_eq(tracer_strerror(-ESRCH), "no such process");
	cr_assert_str_eq(tracer_strerror(ESRCH), "no such process");
	cr_assert(strstr(tracer_strerror(-EPERM), "CAP_BPF"));
	cr_assert_str_eq(tracer_strerror(-EALREADY), "the tracer is already started");
	cr_assert_str_eq(tracer_strerror(-ENOMEM), "Cannot allocate memory");
	cr_assert_not_null(tracer_strerror(-123456));
	cr_assert_not_null(tracer_strerror(-2147483647));
}

Test(api_misuse, version)
{
	char expect[64];

	snprintf(expect, sizeof(expect), "%d.%d.%d", TRACER_VERSION_MAJOR, TRACER_VERSION_MINOR,
		 TRACER_VERSION_PATCH);
	cr_assert_str_eq(tracer_version(), expect);
	/* The header's macros and the build's version agree. */
	cr_assert_str_eq(tracer_version(), TRACER_EXPECTED_VERSION);
}

static int mine(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

static int set_later(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return mine(level, fmt, args);
}

/*
 * libbpf's print callback is the library's from tracer_create() until the
 * last handle is destroyed, then the program's again; one that the program
 * set in between stays.
 */
Test(api_misuse, the_libbpf_print_callback_from_create_to_destroy)
{
	struct tracer *t, *u;
	libbpf_print_fn_t ours;

	libbpf_set_print(mine);
	t = created();
	ours = current_print();
	cr_assert(ours != mine, "tracer_create() did not install its print callback");
	u = created();
	tracer_destroy(t);
	cr_assert(current_print() == ours, "removed while a handle still exists");
	tracer_destroy(u);
	cr_assert(current_print() == mine, "the program's callback was not restored");

	t = created();
	libbpf_set_print(set_later);
	tracer_destroy(t);
	cr_assert(current_print() == set_later, "the callback set after tracer_create() was lost");
}

/* tracer_create() with o, expected to fail with err and say why (tracer_last_error(NULL)). */
static void assert_refused(struct tracer_options *o, int err, const char *reason)
{
	cr_assert_eq(create_with(o), err, "tracer_create() did not return %d", err);
	cr_assert_str_eq(tracer_last_error(NULL), reason);
}

/* A thread whose tracer_create() fails: its reason, as that thread sees it. */
static void *fail_create(void *arg)
{
	struct tracer *t;

	(void)arg;
	tracer_create(NULL, &t);
	return strdup(tracer_last_error(NULL)); /* the thread's reason goes with it */
}

/*
 * A failed tracer_create() says why, so that a front end need not check the
 * options a second time to explain them; the value is quoted on one line.
 */
Test(api_misuse, create_says_why)
{
	static const char *const bad_tty[] = { "pts/9x" }, *const nl_tty[] = { "pts/\n9" };
	static const char *const bad_glob[] = { "[abc" }, *const ok_glob[] = { "cc1*" };
	static const char *const missing[] = { "/nonexistent/cron" }, *const dir[] = { "/" };
	static const char *const empty[] = { "" };
	struct tracer_options o;
	struct tracer *t = NULL;
	char script[] = "/tmp/tracer-test-script-XXXXXX";
	const char *script_list[] = { script };
	pthread_t th;
	void *other;
	int fd;

	assert_refused(NULL, -EINVAL, "options is NULL");
	tracer_options_init(&o);
	o.max_arg_bytes = 0;
	assert_refused(&o, -EINVAL, "max_arg_bytes 0: out of range (1-2097152)");
	tracer_options_init(&o);
	o.ringbuf_bytes = 3000;
	assert_refused(&o, -EINVAL, "ringbuf_bytes 3000: not a power of two in 4096-1073741824");

	tracer_options_init(&o);
	o.ttys = bad_tty;
	o.n_ttys = 1;
	assert_refused(&o, -EINVAL, "invalid terminal name 'pts/9x'");
	o.ttys = nl_tty;
	assert_refused(&o, -EINVAL, "invalid terminal name 'pts/\\n9'");

	tracer_options_init(&o);
	o.stop_at = bad_glob;
	o.n_stop_at = 1;
	assert_refused(&o, -EINVAL, "invalid stop pattern '[abc': unterminated '['");
	o.stop_at = ok_glob;
	cr_assert_eq(create_with(&o), 0);
	cr_assert_str_eq(tracer_last_error(NULL), "", "a success leaves a reason behind");

	tracer_options_init(&o);
	o.exclude_paths = missing;
	o.n_exclude_paths = 1;
	assert_refused(&o, -ENOENT,
		       "cannot exclude '/nonexistent/cron': No such file or directory");
	o.exclude_paths = dir;
	cr_assert_eq(create_with(&o), -EINVAL);
	cr_assert(!strncmp(tracer_last_error(NULL), "cannot exclude '/': ", 20), "%s",
		  tracer_last_error(NULL));
	o.exclude_paths = empty;
	assert_refused(&o, -EINVAL, "invalid excluded file ''");

	/* A #! script's exec runs its interpreter: excluding it would never match. */
	fd = mkstemp(script);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	tracer_options_init(&o);
	o.exclude_callers = script_list;
	o.n_exclude_callers = 1;
	cr_assert_eq(create_with(&o), -EINVAL);
	cr_assert(strstr(tracer_last_error(NULL), "script"), "%s", tracer_last_error(NULL));
	unlink(script);

	/* The cgroup option names a directory of a cgroup v2 hierarchy. */
	tracer_options_init(&o);
	o.cgroup = "/nonexistent/cgroup";
	assert_refused(&o, -ENOENT,
		       "cannot narrow the scope to cgroup '/nonexistent/cgroup': No such file or "
		       "directory");
	o.cgroup = "/tmp";
	assert_refused(&o, -EINVAL,
		       "cannot narrow the scope to cgroup '/tmp': not a cgroup v2 directory (a "
		       "directory of a cgroup2 file system)");
	o.cgroup = "/proc/self/status";
	assert_refused(&o, -ENOTDIR,
		       "cannot narrow the scope to cgroup '/proc/self/status': Not a directory");

	/* The reason is the calling thread's own, and the handle's stays apart. */
	tracer_options_init(&o);
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_str_eq(tracer_last_error(NULL), "");
	cr_assert_eq(pthread_create(&th, NULL, fail_create, NULL), 0);
	cr_assert_eq(pthread_join(th, &other), 0);
	cr_assert_str_eq((const char *)other, "options is NULL");
	free(other);
	cr_assert_str_eq(tracer_last_error(NULL), "", "another thread's failure showed here");
	cr_assert_str_eq(tracer_last_error(t), "");
	tracer_destroy(t);
}

static struct tracer *created_verbose(bool verbose)
{
	TRACER_OPTS(o, .verbose = verbose);
	struct tracer *t = NULL;

	cr_assert_eq(tracer_create(&o, &t), 0);
	return t;
}

/*
 * libbpf's messages are written while a handle created with verbose exists
 * (started or not), and dropped while only quiet handles do, also after a
 * verbose one came and went.
 */
/* The exec filters: arrays, counts and names, refused with the reason. */
Test(api_misuse, filters_say_why)
{
	static const char *const empty[] = { "" }, *const null_name[] = { NULL };
	static const char *const long_name[] = { "a-program-name-longer-than-15" };
	static uint32_t many[TRACER_FILTER_MAX + 1];
	struct tracer_options o;

	tracer_options_init(&o);
	o.n_uids = 1;
	assert_refused(&o, -EINVAL, "an array of the options is NULL with a count above 0");
	o.uids = many;
	o.n_uids = TRACER_FILTER_MAX + 1;
	assert_refused(&o, -EINVAL, "too many uids to filter on (1025, at most 1024)");
	o.n_uids = TRACER_FILTER_MAX;
	cr_assert_eq(create_with(&o), 0);

	tracer_options_init(&o);
	o.comms = empty;
	o.n_comms = 1;
	assert_refused(&o, -EINVAL, "a command name to filter on is empty");
	o.comms = null_name;
	assert_refused(&o, -EINVAL, "a command name to filter on is NULL");
	o.comms = long_name;
	o.n_comms = TRACER_FILTER_MAX + 1;
	assert_refused(&o, -EINVAL, "too many command names to filter on (1025, at most 1024)");
	o.n_comms = 1;
	cr_assert_eq(create_with(&o), 0, "a long name is cut, as the kernel cuts comm");
}

Test(api_misuse, libbpf_messages_only_while_a_verbose_handle_exists)
{
	struct tracer *quiet = created_verbose(false), *loud;
	libbpf_print_fn_t ours = current_print();

	cr_assert_eq(print_through(ours, "%s\n", "dropped"), 0);
	loud = created_verbose(true);
	cr_assert_gt(print_through(ours, "%s\n", "written"), 0, "a verbose handle exists");
	tracer_destroy(loud);
	cr_assert_eq(print_through(ours, "%s\n", "dropped"), 0, "the verbose handle is gone");
	tracer_destroy(quiet);
}
