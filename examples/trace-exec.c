// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * trace-exec: runs COMMAND and prints every program it and its descendants
 * execute, until it exits. An example of libtracer's public API:
 *
 *	cc trace-exec.c $(pkg-config --cflags --libs libtracer) -o trace-exec
 *	sudo ./trace-exec /bin/sh -c '/bin/true x'
 *
 * The child is held on a pipe until tracer_start() watches its pid, so its
 * own exec is the first event.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <tracer/tracer.h>

struct run {
	pid_t child;
	int done;
};

static int on_event(void *ctx, const struct tracer_event *ev)
{
	struct run *run = ctx;
	const struct tracer_exec_event *e = &ev->exec;
	uint32_t i;

	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		/* The strings live until this callback returns: print them now. */
		printf("exec pid=%u ppid=%u ret=%d argv:", e->pid, e->ppid, e->ret);
		for (i = 0; i < e->argc; i++)
			printf(" %.*s", (int)e->argv[i].len, e->argv[i].ptr);
		printf("\n");
		break;
	case TRACER_EVENT_EXIT:
		if (ev->exit.pid == (uint32_t)run->child)
			run->done = 1;
		break;
	case TRACER_EVENT_LOST:
		printf("lost %llu events\n", (unsigned long long)ev->lost.count);
		break;
	default:
		break;
	}
	return 0;
}

/* The child: waits for the go-ahead byte, then executes the command. */
static void child_main(int go_fd, char **argv)
{
	char go;

	if (read(go_fd, &go, 1) != 1)
		_exit(127); /* the parent gave up */
	close(go_fd);
	execvp(argv[0], argv);
	fprintf(stderr, "trace-exec: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	struct tracer *t = NULL;
	struct run run = { 0 };
	uint32_t pid;
	int go[2], err, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: trace-exec COMMAND [ARG...]\n");
		return 2;
	}
	if (pipe(go)) {
		perror("trace-exec: pipe");
		return 1;
	}
	run.child = fork();
	if (run.child < 0) {
		perror("trace-exec: fork");
		return 1;
	}
	if (run.child == 0) {
		close(go[1]);
		child_main(go[0], &argv[1]);
	}
	close(go[0]);

	/* Watch the child (and its descendants): execs, and exits to know when to stop. */
	pid = (uint32_t)run.child;
	TRACER_OPTS(opts, .pids = &pid, .n_pids = 1,
		    .events = TRACER_EVENT_BIT(TRACER_EVENT_EXEC) |
			      TRACER_EVENT_BIT(TRACER_EVENT_EXIT),
		    .on_event = on_event, .ctx = &run);
	err = tracer_create(&opts, &t);
	if (!err)
		err = tracer_start(t);
	if (err) {
		/* Why: the handle's reason, or (t still NULL) tracer_create()'s. */
		fprintf(stderr, "trace-exec: %s (%s)\n", tracer_strerror(err),
			tracer_last_error(t));
		close(go[1]); /* the child exits without executing anything */
		tracer_destroy(t);
		waitpid(run.child, NULL, 0);
		return 1;
	}

	/* Watched: let the child go. */
	if (write(go[1], "x", 1) != 1)
		perror("trace-exec: write");
	close(go[1]);

	while (!run.done) {
		err = tracer_poll(t, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "trace-exec: %s\n", tracer_strerror(err));
			break;
		}
	}
	tracer_stop(t);
	tracer_destroy(t);
	waitpid(run.child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
