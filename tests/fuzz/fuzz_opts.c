// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * opts_parse on an argv made from the input (NUL-separated words after
 * "tracer"): it returns one of its documented codes, its messages are whole
 * lines, and what it accepted is within the documented limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "wire.h"
#include "fuzz_check.h"
#include "opts.h"

#define FUZZ_MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_WORDS + 2];
	char *copy = malloc(size + 1), *p, *end;
	char *out_buf = NULL, *err_buf = NULL;
	size_t out_len = 0, err_len = 0;
	struct cli_opts opts;
	FILE *out, *err;
	int argc = 0, ret;

	FUZZ_ASSERT(copy);
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = "tracer";
	for (p = copy, end = copy + size; p <= end && argc <= FUZZ_MAX_WORDS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	out = open_memstream(&out_buf, &out_len);
	err = open_memstream(&err_buf, &err_len);
	FUZZ_ASSERT(out && err);
	ret = opts_parse(argc, argv, &opts, out, err);
	FUZZ_ASSERT(fclose(out) == 0 && fclose(err) == 0);

	FUZZ_ASSERT(ret == -1 || ret == TRACER_EXIT_OK || ret == TRACER_EXIT_USAGE);
	if (ret == TRACER_EXIT_USAGE) {
		/* One message, one line, starting with the program's name. */
		FUZZ_ASSERT(err_len > 0 && err_buf[err_len - 1] == '\n');
		FUZZ_ASSERT(strncmp(err_buf, "tracer: ", 8) == 0);
	}
	if (ret == -1) {
		FUZZ_ASSERT(opts.lib.n_pids > 0 || opts.lib.n_ttys > 0 || opts.command ||
			    opts.lib.system_wide);
		FUZZ_ASSERT(opts.lib.n_pids <= TRACER_MAX_ROOTS &&
			    opts.lib.n_ttys <= TRACER_MAX_TTYS);
		/* max_args 0: no count cap (the default). */
		FUZZ_ASSERT(opts.lib.max_args <= TRACER_MAX_ARGS_LIMIT);
		FUZZ_ASSERT(opts.lib.max_arg_bytes >= 1 &&
			    opts.lib.max_arg_bytes <= TRACER_MAX_ARG_BYTES_LIMIT);
		FUZZ_ASSERT(opts.lib.ringbuf_bytes >= 4096 &&
			    (opts.lib.ringbuf_bytes & (opts.lib.ringbuf_bytes - 1)) == 0);
		for (size_t i = 0; i < opts.lib.n_pids; i++)
			FUZZ_ASSERT(opts.pids[i] >= 1 && opts.pids[i] <= 4194304);
		if (opts.command)
			FUZZ_ASSERT(opts.command_argc >= 1 && opts.command[0]);
		opts_free(&opts);
	}
	free(out_buf);
	free(err_buf);
	free(copy);
	return 0;
}
