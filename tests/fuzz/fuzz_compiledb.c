// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The compilation database on what users and builds choose. The first byte
 * picks the input's role:
 * - even: an existing database (--compile-db-append) for compiledb_load():
 *   accepted or refused with a one-line reason; once accepted, what
 *   compiledb_write() makes of it is valid UTF-8 JSON that loads again into
 *   as many entries;
 * - odd: the arguments of an exec (NUL-separated, the first the file
 *   executed) in cwd "/w": classified and recorded; the database written is
 *   valid UTF-8 JSON, one entry per source at most.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "compiledb.h"
#include "fuzz_check.h"

#define MAX_ARGS 256

/* The database written (*buf, *size), checked: valid UTF-8, a JSON array; its length. */
static size_t written(const struct compiledb *db, char **buf, size_t *size)
{
	struct json_object *o;
	FILE *out = open_memstream(buf, size);
	size_t n;

	FUZZ_ASSERT(out);
	FUZZ_ASSERT(compiledb_write(db, out) == 0);
	FUZZ_ASSERT(fclose(out) == 0);
	FUZZ_ASSERT(fuzz_valid_utf8(*buf, *size));
	o = json_tokener_parse(*buf);
	FUZZ_ASSERT(o && json_object_is_type(o, json_type_array));
	n = json_object_array_length(o);
	json_object_put(o);
	return n;
}

/*
 * Written, loaded back and written again: its number of entries. Loading
 * never fails on what tracer wrote; it may merge entries whose keys differed
 * only by bytes that are not UTF-8 (JSON cannot tell them apart once read).
 */
static size_t write_and_reload(const struct compiledb *db)
{
	struct compiledb *again = compiledb_new();
	char *buf = NULL, *buf2 = NULL, err[256];
	size_t size = 0, size2 = 0, n;

	FUZZ_ASSERT(again);
	n = written(db, &buf, &size);
	FUZZ_ASSERT(compiledb_load(again, buf, size, err, sizeof(err)) == 0);
	FUZZ_ASSERT(written(again, &buf2, &size2) <= n);
	compiledb_free(again);
	free(buf);
	free(buf2);
	return n;
}

static void as_file(const char *s, size_t len)
{
	struct compiledb *db = compiledb_new();
	char err[256] = "";
	int ret;

	FUZZ_ASSERT(db);
	ret = compiledb_load(db, s, len, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL || ret == -ENOMEM);
		FUZZ_ASSERT(err[0] && !strchr(err, '\n'));
	} else {
		write_and_reload(db);
	}
	compiledb_free(db);
}

static void as_exec(const char *s, size_t len)
{
	struct tracer_bytes argv[MAX_ARGS];
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_EXEC };
	struct compiledb_stats st;
	struct compiledb *db = compiledb_new();
	uint32_t n = 0;
	size_t i = 0, start = 0;

	FUZZ_ASSERT(db);
	for (i = 0; i <= len && n < MAX_ARGS; i++) {
		if (i == len || s[i] == '\0') {
			argv[n++] = (struct tracer_bytes){ s + start, i - start };
			start = i + 1;
		}
	}
	ev.exec.pid = ev.exec.tid = 100;
	ev.exec.ppid = 1;
	ev.exec.filename = argv[0];
	ev.exec.argc = n;
	ev.exec.total_argc = n;
	ev.exec.argv = argv;
	ev.exec.cwd.path = (struct tracer_bytes){ "/w", 2 };
	ev.exec.exe.path = argv[0];
	FUZZ_ASSERT(compiledb_add_event(db, &ev) == 0);
	compiledb_get_stats(db, &st);
	FUZZ_ASSERT(st.entries <= n);
	FUZZ_ASSERT(write_and_reload(db) == st.entries);
	compiledb_free(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	/* A copy of exactly the bytes used, so that any read past the end is caught. */
	s = malloc(size - 1 ? size - 1 : 1);
	FUZZ_ASSERT(s);
	memcpy(s, data + 1, size - 1);
	if (data[0] & 1)
		as_exec(s, size - 1);
	else
		as_file(s, size - 1);
	free(s);
	return 0;
}
