// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Breakpoints under --tui (tui_breaks.h). The patterns are the library's
 * (tracer_set_stop_at() checks them and replaces the whole set at once);
 * this keeps the last few sets, so that a stop event, which names its
 * pattern by index in the set it matched in, is shown with that pattern's
 * text even after the set changed. A stopped process is held by a pidfd
 * taken as soon as its stop event arrives (onstop.h's pieces, which check
 * that the pid is still that process), so that continue, kill and the end
 * never signal a pid the kernel gave to another process meanwhile.
 *
 * Under --tui the view holds every stop: the on-stop sink steps aside
 * (sink_onstop.c), so a process is continued once, here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "escape.h"
#include "onstop.h"
#include "tui_breaks.h"
#include "tui_term.h"

/* The sets kept to name a stop's pattern: more than the library's 8, which it may report. */
#define PATTERN_SETS 16
/* tracer_stop_event.pattern_generation counts modulo 2^24. */
#define GENERATION_MASK 0xffffffu
/* How long tmux new-window may take before it is given up. */
#define TMUX_TIMEOUT_MS 5000

struct pattern_set {
	bool valid;
	uint32_t generation;
	size_t n;
	char *pattern[TRACER_STOP_PATTERNS_MAX];
};

struct held_stop {
	struct tui_stopped pub; /* first: tui_breaks_stopped() hands it out */
	int pidfd;
	uint64_t start_ns; /* tells its exit event from a later process's with its pid */
};

struct tui_breaks {
	struct tracer *t;
	uint32_t generation; /* the current set's */
	struct pattern_set sets[PATTERN_SETS]; /* by generation modulo PATTERN_SETS */
	struct held_stop held[TUI_BREAKS_HELD_MAX]; /* oldest first */
	size_t n_held;
	uint64_t n_dropped;
};

static struct pattern_set *current(const struct tui_breaks *b)
{
	return (struct pattern_set *)&b->sets[b->generation % PATTERN_SETS];
}

static void set_clear(struct pattern_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->pattern[i]);
	memset(s, 0, sizeof(*s));
}

/* Copies patterns into the slot of generation: 0, or -1 out of memory (the slot then empty). */
static int set_store(struct tui_breaks *b, uint32_t generation, const char *const *patterns,
		     size_t n)
{
	struct pattern_set *s = &b->sets[generation % PATTERN_SETS];
	size_t i;

	set_clear(s);
	for (i = 0; i < n; i++) {
		s->pattern[i] = strdup(patterns[i]);
		if (!s->pattern[i]) {
			s->n = i;
			set_clear(s);
			return -1;
		}
	}
	s->n = n;
	s->generation = generation;
	s->valid = true;
	return 0;
}

struct tui_breaks *tui_breaks_new(struct tracer *t, const char *const *patterns, size_t n)
{
	struct tui_breaks *b;

	if (n > TRACER_STOP_PATTERNS_MAX)
		n = TRACER_STOP_PATTERNS_MAX;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->t = t;
	/* The run's own patterns are set 0 (tracer_options.stop_at). */
	if (set_store(b, 0, patterns, n)) {
		free(b);
		return NULL;
	}
	return b;
}

/* Makes patterns (n) the library's set, then the current one. 0, or -1 with the reason. */
static int replace_set(struct tui_breaks *b, const char *const *patterns, size_t n, char *err,
		       size_t errlen)
{
	uint32_t next = (b->generation + 1) & GENERATION_MASK;
	int ret;

	ret = tracer_set_stop_at(b->t, patterns, n);
	if (ret) {
		snprintf(err, errlen, "%s",
			 ret == -ENOMEM ? "out of memory" : tracer_last_error(b->t));
		return -1;
	}
	/* The kernel has the new set: it is current even if its copy here fails. */
	b->generation = next;
	if (set_store(b, next, patterns, n)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int tui_breaks_add(struct tui_breaks *b, const char *pattern, char *err, size_t errlen)
{
	const struct pattern_set *s = current(b);
	const char *next[TRACER_STOP_PATTERNS_MAX + 1];
	size_t i;

	if (!s->valid) {
		snprintf(err, errlen, "the patterns are unknown (out of memory)");
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		if (!strcmp(s->pattern[i], pattern)) {
			snprintf(err, errlen, "'%s' is already a stop pattern", pattern);
			return -1;
		}
		next[i] = s->pattern[i];
	}
	/* One more than allowed is the library's to refuse, with its reason. */
	next[s->n] = pattern;
	return replace_set(b, next, s->n + 1, err, errlen);
}

int tui_breaks_remove(struct tui_breaks *b, size_t i, char *err, size_t errlen)
{
	const struct pattern_set *s = current(b);
	const char *next[TRACER_STOP_PATTERNS_MAX];
	size_t j, n = 0;

	if (!s->valid || i >= s->n) {
		snprintf(err, errlen, "no stop pattern %zu", i + 1);
		return -1;
	}
	for (j = 0; j < s->n; j++)
		if (j != i)
			next[n++] = s->pattern[j];
	return replace_set(b, next, n, err, errlen);
}

size_t tui_breaks_count(const struct tui_breaks *b)
{
	return current(b)->n;
}

const char *tui_breaks_pattern(const struct tui_breaks *b, size_t i)
{
	const struct pattern_set *s = current(b);

	return i < s->n ? s->pattern[i] : NULL;
}

/*
 * The text of the pattern that stopped e: the library's for the last 8 sets
 * (it knows best), else from the set kept here that it matched in.
 */
static const char *stop_pattern(const struct tui_breaks *b, const struct tracer_event *ev)
{
	const struct tracer_stop_event *e = &ev->stop;
	uint32_t generation = 0;
	const struct pattern_set *s;

	if (e->pattern && *e->pattern)
		return e->pattern;
	if (TRACER_EVENT_HAS(ev, stop.pattern_generation))
		generation = e->pattern_generation & GENERATION_MASK;
	s = &b->sets[generation % PATTERN_SETS];
	if (s->valid && s->generation == generation && e->pattern_index < s->n)
		return s->pattern[e->pattern_index];
	return "(a pattern since replaced)";
}

/* The stopped program's arguments as shell words, escaped; NULL when out of memory. */
static char *render_cmdline(const struct tracer_stop_event *e)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);
	int ret = 0;

	if (!f)
		return NULL;
	if (!e->argc)
		ret = escape_shell_command_word(f, e->filename.ptr, e->filename.len);
	for (i = 0; i < e->argc && ret >= 0; i++) {
		if (i)
			fputc(' ', f);
		ret = (i ? escape_shell_word : escape_shell_command_word)(f, e->argv[i].ptr,
									  e->argv[i].len);
	}
	if (e->argv_truncated)
		fputs(" ...", f);
	if (fclose(f) || ret < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void held_free(struct held_stop *h)
{
	close(h->pidfd);
	free(h->pub.cmdline);
	free(h->pub.pattern);
}

/* Lets held process i go from the list (what to send it is the caller's). */
static void release(struct tui_breaks *b, size_t i)
{
	held_free(&b->held[i]);
	memmove(&b->held[i], &b->held[i + 1], (b->n_held - i - 1) * sizeof(b->held[0]));
	b->n_held--;
}

/* The held processes that have gone (killed from elsewhere, their exit event not seen). */
static void drop_gone(struct tui_breaks *b)
{
	size_t i = 0;

	while (i < b->n_held) {
		if (onstop_pidfd_signal(b->held[i].pidfd, 0) == -ESRCH)
			release(b, i);
		else
			i++;
	}
}

/* A stop that cannot be held (list full, out of memory) goes on at once, counted. */
static void let_go(struct tui_breaks *b, int pidfd)
{
	onstop_pidfd_signal(pidfd, SIGCONT);
	close(pidfd);
	b->n_dropped++;
}

static void hold_stop(struct tui_breaks *b, const struct tracer_event *ev)
{
	const struct tracer_stop_event *e = &ev->stop;
	struct held_stop *h;
	int fd;

	/* The kernel could not stop it: nothing to hold. */
	if (e->error)
		return;
	fd = onstop_pidfd_open((pid_t)e->pid, e->start_boottime_ns);
	if (fd < 0)
		return; /* gone already, or its pid is another process's by now */
	if (b->n_held == TUI_BREAKS_HELD_MAX)
		drop_gone(b);
	if (b->n_held == TUI_BREAKS_HELD_MAX) {
		let_go(b, fd);
		return;
	}
	h = &b->held[b->n_held];
	memset(h, 0, sizeof(*h));
	h->pidfd = fd;
	h->start_ns = e->start_ns;
	h->pub.pid = (pid_t)e->pid;
	h->pub.ts_ns = ev->ts_ns;
	h->pub.cmdline = render_cmdline(e);
	h->pub.pattern = strdup(stop_pattern(b, ev));
	if (!h->pub.cmdline || !h->pub.pattern) {
		free(h->pub.cmdline);
		free(h->pub.pattern);
		let_go(b, fd);
		return;
	}
	b->n_held++;
}

void tui_breaks_event(struct tui_breaks *b, const struct tracer_event *ev)
{
	size_t i;

	if (ev->type == TRACER_EVENT_STOP) {
		hold_stop(b, ev);
		return;
	}
	if (ev->type != TRACER_EVENT_EXIT)
		return;
	for (i = 0; i < b->n_held; i++) {
		if (b->held[i].pub.pid == (pid_t)ev->exit.pid &&
		    (!ev->exit.start_ns || ev->exit.start_ns == b->held[i].start_ns)) {
			release(b, i);
			return;
		}
	}
}

size_t tui_breaks_n_stopped(const struct tui_breaks *b)
{
	return b->n_held;
}

const struct tui_stopped *tui_breaks_stopped(const struct tui_breaks *b, size_t i)
{
	return i < b->n_held ? &b->held[i].pub : NULL;
}

uint64_t tui_breaks_n_dropped(const struct tui_breaks *b)
{
	return b->n_dropped;
}

/* Sends sig to held process i, then lets it go. 0, or -1 with a reason. */
static int signal_and_release(struct tui_breaks *b, size_t i, int sig, char *err, size_t errlen)
{
	pid_t pid;
	int ret;

	if (i >= b->n_held) {
		snprintf(err, errlen, "no stopped process %zu", i + 1);
		return -1;
	}
	pid = b->held[i].pub.pid;
	ret = onstop_pidfd_signal(b->held[i].pidfd, sig);
	/* A killed process dies now, even if a debugger stopped it again. */
	if (!ret && sig == SIGKILL)
		onstop_pidfd_signal(b->held[i].pidfd, SIGCONT);
	release(b, i);
	if (ret == -ESRCH) {
		snprintf(err, errlen, "process %d has already ended", (int)pid);
		return -1;
	}
	if (ret) {
		snprintf(err, errlen, "cannot signal process %d: %s", (int)pid, strerror(-ret));
		return -1;
	}
	return 0;
}

int tui_breaks_continue(struct tui_breaks *b, size_t i, char *err, size_t errlen)
{
	return signal_and_release(b, i, SIGCONT, err, errlen);
}

int tui_breaks_kill(struct tui_breaks *b, size_t i, char *err, size_t errlen)
{
	return signal_and_release(b, i, SIGKILL, err, errlen);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* tmux's first line on standard error, made printable, into err. */
static void tmux_reason(int fd, char *err, size_t errlen)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	size_t i;

	if (n <= 0) {
		snprintf(err, errlen, "tmux new-window failed");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
	snprintf(err, errlen, "tmux new-window failed: %s", buf);
}

/* Waits for the tmux client: its wait status, or -1 when it took too long (then killed). */
static int tmux_wait(pid_t child)
{
	uint64_t end = now_ms() + TMUX_TIMEOUT_MS;
	struct timespec tick = { 0, 5 * 1000000 };
	int status;

	while (now_ms() < end) {
		pid_t r = waitpid(child, &status, WNOHANG | WUNTRACED);

		if (r == child && WIFSTOPPED(status)) {
			/* A breakpoint of the user's (say "tmux") stops tracer's own client too. */
			kill(child, SIGCONT);
			continue;
		}
		if (r == child)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		nanosleep(&tick, NULL);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return -1;
}

/* Runs argv (tmux new-window ...) as tracer's user, quietly. 0, or -1 with a reason. */
static int run_tmux(char *const argv[], char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, none;
	int pipefd[2], ret, status;
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot run tmux: %s", strerror(errno));
		return -1;
	}
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	/* What tracer set up for itself is not tmux's. */
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_init(&fa);
	/* The screen is the view's: tmux says nothing on it. */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	ret = posix_spawnp(&child, "tmux", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	if (ret) {
		snprintf(err, errlen, "cannot run tmux: %s", strerror(ret));
		close(pipefd[0]);
		return -1;
	}
	status = tmux_wait(child);
	if (status == -1)
		snprintf(err, errlen, "tmux new-window did not answer");
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		tmux_reason(pipefd[0], err, errlen);
	close(pipefd[0]);
	return status == 0 ? 0 : -1;
}

int tui_breaks_debug(struct tui_breaks *b, size_t i, struct tui_term *pane, char *err,
		     size_t errlen)
{
	char pid[16], name[32];
	char *gdb[] = { "gdb", "-p", pid, NULL };
	char *tmux[] = { "tmux", "new-window", "-n", name, "gdb", "-p", pid, NULL };
	const char *inside = getenv("TMUX");

	if (i >= b->n_held) {
		snprintf(err, errlen, "no stopped process %zu", i + 1);
		return -1;
	}
	if (onstop_pidfd_signal(b->held[i].pidfd, 0) == -ESRCH) {
		snprintf(err, errlen, "process %d has already ended", (int)b->held[i].pub.pid);
		release(b, i);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%d", (int)b->held[i].pub.pid);
	snprintf(name, sizeof(name), "gdb %s", pid);
	if (pane && tui_term_free_for_use(pane))
		return tui_term_spawn(pane, gdb, err, errlen);
	if (inside && *inside)
		return run_tmux(tmux, err, errlen);
	if (pane)
		snprintf(
			err, errlen,
			"the command's pane is busy and tracer is not inside tmux: run gdb -p %s in another terminal",
			pid);
	else
		snprintf(
			err, errlen,
			"there is no command's pane and tracer is not inside tmux: run gdb -p %s in another terminal",
			pid);
	return -1;
}

void tui_breaks_free(struct tui_breaks *b)
{
	size_t i;

	if (!b)
		return;
	/* Nothing stays frozen behind tracer, but what a debugger holds. */
	for (i = 0; i < b->n_held; i++) {
		if (!onstop_pidfd_signal(b->held[i].pidfd, 0) &&
		    onstop_stopped_untraced(b->held[i].pub.pid))
			onstop_pidfd_signal(b->held[i].pidfd, SIGCONT);
		held_free(&b->held[i]);
	}
	for (i = 0; i < PATTERN_SETS; i++)
		set_clear(&b->sets[i]);
	free(b);
}
