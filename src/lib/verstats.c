// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * BPF_LOG_STATS (log level 4) makes the kernel write only a few lines per
 * program ("verification time N usec", "processed N insns ..."), so a small
 * buffer each is enough and the verification is not slowed as a full log
 * would slow it. A failed load is loaded again without them (core.c): with a
 * buffer of its own, libbpf does not fetch the full log of a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verstats.h"

#define VERSTATS_LOG_BYTES 1024
#define BPF_LOG_STATS 4

struct verstats {
	size_t n;
	char logs[][VERSTATS_LOG_BYTES];
};

struct verstats *verstats_request(struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct verstats *vs;
	size_t n = 0;

	bpf_object__for_each_program(prog, obj)
		n++;
	vs = calloc(1, sizeof(*vs) + n * sizeof(vs->logs[0]));
	if (!vs)
		return NULL;
	vs->n = n;
	n = 0;
	bpf_object__for_each_program(prog, obj) {
		bpf_program__set_log_level(prog, BPF_LOG_STATS);
		bpf_program__set_log_buf(prog, vs->logs[n++], VERSTATS_LOG_BYTES);
	}
	return vs;
}

/* The number after key in log, or -1. */
static long long log_number(const char *log, const char *key)
{
	const char *p = strstr(log, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

void verstats_print(const struct verstats *vs, struct bpf_object *obj)
{
	struct bpf_program *prog;
	size_t n = 0;

	if (!vs)
		return;
	bpf_object__for_each_program(prog, obj) {
		const char *log = vs->logs[n++];

		if (!bpf_program__autoload(prog))
			continue;
		fprintf(stderr, "tracer: verifier: %s: %lld insns processed, %.1f ms\n",
			bpf_program__name(prog), log_number(log, "processed "),
			log_number(log, "verification time ") / 1e3);
	}
}

void verstats_free(struct verstats *vs)
{
	free(vs);
}
