// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The harness's ground: memory that lives as long as the test, deadlines,
 * children to reap, the test's directory and files, binary paths, the skip
 * rule and main().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/internal/ordered-set.h>

#include "harness.h"
#include "internal.h"

#define MAX_TRACKED 256

/* Everything the test started or allocated, released by h_teardown. */
static pid_t tracked[MAX_TRACKED];
static size_t n_tracked;
static void **pool;
static size_t pool_n, pool_cap;
static char test_dir[64];

void *pool_add(void *p)
{
	if (!p)
		cr_assert_fail("out of memory");
	if (pool_n == pool_cap) {
		size_t cap = pool_cap ? pool_cap * 2 : 64;
		void **np = realloc(pool, cap * sizeof(*np));

		if (!np)
			cr_assert_fail("out of memory");
		pool = np;
		pool_cap = cap;
	}
	pool[pool_n++] = p;
	return p;
}

void *xmalloc(size_t n)
{
	return pool_add(malloc(n ? n : 1));
}

const char *h_str(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		cr_assert_fail("out of memory");
	return pool_add(s);
}

uint64_t h_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double h_now_s(void)
{
	return (double)h_now_ns() / 1e9;
}

int remaining_ms(uint64_t deadline)
{
	uint64_t now = h_now_ns();

	if (now >= deadline)
		return 0;
	return (int)((deadline - now) / 1000000 + 1);
}

uint64_t deadline_in(int ms)
{
	return h_now_ns() + (uint64_t)ms * 1000000ull;
}

void track(pid_t pid)
{
	if (n_tracked < MAX_TRACKED)
		tracked[n_tracked++] = pid;
}

void untrack(pid_t pid)
{
	size_t i;

	for (i = 0; i < n_tracked; i++) {
		if (tracked[i] == pid) {
			tracked[i] = tracked[--n_tracked];
			return;
		}
	}
}

int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

const char *h_bin(const char *name)
{
	const char *path = getenv(name);

	cr_assert(path && *path, "%s is not set (run the tests through ctest)", name);
	return path;
}

const char *h_skip_reason(void)
{
	if (geteuid() != 0)
		return "the end-to-end tests need root (they load BPF programs)";
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return "no kernel BTF at /sys/kernel/btf/vmlinux";
	return NULL;
}

/*
 * Criterion's timeouts (.timeout of a TestSuite or a Test) are hang guards
 * like the harness's own deadlines: scaled the same way, by h_slowdown().
 * The runner reads them in this process as it starts each test; a suite's
 * .init runs in the test's process, too late to change them.
 */
static void scale_timeouts(struct criterion_test_set *set)
{
	double f = 0.0;

	FOREACH_SET(struct criterion_suite_set * s, set->suites)
	{
		if (!f)
			f = h_slowdown();
		if (s->suite.data && s->suite.data->timeout > 0)
			s->suite.data->timeout *= f;
		FOREACH_SET(struct criterion_test * t, s->tests)
		{
			if (t->data && t->data->timeout > 0)
				t->data->timeout *= f;
		}
	}
}

/*
 * The tests' main: when the machine cannot run them, say why and exit with
 * 77 (ctest's SKIP_RETURN_CODE) instead of reporting skipped tests as passed.
 */
int main(int argc, char *argv[])
{
	struct criterion_test_set *tests;
	const char *why = h_skip_reason();
	int result = 0;

	if (why) {
		fprintf(stderr, "SKIP: %s\n", why);
		return 77;
	}
	tests = criterion_initialize();
	if (criterion_handle_args(argc, argv, true)) {
		scale_timeouts(tests);
		result = !criterion_run_all_tests(tests);
	}
	criterion_finalize(tests);
	return result;
}

void h_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	n_tracked = 0;
	test_dir[0] = '\0';
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void h_teardown(void)
{
	size_t i;

	/*
	 * Our own children, not reaped yet: their pids cannot have been reused.
	 * With them, what they left in their process group (if they lead one).
	 */
	for (i = 0; i < n_tracked; i++) {
		kill(-tracked[i], SIGKILL);
		kill(tracked[i], SIGKILL);
		waitpid(tracked[i], NULL, 0);
	}
	n_tracked = 0;
	if (test_dir[0])
		nftw(test_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	test_dir[0] = '\0';
	for (i = 0; i < pool_n; i++)
		free(pool[i]);
	free(pool);
	pool = NULL;
	pool_n = pool_cap = 0;
}

const char *h_marker(const char *tag)
{
	unsigned char r[8];
	char hex[17];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		cr_assert_fail("getrandom: %s", strerror(errno));
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return h_str("e2e-%s-%s", tag, hex);
}

const char *h_dir(void)
{
	if (!test_dir[0]) {
		snprintf(test_dir, sizeof(test_dir), "/tmp/tracer-e2e-XXXXXX");
		if (!mkdtemp(test_dir))
			cr_assert_fail("mkdtemp: %s", strerror(errno));
	}
	return test_dir;
}

const char *h_path(const char *name)
{
	return h_str("%s/%s", h_dir(), name);
}

char *h_read_file(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf)
		cr_assert_fail("cannot read %s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb)
				cr_assert_fail("out of memory");
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			cr_assert_fail("read %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return pool_add(buf);
}

void h_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		cr_assert_fail("cannot write %s: %s", path, strerror(errno));
	fchmod(fd, mode);
	close(fd);
}

bool h_bytes_eq(const struct h_bytes *b, const char *s, size_t len)
{
	return b->len == len && memcmp(b->ptr, s, len) == 0;
}

bool h_bytes_eqs(const struct h_bytes *b, const char *s)
{
	return h_bytes_eq(b, s, strlen(s));
}

const char *h_show(const char *s, size_t len)
{
	size_t i, n = 0, max = len > 300 ? 300 : len;
	char *out = xmalloc(max * 4 + 16);

	for (i = 0; i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)sprintf(out + n, "\\x%02x", c);
	}
	if (max < len)
		n += (size_t)sprintf(out + n, "...(%zu)", len);
	out[n] = '\0';
	return out;
}

int pump(int fd, char **buf, size_t *len, size_t *cap, bool fixed)
{
	char tmp[65536];
	ssize_t r;

	r = read(fd, tmp, sizeof(tmp));
	if (r < 0)
		return (errno == EAGAIN || errno == EINTR) ? -1 : 0;
	if (r == 0)
		return 0;
	if (fixed) {
		size_t room = *cap - 1 - *len;

		if ((size_t)r > room)
			r = (ssize_t)room;
		memcpy(*buf + *len, tmp, (size_t)r);
		*len += (size_t)r;
		(*buf)[*len] = '\0';
		return 1;
	}
	if (*len + (size_t)r + 1 > *cap) {
		size_t ncap = (*cap ? *cap : 4096);
		char *nb;

		while (ncap < *len + (size_t)r + 1)
			ncap *= 2;
		nb = realloc(*buf, ncap);
		if (!nb)
			cr_assert_fail("out of memory");
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, tmp, (size_t)r);
	*len += (size_t)r;
	(*buf)[*len] = '\0';
	return 1;
}

void child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}
