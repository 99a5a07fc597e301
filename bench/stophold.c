// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * stophold PID fixed|dynamic [PATTERN...]: a libtracer handle on PID's tree
 * with these stop patterns, fixed at load (read-only data, --stop-at) or
 * live in a map (stop_at_dynamic, --tui's breakpoints), that drains its
 * events until SIGINT or SIGTERM. scripts/bench's storm configurations
 * stop-fixed and stop-dynamic run it to compare the BPF time per exec of
 * the two (what issue 25 asks measured); tracer itself has no option that
 * makes the patterns live without the full screen.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracer/tracer.h>

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	(void)sig;
	done = 1;
}

int main(int argc, char **argv)
{
	struct tracer_options o;
	struct tracer *t;
	uint32_t pid;
	int ret;

	if (argc < 3 || (strcmp(argv[2], "fixed") && strcmp(argv[2], "dynamic"))) {
		fprintf(stderr, "usage: stophold PID fixed|dynamic [PATTERN...]\n");
		return 2;
	}
	pid = (uint32_t)strtoul(argv[1], NULL, 10);
	tracer_options_init(&o);
	o.pids = &pid;
	o.n_pids = 1;
	o.stop_at = (const char *const *)argv + 3;
	o.n_stop_at = (size_t)argc - 3;
	o.stop_at_dynamic = !strcmp(argv[2], "dynamic");
	/* The events are counted and dropped: only the kernel side is measured. */
	ret = tracer_create(&o, &t);
	if (ret) {
		fprintf(stderr, "stophold: %s\n", tracer_last_error(NULL));
		return 1;
	}
	ret = tracer_start(t);
	if (ret) {
		fprintf(stderr, "stophold: %s\n", tracer_last_error(t));
		tracer_destroy(t);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "stophold: ready\n");
	while (!done) {
		ret = tracer_poll(t, 200);
		if (ret == 1 || (ret < 0 && ret != -EINTR))
			break;
	}
	tracer_destroy(t);
	return 0;
}
