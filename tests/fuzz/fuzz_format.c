// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A raw record decoded, then written as text and as JSON: each event is
 * exactly one line of valid UTF-8 with no control character, and the JSON
 * line is one JSON object, whatever bytes the record holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/types.h>

#include "decode.h"
#include "writer.h"
#include "fuzz_check.h"
#include "wire.h"

#define FUZZ_ARGV_CAP 64

static void check_line(const char *buf, size_t len, bool json)
{
	FUZZ_ASSERT(len >= 1 && buf[len - 1] == '\n');
	FUZZ_ASSERT(fuzz_no_controls(buf, len - 1));
	FUZZ_ASSERT(fuzz_valid_utf8(buf, len));
	if (json) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *obj;

		FUZZ_ASSERT(tok);
		obj = json_tokener_parse_ex(tok, buf, (int)len - 1);
		FUZZ_ASSERT(obj && json_object_is_type(obj, json_type_object));
		/* Nothing after the object but the newline. */
		FUZZ_ASSERT(json_tokener_get_parse_end(tok) == len - 1);
		json_object_put(obj);
		json_tokener_free(tok);
	}
}

static void write_and_check(bool json, double ts, const struct tracer_event *ev)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	FUZZ_ASSERT(out);
	FUZZ_ASSERT(writer_write(json ? &json_writer : &text_writer, out, NULL, ts, ev) == 0);
	FUZZ_ASSERT(fclose(out) == 0);
	check_line(buf, len, json);
	free(buf);
}

static void lost_and_check(bool json, double ts, uint64_t count, uint32_t cpu)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	FUZZ_ASSERT(out);
	FUZZ_ASSERT((json ? &json_writer : &text_writer)->lost(out, ts, count, cpu) == 0);
	FUZZ_ASSERT(fclose(out) == 0);
	check_line(buf, len, json);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracer_bytes argv[FUZZ_ARGV_CAP];
	struct tracer_decode_limits lim = { .max_args = FUZZ_ARGV_CAP, .epoch_ns = 1000 };
	struct tracer_event ev;
	double ts;
	char *rec;

	/* The first 8 bytes are the timestamp in seconds (NaN and infinities too). */
	if (size < sizeof(ts))
		return 0;
	memcpy(&ts, data, sizeof(ts));
	data += sizeof(ts), size -= sizeof(ts);
	rec = malloc(size ? size : 1);
	FUZZ_ASSERT(rec);
	memcpy(rec, data, size);
	if (tracer_decode(rec, size, &lim, argv, FUZZ_ARGV_CAP, &ev) == 0) {
		write_and_check(false, ts, &ev);
		write_and_check(true, ts, &ev);
		lost_and_check(false, ts, ev.cpu_lost, ev.cpu);
		lost_and_check(true, ts, ev.cpu_lost, ev.cpu);
	}
	free(rec);
	return 0;
}
