// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* End-to-end test harness: see harness.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include "harness.h"

#ifndef TRACER_BIN
#error "TRACER_BIN must be defined"
#endif

#define MAX_TRACKED 256
#define H_ERR_CAP (1 << 20)
#define H_REP_CAP (256 << 10)

/* Everything the test started or allocated, released by h_teardown. */
static pid_t tracked[MAX_TRACKED];
static size_t n_tracked;
static void **pool;
static size_t pool_n, pool_cap;
static char test_dir[64];

/* ---- Small utilities ---- */

static void *pool_add(void *p)
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

static void *xmalloc(size_t n)
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

static int remaining_ms(uint64_t deadline)
{
	uint64_t now = h_now_ns();

	if (now >= deadline)
		return 0;
	return (int)((deadline - now) / 1000000 + 1);
}

static uint64_t deadline_in(int ms)
{
	return h_now_ns() + (uint64_t)ms * 1000000ull;
}

static void track(pid_t pid)
{
	if (n_tracked < MAX_TRACKED)
		tracked[n_tracked++] = pid;
}

static void untrack(pid_t pid)
{
	size_t i;

	for (i = 0; i < n_tracked; i++) {
		if (tracked[i] == pid) {
			tracked[i] = tracked[--n_tracked];
			return;
		}
	}
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
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
	if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
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

	/* Our own children, not reaped yet: their pids cannot have been reused. */
	for (i = 0; i < n_tracked; i++) {
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

/* ---- Reading a file descriptor into a growing buffer ---- */

/*
 * Reads what is available on fd into *buf: 1 if something was read, 0 on
 * EOF, -1 if nothing yet. A fixed buffer (*cap bytes, from the pool) keeps
 * what fits; otherwise it grows (realloc).
 */
static int pump(int fd, char **buf, size_t *len, size_t *cap, bool fixed)
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

/* ---- tracer ---- */

static void child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

void h_tracer_start(struct h_tracer *t, unsigned int flags, const char *const *args)
{
	static int serial;
	const char *argv[64];
	int errp[2], outp[2] = { -1, -1 };
	size_t n = 0;
	int out_fd;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->out_fd = -1;
	t->err = xmalloc(H_ERR_CAP);
	t->err[0] = '\0';
	argv[n++] = TRACER_BIN;
	while (args[n - 1] && n < 63) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;

	if (pipe2(errp, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	fcntl(errp[0], F_SETPIPE_SZ, 1 << 20);
	if (flags & H_OUT_PIPE) {
		if (pipe2(outp, O_CLOEXEC))
			cr_assert_fail("pipe: %s", strerror(errno));
		out_fd = outp[1];
	} else {
		snprintf(t->out_path, sizeof(t->out_path), "%s/tracer-stdout-%d", h_dir(),
			 serial++);
		out_fd = open(t->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (out_fd < 0)
			cr_assert_fail("open %s: %s", t->out_path, strerror(errno));
	}

	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_reset_signals();
		dup2(devnull, 0);
		dup2(out_fd, 1);
		dup2(errp[1], 2);
		execv(TRACER_BIN, (char *const *)argv);
		_exit(127);
	}
	track(pid);
	close(errp[1]);
	close(out_fd);
	t->pid = pid;
	t->err_fd = errp[0];
	t->out_fd = outp[0];
	fcntl(t->err_fd, F_SETFL, O_NONBLOCK);
	t->pidfd = pidfd_open_(pid);
	if (t->pidfd < 0)
		cr_assert_fail("pidfd_open: %s", strerror(errno));
}

static bool has_ready_line(const struct h_tracer *t)
{
	const char *p = t->err;

	while (p && *p) {
		const char *nl = strchr(p, '\n');

		if (!nl)
			return false;
		if (strncmp(p, "tracer: ready:", 14) == 0)
			return true;
		p = nl + 1;
	}
	return false;
}

const char *h_tracer_stderr(struct h_tracer *t)
{
	return t->err ? t->err : "";
}

static void reap_tracer(struct h_tracer *t)
{
	size_t cap = H_ERR_CAP;
	uint64_t dl = deadline_in(10000);
	int st;

	if (waitpid(t->pid, &st, 0) != t->pid)
		cr_assert_fail("waitpid(tracer): %s", strerror(errno));
	untrack(t->pid);
	t->reaped = true;
	t->status = st;
	close(t->pidfd);
	/* The write end of stderr belonged to tracer alone: read up to EOF. */
	for (;;) {
		struct pollfd pfd = { .fd = t->err_fd, .events = POLLIN };
		int r;

		if (poll(&pfd, 1, remaining_ms(dl)) <= 0)
			break;
		r = pump(t->err_fd, &t->err, &t->err_len, &cap, true);
		if (r == 0)
			break;
	}
	close(t->err_fd);
	t->err_fd = -1;
}

void h_tracer_wait_ready(struct h_tracer *t)
{
	uint64_t dl = deadline_in(H_READY_TIMEOUT);
	size_t cap = H_ERR_CAP;

	while (!has_ready_line(t)) {
		struct pollfd pfd[2] = {
			{ .fd = t->err_fd, .events = POLLIN },
			{ .fd = t->pidfd, .events = POLLIN },
		};
		int ms = remaining_ms(dl);

		if (ms == 0) {
			kill(t->pid, SIGKILL);
			reap_tracer(t);
			cr_assert_fail("tracer not ready after %d ms; stderr: %s", H_READY_TIMEOUT,
				       h_tracer_stderr(t));
		}
		if (poll(pfd, 2, ms) < 0 && errno != EINTR)
			cr_assert_fail("poll: %s", strerror(errno));
		if (pfd[0].revents && pump(t->err_fd, &t->err, &t->err_len, &cap, true) > 0)
			continue;
		if (pfd[1].revents || (pfd[0].revents & POLLHUP)) {
			if (has_ready_line(t))
				return;
			reap_tracer(t);
			cr_assert_fail(
				"tracer exited before it was ready (status 0x%x); stderr: %s",
				t->status, h_tracer_stderr(t));
		}
	}
}

int h_tracer_wait_exit(struct h_tracer *t, int timeout_ms)
{
	uint64_t dl = deadline_in(timeout_ms);
	size_t cap = H_ERR_CAP;

	if (t->reaped)
		return t->status;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = t->pidfd, .events = POLLIN },
			{ .fd = t->err_fd, .events = POLLIN },
		};
		int r;

		r = poll(pfd, 2, remaining_ms(dl));
		if (r < 0 && errno != EINTR)
			cr_assert_fail("poll: %s", strerror(errno));
		if (r == 0)
			return -1;
		if (pfd[1].revents & POLLIN)
			pump(t->err_fd, &t->err, &t->err_len, &cap, true);
		if (pfd[0].revents) {
			reap_tracer(t);
			return t->status;
		}
		if (pfd[1].revents & (POLLHUP | POLLERR)) {
			/* stderr closed: only the exit is left to wait for. */
			struct pollfd p1 = { .fd = t->pidfd, .events = POLLIN };

			if (poll(&p1, 1, remaining_ms(dl)) <= 0)
				return -1;
			reap_tracer(t);
			return t->status;
		}
	}
}

int h_tracer_stop(struct h_tracer *t, int sig)
{
	int st;

	if (t->reaped)
		cr_assert_fail("tracer already exited (status 0x%x) before signal %d; stderr: %s",
			       t->status, sig, h_tracer_stderr(t));
	kill(t->pid, sig);
	st = h_tracer_wait_exit(t, H_EXIT_TIMEOUT);
	if (st == -1) {
		kill(t->pid, SIGKILL);
		h_tracer_wait_exit(t, H_EXIT_TIMEOUT);
		cr_assert_fail("tracer did not exit within %d ms of signal %d; stderr: %s",
			       H_EXIT_TIMEOUT, sig, h_tracer_stderr(t));
	}
	return st;
}

/*
 * Parses "<N> <word>[s]" at *p: the plural 's' is accepted always, or only
 * when N != 1 (both ways of writing it).
 */
static bool count_word(const char **p, const char *word, long long *v)
{
	size_t wl = strlen(word);
	char *end;

	errno = 0;
	*v = strtoll(*p, &end, 10);
	if (end == *p || errno || *end != ' ' || strncmp(end + 1, word, wl) != 0)
		return false;
	*p = end + 1 + wl;
	if (strcmp(word, "lost") == 0)
		return true;
	if (strncmp(*p, "es", 2) == 0 && strcmp(word, "process") == 0)
		*p += 2;
	else if (**p == 's' && strcmp(word, "event") == 0)
		*p += 1;
	else if (*v != 1)
		return false;
	return true;
}

static bool parse_summary(const char *l, struct h_summary *s)
{
	if (strncmp(l, "tracer: ", 8) != 0)
		return false;
	l += 8;
	if (!count_word(&l, "event", &s->events) || strncmp(l, ", ", 2) != 0)
		return false;
	l += 2;
	if (!count_word(&l, "lost", &s->lost) || strncmp(l, ", ", 2) != 0)
		return false;
	l += 2;
	if (!count_word(&l, "process", &s->watched) || strcmp(l, " watched\n") != 0)
		return false;
	return true;
}

void h_expect_clean_exit(struct h_tracer *t, int status, struct h_summary *sum)
{
	const char *err = h_tracer_stderr(t);
	const char *nl1, *l2, *nl2;
	struct h_summary s = { 0 };

	cr_assert(status != -1, "tracer did not exit in time; stderr: %s", err);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "tracer exit status 0x%x (expected exit 0); stderr: %s", status, err);
	cr_assert(strncmp(err, "tracer: ready: watching ", 24) == 0,
		  "stderr does not start with the ready line: %s", err);
	nl1 = strchr(err, '\n');
	cr_assert(nl1, "stderr: %s", err);
	l2 = nl1 + 1;
	nl2 = strchr(l2, '\n');
	cr_assert(nl2 && nl2[1] == '\0',
		  "stderr must be exactly the ready line and the summary line: %s", err);
	cr_assert(parse_summary(l2, &s), "bad summary line: %s", h_show(l2, strlen(l2)));
	if (sum)
		*sum = s;
}

bool h_is_summary_line(const char *line)
{
	struct h_summary s;

	return parse_summary(line, &s);
}

/* ---- JSON ---- */

static void put_utf8(char *out, size_t *n, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

static int hex4(const char *s, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = (*v << 4) | (uint32_t)d;
	}
	return 0;
}

/*
 * Decodes the body of a JSON string (between the quotes), with \udcNN
 * (U+DC80..U+DCFF alone) read back as the byte NN. Returns false when the
 * string is not valid JSON or holds another lone surrogate.
 */
static bool json_unescape(const char *s, size_t len, struct h_bytes *out)
{
	char *o = xmalloc(len + 1);
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp, lo;

		if (c < 0x20)
			return false;
		if (c != '\\') {
			o[n++] = (char)c;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		switch (s[i + 1]) {
		case '"':
			o[n++] = '"';
			break;
		case '\\':
			o[n++] = '\\';
			break;
		case '/':
			o[n++] = '/';
			break;
		case 'b':
			o[n++] = '\b';
			break;
		case 'f':
			o[n++] = '\f';
			break;
		case 'n':
			o[n++] = '\n';
			break;
		case 'r':
			o[n++] = '\r';
			break;
		case 't':
			o[n++] = '\t';
			break;
		case 'u':
			if (i + 6 > len || hex4(s + i + 2, &cp))
				return false;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 12 > len || s[i + 6] != '\\' || s[i + 7] != 'u' ||
				    hex4(s + i + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return false;
				put_utf8(o, &n, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
				i += 12;
				continue;
			}
			if (cp >= 0xdc80 && cp <= 0xdcff)
				o[n++] = (char)(cp & 0xff);
			else if (cp >= 0xdc00 && cp <= 0xdfff)
				return false;
			else
				put_utf8(o, &n, cp);
			i += 6;
			continue;
		default:
			return false;
		}
		i += 2;
	}
	o[n] = '\0';
	out->ptr = o;
	out->len = n;
	return true;
}

/* Strict UTF-8 length of the sequence at p (0 when invalid), code point in *cp. */
static size_t utf8_len(const unsigned char *p, size_t len, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return n;
}

void h_assert_clean_line(const char *line, size_t len)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_len(p + i, len - i, &cp);

		cr_assert(n, "invalid UTF-8 at byte %zu of line: %s", i, h_show(line, len));
		cr_assert(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f),
			  "control character U+%04X at byte %zu of line: %s", cp, i,
			  h_show(line, len));
		cr_assert(!(cp == 0x061c || cp == 0x200e || cp == 0x200f || cp == 0x2028 ||
			    cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
			    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff),
			  "unescaped U+%04X at byte %zu of line: %s", cp, i, h_show(line, len));
		i += n;
	}
}

/*
 * Rewrites a JSON line: every string value (not the keys) becomes "@N",
 * N its index in strs[] where its exact bytes are stored. json-c then gives
 * the structure, and the bytes come from our own decoder (json-c turns
 * \udcNN into U+FFFD).
 */
static char *json_extract_strings(const char *line, size_t len, struct h_bytes **strs, size_t *n)
{
	char *out = xmalloc(len * 2 + 32);
	size_t i = 0, o = 0, cap = 32;

	*strs = xmalloc(cap * sizeof(**strs));
	*n = 0;
	while (i < len) {
		size_t j, k;

		if (line[i] != '"') {
			out[o++] = line[i++];
			continue;
		}
		for (j = i + 1; j < len && line[j] != '"'; j++) {
			if (line[j] == '\\')
				j++;
		}
		if (j >= len)
			return NULL;
		for (k = j + 1; k < len && (line[k] == ' ' || line[k] == '\t'); k++)
			;
		if (k < len && line[k] == ':') {
			memcpy(out + o, line + i, j + 1 - i);
			o += j + 1 - i;
		} else {
			if (*n == cap) {
				struct h_bytes *ns = xmalloc(cap * 2 * sizeof(*ns));

				memcpy(ns, *strs, cap * sizeof(*ns));
				*strs = ns;
				cap *= 2;
			}
			if (!json_unescape(line + i + 1, j - i - 1, &(*strs)[*n]))
				return NULL;
			o += (size_t)sprintf(out + o, "\"@%zu\"", *n);
			(*n)++;
		}
		i = j + 1;
	}
	out[o] = '\0';
	return out;
}

static json_object *parse_strict(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  (size_t)json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const struct h_bytes *str_field(json_object *obj, const char *key, struct h_bytes *strs,
				       size_t n, size_t line_no, bool nullable)
{
	json_object *v;
	const char *s;
	size_t idx;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	if (nullable && json_object_is_type(v, json_type_null))
		return NULL;
	cr_assert(json_object_is_type(v, json_type_string), "line %zu: \"%s\" is not a string",
		  line_no, key);
	s = json_object_get_string(v);
	cr_assert(s[0] == '@', "line %zu: internal error on \"%s\"", line_no, key);
	idx = strtoul(s + 1, NULL, 10);
	cr_assert(idx < n, "line %zu: internal error on \"%s\"", line_no, key);
	return &strs[idx];
}

static long long int_field(json_object *obj, const char *key, size_t line_no)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	cr_assert(json_object_is_type(v, json_type_int), "line %zu: \"%s\" is not an integer",
		  line_no, key);
	return json_object_get_int64(v);
}

static bool bool_field(json_object *obj, const char *key, size_t line_no)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	cr_assert(json_object_is_type(v, json_type_boolean), "line %zu: \"%s\" is not a boolean",
		  line_no, key);
	return json_object_get_boolean(v);
}

static double num_field(json_object *obj, const char *key, size_t line_no)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	cr_assert(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int),
		  "line %zu: \"%s\" is not a number", line_no, key);
	return json_object_get_double(v);
}

static void copy_str(char *dst, size_t size, const struct h_bytes *b, size_t line_no,
		     const char *key)
{
	cr_assert(b->len < size && !memchr(b->ptr, '\0', b->len), "line %zu: bad \"%s\": %s",
		  line_no, key, h_show(b->ptr, b->len));
	memcpy(dst, b->ptr, b->len);
	dst[b->len] = '\0';
}

/*
 * The number of the exec's context keys in obj: all of argc to egid or none,
 * the *_flags arrays, and the environment's keys all or none.
 */
static size_t context_keys(json_object *obj, size_t line_no)
{
	static const char *const always[] = { "argc",	     "argv_bytes", "cwd",    "exe",
					      "interpreter", "stdin",	   "stdout", "stderr",
					      "euid",	     "egid" };
	static const char *const env[] = { "env", "envc", "env_bytes", "env_truncated",
					   "env_fault" };
	static const char *const flagged[] = { "cwd",	"exe",	  "interpreter",
					       "stdin", "stdout", "stderr" };
	size_t n = 0, i;
	char key[32];

	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		n += json_object_object_get_ex(obj, always[i], NULL);
	cr_assert(n == 0 || n == sizeof(always) / sizeof(always[0]),
		  "line %zu: %zu of the context's keys", line_no, n);
	if (!n)
		return 0;
	for (i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		n += json_object_object_get_ex(obj, env[i], NULL);
	cr_assert(n == 10 || n == 15, "line %zu: some of the environment's keys", line_no);
	for (i = 0; i < sizeof(flagged) / sizeof(flagged[0]); i++) {
		snprintf(key, sizeof(key), "%s_flags", flagged[i]);
		n += json_object_object_get_ex(obj, key, NULL);
	}
	return n;
}

static void parse_event(const char *line, size_t len, size_t line_no, struct h_event *e)
{
	static const char *const exec_keys[] = {
		"type",
		"ts",
		"pid",
		"tid",
		"ppid",
		"uid",
		"gid",
		"comm",
		"filename",
		"argv",
		"argv_truncated",
		"argv_fault",
		"syscall",
		"syscall_id",
		"ret",
		"errno",
		"tty",
	};
	static const char *const lost_keys[] = { "type", "ts", "count", "cpu" };
	const struct h_bytes *type, *b;
	struct h_bytes *strs;
	json_object *orig, *obj, *arr;
	char *rewritten;
	size_t n_strs, i, n_keys;

	memset(e, 0, sizeof(*e));
	e->line_no = line_no;
	h_assert_clean_line(line, len);
	orig = parse_strict(line, len);
	cr_assert(orig && json_object_is_type(orig, json_type_object),
		  "line %zu is not a valid JSON object: %s", line_no, h_show(line, len));
	json_object_put(orig);
	rewritten = json_extract_strings(line, len, &strs, &n_strs);
	cr_assert(rewritten, "line %zu: bad string in %s", line_no, h_show(line, len));
	obj = parse_strict(rewritten, strlen(rewritten));
	cr_assert(obj, "line %zu: internal error parsing %s", line_no, h_show(line, len));

	type = str_field(obj, "type", strs, n_strs, line_no, false);
	n_keys = (size_t)json_object_object_length(obj);
	if (h_bytes_eqs(type, "lost")) {
		e->lost = true;
		cr_assert(n_keys == 4, "line %zu: unexpected keys in %s", line_no,
			  h_show(line, len));
		for (i = 0; i < 4; i++)
			cr_assert(json_object_object_get_ex(obj, lost_keys[i], NULL),
				  "line %zu: no \"%s\"", line_no, lost_keys[i]);
		e->ts = num_field(obj, "ts", line_no);
		e->count = int_field(obj, "count", line_no);
		e->cpu = int_field(obj, "cpu", line_no);
		cr_assert(e->count > 0, "line %zu: lost count %lld", line_no, e->count);
		json_object_put(obj);
		return;
	}
	cr_assert(h_bytes_eqs(type, "exec"), "line %zu: unknown type %s", line_no,
		  h_show(type->ptr, type->len));
	/* The 17 keys, and the exec's context (issue 11) when the library reports it. */
	cr_assert(n_keys == 17 + context_keys(obj, line_no),
		  "line %zu: %zu keys (expected 17 and the context's) in %s", line_no, n_keys,
		  h_show(line, len));
	for (i = 0; i < 17; i++)
		cr_assert(json_object_object_get_ex(obj, exec_keys[i], NULL), "line %zu: no \"%s\"",
			  line_no, exec_keys[i]);
	e->ts = num_field(obj, "ts", line_no);
	e->pid = int_field(obj, "pid", line_no);
	e->tid = int_field(obj, "tid", line_no);
	e->ppid = int_field(obj, "ppid", line_no);
	e->uid = int_field(obj, "uid", line_no);
	e->gid = int_field(obj, "gid", line_no);
	e->comm = *str_field(obj, "comm", strs, n_strs, line_no, false);
	e->filename = *str_field(obj, "filename", strs, n_strs, line_no, false);
	cr_assert(json_object_object_get_ex(obj, "argv", &arr) &&
			  json_object_is_type(arr, json_type_array),
		  "line %zu: argv is not an array", line_no);
	e->argc = json_object_array_length(arr);
	e->argv = xmalloc((e->argc + 1) * sizeof(*e->argv));
	for (i = 0; i < e->argc; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const char *s;
		size_t idx;

		cr_assert(json_object_is_type(v, json_type_string),
			  "line %zu: argv[%zu] is not a string", line_no, i);
		s = json_object_get_string(v);
		idx = strtoul(s + 1, NULL, 10);
		cr_assert(s[0] == '@' && idx < n_strs, "line %zu: internal error", line_no);
		e->argv[i] = strs[idx];
	}
	e->argv_truncated = bool_field(obj, "argv_truncated", line_no);
	e->argv_fault = bool_field(obj, "argv_fault", line_no);
	b = str_field(obj, "syscall", strs, n_strs, line_no, false);
	copy_str(e->syscall, sizeof(e->syscall), b, line_no, "syscall");
	e->syscall_id = int_field(obj, "syscall_id", line_no);
	e->ret = int_field(obj, "ret", line_no);
	b = str_field(obj, "errno", strs, n_strs, line_no, true);
	if (b)
		copy_str(e->err, sizeof(e->err), b, line_no, "errno");
	b = str_field(obj, "tty", strs, n_strs, line_no, true);
	if (b) {
		copy_str(e->tty, sizeof(e->tty), b, line_no, "tty");
		e->has_tty = true;
	}
	json_object_put(obj);
}

void h_events_parse(struct h_events *evs, const char *data, size_t len)
{
	size_t i = 0, line_no = 0, cap = 0;

	memset(evs, 0, sizeof(*evs));
	cr_assert(len == 0 || data[len - 1] == '\n', "output does not end with a newline: %s",
		  h_show(data + (len > 200 ? len - 200 : 0), len > 200 ? 200 : len));
	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t l = (size_t)(nl - (data + i));

		line_no++;
		if (evs->n == cap) {
			struct h_event *ne;

			cap = cap ? cap * 2 : 256;
			ne = xmalloc(cap * sizeof(*ne));
			if (evs->n)
				memcpy(ne, evs->ev, evs->n * sizeof(*ne));
			evs->ev = ne;
		}
		parse_event(data + i, l, line_no, &evs->ev[evs->n]);
		if (evs->ev[evs->n].lost) {
			evs->n_lost++;
			evs->lost_sum += evs->ev[evs->n].count;
		} else {
			evs->n_exec++;
		}
		evs->n++;
		i += l + 1;
	}
}

void h_events_load(struct h_events *evs, const char *path)
{
	size_t len;
	char *data = h_read_file(path, &len);

	h_events_parse(evs, data, len);
}

bool h_argv_has(const struct h_event *e, const char *s)
{
	size_t i;

	for (i = 0; i < e->argc; i++) {
		if (h_bytes_eqs(&e->argv[i], s))
			return true;
	}
	return false;
}

static const char *show_argv(const struct h_event *e)
{
	char *s = xmalloc(1);
	size_t i;

	s[0] = '\0';
	for (i = 0; i < e->argc; i++)
		s = (char *)h_str("%s%s\"%s\"", s, i ? ", " : "",
				  h_show(e->argv[i].ptr, e->argv[i].len));
	return h_str("[%s]", s);
}

static bool ev_match(const struct h_event *e, const char *argv0, const char *a, const char *b)
{
	if (e->lost)
		return false;
	if (argv0 && (e->argc == 0 || !h_bytes_eqs(&e->argv[0], argv0)))
		return false;
	return (!a || h_argv_has(e, a)) && (!b || h_argv_has(e, b));
}

size_t h_count(const struct h_events *evs, const char *a, const char *b)
{
	size_t i, n = 0;

	for (i = 0; i < evs->n; i++)
		n += ev_match(&evs->ev[i], NULL, a, b);
	return n;
}

const struct h_event *h_one0(const struct h_events *evs, const char *argv0, const char *a,
			     const char *b)
{
	const struct h_event *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < evs->n; i++) {
		if (ev_match(&evs->ev[i], argv0, a, b)) {
			found = &evs->ev[i];
			n++;
		}
	}
	if (n != 1) {
		/* Show the events that hold a (or all of them), to tell what went wrong. */
		const char *shown = "";
		size_t k = 0;

		for (i = 0; i < evs->n && k < 20; i++) {
			const struct h_event *e = &evs->ev[i];

			if (e->lost || (a && !h_argv_has(e, a) && n == 0 && evs->n > 20))
				continue;
			shown = h_str("%s\n  line %zu: pid %lld ret %lld fault %d truncated %d "
				      "filename \"%s\" argv %s",
				      shown, e->line_no, e->pid, e->ret, e->argv_fault,
				      e->argv_truncated, h_show(e->filename.ptr, e->filename.len),
				      show_argv(e));
			k++;
		}
		cr_assert_fail("expected exactly one exec with argv[0] \"%s\" and argv holding "
			       "\"%s\" and \"%s\", found %zu; events:%s",
			       argv0 ? argv0 : "*", a ? a : "", b ? b : "", n, shown);
	}
	return found;
}

const struct h_event *h_by_pid(const struct h_events *evs, long long pid)
{
	const struct h_event *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < evs->n; i++) {
		if (!evs->ev[i].lost && evs->ev[i].pid == pid) {
			found = &evs->ev[i];
			n++;
		}
	}
	cr_assert(n == 1, "expected exactly one exec from pid %lld, found %zu", pid, n);
	return found;
}

const struct h_event *h_one(const struct h_events *evs, const char *a, const char *b)
{
	return h_one0(evs, NULL, a, b);
}

void h_check_exec(const struct h_event *e, const struct h_expect *x)
{
	long long tid = x->tid ? x->tid : x->pid;
	long long sc = x->syscall_id ? x->syscall_id : 59;
	size_t i, n = 0;

	cr_assert(!e->lost, "not an exec event");
	cr_expect_eq(e->pid, x->pid, "line %zu: pid %lld, expected %lld", e->line_no, e->pid,
		     x->pid);
	cr_expect_eq(e->tid, tid, "line %zu: tid %lld, expected %lld", e->line_no, e->tid, tid);
	if (x->ppid != H_ANY)
		cr_expect_eq(e->ppid, x->ppid, "line %zu: ppid %lld, expected %lld", e->line_no,
			     e->ppid, x->ppid);
	cr_expect_eq(e->uid, (long long)getuid(), "line %zu: uid %lld", e->line_no, e->uid);
	cr_expect_eq(e->gid, (long long)getgid(), "line %zu: gid %lld", e->line_no, e->gid);
	if (x->filename)
		cr_expect(h_bytes_eqs(&e->filename, x->filename),
			  "line %zu: filename \"%s\", expected \"%s\"", e->line_no,
			  h_show(e->filename.ptr, e->filename.len), x->filename);
	if (x->comm)
		cr_expect(h_bytes_eqs(&e->comm, x->comm), "line %zu: comm \"%s\", expected \"%s\"",
			  e->line_no, h_show(e->comm.ptr, e->comm.len), x->comm);
	if (x->fault == H_FAULT_YES)
		cr_expect(e->argv_fault, "line %zu: argv_fault is false, expected true",
			  e->line_no);
	if (x->fault == H_FAULT_NO)
		cr_expect(!e->argv_fault, "line %zu: argv_fault is true", e->line_no);
	if (e->argv_fault && x->fault != H_FAULT_NO) {
		/* What could be read is exact, and the event says it is not whole. */
		cr_expect(e->argv_truncated, "line %zu: argv_fault without argv_truncated",
			  e->line_no);
		while (x->argv && x->argv[n])
			n++;
		if (x->argv)
			cr_expect_leq(e->argc, n,
				      "line %zu: argc %zu, more than the %zu passed: argv %s",
				      e->line_no, e->argc, n, show_argv(e));
		for (i = 0; x->argv && i < n && i < e->argc; i++)
			cr_expect(h_bytes_eqs(&e->argv[i], x->argv[i]),
				  "line %zu: argv[%zu] \"%s\", expected \"%s\"", e->line_no, i,
				  h_show(e->argv[i].ptr, e->argv[i].len),
				  h_show(x->argv[i], strlen(x->argv[i])));
	} else if (x->argv) {
		while (x->argv[n])
			n++;
		cr_expect_eq(e->argc, n, "line %zu: argc %zu, expected %zu: argv %s", e->line_no,
			     e->argc, n, show_argv(e));
		for (i = 0; i < n && i < e->argc; i++)
			cr_expect(h_bytes_eqs(&e->argv[i], x->argv[i]),
				  "line %zu: argv[%zu] \"%s\", expected \"%s\"", e->line_no, i,
				  h_show(e->argv[i].ptr, e->argv[i].len),
				  h_show(x->argv[i], strlen(x->argv[i])));
	}
	if (!e->argv_fault)
		cr_expect_eq(e->argv_truncated, x->truncated,
			     "line %zu: argv_truncated %d, expected %d", e->line_no,
			     e->argv_truncated, x->truncated);
	if (sc != H_ANY) {
		cr_expect_eq(e->syscall_id, sc, "line %zu: syscall_id %lld, expected %lld",
			     e->line_no, e->syscall_id, sc);
		cr_expect_str_eq(e->syscall, sc == 322 ? "execveat" : "execve",
				 "line %zu: syscall %s", e->line_no, e->syscall);
	}
	cr_expect_eq(e->ret, x->ret, "line %zu: ret %lld, expected %lld", e->line_no, e->ret,
		     x->ret);
	if (x->ret == 0)
		cr_expect(e->err[0] == '\0', "line %zu: errno \"%s\", expected null", e->line_no,
			  e->err);
	else
		cr_expect_str_eq(e->err, x->err ? x->err : "?",
				 "line %zu: errno \"%s\", expected %s", e->line_no, e->err,
				 x->err ? x->err : "?");
	if (x->tty)
		cr_expect(e->has_tty && strcmp(e->tty, x->tty) == 0,
			  "line %zu: tty %s, expected \"%s\"", e->line_no,
			  e->has_tty ? e->tty : "null", x->tty);
	else
		cr_expect(!e->has_tty, "line %zu: tty \"%s\", expected null", e->line_no, e->tty);
	cr_expect(e->ts > 0, "line %zu: ts %f", e->line_no, e->ts);
}

/* ---- Workloads ---- */

void h_spawn(struct h_proc *p, unsigned int flags, void (*pre)(void *), void *arg,
	     const char *const *argv)
{
	int gate[2], rep[2];
	pid_t pid;

	memset(p, 0, sizeof(*p));
	if (pipe2(gate, O_CLOEXEC) || pipe2(rep, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	fcntl(rep[0], F_SETPIPE_SZ, 1 << 20);
	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int g = fcntl(gate[0], F_DUPFD_CLOEXEC, 10);
		int r = fcntl(rep[1], F_DUPFD_CLOEXEC, 10);
		int devnull = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_reset_signals();
		if (!(flags & H_NO_SETSID))
			setsid();
		dup2(devnull, 0);
		dup2(g, 3);
		dup2(r, 4);
		if (pre)
			pre(arg);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	track(pid);
	close(gate[0]);
	close(rep[1]);
	p->pid = pid;
	p->gate_fd = gate[1];
	p->rep_fd = rep[0];
	p->rep_cap = H_REP_CAP;
	p->rep = xmalloc(H_REP_CAP);
	p->rep[0] = '\0';
	fcntl(p->rep_fd, F_SETFL, O_NONBLOCK);
	p->pidfd = pidfd_open_(pid);
	if (p->pidfd < 0)
		cr_assert_fail("pidfd_open: %s", strerror(errno));
}

void h_gate(struct h_proc *p)
{
	cr_assert(p->gate_fd >= 0 && write(p->gate_fd, "g", 1) == 1, "cannot open gate of %d",
		  p->pid);
}

void h_gate_all(struct h_proc *p)
{
	if (p->gate_fd >= 0)
		close(p->gate_fd);
	p->gate_fd = -1;
}

static char *find_report(struct h_proc *p, const char *key)
{
	size_t kl = strlen(key);
	char *line = p->rep;

	while (line && *line) {
		char *nl = strchr(line, '\n');

		if (!nl)
			return NULL;
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			line[0] = '#'; /* taken */
			return line + kl + 1;
		}
		line = nl + 1;
	}
	return NULL;
}

long long h_report(struct h_proc *p, const char *key)
{
	uint64_t dl = deadline_in(H_REPORT_TIMEOUT);
	char *v;

	while (!(v = find_report(p, key))) {
		struct pollfd pfd = { .fd = p->rep_fd, .events = POLLIN };

		cr_assert(p->rep_fd >= 0, "no report \"%s\" from %d; got: %s", key, p->pid, p->rep);
		if (poll(&pfd, 1, remaining_ms(dl)) <= 0)
			cr_assert_fail("no report \"%s\" from %d within %d ms; got: %s", key,
				       p->pid, H_REPORT_TIMEOUT, p->rep);
		if (pump(p->rep_fd, &p->rep, &p->rep_len, &p->rep_cap, true) == 0) {
			close(p->rep_fd);
			p->rep_fd = -1;
		}
	}
	return strtoll(v, NULL, 10);
}

int h_proc_wait(struct h_proc *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
	int st;

	if (p->reaped)
		return p->status;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	if (waitpid(p->pid, &st, 0) != p->pid)
		cr_assert_fail("waitpid(%d): %s", p->pid, strerror(errno));
	untrack(p->pid);
	close(p->pidfd);
	p->reaped = true;
	p->status = st;
	if (p->gate_fd >= 0)
		close(p->gate_fd);
	p->gate_fd = -1;
	/* Keep what it reported readable. */
	if (p->rep_fd >= 0) {
		while (pump(p->rep_fd, &p->rep, &p->rep_len, &p->rep_cap, true) > 0)
			;
	}
	return st;
}

void h_proc_done(struct h_proc *p)
{
	int st = h_proc_wait(p, H_EXIT_TIMEOUT);

	cr_assert(st != -1, "workload %d did not finish within %d ms", p->pid, H_EXIT_TIMEOUT);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "workload %d ended with status 0x%x",
		  p->pid, st);
}

/* ---- Negative control ---- */

void h_control_start(struct h_control *c, const char *marker)
{
	int gate[2];
	pid_t pid;

	memset(c, 0, sizeof(*c));
	c->marker = marker;
	if (pipe2(gate, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		char b;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_reset_signals();
		setsid();
		while (read(gate[0], &b, 1) < 0 && errno == EINTR)
			;
		execl("/bin/true", "true", marker, "negative-control", (char *)NULL);
		_exit(127);
	}
	track(pid);
	close(gate[0]);
	c->p.pid = pid;
	c->p.gate_fd = gate[1];
	c->p.rep_fd = -1;
	c->p.pidfd = pidfd_open_(pid);
	if (c->p.pidfd < 0)
		cr_assert_fail("pidfd_open: %s", strerror(errno));
}

void h_control_run(struct h_control *c)
{
	struct pollfd pfd = { .fd = c->p.pidfd, .events = POLLIN };
	int st;

	h_gate(&c->p);
	cr_assert(poll(&pfd, 1, H_EXIT_TIMEOUT) == 1, "negative control did not finish");
	waitpid(c->p.pid, &st, 0);
	untrack(c->p.pid);
	close(c->p.pidfd);
	close(c->p.gate_fd);
	c->p.gate_fd = -1;
	c->p.reaped = true;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "negative control failed: 0x%x", st);
}

void h_control_absent(const struct h_control *c, const struct h_events *evs, const char *raw_path)
{
	size_t i;

	cr_assert(c->p.reaped, "negative control was not run");
	if (evs) {
		for (i = 0; i < evs->n; i++) {
			const struct h_event *e = &evs->ev[i];

			if (e->lost)
				continue;
			cr_assert(e->pid != c->p.pid,
				  "line %zu: the out-of-scope control (pid %d) "
				  "was reported",
				  e->line_no, c->p.pid);
			cr_assert(!h_argv_has(e, "negative-control"),
				  "line %zu: an out-of-scope exec was reported", e->line_no);
		}
	}
	if (raw_path) {
		size_t len;
		char *data = h_read_file(raw_path, &len);

		cr_assert(!memmem(data, len, "negative-control", 16),
			  "the out-of-scope control's exec is in the output");
	}
}

pid_t h_fork_at_pid(pid_t target, const char *const *argv)
{
	int attempt;

	for (attempt = 0; attempt < 500; attempt++) {
		char buf[32];
		int fd, st, len;
		pid_t pid;

		if (kill(target, 0) == 0 || errno != ESRCH) {
			/* Taken, by a zombie or a live process: wait for it to be released. */
			usleep(2000);
			continue;
		}
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			cr_assert_fail("open ns_last_pid: %s", strerror(errno));
		len = snprintf(buf, sizeof(buf), "%d", target - 1);
		if (write(fd, buf, (size_t)len) != len)
			cr_assert_fail("write ns_last_pid: %s", strerror(errno));
		close(fd);
		pid = fork();
		if (pid < 0)
			cr_assert_fail("fork: %s", strerror(errno));
		if (pid == 0) {
			if (getpid() != target)
				_exit(99);
			child_reset_signals();
			setsid();
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		if (pid != target)
			continue;
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "process at reused pid %d failed: 0x%x", target, st);
		return pid;
	}
	return -1;
}

bool h_wait_proc_state(pid_t pid, char c, int timeout_ms)
{
	uint64_t dl = deadline_in(timeout_ms);
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	do {
		char buf[512];
		char *rp;
		ssize_t n;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			rp = strrchr(buf, ')');
			if (rp && rp[1] == ' ' && rp[2] == c)
				return true;
		}
		usleep(1000);
	} while (remaining_ms(dl));
	return false;
}

/* ---- BPF objects ---- */

static bool fdinfo_id(pid_t pid, const char *fd, const char *key, uint32_t *id)
{
	char path[600], buf[2048];
	const char *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, key);
	if (!p)
		return false;
	*id = (uint32_t)strtoul(p + strlen(key), NULL, 10);
	return true;
}

void h_bpf_ids_of(pid_t pid, struct h_bpf_ids *ids)
{
	char path[64], lpath[512], target[128];
	struct dirent *d;
	DIR *dir;

	memset(ids, 0, sizeof(*ids));
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	cr_assert(dir, "opendir %s: %s", path, strerror(errno));
	while ((d = readdir(dir))) {
		ssize_t n;
		uint32_t id;

		if (d->d_name[0] == '.')
			continue;
		snprintf(lpath, sizeof(lpath), "%s/%s", path, d->d_name);
		n = readlink(lpath, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:bpf-prog") == 0 &&
		    fdinfo_id(pid, d->d_name, "prog_id:", &id) && ids->n_progs < 64)
			ids->progs[ids->n_progs++] = id;
		else if (strcmp(target, "anon_inode:bpf_link") == 0 &&
			 fdinfo_id(pid, d->d_name, "link_id:", &id) && ids->n_links < 64)
			ids->links[ids->n_links++] = id;
		else if (strcmp(target, "anon_inode:bpf-map") == 0 &&
			 fdinfo_id(pid, d->d_name, "map_id:", &id) && ids->n_maps < 64)
			ids->maps[ids->n_maps++] = id;
	}
	closedir(dir);
}

bool h_bpf_prog_exists(uint32_t id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOENT;
}

bool h_bpf_link_exists(uint32_t id)
{
	int fd = bpf_link_get_fd_by_id(id);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOENT;
}

void h_bpf_prog_name(uint32_t id, char *name, size_t len)
{
	struct bpf_prog_info info;
	uint32_t ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	name[0] = '\0';
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) == 0)
		snprintf(name, len, "%s", info.name);
	close(fd);
}

void h_bpf_expect_released(const struct h_bpf_ids *ids)
{
	uint64_t dl = deadline_in(10000);
	int i;

	for (;;) {
		int left_p = 0, left_l = 0;
		uint32_t lp = 0, ll = 0;

		for (i = 0; i < ids->n_progs; i++) {
			if (h_bpf_prog_exists(ids->progs[i])) {
				left_p++;
				lp = ids->progs[i];
			}
		}
		for (i = 0; i < ids->n_links; i++) {
			if (h_bpf_link_exists(ids->links[i])) {
				left_l++;
				ll = ids->links[i];
			}
		}
		if (!left_p && !left_l)
			return;
		cr_assert(remaining_ms(dl),
			  "%d BPF programs (e.g. id %u) and %d links (e.g. id %u) still loaded "
			  "10 s after tracer ended",
			  left_p, lp, left_l, ll);
		usleep(5000);
	}
}

long h_proc_state_count(pid_t tracer_pid)
{
	struct h_bpf_ids ids;
	int i;

	h_bpf_ids_of(tracer_pid, &ids);
	for (i = 0; i < ids.n_maps; i++) {
		struct bpf_map_info info;
		uint32_t ilen = sizeof(info), key, next;
		int fd = bpf_map_get_fd_by_id(ids.maps[i]);
		long n = 0;
		void *prev = NULL;

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &ilen) || strcmp(info.name, "proc_state")) {
			close(fd);
			continue;
		}
		cr_assert_eq(info.key_size, sizeof(key), "proc_state key size %u", info.key_size);
		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			n++;
			key = next;
			prev = &key;
			cr_assert(n < 10000000, "proc_state iteration does not end");
		}
		close(fd);
		return n;
	}
	cr_assert_fail("tracer %d holds no map named proc_state", tracer_pid);
	return -1;
}

const char *h_proc_state_dump(pid_t tracer_pid)
{
	struct h_bpf_ids ids;
	const char *out = "";
	int i;

	h_bpf_ids_of(tracer_pid, &ids);
	for (i = 0; i < ids.n_maps; i++) {
		struct bpf_map_info info;
		uint32_t ilen = sizeof(info), key, next;
		int fd = bpf_map_get_fd_by_id(ids.maps[i]);
		void *prev = NULL;
		int n = 0;

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &ilen) || strcmp(info.name, "proc_state")) {
			close(fd);
			continue;
		}
		while (bpf_map_get_next_key(fd, prev, &next) == 0 && n++ < 50) {
			char path[64], buf[256] = "";
			ssize_t r;
			int sf;

			key = next;
			prev = &key;
			snprintf(path, sizeof(path), "/proc/%u/stat", key);
			sf = open(path, O_RDONLY | O_CLOEXEC);
			if (sf >= 0) {
				r = read(sf, buf, sizeof(buf) - 1);
				buf[r > 0 ? r : 0] = '\0';
				close(sf);
				*strchrnul(buf, '\n') = '\0';
			}
			out = h_str("%s [%u: %s]", out, key, sf >= 0 ? buf : "no such process");
		}
		close(fd);
	}
	return out;
}

int h_tracer_wait_self_exit(struct h_tracer *t)
{
	int st = h_tracer_wait_exit(t, H_SELF_EXIT_TIMEOUT);

	if (st == -1) {
		/* Recorded, then stopped the normal way so that the output can be checked too. */
		cr_expect_fail("tracer did not exit by itself within %d ms after the watched "
			       "processes ended; proc_state still holds:%s",
			       H_SELF_EXIT_TIMEOUT, h_proc_state_dump(t->pid));
		st = h_tracer_stop(t, SIGINT);
	}
	return st;
}

size_t h_bpf_progs_named(char names[][32], size_t n_names, uint32_t *ids, size_t max)
{
	uint32_t id = 0;
	size_t n = 0, i;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		char name[32];

		h_bpf_prog_name(id, name, sizeof(name));
		for (i = 0; i < n_names; i++) {
			if (name[0] && strcmp(name, names[i]) == 0 && n < max) {
				ids[n++] = id;
				break;
			}
		}
	}
	return n;
}

bool h_bpf_prog_held(uint32_t id)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	bool held = false;

	if (!proc)
		return true;
	while (!held && (d = readdir(proc))) {
		char path[300], lpath[600], target[64];
		struct dirent *f;
		DIR *fds;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!held && (f = readdir(fds))) {
			ssize_t n;
			uint32_t pid_id;

			if (f->d_name[0] == '.')
				continue;
			snprintf(lpath, sizeof(lpath), "%s/%s", path, f->d_name);
			n = readlink(lpath, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strncmp(target, "anon_inode:bpf", 14) != 0)
				continue;
			if (fdinfo_id((pid_t)atoi(d->d_name), f->d_name, "prog_id:", &pid_id) &&
			    pid_id == id)
				held = true;
		}
		closedir(fds);
	}
	closedir(proc);
	return held;
}

/* ---- Text output ---- */

static void expect_lit(char **p, const char *lit, const char *line)
{
	size_t n = strlen(lit);

	cr_assert(strncmp(*p, lit, n) == 0, "text line: expected \"%s\" at \"%.40s\" in: %s", lit,
		  *p, h_show(line, strlen(line)));
	*p += n;
}

static long long expect_num(char **p, const char *line)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(*p, &end, 10);
	cr_assert(end != *p && errno == 0, "text line: expected a number at \"%.40s\" in: %s", *p,
		  h_show(line, strlen(line)));
	*p = end;
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A C-quoted string ("..." with \" \\ \n \t \r \xNN \uNNNN) at *p. */
static void expect_cquoted(char **p, struct h_bytes *out, const char *line)
{
	char *s = *p, *o;
	size_t n = 0;

	expect_lit(&s, "\"", line);
	o = xmalloc(strlen(s) * 4 + 1);
	while (*s && *s != '"') {
		uint32_t cp;

		if (*s != '\\') {
			o[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case '"':
		case '\\':
			o[n++] = s[1];
			s += 2;
			break;
		case 'n':
			o[n++] = '\n';
			s += 2;
			break;
		case 't':
			o[n++] = '\t';
			s += 2;
			break;
		case 'r':
			o[n++] = '\r';
			s += 2;
			break;
		case 'x':
			cr_assert(hexval(s[2]) >= 0 && hexval(s[3]) >= 0, "bad \\x escape in: %s",
				  h_show(line, strlen(line)));
			o[n++] = (char)(hexval(s[2]) * 16 + hexval(s[3]));
			s += 4;
			break;
		case 'u':
			cr_assert(hex4(s + 2, &cp) == 0, "bad \\u escape in: %s",
				  h_show(line, strlen(line)));
			put_utf8(o, &n, cp);
			s += 6;
			break;
		default:
			cr_assert_fail("bad escape \\%c in: %s", s[1], h_show(line, strlen(line)));
		}
	}
	expect_lit(&s, "\"", line);
	o[n] = '\0';
	out->ptr = o;
	out->len = n;
	*p = s;
}

/*
 * Skips the exec's context fields between tty and the argv label (cwd="...",
 * 0<"...", env: +'A=b c' ...), each a word whose quoted parts ("..." with C
 * escapes, '...', $'...') may hold spaces.
 */
static void skip_context(char **pp)
{
	char *p = *pp;

	while (*p == ' ' && strncmp(p, " argv:", 6) != 0 && strncmp(p, " argv(", 6) != 0) {
		for (p++; *p && *p != ' ';) {
			if (*p == '"' || (p[0] == '$' && p[1] == '\'')) {
				char close = *p == '"' ? '"' : '\'';

				p += close == '"' ? 1 : 2;
				while (*p && *p != close)
					p += p[0] == '\\' && p[1] ? 2 : 1;
				if (*p)
					p++;
			} else if (*p == '\'') {
				p = strchr(p + 1, '\'') ? strchr(p + 1, '\'') + 1 : p + strlen(p);
			} else {
				p++;
			}
		}
	}
	*pp = p;
}

void h_text_parse(char *line, struct h_text *t)
{
	char *p = line, *end;

	memset(t, 0, sizeof(*t));
	h_assert_clean_line(line, strlen(line));
	expect_lit(&p, "[", line);
	t->ts = strtod(p, &end);
	cr_assert(end != p, "text line: bad timestamp in: %s", h_show(line, strlen(line)));
	p = end;
	expect_lit(&p, "] pid=", line);
	t->pid = expect_num(&p, line);
	expect_lit(&p, " tid=", line);
	t->tid = expect_num(&p, line);
	expect_lit(&p, " uid=", line);
	t->uid = expect_num(&p, line);
	expect_lit(&p, " gid=", line);
	t->gid = expect_num(&p, line);
	expect_lit(&p, " syscall_id=", line);
	t->syscall_id = expect_num(&p, line);
	expect_lit(&p, " comm=", line);
	expect_cquoted(&p, &t->comm, line);
	expect_lit(&p, " filename=", line);
	expect_cquoted(&p, &t->filename, line);
	expect_lit(&p, " ppid=", line);
	t->ppid = expect_num(&p, line);
	expect_lit(&p, " ret=", line);
	t->ret = expect_num(&p, line);
	if (strncmp(p, " err=", 5) == 0) {
		size_t n;

		p += 5;
		n = strcspn(p, " ");
		cr_assert(n < sizeof(t->err), "text line: bad err in: %s",
			  h_show(line, strlen(line)));
		memcpy(t->err, p, n);
		p += n;
	}
	expect_lit(&p, " tty=", line);
	if (*p == '"') {
		struct h_bytes b;

		expect_cquoted(&p, &b, line);
		snprintf(t->tty, sizeof(t->tty), "%s", b.ptr);
	} else {
		size_t n = strcspn(p, " ");

		cr_assert(n < sizeof(t->tty), "text line: bad tty in: %s",
			  h_show(line, strlen(line)));
		memcpy(t->tty, p, n);
		p += n;
	}
	skip_context(&p);
	expect_lit(&p, " ", line);
	end = strchr(p, ':');
	cr_assert(end && (size_t)(end - p) < sizeof(t->label), "text line: no argv label in: %s",
		  h_show(line, strlen(line)));
	memcpy(t->label, p, (size_t)(end - p));
	cr_assert(strcmp(t->label, "argv") == 0 || strcmp(t->label, "argv(truncated)") == 0 ||
			  strcmp(t->label, "argv(unreadable)") == 0,
		  "text line: bad argv label \"%s\"", t->label);
	t->words = end + 1;
}

void h_shell_words(const char *words, const char *lc_all, char **out, size_t *len)
{
	const char *script = h_str("printf '%%s\\0'%s", words);
	const char *env = h_str("LC_ALL=%s", lc_all);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int pfd[2], st;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { "bash", "--norc", "--noprofile", "-c", (char *)script, NULL };
		char *const envp[] = { (char *)env, "PATH=/usr/bin:/bin", NULL };

		child_reset_signals();
		dup2(pfd[1], 1);
		execve("/bin/bash", argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while (pump(pfd[0], &buf, &n, &cap, false) != 0)
		;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bash failed (0x%x) on: %s", st,
		  h_show(words, strlen(words)));
	if (!buf)
		buf = calloc(1, 1);
	*out = pool_add(buf);
	*len = n;
}
