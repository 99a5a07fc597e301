// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * evcopy: a copy of an event owns all it points to. Each case writes the
 * event (text and JSON), copies it, overwrites and frees every string of the
 * original, then writes the copy: the same bytes.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "evcopy.h"
#include "writer.h"

/* Strings made on the heap, to be scribbled over and freed before the copy is read. */
static struct {
	void *p;
	size_t size;
} heap[64];
static size_t n_heap;

static void *keep(void *p, size_t size)
{
	cr_assert_not_null(p);
	cr_assert_lt(n_heap, sizeof(heap) / sizeof(heap[0]));
	heap[n_heap].p = p;
	heap[n_heap++].size = size;
	return p;
}

static struct tracer_bytes b(const char *s)
{
	return (struct tracer_bytes){ keep(strdup(s), strlen(s) + 1), strlen(s) };
}

static const char *str(const char *s)
{
	return b(s).ptr;
}

static struct tracer_bytes *list(size_t n, const char *const *s)
{
	struct tracer_bytes *l = keep(calloc(n, sizeof(*l)), n * sizeof(*l));
	size_t i;

	for (i = 0; i < n; i++)
		l[i] = b(s[i]);
	return l;
}

static void scribble_and_free(void)
{
	while (n_heap) {
		n_heap--;
		memset(heap[n_heap].p, 'Z', heap[n_heap].size);
		free(heap[n_heap].p);
	}
}

/* The event as text and as JSON, one after the other. */
static char *write_both(const struct tracer_event *ev)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(writer_write(&text_writer, c.f, NULL, 1.5, ev), 0);
	cr_assert_eq(writer_write(&json_writer, c.f, NULL, 1.5, ev), 0);
	return cap_close(&c);
}

static void check_copy(const struct tracer_event *ev)
{
	char *want = write_both(ev), *got;
	struct tracer_event *copy = evcopy_new(ev);

	cr_assert_not_null(copy);
	scribble_and_free();
	got = write_both(copy);
	cr_assert_str_eq(got, want);
	cr_assert_eq(copy->sz, ev->sz);
	free(got);
	free(want);
	free(copy);
}

static const char *const argv_cc[] = { "cc", "-c", "x.c", "" };
static const char *const env_cc[] = { "PATH=/usr/bin", "HOME=/root", "EMPTY=" };

Test(evcopy, exec_with_every_field)
{
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_EXEC,
		.exec = { .pid = 20, .tid = 21, .ppid = 10, .syscall_nr = TRACER_SYSCALL_EXECVE },
	};
	struct tracer_exec_event *e = &ev.exec;

	e->comm = b("make");
	e->filename = b("/usr/bin/cc");
	e->tty = str("pts9");
	e->argc = 4;
	e->argv = list(4, argv_cc);
	e->total_argc = 5;
	e->total_argv_bytes = 100;
	e->cwd.path = b("/src");
	e->exe.path = b("/usr/bin/gcc-12");
	e->exe.flags = TRACER_PATH_DELETED;
	e->interpreter.path = b("/lib/ld.so");
	e->stdio[0] = (struct tracer_fd){ .kind = TRACER_FD_PATH, .path.path = b("/dev/null") };
	e->stdio[1] = (struct tracer_fd){ .kind = TRACER_FD_PIPE, .ino = 77 };
	e->stdio[2] = (struct tracer_fd){ .kind = TRACER_FD_ANON, .path.path = b("[eventfd]") };
	e->env_captured = true;
	e->envc = 3;
	e->env = list(3, env_cc);
	e->total_envc = 3;
	e->total_env_bytes = 33;
	e->exe_ino = 12;
	e->exe_dev = 2049;
	e->cgroup = b("/system.slice/docker-"
		      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope");
	check_copy(&ev);
}

/* An event of an older library: the copy carries no more than it did. */
Test(evcopy, exec_of_an_older_library)
{
	struct tracer_event ev = {
		.sz = offsetof(struct tracer_event, exec.total_argc),
		.type = TRACER_EVENT_EXEC,
		.exec = { .pid = 7, .argc = 2 },
	};
	struct tracer_event *copy;

	ev.exec.comm = b("sh");
	ev.exec.filename = b("/bin/sh");
	ev.exec.argv = list(2, argv_cc);
	copy = evcopy_new(&ev);
	cr_assert_not_null(copy);
	cr_assert_not(TRACER_EVENT_HAS(copy, exec.total_env_bytes));
	cr_assert_null(copy->exec.env);
	free(copy);
	check_copy(&ev);
}

Test(evcopy, stop)
{
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_STOP };

	ev.stop.pid = 30;
	ev.stop.pattern = str("cc1*");
	ev.stop.comm = b("cc1");
	ev.stop.exe.path = b("/usr/lib/gcc/cc1");
	ev.stop.filename = b("/usr/lib/gcc/cc1");
	ev.stop.argc = 3;
	ev.stop.argv = list(3, argv_cc);
	check_copy(&ev);
}

Test(evcopy, exit_fork_signal_lost)
{
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_EXIT };

	ev.exit.pid = 5;
	ev.exit.comm = b("sleep");
	check_copy(&ev);
	ev = (struct tracer_event){ .sz = sizeof(ev), .type = TRACER_EVENT_FORK };
	ev.fork.comm = b("bash");
	check_copy(&ev);
	ev = (struct tracer_event){ .sz = sizeof(ev), .type = TRACER_EVENT_SIGNAL };
	ev.signal.sig = 15;
	ev.signal.sender_comm = b("kill");
	ev.signal.target_comm = b("sleep");
	check_copy(&ev);
	ev = (struct tracer_event){ .sz = sizeof(ev), .type = TRACER_EVENT_LOST };
	ev.lost.count = 3;
	check_copy(&ev);
}
