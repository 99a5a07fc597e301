// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --stop-at's stopped processes: held, handed to --on-stop, resumed at the end (onstop.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "onstop.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

void onstop_init(struct onstop *s, const char *cmd, unsigned int max_running, bool verbose)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->max_running = max_running ? max_running : ONSTOP_MAX_DEFAULT;
	s->verbose = verbose;
}

/* Field 22 of /proc/PID/stat (starttime, clock ticks since boot), or 0. */
static unsigned long long proc_starttime(pid_t pid, char *state)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	p += 2;
	if (state)
		*state = *p;
	/* p is at field 3 (state). */
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

/* Whether pid is still the process the event named: same start time. */
static bool same_process(pid_t pid, uint64_t start_boottime_ns)
{
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long long ticks;

	if (hz <= 0)
		return true;
	ticks = proc_starttime(pid, NULL);
	return ticks && ticks == start_boottime_ns / (1000000000ull / (unsigned long long)hz);
}

/* The processes that have gone since they were held: their slots freed. */
static void drop_gone(struct onstop *s)
{
	size_t i = 0;

	while (i < s->n_procs) {
		if (pidfd_signal(s->procs[i].pidfd, 0) && errno == ESRCH) {
			close(s->procs[i].pidfd);
			s->procs[i] = s->procs[--s->n_procs];
			continue;
		}
		i++;
	}
}

int onstop_pidfd_open(pid_t pid, uint64_t start_boottime_ns)
{
	int fd;

	fd = pidfd_open_(pid);
	if (fd < 0)
		return -errno;
	/* Opened after the stop: make sure it is still that process, not a reused pid. */
	if (!same_process(pid, start_boottime_ns)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int onstop_pidfd_signal(int pidfd, int sig)
{
	return pidfd_signal(pidfd, sig) ? -errno : 0;
}

static int hold(struct onstop *s, pid_t pid, uint64_t start_boottime_ns)
{
	struct onstop_proc *tmp;
	int fd;

	fd = onstop_pidfd_open(pid, start_boottime_ns);
	if (fd < 0)
		return fd;
	if (s->n_procs == s->cap_procs)
		drop_gone(s);
	if (s->n_procs == s->cap_procs) {
		tmp = realloc(s->procs, (s->cap_procs ? 2 * s->cap_procs : 16) * sizeof(*tmp));
		if (!tmp) {
			close(fd);
			return -ENOMEM;
		}
		s->procs = tmp;
		s->cap_procs = s->cap_procs ? 2 * s->cap_procs : 16;
	}
	s->procs[s->n_procs].pid = pid;
	s->procs[s->n_procs].pidfd = fd;
	s->procs[s->n_procs].held_ns = now_ns();
	s->procs[s->n_procs].reminded = false;
	s->n_procs++;
	return 0;
}

int onstop_expand(const char *cmd, pid_t pid, char *buf, size_t size)
{
	char num[16];
	size_t len = 0, n;
	const char *p;

	snprintf(num, sizeof(num), "%d", (int)pid);
	for (p = cmd; *p;) {
		if (!strncmp(p, "{pid}", 5)) {
			n = strlen(num);
			if (len + n >= size)
				return -1;
			memcpy(buf + len, num, n);
			len += n;
			p += 5;
			continue;
		}
		if (len + 1 >= size)
			return -1;
		buf[len++] = *p++;
	}
	if (len >= size)
		return -1;
	buf[len] = '\0';
	return (int)len;
}

static void run_command(struct onstop *s, pid_t pid, FILE *err)
{
	size_t size = strlen(s->cmd) * 3 + 32; /* "{pid}": 5 bytes, a pid at most 7 */
	char *line = malloc(size), num[16];
	pid_t *tmp, child;
	sigset_t none;
	int sig;

	if (!line || onstop_expand(s->cmd, pid, line, size) < 0) {
		fprintf(err, "tracer: --on-stop: out of memory\n");
		free(line);
		return;
	}
	if (s->n_running == s->cap_running) {
		tmp = realloc(s->running, (s->cap_running ? 2 * s->cap_running : 8) * sizeof(*tmp));
		if (!tmp) {
			fprintf(err, "tracer: --on-stop: out of memory\n");
			free(line);
			return;
		}
		s->running = tmp;
		s->cap_running = s->cap_running ? 2 * s->cap_running : 8;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(err, "tracer: --on-stop: cannot fork: %s\n", strerror(errno));
		free(line);
		return;
	}
	if (child == 0) {
		/* What tracer set up for itself is not the command's. */
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		snprintf(num, sizeof(num), "%d", (int)pid);
		setenv("TRACER_STOP_PID", num, 1);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	free(line);
	s->running[s->n_running++] = child;
}

/* Grows a pid array by one slot; false when out of memory. */
static bool pids_reserve(pid_t **v, size_t n, size_t *cap)
{
	pid_t *tmp;

	if (n < *cap)
		return true;
	tmp = realloc(*v, (*cap ? 2 * *cap : 8) * sizeof(*tmp));
	if (!tmp)
		return false;
	*v = tmp;
	*cap = *cap ? 2 * *cap : 8;
	return true;
}

/* The pidfd that holds pid, or -1 when it is not held (gone, let go). */
static int held_pidfd(const struct onstop *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->n_procs; i++)
		if (s->procs[i].pid == pid)
			return s->procs[i].pidfd;
	return -1;
}

/* Starts queued commands while slots are free; skips processes gone meanwhile. */
static void run_queued(struct onstop *s, FILE *err)
{
	size_t next = 0;
	pid_t pid;
	int fd;

	while (next < s->n_queue && s->n_running < s->max_running && !s->ending) {
		pid = s->queue[next++];
		fd = held_pidfd(s, pid);
		if (fd >= 0 && !pidfd_signal(fd, 0))
			run_command(s, pid, err);
	}
	memmove(s->queue, s->queue + next, (s->n_queue - next) * sizeof(*s->queue));
	s->n_queue -= next;
}

void onstop_event(struct onstop *s, const struct tracer_stop_event *e, FILE *err)
{
	int ret;

	if (e->error)
		return;
	ret = hold(s, (pid_t)e->pid, e->start_boottime_ns);
	if (ret) {
		/* Gone already (killed), or another process by now: nothing to hand over. */
		if (s->verbose || ret != -ESRCH)
			fprintf(err, "tracer: stopped process %" PRIu32 " cannot be held: %s\n",
				e->pid, strerror(-ret));
		return;
	}
	if (!s->cmd || s->ending)
		return;
	if (s->n_running < s->max_running && !s->n_queue) {
		run_command(s, (pid_t)e->pid, err);
		return;
	}
	if (!pids_reserve(&s->queue, s->n_queue, &s->cap_queue)) {
		fprintf(err, "tracer: --on-stop: out of memory\n");
		return;
	}
	s->queue[s->n_queue++] = (pid_t)e->pid;
	s->queued++;
}

void onstop_reap(struct onstop *s, FILE *err)
{
	size_t i = 0;
	int status;

	while (i < s->n_running) {
		if (waitpid(s->running[i], &status, WNOHANG) == s->running[i]) {
			s->running[i] = s->running[--s->n_running];
			continue;
		}
		i++;
	}
	if (s->n_queue)
		run_queued(s, err);
}

bool onstop_stopped_untraced(pid_t pid)
{
	char path[64], line[256];
	bool stopped = false, traced = true;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "State:", 6))
			stopped = line[6 + strspn(line + 6, " \t")] == 'T';
		else if (!strncmp(line, "TracerPid:", 10))
			traced = strtol(line + 10, NULL, 10) != 0;
	}
	fclose(f);
	return stopped && !traced;
}

void onstop_remind(struct onstop *s, uint64_t now, FILE *err)
{
	struct onstop_proc *p;
	size_t i;

	for (i = 0; i < s->n_procs; i++) {
		p = &s->procs[i];
		if (p->reminded || now - p->held_ns < ONSTOP_REMIND_NS)
			continue;
		p->reminded = true;
		if (!pidfd_signal(p->pidfd, 0) && onstop_stopped_untraced(p->pid))
			fprintf(err,
				"tracer: process %d is still stopped at its exec: gdb -p %d, or "
				"kill -CONT %d (tracer resumes it when it ends)\n",
				(int)p->pid, (int)p->pid, (int)p->pid);
	}
}

size_t onstop_resume_all(struct onstop *s, FILE *err)
{
	size_t i, resumed = 0;

	s->ending = true;
	s->not_run += s->n_queue;
	s->n_queue = 0;
	for (i = 0; i < s->n_procs; i++) {
		struct onstop_proc *p = &s->procs[i];

		/* Alive (the pidfd says so: never another process), then its state. */
		if (!pidfd_signal(p->pidfd, 0) && onstop_stopped_untraced(p->pid) &&
		    !pidfd_signal(p->pidfd, SIGCONT)) {
			resumed++;
			fprintf(err, "tracer: resumed process %d, still stopped at its exec\n",
				(int)p->pid);
		}
		close(p->pidfd);
	}
	s->n_procs = 0;
	onstop_reap(s, err);
	return resumed;
}

void onstop_free(struct onstop *s)
{
	size_t i;

	for (i = 0; i < s->n_procs; i++)
		close(s->procs[i].pidfd);
	free(s->procs);
	free(s->running);
	free(s->queue);
	memset(s, 0, sizeof(*s));
}
