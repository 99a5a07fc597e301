// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * tracer_decode on arbitrary bytes (short, oversized, lengths that lie):
 * it accepts or refuses, and what it accepts points only inside the record
 * and the argument array.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "decode.h"
#include "fuzz_check.h"
#include "wire.h"

#define FUZZ_ARGV_CAP 64

static void check_inside(const char *rec, size_t size, struct tracer_bytes b)
{
	if (b.len == 0)
		return;
	FUZZ_ASSERT(b.ptr >= rec && b.ptr <= rec + size);
	FUZZ_ASSERT(b.len <= (size_t)(rec + size - b.ptr));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracer_bytes argv[FUZZ_ARGV_CAP];
	struct tracer_decode_limits lim = { .max_args = FUZZ_ARGV_CAP, .epoch_ns = 1000 };
	struct tracer_event ev;
	char *rec;
	int ret;

	/* The first byte picks the argument limit, as --max-args would. */
	if (size >= 1) {
		lim.max_args = 1 + data[0] % FUZZ_ARGV_CAP;
		data++, size--;
	}
	/* Exactly size bytes, so that a read past the end is caught. */
	rec = malloc(size ? size : 1);
	FUZZ_ASSERT(rec);
	memcpy(rec, data, size);
	ret = tracer_decode(rec, size, &lim, argv, FUZZ_ARGV_CAP, &ev);
	FUZZ_ASSERT(ret == 0 || ret == -22);
	if (ret == 0) {
		switch (ev.type) {
		case TRACER_EVENT_EXEC:
			check_inside(rec, size, ev.exec.comm);
			check_inside(rec, size, ev.exec.filename);
			FUZZ_ASSERT(ev.exec.argc <= lim.max_args);
			for (uint32_t i = 0; i < ev.exec.argc; i++)
				check_inside(rec, size, ev.exec.argv[i]);
			if (ev.exec.tty)
				FUZZ_ASSERT(ev.exec.tty >= rec && ev.exec.tty < rec + size &&
					    memchr(ev.exec.tty, 0, rec + size - ev.exec.tty));
			break;
		case TRACER_EVENT_EXIT:
			check_inside(rec, size, ev.exit.comm);
			break;
		case TRACER_EVENT_FORK:
			check_inside(rec, size, ev.fork.comm);
			break;
		case TRACER_EVENT_SIGNAL:
			check_inside(rec, size, ev.signal.sender_comm);
			check_inside(rec, size, ev.signal.target_comm);
			break;
		case TRACER_EVENT_STOP:
			check_inside(rec, size, ev.stop.comm);
			check_inside(rec, size, ev.stop.filename);
			check_inside(rec, size, ev.stop.exe.path);
			FUZZ_ASSERT(ev.stop.argc <= FUZZ_ARGV_CAP);
			for (uint32_t i = 0; i < ev.stop.argc; i++)
				check_inside(rec, size, ev.stop.argv[i]);
			break;
		default:
			FUZZ_ASSERT(!"unexpected event type");
		}
	}
	free(rec);
	return 0;
}
